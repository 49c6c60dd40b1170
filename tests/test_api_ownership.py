"""Effective ownership through the API over both stores: the contract's check values and a
cross-holding whose fixed point the test computes itself with numpy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from starlette.testclient import TestClient

from credgraph.graph.store import GraphStore
from tests.test_api_dataset import (
    A1,
    C1,
    C2,
    C3,
    DAY,
    H1,
    L1,
    M1,
    M2,
    MINISTRY,
    PERCENTS,
    XA,
    XB,
    client_for,
    data,
    load_scenario,
)

OWNERS = """query($e: ID!, $t: Float!, $d: Date) {
  ultimateOwners(uscc: $e, threshold: $t, asOf: $d) {
    owner { id kind } category effectivePercent circular
    paths { percent steps { from { id } to { id } percent } }
  }
}"""


@pytest.fixture
def client(store: GraphStore, tmp_path: Path) -> TestClient:
    load_scenario(store, tmp_path)
    return client_for(store)


def _owners(client: TestClient, uscc: str, threshold: float = 0.0) -> dict[str, dict[str, Any]]:
    answer = data(client, OWNERS, e=uscc, t=threshold, d=DAY)
    return {o["owner"]["id"]: o for o in answer["ultimateOwners"]}


def _walk_sums() -> tuple[list[str], np.ndarray]:
    """W = sum of A^k (k >= 1) over the scenario's direct holdings, by a dense solve."""
    nodes = sorted({n for pair in PERCENTS for n in pair})
    index = {n: i for i, n in enumerate(nodes)}
    direct = np.zeros((len(nodes), len(nodes)))
    for (holder, held), percent in PERCENTS.items():
        direct[index[holder], index[held]] = percent / 100.0
    walks = np.linalg.solve(np.eye(len(nodes)) - direct, direct)
    return nodes, walks


def test_half_of_sixty_is_thirty(client: TestClient) -> None:
    owners = _owners(client, A1, 25)
    assert set(owners) == {"PA"}
    assert owners["PA"]["effectivePercent"] == pytest.approx(0.5 * 0.6 * 100)
    assert owners["PA"]["category"] == "PERSON"
    assert owners["PA"]["circular"] is False
    [path] = owners["PA"]["paths"]
    assert path["percent"] == pytest.approx(30.0)
    assert [(s["from"]["id"], s["to"]["id"], s["percent"]) for s in path["steps"]] == [
        ("PA", H1, 50.0), (H1, A1, 60.0)
    ]


def test_eighty_fifty_seventy_is_twenty_eight(client: TestClient) -> None:
    owners = _owners(client, C3, 25)
    assert set(owners) == {"PB"}
    assert owners["PB"]["effectivePercent"] == pytest.approx(0.8 * 0.5 * 0.7 * 100)


def test_ministry_through_a_company_and_directly_has_all(client: TestClient) -> None:
    owners = _owners(client, M2, 25)
    assert set(owners) == {MINISTRY}
    ministry = owners[MINISTRY]
    assert ministry["effectivePercent"] == pytest.approx(1.0 * 0.765 * 100 + 23.5)
    assert (ministry["owner"]["kind"], ministry["category"]) == ("OTHER", "STATE")
    assert sorted(p["percent"] for p in ministry["paths"]) == pytest.approx([23.5, 76.5])


def test_cross_holding_is_the_fixed_point_and_circular(client: TestClient) -> None:
    nodes, walks = _walk_sums()
    owners = _owners(client, XA)
    assert set(owners) == {"PX", "PY"}, "XB has holders, so only the persons are ultimate"
    for person in ("PX", "PY"):
        expected = walks[nodes.index(person), nodes.index(XA)] * 100
        assert owners[person]["effectivePercent"] == round(expected, 2)
        assert owners[person]["circular"] is True
    # The series by hand for PX: 60% / (1 - 20% * 10%).
    assert owners["PX"]["effectivePercent"] == round(60 / (1 - 0.02), 2) == 61.22


def test_threshold_filters_owners(client: TestClient) -> None:
    nodes, walks = _walk_sums()
    py_share = walks[nodes.index("PY"), nodes.index(XA)] * 100
    assert py_share < 25
    assert set(_owners(client, XA, 25)) == {"PX"}
    assert set(_owners(client, XA, py_share - 1e-6)) == {"PX", "PY"}


