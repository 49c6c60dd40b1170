"""The graph model, read from the YAML schema files beside this module.

Labels and relationship types used anywhere in Cypher come from here, so a
name that is not declared can never reach a query text.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from credgraph.exc import ConfigurationError

ENTITY_LABEL = "Entity"
"""Extra label on every enterprise, person and other holder: one id space for links."""

RECORD_LABEL = "Record"
"""Extra label on every entity record version: one index finds an entity's records."""

LOAD_RUN = "LoadRun"
"""The log label each load of a dataset folder is kept under (the data-quality report)."""

PROVENANCE = ("src_file", "src_row", "batch_id", "loaded_at")
"""Properties every loaded node and relationship carries."""


def provenance_of(props: Mapping[str, Any]) -> dict[str, Any]:
    """The provenance properties of a stored element (None where one is absent)."""
    return {name: props.get(name) for name in PROVENANCE}


NAME_RANK = "search_rank"
"""Neo4j only: the rank key of a record version's searched name (`rank_key`), indexed per
record label, so a search reads matching records in its order and stops at the first ones."""

OBSOLETE_KEYS = ("name_rank", "name_terms")
"""Search keys earlier versions stored (rank keys in id order; terms without the last sign's),
removed when a record gets its current keys."""

NAME_TERMS = "search_terms"
"""Neo4j only: a record version's searched name as the terms of its label's full-text index
(`name_terms`), so that the index finds any text in names, by length, shortest first."""

SEARCH_KEYS = (NAME_RANK, NAME_TERMS)
"""What Neo4j keeps on a record version for search beside its facts: its index of the names."""

RANK_DIGITS = 6
"""Digits of the name length in a rank key: names up to 999,999 signs rank by length."""

_BLANK = "\u2423"
"""Stands for a blank inside a term (names hold single blanks: `ids.name_key`), since the
full-text index splits its terms at blanks."""

START = "\u2402"
"""Marks the term of a name's first sign: a text's first sign after it finds the names that
start with the text."""

END = "\u2403"
"""Marks the term of a name's last sign: with the pairs a sign begins, it stands for every
place the sign holds in names, so the terms starting with a sign find the names holding it."""


def without_search_keys(props: Mapping[str, Any]) -> dict[str, Any]:
    """A version's properties as both stores give them: without Neo4j's search keys."""
    return {k: v for k, v in props.items() if k not in SEARCH_KEYS}


def rank_prefix(length: int) -> str:
    """What the rank keys of names of this length start with: the length, zero-padded."""
    return f"{min(length, 10**RANK_DIGITS - 1):0{RANK_DIGITS}d}"


def spread(entity_id: str) -> str:
    """What orders names of one length before their ids: a digest of the id (CRC-32, hex).
    Ids follow registration authorities (a USCC starts with its region), so in id order the
    names of one length holding a text cluster in some stretch of ids, and a walk in that
    order passes every other first; in digest order they are spread evenly. Nor does one
    region's firms always come first."""
    return f"{zlib.crc32(entity_id.encode()):08x}"


def rank_key(name: str, entity_id: str) -> str:
    """The key that orders records as search ranks names of one tier: by length, then by
    the id's `spread`, then by id (credgraph.queries.backend.base.search_order)."""
    return rank_prefix(len(name)) + spread(entity_id) + entity_id


def length_term(length: int) -> str:
    """The term of a name's length: zero-padded, so that a range of terms is a range of
    lengths."""
    return "len" + rank_prefix(length)


def term_signs(text: str) -> str:
    """A text's signs as terms hold them: a blank stands as _BLANK."""
    return text.replace(" ", _BLANK)


def text_terms(text: str, starting: bool) -> list[str]:
    """The terms a name holds, in order, when it contains the text (every pair of adjacent
    signs), or starts with it (`starting`: the first sign after START, then the pairs)."""
    signs = term_signs(text)
    first = [START + signs[0]] if starting and signs else []
    return first + [signs[i:i + 2] for i in range(len(signs) - 1)]


