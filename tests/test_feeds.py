"""A register fed day by day: a full extract, deltas with new facts, a correction and a
retraction, objections filed, upheld and rejected, a migration, a second full extract.

After each day the answers of enterprise, personFirms, ultimateOwners, blacklistExposure
and disqualificationCheck equal that day's state, written out by hand below; at the end,
knownAt = each earlier day reproduces that day's answers exactly. Both stores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from credgraph.graph.store import GraphStore
from tests.handmade import make_uscc
from tests.test_api_dataset import client_for, data, load_sections, post

A = make_uscc("91310000MA1FEED0A")  # the firm looked at
H = make_uscc("91310000MA1FEED0H")  # holds A; held by P1
L = make_uscc("91310000MA1FEED0L")  # on the serious illegal list; A's mortgagee
B = make_uscc("91310000MA1FEED0B")  # P3 is its director
AS_OF = "2026-03-10"
MORTGAGE = "DY2020-001"
P3_LISTING = "P3|dishonest_debtor|2026-03-01"
DEBT = "有履行能力而拒不履行生效法律文书确定义务"


def manifest(day: int, source: str = "SAMR-registration", kind: str = "delta") -> str:
    return (f"source: {source}\nextracted_at: 2026-03-{day:02d}T09:00:00+08:00\n"
            f"kind: {kind}\n")


def recorded(day: int) -> str:
    """The recorded time of day `day`'s extract (09:00 China time)."""
    return f"2026-03-{day:02d}T01:00:00Z"


ENTERPRISES = (f"uscc,name,status,authority\n{A},甲贸易有限公司,存续,北京市市场监督管理局\n"
               f"{H},乙控股有限公司,存续,北京市市场监督管理局\n{L},丙失信有限公司,吊销,\n"
               f"{B},丁科技有限公司,存续,\n")
PERSONS = "person_id,name\nP1,张一\nP2,李二\nP3,王三\n"
HOLDINGS = "enterprise,holder,holder_type,percent,start_date,op,op_reason\n"
OFFICERS = "enterprise,person_id,role,start_date,op\n"

DAYS: dict[int, dict[str, str]] = {
    1: {  # the first full extract
        "manifest": manifest(1, kind="full"),
        "enterprises": ENTERPRISES,
        "persons": PERSONS,
        "shareholdings": HOLDINGS + f"{H},P1,person,60,2015-01-01,\n{A},{H},enterprise,50,"
                                   f"2015-01-01,\n{A},P2,person,10,2015-01-01,\n",
        "officers": OFFICERS + f"{A},P2,法定代表人,2015-01-01,\n{B},P3,董事,2018-01-01,\n",
        "chattel_mortgages": ("reg_no,mortgagor,mortgagor_type,mortgagor_name,mortgagee,"
                              "mortgagee_type,mortgagee_name,registered_on\n"
                              f"{MORTGAGE},{A},enterprise,甲,{L},enterprise,丙,2020-01-01\n"),
        "list_entries": ("subject,subject_type,list,reason,listed_on\n"
                         f"{L},enterprise,serious_illegal,弄虚作假,2025-06-01\n"),
    },
    2: {  # a correction, a withdrawal and a new post
        "manifest": manifest(2),
        "shareholdings": HOLDINGS + f"{A},{H},enterprise,70,2015-01-01,\n"
                                   f"{A},P2,person,,2015-01-01,retract,误登记的股东\n",
        "officers": OFFICERS + f"{B},P1,监事,2026-03-02,\n",
    },
    3: {  # the court lists P3; A objects to the mortgage
        "manifest": manifest(3, source="court-enforcement"),
        "list_entries": ("subject,subject_type,list,reason,listed_on\n"
                         f"P3,person,dishonest_debtor,{DEBT},2026-03-01\n"),
        "objections": ("objection_id,section,fact_key,filed_by,filed_on,status,resolved_on\n"
                       f"O1,chattel_mortgages,{MORTGAGE},{A},2026-03-03,pending,\n"),
    },
    4: {  # the objection upheld; P3 objects to the listing; A moves to Shanghai
        "manifest": manifest(4),
        "objections": ("objection_id,section,fact_key,filed_by,filed_on,status,resolved_on\n"
                       f"O1,chattel_mortgages,{MORTGAGE},{A},2026-03-03,upheld,2026-03-04\n"
                       f"O2,list_entries,{P3_LISTING},P3,2026-03-04,pending,\n"),
        "enterprise_events": ("enterprise,event,date,authority\n"
                              f"{A},迁出,2026-03-04,上海市市场监督管理局\n"),
    },
    5: {  # a second full extract of the registration sections; O2 rejected
        "manifest": manifest(5, kind="full"),
        "enterprises": ENTERPRISES,
        "persons": PERSONS,
        "shareholdings": HOLDINGS + f"{H},P1,person,60,2015-01-01,\n{A},{H},enterprise,70,"
                                   "2015-01-01,\n",
        "officers": OFFICERS + f"{A},P2,法定代表人,2015-01-01,\n{B},P3,董事,2018-01-01,\n",
        "objections": ("objection_id,section,fact_key,filed_by,filed_on,status,resolved_on\n"
                       f"O1,chattel_mortgages,{MORTGAGE},{A},2026-03-03,upheld,2026-03-04\n"
                       f"O2,list_entries,{P3_LISTING},P3,2026-03-04,rejected,2026-03-05\n"),
    },
}

