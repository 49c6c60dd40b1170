"""Cross-check benchmark: every rule of the cross-checks over the whole generated registry (its
extract and the feeds that plant the contradictions), in Neo4j and in the embedded store,
timed per rule and in total, and checked to agree; then the data-quality report and a month
of 双告知 notices.

    python benchmarks/bench_checks.py --enterprises 100000 \\
        --neo4j-uri bolt://127.0.0.1:7698 [--reuse]

The dataset is generated once under --work. Without --reuse both stores are cleared and
loaded from it (the extract, then OUT/feeds/* in order); with --reuse a Neo4j database that
already holds data and the embedded graph file saved by an earlier run are used as they
are. The run is made twice per store (cold, then warm: the second is the kept run, read
from memory); the clues (keys, explanations, facts) must be identical or the run fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from common import timed
from rich.console import Console
from rich.table import Table

from credgraph.generate import AS_OF, generate
from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset
from credgraph.queries.analyses import analyses_for
from credgraph.queries.checks.service import CheckRun
from credgraph.queries.quality import quality_report
from credgraph.queries.time import Moment

console = Console()


def _folders(dataset: Path) -> list[Path]:
    return [dataset, *sorted(p for p in (dataset / "feeds").iterdir() if p.is_dir())]


def _load(store: GraphStore, dataset: Path, work: Path, name: str) -> None:
    store.clear()
    started = time.perf_counter()
    for folder in _folders(dataset):
        rejects = work / f"rejects-{name}-{folder.name}.csv"
        report = load_dataset(folder, store, rejects_path=rejects, batch_size=5000)
        console.print(f"{name}: loaded {folder.name} ({report.rejected:,} rows refused)")
    store.commit()
    console.print(f"{name}: loaded in {time.perf_counter() - started:.1f} s")


def _comparable(run: CheckRun) -> list[tuple[Any, ...]]:
    """What a clue says, load times left out (each store was loaded at its own time)."""
    return [(c.key, c.explanation, c.entities,
             [(f.fact, f.id, f.source, f.ends, f.provenance.get("src_file"),
               f.provenance.get("src_row")) for f in c.evidence]) for c in run.clues]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--neo4j-uri", default=os.environ.get("CREDGRAPH_NEO4J_URI"),
                        required="CREDGRAPH_NEO4J_URI" not in os.environ)
    parser.add_argument("--work", type=Path, default=Path("/tmp/credgraph-bench"))
    parser.add_argument("--as-of", default=AS_OF.isoformat(),
                        help="the day asked about (default: the generator's today)")
    parser.add_argument("--since", default="2025-12-01",
                        help="first day of the notices' period (the generator establishes "
                             "enterprises up to 2025-12-31)")
    parser.add_argument("--until", default="2025-12-31", help="last day of the period")
    parser.add_argument("--reuse", action="store_true",
                        help="use the loaded Neo4j database and saved embedded graph as they are")
    args = parser.parse_args()

    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    dataset = work / f"dataset-{args.enterprises}-{args.seed}"
    if not (dataset / "feeds").is_dir():
        _, seconds = timed(lambda: generate(dataset, enterprises=args.enterprises,
                                            seed=args.seed))
        console.print(f"generated {args.enterprises:,} enterprises in {seconds:.1f} s")
    neo4j = Neo4jStore(args.neo4j_uri, password=os.environ.get("CREDGRAPH_NEO4J_PASSWORD", ""),
                       timeout_seconds=600)
    graph_file = work / f"graph-{args.enterprises}-{args.seed}.credgraph"
    memory = MemoryStore(graph_file if args.reuse else None)
    memory.path = graph_file
    if not (args.reuse and neo4j.counts().total_nodes):
        _load(neo4j, dataset, work, "Neo4j")
    if not (args.reuse and memory.graph.number_of_nodes()):
        _load(memory, dataset, work, "embedded")
    counts = neo4j.counts()
    console.print(f"graph: {counts.total_nodes:,} nodes, {counts.total_edges:,} relationships")

    at = Moment(args.as_of)
    stores: dict[str, GraphStore] = {"Neo4j": neo4j, "embedded": memory}
    runs: dict[str, CheckRun] = {}
    warm: dict[str, float] = {}
    for name, store in stores.items():
        checks = analyses_for(store).checks
        runs[name] = checks.run(at)
        _, warm[name] = timed(partial(checks.run, at))
    table = Table(title=f"cross-checks as of {at.day}, {args.enterprises:,} enterprises")
    for column in ("rule", "clues", "Neo4j s", "embedded s"):
        table.add_column(column, justify="left" if column == "rule" else "right")
    for neo, mem in zip(runs["Neo4j"].rules, runs["embedded"].rules, strict=True):
        table.add_row(neo.rule.id, f"{neo.clues:,}", f"{neo.seconds:.2f}", f"{mem.seconds:.2f}")
    table.add_row("total (cold)", f"{len(runs['Neo4j'].clues):,}",
                  f"{runs['Neo4j'].seconds:.2f}", f"{runs['embedded'].seconds:.2f}",
                  style="bold")
    table.add_row("again (kept run)", "", f"{warm['Neo4j']:.3f}", f"{warm['embedded']:.3f}")
    console.print(table)
    if _comparable(runs["Neo4j"]) != _comparable(runs["embedded"]):
        console.print("[red]the stores give different clues[/red]")
        sys.exit(1)
    console.print(f"[green]identical clues[/green] ({len(runs['Neo4j'].clues):,}, same order)")

    other = Table(title=f"the data-quality report; 双告知 notices {args.since} to {args.until}")
    for column in ("store", "quality s", "loads", "conformance %", "notices s", "notices"):
        other.add_column(column, justify="left" if column == "store" else "right")
    for name, store in stores.items():
        analyses = analyses_for(store)
        report, q_seconds = timed(partial(quality_report, analyses.backend, at))
        found, n_seconds = timed(partial(analyses.notices.notices, args.since, args.until,
                                         Moment(args.until)))
        rate = report.totals.rate
        other.add_row(name, f"{q_seconds:.2f}", f"{len(report.loads)}",
                      f"{rate * 100:.2f}" if rate is not None else "", f"{n_seconds:.2f}",
                      f"{len(found):,}")
    console.print(other)
    neo4j.close()


if __name__ == "__main__":
    main()
