"""The ASGI application: GraphQL (with GraphiQL) at /graphql, map exports at /export, the web
explorer at /, the probes /healthz (the process answers) and /readyz (the store answers).

Every request passes the guard (credgraph.api.middleware: sign-in, limits, deadline)
and every field the access extension (credgraph.api.access: roles, masking, audit).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TypedDict

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL

from credgraph.api.access import RequestAccess
from credgraph.api.audit import AuditEvent, AuditLog
from credgraph.api.auth import ANONYMOUS, Authenticator, Principal, access_for, is_loopback
from credgraph.api.context import Context, make_context
from credgraph.api.export import export_route
from credgraph.api.limits import RateLimits, WorkerPool
from credgraph.api.logs import REQUEST_ID
from credgraph.api.middleware import Guard
from credgraph.api.roles import RoleTable, load_roles
from credgraph.api.schema import build_schema
from credgraph.api.warm import Warmer
from credgraph.exc import StoreError
from credgraph.graph.store import GraphStore
from credgraph.queries.analyses import Analyses, analyses_for
from credgraph.settings import Settings
from credgraph.watch.service import Watch, watch_for

READY_TIMEOUT_SECONDS = 3.0


class ServerOptions(TypedDict):
    loop: str
    http: str


SERVING: ServerOptions = {"loop": "uvloop", "http": "httptools"}
"""uvicorn's event loop and HTTP parser wherever the API is served: both in C. With
asyncio's loop and the pure-Python h11 parser a lookup cost about a tenth more of the
server's time (docs/benchmarks.md, *The API's event loop and log*)."""

LANDING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>credgraph</title></head>
<body><h1>credgraph</h1>
<p>Enterprise relationship explorer. The GraphQL API and its GraphiQL console are at
<a href="/graphql">/graphql</a>.</p></body></html>
"""
"""Served at / until a built web explorer is put in credgraph/api/static/."""


class CredgraphGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with a fresh context (DataLoaders, the caller) per request.

    Queries come as JSON POSTs only: a GET or a form post could be sent cross-site by any
    web page, a JSON POST only after the browser's CORS check.
    """

    def __init__(self, analyses: Analyses, settings: Settings, watch: Watch) -> None:
        schema = build_schema(settings)
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=False)
        self.analyses, self.settings, self.watch = analyses, settings, watch
        self.roles: RoleTable = load_roles(schema._schema)
        self.audit = AuditLog(settings.audit_path)

    async def get_context(self, request: Request | object, response: Response | object) -> Context:
        scope = request.scope if isinstance(request, Request) else {}
        principal: Principal = scope.get("state", {}).get("principal", ANONYMOUS)
        event = AuditEvent(request=REQUEST_ID.get() or "", who=principal.subject,
                           role=principal.role)
        access = RequestAccess(principal, self.roles[principal.role], self.audit, event)
        return make_context(self.analyses, self.settings, access, self.watch)

    def decode_json(self, data: str | bytes) -> object:
        """orjson rather than the json module, like every other JSON the server handles; its
        decode error is a json.JSONDecodeError, which Strawberry answers with 400."""
        return orjson.loads(data)

    def encode_json(self, data: object) -> str:
        """The answer in UTF-8 by orjson, several times faster than the json module (keys
        that are not strings written as strings, as the json module does)."""
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()

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


def _readiness(store: GraphStore) -> Route:
    async def ready(_: Request) -> Response:
        try:
            await asyncio.wait_for(asyncio.to_thread(store.ping), READY_TIMEOUT_SECONDS)
        except (StoreError, TimeoutError):
            return JSONResponse({"status": "unavailable", "store": store.kind.value},
                                status_code=503, headers={"retry-after": "5"})
        return JSONResponse({"status": "ready", "store": store.kind.value})

    return Route("/readyz", ready, methods=["GET"])


def local_hosts(authenticator: Authenticator, host: str) -> list[str] | None:
    """The Host headers a server listening on `host` answers: only its own names when
    everyone is the local admin on a loopback address (against DNS rebinding), else any."""
    if authenticator.local_admin and is_loopback(host):
        return [host, "localhost", "127.0.0.1", "::1"]
    return None


def create_app(store: GraphStore, settings: Settings, authenticator: Authenticator | None = None,
               allowed_hosts: Sequence[str] | None = None,
               on_shutdown: Sequence[Callable[[], None]] = ()) -> Starlette:
    """The credgraph web application over an open store: one set of analyses for every request,
    the watchlists in the settings' user-data file.

    `authenticator` defaults to the settings' sign-in for a loopback server (everyone the
    local admin when none is configured); `allowed_hosts` limits the Host header (the
    CLI sets it with local_hosts). `on_shutdown` runs when the server stops (a worker
    process of `serve --workers` closes the store and the log writer it opened).
    """
    analyses = analyses_for(store)
    graphql = CredgraphGraphQL(analyses, settings, watch_for(analyses, settings))
    pool = WorkerPool(settings.api_workers, settings.api_max_requests)
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/export", export_route(analyses, graphql.roles, graphql.audit), methods=["GET"]),
        Route("/healthz", _health, methods=["GET"]),
        _readiness(store),
    ]
    folder = static_dir()
    if folder is not None:
        routes.append(Mount("/", StaticFiles(directory=folder, html=True), name="explorer"))
    else:
        routes.append(Route("/", _landing, methods=["GET"]))
    origins = list(settings.cors_origins)
    middleware = [
        Middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                   allow_headers=["authorization", "content-type", "x-request-id"],
                   expose_headers=["x-request-id", "retry-after"], max_age=600),
        Middleware(Guard, authenticator=authenticator or access_for(settings, graphql.roles.names),
                   limits=RateLimits(settings.rate_limit_per_key, settings.rate_limit_per_ip),
                   pool=pool, deadline_seconds=settings.request_deadline_seconds,
                   origins=frozenset(origins), reads=store.read_scope),
    ]
    if allowed_hosts is not None:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))

    warmer = Warmer(analyses, settings.warm_seconds) if settings.warm_seconds else None

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if warmer is not None:
            warmer.start()
        yield
        if warmer is not None:
            warmer.stop()
        pool.close()
        for close in on_shutdown:
            close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool, app.state.warmer, app.state.analyses = pool, warmer, analyses
    return app
