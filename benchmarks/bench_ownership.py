"""ownershipChain and ultimateOwners of two code trees side by side, on one loaded Neo4j.

    python benchmarks/bench_ownership.py --neo4j-uri bolt://127.0.0.1:7687 \\
        --dataset /tmp/credgraph-bench/e100000-s1 --tree before=/work/main --tree after=.

The register must be loaded (`credgraph load --bulk DATASET`; generated with
`--dense-groups` for the densely cross-held groups). Members of those groups
(`bench_queries.dense_firms`) and as many other enterprises are drawn with a fixed seed,
then every call is made once per tree, the trees' turns alternating, so that both meet
the same load on a shared machine:

- in process: each tree's `LinkAnalysis` in a worker process of its own (PYTHONPATH the
  tree), the call as `bench_queries.py` makes it (every detail), and the narrow call the
  API makes for the selection below (a tree whose query layer has no
  `OwnershipDetail` makes its only call);
- through the API: each tree's `credgraph serve` (one worker process), the selections
  of `bench_api.py` (ids, names and kinds; shares) and the whole answer (every field of
  every node and holding, top paths).

Printed: p50/p95 per tree and operation, and their ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from common import credgraph_serve, quantile
from rich.console import Console
from rich.table import Table

console = Console(width=140)

DAY = "2024-06-01"

NODE = """fragment N on Node { id name kind
  ... on Enterprise { uscc status established registeredCapital address provenance { srcFile } }
  ... on Person { maskedIdNumber nationality provenance { srcFile } }
  ... on OtherHolder { category provenance { srcFile } } }"""

QUERIES = {
    "ownershipChain": """query($e: ID!, $d: Date) { ownershipChain(uscc: $e, asOf: $d) {
        nodes { id name kind } edges { from { id } to { id } percent } circular } }""",
    "ownershipChain, every field": """query($e: ID!, $d: Date) {
        ownershipChain(uscc: $e, asOf: $d) { root { ...N } entries { node { ...N } depth
        effectivePercent } edges { from { id } to { id } percent percentSource start end depth
        key provenance { srcFile srcRow } } circular truncated } }""" + NODE,
    "ultimateOwners": """query($e: ID!, $d: Date) { ultimateOwners(uscc: $e, threshold: 25,
        asOf: $d) { owner { id name kind } effectivePercent circular } }""",
    "ultimateOwners, with paths": """query($e: ID!, $d: Date) { ultimateOwners(uscc: $e,
        threshold: 25, asOf: $d) { owner { ...N } category effectivePercent circular
        paths { percent steps { from { id name } to { id name } percent } } } }""" + NODE,
}
"""The API's requests: bench_api.py's selections, and every field."""

WORKER = """
import json, sys, time
import credgraph
print("in-process caller of", credgraph.__file__, file=sys.stderr)  # the tree it runs
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.queries.analyses import analyses_for
from credgraph.queries.time import Moment
from credgraph.runtime import freeze_startup_objects
try:
    from credgraph.queries.links.results import OwnershipDetail
    narrow = {"chain": OwnershipDetail(records=False, holding_props=False, paths=False),
              "owners": OwnershipDetail(paths=False)}
except ImportError:
    narrow = None
links = analyses_for(Neo4jStore(sys.argv[1], password="")).links
at = Moment(sys.argv[2])
calls = {
    "ownershipChain": lambda e: links.ownership_chain(e, at),
    "ultimateOwners": lambda e: links.ultimate_owners(e, at),
    "ownershipChain, narrow": (lambda e: links.ownership_chain(e, at, detail=narrow["chain"]))
        if narrow else (lambda e: links.ownership_chain(e, at)),
    "ultimateOwners, narrow": (lambda e: links.ultimate_owners(e, at, detail=narrow["owners"]))
        if narrow else (lambda e: links.ultimate_owners(e, at)),
}
freeze_startup_objects()
print("ready", flush=True)
for line in sys.stdin:
    name, firm = json.loads(line)
    started = time.perf_counter()
    calls[name](firm)
    print((time.perf_counter() - started) * 1000, flush=True)
"""
"""A tree's in-process caller: reads [operation, enterprise] lines, answers milliseconds."""

