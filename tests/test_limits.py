"""What bounds a request: its deadline (the work stops, measured), a client that hangs up,
the bounded worker pool (503), rate limits (429), the cost limit, cross-site requests,
security headers, probes, and logs that never hold the server."""

from __future__ import annotations

import io
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import parse
from starlette.testclient import TestClient

from credgraph.api.app import create_app
from credgraph.api.auth import KeyStore
from credgraph.api.limits import WorkerPool, cost_errors
from credgraph.api.logs import DroppingQueueHandler, LogWriter, RecordBuffer
from credgraph.api.schema import build_schema
from credgraph.graph.memory import MemoryStore
from credgraph.graph.records import EdgeRecord, NodeRecord
from credgraph.settings import Settings
from tests.graphs import write_graph
from tests.live_server import serving

PEOPLE = 12_000
HUB = "E-HUB"
LONG_PATHS = (f'paths(fromId: "P000001", toId: "P000002", maxDegree: {PEOPLE * 2}) '
              "{ length }")
"""Every person holds shares in one hub, and the hub is not pruned: the ball of links
around the two ends is the whole graph (one to a few seconds for the graph below), and the
deadline is checked at each relationship walked. (A search no longer walks every node:
it reads a name index.)"""
LONG = "{ " + " ".join(f"a{i}: {LONG_PATHS}" for i in range(6)) + " }"
CHEAP = '{ person(personId: "P000001") { name } }'


@pytest.fixture(scope="module")
def big_store() -> MemoryStore:
    store = MemoryStore(None)
    people = [NodeRecord("Person", f"P{i:06d}", {
        "name": f"人员{i}", "name_norm": f"人员{i}", "placeholder": False})
        for i in range(PEOPLE)]
    hub = NodeRecord("Enterprise", HUB, {"name": "枢纽公司", "name_norm": "枢纽公司",
                                         "placeholder": False})
    holdings = [EdgeRecord("SHAREHOLDER", f"S-{person.id}", person.id, HUB,
                           {"percent": 0.0005, "start": "2015-01-01"}) for person in people]
    write_graph(store, [*people, hub], holdings)
    return store


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(data_dir=tmp_path, **extra)


def _post(url: str, query: str, timeout: float = 30.0) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = httpx.post(f"{url}/graphql", json={"query": query}, timeout=timeout)
    return time.perf_counter() - started, response


def _code(response: httpx.Response) -> str | None:
    errors = response.json().get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


def test_a_long_request_runs_long_enough_to_be_stopped(big_store: MemoryStore,
                                                       tmp_path: Path) -> None:
    """The premise of the tests below: one such paths question alone takes well over their
    deadlines."""
    app = create_app(big_store, _settings(tmp_path, request_deadline_seconds=60))
    with serving(app) as url:
        seconds, response = _post(url, f"{{ {LONG_PATHS} }}")
    assert response.json()["data"]["paths"] == [{"length": 2}]  # P000001 - hub - P000002
    assert seconds > 0.6, seconds


def test_deadline_stops_the_work_and_others_are_served(big_store: MemoryStore,
                                                       tmp_path: Path) -> None:
    app = create_app(big_store, _settings(tmp_path, request_deadline_seconds=1.5,
                                          api_workers=2))
    with serving(app) as url:
        _post(url, CHEAP)  # warm up
        others: list[tuple[float, float]] = []

        def other_client() -> None:
            time.sleep(0.1)
            seconds, response = _post(url, CHEAP)
            assert response.json() == {"data": {"person": {"name": "人员1"}}}
            others.append((seconds, time.perf_counter()))

        helper = threading.Thread(target=other_client)
        helper.start()
        seconds, response = _post(url, LONG)
        answered = time.perf_counter()
        helper.join()
        assert _code(response) == "DEADLINE_EXCEEDED" and response.json()["data"] is None
        assert "deadline of 1.5 s" in response.json()["errors"][0]["message"]
        assert seconds < 1.5 + 1.0, seconds
        print(f"\nanother client's request during the long one: {others[0][0] * 1000:.0f} ms")
        assert others[0][1] < answered  # served while the long request ran

    # The stopped walk must let go of its worker at its next check; without the checks it
    # would run on for the rest of the walk (most of a second).
    deadline = 0.2
    app = create_app(big_store, _settings(tmp_path, request_deadline_seconds=deadline))
    with serving(app) as url:
        seconds, response = _post(url, LONG)
        assert _code(response) == "DEADLINE_EXCEEDED"
        stop = _until_idle(app.state.pool)
        print(f"worker busy after the deadline answer: {stop * 1000:.0f} ms")
        assert stop < 0.3, stop
        assert _post(url, CHEAP)[1].json() == {"data": {"person": {"name": "人员1"}}}


