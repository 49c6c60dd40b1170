"""The audit log: who asked what about whom, append-only, each line chained to the one before.

One JSON object a line: seq, at, request, who, role, operation, subjects, rows, outcome,
reveal, then `prev` (the previous line's hash) and `hash` = SHA-256 of `prev` and the
line's canonical JSON without `hash`. Editing a line breaks its own hash; deleting one
breaks the chain at the next line; cutting lines off the end is caught against the head
file beside the log (`<log>.head`: the last seq and hash). `verify` names each broken line.

Written for every request of an audited role (regulator, admin) and every reveal; the
public role's requests are never written here.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

GENESIS = "0" * 64
"""The `prev` of the first line."""
_TAIL_BYTES = 1 << 16
HEAD_BYTES = 128
"""The head file's fixed size: its last seq (at most 20 digits) and hash (64 hex digits) as
JSON, padded with blanks."""


def _canonical(entry: dict[str, Any]) -> bytes:
    return orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)


def line_hash(prev: str, entry: dict[str, Any]) -> str:
    """The hash of a line: its predecessor's hash, then its fields without `hash`."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(prev.encode() + _canonical(body)).hexdigest()


@dataclass
class AuditEvent:
    """What one request did, gathered while it runs (credgraph.api.access)."""

    request: str
    who: str
    role: str
    operations: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    rows: int = 0
    reveal: list[str] = field(default_factory=list)
    """Persons whose full ID number was revealed."""

    def add_subject(self, subject: str) -> None:
        if subject not in self.subjects:
            self.subjects.append(subject)


class AuditLog:
    """Appends chained lines: a lock keeps seq and chain in order across threads, and a lock
    on the file across the processes of `serve --workers N`, which write one chain."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.head_path = path.with_name(path.name + ".head")
        self._lock = threading.Lock()
        self._seq, self._prev, self._size = self._tail()

    def _tail(self) -> tuple[int, str, int]:
        """The last seq and hash written, from the log's last complete line, and the size
        of the log they were read from."""
        try:
            with self.path.open("rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - _TAIL_BYTES))
                lines = f.read().splitlines()
        except FileNotFoundError:
            return 0, GENESIS, 0
        for raw in reversed(lines):
            try:
                last = orjson.loads(raw)
                return int(last["seq"]), str(last["hash"]), size
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                continue
        return 0, GENESIS, size

    def append(self, event: AuditEvent, outcome: str) -> dict[str, Any]:
        """Write one line for a finished request; returns the line as written.

        Under the file lock the log's size tells whether another process appended since
        this one last wrote: then the chain continues from the line it wrote.
        """
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                if os.fstat(fd).st_size != self._size:
                    self._seq, self._prev, self._size = self._tail()
                return self._append(fd, event, outcome)
            finally:
                os.close(fd)  # and with it the file lock

    def _append(self, fd: int, event: AuditEvent, outcome: str) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "seq": self._seq + 1,
            "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "request": event.request,
            "who": event.who,
            "role": event.role,
            "operation": ",".join(event.operations),
            "subjects": event.subjects,
            "rows": event.rows,
            "outcome": outcome,
            "reveal": event.reveal,
            "prev": self._prev,
        }
        entry["hash"] = line_hash(self._prev, entry)
        line = _canonical(entry) + b"\n"
        os.write(fd, line)
        self._seq, self._prev, self._size = entry["seq"], entry["hash"], self._size + len(line)
        self._write_head()
        return entry

    def _write_head(self) -> None:
        """Overwrite the head in place, under the log's file lock, as one write of
        `HEAD_BYTES` at the start of the file (the head padded with blanks, which JSON
        ignores): a write within one disk sector lands whole or not at all, so a crash
        cannot leave a torn head that `verify` would report as damage. Writing a temporary
        file and renaming it over the head made ext4 flush it on every request (its
        replace-by-rename heuristic), about 1 ms before each audited answer."""
        head = orjson.dumps({"seq": self._seq, "hash": self._prev})
        if len(head) > HEAD_BYTES:
            raise ValueError(f"an audit head longer than {HEAD_BYTES} bytes")
        fd = os.open(self.head_path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            os.pwrite(fd, head.ljust(HEAD_BYTES), 0)
            os.ftruncate(fd, HEAD_BYTES)  # only a head of an older format was longer
        finally:
            os.close(fd)

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every line that parses, oldest first."""
        try:
            with self.path.open("rb") as f:
                for raw in f:
                    try:
                        yield orjson.loads(raw)
                    except orjson.JSONDecodeError:
                        continue
        except FileNotFoundError:
            return


def verify(path: Path) -> list[str]:
    """Every break of the chain, as 'line N: what is wrong' (empty: the log is intact)."""
    problems: list[str] = []
    prev, seq = GENESIS, 0
    try:
        lines = path.read_bytes().splitlines()
    except FileNotFoundError:
        lines = []
    for number, raw in enumerate(lines, start=1):
        try:
            entry = orjson.loads(raw)
            claimed, entry_seq, entry_prev = str(entry["hash"]), int(entry["seq"]), entry["prev"]
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            problems.append(f"line {number}: not an audit entry (edited or damaged)")
            prev, seq = GENESIS, seq + 1
            continue
        if line_hash(entry_prev, entry) != claimed:
            problems.append(f"line {number}: its content does not match its hash (edited)")
        elif entry_seq != seq + 1:
            problems.append(f"line {number}: seq {entry_seq} follows seq {seq}: line(s) "
                            "deleted or moved before it")
        elif entry_prev != prev:
            problems.append(f"line {number}: does not chain to line {number - 1}: line "
                            f"{number - 1} was edited (and its hash redone)")
        prev, seq = claimed, entry_seq
    head = path.with_name(path.name + ".head")
    if head.exists():
        try:
            anchor = orjson.loads(head.read_bytes())
            if (int(anchor["seq"]), anchor["hash"]) != (seq, prev):
                problems.append(f"end of log: the last line written was seq {anchor['seq']}, "
                                f"the log ends at seq {seq}: line(s) cut off the end")
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            problems.append(f"{head.name}: damaged")
    return problems


def matching(entries: Iterator[dict[str, Any]], who: str | None = None,
             operation: str | None = None, subject: str | None = None,
             since: str | None = None, until: str | None = None,
             outcome: str | None = None) -> Iterator[dict[str, Any]]:
    """Entries passing every filter given (times compare as ISO strings, `until` exclusive)."""
    for entry in entries:
        if who is not None and entry.get("who") != who:
            continue
        if operation is not None and operation not in str(entry.get("operation", "")).split(","):
            continue
        subjects: Sequence[str] = entry.get("subjects") or []
        if subject is not None and subject not in subjects:
            continue
        at = str(entry.get("at", ""))
        if (since is not None and at < since) or (until is not None and at >= until):
            continue
        if outcome is not None and not str(entry.get("outcome", "")).startswith(outcome):
            continue
        yield entry
