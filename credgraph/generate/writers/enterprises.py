"""Rows of the enterprises section."""

from __future__ import annotations

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import date_texts, day_of
from credgraph.generate.identifiers import reg_nos
from credgraph.generate.plan import World
from credgraph.generate.plan.names import INDUSTRY_SCOPES
from credgraph.generate.words import CURRENCIES, STATUS_NAMES, TYPE_NAMES
from credgraph.generate.writers.block import Block
from credgraph.generate.writers.sink import hundredths, pick


def registered_addresses(w: World, idx: Arr) -> list[str]:
    """The registered address (住所) of enterprises idx."""
    unit = w.ent.unit[idx]
    city = w.geo.city[unit]
    p = w.pools
    addr = (
        w.geo.city_name[city] + w.geo.district_name[unit] + p.streets[w.ent.addr_street[idx]]
        + w.ent.addr_no[idx].astype(str).astype(object) + "号"
        + p.buildings[w.ent.addr_building[idx]]
        + w.ent.addr_room[idx].astype(str).astype(object) + "室"
    )
    return list(addr.tolist())


def write_enterprises(b: Block) -> None:
    w, idx = b.w, b.idx
    n = len(idx)
    # a legacy registration number on records from before the USCC
    old = w.ent.est[idx] < day_of(2016, 1, 1)
    reg = [""] * n
    if old.any():
        oi = np.flatnonzero(old)
        for k, s in zip(oi.tolist(), reg_nos(w.division(idx[oi]), idx[oi]), strict=True):
            reg[k] = s
    b.sink.write("enterprises", {
        "uscc": b.u(idx),
        "reg_no": reg,
        "name": list(b.names.tolist()),
        "type": pick(TYPE_NAMES, w.hold.type[idx]),
        "status": pick(STATUS_NAMES, w.life.status[idx]),
        "established": date_texts(w.ent.est[idx]),
        "registered_capital": hundredths(w.ent.cap[idx]),
        "currency": pick(CURRENCIES, w.ent.currency[idx]),
        "authority": list(w.authority(idx).tolist()),
        "address": registered_addresses(w, idx),
        "business_scope": list(INDUSTRY_SCOPES[w.naming.industry(idx)].tolist()),
    })
