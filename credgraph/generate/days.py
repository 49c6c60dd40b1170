"""Dates as day numbers since 1990-01-01, so dates of millions of rows are numpy arithmetic.

A day number of -1 means "no date" and is written as an empty field.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from credgraph.generate.arrays import Arr

AS_OF = date(2026, 11, 27)
"""Latest date written, except for the few deliberately future-dated rows."""

_EPOCH = date(1990, 1, 1)


def day_of(year: int, month: int, day: int) -> int:
    """The day number of a calendar date."""
    return (date(year, month, day) - _EPOCH).days


TODAY = day_of(AS_OF.year, AS_OF.month, AS_OF.day)
_LAST = day_of(2030, 12, 31)
_DATE_TEXT: Arr = np.array(
    [(_EPOCH + timedelta(days=i)).isoformat() for i in range(_LAST + 1)] + [""], dtype=object
)
YEAR: Arr = np.array(
    [(_EPOCH + timedelta(days=i)).year for i in range(_LAST + 1)] + [0], dtype=np.int64
)
"""Calendar year by day number (index -1, no date, gives 0)."""


def date_texts(days: Arr) -> list[str]:
    """ISO dates of day numbers; -1 gives an empty text."""
    return list(_DATE_TEXT[np.asarray(days, dtype=np.int64)].tolist())


def between(rng: np.random.Generator, lo: Arr, hi: Arr) -> Arr:
    """Uniform integer day in [lo, hi] (hi clipped up to lo)."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.maximum(np.asarray(hi, dtype=np.int64), lo)
    out: Arr = lo + np.floor(rng.random(lo.shape) * (hi - lo + 1)).astype(np.int64)
    return out
