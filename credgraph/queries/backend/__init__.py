"""The per-store backends the analyses are written against, and the one place that picks one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from credgraph.graph.store import GraphStore
from credgraph.queries.backend.base import Backend, FactPlan
from credgraph.settings import StoreKind


def _memory(store: Any) -> Backend:
    from credgraph.queries.backend.memory import MemoryBackend

    return MemoryBackend(store)


def _neo4j(store: Any) -> Backend:
    from credgraph.queries.backend.neo4j import Neo4jBackend

    return Neo4jBackend(store)


BACKENDS: dict[StoreKind, Callable[[Any], Backend]] = {
    StoreKind.MEMORY: _memory,
    StoreKind.NEO4J: _neo4j,
}
"""Each store kind's backend; a new kind of store is one entry here."""


def backend_for(store: GraphStore) -> Backend:
    """The backend for an open store, chosen by the store's kind."""
    return BACKENDS[store.kind](store)


__all__ = ["BACKENDS", "Backend", "FactPlan", "backend_for"]
