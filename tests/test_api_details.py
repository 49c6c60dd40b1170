"""Search, enterprise and person details through the API over both stores."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import credgraph.api.app as app_module
from credgraph.graph.store import GraphStore
from credgraph.queries.analyses import Analyses, analyses_for
from credgraph.queries.links.analysis import LinkAnalysis
from credgraph.queries.links.results import Neighbourhood
from credgraph.queries.time import Moment
from tests.handmade import make_uscc
from tests.test_api_dataset import (
    A1,
    BANK,
    C1,
    C2,
    C3,
    DAY,
    H1,
    L1,
    XA,
    XB,
    client_for,
    data,
    load_scenario,
    load_sections,
)

SEARCH = """query($t: String!, $n: Int!) {
  search(text: $t, first: $n) { kind id name matchedBy node { id kind } }
}"""


@pytest.fixture
def client(store: GraphStore, tmp_path: Path) -> TestClient:
    load_scenario(store, tmp_path)
    return client_for(store)


def _search(client: TestClient, text: str, first: int = 20) -> list[tuple[str, str, str]]:
    hits = data(client, SEARCH, t=text, n=first)["search"]
    for hit in hits:
        assert hit["node"] == {"id": hit["id"], "kind": hit["kind"]}
    return [(h["kind"], h["id"], h["matchedBy"]) for h in hits]


def test_search_by_name_fragment(client: TestClient) -> None:
    assert _search(client, "甲一") == [("ENTERPRISE", A1, "NAME")]
    assert _search(client, "控股") == [("ENTERPRISE", H1, "NAME")]


def test_search_single_sign_ranks_shorter_names_first(client: TestClient) -> None:
    assert _search(client, "丙") == [("PERSON", "PX", "NAME"), ("ENTERPRISE", L1, "NAME")]


def test_search_by_id_comes_first_and_folds_case_and_width(client: TestClient) -> None:
    assert _search(client, "pa") == [("PERSON", "PA", "ID")]
    assert _search(client, "ＰＡ") == [("PERSON", "PA", "ID")]
    assert _search(client, A1.lower()) == [("ENTERPRISE", A1, "ID")]


def test_search_first_limits_and_orders(client: TestClient) -> None:
    every = _search(client, "有限公司", 100)
    assert len(every) == 11, "every enterprise name contains it"
    # All contain the text (tier 3); the six seven-sign names first (链条一有限公司, 交叉甲有限公司,
    # 失信丙有限公司 ...), names of one length by the CRC-32 of their ids (zlib here, apart
    # from the code), then by id; the three ten-sign names last.
    def by_digest(ids: list[str]) -> list[str]:
        return sorted(ids, key=lambda i: (f"{zlib.crc32(i.encode()):08x}", i))

    assert [i for _, i, _ in _search(client, "有限公司", 3)] == by_digest(
        [C1, C2, C3, XA, XB, L1])[:3]
    assert [i for _, i, _ in every[-3:]] == by_digest([A1, H1, BANK])
    assert _search(client, "nothing-like-this") == []


ENTERPRISE = """query($e: ID!, $d: Date) {
  enterprise(uscc: $e, asOf: $d) {
    uscc name status established registeredCapital kind provenance { srcFile srcRow batchId }
    shareholders { holder { id kind } percent percentSource start end current
                   provenance { srcFile srcRow } }
    officers { person { id } role start current }
    legalRepresentative { id name }
    legalRepresentatives(includeHistory: true) { person { id } current end }
    listEntries { list listedOn reason current }
    penalties { docNo violationType decidedOn }
    equityPledges { regNo enterprise { id } pledgor { id } pledgee { id } amount start current }
    chattelMortgages { regNo mortgagor { id } mortgagee { id } securedAmount start current }
  }
}"""


def test_enterprise_details_with_dates_and_provenance(client: TestClient) -> None:
    a1 = data(client, ENTERPRISE, e=A1, d=DAY)["enterprise"]
    assert (a1["uscc"], a1["name"], a1["status"], a1["kind"]) == (
        A1, "北京甲一科技有限公司", "存续", "ENTERPRISE")
    assert a1["established"] == "2010-01-01" and a1["registeredCapital"] == 1000.0
    assert a1["provenance"]["srcFile"] == "enterprises.csv" and a1["provenance"]["srcRow"] == 2
    assert [(s["holder"]["id"], s["percent"], s["start"], s["current"])
            for s in a1["shareholders"]] == [(H1, 60.0, "2015-01-01", True)]
    assert a1["shareholders"][0]["provenance"] == {"srcFile": "shareholdings.csv", "srcRow": 2}
    assert sorted((o["person"]["id"], o["role"]) for o in a1["officers"]) == [
        ("PO", "CHAIR"), ("PO", "MANAGER")]
    assert a1["legalRepresentative"] == {"id": "PA", "name": "张甲"}
    assert [p["regNo"] for p in a1["equityPledges"]] == ["GQ-1"]
    pledge = a1["equityPledges"][0]
    assert (pledge["enterprise"]["id"], pledge["pledgor"]["id"], pledge["pledgee"]["id"]) == (
        A1, H1, BANK)
    assert (pledge["amount"], pledge["start"], pledge["current"]) == (600.0, "2019-01-01", True)

    l1 = data(client, ENTERPRISE, e=L1, d=DAY)["enterprise"]
    assert l1["legalRepresentative"] is None
    assert [(r["person"]["id"], r["current"], r["end"]) for r in l1["legalRepresentatives"]] == [
        ("PB", False, "2019-01-01")]
    assert [(e["list"], e["listedOn"], e["current"]) for e in l1["listEntries"]] == [
        ("SERIOUS_ILLEGAL", "2021-06-01", True)]
    assert [(p["docNo"], p["decidedOn"]) for p in l1["penalties"]] == [
        ("京市监罚〔2021〕9号", "2021-05-01")]
    assert [(m["regNo"], m["mortgagor"]["id"], m["mortgagee"]["id"], m["securedAmount"])
            for m in l1["chattelMortgages"]] == [("DY-1", L1, BANK, 300.0)]


def test_enterprise_as_of_an_earlier_day(client: TestClient) -> None:
    before = data(client, ENTERPRISE, e=L1, d="2020-06-01")["enterprise"]
    assert before["listEntries"] == [] and before["penalties"] == []
    assert before["legalRepresentative"] is None
    early = data(client, ENTERPRISE, e=L1, d="2015-06-01")["enterprise"]
    assert early["legalRepresentative"]["id"] == "PB"
    assert early["chattelMortgages"] == []


def test_bank_sees_the_pledge_as_pledgee(client: TestClient) -> None:
    bank = data(client, ENTERPRISE, e=BANK, d=DAY)["enterprise"]
    assert [(p["regNo"], p["enterprise"]["id"], p["pledgor"]["id"], p["pledgee"]["id"])
            for p in bank["equityPledges"]] == [("GQ-1", A1, H1, BANK)]


PERSON = """query($p: ID!, $d: Date) {
  person(personId: $p, asOf: $d) {
    id personId name kind maskedIdNumber
    appointments { enterprise { id } role }
    holdings(includeHistory: true) { enterprise { id } percent current }
    listEntries(includeHistory: true) { list current removedOn }
  }
}"""


def test_person_details(client: TestClient) -> None:
    pb = data(client, PERSON, p="PB", d=DAY)["person"]
    assert (pb["personId"], pb["name"], pb["kind"]) == ("PB", "李乙", "PERSON")
    assert pb["maskedIdNumber"] == "110101********3456"
    assert pb["appointments"] == []
    assert sorted((h["enterprise"]["id"], h["percent"], h["current"]) for h in pb["holdings"]) == [
        (A1, 10.0, False), (C1, 80.0, True)]
    assert pb["listEntries"] == [
        {"list": "DISHONEST_DEBTOR", "current": False, "removedOn": "2022-01-01"}]


class _Counting:
    """Wraps a LinkAnalysis to record the batches neighbourhoods are asked for."""

    def __init__(self, inner: LinkAnalysis) -> None:
        self.inner = inner
        self.batches: list[list[str]] = []
        self.original = inner.neighbourhoods

    def neighbourhoods(self, ids: Sequence[str], at: Moment) -> dict[str, Neighbourhood]:
        self.batches.append(sorted(ids))
        return self.original(ids, at)


def test_neighbour_lookups_are_batched_per_request(
        store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_scenario(store, tmp_path)
    counting: list[_Counting] = []

    def counted(target: GraphStore) -> Analyses:
        analyses = analyses_for(target)
        wrapper = _Counting(analyses.links)
        monkeypatch.setattr(analyses.links, "neighbourhoods", wrapper.neighbourhoods)
        counting.append(wrapper)
        return analyses

    monkeypatch.setattr(app_module, "analyses_for", counted)
    client = client_for(store)
    query = """query($p: ID!, $d: Date) {
      personFirms(personId: $p, asOf: $d) { enterprise { id shareholders { holder { id } } } }
    }"""
    firms = data(client, query, p="PB", d=DAY)["personFirms"]
    assert {f["enterprise"]["id"] for f in firms} == {C1, C2, C3}
    batches = counting[0].batches
    assert sorted([C1, C2, C3]) in batches, batches
    assert all(len(b) == 1 for b in batches if b != sorted([C1, C2, C3])), batches


def test_a_deregistered_firm_marks_its_open_posts(store: GraphStore, tmp_path: Path) -> None:
    """A post recorded without an end at a 注销 firm: current by its dates, but the firm ended."""
    gone, alive = make_uscc("91110000MA00000G1"), make_uscc("91110000MA00000G2")
    load_sections(store, tmp_path / "ended", {
        "enterprises": f"uscc,name,status\n{gone},已注销有限公司,注销\n{alive},存续有限公司,在业\n",
        "persons": "person_id,name\nPG,某人\n",
        "officers": f"enterprise,person_id,role,start_date\n{gone},PG,director,2015-01-01\n"
                    f"{alive},PG,supervisor,2015-01-01\n",
    })
    query = """query($p: ID!) { person(personId: $p, asOf: "2024-01-01") {
        appointments { enterprise { id ... on Enterprise { status statusKind } } current
                       enterpriseEnded } } }"""
    posts = {a["enterprise"]["id"]: a for a in
             data(client_for(store), query, p="PG")["person"]["appointments"]}
    assert posts[gone] == {"enterprise": {"id": gone, "status": "注销",
                                          "statusKind": "DEREGISTERED"},
                           "current": True, "enterpriseEnded": True}
    assert posts[alive]["enterpriseEnded"] is False
    assert posts[alive]["enterprise"]["statusKind"] == "ACTIVE"