def test_ownership_chain_marks_the_cycle(client: TestClient) -> None:
    query = """query($e: ID!, $d: Date) {
      ownershipChain(uscc: $e, asOf: $d) {
        circular truncated entries { node { id } depth effectivePercent }
        edges { from { id } to { id } percent depth }
      }
    }"""
    chain = data(client, query, e=XA, d=DAY)["ownershipChain"]
    assert chain["circular"] is True and chain["truncated"] is False
    edges = {(e["from"]["id"], e["to"]["id"]): e["percent"] for e in chain["edges"]}
    assert edges == {("PX", XA): 60.0, (XB, XA): 10.0, (XA, XB): 20.0, ("PY", XB): 80.0}
    nodes, walks = _walk_sums()
    shares = {e["node"]["id"]: e["effectivePercent"] for e in chain["entries"]}
    assert shares["PY"] == round(walks[nodes.index("PY"), nodes.index(XA)] * 100, 2)
    assert shares[XA] == 100.0


def test_chain_down_depth_and_min_percent(client: TestClient) -> None:
    query = """query($e: ID!, $d: Date, $depth: Int!, $min: Float!) {
      ownershipChain(uscc: $e, direction: DOWN, maxDepth: $depth, minPercent: $min, asOf: $d) {
        nodes { id } truncated circular entries { node { id } effectivePercent }
      }
    }"""
    full = data(client, query, e=C1, d=DAY, depth=10, min=0)["ownershipChain"]
    assert {n["id"] for n in full["nodes"]} == {C1, C2, C3}
    assert {e["node"]["id"]: e["effectivePercent"] for e in full["entries"]}[C3] == \
        pytest.approx(0.5 * 0.7 * 100)
    shallow = data(client, query, e=C1, d=DAY, depth=1, min=0)["ownershipChain"]
    assert {n["id"] for n in shallow["nodes"]} == {C1, C2} and shallow["truncated"] is True
    strict = data(client, query, e=C1, d=DAY, depth=10, min=60)["ownershipChain"]
    assert {n["id"] for n in strict["nodes"]} == {C1} and strict["truncated"] is False


def test_person_firms_direct_indirect_and_history(client: TestClient) -> None:
    query = """query($p: ID!, $d: Date, $h: Boolean!) {
      personFirms(personId: $p, asOf: $d, includeHistory: $h) {
        enterprise { uscc } roles directPercent effectivePercent current direct start end
      }
    }"""
    now = {f["enterprise"]["uscc"]: f for f in
           data(client, query, p="PB", d=DAY, h=False)["personFirms"]}
    assert set(now) == {C1, C2, C3}
    assert now[C1]["direct"] and now[C1]["directPercent"] == 80.0
    assert not now[C3]["direct"] and now[C3]["directPercent"] is None
    assert now[C3]["effectivePercent"] == pytest.approx(28.0)
    assert now[C2]["effectivePercent"] == pytest.approx(40.0)

    history = {f["enterprise"]["uscc"]: f for f in
               data(client, query, p="PB", d=DAY, h=True)["personFirms"]}
    assert set(history) - set(now) == {A1, L1}
    assert history[A1]["current"] is False and history[A1]["end"] == "2015-01-01"
    assert history[L1]["roles"] == ["LEGAL_REPRESENTATIVE"] and history[L1]["current"] is False

    before = {f["enterprise"]["uscc"]: f for f in
              data(client, query, p="PB", d="2014-06-01", h=False)["personFirms"]}
    assert set(before) == {A1, L1}
    assert before[A1]["directPercent"] == 10.0 and before[A1]["current"] is True


def test_future_holdings_are_not_seen(client: TestClient) -> None:
    query = """query($e: ID!, $d: Date) {
      enterprise(uscc: $e, asOf: $d) {
        shareholders { holder { id } percent current }
        history: shareholders(includeHistory: true) { holder { id } current }
      }
    }"""
    answer = data(client, query, e=A1, d=DAY)["enterprise"]
    assert [(s["holder"]["id"], s["percent"]) for s in answer["shareholders"]] == [(H1, 60.0)]
    assert {s["holder"]["id"]: s["current"] for s in answer["history"]} == {
        H1: True, "PB": False}
    later = data(client, query, e=A1, d="2099-06-01")["enterprise"]
    assert {s["holder"]["id"] for s in later["shareholders"]} == {H1, "PY"}


def test_unrelated_components_do_not_leak(client: TestClient) -> None:
    """Owners of XB are looked for upstream of XB only: the M and C chains never appear."""
    owners = _owners(client, XB)
    assert set(owners) == {"PX", "PY"}
    assert M1 not in owners and C2 not in owners
