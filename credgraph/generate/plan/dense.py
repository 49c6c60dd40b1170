"""Phase (on request only) that plants densely cross-held groups: hundreds of firms holding
each other in a ring, with chains of further holdings across the ring.

Each group is a ring of 150 to 400 person-held companies where every member holds 10-30%
of the next, and is held besides by one or two other members at 5-15% each, so the group
is one strongly connected block of holdings with many cycles and long chains. Every
member keeps at least 40% for its person holders. The group is what ownership questions
find hardest: the owners above any member are the whole group and its persons.

It draws from a stream of its own (Stream.DENSE) and runs after every other phase, so a
dataset generated without groups is byte-identical to one from before this phase existed.
"""

from __future__ import annotations

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import TODAY
from credgraph.generate.plan.enterprises import Enterprises
from credgraph.generate.plan.holdings import CrossHoldings, Holdings
from credgraph.generate.plan.lifecycle import Lifecycle
from credgraph.generate.words import T_OTHER_LLC, T_PERSONS

GROUP_SIZE = (150, 400)
"""Members of one group, at least and at most."""
RING_BP = (1000, 3000)
"""A member's share of the next member in the ring, in basis points."""
CHAIN_BP = (500, 1500)
"""The share of each further holder within the group, in basis points."""


def plan_dense_groups(g: np.random.Generator, groups: int, ent: Enterprises,
                      life: Lifecycle, hold: Holdings, cross: CrossHoldings) -> CrossHoldings:
    """The cross-holdings with `groups` dense groups added (members retyped as companies
    held by enterprises and persons); `cross` itself when none are asked for."""
    if groups <= 0:
        return cross
    free = (life.active & ~ent.is_bank & (hold.type == T_PERSONS) & (hold.parent < 0)
            & (hold.state < 0) & (cross.reserved == 0))
    holders: list[Arr] = []
    targets: list[Arr] = []
    shares: list[Arr] = []
    for _ in range(groups):
        candidates = np.flatnonzero(free)
        size = int(g.integers(GROUP_SIZE[0], GROUP_SIZE[1] + 1))
        if len(candidates) < size:
            raise ValueError(f"too few enterprises for {groups} dense groups of up to "
                             f"{GROUP_SIZE[1]} members: generate more enterprises")
        members = np.sort(g.choice(candidates, size, replace=False))
        free[members] = False
        position = np.arange(size)
        # Member i is held by i - 1 (the ring) and by i - first and i - second (chains
        # across it): offsets in 2 .. size - 2, the two distinct, never the ring's holder
        # nor the member itself.
        first = g.integers(2, size - 1, size)
        second = 2 + (first - 2 + g.integers(1, size - 3, size)) % (size - 3)
        twice = g.random(size) < 0.5
        holder = [members[(position - 1) % size], members[(position - first) % size],
                  members[(position - second)[twice] % size]]
        target = [members, members, members[twice]]
        share = [g.integers(RING_BP[0], RING_BP[1] + 1, size),
                 g.integers(CHAIN_BP[0], CHAIN_BP[1] + 1, size),
                 g.integers(CHAIN_BP[0], CHAIN_BP[1] + 1, int(twice.sum()))]
        holders.append(np.concatenate(holder))
        targets.append(np.concatenate(target))
        shares.append(np.concatenate(share))
    holder_all, target_all = np.concatenate(holders), np.concatenate(targets)
    bp_all = np.concatenate(shares)
    start = (np.maximum(ent.est[holder_all], ent.est[target_all])
             + g.integers(0, 365, len(holder_all)))
    reserved = np.asarray(cross.reserved, dtype=np.int64).copy()
    np.add.at(reserved, target_all, bp_all)
    hold.type[target_all] = T_OTHER_LLC
    merged = {name: np.concatenate([np.asarray(getattr(cross, name), dtype=np.int64), added])
              for name, added in (("holder", holder_all), ("target", target_all),
                                  ("bp", bp_all), ("start", np.minimum(start, TODAY)))}
    order = np.argsort(merged["target"], kind="stable")
    return CrossHoldings(**{name: values[order] for name, values in merged.items()},
                         reserved=reserved)
