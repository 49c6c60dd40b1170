"""Where a load's rows come from: the files of a dataset folder, or the records of another format.

A load reads `Rows`: one `RowSource` per section, in section order, each giving its
rows chunk by chunk, plus the records that could not become any row at all. What
happens to a row after that (check_row, the builders, provenance, the rejects and
warnings reports) is the same whatever it was read from, so a BODS statement or a
FollowTheMoney entity is validated exactly like a CSV row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from credgraph.loaders.manifest import Manifest, read_manifest
from credgraph.loaders.normalize import PARSERS
from credgraph.loaders.reading import Row, SourceFile, find_sources, read_chunks
from credgraph.loaders.report import Finding
from credgraph.loaders.spec import SectionSpec


class RowSource(Protocol):
    """The rows of one section, from one file."""

    @property
    def section(self) -> SectionSpec: ...

    @property
    def name(self) -> str:
        """The file named in provenance (`src_file`) and in the reports."""
        ...

    @property
    def digest(self) -> str:
        """SHA-256 of the file: the same files give the same load batch id."""
        ...

    @property
    def unknown_columns(self) -> Sequence[str]: ...

    @property
    def supplied(self) -> Sequence[str]:
        """The section's columns the source has (the quality report counts their cells)."""
        ...

    def chunks(self, size: int) -> Iterator[list[Row]]:
        """The rows, `size` at a time; `Row.number` is what `src_row` records."""
        ...


@dataclass(frozen=True)
class FolderFile:
    """A checked file of a dataset folder as a row source."""

    file: SourceFile

    @property
    def section(self) -> SectionSpec:
        return self.file.section

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def digest(self) -> str:
        return self.file.digest

    @property
    def unknown_columns(self) -> Sequence[str]:
        return self.file.unknown_columns

    @property
    def supplied(self) -> Sequence[str]:
        return sorted(set(self.file.columns.values()))

    def chunks(self, size: int) -> Iterator[list[Row]]:
        return read_chunks(self.file, size)


@dataclass
class Rows:
    """Everything a load reads."""

    sources: list[RowSource]
    """In section order: a section's references are resolved after the sections before it."""
    manifest: Manifest = field(default_factory=Manifest)
    """Who supplied the rows, when they were extracted (their recorded time), full or delta."""
    refused: list[Finding] = field(default_factory=list)
    """Records that became no row, each with the reason (to the rejects report)."""
    notes: list[Finding] = field(default_factory=list)
    """Parts of records that were left out or worked out (to the warnings report)."""
    parsers: Mapping[str, Callable[[str], Any]] = field(default_factory=lambda: PARSERS)
    """The cell parser of each column type (check_row)."""
    origin: str = ""
    """The folder or file the rows come from, as the load log names it."""


def folder_rows(folder: Path, now: datetime) -> Rows:
    """The rows of a dataset folder and its manifest; raises DatasetError before any row is
    read if a file or the manifest is bad."""
    manifest = read_manifest(folder, now)
    return Rows([FolderFile(file) for file in find_sources(folder)], manifest,
                origin=folder.name)
