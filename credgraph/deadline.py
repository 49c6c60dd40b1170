"""The wall-clock budget of the request being served, seen by every layer it runs through.

The API opens one `Budget` per request (`within`); the query layer's long loops call
`check()`, and Neo4j reads take `remaining()` as their transaction time limit, so work
past the deadline, or for a client that went away, stops instead of holding a worker.
Outside a request (the CLI, loads) there is no budget and both cost nothing.

The budget lives in a context variable: `credgraph.api.context.in_thread` copies the
context into the worker thread, so a store call sees the budget of its request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from credgraph.exc import DeadlineExceededError


class Budget:
    """A deadline plus a cancel flag another thread (the server's event loop) can raise."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self._cancelled = threading.Event()
        self.reason = ""

    def cancel(self, reason: str) -> None:
        """Stop the work at its next check (the client went away, or the deadline passed)."""
        self.reason = reason
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def remaining(self) -> float:
        return self.expires - time.monotonic()

    def check(self) -> None:
        if self._cancelled.is_set():
            raise DeadlineExceededError(self.reason or "the request was cancelled")
        if time.monotonic() >= self.expires:
            raise DeadlineExceededError(
                f"the request ran past its deadline of {self.seconds:g} s and was stopped")


_CURRENT: ContextVar[Budget | None] = ContextVar("credgraph_budget", default=None)


def current() -> Budget | None:
    return _CURRENT.get()


def check() -> None:
    """Raise DeadlineExceededError when the current request is out of time or cancelled.

    The hook of the query layer: call it in every loop whose length grows with the graph.
    """
    budget = _CURRENT.get()
    if budget is not None:
        budget.check()


def remaining(ceiling: float) -> float:
    """Seconds left for the current request, at most `ceiling` (the ceiling outside one);
    raises DeadlineExceededError when none are left."""
    budget = _CURRENT.get()
    if budget is None:
        return ceiling
    budget.check()
    return min(ceiling, max(budget.remaining(), 0.001))


@contextmanager
def within(budget: Budget) -> Iterator[Budget]:
    """Run the block under `budget` (nested budgets: the inner one counts)."""
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)
