"""The path to a Neo4j cluster, on the test server through the routing scheme (neo4j://).

What a cluster needs is checked on the Bolt messages the driver sends (its debug log, which
carries each message's fields): a routing table is asked for (ROUTE), every analysis runs in
read transactions (BEGIN with mode "r", which a cluster sends to a secondary) and a load's
writes in write transactions (BEGIN without a mode: the leader); the read that follows a load
starts after the load's last commit (its bookmark), so a secondary that has not applied the
load yet waits for it. The server's own refusal of a write in a read transaction shows the
mode is enforced, not only sent. Answers must equal the embedded store's on the same data.
The reads of one API request share one read transaction (ReadScope), which still starts
after the last write, keeps the request's deadline and is ended by a failed read.
"""

from __future__ import annotations

import contextvars
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from neo4j import Neo4jDriver
from pydantic import SecretStr
from starlette.testclient import TestClient

from credgraph import deadline
from credgraph.api.app import create_app
from credgraph.exc import DeadlineExceededError, StoreError
from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_rows
from credgraph.loaders.rows import folder_rows
from credgraph.queries.time import Moment
from credgraph.settings import Settings, StoreKind
from tests.analyses import over
from tests.handmade import E1, EXPECTED_COUNTS, write_handmade

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
    """Keeps BEGIN, ROUTE, RUN and SUCCESS (whose fields carry the commit's bookmark)."""

    KINDS = ("C: BEGIN", "C: ROUTE", "C: RUN", "S: SUCCESS")

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


# --- one read transaction per request (ReadScope) -------------------------------------

ONE_REQUEST = f"""{{ enterprise(uscc: "{E1}", asOf: "{DAY}") {{ name
    shareholders {{ holder {{ id name }} percent }} officers {{ person {{ name }} role }} }}
    personFirms(personId: "P1", asOf: "{DAY}") {{ enterprise {{ name }} roles }} }}"""
"""Several store reads: the enterprise, its neighbourhood, names, the person's firms."""


@pytest.mark.neo4j
def test_a_request_reads_in_one_transaction_after_the_last_write(
        bolt: BoltMessages, neo4j_store: Neo4jStore, tmp_path: Path) -> None:
    dataset = write_handmade(tmp_path / "handmade")
    _load(dataset, neo4j_store, tmp_path / "rejects.csv")
    commits = [fields["bookmark"] for kind, fields in bolt.take()
               if kind == "S: SUCCESS" and "bookmark" in fields]
    with TestClient(create_app(neo4j_store, Settings(data_dir=tmp_path))) as client:
        answer = client.post("/graphql", json={"query": ONE_REQUEST}).json()
        begins = _begins(bolt.take())
        assert [b.get("mode") for b in begins] == ["r"], "one read transaction per request"
        assert commits[-1] in begins[0].get("bookmarks", []), \
            "the request's transaction starts after the last write"
        assert client.post("/graphql", json={"query": ONE_REQUEST}).json() == answer
        assert len(_begins(bolt.take())) == 1  # the next request: a transaction of its own
    embedded = MemoryStore(tmp_path / "graph.credgraph")
    _load(dataset, embedded, tmp_path / "rejects-embedded.csv")
    with TestClient(create_app(embedded, Settings(data_dir=tmp_path))) as client:
        assert client.post("/graphql", json={"query": ONE_REQUEST}).json() == answer
    assert "errors" not in answer and answer["data"]["personFirms"]


@pytest.mark.neo4j
def test_a_failed_read_ends_the_transaction(bolt: BoltMessages,
                                            neo4j_store: Neo4jStore) -> None:
    scope = neo4j_store.read_scope()
    bolt.take()
    with scope.active():
        assert neo4j_store.read("RETURN 1 AS one") == [{"one": 1}]
        with pytest.raises(StoreError, match="(?i)zero"):
            neo4j_store.read("UNWIND [1, 0] AS x RETURN 1 / x AS y")
        assert not scope.open
        assert neo4j_store.read("RETURN 2 AS two") == [{"two": 2}]  # in a new transaction
        assert scope.open
    scope.close()
    assert not scope.open
    assert len(_begins(bolt.take())) == 2


@pytest.mark.neo4j
def test_the_transaction_begins_with_its_first_read(bolt: BoltMessages,
                                                    neo4j_store: Neo4jStore) -> None:
    """BEGIN is sent with the first read's RUN and answered after it: one round trip, as
    the bare driver's execute_query, not a BEGIN awaited on its own before the read."""
    scope = neo4j_store.read_scope()
    bolt.take()
    with scope.active():
        assert neo4j_store.read("RETURN 1 AS one") == [{"one": 1}]
        assert neo4j_store.read("RETURN 2 AS two") == [{"two": 2}]
    scope.close()
    kinds = [kind for kind, _ in bolt.take()]
    assert kinds[:3] == ["C: BEGIN", "C: RUN", "S: SUCCESS"], kinds
    assert kinds.count("C: BEGIN") == 1 and kinds.count("C: RUN") == 2


@pytest.mark.neo4j
def test_the_transaction_keeps_the_requests_deadline(neo4j_store: Neo4jStore) -> None:
    """Begun at the first read with what was left of the deadline, it stops a later read
    when the request's time is up (not the store's 30 s limit)."""
    scope = neo4j_store.read_scope()
    started = time.perf_counter()
    with deadline.within(deadline.Budget(1.5)), scope.active():
        neo4j_store.read("RETURN 1 AS one")
        with pytest.raises(DeadlineExceededError):
            neo4j_store.read("UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 "
                             "RETURN count(x) AS n")
    scope.close()
    assert time.perf_counter() - started < 1.5 + 1.5


@pytest.mark.neo4j
def test_a_read_finishing_after_its_request_ends_the_transaction(
        neo4j_store: Neo4jStore) -> None:
    """A worker still reading when the request is over (deadline, client gone) must not
    leave a transaction open: nobody would close it."""
    scope = neo4j_store.read_scope()
    with scope.active():
        late = contextvars.copy_context()  # what a worker thread runs the call in
    assert late.run(neo4j_store.read, "RETURN 1 AS one") == [{"one": 1}]
    assert not scope.open


def test_the_embedded_store_reads_as_before(tmp_path: Path) -> None:
    """Nothing to begin or end: reads in its scope are plain reads."""
    store = MemoryStore(None)
    _load(write_handmade(tmp_path / "handmade"), store, tmp_path / "rejects.csv")
    scope = store.read_scope()
    with scope.active():
        counts = store.counts()
    assert not scope.open
    scope.close()
    assert counts.nodes == EXPECTED_COUNTS["nodes"]
