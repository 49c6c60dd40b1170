"""The restriction operations through the GraphQL app, on both stores: the contract selection
of docs/api-contract.md as written, the extra fields, and the error codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from credgraph.api.app import create_app
from credgraph.graph.store import GraphStore
from credgraph.queries.restrictions.rules import Certainty
from credgraph.settings import Settings
from tests.test_restrictions import SCAN, SCAN_DAY, WORLD

E = WORLD.enterprises

CONTRACT = """
query Contract($p: ID!, $e: ID!, $d: Date) {
  disqualificationCheck(personId: $p, asOf: $d) {
    disqualified needsReview
    hits { ruleId citation certainty windowStart windowEnd
           trigger { kind date enterprise { uscc name } }
           affectedAppointments { enterprise { uscc } role kind } } }
  appointmentCheck(personId: $p, uscc: $e, role: DIRECTOR, date: $d) { allowed hits { ruleId } }
  ultimateOwners(uscc: $e, threshold: 25, asOf: $d) { owner { id name kind } effectivePercent circular }
  ownershipChain(uscc: $e, asOf: $d) { nodes { id name kind } edges { from { id } to { id } percent } circular }
  blacklistExposure(id: $e, maxHops: 3, maxDegree: 200, asOf: $d) {
    hits { subject { id name kind } list listedOn distance
           path { steps { from { id } to { id } relation } } } }
  personFirms(personId: $p, asOf: $d, includeHistory: false) {
    enterprise { uscc name } roles directPercent effectivePercent current }
  paths(fromId: $p, toId: $e, maxHops: 4, asOf: $d) { steps { from { id } to { id } relation } }
  disqualificationScan(asOf: $d, first: 10) { totalCount edges { node { person { id } ruleId } } pageInfo { hasNextPage endCursor } }
}
"""


@pytest.fixture
def client(store: GraphStore, tmp_path: Path) -> TestClient:
    WORLD.load(store, tmp_path)
    return TestClient(create_app(store, Settings()))


def ask(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_contract_selection(client: TestClient) -> None:
    body = ask(client, CONTRACT, p="DIR1", e=E["C"], d=SCAN_DAY)
    assert "errors" not in body, body["errors"]
    data = body["data"]
    check = data["disqualificationCheck"]
    assert check["disqualified"] is True and check["needsReview"] is False
    by_rule = {h["ruleId"]: h for h in check["hits"]}
    assert set(by_rule) == {"CL178-3", "MER-12"}
    cl = by_rule["CL178-3"]
    assert cl["certainty"] == "CONFIRMED"
    assert (cl["windowStart"], cl["windowEnd"]) == ("2022-06-30", "2025-07-01")
    assert "Art.146(3)" in cl["citation"]
    assert cl["trigger"] == {"kind": "BANKRUPTCY_LIQUIDATED", "date": "2022-06-30",
                             "enterprise": {"uscc": E["BANK"], "name": "BANK"}}
    assert sorted((a["enterprise"]["uscc"], a["role"], a["kind"])
                  for a in cl["affectedAppointments"]) == [
        (E["C"], "DIRECTOR", "VOID"), (E["D"], "CHAIR", "MUST_REMOVE")]
    assert data["appointmentCheck"] == {"allowed": False, "hits": [{"ruleId": "CL178-3"}]}
    scan = data["disqualificationScan"]
    assert scan["totalCount"] == len(SCAN)
    assert len(scan["edges"]) == 10 and scan["pageInfo"]["hasNextPage"] is True
    persons = [e["node"]["person"]["id"] for e in scan["edges"]]
    assert persons == sorted(persons)


PAGE = """
query Page($d: Date, $after: String, $c: Certainty) {
  disqualificationScan(asOf: $d, first: 3, after: $after, certainty: $c) {
    totalCount
    edges { cursor node { person { id } ruleId certainty kind
                          appointment { enterprise { id } role start }
                          hit { windowStart evidence { fact provenance { srcFile srcRow } } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def test_scan_pages_and_certainty_filter(client: TestClient) -> None:
    seen: list[tuple[str, str, str]] = []
    after = None
    while True:
        body = ask(client, PAGE, d=SCAN_DAY, after=after)
        assert "errors" not in body, body
        scan = body["data"]["disqualificationScan"]
        assert scan["totalCount"] == len(SCAN)
        for edge in scan["edges"]:
            node = edge["node"]
            seen.append((node["person"]["id"], node["ruleId"], node["appointment"]["role"]))
            assert all(step["provenance"]["srcFile"] and step["provenance"]["srcRow"]
                       for step in node["hit"]["evidence"])
        if not scan["pageInfo"]["hasNextPage"]:
            break
        after = scan["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == len(SCAN)
    candidates = ask(client, PAGE, d=SCAN_DAY, c="CANDIDATE")["data"]["disqualificationScan"]
    assert candidates["totalCount"] == sum(row[2] is Certainty.CANDIDATE for row in SCAN) == 6
    assert {e["node"]["certainty"] for e in candidates["edges"]} == {"CANDIDATE"}


EXTRA = """
query Extra($p: ID!, $e: ID!, $d: Date) {
  disqualificationCheck(personId: $p, asOf: $d) {
    person { id name } asOf
    hits { ruleId certainty note noteZh noteEn title titleZh titleEn citation citationZh
           lastRestrictedDay barredRoles
           law { law article version inForceFrom inForceTo }
           trigger { kind id subjectId reason removedOn removalReason liablePersonIds }
           evidence { fact id summary provenance { srcFile srcRow batchId loadedAt } } } }
  appointmentCheck(personId: $p, uscc: $e, role: LEGAL_REPRESENTATIVE, date: $d) {
    allowed needsReview enterpriseId enterprise { name } role date hits { ruleId certainty } }
}
"""


def test_hit_details(client: TestClient) -> None:
    body = ask(client, EXTRA, p="SILR5", e=E["X"], d="2025-01-01")
    assert "errors" not in body, body
    check = body["data"]["disqualificationCheck"]
    assert check["person"] == {"id": "SILR5", "name": "姓名SILR5"}
    (hit,) = check["hits"]
    assert hit["ruleId"] == "EIP-18" and hit["certainty"] == "CANDIDATE"
    assert "other than false disclosure" in hit["note"] and hit["note"] == hit["noteEn"]
    assert "虚假公示以外的情形" in hit["noteZh"] and "经营异常名录届满3年" in hit["noteZh"]
    assert hit["titleZh"].startswith("被列入严重违法失信名单的企业的法定代表人、负责人")
    assert hit["title"] == hit["titleEn"] and hit["titleEn"].startswith("legal representative")
    assert "Art.18, 2024 text" in hit["citation"] and "第18条" in hit["citationZh"]
    assert hit["lastRestrictedDay"] == "2027-05-01"
    assert hit["barredRoles"] == ["LEGAL_REPRESENTATIVE", "RESPONSIBLE_PERSON"]
    assert hit["law"] == {"law": "企业信息公示暂行条例", "article": "18", "version": "2024",
                          "inForceFrom": "2024-05-01", "inForceTo": None}
    assert hit["trigger"]["kind"] == "SERIOUS_ILLEGAL" and hit["trigger"]["subjectId"] == E["SI5"]
    assert [s["fact"] for s in hit["evidence"]] == ["ListEntry", "LISTED", "LEGAL_REPRESENTATIVE"]
    assert [s["provenance"]["srcFile"] for s in hit["evidence"]] == [
        "list_entries.csv", "list_entries.csv", "officers.csv"]
    decision = body["data"]["appointmentCheck"]
    assert decision["allowed"] is True and decision["needsReview"] is True
    assert decision["enterprise"] == {"name": "X"} and decision["role"] == "LEGAL_REPRESENTATIVE"
    assert decision["hits"] == [{"ruleId": "EIP-18", "certainty": "CANDIDATE"}]


@pytest.mark.parametrize(("query", "variables", "code"), [
    ("query($p: ID!) { disqualificationCheck(personId: $p) { disqualified } }",
     {"p": "NOBODY"}, "NOT_FOUND"),
    ("query($p: ID!, $e: ID!) { appointmentCheck(personId: $p, uscc: $e, role: CFO) { allowed } }",
     {"p": "NOBODY", "e": E["A"]}, "NOT_FOUND"),
    ("query($p: ID!, $e: ID!) { appointmentCheck(personId: $p, uscc: $e, role: CFO) { allowed } }",
     {"p": "EMB", "e": "91350211M00013FA1N"}, "BAD_USER_INPUT"),
    ("{ disqualificationScan(first: 1001) { totalCount } }", {}, "BAD_USER_INPUT"),
    ("{ disqualificationScan(after: \"@@@\") { totalCount } }", {}, "BAD_USER_INPUT"),
    ("query($d: Date) { disqualificationScan(asOf: $d) { totalCount } }", {"d": "2024-13-01"},
     "BAD_USER_INPUT"),
])
def test_errors_have_codes(client: TestClient, query: str, variables: dict[str, Any],
                           code: str) -> None:
    body = ask(client, query, **variables)
    assert body.get("data") is None or not any(body["data"].values())
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]
