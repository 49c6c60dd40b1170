"""Risk benchmark: the whole risk ranking and riskProfile latency in Neo4j and in the embedded
store on the same generated registry, checked to agree; then the alerts of 1,000 watched
entities after a delta load, timed per store and checked to agree.

    python benchmarks/bench_risk.py --enterprises 100000 \\
        --neo4j-uri bolt://127.0.0.1:7698 [--reuse]

The dataset is generated once under --work. Without --reuse both stores are cleared and
loaded from it; with --reuse a Neo4j database that already holds it and the embedded graph
file saved by an earlier run are used as they are (and the delta is not loaded again, so
--reuse skips the alerts part). The ranking is computed cold (the first ask) and the
profiles of --sample enterprises (the top of the ranking and a random draw) one by one.
For the alerts, --watch entities are watched with hops 1 (half of them enterprises the
delta touches, half drawn at random), a delta folder is written from the dataset (new
listings, pledges, mortgages, legal representatives and shareholders) and loaded, and the
check that follows is timed.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from common import quantile, timed
from rich.console import Console
from rich.table import Table
from two_stores import add_arguments, load_into, open_two_stores

from credgraph.generate import AS_OF
from credgraph.queries.analyses import analyses_for
from credgraph.queries.risk.service import RiskProfile
from credgraph.queries.time import Moment
from credgraph.watch.service import Watch
from credgraph.watch.userdata import UserData

console = Console()


def _digest(profile: RiskProfile) -> tuple[Any, ...]:
    """What two stores must agree on: score, level, and every piece of evidence."""
    return (profile.enterprise.id, profile.score, profile.level,
            tuple((f.indicator.id, tuple(tuple(sorted((k, str(v)) for k, v in e.fields.items()))
                                         for e in f.evidence)) for f in profile.fired))


def _rows(dataset: Path, section: str) -> list[dict[str, str]]:
    with (dataset / f"{section}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_delta(dataset: Path, folder: Path, rng: random.Random, day: str) -> set[str]:
    """A delta extract of the registry: listings, pledges, mortgages, new legal
    representatives and shareholders of firms drawn at random; the firms it touches."""
    enterprises = [r["uscc"] for r in _rows(dataset, "enterprises")]
    persons = [r["person_id"] for r in _rows(dataset, "persons")]
    banks = sorted({r["mortgagee"] for r in _rows(dataset, "chattel_mortgages")
                    if r["mortgagee_type"] == "enterprise"})
    holders = [r for r in _rows(dataset, "shareholdings")
               if r["holder_type"] == "person" and not r["end_date"]]
    reps = [r for r in _rows(dataset, "officers")
            if r["role"] == "legal_representative" and not r["end_date"]]
    touched: set[str] = set()
    folder.mkdir(parents=True, exist_ok=True)
    # No extracted_at: recorded at the time of the load, after the registry's own load (an
    # earlier time would have its changes to recorded facts refused as out of date).
    (folder / "manifest.yaml").write_text("source: bench-delta\nkind: delta\n", encoding="utf-8")

    def write(section: str, rows: list[dict[str, str]]) -> None:
        with (folder / f"{section}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    listed = rng.sample(enterprises, 300)
    touched |= set(listed)
    write("list_entries", [{"subject": e, "subject_type": "enterprise",
                            "list": "abnormal_operations", "reason": "通过登记的住所无法联系",
                            "listed_on": day} for e in listed])
    pledged = rng.sample(holders, 200)
    touched |= {r["enterprise"] for r in pledged}
    write("equity_pledges", [{
        "reg_no": f"BENCH-ZY-{i}", "enterprise": r["enterprise"], "pledgor": r["holder"],
        "pledgor_type": "person", "pledgor_name": r["holder_name"], "pledgee": rng.choice(banks),
        "pledgee_type": "enterprise", "pledgee_name": "银行", "amount": "10",
        "registered_on": day} for i, r in enumerate(pledged)])
    mortgaged = rng.sample(enterprises, 200)
    touched |= set(mortgaged)
    write("chattel_mortgages", [{
        "reg_no": f"BENCH-DY-{i}", "mortgagor": e, "mortgagor_type": "enterprise",
        "mortgagor_name": "抵押人", "mortgagee": rng.choice(banks), "mortgagee_type": "enterprise",
        "mortgagee_name": "银行", "secured_amount": "50", "registered_on": day}
        for i, e in enumerate(mortgaged)])
    changed = rng.sample(reps, 300)
    touched |= {r["enterprise"] for r in changed}
    officers = []
    for r in changed:
        officers.append({**r, "end_date": day})
        officers.append({**r, "person_id": rng.choice(persons), "name": "", "start_date": day,
                         "end_date": ""})
    write("officers", officers)
    joined = rng.sample(enterprises, 300)
    touched |= set(joined)
    write("shareholdings", [{
        "enterprise": e, "holder": rng.choice(persons), "holder_type": "person",
        "holder_name": "新股东", "percent": "1", "start_date": day} for e in joined])
    return touched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--sample", type=int, default=200,
                        help="enterprises whose riskProfile is asked one by one")
    parser.add_argument("--watch", type=int, default=1000, help="entities watched")
    args = parser.parse_args()

    work: Path = args.work
    two = open_two_stores(args, "risk")
    dataset, stores = two.dataset, two.stores
    day = AS_OF.isoformat()
    at = Moment(day)

    timings = Table(title=f"riskRanking as of {day}, {args.enterprises:,} enterprises")
    for column in ("store", "ranking s", "low", "medium", "high"):
        timings.add_column(column, justify="left" if column == "store" else "right")
    ranked: dict[str, list[RiskProfile]] = {}
    for name, store in stores.items():
        ranking, seconds = timed(lambda store=store: analyses_for(store).risk.ranking(at))
        ranked[name] = ranking
        levels = Counter(p.level for p in ranking)
        timings.add_row(name, f"{seconds:.1f}", f"{levels['low']:,}", f"{levels['medium']:,}",
                        f"{levels['high']:,}")
    console.print(timings)
    if [_digest(p) for p in ranked["Neo4j"]] != [_digest(p) for p in ranked["embedded"]]:
        console.print("[red]the rankings differ between the stores[/red]")
        sys.exit(1)
    console.print(f"[green]identical rankings[/green] ({len(ranked['Neo4j']):,} enterprises, "
                  "same scores, levels and evidence)")
    fired = Counter(f.indicator.id for p in ranked["Neo4j"] for f in p.fired)
    table = Table(title="enterprises per indicator")
    table.add_column("indicator")
    table.add_column("enterprises", justify="right")
    for indicator, n in fired.most_common():
        table.add_row(indicator, f"{n:,}")
    console.print(table)

    rng = random.Random(args.seed)
    ids = [p.enterprise.id for p in ranked["Neo4j"]]
    half = args.sample // 2
    sample = ids[:half] + rng.sample(ids, min(len(ids), args.sample - half))
    latency = Table(title=f"riskProfile per enterprise ({len(sample)} enterprises)")
    for column in ("store", "p50 ms", "p95 ms", "max ms"):
        latency.add_column(column, justify="left" if column == "store" else "right")
    by_id = {p.enterprise.id: _digest(p) for p in ranked["Neo4j"]}
    for name, store in stores.items():
        risk = analyses_for(store).risk
        risk.profile(sample[0], at)
        times = []
        for uscc in sample:
            profile, seconds = timed(lambda risk=risk, uscc=uscc: risk.profile(uscc, at))
            times.append(seconds * 1000)
            if _digest(profile) != by_id[uscc]:
                console.print(f"[red]{name}: the profile of {uscc} differs from the ranking[/red]")
                sys.exit(1)
        latency.add_row(name, f"{statistics.median(times):.0f}",
                        f"{quantile(times, 0.95):.0f}", f"{max(times):.0f}")
    console.print(latency)

    if args.reuse:
        console.print("--reuse: the delta load and alerts are skipped")
        two.neo4j.close()
        return
    delta = work / f"delta-{args.enterprises}-{args.seed}"
    touched = sorted(write_delta(dataset, delta, random.Random(args.seed + 1), day))
    persons = [r["person_id"] for r in _rows(dataset, "persons")]
    watched = rng.sample(touched, min(len(touched), args.watch // 2))
    watched += rng.sample(ids, args.watch // 2 - args.watch // 5)
    watched += rng.sample(persons, args.watch - len(watched))
    alerts = Table(title=f"alerts for {len(watched):,} watched entities after a delta load")
    for column in ("store", "watching s", "check s", "alerts", "by kind"):
        alerts.add_column(column, justify="left" if column in ("store", "by kind") else "right")
    found: dict[str, list[tuple[str, str, str]]] = {}
    for name, store in stores.items():
        watch = Watch(UserData(work / f"user-data-{name}.sqlite"), analyses_for(store),
                      clock=lambda: at)
        watch.data.db.executescript("DELETE FROM watched; DELETE FROM surroundings; "
                                    "DELETE FROM alerts; DELETE FROM state;")
        _, watching = timed(lambda watch=watch: [watch.add("bench", e) for e in watched])
        watch.check()
        load_into(store, [delta], work, name, clear=False)
        report, seconds = timed(watch.check)
        made = watch.data.alerts("bench", first=1_000_000)
        found[name] = sorted((a.entity, a.kind, a.item_key) for a in made)
        kinds = Counter(a.kind for a in made)
        alerts.add_row(name, f"{watching:.1f}", f"{seconds:.1f}", f"{len(report.alerts):,}",
                       ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
        watch.data.close()
    console.print(alerts)
    if found["Neo4j"] != found["embedded"]:
        console.print("[red]the alerts differ between the stores[/red]")
        sys.exit(1)
    console.print(f"[green]identical alerts[/green] ({len(found['Neo4j']):,})")
    two.neo4j.close()


if __name__ == "__main__":
    main()
