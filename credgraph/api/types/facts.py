"""GraphQL types of the facts of the register: holdings, posts, list entries, penalties,
events, pledges and mortgages, each with its dates and where it was loaded from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import strawberry

from credgraph.api.types.base import Node
from credgraph.api.types.enums import FilingStatus, ListType, Role
from credgraph.api.types.recorded import Provenance, Recorded, recorded
from credgraph.api.types.scalars import Date, round_percent, to_date
from credgraph.graph.model import load_model
from credgraph.graph.vocabulary import load_vocabulary
from credgraph.queries.links.results import Entity, Pledge, Relation
from credgraph.queries.time import Moment, in_force

if TYPE_CHECKING:
    from credgraph.api.types.entities import Enterprise, OtherHolder, Person


def _section(schema: str) -> str:
    """The section whose facts a label or relationship type holds."""
    model = load_model()
    found = model.nodes.get(schema) or model.edges.get(schema)
    if found is None or found.section is None:
        raise ValueError(f"{schema} holds no section's facts")
    return found.section


def ended(found: Entity) -> bool:
    """The enterprise's status says it no longer exists."""
    vocabulary = load_vocabulary()
    kind = vocabulary.status_kind(found.props.get("status"))
    return kind is not None and vocabulary.enterprise_statuses[kind].ends_entity


def _node(found: Entity, at: Moment) -> Enterprise | Person | OtherHolder:
    """The Node type of a fact's party (entities.py builds on this module, hence the import)."""
    from credgraph.api.types.entities import node_from_entity

    return node_from_entity(found, at)


@strawberry.type(description="A holding (股东及出资): who holds how much of which enterprise.")
class Shareholding(Recorded):
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
    treasury: bool = strawberry.field(
        description="A self-holding: the enterprise holds its own shares (treasury shares, "
                    "left out of effective ownership).")
    provenance: Provenance | None

    @classmethod
    def from_relation(cls, relation: Relation, here: Entity, at: Moment) -> Shareholding:
        holder, held = (here, relation.other) if relation.outgoing else (relation.other, here)
        props = relation.props
        return cls(
            key=relation.key,
            holder=_node(holder, at),
            enterprise=_node(held, at),
            percent=round_percent(props.get("percent")),
            percent_source=props.get("percent_source"),
            subscribed_amount=props.get("subscribed_amount"),
            start=to_date(props.get("start")),
            end=to_date(props.get("end")),
            current=in_force(props.get("start"), props.get("end"), at.day),
            treasury=holder.id == held.id,
            provenance=Provenance.from_record(props),
            **recorded(props, _section(relation.type), at),
        )


@strawberry.type(description="A post a person holds in an enterprise (主要人员 / 法定代表人).")
class Appointment(Recorded):
    key: str
    person: Node
    enterprise: Node
    role: Role
    start: Date | None
    end: Date | None
    current: bool = strawberry.field(
        description="In force on the day by its dates (start <= day < end).")
    enterprise_ended: bool = strawberry.field(
        description="The enterprise's status says it no longer exists (注销, 撤销): a post "
                    "recorded without an end date is not really held any more.")
    provenance: Provenance | None

    @classmethod
    def from_relation(cls, relation: Relation, here: Entity, at: Moment) -> Appointment:
        person, firm = (here, relation.other) if relation.outgoing else (relation.other, here)
        props = relation.props
        return cls(
            key=relation.key,
            person=_node(person, at),
            enterprise=_node(firm, at),
            role=Role(props["role"]),
            start=to_date(props.get("start")),
            end=to_date(props.get("end")),
            current=in_force(props.get("start"), props.get("end"), at.day),
            enterprise_ended=ended(firm),
            provenance=Provenance.from_record(props),
            **recorded(props, _section(relation.type), at),
        )


@strawberry.type(description="A listing (名单): abnormal operations, serious illegal, court lists.")
class ListEntry(Recorded):
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
    def from_record(cls, entry: Mapping[str, Any], at: Moment) -> ListEntry:
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
            current=in_force(entry.get("listed_on"), entry.get("removed_on"), at.day),
            provenance=Provenance.from_record(entry),
            **recorded(entry, _section("ListEntry"), at),
        )


