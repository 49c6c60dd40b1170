"""Output written piece by piece in one pass over the scope, whatever order the format asks.

Formats want things in an order the scope is not read in (all nodes before any edge, all
entity statements before any relationship); a `Spool` keeps what comes later on disk
while the pass runs and gives it back afterwards, so memory stays flat and the store is
read once.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator

PIECE = 1 << 16
"""Bytes gathered before a piece is handed on (fewer, larger writes)."""


class Spool:
    """Bytes put aside on disk during a pass, read back in the order they were written."""

    def __init__(self) -> None:
        # Lives across the pass; closed (and deleted) once read back, or when collected.
        self.file = tempfile.TemporaryFile()  # noqa: SIM115

    def write(self, data: bytes) -> None:
        self.file.write(data)

    def chunks(self) -> Iterator[bytes]:
        """The bytes as written, PIECE at a time; the spool is gone afterwards."""
        with self.file:
            self.file.seek(0)
            while chunk := self.file.read(PIECE):
                yield chunk

    def lines(self) -> Iterator[bytes]:
        """The lines written (each without its newline); the spool is gone afterwards."""
        with self.file:
            self.file.seek(0)
            for line in self.file:
                yield line.rstrip(b"\n")


def json_pieces(items: Iterable[bytes], lines: bool) -> Iterator[bytes]:
    """Encoded JSON values as one JSON array (`[` … `]`) or as JSON lines, in pieces."""
    buffer = bytearray() if lines else bytearray(b"[")
    first = True
    for item in items:
        if not lines:
            buffer += b"\n" if first else b",\n"
        buffer += item
        if lines:
            buffer += b"\n"
        first = False
        if len(buffer) >= PIECE:
            yield bytes(buffer)
            buffer.clear()
    if not lines:
        buffer += b"]\n" if first else b"\n]\n"
    yield bytes(buffer)


def text_pieces(lines: Iterable[str]) -> Iterator[bytes]:
    """Lines of text as UTF-8 pieces of about PIECE characters."""
    buffer: list[str] = []
    length = 0
    for line in lines:
        buffer.append(line)
        length += len(line)
        if length >= PIECE:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    yield "".join(buffer).encode()
