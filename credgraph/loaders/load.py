"""Loading a dataset folder into a store: check every file, then stream each section."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from credgraph.graph.records import EdgeRecord, NodeRecord
from credgraph.graph.store import GraphStore
from credgraph.loaders.build import (
    BUILDERS,
    Builder,
    Checked,
    Resolved,
    RowRejected,
    check_row,
    enterprise_refs,
    entity_refs,
)
from credgraph.loaders.report import Finding, FindingsWriter
from credgraph.loaders.rows import Rows, RowSource, folder_rows


@dataclass
class SectionStats:
    section: str
    file: str
    rows: int = 0
    loaded: int = 0
    rejected: int = 0
    warnings: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class LoadReport:
    batch_id: str
    sections: list[SectionStats] = field(default_factory=list)
    rejects_path: Path | None = None
    warnings_path: Path | None = None
    seconds: float = 0.0

    @property
    def rejected(self) -> int:
        return sum(s.rejected for s in self.sections)

    @property
    def warnings(self) -> int:
        return sum(s.warnings for s in self.sections)


def batch_id_for(sources: Sequence[RowSource]) -> str:
    """The same files give the same batch id, so a re-load writes identical provenance."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(f"{source.name}:{source.digest};".encode())
    return "b" + digest.hexdigest()[:16]


class _SectionLoader:
    """Loads one file chunk by chunk, sending refused rows and warnings to the reports."""

    def __init__(
        self,
        store: GraphStore,
        source: RowSource,
        provenance: dict[str, Any],
        rejects: FindingsWriter,
        warnings: FindingsWriter,
        parsers: Mapping[str, Callable[[str], Any]],
    ) -> None:
        self.store, self.source = store, source
        self.provenance, self.parsers = provenance, parsers
        self.rejects, self.warnings = rejects, warnings
        self.stats = SectionStats(source.section.name, source.name)
        self.created: set[str] = set()

    def _warn(self, row: int, column: str, value: str, message: str) -> None:
        self.warnings.add(Finding(self.source.name, row, column, value, message))
        self.stats.warnings += 1

    def _reject(self, row: int, problems: list[RowRejected]) -> None:
        for p in problems:
            self.rejects.add(Finding(self.source.name, row, p.column, p.value, p.reason))
        self.stats.rejected += 1

    def prepare(self, rows: list[Any]) -> tuple[list[NodeRecord], list[EdgeRecord]]:
        """Check and build a chunk's records; refused rows go to the report here."""
        section = self.source.section
        checked: list[Checked] = []
        for row in rows:
            if row.overflow:
                width = self.source.width
                self._reject(row.number, [RowRejected(
                    "", "", f"{row.overflow} cell(s) beyond the header's {width} columns")])
                continue
            values, problems = check_row(section, row, self.parsers)
            if problems:
                self._reject(row.number, problems)
            else:
                checked.append(Checked(row, values))
        resolved = Resolved(
            enterprises=self.store.resolve_enterprises(
                {r for c in checked for r in enterprise_refs(section, c.values)}
            ),
            entities=self.store.existing_entities(
                {r for c in checked for r in entity_refs(section, c.values)}
            ),
            created=self.created,
        )
        nodes: list[NodeRecord] = []
        edges: list[EdgeRecord] = []
        build = BUILDERS[section.name]
        for c in checked:
            builder = Builder(section, resolved, c.values, c.row)
            try:
                build(builder)
            except RowRejected as problem:
                self._reject(c.row.number, [problem])
                continue
            stamp = {**self.provenance, "src_row": c.row.number}
            nodes.extend(NodeRecord(n.label, n.id, {**n.props, **stamp}, n.placeholder)
                         for n in builder.out.nodes)
            edges.extend(EdgeRecord(e.type, e.key, e.source, e.target, {**e.props, **stamp})
                         for e in builder.out.edges)
            for column, value, message in builder.out.warnings:
                self._warn(c.row.number, column, value, message)
            self.stats.loaded += 1
        self.stats.rows += len(rows)
        return nodes, edges

    def write(self, nodes: list[NodeRecord], edges: list[EdgeRecord]) -> None:
        """Nodes first, so the chunk's placeholders exist before the edges that need them."""
        if nodes:
            self.store.write_nodes(nodes)
        if edges:
            self.store.write_edges(edges)


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

    Raises DatasetError, having written nothing, when a file cannot be read.
    """
    return load_rows(folder_rows(folder), store, rejects_path=rejects_path,
                     warnings_path=warnings_path, batch_size=batch_size, progress=progress)


def load_rows(
    rows: Rows,
    store: GraphStore,
    *,
    rejects_path: Path,
    warnings_path: Path | None = None,
    batch_size: int = 5000,
    progress: bool = False,
) -> LoadReport:
    """Load rows from any source (rows.py): the one path every load takes."""
    started = time.perf_counter()
    sources = rows.sources
    warnings_path = warnings_path or rejects_path.with_name(rejects_path.stem + ".warnings.csv")
    report = LoadReport(batch_id_for(sources), rejects_path=rejects_path,
                        warnings_path=warnings_path)
    provenance_base = {
        "batch_id": report.batch_id,
        "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    store.ensure_schema()
    with (
        FindingsWriter(rejects_path) as rejects,
        FindingsWriter(warnings_path) as warnings,
        _progress(progress) as bar,
    ):
        for source in sources:
            loader = _SectionLoader(
                store, source, {**provenance_base, "src_file": source.name}, rejects, warnings,
                rows.parsers,
            )
            for header in source.unknown_columns:
                loader._warn(1, header, "", "unknown column: ignored")
            task: TaskID | None = (
                bar.add_task(source.section.name, total=None, rate="") if bar else None
            )
            section_start = time.perf_counter()
            # One writer thread: the store takes chunk N while chunk N+1 is read and checked.
            # A section's writes all finish before the next section resolves references.
            with ThreadPoolExecutor(max_workers=1) as writer:
                pending: Future[None] | None = None
                for chunk in source.chunks(batch_size):
                    records = loader.prepare(chunk)
                    if pending is not None:
                        pending.result()
                    pending = writer.submit(loader.write, *records)
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
        for stats in report.sections:
            if stats.section == "shareholdings":
                for enterprise, total in store.overfull_enterprises():
                    warnings.add(Finding(stats.file, 0, "percent", enterprise,
                                         f"open holdings add up to {total:.2f}% (over 100%)"))
                    stats.warnings += 1
    store.commit()
    report.seconds = time.perf_counter() - started
    return report


