"""The embedded store's file: a checked header, then typed tables in Arrow's IPC format.

Nothing in the file is ever executed: it is read as data (Arrow record batches of
typed columns), and only after its magic line, format version and SHA-256 digest
have been checked, so a file that is not ours, of another format version,
truncated or altered is refused with a clear error before anything of it is used.

Layout::

    CREDGRAPH EMBEDDED STORE\\n
    {"format": N, "sha256": "...", "tables": [{"name": "elements", "bytes": ...}, ...], ...}    \\n
    (the header line padded with spaces to the room kept for it)
    <one Arrow IPC stream per table, back to back>

Tables are written and read one at a time, so neither side holds the whole file
in memory: the digest is checked over the whole payload before the first table
is read, and again over what was read.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from credgraph.exc import StoreError

MAGIC = b"CREDGRAPH EMBEDDED STORE\n"
MAX_HEADER = 1 << 20
HEADER_ROOM = 1 << 16
"""Bytes kept for the header line when a file is written (its newline included): a
register's header takes about 2 KB, one name and size per table."""
BLOCK = 1 << 24


class _Hashing:
    """A writable file that hashes and counts what goes through it (for Arrow's writer)."""

    def __init__(self, out: IO[bytes], digest: Any) -> None:
        self.out, self.digest, self.written = out, digest, 0
        self.closed = False

    def write(self, data: bytes | memoryview) -> int:
        self.digest.update(data)
        self.written += len(data)
        return self.out.write(data)

    def flush(self) -> None:
        self.out.flush()

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.written


def write_file(path: Path, format_version: int, tables: Iterable[tuple[str, pa.Table]],
               meta: Mapping[str, Any]) -> None:
    """Write the tables (made one at a time) to a temporary file beside `path`, then rename:
    never half a file. The header line's room (`HEADER_ROOM`) is kept before the tables
    and filled once their sizes and digest are known, padded with spaces (JSON allows
    them): the payload is written once, not to a file of its own and then copied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".graph-", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + b" " * (HEADER_ROOM - 1) + b"\n")
            digest = hashlib.sha256()
            sizes: list[dict[str, Any]] = []
            for name, table in tables:
                sink = _Hashing(out, digest)
                with pa.ipc.new_stream(pa.PythonFile(sink, mode="w"), table.schema) as writer:
                    writer.write_table(table)
                sizes.append({"name": name, "bytes": sink.written})
            header = json.dumps({"format": format_version, "sha256": digest.hexdigest(),
                                 "tables": sizes, **meta}, ensure_ascii=True).encode()
            if len(header) >= HEADER_ROOM:
                raise StoreError(f"cannot write the embedded graph {path}: its header takes "
                                 f"{len(header):,} bytes, over the {HEADER_ROOM:,} kept for it")
            out.seek(len(MAGIC))
            out.write(header)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class StoredFile:
    meta: dict[str, Any]
    tables: Iterator[tuple[str, pa.Table]]
    """Each table in the order written, read when asked for."""


def read_file(path: Path, format_version: int) -> StoredFile:
    """A file written by `write_file`, once its header and digest are checked (StoreError
    otherwise); its tables are read one at a time."""
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
            start = fh.tell()
            digest = hashlib.sha256()
            while block := fh.read(BLOCK):
                digest.update(block)
    except OSError as e:
        raise refuse(str(e)) from e
    if digest.hexdigest() != header.get("sha256"):
        raise refuse("its contents do not match their checksum (truncated or altered)")
    try:
        entries = [(str(entry["name"]), int(entry["bytes"])) for entry in header["tables"]]
    except (KeyError, TypeError, ValueError) as e:
        raise refuse("its header is damaged") from e

    def tables() -> Iterator[tuple[str, pa.Table]]:
        again = hashlib.sha256()
        with path.open("rb") as fh:
            fh.seek(start)
            for name, size in entries:
                data = fh.read(size)
                again.update(data)
                try:
                    table = pa.ipc.open_stream(pa.py_buffer(data)).read_all()
                except pa.ArrowInvalid as e:
                    raise refuse(f"table {name} is unreadable ({e})") from e
                del data
                yield name, table
            again.update(fh.read())
        if again.hexdigest() != header["sha256"]:
            raise refuse("it changed while it was read")

    meta = {k: v for k, v in header.items() if k not in ("format", "sha256", "tables")}
    return StoredFile(meta, tables())
