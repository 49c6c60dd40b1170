"""Load test: `credgraph serve` as deployed, with sign-in on, under locust (headless).

    python benchmarks/bench_serve.py --store neo4j --neo4j-uri bolt://127.0.0.1:7797
    python benchmarks/bench_serve.py --store memory
    python benchmarks/bench_serve.py --store neo4j --neo4j-uri ... --reuse   # DB loaded
    python benchmarks/bench_serve.py --store neo4j --neo4j-uri ... --reuse --workers 2

It generates a registry (cached under --work), loads it (Neo4j unless --reuse; the
embedded store into its file once), issues an enterprise and a regulator key, starts the
server as its own process and runs benchmarks/locustfile.py with --users clients for
--seconds. It prints p50/p95/p99 and throughput per operation, the errors, and the 5xx
answers apart from the designed 503s, from locust's own statistics.
Needs the bench extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import credgraph_serve
from rich.console import Console
from rich.table import Table

from credgraph.api.auth import KeyStore
from credgraph.generate import generate
from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset
from credgraph.queries.analyses import analyses_for
from credgraph.queries.time import Moment

console = Console(width=140)
HERE = Path(__file__).resolve().parent
DAY = "2024-06-01"


def _dataset(work: Path, enterprises: int, seed: int) -> Path:
    folder = work / f"e{enterprises}-s{seed}"
    if not (folder / "enterprises.csv").exists():
        console.print(f"generating {enterprises:,} enterprises into {folder} ...")
        generate(folder, enterprises=enterprises, seed=seed)
    return folder


def _load(store: GraphStore, dataset: Path, work: Path) -> None:
    console.print(f"loading {dataset.name} into the {store.kind.value} store ...")
    started = time.perf_counter()
    store.clear()
    store.ensure_schema()
    load_dataset(dataset, store, rejects_path=work / "rejects.csv")
    store.commit()
    console.print(f"loaded in {time.perf_counter() - started:.0f} s")


def _inputs(store: GraphStore, count: int, seed: int) -> dict[str, Any]:
    """USCCs, person ids and search texts sampled from the registry."""
    rng = random.Random(seed)
    analyses = analyses_for(store)
    at = Moment.on(DAY)
    ids = [i for batch in analyses.backend.entity_ids(at) for i in batch]
    found = analyses.backend.entities(rng.sample(ids, min(len(ids), count * 4)), at)
    firms = [e.id for e in found.values() if e.label == "Enterprise"][:count]
    people = [e.id for e in found.values() if e.label == "Person"][:count]
    names = [e.name for e in found.values() if e.label == "Enterprise"]
    texts = [n[2:6] for n in names[:count] if len(n) > 6]
    return {"day": DAY, "firms": firms, "people": people, "texts": texts}


def _report(prefix: Path, args: argparse.Namespace) -> None:
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as f:
        rows = list(csv.DictReader(f))
    table = Table(title=f"{args.store} store, {args.workers} worker process(es), {args.users} "
                        f"clients for {args.seconds} s (locust, headless)")
    for column in ("operation", "requests", "failures", "p50 ms", "p95 ms", "p99 ms", "req/s"):
        table.add_column(column, justify="left" if column == "operation" else "right")
    for row in rows:
        table.add_row(row["Name"], row["Request Count"], row["Failure Count"],
                      row["50%"], row["95%"], row["99%"], f"{float(row['Requests/s']):.1f}")
    console.print(table)
    failures = prefix.parent / f"{prefix.name}_failures.csv"
    with failures.open() as f:
        kinds = [(r["Name"], r["Error"], r["Occurrences"]) for r in csv.DictReader(f)]
    designed = sum(int(n) for _, error, n in kinds if "designed" in error)
    other = [(name, error, n) for name, error, n in kinds if "designed" not in error]
    server_errors = sum(int(n) for _, error, n in other if "HTTP 5" in error)
    console.print(f"designed 503s: {designed}; other 5xx: {server_errors}; "
                  f"other failures: {sum(int(n) for *_, n in other)}")
    for name, error, n in other:
        console.print(f"  {name}: {error} x{n}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=["neo4j", "memory"], required=True)
    parser.add_argument("--neo4j-uri")
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default="/tmp/credgraph-bench-serve")
    parser.add_argument("--reuse", action="store_true", help="use the graph already loaded")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1,
                        help="credgraph serve --workers (Neo4j store only)")
    args = parser.parse_args(argv)

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    data_dir = work / f"data-{args.store}-e{args.enterprises}"
    env = {**os.environ, "CREDGRAPH_STORE": args.store, "CREDGRAPH_DATA_DIR": str(data_dir),
           "CREDGRAPH_KEYS_FILE": str(work / "keys.json"),
           "CREDGRAPH_RATE_LIMIT_PER_KEY": "1000000/minute",
           "CREDGRAPH_RATE_LIMIT_PER_IP": "1000000/minute"}
    store: GraphStore
    if args.store == "neo4j":
        if not args.neo4j_uri:
            parser.error("--neo4j-uri is needed with --store neo4j")
        env["CREDGRAPH_NEO4J_URI"] = args.neo4j_uri
        store = Neo4jStore(args.neo4j_uri, password=os.environ.get("CREDGRAPH_NEO4J_PASSWORD", ""))
        if not args.reuse:
            _load(store, _dataset(work, args.enterprises, args.seed), work)
    else:
        store = MemoryStore(data_dir / "graph.credgraph")
        if not args.reuse and not (data_dir / "graph.credgraph").exists():
            _load(store, _dataset(work, args.enterprises, args.seed), work)
    inputs = _inputs(store, 500, args.seed)
    store.close()
    keys = KeyStore(work / "keys.json")
    inputs["tokens"] = {"regulator": keys.add("regulator", "bench regulator")[1],
                        "enterprise": keys.add("enterprise", "bench enterprise",
                                               uscc=inputs["firms"][0])[1]}
    (work / "inputs.json").write_text(json.dumps(inputs, ensure_ascii=False))

    prefix = work / f"locust-{args.store}"
    with credgraph_serve(env, args.port, args.workers, work / "server.log") as base:
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(max(args.users // 5, 1)),
             "-t", f"{args.seconds}s", "--host", base,
             "--csv", str(prefix), "--only-summary", "--stop-timeout", "10"],
            env={**env, "CREDGRAPH_BENCH_INPUTS": str(work / "inputs.json")},
            check=False, stdout=subprocess.DEVNULL)
    _report(prefix, args)


if __name__ == "__main__":
    main()
