"""The dataset sections (docs/data-format.md) as read from sections.yaml, validated."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from credgraph.exc import ConfigurationError
from credgraph.graph.ids import fold
from credgraph.loaders.normalize import PARSERS


class ColumnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    """Filled from the key the column is declared under."""
    zh: tuple[str, ...] = ()
    required: bool = False
    type: str
    kind_column: str | None = None
    name_column: str | None = None
    after: str | None = None
    """A date column that must not be before this one (an end after its start)."""
    common: bool = False
    """A column every section takes (the feed columns op and op_reason)."""

    @model_validator(mode="after")
    def _known_type(self) -> ColumnSpec:
        if self.type not in PARSERS:
            raise ValueError(f"unknown column type {self.type!r}")
        return self


class SectionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    """Filled from the key the section is declared under: the file stem."""
    order: int
    columns: dict[str, ColumnSpec]
    one_of_required: tuple[str, ...] = ()
    keys: tuple[str, ...] = Field(default=(), description="the columns that key a row's fact")
    feed: bool = False
    """A section only feeds carry (objections): a registry snapshot has none."""

    @model_validator(mode="after")
    def _references(self) -> SectionSpec:
        named = {c.name for c in self.columns.values()}
        for column in self.columns.values():
            for ref in (column.kind_column, column.name_column, column.after):
                if ref is not None and ref not in named:
                    raise ValueError(f"column {column.name} refers to unknown column {ref!r}")
        for ref in (*self.one_of_required, *self.keys):
            if ref not in named:
                raise ValueError(f"unknown column {ref!r}")
        return self

    def header_map(self) -> dict[str, str]:
        """Every accepted header spelling, folded and lower-cased, to the column name."""
        mapping: dict[str, str] = {}
        for column in self.columns.values():
            for spelling in (column.name, *column.zh):
                mapping[fold(spelling).lower()] = column.name
        return mapping


COMMON = "common"
"""The key of sections.yaml whose columns every section takes (op, op_reason)."""


def parse_sections(text: str, where: str) -> dict[str, SectionSpec]:
    """Sections from YAML text in file order of `order`; errors name the file and the key."""
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where}: expected a mapping of sections")
    common = raw.pop(COMMON, {}) or {}
    sections: dict[str, SectionSpec] = {}
    for name, spec in raw.items():
        if isinstance(spec, dict) and isinstance(spec.get("columns"), dict):
            spec = {**spec, "columns": {
                col: {**c, "name": col} if isinstance(c, dict) else c
                for col, c in {**spec["columns"],
                               **{k: {**v, "common": True} for k, v in common.items()}}.items()}}
        try:
            sections[name] = SectionSpec.model_validate({**spec, "name": name})
        except ValidationError as e:
            first = e.errors()[0]
            key = ".".join(str(part) for part in (name, *first["loc"]))
            raise ConfigurationError(f"{where}: {key}: {first['msg']}") from e
    return dict(sorted(sections.items(), key=lambda item: item[1].order))


@lru_cache(maxsize=1)
def load_sections() -> dict[str, SectionSpec]:
    """The product's sections (sections.yaml beside this module)."""
    text = (resources.files("credgraph.loaders") / "sections.yaml").read_text(encoding="utf-8")
    return parse_sections(text, "sections.yaml")


def own_columns(section: SectionSpec) -> tuple[str, ...]:
    """A section's own columns, in declaration order (without the common feed columns)."""
    return tuple(name for name, column in section.columns.items() if not column.common)
