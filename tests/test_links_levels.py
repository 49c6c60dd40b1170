"""Walks fetched one level per round trip give the answers worked out by hand, on both stores.

A level's fetch counts the degrees of the nodes it reaches only just past maxDegree, and a
walk's last level fetches only the links toward what it looks for (listed subjects for
blacklistExposure, nodes reached from the other end for paths). These graphs put a node
exactly at maxDegree and one just over it on the way, listed subjects at the last level and
short of it, and a path whose last link only the far end's side can find.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from credgraph.graph.ids import name_key
from credgraph.graph.records import EdgeRecord, NodeRecord
from credgraph.graph.store import GraphStore
from credgraph.queries.links.analysis import LinkAnalysis
from credgraph.queries.time import Moment
from tests.analyses import over
from tests.graphs import write_graph

DAY = Moment("2024-06-01")
MAX_DEGREE = 3


def _firm(node_id: str) -> NodeRecord:
    name = f"企业{node_id}"
    return NodeRecord("Enterprise", node_id, {"name": name, "name_norm": name_key(name)})


def _links(pairs: list[tuple[str, str]]) -> list[EdgeRecord]:
    return [EdgeRecord("SHAREHOLDER", f"S{i:02d}", holder, held,
                       {"percent": 10.0, "start": "2020-01-01"})
            for i, (holder, held) in enumerate(pairs)]


def _listing(subject: str, kind: str, start: str, end: str | None = None
             ) -> tuple[NodeRecord, EdgeRecord]:
    entry = f"{subject}|{kind}|{start}"
    return (NodeRecord("ListEntry", entry, {"subject": subject, "subject_type": "enterprise",
                                           "list": kind, "listed_on": start, "removed_on": end}),
            EdgeRecord("LISTED", entry, subject, entry, {"start": start, "end": end}))


def _write(store: GraphStore, pairs: list[tuple[str, str]],
           listings: Sequence[tuple[NodeRecord, EdgeRecord]] = ()) -> LinkAnalysis:
    ids = sorted({n for pair in pairs for n in pair})
    write_graph(store, [*map(_firm, ids), *(node for node, _ in listings)],
                [*_links(pairs), *(edge for _, edge in listings)])
    return over(store).links


EXPOSURE_GRAPH = [
    # Level 1. A has exactly MAX_DEGREE links (O, L1, AX): the walk passes it to L1.
    # B has one more (O, L2, BX1, BX2): L2 behind it is not reached.
    ("O", "A"), ("A", "L1"), ("A", "AX"),
    ("O", "B"), ("B", "L2"), ("B", "BX1"), ("B", "BX2"),
    # Level 2, behind C (O, D, E). D exactly at MAX_DEGREE (C, L3, U) leads to L3 at
    # distance 3; E just over it (C, L4, EX1, EX2) hides L4.
    ("O", "C"), ("C", "D"), ("D", "L3"), ("D", "U"), ("U", "UX"),
    ("C", "E"), ("E", "L4"), ("E", "EX1"), ("E", "EX2"),
    # Distance 3 behind K and F: L5 is on a list not asked for, L6's entry has ended.
    ("O", "K"), ("K", "F"), ("F", "L5"), ("F", "L6"),
]
EXPOSURE_LISTINGS = [
    _listing("L1", "serious_illegal", "2021-01-01"),
    _listing("L2", "serious_illegal", "2021-01-01"),
    _listing("L3", "serious_illegal", "2021-01-01"),
    _listing("L4", "serious_illegal", "2021-01-01"),
    _listing("L5", "abnormal_operations", "2021-01-01"),
    _listing("L6", "serious_illegal", "2021-01-01", "2023-01-01"),
]


def _exposure(links: LinkAnalysis, hops: int) -> list[tuple[str, int, list[str]]]:
    found = links.blacklist_exposure("O", DAY, hops, ("serious_illegal",), MAX_DEGREE)
    return [(h.subject.id, h.distance, [s.from_node.id for s in h.path.steps] + [h.subject.id])
            for h in found.hits]


def test_exposure_passes_a_node_at_max_degree_and_not_one_over(store: GraphStore) -> None:
    links = _write(store, EXPOSURE_GRAPH, EXPOSURE_LISTINGS)
    assert _exposure(links, 2) == [("L1", 2, ["O", "A", "L1"])]
    assert _exposure(links, 3) == [("L1", 2, ["O", "A", "L1"]),
                                   ("L3", 3, ["O", "C", "D", "L3"])]


def test_exposure_last_level_finds_the_subject_through_the_first_parent(
        store: GraphStore) -> None:
    """Two level-2 nodes link L to the origin's walk; the canonical path goes through the
    one whose own path ranks first, even though the other has the smaller id."""
    links = _write(store, [("O", "P2"), ("O", "P1"), ("P2", "Q1"), ("P1", "Q2"),
                           ("Q1", "L"), ("Q2", "L")],
                   [_listing("L", "serious_illegal", "2021-01-01")])
    assert _exposure(links, 3) == [("L", 3, ["O", "P1", "Q2", "L"])]


def _paths(links: LinkAnalysis, start: str, end: str, hops: int) -> list[list[str]]:
    found = links.paths(start, end, DAY, hops, 10, MAX_DEGREE)
    return [[s.from_node.id for s in p.steps] + [end] for p in found]


def test_paths_pass_a_node_at_max_degree_and_not_one_over(store: GraphStore) -> None:
    # G: S, T, GX (exactly MAX_DEGREE); H: S, T, HX1, HX2 (one over); the end T is a hub.
    links = _write(store, [("S", "G"), ("G", "T"), ("G", "GX"),
                           ("S", "H"), ("H", "T"), ("H", "HX1"), ("H", "HX2"),
                           ("S", "A1"), ("T1", "T"), ("T2", "T"), ("T3", "T")])
    assert _paths(links, "S", "T", 4) == [["S", "G", "T"]]
    assert _paths(links, "T", "S", 4) == [["T", "G", "S"]]


def test_paths_found_from_the_far_side(store: GraphStore) -> None:
    """S's side is heavier (three links), so every round expands T's side; the last one
    finds the link to S among the links toward what S's side has reached."""
    links = _write(store, [("S", "A"), ("A", "B"), ("B", "C"), ("C", "T"),
                           ("S", "SX1"), ("S", "SX2")])
    assert _paths(links, "S", "T", 4) == [["S", "A", "B", "C", "T"]]
    assert _paths(links, "S", "T", 3) == []


