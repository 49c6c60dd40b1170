"""Tables the supervision commands write: the data-quality report, the cross-check clues and
the approval notices, as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese) or
.xlsx (one sheet per table)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from credgraph.exc import BadInputError
from credgraph.queries.checks.definitions import Evidence
from credgraph.queries.checks.service import CheckRun
from credgraph.queries.notices.catalogue import Catalogue, marked
from credgraph.queries.notices.service import REASONS, Notice
from credgraph.queries.quality import QualityReport, SectionQuality
from credgraph.queries.restrictions.rules import Lang


@dataclass(frozen=True)
class Sheet:
    """One table: its name (the sheet, or the CSV file's suffix), header and rows."""

    name: str
    header: tuple[str, ...]
    rows: list[list[Any]]


@dataclass(frozen=True)
class Marked:
    """A text with spans to highlight (start, end): red and bold in .xlsx, 【】 in CSV."""

    text: str
    spans: tuple[tuple[int, int], ...]

    def bracketed(self) -> str:
        return marked(self.text, self.spans)

    def rich(self) -> CellRichText:
        highlight = InlineFont(b=True, color="C00000")
        parts: list[str | TextBlock] = []
        at = 0
        for start, end in sorted(self.spans):
            if start < at:
                continue
            if start > at:
                parts.append(self.text[at:start])
            parts.append(TextBlock(highlight, self.text[start:end]))
            at = end
        if at < len(self.text):
            parts.append(self.text[at:])
        return CellRichText(parts)


def check_output(path: Path) -> None:
    """An output the writers can make (before any work is done)."""
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise BadInputError(f"{path.name}: the output must be .csv or .xlsx")


def write_tables(path: Path, sheets: Sequence[Sheet]) -> list[Path]:
    """Write the tables: one .xlsx with a sheet each, or a CSV for the first and `stem.NAME.csv`
    beside it for the others. Returns the files written."""
    check_output(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        book = openpyxl.Workbook()
        first = book.active
        if first is not None:
            book.remove(first)
        for sheet in sheets:
            ws = book.create_sheet(sheet.name[:31])
            ws.append(list(sheet.header))
            for row in sheet.rows:
                ws.append([cell.rich() if isinstance(cell, Marked) else cell for cell in row])
        book.save(path)
        return [path]
    written = []
    for number, sheet in enumerate(sheets):
        target = path if number == 0 else path.with_name(f"{path.stem}.{sheet.name}.csv")
        with target.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(sheet.header)
            writer.writerows([cell.bracketed() if isinstance(cell, Marked) else cell
                              for cell in row] for row in sheet.rows)
        written.append(target)
    return written


def percent_text(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.2f}"


def _section_rows(level: str, name: str, when: str,
                  sections: Sequence[SectionQuality]) -> tuple[list[list[Any]], list[list[Any]]]:
    columns, reasons = [], []
    for s in sections:
        columns.append([level, name, when, s.section, "(rows)", s.rows, "", s.loaded, s.refused,
                        s.warnings, percent_text(s.rate)])
        for c in s.columns:
            columns.append([level, name, when, s.section, c.column or "(row)", c.seen, c.filled,
                            c.valid, c.refused, c.warned, percent_text(c.rate)])
        for r in s.reasons:
            examples = "; ".join(f"{e.file}:{e.row} {e.value} ({e.reason})" for e in r.examples)
            reasons.append([level, name, when, s.section, r.kind, r.column or "(row)",
                            r.reason, r.count, examples])
    return columns, reasons


def quality_sheets(report: QualityReport) -> list[Sheet]:
    """The report as tables: per column (per load and per source), the reasons, the loads
    over time and the sources."""
    columns: list[list[Any]] = []
    reasons: list[list[Any]] = []
    for source in report.sources:
        c, r = _section_rows("source", source.source, "", source.sections)
        columns += c
        reasons += r
    for load in report.loads:
        c, r = _section_rows("load", load.id, load.recorded_at, load.sections)
        columns += c
        reasons += r
    loads = [[load.id, load.source, load.kind, load.recorded_at, load.loaded_at,
              load.totals.rows, load.totals.loaded, load.totals.refused, load.totals.warnings,
              percent_text(load.totals.rate)] for load in report.loads]
    sources = [[s.source, len(s.loads), s.totals.rows, s.totals.loaded, s.totals.refused,
                s.totals.warnings, percent_text(s.totals.rate)] for s in report.sources]
    totals = report.totals
    sources.append(["(all)", len(report.loads), totals.rows, totals.loaded, totals.refused,
                    totals.warnings, percent_text(totals.rate)])
    return [
        Sheet("columns", ("level", "load_or_source", "recorded_at", "section", "column", "seen",
                          "filled", "valid", "refused", "warned", "conformance_percent"),
              columns),
        Sheet("reasons", ("level", "load_or_source", "recorded_at", "section", "kind", "column",
                          "reason", "count", "examples"), reasons),
        Sheet("loads", ("load", "source", "kind", "recorded_at", "loaded_at", "rows", "loaded",
                        "refused", "warnings", "conformance_percent"), loads),
        Sheet("sources", ("source", "loads", "rows", "loaded", "refused", "warnings",
                          "conformance_percent"), sources),
    ]


def _fact_text(fact: Evidence) -> str:
    """One fact of a clue in one cell: what it is, who supplied it when, and where from."""
    prov = fact.provenance
    where = f"{prov.get('src_file')}:{prov.get('src_row')}" if prov.get("src_file") else ""
    return (f"{fact.fact} {fact.id} [{fact.source or ''} {fact.recorded_at or ''}"
            f"{' ' + where if where else ''}]")


def clue_sheets(run: CheckRun, names: dict[str, str], lang: Lang) -> list[Sheet]:
    """The clues of a run (rule, severity, subject, explanation, facts) and each rule's count
    and time."""
    clues = [[c.rule.id, c.rule.severity.value, c.rule.title.in_(lang), c.subject,
              names.get(c.subject, ""), c.explanation.in_(lang),
              " | ".join(_fact_text(f) for f in c.evidence)] for c in run.clues]
    rules = [[r.rule.id, r.rule.severity.value, r.rule.title.in_(lang), r.clues,
              round(r.seconds, 3)] for r in run.rules]
    return [Sheet("clues", ("rule", "severity", "title", "subject_id", "subject_name",
                            "explanation", "facts"), clues),
            Sheet("rules", ("rule", "severity", "title", "clues", "seconds"), rules)]


def notice_sheet(department: str, notices: Sequence[Notice], catalogue: Catalogue) -> Sheet:
    """One department's notices: the enterprise, why and when, the approvals and the wording
    that needs them, highlighted in the business scope."""
    rows = []
    for n in notices:
        props = n.enterprise.props
        prov = n.provenance
        rows.append([
            n.enterprise.id, n.enterprise.name, REASONS[n.reason].zh, n.day,
            props.get("authority") or "", props.get("address") or "",
            "；".join(dict.fromkeys(m.item.approval.zh for m in n.matches)),
            "；".join(dict.fromkeys(m.wording for m in n.matches)),
            Marked(n.scope, tuple((m.start, m.end) for m in n.matches)),
            "；".join(dict.fromkeys(m.item.source.zh for m in n.matches)),
            n.source or "", n.recorded_at or "",
            f"{prov.get('src_file')}:{prov.get('src_row')}" if prov.get("src_file") else ""])
    name = catalogue.department(department)
    return Sheet(department, (
        f"统一社会信用代码（{name.zh}）", "企业名称", "登记类型", "日期", "登记机关", "住所",
        "审批事项", "匹配表述", "经营范围", "审批依据", "来源", "记录时间", "来源文件"), rows)
