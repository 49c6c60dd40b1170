"""`credgraph serve --workers N`: several processes over one Neo4j, one behaviour.

The server runs as it is deployed (a subprocess, sign-in on with a keys file); which
process answered each request is read from the JSON request log (its `pid` field) and
compared with the serve process's worker children in the OS process list.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from credgraph.api.audit import verify
from credgraph.api.auth import KeyStore
from credgraph.cli import app as cli
from credgraph.graph.neo4j_store import Neo4jStore
from tests.handmade import write_handmade
from tests.live_server import free_port

FIRM = "914403001922038216"
"""深圳市甲科技有限公司 of the hand-made registry, held 60% by 王五 (P3) and 40% by 李四 (P2)."""
QUERY = f'{{ enterprise(uscc: "{FIRM}") {{ name }} }}'
REQUESTS = 60
ROUNDS = 5


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str
    token: str
    log: Path
    audit: Path


def _worker_pids(parent: int) -> set[int]:
    """The serve process's children that run a worker (uvicorn spawns them through
    multiprocessing; its resource tracker is a child too, but runs no app)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    workers = set()
    for child in children:
        command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"spawn_main" in command:
            workers.add(int(child))
    return workers


@pytest.fixture
def served(neo4j_store: Neo4jStore, neo4j_uri: str, tmp_path: Path) -> Iterator[Served]:
    keys = KeyStore(tmp_path / "keys.json")
    token = keys.add("regulator", "workers test")[1]
    port = free_port()
    env = {**os.environ, "CREDGRAPH_NEO4J_URI": neo4j_uri, "CREDGRAPH_STORE": "neo4j",
           "CREDGRAPH_DATA_DIR": str(tmp_path / "data"),
           "CREDGRAPH_KEYS_FILE": str(tmp_path / "keys.json"),
           "CREDGRAPH_NEO4J_PASSWORD": os.environ.get("CREDGRAPH_TEST_NEO4J_PASSWORD", "")}
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "credgraph.cli", "serve", "--workers", "2", "--port",
             str(port), "--dataset", str(write_handmade(tmp_path / "handmade"))],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "the server did not get ready"
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        yield Served(process, url, token, log, tmp_path / "data" / "audit.log")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _ask(served: Served, number: int) -> tuple[str, int, dict[str, object]]:
    request = f"workers-{number:03d}"
    response = httpx.post(f"{served.url}/graphql", json={"query": QUERY}, timeout=30,
                          headers={"authorization": f"Bearer {served.token}",
                                   "x-request-id": request})
    return request, response.status_code, response.json()


def _answered_by(log: Path, requests: set[str]) -> dict[str, int]:
    """The pid that logged each request, once every worker's log writer has written it."""
    deadline = time.monotonic() + 30
    while True:
        found = {}
        for line in log.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("message") == "request" and entry.get("request") in requests:
                found[entry["request"]] = entry["pid"]
        if len(found) == len(requests) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@pytest.mark.neo4j
def test_two_workers_answer_alike(served: Served) -> None:
    workers = _worker_pids(served.process.pid)
    assert len(workers) == 2

    # Which process accepts a connection is the kernel's choice: ask in rounds until both
    # have answered (the first round nearly always suffices).
    answered: dict[str, int] = {}
    for round_ in range(ROUNDS):
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda n: _ask(served, n),
                                    range(round_ * REQUESTS, (round_ + 1) * REQUESTS)))
        for _, status, body in answers:
            assert status == 200, body
            assert body == {"data": {"enterprise": {"name": "深圳市甲科技有限公司"}}}
        logged = _answered_by(served.log, {request for request, _, _ in answers})
        assert len(logged) == REQUESTS
        answered.update(logged)
        if set(answered.values()) == workers:
            break
    assert set(answered.values()) == workers, "both workers, and only they, answer"

    # The role table holds in every worker: without a token, a regulator's operation is
    # refused (each request on a new connection, so both workers are asked).
    for _ in range(10):
        body = httpx.post(f"{served.url}/graphql", timeout=10, json={
            "query": '{ disqualificationCheck(personId: "P1") { disqualified } }'}).json()
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # Both workers wrote one audit chain: a line per regulator request, in order, intact.
    lines = served.audit.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(answered)
    assert verify(served.audit) == []


def test_workers_are_refused_for_the_embedded_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--workers", "2"],
                                env={"CREDGRAPH_STORE": "memory",
                                     "CREDGRAPH_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert "--workers needs a Neo4j store" in result.output
