"""`credgraph serve --workers N`: the application each uvicorn worker process builds.

uvicorn starts the workers as fresh interpreters (spawn) that import `worker_app` and call
it, so nothing of the parent's objects reaches them: each reads the same settings from the
environment, opens its own store (a Neo4j driver with its own connection pool) and builds
the same application as a single-process server, sign-in and access rules included. What
the parent alone knows (the address it listens on, --insecure) is handed over in
WORKER_ENV. Only a Neo4j store can be shared this way: the embedded store is a graph in one
process's memory.
"""

from __future__ import annotations

import json
import os
import socket

import uvicorn
from starlette.applications import Starlette

from credgraph.api.app import create_app, local_hosts
from credgraph.api.auth import access_for
from credgraph.api.logs import configure_logging
from credgraph.api.roles import role_names
from credgraph.graph import open_store
from credgraph.runtime import freeze_startup_objects
from credgraph.settings import get_settings

WORKER_ENV = "CREDGRAPH_SERVE_WORKER"
"""JSON {"host": ..., "insecure": ...} of the `serve` command that started the workers."""


def worker_environment(host: str, insecure: bool) -> dict[str, str]:
    """What the parent puts in its environment before uvicorn starts the workers."""
    return {WORKER_ENV: json.dumps({"host": host, "insecure": insecure})}


def tcp_listener(config: uvicorn.Config) -> socket.socket:
    """The socket the workers share, bound by uvicorn and marked as TCP. uvicorn binds it with
    protocol number 0 and accepted connections inherit it, while asyncio turns Nagle's
    algorithm off (TCP_NODELAY) only on sockets that say IPPROTO_TCP: on a kept-alive
    connection each answer then waited for the client's delayed ACK, about 40 ms per request
    (uvicorn issue 3149; one process is not affected, asyncio binds its own socket there)."""
    bound = config.bind_socket()
    listener = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP,
                             fileno=bound.detach())
    listener.set_inheritable(True)
    return listener


def worker_app() -> Starlette:
    """The app of one worker process (uvicorn's factory): the parent checked the settings,
    the sign-in and the store before starting the workers, so a failure here is a fault."""
    given = json.loads(os.environ[WORKER_ENV])
    host, insecure = str(given["host"]), bool(given["insecure"])
    settings = get_settings()
    authenticator = access_for(settings, role_names(), host, insecure)
    listener = configure_logging(settings.log_queue_size)
    store = open_store(settings)
    app = create_app(store, settings, authenticator, local_hosts(authenticator, host),
                     on_shutdown=(store.close, listener.stop))
    freeze_startup_objects()
    return app
