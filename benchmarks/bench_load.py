"""Load benchmark: bulk, incremental and delta loads of generated registries into Neo4j.

    CREDGRAPH_NEO4J_ADMIN='scripts/neo4j.sh admin' CREDGRAPH_NEO4J_SERVER=scripts/neo4j.sh \\
        python benchmarks/bench_load.py --enterprises 100000,300000 \\
        --neo4j-uri bolt://127.0.0.1:7687

For each size it generates the registry (cached under --work) and, into the server at
--neo4j-uri, which it empties:

- bulk: `credgraph load --bulk` (neo4j-admin import) into the empty database; the
  reference is neo4j-admin's own import of the same files, timed within the run, so the
  ratio is what credgraph adds (reading, checks, planning, writing the files, stopping
  and starting the server, constraints and indexes);
- delta: a 1% delta (every hundredth row of each file, a value corrected; officers'
  rows retracted) loaded incrementally on top, in rows per second;
- incremental (unless --no-incremental): the database emptied and the registry loaded
  through Cypher batches, as every load after the first is;
- the cost of versions: the store's size on disk and the `enterprise` operation's p50/p95
  (the GraphQL query, in process) for enterprises the delta corrects, measured after the
  bulk load (one version per fact) and again after the delta (two versions of each corrected
  fact), with knownAt before the delta too (the history read back), and for enterprises the
  delta leaves alone. --neo4j-home (default: $CREDGRAPH_NEO4J_HOME) is where the server
  keeps its files, for the sizes.

Each load runs in a child process (peak resident memory and CPU time are the loader's
own: on a shared machine its CPU time says what the wall time would be alone). With
--embedded the incremental and delta loads also go into the embedded store.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shlex
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from common import quantile
from rich.console import Console
from rich.table import Table

from credgraph.graph.memory import MemoryStore
from credgraph.graph.store import GraphStore

DELTA_EVERY = 100
"""One row in this many is in the delta (1%)."""

DELTA_MANIFEST = "source: unknown\nkind: delta\n"

ENTERPRISE_QUERY = """query($e: ID!, $k: DateTime) { enterprise(uscc: $e, knownAt: $k) {
    uscc name status registeredCapital address
    shareholders { holder { id name kind } percent start end }
    officers { person { id name } role start } legalRepresentative { id name }
    listEntries { list listedOn } penalties { docNo decidedOn }
    equityPledges { regNo pledgor { id } pledgee { id } }
    chattelMortgages { regNo mortgagor { id } mortgagee { id } } } }"""
"""The `enterprise` operation as the explorer asks it, for the cost of versions."""

VERSION_SAMPLE = 300
"""Enterprises per group whose `enterprise` answer is timed for the cost of versions."""


def write_delta(dataset: Path, out: Path) -> int:
    """A delta of the registry: every DELTA_EVERY-th row of each file with one value
    corrected (the first optional text or amount column that is no key), or retracted
    where a section has no such column. Returns the rows written."""
    from credgraph.loaders.spec import load_sections

    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.yaml").write_text(DELTA_MANIFEST, encoding="utf-8")
    written = 0
    for name, spec in load_sections().items():
        source = dataset / f"{name}.csv"
        if not source.exists():
            continue
        names = {c.name_column for c in spec.columns.values()}
        changeable = [c for c in spec.columns.values()
                      if c.type in ("text", "amount") and not c.common and not c.required
                      and c.name not in spec.keys and c.name not in names]
        with source.open(encoding="utf-8", newline="") as f:
            header, *rows = list(csv.reader(f))
        chosen = rows[::DELTA_EVERY]
        if changeable:
            at = header.index(changeable[0].name)
            amount = changeable[0].type == "amount"
            for row in chosen:
                row[at] = (str(Decimal(row[at] or "0") + 1) if amount
                           else f"{row[at]}（更正）")
            header, chosen = [*header, "op"], [[*row, ""] for row in chosen]
        else:
            header, chosen = [*header, "op"], [[*row, "retract"] for row in chosen]
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows([header, *chosen])
        written += len(chosen)
    return written


def version_samples(dataset: Path, delta: Path, seed: int) -> dict[str, list[str]]:
    """VERSION_SAMPLE enterprises the delta corrects (named in its enterprise, shareholding
    and officer rows) and as many it does not touch at all, drawn with `seed`."""
    touched: set[str] = set()
    for path in delta.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                touched.update(row[c] for c in ("uscc", "enterprise", "subject",
                                                "pledgor", "mortgagor") if row.get(c))
    with (delta / "enterprises.csv").open(encoding="utf-8", newline="") as f:
        corrected = sorted({row["uscc"] for row in csv.DictReader(f)})
    with (dataset / "enterprises.csv").open(encoding="utf-8", newline="") as f:
        alone = sorted({row["uscc"] for row in csv.DictReader(f)} - touched)
    rng = random.Random(seed)
    return {"corrected": rng.sample(corrected, min(VERSION_SAMPLE, len(corrected))),
            "untouched": rng.sample(alone, min(VERSION_SAMPLE, len(alone)))}


def enterprise_latency(store: GraphStore, usccs: list[str],
                       known_at: str | None = None) -> tuple[float, float]:
    """p50 and p95 in milliseconds of the `enterprise` GraphQL operation for each of
    `usccs` (after one warm-up pass over them), in process, on an open store."""
    from starlette.testclient import TestClient

    from credgraph.api.app import create_app
    from credgraph.settings import Settings

    times: list[float] = []
    with TestClient(create_app(store, Settings())) as client:
        for timed in (False, True):
            for uscc in usccs:
                started = time.perf_counter()
                response = client.post("/graphql", json={
                    "query": ENTERPRISE_QUERY, "variables": {"e": uscc, "k": known_at}})
                elapsed = (time.perf_counter() - started) * 1000
                body = response.json()
                if response.status_code != 200 or body.get("errors"):
                    raise RuntimeError(f"enterprise {uscc}: {response.status_code} {body}")
                if timed:
                    times.append(elapsed)
    return statistics.median(times), quantile(times, 0.95)


def version_cost(table: Table, samples: dict[str, list[str]], store_name: str, when: str,
                 opened: GraphStore, size_mb: float, known_before: str | None = None) -> None:
    """One row of the cost-of-versions table: the store's size and counts, and the
    `enterprise` latency of each sample group (and of the corrected firms at knownAt
    `known_before`, when given), printed as soon as measured."""
    counts = opened.counts()

    def latency(group: str, known: str | None = None) -> str:
        p50, p95 = enterprise_latency(opened, samples[group], known)
        return f"{p50:.1f} / {p95:.1f}"

    cells = [store_name, when, f"{size_mb:,.0f}", f"{counts.total_nodes:,}",
             f"{counts.total_edges:,}", latency("corrected"),
             latency("corrected", known_before) if known_before else "",
             latency("untouched")]
    table.add_row(*cells)
    Console().print(" | ".join(cells), markup=False)


def neo4j_cost(args: argparse.Namespace, table: Table, samples: dict[str, list[str]],
               when: str, known_before: str | None = None) -> None:
    """version_cost on the Neo4j server; the size is its database folder under
    --neo4j-home (store files only: the transaction logs are kept apart)."""
    from credgraph.graph.neo4j_store import Neo4jStore

    size = (directory_mb(Path(args.neo4j_home) / "data/databases/neo4j")
            if args.neo4j_home else float("nan"))
    with Neo4jStore(args.neo4j_uri,
                    password=os.environ.get("CREDGRAPH_NEO4J_PASSWORD", "")) as opened:
        version_cost(table, samples, "Neo4j", when, opened, size, known_before)


def _recorded_now() -> str:
    """A recorded time before the next load: the clock has one-second steps, so the next
    load starts a second later and is not yet known at the time returned."""
    from credgraph.graph.clock import now

    moment = now()
    time.sleep(1.1)
    return moment


def dataset_folder(work: Path, size: int, seed: int, dense_groups: int) -> Path:
    """Where a generated registry is kept under the work folder, one per parameters."""
    dense = f"-d{dense_groups}" if dense_groups else ""
    return work / f"dataset-{size}-{seed}{dense}"


def delta_folder(dataset: Path) -> Path:
    """Where the 1% delta of a generated registry is kept, beside it."""
    return dataset.with_name(dataset.name.replace("dataset-", "delta-", 1))


def directory_mb(path: Path) -> float:
    """Size of the files under `path` in MiB (0 when it does not exist)."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _child(args: argparse.Namespace) -> None:
    """Runs in the child process: one load, its figures printed as one JSON line."""
    from credgraph.graph import open_for_load
    from credgraph.loaders.load import load_dataset
    from credgraph.settings import Settings

    settings = Settings(neo4j_uri=args.neo4j_uri) if args.neo4j_uri else Settings()
    store: GraphStore = (MemoryStore(Path(args.work) / "bench-graph.credgraph")
                         if not args.neo4j_uri
                         else open_for_load(settings, bulk=args.mode == "bulk"))
    with store:
        if args.mode == "full":
            store.clear()
        report = load_dataset(Path(args.dataset), store, batch_size=args.batch_size,
                              rejects_path=Path(args.work) / f"bench-rejects-{args.mode}.csv")
        counts = store.counts()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "seconds": report.seconds,
        "steps": report.steps,
        "rows": sum(s.rows for s in report.sections),
        "rejected": report.rejected,
        "sections": [[s.section, s.rows, s.seconds] for s in report.sections],
        "nodes": counts.total_nodes,
        "edges": counts.total_edges,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
    }))


