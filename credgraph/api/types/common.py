"""The shared GraphQL vocabulary: the Date scalar, enums, the Node interface and entity types.

Other API modules (restrictions.py among them) build on these names, so they
stay stable. Enum values are the strings the store keeps, so `Role(stored)`
converts a record and `.value` converts back.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar, cast

import strawberry

from credgraph.api.context import Info
from credgraph.api.errors import bad_input_error
from credgraph.queries.links.privacy import mask_id_number
from credgraph.queries.links.results import Entity, ListRecord, Neighbourhood, Pledge, Relation
from credgraph.queries.time import in_force, today

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


def shown(start: str | None, end: str | None, day: str, include_history: bool) -> bool:
    """In force on the day, or with history also ended by then; never begun after it."""
    if include_history:
        return start is None or start <= day
    return in_force(start, end, day)


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


F = TypeVar("F", bound=Callable[..., Any])


def described(description: str) -> Callable[[F], F]:
    """`@strawberry.field(description=...)` with the resolver's type kept for mypy."""
    return cast(Callable[[F], F], strawberry.field(description=description))


@strawberry.interface(description="Any enterprise, person or other holder.")
class Node:
    id: strawberry.ID
    name: str
    kind: EntityKind


async def _neighbourhood(info: Info, node_id: str) -> Neighbourhood:
    found = await info.context.loaders.neighbourhood.load(node_id)
    if found is None:
        raise LookupError(f"node {node_id} vanished during the request")
    return found


@strawberry.type(description="A holding (股东及出资): who holds how much of which enterprise.")
class Shareholding:
    key: str
    holder: Node
    enterprise: Node
    percent: float | None = strawberry.field(description="0-100; null when the share is unknown")
    percent_source: str | None = strawberry.field(
        description="reported, subscribed (amount / registered capital) or unknown"
    )
    subscribed_amount: float | None = strawberry.field(description="万元")
    start: Date | None
    end: Date | None
    current: bool
    provenance: Provenance | None

    @classmethod
    def from_relation(cls, relation: Relation, here: Entity, day: str) -> Shareholding:
        holder, held = (here, relation.other) if relation.outgoing else (relation.other, here)
        props = relation.props
        return cls(
            key=relation.key,
            holder=node_from_entity(holder, day),
            enterprise=node_from_entity(held, day),
            percent=props.get("percent"),
            percent_source=props.get("percent_source"),
            subscribed_amount=props.get("subscribed_amount"),
            start=to_date(props.get("start")),
            end=to_date(props.get("end")),
            current=in_force(props.get("start"), props.get("end"), day),
            provenance=Provenance.from_record(props),
        )


@strawberry.type(description="A post a person holds in an enterprise (主要人员 / 法定代表人).")
class Appointment:
    key: str
    person: Node
    enterprise: Node
    role: Role
    start: Date | None
    end: Date | None
    current: bool
    provenance: Provenance | None

    @classmethod
    def from_relation(cls, relation: Relation, here: Entity, day: str) -> Appointment:
        person, firm = (here, relation.other) if relation.outgoing else (relation.other, here)
        props = relation.props
        return cls(
            key=relation.key,
            person=node_from_entity(person, day),
            enterprise=node_from_entity(firm, day),
            role=Role(props["role"]),
            start=to_date(props.get("start")),
            end=to_date(props.get("end")),
            current=in_force(props.get("start"), props.get("end"), day),
            provenance=Provenance.from_record(props),
        )


