"""The analyses credgraph answers, written once against a store's backend.

`Analyses` bundles them over one backend; the API builds one per server and the
CLI one per command, and both carry it wherever a question is asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from credgraph.graph.store import GraphStore
from credgraph.queries.backend import Backend, backend_for
from credgraph.queries.checks.service import CrossChecks
from credgraph.queries.explore import Explorer
from credgraph.queries.links.analysis import LinkAnalysis
from credgraph.queries.notices.service import ApprovalNotices
from credgraph.queries.restrictions.rules import RuleTable
from credgraph.queries.restrictions.service import Restrictions
from credgraph.queries.risk.service import RiskAnalysis
from credgraph.queries.risk.table import IndicatorTable


@dataclass(frozen=True)
class Analyses:
    backend: Backend
    links: LinkAnalysis
    restrictions: Restrictions
    explorer: Explorer
    risk: RiskAnalysis
    checks: CrossChecks
    notices: ApprovalNotices

    @classmethod
    def over(cls, backend: Backend, table: RuleTable | None = None,
             indicators: IndicatorTable | None = None) -> Analyses:
        links = LinkAnalysis(backend)
        restrictions = Restrictions(backend, links, table)
        return cls(backend, links, restrictions, Explorer(backend, links, restrictions),
                   RiskAnalysis(backend, links, restrictions, indicators),
                   CrossChecks(backend), ApprovalNotices(backend))


def analyses_for(store: GraphStore, table: RuleTable | None = None,
                 indicators: IndicatorTable | None = None) -> Analyses:
    """Every analysis over an open store."""
    return Analyses.over(backend_for(store), table, indicators)


__all__ = ["Analyses", "analyses_for"]
