"""What every resolver reaches through `info.context`: the analyses, the settings, and
DataLoaders built fresh for each request.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import strawberry
from strawberry.dataloader import DataLoader

from credgraph import deadline
from credgraph.api.access import RequestAccess
from credgraph.api.limits import current_lane
from credgraph.exc import DeadlineExceededError
from credgraph.queries.analyses import Analyses
from credgraph.queries.links.results import ALL_SECTIONS, Neighbourhood
from credgraph.queries.time import Moment
from credgraph.settings import Settings
from credgraph.watch.service import Watch

T = TypeVar("T")


async def in_thread(call: Callable[[], T]) -> T:
    """Run a blocking store call off the event loop, so one slow query does not stall others.

    It runs on the server's bounded worker pool, one call of a request at a time, with
    the request's context, so the call sees the request's deadline (credgraph.deadline);
    past the deadline the caller gets DeadlineExceededError at once and the call stops at
    its next check.
    """
    lane = current_lane()
    budget = deadline.current()
    loop = asyncio.get_running_loop()
    if lane is None:
        return await loop.run_in_executor(None, contextvars.copy_context().run, call)

    async def run() -> T:
        async with lane.turn:
            if budget is not None:
                budget.check()
            return await loop.run_in_executor(lane.pool.executor,
                                              contextvars.copy_context().run,
                                              lane.pool.tracked(call))

    if budget is None:
        return await run()
    try:
        # A timeout on the running task rather than wait_for, which wraps every call of
        # every request in one more task for the event loop to run.
        async with asyncio.timeout(max(budget.remaining(), 0.0)):
            return await run()
    except TimeoutError:
        budget.cancel(f"the request ran past its deadline of {budget.seconds:g} s and was "
                      "stopped")
        raise DeadlineExceededError(budget.reason) from None


Version = Mapping[str, Any]
"""A fact version's properties as a backend returns them."""


@dataclass
class Loaders:
    """Per-request batching and caching of detail lookups (no cross-request staleness).

    Valid time does not change what they fetch (each field filters by its own day), so one
    loader per recorded time serves every day asked about.
    """

    analyses: Analyses
    _neighbourhoods: dict[str | None, DataLoader[str, Neighbourhood | None]] = field(
        default_factory=dict)
    _versions: dict[str | None, DataLoader[tuple[str, str], list[Version]]] = field(
        default_factory=dict)
    _objections: dict[str | None, DataLoader[str, list[Version]]] = field(default_factory=dict)
    _partial: dict[tuple[str | None, str], Neighbourhood] = field(default_factory=dict)

    def versions(self, at: Moment) -> DataLoader[tuple[str, str], list[Version]]:
        """Every version of facts (section, key) recorded by `at.known`."""
        loader = self._versions.get(at.known)
        if loader is None:
            backend = self.analyses.backend

            async def load(keys: list[tuple[str, str]]) -> list[list[Version]]:
                found = await in_thread(lambda: backend.fact_versions(keys, at))
                return [found.get(key, []) for key in keys]

            loader = self._versions[at.known] = DataLoader(load_fn=load)
        return loader

    def objections(self, at: Moment) -> DataLoader[str, list[Version]]:
        """The objections known at `at.known` about facts (`section:key`)."""
        loader = self._objections.get(at.known)
        if loader is None:
            backend = self.analyses.backend

            async def load(keys: list[str]) -> list[list[Version]]:
                found = await in_thread(lambda: backend.objections(keys, at))
                return [found.get(key, []) for key in keys]

            loader = self._objections[at.known] = DataLoader(load_fn=load)
        return loader

    async def neighbourhood(self, node_id: str, at: Moment,
                            section: str) -> Neighbourhood | None:
        """The neighbourhood of a node as recorded at `at.known` for a field that reads its
        `section`: one a lookup read for that section with its own, else the whole one,
        batched across the response."""
        partial = self._partial.get((at.known, node_id))
        if partial is not None and section in partial.sections:
            return partial
        return await self._neighbourhood_loader(at).load(node_id)

    def prime_neighbourhoods(self, at: Moment, found: Mapping[str, Neighbourhood]) -> None:
        """Neighbourhoods a lookup read with its own: a whole one answers every field of its
        node, one read for some sections (`Neighbourhood.sections`) only theirs."""
        loader = self._neighbourhood_loader(at)
        for node_id, around in found.items():
            if around.sections == ALL_SECTIONS:
                loader.prime(node_id, around)
            else:
                self._partial[at.known, node_id] = around

    def _neighbourhood_loader(self, at: Moment) -> DataLoader[str, Neighbourhood | None]:
        loader = self._neighbourhoods.get(at.known)
        if loader is None:
            links = self.analyses.links

            async def load(keys: list[str]) -> list[Neighbourhood | None]:
                found = await in_thread(lambda: links.neighbourhoods(keys, at))
                return [found.get(key) for key in keys]

            loader = self._neighbourhoods[at.known] = DataLoader(load_fn=load)
        return loader


@dataclass
class Context:
    analyses: Analyses
    settings: Settings
    loaders: Loaders
    access: RequestAccess
    watch: Watch

    @property
    def owner(self) -> str:
        """Whose watchlists and alerts the request acts on: the signed-in caller, never an
        argument a client could set."""
        return self.access.principal.owner


def make_context(analyses: Analyses, settings: Settings, access: RequestAccess,
                 watch: Watch) -> Context:
    return Context(analyses=analyses, settings=settings, loaders=Loaders(analyses),
                   access=access, watch=watch)


Info = strawberry.Info[Context, None]
