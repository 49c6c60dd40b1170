"""GraphQL types of the data-quality report (docs/data-quality.md): conformance per load, per
supplying department and over time."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from credgraph.api.types.base import described
from credgraph.api.types.scalars import DateTime, round_percent
from credgraph.queries import quality
from credgraph.queries.restrictions.service import page_key


def percent(share: float | None) -> float | None:
    """A share (0 to 1) as the percent the API shows."""
    return round_percent(share * 100.0) if share is not None else None


def _totals(totals: quality.Totals) -> dict[str, Any]:
    """The figures of a load, a source and the whole report."""
    return {"rows": totals.rows, "loaded": totals.loaded, "refused": totals.refused,
            "warnings": totals.warnings, "conformance": percent(totals.rate)}


CONFORMANCE = ("Percent of the rows seen that conform to the data standard (数据标准执行率), "
               "0-100 with 2 decimals; null when nothing was seen.")


@strawberry.enum(description="What became of the rows a finding is about.")
class FindingKind(Enum):
    REFUSED = "refused"
    WARNED = "warned"


@strawberry.type(description="One finding given as an example of a reason.")
class FindingExample:
    file: str
    row: int = strawberry.field(description="The file's row (the header is row 1; 0: found "
                                            "over the whole graph after the load).")
    value: str
    reason: str = strawberry.field(description="The reason as the loader wrote it.")


@strawberry.type(description="Findings of one kind, column and reason, with examples.")
class QualityReason:
    kind: FindingKind
    column: str = strawberry.field(description="The column (docs/data-format.md names); empty "
                                               "when the finding is about the whole row.")
    reason: str = strawberry.field(description="The reason without its particulars.")
    count: int
    kept_examples: strawberry.Private[list[FindingExample]]

    @described(f"Up to `first` examples (at most {quality.EXAMPLES} are kept).")
    def examples(self, first: int = quality.EXAMPLES) -> list[FindingExample]:
        page_key(first, None)
        return self.kept_examples[:first]

    @classmethod
    def from_record(cls, r: quality.Reason) -> QualityReason:
        return cls(kind=FindingKind(r.kind), column=r.column, reason=r.reason, count=r.count,
                   kept_examples=[FindingExample(file=e.file, row=e.row, value=e.value,
                                                 reason=e.reason) for e in r.examples])


@strawberry.type(description="What one column's cells did.")
class ColumnQuality:
    column: str = strawberry.field(description="The column (docs/data-format.md names); empty "
                                               "for findings about whole rows.")
    seen: int = strawberry.field(description="Rows of files that have the column.")
    filled: int = strawberry.field(description="Cells with a value.")
    valid: int = strawberry.field(description="Rows whose value broke no rule of the column.")
    refused: int = strawberry.field(description="Rows refused for a fault in this column.")
    warned: int = strawberry.field(description="Warnings about this column.")
    conformance: float | None = strawberry.field(description=CONFORMANCE)

    @classmethod
    def from_record(cls, c: quality.ColumnQuality) -> ColumnQuality:
        return cls(column=c.column, seen=c.seen, filled=c.filled, valid=c.valid,
                   refused=c.refused, warned=c.warned, conformance=percent(c.rate))


@strawberry.type(description="What one section's rows did.")
class SectionQuality:
    section: str
    files: list[str]
    rows: int
    loaded: int
    refused: int
    warnings: int
    conformance: float | None = strawberry.field(description=CONFORMANCE)
    columns: list[ColumnQuality]
    kept_reasons: strawberry.Private[list[QualityReason]]
    unknown_columns: list[str] = strawberry.field(description="Headers the standard lacks.")
    outcomes: JSON = strawberry.field(
        description="Facts created, corrected, retracted and unchanged by the rows.")

    @classmethod
    def from_record(cls, s: quality.SectionQuality) -> SectionQuality:
        return cls(section=s.section, files=list(s.files), rows=s.rows, loaded=s.loaded,
                   refused=s.refused, warnings=s.warnings, conformance=percent(s.rate),
                   columns=[ColumnQuality.from_record(c) for c in s.columns],
                   kept_reasons=[QualityReason.from_record(r) for r in s.reasons],
                   unknown_columns=list(s.unknown_columns), outcomes=JSON(dict(s.outcomes)))

    @described(f"The `first` most frequent reasons, with examples (the "
               f"{quality.TOP_REASONS} most frequent are kept).")
    def reasons(self, first: int = quality.TOP_REASONS) -> list[QualityReason]:
        page_key(first, None)
        return self.kept_reasons[:first]


@strawberry.type(description="One load of a dataset folder.")
class LoadQuality:
    id: strawberry.ID
    batch_id: str
    source: str = strawberry.field(description="The supplying department (manifest source).")
    kind: str = strawberry.field(description="full or delta (manifest kind).")
    folder: str
    recorded_at: DateTime = strawberry.field(description="The facts' recorded time.")
    loaded_at: DateTime
    data_version: int = strawberry.field(description="The data version after the load.")
    seconds: float
    rows: int
    loaded: int
    refused: int
    warnings: int
    conformance: float | None = strawberry.field(description=CONFORMANCE)
    sections: list[SectionQuality]

    @classmethod
    def from_record(cls, load: quality.LoadQuality) -> LoadQuality:
        return cls(id=strawberry.ID(load.id), batch_id=load.batch_id, source=load.source,
                   kind=load.kind, folder=load.folder, recorded_at=load.recorded_at,
                   loaded_at=load.loaded_at, data_version=load.data_version,
                   seconds=load.seconds, **_totals(load.totals),
                   sections=[SectionQuality.from_record(s) for s in load.sections])


@strawberry.type(description="Every load of one supplying department, added up; its loads in "
                             "recorded order are the trend.")
class SourceQuality:
    source: str
    rows: int
    loaded: int
    refused: int
    warnings: int
    conformance: float | None = strawberry.field(description=CONFORMANCE)
    sections: list[SectionQuality]
    loads: list[LoadQuality]

    @classmethod
    def from_record(cls, s: quality.SourceQuality) -> SourceQuality:
        return cls(source=s.source, **_totals(s.totals),
                   sections=[SectionQuality.from_record(x) for x in s.sections],
                   loads=[LoadQuality.from_record(x) for x in s.loads])


@strawberry.type(description="The data-quality report: conformance per load, per supplying "
                             "department and over time (docs/data-quality.md).")
class DataQuality:
    rows: int
    loaded: int
    refused: int
    warnings: int
    conformance: float | None = strawberry.field(description=CONFORMANCE)
    sources: list[SourceQuality]
    loads: list[LoadQuality] = strawberry.field(description="Every load, in recorded order.")

    @described("One supplying department, null when it supplied nothing. Ask for a "
               "department's sections here: through `sources`, a list of unknown length, the "
               "query's cost would count them for many departments and may refuse it.")
    def source(self, name: str) -> SourceQuality | None:
        return next((s for s in self.sources if s.source == name), None)

    @classmethod
    def from_record(cls, report: quality.QualityReport) -> DataQuality:
        return cls(**_totals(report.totals),
                   sources=[SourceQuality.from_record(s) for s in report.sources],
                   loads=[LoadQuality.from_record(x) for x in report.loads])
