"""GraphQL types of the cross-check clues (docs/cross-checks.md): each clue with its rule, the
subject, the explanation in both languages and the facts that show it, with provenance."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from credgraph.api.types.base import Node
from credgraph.api.types.entities import node_from_entity
from credgraph.api.types.recorded import Provenance
from credgraph.api.types.restrictions import PageInfo
from credgraph.api.types.scalars import Date, DateTime, to_date
from credgraph.queries.checks import definitions, service, table
from credgraph.queries.links.results import Entity
from credgraph.queries.paging import Page
from credgraph.queries.time import Moment

Nodes = Mapping[str, Entity]


@strawberry.enum(description="How urgently a supervisor should look.")
class Severity(Enum):
    HIGH = table.Severity.HIGH.value
    MEDIUM = table.Severity.MEDIUM.value
    LOW = table.Severity.LOW.value


@strawberry.type(description="A cross-check rule (credgraph/queries/checks/rules.yaml).")
class CrossCheckRule:
    id: strawberry.ID
    title: str = strawberry.field(description="The title in English (titleEn).")
    title_zh: str
    title_en: str
    severity: Severity
    check: str = strawberry.field(description="The definition that finds the clues.")
    why_zh: str = strawberry.field(description="Why a registry cares, in Chinese.")
    why_en: str

    @classmethod
    def from_record(cls, rule: table.CheckRule) -> CrossCheckRule:
        return cls(id=strawberry.ID(rule.id), title=rule.title.en, title_zh=rule.title.zh,
                   title_en=rule.title.en, severity=Severity(rule.severity.value),
                   check=rule.check, why_zh=rule.why.zh, why_en=rule.why.en)


@strawberry.type(description="A rule of the run, with its number of clues and its time.")
class CrossCheckCount:
    rule: CrossCheckRule
    clues: int
    seconds: float


@strawberry.type(description="One stored fact that shows a clue, with where and when it was "
                             "recorded.")
class ClueFact:
    fact: str = strawberry.field(description="Node label or relationship type.")
    id: strawberry.ID = strawberry.field(
        description="The node's id (a record's entity id) or the relationship's key.")
    section: str = strawberry.field(description="The dataset section it came from.")
    from_id: strawberry.ID | None = strawberry.field(description="A relationship's source.")
    to_id: strawberry.ID | None = strawberry.field(description="A relationship's target.")
    values: JSON
    source: str | None = strawberry.field(description="The department that supplied it.")
    recorded_at: DateTime | None
    retracted_at: DateTime | None
    provenance: Provenance | None

    @classmethod
    def from_record(cls, e: definitions.Evidence) -> ClueFact:
        return cls(fact=e.fact, id=strawberry.ID(e.id), section=e.section,
                   from_id=strawberry.ID(e.ends[0]) if e.ends else None,
                   to_id=strawberry.ID(e.ends[1]) if e.ends else None,
                   values=JSON(dict(e.values)), source=e.source, recorded_at=e.recorded_at,
                   retracted_at=e.retracted_at, provenance=Provenance.from_record(e.provenance))


@strawberry.type(description="One contradiction a cross-check found: a lead to look at, not a "
                             "finding of fault.")
class CrossCheckClue:
    rule_id: strawberry.ID
    rule: CrossCheckRule
    severity: Severity
    subject_id: strawberry.ID
    subject: Node | None = strawberry.field(
        description="The person or enterprise the clue is about, as recorded at knownAt.")
    explanation: str = strawberry.field(description="In English (explanationEn).")
    explanation_zh: str
    explanation_en: str
    entity_ids: list[strawberry.ID] = strawberry.field(
        description="Every entity the explanation names, the subject first.")
    values: JSON = strawberry.field(description="The check's variables for this clue.")
    facts: list[ClueFact]

    @classmethod
    def from_record(cls, clue: service.Clue, nodes: Nodes, at: Moment) -> CrossCheckClue:
        found = nodes.get(clue.subject)
        return cls(
            rule_id=strawberry.ID(clue.rule.id), rule=CrossCheckRule.from_record(clue.rule),
            severity=Severity(clue.rule.severity.value), subject_id=strawberry.ID(clue.subject),
            subject=node_from_entity(found, at) if found is not None else None,
            explanation=clue.explanation.en, explanation_zh=clue.explanation.zh,
            explanation_en=clue.explanation.en,
            entity_ids=[strawberry.ID(i) for i in clue.entities],
            values=JSON({k: v for k, v in clue.values.items()}),
            facts=[ClueFact.from_record(e) for e in clue.evidence])


@strawberry.type
class CrossCheckEdge:
    cursor: str
    node: CrossCheckClue


@strawberry.type(description="Every clue of a cross-check run in a stable order (rule, subject, "
                             "detail), with each rule's count and time.")
class CrossCheckConnection:
    as_of: Date
    total_count: int
    rules: list[CrossCheckCount]
    edges: list[CrossCheckEdge]
    page_info: PageInfo

    @classmethod
    def from_record(cls, run: service.CheckRun, found: Page[service.Clue], nodes: Nodes,
                    at: Moment) -> CrossCheckConnection:
        edges = [CrossCheckEdge(cursor=c.cursor, node=CrossCheckClue.from_record(c, nodes, at))
                 for c in found.items]
        day = to_date(at.day)
        if day is None:
            raise ValueError("a run has a day")
        return cls(
            as_of=day, total_count=found.total,
            rules=[CrossCheckCount(rule=CrossCheckRule.from_record(r.rule), clues=r.clues,
                                   seconds=round(r.seconds, 3)) for r in run.rules],
            edges=edges,
            page_info=PageInfo(has_next_page=found.has_next,
                               has_previous_page=found.has_previous,
                               start_cursor=edges[0].cursor if edges else None,
                               end_cursor=edges[-1].cursor if edges else None))
