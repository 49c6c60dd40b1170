"""Documents parsed and validated once per query text (credgraph.api.documents): what is
kept must never change an answer — the cost still follows the variables, errors are each
response's own, the limits still refuse and the cache stays within its size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLError
from starlette.testclient import TestClient

from credgraph.api.app import create_app
from credgraph.api.documents import DocumentCache
from credgraph.api.schema import build_schema
from credgraph.graph.memory import MemoryStore
from credgraph.graph.records import NodeRecord
from credgraph.settings import Settings
from tests.graphs import write_graph

COSTLY = """query($n: Int!) { search(text: "甲", first: $n) { node { ... on Enterprise {
    shareholders { holder { id name ... on Enterprise { shareholders { holder { id } } } }
    percent } officers { person { id } } } } } nothing }"""
"""A text with one mistake of its own (no field `nothing`) whose cost comes from `$n`: at
n = 1000 it is also too costly (the default limit), at n = 1 it is not."""


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    store = MemoryStore(None)
    write_graph(store, [NodeRecord("Person", "P1", {"name": "甲", "name_norm": "甲",
                                                    "placeholder": False})], [])
    return TestClient(create_app(store, Settings(data_dir=tmp_path)))


def _ask(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    body: dict[str, Any] = client.post(
        "/graphql", json={"query": query, "variables": variables}).json()
    return body


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


def test_errors_are_each_responses_own(client: TestClient) -> None:
    """The text's own error comes with every answer, the cost error only with the variables
    that make it costly: one response's errors never stay for the next."""
    with client:
        cheap = _ask(client, COSTLY, n=1)
        assert _codes(cheap) == ["GRAPHQL_VALIDATION_FAILED"]
        assert "nothing" in cheap["errors"][0]["message"]
        costly = _ask(client, COSTLY, n=1000)
        assert _codes(costly) == ["GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_COSTLY"]
        assert _ask(client, COSTLY, n=1) == cheap
        assert _ask(client, COSTLY, n=1000) == costly


def test_a_text_that_does_not_parse_is_refused_every_time(client: TestClient) -> None:
    with client:
        first = _ask(client, "{ person(personId: ")
        assert _codes(first) == ["GRAPHQL_VALIDATION_FAILED"]
        assert first["errors"][0]["message"].startswith("Syntax Error")
        assert _ask(client, "{ person(personId: ") == first


def _schema() -> Any:
    return build_schema(Settings())._schema


def test_the_cache_keeps_at_most_its_size() -> None:
    """With room for two texts, a third pushes out the least recently asked one."""
    cache = DocumentCache(Settings(api_document_cache=2))
    schema = _schema()
    texts = [f'{{ person(personId: "P{i}") {{ name }} }}' for i in range(3)]
    first, second = (cache.checked(schema, text) for text in texts[:2])
    assert cache.checked(schema, texts[0]) is first  # kept, and now the most recent
    third = cache.checked(schema, texts[2])  # pushes out texts[1]
    assert cache.checked(schema, texts[0]) is first
    assert cache.checked(schema, texts[2]) is third
    assert cache.checked(schema, texts[1]) is not second  # parsed again


def test_limits_are_among_the_kept_checks() -> None:
    """Depth and aliases are checked with the text; too many tokens stop its parse."""
    cache = DocumentCache(Settings(api_max_depth=2, api_max_aliases=2, api_max_tokens=40))
    schema = _schema()
    deep = cache.checked(schema, '{ search(text: "a") { node { ... on Enterprise { '
                                 "shareholders { holder { id } } } } } }")
    assert any("exceeds maximum operation depth" in e.message for e in deep.errors)
    aliased = cache.checked(schema, '{ a: person(personId: "P") { id } '
                                    'b: person(personId: "P") { id } '
                                    'c: person(personId: "P") { id } }')
    assert any("aliases" in e.message for e in aliased.errors)
    long = "{ " + " ".join(f'p{i}: dataVersion' for i in range(40)) + " }"
    with pytest.raises(GraphQLError, match="token"):
        cache.checked(schema, long)
