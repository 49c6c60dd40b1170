"""The API's scalars and the conversions at its edge: days, recorded times, percents."""

from __future__ import annotations

import datetime
import re
from typing import overload

import strawberry
from graphql import GraphQLError, StringValueNode, ValueNode

from credgraph.api.errors import bad_input_error
from credgraph.queries.time import Moment

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


def moment(as_of: datetime.date | None) -> Moment:
    """Where an operation stands: the asOf argument (default today)."""
    return Moment.on(as_of.isoformat() if as_of is not None else None)