QUERY = """query($a: ID!, $d: Date, $k: DateTime) {
  enterprise(uscc: $a, asOf: $d, knownAt: $k) {
    name authorityOnDay
    shareholders { holder { id } percent recordedAt source }
    officers { person { id } role }
    legalRepresentative { id }
    chattelMortgages { regNo disputed disputes { objectionId status } }
  }
  firms: personFirms(personId: "P1", asOf: $d, knownAt: $k) {
    enterprise { id } roles directPercent effectivePercent }
  owners: ultimateOwners(uscc: $a, threshold: 10, asOf: $d, knownAt: $k) {
    owner { id } effectivePercent }
  exposure: blacklistExposure(id: "P1", asOf: $d, knownAt: $k) {
    hits { subject { id } distance } }
  check: disqualificationCheck(personId: "P3", asOf: $d, knownAt: $k) {
    disqualified needsReview hits { ruleId certainty noteEn } }
}"""


def holders(*pairs: tuple[str, float, int, str]) -> list[dict[str, Any]]:
    return [{"holder": {"id": h}, "percent": p, "recordedAt": recorded(day), "source": source}
            for h, p, day, source in pairs]


SAMR = "SAMR-registration"
CONFIRMED_DEBT = [{"ruleId": rule, "certainty": "CONFIRMED", "noteEn": None}
                  for rule in ("CL178-5", "MER-12")]
"""A dishonest debtor listed for not paying: barred from director, supervisor and manager posts
(Company Law 2023 Art.178(5)) and from being a legal representative (MER Art.12(5))."""
DISPUTED = (f"a fact it rests on (list_entries:{P3_LISTING}) is disputed by objection O2 "
            "(2026-03-04, pending): a clerk must check")

EXPECTED: dict[int, dict[str, Any]] = {
    1: {
        "enterprise": {
            "name": "甲贸易有限公司", "authorityOnDay": "北京市市场监督管理局",
            "shareholders": holders((H, 50.0, 1, SAMR), ("P2", 10.0, 1, SAMR)),
            "officers": [], "legalRepresentative": {"id": "P2"},
            "chattelMortgages": [{"regNo": MORTGAGE, "disputed": False, "disputes": []}]},
        "firms": [
            {"enterprise": {"id": H}, "roles": [], "directPercent": 60.0,
             "effectivePercent": 60.0},
            {"enterprise": {"id": A}, "roles": [], "directPercent": None,
             "effectivePercent": 30.0}],
        "owners": [{"owner": {"id": "P1"}, "effectivePercent": 30.0},
                   {"owner": {"id": "P2"}, "effectivePercent": 10.0}],
        "exposure": {"hits": [{"subject": {"id": L}, "distance": 3}]},
        "check": {"disqualified": False, "needsReview": False, "hits": []},
    },
}
EXPECTED[2] = {
    **EXPECTED[1],
    "enterprise": {**EXPECTED[1]["enterprise"],
                   "shareholders": holders((H, 70.0, 2, SAMR))},
    "firms": [  # direct links first (by share, then those without one), then held through H
        {"enterprise": {"id": H}, "roles": [], "directPercent": 60.0, "effectivePercent": 60.0},
        {"enterprise": {"id": B}, "roles": ["SUPERVISOR"], "directPercent": None,
         "effectivePercent": None},
        {"enterprise": {"id": A}, "roles": [], "directPercent": None, "effectivePercent": 42.0}],
    "owners": [{"owner": {"id": "P1"}, "effectivePercent": 42.0}],
}
EXPECTED[3] = {
    **EXPECTED[2],
    "enterprise": {**EXPECTED[2]["enterprise"], "chattelMortgages": [
        {"regNo": MORTGAGE, "disputed": True,
         "disputes": [{"objectionId": "O1", "status": "PENDING"}]}]},
    "check": {"disqualified": True, "needsReview": False, "hits": CONFIRMED_DEBT},
}
EXPECTED[4] = {
    **EXPECTED[3],
    "enterprise": {**EXPECTED[3]["enterprise"], "authorityOnDay": "上海市市场监督管理局",
                   "chattelMortgages": []},
    "exposure": {"hits": []},
    "check": {"disqualified": False, "needsReview": True, "hits": [
        {"ruleId": rule, "certainty": "CANDIDATE", "noteEn": DISPUTED}
        for rule in ("CL178-5", "MER-12")]},
}
EXPECTED[5] = {
    **EXPECTED[4],
    "firms": [EXPECTED[2]["firms"][0], EXPECTED[2]["firms"][2]],
    "check": {"disqualified": True, "needsReview": False, "hits": CONFIRMED_DEBT},
}


