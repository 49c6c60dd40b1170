"""The graph model, read from the YAML schema files beside this module.

Labels and relationship types used anywhere in Cypher come from here, so a
name that is not declared can never reach a query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

ENTITY_LABEL = "Entity"
"""Extra label on every enterprise, person and other holder: one id space for links."""

PROVENANCE = ("src_file", "src_row", "batch_id", "loaded_at")
"""Properties every loaded node and relationship carries."""

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class NodeSchema:
    label: str
    entity: bool
    key: str
    properties: tuple[str, ...]
    indexes: tuple[str, ...]
    fulltext: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class EdgeSchema:
    type: str
    link: bool
    """True when the relationship is a hop for paths and exposure."""
    source: tuple[str, ...]
    target: tuple[str, ...]
    key: tuple[str, ...]
    properties: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class GraphModel:
    nodes: dict[str, NodeSchema]
    edges: dict[str, EdgeSchema]

    @property
    def entity_labels(self) -> tuple[str, ...]:
        return tuple(label for label, n in self.nodes.items() if n.entity)

    @property
    def link_types(self) -> tuple[str, ...]:
        return tuple(t for t, e in self.edges.items() if e.link)

    def node(self, label: str) -> NodeSchema:
        try:
            return self.nodes[label]
        except KeyError:
            raise ValueError(f"unknown node label {label!r}") from None

    def edge(self, rel_type: str) -> EdgeSchema:
        try:
            return self.edges[rel_type]
        except KeyError:
            raise ValueError(f"unknown relationship type {rel_type!r}") from None

    def match_label(self, labels: tuple[str, ...]) -> str:
        """The label whose unique id index finds an endpoint: Entity for entities."""
        if all(self.nodes[label].entity for label in labels):
            return ENTITY_LABEL
        if len(labels) == 1:
            return labels[0]
        raise ValueError(f"endpoint labels {labels} share no key space")


def quote(name: str) -> str:
    """Backtick-quote a label, type or property name after checking it is a plain name."""
    if not _NAME.match(name):
        raise ValueError(f"not a valid Cypher name: {name!r}")
    return f"`{name}`"


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(value or ())


@lru_cache(maxsize=1)
def load_model() -> GraphModel:
    nodes: dict[str, NodeSchema] = {}
    edges: dict[str, EdgeSchema] = {}
    folder = resources.files("credgraph.graph") / "schema"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".yaml"):
            continue
        spec = yaml.safe_load(item.read_text(encoding="utf-8"))
        if spec["kind"] == "node":
            nodes[spec["label"]] = NodeSchema(
                label=quote(spec["label"]).strip("`"),
                entity=bool(spec["entity"]),
                key=spec["key"],
                properties=_tuple(spec["properties"]),
                indexes=_tuple(spec.get("indexes")),
                fulltext=_tuple(spec.get("fulltext")),
                description=spec["description"],
            )
        else:
            edges[spec["type"]] = EdgeSchema(
                type=quote(spec["type"]).strip("`"),
                link=bool(spec["link"]),
                source=_tuple(spec["source"]),
                target=_tuple(spec["target"]),
                key=_tuple(spec["key"]),
                properties=_tuple(spec["properties"]),
                description=spec["description"],
            )
    model = GraphModel(nodes=nodes, edges=edges)
    for edge in edges.values():
        model.match_label(edge.source)
        model.match_label(edge.target)
    return model
