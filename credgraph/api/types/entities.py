"""GraphQL types of the register's entities: enterprises, persons and other holders.

Their facts (holders, posts, lists ...) come from one neighbourhood fetch per entity,
batched across the response by the request's DataLoader (credgraph.api.context).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import strawberry

from credgraph.api.context import Info, in_thread
from credgraph.api.types.base import Node, described
from credgraph.api.types.enums import EnterpriseStatus, EntityKind
from credgraph.api.types.facts import (
    AnnualReport,
    Appointment,
    ChattelMortgage,
    EnterpriseEvent,
    EquityPledge,
    ListEntry,
    Penalty,
    Shareholding,
)
from credgraph.api.types.recorded import Provenance, Recorded, recorded
from credgraph.api.types.scalars import Date, to_date
from credgraph.graph.model import load_model
from credgraph.graph.vocabulary import LEGAL_REPRESENTATIVE, load_vocabulary
from credgraph.queries.links.privacy import mask_id_number
from credgraph.queries.links.results import Entity, ListRecord, Neighbourhood
from credgraph.queries.time import Moment, in_force

ENTERPRISE, PERSON, OTHER_HOLDER = (load_model().node(label).label
                                    for label in ("Enterprise", "Person", "OtherHolder"))
"""The entity labels, checked against the model when the API is built."""


MIGRATIONS = ("migrated_out", "migrated_in")
"""The events that move an enterprise to another registration authority."""


@strawberry.type(description="A move to another registration authority (迁入 / 迁出).")
class AuthorityChange:
    date: Date
    authority: str | None = strawberry.field(
        description="The registration authority from that date.")
    event: str = strawberry.field(description="migrated_out or migrated_in")
    provenance: Provenance | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any]) -> AuthorityChange:
        day = to_date(props.get("date"))
        if day is None:
            raise ValueError(f"event {props['id']} has no date")
        return cls(date=day, authority=props.get("authority"), event=props["event"],
                   provenance=Provenance.from_record(props))


def _status_kind(status: str | None) -> EnterpriseStatus | None:
    kind = load_vocabulary().status_kind(status)
    return EnterpriseStatus(kind) if kind is not None else None


def shown(start: str | None, end: str | None, day: str, include_history: bool) -> bool:
    """In force on the day, or with history also ended by then; never begun after it."""
    if include_history:
        return start is None or start <= day
    return in_force(start, end, day)


async def _neighbourhood(info: Info, node_id: str, at: Moment) -> Neighbourhood:
    """The neighbourhood the resolving detail field (`HOLDER_DETAILS`) of the node reads."""
    section = HOLDER_DETAILS[info.field_name]
    found = await info.context.loaders.neighbourhood(node_id, at, section)
    if found is None:
        raise LookupError(f"node {node_id} vanished during the request")
    return found


def _list_entries(records: tuple[ListRecord, ...], at: Moment,
                  include_history: bool) -> list[ListEntry]:
    return [ListEntry.from_record(r.entry, at) for r in records
            if shown(r.start, r.end, at.day, include_history)]


@strawberry.type(description="A market entity of the registry; lists are as of the query's day.")
class Enterprise(Recorded, Node):
    uscc: str | None
    reg_no: str | None
    type: str | None
    status: str | None
    status_kind: EnterpriseStatus | None = strawberry.field(
        description="What the status says (null when the wording is not known).")
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
    def from_record(cls, props: Mapping[str, Any], at: Moment) -> Enterprise:
        """From an Enterprise node's properties."""
        return cls(
            id=strawberry.ID(props["id"]),
            name=props.get("name") or props["id"],
            kind=EntityKind(ENTERPRISE),
            uscc=props.get("uscc"),
            reg_no=props.get("reg_no"),
            type=props.get("type"),
            status=props.get("status"),
            status_kind=_status_kind(props.get("status")),
            established=to_date(props.get("established")),
            registered_capital=props.get("registered_capital"),
            currency=props.get("currency"),
            authority=props.get("authority"),
            address=props.get("address"),
            business_scope=props.get("business_scope"),
            placeholder=bool(props.get("placeholder")),
            provenance=Provenance.from_record(props),
            **recorded(props, "enterprises", at),
        )

    @described("Holders of this enterprise (in force on the day).")
    async def shareholders(self, info: Info, include_history: bool = False) -> list[Shareholding]:
        around, at = await _neighbourhood(info, self.id, self.at), self.at
        return [Shareholding.from_relation(r, around.node, at) for r in around.holders
                if shown(r.props.get("start"), r.props.get("end"), at.day, include_history)]

    @described("Enterprises this one holds shares in.")
    async def investments(self, info: Info, include_history: bool = False) -> list[Shareholding]:
        around, at = await _neighbourhood(info, self.id, self.at), self.at
        return [Shareholding.from_relation(r, around.node, at) for r in around.holdings
                if shown(r.props.get("start"), r.props.get("end"), at.day, include_history)]

    @described("Officers other than the legal representative.")
    async def officers(self, info: Info, include_history: bool = False) -> list[Appointment]:
        return [a for a in await self._posts(info, include_history)
                if a.role.value != LEGAL_REPRESENTATIVE]

    @described("The legal representative in office on the day (latest start).")
    async def legal_representative(self, info: Info) -> Node | None:
        posts = [a for a in await self._posts(info, False) if a.role.value == LEGAL_REPRESENTATIVE]
        posts.sort(key=lambda a: (a.start or datetime.date.min, a.key))
        return posts[-1].person if posts else None

    @described("Legal representatives, with history on request.")
    async def legal_representatives(self, info: Info,
                                    include_history: bool = False) -> list[Appointment]:
        return [a for a in await self._posts(info, include_history)
                if a.role.value == LEGAL_REPRESENTATIVE]

    async def _posts(self, info: Info, include_history: bool) -> list[Appointment]:
        around, at = await _neighbourhood(info, self.id, self.at), self.at
        return [Appointment.from_relation(r, around.node, at) for r in around.officers
                if shown(r.props.get("start"), r.props.get("end"), at.day, include_history)]

    @described("List entries of this enterprise (in force on the day).")
    async def list_entries(self, info: Info, include_history: bool = False) -> list[ListEntry]:
        around = await _neighbourhood(info, self.id, self.at)
        return _list_entries(around.list_entries, self.at, include_history)

    @described("Penalty decisions taken by the day.")
    async def penalties(self, info: Info) -> list[Penalty]:
        around, at = await _neighbourhood(info, self.id, self.at), self.at
        return [Penalty.from_record(p, at) for p in around.penalties
                if (p.get("decided_on") or "") <= at.day]

    @described("Lifecycle events that happened by the day.")
    async def events(self, info: Info) -> list[EnterpriseEvent]:
        around, at = await _neighbourhood(info, self.id, self.at), self.at
        return [EnterpriseEvent.from_record(e, at) for e in around.events
                if (e.get("date") or "") <= at.day]

    @described("Moves between registration authorities (迁入/迁出) by the day, oldest first; "
               "each names the authority the enterprise is registered with from that date.")
    async def authority_history(self, info: Info) -> list[AuthorityChange]:
        around, at = await _neighbourhood(info, self.id, self.at), self.at
        return [AuthorityChange.from_record(e) for e in around.events
                if e.get("event") in MIGRATIONS and (e.get("date") or "") <= at.day]

    @described("The registration authority on the day: the last move's by then, else the one "
               "the registration record names.")
    async def authority_on_day(self, info: Info) -> str | None:
        moves = await self.authority_history(info)
        return moves[-1].authority if moves else self.authority

    @described("Equity pledges this enterprise is the subject or a party of.")
    async def equity_pledges(self, info: Info,
                             include_history: bool = False) -> list[EquityPledge]:
        around, at = await _neighbourhood(info, self.id, self.at), self.at
        return [EquityPledge.from_record(p, at) for p in around.pledges
                if shown(p.props.get("start"), p.props.get("end"), at.day, include_history)]

    @described("Annual reports of the years before the day's, oldest first: those published "
               "by the day and those not published.")
    async def annual_reports(self, info: Info) -> list[AnnualReport]:
        around, at = await _neighbourhood(info, self.id, self.at), self.at
        return [AnnualReport.from_record(r, at) for r in around.annual_reports
                if int(r["year"]) < int(at.day[:4])
                and (r.get("filed_on") or "") <= at.day]

    @described("Chattel mortgages with this enterprise as mortgagor or mortgagee.")
    async def chattel_mortgages(self, info: Info,
                                include_history: bool = False) -> list[ChattelMortgage]:
        around, at = await _neighbourhood(info, self.id, self.at), self.at
        return [ChattelMortgage.from_relation(r, around.node, at) for r in around.mortgages
                if shown(r.props.get("start"), r.props.get("end"), at.day, include_history)]


