"""The role table (roles.yaml): what each role may call and see, checked against the schema.

Loading expands the table into one decision per (type, field) of the schema, so the
access extension (credgraph.api.access) answers every field with one dict look-up, and
a table that names an unknown operation or field, hides a non-null field, or lets a field
without a `reveal` argument be revealed, fails when the API is built, not in a request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

import yaml
from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    get_named_type,
)
from pydantic import BaseModel, ConfigDict, Field

from credgraph.exc import ConfigurationError

ALL = "all"
REVEAL_ARGUMENT = "reveal"
ROUTES = frozenset({"export"})
"""HTTP routes besides /graphql that a role may be given (`routes` in roles.yaml)."""


class Rule(StrEnum):
    SHOW = "show"
    HIDE = "hide"
    OWN = "own"
    REVEAL = "reveal"


class _OwnGrant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    own: str = Field(description="The argument that must name the caller's own enterprise.")


class _RoleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    extends: str | None = None
    audited: bool | None = None
    operations: str | list[str] | dict[str, _OwnGrant | None] = Field(default_factory=list)
    routes: list[str] = Field(default_factory=list)
    fields: dict[str, Rule] = Field(default_factory=dict)


class _TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    roles: dict[str, _RoleSpec]


@dataclass(frozen=True, slots=True)
class Grant:
    """Permission to call one operation; `own` names the argument that must be the caller's
    own enterprise, None when any call is allowed."""

    own: str | None = None


@dataclass(frozen=True)
class Role:
    name: str
    audited: bool
    operations: Mapping[str, Grant]
    fields: Mapping[tuple[str, str], Rule]
    """(type, field) -> the rule, for every field that is not simply shown."""
    routes: frozenset[str] = frozenset()
    """HTTP routes besides /graphql the role may use (ROUTES)."""

    @cached_property
    def has_own_rules(self) -> bool:
        """Asked for every field of every Enterprise in an answer (a thousand in an ownership
        chain), so worked out once."""
        return any(rule is Rule.OWN for rule in self.fields.values())

    def rule(self, type_name: str, field_name: str) -> Rule:
        return self.fields.get((type_name, field_name), Rule.SHOW)


@dataclass(frozen=True)
class RoleTable:
    roles: Mapping[str, Role]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.roles)

    def __getitem__(self, name: str) -> Role:
        return self.roles[name]


def _operations(spec: _RoleSpec, roots: Mapping[str, GraphQLField]) -> dict[str, Grant]:
    raw = spec.operations
    if raw == ALL:
        return {name: Grant() for name in roots}
    if isinstance(raw, str):
        raise ConfigurationError(f"operations: {raw!r} (a list, a mapping or '{ALL}')")
    items = {name: None for name in raw} if isinstance(raw, list) else raw
    grants: dict[str, Grant] = {}
    for name, grant in items.items():
        if name not in roots:
            raise ConfigurationError(f"operation {name} is not a field of Query or Mutation")
        own = grant.own if grant is not None else None
        if own is not None and own not in roots[name].args:
            raise ConfigurationError(f"operation {name} has no argument {own}")
        grants[name] = Grant(own)
    return grants


def _maskable(field_type: GraphQLOutputType) -> bool:
    """Nullable, or a list (masked as an empty one)."""
    return not isinstance(field_type, GraphQLNonNull) or isinstance(field_type.of_type,
                                                                    GraphQLList)


def _fields(spec: _RoleSpec, schema: GraphQLSchema) -> dict[tuple[str, str], Rule]:
    """The spec's rules, `Type:` entries spread over every field returning that type."""
    types = {name: t for name, t in schema.type_map.items()
             if isinstance(t, GraphQLObjectType) and not name.startswith("__")}
    by_type: dict[str, Rule] = {}
    explicit: dict[tuple[str, str], Rule] = {}
    for key, rule in spec.fields.items():
        type_name, _, field_name = key.partition(".")
        if type_name not in schema.type_map:
            raise ConfigurationError(f"fields: {type_name} is not a type of the schema")
        if not field_name:
            by_type[type_name] = rule
            continue
        owner = types.get(type_name)
        if owner is None or field_name not in owner.fields:
            raise ConfigurationError(f"fields: {key} is not a field of the schema")
        explicit[(type_name, field_name)] = rule
    decided: dict[tuple[str, str], Rule] = {}
    for type_name, owner in types.items():
        for field_name, field in owner.fields.items():
            rule = explicit.get((type_name, field_name)) or by_type.get(
                get_named_type(field.type).name, Rule.SHOW)
            if rule is Rule.SHOW:
                continue
            where = f"{type_name}.{field_name}"
            if not _maskable(field.type):
                raise ConfigurationError(f"fields: {where} is non-null and cannot be hidden")
            if rule is Rule.REVEAL and REVEAL_ARGUMENT not in field.args:
                raise ConfigurationError(f"fields: {where} has no {REVEAL_ARGUMENT} argument")
            decided[(type_name, field_name)] = rule
    return decided


def _flatten(name: str, specs: Mapping[str, _RoleSpec], seen: tuple[str, ...] = ()) -> _RoleSpec:
    """The role's spec with what it extends folded in (its own entries win)."""
    if name in seen:
        raise ConfigurationError(f"roles extend each other in a circle: {' -> '.join(seen)}")
    spec = specs[name]
    if spec.extends is None:
        return spec
    if spec.extends not in specs:
        raise ConfigurationError(f"role {name} extends unknown role {spec.extends}")
    base = _flatten(spec.extends, specs, (*seen, name))

    def grants(raw: Any) -> dict[str, _OwnGrant | None]:
        if raw == ALL:
            return {ALL: None}
        return {n: None for n in raw} if isinstance(raw, list) else dict(raw)

    merged = {**grants(base.operations), **grants(spec.operations)}
    return _RoleSpec(
        audited=spec.audited if spec.audited is not None else base.audited,
        operations=ALL if ALL in merged else merged,
        routes=sorted({*base.routes, *spec.routes}),
        fields={**base.fields, **spec.fields},
    )


def build_table(raw: Any, schema: GraphQLSchema) -> RoleTable:
    """A table from parsed YAML, checked against the schema (ConfigurationError if wrong)."""
    try:
        specs = _TableSpec.model_validate(raw).roles
    except ValueError as e:
        raise ConfigurationError(f"roles.yaml: {e}") from e
    query = schema.query_type
    if query is None:
        raise ConfigurationError("the schema has no Query type")
    mutation = schema.mutation_type
    roots = {**query.fields, **(mutation.fields if mutation is not None else {})}
    roles: dict[str, Role] = {}
    for name in specs:
        spec = _flatten(name, specs)
        try:
            unknown = sorted(set(spec.routes) - ROUTES)
            if unknown:
                raise ConfigurationError(f"routes: {', '.join(unknown)} (known: "
                                         f"{', '.join(sorted(ROUTES))})")
            roles[name] = Role(name, bool(spec.audited), _operations(spec, roots),
                               _fields(spec, schema), frozenset(spec.routes))
        except ConfigurationError as e:
            raise ConfigurationError(f"roles.yaml, role {name}: {e}") from e
    return RoleTable(roles)


@lru_cache(maxsize=1)
def table_source() -> Any:
    """roles.yaml as parsed YAML."""
    text = (resources.files("credgraph.api") / "roles.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_roles(schema: GraphQLSchema) -> RoleTable:
    return build_table(table_source(), schema)


def role_names() -> frozenset[str]:
    """The roles the table defines, without building the schema (the CLI's keys commands)."""
    return frozenset(table_source()["roles"])
