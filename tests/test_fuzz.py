"""Schema-driven fuzzing: queries generated from the schema (hypothesis-graphql), sent by every
role; none may get a 5xx, an INTERNAL_SERVER_ERROR or hang past its deadline.

CREDGRAPH_FUZZ_EXAMPLES sets the queries per role (default 25 here; the benchmark run is
`CREDGRAPH_FUZZ_EXAMPLES=1000 python -m pytest -s tests/test_fuzz.py`).
"""

from __future__ import annotations

import datetime
import os
import time
from collections import Counter
from collections.abc import Iterator

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema
from starlette.testclient import TestClient

from credgraph.api.app import create_app
from credgraph.api.auth import KeyStore
from credgraph.api.sdl import sdl
from credgraph.graph.memory import MemoryStore
from credgraph.settings import Settings
from tests.test_access import EVENTS
from tests.test_api_dataset import A1, SCENARIO, load_sections

EXAMPLES = int(os.environ.get("CREDGRAPH_FUZZ_EXAMPLES", "25"))
DEADLINE = 5.0
ROLES = ("anonymous", "public", "enterprise", "regulator", "admin")

DATES = st.one_of(
    st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31)).map(
        lambda d: graphql.StringValueNode(value=d.isoformat())),
    st.text(max_size=12).map(lambda t: graphql.StringValueNode(value=t)),
)
QUERIES = from_schema(sdl(), custom_scalars={"Date": DATES})
OUTCOMES: dict[str, Counter[str]] = {}
Tokens = dict[str, str | None]


@pytest.fixture(scope="module")
def fuzz_client(
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Tokens]]:
    folder = tmp_path_factory.mktemp("fuzz")
    store = MemoryStore(folder / "graph.credgraph")
    load_sections(store, folder / "scenario", {**SCENARIO, "enterprise_events": EVENTS})
    keys = KeyStore(folder / "keys.json")
    tokens: dict[str, str | None] = {"anonymous": None}
    for role in ("public", "regulator", "admin"):
        tokens[role] = keys.add(role, role)[1]
    tokens["enterprise"] = keys.add("enterprise", "e", uscc=A1)[1]
    app_settings = Settings(data_dir=folder, keys_file=folder / "keys.json",
                            request_deadline_seconds=DEADLINE,
                            rate_limit_per_key="1000000/minute",
                            rate_limit_per_ip="1000000/minute")
    with TestClient(create_app(store, app_settings)) as client:
        yield client, tokens
    for role, counts in OUTCOMES.items():
        print(f"\nfuzz {role}: {sum(counts.values())} queries {dict(counts.most_common())}")


@pytest.mark.parametrize("role", ROLES)
def test_generated_queries(fuzz_client: tuple[TestClient, Tokens], role: str) -> None:
    client, tokens = fuzz_client
    token = tokens[role]
    headers = {"authorization": f"Bearer {token}"} if token else {}
    counts = OUTCOMES.setdefault(role, Counter())

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(query=QUERIES)
    def check(query: str) -> None:
        started = time.perf_counter()
        response = client.post("/graphql", json={"query": query}, headers=headers)
        seconds = time.perf_counter() - started
        assert response.status_code < 500, (query, response.text)
        assert seconds < DEADLINE + 2, (query, seconds)
        body = response.json()
        codes = sorted({e.get("extensions", {}).get("code", "?") for e in body.get("errors") or []})
        assert "INTERNAL_SERVER_ERROR" not in codes and "?" not in codes, (query, body)
        counts[",".join(codes) or "ok"] += 1

    check()
