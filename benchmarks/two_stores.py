"""The set-up the store-comparison benchmarks share (bench_restrictions, bench_risk,
bench_checks): one generated registry under --work, loaded into a Neo4j database and into an
embedded graph file, or both used as an earlier run left them (--reuse).

Each benchmark names its own graph file: they load different folders (bench_checks loads the
feeds too), so a file one of them saved is never reused by another.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from credgraph.generate import generate
from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset

console = Console()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments every store-comparison benchmark takes."""
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--neo4j-uri", default=os.environ.get("CREDGRAPH_NEO4J_URI"),
                        required="CREDGRAPH_NEO4J_URI" not in os.environ)
    parser.add_argument("--work", type=Path, default=Path("/tmp/credgraph-bench"))
    parser.add_argument("--reuse", action="store_true",
                        help="use the loaded Neo4j database and saved embedded graph as they are")


def load_into(store: GraphStore, folders: Sequence[Path], work: Path, name: str,
              clear: bool = True) -> None:
    """Load `folders` in order into `store` (emptied first unless `clear` is false)."""
    if clear:
        store.clear()
    started = time.perf_counter()
    for folder in folders:
        rejects = work / f"rejects-{name}-{folder.name}.csv"
        report = load_dataset(folder, store, rejects_path=rejects, batch_size=5000)
        console.print(f"{name}: loaded {folder.name} ({report.rejected:,} rows refused)")
    store.commit()
    console.print(f"{name}: loaded in {time.perf_counter() - started:.1f} s")


@dataclass
class TwoStores:
    """The generated registry and the two stores holding it."""

    dataset: Path
    neo4j: Neo4jStore
    memory: MemoryStore

    @property
    def stores(self) -> dict[str, GraphStore]:
        """The stores by the name the tables print, Neo4j first."""
        return {"Neo4j": self.neo4j, "embedded": self.memory}


def open_two_stores(args: argparse.Namespace, graph_name: str,
                    with_feeds: bool = False) -> TwoStores:
    """Generate the registry once, then load it (with its feeds when `with_feeds`) into both
    stores, unless --reuse finds them loaded."""
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    dataset = work / f"dataset-{args.enterprises}-{args.seed}"
    if not (dataset / "feeds").is_dir():  # the generator writes the feeds last
        started = time.perf_counter()
        generate(dataset, enterprises=args.enterprises, seed=args.seed)
        console.print(f"generated {args.enterprises:,} enterprises in "
                      f"{time.perf_counter() - started:.1f} s")
    folders = [dataset]
    if with_feeds:
        folders += sorted(p for p in (dataset / "feeds").iterdir() if p.is_dir())
    neo4j = Neo4jStore(args.neo4j_uri, password=os.environ.get("CREDGRAPH_NEO4J_PASSWORD", ""),
                       timeout_seconds=600)
    graph_file = work / f"{graph_name}-{args.enterprises}-{args.seed}.credgraph"
    memory = MemoryStore(graph_file if args.reuse else None)
    memory.path = graph_file
    if not (args.reuse and neo4j.counts().total_nodes):
        load_into(neo4j, folders, work, "Neo4j")
    if not (args.reuse and memory.counts().total_nodes):
        load_into(memory, folders, work, "embedded")
    counts = neo4j.counts()
    console.print(f"graph: {counts.total_nodes:,} nodes, {counts.total_edges:,} relationships")
    return TwoStores(dataset, neo4j, memory)
