"""Loading a dataset folder (or another format's file, as rows) into a store: check every
file, then stream each section.

Each chunk of rows is checked and built into fact versions while the previous
chunk is written; it is then planned against the facts' heads in the store
(credgraph.loaders.plan) and written as one change set. A full extract
(manifest.yaml, `kind: full`) finally withdraws the facts of its source and
sections that it no longer supplies.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from credgraph.graph.keys import Keys
from credgraph.graph.model import LOAD_RUN
from credgraph.graph.records import ChangeSet, NodeRecord, Retirement
from credgraph.graph.store import GraphStore
from credgraph.loaders.build import (
    BUILDERS,
    FACT_KEYS,
    Builder,
    Built,
    Checked,
    Resolved,
    RowRejected,
    Stamp,
    check_row,
    check_rows,
    enterprise_refs,
    entity_refs,
    parse_fact_key,
)
from credgraph.loaders.manifest import FeedKind, Manifest
from credgraph.loaders.objections import OBJECTIONS, build_objection
from credgraph.loaders.plan import Outcome, Planner, Refused
from credgraph.loaders.report import Finding, FindingsWriter
from credgraph.loaders.rows import Rows, RowSource, folder_rows
from credgraph.runtime import collector_settled

ROW = ""
"""The column of a finding that names none: a row refused as a whole (a stale version, a
retraction of an unknown fact)."""

SHAREHOLDINGS = "shareholdings"
"""The section whose open holdings of an enterprise are checked against 100% after a load."""

EXAMPLES = 3
"""Findings kept as examples of each reason."""

_REASON_END = re.compile(r"[;:(（]")


def reason_class(reason: str) -> str:
    """What a finding's reason says without its particulars (the values in parentheses, the
    detail after a colon or semicolon): the findings a report counts together."""
    return _REASON_END.split(reason, maxsplit=1)[0].strip() or reason


@dataclass
class ColumnStats:
    """What one column's cells did in a file: cells with a value, rows refused for the column,
    warnings about it."""

    filled: int = 0
    refused: int = 0
    warned: int = 0


@dataclass
class ReasonStats:
    """Findings of one kind (refused or warned), column and reason class, with examples."""

    count: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)
    """Up to EXAMPLES findings: row, value and the reason as written."""


@dataclass
class SectionStats:
    section: str
    file: str
    rows: int = 0
    loaded: int = 0
    rejected: int = 0
    warnings: int = 0
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    """Facts created, corrected, retracted and unchanged by the file's rows."""
    supplied: tuple[str, ...] = ()
    """The section's columns the file has (docs/data-format.md names)."""
    columns: dict[str, ColumnStats] = field(default_factory=lambda: defaultdict(ColumnStats))
    reasons: dict[tuple[str, str, str], ReasonStats] = field(
        default_factory=lambda: defaultdict(ReasonStats))
    """(kind, column, reason class) -> findings."""
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def fill(self, values: Iterator[dict[str, str]]) -> None:
        """Count the cells with a value, per column."""
        filled = Counter(chain.from_iterable(values))
        for column, count in filled.items():
            self.columns[column].filled += count

    def finding(self, kind: str, row: int, columns: str, value: str, reason: str,
                standard: bool = True) -> None:
        """Count one finding (kind `refused` or `warned`) under its reason class and, for a
        `standard` column (docs/data-format.md; not an unknown header), under the column(s) it
        names (`uscc/reg_no` names both)."""
        for column in (columns.split("/") if columns else [ROW]) if standard else ():
            stats = self.columns[column]
            if kind == REFUSED:
                stats.refused += 1
            else:
                stats.warned += 1
        found = self.reasons[(kind, columns, reason_class(reason))]
        found.count += 1
        if len(found.examples) < EXAMPLES:
            found.examples.append({"row": row, "value": value, "reason": reason})

    def as_report(self) -> dict[str, Any]:
        """The section's counts as the store keeps them (JSON-ready)."""
        return {
            "section": self.section, "file": self.file, "rows": self.rows,
            "loaded": self.loaded, "refused": self.rejected, "warnings": self.warnings,
            "seconds": round(self.seconds, 3), "outcomes": dict(sorted(self.outcomes.items())),
            "supplied": list(self.supplied),
            "columns": {c: {"filled": s.filled, "refused": s.refused, "warned": s.warned}
                        for c, s in sorted(self.columns.items())},
            "reasons": [{"kind": kind, "column": column, "reason": reason, "count": r.count,
                         "examples": r.examples}
                        for (kind, column, reason), r in sorted(
                            self.reasons.items(), key=lambda item: (-item[1].count, item[0]))],
            "unknown_columns": list(self.unknown_columns),
        }


