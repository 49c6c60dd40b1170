"""Shared by the interop tests: load, export to a file, import a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from credgraph.graph.store import GraphStore
from credgraph.interop.formats import export_to, import_rows
from credgraph.interop.scope import Scope
from credgraph.loaders.load import LoadReport, load_rows
from credgraph.loaders.report import Finding, read_findings
from credgraph.queries.analyses import analyses_for
from credgraph.queries.time import Moment

DAY = "2024-01-01"
PUBLISHED = "2025-01-01"


def export_file(store: GraphStore, fmt: str, out: Path, day: str = DAY, **scope: Any) -> Path:
    export_to(fmt, analyses_for(store), Scope(Moment.on(day), **scope), out, published=PUBLISHED)
    return out


def import_file(store: GraphStore, path: Path, rejects: Path) -> LoadReport:
    return load_rows(import_rows(path), store, rejects_path=rejects)


def findings(report: LoadReport) -> tuple[list[Finding], list[Finding]]:
    assert report.rejects_path is not None and report.warnings_path is not None
    return read_findings(report.rejects_path), read_findings(report.warnings_path)


def json_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
