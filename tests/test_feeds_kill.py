"""A delta load killed (SIGKILL) at random points, again and again, then run to the end,
leaves the same graph as one uninterrupted run: on both stores.

The base registry is a generated full extract; the delta corrects holdings, withdraws
posts and adds listings, in chunks of a few rows so that a kill lands between and inside
change sets.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from credgraph.generate import generate
from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.records import Snapshot
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset

KILLS = 20
BATCH = "15"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def make_feeds(folder: Path) -> tuple[Path, Path]:
    """A generated full extract and a delta against it (corrections, withdrawals, new facts)."""
    base = folder / "base"
    generate(base, enterprises=400, seed=21)
    (base / "manifest.yaml").write_text(
        "source: SAMR\nextracted_at: 2026-01-01T08:00:00+08:00\nkind: full\n", encoding="utf-8")
    delta = folder / "delta"
    delta.mkdir()
    (delta / "manifest.yaml").write_text(
        "source: SAMR\nextracted_at: 2026-02-01T08:00:00+08:00\nkind: delta\n", encoding="utf-8")
    holdings = _rows(base / "shareholdings.csv")
    columns = list(holdings[0])
    corrected = [[*(r[c] for c in columns), ""] for r in holdings[::7] if r["percent"]]
    for row in corrected:
        row[columns.index("percent")] = f"{float(row[columns.index('percent')]) / 2:.2f}"
    _write(delta / "shareholdings.csv", [*columns, "op"], corrected)
    officers = _rows(base / "officers.csv")
    keys = ["enterprise", "person_id", "role", "start_date"]
    _write(delta / "officers.csv", [*keys, "op"],
           [[r[k] for k in keys] + ["retract"] for r in officers[::11]])
    firms = _rows(base / "enterprises.csv")
    _write(delta / "list_entries.csv", ["subject", "subject_type", "list", "reason", "listed_on"],
           [[f["uscc"], "enterprise", "abnormal_operations", "未按规定公示年度报告",
             "2026-01-15"] for f in firms[::9]])
    return base, delta


def _run(delta: Path, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "credgraph.cli", "load", str(delta), "--batch-size", BATCH,
         "--rejects", str(cwd / "rejects.csv")],
        env={**os.environ, **env}, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _finish(delta: Path, env: dict[str, str], cwd: Path) -> None:
    child = _run(delta, env, cwd)
    _, err = child.communicate(timeout=600)
    assert child.returncode == 0, err.decode()


def _killed_again_and_again(delta: Path, env: dict[str, str], cwd: Path,
                            seconds: float) -> None:
    rng = random.Random(7)
    for _ in range(KILLS):
        child = _run(delta, env, cwd)
        time.sleep(rng.uniform(0.0, seconds))
        child.send_signal(signal.SIGKILL)
        child.wait()
    _finish(delta, env, cwd)


def _comparable(snapshot: Snapshot) -> Snapshot:
    return snapshot.without("loaded_at")


def _base(store: GraphStore, base: Path, tmp: Path) -> None:
    report = load_dataset(base, store, rejects_path=tmp / "base-rejects.csv")
    assert report.changed


def test_killed_delta_loads_end_like_one_run_embedded(tmp_path: Path) -> None:
    base, delta = make_feeds(tmp_path)
    clean = MemoryStore(tmp_path / "clean" / "graph.credgraph")
    _base(clean, base, tmp_path)
    started = time.monotonic()
    _finish(delta, {"CREDGRAPH_STORE": "memory",
                    "CREDGRAPH_DATA_DIR": str(tmp_path / "clean")}, tmp_path)
    seconds = time.monotonic() - started
    expected = _comparable(MemoryStore(tmp_path / "clean" / "graph.credgraph").snapshot())

    killed = MemoryStore(tmp_path / "killed" / "graph.credgraph")
    _base(killed, base, tmp_path)
    _killed_again_and_again(delta, {"CREDGRAPH_STORE": "memory",
                                    "CREDGRAPH_DATA_DIR": str(tmp_path / "killed")},
                            tmp_path, seconds)
    after = MemoryStore(tmp_path / "killed" / "graph.credgraph").snapshot()
    assert _comparable(after) == expected
    assert any(props.get("ret") == "2026-02-01T00:00:00Z" for _, _, props in
               after.edges.values()), "the delta did correct and withdraw facts"


@pytest.mark.neo4j
def test_killed_delta_loads_end_like_one_run_neo4j(neo4j_store: Neo4jStore,
                                                   tmp_path: Path) -> None:
    base, delta = make_feeds(tmp_path)
    host, port = neo4j_store.driver.get_server_info().address
    env = {"CREDGRAPH_STORE": "neo4j", "CREDGRAPH_NEO4J_URI": f"bolt://{host}:{port}",
           "CREDGRAPH_NEO4J_PASSWORD": os.environ.get("CREDGRAPH_TEST_NEO4J_PASSWORD", "")}
    _base(neo4j_store, base, tmp_path)
    started = time.monotonic()
    _finish(delta, env, tmp_path)
    seconds = time.monotonic() - started
    expected = _comparable(neo4j_store.snapshot())
    version = neo4j_store.data_version()

    neo4j_store.clear()
    _base(neo4j_store, base, tmp_path)
    _killed_again_and_again(delta, env, tmp_path, seconds)
    assert _comparable(neo4j_store.snapshot()) == expected
    assert neo4j_store.data_version() >= 1 and version >= 1
