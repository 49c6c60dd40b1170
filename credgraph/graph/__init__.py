"""The graph model and the two stores behind one interface."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credgraph.settings import Settings, StoreKind

if TYPE_CHECKING:  # the stores pull in their drivers: imported when one is opened
    from credgraph.graph.store import GraphStore


def open_store(settings: Settings) -> GraphStore:
    """The store the settings name: Neo4j when configured, else the embedded file store."""
    if settings.store_kind is StoreKind.NEO4J:
        from credgraph.graph.neo4j_store import Neo4jStore

        return Neo4jStore.from_settings(settings)
    from credgraph.graph.memory import MemoryStore

    return MemoryStore(settings.graph_file)


__all__ = ["open_store"]
