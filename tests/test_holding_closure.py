"""The holding closure (`Backend.holding_closure`) against hand work and an independent walk.

The Neo4j backend fetches a closure in one statement (a breadth-first expansion and the
holdings at the nodes it reaches); the embedded one walks it level by level. On a small
graph with a ring, a chain behind it, a self-holding, holdings of unknown size, an ended
holding and one recorded late, both must give the levels and holdings worked out by hand,
and for every root, direction, depth and minimum percent what a plain breadth-first search
over the hand-listed holdings gives.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import pytest

from credgraph.graph.ids import name_key
from credgraph.graph.records import EdgeRecord, NodeRecord
from credgraph.graph.store import GraphStore
from credgraph.queries.backend.base import Backend
from credgraph.queries.links.results import LINK_FIELDS, Closure
from credgraph.queries.time import Moment
from tests.analyses import over
from tests.graphs import REC, write_graph

DAY = "2024-06-01"
LATE = "2024-03-01T00:00:00Z"
"""When G's holding of C was recorded: unknown before, known after."""


@dataclass(frozen=True)
class Hold:
    key: str
    holder: str
    held: str
    percent: float | None
    start: str | None = "2010-01-01"
    end: str | None = None
    rec: str = REC


# Edges run holder -> held. A -> D -> C -> A is a ring; R's holders A and B lead up to it
# and to a chain E <- Q <- S; P (a person) holds into the ring.
HOLDS = [
    Hold("h01", "A", "R", 60.0),
    Hold("h02", "B", "R", None),  # unknown size: followed only when every share counts
    Hold("h03", "C", "A", 50.0),
    Hold("h04", "D", "C", 30.0),
    Hold("h05", "A", "D", 20.0),  # closes the ring A -> D -> C -> A
    Hold("h06", "P", "D", 70.0),
    Hold("h07", "E", "B", 10.0),
    Hold("h08", "B", "B", 5.0),  # treasury shares: never walked
    Hold("h09", "F", "E", 100.0, end="2020-01-01"),  # ended before DAY
    Hold("h10", "Q", "E", 50.0),
    Hold("h11", "S", "Q", 50.0),
    Hold("h12", "G", "C", 40.0, rec=LATE),  # recorded late
    Hold("h13", "T", "S", 0.0, start="2030-01-01"),  # not started on DAY
]
PERSONS = {"P"}


def _write(store: GraphStore) -> None:
    ids = sorted({n for h in HOLDS for n in (h.holder, h.held)})

    def node(node_id: str) -> NodeRecord:
        name = f"主体{node_id}"
        label = "Person" if node_id in PERSONS else "Enterprise"
        return NodeRecord(label, node_id, {"name": name, "name_norm": name_key(name)})

    for rec in sorted({h.rec for h in HOLDS}):
        write_graph(store, [node(n) for n in ids] if rec == REC else [], [
            EdgeRecord("SHAREHOLDER", h.key, h.holder, h.held,
                       {"percent": h.percent, "start": h.start, "end": h.end, "role": "股东"})
            for h in HOLDS if h.rec == rec], rec)


Shape = tuple[dict[str, int], list[str], bool]
"""A closure's levels, its holdings' keys in order and whether it is truncated."""
Ask = tuple[str, bool, int, float, str | None]
"""Root, upward, max_depth, min_percent and recorded time of a closure asked for."""


def _reference(root: str, at: Moment, upward: bool, max_depth: int, min_percent: float) -> Shape:
    """A plain breadth-first search over HOLDS: levels, kept holding keys, truncated."""
    def walked(h: Hold) -> bool:
        known = at.known is None or h.rec <= at.known
        in_force = (h.start is None or h.start <= at.day) and (h.end is None or h.end > at.day)
        share = min_percent == 0 if h.percent is None else h.percent >= min_percent
        return h.holder != h.held and known and in_force and share

    near: dict[str, list[Hold]] = {h.held if upward else h.holder: [] for h in HOLDS}
    for h in HOLDS:
        if walked(h):
            near[h.held if upward else h.holder].append(h)
    level = {root: 0}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        for h in near.get(node, []):
            far = h.holder if upward else h.held
            if far not in level:
                level[far] = level[node] + 1
                queue.append(far)
    depth = {n: d for n, d in level.items() if d <= max_depth}
    kept = sorted(h.key for n, d in depth.items() if d < max_depth for h in near.get(n, []))
    truncated = any(near.get(n) for n, d in depth.items() if d == max_depth)
    return depth, kept, truncated


def _shape(closure: Closure) -> Shape:
    return closure.depth, [h.key for h in closure.holdings], closure.truncated


