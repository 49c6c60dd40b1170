"""The `credgraph` command as a user runs it: exit codes, messages, files it writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.loaders.report import read_findings
from tests.handmade import EXPECTED_COUNTS, EXPECTED_REJECTS


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "credgraph.cli", *args],
        env={**os.environ, **env}, cwd=cwd, capture_output=True, text=True, timeout=600,
    )


def _memory_env(tmp_path: Path) -> dict[str, str]:
    return {"CREDGRAPH_STORE": "memory", "CREDGRAPH_DATA_DIR": str(tmp_path / "data")}


def test_load_reports_rejects_and_exits_zero(handmade_dir: Path, tmp_path: Path) -> None:
    rejects = tmp_path / "out" / "rejects.csv"
    result = _run(["load", str(handmade_dir), "--rejects", str(rejects)], _memory_env(tmp_path),
                  tmp_path)
    assert result.returncode == 0, result.stderr
    assert "9 row(s) refused" in result.stdout
    assert {(f.file, f.row) for f in read_findings(rejects)} == set(EXPECTED_REJECTS)
    store = MemoryStore(tmp_path / "data" / "graph.credgraph")
    assert store.counts().nodes == EXPECTED_COUNTS["nodes"]


def test_unreadable_file_exits_nonzero_with_one_line_reason(
    handmade_dir: Path, tmp_path: Path
) -> None:
    (handmade_dir / "persons.csv").write_bytes(b"\xff\xfe\x00\x00garbage" * 10)
    result = _run(["load", str(handmade_dir)], _memory_env(tmp_path), tmp_path)
    assert result.returncode == 2
    message = result.stderr.strip()
    assert "\n" not in message and "persons.csv" in message and "cannot be decoded" in message
    assert not (tmp_path / "data" / "graph.credgraph").exists(), "nothing of the dataset is written"


def test_missing_dataset_folder(tmp_path: Path) -> None:
    result = _run(["load", str(tmp_path / "nope")], _memory_env(tmp_path), tmp_path)
    assert result.returncode == 2 and "is not a folder" in result.stderr


@pytest.mark.neo4j
@pytest.mark.long
def test_killed_load_rerun_equals_clean_load(neo4j_store: Neo4jStore, tmp_path: Path) -> None:
    """Kill the loader with SIGKILL mid-way into Neo4j, re-run, compare with a clean load."""
    from credgraph.generate import generate

    dataset = tmp_path / "generated"
    generate(dataset, enterprises=3000, seed=11)
    # A fixed extract time: every run records the same versions (without one, each run would
    # stamp its own load time and only the values could be compared).
    (dataset / "manifest.yaml").write_text("source: SAMR\nextracted_at: 2026-01-01T08:00:00+08:00\n",
                                           encoding="utf-8")
    uri = neo4j_store.driver.get_server_info().address
    env = {"CREDGRAPH_STORE": "neo4j", "CREDGRAPH_NEO4J_URI": f"bolt://{uri[0]}:{uri[1]}",
           "CREDGRAPH_NEO4J_PASSWORD": os.environ.get("CREDGRAPH_TEST_NEO4J_PASSWORD", "")}
    load = [sys.executable, "-m", "credgraph.cli", "load", str(dataset), "--batch-size", "100",
            "--rejects", str(tmp_path / "rejects.csv")]
    child = subprocess.Popen(load, env={**os.environ, **env}, cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while neo4j_store.counts().edges.get("OFFICER", 0) == 0 and time.monotonic() < deadline:
        assert child.poll() is None, "the load finished before it could be killed"
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    partial = neo4j_store.counts()

    rerun = subprocess.run(load, env={**os.environ, **env}, cwd=tmp_path, timeout=600)
    assert rerun.returncode == 0
    after_rerun = neo4j_store.snapshot().without("loaded_at")

    neo4j_store.clear()
    clean = subprocess.run(load, env={**os.environ, **env}, cwd=tmp_path, timeout=600)
    assert clean.returncode == 0
    after_clean = neo4j_store.snapshot().without("loaded_at")
    assert partial.total_edges < len(after_clean.edges), "the kill really was half-way"
    assert after_rerun == after_clean, "every node, relationship and property"
