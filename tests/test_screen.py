"""Batch screening (`credgraph screen`): decisions worked out by hand on a small file, a
10,000-row file checked against appointmentCheck on a sample, and the command itself."""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from credgraph.exc import BadInputError, DatasetError, EmptyStoreError
from credgraph.graph.memory import MemoryStore
from credgraph.graph.store import GraphStore
from credgraph.loaders.normalize import parse_roles
from credgraph.screen import OUTPUT_COLUMNS, Decision, require_loaded, screen_file
from tests.analyses import check_appointment, over
from tests.test_restrictions import WORLD, uscc

E = WORLD.enterprises
BAD_USCC = "91350211M00013FA1N"

HAND = [
    # person, enterprise, role, date -> decision, rule ids
    (["EMB", E["A"], "director", "2023-01-01"], "refused", "CL178-2"),
    (["EMB", E["Y"], "legal_representative", "2023-01-01"], "refused", "MER-12"),
    (["MGR1", E["X"], "董事", "2024-01-01"], "needs_review", "CL178-3"),
    (["PROB", E["X"], "董事长兼总经理", "2025-01-01"], "refused", "CL178-2"),
    (["PROB", E["X"], "执行事务合伙人", "2025-01-01"], "allowed", ""),
    (["PROB", E["X"], "法定代表人", "2025-01-01"], "refused", "MER-12"),
    (["SILR1", E["SI1"], "法定代表人", "2024-01-01"], "allowed", ""),
    (["SILR2", E["A"], "legal_representative", "2024/01/01"], "refused", "EIP-18"),
    (["LR2", E["A"], "法定代表人", "2023年1月1日"], "needs_review", "MER-12"),
    (["EMB", BAD_USCC, "director", "2023-01-01"], "invalid", ""),
    (["NOBODY", E["A"], "director", "2023-01-01"], "invalid", ""),
    (["EMB", E["A"], "首席吹哨人", "2023-01-01"], "invalid", ""),
    (["EMB", E["A"], "director", ""], "allowed", ""),  # checked on --as-of, the day after
    (["EMB", E["A"], "director", "2021-02-30"], "invalid", ""),
    (["", E["A"], "director", "2023-01-01"], "invalid", ""),
    (["DEBT2", uscc(900), "cfo", "2024-07-01"], "needs_review", "CL178-5"),
]
AS_OF = "2025-03-11"


def _read(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        rows = [["" if v is None else str(v) for v in r]
                for r in book["decisions"].iter_rows(values_only=True)]
        book.close()
        return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_hand_checked_decisions(store: GraphStore, tmp_path: Path) -> None:
    WORLD.load(store, tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["person_id", "uscc", "role", "date", "remark"])
    for cells, _, _ in HAND:
        sheet.append([*cells, "x"])
    source = tmp_path / "proposed.xlsx"
    book.save(source)
    out = tmp_path / "out" / "decisions.xlsx"
    report = screen_file(source, over(store), as_of=AS_OF, out=out)
    rows = _read(out)
    assert list(rows[0]) == list(OUTPUT_COLUMNS)
    assert [(r["row"], r["decision"], r["rule_ids"]) for r in rows] == [
        (str(i), decision, rules) for i, (_, decision, rules) in enumerate(HAND, start=2)]
    reasons = {int(r["row"]): r["reasons"] for r in rows}
    assert "check character N does not verify" in reasons[11]
    assert "no person NOBODY" in reasons[12]
    assert "unknown role" in reasons[13]
    assert "impossible date" in reasons[15]
    assert "required value missing" in reasons[16]
    assert "Art.146(2)" in reasons[2] and "restricted 2020-03-10 to 2025-03-10" in reasons[2]
    assert "personally liable" in reasons[4]
    assert rows[12]["checked_on"] == AS_OF and rows[7]["checked_on"] == "2024-01-01"
    assert report.rows == len(HAND)
    assert report.counts == {Decision.ALLOWED: 3, Decision.REFUSED: 5,
                             Decision.NEEDS_REVIEW: 3, Decision.INVALID: 5}
    summary = openpyxl.load_workbook(out, read_only=True)["summary"]
    assert {d: n for d, n in summary.iter_rows(min_row=2, values_only=True)} == {
        "allowed": 3, "refused": 5, "needs_review": 3, "invalid": 5}
    titles = {int(r["row"]): r["rule_titles"] for r in rows}
    assert titles[2].startswith("sentenced for embezzlement") and titles[6] == ""


ROLES = ["director", "董事", "监事", "legal_representative", "法定代表人", "总经理", "cfo",
         "财务负责人", "执行事务合伙人", "负责人", "董事长兼总经理", "deputy_manager"]


def _big_file(path: Path, rows: int, seed: int) -> list[list[str]]:
    """A GB18030 CSV with Chinese headers; about one row in twenty is broken on purpose."""
    rng = random.Random(seed)
    persons = [*sorted(WORLD.persons), "NOBODY1"]
    enterprises = [*E.values(), uscc(901), uscc(902)]
    first = date(2019, 1, 1)
    lines = []
    for _ in range(rows):
        day = (first + timedelta(days=rng.randrange(9 * 365))).isoformat()
        line = [rng.choice(persons), rng.choice(enterprises), rng.choice(ROLES), day]
        broken = rng.random()
        if broken < 0.01:
            line[1] = BAD_USCC
        elif broken < 0.02:
            line[3] = "2023-02-30"
        elif broken < 0.03:
            line[2] = "顾问"
        elif broken < 0.04:
            line[3] = ""
        lines.append(line)
    with path.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["人员编号", "企业统一社会信用代码", "职务", "任职日期"])
        writer.writerows(lines)
    return lines


