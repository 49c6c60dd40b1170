"""`credgraph serve --workers N`: several processes over one Neo4j, one behaviour.

The server runs as it is deployed (a subprocess, sign-in on with a keys file); which
process answered each request is read from the JSON request log (its `pid` field) and
compared with the serve process's worker children in the OS process list.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
import uvloop
from starlette.types import Receive, Scope, Send
from typer.testing import CliRunner
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from credgraph.api.app import SERVING
from credgraph.api.audit import verify
from credgraph.api.auth import KeyStore
from credgraph.api.workers import tcp_listener
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


@contextmanager
def serving_workers(neo4j_uri: str, folder: Path, keys: bool,
                    load: bool = True) -> Iterator[Served]:
    """`credgraph serve --workers 2` over the hand-made registry (loaded first unless not
    `load`: the database as it is), with a regulator's key when `keys` (sign-in on), else in
    the local single-user mode."""
    token = ""
    env = {**os.environ, "CREDGRAPH_NEO4J_URI": neo4j_uri, "CREDGRAPH_STORE": "neo4j",
           "CREDGRAPH_DATA_DIR": str(folder / "data"),
           "CREDGRAPH_NEO4J_PASSWORD": os.environ.get("CREDGRAPH_TEST_NEO4J_PASSWORD", "")}
    env.pop("CREDGRAPH_KEYS_FILE", None)
    env.pop("CREDGRAPH_OIDC_ISSUER", None)
    if keys:
        token = KeyStore(folder / "keys.json").add("regulator", "workers test")[1]
        env["CREDGRAPH_KEYS_FILE"] = str(folder / "keys.json")
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "credgraph.cli", "serve", "--workers", "2", "--port",
             str(port), *(["--dataset", str(write_handmade(folder / "handmade"))] if load
                          else [])],
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
        yield Served(process, url, token, log, folder / "data" / "audit.log")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture
def served(neo4j_store: Neo4jStore, neo4j_uri: str, tmp_path: Path) -> Iterator[Served]:
    with serving_workers(neo4j_uri, tmp_path, keys=True) as server:
        yield server


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


@pytest.mark.neo4j
def test_local_workers_answer_their_own_host_names_only(neo4j_store: Neo4jStore,
                                                        neo4j_uri: str, tmp_path: Path) -> None:
    """Without sign-in every worker is the local admin's, and refuses a request naming
    another host (a DNS-rebinding page), as a single process does."""
    with serving_workers(neo4j_uri, tmp_path, keys=False) as server:
        for _ in range(10):  # new connections: both workers are asked
            own = httpx.post(f"{server.url}/graphql", json={"query": QUERY}, timeout=10)
            assert own.json() == {"data": {"enterprise": {"name": "深圳市甲科技有限公司"}}}
            other = httpx.post(f"{server.url}/graphql", json={"query": QUERY}, timeout=10,
                               headers={"host": "rebound.example"})
            assert other.status_code == 400


def test_workers_are_refused_for_the_embedded_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--workers", "2"],
                                env={"CREDGRAPH_STORE": "memory",
                                     "CREDGRAPH_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert "--workers needs a Neo4j store" in result.output


async def _nodelay_of_accepted(listener: socket.socket) -> int:
    """TCP_NODELAY on a connection asyncio accepts on `listener`, as a worker's server does."""
    loop = asyncio.get_running_loop()
    seen: asyncio.Future[int] = loop.create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted = transport.get_extra_info("socket")
            seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await loop.create_server(Probe, sock=listener)
    _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
    try:
        return await asyncio.wait_for(seen, 10)
    finally:
        writer.close()
        server.close()
        await server.wait_closed()


@contextmanager
def _served_loop(config: uvicorn.Config) -> Iterator[asyncio.AbstractEventLoop]:
    """A new event loop of the kind the configuration serves on, closed afterwards."""
    new_loop = config.get_loop_factory()
    assert new_loop is not None
    loop = new_loop()
    try:
        yield loop
    finally:
        loop.close()


def test_the_workers_connections_send_without_delay() -> None:
    """Nagle's algorithm must be off on the workers' connections, in the event loop they are
    served with: with it, each answer on a kept-alive connection waited for the client's
    delayed ACK (about 40 ms a request)."""
    config = uvicorn.Config("credgraph.api.workers:worker_app", host="127.0.0.1",
                            port=free_port(), **SERVING)
    with _served_loop(config) as loop:
        assert loop.run_until_complete(_nodelay_of_accepted(tcp_listener(config))) == 1


async def _nothing(scope: Scope, receive: Receive, send: Send) -> None:
    """An ASGI app for a server's configuration to load."""


def test_the_api_is_served_with_the_event_loop_and_parser_in_c() -> None:
    """uvloop and httptools, installed with credgraph and chosen by name: a missing package
    or a misspelt choice fails here, not by falling back to the slower pure-Python ones."""
    config = uvicorn.Config(_nothing, **SERVING)
    with _served_loop(config) as loop:
        assert isinstance(loop, uvloop.Loop)
    config.load()
    assert config.http_protocol_class is HttpToolsProtocol
