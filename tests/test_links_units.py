"""The shared pieces of link analysis checked against brute force, without a store."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credgraph.graph.model import GraphModel, load_model
from credgraph.queries.backend.base import search_order, search_tier
from credgraph.queries.backend.neo4j import build_queries
from credgraph.queries.links.analysis import neighbourhood
from credgraph.queries.links.ownership import Integrated
from credgraph.queries.links.privacy import mask_id_number
from credgraph.queries.links.results import OWNERSHIP, Entity, Holding, Link, RawRel, Relation
from credgraph.queries.links.traversal import (
    Ball,
    canonical_bfs,
    expand_levels,
    hops_order,
    ordered_simple_paths,
    path_to,
)

NODES = ("A", "B", "C", "D", "E", "F", "G")


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("110101199001011234", "110101********1234"),
        ("440301********1234", "440301********1234"),
        ("A1234567", "*******7"),
        ("X", "*"),
        (None, None),
    ],
)
def test_id_numbers_are_masked(raw: str | None, masked: str | None) -> None:
    assert mask_id_number(raw) == masked


def _entity(node_id: str, name: str, **props: str) -> Entity:
    return Entity(node_id, "Enterprise", name, {"id": node_id, "name_norm": name, **props})


def test_search_ranking_tiers() -> None:
    found = [
        _entity("X3", "深圳甲乙有限公司"),
        _entity("X2", "甲乙有限公司"),
        _entity("X1", "甲乙"),
        _entity("X9", "其他", reg_no="甲乙"),
        _entity("X0", "乙甲"),
    ]
    ranked = sorted(((tier, e) for e in found
                     if (tier := search_tier(e, "甲乙", "甲乙")) is not None), key=search_order)
    assert [(tier, e.id) for tier, e in ranked] == [(0, "X9"), (1, "X1"), (2, "X2"), (3, "X3")]


links_drawn = st.lists(
    st.tuples(st.sampled_from(NODES), st.sampled_from(NODES),
              st.sampled_from(("OFFICER", "SHAREHOLDER", "CHATTEL_MORTGAGE"))),
    max_size=16,
)


def _links(drawn: list[tuple[str, str, str]]) -> list[Link]:
    return [Link(t, f"k{i}", a, b, {}) for i, (a, b, t) in enumerate(drawn) if a != b]


def brute_paths(links: list[Link], start: str, end: str, hops: int,
                 max_degree: int) -> list[list[tuple[str, str, Link]]]:
    graph = nx.MultiGraph()
    for link in links:
        graph.add_edge(link.source, link.target, key=link.order, link=link)
    degree = dict(graph.degree())
    graph.remove_nodes_from([n for n, d in degree.items() if d > max_degree
                             and n not in (start, end)])
    if start not in graph or end not in graph:
        return []
    found = []
    for edge_path in nx.all_simple_edge_paths(graph, start, end, cutoff=hops):
        walk, here = [], start
        for u, v, key in edge_path:
            there = v if u == here else u
            walk.append((here, there, graph.edges[u, v, key]["link"]))
            here = there
        found.append(walk)
    return sorted(found, key=hops_order)


@settings(max_examples=300, deadline=None)
@given(links_drawn, st.sampled_from(NODES), st.sampled_from(NODES), st.integers(1, 5),
       st.integers(1, 6))
def test_ordered_simple_paths_match_brute_force(drawn: list[tuple[str, str, str]], start: str,
                                                end: str, hops: int, max_degree: int) -> None:
    if start == end:
        return
    links = _links(drawn)
    degree = {n: sum(1 for lk in links if n in (lk.source, lk.target)) for n in NODES}
    ball = Ball({lk.order: lk for lk in links}, degree)
    assert list(ordered_simple_paths(ball, start, end, hops, max_degree)) == \
        brute_paths(links, start, end, hops, max_degree)


@settings(max_examples=300, deadline=None)
@given(links_drawn, st.sampled_from(NODES), st.integers(1, 5), st.integers(1, 6))
def test_canonical_bfs_is_the_first_shortest_path(drawn: list[tuple[str, str, str]],
                                                  origin: str, hops: int,
                                                  max_degree: int) -> None:
    links = _links(drawn)

    def expand(ids: list[str] | tuple[str, ...]) -> list[Link]:
        return [lk for lk in links if lk.source in ids or lk.target in ids]

    def degrees(ids: list[str] | tuple[str, ...]) -> dict[str, int]:
        return {n: sum(1 for lk in links if n in (lk.source, lk.target)) for n in ids}

    reached = canonical_bfs(origin, hops, max_degree, expand_levels(expand), degrees)
    for node in NODES:
        if node == origin:
            continue
        brute = brute_paths(links, origin, node, hops, max_degree)
        if not brute:
            assert node not in reached
            continue
        assert reached[node].distance == len(brute[0])
        assert path_to(node, reached) == brute[0]


def _holdings(drawn: list[tuple[str, str, float | None]]) -> list[Holding]:
    return [Holding(a, b, f"h{i}", p, {}) for i, (a, b, p) in enumerate(drawn)]


def _dense(holdings: list[Holding]) -> tuple[list[str], np.ndarray]:
    nodes = sorted({n for h in holdings for n in (h.holder, h.held)})
    index = {n: i for i, n in enumerate(nodes)}
    direct = np.zeros((len(nodes), len(nodes)))
    for h in holdings:
        if h.holder != h.held and h.percent:
            direct[index[h.holder], index[h.held]] += h.percent / 100
    return nodes, direct


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES),
                          st.sampled_from((None, 0.0, 10.0, 25.0, 40.0, 60.0))), max_size=12))
def test_integrated_ownership_is_the_dense_walk_sum(
        drawn: list[tuple[str, str, float | None]]) -> None:
    holdings = _holdings(drawn)
    nodes, direct = _dense(holdings)
    # Reference for diverging blocks: networkx's strong components, numpy's radius,
    # networkx's reachability; the rest is solved with those blocks taken out.
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((nodes[i], nodes[j]) for i, j in zip(*np.nonzero(direct), strict=True))
    blocks = set()
    for component in nx.strongly_connected_components(graph):
        members = [nodes.index(n) for n in component]
        if len(members) > 1 and max(abs(np.linalg.eigvals(
                direct[np.ix_(members, members)]))) >= 1 - 1e-9:
            blocks |= component
    undefined = {(a, b) for a in nodes for b in nodes
                 if any(nx.has_path(graph, a, m) and nx.has_path(graph, m, b) for m in blocks)}
    for n in blocks:
        direct[nodes.index(n), :] = 0
        direct[:, nodes.index(n)] = 0
    integrated = Integrated(holdings)
    walks = np.linalg.solve(np.eye(len(nodes)) - direct, direct)
    for target in nodes:
        column = integrated.shares_into(target)
        row = integrated.shares_of(target)
        for other in nodes:
            if other == target:
                continue
            if (other, target) in undefined:
                assert other in column and column[other] is None
            else:
                into = walks[nodes.index(other), nodes.index(target)] * 100
                assert column.get(other, 0.0) == pytest.approx(into, abs=1e-8)
            if (target, other) in undefined:
                assert other in row and row[other] is None
            else:
                of = walks[nodes.index(target), nodes.index(other)] * 100
                assert row.get(other, 0.0) == pytest.approx(of, abs=1e-8)


def test_self_holdings_and_unknown_shares_add_nothing() -> None:
    integrated = Integrated(_holdings([("E", "E", 30.0), ("P", "E", 50.0), ("Q", "E", None)]))
    assert integrated.shares_into("E") == {"P": 50.0}
    assert integrated.cyclic == set()


def test_full_cross_holding_is_undefined_only_where_it_diverges() -> None:
    integrated = Integrated(_holdings([
        ("A", "B", 100.0), ("B", "A", 100.0), ("P", "A", 50.0), ("A", "C", 40.0),
        ("Q", "D", 30.0), ("D", "E", 50.0), ("R", "A", None),
    ]))
    assert integrated.diverging == {"A", "B"}
    assert integrated.shares_into("C") == {"A": None, "B": None, "P": None}
    assert integrated.shares_of("P") == {"A": None, "B": None, "C": None}
    assert integrated.shares_of("R") == {}
    assert integrated.shares_of("Q") == {"D": 30.0, "E": 15.0}
    assert integrated.shares_into("E") == {"D": 50.0, "Q": 15.0}


def test_a_cycle_is_a_cycle_whatever_its_shares() -> None:
    """Unknown and 0% holdings close a cycle as well: one definition for every operation."""
    integrated = Integrated(_holdings([
        ("P", "A", 40.0), ("A", "B", None), ("B", "A", 0.0), ("Q", "T", 50.0),
    ]))
    assert integrated.cyclic == {"A", "B"}
    assert integrated.circular_into("A") == {"P", "B"}
    assert integrated.circular_from("P") == {"A", "B"}
    assert integrated.circular_into("T") == set()
    assert integrated.shares_into("A") == {"P": 40.0}


def test_circular_marks_only_walks_through_a_cycle() -> None:
    integrated = Integrated(_holdings([
        ("P", "A", 60.0), ("A", "B", 20.0), ("B", "A", 10.0), ("Q", "T", 50.0),
        ("A", "T", 30.0),
    ]))
    assert integrated.circular_into("T") == {"P", "A", "B"}
    assert integrated.circular_from("P") == {"A", "B", "T"}
    assert integrated.circular_from("Q") == set()


def test_top_paths_largest_product_first() -> None:
    integrated = Integrated(_holdings([
        ("P", "A", 50.0), ("A", "T", 60.0), ("P", "B", 90.0), ("B", "T", 10.0),
        ("P", "T", 5.0),
    ]))
    paths = integrated.top_paths(["P"], "T")["P"]
    assert [(nodes, pytest.approx(product)) for nodes, product in paths] == [
        (["P", "A", "T"], 30.0), (["P", "B", "T"], 9.0), (["P", "T"], 5.0)]
    for nodes, _ in paths:
        assert all(integrated.fraction(a, b) > 0 for a, b in pairwise(nodes))
    assert len(integrated.top_paths(["P"], "T", limit=2)["P"]) == 2


def _model_without(label: str | None = None, rel_type: str | None = None) -> GraphModel:
    model = load_model()
    return GraphModel(nodes={k: v for k, v in model.nodes.items() if k != label},
                      edges={k: v for k, v in model.edges.items() if k != rel_type})


@pytest.mark.parametrize(("label", "rel_type"), [
    ("ListEntry", None), (None, "LISTED"), (None, "SHAREHOLDER"),
])
def test_link_cypher_takes_names_from_the_model(label: str | None,
                                                rel_type: str | None) -> None:
    """A label or type the model does not declare can never reach a query text."""
    with pytest.raises(ValueError, match="unknown"):
        build_queries(_model_without(label, rel_type))
    queries = build_queries(load_model())
    assert "`LISTED`" in queries.listed and "`SHAREHOLDER`" in queries.holders


def test_every_backend_query_uses_only_declared_names() -> None:
    import re
    from dataclasses import astuple

    from credgraph.graph.model import ENTITY_LABEL, PROVENANCE, RECORD_LABEL, VERSION

    model = load_model()
    properties = {*(p for node in model.nodes.values() for p in node.stored_properties),
                  *(p for edge in model.edges.values() for p in edge.properties)}
    declared = {ENTITY_LABEL, RECORD_LABEL, *model.nodes, *model.edges, *properties,
                *PROVENANCE, *VERSION}
    queries = [q for item in astuple(build_queries(model))
               for q in (item.values() if isinstance(item, dict) else [item])]
    used = {name for q in queries for name in re.findall(r"`([^`]+)`", q)}
    assert {"LISTED", "HAS_EVENT", "OFFICER", "Event", "ListEntry"} <= used
    assert used <= declared, used - declared


def test_relationships_are_sorted_into_their_sections_in_order() -> None:
    """Each type and direction lands in its section (a self-holding in both holdings and
    holders), each section in its documented order: worked out by hand."""
    node = Entity("e1", "Enterprise", "E1", {"id": "e1"})

    def rel(type_: str, key: str, outgoing: bool, label: str, other: dict[str, Any],
            **props: Any) -> RawRel:
        return RawRel(type_, key, outgoing, props, label, other)

    firm = {"id": "e2"}
    rels = [
        rel(OWNERSHIP, "h2", False, "Person", {"id": "p1"}, start="2020-01-01"),
        rel(OWNERSHIP, "h1", False, "Person", {"id": "p2"}, start="2019-05-01"),
        rel(OWNERSHIP, "h3", True, "Enterprise", firm, start="2018-01-01"),
        rel(OWNERSHIP, "self", True, "Enterprise", {"id": "e1"}, start="2021-01-01"),
        rel("OFFICER", "o1", False, "Person", {"id": "p1"}, start="2022-01-01"),
        rel("LEGAL_REPRESENTATIVE", "l1", False, "Person", {"id": "p2"}, start="2010-01-01"),
        rel("HAS_EVENT", "v1", True, "Event", {"id": "ev-b", "date": "2020-03-01"}),
        rel("HAS_EVENT", "v2", True, "Event", {"id": "ev-a", "date": "2021-03-01"}),
        rel("HAS_EVENT", "v3", True, "Event", {"id": "ev-c"}),
        rel("PENALISED", "x1", True, "Penalty", {"id": "pen-2", "decided_on": "2019-01-01"}),
        rel("PENALISED", "x2", True, "Penalty", {"id": "pen-1", "decided_on": "2023-01-01"}),
        rel("FILED", "r1", True, "AnnualReport", {"id": "ar-9", "year": 2021}),
        rel("FILED", "r2", True, "AnnualReport", {"id": "ar-1", "year": 2022}),
        rel("LISTED", "li1", True, "ListEntry", {"id": "le-2"}, start="2024-01-01"),
        rel("LISTED", "li2", True, "ListEntry", {"id": "le-1"}, start="2022-06-01"),
        rel("CHATTEL_MORTGAGE", "m1", True, "Mortgage", {"id": "cm-1"}, start="2020-01-01"),
    ]
    found = neighbourhood(node, reversed(rels), {})

    def keys(relations: tuple[Relation, ...]) -> list[str]:
        return [r.key for r in relations]

    assert keys(found.holders) == ["h1", "h2", "self"]
    assert keys(found.holdings) == ["h3", "self"]
    assert keys(found.officers) == ["l1", "o1"]
    assert keys(found.mortgages) == ["m1"]
    assert [e["id"] for e in found.events] == ["ev-c", "ev-b", "ev-a"]
    assert [p["id"] for p in found.penalties] == ["pen-2", "pen-1"]
    assert [r["id"] for r in found.annual_reports] == ["ar-9", "ar-1"]
    assert [(e.entry["id"], e.start) for e in found.list_entries] == [
        ("le-1", "2022-06-01"), ("le-2", "2024-01-01")]
    assert found.pledges == ()