@strawberry.type(description="A listing (名单): abnormal operations, serious illegal, court lists.")
class ListEntry:
    id: strawberry.ID
    subject_id: strawberry.ID
    list: ListType
    reason: str | None
    authority: str | None
    listed_on: Date
    removed_on: Date | None
    removal_reason: str | None
    doc_no: str | None
    current: bool
    provenance: Provenance | None

    @classmethod
    def from_record(cls, entry: Mapping[str, Any], day: str) -> ListEntry:
        listed_on = to_date(entry.get("listed_on"))
        if listed_on is None:
            raise ValueError(f"list entry {entry['id']} has no listing date")
        return cls(
            id=strawberry.ID(entry["id"]),
            subject_id=strawberry.ID(entry["subject"]),
            list=ListType(entry["list"]),
            reason=entry.get("reason"),
            authority=entry.get("authority"),
            listed_on=listed_on,
            removed_on=to_date(entry.get("removed_on")),
            removal_reason=entry.get("removal_reason"),
            doc_no=entry.get("doc_no"),
            current=in_force(entry.get("listed_on"), entry.get("removed_on"), day),
            provenance=Provenance.from_record(entry),
        )


@strawberry.type(description="An administrative penalty decision (行政处罚).")
class Penalty:
    id: strawberry.ID
    doc_no: str
    violation_type: str | None
    content: str | None
    authority: str | None
    decided_on: Date | None
    provenance: Provenance | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any]) -> Penalty:
        return cls(
            id=strawberry.ID(props["id"]),
            doc_no=props.get("doc_no") or props["id"],
            violation_type=props.get("violation_type"),
            content=props.get("content"),
            authority=props.get("authority"),
            decided_on=to_date(props.get("decided_on")),
            provenance=Provenance.from_record(props),
        )


@strawberry.type(description="A lifecycle event: licence revoked, ordered closed, liquidated ...")
class EnterpriseEvent:
    id: strawberry.ID
    event: str
    date: Date | None
    reason: str | None
    authority: str | None
    liable_person_ids: list[strawberry.ID]
    provenance: Provenance | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any]) -> EnterpriseEvent:
        return cls(
            id=strawberry.ID(props["id"]),
            event=props["event"],
            date=to_date(props.get("date")),
            reason=props.get("reason"),
            authority=props.get("authority"),
            liable_person_ids=[strawberry.ID(p) for p in props.get("liable_persons") or []],
            provenance=Provenance.from_record(props),
        )


@strawberry.type(description="An equity pledge (股权出质): pledgor, pledgee, pledged enterprise.")
class EquityPledge:
    reg_no: str
    enterprise: Node | None
    pledgor: Node | None
    pledgee: Node | None
    amount: float | None = strawberry.field(description="万元")
    status: str | None
    start: Date | None = strawberry.field(description="registration date")
    end: Date | None = strawberry.field(description="cancellation date")
    current: bool
    provenance: Provenance | None

    @classmethod
    def from_record(cls, pledge: Pledge, day: str) -> EquityPledge:
        props = pledge.props

        def party(found: Entity | None) -> Node | None:
            return node_from_entity(found, day) if found is not None else None

        return cls(
            reg_no=pledge.reg_no,
            enterprise=party(pledge.enterprise),
            pledgor=party(pledge.pledgor),
            pledgee=party(pledge.pledgee),
            amount=props.get("amount"),
            status=props.get("status"),
            start=to_date(props.get("start")),
            end=to_date(props.get("end")),
            current=in_force(props.get("start"), props.get("end"), day),
            provenance=Provenance.from_record(props),
        )


@strawberry.type(description="A chattel mortgage (动产抵押) between mortgagor and mortgagee.")
class ChattelMortgage:
    reg_no: str
    mortgagor: Node
    mortgagee: Node
    secured_amount: float | None = strawberry.field(description="万元")
    authority: str | None
    status: str | None
    collateral: str | None
    start: Date | None = strawberry.field(description="registration date")
    end: Date | None = strawberry.field(description="cancellation date")
    current: bool
    provenance: Provenance | None

    @classmethod
    def from_relation(cls, relation: Relation, here: Entity, day: str) -> ChattelMortgage:
        mortgagor, mortgagee = ((here, relation.other) if relation.outgoing
                                else (relation.other, here))
        props = relation.props
        return cls(
            reg_no=props.get("reg_no") or relation.key,
            mortgagor=node_from_entity(mortgagor, day),
            mortgagee=node_from_entity(mortgagee, day),
            secured_amount=props.get("secured_amount"),
            authority=props.get("authority"),
            status=props.get("status"),
            collateral=props.get("collateral"),
            start=to_date(props.get("start")),
            end=to_date(props.get("end")),
            current=in_force(props.get("start"), props.get("end"), day),
            provenance=Provenance.from_record(props),
        )