# What each asked closure is, worked out by hand.
BY_HAND: list[tuple[Ask, Shape]] = [
    (("R", True, 20, 0.0, None),
     ({"R": 0, "A": 1, "B": 1, "C": 2, "E": 2, "D": 3, "Q": 3, "G": 3, "P": 4, "S": 4},
      ["h01", "h02", "h03", "h04", "h05", "h06", "h07", "h10", "h11", "h12"], False)),
    # Recorded time before G's holding: G is not there.
    (("R", True, 20, 0.0, "2024-01-01T00:00:00Z"),
     ({"R": 0, "A": 1, "B": 1, "C": 2, "E": 2, "D": 3, "Q": 3, "P": 4, "S": 4},
      ["h01", "h02", "h03", "h04", "h05", "h06", "h07", "h10", "h11"], False)),
    # Two levels: C and E are reached, what holds them is beyond.
    (("R", True, 2, 0.0, None),
     ({"R": 0, "A": 1, "B": 1, "C": 2, "E": 2}, ["h01", "h02", "h03", "h07"], True)),
    # Three levels: A's holding of D closes the ring into a node of the last level.
    (("R", True, 3, 0.0, None),
     ({"R": 0, "A": 1, "B": 1, "C": 2, "E": 2, "D": 3, "Q": 3, "G": 3},
      ["h01", "h02", "h03", "h04", "h07", "h10", "h12"], True)),
    # Four levels hold everything: nothing holds P or S, so the walk is not cut short.
    (("R", True, 4, 0.0, None),
     ({"R": 0, "A": 1, "B": 1, "C": 2, "E": 2, "D": 3, "Q": 3, "G": 3, "P": 4, "S": 4},
      ["h01", "h02", "h03", "h04", "h05", "h06", "h07", "h10", "h11", "h12"], False)),
    # At 20%: B's holding of unknown size and E's 10% are not followed; A's 20% is.
    (("R", True, 20, 20.0, None),
     ({"R": 0, "A": 1, "C": 2, "D": 3, "G": 3, "P": 4}, ["h01", "h03", "h04", "h05", "h06", "h12"],
      False)),
    # Down from the person round the ring to R.
    (("P", False, 20, 0.0, None),
     ({"P": 0, "D": 1, "C": 2, "A": 3, "R": 4}, ["h03", "h04", "h05", "h06", "h01"], False)),
    # Down from B: its self-holding is left out, R holds nothing.
    (("B", False, 20, 0.0, None), ({"B": 0, "R": 1}, ["h02"], False)),
    # An id nobody has: only the root.
    (("nobody", True, 5, 0.0, None), ({"nobody": 0}, [], False)),
]


@pytest.fixture
def backend(store: GraphStore) -> Backend:
    _write(store)
    return over(store).links.backend


@pytest.mark.parametrize(("ask", "expected"), BY_HAND)
def test_closure_as_worked_out_by_hand(backend: Backend, ask: Ask, expected: Shape) -> None:
    root, upward, max_depth, min_percent, known = ask
    closure = backend.holding_closure(root, Moment(DAY, known), upward, max_depth, min_percent)
    depth, keys, truncated = expected
    assert closure.depth == depth
    assert [h.key for h in closure.holdings] == sorted(keys)
    assert closure.truncated is truncated
    assert all(h.props == {} for h in closure.holdings)


def test_closure_matches_a_plain_breadth_first_search(backend: Backend) -> None:
    roots = sorted({n for h in HOLDS for n in (h.holder, h.held)})
    for known in (None, "2024-01-01T00:00:00Z"):
        for day in (DAY, "2015-01-01"):
            at = Moment(day, known)
            for root in roots:
                for upward in (True, False):
                    for max_depth in (1, 2, 3, 5):
                        for min_percent in (0.0, 20.0, 50.0):
                            got = backend.holding_closure(root, at, upward, max_depth,
                                                          min_percent)
                            assert _shape(got) == _reference(
                                root, at, upward, max_depth, min_percent), (
                                root, at, upward, max_depth, min_percent)


def test_detail_brings_each_holdings_properties(backend: Backend) -> None:
    closure = backend.holding_closure("R", Moment(DAY), True, 20, detail=True)
    by_key = {h.key: h for h in HOLDS}
    for holding in closure.holdings:
        spec = by_key[holding.key]
        assert (holding.holder, holding.held, holding.percent) == (
            spec.holder, spec.held, spec.percent)
        assert set(holding.props) == set(LINK_FIELDS)
        assert (holding.props["percent"], holding.props["start"], holding.props["end"],
                holding.props["role"]) == (spec.percent, spec.start, spec.end, "股东")
