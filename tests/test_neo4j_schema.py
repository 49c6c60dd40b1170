"""The Neo4j store's schema at the start of each load: what is missing is created, what is
obsolete dropped, and a complete schema costs one read and no schema transaction."""

from __future__ import annotations

from typing import Any

import pytest

from credgraph.graph.neo4j_store import Neo4jStore

pytestmark = pytest.mark.neo4j

OBSOLETE = "record_names"
"""An index earlier versions created over every record's names (cypher.obsolete_indexes)."""


def _indexes(store: Neo4jStore) -> set[str]:
    return {row["name"] for row in store.read("SHOW INDEXES YIELD name RETURN name")}


def _schema_writes(store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The schema statements (and waits) ensure_schema sends from now on."""
    sent: list[str] = []
    run_write = store._run_write

    def recorded(text: str, **params: Any) -> None:
        sent.append(text)
        run_write(text, **params)

    monkeypatch.setattr(store, "_run_write", recorded)
    return sent


def test_a_complete_schema_sends_no_schema_statement(
        neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    neo4j_store.ensure_schema()
    sent = _schema_writes(neo4j_store, monkeypatch)
    neo4j_store.ensure_schema()
    assert sent == []


def test_missing_indexes_and_constraints_are_made_and_obsolete_ones_dropped(
        neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    neo4j_store.ensure_schema()
    complete = _indexes(neo4j_store)
    assert {"entity_id", "annualreport_year", "enterpriserecord_search_terms"} <= complete
    for statement in ("DROP CONSTRAINT entity_id", "DROP INDEX annualreport_year",
                      "DROP INDEX enterpriserecord_search_terms",
                      f"CREATE INDEX {OBSOLETE} FOR (n:Record) ON (n.name)"):
        neo4j_store._run_write(statement)
    assert _indexes(neo4j_store) == complete - {
        "entity_id", "annualreport_year", "enterpriserecord_search_terms"} | {OBSOLETE}
    sent = _schema_writes(neo4j_store, monkeypatch)
    neo4j_store.ensure_schema()
    assert _indexes(neo4j_store) == complete
    assert len(sent) == 5  # two made, one made after the search keys, one dropped, the wait
    assert all(row["state"] == "ONLINE" for row in neo4j_store.read(
        "SHOW INDEXES YIELD state RETURN state"))
