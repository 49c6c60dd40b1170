"""Phase that decides the serious-illegal listings up front: the planted restriction hits
(plants.py) start from their legal representatives."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import TODAY, between, day_of
from credgraph.generate.plan.enterprises import Enterprises
from credgraph.generate.plan.people import LegalReps

ESCALATION = 0
"""Reason code of an escalation from the abnormal-operations list (SERIOUS_ILLEGAL_REASONS)."""


@dataclass(slots=True)
class SeriousIllegal:
    """Serious-illegal listings, sorted by enterprise."""

    ent: Arr
    day: Arr
    reason: Arr
    """Index in SERIOUS_ILLEGAL_REASONS."""
    removed: Arr
    removal: Arr
    """Index in SERIOUS_ILLEGAL_REMOVALS."""
    lr: Arr
    """The enterprise's legal representative on the listing day."""


def plan_serious_illegal(
    g: np.random.Generator, ent: Enterprises, reps: LegalReps
) -> SeriousIllegal:
    n = len(ent.est)
    cand = np.flatnonzero(~ent.is_bank & (ent.est <= TODAY - 800))
    k = min(len(cand), max(3, round(0.005 * n)))
    si = np.sort(g.choice(cand, k, replace=False))
    lo = np.maximum(day_of(2016, 1, 1), ent.est[si] + 365)
    day = between(g, lo, np.full(k, TODAY))
    # both texts of the rule (before and from 2024-05-01) are hit, whatever the size
    cut = day_of(2024, 5, 1)
    day[0] = between(g, lo[:1], np.minimum(np.full(1, cut - 1), TODAY))[0]
    day[1] = between(g, np.maximum(lo[1:2], cut), np.full(1, TODAY))[0]
    reason = np.empty(k, dtype=np.int64)
    r = g.random(k)
    early = day < day_of(2021, 9, 1)
    mid = (day >= day_of(2021, 9, 1)) & (day < cut)
    reason[early] = np.select([r[early] < 0.55, r[early] < 0.8, r[early] < 0.93],
                              [ESCALATION, 1, 2], 3)
    reason[mid] = np.select([r[mid] < 0.3, r[mid] < 0.55, r[mid] < 0.7, r[mid] < 0.85],
                            [ESCALATION, 1, 4, 5], 6)
    late = day >= cut
    reason[late] = np.select([r[late] < 0.35, r[late] < 0.5, r[late] < 0.7, r[late] < 0.85],
                             [1, 2, 4, 5], 6)
    # an escalation needs three years on the abnormal list first
    esc_ok = ent.est[si] + 365 <= day - 3 * 365 - 60
    reason[(reason == ESCALATION) & ~esc_ok] = 1
    removed = np.full(k, -1, dtype=np.int64)
    removal = np.zeros(k, dtype=np.int64)
    rr = g.random(k)
    repair = (rr < 0.12) & (day + 3 * 365 + 200 <= TODAY)
    removed[repair] = day[repair] + 3 * 365 + g.integers(0, 200, int(repair.sum()))
    removal[repair] = 1
    annul = (rr >= 0.12) & (rr < 0.16) & (day + 400 <= TODAY)
    removed[annul] = day[annul] + g.integers(30, 400, int(annul.sum()))
    removal[annul] = 2
    return SeriousIllegal(ent=si, day=day, reason=reason, removed=removed, removal=removal,
                          lr=reps.at(si, day))
