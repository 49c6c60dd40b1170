"""The annual_reports section (docs/data-format.md): filing status from the filing date, the
rows it refuses, the warnings it gives, and the compared contact forms it stores."""

from __future__ import annotations

import csv
from pathlib import Path

from credgraph.graph.memory import MemoryStore
from credgraph.loaders.load import load_dataset
from tests.handmade import make_uscc

E1, E2 = make_uscc("91110000MA0AR0001"), make_uscc("91110000MA0AR0002")

ENTERPRISES = f"uscc,name\n{E1},甲有限公司\n{E2},乙有限公司\n"

REPORTS = f"""企业统一社会信用代码,报告年度,公示日期,公示状态,企业联系电话,从业人数
{E1},2021,2022-06-30,,010-61234567,12
{E1},2022年度,2023-07-01,,,
{E1},2023,,,,
{E2},2021,2022-03-01,逾期公示,,
{E2},2022,2023-03-01,未公示,,
{E2},2023,2023-12-31,,,
{E2},2019,,按时公示,,十二
"""


def test_statuses_rejects_and_warnings(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "enterprises.csv").write_text(ENTERPRISES, encoding="utf-8")
    (folder / "annual_reports.csv").write_text(REPORTS, encoding="utf-8")
    store = MemoryStore()
    report = load_dataset(folder, store, rejects_path=tmp_path / "rejects.csv")
    with (tmp_path / "rejects.csv").open(encoding="utf-8") as fh:
        rejects = {(r["row"], r["column"]) for r in csv.DictReader(fh)}
    # Row 6: not filed, yet dated; row 7: filed on the last day of the report year itself;
    # row 8: 十二 is no whole number.
    assert rejects == {("6", "status"), ("7", "filed_on"), ("8", "employees")}
    with (tmp_path / "rejects.warnings.csv").open(encoding="utf-8") as fh:
        warnings = [(r["row"], r["column"]) for r in csv.DictReader(fh)]
    assert warnings == [("5", "status")]  # late, though filed before 30 June 2022
    assert report.sections[-1].loaded == 4
    reports = {n["id"]: n for n in store.nodes_labelled("AnnualReport")}
    assert {k: v["status"] for k, v in reports.items()} == {
        f"{E1}|2021": "on_time", f"{E1}|2022": "late", f"{E1}|2023": "not_filed",
        f"{E2}|2021": "late"}
    first = reports[f"{E1}|2021"]
    assert (first["phone_norm"], first["employees"], first["filed_on"]) == (
        "01061234567", 12, "2022-06-30")
