"""Phase that plants hits of the appointment-restriction rules (docs/restriction-rules.md).

Some legal representatives of revoked, ordered-closed or bankruptcy-liquidated
enterprises, and of enterprises on the serious-illegal list, take a post in another
active enterprise around the trigger day: as its legal representative (the other
enterprise's representative changes) or as a director, supervisor or manager.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import TODAY
from credgraph.generate.plan.enterprises import Enterprises
from credgraph.generate.plan.holdings import CrossHoldings
from credgraph.generate.plan.lifecycle import E_CLOSED, E_LIQUIDATED, E_REVOKED, Lifecycle
from credgraph.generate.plan.people import LegalReps
from credgraph.generate.plan.serious_illegal import SeriousIllegal
from credgraph.generate.values import R_DIRECTOR, R_MANAGER, R_SUPERVISOR


@dataclass(slots=True)
class PlantedPosts:
    """Posts other than legal representative taken by the planted persons."""

    ent: Arr
    person: Arr
    role: Arr
    start: Arr


def plant_restriction_hits(
    g: np.random.Generator, ent: Enterprises, life: Lifecycle, reps: LegalReps,
    serious: SeriousIllegal, cross: CrossHoldings,
) -> PlantedPosts:
    """Plant the hits; names most of the planted liquidations' representatives liable
    and changes the legal representative of the enterprises they take over."""
    n = len(ent.est)
    srcs = np.flatnonzero(np.isin(life.ev, [E_REVOKED, E_CLOSED, E_LIQUIDATED]))
    n_src = min(len(srcs), max(3, round(0.15 * len(srcs))))
    src = np.sort(g.choice(srcs, n_src, replace=False)) if n_src else srcs[:0]
    n_si = min(len(serious.ent), max(3, round(0.3 * len(serious.ent))))
    si_pick = np.sort(g.choice(len(serious.ent), n_si, replace=False))
    busy = np.zeros(n, dtype=bool)
    busy[srcs] = True
    busy[serious.ent] = True
    busy[cross.target] = True
    cand = np.flatnonzero(life.active & ~busy)
    targets = g.choice(cand, n_src + n_si, replace=False)
    life.liable[src[: max(1, round(0.7 * n_src))]] = True
    trig_day = np.concatenate([life.ev_day[src], serious.day[si_pick]])
    person = np.concatenate([reps.lr[src], serious.lr[si_pick]])
    as_lr = np.concatenate([g.random(n_src) < 0.6, np.ones(n_si, dtype=bool)])
    shift = g.integers(-900, 1000, n_src + n_si)
    start = np.clip(trig_day + shift, ent.est[targets], TODAY)
    x_e: list[int] = []
    x_p: list[int] = []
    x_r: list[int] = []
    x_s: list[int] = []
    roles = g.choice([R_DIRECTOR, R_SUPERVISOR, R_MANAGER], size=n_src + n_si,
                     p=[0.5, 0.25, 0.25])
    for k in range(n_src + n_si):
        t, p, s = int(targets[k]), int(person[k]), int(start[k])
        if p == reps.lr[t]:
            continue
        if as_lr[k]:
            changed = s > ent.est[t]
            reps.prev_lr[t] = reps.lr[t] if changed else -1
            reps.lr_changed[t] = changed
            reps.lr[t] = p
            reps.lr_start[t] = s
            reps.lr_is_holder[t] = False
        else:
            x_e.append(t)
            x_p.append(p)
            x_r.append(int(roles[k]))
            x_s.append(s)
    return PlantedPosts(
        ent=np.array(x_e, dtype=np.int64),
        person=np.array(x_p, dtype=np.int64),
        role=np.array(x_r, dtype=np.int64),
        start=np.array(x_s, dtype=np.int64),
    )
