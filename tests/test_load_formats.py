""".xlsx cells read as the clerk sees them, and one rule for stray cells in every format
(issue 17 points 2 and 4). Expected values are worked out by hand from the cells."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from credgraph.graph.store import GraphStore
from credgraph.loaders.load import LoadReport, load_dataset
from credgraph.loaders.report import Finding, read_findings
from tests.handmade import E1, E2, E3, E4, E5
from tests.spreadsheets import Formatted, write_xlsx


def _load(store: GraphStore, folder: Path) -> tuple[LoadReport, list[Finding]]:
    rejects = folder.parent / f"{folder.name}-rejects.csv"
    report = load_dataset(folder, store, rejects_path=rejects)
    return report, read_findings(rejects)


def _folder(tmp_path: Path, name: str, enterprises: str | None = None) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    if enterprises is not None:
        (folder / "enterprises.csv").write_text(enterprises, encoding="utf-8")
    return folder


ENTERPRISES = f"uscc,name,registered_capital\n{E1},甲,1000\n{E2},乙,500\n"


def test_percent_cells_are_percents(store: GraphStore, tmp_path: Path) -> None:
    """A cell Excel shows as 60% stores 0.6; it is a 60% holding, not 0.6%."""
    folder = _folder(tmp_path, "percent", ENTERPRISES)
    write_xlsx(folder / "shareholdings.xlsx", [
        ["enterprise", "holder", "holder_type", "holder_name", "percent"],
        [E1, "P1", "person", "张三", Formatted(0.6, "0%")],
        [E1, "P2", "person", "李四", Formatted(0.125, "0.00%")],
        [E2, "P1", "person", "张三", "35%"],
        [E2, "P2", "person", "李四", 15],
        [E2, "P3", "person", "王五", Formatted(1.5, "0%")],
    ])
    report, rejects = _load(store, folder)
    percents = {(e, p): store.get_edge("SHAREHOLDER", f"{e}|{p}|") for e, p in
                ((E1, "P1"), (E1, "P2"), (E2, "P1"), (E2, "P2"))}
    assert {k: (v or {}).get("percent") for k, v in percents.items()} == {
        (E1, "P1"): 60.0, (E1, "P2"): 12.5, (E2, "P1"): 35.0, (E2, "P2"): 15.0}
    assert [(f.row, f.column, f.value, f.reason) for f in rejects] == [
        (6, "percent", "150%", "percent outside 0-100")]
    assert report.rejected == 1


def test_date_cells_in_every_style(store: GraphStore, tmp_path: Path) -> None:
    """Typed dates, serial numbers with a date format (Chinese Excel's built-in id 31
    included, which openpyxl alone reads as the number 36949), and date text."""
    folder = _folder(tmp_path, "dates")
    write_xlsx(folder / "enterprises.xlsx", [
        ["统一社会信用代码", "企业名称", "成立日期"],
        [E1, "甲", datetime(2001, 2, 27)],
        [E2, "乙", Formatted(36949, 'yyyy"年"m"月"d"日"')],
        [E3, "丙", Formatted(36949, "yyyy/m/d")],
        [E4, "丁", "2001年2月27日"],
        [E5, "戊", 20010227],
    ], east_asian_ids=True)
    _, rejects = _load(store, folder)
    assert rejects == []
    for key in (E1, E2, E3, E4, E5):
        node = store.get_node(key)
        assert node is not None and node["established"] == "2001-02-27", key


def test_amount_cells_with_wan_formats(store: GraphStore, tmp_path: Path) -> None:
    """Registered capital as the cell shows it: 123.4567万 is 1,234,567 yuan stored; 5000元
    is half a 万; a bare number is already in 万元."""
    folder = _folder(tmp_path, "amounts")
    write_xlsx(folder / "enterprises.xlsx", [
        ["uscc", "name", "registered_capital"],
        [E1, "甲", Formatted(1234567, '0!.0000"万"')],
        [E2, "乙", Formatted(100, '#,##0.00"万元"')],
        [E3, "丙", Formatted(5000, '0"元"')],
        [E4, "丁", Formatted(250, "G/通用格式")],
        [E5, "戊", "1.5亿元"],
    ])
    _, rejects = _load(store, folder)
    assert rejects == []
    capital = {k: (store.get_node(k) or {}).get("registered_capital") for k in
               (E1, E2, E3, E4, E5)}
    assert capital == {E1: pytest.approx(123.4567), E2: 100.0, E3: 0.5, E4: 250.0,
                       E5: 15000.0}


def test_numbers_keep_the_leading_zeros_their_format_shows(
    store: GraphStore, tmp_path: Path
) -> None:
    """A registration number typed as text or as a zero-padded number keeps its zeros; a
    number longer than a spreadsheet keeps is refused with that reason."""
    folder = _folder(tmp_path, "zeros", ENTERPRISES)
    write_xlsx(folder / "equity_pledges.xlsx", [
        ["reg_no", "enterprise", "pledgor", "pledgor_type", "pledgor_name", "pledgee",
         "pledgee_type", "pledgee_name", "registered_on"],
        ["0012345", E1, "007", "person", "张三", E2, "enterprise", "乙", "2020-01-01"],
        [Formatted(12346, "0000000"), E1, "007", "person", "张三", E2, "enterprise", "乙",
         "2020-01-02"],
        ["GQ-9", E1, "007", "person", "张三", Formatted(9.14403001922038e17, "0"),
         "enterprise", "某", "2020-01-03"],
    ])
    report, rejects = _load(store, folder)
    first = store.get_edge("EQUITY_PLEDGE", "0012345|pledgor-pledgee")
    assert first is not None and first["source"] == "007"
    assert store.get_edge("EQUITY_PLEDGE", "0012346|pledgor-pledgee") is not None
    assert [(f.row, f.column) for f in rejects] == [(4, "pledgee")]
    assert "more than 15 digits" in rejects[0].reason
    assert report.rejected == 1


def test_error_cells_are_refused_not_loaded_as_text(store: GraphStore, tmp_path: Path) -> None:
    folder = _folder(tmp_path, "errors")
    write_xlsx(folder / "enterprises.xlsx", [
        ["uscc", "name"], [E1, "甲"], [E2, "#N/A"],
    ])
    _, rejects = _load(store, folder)
    assert [(f.row, f.column, f.value, f.reason) for f in rejects] == [
        (3, "name", "#N/A", "the cell holds the spreadsheet error #N/A")]
    assert store.get_node(E2) is None


PENALTY_ROWS = [
    ["enterprise", "doc_no", "decided_on"],
    [E1, "A-1", "2020-01-01"],
    [E1, "A-2", "2020-01-02", "stray", "cells"],
    [E2, "A-3", "2020-01-03", ""],
    [E2, "A-4", "2020-01-04", None, None, "far"],
]
"""Row 3 has two cells beyond the header, row 5 one far beyond it: both are refused."""


def _penalties_as(kind: str, folder: Path) -> None:
    if kind == "csv":
        lines = [",".join("" if c is None else c for c in row) for row in PENALTY_ROWS]
        (folder / "penalties.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif kind == "csv-trailing-comma":
        lines = [",".join("" if c is None else c for c in row) for row in PENALTY_ROWS]
        lines[0] += ","
        (folder / "penalties.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif kind == "xlsx":
        write_xlsx(folder / "penalties.xlsx", PENALTY_ROWS)
    elif kind == "xlsx-styled-header":
        header = [*PENALTY_ROWS[0], Formatted(None, "@"), Formatted(None, "@")]
        write_xlsx(folder / "penalties.xlsx", [header, *PENALTY_ROWS[1:]])
    else:
        write_xlsx(folder / "penalties.xlsx", PENALTY_ROWS, dimension="A1:C2")


@pytest.mark.parametrize("kind", ["csv", "csv-trailing-comma", "xlsx", "xlsx-styled-header",
                                  "xlsx-wrong-dimension"])
def test_cells_under_no_header_refuse_the_row_in_every_format(
    store: GraphStore, tmp_path: Path, kind: str
) -> None:
    """Issue 17 point 4: one rule for CSV and .xlsx, whatever the sheet says of its size or
    however wide the header row's formatting runs."""
    folder = _folder(tmp_path, kind, ENTERPRISES)
    _penalties_as(kind, folder)
    report, rejects = _load(store, folder)
    penalties = next(s for s in report.sections if s.section == "penalties")
    assert (penalties.rows, penalties.loaded, penalties.rejected) == (4, 2, 2)
    assert [(f.row, f.column, f.value, f.reason) for f in rejects] == [
        (3, "", "stray | cells",
         "2 cell(s) under no column header (column D, E); the header names 3 columns"),
        (5, "", "far", "1 cell(s) under no column header (column F); the header names 3 columns"),
    ]
    assert store.get_node("A-1") is not None and store.get_node("A-3") is not None
    assert store.get_node("A-2") is None and store.get_node("A-4") is None
