"""The records loaders produce and stores write: plain data, no store behind them.

A fact (one row's content, named by its section and key) is stored as versions; each
version is one or more elements (nodes and relationships) that all carry its stamp
(credgraph.graph.model.VERSION). Entities are identities without values: their facts
are record versions (EnterpriseRecord ...) named by the entity id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from credgraph.graph.model import GraphModel


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """A node of a fact version: id is the fact's key (records: the entity id, kept in `of`)."""

    label: str
    id: str
    props: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EdgeRecord:
    """A relationship of a fact version; its ends are entity ids, or a node of the same version."""

    type: str
    key: str
    source: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Identity:
    """An enterprise, person or other holder: created once, never versioned."""

    label: str
    id: str
    props: dict[str, Any] = field(default_factory=dict)
    """Identifiers only (uscc, reg_no): everything else is in record versions."""


def present(props: dict[str, Any]) -> dict[str, Any]:
    """The properties that have a value."""
    return {k: v for k, v in props.items() if v is not None}


_DIGEST_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)
"""The text a digest is taken of (json.dumps with these options, without building an
encoder per call)."""


def digest(nodes: Iterable[NodeRecord], edges: Iterable[EdgeRecord]) -> str:
    """A digest of a fact version's contents: equal digests, equal facts (values compared,
    not where or when they were loaded)."""
    content = (sorted((n.label, n.id, sorted(n.props.items())) for n in nodes),
               sorted((e.type, e.key, e.source, e.target, sorted(e.props.items()))
                      for e in edges))
    text = _DIGEST_JSON.encode(content)
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


@dataclass(frozen=True, slots=True)
class FactVersion:
    """One version of one fact, ready to write: its elements and its stamp."""

    section: str
    fact: str
    rec: str
    source: str
    nodes: tuple[NodeRecord, ...] = ()
    edges: tuple[EdgeRecord, ...] = ()
    provenance: dict[str, Any] = field(default_factory=dict)
    """src_file, src_row, batch_id, loaded_at."""
    op_reason: str | None = None
    placeholder: bool = False
    """Made from a reference (a person named by another section, an other holder): never
    supersedes a version made from the fact's own row, nor is retracted with its section."""
    h: str = ""

    def stamped(self) -> FactVersion:
        """The same with its digest filled in."""
        return FactVersion(self.section, self.fact, self.rec, self.source, self.nodes,
                           self.edges, self.provenance, self.op_reason, self.placeholder,
                           digest(self.nodes, self.edges))

    @property
    def stamp(self) -> dict[str, Any]:
        """The properties every element of this version carries."""
        return {"fact": self.fact, "rec": self.rec, "ret": None, "source": self.source,
                "h": self.h, "op_reason": self.op_reason, **self.provenance}

    def stored(self, model: GraphModel) -> tuple[list[tuple[NodeRecord, dict[str, Any]]],
                                                 list[tuple[EdgeRecord, dict[str, Any]]]]:
        """Each element with the properties a database stores on it: its values, a record's
        search keys (`NodeSchema.search_keys`) and the stamp, absent values left out (Neo4j
        keeps no nulls), `placeholder` only when set.

        Every Neo4j writer (Cypher statements, import files) writes exactly these.
        """
        stamp = present(self.stamp)
        if self.placeholder:
            stamp["placeholder"] = True
        return ([(node, {**present(node.props),
                         **model.node(node.label).search_keys(node.props), **stamp})
                 for node in self.nodes],
                [(edge, {"key": edge.key, **present(edge.props), **stamp})
                 for edge in self.edges])


@dataclass(frozen=True, slots=True)
class Head:
    """The latest version of a fact as a store holds it."""

    rec: str
    ret: str | None
    h: str
    source: str | None
    placeholder: bool


@dataclass(frozen=True, slots=True)
class Retirement:
    """Retract the visible version of a fact at a recorded time (superseded or withdrawn);
    a withdrawal keeps why (the retract row's op_reason, the upheld objection, the full
    extract that no longer supplies it) as the version's `ret_reason`."""

    section: str
    fact: str
    at: str
    reason: str | None = None


@dataclass
class ChangeSet:
    """What one step of a load writes, atomically: identities, retirements, new versions."""

    identities: list[Identity] = field(default_factory=list)
    retire: list[Retirement] = field(default_factory=list)
    drop: list[tuple[str, str, str]] = field(default_factory=list)
    """(section, fact, rec): a version replaced by a later row of the same extract."""
    create: list[FactVersion] = field(default_factory=list)
    log: list[NodeRecord] = field(default_factory=list)
    """Entries of the store's own log (a load run, label declared `log` in the model): written
    as given, replacing an entry of the same label and id; they change no fact."""

    @property
    def changes(self) -> bool:
        """Whether the graph's facts change (identities alone come with facts; log entries
        are not facts, so a load that changes nothing leaves the data version as it was)."""
        return bool(self.retire or self.drop or self.create)


@dataclass(frozen=True, slots=True)
class GraphCounts:
    nodes: dict[str, int]
    edges: dict[str, int]

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_edges(self) -> int:
        return sum(self.edges.values())


@dataclass(frozen=True, slots=True)
class EnterpriseRef:
    """What a loader needs of an enterprise a row refers to."""

    id: str
    registered_capital: float | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every node and relationship of a store with every property: what two stores, or one
    store before and after a load, are compared by."""

    nodes: dict[tuple[str, str, str], dict[str, Any]]
    """(label, id, rec) -> properties; rec is '' for identities."""
    edges: dict[tuple[str, str, str], tuple[str, str, dict[str, Any]]]
    """(type, key, rec) -> (source id, target id, properties)."""

    def without(self, *names: str) -> Snapshot:
        """The same with some properties left out (e.g. load times, which differ per run)."""
        return Snapshot(
            {k: {p: v for p, v in props.items() if p not in names}
             for k, props in self.nodes.items()},
            {k: (s, t, {p: v for p, v in props.items() if p not in names})
             for k, (s, t, props) in self.edges.items()},
        )
