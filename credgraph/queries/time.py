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

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from credgraph.graph.clock import timestamp

CHINA = timezone(timedelta(hours=8))
"""The register's time zone: a recorded time given without one is read in it."""

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAY_END = time(23, 59, 59)


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


def recorded_time(text: str) -> str:
    """A recorded time (knownAt) as stored: an ISO date-time (China time when no zone is
    given), or a date, read as the end of that day in China time. ValueError otherwise."""
    if _ISO_DAY.match(text):
        moment = datetime.combine(date.fromisoformat(text), _DAY_END, CHINA)
    else:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=CHINA)
    return timestamp(moment)


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
