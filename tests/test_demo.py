"""`credgraph demo`: where it keeps its registry, that it says so, and that a second run (or a
run after Ctrl-C) reuses a finished demo and redoes an unfinished one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.test_e2e import _free_port


def _demo_until_it_serves(folder: Path, tmp_path: Path) -> tuple[str, float]:
    """Run the demo until it answers, then stop it as Ctrl-C does; its output and start time."""
    port = _free_port()
    env = {**os.environ, "CREDGRAPH_STORE": "memory", "CREDGRAPH_DATA_DIR": str(tmp_path / "d")}
    env.pop("CREDGRAPH_NEO4J_URI", None)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "credgraph.cli", "demo", "--folder", str(folder),
         "--enterprises", "100", "--port", str(port)],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() - started < 300, "the demo did not serve within 300 s"
            time.sleep(0.3)
        seconds = time.monotonic() - started
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    return output, seconds


def test_demo_keeps_its_registry_and_reuses_it(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    first, _ = _demo_until_it_serves(folder, tmp_path)
    assert f"into {folder / 'dataset'}" in first.replace("\n", "")
    assert "stays in" in first and str(folder) in first.replace("\n", "")
    assert (folder / "demo.json").is_file() and (folder / "dataset" / "enterprises.csv").is_file()
    made = (folder / "graph.credgraph").stat().st_mtime_ns

    second, _ = _demo_until_it_serves(folder, tmp_path)
    assert "reusing" in second and "generating" not in second
    assert (folder / "graph.credgraph").stat().st_mtime_ns == made

    # A run stopped before it finished leaves no marker: the next one makes the demo afresh.
    (folder / "demo.json").unlink()
    third, _ = _demo_until_it_serves(folder, tmp_path)
    assert "generating" in third and (folder / "demo.json").is_file()
