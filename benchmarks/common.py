"""What the benchmark scripts share (each is run as `python benchmarks/NAME.py`, so this
folder is on the import path): timing a call and reading a quantile off the timings."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def timed(call: Callable[[], T]) -> tuple[T, float]:
    """The call's result and its wall time in seconds."""
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def quantile(values: list[float], share: float) -> float:
    """The value at `share` (0.95: p95) of the sorted values, by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
