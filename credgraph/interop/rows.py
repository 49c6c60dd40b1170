"""What imports share: row sources made from records, the parsers they load with, reading files.

An import turns each record of another format into rows of the dataset sections (the
text a CSV cell would hold) and hands them to the loader as `RowSource`s, numbered by
the record's place in the file, so provenance and the reports name the statement or
line a fact came from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ijson
import orjson

from credgraph.exc import DatasetError
from credgraph.graph.ids import enterprise_key, identifier, is_other_register_key
from credgraph.loaders.manifest import Manifest
from credgraph.loaders.normalize import PARSERS
from credgraph.loaders.reading import Row
from credgraph.loaders.spec import SectionSpec, load_sections


def import_enterprise_key(raw: str) -> str:
    """A USCC, a registration number, or the key of an enterprise of another register."""
    key = identifier(raw)
    if is_other_register_key(key):
        return key
    return enterprise_key(raw)


IMPORT_PARSERS: dict[str, Callable[[str], Any]] = {
    **PARSERS, "enterprise_key": import_enterprise_key, "enterprise": import_enterprise_key}
"""The folder parsers, but enterprises may be of other registers (`other_register_key`)."""


def import_manifest(kind: str, file: str) -> Manifest:
    """What a manifest says of a folder, for a file of another format: its facts come from
    the source `<format>:<file name>` (so its versions name the file they were told by),
    recorded at load time, as a delta (a file of another format is never a full extract)."""
    return Manifest(source=f"{kind}:{file}")


@dataclass(frozen=True)
class RecordRows:
    """One section's rows made from a file's records, on demand (each pass reads afresh)."""

    section: SectionSpec
    name: str
    digest: str
    make: Callable[[], Iterable[Row]]
    unknown_columns: tuple[str, ...] = ()

    @property
    def supplied(self) -> Sequence[str]:
        """Records of another format can fill every column of the section."""
        return sorted(c.name for c in self.section.columns.values())

    def chunks(self, size: int) -> Iterator[list[Row]]:
        chunk: list[Row] = []
        for row in self.make():
            chunk.append(row)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def section(name: str) -> SectionSpec:
    return load_sections()[name]


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def json_records(path: Path) -> Iterator[tuple[int, Any]]:
    """(number, value) of each record of a JSON array (its index from 1) or of a JSON-lines
    file (its line number), read as a stream. Raises DatasetError for a file that is neither."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 12).lstrip()
            fh.seek(0)
            if head.startswith(b"["):
                for number, value in enumerate(ijson.items(fh, "item", use_float=True), 1):
                    yield number, value
                return
            for number, line in enumerate(fh, 1):
                if line.strip():
                    yield number, orjson.loads(line)
    except (ijson.JSONError, orjson.JSONDecodeError) as e:
        raise DatasetError(path.name, f"not JSON nor JSON lines ({e})") from e


def text(value: Any) -> str | None:
    """A value as a cell's text (None for nothing)."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return repr(value)
    return str(value)
