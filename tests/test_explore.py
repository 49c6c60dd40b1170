"""The explorer's map queries over both stores: neighbourhoods, collapsed hubs, pages, flags.

The graph is written record by record; every expectation below is read off
the records in this file, not off the code under test.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from credgraph.exc import BadInputError, NotFoundError
from credgraph.graph.ids import name_key
from credgraph.graph.model import GraphModel, load_model
from credgraph.graph.records import EdgeRecord, NodeRecord
from credgraph.graph.store import GraphStore
from credgraph.queries.backend.neo4j import build_queries
from credgraph.queries.explore import Explorer
from credgraph.queries.time import Moment
from tests.analyses import over
from tests.graphs import write_graph
from tests.test_api_dataset import client_for, data, post

DAY = "2023-06-01"
EARLIER = "2021-06-01"
AT, AT_EARLIER = Moment(DAY), Moment(EARLIER)


def explorer_for(store: GraphStore) -> Explorer:
    return over(store).explorer

"""P2's holding of F1 (2020-01-01 to 2022-01-01) is in force on EARLIER only."""

F1, F2, F3, BANK = "E-F1", "E-F2", "E-F3", "E-BANK"
P1, P2, P3 = "P1", "P2", "P3"
BORROWERS = [f"E-H{i:03d}" for i in range(120)]
"""Firms that mortgaged to the bank besides F1: the bank has 121 links, a hub above 50."""


def _firm(node_id: str, name: str, status: str = "存续") -> NodeRecord:
    return NodeRecord("Enterprise", node_id, {"name": name, "name_norm": name_key(name),
                                              "status": status})


def _person(node_id: str, name: str) -> NodeRecord:
    return NodeRecord("Person", node_id, {"name": name, "name_norm": name_key(name)})


def _entry(subject: str, kind: str, listed: str) -> tuple[NodeRecord, EdgeRecord]:
    key = f"{subject}|{kind}|{listed}"
    subject_type = "person" if subject.startswith("P") else "enterprise"
    return (NodeRecord("ListEntry", key, {"subject": subject, "subject_type": subject_type,
                                          "list": kind, "listed_on": listed,
                                          "src_file": "list_entries.csv", "src_row": 2}),
            EdgeRecord("LISTED", key, subject, key, {"start": listed}))


def _write(store: GraphStore) -> None:
    nodes = [_firm(F1, "甲一科技有限公司"), _firm(F2, "乙二投资有限公司"),
             _firm(F3, "丙三贸易有限公司", "吊销"), _firm(BANK, "某某银行分行"),
             _person(P1, "张一"), _person(P2, "李二"), _person(P3, "王三"),
             *(_firm(h, f"借款企业{h}") for h in BORROWERS)]
    listed_f3, listing_f3 = _entry(F3, "serious_illegal", "2022-03-01")
    listed_p1, listing_p1 = _entry(P1, "dishonest_debtor", "2022-05-01")
    nodes += [listed_f3, listed_p1]
    prov = {"src_file": "shareholdings.csv", "src_row": 7}
    edges = [
        EdgeRecord("SHAREHOLDER", "S-P1-F1", P1, F1, {"percent": 60.0, "start": "2015-01-01",
                                                      **prov}),
        EdgeRecord("SHAREHOLDER", "S-P2-F1", P2, F1, {"percent": 40.0, "start": "2020-01-01",
                                                      "end": "2022-01-01"}),
        EdgeRecord("SHAREHOLDER", "S-F1-F2", F1, F2, {"percent": 30.0, "start": "2016-01-01"}),
        EdgeRecord("SHAREHOLDER", "S-F2-F3", F2, F3, {"percent": 50.0, "start": "2016-01-01"}),
        EdgeRecord("LEGAL_REPRESENTATIVE", "L-P1-F1", P1, F1,
                   {"role": "legal_representative", "start": "2015-01-01"}),
        EdgeRecord("OFFICER", "O-P3-F2", P3, F2, {"role": "director", "start": "2016-01-01"}),
        EdgeRecord("CHATTEL_MORTGAGE", "DY-F1", F1, BANK, {"reg_no": "DY-F1",
                                                          "start": "2019-01-01"}),
        *(EdgeRecord("CHATTEL_MORTGAGE", f"DY-{i:03d}", h, BANK,
                     {"reg_no": f"DY-{i:03d}", "start": "2019-01-01"})
          for i, h in enumerate(BORROWERS)),
        listing_f3, listing_p1,
    ]
    write_graph(store, nodes, edges)


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    _write(store)
    return store


