"""GraphQL types of the 双告知 approval notices (docs/approval-notices.md)."""

from __future__ import annotations

import strawberry

from credgraph.api.types.base import Node
from credgraph.api.types.entities import node_from_entity
from credgraph.api.types.recorded import Provenance
from credgraph.api.types.restrictions import PageInfo
from credgraph.api.types.scalars import Date, DateTime, to_date
from credgraph.queries.notices import catalogue, service
from credgraph.queries.paging import Page
from credgraph.queries.restrictions.service import encode_cursor
from credgraph.queries.time import Moment


@strawberry.type(description="A department that approves post-approval items.")
class ApprovalDepartment:
    id: strawberry.ID
    name: str = strawberry.field(description="In English (nameEn).")
    name_zh: str
    name_en: str

    @classmethod
    def of(cls, key: str) -> ApprovalDepartment:
        text = catalogue.load_catalogue().department(key)
        return cls(id=strawberry.ID(key), name=text.en, name_zh=text.zh, name_en=text.en)


@strawberry.type(description="An approval the business scope needs, and the wording that needs "
                             "it: scope[start:end] (characters).")
class ApprovalMatch:
    item_id: strawberry.ID
    department: ApprovalDepartment
    approval_zh: str
    approval_en: str
    source_zh: str = strawberry.field(description="The law or regulation that requires it.")
    source_en: str
    wording: str
    start: int
    end: int

    @classmethod
    def from_record(cls, m: catalogue.Match) -> ApprovalMatch:
        item = m.item
        return cls(item_id=strawberry.ID(item.id),
                   department=ApprovalDepartment.of(item.department),
                   approval_zh=item.approval.zh, approval_en=item.approval.en,
                   source_zh=item.source.zh, source_en=item.source.en, wording=m.wording,
                   start=m.start, end=m.end)


@strawberry.type(description="An enterprise registered or changed in the period whose business "
                             "scope needs post-approval licences: the departments to notify.")
class ApprovalNotice:
    enterprise: Node
    reason: str = strawberry.field(description="registered (设立登记) or changed (变更登记).")
    reason_zh: str
    day: Date = strawberry.field(
        description="The establishment date, or the day (China time) the change was recorded.")
    scope: str = strawberry.field(description="The business scope as recorded.")
    scope_marked: str = strawberry.field(
        description="The scope with each matched wording in 【】.")
    departments: list[ApprovalDepartment]
    matches: list[ApprovalMatch]
    recorded_at: DateTime | None
    source: str | None = strawberry.field(description="The department that supplied it.")
    provenance: Provenance | None

    @classmethod
    def from_record(cls, n: service.Notice, at: Moment) -> ApprovalNotice:
        day = to_date(n.day)
        if day is None:
            raise ValueError("a notice has a day")
        return cls(enterprise=node_from_entity(n.enterprise, at), reason=n.reason.value,
                   reason_zh=service.REASONS[n.reason].zh, day=day, scope=n.scope,
                   scope_marked=catalogue.marked(n.scope, [(m.start, m.end) for m in n.matches]),
                   departments=[ApprovalDepartment.of(d) for d in n.departments],
                   matches=[ApprovalMatch.from_record(m) for m in n.matches],
                   recorded_at=n.recorded_at, source=n.source,
                   provenance=Provenance.from_record(n.provenance))


@strawberry.type
class ApprovalNoticeEdge:
    cursor: str
    node: ApprovalNotice


@strawberry.type(description="The notices of a period in (day, enterprise) order.")
class ApprovalNoticeConnection:
    total_count: int
    edges: list[ApprovalNoticeEdge]
    page_info: PageInfo

    @classmethod
    def from_record(cls, found: Page[service.Notice], at: Moment) -> ApprovalNoticeConnection:
        edges = [ApprovalNoticeEdge(cursor=encode_cursor(n.key),
                                    node=ApprovalNotice.from_record(n, at)) for n in found.items]
        return cls(total_count=found.total, edges=edges, page_info=PageInfo(
            has_next_page=found.has_next, has_previous_page=found.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None))
