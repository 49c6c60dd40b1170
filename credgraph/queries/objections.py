"""Objections (异议) as the analyses read them: which fact one names, and when it disputes it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def about(section: str, fact: str) -> str:
    """How an objection names its fact: `section:fact key` (the Objection's `about`)."""
    return f"{section}:{fact}"


def disputing(objection: Mapping[str, Any], day: str) -> bool:
    """Whether an objection marks its fact disputed on a day: filed by then, and pending or
    resolved after it (docs/feeds.md)."""
    resolved = objection.get("resolved_on")
    return bool(objection["filed_on"] <= day
                and (objection["status"] == "pending" or (resolved is not None and resolved > day)))
