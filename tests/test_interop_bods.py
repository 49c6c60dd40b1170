"""BODS 0.4 in and out, judged by Open Ownership's own validator (libcovebods).

Expected statements and owners are worked out by hand from tests/handmade.py and from
the published example files (tests/fixtures/bods), never from the exporter.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credgraph.graph.memory import MemoryStore
from credgraph.graph.store import GraphStore
from credgraph.queries.analyses import analyses_for
from credgraph.queries.time import Moment
from tests.handmade import E1, E2, E3, E4, E5
from tests.interop_helpers import DAY, export_file, findings, import_file, json_lines
from tests.validators import validate_bods

EXAMPLES = Path(__file__).parent / "fixtures" / "bods"

HANDMADE_RECORDS = {
    # Entities: the five enterprises and the state holder G1; persons P1-P4 (P4 created
    # from a shareholding row).
    E1: "entity", E2: "entity", E3: "entity", E4: "entity", E5: "entity", "G1": "entity",
    "P1": "person", "P2": "person", "P3": "person", "P4": "person",
    # Relationships in force on 2024-01-01 (P2's supervisor post ended 2020-12-31; P2's
    # 150% holding and the rows naming unknown enterprises were refused): one per pair.
    f"{E2}->{E1}": "relationship", f"G1->{E1}": "relationship", f"P1->{E2}": "relationship",
    f"P1->{E3}": "relationship", f"P3->{E4}": "relationship", f"P4->{E4}": "relationship",
    f"P1->{E1}": "relationship",
    # P1 holds 50% of E2, which holds 60% of E1: 30% indirectly, at the 25% threshold.
    f"P1=>{E1}": "relationship",
}


def _by_record(statements: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {s["recordId"]: s for s in statements}


def _content(statement: dict[str, Any]) -> str:
    """A statement without provenance and publication (which a re-load changes)."""
    kept = {k: v for k, v in statement.items()
            if k not in ("annotations", "source", "publicationDetails")}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False)



def test_handmade_export_passes_libcovebods(handmade_store: GraphStore, tmp_path: Path) -> None:
    out = export_file(handmade_store, "bods", tmp_path / "handmade.bods.json")
    report = validate_bods(out)
    assert report.schema_version == "0.4"
    assert report.schema_errors == []
    assert report.checks == []
    statements = json.loads(out.read_text(encoding="utf-8"))
    assert {s["recordId"]: s["recordType"] for s in statements} == HANDMADE_RECORDS
    assert report.statistics["count_entity_statements"] == 6


def test_handmade_export_says_what_the_register_says(handmade_store: GraphStore, tmp_path: Path) -> None:
    records = _by_record(json.loads(
        export_file(handmade_store, "bods", tmp_path / "h.bods.json").read_text(encoding="utf-8")))
    indirect = records[f"P1=>{E1}"]["recordDetails"]
    assert indirect["interests"] == [{"type": "shareholding", "directOrIndirect": "indirect",
                                      "beneficialOwnershipOrControl": True,
                                      "share": {"exact": 30.0}}]
    assert indirect["componentRecords"] == [E2, f"{E2}->{E1}", f"P1->{E2}"]
    posts = records[f"P1->{E1}"]["recordDetails"]["interests"]
    assert sorted((i["type"], i["details"]) for i in posts) == [
        ("boardChair", "董事长"), ("seniorManagingOfficial", "法定代表人"),
        ("seniorManagingOfficial", "经理")]
    # 25% worked out from the subscribed 25 of 100 万元 reaches the threshold; 10% does not.
    assert records[f"P3->{E4}"]["recordDetails"]["interests"][0]["beneficialOwnershipOrControl"]
    assert not records[f"P4->{E4}"]["recordDetails"]["interests"][0][
        "beneficialOwnershipOrControl"]
    assert "share" not in records[f"P1->{E3}"]["recordDetails"]["interests"][0]
    assert records["G1"]["recordDetails"]["entityType"] == {"type": "stateBody",
                                                            "details": "国家机关"}
    assert records[E5]["recordDetails"]["identifiers"] == [{"id": E5, "scheme": "CN-SAIC"}]
    assert records[E1]["recordDetails"]["identifiers"] == [{"id": E1, "scheme": "CN-USCI"}]
    note = records[f"{E2}->{E1}"]["annotations"][0]
    assert note["statementPointerTarget"] == "/recordDetails/interests/0"
    assert note["description"].startswith("shareholdings.csv row 2 ")
    assert all(s["statementDate"] == DAY for s in records.values())


def test_round_trip_gives_the_same_statements(handmade_store: GraphStore, tmp_path: Path) -> None:
    first = export_file(handmade_store, "bods", tmp_path / "first.bods.json")
    again = MemoryStore(tmp_path / "again.credgraph")
    report = import_file(again, first, tmp_path / "rt-rejects.csv")
    assert report.rejected == 0 and report.warnings == 0
    second = export_file(again, "bods", tmp_path / "second.bods.json")
    before = json.loads(first.read_text(encoding="utf-8"))
    after = json.loads(second.read_text(encoding="utf-8"))
    assert sorted(map(_content, before)) == sorted(map(_content, after))
    assert [s["statementId"] for s in before] == [s["statementId"] for s in after]


def test_json_lines_hold_the_same_statements(handmade_store: GraphStore, tmp_path: Path) -> None:
    array = json.loads(export_file(handmade_store, "bods", tmp_path / "a.json").read_text("utf-8"))
    lines = json_lines(export_file(handmade_store, "bods", tmp_path / "a.jsonl"))
    assert lines == array


def test_a_map_export_names_only_what_it_holds(handmade_store: GraphStore, tmp_path: Path) -> None:
    """Around P4 one hop: P4 and E4 (and E4's holders P3 are two hops away)."""
    out = export_file(handmade_store, "bods", tmp_path / "map.bods.json", root="P4", hops=1)
    statements = json.loads(out.read_text(encoding="utf-8"))
    assert {s["recordId"] for s in statements} == {"P4", E4, f"P4->{E4}"}
    report = validate_bods(out)
    assert report.schema_errors == [] and report.checks == []


def _load_example(name: str, tmp_path: Path) -> tuple[MemoryStore, Any]:
    store = MemoryStore(tmp_path / f"{name}.credgraph")
    return store, import_file(store, EXAMPLES / name, tmp_path / f"{name}-rejects.csv")


def _owners(store: GraphStore, enterprise: str, day: str) -> dict[str, float | None]:
    links = analyses_for(store).links
    found = {h.entity.id: h.entity for h in links.search(enterprise, Moment.on(day))}
    (node,) = [e for e in found.values() if e.name == enterprise]
    return {o.owner.name: o.effective_percent
            for o in links.ultimate_owners(node.id, Moment.on(day), threshold=0)}


# What each example declares (read from the files): the subject, the day, its owners.
DECLARED = [
    # Person 1 holds Company A indirectly through Company B: 30% (statement 6).
    ("indirect-ownership.json", "Company A", "2020-01-01", {"Person 1": 30.0}),
    # Company B is held 50/50 by C and D, both owned by Person 1: 60% indirectly.
    ("multiple-indirect-ownership.json", "Company B", "2020-01-01", {"Person 1": 60.0}),
    # Company A is held 40% by B and 20% by C, both Person 1's: 60% indirectly.
    ("mutilple-indirect-ownership-2.json", "Company A", "2020-01-01", {"Person 1": 60.0}),
    # 50% indirectly since 2017-11-01, plus 50% directly from 2019-05-01.
    ("mixed-direct-and-indirect-ownership.json", "Company A", "2018-06-01", {"Person 1": 50.0}),
    ("mixed-direct-and-indirect-ownership.json", "Company A", "2020-01-01", {"Person 1": 100.0}),
    # 100% through the joint shareholding arrangement, 50% each.
    ("joint-ownership.json", "CHRINON LTD", "2019-01-01",
     {"Natalie Coleman": 50.0, "Roberto Lopez": 50.0}),
    # Tecido: Maria alone, then 40/60 with Shear Trust, then 30/70; her record closes on
    # 2023-03-03 while Shear Trust reaches 80%.
    ("tecido.json", "Tecido Ltd", "2020-01-01", {"Maria Esteves": 100.0}),
    ("tecido.json", "Tecido Ltd", "2022-01-01", {"Maria Esteves": 40.0, "Shear Trust": 60.0}),
    ("tecido.json", "Tecido Ltd", "2023-01-01", {"Maria Esteves": 30.0, "Shear Trust": 70.0}),
    ("tecido.json", "Tecido Ltd", "2023-06-01", {"Shear Trust": 80.0}),
    # Fermcat: two 50% owners; Riyadh dies 2021-04-03 and Declan inherits; Patrick buys
    # Declan out on 2022-01-21.
    ("fermcat.json", "Fermcat Ltd", "2020-01-01",
     {"Riyadh Byrne-Amin": 50.0, "Patrick O'Donohue": 50.0}),
    ("fermcat.json", "Fermcat Ltd", "2021-06-01",
     {"Declan Byrne-Amin": 50.0, "Patrick O'Donohue": 50.0}),
    ("fermcat.json", "Fermcat Ltd", "2022-06-01", {"Patrick O'Donohue": 100.0}),
]


@pytest.mark.parametrize(("name", "subject", "day", "owners"), DECLARED)
def test_examples_give_the_owners_they_declare(name: str, subject: str, day: str,
                                               owners: dict[str, float], tmp_path: Path) -> None:
    store, _ = _load_example(name, tmp_path)
    found = _owners(store, subject, day)
    assert found.keys() == owners.keys()
    for owner, percent in owners.items():
        assert found[owner] == pytest.approx(percent)


def test_worked_out_shares_are_reported(tmp_path: Path) -> None:
    _, report = _load_example("indirect-ownership.json", tmp_path)
    rejects, notes = findings(report)
    assert rejects == []
    assert [(n.row, n.column, n.value) for n in notes] == [
        (6, "componentRecords", "05e81af035e4")]
    assert "set to 50%" in notes[0].reason and "30%" in notes[0].reason


def test_what_has_no_place_is_refused_with_its_statement(tmp_path: Path) -> None:
    """levent.json: a trust's trustee, settlor and beneficiary interests (statements 5-7)
    and the trust itself (statement 4); its persons, one anonymous, still load."""
    store, report = _load_example("levent.json", tmp_path)
    rejects, _ = findings(report)
    assert sorted((r.row, r.column, r.value) for r in rejects) == [
        (4, "recordId", "8e40d059"), (5, "interests", "trustee"),
        (6, "interests", "settlor, trustee"), (7, "interests", "beneficiaryOfLegalArrangement")]
    names = {n["name"] for (label, _, _), n in store.snapshot().nodes.items()
             if label == "PersonRecord"}
    assert names == {"Andrew Anderson", "Bella Buxton",
                     "(anonymousPerson: interestedPartyExemptFromDisclosure)"}


def test_an_undisclosed_owner_is_refused_with_the_reason(tmp_path: Path) -> None:
    _, report = _load_example("listed-company-exempt-from-disclosure.json", tmp_path)
    rejects, _ = findings(report)
    assert [(r.row, r.column) for r in rejects] == [(2, "interests")]
    assert "subjectExemptFromDisclosure" in rejects[0].reason


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_exports_of_the_examples_pass_libcovebods(name: str, tmp_path: Path) -> None:
    """Nothing the validator finds that it does not find in the example itself (fermcat.json
    uses the scheme IRL-BAU, which org-id.guide does not list)."""
    store, _ = _load_example(name, tmp_path)
    out = export_file(store, "bods", tmp_path / f"out-{name}")
    report = validate_bods(out)
    assert report.schema_errors == []
    inherited = {c["type"] for c in validate_bods(EXAMPLES / name).checks}
    assert {c["type"] for c in report.checks} <= inherited


def test_imports_keep_provenance_and_join_enterprises_by_uscc(
        handmade_store: GraphStore, tmp_path: Path) -> None:
    """A BODS entity with a CN-USCI identifier is that enterprise, whatever its record id."""
    statements = [
        _statement(1, "e1", "entity", {"isComponent": False,
                                        "entityType": {"type": "registeredEntity"},
                                        "name": "杭州丙贸易有限公司",
                                        "identifiers": [{"id": E3, "scheme": "CN-USCI"}]}),
        _statement(2, "p9", "person", {"isComponent": False, "personType": "knownPerson",
                                        "names": [{"fullName": "钱七"}]}),
        _statement(3, "r1", "relationship", {
            "isComponent": False, "subject": "e1", "interestedParty": "p9",
            "interests": [{"type": "shareholding", "directOrIndirect": "direct",
                           "share": {"exact": 15}, "startDate": "2021-03-01"}]}),
    ]
    path = tmp_path / "join.json"
    path.write_text(json.dumps(statements), encoding="utf-8")
    before = handmade_store.counts().nodes["Enterprise"]
    report = import_file(handmade_store, path, tmp_path / "join-rejects.csv")
    assert report.rejected == 0
    assert handmade_store.counts().nodes["Enterprise"] == before
    holders = [(s, p) for (t, _, _), (s, target, p) in handmade_store.snapshot().edges.items()
               if t == "SHAREHOLDER" and target == E3 and p["src_file"] == "join.json"]
    assert len(holders) == 1
    holder, props = holders[0]
    assert props["percent"] == 15 and props["src_row"] == 3 and props["start"] == "2021-03-01"
    assert handmade_store.get_node(holder)["name"] == "钱七"


def test_bad_statements_are_refused_one_by_one(tmp_path: Path) -> None:
    statements: list[Any] = [
        "not an object",
        {"statementID": "x", "statementType": "entityStatement"},
        _statement(3, "e1", "entity", {"isComponent": False,
                                        "entityType": {"type": "registeredEntity"},
                                        "name": "Alpha Ltd",
                                        "identifiers": [{"id": "XE123456789",
                                                         "scheme": "GB-COH"}]}),
        _statement(4, "r1", "relationship", {
            "isComponent": False, "subject": "e1", "interestedParty": "ghost",
            "interests": [{"type": "shareholding", "share": {"exact": 10}}]}),
        _statement(5, "r2", "relationship", {
            "isComponent": False, "subject": "e1", "interestedParty": {"reason": "unknown"},
            "interests": [{"type": "votingRights", "share": {"exact": 10}}]}),
        _statement(6, "r3", "relationship", {
            "isComponent": False, "subject": "e1", "interestedParty": {"reason": "unknown"},
            "interests": [{"type": "shareholding", "share": {"exact": 150}}]}),
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(statements), encoding="utf-8")
    store = MemoryStore(tmp_path / "bad.credgraph")
    rejects, _ = findings(import_file(store, path, tmp_path / "bad-rejects.csv"))
    assert sorted((r.row, r.column) for r in rejects) == [
        (1, ""), (2, "statementType"), (4, "interestedParty"), (5, "interests"),
        (6, "percent")]
    assert store.counts().nodes["Enterprise"] == 1
    # Keyed by its register and id: 18 characters, yet no USCC to be checked.
    key = "GB-COH:XE123456789"
    assert store.get_node(key) is not None
    assert analyses_for(store).links.ultimate_owners(key, Moment.on(DAY)) == []


def _statement(number: int, record_id: str, record_type: str,
               details: dict[str, Any]) -> dict[str, Any]:
    return {"statementId": f"{number:032d}", "declarationSubject": "e1",
            "statementDate": "2022-01-01", "recordId": record_id, "recordType": record_type,
            "recordStatus": "new", "recordDetails": details,
            "publicationDetails": {"publicationDate": "2022-01-01", "bodsVersion": "0.4",
                                   "publisher": {"name": "test register"}}}


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_the_validator_reports_what_libcovebods_reports(name: str) -> None:
    """The validator's stand-in for libcovebods' quadratic statistic (tests/validators.py)
    changes nothing libcovebods finds or counts: compared with its own task list."""
    from libcovebods import config, data_reader, run_tasks, schema

    from tests.validators import org_id_codes_offline

    reader = data_reader.DataReader(str(EXAMPLES / name))
    own_config = config.LibCoveBODSConfig()
    with org_id_codes_offline():
        own = run_tasks.process_additional_checks(
            reader, own_config, schema.SchemaBODS(reader, own_config), run_tasks.TASK_CLASSES)
    report = validate_bods(EXAMPLES / name)
    assert report.statistics == own["statistics"]
    assert report.checks == own["additional_checks"]