def answers(client: TestClient, known: str | None = None) -> dict[str, Any]:
    return data(client, QUERY, a=A, d=AS_OF, k=known)


def test_a_register_fed_day_by_day(store: GraphStore, tmp_path: Path) -> None:
    client = client_for(store)
    seen: dict[int, dict[str, Any]] = {}
    for day, sections in DAYS.items():
        load_sections(store, tmp_path / f"day{day}", sections)
        seen[day] = answers(client)
        assert seen[day] == EXPECTED[day], day
    for day in DAYS:
        # Later the same day, before the next extract: what the register showed then.
        assert answers(client, f"2026-03-{day:02d}T18:00:00+08:00") == seen[day], day
    before = post(client, QUERY, a=A, d=AS_OF, k="2026-02-28")
    assert before["data"] is None and {e["extensions"]["code"] for e in before["errors"]} == {
        "NOT_FOUND"}, "nothing was recorded before the first extract"


def test_a_full_extract_withdraws_what_it_omits_and_a_second_changes_nothing(
        store: GraphStore, tmp_path: Path) -> None:
    for day in (1, 2):
        load_sections(store, tmp_path / f"day{day}", DAYS[day])
    client = client_for(store)
    assert [f["enterprise"]["id"] for f in answers(client)["firms"]] == [H, B, A]
    load_sections(store, tmp_path / "full", {
        k: v for k, v in DAYS[5].items() if k != "objections"})
    after = answers(client)
    assert [f["enterprise"]["id"] for f in after["firms"]] == [H, A], \
        "P1's post at B, which the full extract omits, is withdrawn"
    snapshot, version = store.snapshot(), data(client, "{ dataVersion }")["dataVersion"]
    load_sections(store, tmp_path / "again", {
        k: v for k, v in DAYS[5].items() if k != "objections"})
    assert store.snapshot() == snapshot, "counts, values and provenance unchanged"
    assert data(client, "{ dataVersion }")["dataVersion"] == version
    assert answers(client) == after


def test_a_withdrawal_keeps_why(store: GraphStore, tmp_path: Path) -> None:
    """Each way a fact leaves the register keeps its reason on the withdrawn version: the
    retract row's op_reason, the upheld objection, the full extract that omits it; a
    correction's reason is the new version's op_reason, so the old one has none."""
    for day, sections in DAYS.items():
        load_sections(store, tmp_path / f"day{day}", sections)
    snapshot = store.snapshot()
    elements = [props for _, _, props in snapshot.edges.values()] + list(
        snapshot.nodes.values())
    reasons = {(e["fact"], e["ret"]): e.get("ret_reason") for e in elements
               if e.get("ret") and "fact" in e}
    assert reasons[(f"{A}|P2|2015-01-01", recorded(2))] == "误登记的股东"
    assert reasons[(MORTGAGE, recorded(4))] == "objection O1 upheld"
    assert reasons[(f"{B}|P1|supervisor|2026-03-02", recorded(5))] == \
        "not in the full extract of SAMR-registration"
    assert reasons[(f"{A}|{H}|2015-01-01", recorded(2))] is None
