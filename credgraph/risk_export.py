"""The risk ranking as a file: `credgraph risk --as-of D --out risk.xlsx` (docs/risk.md).

One row per enterprise, highest score first: the score, the level, the indicators that
fire with their titles and every piece of evidence explained, in Chinese or English.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from credgraph.graph.vocabulary import load_vocabulary
from credgraph.queries.analyses import Analyses
from credgraph.queries.restrictions.rules import Lang
from credgraph.queries.risk.service import RiskProfile
from credgraph.queries.time import Moment
from credgraph.tablefile import TableWriter, check_output

COLUMNS = ("uscc", "name", "as_of", "score", "level", "indicators", "titles", "evidence")


@dataclass
class RiskExport:
    rows: int = 0
    levels: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def cells(profile: RiskProfile, lang: Lang) -> list[object]:
    """One enterprise's row: titles and explanations in `lang`."""
    props = profile.enterprise.props
    term = load_vocabulary().risk_levels[profile.level]
    return [
        props.get("uscc") or profile.enterprise.id, profile.enterprise.name, profile.day,
        profile.score, term.zh if lang is Lang.ZH else term.en,
        ";".join(f.indicator.id for f in profile.fired),
        "；".join(f.indicator.title.in_(lang) for f in profile.fired),
        "\n".join(f"{f.indicator.title.in_(lang)}: {f.indicator.explanation(e).in_(lang)}"
                  for f in profile.fired for e in f.evidence),
    ]


def export_ranking(analyses: Analyses, at: Moment, out: Path, level: str | None = None,
                   lang: Lang = Lang.EN) -> RiskExport:
    """Write the ranking on `at` (of one level, or all) to a .csv or .xlsx file."""
    check_output(out, "risk file")
    started = time.perf_counter()
    report = RiskExport()
    ranked = [p for p in analyses.risk.ranking(at) if level is None or p.level == level]
    with TableWriter(out, COLUMNS, "risk") as writer:
        writer.write(cells(p, lang) for p in ranked)
        report.rows = len(ranked)
        report.levels.update(p.level for p in ranked)
        writer.finish({"summary": [["level", "enterprises"],
                                   *([name, report.levels[name]]
                                     for name in load_vocabulary().risk_levels)]})
    report.seconds = time.perf_counter() - started
    return report
