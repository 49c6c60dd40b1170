"""Running the cross-check rules over a store's backend: every clue of every rule (or of one),
with the facts that show it and its explanation in both languages, kept per data version, day
and recorded time so the pages after the first are read from memory."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from credgraph import deadline
from credgraph.exc import BadInputError
from credgraph.graph.vocabulary import load_vocabulary
from credgraph.queries.backend.base import Backend
from credgraph.queries.checks.definitions import (
    DATE,
    ENTITY,
    NUMBER,
    PERCENT,
    POST,
    SHAREHOLDER_POST,
    TEXT,
    CheckContext,
    Evidence,
    Found,
)
from credgraph.queries.checks.table import CheckRule, CheckTable, load_checks
from credgraph.queries.links.results import Entity
from credgraph.queries.paging import Page, keyset_page
from credgraph.queries.restrictions.rules import Lang, Text
from credgraph.queries.restrictions.service import encode_cursor, page_key
from credgraph.queries.time import Moment

RUNS_KEPT = 8
"""Whole runs kept per process (each a data version, day, recorded time and rule)."""

UNKNOWN = Text(zh="—", en="—")
UNKNOWN_DAY = Text(zh="日期不详", en="an unknown date")
SHAREHOLDER = Text(zh="股东", en="shareholder")


@dataclass(frozen=True)
class Clue:
    """One contradiction a rule found, explained."""

    rule: CheckRule
    subject: str
    detail: str
    values: Mapping[str, Any]
    evidence: tuple[Evidence, ...]
    explanation: Text
    entities: tuple[str, ...]
    """Every entity the explanation names (the subject first)."""

    @property
    def key(self) -> tuple[str, str, str]:
        """The stable order of a run, and what a cursor encodes."""
        return (self.rule.id, self.subject, self.detail)

    @property
    def cursor(self) -> str:
        return encode_cursor(self.key)


@dataclass(frozen=True)
class RuleRun:
    rule: CheckRule
    clues: int
    seconds: float


@dataclass(frozen=True)
class CheckRun:
    """Every clue of a run in (rule, subject, detail) order, and each rule's count and time."""

    at: Moment
    clues: tuple[Clue, ...]
    rules: tuple[RuleRun, ...]

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.rules)


def _write(kind: str, value: Any, names: Mapping[str, Entity], lang: Lang) -> str:
    """A template variable in the reader's language."""
    if value is None or value == "":
        return (UNKNOWN_DAY if kind == DATE else UNKNOWN).in_(lang)
    if kind == ENTITY:
        found = names.get(str(value))
        name = found.name if found is not None else str(value)
        return f"{name}（{value}）" if lang is Lang.ZH else f"{name} ({value})"
    if kind == PERCENT:
        return f"{float(value):.2f}%"
    if kind == POST and value == SHAREHOLDER_POST:
        return SHAREHOLDER.in_(lang)
    if kind in (DATE, TEXT, NUMBER):
        return str(value)
    group = "roles" if kind == POST else kind
    term = getattr(load_vocabulary(), group).get(str(value))
    return str(value) if term is None else (term.zh if lang is Lang.ZH else term.en)


def explain(rule: CheckRule, values: Mapping[str, Any], names: Mapping[str, Entity]) -> Text:
    """The rule's explanation with the clue's values written in each language."""
    variables = rule.definition.variables

    def fill(lang: Lang) -> dict[str, str]:
        return {name: _write(kind, values.get(name), names, lang)
                for name, kind in variables.items()}

    return Text(zh=rule.explanation.zh.format(**fill(Lang.ZH)),
                en=rule.explanation.en.format(**fill(Lang.EN)))


class CrossChecks:
    """The cross-check rules over one store's backend."""

    def __init__(self, backend: Backend, table: CheckTable | None = None) -> None:
        self.backend = backend
        self.table = table or load_checks()
        self._runs: dict[tuple[int, str, str | None, str | None], CheckRun] = {}
        self._lock = threading.Lock()

    def rules(self, rule_id: str | None) -> tuple[CheckRule, ...]:
        """Every rule, or the one named (BadInputError for an unknown id)."""
        if rule_id is None:
            return self.table.rules
        rule = self.table.rule(rule_id)
        if rule is None:
            raise BadInputError(f"no cross-check rule {rule_id!r} (one of: "
                                f"{', '.join(r.id for r in self.table.rules)})")
        return (rule,)

    def run(self, at: Moment, rule_id: str | None = None) -> CheckRun:
        """Every clue of the rules on `at.day` as recorded by `at.known`, kept per data version
        (a load that changes facts makes it stale)."""
        rules = self.rules(rule_id)
        key = (self.backend.data_version(), at.day, at.known, rule_id)
        with self._lock:
            found = self._runs.get(key)
        if found is None:
            found = self._evaluate(rules, at)
            with self._lock:
                self._runs[key] = found
                while len(self._runs) > RUNS_KEPT:
                    self._runs.pop(next(iter(self._runs)))
        return found

    def _evaluate(self, rules: Sequence[CheckRule], at: Moment) -> CheckRun:
        ctx = CheckContext(self.backend, at)
        raw: list[tuple[CheckRule, Found]] = []
        timings = []
        for rule in rules:
            deadline.check()
            started = time.perf_counter()
            found = list(rule.definition.run(ctx, rule.settings))
            timings.append(RuleRun(rule, len(found), time.perf_counter() - started))
            raw += [(rule, f) for f in found]
        named = {rule.id: [n for n, kind in rule.definition.variables.items() if kind == ENTITY]
                 for rule in rules}
        ids = {str(f.values[n]) for rule, f in raw for n in named[rule.id]
               if f.values.get(n) is not None}
        names = ctx.entities(ids | {f.subject for _, f in raw})
        clues = sorted((Clue(rule, f.subject, f.detail, f.values, f.evidence,
                             explain(rule, f.values, names),
                             tuple(dict.fromkeys([f.subject, *(
                                 str(f.values[n]) for n in named[rule.id]
                                 if f.values.get(n) is not None)])))
                        for rule, f in raw), key=lambda c: c.key)
        return CheckRun(at, tuple(clues), tuple(timings))

    def page(self, at: Moment, rule_id: str | None, first: int,
             after: str | None) -> Page[Clue]:
        """A page of the run's clues (the arguments checked before the run)."""
        page_key(first, after)
        return keyset_page(self.run(at, rule_id).clues, lambda c: c.key, first, after)