REFUSED, WARNED = "refused", "warned"
"""The kinds of finding a report counts."""


@dataclass
class LoadReport:
    batch_id: str
    manifest: Manifest = field(default_factory=Manifest)
    recorded_at: str = ""
    sections: list[SectionStats] = field(default_factory=list)
    withdrawn: dict[str, int] = field(default_factory=dict)
    """Full extracts: per section, the facts of the source it no longer supplied."""
    rejects_path: Path | None = None
    warnings_path: Path | None = None
    seconds: float = 0.0
    data_version: int = 0
    steps: dict[str, float] = field(default_factory=dict)
    """Seconds of what a store did after the rows were written (a bulk load's import)."""

    @property
    def rejected(self) -> int:
        return sum(s.rejected for s in self.sections)

    @property
    def warnings(self) -> int:
        return sum(s.warnings for s in self.sections)

    @property
    def changed(self) -> int:
        """Facts the load created, corrected or withdrew."""
        return sum(n for s in self.sections for o, n in s.outcomes.items()
                   if o != Outcome.UNCHANGED) + sum(self.withdrawn.values())

    def log_entry(self, run_id: str, folder: str, loaded_at: str) -> NodeRecord:
        """The load as the store keeps it (a LoadRun): the data-quality report's raw counts."""
        report = {"sections": [s.as_report() for s in self.sections],
                  "withdrawn": dict(sorted(self.withdrawn.items())), "changed": self.changed}
        return NodeRecord(LOAD_RUN, run_id, {
            "batch_id": self.batch_id, "source": self.manifest.source,
            "kind": self.manifest.kind.value, "folder": folder,
            "recorded_at": self.recorded_at, "loaded_at": loaded_at,
            "data_version": self.data_version, "seconds": round(self.seconds, 3),
            "report": json.dumps(report, ensure_ascii=False, sort_keys=True),
        })


def batch_id_for(sources: Sequence[RowSource], manifest: Manifest) -> str:
    """The same files give the same batch id, so a re-load writes identical provenance."""
    digest = hashlib.sha256(manifest.model_dump_json().encode())
    for source in sources:
        digest.update(f"{source.name}:{source.digest};".encode())
    return "b" + digest.hexdigest()[:16]


