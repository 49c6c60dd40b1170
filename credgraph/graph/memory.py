"""The embedded store: a networkx graph kept in a file, like SQLite keeps a database.

Identities (enterprises, persons, other holders) are nodes keyed by their id.
Every version of a fact is its own elements: fact nodes (records, list entries,
penalties, events, objections) keyed `label#id#rec`, relationships keyed
`key#rec`, each carrying the version's stamp (credgraph.graph.model.VERSION). It is
the default with no server and the reference the Neo4j answers are checked
against, so its semantics are kept as plain as possible.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import orjson
import pyarrow as pa

from credgraph.exc import StoreError
from credgraph.graph.embedded_file import Table, batched, read_file, write_file
from credgraph.graph.records import (
    ChangeSet,
    EnterpriseRef,
    FactVersion,
    GraphCounts,
    Head,
    Snapshot,
)
from credgraph.graph.store import OVERFULL_TOLERANCE, GraphStore
from credgraph.settings import StoreKind

FORMAT = 3
"""The file format this store reads and writes (credgraph.graph.embedded_file)."""

_NODES = pa.schema([("key", pa.string()), ("props", pa.string())])
_EDGES = pa.schema([("source", pa.string()), ("target", pa.string()), ("key", pa.string()),
                    ("props", pa.string())])
_LOG = pa.schema([("label", pa.string()), ("id", pa.string()), ("props", pa.string())])
"""The store's log (load runs): a table of its own, so the graph holds only entities and facts.
A file written before the log existed has no such table and opens with an empty log."""

Element = tuple[str, ...]
"""A fact node (its graph key) or a relationship (source, target, graph key)."""


def node_key(label: str, node_id: str, rec: str) -> str:
    """The graph key of a fact node: one per version."""
    return f"{label}#{node_id}#{rec}"


def edge_key(key: str, rec: str) -> str:
    """The graph key of a relationship: one per version."""
    return f"{key}#{rec}"


def _present(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


def visible(attrs: dict[str, Any], known: str | None) -> bool:
    """Recorded by `known` (None: now) and not retracted by then."""
    ret = attrs.get("ret")
    if known is None:
        return ret is None
    return bool(attrs["rec"] <= known and (ret is None or ret > known))


class MemoryStore(GraphStore):
    kind = StoreKind.MEMORY

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self.version = 0
        self.log: dict[str, dict[str, dict[str, Any]]] = {}
        """Log label -> entry id -> properties."""
        if path is not None and path.exists():
            self._read(path)
        self._reindex()

    # --- the file ---------------------------------------------------------------------

    def _read(self, path: Path) -> None:
        """Rebuild the graph from the checked file (never unpickled: plain tables)."""
        stored = read_file(path, FORMAT)
        graph = nx.MultiDiGraph()
        try:
            nodes, edges = stored.tables["nodes"], stored.tables["edges"]
            graph.add_nodes_from(
                (key, orjson.loads(props))
                for key, props in zip(*(nodes.column(c).to_pylist() for c in _NODES.names),
                                      strict=True))
            graph.add_edges_from(
                (source, target, key, orjson.loads(props))
                for source, target, key, props in zip(
                    *(edges.column(c).to_pylist() for c in _EDGES.names), strict=True))
            self.version = int(stored.meta["data_version"])
            log = stored.tables.get("log")
            if log is not None:
                for label, entry, props in zip(*(log.column(c).to_pylist() for c in _LOG.names),
                                               strict=True):
                    self.log.setdefault(label, {})[entry] = orjson.loads(props)
        except (KeyError, ValueError, TypeError) as e:
            raise StoreError(f"cannot open the embedded graph {path}: malformed tables "
                             f"({e})") from e
        self.graph = graph

    def commit(self) -> None:
        """Write the whole graph to its file (atomically: never half a file)."""
        if self.path is None:
            return
        graph = self.graph
        nodes = ((key, orjson.dumps(attrs).decode()) for key, attrs in graph.nodes(data=True))
        edges = ((u, v, key, orjson.dumps(attrs).decode())
                 for u, v, key, attrs in graph.edges(keys=True, data=True))
        log = ((label, entry, orjson.dumps(props).decode())
               for label, entries in sorted(self.log.items())
               for entry, props in sorted(entries.items()))
        write_file(self.path, FORMAT, [
            Table("nodes", _NODES, batched(nodes, tuple(_NODES.names))),
            Table("edges", _EDGES, batched(edges, tuple(_EDGES.names))),
            Table("log", _LOG, batched(log, tuple(_LOG.names))),
        ], {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
            "data_version": self.version})

    # --- derived lookups --------------------------------------------------------------

    def _reindex(self) -> None:
        """Registration numbers, each fact's elements, and each entity's records."""
        self._reg_no: dict[str, str] = {}
        self._facts: dict[tuple[str, str], list[Element]] = defaultdict(list)
        self.records_of: dict[str, list[str]] = defaultdict(list)
        self._labelled: dict[str, list[str]] = defaultdict(list)
        self._lookups: dict[tuple[str, str, Any], list[str]] = defaultdict(list)
        self._typed: dict[str, dict[Element, None]] = defaultdict(dict)
        for key, attrs in self.graph.nodes(data=True):
            if attrs.get("reg_no") and "rec" not in attrs:
                self._reg_no[attrs["reg_no"]] = key
            if "rec" in attrs:
                self._index_node(key, attrs)
        for u, v, key, attrs in self.graph.edges(keys=True, data=True):
            self._facts[(self.model.edge(attrs["type"]).section or "", attrs["fact"])].append(
                (u, v, key))
            self._typed[attrs["type"]][(u, v, key)] = None

    def _index_node(self, key: str, attrs: dict[str, Any]) -> None:
        schema = self.model.node(attrs["label"])
        self._labelled[attrs["label"]].append(key)
        self._facts[(schema.section or "", attrs["fact"])].append((key,))
        if schema.record_of:
            self.records_of[attrs["of"]].append(key)
        for prop in schema.lookups:
            if attrs.get(prop) is not None:
                self._lookups[(attrs["label"], prop, attrs[prop])].append(key)

    def _unindex_node(self, key: str, attrs: dict[str, Any]) -> None:
        if "of" in attrs:
            self.records_of[attrs["of"]].remove(key)
        self._labelled[attrs["label"]].remove(key)
        for prop in self.model.node(attrs["label"]).lookups:
            if attrs.get(prop) is not None:
                self._lookups[(attrs["label"], prop, attrs[prop])].remove(key)

    def element(self, element: Element) -> dict[str, Any]:
        """The attributes of a fact node or relationship."""
        if len(element) == 1:
            return dict(self.graph.nodes[element[0]])
        return dict(self.graph.edges[element])

    def nodes_labelled(self, label: str) -> Iterator[dict[str, Any]]:
        """The attributes of every node with this label (every version)."""
        for key in self._labelled.get(label, ()):
            yield self.graph.nodes[key]

    def nodes_where(self, label: str, prop: str, value: Any) -> Iterator[dict[str, Any]]:
        """The attributes of every node version with this label whose `prop` (one of the
        label's `lookups`) has this value."""
        if prop not in self.model.node(label).lookups:
            raise ValueError(f"{label}.{prop} is not a lookup of the model")
        for key in self._lookups.get((label, prop, value), ()):
            yield self.graph.nodes[key]
    def edges_typed(self, rel_type: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(source, target, attributes) of every relationship of a type (every version)."""
        edges = self.graph.edges
        for element in self._typed.get(rel_type, ()):
            yield element[0], element[1], edges[element]

    def primary(self, section: str, fact: str) -> list[dict[str, Any]]:
        """The head elements of every version of a fact (its node, or its relationships)."""
        return [attrs for element in self._facts.get((section, fact), ())
                if (attrs := self.element(element)) and self._is_primary(attrs)]

    def _is_primary(self, attrs: dict[str, Any]) -> bool:
        schema = (self.model.node(attrs["label"]) if "label" in attrs
                  else self.model.edge(attrs["type"]))
        return schema.primary

    # --- writes -------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Nothing to create: lookups are dictionaries."""

    def heads(self, section: str, facts: Collection[str]) -> dict[str, Head]:
        found: dict[str, Head] = {}
        for fact in facts:
            versions = self.primary(section, fact)
            if versions:
                latest = max(versions, key=lambda a: a["rec"])
                found[fact] = Head(latest["rec"], latest.get("ret"), latest["h"],
                                   latest.get("source"), bool(latest.get("placeholder")))
        return found

    def apply(self, changes: ChangeSet) -> None:
        graph = self.graph
        for identity in changes.identities:
            if identity.id not in graph:
                graph.add_node(identity.id, label=identity.label)
            attrs = graph.nodes[identity.id]
            for name, value in identity.props.items():
                if value is not None:
                    attrs[name] = value
            if identity.props.get("reg_no"):
                self._reg_no[identity.props["reg_no"]] = identity.id
        for retirement in changes.retire:
            for element in self._facts.get((retirement.section, retirement.fact), ()):
                attrs = (graph.nodes[element[0]] if len(element) == 1
                         else graph.edges[element])
                if attrs.get("ret") is None:
                    attrs["ret"] = retirement.at
                    if retirement.reason is not None:
                        attrs["ret_reason"] = retirement.reason
        for section, fact, rec in changes.drop:
            elements = self._facts.get((section, fact), [])
            dropped = [e for e in elements if self.element(e)["rec"] == rec]
            for element in sorted(dropped, key=len, reverse=True):  # relationships first
                if len(element) == 1:
                    self._unindex_node(element[0], graph.nodes[element[0]])
                    graph.remove_node(element[0])
                else:
                    self._typed[graph.edges[element]["type"]].pop(element, None)
                    graph.remove_edge(*element)
            self._facts[(section, fact)] = [e for e in elements if e not in dropped]
        for version in changes.create:
            self._create(version)
        for entry in changes.log:
            node = self.model.node(entry.label)
            if not node.log:
                raise StoreError(f"{entry.label} is not a log label")
            self.log.setdefault(entry.label, {})[entry.id] = _present(
                {**entry.props, node.key: entry.id})
        if changes.changes:
            self.version += 1

    def _create(self, version: FactVersion) -> None:
        """The version's elements; an absent value is no property, as in Neo4j."""
        graph = self.graph
        stamp = _present({**version.stamp, "placeholder": version.placeholder or None})
        keys: dict[str, str] = {}
        for node in version.nodes:
            key = node_key(node.label, node.id, version.rec)
            keys[node.id] = key
            attrs = {"label": node.label, **_present(node.props), **stamp}
            graph.add_node(key, **attrs)
            self._index_node(key, attrs)
        for edge in version.edges:
            source, target = keys.get(edge.source, edge.source), keys.get(edge.target, edge.target)
            if source not in graph or target not in graph:
                raise StoreError(f"{edge.type} {edge.key}: endpoint missing")
            key = edge_key(edge.key, version.rec)
            graph.add_edges_from([(source, target, key, {
                "type": edge.type, "key": edge.key, **_present(edge.props), **stamp})])
            self._facts[(version.section, version.fact)].append((source, target, key))
            self._typed[edge.type][(source, target, key)] = None

    def visible_facts(self, section: str, source: str) -> Iterator[str]:
        for (fact_section, fact), _ in list(self._facts.items()):
            if fact_section != section:
                continue
            head = self.heads(section, [fact]).get(fact)
            if head is not None and head.ret is None and head.source == source \
                    and not head.placeholder:
                yield fact

    def data_version(self) -> int:
        return self.version

    # --- reads a load needs ---------------------------------------------------------------

    def record(self, entity_id: str, known: str | None = None) -> dict[str, Any] | None:
        """An entity's record version visible at `known` (None: now)."""
        for key in self.records_of.get(entity_id, ()):
            attrs = self.graph.nodes[key]
            if visible(attrs, known):
                return dict(attrs)
        return None

    def reg_no_of(self, reg_no: str) -> str | None:
        """The enterprise a legacy registration number names."""
        return self._reg_no.get(reg_no)

    def resolve_enterprises(self, refs: Collection[str]) -> dict[str, EnterpriseRef]:
        found: dict[str, EnterpriseRef] = {}
        nodes = self.graph.nodes
        enterprise = self.model.node("Enterprise").label
        for ref in refs:
            node = ref if ref in nodes else self._reg_no.get(ref)
            if node is None or nodes[node].get("label") != enterprise:
                continue
            record = self.record(node)
            if record is not None:
                found[ref] = EnterpriseRef(node, record.get("registered_capital"))
        return found

    def existing_entities(self, ids: Collection[str]) -> dict[str, str]:
        nodes = self.graph.nodes
        entity = set(self.model.entity_labels)
        return {i: nodes[i]["label"] for i in ids if i in nodes and nodes[i].get("label") in entity}

    def overfull_enterprises(self, enterprises: Collection[str]) -> list[tuple[str, float]]:
        totals: Counter[str] = Counter()
        owns = self.model.edge("SHAREHOLDER").type
        graph = self.graph
        for target in enterprises:
            if target not in graph:
                continue
            for _, _, attrs in graph.in_edges(target, data=True):
                if attrs["type"] == owns and attrs.get("end") is None and visible(attrs, None):
                    percent = attrs.get("percent")
                    if percent is not None:
                        totals[target] += percent
        return sorted((e, t) for e, t in totals.items() if t > 100.0 + OVERFULL_TOLERANCE)

    def get_node(self, node_id: str) -> dict[str, Any] | None:
        graph = self.graph
        if node_id in graph:
            record = self.record(node_id)
            identity = dict(graph.nodes[node_id])
            return {**(record or {}), **identity, "id": node_id} if record else None
        for section in {s.section for s in self.model.versioned}:
            for element in self._facts.get((section or "", node_id), ()):
                attrs = self.element(element)
                if len(element) == 1 and visible(attrs, None) and "of" not in attrs:
                    return attrs
        return None

    def get_edge(self, rel_type: str, key: str) -> dict[str, Any] | None:
        for u, v, _, attrs in self.graph.edges(keys=True, data=True):
            if attrs["type"] == rel_type and attrs["key"] == key and visible(attrs, None):
                return {**{k: x for k, x in attrs.items() if k != "type"},
                        "source": self._end(u), "target": self._end(v)}
        return None

    def _end(self, node: str) -> str:
        """The id an element's end is known by (a fact node's own id, not its graph key)."""
        return str(self.graph.nodes[node].get("id", node))

    def log_entries(self, label: str) -> list[dict[str, Any]]:
        entries = self.log.get(label, {})
        return [dict(entries[entry]) for entry in sorted(entries)]

    def counts(self) -> GraphCounts:
        nodes = Counter(label for _, label in self.graph.nodes(data="label"))
        edges = Counter(t for _, _, t in self.graph.edges(data="type"))
        return GraphCounts(nodes=dict(nodes), edges=dict(edges))

    def snapshot(self) -> Snapshot:
        graph = self.graph
        nodes = {}
        for key, attrs in graph.nodes(data=True):
            ident = attrs.get("id", attrs.get("of", key))
            props = {k: v for k, v in attrs.items() if k != "label"}
            if "rec" not in attrs:
                props["id"] = key
            nodes[(attrs["label"], str(ident), attrs.get("rec", ""))] = props
        edges = {(attrs["type"], attrs["key"], attrs["rec"]):
                 (self._end(u), self._end(v),
                  {k: x for k, x in attrs.items() if k != "type"})
                 for u, v, attrs in graph.edges(data=True)}
        return Snapshot(nodes, edges)

    def ping(self) -> None:
        """The graph lives in this process: it answers whenever the process does."""

    def clear(self) -> None:
        self.graph = nx.MultiDiGraph()
        self.version = 0
        self.log = {}
        self._reindex()

    def close(self) -> None:
        """Nothing is held open; unsaved writes are dropped, as an aborted load must be."""
