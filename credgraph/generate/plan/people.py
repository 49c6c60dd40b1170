"""Phase that decides the persons and each enterprise's legal representative."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import between
from credgraph.generate.places import Geography
from credgraph.generate.plan.enterprises import Enterprises
from credgraph.generate.plan.holdings import Holdings
from credgraph.generate.plan.lifecycle import Lifecycle
from credgraph.generate.pools import Pools


@dataclass(slots=True)
class Persons:
    """Per person: name (pool indexes), registration unit and identity document parts."""

    surname: Arr
    given: Arr
    unit: Arr
    tail: Arr
    """Last digits of the identity document number."""
    x_check: Arr
    """A resident id whose check character is X."""
    nationality: Arr
    """Index in NATIONALITIES."""


@dataclass(slots=True)
class LegalReps:
    """Per enterprise: its legal representative, and the one before where it changed."""

    lr: Arr
    lr_is_holder: Arr
    """The legal representative is also the first person holder."""
    lr_changed: Arr
    lr_start: Arr
    prev_lr: Arr
    """The previous legal representative (from establishment to lr_start), or -1."""

    def at(self, idx: Arr, day: Arr) -> Arr:
        """The legal representative of enterprises idx on these days."""
        out: Arr = np.where(self.lr_start[idx] <= day, self.lr[idx], self.prev_lr[idx])
        return out


def plan_people(
    g: np.random.Generator, m: int, ent: Enterprises, life: Lifecycle, hold: Holdings,
    geo: Geography, pools: Pools,
) -> tuple[Persons, LegalReps]:
    n = len(ent.est)
    persons = Persons(
        surname=g.integers(0, len(pools.surnames), m),
        given=g.integers(0, len(pools.given), m),
        unit=geo.pick_units(g, m),
        tail=g.integers(0, 1000, m),
        x_check=g.random(m) < 0.09,
        nationality=g.choice(6, size=m, p=[0.972, 0.01, 0.006, 0.005, 0.004, 0.003]),
    )
    lr = g.integers(0, m, n)
    lr_is_holder = (g.random(n) < 0.65) & (hold.n_p > 0)
    span = life.limit - ent.est
    changed = (g.random(n) < 0.12) & (span > 60)
    lr_start = ent.est.copy()
    lr_start[changed] = between(g, ent.est[changed] + 30, life.limit[changed])
    prev_lr = np.where(changed, g.integers(0, m, n), -1)
    clash = prev_lr == lr
    prev_lr[clash] = (prev_lr[clash] + 1) % m
    return persons, LegalReps(lr=lr, lr_is_holder=lr_is_holder, lr_changed=changed,
                              lr_start=lr_start, prev_lr=prev_lr)