@dataclass
class _Prepared:
    """A chunk checked and built, waiting to be planned against the store."""

    rows: list[tuple[Checked, Built]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    """The section's facts the chunk's rows name, refused ones included (full extracts)."""


class _SectionLoader:
    """Loads one file chunk by chunk, sending refused rows and warnings to the reports."""

    def __init__(self, store: GraphStore, source: RowSource, stamp: Stamp,
                 rejects: FindingsWriter, warnings: FindingsWriter,
                 parsers: Mapping[str, Callable[[str], Any]], full: bool) -> None:
        self.store, self.source, self.stamp = store, source, stamp
        self.parsers = parsers
        self.rejects, self.warnings = rejects, warnings
        self.stats = SectionStats(source.section.name, source.name,
                                  supplied=tuple(source.supplied),
                                  unknown_columns=list(source.unknown_columns))
        self.created: set[str] = set()
        self.seen = Keys((source.section.name,)) if full else None
        """A full extract's: every fact of the section its rows name, kept until the facts
        it no longer supplies are withdrawn, each key's text once in a buffer (a set of
        strings cost about 120 bytes a key: 357,000 keys, 40 MiB at 30,000 enterprises)."""
        self.held: set[str] = set()
        """Shareholdings: the enterprises whose holdings the rows name (refused ones
        included), whose open holdings are checked against 100% once the load is in."""

    def _warn(self, row: int, column: str, value: str, message: str,
              standard: bool = True) -> None:
        self.warnings.add(Finding(self.source.name, row, column, value, message))
        self.stats.warnings += 1
        self.stats.finding(WARNED, row, column, value, message, standard)

    def _reject(self, row: int, problems: list[RowRejected]) -> None:
        for p in problems:
            self.rejects.add(Finding(self.source.name, row, p.column, p.value, p.reason))
        for column in sorted({p.column for p in problems}):
            first = next(p for p in problems if p.column == column)
            self.stats.finding(REFUSED, row, column, first.value, first.reason)
        self.stats.rejected += 1

    def prepare(self, rows: list[Any]) -> _Prepared:
        """Check and build a chunk; refused rows go to the report here."""
        section = self.source.section
        checked: list[Checked] = []
        prepared = _Prepared()
        self.stats.fill(row.values for row in rows)
        for row, (values, problems) in zip(rows, check_rows(section, rows, self.parsers),
                                           strict=True):
            if problems:
                self._reject(row.number, problems)
                self._note_refused_key(row, prepared)
            else:
                checked.append(Checked(row, values))
        enterprises, entities = self.store.references(
            {r for c in checked for r in enterprise_refs(section, c.values)},
            {r for c in checked for r in entity_refs(section, c.values)},
        )
        resolved = Resolved(enterprises, entities, self.created)
        for c in checked:
            builder = Builder(section, resolved, c, self.stamp)
            try:
                prepared.seen.update(FACT_KEYS[section.name](builder))
                if c.retract:
                    builder.out.retract = FACT_KEYS[section.name](builder)
                elif section.name == OBJECTIONS:
                    build_objection(builder)
                else:
                    BUILDERS[section.name](builder)
            except RowRejected as problem:
                self._reject(c.row.number, [problem])
                continue
            prepared.rows.append((c, builder.out))
        self.stats.rows += len(rows)
        return prepared

    def _note_refused_key(self, row: Any, prepared: _Prepared) -> None:
        """A refused row's fact still counts as supplied when its key can be read, so that a
        full extract never withdraws a fact only because its row had a fault."""
        section = self.source.section
        values, problems = check_row(section, type(row)(row.number, {
            **{k: v for k, v in row.values.items() if k in section.keys}, "op": "retract"}),
            self.parsers)
        if not problems:
            checked = Checked(row, values)
            builder = Builder(section, Resolved({}, {}), checked, self.stamp)
            try:
                prepared.seen.update(FACT_KEYS[section.name](builder))
            except (KeyError, RowRejected):
                return

    def plan(self, prepared: _Prepared) -> ChangeSet:
        """Plan the chunk against the store's heads; rows that cannot apply are refused."""
        section = self.source.section.name
        if self.seen is not None:
            for fact in prepared.seen:
                self.seen.add(0, fact)
        if section == SHAREHOLDINGS:
            spec = self.source.section
            self.held.update(parse_fact_key(spec, fact, ("enterprise",))["enterprise"]
                             for fact in prepared.seen)
        wanted: dict[str, set[str]] = defaultdict(set)
        for _, built in prepared.rows:
            for version in built.versions:
                wanted[version.section].add(version.fact)
            wanted[section].update(built.retract)
            for target in built.objected:
                wanted[target[0]].add(target[1])
        planner = Planner(self.store.heads_of(wanted))
        for checked, built in prepared.rows:
            self._plan_row(planner, checked, built)
        return planner.changes

    def _plan_row(self, planner: Planner, checked: Checked, built: Built) -> None:
        number, section = checked.row.number, self.source.section.name
        planner.begin_row()
        outcomes: list[Outcome] = []
        notes: list[str] = []
        try:
            for fact in built.retract:
                outcomes.append(planner.retract(section, fact, self.stamp.rec,
                                                checked.values.get("op_reason")))
            for target in built.objected:
                if target not in planner.heads:
                    raise Refused(f"no {target[0]} fact with key {target[1]!r} in the register")
            for version in built.versions:
                outcome, note = planner.upsert(version, derived=version.section != section)
                if version.section == section:
                    outcomes.append(outcome)
                if note:
                    notes.append(note)
            for target, reason in built.withdraws:
                planner.withdraw(*target, self.stamp.rec, reason)
        except Refused as refused:
            planner.rollback()
            self._reject(number, [RowRejected("", "", str(refused))])
            return
        changes = planner.changes
        changes.identities.extend(built.identities)
        self.stats.outcomes.update(outcomes)
        for column, value, message in built.warnings:
            self._warn(number, column, value, message)
        for note in notes:
            self._warn(number, "", "", note)
        self.stats.loaded += 1

    def write(self, changes: ChangeSet) -> None:
        self.store.apply(changes)

    def supplied(self, fact: str) -> bool:
        """Whether a full extract's rows named this fact of the section."""
        if self.seen is None:
            raise ValueError("only a full extract keeps the facts its rows name")
        return self.seen.find(0, fact) >= 0


UNPLACED = "(not placed)"
"""The summary line of records that became no row (statements of another format)."""
NOTED = "(notes)"
"""The summary line of notes about records: parts left out or worked out."""


def _unplaced(rows: Rows, rejects: FindingsWriter,
              warnings: FindingsWriter) -> list[SectionStats]:
    """Report the records refused before they became rows, and the notes about records."""
    stats: dict[tuple[str, str], SectionStats] = {}
    for finding in rows.refused:
        rejects.add(finding)
        entry = stats.setdefault((UNPLACED, finding.file), SectionStats(UNPLACED, finding.file))
        entry.rows += 1
        entry.rejected += 1
    for finding in rows.notes:
        warnings.add(finding)
        entry = stats.setdefault((NOTED, finding.file), SectionStats(NOTED, finding.file))
        entry.warnings += 1
    return list(stats.values())


@contextmanager
def _progress(show: bool) -> Iterator[Progress | None]:
    if not show:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description:<18}"),
        TextColumn("{task.completed:>10,.0f} rows"),
        TextColumn("{task.fields[rate]:>9} rows/s"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=False) as progress:
        yield progress


