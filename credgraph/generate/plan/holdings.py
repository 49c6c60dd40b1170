"""Phase that decides who holds each enterprise: holding parents and chains, state holders,
the number of person holders, the company type, and the cross-holding cycles planted on
purpose."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import TODAY
from credgraph.generate.places import Geography
from credgraph.generate.plan.enterprises import Banks, Enterprises
from credgraph.generate.plan.lifecycle import Lifecycle
from credgraph.generate.words import (
    T_JOINT_STOCK,
    T_JOINT_STOCK_CORPORATE,
    T_OTHER_LLC,
    T_PARTNERSHIP,
    T_PERSONS,
    T_SOLE_CORPORATE,
    T_SOLE_PERSON,
    T_STATE,
)

MAX_CHAIN = 5
"""Holding levels above an enterprise at most (planted chains reach it)."""


@dataclass(slots=True)
class Holdings:
    parent: Arr
    """Holding parent, always an earlier (older) enterprise, or -1."""
    state: Arr
    """City (CITIES index) whose asset commission holds the enterprise, or -1."""
    type: Arr
    """Company type code (TYPE_NAMES)."""
    n_p: Arr
    """Number of person holders."""
    parent_bp: Arr
    """The parent's share in basis points."""
    state_bp: Arr
    is_group: Arr
    """Ten or more subsidiaries: named a group (集团)."""


@dataclass(slots=True)
class CrossHoldings:
    """Cycles planted on purpose: pairs where A holds 20% of B and B 10% of A, and from 20,000
    enterprises one triangle at 15% each. Rows sorted by target."""

    holder: Arr
    target: Arr
    bp: Arr
    start: Arr
    reserved: Arr
    """Per enterprise, basis points held by cycle partners (not left to person holders)."""


def plan_holdings(
    g: np.random.Generator, ent: Enterprises, banks: Banks, life: Lifecycle, geo: Geography
) -> tuple[Holdings, CrossHoldings]:
    n = len(ent.est)
    parent = _parents(g, ent, life)
    children = np.bincount(parent[parent >= 0], minlength=n)
    state = _state_holders(g, ent, life, parent, geo)
    typ, n_p, parent_bp, state_bp = _composition(g, ent, banks, parent, state)
    cross = _cycles(g, ent, life, typ, children)
    holdings = Holdings(
        parent=parent, state=state, type=typ, n_p=n_p, parent_bp=parent_bp, state_bp=state_bp,
        is_group=(children >= 10) & np.isin(typ, [T_PERSONS, T_OTHER_LLC, T_SOLE_CORPORATE,
                                                 T_STATE]),
    )
    return holdings, cross


