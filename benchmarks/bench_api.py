"""API latency benchmark: each GraphQL operation over HTTP against the same Cypher on the driver.

    python benchmarks/bench_api.py --neo4j-uri bolt://127.0.0.1:7697 --enterprises 100000
    python benchmarks/bench_api.py --neo4j-uri bolt://127.0.0.1:7697 --reuse   # DB loaded

It generates a registry (cached under --work), loads it into Neo4j (unless
--reuse), serves the app with uvicorn on a local port and sends each operation
--requests times, one at a time, with inputs sampled from the graph. Every
Cypher statement a request runs is recorded with its parameters; the request is
then timed again and the statements replayed through the bare driver (same
routing, same time limit), the two in turns first and both after the first
request warmed the database for that input, so the table compares p50/p95 of
the whole API round trip with the database work alone; their ratio is the cost
of HTTP, GraphQL and the Python query layer.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from common import quantile
from neo4j import Query, RoutingControl
from rich.console import Console
from rich.table import Table

from credgraph.api.app import SERVING, create_app
from credgraph.generate import generate
from credgraph.graph.model import load_model, quote
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.loaders.load import load_dataset
from credgraph.queries.analyses import analyses_for
from credgraph.queries.time import Moment
from credgraph.settings import Settings

console = Console(width=130)

DAY = "2024-06-01"

OPERATIONS: dict[str, str] = {
    "search": "query($t: String!) { search(text: $t, first: 20) { kind id name } }",
    "enterprise": """query($e: ID!, $d: Date) { enterprise(uscc: $e, asOf: $d) {
        uscc name status shareholders { holder { id name kind } percent start end }
        officers { person { id name } role start } legalRepresentative { id name }
        listEntries { list listedOn } penalties { docNo decidedOn }
        equityPledges { regNo pledgor { id } pledgee { id } }
        chattelMortgages { regNo mortgagor { id } mortgagee { id } } } }""",
    "person": "query($p: ID!) { person(personId: $p) { personId name maskedIdNumber } }",
    "personFirms": """query($p: ID!, $d: Date) { personFirms(personId: $p, asOf: $d) {
        enterprise { uscc name } roles directPercent effectivePercent current } }""",
    "blacklistExposure": """query($e: ID!, $d: Date) {
        blacklistExposure(id: $e, maxHops: 3, maxDegree: 200, asOf: $d) {
        hits { subject { id name kind } list listedOn distance
               path { steps { from { id } to { id } relation } } } } }""",
    "paths": """query($p: ID!, $e: ID!, $d: Date) { paths(fromId: $p, toId: $e, maxHops: 4,
        asOf: $d) { steps { from { id } to { id } relation } } }""",
    "ownershipChain": """query($e: ID!, $d: Date) { ownershipChain(uscc: $e, asOf: $d) {
        nodes { id name kind } edges { from { id } to { id } percent } circular } }""",
    "ultimateOwners": """query($e: ID!, $d: Date) { ultimateOwners(uscc: $e, threshold: 25,
        asOf: $d) { owner { id name kind } effectivePercent circular } }""",
    "disqualificationCheck": """query($p: ID!, $d: Date) { disqualificationCheck(personId: $p,
        asOf: $d) { disqualified needsReview hits { ruleId citation certainty windowStart
        windowEnd } } }""",
}


class Recorder:
    """Wraps Neo4jStore.read to keep every statement a request runs, for the replay."""

    def __init__(self, store: Neo4jStore) -> None:
        self.store = store
        self.inner = store.read
        self.lock = threading.Lock()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        store.read = self.read  # type: ignore[method-assign]

    def read(self, text: str, **params: Any) -> list[dict[str, Any]]:
        with self.lock:
            self.calls.append((text, params))
        return self.inner(text, **params)

    def take(self) -> list[tuple[str, dict[str, Any]]]:
        with self.lock:
            calls, self.calls = self.calls, []
        return calls

    def replay(self, calls: list[tuple[str, dict[str, Any]]]) -> float:
        """Seconds the same statements take through the bare driver, one after another."""
        driver, database = self.store.driver, self.store.database
        started = time.perf_counter()
        for text, params in calls:
            records, _, _ = driver.execute_query(
                Query(text, timeout=self.store.timeout_seconds), params,
                database_=database, routing_=RoutingControl.READ)
            for record in records:
                record.data()
        return time.perf_counter() - started


@dataclass
class Timings:
    api: list[float] = field(default_factory=list)
    driver: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)


def _sample_inputs(store: Neo4jStore, count: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    """Inputs per operation, drawn from the loaded graph with a fixed seed."""
    rng = random.Random(seed)
    links = "|".join(quote(t) for t in load_model().link_types)
    firms = [r["id"] for r in store.read(
        "MATCH (e:Enterprise) WHERE NOT coalesce(e.placeholder, false) "
        "RETURN e.id AS id ORDER BY id")]
    found = analyses_for(store).links.entities(firms[: count * 50], Moment(DAY))
    names = {e.id: e.name for e in found.values() if e.name}
    people = [r["id"] for r in store.read(
        f"MATCH (p:Person) WHERE EXISTS {{ (p)-[:{links}]->() }} RETURN p.id AS id ORDER BY id")]
    picked_firms = rng.sample(firms, count)
    picked_people = rng.sample(people, count)
    texts: list[str] = []
    for firm in rng.sample(sorted(names), count):
        name = names[firm]
        start = rng.randrange(0, max(1, len(name) - 2))
        texts.append(name[start:start + 2])
    pairs = []
    for person in picked_people:
        rows = store.read(
            f"MATCH (a:Entity {{id: $id}})-[:{links}]-()-[:{links}]-()-[:{links}]-(b:Enterprise) "
            "WHERE b <> a RETURN b.id AS id LIMIT 1", id=person)
        pairs.append({"p": person, "e": rows[0]["id"] if rows else rng.choice(firms),
                      "d": DAY})
    return {
        "search": [{"t": t} for t in texts],
        "enterprise": [{"e": e, "d": DAY} for e in picked_firms],
        "person": [{"p": p} for p in picked_people],
        "personFirms": [{"p": p, "d": DAY} for p in picked_people],
        "blacklistExposure": [{"e": e, "d": DAY} for e in picked_firms],
        "paths": pairs,
        "ownershipChain": [{"e": e, "d": DAY} for e in picked_firms],
        "ultimateOwners": [{"e": e, "d": DAY} for e in picked_firms],
        "disqualificationCheck": [{"p": p, "d": DAY} for p in picked_people],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(store: Neo4jStore) -> tuple[uvicorn.Server, str]:
    port = _free_port()
    config = uvicorn.Config(create_app(store, Settings()), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False, **SERVING)
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return server, url


def _ask(client: httpx.Client, query: str, variables: dict[str, Any]) -> float:
    """Seconds one request takes over HTTP; RuntimeError when it is not answered."""
    started = time.perf_counter()
    response = client.post("/graphql", json={"query": query, "variables": variables})
    elapsed = time.perf_counter() - started
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"request failed: {response.status_code} {body}")
    return elapsed


def _measure(client: httpx.Client, recorder: Recorder, query: str,
             inputs: list[dict[str, Any]], warmup: int) -> Timings:
    """Each input is asked once untimed (its statements recorded, the database's caches
    warmed for it), then timed through the API and on the bare driver, the two in turns
    first: neither side meets a colder page cache than the other (a first request at
    1,000,000 enterprises reads from disk what the replay right after it finds cached).
    The timed request must run the statements recorded (their parameters may name the
    moment asked), or it would be compared with work it did not do."""
    timings = Timings()
    for i, variables in enumerate(inputs):
        recorder.take()
        _ask(client, query, variables)
        calls = recorder.take()
        if i % 2:
            driver = recorder.replay(calls)
            api = _ask(client, query, variables)
        else:
            api = _ask(client, query, variables)
            driver = recorder.replay(calls)
        again = [text for text, _ in recorder.take()]
        if again != [text for text, _ in calls]:
            raise RuntimeError(f"the timed request ran other statements than the first "
                               f"({len(again)}, {len(calls)}): {query[:60]} {variables}")
        if i >= warmup:
            timings.api.append(api)
            timings.driver.append(driver)
            timings.statements.append(len(calls))
    return timings


def _prepare(args: argparse.Namespace, store: Neo4jStore) -> None:
    dataset = Path(args.work) / f"e{args.enterprises}-s{args.seed}"
    if not (dataset / "enterprises.csv").exists():
        console.print(f"generating {args.enterprises:,} enterprises into {dataset} ...")
        generate(dataset, enterprises=args.enterprises, seed=args.seed)
    console.print("loading into Neo4j ...")
    store.clear()
    store.ensure_schema()
    report = load_dataset(dataset, store, rejects_path=Path(args.work) / "rejects.csv")
    console.print(f"loaded in {report.seconds:.0f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--neo4j-uri", required=True)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default="/tmp/credgraph-bench-api")
    parser.add_argument("--reuse", action="store_true",
                        help="use the graph already loaded in the database")
    parser.add_argument("--requests", type=int, default=100, help="measured requests per op")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--only", nargs="*", default=list(OPERATIONS),
                        choices=list(OPERATIONS))
    args = parser.parse_args(argv)

    store = Neo4jStore(args.neo4j_uri, password=os.environ.get("CREDGRAPH_NEO4J_PASSWORD", ""),
                       timeout_seconds=Settings().query_timeout_seconds)
    if not args.reuse:
        _prepare(args, store)
    counts = store.counts()
    console.print(f"graph: {counts.total_nodes:,} nodes, {counts.total_edges:,} relationships")
    inputs = _sample_inputs(store, args.requests + args.warmup, args.seed)
    recorder = Recorder(store)
    server, url = _serve(store)
    results: dict[str, Timings] = {}
    measure: Callable[[str], Timings]
    with httpx.Client(base_url=url, timeout=120) as client:
        def measure(name: str) -> Timings:
            return _measure(client, recorder, OPERATIONS[name], inputs[name], args.warmup)

        for name in args.only:
            console.print(f"measuring {name} ...")
            results[name] = measure(name)
    server.should_exit = True

    table = Table(title=f"API vs bare driver, {args.requests} requests per operation "
                        f"({counts.nodes.get('Enterprise', 0):,} enterprises), ms")
    for column in ("operation", "API p50", "API p95", "driver p50", "driver p95",
                   "ratio p50", "ratio p95", "queries/req"):
        table.add_column(column, justify="left" if column == "operation" else "right")
    for name, t in results.items():
        api50, api95 = quantile(t.api, 0.5) * 1000, quantile(t.api, 0.95) * 1000
        drv50, drv95 = quantile(t.driver, 0.5) * 1000, quantile(t.driver, 0.95) * 1000
        table.add_row(name, f"{api50:.1f}", f"{api95:.1f}", f"{drv50:.1f}", f"{drv95:.1f}",
                      f"{api50 / drv50:.2f}" if drv50 else "-",
                      f"{api95 / drv95:.2f}" if drv95 else "-",
                      f"{statistics.mean(t.statements):.1f}")
    console.print(table)
    store.close()


if __name__ == "__main__":
    main()
