"""A bank that is mortgagee of thousands of firms links nothing, unless maxDegree allows it."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from credgraph.graph.ids import name_key
from credgraph.graph.records import EdgeRecord, NodeRecord
from credgraph.graph.store import GraphStore
from tests.graphs import write_graph
from tests.test_api_dataset import client_for, data

FIRMS = 2_500
ENDED = 2_400
"""Mortgages cancelled on 2021-01-01: afterwards the bank has 100 + 1 (the listed firm's)."""
BANK = "BANK-0001"
LISTED = "FIRM-LISTED"
ORIGIN = "FIRM-00000"
BEFORE, AFTER = "2020-06-01", "2022-01-01"


def _enterprise(node_id: str, name: str) -> NodeRecord:
    return NodeRecord("Enterprise", node_id, {"name": name, "name_norm": name_key(name)})


def _write_bank(store: GraphStore) -> None:
    firms = [f"FIRM-{i:05d}" for i in range(FIRMS)]
    nodes = [_enterprise(BANK, "某大银行"), _enterprise(LISTED, "失信企业"),
             *(_enterprise(f, f"企业{f}") for f in firms),
             NodeRecord("ListEntry", f"{LISTED}|serious_illegal|2019-01-01",
                        {"subject": LISTED, "subject_type": "enterprise",
                         "list": "serious_illegal", "listed_on": "2019-01-01"})]
    edges = [
        EdgeRecord("CHATTEL_MORTGAGE", f"DY-{i:05d}", firm, BANK,
                   {"reg_no": f"DY-{i:05d}", "start": "2020-01-01",
                    "end": "2021-01-01" if i >= FIRMS - ENDED else None})
        for i, firm in enumerate(firms)
    ]
    edges.append(EdgeRecord("CHATTEL_MORTGAGE", "DY-LISTED", LISTED, BANK,
                            {"reg_no": "DY-LISTED", "start": "2020-01-01"}))
    edges.append(EdgeRecord("LISTED", f"{LISTED}|serious_illegal|2019-01-01", LISTED,
                            f"{LISTED}|serious_illegal|2019-01-01", {"start": "2019-01-01"}))
    write_graph(store, nodes, edges)


@pytest.fixture
def client(store: GraphStore) -> TestClient:
    _write_bank(store)
    return client_for(store)


EXPOSURE = """query($id: ID!, $deg: Int!, $d: Date) {
  blacklistExposure(id: $id, maxDegree: $deg, asOf: $d) {
    hits { subject { id } distance path { steps { from { id } to { id } relation } } }
  }
}"""

PATHS = """query($a: ID!, $b: ID!, $deg: Int!, $d: Date) {
  paths(fromId: $a, toId: $b, maxDegree: $deg, asOf: $d) { steps { from { id } to { id } } }
}"""


def _hits(client: TestClient, origin: str, degree: int, day: str) -> list[tuple[str, int]]:
    answer = data(client, EXPOSURE, id=origin, deg=degree, d=day)["blacklistExposure"]
    return [(h["subject"]["id"], h["distance"]) for h in answer["hits"]]


def test_default_max_degree_does_not_pass_through_the_bank(client: TestClient) -> None:
    assert _hits(client, ORIGIN, 200, BEFORE) == []
    assert data(client, PATHS, a=ORIGIN, b=LISTED, deg=200, d=BEFORE)["paths"] == []


def test_a_higher_max_degree_does(client: TestClient) -> None:
    assert _hits(client, ORIGIN, FIRMS + 1, BEFORE) == [(LISTED, 2)]
    answer = data(client, EXPOSURE, id=ORIGIN, deg=FIRMS + 1, d=BEFORE)["blacklistExposure"]
    steps = answer["hits"][0]["path"]["steps"]
    assert [(s["from"]["id"], s["to"]["id"], s["relation"]) for s in steps] == [
        (ORIGIN, BANK, "CHATTEL_MORTGAGE"), (BANK, LISTED, "CHATTEL_MORTGAGE")]
    paths = data(client, PATHS, a=ORIGIN, b=LISTED, deg=FIRMS + 1, d=BEFORE)["paths"]
    assert [[s["to"]["id"] for s in p["steps"]] for p in paths] == [[BANK, LISTED]]


def test_the_hub_may_be_an_end(client: TestClient) -> None:
    assert _hits(client, BANK, 200, BEFORE) == [(LISTED, 1)]


def test_only_links_in_force_count_towards_the_degree(client: TestClient) -> None:
    """After 2,400 mortgages are cancelled the bank has 101 links and is passed through."""
    assert _hits(client, ORIGIN, 200, AFTER) == [(LISTED, 2)]
    assert _hits(client, ORIGIN, 101, AFTER) == [(LISTED, 2)]
    assert _hits(client, ORIGIN, 100, AFTER) == []
