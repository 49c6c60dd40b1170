"""Store fixtures: every store test runs against the embedded store and a real Neo4j.

The Neo4j server is started once per test session by scripts/neo4j.sh (or taken
from CREDGRAPH_TEST_NEO4J_URI); if it cannot start, the Neo4j tests error out,
they are never skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset
from tests.handmade import write_handmade
from tests.neo4j_server import Neo4jServer, neo4j_uri_for_tests


@pytest.fixture(scope="session", autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Settings() of every test keep their files (the audit log ...) in a temp folder,
    never in the developer's own data folder."""
    before = os.environ.get("CREDGRAPH_DATA_DIR")
    os.environ["CREDGRAPH_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    yield
    if before is None:
        os.environ.pop("CREDGRAPH_DATA_DIR", None)
    else:
        os.environ["CREDGRAPH_DATA_DIR"] = before


def _on_the_session_server(item: pytest.Item) -> bool:
    """Whether a test uses the session's Neo4j server: through the `neo4j_uri` fixture, or
    through a fixture's parameter (`store[neo4j]`, marked `neo4j`), which its fixture names
    do not show."""
    return "neo4j_uri" in getattr(item, "fixturenames", ()) or bool(
        item.get_closest_marker("neo4j"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`-n 2 --dist loadgroup`, scripts/test.sh) each worker is a session:
    without CREDGRAPH_TEST_NEO4J_URI each starts a server of its own, so nothing is shared.
    A server given by that variable is one database for both, and each test clears it: its
    tests run one after the other on one worker, the rest beside them. First among the
    hooks: xdist's own reads the groups from the markers.

    The tests marked `long` (minutes each) go first: the workers take the tests in this
    order, and one taken last would run on alone while the other worker has finished."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
    if neo4j_uri_for_tests() is None:
        return
    for item in items:
        if _on_the_session_server(item):
            item.add_marker(pytest.mark.xdist_group("given-neo4j"))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop a worker whose xdist no longer groups: its grouping works by renaming the grouped
    tests (`...@given-neo4j`), which pytest 9.2 ignores (pytest-xdist issue 1386); the
    tests on the given server would then run beside each other on its one database."""
    # Set in xdist's workers only (not when xdist is off, as under --collect-only).
    if not getattr(session.config.option, "loadgroup", False):
        return
    lost = [item.nodeid for item in session.items
            if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if lost:
        raise pytest.UsageError(f"pytest-xdist did not group {len(lost)} tests (first: "
                                f"{lost[0]}); use a pytest it supports (pyproject.toml)")


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    external = neo4j_uri_for_tests()
    if external:
        yield external
        return
    server = Neo4jServer()
    server.start()
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture
def neo4j_store(neo4j_uri: str) -> Iterator[Neo4jStore]:
    store = Neo4jStore(neo4j_uri, password=os.environ.get("CREDGRAPH_TEST_NEO4J_PASSWORD", ""))
    store.clear()
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def memory_store(tmp_path: Path) -> MemoryStore:
    return MemoryStore(tmp_path / "graph.credgraph")


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> GraphStore:
    """Each test using this runs once per store."""
    result: GraphStore = request.getfixturevalue(f"{request.param}_store")
    return result


@pytest.fixture
def handmade_dir(tmp_path: Path) -> Path:
    return write_handmade(tmp_path / "handmade")


@pytest.fixture
def handmade_store(store: GraphStore, handmade_dir: Path, tmp_path: Path) -> GraphStore:
    """The hand-made dataset loaded into each store."""
    load_dataset(handmade_dir, store, rejects_path=tmp_path / "rejects.csv")
    return store
