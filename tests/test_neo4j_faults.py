"""Neo4j under faults and deadlines: the request's deadline becomes the transaction's time
limit, the driver writes no notification per query, and a server that loses Neo4j answers
SERVICE_UNAVAILABLE fast, reports it on /readyz, and recovers by itself when Neo4j is back."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from neo4j import GraphDatabase

from credgraph import deadline
from credgraph.api.app import create_app
from credgraph.exc import DeadlineExceededError
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.settings import Settings
from tests.live_server import serving
from tests.neo4j_server import Neo4jServer
from tests.test_api_dataset import A1, load_scenario

pytestmark = pytest.mark.neo4j

SLOW = "UNWIND range(1, 300000000) AS x WITH x WHERE x % 7 = 0 RETURN count(*) AS n"
"""Seconds of work for Neo4j, whatever the data."""
MISSING_KEY = "MATCH (n:Entity) WHERE n.no_such_property_key = 1 RETURN count(n) AS n"
"""A query Neo4j answers with a notification (the property key does not exist)."""


def test_the_deadline_is_the_transaction_limit(neo4j_store: Neo4jStore) -> None:
    started = time.perf_counter()
    with deadline.within(deadline.Budget(0.5)), pytest.raises(DeadlineExceededError):
        neo4j_store.read(SLOW)
    seconds = time.perf_counter() - started
    print(f"\nNeo4j stopped the query {seconds * 1000:.0f} ms after it was sent (deadline 500)")
    assert seconds < 1.5, seconds
    running = neo4j_store.read("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery")
    assert not [r for r in running if "300000000" in (r["currentQuery"] or "")]


def test_no_notification_is_logged_per_query(neo4j_uri: str, neo4j_store: Neo4jStore,
                                             caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="neo4j"):
        for _ in range(3):
            neo4j_store.read(MISSING_KEY)
    assert [r for r in caplog.records if r.name.startswith("neo4j.notifications")] == []
    # The same query through a driver left at its defaults does log one: the check above
    # would see it.
    caplog.clear()
    password = os.environ.get("CREDGRAPH_TEST_NEO4J_PASSWORD", "")
    with GraphDatabase.driver(neo4j_uri, auth=("neo4j", password) if password else None) as raw, \
            caplog.at_level(logging.INFO, logger="neo4j"):
        raw.execute_query(MISSING_KEY)
    assert [r for r in caplog.records if r.name.startswith("neo4j.notifications")]


CLIENTS = int(os.environ.get("CREDGRAPH_FAULT_CLIENTS", "4"))
"""Clients querying while Neo4j is killed (the benchmark run uses 20)."""
QUERY = f'{{ enterprise(uscc: "{A1}") {{ name shareholders {{ percent }} }} }}'


def _kill(server: Neo4jServer) -> None:
    pid = int((server.home / "run" / "neo4j.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def _queryable(uri: str, limit: float = 120.0) -> float:
    """When Neo4j's database answers a query again (Bolt answers earlier, while the
    database is still starting)."""
    started = time.perf_counter()
    with GraphDatabase.driver(uri, auth=None) as driver:
        while time.perf_counter() - started < limit:
            try:
                driver.execute_query("RETURN 1")
                return time.perf_counter()
            except Exception:  # anything short of an answer: not yet
                time.sleep(0.1)
    raise RuntimeError("Neo4j's database did not come back")


@pytest.mark.long
def test_neo4j_killed_and_back(tmp_path: Path) -> None:
    with Neo4jServer() as server:
        store = Neo4jStore(server.uri)
        load_scenario(store, tmp_path)
        app = create_app(store, Settings(data_dir=tmp_path, request_deadline_seconds=10))
        outcomes: list[tuple[float, float, str]] = []  # (sent, seconds, status or code)
        stop = threading.Event()

        with serving(app) as url:
            def client() -> None:
                with httpx.Client(base_url=url, timeout=30) as http:
                    while not stop.is_set():
                        sent = time.perf_counter()
                        response = http.post("/graphql", json={"query": QUERY})
                        body = response.json()
                        errors = body.get("errors") or []
                        outcome = (errors[0]["extensions"]["code"] if errors
                                   else str(response.status_code))
                        outcomes.append((sent, time.perf_counter() - sent, outcome))
                        time.sleep(0.02)

            threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
            for t in threads:
                t.start()
            while len([o for o in outcomes if o[2] == "200"]) < 4 * CLIENTS:
                time.sleep(0.05)
            killed = time.perf_counter()
            _kill(server)
            time.sleep(2.0)
            ready_down = httpx.get(f"{url}/readyz", timeout=10)
            restarting = time.perf_counter()
            server.start()
            bolt_back = time.perf_counter()
            restarted = _queryable(server.uri)
            # Recovered: the first normal answer to a request sent once the database
            # answered again (when it came back, not how busy the machine keeps the clients).
            recovered = None
            while time.perf_counter() - restarted < 30:
                answered = [o[0] + o[1] for o in list(outcomes)
                            if o[0] > restarted and o[2] == "200"]
                if answered:
                    recovered = min(answered) - restarted
                    break
                time.sleep(0.1)
            time.sleep(2.0)  # answers after that one, which must all be normal
            ready_up = httpx.get(f"{url}/readyz", timeout=10)
            stop.set()
            for t in threads:
                t.join()
        store.close()

    before = [o for o in outcomes if o[0] + o[1] < killed]
    down = [o for o in outcomes if killed + 0.5 < o[0] < restarting]
    print(f"\n{len(outcomes)} requests; while Neo4j was down: "
          f"{dict(Counter(o[2] for o in down))}, slowest {max(o[1] for o in down):.2f} s; "
          f"Neo4j restart took {restarted - restarting:.1f} s (Bolt after "
          f"{bolt_back - restarting:.1f} s, its database answering after "
          f"{restarted - restarting:.1f} s); the first normal answer "
          f"{'never' if recovered is None else f'{recovered:.1f} s'} after that")
    assert before and {o[2] for o in before} == {"200"}
    assert down and {o[2] for o in down} == {"SERVICE_UNAVAILABLE"}
    assert max(o[1] for o in down) < 5.0
    assert ready_down.status_code == 503 and ready_down.json()["status"] == "unavailable"
    after = Counter(o[2] for o in outcomes if o[0] > restarted)
    assert recovered is not None and recovered < 10, f"answers once Neo4j was back: {after}"
    later = Counter(o[2] for o in outcomes if o[0] > restarted + recovered)
    assert later and set(later) == {"200"}, f"answers after the first normal one: {later}"
    assert ready_up.status_code == 200
