"""The risk questions of the root Query: riskProfile and riskRanking (docs/risk.md), merged
into it by credgraph.api.schema. Resolvers only convert; the indicators live in
credgraph.queries.risk."""

from __future__ import annotations

import strawberry

from credgraph.api.context import Info, in_thread
from credgraph.api.types.base import described
from credgraph.api.types.enums import RiskLevel
from credgraph.api.types.risk import RiskProfile, RiskRankingConnection
from credgraph.api.types.scalars import Date, DateTime, moment
from credgraph.queries.risk.table import load_indicators

load_indicators()  # a malformed indicators.yaml stops the server at start, naming file and key


@strawberry.type
class RiskQuery:
    @described("An enterprise's risk score and level on asOf, with every indicator that fires "
               "and its evidence.")
    async def risk_profile(self, info: Info, uscc: strawberry.ID, as_of: Date | None = None,
                           known_at: DateTime | None = None) -> RiskProfile:
        risk, at = info.context.analyses.risk, moment(as_of, known_at)
        found = await in_thread(lambda: risk.profile(uscc, at))
        return RiskProfile.from_record(found, at)

    @described("Every enterprise by risk score on asOf, highest first, of one level or all; the "
               "whole ranking is computed once per data version, day and knownAt.")
    async def risk_ranking(self, info: Info, as_of: Date | None = None,
                           known_at: DateTime | None = None, level: RiskLevel | None = None,
                           first: int = 100, after: str | None = None) -> RiskRankingConnection:
        risk, at = info.context.analyses.risk, moment(as_of, known_at)
        wanted = level.value if level is not None else None
        page = await in_thread(lambda: risk.page(at, wanted, first, after))
        return RiskRankingConnection.from_record(page, at)
