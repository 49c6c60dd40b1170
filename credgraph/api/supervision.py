"""The supervision questions of the root Query, for regulators (the `regulator` role): the
data-quality report, the registry-wide cross-check clues and the 双告知 approval notices
(docs/data-quality.md, docs/cross-checks.md, docs/approval-notices.md), merged into it by
credgraph.api.schema.

Resolvers only convert arguments and results; the work is in credgraph.queries.
"""

from __future__ import annotations

import strawberry

from credgraph.api.context import Info, in_thread
from credgraph.api.types.base import described
from credgraph.api.types.checks import CrossCheckConnection
from credgraph.api.types.notices import ApprovalDepartment, ApprovalNoticeConnection
from credgraph.api.types.quality import DataQuality
from credgraph.api.types.scalars import Date, DateTime, moment
from credgraph.queries.notices.catalogue import load_catalogue
from credgraph.queries.paging import keyset_page
from credgraph.queries.quality import quality_report
from credgraph.queries.restrictions.service import page_key

FOR_REGULATORS = "For regulators (role: regulator)."


@strawberry.type
class SupervisionQuery:
    @described("The data-quality report: for each load and each supplying department, the "
               "rows and columns seen, valid, refused and warned, the conformance rate (数据标准"
               "执行率), the top reasons with examples, and the loads over time. Loads whose "
               f"facts were recorded by knownAt. {FOR_REGULATORS}")
    async def data_quality(self, info: Info, source: str | None = None,
                           known_at: DateTime | None = None) -> DataQuality:
        backend, at = info.context.analyses.backend, moment(None, known_at)
        report = await in_thread(lambda: quality_report(backend, at, source))
        return DataQuality.from_record(report)

    @described("The registry-wide cross-checks (比对核查, docs/cross-checks.md): every clue of "
               "every rule (or of `rule`) on asOf as recorded at knownAt, each with the facts "
               "that show it and their provenance, in a stable order (rule, subject, detail). "
               f"The whole run is kept per data version, day and knownAt. {FOR_REGULATORS}")
    async def cross_checks(
        self,
        info: Info,
        as_of: Date | None = None,
        known_at: DateTime | None = None,
        rule: str | None = None,
        first: int = 100,
        after: str | None = None,
    ) -> CrossCheckConnection:
        analyses, at = info.context.analyses, moment(as_of, known_at)

        def run() -> CrossCheckConnection:
            checks = analyses.checks
            found = checks.page(at, rule, first, after)
            nodes = analyses.links.entities(
                sorted({c.subject for c in found.items}), at)
            return CrossCheckConnection.from_record(checks.run(at, rule), found, nodes, at)

        return await in_thread(run)

    @described("双告知 (docs/approval-notices.md): every enterprise registered (established) or "
               "changed (a new registration version recorded) from `since` to `until` (China "
               "time; default today) whose business scope needs a post-approval licence, with "
               "the departments to notify and the matched wording; of one department when "
               "named. From a starter catalogue of approval items kept as data. "
               f"{FOR_REGULATORS}")
    async def approval_notices(
        self,
        info: Info,
        since: Date,
        until: Date | None = None,
        department: str | None = None,
        known_at: DateTime | None = None,
        first: int = 100,
        after: str | None = None,
    ) -> ApprovalNoticeConnection:
        analyses, at = info.context.analyses, moment(until, known_at)

        def run() -> ApprovalNoticeConnection:
            page_key(first, after)
            found = analyses.notices.notices(since.isoformat(), at.day, at, department)
            return ApprovalNoticeConnection.from_record(
                keyset_page(found, lambda n: n.key, first, after), at)

        return await in_thread(run)

    @described(f"The departments of the 双告知 catalogue (a starter). {FOR_REGULATORS}")
    def approval_departments(self) -> list[ApprovalDepartment]:
        return [ApprovalDepartment.of(key) for key in load_catalogue().departments]
