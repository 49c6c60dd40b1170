"""The 双告知 catalogue (catalogue.yaml beside this module, a starter): business-scope wordings
that need a post-approval licence, the department that approves each, and the law that
requires it; and the matching of a business scope against it.

A malformed catalogue is a ConfigurationError naming the file and the key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, model_validator

from credgraph.queries.restrictions.rules import Text, parse_table

CATALOGUE_FILE = "catalogue.yaml"

_ITEM_BREAK = re.compile(r"[；;。，,\n]")
_CLOSING = ("）", ")")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ApprovalItem(_Model):
    """One post-approval item: the wordings that name it and who approves it under what law."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    wording: tuple[str, ...] = Field(min_length=1)
    unless: tuple[str, ...] = ()
    """Phrases that, in the same scope item, mean no approval is needed (e.g. 仅销售预包装食品)."""
    department: str
    approval: Text
    source: Text
    """The law, regulation or official catalogue that requires the approval."""


class Catalogue(_Model):
    negations: tuple[str, ...] = ()
    """Words that, before a wording inside the same bracket, exclude it (不含 ...)."""
    departments: dict[str, Text]
    items: tuple[ApprovalItem, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        seen: set[str] = set()
        for number, item in enumerate(self.items):
            if item.id in seen:
                raise ValueError(f"items.{number}: item id {item.id} is given twice")
            seen.add(item.id)
            if item.department not in self.departments:
                raise ValueError(f"items.{item.id}.department: unknown department "
                                 f"{item.department!r} (declare it under departments)")
        return self

    @cached_property
    def by_department(self) -> dict[str, tuple[ApprovalItem, ...]]:
        return {d: tuple(i for i in self.items if i.department == d) for d in self.departments}

    def department(self, key: str) -> Text:
        return self.departments[key]

    def match(self, scope: str | None) -> tuple[Match, ...]:
        """Every item the scope's wording needs, with where in the scope each was found."""
        if not scope:
            return ()
        found: list[Match] = []
        start = 0
        for piece in [*_ITEM_BREAK.split(scope)]:
            found += self._match_piece(piece, start)
            start += len(piece) + 1
        return tuple(sorted(found, key=lambda m: (m.start, m.item.id)))

    def _match_piece(self, piece: str, offset: int) -> list[Match]:
        found: list[Match] = []
        for item in self.items:
            if any(phrase in piece for phrase in item.unless):
                continue
            spans: list[tuple[int, int, str]] = []
            for wording in item.wording:
                at = piece.find(wording)
                while at >= 0:
                    if not self._negated(piece, at):
                        spans.append((at, at + len(wording), wording))
                    at = piece.find(wording, at + 1)
            kept: list[tuple[int, int, str]] = []
            for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
                if not kept or span[0] >= kept[-1][1]:
                    kept.append(span)
            found += [Match(item, wording, offset + a, offset + b) for a, b, wording in kept]
        return found

    def _negated(self, piece: str, at: int) -> bool:
        """A negation word before `at` with no closing bracket between them."""
        before = piece[:at]
        last = max((before.rfind(word) for word in self.negations), default=-1)
        return last >= 0 and not any(c in before[last:] for c in _CLOSING)


@dataclass(frozen=True, slots=True)
class Match:
    """An approval item a business scope needs, and the wording found at [start, end)."""

    item: ApprovalItem
    wording: str
    start: int
    end: int


def marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with each span [start, end) in 【】 (overlapping spans: the first wins)."""
    out, at = [], 0
    for start, end in sorted(spans):
        if start >= at:
            out += [text[at:start], "【", text[start:end], "】"]
            at = end
    return "".join([*out, text[at:]])


def parse_catalogue(text: str, where: str = CATALOGUE_FILE) -> Catalogue:
    """A catalogue from YAML text (tests feed variants; the product reads catalogue.yaml)."""
    return parse_table(text, Catalogue, f"notices/{where}")


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The product's starter catalogue, catalogue.yaml beside this module."""
    text = (resources.files("credgraph.queries.notices") / CATALOGUE_FILE).read_text(
        encoding="utf-8")
    return parse_catalogue(text)