def name_terms(name: str) -> str:
    """A name's terms for the full-text index, blank-separated: its length, the terms of the
    name as a text it starts with, then its last sign before END."""
    last = [term_signs(name[-1]) + END] if name else []
    return " ".join([length_term(len(name)), *text_terms(name, starting=True), *last])


VERSION = ("fact", "rec", "ret", "source", "h", "op_reason", "ret_reason")
"""Properties every version of a fact carries: the fact's key, when it was recorded and
retracted (superseded or withdrawn), who supplied it, a digest of its values, and why."""

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str
    properties: tuple[str, ...]
    versioned: bool = False
    """Each element is one version of a fact (VERSION properties); identities are not."""
    section: str | None = None
    """For versioned elements: the dataset section whose facts they hold."""
    primary: bool = True
    """For versioned elements: carries the fact's head (a fact's other elements follow it)."""

    @field_validator("properties", "indexes", "lookups", "key", "source", "target",
                     check_fields=False)
    @classmethod
    def _names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            quote(name)
        return names


class NodeSchema(_Schema):
    """A node label: its key, properties and indexes."""

    kind: Literal["node"]
    label: str
    entity: bool
    """Enterprises, persons and other holders: one id space, the ends of links."""
    api_kind: str | None = None
    """For entities: the EntityKind member the API shows (e.g. OTHER for OtherHolder)."""
    records: str | None = None
    """For entities: the label of the versions of its facts (EnterpriseRecord ...)."""
    log: bool = False
    """An entry of the store's own log (a load run): neither an entity nor a version of a
    fact, so neither versioned nor the end of any relationship; written once, as given."""
    record_of: str | None = None
    """For records: the entity label whose facts they hold (`of` is the entity's id)."""
    key: str
    indexes: tuple[str, ...] = ()
    lookups: tuple[str, ...] = ()
    """Properties nodes are found by value in both stores: an index in Neo4j, a dictionary in
    the embedded store (which keeps none for `indexes`)."""
    ranked: str | None = None
    """For records: the name search matches and ranks; Neo4j keeps its search keys
    (SEARCH_KEYS) beside it, each with an index per label."""

    @property
    def name(self) -> str:
        return self.label

    @property
    def stored_properties(self) -> tuple[str, ...]:
        """Its properties as Neo4j stores them: with the search keys when it has a ranked
        name."""
        return (*self.properties, *SEARCH_KEYS) if self.ranked else self.properties

    def search_keys(self, props: Mapping[str, Any]) -> dict[str, str]:
        """The search keys of a version with these properties, as properties (none when the
        label ranks no name or the version has none)."""
        name = props.get(self.ranked) if self.ranked else None
        if name is None:
            return {}
        return {NAME_RANK: rank_key(name, str(props[self.key])), NAME_TERMS: name_terms(name)}

    @field_validator("label", "ranked")
    @classmethod
    def _label(cls, name: str | None) -> str | None:
        if name is not None:
            quote(name)
        return name


class EdgeSchema(_Schema):
    """A relationship type: what it joins, its key and properties."""

    kind: Literal["edge"]
    type: str
    link: bool
    """True when the relationship is a hop for paths and exposure."""
    order: int = 0
    """Where a link type stands in lists of them (the API's Relation enum)."""
    source: tuple[str, ...]
    target: tuple[str, ...]
    key: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.type

    @field_validator("type")
    @classmethod
    def _type(cls, rel_type: str) -> str:
        quote(rel_type)
        return rel_type


