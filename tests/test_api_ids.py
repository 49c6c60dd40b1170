"""Ids are normalised the same way by every operation, on both stores.

The loader stores ids through `credgraph.loaders.normalize.identifier`
(full-width folded, upper case); `person`, `personFirms`, `blacklistExposure`
and `paths` must look them up the same way the enterprise lookup, search and
the restriction checks do, and take an enterprise by legacy registration
number or full-width USCC like `enterprise` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from credgraph.graph.store import GraphStore
from tests.handmade import make_uscc
from tests.test_api_dataset import client_for, data, load_sections

DAY = "2023-06-01"
EE = make_uscc("91110000MA0000F01")
LL = make_uscc("91110000MA0000F02")
REG_NO = "110000000123456"


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


ENTERPRISES = f"""uscc,reg_no,name,type,status,established,registered_capital,authority,address
{EE},{REG_NO},编号甲有限公司,有限责任公司,存续,2010-01-01,100,,
{LL},,编号乙有限公司,有限责任公司,吊销,2010-01-01,100,,
"""

PERSONS = """person_id,name,id_number,nationality
P1,郑壬,,中国
"""

SHAREHOLDINGS = f"""enterprise,holder,holder_type,holder_name,percent,start_date,end_date
{LL},{EE},enterprise,编号甲有限公司,50,2015-01-01,
{EE},P1,person,郑壬,30,2015-01-01,
"""

LIST_ENTRIES = f"""subject,subject_type,list,reason,authority,listed_on,removed_on
{LL},enterprise,serious_illegal,隐瞒真实情况,北京市市场监督管理局,2021-06-01,
"""

EXPOSURE = """query($id: ID!, $d: Date) {
  blacklistExposure(id: $id, asOf: $d) { hits { subject { id } distance } }
}"""

PATHS = """query($a: ID!, $b: ID!, $d: Date) {
  paths(fromId: $a, toId: $b, asOf: $d) { steps { from { id } to { id } } }
}"""


@pytest.fixture
def client(store: GraphStore, tmp_path: Path) -> TestClient:
    load_sections(store, tmp_path / "ids", {
        "enterprises": ENTERPRISES, "persons": PERSONS,
        "shareholdings": SHAREHOLDINGS, "list_entries": LIST_ENTRIES,
    })
    return client_for(store)


@pytest.mark.parametrize("person_id", ["P1", "p1", " p1 ", _full_width("p1")])
def test_person_ids_are_normalised(client: TestClient, person_id: str) -> None:
    found = data(client, "query($p: ID!) { person(personId: $p) { personId } }", p=person_id)
    assert found["person"]["personId"] == "P1"
    firms = data(client, """query($p: ID!, $d: Date) {
      personFirms(personId: $p, asOf: $d) { enterprise { uscc } directPercent } }""",
                 p=person_id, d=DAY)["personFirms"]
    assert (firms[0]["enterprise"]["uscc"], firms[0]["directPercent"]) == (EE, 30.0)
    hits = data(client, EXPOSURE, id=person_id, d=DAY)["blacklistExposure"]["hits"]
    assert hits == [{"subject": {"id": LL}, "distance": 2}]


@pytest.mark.parametrize("ref", [EE, EE.lower(), _full_width(EE), REG_NO, _full_width(REG_NO)])
def test_enterprise_refs_resolve_like_the_enterprise_lookup(client: TestClient,
                                                            ref: str) -> None:
    found = data(client, "query($e: ID!) { enterprise(uscc: $e) { uscc } }", e=ref)
    assert found["enterprise"]["uscc"] == EE
    hits = data(client, EXPOSURE, id=ref, d=DAY)["blacklistExposure"]["hits"]
    assert hits == [{"subject": {"id": LL}, "distance": 1}]
    paths = data(client, PATHS, a="p1", b=ref, d=DAY)["paths"]
    assert [[(s["from"]["id"], s["to"]["id"]) for s in p["steps"]] for p in paths] == [
        [("P1", EE)]]
