"""A scenario dataset in the dataset layout for the API and link tests, and its load check.

It carries the published check values of docs/api-contract.md (30%, 28%, the ministry's
100%), a cross-holding, a listed firm three hops from a person, ended and
future-dated holdings, a pledge and a mortgage. The numbers the tests expect
are worked out in the tests themselves, not read back from the code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from credgraph.api.app import create_app
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset
from credgraph.settings import Settings
from tests.handmade import make_uscc

DAY = "2023-06-01"
"""The asOf the tests ask about."""

A1 = make_uscc("91110000MA0000001")  # held 60% by H1
H1 = make_uscc("91110000MA0000002")  # held 50% by PA
C1 = make_uscc("91110000MA0000003")  # PB 80% -> C1 50% -> C2 70% -> C3
C2 = make_uscc("91110000MA0000004")
C3 = make_uscc("91110000MA0000005")
M1 = make_uscc("91110000MA0000006")  # ministry 100% of M1, M1 76.5% of M2, ministry 23.5% of M2
M2 = make_uscc("91110000MA0000007")
XA = make_uscc("91110000MA0000008")  # XA 20% of XB, XB 10% of XA, PX 60% of XA, PY 80% of XB
XB = make_uscc("91110000MA0000009")
L1 = make_uscc("91110000MA000000A")  # on the serious illegal list
BANK = make_uscc("91110000MA000000B")
MINISTRY = "GOV-SASAC"

PERCENTS = {
    (H1, A1): 60.0, ("PA", H1): 50.0,
    ("PB", C1): 80.0, (C1, C2): 50.0, (C2, C3): 70.0,
    (MINISTRY, M1): 100.0, (M1, M2): 76.5, (MINISTRY, M2): 23.5,
    ("PX", XA): 60.0, (XA, XB): 20.0, (XB, XA): 10.0, ("PY", XB): 80.0,
}
"""Direct holdings in force on DAY, (holder, held) -> percent: the tests' own copy."""

ENTERPRISES = f"""uscc,name,type,status,established,registered_capital,authority,address
{A1},北京甲一科技有限公司,有限责任公司,存续,2010-01-01,1000,北京市市场监督管理局,北京市海淀区
{H1},北京控股一号有限公司,有限责任公司,存续,2008-01-01,5000,北京市市场监督管理局,北京市朝阳区
{C1},链条一有限公司,有限责任公司,存续,2009-01-01,100,,
{C2},链条二有限公司,有限责任公司,存续,2009-01-01,100,,
{C3},链条三有限公司,有限责任公司,存续,2009-01-01,100,,
{M1},国投一号有限公司,有限责任公司,存续,2000-01-01,100,,
{M2},国投二号有限公司,有限责任公司,存续,2000-01-01,100,,
{XA},交叉甲有限公司,有限责任公司,存续,2012-01-01,100,,
{XB},交叉乙有限公司,有限责任公司,存续,2012-01-01,100,,
{L1},失信丙有限公司,有限责任公司,吊销,2011-01-01,100,,
{BANK},某某银行股份有限公司,股份有限公司,存续,1990-01-01,100000,,
"""

PERSONS = """person_id,name,id_number,nationality
PA,张甲,110101199001011234,中国
PB,李乙,110101198502023456,中国
PX,王丙,,中国
PY,赵丁,,中国
PO,钱戊,110101197003034567,中国
"""

SHAREHOLDINGS = f"""enterprise,holder,holder_type,holder_name,percent,start_date,end_date
{A1},{H1},enterprise,北京控股一号有限公司,60,2015-01-01,
{H1},PA,person,张甲,50,2014-01-01,
{A1},PB,person,李乙,10,2010-01-01,2015-01-01
{A1},PY,person,赵丁,5,2099-01-01,
{C1},PB,person,李乙,80,2016-01-01,
{C2},{C1},enterprise,链条一有限公司,50,2016-01-01,
{C3},{C2},enterprise,链条二有限公司,70,2016-01-01,
{M1},{MINISTRY},other,国务院国有资产监督管理委员会,100,2000-01-01,
{M2},{M1},enterprise,国投一号有限公司,76.5,2000-01-01,
{M2},{MINISTRY},other,国务院国有资产监督管理委员会,23.5,2000-01-01,
{XA},PX,person,王丙,60,2012-01-01,
{XB},{XA},enterprise,交叉甲有限公司,20,2012-01-01,
{XA},{XB},enterprise,交叉乙有限公司,10,2012-01-01,
{XB},PY,person,赵丁,80,2012-01-01,
"""