IN_PROCESS = ("ownershipChain", "ownershipChain, narrow", "ultimateOwners",
              "ultimateOwners, narrow")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Worker:
    """One tree's in-process caller (WORKER) as a child process."""

    def __init__(self, tree: Path, neo4j_uri: str) -> None:
        # Run in the tree: `python -c` puts the working folder before PYTHONPATH.
        env = {**os.environ, "PYTHONPATH": str(tree)}
        self.process = subprocess.Popen([sys.executable, "-c", WORKER, neo4j_uri, DAY],
                                        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, cwd=tree)
        if self._line() != "ready":
            raise RuntimeError(f"the worker of {tree} did not start")

    def _line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def call(self, name: str, firm: str) -> float:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps([name, firm]) + "\n")
        self.process.stdin.flush()
        return float(self._line())

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def _post(client: httpx.Client, query: str, firm: str) -> float:
    started = time.perf_counter()
    response = client.post("/graphql", json={"query": query, "variables": {"e": firm, "d": DAY}})
    elapsed = (time.perf_counter() - started) * 1000
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"request failed: {response.status_code} {body}")
    return elapsed


def _table(title: str, trees: list[str], timed: dict[tuple[str, str, str], list[float]],
           warmup: int) -> None:
    table = Table(title=title)
    table.add_column("operation")
    table.add_column("firms")
    for tree in trees:
        table.add_column(f"{tree} p50 / p95", justify="right")
    table.add_column(f"{trees[-1]} / {trees[0]} p50, p95", justify="right")
    for operation, group in dict.fromkeys((op, g) for op, g, _ in timed):
        figures = []
        for tree in trees:
            kept = timed[(operation, group, tree)][warmup:]
            figures.append((quantile(kept, 0.5), quantile(kept, 0.95)))
        row = [f"{p50:.1f} / {p95:.1f}" for p50, p95 in figures]
        (first50, first95), (last50, last95) = figures[0], figures[-1]
        table.add_row(operation, group, *row, f"{last50 / first50:.2f}, {last95 / first95:.2f}")
    console.print(table)


def main(argv: list[str] | None = None) -> None:
    from bench_queries import column, dense_firms

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--neo4j-uri", required=True)
    parser.add_argument("--dataset", type=Path, required=True,
                        help="the generated folder the database was loaded from")
    parser.add_argument("--tree", action="append", required=True,
                        help="NAME=PATH of a code tree; two or more, the first the reference")
    parser.add_argument("--requests", type=int, default=60, help="per operation and group")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-api", action="store_true")
    args = parser.parse_args(argv)

    trees = dict(item.split("=", 1) for item in args.tree)
    rng = random.Random(args.seed)
    count = args.requests + args.warmup
    dense = dense_firms(args.dataset)
    if not dense:
        parser.error("the dataset has no densely cross-held group (generate --dense-groups)")
    others = sorted(set(column(args.dataset / "enterprises.csv", "uscc", 10**7)) - set(dense))
    groups = {"dense groups": [rng.choice(dense) for _ in range(count)],
              "others": rng.sample(others, count)}
    load = os.getloadavg()
    console.print(f"{len(dense)} members of dense groups; load average {load[0]:.1f}")

    timed: dict[tuple[str, str, str], list[float]] = {}
    workers = {name: Worker(Path(path).resolve(), args.neo4j_uri) for name, path in trees.items()}
    for operation in IN_PROCESS:
        for group, firms in groups.items():
            for i, firm in enumerate(firms):
                order = list(workers.items()) if i % 2 == 0 else list(workers.items())[::-1]
                for name, worker in order:
                    timed.setdefault((operation, group, name), []).append(
                        worker.call(operation, firm))
    for worker in workers.values():
        worker.close()
    _table(f"in process, ms ({args.requests} calls each after {args.warmup})", list(trees),
           timed, args.warmup)
    if args.no_api:
        return

    timed = {}
    with ExitStack() as stack:
        clients = {}
        for name, path in trees.items():
            tree = Path(path).resolve()
            env = {**os.environ, "PYTHONPATH": str(tree),
                   "CREDGRAPH_STORE": "neo4j", "CREDGRAPH_NEO4J_URI": args.neo4j_uri,
                   "CREDGRAPH_RATE_LIMIT_PER_KEY": "1000000/minute",
                   "CREDGRAPH_RATE_LIMIT_PER_IP": "1000000/minute"}
            base = stack.enter_context(credgraph_serve(
                env, _free_port(), 1, Path(f"/tmp/bench-ownership-{name}.log"), cwd=tree))
            clients[name] = stack.enter_context(httpx.Client(base_url=base, timeout=120))
        for operation, query in QUERIES.items():
            for group, firms in groups.items():
                for i, firm in enumerate(firms):
                    order = list(clients.items()) if i % 2 == 0 else list(clients.items())[::-1]
                    for name, client in order:
                        timed.setdefault((operation, group, name), []).append(
                            _post(client, query, firm))
    _table(f"through the API, ms ({args.requests} requests each after {args.warmup})",
           list(trees), timed, args.warmup)
    load = os.getloadavg()
    console.print(f"load average at the end {load[0]:.1f}")


if __name__ == "__main__":
    main()
