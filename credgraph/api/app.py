"""The ASGI application: GraphQL (with GraphiQL) at /graphql, map exports at /export, the web
explorer at /."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL

from credgraph.api.context import Context, make_context
from credgraph.api.export import export_route
from credgraph.api.schema import build_schema
from credgraph.graph.store import GraphStore
from credgraph.queries.analyses import Analyses, analyses_for
from credgraph.settings import Settings

LANDING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>credgraph</title></head>
<body><h1>credgraph</h1>
<p>Enterprise relationship explorer. The GraphQL API and its GraphiQL console are at
<a href="/graphql">/graphql</a>.</p></body></html>
"""
"""Served at / until a built web explorer is put in credgraph/api/static/."""


class CredgraphGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with a fresh context (and DataLoaders) per request."""

    def __init__(self, analyses: Analyses, settings: Settings) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql")
        self.analyses, self.settings = analyses, settings

    async def get_context(self, request: Request | object, response: Response | object) -> Context:
        return make_context(self.analyses, self.settings)


def static_dir() -> Path | None:
    """The built web explorer, when one has been put beside this module."""
    folder = Path(str(resources.files("credgraph.api") / "static"))
    return folder if (folder / "index.html").is_file() else None


async def _landing(_: Request) -> Response:
    return HTMLResponse(LANDING)


async def _health(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(store: GraphStore, settings: Settings) -> Starlette:
    """The credgraph web application over an open store: one set of analyses for every request."""
    analyses = analyses_for(store)
    graphql = CredgraphGraphQL(analyses, settings)
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/export", export_route(analyses), methods=["GET"]),
        Route("/healthz", _health, methods=["GET"]),
    ]
    folder = static_dir()
    if folder is not None:
        routes.append(Mount("/", StaticFiles(directory=folder, html=True), name="explorer"))
    else:
        routes.append(Route("/", _landing, methods=["GET"]))
    return Starlette(routes=routes)
