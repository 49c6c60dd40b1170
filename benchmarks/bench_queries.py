"""Latency of each analysis on either store, called directly (no HTTP), p50/p95 per operation.

    python benchmarks/bench_queries.py --store memory --enterprises 100000
    python benchmarks/bench_queries.py --store neo4j --neo4j-uri bolt://127.0.0.1:7687

It generates a registry (cached under --work), loads it into the store, draws
inputs from the generated files with a fixed seed (enterprises, persons, and for
`paths` pairs of a person and a firm two or three hops away, plus random pairs
that may be far apart), then times every operation --requests times after a
warm-up. The last line prints the ratios the structure issue asks for.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import quantile
from rich.console import Console
from rich.table import Table

from credgraph.generate import generate
from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset
from credgraph.queries.analyses import Analyses, analyses_for
from credgraph.queries.time import Moment
from credgraph.runtime import freeze_startup_objects

console = Console(width=130)
AT = Moment("2024-06-01")


def column(path: Path, name: str, limit: int) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        values = [row[name] for _, row in zip(range(limit), csv.DictReader(fh), strict=False)]
    return [v for v in values if v]


def dense_firms(dataset: Path) -> list[str]:
    """Enterprises of the densely cross-held groups (`credgraph generate --dense-groups`):
    members of the blocks of more than three firms that hold each other in a ring, found
    from the current shareholdings in the files (none in a registry generated without)."""
    import networkx as nx

    holds = nx.DiGraph()
    with (dataset / "shareholdings.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["holder_type"] == "enterprise" and not row["end_date"]:
                holds.add_edge(row["holder"], row["enterprise"])
    return sorted(m for block in nx.strongly_connected_components(holds) if len(block) > 3
                  for m in block)


def inputs(dataset: Path, analyses: Analyses, count: int,
           seed: int) -> dict[str, list[tuple[Any, ...]]]:
    """Arguments of `count` calls per operation, drawn from the files with `seed`."""
    rng = random.Random(seed)
    firms = rng.sample(column(dataset / "enterprises.csv", "uscc", 10**7), count)
    people = rng.sample(sorted(set(column(dataset / "officers.csv", "person_id", 10**7))), count)
    near: list[tuple[Any, ...]] = []
    for person in people:
        view = analyses.explorer.neighbourhood(person, AT, hops=3, max_nodes=400)
        far = [n.entity.id for n in view.nodes if (n.distance or 0) >= 2
               and n.entity.label == "Enterprise"]
        near.append((person, rng.choice(far) if far else rng.choice(firms)))
    random_pairs = [(rng.choice(people), rng.choice(firms)) for _ in range(count)]
    names = [analyses.links.entity(f, AT).name for f in firms]
    texts = []
    for name in names:
        start = rng.randrange(0, max(1, len(name) - 2))
        texts.append((name[start:start + 2],))
    dense = dense_firms(dataset)
    in_groups = [(rng.choice(dense),) for _ in range(count)] if dense else []
    return {
        "search": texts,
        "enterprise": [(f,) for f in firms],
        "person": [(p,) for p in people],
        "personFirms": [(p,) for p in people],
        "blacklistExposure": [(f,) for f in firms],
        "paths (near)": near,
        "paths (random)": random_pairs,
        "ownershipChain": [(f,) for f in firms],
        "ultimateOwners": [(f,) for f in firms],
        "ownershipChain (dense groups)": in_groups,
        "ultimateOwners (dense groups)": in_groups,
        "disqualificationCheck": [(p,) for p in people],
    }


def operations(a: Analyses) -> dict[str, Callable[..., object]]:
    return {
        "search": lambda t: a.links.search(t, AT, 20),
        "enterprise": lambda e: a.links.enterprise(e, AT),
        "person": lambda p: a.links.person(p, AT),
        "personFirms": lambda p: a.links.person_firms(p, AT),
        "blacklistExposure": lambda e: a.links.blacklist_exposure(e, AT, 3),
        "paths (near)": lambda p, e: a.links.paths(p, e, AT, 4),
        "paths (random)": lambda p, e: a.links.paths(p, e, AT, 4),
        "ownershipChain": lambda e: a.links.ownership_chain(e, AT),
        "ultimateOwners": lambda e: a.links.ultimate_owners(e, AT),
        "ownershipChain (dense groups)": lambda e: a.links.ownership_chain(e, AT),
        "ultimateOwners (dense groups)": lambda e: a.links.ultimate_owners(e, AT),
        "disqualificationCheck": lambda p: a.restrictions.check_person(p, AT),
    }


def time_operations(analyses: Analyses, drawn: dict[str, list[tuple[Any, ...]]],
                    warmup: int) -> dict[str, list[float]]:
    """Milliseconds per call of every operation with inputs, the first `warmup` calls left
    out (the dense-group operations have none in a registry generated without groups).
    What is alive by then is frozen, as the API server does once it has started."""
    freeze_startup_objects()
    timed: dict[str, list[float]] = {}
    for name, call in operations(analyses).items():
        if not drawn[name]:
            continue
        times = timed[name] = []
        for i, arguments in enumerate(drawn[name]):
            started = time.perf_counter()
            call(*arguments)
            if i >= warmup:
                times.append((time.perf_counter() - started) * 1000)
    return timed


def by_frequency(dataset: Path, texts: list[tuple[Any, ...]], times: list[float],
                 share: float = 0.01) -> dict[str, list[float]]:
    """Search times split by how common the text is among the generated enterprise names:
    frequent when at least `share` of them contain it (the index of names hands over too
    many candidates to rank them all), rare otherwise."""
    names = column(dataset / "enterprises.csv", "name", 10**8)
    split: dict[str, list[float]] = {"search (frequent texts)": [], "search (rare texts)": []}
    for (text,), took in zip(texts[-len(times):], times, strict=True):
        frequent = sum(text in name for name in names) >= share * len(names)
        split["search (frequent texts)" if frequent else "search (rare texts)"].append(took)
    return {name: found for name, found in split.items() if found}


def _open(args: argparse.Namespace) -> GraphStore:
    if args.store == "neo4j":
        return Neo4jStore(args.neo4j_uri, password=os.environ.get("CREDGRAPH_NEO4J_PASSWORD", ""))
    return MemoryStore(None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=("memory", "neo4j"), default="memory")
    parser.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7687")
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default="/tmp/credgraph-bench")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="Neo4j: the graph is loaded")
    parser.add_argument("--ops", help="Only these operations, comma-separated (e.g. "
                                      "'blacklistExposure,paths (near),paths (random)')")
    args = parser.parse_args(argv)

    dataset = Path(args.work) / f"e{args.enterprises}-s{args.seed}"
    if not (dataset / "enterprises.csv").exists():
        console.print(f"generating {args.enterprises:,} enterprises into {dataset} ...")
        generate(dataset, enterprises=args.enterprises, seed=args.seed)
    store = _open(args)
    if not args.reuse:
        if args.store == "neo4j":
            store.clear()
        started = time.perf_counter()
        load_dataset(dataset, store, rejects_path=Path(args.work) / "rejects.csv")
        console.print(f"loaded into {args.store} in {time.perf_counter() - started:.0f} s")
    analyses = analyses_for(store)
    drawn = inputs(dataset, analyses, args.requests + args.warmup, args.seed)
    if args.ops:
        chosen = {name.strip() for name in args.ops.split(",")}
        unknown = chosen - drawn.keys()
        if unknown:
            parser.error(f"unknown operations {sorted(unknown)}; known: {sorted(drawn)}")
        drawn = {name: calls if name in chosen else [] for name, calls in drawn.items()}
    table = Table(title=f"{args.store}, {args.enterprises:,} enterprises, "
                        f"{args.requests} calls per operation, ms")
    for heading in ("operation", "p50", "p95", "max"):
        table.add_column(heading, justify="left" if heading == "operation" else "right")
    p95: dict[str, float] = {}
    timed = time_operations(analyses, drawn, args.warmup)
    if "search" in timed:
        timed.update(by_frequency(dataset, drawn["search"], timed["search"]))
    for name, times in timed.items():
        p95[name] = quantile(times, 0.95)
        table.add_row(name, f"{quantile(times, 0.5):.1f}", f"{p95[name]:.1f}",
                      f"{max(times):.1f}")
    console.print(table)
    if {"blacklistExposure", "paths (near)", "paths (random)"} <= p95.keys():
        exposure = p95["blacklistExposure"]
        console.print(f"paths p95 / blacklistExposure p95: near "
                      f"{p95['paths (near)'] / exposure:.2f}, "
                      f"random {p95['paths (random)'] / exposure:.2f}")
    store.close()


if __name__ == "__main__":
    main()
