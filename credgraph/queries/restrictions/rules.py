"""The rule table of RULES.md, read from rules.yaml and checked when it is loaded.

Everything a rule says (its law versions, triggers, who it restricts, the roles
it bars, its window and how certain a hit is) lives in the YAML; this module
only gives those words a meaning, so a new rule or version is a data change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

import yaml

from credgraph.graph.vocabulary import load_vocabulary


class Certainty(StrEnum):
    CONFIRMED = "confirmed"
    CANDIDATE = "candidate"


class Confirmation(StrEnum):
    """How a ground decides that a hit is confirmed rather than a candidate."""

    ALWAYS = "always"
    LIABLE_PERSON_NAMED = "liable_person_named"
    REASON_MATCHES = "reason_matches"


def add_years(day: str, years: int) -> str:
    """The same calendar day `years` later (or earlier); 29 February falls back to the 28th."""
    d = date.fromisoformat(day)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:
        return d.replace(year=d.year + years, day=28).isoformat()


def next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def previous_day(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


@dataclass(frozen=True)
class Pattern:
    """A substring test on free text (a reason, a removal reason)."""

    name: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()

    def matches(self, text: str | None) -> bool:
        if not text:
            return False
        return (
            (not self.any or any(word in text for word in self.any))
            and all(word in text for word in self.all)
            and not any(word in text for word in self.none)
        )


@dataclass(frozen=True)
class LawVersion:
    text: str
    """The year of the text, e.g. "2023"."""
    article: str
    in_force_from: str
    in_force_to: str | None
    """Last day in force (inclusive); None while in force."""

    def covers(self, day: str) -> bool:
        return self.in_force_from <= day and (self.in_force_to is None or day <= self.in_force_to)


@dataclass(frozen=True)
class Law:
    key: str
    name: str
    short: str
    versions: tuple[LawVersion, ...]

    def version_on(self, day: str) -> LawVersion | None:
        return next((v for v in self.versions if v.covers(day)), None)


@dataclass(frozen=True)
class Citation:
    """The article a hit rests on, in the version in force on its trigger date."""

    law: str
    short: str
    version: str
    article: str
    item: str
    in_force_from: str
    in_force_to: str | None

    def __str__(self) -> str:
        until = f" to {self.in_force_to}" if self.in_force_to else ""
        return (
            f"{self.law} ({self.short}) Art.{self.article}{self.item}, "
            f"{self.version} text in force from {self.in_force_from}{until}"
        )


@dataclass(frozen=True)
class Window:
    years: int | None
    """Fixed length from the trigger date; None for `while_listed`."""
    shorter_years: int | None
    shorter_when: Pattern | None
    """The trigger's reason that selects the shorter length (a suspended sentence)."""
    while_listed: bool
    removal_ends: Pattern | None
    """A removal reason that closes a fixed window early (an annulled listing)."""

    def end(
        self, start: str, reason: str | None, removed_on: str | None, removal_reason: str | None
    ) -> str | None:
        """The first day outside the window (None: open while the entry stays listed)."""
        if self.while_listed:
            return removed_on
        years = self.years
        if self.shorter_when is not None and self.shorter_when.matches(reason):
            years = self.shorter_years
        assert years is not None  # checked when the table is read
        end = next_day(add_years(start, years))
        if (
            removed_on is not None
            and self.removal_ends is not None
            and self.removal_ends.matches(removal_reason)
        ):
            return min(end, removed_on)
        return end


@dataclass(frozen=True)
class CertaintyRule:
    confirmed_if: Confirmation
    reasons: Mapping[str, tuple[Pattern, ...]]
    """For REASON_MATCHES: per law version, the listing reasons that confirm a hit."""
    any_reason_before: str | None
    """For REASON_MATCHES: a trigger dated before this day is confirmed whatever its reason
    (EIP-18: a listing before SAMR Order 44 was a listing under the regulation itself)."""
    otherwise: str | None
    """Why a hit that is not confirmed is a candidate, as the clerk reads it."""


@dataclass(frozen=True)
class Ground:
    """One trigger of a rule, who it restricts, for how long, and how surely."""

    item: str
    source: str
    """`list` (a list entry) or `event` (an enterprise event)."""
    kinds: tuple[str, ...]
    subject_type: str
    requires: Pattern | None
    when_missing: str | None
    """With `requires`: a missing reason makes a candidate hit with this note."""
    restricts_subject: bool
    holder_roles: frozenset[str]
    """When not the subject: who held these posts at the subject enterprise on the trigger date."""
    other_enterprises_only: bool
    window: Window
    certainty: CertaintyRule


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    law: Law
    classes: tuple[str, ...]
    barred_roles: frozenset[str]
    grounds: tuple[Ground, ...]

    def citation(self, ground: Ground, version: LawVersion) -> Citation:
        return Citation(
            law=self.law.name, short=self.law.short, version=version.text,
            article=version.article, item=ground.item, in_force_from=version.in_force_from,
            in_force_to=version.in_force_to,
        )


