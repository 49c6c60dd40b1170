"""Explorer data: the neighbourhood of a node as the web map draws it, over any store's backend.

* Links are the link relationships of the model (`GraphModel.link_types`),
  optionally narrowed to some types, in force on the day
  (`credgraph.queries.time.in_force`), self-loops left out; a node's degree
  counts those links.
* A hub is a node whose degree exceeds `hub_degree`: the walk reaches it but
  never expands it (the origin included), so a bank with thousands of
  mortgages is one node with a count, and its links come in pages
  (`neighbours`).
* The walk goes level by level up to `hops`; within a level new nodes are
  taken in id order until `max_nodes` is reached (then `truncated`).
* A result carries every link between its nodes that an expanded node has;
  `MapNode.degree` minus the links shown is what a node still hides.
* Pages of a node's links are in (type, key) order.
* With `suspected`, suspected links (credgraph.queries.links.suspected) join the
  links and the degrees, after the registered ones in every order (SUSPECTED
  sorts last); a value shared by more than `hub_degree` enterprises links
  nothing and is listed, collapsed, in `MapView.suspected_hubs`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from credgraph.exc import BadInputError
from credgraph.queries.backend.base import Backend
from credgraph.queries.links.analysis import LinkAnalysis, check_range
from credgraph.queries.links.results import Entity, Link
from credgraph.queries.links.suspected import Around, HubValue
from credgraph.queries.restrictions.rules import Certainty
from credgraph.queries.restrictions.service import Restrictions
from credgraph.queries.time import Moment

MAX_EXPLORE_HOPS = 4
MAX_NODES = 5000
MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class MapNode:
    entity: Entity
    distance: int | None
    """Hops from the origin; None for the other ends of a page of links."""
    degree: int
    """In-force links of the selected types to other nodes."""
    hub: bool
    """degree > hub_degree: drawn collapsed, its links come in pages."""
    lists: tuple[str, ...]
    """The lists (`serious_illegal` ...) the node is on that day."""
    restriction: Certainty | None
    """For persons: the strongest appointment restriction in force that day."""


@dataclass(frozen=True, slots=True)
class MapView:
    origin: MapNode
    nodes: tuple[MapNode, ...]
    """Nearest first, then by id; the origin first of all."""
    links: tuple[Link, ...]
    """In (type, key) order."""
    truncated: bool
    """max_nodes was reached before the walk ended."""
    suspected_hubs: tuple[HubValue, ...] = ()
    """With suspected links: the hub values the view's enterprises state, by (kind, value)."""


@dataclass(frozen=True, slots=True)
class LinkPage:
    node: MapNode
    offset: int
    links: tuple[Link, ...]
    """A slice of the node's links in (type, key) order."""
    nodes: tuple[MapNode, ...]
    """The other ends of those links, by id."""

    @property
    def total(self) -> int:
        return self.node.degree

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.links) < self.node.degree


