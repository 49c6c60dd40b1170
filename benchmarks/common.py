"""What the benchmark scripts share (each is run as `python benchmarks/NAME.py`, so this
folder is on the import path): timing a call, reading a quantile off the timings, and
running `credgraph serve` as its own process."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx

T = TypeVar("T")


def timed(call: Callable[[], T]) -> tuple[T, float]:
    """The call's result and its wall time in seconds."""
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def quantile(values: list[float], share: float) -> float:
    """The value at `share` (0.95: p95) of the sorted values, by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@contextmanager
def credgraph_serve(env: dict[str, str], port: int, workers: int, log: Path,
                    ready_within: float = 600, cwd: Path | None = None) -> Iterator[str]:
    """`credgraph serve` on 127.0.0.1:`port` with `workers` processes and the settings in
    `env`, as deployed: its base URL once /readyz answers 200 (output to `log`); stopped
    (SIGTERM, then killed) when the block ends. `cwd`: the folder it runs in, which comes
    first on its import path (a code tree to serve, whatever PYTHONPATH says)."""
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "credgraph.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(workers)],
            env=env, stdout=out, stderr=subprocess.STDOUT, text=True, cwd=cwd)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(server, lambda: httpx.get(f"{base}/readyz", timeout=2).status_code == 200,
                         ready_within, log)
        yield base
    finally:
        stop_process(server)


def wait_until_ready(process: subprocess.Popen[str], ready: Callable[[], bool],
                     within: float, log: Path) -> None:
    """Poll `ready` until it says yes; RuntimeError (naming the log) when the process exits
    first or `within` seconds pass."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited; see {log}")
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not get ready within {within:.0f} s; see {log}")


def stop_process(process: subprocess.Popen[str]) -> None:
    """SIGTERM, and SIGKILL when it has not ended 30 s later."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