def _list_entries(records: tuple[ListRecord, ...], day: str,
                  include_history: bool) -> list[ListEntry]:
    return [ListEntry.from_record(r.entry, day) for r in records
            if shown(r.start, r.end, day, include_history)]


def _day(as_of: str | None) -> str:
    return as_of or today()


@strawberry.type(description="A market entity of the registry; lists are as of the query's day.")
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
    as_of: strawberry.Private[str | None] = None

    @classmethod
    def from_record(cls, props: Mapping[str, Any], as_of: str | None = None) -> Enterprise:
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
            as_of=as_of,
        )

    @described("Holders of this enterprise (in force on the day).")
    async def shareholders(self, info: Info, include_history: bool = False) -> list[Shareholding]:
        around, day = await _neighbourhood(info, self.id), _day(self.as_of)
        return [Shareholding.from_relation(r, around.node, day) for r in around.holders
                if shown(r.props.get("start"), r.props.get("end"), day, include_history)]

    @described("Enterprises this one holds shares in.")
    async def investments(self, info: Info, include_history: bool = False) -> list[Shareholding]:
        around, day = await _neighbourhood(info, self.id), _day(self.as_of)
        return [Shareholding.from_relation(r, around.node, day) for r in around.holdings
                if shown(r.props.get("start"), r.props.get("end"), day, include_history)]

    @described("Officers other than the legal representative.")
    async def officers(self, info: Info, include_history: bool = False) -> list[Appointment]:
        return [a for a in await self._posts(info, include_history)
                if a.role is not Role.LEGAL_REPRESENTATIVE]

    @described("The legal representative in office on the day (latest start).")
    async def legal_representative(self, info: Info) -> Node | None:
        posts = [a for a in await self._posts(info, False) if a.role is Role.LEGAL_REPRESENTATIVE]
        posts.sort(key=lambda a: (a.start or datetime.date.min, a.key))
        return posts[-1].person if posts else None

    @described("Legal representatives, with history on request.")
    async def legal_representatives(self, info: Info,
                                    include_history: bool = False) -> list[Appointment]:
        return [a for a in await self._posts(info, include_history)
                if a.role is Role.LEGAL_REPRESENTATIVE]

    async def _posts(self, info: Info, include_history: bool) -> list[Appointment]:
        around, day = await _neighbourhood(info, self.id), _day(self.as_of)
        return [Appointment.from_relation(r, around.node, day) for r in around.officers
                if shown(r.props.get("start"), r.props.get("end"), day, include_history)]

    @described("List entries of this enterprise (in force on the day).")
    async def list_entries(self, info: Info, include_history: bool = False) -> list[ListEntry]:
        around = await _neighbourhood(info, self.id)
        return _list_entries(around.list_entries, _day(self.as_of), include_history)

    @described("Penalty decisions taken by the day.")
    async def penalties(self, info: Info) -> list[Penalty]:
        around, day = await _neighbourhood(info, self.id), _day(self.as_of)
        return [Penalty.from_record(p) for p in around.penalties
                if (p.get("decided_on") or "") <= day]

    @described("Lifecycle events that happened by the day.")
    async def events(self, info: Info) -> list[EnterpriseEvent]:
        around, day = await _neighbourhood(info, self.id), _day(self.as_of)
        return [EnterpriseEvent.from_record(e) for e in around.events
                if (e.get("date") or "") <= day]

    @described("Equity pledges this enterprise is the subject or a party of.")
    async def equity_pledges(self, info: Info,
                             include_history: bool = False) -> list[EquityPledge]:
        around, day = await _neighbourhood(info, self.id), _day(self.as_of)
        return [EquityPledge.from_record(p, day) for p in around.pledges
                if shown(p.props.get("start"), p.props.get("end"), day, include_history)]

    @described("Chattel mortgages with this enterprise as mortgagor or mortgagee.")
    async def chattel_mortgages(self, info: Info,
                                include_history: bool = False) -> list[ChattelMortgage]:
        around, day = await _neighbourhood(info, self.id), _day(self.as_of)
        return [ChattelMortgage.from_relation(r, around.node, day) for r in around.mortgages
                if shown(r.props.get("start"), r.props.get("end"), day, include_history)]


