"""Risk profiles and the registry's ranking (docs/risk.md) over any store's backend.

A profile is the indicators (indicators.yaml) that fire for an enterprise on a day, with
their evidence, the score (the sum of their weights) and the level. Profiles are computed
in batches (credgraph.queries.risk.compute); the ranking of every enterprise is kept per
(data version, day, knownAt), as the registry-wide restriction scan is.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from credgraph import deadline
from credgraph.exc import BadInputError
from credgraph.queries.backend.base import Backend
from credgraph.queries.links.analysis import LinkAnalysis
from credgraph.queries.links.results import Entity
from credgraph.queries.restrictions.service import (
    MAX_PAGE,
    Restrictions,
    decode_cursor,
    encode_cursor,
)
from credgraph.queries.risk.compute import COMPUTATIONS, Batch, Evidence, Found, Register
from credgraph.queries.risk.table import Indicator, IndicatorTable, load_indicators
from credgraph.queries.time import Moment

BATCH = 1000
"""Enterprises whose profiles are computed together in a ranking."""
RANKING_CACHE = 4
"""Whole rankings kept per process (each a data version, day and recorded time)."""


@dataclass(frozen=True, slots=True)
class Fired:
    indicator: Indicator
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class RiskProfile:
    enterprise: Entity
    day: str
    score: float
    level: str
    fired: tuple[Fired, ...]
    """In the table's order."""

    @property
    def key(self) -> tuple[float, str]:
        """The ranking's order: highest score first, then by id."""
        return (-self.score, self.enterprise.id)

    @property
    def cursor(self) -> str:
        return encode_cursor([repr(self.score), self.enterprise.id])


@dataclass(frozen=True, slots=True)
class RankingPage:
    items: list[RiskProfile]
    total: int
    has_next: bool
    has_previous: bool


class RiskAnalysis:
    """Risk profiles and the ranking over one store's backend, with one indicator table."""

    def __init__(self, backend: Backend, links: LinkAnalysis, restrictions: Restrictions,
                 table: IndicatorTable | None = None) -> None:
        self.backend, self.links, self.restrictions = backend, links, restrictions
        self.table = table or load_indicators()
        self._rankings: dict[tuple[int, str, str | None], list[RiskProfile]] = {}
        self._lock = threading.Lock()

    def profiles(self, ids: Sequence[str], at: Moment,
                 register: Register | None = None) -> dict[str, RiskProfile]:
        """The profile of each enterprise among `ids` (by id), computed as one batch (within a
        ranking, narrowed by what the register gives)."""
        batch = Batch(self.backend, self.links, self.restrictions, ids, at, register)
        found: dict[str, Found] = {}
        for indicator in self.table.indicators:
            deadline.check()
            found[indicator.id] = COMPUTATIONS[indicator.compute].run(batch,
                                                                      indicator.parameters)
        profiles: dict[str, RiskProfile] = {}
        for node in ids:
            entity = batch.entities.get(node)
            if entity is None or entity.label != "Enterprise":
                continue
            fired = tuple(Fired(indicator, tuple(found[indicator.id][node]))
                          for indicator in self.table.indicators
                          if found[indicator.id].get(node))
            score = round(sum(f.indicator.weight for f in fired), 6)
            profiles[node] = RiskProfile(entity, at.day, score, self.table.level(score), fired)
        return profiles

    def profile(self, ref: str, at: Moment) -> RiskProfile:
        """An enterprise's profile by USCC or registration number."""
        node = self.links.enterprise_id(ref, at)
        return self.profiles([node], at)[node]

    def ranking(self, at: Moment) -> list[RiskProfile]:
        """Every enterprise's profile, highest score first; kept per data version, day and
        knownAt, so the pages after the first are read from it."""
        key = (self.backend.data_version(), at.day, at.known)
        with self._lock:
            ranked = self._rankings.get(key)
        if ranked is None:
            profiles: list[RiskProfile] = []
            register = Register(self.backend, self.restrictions, at)
            for ids in self.backend.enterprise_ids(at, BATCH):
                deadline.check()
                profiles.extend(self.profiles(ids, at, register).values())
            ranked = sorted(profiles, key=lambda p: p.key)
            with self._lock:
                self._rankings[key] = ranked
                while len(self._rankings) > RANKING_CACHE:
                    self._rankings.pop(next(iter(self._rankings)))
        return ranked

    def page(self, at: Moment, level: str | None, first: int,
             after: str | None) -> RankingPage:
        """Keyset pages of the ranking, of one level or of all."""
        if not 0 <= first <= MAX_PAGE:
            raise BadInputError(f"first must be between 0 and {MAX_PAGE}, not {first}")
        start_key = _after_key(after) if after else None
        items = [p for p in self.ranking(at) if level is None or p.level == level]
        start = 0 if start_key is None else bisect_right([p.key for p in items], start_key)
        return RankingPage(items[start:start + first], len(items), start + first < len(items),
                           start > 0)


def _after_key(cursor: str) -> tuple[float, str]:
    parts = decode_cursor(cursor)
    try:
        score, node = parts
        return (-float(score), node)
    except ValueError:
        raise BadInputError(f"malformed cursor {cursor!r}") from None