ENTERPRISE_DETAILS: Mapping[str, str] = {
    "shareholders": "holders", "investments": "holdings", "officers": "officers",
    "legalRepresentative": "officers", "legalRepresentatives": "officers",
    "listEntries": "list_entries", "penalties": "penalties", "events": "events",
    "authorityHistory": "events", "authorityOnDay": "events", "equityPledges": "pledges",
    "annualReports": "annual_reports", "chattelMortgages": "mortgages"}
"""The fields of an Enterprise that its neighbourhood answers, with the section each reads
(`Neighbourhood.sections`)."""

PERSON_DETAILS: Mapping[str, str] = {
    "appointments": "officers", "holdings": "holdings", "listEntries": "list_entries"}
"""The fields of a Person that its neighbourhood answers, with their sections: a lookup that
selects one reads the person and its neighbourhood together (`LinkAnalysis.person_details`)."""

HOLDER_DETAILS: Mapping[str, str] = {**ENTERPRISE_DETAILS, **PERSON_DETAILS}
"""The fields of a holder (an enterprise, a person, or an other holder: its `holdings`) that
its neighbourhood answers: an enterprise lookup that selects some under its shareholders'
holder reads the holders' neighbourhoods, those fields' sections only, with its own
(`LinkAnalysis.enterprise_and_holders`)."""