def _ids(nodes: Any) -> list[str]:
    return [n.entity.id for n in nodes]


def _link_keys(links: Any) -> set[str]:
    return {link.key for link in links}


def test_one_hop_takes_the_links_in_force(graph: GraphStore) -> None:
    view = explorer_for(graph).neighbourhood(F1, AT, hops=1)
    assert view.origin.entity.id == F1
    assert _ids(view.nodes) == [F1, BANK, F2, P1]
    assert _link_keys(view.links) == {"S-P1-F1", "L-P1-F1", "S-F1-F2", "DY-F1"}
    assert not view.truncated
    earlier = explorer_for(graph).neighbourhood(F1, AT_EARLIER, hops=1)
    assert P2 in _ids(earlier.nodes)
    assert "S-P2-F1" in _link_keys(earlier.links)


def test_a_hub_is_reached_but_not_expanded(graph: GraphStore) -> None:
    view = explorer_for(graph).neighbourhood(F1, AT, hops=2, hub_degree=50)
    assert _ids(view.nodes) == [F1, BANK, F2, P1, F3, P3]
    bank = next(n for n in view.nodes if n.entity.id == BANK)
    assert (bank.hub, bank.degree, bank.distance) == (True, 121, 1)
    assert not set(BORROWERS) & set(_ids(view.nodes))
    f2 = next(n for n in view.nodes if n.entity.id == F2)
    assert (f2.hub, f2.degree, f2.distance) == (False, 3, 1)
    assert _link_keys(view.links) == {"S-P1-F1", "L-P1-F1", "S-F1-F2", "DY-F1", "S-F2-F3",
                                      "O-P3-F2"}


def test_a_higher_hub_degree_expands_the_bank(graph: GraphStore) -> None:
    view = explorer_for(graph).neighbourhood(F1, AT, hops=2, hub_degree=200)
    assert set(BORROWERS) <= set(_ids(view.nodes))
    assert len(view.nodes) == 6 + len(BORROWERS)


def test_a_hub_origin_is_not_expanded(graph: GraphStore) -> None:
    view = explorer_for(graph).neighbourhood(BANK, AT, hops=1, hub_degree=50)
    assert _ids(view.nodes) == [BANK]
    assert view.origin.hub and view.origin.degree == 121
    assert view.links == ()


def test_relations_narrow_the_walk(graph: GraphStore) -> None:
    view = explorer_for(graph).neighbourhood(F1, AT, hops=3, relations=["SHAREHOLDER"])
    assert _ids(view.nodes) == [F1, F2, P1, F3]
    assert {link.type for link in view.links} == {"SHAREHOLDER"}
    f1 = view.origin
    assert f1.degree == 2


def test_max_nodes_truncates_in_id_order(graph: GraphStore) -> None:
    view = explorer_for(graph).neighbourhood(F1, AT, hops=2, max_nodes=3)
    assert _ids(view.nodes) == [F1, BANK, F2]
    assert view.truncated
    assert _link_keys(view.links) == {"S-F1-F2", "DY-F1"}


def test_pages_of_a_hub_in_type_and_key_order(graph: GraphStore) -> None:
    explorer = explorer_for(graph)
    first = explorer.neighbours(BANK, AT, first=50)
    assert first.total == 121 and first.has_more
    assert [link.key for link in first.links] == [f"DY-{i:03d}" for i in range(50)]
    assert _ids(first.nodes) == BORROWERS[:50]
    assert first.node.hub
    last = explorer.neighbours(BANK, AT, offset=100, first=50)
    assert [link.key for link in last.links] == [*(f"DY-{i:03d}" for i in range(100, 120)),
                                                 "DY-F1"]
    assert not last.has_more
    assert _ids(last.nodes) == sorted([*BORROWERS[100:], F1])


