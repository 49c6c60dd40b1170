"""Structured logs: one JSON object a line, with the request id, never holding the server.

Records go through a bounded queue to one writer thread. When stderr is a pipe read
slowly, the writer waits, the queue fills, and further records are dropped and counted
(the count is logged once the writer catches up): a request never waits for the log.
"""

from __future__ import annotations

import logging
import queue
import sys
import traceback
from contextvars import ContextVar
from logging.handlers import QueueHandler, QueueListener
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


class DroppingQueueHandler(QueueHandler):
    """Puts records on a bounded queue; a full queue drops the record instead of waiting."""

    def __init__(self, target: queue.Queue[logging.LogRecord]) -> None:
        super().__init__(target)
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


class LogWriter(QueueListener):
    """The one thread that writes queued records as JSON lines to a stream."""

    STOP_SECONDS = 5.0

    def __init__(self, records: queue.Queue[logging.LogRecord], stream: TextIO) -> None:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(JsonFormatter())
        super().__init__(records, handler)
        self.records: queue.Queue[Any] = records

    def stop(self) -> None:
        """Flush what is queued, but give up after STOP_SECONDS on a stream nobody reads."""
        thread = self._thread
        if thread is None:
            return
        try:
            self.records.put(None, timeout=self.STOP_SECONDS)  # QueueListener's sentinel
        except queue.Full:
            return
        thread.join(self.STOP_SECONDS)
        self._thread = None


def configure_logging(queue_size: int, level: int = logging.INFO) -> LogWriter:
    """Send every logger through the queue to JSON lines on stderr; returns the started
    writer (stop it at shutdown to flush)."""
    records: queue.Queue[logging.LogRecord] = queue.Queue(maxsize=queue_size)
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
