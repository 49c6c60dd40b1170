"""The generator's feeds: loaded after the registry's extract, they plant the contradictions
the cross-checks report and the rows the data-quality report counts as refused. What the
checks must find is read from the feed files themselves."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from credgraph.generate import AS_OF, generate
from credgraph.graph.memory import MemoryStore
from credgraph.loaders.load import load_dataset
from credgraph.queries.backend import backend_for
from credgraph.queries.checks.service import CrossChecks
from credgraph.queries.quality import quality_report
from credgraph.queries.time import Moment

N, SEED = 2000, 11
FEEDS = ("1-SAMR-registration", "2-PBOC-movables-registry", "3-court-enforcement")


def _rows(folder: Path, section: str) -> list[dict[str, str]]:
    with (folder / f"{section}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MemoryStore]:
    out = tmp_path_factory.mktemp("feeds") / "registry"
    counts = generate(out, N, SEED)
    assert {f"feeds/{f}" for f in FEEDS} <= set(counts)
    store = MemoryStore()
    for folder in (out, *(out / "feeds" / f for f in FEEDS)):
        load_dataset(folder, store, rejects_path=out.parent / f"{folder.name}-rejects.csv")
    return out, store


def test_the_feeds_plant_each_contradiction(registry: tuple[Path, MemoryStore]) -> None:
    out, store = registry
    run = CrossChecks(backend_for(store)).run(Moment(AS_OF.isoformat()))
    found: dict[str, set[str]] = defaultdict(set)
    for clue in run.clues:
        found[clue.rule.id].add(clue.subject)
    samr, court = out / "feeds" / FEEDS[0], out / "feeds" / FEEDS[2]

    names = {r["person_id"]: r["name"] for r in _rows(out, "persons")}
    renamed = {r["person_id"] for r in _rows(court, "persons") if names[r["person_id"]] != r["name"]}
    assert len(renamed) == 3 and found["NAME-CONFLICT"] == renamed

    assert found["PLEDGE-WITHOUT-SHARES"] == {r["pledgor"] for r in _rows(samr, "equity_pledges")}

    posts = _rows(samr, "officers")
    appointed = {r["enterprise"] for r in posts if r["role"] == "legal_representative"
                 and not r["end_date"]}
    left = {r["enterprise"] for r in posts if r["role"] == "legal_representative"
            and r["end_date"]} - appointed
    assert len(left) == 3 and found["NO-LEGAL-REPRESENTATIVE"] == left

    fronts: dict[str, int] = defaultdict(int)
    for r in posts:
        if r["role"] == "legal_representative" and not r["end_date"]:
            fronts[r["person_id"]] += 1
    assert found["NOMINEE-LEGAL-REPRESENTATIVE"] == {p for p, n in fronts.items() if n == 25}

    late = {r["person_id"] for r in posts if r["role"] == "director"}
    assert late <= found["POST-AFTER-END"] and len(late) >= 3
    over = {r["enterprise"] for r in _rows(samr, "shareholdings") if r["percent"] == "60"}
    assert len(over) == 3 and over <= found["SHARES-OVER-100"]
    mortgaged = {r["mortgagor"] for r in _rows(out / "feeds" / FEEDS[1], "chattel_mortgages")}
    assert mortgaged <= found["MORTGAGOR-DEREGISTERED"]
    assert found["ABNORMAL-NOT-ESCALATED"]


def test_the_feeds_carry_refused_rows_per_source(registry: tuple[Path, MemoryStore]) -> None:
    _, store = registry
    report = quality_report(backend_for(store), Moment(AS_OF.isoformat()))
    refused = {s.source: s.totals.refused for s in report.sources}
    assert refused == {"SAMR-registration": 3, "PBOC-movables-registry": 2,
                       "court-enforcement": 1}
    assert [load.source for load in report.loads] == [
        "SAMR-registration", "SAMR-registration", "PBOC-movables-registry", "court-enforcement"]
