"""Link analysis over the embedded networkx store: the reference the Neo4j answers must match.

The fetches read the MultiDiGraph directly. `_paths` does not use the shared
level-by-level walk: it enumerates every simple path of the day's link graph
with networkx and sorts them, so the tests have an independent answer to hold
the Neo4j walk to.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import networkx as nx

from credgraph.graph.memory import MemoryStore
from credgraph.queries.links.base import (
    LinkAnalysis,
    neighbourhood,
    pledge_party_ids,
    search_order,
    search_tier,
)
from credgraph.queries.links.results import (
    LINK_FIELDS,
    OWNERSHIP,
    Entity,
    Holding,
    Link,
    Neighbourhood,
    RawRel,
    SearchHit,
    entity,
)
from credgraph.queries.links.traversal import Hop, hops_order
from credgraph.queries.time import in_force


class MemoryLinks(LinkAnalysis):
    def __init__(self, store: MemoryStore) -> None:
        super().__init__(store)
        self.memory = store
        self.entity_labels = frozenset(self.model.entity_labels)
        self.link_set = frozenset(self.link_types)

    @property
    def _graph(self) -> nx.MultiDiGraph:
        """The store's current graph (clear() replaces the object)."""
        return self.memory.graph

    def _entity(self, node_id: str) -> Entity | None:
        graph = self._graph
        if node_id not in graph:
            return None
        attrs = graph.nodes[node_id]
        if attrs.get("label") not in self.entity_labels:
            return None
        return entity(attrs["label"], _props(node_id, attrs))

    def entities(self, ids: Sequence[str]) -> dict[str, Entity]:
        found = {node_id: self._entity(node_id) for node_id in ids}
        return {k: v for k, v in found.items() if v is not None}

    def _rels(self, node_id: str) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(other end, key, direction, attributes) of every relationship at a node."""
        graph = self._graph
        for _, other, key, attrs in graph.out_edges(node_id, keys=True, data=True):
            yield other, key, "out", attrs
        for other, _, key, attrs in graph.in_edges(node_id, keys=True, data=True):
            if other != node_id:
                yield other, key, "in", attrs

    def neighbourhoods(self, ids: Sequence[str]) -> dict[str, Neighbourhood]:
        graph = self._graph
        result: dict[str, Neighbourhood] = {}
        for node_id in ids:
            node = self._entity(node_id)
            if node is None:
                continue
            rels = [
                RawRel(attrs["type"], key, direction == "out", _rel_props(attrs),
                       graph.nodes[other]["label"], _props(other, graph.nodes[other]))
                for other, key, direction, attrs in self._rels(node_id)
            ]
            parties = self.entities(sorted(pledge_party_ids(node_id, rels)))
            result[node_id] = neighbourhood(node, rels, parties)
        return result

    def _search(self, text_id: str, text_name: str, first: int) -> list[SearchHit]:
        hits: list[tuple[int, Entity]] = []
        for node_id, attrs in self._graph.nodes(data=True):
            if attrs.get("label") not in self.entity_labels:
                continue
            found = entity(attrs["label"], _props(node_id, attrs))
            tier = search_tier(found, text_id, text_name)
            if tier is not None:
                hits.append((tier, found))
        hits.sort(key=search_order)
        return [SearchHit(found, "id" if tier == 0 else "name") for tier, found in hits[:first]]

    def _resolve_enterprise(self, ref: str) -> str | None:
        found = self.store.resolve_enterprises([ref]).get(ref)
        return found.id if found is not None else None

    def _day_links(self, node_id: str, day: str) -> Iterator[Link]:
        for other, key, direction, attrs in self._rels(node_id):
            if (other == node_id or attrs["type"] not in self.link_set
                    or not in_force(attrs.get("start"), attrs.get("end"), day)):
                continue
            source, target = (node_id, other) if direction == "out" else (other, node_id)
            yield Link(attrs["type"], key, source, target, _link_props(attrs))

    def _expand(self, ids: Sequence[str], day: str) -> list[Link]:
        found: dict[tuple[str, str], Link] = {}
        for node_id in ids:
            for link in self._day_links(node_id, day):
                found[link.order] = link
        return list(found.values())

    def _degrees(self, ids: Sequence[str], day: str) -> dict[str, int]:
        return {node_id: sum(1 for _ in self._day_links(node_id, day)) for node_id in ids}

    def _listed(self, ids: Sequence[str], day: str,
                lists: Sequence[str]) -> dict[str, list[Mapping[str, Any]]]:
        graph = self._graph
        wanted = set(lists)
        result: dict[str, list[Mapping[str, Any]]] = {}
        for node_id in ids:
            for _, entry, attrs in graph.out_edges(node_id, data=True):
                if attrs["type"] != "LISTED" or not in_force(attrs.get("start"),
                                                             attrs.get("end"), day):
                    continue
                props = _props(entry, graph.nodes[entry])
                if props.get("list") in wanted:
                    result.setdefault(node_id, []).append(props)
        for entries in result.values():
            entries.sort(key=lambda e: str(e["id"]))
        return result

    def _holdings(self, ids: Sequence[str], day: str, upward: bool) -> list[Holding]:
        graph = self._graph
        found: dict[str, Holding] = {}
        for node_id in ids:
            edges = (graph.in_edges(node_id, keys=True, data=True) if upward
                     else graph.out_edges(node_id, keys=True, data=True))
            for holder, held, key, attrs in edges:
                if attrs["type"] == OWNERSHIP and in_force(attrs.get("start"), attrs.get("end"),
                                                           day):
                    found[key] = Holding(holder, held, key, attrs.get("percent"),
                                         _link_props(attrs))
        return list(found.values())

    def _paths(self, from_id: str, to_id: str, day: str, max_hops: int, first: int,
               max_degree: int) -> list[list[Hop]]:
        """Every simple path of the day's link graph, sorted: slow, plain, the reference."""
        view = nx.MultiGraph()
        for u, v, key, attrs in self._graph.edges(keys=True, data=True):
            if (u != v and attrs["type"] in self.link_set
                    and in_force(attrs.get("start"), attrs.get("end"), day)):
                view.add_edge(u, v, key=(attrs["type"], key),
                              link=Link(attrs["type"], key, u, v, _link_props(attrs)))
        hubs = [n for n, degree in view.degree() if degree > max_degree
                and n not in (from_id, to_id)]
        view.remove_nodes_from(hubs)
        if from_id not in view or to_id not in view:
            return []
        candidates: list[tuple[Any, list[Hop]]] = []
        for edge_path in nx.all_simple_edge_paths(view, from_id, to_id, cutoff=max_hops):
            hops: list[Hop] = []
            here = from_id
            for u, v, key in edge_path:
                there = v if u == here else u
                hops.append((here, there, view.edges[u, v, key]["link"]))
                here = there
            candidates.append((hops_order(hops), hops))
        candidates.sort(key=lambda item: item[0])
        return [hops for _, hops in candidates[:first]]


def _props(node_id: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": node_id, **{k: v for k, v in attrs.items() if k != "label"}}


def _rel_props(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if k != "type"}


def _link_props(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {name: attrs.get(name) for name in LINK_FIELDS}