@dataclass(frozen=True)
class GraphModel:
    nodes: dict[str, NodeSchema]
    edges: dict[str, EdgeSchema]

    @property
    def entity_labels(self) -> tuple[str, ...]:
        return tuple(label for label, n in self.nodes.items() if n.entity)

    @property
    def link_types(self) -> tuple[str, ...]:
        links = sorted((e.order, t) for t, e in self.edges.items() if e.link)
        return tuple(t for _, t in links)

    @property
    def versioned(self) -> tuple[NodeSchema | EdgeSchema, ...]:
        schemas: tuple[NodeSchema | EdgeSchema, ...] = (*self.nodes.values(),
                                                        *self.edges.values())
        return tuple(s for s in schemas if s.versioned)

    def section_schemas(self, section: str, primary_only: bool = False
                        ) -> tuple[NodeSchema | EdgeSchema, ...]:
        """The versioned labels and types that hold a section's facts."""
        return tuple(s for s in self.versioned
                     if s.section == section and (s.primary or not primary_only))

    @property
    def log_labels(self) -> tuple[str, ...]:
        """Labels of the store's own log: left out of the graph's counts and snapshots."""
        return tuple(label for label, n in self.nodes.items() if n.log)

    @property
    def record_labels(self) -> dict[str, str]:
        """Entity label -> the label of its record versions."""
        return {n.label: n.records for n in self.nodes.values() if n.records}

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


def _schema(name: str, text: str) -> NodeSchema | EdgeSchema:
    """One schema file, validated; errors name the file and the key."""
    raw = yaml.safe_load(text)
    kind = raw.get("kind") if isinstance(raw, dict) else None
    schema: type[NodeSchema] | type[EdgeSchema] = NodeSchema if kind == "node" else EdgeSchema
    try:
        return schema.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "kind"
        raise ConfigurationError(f"graph schema {name}: {key}: {first['msg']}") from e


def build_model(files: dict[str, str]) -> GraphModel:
    """The model from schema files (name -> YAML text); every endpoint label must be declared."""
    nodes: dict[str, NodeSchema] = {}
    edges: dict[str, EdgeSchema] = {}
    for name, text in sorted(files.items()):
        schema = _schema(name, text)
        if isinstance(schema, NodeSchema):
            nodes[schema.label] = schema
        else:
            edges[schema.type] = schema
    model = GraphModel(nodes=nodes, edges=edges)
    for edge in edges.values():
        for end in (*edge.source, *edge.target):
            if end not in nodes:
                raise ConfigurationError(f"graph schema {edge.type}.yaml: unknown label {end!r}")
            if nodes[end].log:
                raise ConfigurationError(f"graph schema {edge.type}.yaml: {end} is a log label, "
                                         "never the end of a relationship")
        model.match_label(edge.source)
        model.match_label(edge.target)
    for node in nodes.values():
        where = f"graph schema {node.label}.yaml"
        if node.entity and not (node.api_kind and node.records):
            raise ConfigurationError(f"{where}: api_kind and records: required for entities")
        if node.records and nodes.get(node.records, node).record_of != node.label:
            raise ConfigurationError(f"{where}: records: {node.records} is not its record label")
        if node.ranked and not (node.record_of and node.ranked in node.properties):
            raise ConfigurationError(f"{where}: ranked: one of its properties, on records only")
        if node.log and (node.entity or node.versioned or node.records or node.record_of):
            raise ConfigurationError(f"{where}: log: a log label is neither an entity nor a "
                                     "version of a fact")
        if not node.log and node.versioned == node.entity:
            raise ConfigurationError(f"{where}: versioned: entities are identities, every other "
                                     "label holds versions of facts (or is the store's log)")
    for schema in model.versioned:
        if not schema.section:
            raise ConfigurationError(f"graph schema {schema.name}.yaml: section: required")
    return model


@lru_cache(maxsize=1)
def load_model() -> GraphModel:
    """The product's model: one YAML file per label or type in schema/ beside this module."""
    folder = resources.files("credgraph.graph") / "schema"
    return build_model({item.name: item.read_text(encoding="utf-8")
                        for item in folder.iterdir() if item.name.endswith(".yaml")})
