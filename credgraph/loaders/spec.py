"""The DATA.md sections as read from sections.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from credgraph.loaders.normalize import PARSERS, fold


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    zh: tuple[str, ...]
    required: bool
    type: str
    kind_column: str | None = None
    name_column: str | None = None
    after: str | None = None
    """A date column that must not be before this one (an end after its start)."""


@dataclass(frozen=True)
class SectionSpec:
    name: str
    order: int
    columns: dict[str, ColumnSpec]
    one_of_required: tuple[str, ...] = ()

    def header_map(self) -> dict[str, str]:
        """Every accepted header spelling, folded and lower-cased, to the column name."""
        mapping: dict[str, str] = {}
        for column in self.columns.values():
            for spelling in (column.name, *column.zh):
                mapping[fold(spelling).lower()] = column.name
        return mapping


@lru_cache(maxsize=1)
def load_sections() -> dict[str, SectionSpec]:
    text = (resources.files("credgraph.loaders") / "sections.yaml").read_text(encoding="utf-8")
    sections: dict[str, SectionSpec] = {}
    for name, raw in yaml.safe_load(text).items():
        columns = {}
        for col, c in raw["columns"].items():
            if c["type"] not in PARSERS:
                raise ValueError(f"sections.yaml: {name}.{col} has unknown type {c['type']}")
            columns[col] = ColumnSpec(
                name=col,
                zh=tuple(c.get("zh", ())),
                required=bool(c.get("required", False)),
                type=c["type"],
                kind_column=c.get("kind_column"),
                name_column=c.get("name_column"),
                after=c.get("after"),
            )
        sections[name] = SectionSpec(
            name=name,
            order=int(raw["order"]),
            columns=columns,
            one_of_required=tuple(raw.get("one_of_required", ())),
        )
    return dict(sorted(sections.items(), key=lambda item: item[1].order))