@strawberry.type(description="A natural person; the id number is only ever shown masked.")
class Person(Node):
    person_id: strawberry.ID
    masked_id_number: str | None
    nationality: str | None
    placeholder: bool
    provenance: Provenance | None
    as_of: strawberry.Private[str | None] = None

    @classmethod
    def from_record(cls, props: Mapping[str, Any], as_of: str | None = None) -> Person:
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
            as_of=as_of,
        )

    @described("Posts the person holds (in force on the day).")
    async def appointments(self, info: Info, include_history: bool = False) -> list[Appointment]:
        around, day = await _neighbourhood(info, self.id), _day(self.as_of)
        return [Appointment.from_relation(r, around.node, day) for r in around.officers
                if shown(r.props.get("start"), r.props.get("end"), day, include_history)]

    @described("Direct holdings of the person.")
    async def holdings(self, info: Info, include_history: bool = False) -> list[Shareholding]:
        around, day = await _neighbourhood(info, self.id), _day(self.as_of)
        return [Shareholding.from_relation(r, around.node, day) for r in around.holdings
                if shown(r.props.get("start"), r.props.get("end"), day, include_history)]

    @described("List entries of the person (in force on the day).")
    async def list_entries(self, info: Info, include_history: bool = False) -> list[ListEntry]:
        around = await _neighbourhood(info, self.id)
        return _list_entries(around.list_entries, _day(self.as_of), include_history)


@strawberry.type(description="A holder that is neither enterprise nor person: state, foreign ...")
class OtherHolder(Node):
    category: str | None = strawberry.field(description="state, foreign, collective or unknown")
    provenance: Provenance | None
    as_of: strawberry.Private[str | None] = None

    @classmethod
    def from_record(cls, props: Mapping[str, Any], as_of: str | None = None) -> OtherHolder:
        return cls(
            id=strawberry.ID(props["id"]),
            name=props.get("name") or props["id"],
            kind=EntityKind.OTHER,
            category=props.get("category"),
            provenance=Provenance.from_record(props),
            as_of=as_of,
        )

    @described("Direct holdings of this holder.")
    async def holdings(self, info: Info, include_history: bool = False) -> list[Shareholding]:
        around, day = await _neighbourhood(info, self.id), _day(self.as_of)
        return [Shareholding.from_relation(r, around.node, day) for r in around.holdings
                if shown(r.props.get("start"), r.props.get("end"), day, include_history)]


ENTITY_TYPES: tuple[type[Enterprise] | type[Person] | type[OtherHolder], ...] = (
    Enterprise,
    Person,
    OtherHolder,
)
"""Every implementation of Node, for `strawberry.Schema(types=...)`."""


def node_from_record(props: Mapping[str, Any],
                     as_of: str | None = None) -> Enterprise | Person | OtherHolder:
    """The Node type for a node record with its `label` (as `GraphStore.get_node` returns)."""
    kind = EntityKind(props["label"])
    if kind is EntityKind.ENTERPRISE:
        return Enterprise.from_record(props, as_of)
    if kind is EntityKind.PERSON:
        return Person.from_record(props, as_of)
    return OtherHolder.from_record(props, as_of)


def node_from_entity(found: Entity, as_of: str | None = None) -> Enterprise | Person | OtherHolder:
    """The Node type for a query result's entity."""
    return node_from_record({**found.props, "label": found.label}, as_of)