def test_lists_and_restrictions_flag_nodes(graph: GraphStore) -> None:
    view = explorer_for(graph).neighbourhood(F1, AT, hops=2)
    flags = {n.entity.id: (n.lists, n.restriction) for n in view.nodes}
    assert flags[F3][0] == ("serious_illegal",)
    assert flags[P1][0] == ("dishonest_debtor",)
    # A dishonest-debtor listing with no reason, judged under the 2018 Company Law text (a
    # large personal debt unpaid): a candidate (docs/restriction-rules.md).
    assert flags[P1][1] is not None and flags[P1][1].value == "candidate"
    assert flags[P3] == ((), None)
    before = explorer_for(graph).neighbourhood(F1, AT_EARLIER, hops=2)
    assert {n.entity.id: n.lists for n in before.nodes}[F3] == ()


def test_bad_arguments(graph: GraphStore) -> None:
    explorer = explorer_for(graph)
    with pytest.raises(NotFoundError):
        explorer.neighbourhood("NOPE", AT)
    with pytest.raises(BadInputError, match="hops"):
        explorer.neighbourhood(F1, AT, hops=0)
    with pytest.raises(BadInputError, match="LISTED"):
        explorer.neighbourhood(F1, AT, relations=["LISTED"])
    with pytest.raises(BadInputError, match="first"):
        explorer.neighbours(F1, AT, first=0)


NEIGHBOURHOOD = """query($id: ID!, $d: Date, $rel: [Relation!]) {
  neighbourhood(id: $id, hops: 2, asOf: $d, relations: $rel) {
    origin { id name kind degree hub }
    nodes { id name kind status distance degree hub lists restriction }
    links { key relation source target role percent start end provenance { srcFile srcRow } }
    truncated
  }
}"""

NEIGHBOURS = """query($id: ID!, $d: Date) {
  neighbours(id: $id, offset: 50, first: 50, asOf: $d) {
    node { id hub } totalCount offset hasMore nodes { id } links { key relation }
  }
}"""


def test_graphql_neighbourhood(graph: GraphStore) -> None:
    client: TestClient = client_for(graph)
    answer = data(client, NEIGHBOURHOOD, id=F1, d=DAY, rel=None)["neighbourhood"]
    assert answer["origin"] == {"id": F1, "name": "甲一科技有限公司", "kind": "ENTERPRISE",
                                "degree": 4, "hub": False}
    nodes = {n["id"]: n for n in answer["nodes"]}
    assert nodes[F3]["lists"] == ["SERIOUS_ILLEGAL"] and nodes[F3]["status"] == "吊销"
    assert nodes[P1]["restriction"] == "CANDIDATE" and nodes[P1]["kind"] == "PERSON"
    assert nodes[BANK]["hub"] and nodes[BANK]["degree"] == 121
    links = {lk["key"]: lk for lk in answer["links"]}
    assert links["S-P1-F1"] == {
        "key": "S-P1-F1", "relation": "SHAREHOLDER", "source": P1, "target": F1, "role": None,
        "percent": 60.0, "start": "2015-01-01", "end": None,
        "provenance": {"srcFile": "shareholdings.csv", "srcRow": 7}}
    assert links["L-P1-F1"]["role"] == "LEGAL_REPRESENTATIVE"
    only = data(client, NEIGHBOURHOOD, id=F1, d=DAY, rel=["OFFICER"])["neighbourhood"]
    assert [n["id"] for n in only["nodes"]] == [F1]
    page = data(client, NEIGHBOURS, id=BANK, d=DAY)["neighbours"]
    assert (page["totalCount"], page["offset"], page["hasMore"]) == (121, 50, True)
    assert [lk["key"] for lk in page["links"]] == [f"DY-{i:03d}" for i in range(50, 100)]


def test_graphql_errors_have_codes(graph: GraphStore) -> None:
    client = client_for(graph)
    missing = post(client, NEIGHBOURHOOD, id="NOPE", d=DAY, rel=None)
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    empty = post(client, NEIGHBOURHOOD, id=F1, d=DAY, rel=[])
    assert empty["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(("label", "rel_type"), [("ListEntry", None), (None, "LISTED")])
def test_explorer_cypher_takes_names_from_the_model(label: str | None,
                                                    rel_type: str | None) -> None:
    """A label or type the model does not declare can never reach a query text."""
    model = load_model()
    partial = GraphModel(nodes={k: v for k, v in model.nodes.items() if k != label},
                         edges={k: v for k, v in model.edges.items() if k != rel_type})
    with pytest.raises(ValueError, match="unknown"):
        build_queries(partial)
    assert "`LISTED`" in build_queries(model).listed
