"""Where refused rows and data-quality warnings go: CSV files written as the load runs."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TextIO

REPORT_COLUMNS = ("file", "row", "column", "value", "reason")


@dataclass(frozen=True, slots=True)
class Finding:
    """One refused value (a reject) or one data-quality note (a warning)."""

    file: str
    row: int
    column: str
    value: str
    reason: str


class FindingsWriter:
    """Streams findings to a CSV file (UTF-8 with BOM, so spreadsheet programs read it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: TextIO = path.open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._fh)
        self._csv.writerow(REPORT_COLUMNS)

    def add(self, finding: Finding) -> None:
        self._csv.writerow(
            (finding.file, finding.row, finding.column, finding.value, finding.reason)
        )
        self.count += 1

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> FindingsWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def read_findings(path: Path) -> list[Finding]:
    """A rejects or warnings report read back (tests and tools)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [
            Finding(r["file"], int(r["row"]), r["column"], r["value"], r["reason"])
            for r in csv.DictReader(fh)
        ]
