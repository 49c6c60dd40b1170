"""Ownership cycles at 100% or more through the API, on both stores.

The data format allows A to hold 100% of B while B holds 100% of A: the walk sums
around such a cycle diverge. The API must still answer, with no effective
percent (null) for the shares that diverge, `circular` on them, every other
share computed as usual, and a person's direct links always listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from credgraph.graph.store import GraphStore
from tests.handmade import make_uscc
from tests.test_api_dataset import client_for, data, load_sections

DAY = "2023-06-01"
YA = make_uscc("91110000MA0000C01")  # YA 100% of YB, YB 100% of YA
YB = make_uscc("91110000MA0000C02")
YC = make_uscc("91110000MA0000C03")  # YA 40% of YC: its share diverges too
ZA = make_uscc("91110000MA0000D01")  # PD 30% of ZA, ZA 50% of ZB: plain, computed
ZB = make_uscc("91110000MA0000D02")
UA = make_uscc("91110000MA0000E01")  # UA holds UB (unknown size), UB 0% of UA; PE 40% of UA
UB = make_uscc("91110000MA0000E02")

ENTERPRISES = f"""uscc,name,type,status,established,registered_capital,authority,address
{YA},循环甲有限公司,有限责任公司,存续,2010-01-01,100,,
{YB},循环乙有限公司,有限责任公司,存续,2010-01-01,100,,
{YC},循环丙有限公司,有限责任公司,存续,2010-01-01,100,,
{ZA},平常甲有限公司,有限责任公司,存续,2010-01-01,100,,
{ZB},平常乙有限公司,有限责任公司,存续,2010-01-01,100,,
{UA},未知甲有限公司,有限责任公司,存续,2010-01-01,100,,
{UB},未知乙有限公司,有限责任公司,存续,2010-01-01,100,,
"""

PERSONS = """person_id,name,id_number,nationality
PC,孙己,,中国
PD,周庚,,中国
PE,吴辛,,中国
"""

SHAREHOLDINGS = f"""enterprise,holder,holder_type,holder_name,percent,start_date,end_date
{YB},{YA},enterprise,循环甲有限公司,100,2015-01-01,
{YA},{YB},enterprise,循环乙有限公司,100,2015-01-01,
{YC},{YA},enterprise,循环甲有限公司,40,2015-01-01,
{YA},PC,person,孙己,,2015-01-01,
{YA},PD,person,周庚,20,2015-01-01,
{ZA},PD,person,周庚,30,2015-01-01,
{ZB},{ZA},enterprise,平常甲有限公司,50,2015-01-01,
{UB},{UA},enterprise,未知甲有限公司,,2015-01-01,
{UA},{UB},enterprise,未知乙有限公司,0,2015-01-01,
{UA},PE,person,吴辛,40,2015-01-01,
"""

OFFICERS = f"""enterprise,person_id,name,role,start_date,end_date
{YA},PC,孙己,董事,2015-01-01,
"""

CHAIN = """query($e: ID!, $w: OwnershipDirection!, $d: Date) {
  ownershipChain(uscc: $e, direction: $w, asOf: $d) {
    circular entries { node { id } effectivePercent }
  }
}"""

OWNERS = """query($e: ID!, $d: Date) {
  ultimateOwners(uscc: $e, threshold: 25, asOf: $d) {
    owner { id } effectivePercent circular
  }
}"""

FIRMS = """query($p: ID!, $d: Date) {
  personFirms(personId: $p, asOf: $d) {
    enterprise { uscc } roles directPercent effectivePercent circular direct
  }
}"""


@pytest.fixture
def client(store: GraphStore, tmp_path: Path) -> TestClient:
    load_sections(store, tmp_path / "cycles", {
        "enterprises": ENTERPRISES, "persons": PERSONS,
        "shareholdings": SHAREHOLDINGS, "officers": OFFICERS,
    })
    return client_for(store)


def _entries(client: TestClient, uscc: str, way: str) -> tuple[bool, dict[str, Any]]:
    chain = data(client, CHAIN, e=uscc, w=way, d=DAY)["ownershipChain"]
    return chain["circular"], {e["node"]["id"]: e["effectivePercent"] for e in chain["entries"]}


def test_chain_through_a_full_cycle_answers_with_null_percents(client: TestClient) -> None:
    circular, up = _entries(client, YC, "UP")
    assert circular is True
    assert up == {YC: 100.0, YA: None, YB: None, "PC": 0.0, "PD": None}  # PC: unknown size
    circular, down = _entries(client, YA, "DOWN")
    assert circular is True
    assert down == {YA: 100.0, YB: None, YC: None}


def test_ultimate_owners_through_a_full_cycle(client: TestClient) -> None:
    owners = data(client, OWNERS, e=YC, d=DAY)["ultimateOwners"]
    # PD's 20% of YA is multiplied round the cycle without end: no percent, circular.
    # PC's holding of unknown size carries nothing.
    assert owners == [{"owner": {"id": "PD"}, "effectivePercent": None, "circular": True}]


def test_person_firms_keep_direct_links_and_plain_shares(client: TestClient) -> None:
    firms = {f["enterprise"]["uscc"]: f for f in data(client, FIRMS, p="PC", d=DAY)["personFirms"]}
    assert set(firms) == {YA, YB, YC}
    assert firms[YA]["direct"] is True and firms[YA]["roles"] == ["DIRECTOR"]
    # A holding of unknown size carries no share, so nothing diverges for PC.
    assert firms[YA]["directPercent"] is None and firms[YA]["effectivePercent"] == 0.0
    assert firms[YB]["direct"] is False and firms[YB]["effectivePercent"] == 0.0

    firms = {f["enterprise"]["uscc"]: f for f in data(client, FIRMS, p="PD", d=DAY)["personFirms"]}
    assert set(firms) == {YA, YB, YC, ZA, ZB}
    for undefined in (YA, YB, YC):
        assert firms[undefined]["effectivePercent"] is None
        assert firms[undefined]["circular"] is True
    assert firms[YA]["directPercent"] == 20.0 and firms[YA]["direct"] is True
    assert firms[ZA]["effectivePercent"] == pytest.approx(30.0)
    assert firms[ZB]["effectivePercent"] == pytest.approx(15.0)
    assert firms[ZA]["circular"] is False and firms[ZB]["circular"] is False


def test_circular_means_the_same_in_chain_owners_and_firms(client: TestClient) -> None:
    """A cycle of holdings whose shares are unknown or 0% is still a cycle, everywhere."""
    circular, up = _entries(client, UA, "UP")
    assert circular is True
    assert up == {UA: 100.0, UB: 0.0, "PE": 40.0}
    owners = data(client, OWNERS, e=UA, d=DAY)["ultimateOwners"]
    assert owners == [{"owner": {"id": "PE"}, "effectivePercent": 40.0, "circular": True}]
    firms = {f["enterprise"]["uscc"]: f for f in data(client, FIRMS, p="PE", d=DAY)["personFirms"]}
    assert firms[UA]["circular"] is True and firms[UB]["circular"] is True
    assert firms[UA]["effectivePercent"] == 40.0

    firms = {f["enterprise"]["uscc"]: f for f in data(client, FIRMS, p="PC", d=DAY)["personFirms"]}
    assert all(f["circular"] for f in firms.values())
