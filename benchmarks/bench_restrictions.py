"""Restriction benchmark: the whole-registry scan in Neo4j and in the embedded store on the
same generated data, checked to agree, and per-person disqualificationCheck latency.

    python benchmarks/bench_restrictions.py --enterprises 100000 \\
        --neo4j-uri bolt://127.0.0.1:7698 [--reuse]

The dataset is generated once under --work. Without --reuse both stores are
cleared and loaded from it; with --reuse a Neo4j database that already holds
data and the embedded graph file saved by an earlier run are used as they are.
The scan runs as the API pages it: the first page of 100 computes the whole
scan, the next pages are read from the scan kept for that data version, day and
recorded time (both timed); the hit sets must be identical or the run fails.
Then --sample persons (those the scan reports first, the rest
drawn at random) are checked one by one in each store, their answers compared,
and the p50/p95 latencies printed.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
from collections import Counter
from functools import partial

from common import quantile, timed
from rich.console import Console
from rich.table import Table
from two_stores import add_arguments, open_two_stores

from credgraph.generate import AS_OF
from credgraph.queries.analyses import Analyses, analyses_for
from credgraph.queries.restrictions.service import ScanItem, ScanPage, page
from credgraph.queries.time import Moment

console = Console()

HitKey = tuple[str, str, str, str, str, str, str, str | None]


def _key(item: ScanItem) -> HitKey:
    hit, post = item.hit, item.affected.appointment
    return (hit.person_id, hit.rule_id, hit.trigger.id, post.key, item.affected.effect.value,
            item.certainty.value, hit.window_start, hit.window_end)


PAGE = 100
"""Items per page, the API's default."""


def _page(analyses: Analyses, at: Moment, after: str | None) -> ScanPage:
    return page(analyses.restrictions.scan(at), PAGE, after)


def _paged_scan(analyses: Analyses, at: Moment) -> tuple[list[ScanItem], float, list[float]]:
    """Every page of the scan in turn, as a client pages it: all items, the first page's
    seconds (it computes the scan) and each later page's seconds (read from the kept scan)."""
    items: list[ScanItem] = []
    first = 0.0
    rest: list[float] = []
    after: str | None = None
    while True:
        found, seconds = timed(partial(_page, analyses, at, after))
        if items:
            rest.append(seconds)
        else:
            first = seconds
        items.extend(found.items)
        if not found.has_next:
            return items, first, rest
        after = found.items[-1].cursor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--as-of", default=AS_OF.isoformat(),
                        help="scan day (default: the generator's today)")
    parser.add_argument("--sample", type=int, default=300, help="persons to check one by one")
    args = parser.parse_args()

    two = open_two_stores(args, "restrictions")
    dataset = two.dataset

    at = Moment(args.as_of, None)
    stores: dict[str, Analyses] = {name: analyses_for(s) for name, s in two.stores.items()}
    timings = Table(title=f"disqualificationScan as of {at.day}, {args.enterprises:,} "
                          f"enterprises, pages of {PAGE}")
    for column in ("store", "first page s", "next pages p50 ms", "next pages max ms", "pages",
                   "appointments", "persons"):
        timings.add_column(column, justify="left" if column == "store" else "right")
    found: dict[str, list[ScanItem]] = {}
    for name, analyses in stores.items():
        found[name], first, rest = _paged_scan(analyses, at)
        timings.add_row(name, f"{first:.2f}", f"{statistics.median(rest) * 1000:.2f}"
                        if rest else "-", f"{max(rest) * 1000:.2f}" if rest else "-",
                        f"{len(rest) + 1:,}", f"{len(found[name]):,}",
                        f"{len({i.hit.person_id for i in found[name]}):,}")
    console.print(timings)
    neo4j_hits = [_key(i) for i in found["Neo4j"]]
    memory_hits = [_key(i) for i in found["embedded"]]
    if neo4j_hits != memory_hits:
        only_neo4j = set(neo4j_hits) - set(memory_hits)
        only_memory = set(memory_hits) - set(neo4j_hits)
        console.print(f"[red]hit sets differ[/red]: {len(only_neo4j)} only in Neo4j, "
                      f"{len(only_memory)} only in the embedded store")
        sys.exit(1)
    console.print(f"[green]identical hit sets[/green] ({len(neo4j_hits):,} appointments, "
                  "same order)")
    kinds = Counter((i.hit.rule_id, i.certainty.value, i.affected.effect.value)
                    for i in found["Neo4j"])
    breakdown = Table(title="scan by rule, certainty and effect")
    for column in ("rule", "certainty", "effect", "appointments"):
        breakdown.add_column(column, justify="right" if column == "appointments" else "left")
    for (rule, certainty, effect), n in sorted(kinds.items()):
        breakdown.add_row(rule, certainty, effect, f"{n:,}")
    console.print(breakdown)

    rng = random.Random(args.seed)
    flagged = sorted({i.hit.person_id for i in found["Neo4j"]})
    with (dataset / "persons.csv").open(encoding="utf-8-sig", newline="") as f:
        persons = sorted(row["person_id"] for row in csv.DictReader(f))
    sample = flagged[: args.sample // 2]
    sample += rng.sample(persons, min(len(persons), args.sample - len(sample)))
    latency = Table(title=f"disqualificationCheck per person ({len(sample)} persons)")
    for column in ("store", "p50 ms", "p95 ms", "max ms", "disqualified", "needs review"):
        latency.add_column(column, justify="left" if column == "store" else "right")
    answers: dict[str, list[tuple[str, ...]]] = {}
    for name, analyses in stores.items():
        check = analyses.restrictions.check_person
        check(sample[0], at)  # warm the connection and caches
        times, answers[name] = [], []
        flags = Counter[str]()
        for person in sample:
            result, seconds = timed(partial(check, person, at))
            times.append(seconds * 1000)
            answers[name].append(tuple(f"{h.rule_id}|{h.trigger.id}|{h.certainty}"
                                       for h in result.hits))
            flags["disqualified"] += result.disqualified
            flags["review"] += result.needs_review
        latency.add_row(name, f"{statistics.median(times):.1f}",
                        f"{quantile(times, 0.95):.1f}", f"{max(times):.1f}",
                        f"{flags['disqualified']:,}", f"{flags['review']:,}")
    console.print(latency)
    if answers["Neo4j"] != answers["embedded"]:
        console.print("[red]per-person answers differ between the stores[/red]")
        sys.exit(1)
    console.print("[green]per-person answers identical[/green]")
    two.neo4j.close()


if __name__ == "__main__":
    main()
