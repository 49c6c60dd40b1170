"""GET /export: the explorer's current map as a file (BODS, FtM, GraphML or GEXF).

    GET /export?format=graphml&root=<id>&hops=2&asOf=2024-01-01&knownAt=2026-03-01
        [&relations=SHAREHOLDER,OFFICER][&maxNodes=500][&hubDegree=50][&history=true]
        [&threshold=25]

The map is the one `neighbourhood` gives with the same arguments (same defaults), so the
file holds what the user sees, as the register stood on asOf and as it was known at
knownAt. Access follows roles.yaml: the caller's role needs the route `export`, and a
property whose API field the role does not see (hidden, or `own`: a file has no own
record) is left out; ID numbers are at most masked. Regulator and admin exports are
audited like their queries. The file is written on the request's worker (one store call,
under its deadline), then sent; a bad argument, an unknown root or a refusal is answered
as JSON `{"error": {"code", "message"}}`: 400 BAD_USER_INPUT, 404 NOT_FOUND, 403
FORBIDDEN, 504 DEADLINE_EXCEEDED, 503 SERVICE_UNAVAILABLE. Whole-register exports are
for the command line (`credgraph export`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from credgraph.api.audit import AuditEvent, AuditLog
from credgraph.api.auth import ANONYMOUS, Principal
from credgraph.api.context import in_thread
from credgraph.api.errors import (
    BAD_USER_INPUT,
    DEADLINE_EXCEEDED,
    FORBIDDEN,
    NOT_FOUND,
    SERVICE_UNAVAILABLE,
)
from credgraph.api.logs import REQUEST_ID
from credgraph.api.roles import Role, RoleTable, Rule
from credgraph.api.types.scalars import parse_iso_day, parse_recorded_time
from credgraph.exc import BadInputError, DeadlineExceededError, NotFoundError, StoreError
from credgraph.graph.model import PROVENANCE
from credgraph.interop.formats import FORMATS, Options, export_pieces
from credgraph.interop.scope import Scope
from credgraph.queries.analyses import Analyses
from credgraph.queries.time import Moment

T = TypeVar("T")

DEFAULTS = {"hops": 1, "maxNodes": 500, "hubDegree": 50}
"""The map's defaults (the `neighbourhood` query's)."""
KNOWN = frozenset({"format", "root", "asOf", "knownAt", "relations", "history", "threshold",
                   *DEFAULTS})
ROUTE = "export"
"""The route's name in roles.yaml (`routes`)."""

FIELD_OF_PROPERTY: dict[str, tuple[str, str]] = {
    "id_number": ("Person", "maskedIdNumber"),
    "nationality": ("Person", "nationality"),
    "liable_persons": ("EnterpriseEvent", "liablePersonIds"),
    **{name: ("Enterprise", "provenance") for name in PROVENANCE},
}
"""The stored properties the role table rules on, by the API field that shows them (every
provenance field shares one rule, roles.yaml `Provenance`)."""


def hidden_properties(role: Role) -> frozenset[str]:
    """What a role's export leaves out: every property whose field it does not simply see."""
    return frozenset(name for name, (type_name, field) in FIELD_OF_PROPERTY.items()
                     if role.rule(type_name, field) is not Rule.SHOW)


def _error(status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _parse(params: Mapping[str, str], name: str, convert: Callable[[str], T], default: T) -> T:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return convert(raw)
    except ValueError:
        raise BadInputError(f"{name}: {raw!r} is not a valid value") from None


def _flag(raw: str) -> bool:
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise ValueError(raw)


def _request(params: Mapping[str, str], hidden: frozenset[str]) -> tuple[str, Scope, Options]:
    unknown = sorted(set(params) - KNOWN)
    if unknown:
        raise BadInputError(f"unknown parameter(s): {', '.join(unknown)}")
    fmt = params.get("format", "")
    if fmt not in FORMATS:
        raise BadInputError(f"format must be one of {', '.join(FORMATS)}")
    root = params.get("root", "")
    if not root.strip():
        raise BadInputError("root is required: the id of the map's centre")
    as_of = params.get("asOf")
    try:
        day = parse_iso_day(as_of).isoformat() if as_of else None
    except GraphQLError as e:
        raise BadInputError(f"asOf: {e.message}") from None
    known_at = params.get("knownAt")
    try:
        known = parse_recorded_time(known_at) if known_at else None
    except GraphQLError as e:
        raise BadInputError(f"knownAt: {e.message}") from None
    relations = _parse(params, "relations",
                       lambda raw: tuple(r.strip() for r in raw.split(",") if r.strip()), None)
    scope = Scope(Moment.on(day, known), root=root,
                  hops=_parse(params, "hops", int, DEFAULTS["hops"]), relations=relations,
                  max_nodes=_parse(params, "maxNodes", int, DEFAULTS["maxNodes"]),
                  hub_degree=_parse(params, "hubDegree", int, DEFAULTS["hubDegree"]),
                  history=_parse(params, "history", _flag, False), hidden=hidden)
    options = Options(threshold=_parse(params, "threshold", float, Options.threshold))
    return fmt, scope, options


def export_route(analyses: Analyses, roles: RoleTable,
                 audit: AuditLog) -> Callable[[Request], object]:
    """The /export handler over one set of analyses, for the roles of the table."""

    async def export(request: Request) -> Response:
        principal: Principal = request.scope.get("state", {}).get("principal", ANONYMOUS)
        role = roles[principal.role]
        if ROUTE not in role.routes:
            return _error(403, FORBIDDEN, f"the role {role.name} may not export")
        event = AuditEvent(request=REQUEST_ID.get() or "", who=principal.subject,
                           role=role.name, operations=[ROUTE])
        try:
            fmt, scope, options = _request(request.query_params, hidden_properties(role))
            event.add_subject(scope.root or "")
            pieces = await in_thread(lambda: list(export_pieces(fmt, analyses, scope, options)))
        except BadInputError as e:
            return _refused(role, audit, event, 400, BAD_USER_INPUT, str(e))
        except NotFoundError as e:
            return _refused(role, audit, event, 404, NOT_FOUND, str(e))
        except DeadlineExceededError as e:
            return _refused(role, audit, event, 504, DEADLINE_EXCEEDED, str(e))
        except StoreError:
            return _refused(role, audit, event, 503, SERVICE_UNAVAILABLE,
                            "the store is not answering: try again soon")
        if role.audited:
            audit.append(event, "ok")
        chosen = FORMATS[fmt]
        name = f"credgraph-{scope.root}-{scope.at.day}{chosen.extension}"
        return Response(b"".join(pieces), media_type=chosen.media_type, headers={
            "content-disposition": f'attachment; filename="{_safe(name)}"'})

    return export


def _refused(role: Role, audit: AuditLog, event: AuditEvent, status: int, code: str,
             message: str) -> Response:
    if role.audited:
        audit.append(event, f"error:{code}")
    return _error(status, code, message)


def _safe(name: str) -> str:
    """A file name fit for a header: ids may hold characters a header cannot."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
