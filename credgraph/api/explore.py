"""The explorer's questions of the root Query: a node's neighbourhood for the map and pages
of a hub's links (`ExploreQuery`, merged into it by credgraph.api.schema).

Resolvers only convert; the walk lives in credgraph.queries.explore.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from credgraph.api.context import Info, in_thread
from credgraph.api.types.base import described
from credgraph.api.types.enums import Relation
from credgraph.api.types.explore import Neighbourhood, NeighbourPage
from credgraph.api.types.links import SUSPECTED_ARG
from credgraph.api.types.scalars import Date, DateTime, moment
from credgraph.exc import BadInputError
from credgraph.queries.links.suspected import SUSPECTED


def _types(relations: list[Relation] | None) -> list[str] | None:
    """The registered relations asked for; SUSPECTED is asked for with `suspected`."""
    if relations is not None and any(r.value == SUSPECTED for r in relations):
        raise BadInputError("SUSPECTED is not a registered relation: ask with suspected: true")
    return None if relations is None else [r.value for r in relations]


@strawberry.type
class ExploreQuery:
    @described("The neighbourhood of a node for the map: hubs (degree > hubDegree) are reached "
               "but not expanded; new nodes stop at maxNodes.")
    async def neighbourhood(
        self,
        info: Info,
        id: strawberry.ID,
        hops: int = 1,
        relations: list[Relation] | None = None,
        max_nodes: int = 500,
        hub_degree: int = 50,
        as_of: Date | None = None,
        known_at: DateTime | None = None,
        suspected: Annotated[bool, SUSPECTED_ARG] = False,
    ) -> Neighbourhood:
        explorer, at = info.context.analyses.explorer, moment(as_of, known_at)
        view = await in_thread(lambda: explorer.neighbourhood(
            id, at, hops, _types(relations), max_nodes, hub_degree, suspected))
        return Neighbourhood.from_record(view)

    @described("A page of a node's links (a collapsed hub's, or any node's when expanded).")
    async def neighbours(
        self,
        info: Info,
        id: strawberry.ID,
        relations: list[Relation] | None = None,
        offset: int = 0,
        first: int = 50,
        hub_degree: int = 50,
        as_of: Date | None = None,
        known_at: DateTime | None = None,
        suspected: Annotated[bool, SUSPECTED_ARG] = False,
    ) -> NeighbourPage:
        explorer, at = info.context.analyses.explorer, moment(as_of, known_at)
        page = await in_thread(lambda: explorer.neighbours(
            id, at, _types(relations), offset, first, hub_degree, suspected))
        return NeighbourPage.from_record(page)
