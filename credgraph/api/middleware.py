"""The ASGI guard in front of every route: what each request goes through before GraphQL.

In order: a request id (from X-Request-ID when sane, else new); security headers on the
answer; sign-in (a bad token is 401, never data); a cross-site check (a browser request
from an origin that is not the server's own nor allowed is 403); the caller's rate limit
(429); admission to the bounded worker pool (503 with Retry-After when full); then the
request runs under its deadline (credgraph.deadline) with its store reads in one read
scope (one Neo4j read transaction, credgraph.graph.store.ReadScope), and if the client
goes away its work is cancelled. Health probes skip sign-in, limits and admission.
One JSON access line per request: id, method, path, status, time, role; never the
query, its variables or the caller's address.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import orjson
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credgraph import deadline
from credgraph.api.auth import Authenticator, Principal
from credgraph.api.limits import RateLimits, WorkerPool, using
from credgraph.api.logs import REQUEST_ID
from credgraph.exc import AuthenticationError
from credgraph.graph.store import ReadScope

log = logging.getLogger("credgraph.access")

PROBES = frozenset({"/healthz", "/readyz"})
GRAPHQL = "/graphql"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
EXPLORER_POLICY = (
    b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; "
    b"font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    b"frame-ancestors 'none'"
)
"""The explorer's content security policy: its own scripts only. GraphiQL at /graphql
loads its scripts from elsewhere and keeps the headers above without this one."""

@contextlib.contextmanager
def _serving(pool: WorkerPool, request_id: str, budget: deadline.Budget,
             reads: ReadScope) -> Iterator[None]:
    token = REQUEST_ID.set(request_id)
    try:
        with deadline.within(budget), using(pool), reads.active():
            yield
    finally:
        REQUEST_ID.reset(token)


async def _answer(send: Send, status: int, code: str, message: str,
                  headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    """A refusal before GraphQL runs, shaped like a GraphQL error so clients read one form."""
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


class _Receiver:
    """Hands the app its request body, then watches the connection: a disconnect cancels
    the request's budget, so its store work stops at the next check."""

    def __init__(self, receive: Receive, budget: deadline.Budget) -> None:
        self.receive, self.budget = receive, budget
        self.later: asyncio.Queue[Message] = asyncio.Queue()
        self.watcher: asyncio.Task[None] | None = None

    async def __call__(self) -> Message:
        if self.watcher is not None:
            return await self.later.get()
        message = await self.receive()
        if message["type"] == "http.disconnect":
            self.budget.cancel("the client went away: the request was stopped")
        elif not message.get("more_body", False):
            self.watcher = asyncio.create_task(self._watch())
        return message

    async def _watch(self) -> None:
        message = await self.receive()
        if message["type"] == "http.disconnect":
            self.budget.cancel("the client went away: the request was stopped")
        await self.later.put(message)

    def close(self) -> None:
        if self.watcher is not None:
            self.watcher.cancel()


class Guard:
    """The per-request checks of the module docstring, as plain ASGI middleware."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator, limits: RateLimits,
                 pool: WorkerPool, deadline_seconds: float, origins: frozenset[str],
                 reads: Callable[[], ReadScope]) -> None:
        self.app, self.authenticator, self.limits, self.pool = app, authenticator, limits, pool
        self.deadline_seconds, self.origins, self.reads = deadline_seconds, origins, reads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        given = headers.get("x-request-id", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        path: str = scope["path"]
        started = time.perf_counter()
        status = [0]
        extra = [(b"x-request-id", request_id.encode()), *SECURITY_HEADERS]
        if path == GRAPHQL:
            extra.append((b"cache-control", b"no-store"))
        elif path not in PROBES:
            extra.append((b"content-security-policy", EXPLORER_POLICY))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        principal: Principal | None = None
        try:
            principal = await self._admit(scope, headers, send_with_headers)
            if principal is None:
                return
            scope.setdefault("state", {})["principal"] = principal
            budget = deadline.Budget(self.deadline_seconds)
            receiver = _Receiver(receive, budget)
            reads = self.reads()
            try:
                with _serving(self.pool, request_id, budget, reads):
                    await self.app(scope, receiver, send_with_headers)
            finally:
                receiver.close()
                if reads.open:
                    # The answer is sent: ending the transaction (a round trip) delays no one.
                    await asyncio.get_running_loop().run_in_executor(self.pool.executor,
                                                                     reads.close)
                if path not in PROBES:
                    self.pool.release()
        finally:
            log.info("request", extra={
                "request": request_id, "method": scope["method"], "path": path,
                "status": status[0], "ms": round((time.perf_counter() - started) * 1000, 1),
                "role": principal.role if principal else None})

    async def _admit(self, scope: Scope, headers: Headers, send: Send) -> Principal | None:
        """The caller, or None once a refusal has been sent."""
        path: str = scope["path"]
        if path in PROBES:
            return self.authenticator.authenticate(None)
        if not self._same_site(scope, headers):
            await _answer(send, 403, "FORBIDDEN", "requests from this origin are not allowed")
            return None
        authorization = headers.get("authorization")
        try:
            if self.authenticator.needs_thread(authorization):
                principal = await asyncio.to_thread(self.authenticator.authenticate,
                                                    authorization)
            else:
                principal = self.authenticator.authenticate(authorization)
        except AuthenticationError as e:
            await _answer(send, 401, "UNAUTHENTICATED", str(e),
                          ((b"www-authenticate", b'Bearer realm="credgraph"'),))
            return None
        if principal.method != "local":
            client = scope.get("client")
            wait = self.limits.hit(principal.key_id, client[0] if client else "unknown")
            if wait is not None:
                await _answer(send, 429, "RATE_LIMITED",
                              f"too many requests: try again in {wait:.0f} s",
                              ((b"retry-after", str(int(wait + 0.999)).encode()),))
                return None
        if not self.pool.admit():
            await _answer(send, 503, "SERVER_BUSY",
                          "the server is answering as many requests as it can: try again soon",
                          ((b"retry-after", b"1"),))
            return None
        return principal

    def _same_site(self, scope: Scope, headers: Headers) -> bool:
        """A browser's cross-site request (by its Origin) is allowed only from listed origins;
        requests without an Origin (not from a browser page) pass."""
        origin = headers.get("origin")
        if origin is None or origin in self.origins:
            return True
        host = headers.get("host", "")
        return urlsplit(origin).netloc == host

