"""Bounded traversals over link relationships, driven level by level through a store's fetches.

A store supplies two fetches: one level of links around a frontier (with the
degrees of their far ends, so that a level costs one round trip), and the
degrees of a set of nodes. Everything here is plain Python over what those
return, so the canonical orders of base.py come out the same for every store.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise, product

from credgraph import deadline
from credgraph.queries.links.results import Link, LinkLevel, Toward

Expand = Callable[[Sequence[str]], list[Link]]
"""In-force link relationships (self-loops excluded) touching any of the given nodes."""
Degrees = Callable[[Sequence[str]], dict[str, int]]
"""In-force link degree of each of the given nodes."""
Fetch = Callable[[Sequence[str], Toward | None], LinkLevel]
"""One level of a walk around the given nodes (Backend.link_level): with a `Toward`, the
links toward it at least (the degrees are then not needed); without, every link and the
far ends' degrees it knows (each at least up to the degree limit of the walk)."""


def expand_levels(expand: Expand, last: Expand | None = None) -> Fetch:
    """A `Fetch` over an `Expand` that brings no degrees: every link of a level, or `last`'s
    links for a restricted one when given."""
    def fetch(ids: Sequence[str], toward: Toward | None) -> LinkLevel:
        chosen = last if toward is not None and last is not None else expand
        return LinkLevel(chosen(ids), {})

    return fetch


def _degrees_of(nodes: Sequence[str], known: Mapping[str, int],
                degrees: Degrees) -> dict[str, int]:
    """Degrees of `nodes`: those the level brought, the others fetched (one call, if any)."""
    missing = [n for n in nodes if n not in known]
    found = {n: known[n] for n in nodes if n in known}
    found.update(degrees(missing) if missing else {})
    return found


Hop = tuple[str, str, Link]
"""(from node, to node, relationship) as a path walks it."""


