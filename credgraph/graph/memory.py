"""The embedded store: a networkx graph kept in a file, like SQLite keeps a database.

Nodes are keyed by id with their label in the `label` attribute; relationships
are MultiDiGraph edges keyed by their fact key (docs/data-format.md) with their type in `type`.
It is the default with no server and the reference the Neo4j answers are
checked against, so its semantics are kept as plain as possible.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import orjson
import pyarrow as pa

from credgraph.exc import StoreError
from credgraph.graph.embedded_file import Table, batched, read_file, write_file
from credgraph.graph.records import EdgeRecord, EnterpriseRef, GraphCounts, NodeRecord, Snapshot
from credgraph.graph.store import OVERFULL_TOLERANCE, GraphStore
from credgraph.settings import StoreKind

FORMAT = 2
"""The file format this store reads and writes (credgraph.graph.embedded_file)."""

_NODES = pa.schema([("id", pa.string()), ("label", pa.string()), ("props", pa.string())])
_EDGES = pa.schema([("source", pa.string()), ("target", pa.string()), ("key", pa.string()),
                    ("type", pa.string()), ("props", pa.string())])


def _keep_loaded_at(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A re-load of the same batch leaves loaded_at as the first load set it."""
    if old.get("batch_id") is not None and old.get("batch_id") == new.get("batch_id"):
        return {**new, "loaded_at": old.get("loaded_at")}
    return new


def _upsert(attrs: dict[str, Any], props: dict[str, Any]) -> None:
    """Neo4j's `SET n += props`: a None value removes the property."""
    for name, value in _keep_loaded_at(attrs, props).items():
        if value is None:
            attrs.pop(name, None)
        else:
            attrs[name] = value


