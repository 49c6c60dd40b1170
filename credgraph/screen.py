"""Batch screening of proposed appointments: `credgraph screen FILE --as-of D --out OUT`.

A registry clerk's file lists (person_id, uscc, role, date) rows; each gets a
decision - allowed, refused, needs_review or invalid - with the rule ids, the rules'
titles and the reasons, in Chinese or English (`lang`). Files are read as the loaders
read datasets (CSV in UTF-8 or GB18030, or .xlsx; English or Chinese headers), in
chunks: each chunk's persons are checked with one gathering of facts, never one registry
query per row. A row that cannot be checked is reported as invalid with its reason, never dropped.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import openpyxl
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from credgraph.exc import DatasetError, EmptyStoreError
from credgraph.graph.store import GraphStore
from credgraph.graph.vocabulary import load_vocabulary
from credgraph.loaders.build import check_row
from credgraph.loaders.reading import Row, inspect_file, read_chunks
from credgraph.loaders.spec import ColumnSpec, SectionSpec
from credgraph.queries.analyses import Analyses
from credgraph.queries.restrictions.engine import Hit
from credgraph.queries.restrictions.rules import Lang, RuleTable, Text
from credgraph.queries.restrictions.service import AppointmentDecision, decide, mark_disputed
from credgraph.queries.time import Moment
from credgraph.tablefile import TableWriter, check_output

SECTION = SectionSpec(
    name="screen",
    order=0,
    columns={
        "person_id": ColumnSpec(name="person_id", zh=("人员编号",), required=True,
                                type="person_id"),
        "uscc": ColumnSpec(name="uscc", zh=("企业统一社会信用代码", "统一社会信用代码"),
                           required=True, type="enterprise_key"),
        "role": ColumnSpec(name="role", zh=("职务",), required=True, type="roles"),
        "date": ColumnSpec(name="date", zh=("任职日期",), type="date"),
    },
)
"""The input columns, parsed by the loaders' column types (roles like 董事长兼总经理 are two)."""

OUTPUT_COLUMNS = ("row", "person_id", "uscc", "role", "date", "checked_on", "decision",
                  "rule_ids", "rule_titles", "reasons")

CHUNK = 2000
"""Rows whose persons are checked together."""