def _parents(g: np.random.Generator, ent: Enterprises, life: Lifecycle) -> Arr:
    """Holding parents: mostly a pool of holding companies, a few chains MAX_CHAIN deep."""
    n = len(ent.est)
    nonbank = ~ent.is_bank
    # holding companies: a pool of active enterprises that own subsidiaries
    hpool = np.flatnonzero(life.active)
    nh = min(len(hpool), max(3, round(0.03 * n)))
    hold = np.sort(g.choice(hpool, nh, replace=False))
    parent = np.full(n, -1, dtype=np.int64)
    child = nonbank & (g.random(n) < 0.19)
    idx = np.flatnonzero(child)
    k = np.searchsorted(hold, idx)  # holding companies older than the child
    use_h = (k > 0) & (g.random(len(idx)) < 0.75)
    cand = np.where(
        use_h,
        hold[np.maximum(np.floor(g.random(len(idx)) * k).astype(np.int64), 0)
             .clip(0, len(hold) - 1)],
        np.floor(g.random(len(idx)) * idx).astype(np.int64),
    )
    ok = (cand < idx) & life.active[np.clip(cand, 0, n - 1)]
    parent[idx[ok]] = cand[ok]
    # a few planted chains of MAX_CHAIN levels
    kids = np.bincount(parent[parent >= 0], minlength=n)
    free = np.flatnonzero(life.active & (parent < 0) & (kids == 0))
    free = np.setdiff1d(free, hold)
    n_chain = min(max(1, n // 50_000), len(free) // (MAX_CHAIN + 1))
    if n_chain:
        pick = g.choice(free, (MAX_CHAIN + 1) * n_chain, replace=False).reshape(
            n_chain, MAX_CHAIN + 1
        )
        pick.sort(axis=1)
        for row in pick:
            for a, b in itertools.pairwise(row):
                parent[b] = a
    # cap chain depth at MAX_CHAIN holding levels
    while True:
        depth = np.zeros(n, dtype=np.int16)
        for _ in range(64):
            nd = np.where(parent >= 0, depth[np.maximum(parent, 0)] + 1, 0)
            if np.array_equal(nd, depth):
                break
            depth = nd
        too_deep = depth > MAX_CHAIN
        if not too_deep.any():
            break
        parent[too_deep & (depth == MAX_CHAIN + 1)] = -1
    return parent


def _state_holders(
    g: np.random.Generator, ent: Enterprises, life: Lifecycle, parent: Arr, geo: Geography
) -> Arr:
    """A few state-owned enterprises, held by their city's asset commission (SASAC)."""
    n = len(ent.est)
    state = np.full(n, -1, dtype=np.int64)
    cand_s = np.flatnonzero(life.active & (parent < 0))
    ns = min(len(cand_s), max(2, round(0.003 * n)))
    sidx = g.choice(cand_s, ns, replace=False)
    state[sidx] = geo.city[ent.unit[sidx]]
    return state


def _composition(
    g: np.random.Generator, ent: Enterprises, banks: Banks, parent: Arr, state: Arr
) -> tuple[Arr, Arr, Arr, Arr]:
    """Company type, number of person holders and the parent's and state's shares."""
    n = len(ent.est)
    nonbank = ~ent.is_bank
    typ = np.zeros(n, dtype=np.int8)
    n_p = np.zeros(n, dtype=np.int8)
    parent_bp = np.zeros(n, dtype=np.int16)
    state_bp = np.zeros(n, dtype=np.int16)
    r = g.random(n)
    multi = g.choice([2, 3, 4, 5], size=n, p=[0.5, 0.28, 0.14, 0.08]).astype(np.int8)
    few = g.choice([1, 2, 3], size=n, p=[0.5, 0.35, 0.15]).astype(np.int8)
    hasp = parent >= 0
    # children
    sole = hasp & (r < 0.35)
    typ[sole] = T_SOLE_CORPORATE
    parent_bp[sole] = 10_000
    mixed = hasp & ~sole
    typ[mixed] = np.where(r[mixed] < 0.92, T_OTHER_LLC,
                          np.where(r[mixed] < 0.96, T_JOINT_STOCK_CORPORATE, T_PARTNERSHIP))
    parent_bp[mixed] = g.integers(5100, 9001, int(mixed.sum()))
    n_p[mixed] = few[mixed]
    # state owned
    hs = state >= 0
    s_sole = hs & (r < 0.5)
    typ[s_sole] = T_STATE
    state_bp[s_sole] = 10_000
    s_mixed = hs & ~s_sole
    typ[s_mixed] = T_OTHER_LLC
    state_bp[s_mixed] = g.integers(3000, 7001, int(s_mixed.sum()))
    n_p[s_mixed] = few[s_mixed]
    # persons only
    po = nonbank & ~hasp & ~hs
    r2 = g.random(n)
    typ[po & (r2 < 0.25)] = T_SOLE_PERSON
    n_p[po & (r2 < 0.25)] = 1
    js = po & (r2 >= 0.25) & (r2 < 0.28)
    typ[js] = T_JOINT_STOCK
    lp = po & (r2 >= 0.28) & (r2 < 0.33)
    typ[lp] = T_PARTNERSHIP
    rest = po & (r2 >= 0.33)
    typ[rest] = T_PERSONS
    n_p[js | lp | rest] = multi[js | lp | rest]
    typ[ent.is_bank] = banks.type[np.argsort(banks.idx)]
    return typ, n_p, parent_bp, state_bp


def _cycles(
    g: np.random.Generator, ent: Enterprises, life: Lifecycle, typ: Arr, children: Arr
) -> CrossHoldings:
    """Pick the cycle members among person-held enterprises with no subsidiary (retyped)."""
    n = len(ent.est)
    reserved = np.zeros(n, dtype=np.int64)
    cyc_h: list[int] = []
    cyc_t: list[int] = []
    cyc_bp: list[int] = []
    ccand = np.flatnonzero(life.active & (typ == T_PERSONS) & (children == 0))
    n_cyc = min(max(3, n // 10_000), len(ccand) // 2)
    n_tri = 1 if n >= 20_000 and len(ccand) >= 2 * n_cyc + 3 else 0
    pick = g.choice(ccand, 2 * n_cyc + 3 * n_tri, replace=False)
    for c in range(n_cyc):
        a, b = int(pick[2 * c]), int(pick[2 * c + 1])
        cyc_h += [a, b]
        cyc_t += [b, a]
        cyc_bp += [2000, 1000]
    if n_tri:
        a, b, t = (int(x) for x in pick[2 * n_cyc :])
        cyc_h += [a, b, t]
        cyc_t += [b, t, a]
        cyc_bp += [1500, 1500, 1500]
    ch = np.array(cyc_h, dtype=np.int64)
    ct = np.array(cyc_t, dtype=np.int64)
    cb = np.array(cyc_bp, dtype=np.int64)
    np.add.at(reserved, ct, cb)
    typ[ct] = T_OTHER_LLC
    o = np.argsort(ct, kind="stable")
    holder, target, bp = ch[o], ct[o], cb[o]
    start = np.maximum(ent.est[holder], ent.est[target]) + g.integers(0, 365, len(o))
    return CrossHoldings(holder=holder, target=target, bp=bp, start=np.minimum(start, TODAY),
                         reserved=reserved)
