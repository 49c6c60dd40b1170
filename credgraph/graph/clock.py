"""Recorded times as the stores keep them: ISO UTC strings, whole seconds, `Z` suffix, so
they compare as strings in both stores."""

from __future__ import annotations

from datetime import UTC, datetime


def timestamp(moment: datetime) -> str:
    """A recorded time as stored."""
    if moment.tzinfo is None:
        raise ValueError("recorded times need a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> str:
    return timestamp(datetime.now(UTC))