OFFICERS = f"""enterprise,person_id,name,role,start_date,end_date
{A1},PA,张甲,法定代表人,2015-01-01,
{A1},PO,钱戊,董事长兼总经理,2016-01-01,
{L1},PO,钱戊,director,2018-01-01,
{L1},PB,李乙,legal_representative,2011-01-01,2019-01-01
"""

LIST_ENTRIES = f"""subject,subject_type,list,reason,authority,listed_on,removed_on
{L1},enterprise,serious_illegal,隐瞒真实情况,北京市市场监督管理局,2021-06-01,
PB,person,dishonest_debtor,,某人民法院,2020-01-01,2022-01-01
"""

EQUITY_PLEDGES = f"""reg_no,enterprise,pledgor,pledgor_type,pledgor_name,pledgee,pledgee_type,pledgee_name,amount,registered_on,status,cancelled_on
GQ-1,{A1},{H1},enterprise,北京控股一号有限公司,{BANK},enterprise,某某银行股份有限公司,600,2019-01-01,有效,
"""

CHATTEL_MORTGAGES = f"""reg_no,mortgagor,mortgagor_type,mortgagor_name,mortgagee,mortgagee_type,mortgagee_name,secured_amount,registered_on,status,cancelled_on,collateral
DY-1,{L1},enterprise,失信丙有限公司,{BANK},enterprise,某某银行股份有限公司,300,2020-01-01,有效,,设备
"""

PENALTIES = f"""enterprise,doc_no,violation_type,content,authority,decided_on
{L1},京市监罚〔2021〕9号,虚假公示,罚款,北京市市场监督管理局,2021-05-01
"""


SCENARIO = {
    "enterprises": ENTERPRISES, "persons": PERSONS, "shareholdings": SHAREHOLDINGS,
    "officers": OFFICERS, "list_entries": LIST_ENTRIES, "equity_pledges": EQUITY_PLEDGES,
    "chattel_mortgages": CHATTEL_MORTGAGES, "penalties": PENALTIES,
}


def load_sections(store: GraphStore, folder: Path, sections: dict[str, str]) -> None:
    """Write each section's CSV text (and a `manifest` when given) into the folder and load
    it; no row may be refused."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in sections.items():
        file = folder / ("manifest.yaml" if name == "manifest" else f"{name}.csv")
        file.write_text(text, encoding="utf-8")
    report = load_dataset(folder, store, rejects_path=folder.parent / f"{folder.name}-rejects.csv")
    assert report.rejected == 0


def load_scenario(store: GraphStore, tmp_path: Path) -> None:
    load_sections(store, tmp_path / "scenario", SCENARIO)


def client_for(store: GraphStore, settings: Settings | None = None) -> TestClient:
    return TestClient(create_app(store, settings or Settings()))


def post(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    """POST a query; the HTTP status must be 200 whatever the outcome."""
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def data(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    """The data of a query that must succeed."""
    body = post(client, query, **variables)
    assert not body.get("errors"), body["errors"]
    result: dict[str, Any] = body["data"]
    return result


def contract_query() -> str:
    """The selection docs/api-contract.md says must work as written."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "api-contract.md").read_text(
        encoding="utf-8")
    match = re.search(r"```graphql\n(.*?)```", text, re.DOTALL)
    assert match is not None
    return match.group(1)


def test_scenario_loads_without_rejects(store: GraphStore, tmp_path: Path) -> None:
    load_scenario(store, tmp_path)
    counts = store.counts()
    assert counts.nodes["Enterprise"] == 11
    assert counts.nodes["Person"] == 5
    assert counts.edges["SHAREHOLDER"] == 14
