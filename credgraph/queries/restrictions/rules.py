"""The rule table, read from rules.yaml and validated by pydantic models when first loaded.

Everything a rule says (its law versions and their wording, triggers, who it restricts,
the roles and enterprise kinds it bars, its windows and how certain a hit is) lives in
the YAML; these models only give those words a meaning, so a new rule, version or reading
is a data change. A malformed table is a RuleTableError naming the file and the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property, lru_cache
from importlib import resources
from itertools import pairwise
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from credgraph.exc import ConfigurationError
from credgraph.graph.vocabulary import Vocabulary, load_vocabulary

RULES_FILE = "rules.yaml"


class Certainty(StrEnum):
    CONFIRMED = "confirmed"
    CANDIDATE = "candidate"


class RuleTableError(ConfigurationError):
    """rules.yaml does not say what the engine can apply."""


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


def _iso_day(value: Any) -> str:
    """YAML reads 2024-07-01 as a date; a quoted ISO string is accepted too."""
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value)).isoformat()


Day = Annotated[str, BeforeValidator(_iso_day)]

PLACEHOLDERS = ("reason", "date", "citation", "type", "kinds", "objection", "fact")
"""The fields a note may name, filled from the hit it explains."""
ENGINE_NOTES = ("not_named", "law_changed", "scope_unknown", "disputed")
"""The notes the engine itself adds (liability not named, law changed, enterprise kind, a
disputed fact)."""


class Lang(StrEnum):
    """The languages words people read are kept in."""

    ZH = "zh"
    EN = "en"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Model):
    """Words people read, in Chinese and English."""

    zh: str
    en: str

    def in_(self, lang: Lang) -> str:
        return self.zh if lang is Lang.ZH else self.en

    def format(self, **fields: Text | str) -> Text:
        """Fill the placeholders; a Text field gives each language its own words."""
        def pick(lang: Lang) -> dict[str, str]:
            return {k: v.in_(lang) if isinstance(v, Text) else v for k, v in fields.items()}
        return Text(zh=self.zh.format(**pick(Lang.ZH)), en=self.en.format(**pick(Lang.EN)))

    @staticmethod
    def join(texts: Iterable[Text], zh: str = "；", en: str = "; ") -> Text | None:
        parts = list(texts)
        if not parts:
            return None
        return Text(zh=zh.join(t.zh for t in parts), en=en.join(t.en for t in parts))


class Pattern(_Model):
    """A substring test on free text: one `any` (if given), every `all`, no `none`."""

    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _says_something(self) -> Pattern:
        if not (self.any or self.all):
            raise ValueError("a pattern needs `any` or `all` words")
        return self

    def matches(self, text: str | None) -> bool:
        if not text:
            return False
        return (
            (not self.any or any(word in text for word in self.any))
            and all(word in text for word in self.all)
            and not any(word in text for word in self.none)
        )


class EnterpriseKind(Pattern):
    """A kind of enterprise, told from the registry's free-text type."""

    kind: str
    zh: str
    en: str

    @property
    def label(self) -> Text:
        return Text(zh=self.zh, en=self.en)


class RemovalKind(Pattern):
    """A kind of early removal from a list, told from the removal reason."""

    zh: str
    en: str


class LawVersion(_Model):
    key: str
    text: str
    """The year of the text, e.g. "2023"."""
    article: str
    in_force_from: Day = Field(alias="from")
    in_force_to: Day | None = Field(default=None, alias="to")
    """Last day in force (inclusive); None while in force."""
    wording: str
    """The items' wording this version follows; cases may apply to some wordings only."""
    reading: Text | None = None
    """How the items are read, when that is not the text's own (MER Art.12)."""

    def covers(self, day: str) -> bool:
        return self.in_force_from <= day and (self.in_force_to is None or day <= self.in_force_to)

    @cached_property
    def after_last_day(self) -> str | None:
        return next_day(self.in_force_to) if self.in_force_to else None