def hops_order(hops: Sequence[Hop]) -> tuple[int, tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The canonical path order (base.py) of a path given as hops."""
    nodes = (hops[0][0], *(hop[1] for hop in hops)) if hops else ()
    return (len(hops), nodes, tuple(hop[2].order for hop in hops))


@dataclass(frozen=True, slots=True)
class Reached:
    distance: int
    parent: str | None
    link: Link | None
    rank: int
    """Position of this node's canonical path among those of its level."""


def canonical_bfs(origin: str, max_hops: int, max_degree: int, fetch: Fetch,
                  degrees: Degrees, last: Toward | None = None) -> dict[str, Reached]:
    """Every node within `max_hops` with its first shortest path in canonical order.

    Of the shortest paths to a node, the canonical one has the least sequence of
    node ids, then of relationship (type, key): so its parent is the predecessor
    whose own canonical path ranks first at the level before, and its last hop
    the least relationship between the two. Nodes above `max_degree` are reached
    but never expanded; the origin always is.

    `last`, when given, restricts the last level's fetch: a walk toward some nodes only,
    whose links to the level before it gives (every one of them), finds those nodes of
    the last level as the whole walk does and no others (it may find more when the fetch
    gives more). Each level is one fetch; degrees are asked only for what it did not bring.
    """
    reached = {origin: Reached(0, None, None, 0)}
    frontier = [origin]
    for distance in range(1, max_hops + 1):
        deadline.check()
        if not frontier:
            break
        final = distance == max_hops
        level = fetch(frontier, last if final else None)
        best: dict[str, tuple[int, tuple[str, str], str, Link]] = {}
        for link in level.links:
            for here in (link.source, link.target):
                there = link.other(here)
                if here not in reached or reached[here].distance != distance - 1:
                    continue
                if there in reached:
                    continue
                candidate = (reached[here].rank, link.order, here, link)
                if there not in best or candidate[:2] < best[there][:2]:
                    best[there] = candidate
        ordered = sorted(best, key=lambda node: (best[node][0], node))
        for rank, node in enumerate(ordered):
            _, _, parent, link = best[node]
            reached[node] = Reached(distance, parent, link, rank)
        if final or not ordered:
            break
        degree = _degrees_of(ordered, level.degree, degrees)
        frontier = [n for n in ordered if degree.get(n, 0) <= max_degree]
    return reached


def path_to(node: str, reached: dict[str, Reached]) -> list[Hop]:
    """The canonical path from the BFS origin to `node`, origin first."""
    hops: list[Hop] = []
    while True:
        here = reached[node]
        if here.parent is None or here.link is None:
            break
        hops.append((here.parent, node, here.link))
        node = here.parent
    hops.reverse()
    return hops


@dataclass(frozen=True, slots=True)
class Ball:
    """The links and degrees fetched around two path ends: enough for every short path."""

    links: dict[tuple[str, str], Link]
    degree: dict[str, int]
    """Degree of every node the links touch, at least up to past `max_degree` (enough to
    tell which a path may pass through)."""


def fetch_ball(ends: tuple[str, str], max_hops: int, max_degree: int, fetch: Fetch,
               degrees: Degrees) -> Ball:
    """Fetch enough links around both path ends for every path of up to max_hops hops.

    Bidirectional: each of the max_hops rounds expands one level around whichever end's
    frontier is lighter (the sum of its nodes' degrees; an end above `max_degree` weighs
    more than any other frontier, so a hub end is expanded last). With r1 levels around
    the first end and r2 around the second, a hop (i, i+1) of a path of length L is
    fetched from node i when i < r1 or from node i+1 when L - (i + 1) < r2;
    r1 + r2 = max_hops >= L covers every hop. An end whose frontier runs dry has had
    every link it reaches through nodes a path may pass fetched, which covers every path
    whole: the walk stops there.

    The hops the last round alone covers are those with L = max_hops whose far node is
    r2 (or r1) hops from the other end along the path: that node has been reached from
    the other end, so the last round fetches only links toward the nodes reached from
    there. A frontier holds interior nodes only: never the other end (a simple path ends
    there), never a node above `max_degree`.
    """
    links: dict[tuple[str, str], Link] = {}
    degree: dict[str, int] = dict(degrees(sorted(set(ends))))
    seen = [{ends[0]}, {ends[1]}]
    frontiers = [[ends[0]], [ends[1]]]

    def weight(side: int) -> float:
        return sum(math.inf if n in ends and degree.get(n, 0) > max_degree
                   else degree.get(n, 0) for n in frontiers[side])

    for done in range(max_hops):
        deadline.check()
        if not all(frontiers):
            break
        side = min((0, 1), key=lambda s: (weight(s), s))
        final = done == max_hops - 1
        level = fetch(frontiers[side], Toward(ids=frozenset(seen[1 - side])) if final else None)
        fresh: set[str] = set()
        for link in level.links:
            links[link.order] = link
            for node in (link.source, link.target):
                if node not in seen[side]:
                    fresh.add(node)
        seen[side] |= fresh
        if final:
            break
        inner = sorted(fresh - set(ends))
        for node, count in _degrees_of(inner, level.degree, degrees).items():
            degree.setdefault(node, count)
        frontiers[side] = [n for n in inner if degree.get(n, 0) <= max_degree]
    unknown = sorted({n for link in links.values() for n in (link.source, link.target)}
                     - degree.keys())
    degree.update(degrees(unknown) if unknown else {})
    return Ball(links, degree)


def ordered_simple_paths(ball: Ball, start: str, end: str, max_hops: int,
                         max_degree: int) -> Iterator[list[Hop]]:
    """Simple paths from start to end in canonical order, lazily.

    For each length, a depth-first walk over neighbours in id order yields node
    sequences in lexicographic order; a walk only enters a node that can still
    reach the end in the hops left. Parallel relationships multiply out last,
    so the relationship sequence only breaks ties between equal node sequences.
    """
    adjacency: dict[str, dict[str, list[Link]]] = {}
    for link in ball.links.values():
        if link.source == link.target:
            continue
        adjacency.setdefault(link.source, {}).setdefault(link.target, []).append(link)
        adjacency.setdefault(link.target, {}).setdefault(link.source, []).append(link)
    neighbours = {
        node: [(other, sorted(found, key=lambda lk: lk.order))
               for other, found in sorted(around.items())]
        for node, around in adjacency.items()
    }
    between = {node: dict(around) for node, around in neighbours.items()}

    def passable(node: str) -> bool:
        return ball.degree.get(node, 0) <= max_degree

    to_end = {end: 0}
    queue = deque([end])
    while queue:
        node = queue.popleft()
        for other, _ in neighbours.get(node, []):
            if other not in to_end and other != start and passable(other):
                to_end[other] = to_end[node] + 1
                queue.append(other)

    def walk(trail: list[str], length: int) -> Iterator[list[str]]:
        deadline.check()
        here = trail[-1]
        left = length - (len(trail) - 1)
        for other, _ in neighbours.get(here, []):
            if other == end:
                if left == 1:
                    yield [*trail, end]
            elif (other not in trail and other != start and passable(other)
                  and to_end.get(other, max_hops + 1) <= left - 1):
                yield from walk([*trail, other], length)

    for length in range(1, max_hops + 1):
        for nodes in walk([start], length):
            choices = [between[a][b] for a, b in pairwise(nodes)]
            for links in product(*choices):
                yield [(a, b, link) for (a, b), link in
                       zip(pairwise(nodes), links, strict=True)]
