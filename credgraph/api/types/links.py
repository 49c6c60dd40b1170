"""GraphQL types of the link questions: search hits, paths, exposure, a person's firms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from credgraph.api.limits import MAX_ITEMS
from credgraph.api.types.base import Node
from credgraph.api.types.entities import Enterprise, node_from_entity
from credgraph.api.types.enums import ContactKind, EntityKind, ListType, MatchKind, Relation, Role
from credgraph.api.types.facts import ListEntry
from credgraph.api.types.recorded import Provenance
from credgraph.api.types.scalars import Date, round_percent, to_date
from credgraph.queries.links import results
from credgraph.queries.links.suspected import SUSPECTED
from credgraph.queries.time import Moment


@strawberry.type(description="One search hit; exact id matches come first, then names.")
class SearchHit:
    kind: EntityKind
    id: strawberry.ID
    name: str
    matched_by: MatchKind
    node: Node

    @classmethod
    def from_record(cls, hit: results.SearchHit, at: Moment) -> SearchHit:
        return cls(
            kind=EntityKind(hit.entity.label),
            id=strawberry.ID(hit.entity.id),
            name=hit.entity.name,
            matched_by=MatchKind(hit.matched_by),
            node=node_from_entity(hit.entity, at),
        )


SUSPECTED_ARG = strawberry.argument(
    description="Also walk suspected links (shared phone, e-mail, address or website in the "
                "annual reports in force, docs/risk.md); registered links only when false.")


@strawberry.type(description="An annual report a suspected link rests on.")
class SuspectedReport:
    id: strawberry.ID
    enterprise_id: strawberry.ID
    year: int
    filed_on: Date | None
    stated: str | None = strawberry.field(description="The value as the report writes it.")
    provenance: Provenance | None


@strawberry.type(description="What a suspected link (疑似关系) rests on: two enterprises' annual "
                                    "reports in force give the same contact detail.")
class SuspectedLink:
    kind: ContactKind
    value: str = strawberry.field(description="The shared value, normalised (docs/risk.md).")
    reports: list[SuspectedReport] = strawberry.field(
        description="The report of each end, in the link's direction.",
        metadata={MAX_ITEMS: 2})

    @classmethod
    def from_link(cls, link: results.Link) -> SuspectedLink | None:
        """The suspected link's grounds; None for a registered link."""
        if link.type != SUSPECTED:
            return None
        kind = str(link.props["kind"])
        return cls(kind=ContactKind(kind), value=str(link.props["value"]),
                   reports=[_report(r, kind) for r in link.props["reports"]])


def _report(props: Mapping[str, Any], kind: str) -> SuspectedReport:
    return SuspectedReport(
        id=strawberry.ID(props["id"]), enterprise_id=strawberry.ID(props["enterprise"]),
        year=int(props["year"]), filed_on=to_date(props.get("filed_on")),
        stated=props.get(kind), provenance=Provenance.from_record(props))


@strawberry.type(description="One hop of a path, in the direction the path walks it.")
class Step:
    from_: Node = strawberry.field(name="from")
    to: Node
    relation: Relation
    forward: bool = strawberry.field(
        description="True when the relationship is recorded from `from` to `to`."
    )
    role: Role | None
    percent: float | None
    start: Date | None
    end: Date | None
    key: str
    provenance: Provenance | None
    suspected: SuspectedLink | None = strawberry.field(
        description="For relation SUSPECTED: the shared value and the reports it comes from.")

    @classmethod
    def from_record(cls, step: results.Step, at: Moment) -> Step:
        props = step.link.props
        role = props.get("role")
        return cls(
            from_=node_from_entity(step.from_node, at),
            to=node_from_entity(step.to_node, at),
            relation=Relation(step.link.type),
            forward=step.forward,
            role=Role(role) if role else None,
            percent=round_percent(props.get("percent")),
            start=to_date(props.get("start")),
            end=to_date(props.get("end")),
            key=step.link.key,
            provenance=Provenance.from_record(props),
            suspected=SuspectedLink.from_link(step.link),
        )


@strawberry.type(description="A path of link relationships, first node to last.")
class Path:
    steps: list[Step] = strawberry.field(metadata={MAX_ITEMS: results.MAX_HOPS})
    length: int

    @classmethod
    def from_record(cls, path: results.Path, at: Moment) -> Path:
        return cls(steps=[Step.from_record(s, at) for s in path.steps], length=len(path.steps))


@strawberry.type(description="A listed subject within reach, with one shortest path to it.")
class ExposureHit:
    subject: Node
    list: ListType
    listed_on: Date
    entry: ListEntry
    distance: int
    path: Path

    @classmethod
    def from_record(cls, hit: results.ExposureHit, at: Moment) -> ExposureHit:
        entry = ListEntry.from_record(hit.entry, at)
        return cls(
            subject=node_from_entity(hit.subject, at),
            list=entry.list,
            listed_on=entry.listed_on,
            entry=entry,
            distance=hit.distance,
            path=Path.from_record(hit.path, at),
        )


@strawberry.type(description="Listed subjects around a node, nearest first.")
class Exposure:
    origin: Node
    hits: list[ExposureHit]

    @classmethod
    def from_record(cls, exposure: results.Exposure, at: Moment) -> Exposure:
        return cls(
            origin=node_from_entity(exposure.origin, at),
            hits=[ExposureHit.from_record(h, at) for h in exposure.hits],
        )


@strawberry.type(description="A direct holding or post of a person in a firm.")
class FirmLink:
    relation: Relation
    role: Role | None
    percent: float | None
    start: Date | None
    end: Date | None
    current: bool
    key: str
    provenance: Provenance | None

    @classmethod
    def from_record(cls, link: results.FirmLink) -> FirmLink:
        return cls(
            relation=Relation(link.type),
            role=Role(link.role) if link.role else None,
            percent=round_percent(link.percent),
            start=to_date(link.start),
            end=to_date(link.end),
            current=link.current,
            key=link.key,
            provenance=Provenance.from_record(link.props),
        )


@strawberry.type(description="A firm a person is linked to, directly or through holding companies.")
class PersonFirm:
    enterprise: Enterprise
    roles: list[Role]
    direct_percent: float | None = strawberry.field(
        description="Sum of the known direct holdings in force; null without one."
    )
    effective_percent: float | None = strawberry.field(
        description="Integrated ownership through every chain of holdings; null when undefined "
        "(holdings of 100% or more around a cycle on the way)."
    )
    circular: bool = strawberry.field(
        description="True when a holding path to the firm passes through a cycle of holdings."
    )
    direct: bool = strawberry.field(description="False when held only through other firms.")
    start: Date | None
    end: Date | None
    current: bool
    links: list[FirmLink]

    @classmethod
    def from_record(cls, firm: results.PersonFirm, at: Moment) -> PersonFirm:
        return cls(
            enterprise=Enterprise.from_record(firm.enterprise.props, at),
            roles=[Role(r) for r in firm.roles],
            direct_percent=round_percent(firm.direct_percent),
            effective_percent=round_percent(firm.effective_percent),
            circular=firm.circular,
            direct=bool(firm.links),
            start=to_date(firm.start),
            end=to_date(firm.end),
            current=firm.current,
            links=[FirmLink.from_record(link) for link in firm.links],
        )