def _until_idle(pool: WorkerPool, limit: float = 5.0) -> float:
    """Seconds until no worker runs a store call."""
    started = time.perf_counter()
    while pool.busy and time.perf_counter() - started < limit:
        time.sleep(0.002)
    return time.perf_counter() - started


def test_a_client_that_hangs_up_stops_its_work(big_store: MemoryStore, tmp_path: Path) -> None:
    app = create_app(big_store, _settings(tmp_path, request_deadline_seconds=60))
    with serving(app) as url:
        with pytest.raises(httpx.ReadTimeout):
            _post(url, LONG, timeout=0.3)
        stop = _until_idle(app.state.pool)
        print(f"worker busy after the client hung up: {stop * 1000:.0f} ms")
        assert stop < 0.3, stop
        assert _post(url, CHEAP)[1].json() == {"data": {"person": {"name": "人员1"}}}


def test_a_full_pool_answers_503_at_once(big_store: MemoryStore, tmp_path: Path) -> None:
    app = create_app(big_store, _settings(tmp_path, request_deadline_seconds=2,
                                          api_max_requests=1))
    with serving(app) as url:
        long = threading.Thread(target=_post, args=(url, LONG))
        long.start()
        time.sleep(0.3)
        seconds, response = _post(url, CHEAP)
        long.join()
        assert response.status_code == 503 and response.headers["retry-after"] == "1"
        assert _code(response) == "SERVER_BUSY" and seconds < 1.0
        assert httpx.get(f"{url}/healthz").status_code == 200  # probes are never refused
        _, response = _post(url, CHEAP)
        assert response.status_code == 200


@pytest.fixture
def small(tmp_path: Path) -> MemoryStore:
    store = MemoryStore(None)
    write_graph(store, [NodeRecord("Person", "P1", {"name": "甲", "name_norm": "甲",
                                                    "placeholder": False})], [])
    return store


def test_rate_limits_per_address_and_per_key(small: MemoryStore, tmp_path: Path) -> None:
    settings = _settings(tmp_path, keys_file=tmp_path / "keys.json",
                         rate_limit_per_ip="2/minute", rate_limit_per_key="3/minute")
    _, token = KeyStore(tmp_path / "keys.json").add("regulator", "r")
    with TestClient(create_app(small, settings)) as client:
        statuses = [client.post("/graphql", json={"query": CHEAP}).status_code
                    for _ in range(3)]
        assert statuses == [200, 200, 429]
        refused = client.post("/graphql", json={"query": CHEAP})
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        keyed = [client.post("/graphql", json={"query": CHEAP},
                             headers={"authorization": f"Bearer {token}"}).status_code
                 for _ in range(4)]
        assert keyed == [200, 200, 200, 429]


