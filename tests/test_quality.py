"""The data-quality report: conformance of the hand-made dataset against its hand counts, the
loads kept in the store as a trend per source, on both stores; the command and the query."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from credgraph.graph.memory import MemoryStore
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset
from credgraph.queries.backend import backend_for
from credgraph.queries.quality import QualityReport, quality_report
from credgraph.queries.time import Moment
from tests.cli_runner import invoke, memory_env
from tests.handmade import (
    E1,
    EXPECTED_CONFORMANCE,
    EXPECTED_FILLED,
    EXPECTED_REJECTS,
    EXPECTED_SECTIONS,
    RECORDED_AT,
    make_uscc,
)
from tests.test_api_dataset import client_for, data


def _report(store: GraphStore, known: str | None = None) -> QualityReport:
    return quality_report(backend_for(store), Moment("2026-01-01", known))


def _refused_columns() -> Counter[tuple[str, str]]:
    """(file, column) -> rows refused for that column, from the hand-made rejects."""
    counted: Counter[tuple[str, str]] = Counter()
    for (file, _row), columns in EXPECTED_REJECTS.items():
        for column in columns:
            counted[(file, column)] += 1
    return counted


def check_handmade(report: QualityReport) -> None:
    """The report of one load of the hand-made dataset against the hand counts."""
    (load,) = report.loads
    assert (load.source, load.kind, load.recorded_at) == ("SAMR-registration", "delta",
                                                           RECORDED_AT)
    sections = {s.section: s for s in load.sections}
    assert set(sections) == set(EXPECTED_SECTIONS)
    refused = _refused_columns()
    for name, (file, rows, loaded, refused_rows, warnings) in EXPECTED_SECTIONS.items():
        s = sections[name]
        assert (s.files, s.rows, s.loaded, s.refused, s.warnings) == (
            (file,), rows, loaded, refused_rows, warnings), name
        assert s.rate == pytest.approx(loaded / rows)
        for c in s.columns:
            assert c.seen == rows, (name, c.column)
            assert c.refused == refused[(file, c.column)], (name, c.column)
            assert c.rate == pytest.approx((rows - refused[(file, c.column)]) / rows)
        assert {c.column for c in s.columns if c.refused} == {
            col for (f, col) in refused if f == file}
    filled = {(s, c.column): c.filled for s, sec in sections.items() for c in sec.columns}
    for key, count in EXPECTED_FILLED.items():
        assert filled[key] == count, key
    assert load.totals.rate == pytest.approx(EXPECTED_CONFORMANCE)
    assert report.totals.rate == pytest.approx(EXPECTED_CONFORMANCE)
    enterprises = sections["enterprises"]
    assert enterprises.unknown_columns == ("备注",)
    assert {(r.kind, r.column, r.reason, r.count) for r in enterprises.reasons} == {
        ("refused", "uscc", "not a valid USCC", 1),
        ("refused", "established", "impossible date", 1),
        ("warned", "备注", "unknown column", 1)}
    (uscc,) = [r for r in enterprises.reasons if r.column == "uscc"]
    assert [(e.file, e.row, e.value) for e in uscc.examples] == [
        ("enterprises.csv", 7, "91350211M00013FA1N")]


def test_the_handmade_dataset_conforms_as_counted_by_hand(store: GraphStore, handmade_dir: Path,
                                                          tmp_path: Path) -> None:
    load_dataset(handmade_dir, store, rejects_path=tmp_path / "rejects.csv")
    check_handmade(_report(store))


GOOD = make_uscc("91440300MA5D00009")
BAD_CHARACTER = make_uscc("91440300MA5D0000A")[:17] + "0"
assert make_uscc("91440300MA5D0000A") != BAD_CHARACTER
DELTA_ENTERPRISES = f"""uscc,name,status,established
{GOOD},深圳市新设有限公司,存续,2026-01-02
{BAD_CHARACTER},深圳市校验错误有限公司,存续,2026-01-02
"""
DELTA_OFFICERS = f"""enterprise,person_id,name,role,start_date
{E1},P9,孙九,监事,2026-01-03
{E1},P9,孙九,看门人,2026-01-03
{E1},P8,周八,director,not a date
"""


def test_loads_are_kept_as_a_trend_per_source(store: GraphStore, handmade_dir: Path,
                                              tmp_path: Path) -> None:
    """Two departments' loads: each source's counts added up, the loads in recorded order,
    knownAt sees only the loads recorded by then, and loading a folder again is a load of its
    own that changes no fact (the data version stays)."""
    load_dataset(handmade_dir, store, rejects_path=tmp_path / "r1.csv")
    delta = tmp_path / "court"
    delta.mkdir()
    (delta / "manifest.yaml").write_text(
        "source: county-bureau\nextracted_at: 2026-02-01T09:00:00+08:00\n", encoding="utf-8")
    (delta / "enterprises.csv").write_text(DELTA_ENTERPRISES, encoding="utf-8")
    (delta / "officers.csv").write_text(DELTA_OFFICERS, encoding="utf-8")
    load_dataset(delta, store, rejects_path=tmp_path / "r2.csv")
    version = store.data_version()
    load_dataset(delta, store, rejects_path=tmp_path / "r3.csv")
    assert store.data_version() == version

    report = _report(store)
    assert [load.source for load in report.loads] == ["SAMR-registration", "county-bureau",
                                                      "county-bureau"]
    (samr, county) = report.sources
    assert (samr.source, county.source) == ("SAMR-registration", "county-bureau")
    # enterprises: 2 rows, 1 bad check character; officers: 3 rows, 1 unknown role, 1 bad date
    assert (county.totals.rows, county.totals.loaded, county.totals.refused) == (10, 4, 6)
    assert county.totals.rate == pytest.approx(4 / 10)
    officers = next(s for s in county.sections if s.section == "officers")
    rates = {c.column: c.rate for c in officers.columns}
    assert rates["role"] == pytest.approx(4 / 6) and rates["start_date"] == pytest.approx(4 / 6)
    assert rates["person_id"] == pytest.approx(1.0)
    second = report.loads[2].sections
    assert {s.section: dict(s.outcomes) for s in second} == {
        "enterprises": {"unchanged": 1}, "officers": {"unchanged": 1}}
    assert report.totals.rate == pytest.approx((23 + 4) / (32 + 10))

    before = _report(store, known="2026-01-31T00:00:00Z")
    assert [load.source for load in before.loads] == ["SAMR-registration"]
    only = quality_report(backend_for(store), Moment("2026-01-01"), source="county-bureau")
    assert [s.source for s in only.sources] == ["county-bureau"]


def test_the_loads_survive_the_embedded_file(handmade_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "graph.credgraph"
    store = MemoryStore(path)
    load_dataset(handmade_dir, store, rejects_path=tmp_path / "rejects.csv")
    check_handmade(_report(MemoryStore(path)))
    assert "LoadRun" not in store.counts().nodes


def test_the_command_checks_a_folder_and_writes_the_report(handmade_dir: Path,
                                                           tmp_path: Path) -> None:
    """`credgraph quality DIR` checks a folder in a scratch store: the configured one is left
    empty; the CSV and the workbook carry the hand-counted rates."""
    env = memory_env(tmp_path / "data")
    out = tmp_path / "quality.csv"
    result = invoke(["quality", str(handmade_dir), "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "71.88" in result.output and "SAMR-registration" in result.output
    with (tmp_path / "quality.sources.csv").open(encoding="utf-8-sig") as fh:
        sources = {r["source"]: r for r in csv.DictReader(fh)}
    assert sources["(all)"]["conformance_percent"] == "71.88"
    assert (sources["SAMR-registration"]["rows"], sources["SAMR-registration"]["loaded"]) == (
        "32", "23")
    with out.open(encoding="utf-8-sig") as fh:
        columns = [r for r in csv.DictReader(fh) if r["level"] == "source"]
    shares = {(r["section"], r["column"]): r["conformance_percent"] for r in columns}
    assert shares[("enterprises", "uscc")] == f"{6 / 7 * 100:.2f}"
    assert shares[("officers", "(rows)")] == "60.00"
    assert shares[("penalties", "decided_on")] == "50.00"
    assert (tmp_path / "quality.reasons.csv").exists()

    book = tmp_path / "quality.xlsx"
    result = invoke(["quality", str(handmade_dir), "--out", str(book)], env=env)
    assert result.exit_code == 0, result.output
    sheets = openpyxl.load_workbook(book, read_only=True)
    assert sheets.sheetnames == ["columns", "reasons", "loads", "sources"]
    rows = list(sheets["sources"].iter_rows(values_only=True))
    assert rows[-1][0] == "(all)" and rows[-1][-1] == "71.88"

    empty = invoke(["quality"], env=env)
    assert empty.exit_code == 0 and "no load recorded" in empty.output


def test_the_command_refuses_an_unknown_output(handmade_dir: Path, tmp_path: Path) -> None:
    env = memory_env(tmp_path / "data")
    result = invoke(["quality", str(handmade_dir), "--out",
                                      str(tmp_path / "q.txt")], env=env)
    assert result.exit_code == 2


QUALITY = """query($s: String, $name: String!) { dataQuality(source: $s) {
  rows loaded refused warnings conformance
  sources { source conformance loads { id recordedAt conformance } }
  source(name: $name) { source sections { section conformance
                       columns { column seen valid refused conformance }
                       reasons { kind column reason count examples { file row value } } } } } }"""


def test_the_query_returns_the_report(store: GraphStore, handmade_dir: Path,
                                      tmp_path: Path) -> None:
    load_dataset(handmade_dir, store, rejects_path=tmp_path / "rejects.csv")
    found = data(client_for(store), QUALITY, name="SAMR-registration")["dataQuality"]
    assert (found["rows"], found["loaded"], found["refused"], found["warnings"]) == (32, 23, 9, 2)
    assert found["conformance"] == 71.88
    (source,) = found["sources"]
    assert source["source"] == "SAMR-registration" and source["loads"][0]["conformance"] == 71.88
    sections = {s["section"]: s for s in found["source"]["sections"]}
    shareholdings = {c["column"]: c for c in sections["shareholdings"]["columns"]}
    assert shareholdings["percent"] == {"column": "percent", "seen": 8, "valid": 7, "refused": 1,
                                        "conformance": 87.5}
    assert sections["penalties"]["conformance"] == 50.0
    reasons = sections["enterprises"]["reasons"]
    assert sorted(e["row"] for r in reasons if r["kind"] == "REFUSED"
                  for e in r["examples"]) == [7, 8]  # a bad USCC, 30 February
    one = data(client_for(store), """{ dataQuality { source(name: "SAMR-registration") {
        sections { section reasons(first: 1) { examples(first: 0) { row } } } } } }""")
    assert all(len(s["reasons"]) <= 1 and s["reasons"][0]["examples"] == []
               for s in one["dataQuality"]["source"]["sections"] if s["reasons"])
    court = data(client_for(store), QUALITY, s="court", name="court")["dataQuality"]
    assert court["sources"] == [] and court["source"] is None