def _withdraw_unsupplied(store: GraphStore, section: str, source: str,
                         supplied: Callable[[str], bool], rec: str, batch_size: int) -> int:
    """A full extract: retire the source's facts of the section that it no longer supplies."""
    gone = sorted(f for f in store.visible_facts(section, source) if not supplied(f))
    for start in range(0, len(gone), batch_size):
        store.apply(ChangeSet(retire=[Retirement(section, fact, rec,
                                                 f"not in the full extract of {source}")
                                      for fact in gone[start:start + batch_size]]))
    return len(gone)


def load_dataset(
    folder: Path,
    store: GraphStore,
    *,
    rejects_path: Path,
    warnings_path: Path | None = None,
    batch_size: int = 5000,
    progress: bool = False,
) -> LoadReport:
    """Load every section of the folder.

    Raises DatasetError, having written nothing, when a file (or the manifest) cannot
    be read.
    """
    now = datetime.now(UTC)
    return load_rows(folder_rows(folder, now), store, rejects_path=rejects_path,
                     warnings_path=warnings_path, batch_size=batch_size, progress=progress,
                     now=now)


def load_rows(
    rows: Rows,
    store: GraphStore,
    *,
    rejects_path: Path,
    warnings_path: Path | None = None,
    batch_size: int = 5000,
    progress: bool = False,
    now: datetime | None = None,
) -> LoadReport:
    """Load rows from any source (credgraph.loaders.rows): the one path every load takes.

    `now` is the load time (provenance, and the recorded time when the manifest gives none).
    """
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    manifest, sources = rows.manifest, rows.sources
    warnings_path = warnings_path or rejects_path.with_name(rejects_path.stem + ".warnings.csv")
    report = LoadReport(batch_id_for(sources, manifest), manifest, manifest.recorded_at(now),
                        rejects_path=rejects_path, warnings_path=warnings_path)
    provenance = {"batch_id": report.batch_id,
                  "loaded_at": now.isoformat(timespec="seconds")}
    store.ensure_schema()
    loaders: list[_SectionLoader] = []
    with (
        FindingsWriter(rejects_path) as rejects,
        FindingsWriter(warnings_path) as warnings,
        _progress(progress) as bar,
        collector_settled() as settle,
    ):
        for source in sources:
            stamp = Stamp(report.recorded_at, manifest.source,
                          {**provenance, "src_file": source.name})
            loader = _SectionLoader(store, source, stamp, rejects, warnings, rows.parsers,
                                    manifest.kind is FeedKind.FULL)
            loaders.append(loader)
            for header in source.unknown_columns:
                loader._warn(1, header, "", "unknown column: ignored", standard=False)
            task: TaskID | None = (
                bar.add_task(source.section.name, total=None, rate="") if bar else None
            )
            section_start = time.perf_counter()
            # One writer thread: the store takes chunk N while chunk N+1 is read, checked and
            # built; N+1 is planned once N is written, against the heads N left.
            with ThreadPoolExecutor(max_workers=1) as writer:
                pending: Future[None] | None = None
                for chunk in source.chunks(batch_size):
                    prepared = loader.prepare(chunk)
                    if pending is not None:
                        pending.result()
                    pending = writer.submit(loader.write, loader.plan(prepared))
                    settle()
                    loader.stats.seconds = time.perf_counter() - section_start
                    if bar is not None and task is not None:
                        bar.update(task, completed=loader.stats.rows,
                                   rate=f"{loader.stats.rows_per_second:,.0f}")
                if pending is not None:
                    pending.result()
            loader.stats.seconds = time.perf_counter() - section_start
            if bar is not None and task is not None:
                bar.update(task, total=loader.stats.rows)
            report.sections.append(loader.stats)
        report.sections.extend(_unplaced(rows, rejects, warnings))
        if manifest.kind is FeedKind.FULL:
            for loader in loaders:
                name = loader.source.section.name
                report.withdrawn[name] = _withdraw_unsupplied(
                    store, name, manifest.source, loader.supplied, report.recorded_at,
                    batch_size)
        # The check below reads back what was written (a bulk load's data is only readable
        # once imported); the store commits once, with the load's log entry (an embedded
        # file is written once per load, and never without its log entry).
        store.make_readable()
        report.steps = dict(store.steps)
        for loader in loaders:
            if loader.source.section.name == SHAREHOLDINGS:
                stats = loader.stats
                for enterprise, total in store.overfull_enterprises(loader.held):
                    message = f"open holdings add up to {total:.2f}% (over 100%)"
                    warnings.add(Finding(stats.file, 0, "percent", enterprise, message))
                    stats.warnings += 1
                    stats.finding(WARNED, 0, "percent", enterprise, message)
    report.data_version = store.data_version()
    report.seconds = time.perf_counter() - started
    run_id = f"{now:%Y%m%dT%H%M%S.%fZ}-{report.batch_id}"
    store.apply(ChangeSet(log=[report.log_entry(run_id, rows.origin, provenance["loaded_at"])]))
    store.commit()
    return report
