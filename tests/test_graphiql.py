"""GraphiQL at /graphql is the page built with the explorer, served from credgraph itself.

The browser test (e2e/tests/offline.test.mjs) runs it with the network off; this checks
without a browser that the page a browser gets names only the server's own files, and that
each of them is served.
"""

from __future__ import annotations

import re

from credgraph.api.app import static_dir
from credgraph.graph.memory import MemoryStore
from tests.test_api_dataset import client_for

ASSET = re.compile(r'(?:src|href)="([^"]+)"')


def test_graphiql_is_the_bundled_page_and_names_only_local_files() -> None:
    folder = static_dir()
    assert folder is not None and (folder / "graphiql.html").is_file(), "build web/ first"
    client = client_for(MemoryStore())
    page = client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert page.text == (folder / "graphiql.html").read_text(encoding="utf-8")
    assert "//" not in page.text, "no absolute or protocol-relative URL in the page"
    assets = [a for a in ASSET.findall(page.text) if not a.startswith("data:")]
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert asset.startswith("./assets/"), asset
        assert client.get(asset.removeprefix(".")).status_code == 200, asset
    # A client posting JSON still gets the API, not the page; a query sent by GET is
    # refused (a cross-site link must not run queries), not answered with the page.
    assert client.post("/graphql", json={"query": "{ __typename }"}).json() == {
        "data": {"__typename": "Query"}}
    refused = client.get("/graphql", params={"query": "{ __typename }"})
    assert refused.status_code >= 400 and "<html" not in refused.text.lower()