def test_query_cost_limit(small: MemoryStore, tmp_path: Path) -> None:
    nested = """query($n: Int!) { search(text: "甲", first: $n) { node { ... on Enterprise {
        shareholders { holder { id name ... on Enterprise { shareholders { holder { id } } } }
        percent } officers { person { id } } } } } }"""
    with TestClient(create_app(small, _settings(tmp_path))) as client:

        def ask(n: int) -> dict[str, Any]:
            body: dict[str, Any] = client.post(
                "/graphql", json={"query": nested, "variables": {"n": n}}).json()
            return body

        # The same text, cheap then costly then cheap: the document's checks are kept per
        # text, its cost never (the page size comes from the variables).
        assert "errors" not in ask(20)
        body = ask(1000)
        assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
        assert "data" not in body or body["data"] is None
        assert "errors" not in ask(20)
        assert ask(1000)["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


def _refused(document: str, max_cost: int) -> bool:
    schema = build_schema(Settings())._schema
    return bool(cost_errors(schema, parse(document), {}, max_cost, 20))


def test_a_list_with_a_declared_bound_costs_its_bound() -> None:
    """A path has at most six steps (maxHops), so `paths(first: 1) { steps { relation } }`
    costs 1 x (1 + 6 x 2) = 13, not 1 x (1 + 20 x 2) = 41 at the list estimate."""
    document = '{ paths(fromId: "a", toId: "b", first: 1) { steps { relation } } }'
    assert not _refused(document, 13)
    assert _refused(document, 12)


def test_cross_site_requests_and_headers(small: MemoryStore, tmp_path: Path) -> None:
    app = create_app(small, _settings(tmp_path, cors_origins=["https://portal.example.gov.cn"]))
    with TestClient(app) as client:
        evil = client.post("/graphql", json={"query": CHEAP},
                           headers={"origin": "https://evil.example"})
        assert evil.status_code == 403 and "data" not in evil.json()
        same = client.post("/graphql", json={"query": CHEAP},
                           headers={"origin": "http://testserver"})
        assert same.status_code == 200
        listed = client.post("/graphql", json={"query": CHEAP},
                             headers={"origin": "https://portal.example.gov.cn"})
        assert listed.status_code == 200
        assert listed.headers["access-control-allow-origin"] == "https://portal.example.gov.cn"
        preflight = client.options("/graphql", headers={
            "origin": "https://portal.example.gov.cn", "access-control-request-method": "POST",
            "access-control-request-headers": "authorization,content-type"})
        assert preflight.status_code == 200
        assert client.get("/graphql", params={"query": CHEAP}).status_code != 200
        api = client.post("/graphql", json={"query": CHEAP})
        assert api.headers["x-content-type-options"] == "nosniff"
        assert api.headers["cache-control"] == "no-store"
        assert len(api.headers["x-request-id"]) == 32
        explorer = client.get("/")
        assert "script-src 'self'" in explorer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in explorer.headers["content-security-policy"]
        assert explorer.headers["x-frame-options"] == "DENY"
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ready", "store": "memory"}


def test_logging_never_waits_for_a_slow_reader() -> None:
    """stderr as a pipe nobody reads: the writer thread blocks, the server's threads do not."""
    read_end, write_end = os.pipe()
    records = RecordBuffer(100)
    writer = LogWriter(records, os.fdopen(write_end, "w"))
    writer.start()
    handler = DroppingQueueHandler(records)
    logger = logging.getLogger("credgraph.test.slow-reader")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        started = time.perf_counter()
        for i in range(20_000):
            logger.warning("property key does not exist %s", "x" * 2000, extra={"n": i})
        seconds = time.perf_counter() - started
        assert seconds < 5, seconds
        assert handler.dropped > 0
    finally:
        logger.removeHandler(handler)
        os.close(read_end)  # the writer's next write fails and lets it stop
        writer.stop()


def test_the_log_writer_writes_every_record_in_order_and_the_rest_on_stop() -> None:
    """Records are written while the server runs, without being waited for, and what is
    still buffered when it stops is written before stop returns: nothing kept is lost."""
    stream = io.StringIO()
    records = RecordBuffer(10_000)
    writer = LogWriter(records, stream)
    handler = DroppingQueueHandler(records)
    logger = logging.getLogger("credgraph.test.log-writer")
    logger.addHandler(handler)
    logger.propagate = False
    writer.start()
    try:
        logger.warning("first")
        deadline = time.monotonic() + 5
        while "first" not in stream.getvalue():
            assert time.monotonic() < deadline, "a record was not written while running"
            time.sleep(0.01)
        for i in range(5_000):
            logger.warning("record %d", i, extra={"n": i})
    finally:
        writer.stop()
        logger.removeHandler(handler)
    written = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [entry["message"] for entry in written] == [
        "first", *(f"record {i}" for i in range(5_000))]
    assert [entry["n"] for entry in written[1:]] == list(range(5_000))
    assert handler.dropped == 0
