"""GraphQL for the appointment restrictions: disqualificationCheck, appointmentCheck and
disqualificationScan (docs/api-contract.md), merged into the root Query by credgraph.api.schema.

The types here are built from the engine's records by `from_record`; resolvers
only convert arguments and results, the checks live in credgraph.queries.restrictions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

import strawberry

from credgraph.api.context import Info, in_thread
from credgraph.api.types.common import (
    Date,
    Enterprise,
    Person,
    Provenance,
    Role,
    as_of_day,
    described,
    to_date,
)
from credgraph.queries.restrictions import engine, rules, service
from credgraph.queries.restrictions.facts import FactRef, Trigger

rules.load_rules()  # a malformed rules.yaml stops the server at start, naming file and key

Nodes = Mapping[str, Mapping[str, Any]]
"""Node properties by id, fetched in one go for everything a result names."""


@strawberry.enum(description="CONFIRMED: the facts prove the restriction; CANDIDATE: a clerk "
                             "must review it (see the hit's note).")
class Certainty(Enum):
    CONFIRMED = rules.Certainty.CONFIRMED.value
    CANDIDATE = rules.Certainty.CANDIDATE.value


@strawberry.enum(description="Company Law Art.178: VOID, made inside the window (¶2); "
                             "MUST_REMOVE, held when the window opened (¶3).")
class AppointmentEffect(Enum):
    VOID = engine.Effect.VOID.value
    MUST_REMOVE = engine.Effect.MUST_REMOVE.value


@strawberry.enum(description="What started a restriction window: a list entry or an event.")
class TriggerKind(Enum):
    ABNORMAL_OPERATIONS = "abnormal_operations"
    SERIOUS_ILLEGAL = "serious_illegal"
    DISHONEST_DEBTOR = "dishonest_debtor"
    CONSUMPTION_RESTRICTED = "consumption_restricted"
    CRIMINAL_SENTENCE = "criminal_sentence"
    LICENCE_REVOKED = "licence_revoked"
    ORDERED_CLOSED = "ordered_closed"
    BANKRUPTCY_LIQUIDATED = "bankruptcy_liquidated"
    REGISTRATION_REVOKED = "registration_revoked"
    DEREGISTERED = "deregistered"


def _required_day(value: str) -> Date:
    day = to_date(value)
    if day is None:
        raise ValueError("a stored date is missing")
    return day


def _enterprise(nodes: Nodes, enterprise_id: str, day: str) -> Enterprise:
    return Enterprise.from_record(nodes.get(enterprise_id) or {"id": enterprise_id}, day)


def _person(nodes: Nodes, person_id: str, day: str) -> Person:
    return Person.from_record(nodes.get(person_id) or {"id": person_id}, day)


def _provenance(ref: FactRef) -> Provenance | None:
    prov = ref.provenance
    return Provenance.from_record({"src_file": prov.src_file, "src_row": prov.src_row,
                                   "batch_id": prov.batch_id, "loaded_at": prov.loaded_at})


@strawberry.type(description="The article a hit rests on, in the version in force on the "
                             "day judged (docs/restriction-rules.md).")
class LawCitation:
    law: str
    short_name: str
    version: str = strawberry.field(description="The year of the text, e.g. 2023.")
    article: str
    item: str
    in_force_from: Date
    in_force_to: Date | None = strawberry.field(description="Last day in force; null: in force.")

    @classmethod
    def from_record(cls, c: rules.Citation) -> LawCitation:
        v = c.version
        return cls(law=c.law.name.zh, short_name=c.law.short.en, version=v.text,
                   article=v.article, item=f"({c.item})" if c.item else "",
                   in_force_from=_required_day(v.in_force_from), in_force_to=to_date(v.in_force_to))


@strawberry.type(description="One stored fact of a hit's proof, with where it was loaded from.")
class EvidenceStep:
    fact: str = strawberry.field(description="Node label or relationship type.")
    id: strawberry.ID = strawberry.field(description="Node id or relationship key.")
    summary: str
    provenance: Provenance | None

    @classmethod
    def from_record(cls, step: engine.EvidenceStep) -> EvidenceStep:
        return cls(fact=step.ref.fact, id=strawberry.ID(step.ref.id), summary=step.summary,
                   provenance=_provenance(step.ref))


@strawberry.type(description="The list entry or enterprise event a window runs from.")
class RestrictionTrigger:
    kind: TriggerKind
    id: strawberry.ID = strawberry.field(description="The ListEntry or Event id.")
    date: Date
    subject_id: strawberry.ID = strawberry.field(description="The listed person or enterprise.")
    enterprise: Enterprise | None = strawberry.field(
        description="The listed or affected enterprise; null for a person's own listing.")
    reason: str | None
    authority: str | None
    doc_no: str | None
    removed_on: Date | None
    removal_reason: str | None
    liable_person_ids: list[strawberry.ID]

    @classmethod
    def from_record(cls, t: Trigger, nodes: Nodes, day: str) -> RestrictionTrigger:
        enterprise = t.enterprise_id
        return cls(
            kind=TriggerKind(t.kind), id=strawberry.ID(t.id), date=_required_day(t.date),
            subject_id=strawberry.ID(t.subject_id),
            enterprise=_enterprise(nodes, enterprise, day) if enterprise else None,
            reason=t.reason, authority=t.authority, doc_no=t.doc_no,
            removed_on=to_date(t.removed_on), removal_reason=t.removal_reason,
            liable_person_ids=[strawberry.ID(p) for p in t.liable_persons],
        )


@strawberry.type(description="A post the restriction touches, and what it makes of it.")
class AffectedAppointment:
    key: str
    enterprise: Enterprise
    role: Role
    start: Date | None
    end: Date | None
    kind: AppointmentEffect
    provenance: Provenance | None
    certainty: Certainty = strawberry.field(
        description="The hit's, or CANDIDATE when the rule bars some kinds of enterprise only "
                    "and this one's kind cannot be told from its registered type.")
    note: str | None = strawberry.field(description="Why a CANDIDATE needs review (English).")
    note_zh: str | None = strawberry.field(description="The same in Chinese.")
    note_en: str | None = strawberry.field(description="The same in English.")

    @classmethod
    def from_record(cls, a: engine.Affected, nodes: Nodes, day: str) -> AffectedAppointment:
        post = a.appointment
        return cls(
            key=post.key, enterprise=_enterprise(nodes, post.enterprise_id, day),
            role=Role(post.role), start=to_date(post.start), end=to_date(post.end),
            kind=AppointmentEffect(a.effect.value), provenance=_provenance(post.ref),
            certainty=Certainty(a.certainty.value), note=a.note.en if a.note else None,
            note_zh=a.note.zh if a.note else None, note_en=a.note.en if a.note else None,
        )


@strawberry.type(description="One rule restricting one person from one trigger.")
class RestrictionHit:
    rule_id: str
    title: str = strawberry.field(description="The rule's title in English (titleEn).")
    title_zh: str = strawberry.field(description="The rule's title in Chinese.")
    title_en: str
    citation: str = strawberry.field(
        description="The article of the version applied, in English, e.g. "
                    "\"Art.146(5), 2018 text\".")
    citation_zh: str = strawberry.field(description="The same in Chinese.")
    law: LawCitation
    certainty: Certainty
    note: str | None = strawberry.field(description="Why a CANDIDATE needs review (English).")
    note_zh: str | None = strawberry.field(description="The same in Chinese.")
    note_en: str | None = strawberry.field(description="The same in English.")
    window_start: Date
    window_end: Date | None = strawberry.field(
        description="First day no longer restricted (exclusive, like every end date here); "
                    "null while a listing lasts.")
    last_restricted_day: Date | None
    barred_roles: list[Role]
    trigger: RestrictionTrigger
    affected_appointments: list[AffectedAppointment] = strawberry.field(
        description="The person's posts in force on the day asked about that the hit affects.")
    evidence: list[EvidenceStep]

    @classmethod
    def from_record(cls, hit: engine.Hit, nodes: Nodes, day: str) -> RestrictionHit:
        note = hit.note
        return cls(
            rule_id=hit.rule_id, title=hit.title.en, title_zh=hit.title.zh,
            title_en=hit.title.en, citation=hit.citation.en, citation_zh=hit.citation.zh,
            law=LawCitation.from_record(hit.citation), certainty=Certainty(hit.certainty.value),
            note=note.en if note else None, note_zh=note.zh if note else None,
            note_en=note.en if note else None, window_start=_required_day(hit.window_start),
            window_end=to_date(hit.window_end), last_restricted_day=to_date(hit.last_day),
            barred_roles=sorted((Role(r) for r in hit.barred_roles), key=lambda r: r.value),
            trigger=RestrictionTrigger.from_record(hit.trigger, nodes, day),
            affected_appointments=[AffectedAppointment.from_record(a, nodes, day)
                                   for a in hit.affected_on(day)],
            evidence=[EvidenceStep.from_record(s) for s in hit.evidence],
        )


@strawberry.type(description="Whether a person may hold restricted posts on a day.")
class DisqualificationCheck:
    person: Person
    as_of: Date
    disqualified: bool = strawberry.field(description="A confirmed hit is in force.")
    needs_review: bool = strawberry.field(description="Only candidate hits are in force.")
    hits: list[RestrictionHit]

    @classmethod
    def from_record(cls, check: service.PersonCheck, nodes: Nodes) -> DisqualificationCheck:
        day = check.day
        return cls(person=_person(nodes, check.person_id, day), as_of=_required_day(day),
                   disqualified=check.disqualified, needs_review=check.needs_review,
                   hits=[RestrictionHit.from_record(h, nodes, day) for h in check.hits])


@strawberry.type(description="Whether an appointment may be made, and the hits that forbid it.")
class AppointmentCheck:
    person: Person
    enterprise_id: strawberry.ID
    enterprise: Enterprise | None = strawberry.field(
        description="Null when the enterprise is not in the registry yet.")
    role: Role
    date: Date
    allowed: bool = strawberry.field(description="No confirmed hit forbids it.")
    needs_review: bool = strawberry.field(description="Allowed, but candidate hits bar it.")
    hits: list[RestrictionHit]

    @classmethod
    def from_record(cls, d: service.AppointmentDecision, nodes: Nodes) -> AppointmentCheck:
        day = d.day
        found = d.enterprise_id in nodes
        return cls(
            person=_person(nodes, d.person_id, day), enterprise_id=strawberry.ID(d.enterprise_id),
            enterprise=_enterprise(nodes, d.enterprise_id, day) if found else None,
            role=Role(d.roles[0]), date=_required_day(day), allowed=d.allowed,
            needs_review=d.needs_review,
            hits=[RestrictionHit.from_record(h, nodes, day) for h in d.hits],
        )


@strawberry.type(description="A current appointment held against a rule.")
class Disqualification:
    person: Person
    rule_id: str
    certainty: Certainty
    kind: AppointmentEffect
    appointment: AffectedAppointment
    hit: RestrictionHit

    @classmethod
    def from_record(cls, item: service.ScanItem, nodes: Nodes, day: str) -> Disqualification:
        hit = item.hit
        return cls(
            person=_person(nodes, hit.person_id, day), rule_id=hit.rule_id,
            certainty=Certainty(item.certainty.value),
            kind=AppointmentEffect(item.affected.effect.value),
            appointment=AffectedAppointment.from_record(item.affected, nodes, day),
            hit=RestrictionHit.from_record(hit, nodes, day),
        )


@strawberry.type
class DisqualificationEdge:
    cursor: str
    node: Disqualification


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="Every current appointment held against a rule, in a stable "
                             "order (person, enterprise, role, start, rule, trigger).")
class DisqualificationConnection:
    total_count: int
    edges: list[DisqualificationEdge]
    page_info: PageInfo

    @classmethod
    def from_record(cls, page: service.ScanPage, nodes: Nodes, day: str
                    ) -> DisqualificationConnection:
        edges = [DisqualificationEdge(cursor=item.cursor,
                                      node=Disqualification.from_record(item, nodes, day))
                 for item in page.items]
        return cls(
            total_count=page.total, edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


def _named(hits: Iterable[engine.Hit], day: str) -> set[str]:
    """Every node id a result shows: persons, trigger and affected enterprises."""
    ids: set[str] = set()
    for hit in hits:
        ids.add(hit.person_id)
        if hit.trigger.enterprise_id:
            ids.add(hit.trigger.enterprise_id)
        ids.update(a.appointment.enterprise_id for a in hit.affected_on(day))
    return ids


@strawberry.type
class RestrictionQuery:
    @described("Whether a person is barred from posts on asOf (docs/restriction-rules.md), with "
               "the hits in force then.")
    async def disqualification_check(self, info: Info, person_id: strawberry.ID,
                                     as_of: Date | None = None) -> DisqualificationCheck:
        day, store = as_of_day(as_of), info.context.store

        def run() -> DisqualificationCheck:
            check = service.check_person(store, person_id, day)
            nodes = service.node_records(store, _named(check.hits, day) | {check.person_id})
            return DisqualificationCheck.from_record(check, nodes)

        return await in_thread(run)

    @described("Whether the person may be appointed to the role at the enterprise on date, "
               "and the hits that forbid it.")
    async def appointment_check(self, info: Info, person_id: strawberry.ID, uscc: strawberry.ID,
                                role: Role, date: Date | None = None) -> AppointmentCheck:
        day, store = as_of_day(date), info.context.store

        def run() -> AppointmentCheck:
            decision = service.check_appointment(store, person_id, uscc, role.value, day)
            ids = _named(decision.hits, day) | {decision.person_id, decision.enterprise_id}
            return AppointmentCheck.from_record(decision, service.node_records(store, ids))

        return await in_thread(run)

    @described("Every appointment in force on asOf that a rule makes VOID or that MUST be "
               "given up, over the whole registry.")
    async def disqualification_scan(
        self,
        info: Info,
        as_of: Date | None = None,
        first: int = 100,
        after: str | None = None,
        certainty: Certainty | None = None,
    ) -> DisqualificationConnection:
        day, store = as_of_day(as_of), info.context.store
        wanted = rules.Certainty(certainty.value) if certainty is not None else None

        def run() -> DisqualificationConnection:
            service.page_key(first, after)
            found = service.page(service.scan(store, day, wanted), first, after)
            nodes = service.node_records(store, _named((i.hit for i in found.items), day))
            return DisqualificationConnection.from_record(found, nodes, day)

        return await in_thread(run)
