"""A server with warm_seconds computes the cross-check run and the risk ranking after each load,
before anyone asks, so the first request reads them; without it the first request computes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from credgraph.api.app import create_app
from credgraph.graph.memory import MemoryStore
from credgraph.queries.analyses import Analyses
from credgraph.queries.backend import backend_for
from credgraph.queries.checks.service import CheckRun, CrossChecks
from credgraph.queries.time import Moment
from credgraph.settings import Settings
from tests import checks_registry as reg
from tests.test_api_dataset import data, load_sections

COUNT = "query { crossChecks(first: 100) { totalCount } riskRanking(first: 5) { totalCount } }"


def _until(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    stop = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < stop, "timed out"
        time.sleep(0.02)


def counting(app: Starlette, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Moment]]:
    """The Moments each whole computation of the app's analyses ran for: cross-check runs,
    and risk rankings (the only reader of every enterprise id)."""
    calls: dict[str, list[Moment]] = {"checks": [], "ranking": []}
    analyses: Analyses = app.state.analyses
    evaluate, enterprise_ids = analyses.checks._evaluate, analyses.backend.enterprise_ids

    def counting_evaluate(rules: Sequence[Any], at: Moment) -> CheckRun:
        calls["checks"].append(at)
        return evaluate(rules, at)

    def counting_ids(at: Moment, batch: int) -> Iterator[list[str]]:
        calls["ranking"].append(at)
        return enterprise_ids(at, batch)

    monkeypatch.setattr(analyses.checks, "_evaluate", counting_evaluate)
    monkeypatch.setattr(analyses.backend, "enterprise_ids", counting_ids)
    return calls


def test_runs_are_ready_after_each_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore(None)
    load_sections(store, tmp_path / "samr", reg.SAMR)
    load_sections(store, tmp_path / "court", reg.COURT)
    app = create_app(store, Settings(warm_seconds=0.05, data_dir=tmp_path))
    counted = counting(app, monkeypatch)
    warmer = app.state.warmer
    with TestClient(app) as client:
        today = Moment.on()
        _until(lambda: warmer.ready_for == (store.data_version(), today.day))
        assert counted["checks"] == [today] and counted["ranking"] == [today]
        expected = len(CrossChecks(backend_for(store)).run(today).clues)
        answer = data(client, COUNT)
        assert answer["crossChecks"]["totalCount"] == expected > 0
        assert counted["checks"] == [today] and counted["ranking"] == [today], \
            "the first request computed again"
        time.sleep(0.3)
        assert warmer.runs == 1, "computed again without a load"
        load_sections(store, tmp_path / "samr-delta", reg.SAMR_DELTA)
        _until(lambda: warmer.ready_for == (store.data_version(), today.day))
        computed = len(counted["checks"]), len(counted["ranking"])
        assert computed[0] >= 2 and computed[1] >= 2
        data(client, COUNT)
        assert (len(counted["checks"]), len(counted["ranking"])) == computed, \
            "the first request after the load computed again"
    assert not any(t.name == "credgraph-warm" for t in threading.enumerate())


def test_without_warm_seconds_the_first_request_computes(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore(None)
    reg.load_registry(store, tmp_path)
    app = create_app(store, Settings(data_dir=tmp_path))
    counted = counting(app, monkeypatch)
    with TestClient(app) as client:
        assert app.state.warmer is None
        time.sleep(0.2)
        assert counted["checks"] == []
        data(client, COUNT)
        assert counted["checks"] == [Moment.on()] and counted["ranking"] == [Moment.on()]
