"""What every resolver reaches through `info.context`: the store, the settings, the link
analysis, and DataLoaders built fresh for each request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import strawberry
from strawberry.dataloader import DataLoader

from credgraph.graph.store import GraphStore
from credgraph.queries.links import LinkAnalysis
from credgraph.queries.links.results import Neighbourhood
from credgraph.settings import Settings

T = TypeVar("T")


async def in_thread(call: Callable[[], T]) -> T:
    """Run a blocking store call off the event loop, so one slow query does not stall others."""
    return await asyncio.to_thread(call)


@dataclass
class Loaders:
    """Per-request batching and caching of neighbour lookups (no cross-request staleness)."""

    neighbourhood: DataLoader[str, Neighbourhood | None]
    """Detail sections of a node (holders, posts, lists ...), batched across the response."""


def _batched(fetch: Callable[[Sequence[str]], dict[str, T]]) -> DataLoader[str, T | None]:
    async def load(keys: list[str]) -> list[T | None]:
        found = await in_thread(lambda: fetch(keys))
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


@dataclass
class Context:
    store: GraphStore
    settings: Settings
    links: LinkAnalysis
    loaders: Loaders


def make_context(store: GraphStore, settings: Settings, links: LinkAnalysis) -> Context:
    return Context(
        store=store,
        settings=settings,
        links=links,
        loaders=Loaders(
            neighbourhood=_batched(links.neighbourhoods),
        ),
    )


Info = strawberry.Info[Context, None]
