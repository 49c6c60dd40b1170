"""GET /export: the explorer's current map as a file (BODS, FtM, GraphML or GEXF).

    GET /export?format=graphml&root=<id>&hops=2&asOf=2024-01-01
        [&relations=SHAREHOLDER,OFFICER][&maxNodes=500][&hubDegree=50][&history=true]
        [&threshold=25]

The map is the one `neighbourhood` gives with the same arguments (same defaults), so the
file holds what the user sees. The body streams as it is written; a bad argument or an
unknown root is answered before it starts, as JSON `{"error": {"code", "message"}}` with
status 400 (BAD_USER_INPUT) or 404 (NOT_FOUND). Whole-register exports are for the
command line (`credgraph export`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from graphql import GraphQLError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from credgraph.api.errors import BAD_USER_INPUT, NOT_FOUND
from credgraph.api.types.scalars import parse_iso_day
from credgraph.exc import BadInputError, NotFoundError
from credgraph.interop.formats import FORMATS, Options, export_pieces
from credgraph.interop.scope import Scope
from credgraph.queries.analyses import Analyses
from credgraph.queries.time import Moment

T = TypeVar("T")

DEFAULTS = {"hops": 1, "maxNodes": 500, "hubDegree": 50}
"""The map's defaults (the `neighbourhood` query's)."""
KNOWN = frozenset({"format", "root", "asOf", "relations", "history", "threshold", *DEFAULTS})


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


def _request(params: Mapping[str, str]) -> tuple[str, Scope, Options]:
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
    relations = _parse(params, "relations",
                       lambda raw: tuple(r.strip() for r in raw.split(",") if r.strip()), None)
    scope = Scope(Moment.on(day), root=root, hops=_parse(params, "hops", int, DEFAULTS["hops"]),
                  relations=relations,
                  max_nodes=_parse(params, "maxNodes", int, DEFAULTS["maxNodes"]),
                  hub_degree=_parse(params, "hubDegree", int, DEFAULTS["hubDegree"]),
                  history=_parse(params, "history", _flag, False))
    options = Options(threshold=_parse(params, "threshold", float, Options.threshold))
    return fmt, scope, options


def export_route(analyses: Analyses) -> Callable[[Request], object]:
    """The /export handler over one set of analyses."""

    async def export(request: Request) -> Response:
        try:
            fmt, scope, options = _request(request.query_params)
            pieces = await run_in_threadpool(export_pieces, fmt, analyses, scope, options)
        except BadInputError as e:
            return _error(400, BAD_USER_INPUT, str(e))
        except NotFoundError as e:
            return _error(404, NOT_FOUND, str(e))
        chosen = FORMATS[fmt]
        name = f"credgraph-{scope.root}-{scope.at.day}{chosen.extension}"
        return StreamingResponse(pieces, media_type=chosen.media_type, headers={
            "content-disposition": f'attachment; filename="{_safe(name)}"'})

    return export


def _safe(name: str) -> str:
    """A file name fit for a header: ids may hold characters a header cannot."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
