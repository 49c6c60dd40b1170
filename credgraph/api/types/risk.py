"""GraphQL types of risk profiles (docs/risk.md): the indicators that fire, each with its
evidence in both languages, the facts it rests on and, where links lead to it, the path."""

from __future__ import annotations

import datetime

import strawberry

from credgraph.api.limits import MAX_ITEMS
from credgraph.api.types.entities import Enterprise
from credgraph.api.types.enums import RiskLevel
from credgraph.api.types.links import Path
from credgraph.api.types.recorded import Provenance
from credgraph.api.types.restrictions import PageInfo
from credgraph.api.types.scalars import Date
from credgraph.queries.risk import compute, service
from credgraph.queries.risk.table import load_indicators
from credgraph.queries.time import Moment


@strawberry.type(description="A fact of the register a piece of evidence rests on.")
class RiskFact:
    section: str = strawberry.field(description="Its dataset section (docs/data-format.md).")
    key: str = strawberry.field(description="Its key in that section.")
    provenance: Provenance | None

    @classmethod
    def from_record(cls, fact: compute.EvidenceFact) -> RiskFact:
        return cls(section=fact.section, key=fact.key,
                   provenance=Provenance.from_record(fact.props))


@strawberry.type(description="One finding of an indicator.")
class RiskEvidence:
    text: str = strawberry.field(description="The explanation in English (textEn).")
    text_zh: str
    text_en: str
    facts: list[RiskFact]
    path: Path | None = strawberry.field(description="How links lead to it, where they do.")


@strawberry.type(description="An indicator that fires for the enterprise, with its evidence.")
class RiskIndicatorHit:
    id: str
    title: str = strawberry.field(description="The indicator's title in English (titleEn).")
    title_zh: str
    title_en: str
    weight: float = strawberry.field(description="What it adds to the score.")
    evidence: list[RiskEvidence]

    @classmethod
    def from_record(cls, fired: service.Fired, at: Moment) -> RiskIndicatorHit:
        indicator = fired.indicator
        evidence = []
        for found in fired.evidence:
            words = indicator.explanation(found)
            evidence.append(RiskEvidence(
                text=words.en, text_zh=words.zh, text_en=words.en,
                facts=[RiskFact.from_record(f) for f in found.facts],
                path=Path.from_record(found.path, at) if found.path is not None else None))
        return cls(id=indicator.id, title=indicator.title.en, title_zh=indicator.title.zh,
                   title_en=indicator.title.en, weight=indicator.weight, evidence=evidence)


@strawberry.type(description="An enterprise's risk on a day: the score (the sum of the weights "
                             "of the indicators that fire), its level and every indicator "
                             "that fires with its evidence.")
class RiskProfile:
    enterprise: Enterprise
    as_of: Date
    score: float
    level: RiskLevel
    indicators: list[RiskIndicatorHit] = strawberry.field(
        description="The indicators that fire, at most every one of the table.",
        metadata={MAX_ITEMS: len(load_indicators().indicators)})

    @classmethod
    def from_record(cls, profile: service.RiskProfile, at: Moment) -> RiskProfile:
        return cls(enterprise=Enterprise.from_record(profile.enterprise.props, at),
                   as_of=datetime.date.fromisoformat(profile.day),
                   score=profile.score, level=RiskLevel(profile.level),
                   indicators=[RiskIndicatorHit.from_record(f, at) for f in profile.fired])


@strawberry.type
class RiskRankingEdge:
    cursor: str
    node: RiskProfile


@strawberry.type(description="Enterprises by risk score, highest first (then by id).")
class RiskRankingConnection:
    total_count: int
    edges: list[RiskRankingEdge]
    page_info: PageInfo

    @classmethod
    def from_record(cls, page: service.RankingPage, at: Moment) -> RiskRankingConnection:
        edges = [RiskRankingEdge(cursor=p.cursor, node=RiskProfile.from_record(p, at))
                 for p in page.items]
        return cls(total_count=page.total, edges=edges, page_info=PageInfo(
            has_next_page=page.has_next, has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None))
