"""Loading the hand-made dataset into both stores: counts, values, provenance, rejects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from credgraph.exc import DatasetError, StoreError
from credgraph.graph import keys as keys_module
from credgraph.graph import neo4j_store as neo4j_store_module
from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.records import ChangeSet
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset
from credgraph.loaders.report import read_findings
from tests.handmade import (
    E1,
    E2,
    E3,
    E4,
    E5,
    EXPECTED_COUNTS,
    EXPECTED_REJECTS,
    MISSING,
    RECORDED_AT,
)
from tests.test_api_dataset import load_sections


def _counts(store: GraphStore) -> dict[str, Any]:
    counts = store.counts()
    return {"nodes": counts.nodes, "edges": counts.edges}


def _load(store: GraphStore, folder: Path, tmp_path: Path, **kwargs: Any) -> Any:
    return load_dataset(folder, store, rejects_path=tmp_path / "rejects.csv", **kwargs)


def test_handmade_counts_and_rejects(store: GraphStore, handmade_dir: Path, tmp_path: Path) -> None:
    report = _load(store, handmade_dir, tmp_path)
    assert _counts(store) == EXPECTED_COUNTS
    rejects = read_findings(tmp_path / "rejects.csv")
    by_row: dict[tuple[str, int], set[str]] = {}
    for finding in rejects:
        by_row.setdefault((finding.file, finding.row), set()).add(finding.column)
    assert by_row == EXPECTED_REJECTS
    assert report.rejected == len(EXPECTED_REJECTS)
    reasons = {(f.file, f.row): f.reason for f in rejects}
    assert "check character" in reasons[("enterprises.csv", 7)]
    assert "impossible date" in reasons[("enterprises.csv", 8)]
    assert reasons[("shareholdings.csv", 4)] == "percent outside 0-100"
    assert "neither in the dataset nor in the graph" in reasons[("shareholdings.csv", 7)]
    assert reasons[("officers.xlsx", 5)] == "unknown role"
    assert reasons[("list_entries.csv", 4)] == "unknown list type"


def test_handmade_values_and_provenance(
    store: GraphStore, handmade_dir: Path, tmp_path: Path
) -> None:
    report = _load(store, handmade_dir, tmp_path)
    e1 = store.get_node(E1)
    assert e1 is not None
    assert e1["label"] == "Enterprise"
    assert e1["established"] == "2001-05-03"
    assert e1["registered_capital"] == 1000.0
    assert e1["currency"] == "CNY"
    assert (e1["src_file"], e1["src_row"], e1["batch_id"]) == ("enterprises.csv", 2, report.batch_id)
    assert e1["loaded_at"]
    e2 = store.get_node(E2)
    assert e2 is not None and e2["name"] == "深圳市乙控股有限公司（集团）"
    assert e2["name_norm"] == "深圳市乙控股有限公司(集团)"
    assert store.get_node(E4) is not None, "full-width USCC folds to the half-width key"
    legacy = store.get_node(E5)
    assert legacy is not None and legacy["reg_no"] == E5 and "uscc" not in legacy

    p1 = store.get_node("P1")
    assert p1 is not None and p1["name"] == "张三" and p1["placeholder"] is False
    p4 = store.get_node("P4")
    assert p4 is not None and p4["name"] == "赵六" and p4["placeholder"] is True
    state = store.get_node("G1")
    assert state is not None and state["label"] == "OtherHolder" and state["category"] == "state"

    held = store.get_edge("SHAREHOLDER", f"{E2}|P1|2015-01-01")
    assert held is not None
    assert (held["source"], held["target"], held["percent"]) == ("P1", E2, 50.0)
    assert held["start"] == "2015-01-01" and "end" not in held
    assert (held["src_file"], held["src_row"]) == ("shareholdings.csv", 3)
    derived = store.get_edge("SHAREHOLDER", f"{E4}|P3|2018-01-01")
    assert derived is not None
    assert derived["percent"] == pytest.approx(25.0) and derived["percent_source"] == "subscribed"
    unknown = store.get_edge("SHAREHOLDER", f"{E3}|P1|2016-01-01")
    assert unknown is not None and "percent" not in unknown
    assert unknown["percent_source"] == "unknown"

    chair = store.get_edge("OFFICER", f"{E1}|P1|chair|2015-01-01")
    manager = store.get_edge("OFFICER", f"{E1}|P1|manager|2015-01-01")
    assert chair is not None and manager is not None and chair["src_file"] == "officers.xlsx"
    assert chair["src_row"] == manager["src_row"] == 3
    rep = store.get_edge("LEGAL_REPRESENTATIVE", f"{E1}|P1|legal_representative|2015-01-01")
    assert rep is not None and rep["role"] == "legal_representative"

    pledge = store.get_edge("EQUITY_PLEDGE", "GQ001|pledgor-pledgee")
    assert pledge is not None and (pledge["source"], pledge["target"]) == (E2, "P3")
    assert pledge["status"] == "valid" and pledge["start"] == "2019-01-01"
    mortgage = store.get_edge("CHATTEL_MORTGAGE", "DY001")
    assert mortgage is not None and mortgage["secured_amount"] == 300.0

    entry = store.get_node("P2|dishonest_debtor|2022-01-01")
    assert entry is not None and entry["removed_on"] == "2023-01-01"
    event = store.get_node(f"{E3}|licence_revoked|2022-01-01")
    assert event is not None and list(event["liable_persons"]) == ["P3"]


def test_warnings_report(store: GraphStore, handmade_dir: Path, tmp_path: Path) -> None:
    report = _load(store, handmade_dir, tmp_path)
    warnings = {(w.file, w.row, w.column) for w in read_findings(report.warnings_path)}
    assert ("enterprises.csv", 1, "备注") in warnings
    assert ("shareholdings.csv", 9, "holder") in warnings


def test_reload_changes_nothing(store: GraphStore, handmade_dir: Path, tmp_path: Path) -> None:
    _load(store, handmade_dir, tmp_path)
    before = store.snapshot()
    assert len(before.nodes) == sum(EXPECTED_COUNTS["nodes"].values())
    _load(store, handmade_dir, tmp_path)
    assert store.snapshot() == before, "every property, provenance and load time included"


def test_reload_of_a_changed_row_updates_its_values(
    store: GraphStore, handmade_dir: Path, tmp_path: Path
) -> None:
    _load(store, handmade_dir, tmp_path)
    key = f"{E2}|P1|2015-01-01"
    assert store.get_edge("SHAREHOLDER", key)["percent"] == 50.0  # type: ignore[index]
    holdings = handmade_dir / "shareholdings.csv"
    text = holdings.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith(f"{E2},P1,"))
    holdings.write_text(text.replace(row, row.replace(",50%,", ",35%,")), encoding="utf-8")
    (handmade_dir / "manifest.yaml").write_text(
        "source: SAMR-registration\nextracted_at: 2026-02-01T09:00:00+08:00\n", encoding="utf-8")
    report = _load(store, handmade_dir, tmp_path)
    assert store.get_edge("SHAREHOLDER", key)["percent"] == 35.0  # type: ignore[index]
    versions = {k[2]: props for k, (_, _, props) in store.snapshot().edges.items()
                if k[:2] == ("SHAREHOLDER", key)}
    assert {rec: (p["percent"], p.get("ret")) for rec, p in versions.items()} == {
        RECORDED_AT: (50.0, "2026-02-01T01:00:00Z"), "2026-02-01T01:00:00Z": (35.0, None)}
    corrected = next(s for s in report.sections if s.section == "shareholdings")
    assert corrected.outcomes == {"corrected": 1, "unchanged": 5}


class _Crash(Exception):
    pass


def _crash_after(store: GraphStore, change_sets: int) -> None:
    """Make the store fail part-way through the load, as a killed loader would stop."""
    original = store.apply
    calls = {"n": 0}

    def failing(changes: ChangeSet) -> None:
        calls["n"] += 1
        if calls["n"] > change_sets:
            raise _Crash
        original(changes)

    store.apply = failing  # type: ignore[method-assign]


def test_interrupted_load_then_rerun_equals_clean_load(
    store: GraphStore, handmade_dir: Path, tmp_path: Path
) -> None:
    _crash_after(store, change_sets=3)
    with pytest.raises(_Crash):
        _load(store, handmade_dir, tmp_path, batch_size=2)
    del store.apply  # type: ignore[method-assign]
    _load(store, handmade_dir, tmp_path, batch_size=2)
    assert _counts(store) == EXPECTED_COUNTS
    clean = MemoryStore(None)
    _load(clean, handmade_dir, tmp_path / "clean", batch_size=2)
    assert store.snapshot().without("loaded_at") == clean.snapshot().without("loaded_at")


def test_unreadable_file_stops_before_writing(
    store: GraphStore, handmade_dir: Path, tmp_path: Path
) -> None:
    (handmade_dir / "penalties.csv").write_bytes("enterprise,doc_no\n".encode("utf-16"))
    with pytest.raises(DatasetError, match="penalties.csv"):
        _load(store, handmade_dir, tmp_path)
    assert store.counts().total_nodes == 0


def test_missing_required_column_stops_before_writing(
    store: GraphStore, handmade_dir: Path, tmp_path: Path
) -> None:
    (handmade_dir / "officers.xlsx").unlink()
    (handmade_dir / "officers.csv").write_text("enterprise,person_id\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="officers.csv: missing required column"):
        _load(store, handmade_dir, tmp_path)
    assert store.counts().total_nodes == 0


def test_gb18030_enterprises_with_chinese_dates(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "gbk"
    folder.mkdir()
    text = f"统一社会信用代码,名称,成立日期\n{E3},杭州丙贸易有限公司,2010年1月2日\n"
    (folder / "enterprises.csv").write_bytes(text.encode("gb18030"))
    _load(store, folder, tmp_path)
    node = store.get_node(E3)
    assert node is not None and node["name"] == "杭州丙贸易有限公司"
    assert node["established"] == "2010-01-02"


def test_references_resolve_against_the_graph(
    store: GraphStore, handmade_dir: Path, tmp_path: Path
) -> None:
    """A later dataset may refer to enterprises an earlier load put in the graph."""
    _load(store, handmade_dir, tmp_path)
    later = tmp_path / "later"
    later.mkdir()
    (later / "enterprises.csv").write_text("uscc,name\n", encoding="utf-8")
    (later / "penalties.csv").write_text(
        f"enterprise,doc_no,decided_on\n{E2},深市监罚〔2024〕9号,2024-02-02\n{E5},X-1,2024-01-01\n",
        encoding="utf-8",
    )
    report = _load(store, later, tmp_path)
    assert report.rejected == 0
    assert store.counts().nodes["Penalty"] == 3


def test_embedded_store_persists_between_runs(handmade_dir: Path, tmp_path: Path) -> None:
    from credgraph.graph.memory import MemoryStore

    path = tmp_path / "data" / "graph.credgraph"
    _load(MemoryStore(path), handmade_dir, tmp_path)
    reopened = MemoryStore(path)
    assert _counts(reopened) == EXPECTED_COUNTS
    assert reopened.resolve_enterprises([E5])[E5].id == E5


def test_corrupt_embedded_file_is_a_clear_error(tmp_path: Path) -> None:
    from credgraph.graph.memory import MemoryStore

    path = tmp_path / "graph.credgraph"
    path.write_bytes(b"not a graph")
    with pytest.raises(StoreError, match="graph.credgraph"):
        MemoryStore(path)


def test_enterprise_party_must_exist(store: GraphStore, handmade_dir: Path, tmp_path: Path) -> None:
    """A reference to an enterprise neither in the dataset nor the graph is refused,
    whichever column makes it; the same rows load the same way whatever the batch size."""
    from tests.handmade import MISSING

    (handmade_dir / "chattel_mortgages.csv").write_text(
        "reg_no,mortgagor,mortgagor_type,mortgagor_name,mortgagee,mortgagee_type,mortgagee_name,registered_on\n"
        f"DY002,{E3},enterprise,杭州丙贸易有限公司,{MISSING},enterprise,某银行,2020-01-01\n"
        f"DY003,{E3},enterprise,杭州丙贸易有限公司,{E1},enterprise,深圳市甲科技有限公司,2020-01-01\n",
        encoding="utf-8",
    )
    for batch_size in (1, 5000):
        report = _load(store, handmade_dir, tmp_path, batch_size=batch_size)
        refused = {(f.file, f.row, f.column) for f in read_findings(tmp_path / "rejects.csv")}
        assert ("chattel_mortgages.csv", 2, "mortgagee") in refused
        assert report.rejected == len(EXPECTED_REJECTS) + 1
        assert store.get_node(MISSING) is None
        assert store.counts().edges["CHATTEL_MORTGAGE"] == 1


def test_amounts_in_yuan_and_wan() -> None:
    from credgraph.loaders.normalize import parse_amount

    assert parse_amount("100万元人民币") == 100.0
    assert parse_amount("1.5亿元") == 15000.0
    assert parse_amount("5000元") == 0.5
    assert parse_amount("100") == 100.0
    with pytest.raises(ValueError):
        parse_amount("100 dollars")


def test_relationship_key_with_new_endpoints_moves(store: GraphStore, tmp_path: Path) -> None:
    """A corrected registration (same key, other parties) takes over from the old link; the old
    version is kept, retired at the correction's recorded time."""
    firms = "uscc,name\n" + "".join(f"{e},{e}公司\n" for e in (E1, E2, E3))
    mortgage = ("reg_no,mortgagor,mortgagor_type,mortgagor_name,mortgagee,mortgagee_type,"
                "mortgagee_name,registered_on\nDY9,{a},enterprise,甲,{b},enterprise,乙,{day}\n")
    for extract, b, day in (("2024-01-01", E2, "2020-01-01"), ("2024-02-01", E3, "2020-02-01")):
        folder = tmp_path / extract
        load_sections(store, folder, {"manifest": f"extracted_at: {extract}T08:00:00+08:00\n",
                                      "enterprises": firms,
                                      "chattel_mortgages": mortgage.format(a=E1, b=b, day=day)})
    assert store.counts().edges == {"CHATTEL_MORTGAGE": 2}
    moved = store.get_edge("CHATTEL_MORTGAGE", "DY9")
    assert moved is not None
    assert (moved["source"], moved["target"], moved["start"]) == (E1, E3, "2020-02-01")
    assert moved["rec"] == "2024-02-01T00:00:00Z"
    earlier = store.snapshot().edges[("CHATTEL_MORTGAGE", "DY9", "2024-01-01T00:00:00Z")]
    assert earlier[:2] == (E1, E2) and earlier[2]["ret"] == "2024-02-01T00:00:00Z"