@dataclass(frozen=True)
class RuleTable:
    rules: tuple[Rule, ...]
    role_classes: Mapping[str, frozenset[str]]
    patterns: Mapping[str, Pattern]

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def grounds_for(self, source: str, kind: str, subject_type: str) -> list[tuple[Rule, Ground]]:
        return [
            (rule, ground)
            for rule in self.rules
            for ground in rule.grounds
            if ground.source == source and kind in ground.kinds
            and ground.subject_type == subject_type
        ]

    def kinds(self, source: str, subject_type: str | None = None) -> set[str]:
        """The list types or event types some ground triggers on."""
        return {
            kind
            for rule in self.rules
            for ground in rule.grounds
            if ground.source == source and (subject_type is None
                                           or ground.subject_type == subject_type)
            for kind in ground.kinds
        }

    @property
    def holder_roles(self) -> frozenset[str]:
        """Every post whose holder a trigger on the enterprise can restrict."""
        return frozenset().union(*(g.holder_roles for r in self.rules for g in r.grounds))

    def earliest_triggers(self, source: str, first_day: str) -> dict[str, str]:
        """Per trigger kind, the earliest trigger date whose window can reach `first_day`.

        A kind with a while-listed ground has no bound (''): a debtor listed long
        ago may still be listed.
        """
        bounds: dict[str, str] = {}
        for rule in self.rules:
            for ground in rule.grounds:
                if ground.source != source:
                    continue
                window = ground.window
                years = window.years and max(window.years, window.shorter_years or 0)
                bound = "" if years is None else previous_day(add_years(first_day, -years))
                for kind in ground.kinds:
                    bounds[kind] = min(bounds.get(kind, bound), bound)
        return bounds


_ALLOWED_KEYS = {
    "rule": {"id", "law", "title", "bars", "grounds"},
    "ground": {"trigger", "item", "reason", "restricts", "other_enterprises_only", "window",
               "certainty"},
    "window": {"years", "shorter", "while_listed", "removal_ends"},
    "certainty": {"confirmed_if", "any_reason_before", "reasons", "otherwise"},
}


class RuleTableError(ValueError):
    """rules.yaml does not say what the engine can apply."""


def _check_keys(what: str, where: str, spec: Mapping[str, Any]) -> None:
    unknown = set(spec) - _ALLOWED_KEYS[what]
    if unknown:
        raise RuleTableError(f"{where}: unknown {what} key(s) {sorted(unknown)}")


def _known(what: str, value: str, values: Mapping[str, object], where: str) -> str:
    """A vocabulary value named by the table; anything else is a table error."""
    if value not in values:
        raise RuleTableError(f"{where}: unknown {what} {value!r}")
    return value


def _day(value: Any, where: str) -> str:
    """YAML reads 2024-07-01 as a date; a quoted string is accepted too."""
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise RuleTableError(f"{where}: {value!r} is not a date") from None


def _patterns(raw: Mapping[str, Any]) -> dict[str, Pattern]:
    patterns = {}
    for name, spec in raw.items():
        parts = {k: tuple(str(w) for w in spec.get(k, ())) for k in ("any", "all", "none")}
        if set(spec) - set(parts) or not (parts["any"] or parts["all"]):
            raise RuleTableError(f"pattern {name}: needs any/all (and optionally none) lists")
        patterns[name] = Pattern(name, parts["any"], parts["all"], parts["none"])
    return patterns


def _laws(raw: Mapping[str, Any]) -> dict[str, Law]:
    laws = {}
    for key, spec in raw.items():
        versions = tuple(
            LawVersion(
                text=str(v["text"]),
                article=str(v["article"]),
                in_force_from=_day(v["from"], f"law {key}"),
                in_force_to=_day(v["to"], f"law {key}") if v.get("to") else None,
            )
            for v in spec["versions"]
        )
        ordered = sorted(versions, key=lambda v: v.in_force_from)
        for before, after in pairwise(ordered):
            if before.in_force_to is None or before.in_force_to >= after.in_force_from:
                raise RuleTableError(f"law {key}: versions {before.text} and {after.text} overlap")
        laws[key] = Law(key, str(spec["name"]), str(spec["short"]), versions)
    return laws


