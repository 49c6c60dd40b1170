"""Rows of the enterprise_events section: each enterprise's terminal event from the plan."""

from __future__ import annotations

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import date_texts
from credgraph.generate.identifiers import person_ids
from credgraph.generate.plan.lifecycle import (
    E_CLOSED,
    E_DEREGISTERED,
    E_LIQUIDATED,
    E_NONE,
    E_REGISTRATION_REVOKED,
    E_REVOKED,
)
from credgraph.generate.values import (
    BANKRUPTCY_LIQUIDATED,
    DEREGISTERED,
    LICENCE_REVOKED,
    ORDERED_CLOSED,
    REGISTRATION_REVOKED,
)
from credgraph.generate.words import (
    CLOSE_REASONS,
    DEREG_REASONS,
    LIQUIDATION_REASON,
    REGISTRATION_REVOKED_REASON,
    REVOKE_REASONS,
)
from credgraph.generate.writers.block import Block


def write_events(b: Block, second_liable: Arr) -> None:
    """Events with their deciding authority and, where the plan says so, the legal
    representative named liable (in half the liquidations with a second officer)."""
    w, rng, idx, lo = b.w, b.rng, b.idx, b.lo
    geo, life = w.geo, w.life
    ev = life.ev[idx]
    rows: list[tuple[int, str, int, str, str, str]] = []
    has = np.flatnonzero(ev != E_NONE)
    pid_lr = person_ids(w.reps.lr[idx[has]])
    l2 = second_liable[has]
    pid_l2 = person_ids(np.maximum(l2, 0))
    rnd = rng.random(len(has)).tolist()
    for j, loc in enumerate(has.tolist()):
        e = lo + loc
        kind = int(ev[loc])
        day = int(life.ev_day[e])
        unit = int(w.ent.unit[e])
        auth = str(geo.authority[unit])
        city = int(geo.city[unit])
        liable = ""
        if life.liable[e]:
            liable = pid_lr[j]
            if kind == E_LIQUIDATED and l2[j] >= 0 and rnd[j] < 0.5:
                liable += ";" + pid_l2[j]
        variant = int(rnd[j] * 1000)
        if kind == E_REVOKED:
            rows.append((e, LICENCE_REVOKED, day,
                         REVOKE_REASONS[variant % len(REVOKE_REASONS)], auth, liable))
        elif kind == E_CLOSED:
            why, who = CLOSE_REASONS[variant % len(CLOSE_REASONS)]
            rows.append((e, ORDERED_CLOSED, day, why, str(geo.city_name[city]) + who, liable))
        elif kind == E_LIQUIDATED:
            court = str(geo.court[geo.unit_of_city[city]])
            rows.append((e, BANKRUPTCY_LIQUIDATED, day, LIQUIDATION_REASON, court, liable))
            rows.append((e, DEREGISTERED, int(life.status_day[e]), LIQUIDATION_REASON, auth, ""))
        elif kind == E_DEREGISTERED:
            rows.append((e, DEREGISTERED, day, DEREG_REASONS[variant % len(DEREG_REASONS)],
                         auth, ""))
        elif kind == E_REGISTRATION_REVOKED:
            rows.append((e, REGISTRATION_REVOKED, day, REGISTRATION_REVOKED_REASON, auth, ""))
    if not rows:
        return
    b.sink.write("enterprise_events", {
        "enterprise": b.u(np.array([r[0] for r in rows], dtype=np.int64)),
        "event": [r[1] for r in rows],
        "date": date_texts(np.array([r[2] for r in rows])),
        "reason": [r[3] for r in rows],
        "authority": [r[4] for r in rows],
        "liable_persons": [r[5] for r in rows],
    })
