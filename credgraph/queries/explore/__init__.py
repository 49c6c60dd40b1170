"""Explorer data: the neighbourhood of a node for the web map, with degrees, list flags and
collapsed hubs, over either store."""

from __future__ import annotations

from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.store import GraphStore
from credgraph.queries.explore.base import Explorer, LinkPage, MapNode, MapView
from credgraph.queries.explore.memory import MemoryExplorer
from credgraph.queries.explore.neo4j import Neo4jExplorer


def explorer_for(store: GraphStore) -> Explorer:
    """The explorer implementation for the store's kind."""
    if isinstance(store, MemoryStore):
        return MemoryExplorer(store)
    if isinstance(store, Neo4jStore):
        return Neo4jExplorer(store)
    raise TypeError(f"no explorer for {type(store).__name__}")


__all__ = ["Explorer", "LinkPage", "MapNode", "MapView", "explorer_for"]
