"""The vocabulary of credgraph's records, read from vocabulary.yaml beside this module.

Roles, list types, event kinds, party kinds, subject types and pledge statuses are
declared once there; loaders, the rule table, the queries, the GraphQL enums and the
generator all take them from `load_vocabulary()`, so a word added there reaches every
layer and a word that is not there is refused everywhere.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from credgraph.exc import ConfigurationError
from credgraph.graph.ids import fold

_VALUE = re.compile(r"^[a-z][a-z0-9_]*$")

LEGAL_REPRESENTATIVE = "legal_representative"
"""The role the code itself singles out: its posts are LEGAL_REPRESENTATIVE relationships and
the detail views show its holder apart. The vocabulary must declare it."""


class Term(BaseModel):
    """One value of a vocabulary: its labels and the spellings files may use for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str
    en: str
    spellings: tuple[str, ...] = ()
    senior_manager: bool = False
    """Roles: a senior manager (高级管理人员, Company Law Art.265)."""
    ends_entity: bool = False
    """Enterprise statuses: the enterprise no longer exists (注销, 撤销)."""


class Vocabulary(BaseModel):
    """Every closed set of words the records use, value -> term, in declaration order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    roles: dict[str, Term]
    list_types: dict[str, Term]
    event_kinds: dict[str, Term]
    party_kinds: dict[str, Term]
    subject_types: dict[str, Term]
    pledge_statuses: dict[str, Term]
    enterprise_statuses: dict[str, Term]
    ops: dict[str, Term]
    objection_statuses: dict[str, Term]
    filing_statuses: dict[str, Term]
    contact_kinds: dict[str, Term]
    risk_levels: dict[str, Term]
    alert_kinds: dict[str, Term]

    @field_validator("*")
    @classmethod
    def _plain_values(cls, terms: dict[str, Term]) -> dict[str, Term]:
        for value in terms:
            if not _VALUE.match(value):
                raise ValueError(f"{value!r} is not a lower_snake_case value")
        return terms

    @cached_property
    def triggers(self) -> tuple[str, ...]:
        """What can start a restriction window: a list type or an event kind."""
        return (*self.list_types, *self.event_kinds)

    @cached_property
    def senior_managers(self) -> frozenset[str]:
        return frozenset(v for v, term in self.roles.items() if term.senior_manager)

    def status_kind(self, status: str | None) -> str | None:
        """The enterprise status value a registry's wording spells, or None if unknown."""
        if not status:
            return None
        return self.spellings("enterprise_statuses").get(fold(status).lower())

    def spellings(self, group: str) -> dict[str, str]:
        """Every accepted spelling of a group's values (folded, lower-cased) -> value."""
        return self._spelling_maps[group]

    @cached_property
    def _spelling_maps(self) -> dict[str, dict[str, str]]:
        maps: dict[str, dict[str, str]] = {}
        for group in type(self).model_fields:
            terms: dict[str, Term] = getattr(self, group)
            found = maps[group] = {}
            for value, term in terms.items():
                for spelling in (value, term.zh, *term.spellings):
                    key = fold(spelling).lower()
                    if found.setdefault(key, value) != value:
                        raise ValueError(f"{group}: {spelling!r} spells both {found[key]} "
                                         f"and {value}")
        return maps


def parse_vocabulary(text: str, where: str) -> Vocabulary:
    """A vocabulary from YAML text; a malformed one is a ConfigurationError naming file and key."""
    try:
        vocabulary = Vocabulary.model_validate(yaml.safe_load(text))
        vocabulary.spellings("roles")  # builds (and checks) every group's spellings
        if LEGAL_REPRESENTATIVE not in vocabulary.roles:
            raise ValueError(f"roles: {LEGAL_REPRESENTATIVE} must be declared")
    except ValidationError as e:
        first = e.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ConfigurationError(f"{where}: {key}: {first['msg']}") from e
    except ValueError as e:
        raise ConfigurationError(f"{where}: {e}") from e
    return vocabulary


def vocabulary_file() -> Path:
    return Path(str(resources.files("credgraph.graph") / "vocabulary.yaml"))


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The product's vocabulary (vocabulary.yaml beside this module)."""
    path = vocabulary_file()
    return parse_vocabulary(path.read_text(encoding="utf-8"), path.name)
