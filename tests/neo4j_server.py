"""A throwaway Neo4j server for tests, run through scripts/neo4j.sh so tests use the same setup as developers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "neo4j.sh"
# The first start on a fresh machine also downloads Neo4j (~200 jars) through Maven.
START_TIMEOUT = 900


def neo4j_uri_for_tests() -> str | None:
    """The URI of an externally managed server, when CI or a developer provides one."""
    return os.environ.get("CREDGRAPH_TEST_NEO4J_URI") or None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Neo4jServer:
    """One server in its own temp folder and port; auth is off unless a password is given."""

    def __init__(self, password: str | None = None) -> None:
        self.password = password
        self.port = _free_port()
        self.uri = f"bolt://127.0.0.1:{self.port}"
        self.home = Path(tempfile.mkdtemp(prefix="credgraph-neo4j-"))

    def _run(self, command: str, timeout: float) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "CREDGRAPH_NEO4J_HOME": str(self.home),
            "CREDGRAPH_NEO4J_PORT": str(self.port),
            # Tests replace small graphs all the time: without this, each replacement has
            # every query planned anew (scripts/neo4j.sh).
            "CREDGRAPH_NEO4J_MIN_REPLAN_INTERVAL": "1h",
        }
        if self.password is None:
            env["CREDGRAPH_NEO4J_AUTH"] = "none"
        else:
            env.pop("CREDGRAPH_NEO4J_AUTH", None)
            env["CREDGRAPH_NEO4J_PASSWORD"] = self.password
        return subprocess.run(
            [str(SCRIPT), command],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self) -> None:
        """Start and wait for Bolt; failures raise so that tests fail rather than skip."""
        try:
            result = self._run("start", START_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            self.stop()
            raise RuntimeError(f"scripts/neo4j.sh start timed out after {START_TIMEOUT} s") from e
        if result.returncode != 0:
            self.stop()
            raise RuntimeError(
                f"Neo4j did not start (exit {result.returncode}):\n{result.stdout}{result.stderr}"
            )

    def stop(self) -> None:
        self._run("stop", 60)
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> Neo4jServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
