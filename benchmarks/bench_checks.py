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
import sys
from functools import partial
from typing import Any

from common import timed
from rich.console import Console
from rich.table import Table
from two_stores import add_arguments, open_two_stores

from credgraph.generate import AS_OF
from credgraph.queries.analyses import analyses_for
from credgraph.queries.checks.service import CheckRun
from credgraph.queries.quality import quality_report
from credgraph.queries.time import Moment

console = Console()


def _comparable(run: CheckRun) -> list[tuple[Any, ...]]:
    """What a clue says, load times left out (each store was loaded at its own time)."""
    return [(c.key, c.explanation, c.entities,
             [(f.fact, f.id, f.source, f.ends, f.provenance.get("src_file"),
               f.provenance.get("src_row")) for f in c.evidence]) for c in run.clues]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--as-of", default=AS_OF.isoformat(),
                        help="the day asked about (default: the generator's today)")
    parser.add_argument("--since", default="2025-12-01",
                        help="first day of the notices' period (the generator establishes "
                             "enterprises up to 2025-12-31)")
    parser.add_argument("--until", default="2025-12-31", help="last day of the period")
    args = parser.parse_args()

    two = open_two_stores(args, "checks", with_feeds=True)
    at = Moment(args.as_of)
    stores = two.stores
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
    two.neo4j.close()


if __name__ == "__main__":
    main()