@strawberry.type(description="An administrative penalty decision (行政处罚).")
class Penalty(Recorded):
    id: strawberry.ID
    doc_no: str
    violation_type: str | None
    content: str | None
    authority: str | None
    decided_on: Date | None
    provenance: Provenance | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any], at: Moment) -> Penalty:
        return cls(
            id=strawberry.ID(props["id"]),
            doc_no=props.get("doc_no") or props["id"],
            violation_type=props.get("violation_type"),
            content=props.get("content"),
            authority=props.get("authority"),
            decided_on=to_date(props.get("decided_on")),
            provenance=Provenance.from_record(props),
            **recorded(props, _section("Penalty"), at),
        )


@strawberry.type(description="An annual report (年度报告): when it was published and the contact "
                                    "details it states (docs/data-format.md).")
class AnnualReport(Recorded):
    id: strawberry.ID
    year: int
    filed_on: Date | None = strawberry.field(description="Published that day; null if not.")
    status: FilingStatus
    phone: str | None
    email: str | None
    address: str | None
    website: str | None
    employees: int | None
    provenance: Provenance | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any], at: Moment) -> AnnualReport:
        return cls(
            id=strawberry.ID(props["id"]),
            year=int(props["year"]),
            filed_on=to_date(props.get("filed_on")),
            status=FilingStatus(props["status"]),
            phone=props.get("phone"),
            email=props.get("email"),
            address=props.get("address"),
            website=props.get("website"),
            employees=props.get("employees"),
            provenance=Provenance.from_record(props),
            **recorded(props, _section("AnnualReport"), at),
        )


@strawberry.type(description="A lifecycle event: licence revoked, ordered closed, liquidated ...")
class EnterpriseEvent(Recorded):
    id: strawberry.ID
    event: str
    date: Date | None
    reason: str | None
    authority: str | None
    liable_person_ids: list[strawberry.ID]
    provenance: Provenance | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any], at: Moment) -> EnterpriseEvent:
        return cls(
            id=strawberry.ID(props["id"]),
            event=props["event"],
            date=to_date(props.get("date")),
            reason=props.get("reason"),
            authority=props.get("authority"),
            liable_person_ids=[strawberry.ID(p) for p in props.get("liable_persons") or []],
            provenance=Provenance.from_record(props),
            **recorded(props, _section("Event"), at),
        )


@strawberry.type(description="An equity pledge (股权出质): pledgor, pledgee, pledged enterprise.")
class EquityPledge(Recorded):
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
    def from_record(cls, pledge: Pledge, at: Moment) -> EquityPledge:
        props = pledge.props

        def party(found: Entity | None) -> Node | None:
            return _node(found, at) if found is not None else None

        return cls(
            reg_no=pledge.reg_no,
            enterprise=party(pledge.enterprise),
            pledgor=party(pledge.pledgor),
            pledgee=party(pledge.pledgee),
            amount=props.get("amount"),
            status=props.get("status"),
            start=to_date(props.get("start")),
            end=to_date(props.get("end")),
            current=in_force(props.get("start"), props.get("end"), at.day),
            provenance=Provenance.from_record(props),
            **recorded(props, _section("EQUITY_PLEDGE"), at),
        )


@strawberry.type(description="A chattel mortgage (动产抵押) between mortgagor and mortgagee.")
class ChattelMortgage(Recorded):
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
    def from_relation(cls, relation: Relation, here: Entity, at: Moment) -> ChattelMortgage:
        mortgagor, mortgagee = ((here, relation.other) if relation.outgoing
                                else (relation.other, here))
        props = relation.props
        return cls(
            reg_no=props.get("reg_no") or relation.key,
            mortgagor=_node(mortgagor, at),
            mortgagee=_node(mortgagee, at),
            secured_amount=props.get("secured_amount"),
            authority=props.get("authority"),
            status=props.get("status"),
            collateral=props.get("collateral"),
            start=to_date(props.get("start")),
            end=to_date(props.get("end")),
            current=in_force(props.get("start"), props.get("end"), at.day),
            provenance=Provenance.from_record(props),
            **recorded(props, _section(relation.type), at),
        )


