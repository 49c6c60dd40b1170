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
  through Cypher batches, as every load after the first is.

Each load runs in a child process (peak resident memory and CPU time are the loader's
own: on a shared machine its CPU time says what the wall time would be alone). With
--embedded the incremental and delta loads also go into the embedded store.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

DELTA_EVERY = 100
"""One row in this many is in the delta (1%)."""

DELTA_MANIFEST = "source: unknown\nkind: delta\n"


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


def _child(args: argparse.Namespace) -> None:
    """Runs in the child process: one load, its figures printed as one JSON line."""
    from credgraph.graph import open_for_load
    from credgraph.graph.memory import MemoryStore
    from credgraph.graph.store import GraphStore
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
    from credgraph.graph.neo4j_store import Neo4jStore

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
    parser.add_argument("--neo4j-uri", default=os.environ.get("CREDGRAPH_NEO4J_URI"),
                        required=not os.environ.get("CREDGRAPH_NEO4J_URI"))
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--work", default="/tmp/credgraph-bench")
    parser.add_argument("--no-incremental", action="store_true",
                        help="skip the incremental full load (the slowest step)")
    parser.add_argument("--embedded", action="store_true",
                        help="also load the registry and the delta into the embedded store")
    parser.add_argument("--dataset", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("bulk", "full", "delta"), help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return

    from credgraph.generate import generate

    console = Console()
    with open("/proc/loadavg", encoding="ascii") as f:
        console.print(f"load average at start: {' '.join(f.read().split()[:3])} "
                      f"({os.cpu_count()} cores)")
    table = Table(title=f"Loads into Neo4j {args.neo4j_uri}")
    for column in ("enterprises", "rows", "what", "seconds", "rows/s", "reference",
                   "ratio", "loader CPU s", "peak RSS MB"):
        table.add_column(column, justify="left" if column == "what" else "right")
    for size in (int(s) for s in args.enterprises.split(",")):
        dataset = Path(args.work) / f"dataset-{size}-{args.seed}"
        if not (dataset / "enterprises.csv").exists():
            started = time.perf_counter()
            generate(dataset, enterprises=size, seed=args.seed)
            console.print(f"generated {size:,} enterprises in "
                          f"{time.perf_counter() - started:.1f} s")
        delta = Path(args.work) / f"delta-{size}-{args.seed}"
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

        _empty(args.neo4j_uri)
        bulk = _run(args, "bulk", dataset, True)
        steps = ", ".join(f"{k} {v:.1f}" for k, v in bulk["steps"].items())
        console.print(f"{size:,}: bulk load steps (s): {steps}; rejected {bulk['rejected']}")
        row("bulk (neo4j-admin)", bulk, bulk["steps"]["import"], "neo4j-admin import")
        delta_result = _run(args, "delta", delta, True)
        row("1% delta", delta_result, bulk["seconds"], "bulk load")
        if not args.no_incremental:
            full = _run(args, "full", dataset, True)
            row("incremental", full, bulk["seconds"], "bulk load")
        if args.embedded:
            embedded = _run(args, "full", dataset, False)
            row("embedded, full", embedded)
            row("embedded, 1% delta", _run(args, "delta", delta, False),
                embedded["seconds"], "embedded full")
        console.print(table)
    with open("/proc/loadavg", encoding="ascii") as f:
        console.print(f"load average at end: {' '.join(f.read().split()[:3])}")


if __name__ == "__main__":
    main()
