"""The two times every read answers for: valid time (asOf) and recorded time (knownAt).

Dates are ISO `YYYY-MM-DD` strings and recorded times ISO UTC strings
(`YYYY-MM-DDTHH:MM:SSZ`) in both stores, so both compare as strings.

* Valid time: a relationship counts on day D when its start is unknown or <= D
  and its end is empty or > D; list entries carry listed_on/removed_on on their
  LISTED relationship as start/end, so the same rule serves them.
* Recorded time: a fact version counts at time K when it was recorded at or
  before K and not retracted (superseded or withdrawn) by then. `known=None`
  means "now": every version recorded so far that is not retracted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


def in_force(start: str | None, end: str | None, day: str) -> bool:
    return (start is None or start <= day) and (end is None or end > day)


def in_force_cypher(var: str, param: str = "asOf") -> str:
    """The valid-time predicate on relationship `var` against parameter `$param`."""
    if not (var.isidentifier() and param.isidentifier()):
        raise ValueError("variable and parameter must be plain names")
    return (
        f"({var}.start IS NULL OR {var}.start <= ${param}) "
        f"AND ({var}.end IS NULL OR {var}.end > ${param})"
    )


def today() -> str:
    return date.today().isoformat()


@dataclass(frozen=True, slots=True)
class Moment:
    """Where a question stands in both times: the day asked about and what was known when."""

    day: str
    """Valid time (asOf), ISO date."""
    known: str | None = None
    """Recorded time (knownAt) as `credgraph.graph.clock.timestamp` gives it; None:
    everything recorded so far."""

    @classmethod
    def on(cls, day: str | None = None, known: str | None = None) -> Moment:
        """asOf defaults to today; knownAt to now."""
        return cls(day or today(), known)
