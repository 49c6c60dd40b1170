"""Phase that decides the posts and holdings not drawn per enterprise by the writers: the
planted restriction posts, professional directors on 10-50 boards, and appointments and
holdings registered ahead of time (starting after AS_OF)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import between, day_of
from credgraph.generate.plan.enterprises import Enterprises
from credgraph.generate.plan.holdings import Holdings
from credgraph.generate.plan.lifecycle import Lifecycle
from credgraph.generate.plan.people import LegalReps
from credgraph.generate.plan.plants import PlantedPosts
from credgraph.generate.values import R_DIRECTOR, R_MANAGER, R_SUPERVISOR


@dataclass(slots=True)
class ExtraPosts:
    """Officer rows sorted by enterprise; end -1 while in post."""

    ent: Arr
    person: Arr
    role: Arr
    start: Arr
    end: Arr


@dataclass(slots=True)
class FutureHoldings:
    """Person holdings starting after AS_OF (share not yet known), sorted by enterprise."""

    ent: Arr
    person: Arr
    start: Arr


def plan_extra_posts(
    g: np.random.Generator, m: int, ent: Enterprises, life: Lifecycle, reps: LegalReps,
    hold: Holdings, planted: PlantedPosts,
) -> tuple[ExtraPosts, FutureHoldings]:
    n = len(ent.est)
    es: list[Arr] = [planted.ent]
    ps: list[Arr] = [planted.person]
    rs: list[Arr] = [planted.role]
    ss: list[Arr] = [planted.start]
    ends: list[Arr] = [np.full(len(planted.ent), -1, dtype=np.int64)]
    # professional directors: a few people sitting on 10-50 boards
    pool = np.flatnonzero(~ent.is_bank)
    k = min(m, max(5, n // 2000))
    for p in g.choice(m, k, replace=False).tolist():
        cnt = min(len(pool), int(g.integers(10, 51)))
        e = np.sort(g.choice(pool, cnt, replace=False))
        e = e[reps.lr[e] != p]
        es.append(e)
        ps.append(np.full(len(e), p, dtype=np.int64))
        rs.append(g.choice([R_DIRECTOR, R_SUPERVISOR, R_MANAGER], size=len(e),
                           p=[0.55, 0.3, 0.15]))
        st = between(g, ent.est[e], life.limit[e])
        ss.append(st)
        en = np.where(g.random(len(e)) < 0.15, between(g, st, life.limit[e]), -1)
        ends.append(en)
    # appointments registered ahead of time
    ahead_lo, ahead_hi = day_of(2027, 1, 4), day_of(2027, 6, 30)
    act = np.flatnonzero(life.active)
    f = min(len(act), max(3, n // 20_000))
    e = np.sort(g.choice(act, f, replace=False))
    es.append(e)
    ps.append(g.integers(0, m, f))
    rs.append(g.choice([R_DIRECTOR, R_SUPERVISOR], size=f))
    ss.append(between(g, np.full(f, ahead_lo), np.full(f, ahead_hi)))
    ends.append(np.full(f, -1, dtype=np.int64))
    e_all = np.concatenate(es)
    o = np.argsort(e_all, kind="stable")
    posts = ExtraPosts(
        ent=e_all[o],
        person=np.concatenate(ps)[o],
        role=np.concatenate(rs).astype(np.int64)[o],
        start=np.concatenate(ss)[o],
        end=np.concatenate(ends)[o],
    )
    # holdings registered ahead of time
    f2 = min(len(act), max(2, n // 50_000))
    e2 = np.sort(g.choice(np.flatnonzero(life.active & (hold.n_p > 0)), f2, replace=False))
    future = FutureHoldings(
        ent=e2,
        person=g.integers(0, m, f2),
        start=between(g, np.full(f2, ahead_lo), np.full(f2, ahead_hi)),
    )
    return posts, future
