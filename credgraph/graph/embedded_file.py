"""The embedded store's file: a checked header, then tables in Arrow's IPC format.

Nothing in the file is ever executed: it is read as data (Arrow record batches),
and only after its magic line, format version and SHA-256 digest have been
checked, so a file that is not ours, of another format version, truncated or
altered is refused with a clear error before anything of it is used.

Layout::

    CREDGRAPH EMBEDDED STORE\\n
    {"format": N, "sha256": "...", "tables": [{"name": "nodes", "bytes": ...}, ...]}\\n
    <one Arrow IPC stream per table, back to back>
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from credgraph.exc import StoreError

MAGIC = b"CREDGRAPH EMBEDDED STORE\n"
MAX_HEADER = 1 << 16
BATCH_ROWS = 100_000


@dataclass(frozen=True)
class Table:
    """One table to write: its schema and its rows, produced lazily in batches."""

    name: str
    schema: pa.Schema
    batches: Iterable[Mapping[str, list[Any]]]
    """Column name -> values, one mapping per record batch."""


def write_file(path: Path, format_version: int, tables: Iterable[Table],
               meta: Mapping[str, Any]) -> None:
    """Write the tables to a temporary file beside `path`, then rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".graph-", suffix=".tmp")
    tmp = Path(tmp_name)
    payload = Path(f"{tmp_name}.payload")
    try:
        digest = hashlib.sha256()
        sizes: list[dict[str, Any]] = []
        with payload.open("wb") as out:
            for table in tables:
                sink = pa.BufferOutputStream()
                with pa.ipc.new_stream(sink, table.schema) as writer:
                    for columns in table.batches:
                        writer.write_batch(pa.record_batch(dict(columns), schema=table.schema))
                data = sink.getvalue()
                digest.update(data)
                out.write(data)
                sizes.append({"name": table.name, "bytes": data.size})
        header = json.dumps({"format": format_version, "sha256": digest.hexdigest(),
                             "tables": sizes, **meta}, ensure_ascii=True).encode() + b"\n"
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + header)
            with payload.open("rb") as src:
                while block := src.read(1 << 24):
                    fh.write(block)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        payload.unlink(missing_ok=True)


@dataclass(frozen=True)
class StoredFile:
    meta: dict[str, Any]
    tables: dict[str, pa.Table]


def read_file(path: Path, format_version: int) -> StoredFile:
    """The tables of a file written by `write_file`, after every check; StoreError otherwise."""
    def refuse(why: str) -> StoreError:
        return StoreError(f"cannot open the embedded graph {path}: {why}")

    try:
        with path.open("rb") as fh:
            if fh.read(len(MAGIC)) != MAGIC:
                raise refuse("not a credgraph embedded store file")
            line = fh.readline(MAX_HEADER)
            if not line.endswith(b"\n"):
                raise refuse("its header is damaged")
            try:
                header = json.loads(line)
            except ValueError as e:
                raise refuse("its header is damaged") from e
            if not isinstance(header, dict) or header.get("format") != format_version:
                found = header.get("format") if isinstance(header, dict) else None
                raise refuse(f"it has format {found!r}; this credgraph reads format "
                             f"{format_version} (load the dataset again)")
            payload = fh.read()
    except OSError as e:
        raise refuse(str(e)) from e
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise refuse("its contents do not match their checksum (truncated or altered)")
    tables: dict[str, pa.Table] = {}
    offset = 0
    buffer = pa.py_buffer(payload)
    for entry in header.get("tables", []):
        size = int(entry["bytes"])
        try:
            reader = pa.ipc.open_stream(buffer.slice(offset, size))
            tables[str(entry["name"])] = reader.read_all()
        except pa.ArrowInvalid as e:
            raise refuse(f"table {entry['name']} is unreadable ({e})") from e
        offset += size
    meta = {k: v for k, v in header.items() if k not in ("format", "sha256", "tables")}
    return StoredFile(meta, tables)


def batched(rows: Iterable[tuple[Any, ...]],
            names: tuple[str, ...]) -> Iterator[dict[str, list[Any]]]:
    """Rows as column batches of BATCH_ROWS, for `Table.batches`."""
    columns: dict[str, list[Any]] = {name: [] for name in names}
    count = 0
    for row in rows:
        for name, value in zip(names, row, strict=True):
            columns[name].append(value)
        count += 1
        if count == BATCH_ROWS:
            yield columns
            columns, count = {name: [] for name in names}, 0
    if count:
        yield columns
