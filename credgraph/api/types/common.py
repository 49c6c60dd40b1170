"""The shared GraphQL vocabulary: the Date scalar, enums, the Node interface and entity types.

Other API modules (restrictions.py among them) build on these names, so they
stay stable. Enum values are the strings the store keeps, so `Role(stored)`
converts a record and `.value` converts back.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

import strawberry

from credgraph.api.errors import bad_input_error
from credgraph.queries.links.privacy import mask_id_number
from credgraph.queries.time import today

Date = datetime.date
"""Dates cross the API as the `Date` scalar, strictly `YYYY-MM-DD` (see DATE_SCALAR)."""

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_day(value: object) -> datetime.date:
    """Strict ISO day; anything else is a BAD_USER_INPUT error, not a server error."""
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as e:
            raise bad_input_error(f"malformed date {value!r}: {e}") from e
    raise bad_input_error(f"malformed date {value!r}: expected YYYY-MM-DD")


DATE_SCALAR = strawberry.scalar(
    name="Date",
    description="A calendar day, ISO YYYY-MM-DD.",
    serialize=lambda value: value.isoformat(),
    parse_value=parse_iso_day,
)
"""Used as the schema's override for `datetime.date` (Python 3.11 would accept `20200101`)."""


def to_date(value: str | None) -> datetime.date | None:
    """A stored ISO string as a date (None stays None)."""
    return datetime.date.fromisoformat(value) if value else None


def as_of_day(as_of: datetime.date | None) -> str:
    """The day an operation sees the graph on: the asOf argument, else today."""
    return as_of.isoformat() if as_of is not None else today()


@strawberry.enum(description="A post in an enterprise (DATA.md officers roles).")
class Role(Enum):
    LEGAL_REPRESENTATIVE = "legal_representative"
    CHAIR = "chair"
    DIRECTOR = "director"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    DEPUTY_MANAGER = "deputy_manager"
    CFO = "cfo"
    BOARD_SECRETARY = "board_secretary"
    RESPONSIBLE_PERSON = "responsible_person"
    PARTNER = "partner"


@strawberry.enum(description="The publicity and court lists a subject can be on.")
class ListType(Enum):
    ABNORMAL_OPERATIONS = "abnormal_operations"
    SERIOUS_ILLEGAL = "serious_illegal"
    DISHONEST_DEBTOR = "dishonest_debtor"
    CONSUMPTION_RESTRICTED = "consumption_restricted"
    CRIMINAL_SENTENCE = "criminal_sentence"


@strawberry.enum(description="What a node is: enterprise, natural person or other holder.")
class EntityKind(Enum):
    ENTERPRISE = "Enterprise"
    PERSON = "Person"
    OTHER = "OtherHolder"


@strawberry.type(description="Where a fact was loaded from.")
class Provenance:
    src_file: str | None
    src_row: int | None
    batch_id: str | None
    loaded_at: str | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any]) -> Provenance | None:
        if props.get("src_file") is None and props.get("batch_id") is None:
            return None
        return cls(
            src_file=props.get("src_file"),
            src_row=props.get("src_row"),
            batch_id=props.get("batch_id"),
            loaded_at=props.get("loaded_at"),
        )


@strawberry.interface(description="Any enterprise, person or other holder.")
class Node:
    id: strawberry.ID
    name: str
    kind: EntityKind


@strawberry.type(description="A market entity of the registry.")
class Enterprise(Node):
    uscc: str | None
    reg_no: str | None
    type: str | None
    status: str | None
    established: Date | None
    registered_capital: float | None = strawberry.field(description="万元")
    currency: str | None
    authority: str | None
    address: str | None
    business_scope: str | None
    placeholder: bool = strawberry.field(
        description="Only referred to by other rows; no registration row was loaded."
    )
    provenance: Provenance | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any]) -> Enterprise:
        """From an Enterprise node's properties (as `GraphStore.get_node` returns them)."""
        return cls(
            id=strawberry.ID(props["id"]),
            name=props.get("name") or props["id"],
            kind=EntityKind.ENTERPRISE,
            uscc=props.get("uscc"),
            reg_no=props.get("reg_no"),
            type=props.get("type"),
            status=props.get("status"),
            established=to_date(props.get("established")),
            registered_capital=props.get("registered_capital"),
            currency=props.get("currency"),
            authority=props.get("authority"),
            address=props.get("address"),
            business_scope=props.get("business_scope"),
            placeholder=bool(props.get("placeholder")),
            provenance=Provenance.from_record(props),
        )


@strawberry.type(description="A natural person; the id number is only ever shown masked.")
class Person(Node):
    person_id: strawberry.ID
    masked_id_number: str | None
    nationality: str | None
    placeholder: bool
    provenance: Provenance | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any]) -> Person:
        """From a Person node's properties; the raw id number is masked here."""
        return cls(
            id=strawberry.ID(props["id"]),
            person_id=strawberry.ID(props["id"]),
            name=props.get("name") or props["id"],
            kind=EntityKind.PERSON,
            masked_id_number=mask_id_number(props.get("id_number")),
            nationality=props.get("nationality"),
            placeholder=bool(props.get("placeholder")),
            provenance=Provenance.from_record(props),
        )


@strawberry.type(description="A holder that is neither enterprise nor person: state, foreign ...")
class OtherHolder(Node):
    category: str | None = strawberry.field(description="state, foreign, collective or unknown")
    provenance: Provenance | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any]) -> OtherHolder:
        return cls(
            id=strawberry.ID(props["id"]),
            name=props.get("name") or props["id"],
            kind=EntityKind.OTHER,
            category=props.get("category"),
            provenance=Provenance.from_record(props),
        )


ENTITY_TYPES: tuple[type[Enterprise] | type[Person] | type[OtherHolder], ...] = (
    Enterprise,
    Person,
    OtherHolder,
)
"""Every implementation of Node, for `strawberry.Schema(types=...)`."""


def node_from_record(props: Mapping[str, Any]) -> Enterprise | Person | OtherHolder:
    """The Node type for a node record with its `label`."""
    kind = EntityKind(props["label"])
    if kind is EntityKind.ENTERPRISE:
        return Enterprise.from_record(props)
    if kind is EntityKind.PERSON:
        return Person.from_record(props)
    return OtherHolder.from_record(props)