class Law(_Model):
    name: Text
    short: Text
    versions: tuple[LawVersion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _versions_follow_each_other(self) -> Law:
        ordered = sorted(self.versions, key=lambda v: v.in_force_from)
        for before, after in pairwise(ordered):
            if before.in_force_to is None or before.in_force_to >= after.in_force_from:
                raise ValueError(f"versions {before.key} and {after.key} overlap")
        keys = [v.key for v in self.versions]
        if len(keys) != len(set(keys)):
            raise ValueError("version keys must be unique")
        return self

    def version_on(self, day: str) -> LawVersion | None:
        return next((v for v in self.versions if v.covers(day)), None)


_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class Citation:
    """The article a hit rests on, in the version applied."""

    law: Law
    version: LawVersion
    item: int | None

    @property
    def article(self) -> str:
        return self.version.article

    @property
    def _item(self) -> Text:
        if not self.item:
            return Text(zh="", en="")
        return Text(zh=f"第（{_NUMERALS[self.item - 1]}）项", en=f"({self.item})")

    @property
    def en(self) -> str:
        v = self.version
        until = f" to {v.in_force_to}" if v.in_force_to else ""
        reading = f"; {v.reading.en}" if v.reading else ""
        return (f"{self.law.name.zh} ({self.law.short.en}) Art.{v.article}{self._item.en}, "
                f"{v.text} text in force from {v.in_force_from}{until}{reading}")

    @property
    def zh(self) -> str:
        v = self.version
        when = (f"{v.in_force_from}至{v.in_force_to}施行" if v.in_force_to
                else f"{v.in_force_from}起施行")
        reading = f"，{v.reading.zh}" if v.reading else ""
        return (f"《{self.law.name.zh}》（{v.text}年文本，{when}）第{v.article}条{self._item.zh}"
                f"{reading}")

    @property
    def short(self) -> Text:
        """The article and text without the dates, for notes."""
        v, item = self.version, self._item
        return Text(zh=f"《{self.law.short.zh}》第{v.article}条{item.zh}（{v.text}年文本）",
                    en=f"{self.law.short.en} Art.{v.article}{item.en}, {v.text} text")


class DayRange(_Model):
    first: Day | None = Field(default=None, alias="from")
    last: Day | None = Field(default=None, alias="to")

    def contains(self, day: str) -> bool:
        return (self.first is None or self.first <= day) and (self.last is None or day <= self.last)


class Case(_Model):
    """One reading of a ground: when it fits a trigger, and what it makes of it."""

    kinds: tuple[str, ...] | None = None
    when: tuple[str, ...] = ()
    reason: Literal["missing"] | None = None
    triggered: DayRange | None = None
    wordings: tuple[str, ...] | None = None
    bars: bool = True
    years: int | None = Field(default=None, ge=1)
    while_listed: bool = False
    certainty: Certainty = Certainty.CONFIRMED
    note: str | None = None
    _when: tuple[Pattern, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _one_outcome(self) -> Case:
        if not self.bars:
            if self.years is not None or self.while_listed or self.note is not None:
                raise ValueError("`bars: false` takes no window and no note")
            return self
        if (self.years is None) == (not self.while_listed):
            raise ValueError("a case has either `years` or `while_listed: true`")
        if self.certainty is Certainty.CANDIDATE and self.note is None:
            raise ValueError("a candidate case needs a `note` saying why")
        return self

    def fits(self, kind: str, reason: str | None, day: str, wording: str) -> bool:
        return (
            (self.kinds is None or kind in self.kinds)
            and (self.reason is None or not reason)
            and (self.triggered is None or self.triggered.contains(day))
            and (self.wordings is None or wording in self.wordings)
            and all(p.matches(reason) for p in self.patterns)
        )

    @cached_property
    def patterns(self) -> tuple[Pattern, ...]:
        """The `when` patterns (resolved when the table is read; cached: read per trigger)."""
        return self._when


class TriggerSpec(_Model):
    list: str | None = None
    event: tuple[str, ...] | None = None
    subject: Literal["person", "enterprise"] | None = None

    @model_validator(mode="after")
    def _list_or_event(self) -> TriggerSpec:
        if (self.list is None) == (self.event is None):
            raise ValueError("a trigger is either a `list` or `event` kinds")
        if self.event is not None and self.subject == "person":
            raise ValueError("an event's subject is its enterprise")
        return self

    @property
    def source(self) -> str:
        return "list" if self.list is not None else "event"

    @property
    def kinds(self) -> tuple[str, ...]:
        return (self.list,) if self.list is not None else self.event or ()

    @property
    def subject_type(self) -> str:
        return "enterprise" if self.event is not None else self.subject or "person"


class Holders(_Model):
    holders: tuple[str, ...] = Field(min_length=1)
    liable: Literal["named"] | None = None
    """`named`: the event's liable_persons decide certainty (and reach former holders)."""


class Ground(_Model):
    """One trigger of a rule, who it restricts, and its cases."""

    trigger: TriggerSpec
    item: int | None = Field(default=None, ge=1, le=len(_NUMERALS))
    restricts: Literal["subject"] | Holders
    other_enterprises_only: bool = False
    ends_early: tuple[str, ...] = ()
    cases: tuple[Case, ...] = Field(min_length=1)
    _ends_early: tuple[RemovalKind, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _consistent(self) -> Ground:
        subject = self.restricts == "subject"
        if subject != (self.trigger.subject_type == "person"):
            raise ValueError("a person's own listing restricts `subject`; an enterprise's "
                             "trigger restricts `holders`")
        if self.trigger.source == "event" and any(c.while_listed for c in self.cases):
            raise ValueError("only list entries can restrict while listed")
        for case in self.cases:
            if case.kinds is not None and set(case.kinds) - set(self.trigger.kinds):
                raise ValueError(f"case kinds {list(case.kinds)} are not this ground's triggers")
        return self

    @property
    def holders(self) -> Holders | None:
        return self.restricts if isinstance(self.restricts, Holders) else None

    def case_for(self, kind: str, reason: str | None, day: str, wording: str) -> Case | None:
        """The case that decides a trigger under a wording; None when the text does not
        cover it."""
        case = next((c for c in self.cases if c.fits(kind, reason, day, wording)), None)
        return case if case is not None and case.bars else None

    def closes_early(self, removal_reason: str | None) -> bool:
        """Whether a removal with this reason closes a fixed window on the removal date."""
        return any(kind.matches(removal_reason) for kind in self.removal_kinds)

    @cached_property
    def removal_kinds(self) -> tuple[RemovalKind, ...]:
        return self._ends_early

    @property
    def longest_years(self) -> int | None:
        """The longest fixed window; None when some case lasts while listed."""
        if any(c.while_listed for c in self.cases):
            return None
        return max(c.years or 0 for c in self.cases)


class Rule(_Model):
    id: str
    law: str
    title: Text
    bars: tuple[str, ...] = Field(min_length=1)
    scope: tuple[str, ...] | None = None
    succeeds: str | None = None
    """A rule whose text this one replaced: it decides "the text in force on the trigger
    date" for triggers older than this rule."""
    grounds: tuple[Ground, ...] = Field(min_length=1)
    _statute: Law | None = PrivateAttr(default=None)
    _barred_roles: frozenset[str] = PrivateAttr(default=frozenset())
    _scope_kinds: Text | None = PrivateAttr(default=None)

    # The resolved references are private attributes set by the table; these cached
    # properties read each once (a pydantic private attribute is slow to read per post).

    @cached_property
    def statute(self) -> Law:
        assert self._statute is not None  # set when the table is validated
        return self._statute

    @cached_property
    def barred_roles(self) -> frozenset[str]:
        return self._barred_roles

    @cached_property
    def scope_kinds(self) -> Text | None:
        """The enterprise kinds the rule applies to, as words; None: every enterprise."""
        return self._scope_kinds

    def ground_for(self, source: str, kind: str, subject_type: str) -> Ground | None:
        return next((g for g in self.grounds if g.trigger.source == source
                     and kind in g.trigger.kinds and g.trigger.subject_type == subject_type),
                    None)


class _Path:
    """Where in the table a reference is, for an error message that names the key."""

    def __init__(self, problems: list[str], where: str) -> None:
        self.problems, self.where = problems, where

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.problems.append(f"{self.where}: {message}")

    def known(self, what: str, names: Iterable[str], known: Iterable[str]) -> None:
        unknown = sorted(set(names) - set(known))
        self.check(not unknown, f"unknown {what} {', '.join(map(repr, unknown))}")


class RuleTable(_Model):
    classes: dict[str, tuple[str, ...]]
    enterprise_kinds: tuple[EnterpriseKind, ...]
    unknown_kind: Text
    removals: dict[str, RemovalKind]
    patterns: dict[str, Pattern]
    certainties: dict[Certainty, Text]
    notes: dict[str, Text]
    laws: dict[str, Law]
    grounds: dict[str, Any] = {}
    """YAML anchors shared by the rules; read only through them."""
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> RuleTable:
        """Every name the table uses is declared, here or in the vocabulary."""
        vocabulary = load_vocabulary()
        problems: list[str] = []
        for name, roles in self.classes.items():
            _Path(problems, f"classes.{name}").known("role", roles, vocabulary.roles)
        kinds = [k.kind for k in self.enterprise_kinds]
        _Path(problems, "enterprise_kinds").check(len(kinds) == len(set(kinds)),
                                                  "kinds must be unique")
        _Path(problems, "certainties").known("certainty", Certainty, self.certainties)
        _Path(problems, "notes").known("note", ENGINE_NOTES, self.notes)
        for name, note in self.notes.items():
            try:
                note.format(**dict.fromkeys(PLACEHOLDERS, ""))
            except (KeyError, IndexError, ValueError) as e:
                problems.append(f"notes.{name}: a placeholder other than {PLACEHOLDERS}: {e}")
        wordings = {v.wording for law in self.laws.values() for v in law.versions}
        ids = [r.id for r in self.rules]
        _Path(problems, "rules").check(len(ids) == len(set(ids)), "rule ids must be unique")
        for rule in self.rules:
            self._rule_references(rule, kinds, wordings, vocabulary, problems)
        if problems:
            raise ValueError("; ".join(problems))
        self._resolve()
        return self

    def _rule_references(self, rule: Rule, kinds: Sequence[str], wordings: set[str],
                         vocabulary: Vocabulary, problems: list[str]) -> None:
        where = f"rules.{rule.id}"
        path = _Path(problems, where)
        path.known("law", [rule.law], self.laws)
        path.known("role class", rule.bars, self.classes)
        path.known("enterprise kind", rule.scope or (), kinds)
        path.known("rule", [rule.succeeds] if rule.succeeds else [], [r.id for r in self.rules])
        seen: list[tuple[str, str]] = []
        for i, ground in enumerate(rule.grounds):
            at = _Path(problems, f"{where}.grounds.{i}")
            trigger = ground.trigger
            known_kinds = (vocabulary.list_types if trigger.source == "list"
                           else vocabulary.event_kinds)
            at.known(f"{trigger.source} kind", trigger.kinds, known_kinds)
            pairs = [(trigger.source, kind) for kind in trigger.kinds]
            at.check(not set(pairs) & set(seen), "another ground of this rule has its trigger")
            seen += pairs
            at.known("role", ground.holders.holders if ground.holders else (), vocabulary.roles)
            at.known("removal kind", ground.ends_early, self.removals)
            for j, case in enumerate(ground.cases):
                here = _Path(problems, f"{where}.grounds.{i}.cases.{j}")
                here.known("pattern", case.when, self.patterns)
                here.known("wording", case.wordings or (), wordings)
                here.known("note", [case.note] if case.note else [], self.notes)

    def _resolve(self) -> None:
        """Put the named patterns, removal kinds and laws where the rules use them."""
        labels = {k.kind: k.label for k in self.enterprise_kinds}
        for rule in self.rules:
            rule._statute = self.laws[rule.law]
            rule._barred_roles = frozenset().union(*(self.classes[c] for c in rule.bars))
            if rule.scope is not None:
                rule._scope_kinds = Text.join((labels[k] for k in rule.scope), "、", ", ")
            for ground in rule.grounds:
                ground._ends_early = tuple(self.removals[k] for k in ground.ends_early)
                for case in ground.cases:
                    case._when = tuple(self.patterns[p] for p in case.when)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def grounds_for(self, source: str, kind: str, subject_type: str) -> list[tuple[Rule, Ground]]:
        return [(rule, ground) for rule in self.rules
                if (ground := rule.ground_for(source, kind, subject_type)) is not None]

    def kinds(self, source: str, subject_type: str | None = None) -> set[str]:
        """The list types or event types some ground triggers on."""
        return {
            kind
            for rule in self.rules
            for ground in rule.grounds
            if ground.trigger.source == source
            and (subject_type is None or ground.trigger.subject_type == subject_type)
            for kind in ground.trigger.kinds
        }

    @cached_property
    def holder_roles(self) -> frozenset[str]:
        """Every post whose holder a trigger on the enterprise can restrict."""
        return frozenset(role for rule in self.rules for ground in rule.grounds
                         if ground.holders for role in ground.holders.holders)

    def earliest_triggers(self, source: str, first_day: str) -> dict[str, str]:
        """Per trigger kind, the earliest trigger date whose window can reach `first_day`.

        A kind with a while-listed case has no bound (''): a debtor listed long ago may
        still be listed.
        """
        bounds: dict[str, str] = {}
        for rule in self.rules:
            for ground in rule.grounds:
                if ground.trigger.source != source:
                    continue
                years = ground.longest_years
                bound = "" if years is None else previous_day(add_years(first_day, -years))
                for kind in ground.trigger.kinds:
                    bounds[kind] = min(bounds.get(kind, bound), bound)
        return bounds

    def enterprise_kind(self, enterprise_type: str | None) -> str | None:
        """The kind of an enterprise from its recorded type; None when it cannot be told."""
        return next((k.kind for k in self.enterprise_kinds if k.matches(enterprise_type)), None)

    def note(self, name: str, **fields: Text | str) -> Text:
        """A note with its placeholders filled (those a hit has no value for: empty)."""
        return self.notes[name].format(**{**dict.fromkeys(PLACEHOLDERS, ""), **fields})


def key_path(loc: Sequence[int | str], raw: Any) -> str:
    """A pydantic location as a key path, naming each rule it passes through by its id."""
    parts, node = [], raw
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        name = node.get("id") if isinstance(part, int) and isinstance(node, dict) else None
        parts.append(str(name or part))
    return ".".join(parts)


Table = TypeVar("Table", bound=BaseModel)


def parse_table(text: str, model: type[Table], where: str,
                error: type[ConfigurationError] = ConfigurationError) -> Table:
    """A table kept as YAML data (rules, cross-checks, the approval catalogue) validated by its
    model; `error` names the file and the key path of the first fault."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise error(f"{where}: not YAML: {e}") from e
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        key = key_path(first["loc"], raw)
        message = first["msg"].removeprefix("Value error, ")
        raise error(f"{where}: {key + ': ' if key else ''}{message}") from e


def parse_rules(text: str, where: str = RULES_FILE) -> RuleTable:
    """A rule table from YAML text (tests feed variants; the product reads rules.yaml)."""
    return parse_table(text, RuleTable, where, RuleTableError)


@lru_cache(maxsize=1)
def load_rules() -> RuleTable:
    """The product's rule table, rules.yaml beside this module."""
    text = (resources.files("credgraph.queries.restrictions") / RULES_FILE).read_text(
        encoding="utf-8"
    )
    return parse_rules(text)
