"""Phase that decides which enterprises mortgage chattels and with which house bank, in exact
counts so that the skew holds at every size: the top bank takes about 62% of the
mortgagors, the second 15%, the rest fall off as 1/rank."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import day_of
from credgraph.generate.plan.enterprises import Banks, Enterprises
from credgraph.generate.plan.lifecycle import Lifecycle


@dataclass(slots=True)
class MortgagePlan:
    ent: Arr
    """Mortgagors, ascending."""
    bank_rank: Arr
    """Each mortgagor's house bank (rank in Banks.idx)."""
    bank_p: Arr
    """Share of mortgagors per bank rank: also how pledgees and other lenders are drawn."""


def plan_mortgages(
    g: np.random.Generator, ent: Enterprises, banks: Banks, life: Lifecycle
) -> MortgagePlan:
    n = len(ent.est)
    nb = len(banks.idx)
    lo = np.maximum(ent.est + 30, day_of(2008, 1, 1))
    elig = np.flatnonzero(~ent.is_bank & (life.limit >= lo + 30))
    m = min(len(elig), int(0.085 * n + 0.5))
    ents = np.sort(g.choice(elig, m, replace=False))
    top = min(m, math.ceil(0.62 * m))
    second = min(m - top, math.ceil(0.15 * m))
    rest = m - top - second
    w = 1.0 / np.arange(1, nb - 1) if nb > 2 else np.ones(1)
    others = (
        2 + g.choice(len(w), size=rest, p=w / w.sum()) if nb > 2 else np.ones(rest, dtype=int)
    )
    house = np.concatenate([np.zeros(top), np.ones(second), others]).astype(np.int64)
    rank = house[g.permutation(m)]
    bank_p = np.bincount(rank, minlength=nb) / max(1, m)
    return MortgagePlan(ent=ents, bank_rank=rank, bank_p=bank_p)