def test_overfull_holdings_warned_for_the_enterprises_a_load_gives(
        store: GraphStore, tmp_path: Path) -> None:
    """Holdings adding up to over 100% are warned about for the enterprises whose holdings
    the load gives, so a delta's check costs what the delta does: a first load warns about
    E1 (70 + 40); a delta giving only E2's holdings (60 + 50) warns about E2, not E1 again."""
    enterprises = ("uscc,name,established\n"
                   f"{E1},深圳甲公司,2020-01-01\n{E2},深圳乙公司,2020-01-01\n")
    header = "enterprise,holder,holder_type,holder_name,percent,start_date\n"
    first = (f"{header}{E1},P1,person,张三,70,2020-01-01\n{E1},P2,person,李四,40,2020-01-01\n"
             f"{E2},P1,person,张三,60,2020-01-01\n")
    load_sections(store, tmp_path / "first", {"enterprises": enterprises, "shareholdings": first})
    delta = f"{header}{E2},P2,person,李四,50,2020-01-01\n"
    report = _load(store, _written(tmp_path / "delta", delta), tmp_path)

    first_warnings = read_findings(tmp_path / "first-rejects.warnings.csv")
    assert [(w.value, w.reason) for w in first_warnings if w.column == "percent"] == [
        (E1, "open holdings add up to 110.00% (over 100%)")]
    assert [(w.value, w.reason) for w in read_findings(report.warnings_path)
            if w.column == "percent"] == [(E2, "open holdings add up to 110.00% (over 100%)")]