@strawberry.type(description="A natural person; the id number is only ever shown masked.")
class Person(Recorded, Node):
    person_id: strawberry.ID
    masked_id_number: str | None
    nationality: str | None
    placeholder: bool
    provenance: Provenance | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any], at: Moment) -> Person:
        """From a Person node's properties; the raw id number is masked here."""
        return cls(
            id=strawberry.ID(props["id"]),
            person_id=strawberry.ID(props["id"]),
            name=props.get("name") or props["id"],
            kind=EntityKind(PERSON),
            masked_id_number=mask_id_number(props.get("id_number")),
            nationality=props.get("nationality"),
            placeholder=bool(props.get("placeholder")),
            provenance=Provenance.from_record(props),
            **recorded(props, "persons", at),
        )

    @described("The whole id number with reveal: true, else masked. Only roles that may "
               "reveal it see it (README.md, Roles), and every reveal is audited.")
    async def id_number(self, info: Info, reveal: bool = False) -> str | None:
        if not reveal:
            return self.masked_id_number
        links, person_id, at = info.context.analyses.links, self.id, self.at
        return await in_thread(lambda: links.revealed_id_number(person_id, at))

    @described("Posts the person holds (in force on the day).")
    async def appointments(self, info: Info, include_history: bool = False) -> list[Appointment]:
        around, at = await _neighbourhood(info, self.id, self.at), self.at
        return [Appointment.from_relation(r, around.node, at) for r in around.officers
                if shown(r.props.get("start"), r.props.get("end"), at.day, include_history)]

    @described("Direct holdings of the person.")
    async def holdings(self, info: Info, include_history: bool = False) -> list[Shareholding]:
        around, at = await _neighbourhood(info, self.id, self.at), self.at
        return [Shareholding.from_relation(r, around.node, at) for r in around.holdings
                if shown(r.props.get("start"), r.props.get("end"), at.day, include_history)]

    @described("List entries of the person (in force on the day).")
    async def list_entries(self, info: Info, include_history: bool = False) -> list[ListEntry]:
        around = await _neighbourhood(info, self.id, self.at)
        return _list_entries(around.list_entries, self.at, include_history)


@strawberry.type(description="A holder that is neither enterprise nor person: state, foreign ...")
class OtherHolder(Recorded, Node):
    category: str | None = strawberry.field(description="state, foreign, collective or unknown")
    provenance: Provenance | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any], at: Moment) -> OtherHolder:
        return cls(
            id=strawberry.ID(props["id"]),
            name=props.get("name") or props["id"],
            kind=EntityKind(OTHER_HOLDER),
            category=props.get("category"),
            provenance=Provenance.from_record(props),
            **recorded(props, "holders", at),
        )

    @described("Direct holdings of this holder.")
    async def holdings(self, info: Info, include_history: bool = False) -> list[Shareholding]:
        around, at = await _neighbourhood(info, self.id, self.at), self.at
        return [Shareholding.from_relation(r, around.node, at) for r in around.holdings
                if shown(r.props.get("start"), r.props.get("end"), at.day, include_history)]


ENTITY_TYPES: tuple[type[Enterprise] | type[Person] | type[OtherHolder], ...] = (
    Enterprise,
    Person,
    OtherHolder,
)
"""Every implementation of Node, for `strawberry.Schema(types=...)`."""


def node_from_record(props: Mapping[str, Any],
                     at: Moment) -> Enterprise | Person | OtherHolder:
    """The Node type for a node record with its `label`."""
    label = props["label"]
    if label == ENTERPRISE:
        return Enterprise.from_record(props, at)
    if label == PERSON:
        return Person.from_record(props, at)
    return OtherHolder.from_record(props, at)


def node_from_entity(found: Entity, at: Moment) -> Enterprise | Person | OtherHolder:
    """The Node type for a query result's entity."""
    return node_from_record({**found.props, "label": found.label}, at)
