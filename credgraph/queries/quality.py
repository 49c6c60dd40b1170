"""The data-quality report: how well each load and each supplying department conforms to the
data standard (数据标准执行率), read from the load runs the store keeps.

Every load leaves a LoadRun in the store's log with its raw counts per section and column
(credgraph.loaders.load). This module turns them into rates, per load, per source department
(the manifest's `source`) and over time:

* a section's conformance is the share of its rows that were loaded (not refused);
* a column's conformance is the share of the rows whose value in that column broke no rule
  (rows seen minus rows refused for that column): a row refused for its date still counts
  as conforming for its name;
* warnings (data-quality notes on loaded rows) are counted beside the rates, not in them;
* the findings are grouped by kind, column and reason (the reason without its particulars)
  and the most frequent come with examples.

docs/data-quality.md explains the report for a registry.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from credgraph.queries.backend.base import Backend
from credgraph.queries.time import Moment

ROW = ""
"""The column of findings that name none (a row refused as a whole)."""

TOP_REASONS = 10
"""Reasons shown per section, most frequent first."""

EXAMPLES = 3


def rate(good: int, seen: int) -> float | None:
    """The share that conforms, 0 to 1; None when nothing was seen."""
    return good / seen if seen else None


@dataclass(frozen=True, slots=True)
class Example:
    file: str
    row: int
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class Reason:
    kind: str
    """`refused` or `warned`."""
    column: str
    reason: str
    count: int
    examples: tuple[Example, ...]


@dataclass(frozen=True, slots=True)
class ColumnQuality:
    column: str
    seen: int
    """Rows of files that have the column (every row is checked against its rules)."""
    filled: int
    """Cells with a value."""
    refused: int
    """Rows refused for a fault in this column."""
    warned: int

    @property
    def valid(self) -> int:
        return self.seen - self.refused

    @property
    def rate(self) -> float | None:
        return rate(self.valid, self.seen)


@dataclass(frozen=True, slots=True)
class SectionQuality:
    section: str
    files: tuple[str, ...]
    rows: int
    loaded: int
    refused: int
    warnings: int
    columns: tuple[ColumnQuality, ...]
    reasons: tuple[Reason, ...]
    """The most frequent first (TOP_REASONS of them)."""
    unknown_columns: tuple[str, ...]
    outcomes: Mapping[str, int]

    @property
    def rate(self) -> float | None:
        return rate(self.loaded, self.rows)


@dataclass(frozen=True, slots=True)
class Totals:
    rows: int
    loaded: int
    refused: int
    warnings: int

    @property
    def rate(self) -> float | None:
        return rate(self.loaded, self.rows)


def _totals(sections: Iterable[SectionQuality]) -> Totals:
    found = list(sections)
    return Totals(sum(s.rows for s in found), sum(s.loaded for s in found),
                  sum(s.refused for s in found), sum(s.warnings for s in found))


@dataclass(frozen=True, slots=True)
class LoadQuality:
    """One load of a dataset folder."""

    id: str
    batch_id: str
    source: str
    kind: str
    folder: str
    recorded_at: str
    loaded_at: str
    data_version: int
    seconds: float
    sections: tuple[SectionQuality, ...]
    withdrawn: Mapping[str, int]

    @property
    def totals(self) -> Totals:
        return _totals(self.sections)


@dataclass(frozen=True, slots=True)
class SourceQuality:
    """Every load of one supplying department, merged, and the loads in recorded order."""

    source: str
    loads: tuple[LoadQuality, ...]
    sections: tuple[SectionQuality, ...]

    @property
    def totals(self) -> Totals:
        return _totals(self.sections)


@dataclass(frozen=True, slots=True)
class QualityReport:
    loads: tuple[LoadQuality, ...]
    """In recorded order (then load time)."""
    sources: tuple[SourceQuality, ...]
    """By source name."""

    @property
    def totals(self) -> Totals:
        return _totals(s for source in self.sources for s in source.sections)


def _section(raw: Mapping[str, Any]) -> SectionQuality:
    """One section of one load from the counts the loader kept."""
    rows, supplied = int(raw["rows"]), set(raw.get("supplied", ()))
    counts: Mapping[str, Mapping[str, int]] = raw.get("columns", {})
    names = sorted(supplied | {c for c, n in counts.items() if n.get("refused") or n.get("warned")})
    columns = tuple(
        ColumnQuality(c, rows if c in supplied or c == ROW else 0,
                      int(counts.get(c, {}).get("filled", 0)),
                      int(counts.get(c, {}).get("refused", 0)),
                      int(counts.get(c, {}).get("warned", 0)))
        for c in names)
    reasons = tuple(
        Reason(r["kind"], r["column"], r["reason"], int(r["count"]),
               tuple(Example(raw["file"], int(e["row"]), str(e["value"]), str(e["reason"]))
                     for e in r["examples"]))
        for r in raw.get("reasons", ()))
    return SectionQuality(raw["section"], (raw["file"],), rows, int(raw["loaded"]),
                          int(raw["refused"]), int(raw["warnings"]), columns, reasons,
                          tuple(raw.get("unknown_columns", ())), dict(raw.get("outcomes", {})))


def load_quality(entry: Mapping[str, Any]) -> LoadQuality:
    """A load run as the store keeps it, read into rates."""
    report = json.loads(entry["report"])
    return LoadQuality(
        id=str(entry["id"]), batch_id=str(entry["batch_id"]), source=str(entry["source"]),
        kind=str(entry["kind"]), folder=str(entry.get("folder") or ""),
        recorded_at=str(entry["recorded_at"]), loaded_at=str(entry["loaded_at"]),
        data_version=int(entry["data_version"]), seconds=float(entry["seconds"]),
        sections=tuple(_section(s) for s in report["sections"]),
        withdrawn=dict(report.get("withdrawn", {})))


def _merge_reasons(reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    merged: dict[tuple[str, str, str], tuple[int, list[Example]]] = {}
    for r in reasons:
        count, examples = merged.get((r.kind, r.column, r.reason), (0, []))
        merged[(r.kind, r.column, r.reason)] = (
            count + r.count, (examples + list(r.examples))[:EXAMPLES])
    ordered = sorted(merged.items(), key=lambda item: (-item[1][0], item[0]))
    return tuple(Reason(kind, column, reason, count, tuple(examples))
                 for (kind, column, reason), (count, examples) in ordered[:TOP_REASONS])


def merge_sections(sections: Iterable[SectionQuality]) -> tuple[SectionQuality, ...]:
    """Sections of several loads added up, section by section and column by column."""
    by_name: dict[str, list[SectionQuality]] = defaultdict(list)
    for s in sections:
        by_name[s.section].append(s)
    merged = []
    for name, parts in by_name.items():
        columns: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for part in parts:
            for c in part.columns:
                total = columns[c.column]
                for i, n in enumerate((c.seen, c.filled, c.refused, c.warned)):
                    total[i] += n
        outcomes: dict[str, int] = defaultdict(int)
        for part in parts:
            for outcome, n in part.outcomes.items():
                outcomes[outcome] += n
        merged.append(SectionQuality(
            name, tuple(dict.fromkeys(f for p in parts for f in p.files)),
            sum(p.rows for p in parts), sum(p.loaded for p in parts),
            sum(p.refused for p in parts), sum(p.warnings for p in parts),
            tuple(ColumnQuality(c, *n) for c, n in sorted(columns.items())),
            _merge_reasons(r for p in parts for r in p.reasons),
            tuple(dict.fromkeys(u for p in parts for u in p.unknown_columns)),
            dict(sorted(outcomes.items()))))
    return tuple(merged)


def build_report(entries: Sequence[Mapping[str, Any]], source: str | None = None
                 ) -> QualityReport:
    """The report of the load runs given (of one source when named)."""
    loads = sorted((load_quality(e) for e in entries),
                   key=lambda load: (load.recorded_at, load.loaded_at, load.id))
    if source is not None:
        loads = [load for load in loads if load.source == source]
    by_source: dict[str, list[LoadQuality]] = defaultdict(list)
    for load in loads:
        by_source[load.source].append(load)
    sources = tuple(SourceQuality(name, tuple(runs),
                                  merge_sections(s for run in runs for s in run.sections))
                    for name, runs in sorted(by_source.items()))
    return QualityReport(tuple(loads), sources)


def quality_report(backend: Backend, at: Moment, source: str | None = None) -> QualityReport:
    """The report of every load recorded by `at.known` (of one source when named)."""
    return build_report(backend.load_runs(at), source)
