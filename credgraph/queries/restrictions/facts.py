"""The facts the rules are evaluated over, the same whichever store gathered them.

Each store gathers facts its own way (networkx walks, Cypher); the engine reads
only these records, so the rules are evaluated by one piece of code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from credgraph.queries.restrictions.rules import RuleTable
from credgraph.queries.time import in_force

POSTS = ("OFFICER", "LEGAL_REPRESENTATIVE")
"""The relationship types that are appointments."""


@dataclass(frozen=True, slots=True)
class Provenance:
    src_file: str | None = None
    src_row: int | None = None
    batch_id: str | None = None
    loaded_at: str | None = None

    @classmethod
    def of(cls, props: Mapping[str, Any]) -> Provenance:
        return cls(props.get("src_file"), props.get("src_row"), props.get("batch_id"),
                   props.get("loaded_at"))


@dataclass(frozen=True, slots=True)
class FactRef:
    """One stored node or relationship, as a step of a hit's evidence path."""

    fact: str
    """Node label or relationship type."""
    id: str
    """Node id or relationship key."""
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Appointment:
    """A post held: an OFFICER or LEGAL_REPRESENTATIVE relationship."""

    key: str
    relation: str
    person_id: str
    enterprise_id: str
    role: str
    start: str | None
    end: str | None
    provenance: Provenance
    enterprise_type: str | None = None
    """The enterprise's registered type (类型), free text: some rules bar posts of some
    kinds of enterprise only."""

    @classmethod
    def from_record(
        cls, person_id: str, enterprise_id: str, relation: str, props: Mapping[str, Any],
        enterprise_type: str | None = None,
    ) -> Appointment:
        return cls(
            key=props["key"], relation=relation, person_id=person_id,
            enterprise_id=enterprise_id, role=props["role"], start=props.get("start"),
            end=props.get("end"), provenance=Provenance.of(props),
            enterprise_type=enterprise_type,
        )

    def in_force(self, day: str) -> bool:
        return in_force(self.start, self.end, day)

    @property
    def ref(self) -> FactRef:
        return FactRef(self.relation, self.key, self.provenance)


@dataclass(frozen=True, slots=True)
class Trigger:
    """A list entry or enterprise event that a rule may start a window from."""

    source: str
    """`list` or `event`."""
    kind: str
    """The list type or the event type."""
    id: str
    date: str
    subject_id: str
    """The listed person or enterprise, or the enterprise of the event."""
    subject_type: str
    reason: str | None
    authority: str | None
    doc_no: str | None
    removed_on: str | None
    removal_reason: str | None
    liable_persons: tuple[str, ...]
    node: FactRef
    link: FactRef

    @classmethod
    def from_list_entry(cls, props: Mapping[str, Any], link: Mapping[str, Any]) -> Trigger:
        """From a ListEntry node's properties and its LISTED relationship's."""
        return cls(
            source="list", kind=props["list"], id=props["id"], date=props["listed_on"],
            subject_id=props["subject"], subject_type=props["subject_type"],
            reason=props.get("reason"), authority=props.get("authority"),
            doc_no=props.get("doc_no"), removed_on=props.get("removed_on"),
            removal_reason=props.get("removal_reason"), liable_persons=(),
            node=FactRef("ListEntry", props["id"], Provenance.of(props)),
            link=FactRef("LISTED", link["key"], Provenance.of(link)),
        )

    @classmethod
    def from_event(cls, props: Mapping[str, Any], link: Mapping[str, Any]) -> Trigger:
        """From an Event node's properties and its HAS_EVENT relationship's."""
        return cls(
            source="event", kind=props["event"], id=props["id"], date=props["date"],
            subject_id=props["enterprise"], subject_type="enterprise",
            reason=props.get("reason"), authority=props.get("authority"), doc_no=None,
            removed_on=None, removal_reason=None,
            liable_persons=tuple(props.get("liable_persons") or ()),
            node=FactRef("Event", props["id"], Provenance.of(props)),
            link=FactRef("HAS_EVENT", link["key"], Provenance.of(link)),
        )

    @property
    def enterprise_id(self) -> str | None:
        return self.subject_id if self.subject_type == "enterprise" else None


@dataclass
class Facts:
    triggers: list[Trigger] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    """Every appointment of the persons the triggers can touch that the question needs."""


def restricted_holders(
    table: RuleTable, triggers: Iterable[Trigger], holdings: Iterable[Appointment]
) -> set[str]:
    """Persons holding a post some rule restricts at a triggering enterprise on the trigger's
    date, or at any time when the trigger names them personally liable."""
    by_enterprise: dict[str, list[Trigger]] = {}
    for t in triggers:
        if t.subject_type == "enterprise":
            by_enterprise.setdefault(t.subject_id, []).append(t)
    roles = table.holder_roles
    return {
        a.person_id
        for a in holdings
        if a.role in roles and any(a.in_force(t.date) or a.person_id in t.liable_persons
                                   for t in by_enterprise.get(a.enterprise_id, ()))
    }


def dedupe(appointments: Iterable[Appointment]) -> list[Appointment]:
    """One record per relationship, whichever query found it first."""
    return list({(a.relation, a.key): a for a in appointments}.values())
