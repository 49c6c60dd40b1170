"""The graph model and the two stores behind one interface."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from credgraph.exc import ConfigurationError
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


def open_for_load(settings: Settings, bulk: bool = False, import_folder: Path | None = None,
                  notify: Callable[[str], None] | None = None) -> GraphStore:
    """The store a load writes into: a bulk import (neo4j-admin) into an empty Neo4j
    database when asked, or by itself when the server is stopped, credgraph may start and
    stop it (CREDGRAPH_NEO4J_SERVER, CREDGRAPH_NEO4J_ADMIN) and its database is empty;
    else the configured store, written incrementally.

    A running server is never stopped unless asked (`bulk`); a stopped one is started to
    see whether its database is empty, the only reliable way to tell.
    """
    if settings.store_kind is not StoreKind.NEO4J:
        if bulk:
            raise ConfigurationError("a bulk load goes into Neo4j (CREDGRAPH_NEO4J_URI); the "
                                     "embedded store is loaded incrementally")
        return open_store(settings)
    if not bulk and not (settings.neo4j_admin and settings.neo4j_server):
        return open_store(settings)
    from credgraph.graph.neo4j_admin import ServerTools
    from credgraph.graph.neo4j_import import ImportStore, answering
    from credgraph.graph.neo4j_store import Neo4jStore

    tools = ServerTools.from_settings(settings)

    def connect() -> Neo4jStore:
        return Neo4jStore.from_settings(settings)

    try:
        live = connect()
    except ConfigurationError:
        if notify is not None:
            notify(f"Neo4j at {settings.neo4j_uri} does not answer: starting it")
        tools.start()
        live = answering(connect)
    else:
        if not bulk:
            return live
    if not live.is_empty():
        if not bulk:
            return live
        live.close()
        raise ConfigurationError(
            f"a bulk load only fills an empty database, and {settings.neo4j_database} at "
            f"{settings.neo4j_uri} holds data: load without --bulk (incrementally)")
    live.close()
    return ImportStore(tools, connect, import_folder, notify)


__all__ = ["open_for_load", "open_store"]