class MemoryStore(GraphStore):
    kind = StoreKind.MEMORY

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        if path is not None and path.exists():
            self._read(path)
        self._reindex()

    def _read(self, path: Path) -> None:
        """Rebuild the graph from the checked file (never unpickled: plain tables)."""
        stored = read_file(path, FORMAT)
        graph = nx.MultiDiGraph()
        try:
            nodes, edges = stored.tables["nodes"], stored.tables["edges"]
            graph.add_nodes_from(
                (node_id, {**orjson.loads(props), "label": label})
                for node_id, label, props in zip(*(nodes.column(c).to_pylist()
                                                   for c in _NODES.names), strict=True))
            graph.add_edges_from(
                (source, target, key, {**orjson.loads(props), "type": rel_type})
                for source, target, key, rel_type, props in zip(
                    *(edges.column(c).to_pylist() for c in _EDGES.names), strict=True))
        except (KeyError, ValueError, TypeError) as e:
            raise StoreError(f"cannot open the embedded graph {path}: malformed tables "
                             f"({e})") from e
        self.graph = graph

    def _reindex(self) -> None:
        """Derived lookups: registration numbers and relationship keys."""
        self._reg_no: dict[str, str] = {}
        self._edge_ends: dict[tuple[str, str], tuple[str, str]] = {}
        for node, attrs in self.graph.nodes(data=True):
            if attrs.get("label") == "Enterprise" and attrs.get("reg_no"):
                self._reg_no[attrs["reg_no"]] = node
        for u, v, key, rel_type in self.graph.edges(keys=True, data="type"):
            self._edge_ends[(rel_type, key)] = (u, v)

    def ensure_schema(self) -> None:
        """Nothing to create: lookups are dictionaries."""

    def write_nodes(self, records: Sequence[NodeRecord]) -> None:
        graph = self.graph
        for rec in records:
            self.model.node(rec.label)
            attrs = graph.nodes[rec.id] if rec.id in graph else None
            if attrs is None:
                graph.add_node(rec.id, label=rec.label)
                attrs = graph.nodes[rec.id]
                if rec.placeholder:
                    _upsert(attrs, {**rec.props, "placeholder": True})
                    continue
            elif rec.placeholder:
                continue
            attrs["label"] = rec.label
            _upsert(attrs, rec.props)
            if rec.label == "Enterprise" and rec.props.get("reg_no"):
                self._reg_no[rec.props["reg_no"]] = rec.id

    def write_edges(self, records: Sequence[EdgeRecord]) -> None:
        graph = self.graph
        for rec in records:
            self.model.edge(rec.type)
            if rec.source not in graph or rec.target not in graph:
                raise StoreError(f"{rec.type} {rec.key}: endpoint missing")
            ends = self._edge_ends.get((rec.type, rec.key))
            if ends is not None and ends != (rec.source, rec.target):
                graph.remove_edge(*ends, key=rec.key)
                ends = None
            if ends is None:
                graph.add_edge(rec.source, rec.target, key=rec.key, type=rec.type)
                self._edge_ends[(rec.type, rec.key)] = (rec.source, rec.target)
            _upsert(graph.edges[rec.source, rec.target, rec.key], {"key": rec.key, **rec.props})

    def resolve_enterprises(self, refs: Collection[str]) -> dict[str, EnterpriseRef]:
        found: dict[str, EnterpriseRef] = {}
        nodes = self.graph.nodes
        for ref in refs:
            node = ref if ref in nodes else self._reg_no.get(ref)
            if node is not None and nodes[node].get("label") == "Enterprise":
                found[ref] = EnterpriseRef(node, nodes[node].get("registered_capital"))
        return found

    def existing_entities(self, ids: Collection[str]) -> dict[str, str]:
        nodes = self.graph.nodes
        entity = set(self.model.entity_labels)
        return {i: nodes[i]["label"] for i in ids if i in nodes and nodes[i]["label"] in entity}

    def overfull_enterprises(self) -> list[tuple[str, float]]:
        totals: Counter[str] = Counter()
        for _, target, attrs in self.graph.edges(data=True):
            if attrs["type"] == "SHAREHOLDER" and attrs.get("end") is None:
                percent = attrs.get("percent")
                if percent is not None:
                    totals[target] += percent
        return sorted((e, t) for e, t in totals.items() if t > 100.0 + OVERFULL_TOLERANCE)

    def get_node(self, node_id: str) -> dict[str, Any] | None:
        if node_id not in self.graph:
            return None
        return dict(self.graph.nodes[node_id])

    def get_edge(self, rel_type: str, key: str) -> dict[str, Any] | None:
        ends = self._edge_ends.get((rel_type, key))
        if ends is None:
            return None
        attrs = {k: v for k, v in self.graph.edges[(*ends, key)].items() if k != "type"}
        return {**attrs, "source": ends[0], "target": ends[1]}

    def counts(self) -> GraphCounts:
        nodes = Counter(label for _, label in self.graph.nodes(data="label"))
        edges = Counter(t for _, _, t in self.graph.edges(data="type"))
        return GraphCounts(nodes=dict(nodes), edges=dict(edges))

    def snapshot(self) -> Snapshot:
        graph = self.graph
        return Snapshot(
            {(a["label"], n): {k: v for k, v in a.items() if k != "label"}
             for n, a in graph.nodes(data=True)},
            {(a["type"], k): (u, v, {p: x for p, x in a.items() if p != "type"})
             for u, v, k, a in graph.edges(keys=True, data=True)},
        )

    def ping(self) -> None:
        """The graph lives in this process: it answers whenever the process does."""

    def commit(self) -> None:
        """Write the whole graph to its file (atomically: never half a file)."""
        if self.path is None:
            return
        graph = self.graph
        nodes = ((node_id, attrs["label"],
                  orjson.dumps({k: v for k, v in attrs.items() if k != "label"}).decode())
                 for node_id, attrs in graph.nodes(data=True))
        edges = ((u, v, key, attrs["type"],
                  orjson.dumps({k: v for k, v in attrs.items() if k != "type"}).decode())
                 for u, v, key, attrs in graph.edges(keys=True, data=True))
        write_file(self.path, FORMAT, [
            Table("nodes", _NODES, batched(nodes, tuple(_NODES.names))),
            Table("edges", _EDGES, batched(edges, tuple(_EDGES.names))),
        ], {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()})

    def clear(self) -> None:
        self.graph = nx.MultiDiGraph()
        self._reindex()

    def close(self) -> None:
        """Nothing is held open; unsaved writes are dropped, as an aborted load must be."""
