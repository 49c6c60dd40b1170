"""GraphQL types of the appointment restrictions: hits with their law, trigger, window,
certainty, affected appointments and evidence; person and appointment checks; the scan."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

import strawberry

from credgraph.api.types.entities import Enterprise, Person
from credgraph.api.types.enums import Role, TriggerKind
from credgraph.api.types.recorded import Provenance
from credgraph.api.types.scalars import Date, to_date
from credgraph.queries.links.results import Entity
from credgraph.queries.restrictions import engine, rules, service
from credgraph.queries.restrictions.facts import FactRef, Trigger
from credgraph.queries.time import Moment

Nodes = Mapping[str, Entity]
"""The entities a result names, by id, fetched in one go."""


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


def _required_day(value: str) -> Date:
    day = to_date(value)
    if day is None:
        raise ValueError("a stored date is missing")
    return day


def _props(nodes: Nodes, node_id: str) -> Mapping[str, Any]:
    found = nodes.get(node_id)
    return found.props if found is not None else {"id": node_id}


def _enterprise(nodes: Nodes, enterprise_id: str, at: Moment) -> Enterprise:
    return Enterprise.from_record(_props(nodes, enterprise_id), at)


def _person(nodes: Nodes, person_id: str, at: Moment) -> Person:
    return Person.from_record(_props(nodes, person_id), at)


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
    def from_record(cls, t: Trigger, nodes: Nodes, at: Moment) -> RestrictionTrigger:
        enterprise = t.enterprise_id
        return cls(
            kind=TriggerKind(t.kind), id=strawberry.ID(t.id), date=_required_day(t.date),
            subject_id=strawberry.ID(t.subject_id),
            enterprise=_enterprise(nodes, enterprise, at) if enterprise else None,
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
    def from_record(cls, a: engine.Affected, nodes: Nodes, at: Moment) -> AffectedAppointment:
        post = a.appointment
        return cls(
            key=post.key, enterprise=_enterprise(nodes, post.enterprise_id, at),
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
    citation_en: str
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
    def from_record(cls, hit: engine.Hit, nodes: Nodes, at: Moment) -> RestrictionHit:
        note = hit.note
        return cls(
            rule_id=hit.rule_id, title=hit.title.en, title_zh=hit.title.zh,
            title_en=hit.title.en, citation=hit.citation.en, citation_zh=hit.citation.zh,
            citation_en=hit.citation.en,
            law=LawCitation.from_record(hit.citation), certainty=Certainty(hit.certainty.value),
            note=note.en if note else None, note_zh=note.zh if note else None,
            note_en=note.en if note else None, window_start=_required_day(hit.window_start),
            window_end=to_date(hit.window_end), last_restricted_day=to_date(hit.last_day),
            barred_roles=sorted((Role(r) for r in hit.barred_roles), key=lambda r: r.value),
            trigger=RestrictionTrigger.from_record(hit.trigger, nodes, at),
            affected_appointments=[AffectedAppointment.from_record(a, nodes, at)
                                   for a in hit.affected_on(at.day)],
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
    def from_record(cls, check: service.PersonCheck, nodes: Nodes,
                    at: Moment) -> DisqualificationCheck:
        return cls(person=_person(nodes, check.person_id, at), as_of=_required_day(at.day),
                   disqualified=check.disqualified, needs_review=check.needs_review,
                   hits=[RestrictionHit.from_record(h, nodes, at) for h in check.hits])


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
    def from_record(cls, d: service.AppointmentDecision, nodes: Nodes,
                    at: Moment) -> AppointmentCheck:
        found = d.enterprise_id in nodes
        return cls(
            person=_person(nodes, d.person_id, at), enterprise_id=strawberry.ID(d.enterprise_id),
            enterprise=_enterprise(nodes, d.enterprise_id, at) if found else None,
            role=Role(d.roles[0]), date=_required_day(at.day), allowed=d.allowed,
            needs_review=d.needs_review,
            hits=[RestrictionHit.from_record(h, nodes, at) for h in d.hits],
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
    def from_record(cls, item: service.ScanItem, nodes: Nodes, at: Moment) -> Disqualification:
        hit = item.hit
        return cls(
            person=_person(nodes, hit.person_id, at), rule_id=hit.rule_id,
            certainty=Certainty(item.certainty.value),
            kind=AppointmentEffect(item.affected.effect.value),
            appointment=AffectedAppointment.from_record(item.affected, nodes, at),
            hit=RestrictionHit.from_record(hit, nodes, at),
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
    def from_record(cls, page: service.ScanPage, nodes: Nodes,
                    at: Moment) -> DisqualificationConnection:
        edges = [DisqualificationEdge(cursor=item.cursor,
                                      node=Disqualification.from_record(item, nodes, at))
                 for item in page.items]
        return cls(
            total_count=page.total, edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


