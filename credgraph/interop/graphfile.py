"""What GraphML and GEXF share: the nodes and relationships of a scope, their attributes.

* Nodes: every enterprise, person and other holder covered, and the list entries,
  penalties and events of those entities; attributes `kind` (Enterprise, Person …), every
  property the model declares for any label, and the provenance of the row it came from.
* Edges: every relationship covered (in force on the day, or all with history), once, from
  its source, with the id `TYPE:key`; attributes `type`, the model's relationship
  properties, provenance.
* Recorded time: `source` (who supplied the fact) and `recorded_at` (when the register
  was told) of the version exported, beside the provenance of the row it came from.
* Attribute types: numbers where the dataset format reads amounts and percents, a
  boolean for `placeholder`, an integer for `src_row`, text otherwise.

Read in one pass over the scope; the edges wait in a spool (jsonout.Spool) until every
node is written, as both formats ask.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from credgraph.graph.model import PROVENANCE, GraphModel
from credgraph.interop.scope import Reader
from credgraph.loaders.spec import load_sections

NUMBER_COLUMNS = ("amount", "percent")
"""Dataset column types whose values are numbers."""

XML_TYPES = {"string": "string", "double": "double", "int": "long", "boolean": "boolean"}
"""Attribute kinds as GraphML's `attr.type` and GEXF's attribute `type` spell them (alike)."""

RECORDED = ("source", "recorded_at")
"""The version's recorded-time attributes (entities carry them under these names; elements
carry the recorded time as `rec`)."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    kind: str
    """`string`, `double`, `int` or `boolean`."""


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    label: str
    props: Mapping[str, Any]
    start: str | None = None
    """For list entries, penalties and events: when the relationship that holds them starts."""
    end: str | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    type: str
    key: str
    source: str
    target: str
    props: Mapping[str, Any]

    @property
    def id(self) -> str:
        return f"{self.type}:{self.key}"


@lru_cache(maxsize=1)
def _column_kinds() -> dict[str, str]:
    kinds: dict[str, str] = {}
    for spec in load_sections().values():
        for column in spec.columns.values():
            if column.type in NUMBER_COLUMNS:
                kinds[column.name] = "double"
            elif column.type == "bool":
                kinds[column.name] = "boolean"
    return kinds | {"src_row": "int", "placeholder": "boolean"}


def _attributes(names: list[str]) -> tuple[Attribute, ...]:
    kinds = _column_kinds()
    ordered = list(dict.fromkeys([*names, *RECORDED, *PROVENANCE]))
    return tuple(Attribute(n, kinds.get(n, "string")) for n in ordered)


def node_attributes(model: GraphModel, display: bool) -> tuple[Attribute, ...]:
    """`kind` (Enterprise, Person …), every model property (a record's link to its entity
    aside), the recorded time, provenance; with `display`, a
    `label` attribute with the name first (Gephi shows GraphML nodes by it)."""
    names = [*(["label"] if display else []), "kind",
             *(p for n in model.nodes.values() for p in n.properties
               if p != "id" and not (n.record_of and p == n.key))]
    return _attributes(names)


def edge_attributes(model: GraphModel) -> tuple[Attribute, ...]:
    """The edge id carries the relationship's key (`TYPE:key`), so `key` is no attribute
    (readers such as networkx keep that name for parallel edges)."""
    names = ["type"] + [p for e in model.edges.values() for p in e.properties if p != "key"]
    return _attributes(names)


def graph_items(reader: Reader) -> Iterator[tuple[list[Node], list[Edge]]]:
    """Per entity of the scope (one pass): the entity with its list entries, penalties and
    events, and the relationships stored from it."""
    for record in reader.records():
        node = record.entity
        nodes = [Node(node.id, node.label, node.props)]
        edges: list[Edge] = []
        for rel in record.rels:
            if not rel.outgoing:
                continue
            if rel.other_label not in reader.entity_labels:
                nodes.append(Node(str(rel.other["id"]), rel.other_label, _recorded(rel.other),
                                  rel.props.get("start"), rel.props.get("end")))
            edges.append(Edge(rel.type, rel.key, node.id, str(rel.other["id"]),
                              _recorded(rel.props)))
        yield nodes, edges


def _recorded(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """An element's properties with its recorded time under the entities' name."""
    return {**props, "recorded_at": props["rec"]} if "rec" in props else props


def value_text(value: Any, kind: str) -> str | None:
    """An attribute value as the file spells it; None when there is none."""
    if value is None or value == "" or value == []:
        return None
    if kind == "boolean":
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    return _NOT_XML.sub("", str(value))


def attr(value: str) -> str:
    """An XML attribute value, quoted."""
    return quoteattr(_NOT_XML.sub("", value))


def text(value: str) -> str:
    return escape(value)

