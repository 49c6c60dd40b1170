"""Reading dataset files: format and encoding detection, header mapping, chunked rows.

A file is checked whole (it decodes, its headers name every required column)
before anything of the dataset is written, then read again in chunks so memory
stays flat however large it is.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from credgraph.exc import DatasetError
from credgraph.graph.ids import fold
from credgraph.loaders.spec import SectionSpec, load_sections
from credgraph.loaders.xlsx import CellFault, cell_text, format_code

ENCODINGS = ("utf-8-sig", "gb18030")
_BLOCK = 1 << 20


@dataclass
class SourceFile:
    """A dataset file that passed the checks, with what it takes to read it."""

    section: SectionSpec
    path: Path
    encoding: str | None
    """None for .xlsx."""
    columns: dict[str, str]
    """Header as written in the file to the column (docs/data-format.md) it names."""
    unknown_columns: list[str] = field(default_factory=list)
    digest: str = ""
    header: list[str] = field(default_factory=list)
    """The header cells in file order; data cells are matched to them by position."""
    cells: int = 0
    """The most cells any record of the file has (at least the header's)."""

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class CellProblem:
    """A cell that stands for no value: it refuses its row whatever the other cells say."""

    column: str
    """The column (docs/data-format.md), or '' for a cell under no column header."""
    value: str
    reason: str


@dataclass(frozen=True)
class Row:
    number: int
    """The record of the file (as a spreadsheet numbers it) or the sheet row; the header is
    row 1."""
    values: dict[str, str]
    """Column name (docs/data-format.md) to stripped text; empty cells are left out."""
    problems: tuple[CellProblem, ...] = ()
    """Unreadable cells, and non-blank cells under no column header (a malformed row)."""


def _decodes(path: Path, encoding: str, digest: Any) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as fh:
            while block := fh.read(_BLOCK):
                if b"\x00" in block:
                    return False
                decoder.decode(block)
                digest.update(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _detect_encoding(path: Path) -> tuple[str, str]:
    for encoding in ENCODINGS:
        digest = hashlib.sha256()
        if _decodes(path, encoding, digest):
            return encoding, digest.hexdigest()
    raise DatasetError(path.name, "cannot be decoded as UTF-8 or GB18030")


def _xlsx_rows(path: Path) -> Iterator[tuple[list[str], dict[int, str]]]:
    """Each sheet row's cell texts (as docs/data-format.md reads them) and its faulty cells.

    The sheet's recorded size is ignored: writers get it wrong, and trusting it would
    drop the rows and cells beyond it without a word.
    """
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        for cells in sheet.iter_rows():
            texts: list[str] = []
            faults: dict[int, str] = {}
            for position, cell in enumerate(cells):
                try:
                    text = cell_text(cell.value, cell.data_type, format_code(cell),
                                     workbook.epoch)
                except CellFault as fault:
                    text, faults[position] = str(cell.value), str(fault)
                texts.append(text)
            yield texts, faults
    finally:
        workbook.close()


def _map_headers(section: SectionSpec, file: str, headers: list[str]) -> SourceFile:
    accepted = section.header_map()
    columns: dict[str, str] = {}
    unknown: list[str] = []
    for header in headers:
        column = accepted.get(fold(str(header)).lower())
        if column is None:
            if str(header).strip():
                unknown.append(str(header))
        elif column in columns.values():
            raise DatasetError(file, f"column {column} appears twice")
        else:
            columns[str(header)] = column
    present = set(columns.values())
    missing = [c.name for c in section.columns.values() if c.required and c.name not in present
               # a feed file with `op` may hold retractions only, which need just the keys
               and ("op" not in present or c.name in section.keys)]
    if missing:
        raise DatasetError(file, f"missing required column(s): {', '.join(missing)}")
    if section.one_of_required and not present & set(section.one_of_required):
        raise DatasetError(file, f"needs one of the columns {', '.join(section.one_of_required)}")
    return SourceFile(section, Path(file), None, columns, unknown,
                      header=[str(h) for h in headers], cells=len(headers))


def inspect_file(section: SectionSpec, path: Path) -> SourceFile:
    """Check a file can be read whole and names the columns its section needs."""
    if path.suffix.lower() == ".xlsx":
        try:
            rows = _xlsx_rows(path)
            headers = next(rows, ([], {}))[0]
            for _ in rows:
                pass
        except DatasetError:
            raise
        except Exception as e:  # openpyxl raises many kinds for a broken workbook
            raise DatasetError(path.name, f"not a readable .xlsx workbook ({e})") from e
        source = _map_headers(section, path.name, headers)
        source.digest = hashlib.sha256(path.read_bytes()).hexdigest()
    else:
        encoding, digest = _detect_encoding(path)
        csv.field_size_limit(1 << 24)
        try:
            with path.open(encoding=encoding, newline="") as fh:
                records = csv.reader(fh)
                header = next(records, [])
                cells = max((len(r) for r in records), default=0)
        except csv.Error as e:
            raise DatasetError(path.name, f"not a readable CSV file ({e})") from e
        source = _map_headers(section, path.name, header)
        source.encoding, source.digest = encoding, digest
        source.cells = max(cells, len(header))
    source.path = path
    return source


def find_sources(folder: Path) -> list[SourceFile]:
    """The dataset's files in section order, each checked; raises before any is loaded."""
    if not folder.is_dir():
        raise DatasetError(str(folder), "is not a folder")
    sections = load_sections()
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        stem, suffix = path.stem, path.suffix.lower()
        if suffix not in (".csv", ".xlsx") or stem not in sections:
            continue
        if stem in found:
            raise DatasetError(path.name, f"section {stem} is given twice ({found[stem].name})")
        found[stem] = path
    if not found:
        raise DatasetError(str(folder), "has no dataset files (enterprises.csv, officers.csv ... "
                                        "see docs/data-format.md)")
    return [inspect_file(sections[name], found[name]) for name in sections if name in found]


def _rows_from(
    source: SourceFile, records: Iterable[tuple[int, list[str], dict[int, str]]]
) -> Iterator[Row]:
    """Rows by column; one rule for every format: a non-blank cell needs a header above it."""
    header = source.header
    positions = [(i, source.columns[h]) for i, h in enumerate(header) if h in source.columns]
    headed = {i for i, h in enumerate(header) if h.strip()}
    unheaded = [i for i in range(len(header)) if i not in headed]
    width = len(header)
    for number, cells, faults in records:
        values: dict[str, str] = {}
        problems: list[CellProblem] = []
        if faults or len(cells) < width:
            for i, column in positions:
                text = cells[i].strip() if i < len(cells) else ""
                if i in faults:
                    problems.append(CellProblem(column, text, faults[i]))
                elif text:
                    values[column] = text
        else:  # the usual record: every headed cell there, none unreadable
            for i, column in positions:
                if text := cells[i].strip():
                    values[column] = text
        # Only cells beyond the header or under a blank header cell can be stray.
        stray = [i for i in (*unheaded, *range(width, len(cells)))
                 if i < len(cells) and cells[i].strip()] if unheaded or len(cells) > width else []
        if stray:
            letters = ", ".join(get_column_letter(i + 1) for i in stray)
            problems.append(CellProblem(
                "", " | ".join(cells[i].strip() for i in stray),
                f"{len(stray)} cell(s) under no column header (column {letters}); "
                f"the header names {len(headed)} columns"))
        if values or problems:
            yield Row(number, values, tuple(problems))


def read_chunks(source: SourceFile, chunk_size: int) -> Iterator[list[Row]]:
    """The file's non-blank rows, chunk_size at a time."""
    if source.encoding is None:
        rows = _xlsx_rows(source.path)
        next(rows, None)  # the header, already mapped by inspect_file
        chunk: list[Row] = []
        records = ((number, texts, faults)
                   for number, (texts, faults) in enumerate(rows, start=2))
        for row in _rows_from(source, records):
            chunk.append(row)
            if len(chunk) >= chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
        return
    # Cells are read by position, as many as the widest record has, so a row with more
    # cells than the header is refused as one bad row instead of stopping the parser.
    # dtype=object: the same texts as dtype=str (no value is converted or taken for a
    # missing one), as plain Python strings, which a chunk gives as lists in one step.
    reader = pd.read_csv(
        source.path,
        encoding=source.encoding,
        dtype=object,
        keep_default_na=False,
        chunksize=chunk_size,
        skip_blank_lines=False,
        header=None,
        skiprows=1,
        names=[f"cell{i}" for i in range(source.cells)],
        index_col=False,
    )
    start = 2
    try:
        for frame in reader:
            records = ((number, cells, {}) for number, cells in
                       enumerate(frame.to_numpy().tolist(), start=start))
            yield list(_rows_from(source, records))
            start += len(frame)
    except pd.errors.ParserError as e:
        raise DatasetError(source.name, f"unreadable after row {start - 1} ({e})") from e
