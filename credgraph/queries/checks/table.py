"""The cross-check rule table, read from rules.yaml beside this module and validated when
first loaded.

A rule names a check (a definition in credgraph.queries.checks.definitions, evaluated over
the backend's fetches, so both stores answer alike), the check's parameters, its title, its
severity and the explanation each clue reads, a template whose `{placeholders}` are the
check's variables. Adding a clue of a kind a check already finds (another threshold, list,
relation or event) is adding an entry; a new kind of check is a definition and an entry.
A malformed table is a ConfigurationError naming the file and the key.
"""

from __future__ import annotations

import string
from enum import StrEnum
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from credgraph.queries.checks.definitions import DEFINITIONS, Definition
from credgraph.queries.restrictions.rules import Text, parse_table

RULES_FILE = "rules.yaml"


class Severity(StrEnum):
    """How urgently a supervisor should look: high first."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckRule(_Model):
    """One cross-check: what it looks for, how it explains a clue, how urgent it is."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9-]*$")
    title: Text
    severity: Severity
    check: str
    """The definition that finds the clues (credgraph.queries.checks.definitions)."""
    params: dict[str, Any] = Field(default_factory=dict)
    explanation: Text
    """What one clue says, `{placeholders}` naming the check's variables."""
    why: Text
    """Why a registry cares, and what to look at."""

    @model_validator(mode="after")
    def _known_check(self) -> CheckRule:
        definition = DEFINITIONS.get(self.check)
        if definition is None:
            raise ValueError(f"unknown check {self.check!r} (one of: "
                             f"{', '.join(sorted(DEFINITIONS))})")
        for lang, template in (("zh", self.explanation.zh), ("en", self.explanation.en)):
            for _, field, _, _ in string.Formatter().parse(template):
                if field is not None and field not in definition.variables:
                    raise ValueError(
                        f"explanation.{lang}: unknown placeholder {{{field}}} (the check "
                        f"{self.check} gives: {', '.join(sorted(definition.variables))})")
        return self

    @property
    def definition(self) -> Definition:
        return DEFINITIONS[self.check]

    @cached_property
    def settings(self) -> BaseModel:
        """The parameters as the check reads them (validated with the table)."""
        return self.definition.params.model_validate(self.params)


class CheckTable(_Model):
    rules: tuple[CheckRule, ...]

    @model_validator(mode="after")
    def _unique_and_valid(self) -> CheckTable:
        seen: set[str] = set()
        for number, rule in enumerate(self.rules):
            if rule.id in seen:
                raise ValueError(f"rules.{number}: rule id {rule.id} is given twice")
            seen.add(rule.id)
            try:
                _ = rule.settings
            except ValidationError as e:
                first = e.errors()[0]
                where = ".".join(str(p) for p in ("rules", rule.id, "params", *first["loc"]))
                raise ValueError(f"{where}: {first['msg'].removeprefix('Value error, ')}"
                                 ) from None
        return self

    def rule(self, rule_id: str) -> CheckRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def parse_checks(text: str, where: str = RULES_FILE) -> CheckTable:
    """A check table from YAML text (tests feed variants; the product reads rules.yaml)."""
    return parse_table(text, CheckTable, f"checks/{where}")


@lru_cache(maxsize=1)
def load_checks() -> CheckTable:
    """The product's cross-check rules, rules.yaml beside this module."""
    text = (resources.files("credgraph.queries.checks") / RULES_FILE).read_text(encoding="utf-8")
    return parse_checks(text)