class Decision(StrEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"
    NEEDS_REVIEW = "needs_review"
    INVALID = "invalid"


@dataclass(frozen=True)
class Outcome:
    row: int
    """The row of the input file (the header is row 1)."""
    given: dict[str, str]
    """The row's cells as written, by column."""
    checked_on: str
    decision: Decision
    rule_ids: tuple[str, ...] = ()
    rule_titles: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    def cells(self) -> list[Any]:
        g = self.given
        return [self.row, g.get("person_id", ""), g.get("uscc", ""), g.get("role", ""),
                g.get("date", ""), self.checked_on, self.decision.value, ";".join(self.rule_ids),
                " | ".join(self.rule_titles), " | ".join(self.reasons)]


@dataclass
class ScreenReport:
    rows: int = 0
    counts: Counter[Decision] = field(default_factory=Counter)
    seconds: float = 0.0


def _trigger_kind(kind: str) -> Text:
    vocabulary = load_vocabulary()
    term = vocabulary.list_types.get(kind) or vocabulary.event_kinds[kind]
    return Text(zh=term.zh, en=term.en)


def _reason(table: RuleTable, hit: Hit, lang: Lang) -> str:
    t, certainty = hit.trigger, table.certainties[hit.certainty]
    kind, note = _trigger_kind(t.kind), hit.note
    if lang is Lang.ZH:
        text = (f"{hit.rule_id} {certainty.zh}：{hit.citation.zh}；{kind.zh} {t.id}（{t.date}）；"
                f"限制期 {hit.window_start} 至 {hit.last_day or '移出名单之日'}")
        return f"{text}；{note.zh}" if note else text
    text = (f"{hit.rule_id} {certainty.en}: {hit.citation.en}; {kind.en} {t.id} on {t.date}; "
            f"restricted {hit.window_start} to {hit.last_day or 'while listed'}")
    return f"{text}; {note.en}" if note else text


def _outcome(table: RuleTable, row: Row, day: str, decision: AppointmentDecision,
             lang: Lang) -> Outcome:
    if not decision.hits:
        return Outcome(row.number, row.values, day, Decision.ALLOWED)
    verdict = Decision.NEEDS_REVIEW if decision.allowed else Decision.REFUSED
    rules = {h.rule_id: h.title.in_(lang) for h in decision.hits}
    return Outcome(row.number, row.values, day, verdict, tuple(rules), tuple(rules.values()),
                   tuple(_reason(table, h, lang) for h in decision.hits))


def screen_rows(analyses: Analyses, rows: Sequence[Row], as_of: str,
                lang: Lang = Lang.EN) -> list[Outcome]:
    """Decisions for one chunk of rows, in their order; a row without a date is checked on
    `as_of`."""
    outcomes: dict[int, Outcome] = {}
    valid: list[tuple[Row, dict[str, Any]]] = []
    for row in rows:
        values, problems = check_row(SECTION, row)
        if problems:
            reasons = tuple(f"{p.column}: {p.reason}" + (f" ({p.value})" if p.value else "")
                            for p in problems)
            outcomes[row.number] = Outcome(row.number, row.values, "", Decision.INVALID,
                                           reasons=reasons)
        else:
            valid.append((row, values))
    days = [v.get("date", as_of) for _, v in valid]
    at = Moment(min(days, default=as_of))
    persons = sorted({v["person_id"] for _, v in valid})
    known = {i for i, e in analyses.links.entities(persons, at).items() if e.label == "Person"}
    enterprises = analyses.backend.resolve_enterprises(sorted({v["uscc"] for _, v in valid}), at)
    restrictions = analyses.restrictions
    hits = restrictions.hits_for_persons(known, max(days), at) if known else {}
    objections = restrictions.objections_for([h for found in hits.values() for h in found], at)
    table = restrictions.table
    types = {i: e.props.get("type")
             for i, e in analyses.links.entities(sorted(set(enterprises.values())), at).items()}
    for row, v in valid:
        day, person = v.get("date", as_of), v["person_id"]
        if person not in known:
            outcomes[row.number] = Outcome(row.number, row.values, day, Decision.INVALID,
                                           reasons=(f"person_id: no person {person} in the "
                                                    "registry",))
            continue
        enterprise = enterprises.get(v["uscc"], v["uscc"])
        judged = mark_disputed(table, analyses.backend.model, hits.get(person, []), day,
                               objections)
        decision = decide(table, judged, person, enterprise, types.get(enterprise), v["role"],
                          day)
        outcomes[row.number] = _outcome(table, row, day, decision, lang)
    return [outcomes[row.number] for row in rows]


def _count_rows(path: Path) -> int:
    """Data rows, for the progress bar (a CSV cell spanning lines makes it an overestimate)."""
    if path.suffix.lower() == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        try:
            return max(0, (book.worksheets[0].max_row or 1) - 1)
        finally:
            book.close()
    with path.open("rb") as fh:
        return max(0, sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b"")) - 1)


@contextmanager
def _progress(show: bool, total: int) -> Iterator[tuple[Progress, Any] | None]:
    if not show:
        yield None
        return
    columns = (TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as bar:
        yield bar, bar.add_task("screening", total=total)


def require_loaded(store: GraphStore) -> None:
    """Raise EmptyStoreError when the store holds no enterprise and no person: nothing was
    loaded, and every row of a screening would only come out invalid."""
    loaded = store.counts().nodes
    if not loaded.get("Enterprise") and not loaded.get("Person"):
        raise EmptyStoreError("the store holds no enterprise and no person: "
                              "load a dataset first (credgraph load FOLDER)")


def screen_file(
    path: Path,
    analyses: Analyses,
    *,
    as_of: str,
    out: Path,
    progress: bool = False,
    chunk_size: int = CHUNK,
    lang: Lang = Lang.EN,
) -> ScreenReport:
    """Screen every row of the file into `out` (.csv or .xlsx), titles and reasons in `lang`.

    Raises BadInputError for an output that is neither, DatasetError when the
    file cannot be read or lacks a required column (nothing is written then).
    """
    check_output(out, "decision file")
    if not path.is_file():
        raise DatasetError(str(path), "no such file")
    started = time.perf_counter()
    source = inspect_file(SECTION, path)
    report = ScreenReport()
    with (TableWriter(out, OUTPUT_COLUMNS, "decisions") as writer,
          _progress(progress, _count_rows(path)) as bar):
        for chunk in read_chunks(source, chunk_size):
            outcomes = screen_rows(analyses, chunk, as_of, lang)
            writer.write(o.cells() for o in outcomes)
            report.rows += len(outcomes)
            report.counts.update(o.decision for o in outcomes)
            if bar is not None:
                bar[0].update(bar[1], completed=report.rows)
        writer.finish({"summary": [["decision", "rows"],
                                   *([d.value, report.counts[d]] for d in Decision)]})
    report.seconds = time.perf_counter() - started
    return report

