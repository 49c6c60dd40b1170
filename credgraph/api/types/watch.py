"""GraphQL types of watchlists and alerts (docs/risk.md, Watchlists)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry
from strawberry.scalars import JSON

from credgraph.api.types.enums import AlertKind
from credgraph.api.types.recorded import Provenance
from credgraph.api.types.risk import RiskFact
from credgraph.api.types.scalars import DateTime
from credgraph.queries.risk.compute import EvidenceFact
from credgraph.watch.userdata import StoredAlert, Watched


@strawberry.type(description="An entity on a watchlist.")
class WatchEntry:
    list: str
    entity_id: strawberry.ID
    hops: int = strawberry.field(description="Changes within this many links are reported.")
    added_at: DateTime

    @classmethod
    def from_record(cls, entry: Watched) -> WatchEntry:
        return cls(list=entry.list, entity_id=strawberry.ID(entry.entity), hops=entry.hops,
                   added_at=entry.added_at)


@strawberry.type(description="What changed around a watched entity with a load.")
class Alert:
    id: strawberry.ID
    kind: AlertKind
    entity_id: strawberry.ID = strawberry.field(description="The watched entity.")
    subject_id: strawberry.ID = strawberry.field(description="The node the change concerns.")
    text: str = strawberry.field(description="The change in English (textEn).")
    text_zh: str
    text_en: str
    details: JSON = strawberry.field(description="The fields the text is made of.")
    facts: list[RiskFact] = strawberry.field(description="The facts it rests on.")
    data_version: int = strawberry.field(description="The data version of the load.")
    created_at: DateTime
    read: bool

    @classmethod
    def from_record(cls, alert: StoredAlert) -> Alert:
        body = alert.body
        return cls(
            id=strawberry.ID(str(alert.id)), kind=AlertKind(alert.kind),
            entity_id=strawberry.ID(alert.entity), subject_id=strawberry.ID(body["subject"]),
            text=body["text_en"], text_zh=body["text_zh"], text_en=body["text_en"],
            details=JSON({**body["fields"], "previous": body.get("previous")}),
            facts=[_fact(f) for f in body["facts"]], data_version=alert.data_version,
            created_at=alert.created_at, read=alert.read)


def _fact(fact: Mapping[str, Any]) -> RiskFact:
    return RiskFact.from_record(EvidenceFact(str(fact["section"]), str(fact["key"]), fact))


__all__ = ["Alert", "Provenance", "WatchEntry"]
