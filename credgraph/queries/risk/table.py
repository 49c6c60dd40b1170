"""The indicator table (indicators.yaml) as validated data: each indicator's computation, its
parameters and its explanation template are checked when the table is read, and a mistake
is a ConfigurationError naming the file and the key (docs/risk.md)."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from credgraph.exc import ConfigurationError
from credgraph.graph.vocabulary import load_vocabulary
from credgraph.queries.restrictions.rules import Lang, Text, parse_table
from credgraph.queries.risk.compute import COMPUTATIONS, LABELLED, Evidence

INDICATORS_FILE = "indicators.yaml"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicator(_Model):
    """One indicator: fires when its computation finds evidence; adds `weight` to the score."""

    id: str
    title: Text
    weight: float = Field(gt=0)
    compute: str
    params: dict[str, Any] = Field(default_factory=dict)
    explain: Text

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if not _ID.match(self.id):
            raise ValueError(f"id {self.id!r} is not lower_snake_case")
        computation = COMPUTATIONS.get(self.compute)
        if computation is None:
            raise ValueError(f"compute: unknown computation {self.compute!r} (one of "
                             f"{', '.join(sorted(COMPUTATIONS))})")
        try:
            computation.params.model_validate(self.params)
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValueError(f"params.{where}: {first['msg']}") from None
        for lang in Lang:
            names = {field for _, field, _, _ in string.Formatter().parse(self.explain.in_(lang))
                     if field is not None}
            unknown = names - set(computation.fields)
            if unknown:
                raise ValueError(f"explain.{lang.value}: {', '.join(sorted(unknown))} not among "
                                 f"the fields of {self.compute} ({', '.join(computation.fields)})")
        return self

    @property
    def parameters(self) -> BaseModel:
        """The parameters as the computation reads them."""
        return COMPUTATIONS[self.compute].params.model_validate(self.params)

    def explanation(self, evidence: Evidence) -> Text:
        """The explanation of one piece of evidence, in both languages."""
        return fill(self.explain, evidence.fields, LABELLED)


def fill(template: Text, fields: Mapping[str, Any], labelled: Mapping[str, str]) -> Text:
    """A template filled in both languages: fields naming vocabulary values (`labelled`:
    field -> vocabulary group) by their labels, absent values as a dash."""
    vocabulary = load_vocabulary()

    def shown(lang: Lang) -> dict[str, str]:
        words: dict[str, str] = {}
        for name, value in fields.items():
            if value is None or value == "":
                words[name] = "—"
            elif name in labelled and (term := getattr(vocabulary, labelled[name]).get(value)):
                words[name] = term.zh if lang is Lang.ZH else term.en
            else:
                words[name] = f"{value:g}" if isinstance(value, float) else str(value)
        return words

    return Text(zh=template.zh.format_map(shown(Lang.ZH)),
                en=template.en.format_map(shown(Lang.EN)))


class IndicatorTable(_Model):
    levels: dict[str, float]
    """The least score of each level above the lowest (vocabulary.yaml, risk_levels)."""
    indicators: tuple[Indicator, ...]

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorTable:
        names = list(load_vocabulary().risk_levels)
        if list(self.levels) != names[1:]:
            raise ValueError(f"levels: give {', '.join(names[1:])} in that order")
        thresholds = list(self.levels.values())
        if thresholds != sorted(set(thresholds)) or thresholds[0] <= 0:
            raise ValueError("levels: thresholds must be positive and rise")
        ids = [i.id for i in self.indicators]
        if len(ids) != len(set(ids)):
            raise ValueError("indicators: an id is used twice")
        return self

    @property
    def lowest(self) -> str:
        return next(iter(load_vocabulary().risk_levels))

    def level(self, score: float) -> str:
        """The highest level whose threshold the score reaches."""
        reached = [name for name, least in self.levels.items() if score >= least]
        return reached[-1] if reached else self.lowest


class IndicatorTableError(ConfigurationError):
    """indicators.yaml does not say what the risk computations can apply."""


def parse_indicators(text: str, where: str = INDICATORS_FILE) -> IndicatorTable:
    """An indicator table from YAML text (tests feed variants; the product reads its file)."""
    return parse_table(text, IndicatorTable, where, IndicatorTableError)


@lru_cache(maxsize=1)
def load_indicators() -> IndicatorTable:
    """The product's indicator table (indicators.yaml beside this module)."""
    text = (resources.files("credgraph.queries.risk") / INDICATORS_FILE).read_text(
        encoding="utf-8")
    return parse_indicators(text)
