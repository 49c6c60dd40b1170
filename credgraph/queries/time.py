"""What "in force on day D" means (API.md, Time), once for Python and once for Cypher.

Dates are stored as ISO `YYYY-MM-DD` strings in both stores, so they compare
as strings. A relationship counts on D when its start is unknown or <= D and
its end is empty or > D; list entries carry listed_on/removed_on on their
LISTED relationship as start/end, so the same rule serves them.
"""

from __future__ import annotations

from datetime import date


def in_force(start: str | None, end: str | None, day: str) -> bool:
    return (start is None or start <= day) and (end is None or end > day)


def in_force_cypher(var: str, param: str = "asOf") -> str:
    """The same predicate on relationship `var` against parameter `$param`."""
    if not (var.isidentifier() and param.isidentifier()):
        raise ValueError("variable and parameter must be plain names")
    return (
        f"({var}.start IS NULL OR {var}.start <= ${param}) "
        f"AND ({var}.end IS NULL OR {var}.end > ${param})"
    )


def today() -> str:
    return date.today().isoformat()
