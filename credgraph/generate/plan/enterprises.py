"""Phases that decide which enterprises exist: dates, places, capital, addresses, banks."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import day_of
from credgraph.generate.places import CITIES, Geography
from credgraph.generate.pools import Pools
from credgraph.generate.words import (
    CITY_BANKS,
    NATIONAL_BANKS,
    T_BANK_BRANCH,
    T_BANK_BRANCH_SOE,
    T_BANK_HEAD,
)


@dataclass(slots=True)
class Enterprises:
    """Per enterprise; index order is the order of establishment."""

    est: Arr
    """Day of establishment, ascending."""
    unit: Arr
    """Registration unit (Geography index)."""
    cap: Arr
    """Registered capital in hundredths of 10,000 of its currency; -1 for none."""
    currency: Arr
    """Index in CURRENCIES."""
    name_variant: Arr
    """Where the city appears in the name: before the brand (0), after it (1), before the
    company form (2)."""
    addr_street: Arr
    addr_no: Arr
    addr_building: Arr
    addr_room: Arr
    is_bank: Arr


def plan_enterprises(g: np.random.Generator, n: int, geo: Geography, pools: Pools) -> Enterprises:
    u = g.random(n)
    recent = g.integers(day_of(2014, 1, 1), day_of(2025, 12, 31) + 1, n, dtype=np.int32)
    older = g.integers(day_of(1995, 1, 1), day_of(2013, 12, 31) + 1, n, dtype=np.int32)
    est = np.sort(np.where(u < 0.62, recent, older))  # index order = age order
    unit = geo.pick_units(g, n)
    cap = np.exp(g.normal(math.log(150.0), 1.6, n))
    round_caps = np.array([10, 30, 50, 100, 100, 200, 300, 500, 500, 1000, 1000, 2000,
                           3000, 5000, 10000], dtype=float)
    snap = g.random(n) < 0.7
    near = round_caps[np.clip(np.searchsorted(round_caps, cap), 0, len(round_caps) - 1)]
    cap = np.where(snap, near, cap)
    return Enterprises(
        est=est,
        unit=unit,
        cap=np.round(np.clip(cap, 10, 100_000) * 100).astype(np.int64),
        currency=np.where(g.random(n) < 0.006, 1, 0),
        name_variant=g.choice(3, size=n, p=[0.8, 0.12, 0.08]),
        addr_street=g.integers(0, len(pools.streets), n),
        addr_no=g.integers(1, 999, n),
        addr_building=g.integers(0, len(pools.buildings), n),
        addr_room=g.integers(101, 3300, n),
        is_bank=np.zeros(n, dtype=bool),
    )


@dataclass(slots=True)
class Banks:
    """The banks among the enterprises, by mortgage rank (rank 0 lends most)."""

    idx: Arr
    """Enterprise of each rank."""
    name: dict[int, str]
    """Name by enterprise (bank names do not follow the brand pattern)."""
    type: Arr
    """Company type code of each rank."""


def plan_banks(g: np.random.Generator, ent: Enterprises, geo: Geography) -> Banks:
    """Turn a few old enterprises into national bank branches and city bank head offices."""
    n = len(ent.est)
    nb = min(20, max(2, n // 50))
    old = np.flatnonzero(ent.est < day_of(2009, 1, 1))
    pool = old if len(old) >= nb else np.arange(n)
    idx = np.sort(g.choice(pool, nb, replace=False))
    specs: list[tuple[str, int, int]] = []  # name, city, type
    for k, (bank, soe) in enumerate(NATIONAL_BANKS):
        ci = k % 6
        typ = T_BANK_BRANCH_SOE if soe else T_BANK_BRANCH
        specs.append((f"{bank}{CITIES[ci][0]}分行", ci, typ))
    for bank, ci in CITY_BANKS:
        specs.append((bank, ci, T_BANK_HEAD))
    rank_order = g.permutation(nb)
    banks = Banks(idx=idx[rank_order], name={}, type=np.zeros(nb, dtype=np.int64))
    for r in range(nb):
        e = int(banks.idx[r])
        name, ci, typ = specs[r]
        banks.name[e] = name
        ent.unit[e] = geo.unit_of_city[ci]
        banks.type[r] = typ
        ent.cap[e] = -1 if typ != T_BANK_HEAD else int(g.integers(1_000_000, 3_000_000)) * 100
        ent.currency[e] = 0
        ent.name_variant[e] = 0
    ent.is_bank[banks.idx] = True
    return banks