class Explorer:
    """The map's questions over one store's backend."""

    def __init__(self, backend: Backend, links: LinkAnalysis, restrictions: Restrictions) -> None:
        self.backend = backend
        self.links = links
        self.restrictions = restrictions

    def relation_types(self, relations: Iterable[str] | None) -> tuple[str, ...]:
        """The link types asked for, in model order; None means all of them."""
        if relations is None:
            return self.link_types
        wanted = set(relations)
        unknown = wanted - set(self.link_types)
        if unknown:
            raise BadInputError(f"not link relations: {', '.join(sorted(unknown))}")
        if not wanted:
            raise BadInputError("relations is empty: ask for at least one")
        return tuple(t for t in self.link_types if t in wanted)

    @property
    def link_types(self) -> tuple[str, ...]:
        return self.backend.model.link_types

    def neighbourhood(self, node_id: str, at: Moment, hops: int = 1,
                      relations: Iterable[str] | None = None, max_nodes: int = 500,
                      hub_degree: int = 50, suspected: bool = False) -> MapView:
        """The nodes within `hops` of a node and the links between them (module docstring)."""
        check_range("hops", hops, 1, MAX_EXPLORE_HOPS)
        check_range("maxNodes", max_nodes, 1, MAX_NODES)
        check_range("hubDegree", hub_degree, 1)
        types = self.relation_types(relations)
        walk = _Walk(self, at, types, suspected, hub_degree)
        origin = self.links.entity(node_id, at)
        distance = {origin.id: 0}
        degree = walk.degrees([origin.id])
        found: dict[tuple[str, str], Link] = {}
        frontier = [origin.id]
        truncated = False
        for level in range(1, hops + 1):
            expandable = [n for n in frontier if degree.get(n, 0) <= hub_degree]
            if not expandable:
                break
            around = walk.links(expandable)
            fresh = sorted({end for link in around for end in (link.source, link.target)}
                           - distance.keys())
            room = max_nodes - len(distance)
            if len(fresh) > room:
                truncated, fresh = True, fresh[:room]
            distance.update((n, level) for n in fresh)
            found.update((link.order, link) for link in around
                         if link.source in distance and link.target in distance)
            if fresh:
                degree.update(walk.degrees(fresh))
            frontier = fresh
            if truncated or not frontier:
                break
        ids = sorted(distance, key=lambda n: (distance[n], n))
        nodes = self._map_nodes(ids, at, degree, hub_degree, distance)
        return MapView(nodes[0], tuple(nodes), tuple(sorted(found.values(),
                                                            key=lambda lk: lk.order)), truncated,
                       walk.hubs_among(distance))

    def neighbours(self, node_id: str, at: Moment, relations: Iterable[str] | None = None,
                   offset: int = 0, first: int = 50, hub_degree: int = 50,
                   suspected: bool = False) -> LinkPage:
        """One page of a node's links and the nodes at their other ends."""
        check_range("offset", offset, 0)
        check_range("first", first, 1, MAX_PAGE)
        check_range("hubDegree", hub_degree, 1)
        types = self.relation_types(relations)
        walk = _Walk(self, at, types, suspected, hub_degree)
        centre = self.links.entity(node_id, at)
        page = self.backend.link_page(centre.id, at, types, offset, first)
        if suspected and len(page) < first:
            registered = self.backend.degrees([centre.id], at, types).get(centre.id, 0)
            start = max(0, offset - registered)
            page += walk.suspected([centre.id]).links[start:start + first - len(page)]
        others = sorted({link.other(centre.id) for link in page})
        degree = walk.degrees([centre.id, *others])
        nodes = self._map_nodes([centre.id, *others], at, degree, hub_degree, {})
        return LinkPage(nodes[0], offset, tuple(page), tuple(nodes[1:]))

    # --- shared --------------------------------------------------------------------

    def _map_nodes(self, ids: Sequence[str], at: Moment, degree: Mapping[str, int],
                   hub_degree: int, distance: Mapping[str, int]) -> list[MapNode]:
        known = self.links.entities(ids, at)
        lists = self.backend.listed(ids, at)
        restricted = self._restrictions([n for n in ids if known[n].label == "Person"], at)
        return [
            MapNode(known[n], distance.get(n), degree.get(n, 0), degree.get(n, 0) > hub_degree,
                    tuple(sorted({str(e["list"]) for e in lists.get(n, ())})), restricted.get(n))
            for n in ids
        ]

    def _restrictions(self, persons: Collection[str], at: Moment) -> dict[str, Certainty]:
        """The strongest restriction in force on the day per restricted person."""
        if not persons:
            return {}
        result: dict[str, Certainty] = {}
        for person, hits in self.restrictions.hits_for_persons(persons, at.day, at).items():
            certainties = {h.certainty for h in hits if h.in_force(at.day)}
            if Certainty.CONFIRMED in certainties:
                result[person] = Certainty.CONFIRMED
            elif certainties:
                result[person] = Certainty.CANDIDATE
        return result


class _Walk:
    """The links and degrees one map question fetches: the registered links of the types
    asked for, and with `suspected` the suspected ones, gathering the hub values met."""

    def __init__(self, explorer: Explorer, at: Moment, types: Sequence[str], suspected: bool,
                 hub_degree: int) -> None:
        self.backend, self.at, self.types = explorer.backend, at, types
        self.suspected_links = explorer.links.suspected if suspected else None
        self.hub_degree = hub_degree
        self.hubs: dict[tuple[str, str], HubValue] = {}
        self.stating: dict[tuple[str, str], set[str]] = {}

    def suspected(self, ids: Sequence[str]) -> Around:
        if self.suspected_links is None:
            return Around((), ())
        around = self.suspected_links.around(ids, self.at, self.hub_degree)
        for hub in around.hubs:
            self.hubs[(hub.kind, hub.value)] = hub
            self.stating.setdefault((hub.kind, hub.value), set()).update(hub.enterprises)
        return around

    def links(self, ids: Sequence[str]) -> list[Link]:
        return [*self.backend.links(ids, self.at, self.types), *self.suspected(ids).links]

    def degrees(self, ids: Sequence[str]) -> dict[str, int]:
        found = dict(self.backend.degrees(ids, self.at, self.types))
        for node, extra in self.suspected(ids).degrees(ids).items():
            if extra:
                found[node] = found.get(node, 0) + extra
        return found

    def hubs_among(self, ids: Collection[str]) -> tuple[HubValue, ...]:
        """The hub values met, with the enterprises among `ids` that state them."""
        found = []
        for key in sorted(self.hubs):
            members = tuple(sorted(self.stating[key] & set(ids)))
            if members:
                hub = self.hubs[key]
                found.append(HubValue(hub.kind, hub.value, hub.count, members))
        return tuple(found)