class _Reader:
    def __init__(self, patterns: dict[str, Pattern], classes: dict[str, frozenset[str]]) -> None:
        self.patterns, self.classes = patterns, classes

    def pattern(self, name: str, where: str) -> Pattern:
        try:
            return self.patterns[name]
        except KeyError:
            raise RuleTableError(f"{where}: unknown pattern {name!r}") from None

    def window(self, spec: Mapping[str, Any], source: str, where: str) -> Window:
        _check_keys("window", where, spec)
        while_listed = bool(spec.get("while_listed", False))
        years = spec.get("years")
        if while_listed == (years is not None):
            raise RuleTableError(f"{where}: a window has either years or while_listed")
        if while_listed and source != "list":
            raise RuleTableError(f"{where}: only list entries can restrict while listed")
        shorter = spec.get("shorter")
        return Window(
            years=int(years) if years is not None else None,
            shorter_years=int(shorter["years"]) if shorter else None,
            shorter_when=self.pattern(shorter["when"], where) if shorter else None,
            while_listed=while_listed,
            removal_ends=(
                self.pattern(spec["removal_ends"], where) if spec.get("removal_ends") else None
            ),
        )

    def certainty(self, spec: Mapping[str, Any], law: Law, where: str) -> CertaintyRule:
        _check_keys("certainty", where, spec)
        how_text = spec["confirmed_if"]
        try:
            how = Confirmation(how_text)
        except ValueError:
            raise RuleTableError(f"{where}: unknown confirmed_if {how_text!r}") from None
        reasons = {
            str(text): tuple(self.pattern(p, where) for p in names)
            for text, names in (spec.get("reasons") or {}).items()
        }
        if how is Confirmation.REASON_MATCHES:
            missing = {v.text for v in law.versions} - set(reasons)
            if missing:
                raise RuleTableError(f"{where}: no confirming reasons for version(s) {missing}")
        if how is not Confirmation.ALWAYS and not spec.get("otherwise"):
            raise RuleTableError(f"{where}: a candidate hit needs an `otherwise` note")
        before = spec.get("any_reason_before")
        if before is not None and how is not Confirmation.REASON_MATCHES:
            raise RuleTableError(f"{where}: any_reason_before needs confirmed_if: reason_matches")
        return CertaintyRule(
            how, reasons, _day(before, where) if before is not None else None,
            spec.get("otherwise"),
        )

    def ground(self, spec: Mapping[str, Any], law: Law, where: str) -> Ground:
        _check_keys("ground", where, spec)
        trigger = spec["trigger"]
        kinds: tuple[str, ...]
        if "list" in trigger:
            source, kinds = "list", (_known("list type", trigger["list"],
                                            load_vocabulary().list_types, where),)
            subject_type = trigger.get("subject", "person")
            if subject_type not in ("person", "enterprise"):
                raise RuleTableError(f"{where}: subject is person or enterprise")
        else:
            source, subject_type = "event", "enterprise"
            kinds = tuple(_known("event", kind, load_vocabulary().event_kinds, where)
                          for kind in trigger["event"])
        restricts = spec["restricts"]
        holders = frozenset() if restricts == "subject" else frozenset(restricts["holders"])
        if restricts == "subject" and subject_type != "person":
            raise RuleTableError(f"{where}: only a person subject can be restricted itself")
        if restricts != "subject" and (not holders or holders - set(load_vocabulary().roles)):
            raise RuleTableError(f"{where}: holders must be known roles")
        reason = spec.get("reason") or {}
        return Ground(
            item=str(spec.get("item", "")),
            source=source,
            kinds=kinds,
            subject_type=subject_type,
            requires=self.pattern(reason["requires"], where) if reason else None,
            when_missing=reason.get("when_missing"),
            restricts_subject=restricts == "subject",
            holder_roles=holders,
            other_enterprises_only=bool(spec.get("other_enterprises_only", False)),
            window=self.window(spec["window"], source, where),
            certainty=self.certainty(spec["certainty"], law, where),
        )

    def rule(self, spec: Mapping[str, Any], laws: Mapping[str, Law]) -> Rule:
        where = f"rule {spec.get('id')}"
        _check_keys("rule", where, spec)
        law = laws.get(spec["law"])
        if law is None:
            raise RuleTableError(f"{where}: unknown law {spec['law']!r}")
        classes = tuple(spec["bars"])
        unknown = set(classes) - set(self.classes)
        if unknown:
            raise RuleTableError(f"{where}: unknown role class(es) {sorted(unknown)}")
        return Rule(
            id=str(spec["id"]),
            title=str(spec["title"]),
            law=law,
            classes=classes,
            barred_roles=frozenset().union(*(self.classes[c] for c in classes)),
            grounds=tuple(self.ground(g, law, f"{where} ground {i + 1}")
                          for i, g in enumerate(spec["grounds"])),
        )


def parse_rules(text: str) -> RuleTable:
    """A rule table from YAML text (tests feed variants; the product reads rules.yaml)."""
    raw = yaml.safe_load(text)
    classes = {name: frozenset(roles) for name, roles in raw["roles"].items()}
    for name, roles in classes.items():
        unknown = roles - set(load_vocabulary().roles)
        if unknown:
            raise RuleTableError(f"role class {name}: unknown role(s) {sorted(unknown)}")
    reader = _Reader(_patterns(raw["patterns"]), classes)
    laws = _laws(raw["laws"])
    rules = tuple(reader.rule(spec, laws) for spec in raw["rules"])
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise RuleTableError("rule ids must be unique")
    return RuleTable(rules, classes, reader.patterns)


@lru_cache(maxsize=1)
def load_rules() -> RuleTable:
    """The product's rule table, rules.yaml beside this module."""
    text = (resources.files("credgraph.queries.restrictions") / "rules.yaml").read_text(
        encoding="utf-8"
    )
    return parse_rules(text)
