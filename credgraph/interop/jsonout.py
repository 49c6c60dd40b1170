"""JSON output written piece by piece: a JSON array or JSON lines, one object at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

PIECE = 1 << 16
"""Bytes gathered before a piece is handed on (fewer, larger writes)."""


def json_pieces(items: Iterable[dict[str, Any]], lines: bool) -> Iterator[bytes]:
    """The items as one JSON array (`[` … `]`) or as JSON lines, in pieces of about PIECE bytes."""
    buffer = bytearray() if lines else bytearray(b"[")
    first = True
    for item in items:
        if not lines:
            buffer += b"\n" if first else b",\n"
        buffer += orjson.dumps(item)
        if lines:
            buffer += b"\n"
        first = False
        if len(buffer) >= PIECE:
            yield bytes(buffer)
            buffer.clear()
    if not lines:
        buffer += b"]\n" if first else b"\n]\n"
    yield bytes(buffer)
