"""The API's scalars and the conversions at its edge: days, recorded times, percents."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, NewType, overload

import strawberry
from graphql import GraphQLError, StringValueNode, ValueNode

from credgraph.api.errors import bad_input_error
from credgraph.queries.time import Moment, recorded_time

Date = datetime.date
"""Dates cross the API as the `Date` scalar, strictly `YYYY-MM-DD` (see DATE_SCALAR)."""

PERCENT_DECIMALS = 2
"""Every percent the API returns is rounded to this many decimals (docs/api-contract.md)."""

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_day(value: object) -> datetime.date:
    """Strict ISO day; anything else is a BAD_USER_INPUT error, not a server error."""
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as e:
            raise bad_input_error(f"malformed date {value!r}: {e}") from e
    raise bad_input_error(f"malformed date {value!r}: expected YYYY-MM-DD")


def parse_day_literal(node: ValueNode, _variables: object = None) -> datetime.date:
    """An inline day: a plain error here lets graphql-core point at the value (locations)."""
    if not isinstance(node, StringValueNode):
        raise ValueError("expected a string YYYY-MM-DD")
    try:
        return parse_iso_day(node.value)
    except GraphQLError as e:
        raise ValueError(e.message) from None


DATE_SCALAR = strawberry.scalar(
    name="Date",
    description="A calendar day, ISO YYYY-MM-DD.",
    serialize=lambda value: value.isoformat(),
    parse_value=parse_iso_day,
    parse_literal=parse_day_literal,
)
"""Used as the schema's override for `datetime.date` (Python 3.11 would accept `20200101`)."""


def to_date(value: str | None) -> datetime.date | None:
    """A stored ISO string as a date (None stays None)."""
    return datetime.date.fromisoformat(value) if value else None


@overload
def round_percent(value: float) -> float: ...
@overload
def round_percent(value: None) -> None: ...
@overload
def round_percent(value: float | None) -> float | None: ...


def round_percent(value: float | None) -> float | None:
    """A percent as the API shows it (PERCENT_DECIMALS)."""
    return None if value is None else round(value, PERCENT_DECIMALS)


def parse_recorded_time(value: object) -> str:
    """knownAt (credgraph.queries.time.recorded_time); a malformed one is BAD_USER_INPUT."""
    if not isinstance(value, str):
        raise bad_input_error(f"malformed date-time {value!r}: expected ISO 8601")
    try:
        return recorded_time(value)
    except ValueError as e:
        raise bad_input_error(f"malformed date-time {value!r}: {e}") from e


if TYPE_CHECKING:  # mypy cannot follow a scalar built by a call: it sees the text it carries
    DateTime = str
else:
    DateTime = strawberry.scalar(
        NewType("DateTime", str),
        name="DateTime",
        description="A point in time, ISO 8601 (UTC `Z` when shown). knownAt also takes a "
                    "date, read as the end of that day in China time (UTC+8), and a date-time "
                    "without a zone is read in China time.",
        serialize=str,
        parse_value=parse_recorded_time,
    )
"""A recorded time as the API shows it: ISO 8601 in UTC (`2026-03-01T01:00:00Z`)."""


def moment(as_of: datetime.date | None, known_at: DateTime | None = None) -> Moment:
    """Where an operation stands: asOf (default today) and knownAt (default now)."""
    return Moment.on(as_of.isoformat() if as_of is not None else None, known_at)
