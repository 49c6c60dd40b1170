"""Result files people open in a spreadsheet: CSV (UTF-8 with BOM, so spreadsheet programs
read the Chinese) or .xlsx, with summary sheets after the rows (screening decisions, the
risk ranking)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import openpyxl

from credgraph.exc import BadInputError

SUFFIXES = (".csv", ".xlsx")


def check_output(path: Path, what: str) -> None:
    """Refuse an output file that is neither .csv nor .xlsx, before any work is done."""
    if path.suffix.lower() not in SUFFIXES:
        raise BadInputError(f"{path.name}: the {what} must be .csv or .xlsx")


class TableWriter:
    """Rows under a header into a .csv or .xlsx file (first sheet `sheet`)."""

    def __init__(self, path: Path, columns: Sequence[str], sheet: str) -> None:
        self.path = path
        self.xlsx = path.suffix.lower() == ".xlsx"
        self._fh: IO[str] | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.xlsx:
            self.book = openpyxl.Workbook(write_only=True)
            self.sheet = self.book.create_sheet(sheet)
            self.sheet.append(list(columns))
        else:
            self._fh = path.open("w", encoding="utf-8-sig", newline="")
            self.csv = csv.writer(self._fh)
            self.csv.writerow(columns)

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            if self.xlsx:
                self.sheet.append(list(row))
            else:
                self.csv.writerow(row)

    def finish(self, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> None:
        """Summary sheets (.xlsx only: a CSV file holds the rows alone), then save."""
        if self.xlsx:
            for name, rows in sheets.items():
                extra = self.book.create_sheet(name)
                for row in rows:
                    extra.append(list(row))
            self.book.save(self.path)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fh is not None:
            self._fh.close()
