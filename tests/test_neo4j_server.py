"""scripts/neo4j.sh really brings up a Neo4j that credgraph can use."""

import os
import subprocess
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from tests.neo4j_server import SCRIPT, Neo4jServer


def test_server_answers_and_offers_the_whitespace_analyzer() -> None:
    """Search's terms index splits at blanks only (credgraph.graph.cypher.terms_index)."""
    with Neo4jServer() as server, GraphDatabase.driver(server.uri, auth=None) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
        records, _, _ = driver.execute_query(
            "CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer RETURN analyzer"
        )
        assert "whitespace" in {r["analyzer"] for r in records}


def test_server_enforces_password() -> None:
    with Neo4jServer(password="some-pass") as server:
        with GraphDatabase.driver(server.uri, auth=("neo4j", "some-pass")) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
            assert records[0]["one"] == 1
        with (
            GraphDatabase.driver(server.uri, auth=("neo4j", "wrong-pass")) as driver,
            pytest.raises(AuthError),
        ):
            driver.verify_connectivity()


def test_short_password_is_refused_before_anything_starts(tmp_path: Path) -> None:
    """Neo4j refuses passwords under 8 characters; the script says so at once (exit 1),
    before downloading or starting anything."""
    env = {**os.environ, "CREDGRAPH_NEO4J_HOME": str(tmp_path / "home"),
           "CREDGRAPH_NEO4J_PASSWORD": "secret"}
    env.pop("CREDGRAPH_NEO4J_AUTH", None)
    result = subprocess.run([str(SCRIPT), "start"], env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 1
    assert "at least 8 characters" in result.stderr
    assert not (tmp_path / "home").exists()