@pytest.mark.neo4j
def test_overfull_check_reads_a_batch_of_enterprises_at_a_time(
        neo4j_store: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A register's over-100% check reads its enterprises a batch at a time (one read of a
    province's runs past the read time limit): with batches of one, E1 (70 + 40) and E3
    (100 + 1) are warned about in id order, E2 (60) is not, in three reads."""
    monkeypatch.setattr(neo4j_store_module, "IDS_PER_READ", 1)
    neo4j_store.ensure_schema()
    enterprises = "uscc,name\n" + "".join(f"{e},{e}公司\n" for e in (E1, E2, E3))
    header = "enterprise,holder,holder_type,holder_name,percent,start_date\n"
    holdings = header + "".join(
        f"{firm},{holder},person,{holder}某,{percent},2020-01-01\n"
        for firm, holder, percent in ((E3, "P1", 100), (E1, "P1", 70), (E2, "P2", 60),
                                      (E3, "P2", 1), (E1, "P2", 40)))
    load_sections(neo4j_store, tmp_path / "first", {"enterprises": enterprises,
                                                    "shareholdings": holdings})
    read = neo4j_store.read
    checks: list[list[str]] = []

    def counted(text: str, **params: Any) -> list[dict[str, Any]]:
        if "tolerance" in params:
            checks.append(params["ids"])
        return read(text, **params)

    monkeypatch.setattr(neo4j_store, "read", counted)
    assert neo4j_store.overfull_enterprises({E3, E2, E1}) == sorted([(E1, 110.0), (E3, 101.0)])
    assert checks == [[firm] for firm in sorted((E1, E2, E3))]
    warned = read_findings(tmp_path / "first-rejects.warnings.csv")
    assert [(w.value, w.reason) for w in warned if w.column == "percent"] == sorted([
        (E1, "open holdings add up to 110.00% (over 100%)"),
        (E3, "open holdings add up to 101.00% (over 100%)")])


def _written(folder: Path, shareholdings: str) -> Path:
    folder.mkdir()
    (folder / "shareholdings.csv").write_text(shareholdings, encoding="utf-8")
    return folder


def test_a_full_extract_withdraws_exactly_the_facts_its_rows_leave_out(
        store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The facts a full extract's rows name are kept apart from the store (a key each,
    merged into sorted arrays every MERGE_AT keys: here every key); a row refused for a
    value but whose key can be read still names its fact. Of E1's three posts the extract
    names P1's and, refused, P3's: P2's alone is withdrawn."""
    monkeypatch.setattr(keys_module, "MERGE_AT", 1)
    enterprises = f"uscc,name,established\n{E1},深圳甲公司,2020-01-01\n"
    header = "enterprise,person_id,name,role,start_date,end_date\n"
    posts = [f"{E1},P1,张三,董事,2020-01-01,", f"{E1},P2,李四,监事,2020-01-01,",
             f"{E1},P3,王五,经理,2020-01-01,"]
    day = "source: SAMR\nextracted_at: 2026-03-0{}T09:00:00+08:00\nkind: {}\n"
    load_sections(store, tmp_path / "first", {"manifest": day.format(1, "delta"),
                                              "enterprises": enterprises,
                                              "officers": header + "\n".join(posts) + "\n"})
    full = tmp_path / "full"
    full.mkdir()
    (full / "manifest.yaml").write_text(day.format(2, "full"), encoding="utf-8")
    (full / "enterprises.csv").write_text(enterprises, encoding="utf-8")
    (full / "officers.csv").write_text(
        header + posts[0] + "\n" + posts[2].removesuffix(",") + ",2019-13-45\n",
        encoding="utf-8")
    report = _load(store, full, tmp_path)
    assert report.rejected == 1
    assert report.withdrawn == {"enterprises": 0, "officers": 1}
    retired = {props["fact"] for _, _, props in store.snapshot().edges.values()
               if props.get("ret")}
    assert retired == {f"{E1}|P2|supervisor|2020-01-01"}


def test_references_and_heads_read_together(handmade_store: GraphStore) -> None:
    """What a chunk names and the heads of what it touches, each read at once (one round
    trip on Neo4j): the same as the hand-made dataset says, one section or several."""
    enterprises, entities = handmade_store.references([E1, E5, MISSING], ["P1", E2, "P9"])
    assert {ref: (found.id, found.registered_capital) for ref, found in enterprises.items()} == {
        E1: (E1, 1000.0), E5: (E5, 10.0)}
    assert entities == {"P1": "Person", E2: "Enterprise"}
    assert handmade_store.references([], []) == ({}, {})
    heads = handmade_store.heads_of({"enterprises": [E1, E5, MISSING], "persons": ["P4", "P9"],
                                     "penalties": []})
    assert {key: (head.rec, head.ret, head.placeholder) for key, head in heads.items()} == {
        ("enterprises", E1): (RECORDED_AT, None, False),
        ("enterprises", E5): (RECORDED_AT, None, False),
        ("persons", "P4"): (RECORDED_AT, None, True),
    }
    assert handmade_store.heads("persons", ["P4", "P9"]) == {"P4": heads[("persons", "P4")]}


def test_overfull_counts_the_open_recorded_holdings_that_give_a_percent(
        store: GraphStore, tmp_path: Path) -> None:
    """Worked by hand: E1 70 + 30.02 open, 40 ended: 100.02, over the 0.01 tolerance;
    E2 60 + 41 = 101 until the 41 is retracted; E3 100 + 0.005 (within the tolerance) and
    a holding with no percent. Ended, retracted and percent-less holdings add nothing."""
    enterprises = "uscc,name\n" + "".join(f"{e},{e}公司\n" for e in (E1, E2, E3))
    header = "enterprise,holder,holder_type,holder_name,percent,start_date,end_date\n"
    holdings = header + "".join(
        f"{firm},{holder},person,{holder}某,{percent},2020-01-01,{end}\n"
        for firm, holder, percent, end in (
            (E1, "P1", 70, ""), (E1, "P2", 40, "2021-06-30"), (E1, "P3", 30.02, ""),
            (E2, "P1", 60, ""), (E2, "P2", 41, ""),
            (E3, "P1", 100, ""), (E3, "P2", "", ""), (E3, "P3", 0.005, "")))
    load_sections(store, tmp_path / "first", {
        "manifest": "extracted_at: 2024-01-01T08:00:00+08:00\n",
        "enterprises": enterprises, "shareholdings": holdings})
    found = store.overfull_enterprises({E1, E2, E3})
    assert [e for e, _ in found] == [E1, E2]
    assert [total for _, total in found] == pytest.approx([100.02, 101.0])
    load_sections(store, tmp_path / "delta", {
        "manifest": "extracted_at: 2024-02-01T08:00:00+08:00\n",
        "shareholdings": "enterprise,holder,holder_type,start_date,op\n"
                         f"{E2},P2,person,2020-01-01,retract\n"})
    assert [e for e, _ in store.overfull_enterprises({E1, E2, E3})] == [E1]
