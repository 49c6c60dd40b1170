"""The embedded store: a networkx graph kept in a file, like SQLite keeps a database.

Every node and relationship is an element, numbered in the order it was written.
networkx holds the adjacency: a MultiDiGraph whose nodes are the numbers of the
identities (enterprises, persons, other holders) and of the fact nodes that
relationships reach (list entries, penalties, events), and whose relationships
are keyed by their element numbers. What hangs on the elements is compact, for a
registry of a million enterprises is ten million elements:

* per element, in typed arrays: its label or type, its row in that label's table,
  its key (an identity's id, or a fact's section and key: each text stored once),
  the next element of the same key, its recorded and retracted times and a
  relationship's ends;
* per label or type, a table of property columns (credgraph.graph.columns);
* keys found by hash (credgraph.graph.keys): an identity by its id, a fact's
  versions by section and key, an enterprise by USCC or registration number;
* the search's name index (credgraph.graph.names).

Every version of a fact is its own elements, carrying the version's stamp
(credgraph.graph.model.VERSION); an entity's record versions are the elements of
the fact named by its id in its record label's section. It is the default store
with no server and the reference the Neo4j answers are checked against, so its
semantics are kept as plain as possible.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from array import array
from collections.abc import Collection, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from credgraph.exc import StoreError
from credgraph.graph.columns import Alias, Table, Words, from_numpy, numpy_view
from credgraph.graph.embedded_file import read_file, write_file
from credgraph.graph.keys import HashIndex, Keys, text_hash
from credgraph.graph.model import EdgeSchema, NodeSchema
from credgraph.graph.names import NameIndex
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

FORMAT = 4
"""The file format this store reads and writes (credgraph.graph.embedded_file): typed
columns per label and type since 4 (3 kept a JSON text per element)."""

EDGES_AT_ONCE = 1 << 18
"""Relationships added to the adjacency at a time when it is built from the elements."""

IDENTITY = "identity"
"""The key space of identity ids (every other space is a section's)."""
DEAD = 255
"""The label code of a dropped element (kept until the file is written)."""
SEARCHED = "name_norm"
"""The record property the search matches names against."""
STALE_NAMES = 20_000
"""Elements written since the name index was built before search rebuilds it."""
_ON_ELEMENT = ("fact", "rec", "ret")
"""Version properties kept per element, not in the tables."""


_LIBC = ctypes.CDLL(ctypes.util.find_library("c"))


def return_freed_memory() -> None:
    """Hand memory freed while the file was read or written back to the system: glibc keeps
    freed heap pages and Arrow's allocator its freed blocks, and the resident set a budget
    counts includes them (60 to 140 MiB after opening a 100,000-enterprise file)."""
    pa.default_memory_pool().release_unused()
    trim = getattr(_LIBC, "malloc_trim", None)  # glibc only
    if trim is not None:
        trim(0)


class _NoAttributes(dict[str, Any]):
    """The one attribute dict every node and relationship of the adjacency shares: their
    properties are in the store's tables, so it stays empty."""

    def __setitem__(self, key: str, value: Any) -> None:
        raise TypeError("the embedded store's graph keeps no attributes")

    def update(self, *args: Any, **kwargs: Any) -> None:
        if any(args) or kwargs:
            raise TypeError("the embedded store's graph keeps no attributes")


_EMPTY = _NoAttributes()


class EdgeKeys(MutableMapping[int, dict[str, Any]]):
    """The relationships from one node to another, by element number, each with the shared
    empty attribute dict: networkx's dict per such pair costs 224 bytes (most pairs have one
    relationship, a million enterprises make ten million), this one slot: the key itself
    while there is one, a tuple of them when there are more, in the order added."""

    __slots__ = ("_keys",)

    def __init__(self) -> None:
        self._keys: int | tuple[int, ...] = ()

    def _all(self) -> tuple[int, ...]:
        keys = self._keys
        return keys if isinstance(keys, tuple) else (keys,)

    def __len__(self) -> int:
        keys = self._keys
        return len(keys) if isinstance(keys, tuple) else 1

    def __iter__(self) -> Iterator[int]:
        return iter(self._all())

    def __contains__(self, key: object) -> bool:
        keys = self._keys
        return key in keys if isinstance(keys, tuple) else keys == key

    def __getitem__(self, key: int) -> dict[str, Any]:
        if key in self:
            return _EMPTY
        raise KeyError(key)

    def __setitem__(self, key: int, value: dict[str, Any]) -> None:
        if value is not _EMPTY:
            raise TypeError("the embedded store's graph keeps no attributes")
        if key not in self:
            self._set((*self._all(), key))

    def __delitem__(self, key: int) -> None:
        if key not in self:
            raise KeyError(key)
        self._set(tuple(k for k in self._all() if k != key))

    def _set(self, keys: tuple[int, ...]) -> None:
        self._keys = keys[0] if len(keys) == 1 else keys

    def items(self) -> tuple[tuple[int, dict[str, Any]], ...]:  # type: ignore[override]
        """What networkx's edge views walk: a tuple, five times faster to make and walk than
        the mixin's items view (and nothing but iteration is asked of it)."""
        keys = self._keys
        if isinstance(keys, tuple):
            return tuple((key, _EMPTY) for key in keys)
        return ((keys, _EMPTY),)


class Neighbours(MutableMapping[int, EdgeKeys]):
    """A node's neighbours on one side, each with its `EdgeKeys`: most nodes of a register
    are facts (list entries, reports, events) with one neighbour in and none out, so the
    one neighbour is kept in two slots (48 bytes, against 224 for networkx's dict) and a
    dict is made only for a second one."""

    __slots__ = ("_keys", "_node")

    def __init__(self) -> None:
        self._node: int | None = None
        """The one neighbour; None with `_keys` None: no neighbour, else `_keys` is a dict of
        several (a node is never None in networkx)."""
        self._keys: Any = None

    def __len__(self) -> int:
        if self._node is None:
            return 0 if self._keys is None else len(self._keys)
        return 1

    def __iter__(self) -> Iterator[int]:
        if self._node is None:
            return iter(() if self._keys is None else self._keys)
        return iter((self._node,))

    def __contains__(self, node: object) -> bool:
        if self._node is None:
            return self._keys is not None and node in self._keys
        return bool(self._node == node)

    def __getitem__(self, node: int) -> EdgeKeys:
        if self._node is None:
            if self._keys is None:
                raise KeyError(node)
            found: EdgeKeys = self._keys[node]
            return found
        if self._node == node:
            one: EdgeKeys = self._keys
            return one
        raise KeyError(node)

    def __setitem__(self, node: int, edges: EdgeKeys) -> None:
        if self._node is None and self._keys is not None:
            self._keys[node] = edges
        elif self._node is None or self._node == node:
            self._node, self._keys = node, edges
        else:
            self._keys = {self._node: self._keys, node: edges}
            self._node = None

    def __delitem__(self, node: int) -> None:
        if self._node is None and self._keys is not None:
            del self._keys[node]
        elif self._node is not None and self._node == node:
            self._node = self._keys = None
        else:
            raise KeyError(node)

    def items(self) -> Any:
        """What networkx's views walk: the dict's own items, or a tuple (as `EdgeKeys`)."""
        if self._node is None:
            return () if self._keys is None else self._keys.items()
        return ((self._node, self._keys),)


class Adjacency(nx.MultiDiGraph):  # type: ignore[misc]
    """A MultiDiGraph over element numbers, relationships keyed by element number, with no
    attribute dict of its own per node or relationship, small `Neighbours` per node and
    `EdgeKeys` per pair of nodes (networkx's documented factories)."""

    node_attr_dict_factory = staticmethod(lambda: _EMPTY)
    edge_attr_dict_factory = staticmethod(lambda: _EMPTY)
    adjlist_inner_dict_factory = Neighbours
    edge_key_dict_factory = EdgeKeys


@dataclass(frozen=True)
class Kind:
    """A label or relationship type as the store numbers it."""

    code: int
    name: str
    schema: NodeSchema | EdgeSchema
    node: bool
    in_graph: bool
    """A node relationships can reach: an identity, or a fact node some type ends at."""
    space: int
    """The key space of its elements' keys."""

    @property
    def versioned(self) -> bool:
        return self.schema.versioned

    @property
    def record_of(self) -> str | None:
        return self.schema.record_of if isinstance(self.schema, NodeSchema) else None


class MemoryStore(GraphStore):
    kind = StoreKind.MEMORY

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path
        model = self.model
        self.spaces = (IDENTITY, *sorted({s.section for s in model.versioned if s.section}))
        reached = {label for edge in model.edges.values() for label in (*edge.source,
                                                                         *edge.target)}
        schemas: list[NodeSchema | EdgeSchema] = [*sorted(model.nodes.values(),
                                                          key=lambda n: n.label),
                                                  *sorted(model.edges.values(),
                                                          key=lambda e: e.type)]
        self.kinds = tuple(
            Kind(code, schema.name, schema, isinstance(schema, NodeSchema),
                 isinstance(schema, NodeSchema) and (schema.entity or schema.label in reached),
                 self.spaces.index(schema.section) if schema.section else 0)
            for code, schema in enumerate(schemas))
        self.kind_of = {kind.name: kind for kind in self.kinds}
        self.identifiers = tuple(sorted({name for n in model.nodes.values() if n.entity
                                         for name in n.indexes}))
        """Identity properties an entity is also found by (USCC, registration number)."""
        self._empty()
        if path is not None and path.exists():
            self._read(path)

    def _empty(self) -> None:
        self._graph: Adjacency | None = None
        self.version = 0
        self._kind = array("B")
        self._row = array("i")
        self._key = array("i")
        self._next = array("i")
        self._rec = Words()
        self._ret = Words()
        self._source = array("i")
        self._target = array("i")
        self.tables = [Table(self.key_text) for _ in self.kinds]
        self.keys = Keys(self.spaces)
        self._identified = HashIndex()
        self._names: NameIndex | None = None
        self.log: dict[str, dict[str, dict[str, Any]]] = {}
        """The store's own log (load runs), apart from the graph: label -> entry id ->
        properties."""

    @property
    def graph(self) -> Adjacency:
        """The adjacency of the live nodes and relationships, built from the element arrays
        when first asked for (an opened file builds it at once) and kept up to date by every
        write after that: a load into a fresh store builds none, as the file holds none (at
        1,000,000 enterprises it is a third of the store's memory)."""
        if self._graph is None:
            self._build_graph()
            assert self._graph is not None
        return self._graph

    # --- elements -----------------------------------------------------------------------

    def __len__(self) -> int:
        """Elements written (dropped ones included until the file is written)."""
        return len(self._kind)

    def key_text(self, element: int) -> str:
        """An identity's id, or the key of the fact an element is a version of."""
        return self.keys.text(self._key[element])

    def kind_at(self, element: int) -> Kind:
        return self.kinds[self._kind[element]]

    def label(self, element: int) -> str:
        """A node's label or a relationship's type."""
        return self.kinds[self._kind[element]].name

    def alive(self, element: int) -> bool:
        return self._kind[element] != DEAD

    def _in_graph(self, element: int) -> bool:
        """Whether an element is a live node of the adjacency (what relationships join)."""
        return 0 <= element < len(self._kind) and self.alive(element) \
            and self.kind_at(element).in_graph

    def value(self, element: int, name: str) -> Any:
        """One property of an element (None when absent)."""
        if name == "rec":
            return self._rec.get(element)
        if name == "ret":
            return self._ret.get(element)
        if name == "fact":
            return self.key_text(element) if self.kind_at(element).versioned else None
        return self.tables[self._kind[element]].get(self._row[element], name)

    def attrs(self, element: int) -> dict[str, Any]:
        """Every property of an element, with its `label` (node) or `type` (relationship)."""
        kind = self.kinds[self._kind[element]]
        found = {"label" if kind.node else "type": kind.name}
        found.update(self.tables[kind.code].props(self._row[element]))
        if kind.versioned:
            found["fact"] = self.keys.text(self._key[element])
            found["rec"] = self._rec.get(element)
            ret = self._ret.get(element)
            if ret is not None:
                found["ret"] = ret
        return found

    def visible(self, element: int, known: str | None) -> bool:
        """Recorded by `known` (None: now) and not retracted by then."""
        ret = self._ret.get(element)
        if known is None:
            return ret is None
        return bool(self._rec.get(element) <= known and (ret is None or ret > known))

    def alive_mask(self, elements: np.ndarray) -> np.ndarray:
        """`alive` for many elements at once."""
        found: np.ndarray = numpy_view(self._kind)[elements] != DEAD
        return found

    def key_texts(self, elements: np.ndarray) -> pa.LargeStringArray:
        """`key_text` for many elements at once."""
        found: pa.LargeStringArray = self.keys.texts.whole().take(
            pa.array(numpy_view(self._key)[elements]))
        return found

    def visible_mask(self, elements: np.ndarray, known: str | None) -> np.ndarray:
        """`visible` for many elements at once."""
        ret = self._ret.codes.view()[elements]
        if known is None:
            return ret == 0  # type: ignore[no-any-return]
        recorded = np.array([w is not None and w <= known for w in self._rec.words])
        retracted = np.array([w is not None and w <= known for w in self._ret.words])
        return recorded[self._rec.codes.view()[elements]] & ~retracted[ret]  # type: ignore[no-any-return]

    def ends(self, element: int) -> tuple[int, int]:
        """A relationship's source and target elements."""
        return self._source[element], self._target[element]

    def ident(self, element: int) -> str:
        """The id a node is known by: an identity's id, a fact node's own id."""
        kind = self.kinds[self._kind[element]]
        if kind.versioned:
            found = self.tables[kind.code].get(self._row[element], "id")
            if found is not None:
                return str(found)
        return self.key_text(element)

    def chain(self, key: int) -> Iterator[int]:
        """The elements of a key, oldest first."""
        element = self.keys.head[key]
        while element >= 0:
            yield element
            element = self._next[element]

    def of_kind(self, name: str) -> np.ndarray:
        """Every live element of a label or type, oldest first."""
        kind = self.kind_of[name]
        elements = numpy_view(self.tables[kind.code].elements).astype(np.int64)
        found: np.ndarray = elements[numpy_view(self._kind)[elements] == kind.code]
        return found

    def identity(self, node_id: str) -> int:
        """The identity element with this id, or -1."""
        key = self.keys.find(0, node_id)
        return self.keys.head[key] if key >= 0 else -1

    def identified(self, name: str, value: str) -> list[int]:
        """The identities whose property `name` (an identifier) is `value`, latest set last."""
        return [e for e in self._identified.find(text_hash(name, value))
                if self.value(e, name) == value]

    def records(self, entity_id: str, label: str | None = None) -> Iterator[int]:
        """The record versions of an entity (of its label's record label, if given)."""
        for kind in self.kinds:
            if kind.record_of is None or (label is not None and kind.record_of != label):
                continue
            key = self.keys.find(kind.space, entity_id)
            if key >= 0:
                yield from (e for e in self.chain(key) if self._kind[e] == kind.code)

    def record_element(self, entity_id: str, known: str | None,
                       label: str | None = None) -> int:
        """An entity's record version visible at `known`, or -1."""
        for element in self.records(entity_id, label):
            if self.visible(element, known):
                return element
        return -1

    def nodes_labelled(self, label: str) -> Iterator[dict[str, Any]]:
        """The properties of every node with this label (every version)."""
        for element in self.of_kind(label).tolist():
            yield self.attrs(element)

    def nodes_where(self, label: str, prop: str, value: Any) -> np.ndarray:
        """Every live node (version) with this label whose `prop` (one of the label's
        `lookups`) has this value, oldest first: one pass over that column's codes, no
        index kept."""
        if prop not in self.model.node(label).lookups:
            raise ValueError(f"{label}.{prop} is not a lookup of the model")
        kind = self.kind_of[label]
        table = self.tables[kind.code]
        elements = numpy_view(table.elements)[table.rows_where(prop, value)].astype(np.int64)
        found: np.ndarray = elements[self.alive_mask(elements)]
        return found

    def names(self) -> NameIndex:
        """The search's name index, rebuilt when many elements were written since."""
        if self._names is None or len(self) - self._names.covers > STALE_NAMES:
            self._names = self._name_index()
        return self._names

    def _name_index(self) -> NameIndex:
        records = [k for k in self.kinds if k.record_of is not None]
        elements = np.concatenate([self.of_kind(k.name) for k in records]).astype(np.int64)
        names = pa.concat_arrays([self._column(k, SEARCHED) for k in records])
        return NameIndex.build(elements, names, self.key_texts(elements), len(self))

    def _column(self, kind: Kind, name: str) -> pa.Array:
        """A string property of every live element of a kind, as a large string array."""
        elements = self.of_kind(kind.name)
        rows = numpy_view(self._row)[elements]
        column = self.tables[kind.code].columns.get(name)
        if column is None:
            return pa.nulls(len(rows), pa.large_string())
        if isinstance(column, Alias):
            return pc.if_else(column.arrow(rows), self.key_texts(elements),
                              pa.scalar(None, pa.large_string()))
        return pc.cast(column.arrow(rows), pa.large_string())

    # --- writes -------------------------------------------------------------------------

    def _element(self, kind: Kind, key: int, rec: str | None, props: Mapping[str, Any],
                 source: int = -1, target: int = -1) -> int:
        element = len(self._kind)
        self._kind.append(kind.code)
        self._key.append(key)
        self._next.append(-1)
        self._rec.append(rec)
        self._ret.append(None)
        self._source.append(source)
        self._target.append(target)
        tail = self.keys.tail[key]
        if tail < 0:
            self.keys.head[key] = element
        else:
            self._next[tail] = element
        self.keys.tail[key] = element
        self._row.append(self.tables[kind.code].append(element, props))
        return element

    def _drop(self, element: int) -> None:
        """Remove an element from the graph and its key's chain (its row stays until the file
        is written); a node takes its relationships with it."""
        kind = self.kind_at(element)
        if kind.node:
            if kind.in_graph:
                for _, _, edge in [*self.graph.in_edges(element, keys=True),
                                   *self.graph.out_edges(element, keys=True)]:
                    self._drop(edge)
                self.graph.remove_node(element)
        elif self._graph is not None:
            self._graph.remove_edge(self._source[element], self._target[element], key=element)
        self._kind[element] = DEAD
        key = self._key[element]
        chain = [e for e in self.chain(key) if e != element]
        self.keys.head[key] = chain[0] if chain else -1
        self.keys.tail[key] = chain[-1] if chain else -1
        for before, after in zip(chain, [*chain[1:], -1][:len(chain)], strict=True):
            self._next[before] = after  # nothing when the key had this element alone

    def ensure_schema(self) -> None:
        """Nothing to create: the lookups are built as elements are written."""

    def _primary(self, section: str, fact: str) -> Iterator[int]:
        """The head elements of every version of a fact, oldest first."""
        key = self.keys.find(self.spaces.index(section), fact) if section in self.spaces else -1
        if key >= 0:
            yield from (e for e in self.chain(key) if self.kind_at(e).schema.primary)

    def primary(self, section: str, fact: str) -> list[dict[str, Any]]:
        """The properties of the head elements of every version of a fact, oldest first."""
        return [self.attrs(e) for e in self._primary(section, fact)]

    def _head(self, section: str, fact: str) -> Head | None:
        latest, rec = -1, ""
        for element in self._primary(section, fact):
            recorded = self._rec.get(element)
            if latest < 0 or recorded > rec:
                latest, rec = element, recorded
        if latest < 0:
            return None
        return Head(rec, self._ret.get(latest), self.value(latest, "h"),
                    self.value(latest, "source"), bool(self.value(latest, "placeholder")))

    def heads_of(self, wanted: Mapping[str, Collection[str]]) -> dict[tuple[str, str], Head]:
        return {(section, fact): head for section, facts in wanted.items() for fact in facts
                if (head := self._head(section, fact)) is not None}

    def apply(self, changes: ChangeSet) -> None:
        for identity in changes.identities:
            element = self.identity(identity.id)
            if element < 0:
                kind = self.kind_of[self.model.node(identity.label).label]
                element = self._element(kind, self.keys.add(0, identity.id), None, {})
                if self._graph is not None:
                    self._graph.add_node(element)
            for name, value in identity.props.items():
                if value is not None and self.value(element, name) != value:
                    self.tables[self._kind[element]].set(self._row[element], name, value)
                    if name in self.identifiers and type(value) is str:
                        self._identified.add(text_hash(name, value), element)
        for retirement in changes.retire:
            for element in self._primary_and_rest(retirement.section, retirement.fact):
                if self._ret.get(element) is None:
                    self._ret.set(element, retirement.at)
                    if retirement.reason is not None:
                        self.tables[self._kind[element]].set(self._row[element], "ret_reason",
                                                             retirement.reason)
        for section, fact, rec in changes.drop:
            dropped = [e for e in self._primary_and_rest(section, fact)
                       if self._rec.get(e) == rec]
            # relationships first
            for element in sorted(dropped, key=lambda e: self.kind_at(e).node):
                if self.alive(element):
                    self._drop(element)
        identities: dict[str, int] = {}
        for version in changes.create:
            self._create(version, identities)
        for entry in changes.log:
            node = self.model.node(entry.label)
            if not node.log:
                raise StoreError(f"{entry.label} is not a log label")
            self.log.setdefault(node.label, {})[entry.id] = {
                k: v for k, v in {**entry.props, node.key: entry.id}.items() if v is not None}
        if changes.changes:
            self.version += 1

    def _primary_and_rest(self, section: str, fact: str) -> list[int]:
        """Every element of every version of a fact."""
        key = self.keys.find(self.spaces.index(section), fact) if section in self.spaces else -1
        return list(self.chain(key)) if key >= 0 else []

    def _create(self, version: FactVersion, identities: dict[str, int]) -> None:
        """The version's elements; an absent value is no property, as in Neo4j. Identities
        its relationships end at are looked up through `identities` (a cache of found ones,
        forgotten when a version of that identity is made)."""
        stamp = {k: v for k, v in version.stamp.items() if k not in _ON_ELEMENT and v is not None}
        if version.placeholder:
            stamp["placeholder"] = True
        made: dict[str, int] = {}
        keys: dict[int, int] = {}
        for node in version.nodes:
            kind = self.kind_of[self.model.node(node.label).label]
            props = {k: v for k, v in node.props.items() if v is not None}
            if kind.record_of and props.get("of") != version.fact:
                raise StoreError(f"{node.label} {node.id}: a record's `of` must be its fact key")
            key = keys.get(kind.space)
            if key is None:
                key = keys[kind.space] = self.keys.add(kind.space, version.fact)
            element = made[node.id] = self._element(kind, key, version.rec, {**props, **stamp})
            if kind.space == 0:
                identities.pop(version.fact, None)
            if kind.in_graph and self._graph is not None:
                self._graph.add_node(element)
        for edge in version.edges:
            kind = self.kind_of[self.model.edge(edge.type).type]
            ends = []
            for end in (edge.source, edge.target):
                found = made.get(end, identities.get(end, -1))
                if found < 0:
                    found = self.identity(end)
                    if found >= 0:
                        identities[end] = found
                ends.append(found)
            source, target = ends
            if not (self._in_graph(source) and self._in_graph(target)):
                raise StoreError(f"{edge.type} {edge.key}: endpoint missing")
            props = {"key": edge.key, **{k: v for k, v in edge.props.items() if v is not None},
                     **stamp}
            key = keys.get(kind.space)
            if key is None:
                key = keys[kind.space] = self.keys.add(kind.space, version.fact)
            element = self._element(kind, key, version.rec, props, source, target)
            if self._graph is not None:
                self._graph.add_edge(source, target, key=element)

    def visible_facts(self, section: str, source: str) -> Iterator[str]:
        if section not in self.spaces:
            return
        for key in self.keys.in_space(self.spaces.index(section)):
            fact = self.keys.text(key)
            head = self._head(section, fact)
            if head is not None and head.ret is None and head.source == source \
                    and not head.placeholder:
                yield fact

    def data_version(self) -> int:
        return self.version

    # --- reads a load needs ---------------------------------------------------------------

    def record(self, entity_id: str, known: str | None = None) -> dict[str, Any] | None:
        """An entity's record version visible at `known` (None: now)."""
        element = self.record_element(entity_id, known)
        return self.attrs(element) if element >= 0 else None

    def enterprise(self, ref: str) -> int:
        """The enterprise a USCC, id or legacy registration number names, or -1."""
        enterprise = self.model.node("Enterprise").label
        element = self.identity(ref)
        if element < 0:
            named = self.identified("reg_no", ref)
            element = named[-1] if named else -1
        return element if element >= 0 and self.label(element) == enterprise else -1

    def references(self, enterprises: Collection[str], entities: Collection[str]
                   ) -> tuple[dict[str, EnterpriseRef], dict[str, str]]:
        resolved: dict[str, EnterpriseRef] = {}
        for ref in enterprises:
            element = self.enterprise(ref)
            if element < 0:
                continue
            node_id = self.key_text(element)
            record = self.record_element(node_id, None, self.label(element))
            if record >= 0:
                resolved[ref] = EnterpriseRef(node_id, self.value(record, "registered_capital"))
        found = {i: self.identity(i) for i in entities}
        return resolved, {i: self.label(e) for i, e in found.items()
                          if e >= 0 and self.label(e) in self.model.entity_labels}

    def overfull_enterprises(self, enterprises: Collection[str]) -> list[tuple[str, float]]:
        """One pass over the holdings' columns (no adjacency: a load builds none)."""
        kind = self.kind_of[self.model.edge("SHAREHOLDER").type]
        held = {element: enterprise for enterprise in enterprises
                if self._in_graph(element := self.identity(enterprise))}
        edges = self.of_kind(kind.name)
        ends = numpy_view(self._target)[edges]
        kept = self.visible_mask(edges, None) & np.isin(ends, list(held))
        edges, ends = edges[kept], ends[kept]
        table, rows = self.tables[kind.code], numpy_view(self._row)[edges]
        percent, end = table.columns.get("percent"), table.columns.get("end")
        if percent is None or not len(rows):
            return []
        percents = pc.cast(percent.arrow(rows), pa.float64())
        counted = percents.is_valid().to_numpy(zero_copy_only=False)
        if end is not None:
            counted &= end.arrow(rows).is_null().to_numpy(zero_copy_only=False)
        targets, at = np.unique(ends[counted], return_inverse=True)
        totals = np.bincount(at, weights=percents.to_numpy(zero_copy_only=False)[counted],
                             minlength=len(targets))
        return sorted((held[int(target)], float(total))
                      for target, total in zip(targets, totals, strict=True)
                      if total > 100.0 + OVERFULL_TOLERANCE)

    def get_node(self, node_id: str) -> dict[str, Any] | None:
        element = self.identity(node_id)
        if element >= 0:
            record = self.record(node_id)
            identity = self.attrs(element)
            return {**record, **identity, "id": node_id} if record else None
        for section in {s.section for s in self.model.versioned}:
            for element in self._primary_and_rest(section or "", node_id):
                attrs = self.attrs(element)
                if "label" in attrs and self.visible(element, None) and "of" not in attrs:
                    return attrs
        return None

    def get_edge(self, rel_type: str, key: str) -> dict[str, Any] | None:
        for element in self.of_kind(self.model.edge(rel_type).type).tolist():
            if self.value(element, "key") == key and self.visible(element, None):
                attrs = self.attrs(element)
                del attrs["type"]
                source, target = self.ends(element)
                return {**attrs, "source": self.ident(source), "target": self.ident(target)}
        return None

    def log_entries(self, label: str) -> list[dict[str, Any]]:
        entries = self.log.get(label, {})
        return [dict(entries[entry]) for entry in sorted(entries)]

    def counts(self) -> GraphCounts:
        tally = np.bincount(numpy_view(self._kind), minlength=DEAD + 1)
        nodes = {k.name: int(tally[k.code]) for k in self.kinds if k.node and tally[k.code]}
        edges = {k.name: int(tally[k.code]) for k in self.kinds if not k.node and tally[k.code]}
        return GraphCounts(nodes=nodes, edges=edges)

    def snapshot(self) -> Snapshot:
        nodes: dict[tuple[str, str, str], dict[str, Any]] = {}
        edges: dict[tuple[str, str, str], tuple[str, str, dict[str, Any]]] = {}
        for element in range(len(self)):
            if not self.alive(element):
                continue
            attrs = self.attrs(element)
            if self.kind_at(element).node:
                label = attrs.pop("label")
                if not self.kind_at(element).versioned:
                    attrs["id"] = self.key_text(element)
                nodes[(label, str(attrs.get("id", attrs.get("of"))), attrs.get("rec", ""))] = attrs
            else:
                rel_type = attrs.pop("type")
                source, target = self.ends(element)
                edges[(rel_type, attrs["key"], attrs["rec"])] = (
                    self.ident(source), self.ident(target), attrs)
        return Snapshot(nodes, edges)

    def ping(self) -> None:
        """The graph lives in this process: it answers whenever the process does."""

    def clear(self) -> None:
        self._empty()

    def close(self) -> None:
        """Nothing is held open; unsaved writes are dropped, as an aborted load must be."""

    # --- the file ---------------------------------------------------------------------

    def make_readable(self) -> None:
        """Written elements are read at once; the file is written by `commit` alone."""

    def commit(self) -> None:
        """Write the whole store to its file (atomically: never half a file), with a fresh
        name index."""
        self._names = None  # the old index is not kept beside the new one as it is built
        self._names = self._name_index()
        if self.path is None:
            return
        kinds = numpy_view(self._kind)
        live = kinds != DEAD
        renumbered = np.cumsum(live, dtype=np.int32) - 1
        renumbered[~live] = -1
        written = np.flatnonzero(live)

        def tables() -> Iterator[tuple[str, pa.Table]]:
            ends = [renumbered[numpy_view(a)[written]] for a in (self._source, self._target)]
            yield "elements", pa.table({
                "kind": pa.array(kinds[written]),
                "key": pa.array(numpy_view(self._key)[written]),
                "rec": self._rec.arrow(written), "ret": self._ret.arrow(written),
                "source": pa.array(np.where(ends[0] >= 0, ends[0], -1).astype(np.int32)),
                "target": pa.array(np.where(ends[1] >= 0, ends[1], -1).astype(np.int32)),
            })
            yield from self.keys.tables().items()
            identified = self._identified.remapped(renumbered)
            yield "identified", pa.table({"hash": identified.hashes,
                                          "element": identified.values})
            for kind, table in zip(self.kinds, self.tables, strict=True):
                rows = np.flatnonzero(kinds[numpy_view(table.elements)] == kind.code)
                yield f"table:{kind.name}", table.arrow(rows)
            if self._names is not None:
                yield from self._names.tables(renumbered).items()
            entries = [(label, entry, orjson.dumps(props).decode())
                       for label, found in sorted(self.log.items())
                       for entry, props in sorted(found.items())]
            yield "log", pa.table({name: pa.array([e[i] for e in entries], pa.string())
                                   for i, name in enumerate(("label", "id", "props"))})

        write_file(self.path, FORMAT, tables(), {
            "kinds": [k.name for k in self.kinds], "spaces": list(self.spaces),
            "nodes": int(np.count_nonzero(live & np.isin(kinds, [k.code for k in self.kinds
                                                                 if k.node]))),
            "edges": int(np.count_nonzero(live & np.isin(kinds, [k.code for k in self.kinds
                                                                 if not k.node]))),
            "data_version": self.version})
        return_freed_memory()

    def _read(self, path: Path) -> None:
        """Rebuild the store from the checked file (never unpickled: typed Arrow tables)."""
        stored = read_file(path, FORMAT)
        try:
            self._read_tables(stored.meta, stored.tables)
        except (KeyError, ValueError, TypeError, IndexError, pa.ArrowException) as e:
            self._empty()
            raise StoreError(f"cannot open the embedded graph {path}: malformed tables "
                             f"({type(e).__name__}: {e})") from e

    def _read_tables(self, meta: dict[str, Any], tables: Iterator[tuple[str, pa.Table]]) -> None:
        codes = np.array([self.kind_of[name].code for name in meta["kinds"]] + [DEAD] * (
            DEAD + 1 - len(meta["kinds"])), np.uint8)
        names: dict[str, pa.Table] = {}
        keys: pa.Table | None = None
        for name, table in tables:
            if name == "elements":
                self._read_elements(codes[table.column("kind").to_numpy()], table)
            elif name == "keys":
                keys = table
            elif name == "key_index":
                if keys is None:
                    raise ValueError("the key index precedes the keys")
                self.keys = Keys.from_tables(self.spaces, meta["spaces"], keys, table)
                keys = None
                self._chain_keys()
            elif name == "identified":
                self._identified = HashIndex(table.column("hash").to_numpy().astype(np.int64),
                                             table.column("element").to_numpy().astype(np.int32))
            elif name.startswith("table:"):
                kind = self.kind_of[name.removeprefix("table:")]
                elements = np.flatnonzero(numpy_view(self._kind) == kind.code)
                if len(elements) != table.num_rows:
                    raise ValueError(f"{name} has {table.num_rows} rows for {len(elements)}")
                self.tables[kind.code] = Table.from_arrow(self.key_text, table, elements)
            elif name.startswith("names"):
                names[name] = table
            elif name == "log":
                for label, entry, props in zip(*(table.column(c).to_pylist()
                                                 for c in ("label", "id", "props")), strict=True):
                    self.log.setdefault(label, {})[entry] = orjson.loads(props)
        if names:
            self._names = NameIndex.from_tables(names, len(self))
        self.version = int(meta["data_version"])
        self._build_graph()
        return_freed_memory()

    def _read_elements(self, kinds: np.ndarray, table: pa.Table) -> None:
        self._kind = from_numpy("B", kinds)
        self._key = from_numpy("i", table.column("key").to_numpy())
        self._rec = Words.from_arrow(table.column("rec").combine_chunks())
        self._ret = Words.from_arrow(table.column("ret").combine_chunks())
        self._source = from_numpy("i", table.column("source").to_numpy())
        self._target = from_numpy("i", table.column("target").to_numpy())
        rows = np.zeros(len(kinds), np.int32)
        for kind in self.kinds:
            mine = kinds == kind.code
            rows[mine] = np.arange(np.count_nonzero(mine), dtype=np.int32)
        self._row = from_numpy("i", rows)

    def _chain_keys(self) -> None:
        """Each key's elements in order: head, tail and the next link of each."""
        keys = numpy_view(self._key).astype(np.int64)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        last = np.ones(len(order), bool)
        last[:-1] = ordered[1:] != ordered[:-1]
        following = np.full(len(order), -1, np.int64)
        following[:-1] = order[1:]
        nexts = np.full(len(keys), -1, np.int64)
        nexts[order] = np.where(last, -1, following)
        self._next = from_numpy("i", nexts)
        first = np.ones(len(order), bool)
        first[1:] = last[:-1]
        head = np.full(len(self.keys), -1, np.int64)
        tail = np.full(len(self.keys), -1, np.int64)
        head[ordered[first]] = order[first]
        tail[ordered[last]] = order[last]
        self.keys.head = from_numpy("i", head)
        self.keys.tail = from_numpy("i", tail)

    def _build_graph(self) -> None:
        """The adjacency, each node's number one int object wherever networkx keeps it (as a
        node and as every neighbour's neighbour): 32 bytes saved per neighbour entry. The
        relationships go in `EDGES_AT_ONCE` at a time: the lists handed to networkx are
        what building costs beyond the graph itself."""
        kinds = numpy_view(self._kind)
        graph = Adjacency()
        nodes = np.flatnonzero(np.isin(kinds, [k.code for k in self.kinds if k.in_graph]))
        numbers = np.empty(len(kinds), object)
        node_numbers = nodes.tolist()
        numbers[nodes] = node_numbers
        graph.add_nodes_from(node_numbers)
        del node_numbers
        edges = np.flatnonzero(np.isin(kinds, [k.code for k in self.kinds if not k.node]))
        sources, targets = numpy_view(self._source), numpy_view(self._target)
        for start in range(0, len(edges), EDGES_AT_ONCE):
            part = edges[start:start + EDGES_AT_ONCE]
            graph.add_edges_from(zip(numbers[sources[part]].tolist(),
                                     numbers[targets[part]].tolist(), part.tolist(),
                                     strict=True))
            return_freed_memory()
        self._graph = graph

