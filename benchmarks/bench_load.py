"""Load benchmark: generate a registry, load it into Neo4j (or the embedded store), print figures.

    python benchmarks/bench_load.py --enterprises 100000 --neo4j-uri bolt://127.0.0.1:7687

For each size given it generates the dataset (cached under --work), clears the
store, loads in a child process and prints rows per second per section, the
total time and the loader's peak resident memory, so memory can be compared
across sizes in one run (it should stay flat as the input grows).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table


def _child(args: argparse.Namespace) -> None:
    """Runs in the child process: load and print the figures as one JSON line."""
    from credgraph.graph.memory import MemoryStore
    from credgraph.graph.neo4j_store import Neo4jStore
    from credgraph.graph.store import GraphStore
    from credgraph.loaders.load import load_dataset

    store: GraphStore = (
        Neo4jStore(args.neo4j_uri, password=os.environ.get("CREDGRAPH_NEO4J_PASSWORD", ""))
        if args.neo4j_uri
        else MemoryStore(Path(args.work) / "bench-graph.credgraph")
    )
    with store:
        store.clear()
        report = load_dataset(Path(args.dataset), store, batch_size=args.batch_size,
                              rejects_path=Path(args.work) / "bench-rejects.csv")
        counts = store.counts()
    print(json.dumps({
        "seconds": report.seconds,
        "sections": [[s.section, s.rows, s.rejected, s.seconds] for s in report.sections],
        "nodes": counts.total_nodes,
        "edges": counts.total_edges,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", default="100000",
                        help="comma-separated sizes, e.g. 25000,100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--neo4j-uri", default=os.environ.get("CREDGRAPH_NEO4J_URI"))
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--work", default="/tmp/credgraph-bench")
    parser.add_argument("--dataset", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return

    from credgraph.generate import generate

    console = Console()
    store_name = f"Neo4j {args.neo4j_uri}" if args.neo4j_uri else "embedded store"
    summary = Table(title=f"Load into {store_name}")
    for column in ("enterprises", "rows", "nodes", "edges", "total s", "rows/s", "peak RSS MB"):
        summary.add_column(column, justify="right")
    for size in (int(s) for s in args.enterprises.split(",")):
        dataset = Path(args.work) / f"dataset-{size}-{args.seed}"
        if not (dataset / "enterprises.csv").exists():
            started = time.perf_counter()
            generate(dataset, enterprises=size, seed=args.seed)
            elapsed = time.perf_counter() - started
            console.print(f"generated {size:,} enterprises in {elapsed:.1f} s")
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--dataset", str(dataset), "--work", args.work,
             "--batch-size", str(args.batch_size)]
            + (["--neo4j-uri", args.neo4j_uri] if args.neo4j_uri else []),
            capture_output=True, text=True,
        )
        if out.returncode:
            console.print(out.stderr[-3000:], markup=False)
            raise SystemExit(f"the load of {size:,} enterprises failed")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        sections = Table(title=f"{size:,} enterprises: rows per second per section")
        for column in ("section", "rows", "rejected", "seconds", "rows/s"):
            sections.add_column(column, justify="left" if column == "section" else "right")
        total_rows = 0
        for name, rows, rejected, seconds in result["sections"]:
            total_rows += rows
            sections.add_row(name, f"{rows:,}", f"{rejected:,}", f"{seconds:.1f}",
                             f"{rows / seconds if seconds else 0:,.0f}")
        console.print(sections)
        summary.add_row(f"{size:,}", f"{total_rows:,}", f"{result['nodes']:,}",
                        f"{result['edges']:,}", f"{result['seconds']:.1f}",
                        f"{total_rows / result['seconds']:,.0f}", f"{result['peak_rss_mb']:.0f}")
    console.print(summary)


if __name__ == "__main__":
    main()