def test_ten_thousand_rows_agree_with_appointment_check(store: GraphStore,
                                                        tmp_path: Path) -> None:
    WORLD.load(store, tmp_path)
    source = tmp_path / "proposed.csv"
    lines = _big_file(source, 10_000, seed=5)
    out = tmp_path / "decisions.csv"
    report = screen_file(source, over(store), as_of=AS_OF, out=out, chunk_size=3000)
    rows = _read(out)
    assert report.rows == len(rows) == 10_000
    assert [int(r["row"]) for r in rows] == list(range(2, 10_002))
    assert [r["person_id"] for r in rows] == [line[0] for line in lines]
    for decision in ("allowed", "refused", "needs_review", "invalid"):
        assert report.counts[Decision(decision)] > 20, decision
    for i in random.Random(6).sample(range(len(lines)), 150):
        person, enterprise, role_text, day = lines[i]
        got = rows[i]
        if enterprise == BAD_USCC or day == "2023-02-30" or role_text == "顾问" \
                or person == "NOBODY1":
            assert got["decision"] == "invalid", (lines[i], got)
            continue
        day = day or AS_OF
        decisions = [check_appointment(store, person, enterprise, role, day)
                     for role in parse_roles(role_text)]
        rule_ids = list(dict.fromkeys(h.rule_id for d in decisions for h in d.hits))
        if not all(d.allowed for d in decisions):
            expected = "refused"
        else:
            expected = "needs_review" if rule_ids else "allowed"
        assert (got["decision"], got["rule_ids"], got["checked_on"]) == (
            expected, ";".join(rule_ids), day), lines[i]


def test_unusable_files_are_refused_whole(tmp_path: Path) -> None:
    store = MemoryStore()
    source = tmp_path / "proposed.csv"
    source.write_text("person_id,uscc,date\nEMB,x,2023-01-01\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="role"):
        screen_file(source, over(store), as_of=AS_OF, out=tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
    with pytest.raises(BadInputError, match=r"\.csv or \.xlsx"):
        screen_file(source, over(store), as_of=AS_OF, out=tmp_path / "out.txt")


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CREDGRAPH_STORE": "memory", "CREDGRAPH_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "credgraph.cli", *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)


def test_screen_command(tmp_path: Path) -> None:
    WORLD.load(MemoryStore(tmp_path / "data" / "graph.credgraph"), tmp_path)
    source = tmp_path / "proposed.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["人员编号", "企业统一社会信用代码", "职务", "任职日期"])
        writer.writerows(cells for cells, _, _ in HAND)
    out = tmp_path / "decisions.csv"
    result = _run(["screen", str(source), "--as-of", AS_OF, "--out", str(out), "--lang", "zh"],
                  tmp_path)
    assert result.returncode == 0, result.stderr
    rows = _read(out)
    assert [r["decision"] for r in rows] == [decision for _, decision, _ in HAND]
    assert rows[0]["rule_titles"].startswith("因贪污、贿赂、侵占财产、挪用财产")
    assert "确定：《中华人民共和国公司法》（2018年文本" in rows[0]["reasons"]
    assert "限制期 2020-03-10 至 2025-03-10" in rows[0]["reasons"]
    assert "决定未载明此人负有个人责任" in rows[2]["reasons"]
    assert "refused" in result.stdout and "decisions written to" in result.stdout
    bad = _run(["screen", str(source), "--out", str(tmp_path / "d.txt")], tmp_path)
    assert bad.returncode == 2 and ".csv or .xlsx" in bad.stderr
    missing = _run(["screen", str(tmp_path / "nope.csv"), "--out", str(out)], tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_screen_refuses_an_empty_or_missing_store(tmp_path: Path) -> None:
    """No store file (nothing loaded yet) and a store file with nothing in it: a clear
    message and exit 2, not a decision file of invalid rows."""
    source = tmp_path / "proposed.csv"
    source.write_text(f"person_id,uscc,role,date\nEMB,{E['A']},director,2023-01-01\n",
                      encoding="utf-8")
    out = tmp_path / "decisions.csv"
    missing = _run(["screen", str(source), "--as-of", AS_OF, "--out", str(out)], tmp_path)
    assert missing.returncode == 2, missing.stdout
    assert "no enterprise and no person" in missing.stderr
    assert str(tmp_path / "data" / "graph.credgraph") in missing.stderr
    assert not out.exists()
    empty = MemoryStore(tmp_path / "data" / "graph.credgraph")
    empty.commit()
    assert (tmp_path / "data" / "graph.credgraph").is_file()
    again = _run(["screen", str(source), "--as-of", AS_OF, "--out", str(out)], tmp_path)
    assert again.returncode == 2 and "load a dataset first" in again.stderr
    assert not out.exists()
    with pytest.raises(EmptyStoreError):
        require_loaded(MemoryStore())
