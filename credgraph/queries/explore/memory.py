"""Explorer fetches over the embedded networkx store: plain walks over the MultiDiGraph."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from credgraph.graph.memory import MemoryStore
from credgraph.queries.explore.base import Explorer
from credgraph.queries.links.results import LINK_FIELDS, Link
from credgraph.queries.time import in_force


class MemoryExplorer(Explorer):
    def __init__(self, store: MemoryStore) -> None:
        super().__init__(store)
        self.memory = store

    def _links(self, node_id: str, day: str, types: Sequence[str]) -> Iterator[Link]:
        """In-force links of `types` at a node, each in its stored direction."""
        graph = self.memory.graph
        if node_id not in graph:
            return
        wanted = set(types)
        edges = ((node_id, other, key, attrs)
                 for _, other, key, attrs in graph.out_edges(node_id, keys=True, data=True))
        incoming = ((other, node_id, key, attrs)
                    for other, _, key, attrs in graph.in_edges(node_id, keys=True, data=True))
        for source, target, key, attrs in (*edges, *incoming):
            if (source != target and attrs["type"] in wanted
                    and in_force(attrs.get("start"), attrs.get("end"), day)):
                yield Link(attrs["type"], key, source, target,
                           {name: attrs.get(name) for name in LINK_FIELDS})

    def _degrees(self, ids: Sequence[str], day: str, types: Sequence[str]) -> dict[str, int]:
        return {node_id: sum(1 for _ in self._links(node_id, day, types)) for node_id in ids}

    def _expand(self, ids: Sequence[str], day: str, types: Sequence[str]) -> list[Link]:
        found: dict[tuple[str, str], Link] = {}
        for node_id in ids:
            found.update((link.order, link) for link in self._links(node_id, day, types))
        return list(found.values())

    def _page(self, node_id: str, day: str, types: Sequence[str], offset: int,
              first: int) -> list[Link]:
        ordered = sorted(self._links(node_id, day, types), key=lambda link: link.order)
        return ordered[offset:offset + first]

    def _lists(self, ids: Sequence[str], day: str) -> dict[str, set[str]]:
        graph = self.memory.graph
        result: dict[str, set[str]] = {}
        for node_id in ids:
            if node_id not in graph:
                continue
            for _, entry, attrs in graph.out_edges(node_id, data=True):
                if attrs["type"] == "LISTED" and in_force(attrs.get("start"), attrs.get("end"),
                                                          day):
                    result.setdefault(node_id, set()).add(str(graph.nodes[entry]["list"]))
        return result
