"""scripts/neo4j.sh really brings up a Neo4j that credgraph can use."""

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from tests.neo4j_server import Neo4jServer


def test_server_answers_and_offers_cjk_analyzer() -> None:
    with Neo4jServer() as server, GraphDatabase.driver(server.uri, auth=None) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
        records, _, _ = driver.execute_query(
            "CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer RETURN analyzer"
        )
        assert "cjk" in {r["analyzer"] for r in records}


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
