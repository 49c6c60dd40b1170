"""Structured logs: one JSON object a line, with the request id, never holding the server.

Records go into a bounded buffer that one writer thread empties every FLUSH_SECONDS. A
record wakes nobody: waking the writer for each one (a queue's notify) cost every request a
signal to another core and a hand-over of the interpreter lock, about 5% of a lookup's
server time (docs/benchmarks.md, *The API's event loop and log*). When stderr is a pipe
read slowly, the writer waits, the buffer fills, and further records are dropped and
counted (the count is logged once the writer catches up): a request never waits for the
log.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import traceback
from collections import deque
from contextvars import ContextVar
from logging.handlers import QueueHandler
from typing import Any, TextIO

import orjson

REQUEST_ID: ContextVar[str | None] = ContextVar("credgraph_request_id", default=None)
"""The id of the request being served, in every record logged while serving it."""

_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "request"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,  # which process of `serve --workers N` wrote it
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request:
            entry["request"] = request
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["error"] = "".join(traceback.format_exception(*record.exc_info)).strip()
        return orjson.dumps(entry, default=str).decode()


class RecordBuffer:
    """Records waiting for the writer, at most `size`: added without waking it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._records: deque[logging.LogRecord] = deque()

    def put_nowait(self, record: logging.LogRecord) -> None:
        """Add a record; queue.Full when `size` are waiting."""
        if len(self._records) >= self.size:
            raise queue.Full
        self._records.append(record)

    def take(self) -> logging.LogRecord | None:
        """The oldest record, or None when none is waiting."""
        try:
            return self._records.popleft()
        except IndexError:
            return None


class DroppingQueueHandler(QueueHandler):
    """Puts records in the buffer; a full buffer drops the record instead of waiting."""

    def __init__(self, target: RecordBuffer) -> None:
        super().__init__(target)  # type: ignore[arg-type]  # takes what has put_nowait
        self.dropped = 0

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        if getattr(record, "request", None) is None:
            record.request = REQUEST_ID.get()
        prepared: logging.LogRecord = super().prepare(record)
        if self.dropped:
            prepared.dropped_before = self.dropped
            self.dropped = 0
        return prepared

    def enqueue(self, record: logging.LogRecord) -> None:
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            self.dropped += 1


class LogWriter:
    """The one thread that writes the buffered records as JSON lines to a stream."""

    FLUSH_SECONDS = 0.1
    """How long a record may wait to be written."""
    STOP_SECONDS = 5.0

    def __init__(self, records: RecordBuffer, stream: TextIO) -> None:
        self.records = records
        self.handler = logging.StreamHandler(stream)
        self.handler.setFormatter(JsonFormatter())
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="credgraph-log-writer",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(self.FLUSH_SECONDS):
            self._write_waiting()
        self._write_waiting()

    def _write_waiting(self) -> None:
        while (record := self.records.take()) is not None:
            self.handler.handle(record)

    def stop(self) -> None:
        """Write what is buffered, but give up after STOP_SECONDS on a stream nobody reads."""
        thread = self._thread
        if thread is None:
            return
        self._stopping.set()
        thread.join(self.STOP_SECONDS)
        self._thread = None


def configure_logging(queue_size: int, level: int = logging.INFO) -> LogWriter:
    """Send every logger through the buffer to JSON lines on stderr; returns the started
    writer (stop it at shutdown to flush)."""
    records = RecordBuffer(queue_size)
    listener = LogWriter(records, sys.stderr)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(DroppingQueueHandler(records))
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    listener.start()
    return listener
