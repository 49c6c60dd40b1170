"""Link analysis over a graph store: search, details, exposure, paths and ownership."""

from __future__ import annotations

from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.store import GraphStore
from credgraph.queries.links.base import LinkAnalysis
from credgraph.queries.links.memory import MemoryLinks
from credgraph.queries.links.neo4j import Neo4jLinks


def links_for(store: GraphStore) -> LinkAnalysis:
    """The link analysis implementation for the store's kind."""
    if isinstance(store, MemoryStore):
        return MemoryLinks(store)
    if isinstance(store, Neo4jStore):
        return Neo4jLinks(store)
    raise TypeError(f"no link analysis for {type(store).__name__}")


__all__ = ["LinkAnalysis", "links_for"]
