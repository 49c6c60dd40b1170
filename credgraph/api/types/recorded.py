"""What every fact of the register shows of its recording: where it was loaded from, when
it was recorded and withdrawn, who supplied it, its earlier and later versions, and the
objections (异议) against it (docs/feeds.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry
from strawberry.scalars import JSON

from credgraph.api.context import Info
from credgraph.api.types.base import described
from credgraph.api.types.enums import ObjectionStatus
from credgraph.api.types.scalars import Date, DateTime, to_date
from credgraph.graph.model import PROVENANCE, VERSION
from credgraph.queries.objections import about, disputing
from credgraph.queries.time import Moment

_LEFT_OUT = frozenset({*PROVENANCE, *VERSION, "key", "placeholder", "id_number"})
"""Left out of a version's values: what describes the recording, not the fact, and ID
numbers (Person.idNumber shows those, under the role rules)."""


def retracted_by(ret: str | None, at: Moment) -> str | None:
    """A version's retraction as known at `at.known`: None while it still holds then (a later
    correction must not show in what the register showed before it)."""
    return ret if ret is not None and (at.known is None or ret <= at.known) else None


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


@strawberry.type(description="One recorded version of a fact: its values as recorded then.")
class FactVersion:
    recorded_at: DateTime
    retracted_at: DateTime | None = strawberry.field(
        description="When a correction replaced it or it was withdrawn; null while it holds.")
    source: str | None = strawberry.field(description="The supplying department.")
    op_reason: str | None = strawberry.field(description="Why it was corrected or withdrawn.")
    current: bool = strawberry.field(
        description="The version the register shows at the knownAt asked about.")
    provenance: Provenance | None
    values: JSON = strawberry.field(description="The fact's values in this version.")

    @classmethod
    def from_record(cls, props: Mapping[str, Any], at: Moment) -> FactVersion:
        retracted_at = retracted_by(props.get("ret"), at)
        return cls(
            recorded_at=props["rec"], retracted_at=retracted_at, source=props.get("source"),
            op_reason=props.get("op_reason"), current=retracted_at is None,
            provenance=Provenance.from_record(props),
            values=JSON({k: v for k, v in sorted(props.items()) if k not in _LEFT_OUT}),
        )


@strawberry.type(description="An objection (异议) to a published fact.")
class Dispute:
    objection_id: strawberry.ID
    filed_by: str | None
    filed_on: Date
    grounds: str | None
    status: ObjectionStatus
    resolved_on: Date | None
    active: bool = strawberry.field(
        description="The fact is disputed on the day asked: filed by then and not resolved.")
    provenance: Provenance | None

    @classmethod
    def from_record(cls, props: Mapping[str, Any], day: str) -> Dispute:
        filed_on = to_date(props["filed_on"])
        if filed_on is None:
            raise ValueError(f"objection {props['id']} has no filing date")
        return cls(
            objection_id=strawberry.ID(props["id"]), filed_by=props.get("filed_by"),
            filed_on=filed_on, grounds=props.get("grounds"),
            status=ObjectionStatus(props["status"]), resolved_on=to_date(props.get("resolved_on")),
            active=disputing(props, day), provenance=Provenance.from_record(props),
        )


@strawberry.type
class Recorded:
    """The recording of a fact: the fields every fact type shares."""

    recorded_at: DateTime | None = strawberry.field(
        description="When this version was recorded (the extract's time).")
    retracted_at: DateTime | None = strawberry.field(
        description="When it was superseded or withdrawn, as known at knownAt; null: current.")
    source: str | None = strawberry.field(description="The department that supplied it.")
    fact_section: strawberry.Private[str]
    fact_key: strawberry.Private[str]
    at: strawberry.Private[Moment]

    @described("Every version of this fact recorded by knownAt, oldest first (corrections and "
               "withdrawals included).")
    async def versions(self, info: Info) -> list[FactVersion]:
        found = await info.context.loaders.versions(self.at).load((self.fact_section,
                                                                   self.fact_key))
        return [FactVersion.from_record(v, self.at) for v in found]

    @described("Objections (异议) against this fact known at knownAt.")
    async def disputes(self, info: Info) -> list[Dispute]:
        found = await info.context.loaders.objections(self.at).load(
            about(self.fact_section, self.fact_key))
        return [Dispute.from_record(o, self.at.day) for o in found]

    @described("An objection disputes this fact on the day asked.")
    async def disputed(self, info: Info) -> bool:
        found = await info.context.loaders.objections(self.at).load(
            about(self.fact_section, self.fact_key))
        return any(disputing(o, self.at.day) for o in found)


def recorded(props: Mapping[str, Any], section: str, at: Moment) -> dict[str, Any]:
    """The Recorded fields of a fact type, from its element's properties."""
    return {"recorded_at": props.get("rec") or props.get("recorded_at"),
            "retracted_at": retracted_by(props.get("ret"), at), "source": props.get("source"),
            "fact_section": section, "fact_key": str(props.get("fact") or props.get("id")),
            "at": at}
