"""The path to a Neo4j cluster, on the test server through the routing scheme (neo4j://).

What a cluster needs is checked on the Bolt messages the driver sends (its debug log, which
carries each message's fields): a routing table is asked for (ROUTE), every analysis runs in
read transactions (BEGIN with mode "r", which a cluster sends to a secondary) and a load's
writes in write transactions (BEGIN without a mode: the leader); the read that follows a load
starts after the load's last commit (its bookmark), so a secondary that has not applied the
load yet waits for it. The server's own refusal of a write in a read transaction shows the
mode is enforced, not only sent. Answers must equal the embedded store's on the same data.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from neo4j import Neo4jDriver
from pydantic import SecretStr

from credgraph.exc import StoreError
from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_rows
from credgraph.loaders.rows import folder_rows
from credgraph.queries.time import Moment
from credgraph.settings import Settings, StoreKind
from tests.analyses import over
from tests.handmade import EXPECTED_COUNTS, write_handmade

DAY = "2026-06-01"
LOADED = datetime(2026, 1, 6, 8, 0, tzinfo=UTC)
"""Both stores' loads are stamped with this time, so that their answers can be compared whole."""


@dataclass
class BoltMessages:
    """The Bolt messages the driver logged: (message, its fields), in order."""

    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def take(self) -> list[tuple[str, dict[str, Any]]]:
        taken, self.sent = self.sent, []
        return taken


class _Recorder(logging.Handler):
    """Keeps BEGIN, ROUTE and SUCCESS (whose fields carry the commit's bookmark)."""

    KINDS = ("C: BEGIN", "C: ROUTE", "S: SUCCESS")

    def __init__(self, into: BoltMessages) -> None:
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        text = str(record.msg)
        for kind in self.KINDS:
            if kind in text:
                fields = record.args[1] if isinstance(record.args, tuple) and \
                    len(record.args) > 1 and isinstance(record.args[1], dict) else {}
                self.into.sent.append((kind, fields))


@pytest.fixture
def bolt() -> Iterator[BoltMessages]:
    messages = BoltMessages()
    handler = _Recorder(messages)
    logger = logging.getLogger("neo4j.io")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _routed(bolt_uri: str) -> str:
    scheme, _, address = bolt_uri.partition("://")
    assert scheme == "bolt", bolt_uri
    return f"neo4j://{address}"


@pytest.fixture
def routed_store(neo4j_uri: str) -> Iterator[Neo4jStore]:
    password = SecretStr(os.environ.get("CREDGRAPH_TEST_NEO4J_PASSWORD", ""))
    settings = Settings(neo4j_uri=_routed(neo4j_uri), neo4j_password=password)
    store = Neo4jStore.from_settings(settings)
    store.clear()
    try:
        yield store
    finally:
        store.close()


def _answers(store: GraphStore) -> dict[str, Any]:
    """Every kind of analysis over every entity of the hand-made registry."""
    analyses, at = over(store), Moment(DAY)
    ids = sorted(i for batch in analyses.backend.entity_ids(at) for i in batch)
    entities = analyses.links.entities(ids, at)
    firms = [i for i in ids if entities[i].label == "Enterprise"]
    people = [i for i in ids if entities[i].label == "Person"]
    assert firms and people
    return {
        "entities": entities,
        "neighbourhoods": analyses.links.neighbourhoods(ids, at),
        "owners": {f: analyses.links.ultimate_owners(f, at) for f in firms},
        "firms of": {p: analyses.links.person_firms(p, at) for p in people},
        "checks": {p: analyses.restrictions.check_person(p, at) for p in people},
        "exposure": {f: analyses.links.blacklist_exposure(f, at) for f in firms},
        "maps": {f: analyses.explorer.neighbourhood(f, at, hops=2) for f in firms},
    }


def _load(dataset: Path, store: GraphStore, rejects: Path) -> None:
    load_rows(folder_rows(dataset, LOADED), store, rejects_path=rejects, now=LOADED)


def _begins(messages: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [fields for kind, fields in messages if kind == "C: BEGIN"]


@pytest.mark.neo4j
def test_a_routed_store_loads_through_the_leader_and_reads_through_readers(
        bolt: BoltMessages, routed_store: Neo4jStore, tmp_path: Path) -> None:
    assert isinstance(routed_store.driver, Neo4jDriver)  # the routing driver, not BoltDriver
    assert any(kind == "C: ROUTE" for kind, _ in bolt.take()), "no routing table was asked for"
    dataset = write_handmade(tmp_path / "handmade")
    _load(dataset, routed_store, tmp_path / "rejects.csv")
    loading = bolt.take()
    writes = [b for b in _begins(loading) if b.get("mode") != "r"]
    assert writes, "a load writes in write transactions (sent to the leader)"

    # The first read after the load starts after the load's last commit.
    commits = [fields["bookmark"] for kind, fields in loading
               if kind == "S: SUCCESS" and "bookmark" in fields]
    assert routed_store.counts().nodes == EXPECTED_COUNTS["nodes"]
    first_read = _begins(bolt.take())
    assert first_read and first_read[0].get("mode") == "r"
    assert commits[-1] in first_read[0].get("bookmarks", []), \
        "the read after a load must wait for the load's last commit"

    routed = _answers(routed_store)
    reading = _begins(bolt.take())
    assert len(reading) > 20
    assert [b for b in reading if b.get("mode") != "r"] == [], \
        "every analysis statement runs in a read transaction"

    embedded = MemoryStore(tmp_path / "graph.credgraph")
    _load(dataset, embedded, tmp_path / "rejects-embedded.csv")
    assert routed == _answers(embedded)


@pytest.mark.neo4j
def test_the_server_refuses_a_write_sent_as_a_read(routed_store: Neo4jStore) -> None:
    """The mode is enforced by Neo4j: a statement that writes cannot pass as a read."""
    with pytest.raises(StoreError, match="(?i)read"):
        routed_store.read("CREATE (n:RoutingProbe) RETURN n")
    assert routed_store.is_empty()


@pytest.mark.parametrize("uri", ["neo4j://db.example:7687", "neo4j+s://db.example:7687",
                                 "neo4j+ssc://db.example", "bolt://127.0.0.1:7687",
                                 "bolt+s://db.example:7687"])
def test_settings_take_routing_and_direct_uris(uri: str) -> None:
    assert Settings(neo4j_uri=uri).neo4j_uri == uri


@pytest.mark.parametrize("uri", ["http://db.example:7474", "db.example:7687", "neo4j://",
                                 "neo4j+x://db.example"])
def test_settings_refuse_what_the_driver_cannot_speak(uri: str) -> None:
    with pytest.raises(ValueError, match="not a Neo4j URI"):
        Settings(neo4j_uri=uri)


def test_an_empty_uri_is_no_uri() -> None:
    settings = Settings(neo4j_uri="", store=None)
    assert settings.neo4j_uri is None and settings.store_kind is StoreKind.MEMORY
