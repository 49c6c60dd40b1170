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
from credgraph.api.types.quality import DataQuality
from credgraph.api.types.scalars import DateTime, moment
from credgraph.queries.quality import quality_report

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