@pytest.mark.parametrize("hops", [2, 3, 4])
def test_paths_meet_in_the_middle(store: GraphStore, hops: int) -> None:
    """Both ends equally light: the rounds alternate and the last one joins the two sides."""
    links = _write(store, [("S", "A"), ("A", "B"), ("B", "T"), ("S", "X"), ("X", "Y"),
                           ("Y", "Z"), ("Z", "T")])
    expected = {2: [], 3: [["S", "A", "B", "T"]],
                4: [["S", "A", "B", "T"], ["S", "X", "Y", "Z", "T"]]}
    assert _paths(links, "S", "T", hops) == expected[hops]


def test_paths_to_a_hub_end_walk_from_the_other_end(store: GraphStore) -> None:
    """T is above MAX_DEGREE: every round expands S's side, the last one only toward T."""
    links = _write(store, [("S", "A"), ("A", "B"), ("B", "C"), ("C", "T"), ("T1", "T"),
                           ("T2", "T"), ("T3", "T"), ("T4", "T")])
    assert _paths(links, "S", "T", 4) == [["S", "A", "B", "C", "T"]]
    assert _paths(links, "T", "S", 4) == [["T", "C", "B", "A", "S"]]
    assert _paths(links, "S", "T", 3) == []


def test_paths_between_two_hub_ends(store: GraphStore) -> None:
    links = _write(store, [("S", "G"), ("G", "T"), ("S", "S1"), ("S", "S2"), ("S", "S3"),
                           ("T1", "T"), ("T2", "T"), ("T3", "T"), ("S", "T")])
    assert _paths(links, "S", "T", 3) == [["S", "T"], ["S", "G", "T"]]
