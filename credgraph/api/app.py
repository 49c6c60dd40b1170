"""The ASGI application: GraphQL (with GraphiQL) at /graphql, the web explorer at /."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL

from credgraph.api.context import Context, make_context, owner_for
from credgraph.api.schema import build_schema
from credgraph.graph.store import GraphStore
from credgraph.queries.analyses import Analyses, analyses_for
from credgraph.settings import Settings
from credgraph.watch.service import Watch, watch_for

LANDING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>credgraph</title></head>
<body><h1>credgraph</h1>
<p>Enterprise relationship explorer. The GraphQL API and its GraphiQL console are at
<a href="/graphql">/graphql</a>.</p></body></html>
"""
"""Served at / until a built web explorer is put in credgraph/api/static/."""


class CredgraphGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with a fresh context (and DataLoaders) per request."""

    def __init__(self, analyses: Analyses, settings: Settings, watch: Watch) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql")
        self.analyses, self.settings, self.watch = analyses, settings, watch

    async def get_context(self, request: Request | object, response: Response | object) -> Context:
        return make_context(self.analyses, self.settings, self.watch, owner_for(request))

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL as built with the explorer (graphiql.html), never Strawberry's CDN page:
        the console works offline and tells no third party that the API was opened."""
        folder = static_dir()
        page = folder / "graphiql.html" if folder is not None else None
        if page is None or not page.is_file():
            return PlainTextResponse("GraphiQL is not built here: POST queries to /graphql.", 404)
        return HTMLResponse(page.read_text(encoding="utf-8"))


def static_dir() -> Path | None:
    """The built web explorer, when one has been put beside this module."""
    folder = Path(str(resources.files("credgraph.api") / "static"))
    return folder if (folder / "index.html").is_file() else None


async def _landing(_: Request) -> Response:
    return HTMLResponse(LANDING)


async def _health(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(store: GraphStore, settings: Settings) -> Starlette:
    """The credgraph web application over an open store: one set of analyses for every request,
    the watchlists in the settings' user-data file."""
    analyses = analyses_for(store)
    graphql = CredgraphGraphQL(analyses, settings, watch_for(analyses, settings))
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", _health, methods=["GET"]),
    ]
    folder = static_dir()
    if folder is not None:
        routes.append(Mount("/", StaticFiles(directory=folder, html=True), name="explorer"))
    else:
        routes.append(Route("/", _landing, methods=["GET"]))
    return Starlette(routes=routes)