def _empty(neo4j_uri: str) -> None:
    """An empty database: the server's files removed and the server started again when
    CREDGRAPH_NEO4J_SERVER may do it (deleting a million nodes through Cypher takes longer
    than a write may), else deleted through Cypher."""
    from credgraph.graph.neo4j_store import Neo4jStore

    server = os.environ.get("CREDGRAPH_NEO4J_SERVER")
    if server:
        for step in ("reset", "start"):
            subprocess.run([*shlex.split(server), step], check=True, capture_output=True)
        return
    with Neo4jStore(neo4j_uri, password=os.environ.get("CREDGRAPH_NEO4J_PASSWORD", "")) as s:
        s.clear()


def _run(args: argparse.Namespace, mode: str, dataset: Path, neo4j: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", "--mode", mode, "--dataset", str(dataset),
               "--work", args.work, "--batch-size", str(args.batch_size)]
    if neo4j:
        command += ["--neo4j-uri", args.neo4j_uri]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode:
        print(out.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"the {mode} load of {dataset} failed")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--enterprises", default="100000",
                        help="comma-separated sizes, e.g. 100000,300000,1000000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dense-groups", type=int, default=0,
                        help="densely cross-held groups planted in the registry")
    parser.add_argument("--neo4j-uri", default=os.environ.get("CREDGRAPH_NEO4J_URI"),
                        help="the server loaded (required; default $CREDGRAPH_NEO4J_URI)")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--work", default="/tmp/credgraph-bench")
    parser.add_argument("--no-incremental", action="store_true",
                        help="skip the incremental full load (the slowest step)")
    parser.add_argument("--embedded", action="store_true",
                        help="also load the registry and the delta into the embedded store")
    parser.add_argument("--neo4j-home", default=os.environ.get("CREDGRAPH_NEO4J_HOME"),
                        help="the server's home folder, for the store's size on disk")
    parser.add_argument("--dataset", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("bulk", "full", "delta"), help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # an embedded load's child has no server
        _child(args)
        return
    if not args.neo4j_uri:
        parser.error("--neo4j-uri is required")

    from credgraph.generate import generate

    console = Console(width=160)
    with open("/proc/loadavg", encoding="ascii") as f:
        console.print(f"load average at start: {' '.join(f.read().split()[:3])} "
                      f"({os.cpu_count()} cores)")
    table = Table(title=f"Loads into Neo4j {args.neo4j_uri}")
    for column in ("enterprises", "rows", "what", "seconds", "rows/s", "reference",
                   "ratio", "loader CPU s", "peak RSS MB"):
        table.add_column(column, justify="left" if column == "what" else "right")
    for size in (int(s) for s in args.enterprises.split(",")):
        dataset = dataset_folder(Path(args.work), size, args.seed, args.dense_groups)
        if not (dataset / "enterprises.csv").exists():
            started = time.perf_counter()
            generate(dataset, enterprises=size, seed=args.seed, dense_groups=args.dense_groups)
            console.print(f"generated {size:,} enterprises in "
                          f"{time.perf_counter() - started:.1f} s")
        delta = delta_folder(dataset)
        if not (delta / "manifest.yaml").exists():
            write_delta(dataset, delta)

        def row(what: str, result: dict[str, Any], reference: float | None = None,
                reference_name: str = "", size: int = size) -> None:
            seconds = result["seconds"]
            cells = (f"{size:,}", f"{result['rows']:,}", what, f"{seconds:.1f}",
                     f"{result['rows'] / seconds:,.0f}",
                     f"{reference_name} {reference:.1f} s" if reference else "",
                     f"{seconds / reference:.2f}×" if reference else "",
                     f"{result['cpu_seconds']:.0f}", f"{result['peak_rss_mb']:.0f}")
            table.add_row(*cells)
            console.print(" | ".join(cells), markup=False)  # as soon as measured

        samples = version_samples(dataset, delta, args.seed)
        versions = Table(title=f"Cost of versions, {size:,} enterprises "
                               f"({VERSION_SAMPLE} per group)")
        for column in ("store", "when", "size MiB", "nodes", "relationships",
                       "corrected firms p50/p95 ms", "same, knownAt before the delta",
                       "untouched firms p50/p95 ms"):
            versions.add_column(column, justify="left" if column in ("store", "when")
                                else "right")

        _empty(args.neo4j_uri)
        bulk = _run(args, "bulk", dataset, True)
        steps = ", ".join(f"{k} {v:.1f}" for k, v in bulk["steps"].items())
        console.print(f"{size:,}: bulk load steps (s): {steps}; rejected {bulk['rejected']}")
        row("bulk (neo4j-admin)", bulk, bulk["steps"]["import"], "neo4j-admin import")
        neo4j_cost(args, versions, samples, "after the bulk load (one version per fact)")
        before_delta = _recorded_now()
        delta_result = _run(args, "delta", delta, True)
        row("1% delta", delta_result, bulk["seconds"], "bulk load")
        neo4j_cost(args, versions, samples, "after the 1% delta", before_delta)
        if not args.no_incremental:
            full = _run(args, "full", dataset, True)
            row("incremental", full, bulk["seconds"], "bulk load")
        if args.embedded:
            graph_file = Path(args.work) / "bench-graph.credgraph"
            embedded = _run(args, "full", dataset, False)
            row("embedded, full", embedded)
            with MemoryStore(graph_file) as opened:
                version_cost(versions, samples, "embedded", "after the full load", opened,
                             graph_file.stat().st_size / 2**20)
            before_delta = _recorded_now()
            row("embedded, 1% delta", _run(args, "delta", delta, False),
                embedded["seconds"], "embedded full")
            with MemoryStore(graph_file) as opened:
                version_cost(versions, samples, "embedded", "after the 1% delta", opened,
                             graph_file.stat().st_size / 2**20, before_delta)
        console.print(versions)
        console.print(table)
    with open("/proc/loadavg", encoding="ascii") as f:
        console.print(f"load average at end: {' '.join(f.read().split()[:3])}")


if __name__ == "__main__":
    main()
