"""GraphQL for the web explorer's map: a node's neighbourhood with degrees, list flags and
collapsed hubs, and pages of a hub's links (`ExploreQuery`, merged into the root Query).

Resolvers only convert; the walk lives in credgraph.queries.explore.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

import strawberry

from credgraph.api.context import Info, in_thread
from credgraph.api.restrictions import Certainty
from credgraph.api.types.common import (
    Date,
    EntityKind,
    ListType,
    Provenance,
    Role,
    as_of_day,
    described,
    to_date,
)
from credgraph.api.types.links import Relation
from credgraph.graph.store import GraphStore
from credgraph.queries.explore import Explorer, LinkPage, MapNode, MapView, explorer_for
from credgraph.queries.links.results import Link

_EXPLORERS: WeakKeyDictionary[GraphStore, Explorer] = WeakKeyDictionary()


def _explorer(info: Info) -> Explorer:
    """One explorer per store, so its Cypher is built once."""
    store = info.context.store
    found = _EXPLORERS.get(store)
    if found is None:
        found = _EXPLORERS[store] = explorer_for(store)
    return found


def _types(relations: list[Relation] | None) -> list[str] | None:
    return None if relations is None else [r.value for r in relations]


@strawberry.type(description="A node of the map with what the drawing needs to know of it.")
class MapEntity:
    id: strawberry.ID
    name: str
    kind: EntityKind
    status: str | None = strawberry.field(description="Registration status (enterprises).")
    distance: int | None = strawberry.field(
        description="Hops from the origin; null for the nodes of a page of links.")
    degree: int = strawberry.field(
        description="In-force links of the selected relations; minus those drawn, what the "
                    "node still hides.")
    hub: bool = strawberry.field(description="degree > hubDegree: drawn collapsed, its links "
                                             "come in pages (neighbours).")
    lists: list[ListType] = strawberry.field(description="Lists the node is on that day.")
    restriction: Certainty | None = strawberry.field(
        description="Persons: the strongest appointment restriction in force that day.")

    @classmethod
    def from_record(cls, node: MapNode) -> MapEntity:
        found = node.entity
        return cls(
            id=strawberry.ID(found.id),
            name=found.name,
            kind=EntityKind(found.label),
            status=found.props.get("status") if found.label == "Enterprise" else None,
            distance=node.distance,
            degree=node.degree,
            hub=node.hub,
            lists=[ListType(value) for value in node.lists],
            restriction=Certainty(node.restriction.value) if node.restriction else None,
        )


@strawberry.type(description="A link relationship of the map, in its stored direction.")
class MapLink:
    key: str
    relation: Relation
    source: strawberry.ID
    target: strawberry.ID
    role: Role | None
    percent: float | None
    start: Date | None
    end: Date | None
    provenance: Provenance | None

    @classmethod
    def from_record(cls, link: Link) -> MapLink:
        props = link.props
        role = props.get("role")
        return cls(
            key=link.key,
            relation=Relation(link.type),
            source=strawberry.ID(link.source),
            target=strawberry.ID(link.target),
            role=Role(role) if role else None,
            percent=props.get("percent"),
            start=to_date(props.get("start")),
            end=to_date(props.get("end")),
            provenance=Provenance.from_record(props),
        )


@strawberry.type(description="The nodes within some hops of a node and the links between them.")
class Neighbourhood:
    origin: MapEntity
    nodes: list[MapEntity] = strawberry.field(description="Nearest first, the origin first.")
    links: list[MapLink]
    truncated: bool = strawberry.field(description="maxNodes was reached.")

    @classmethod
    def from_record(cls, view: MapView) -> Neighbourhood:
        return cls(
            origin=MapEntity.from_record(view.origin),
            nodes=[MapEntity.from_record(n) for n in view.nodes],
            links=[MapLink.from_record(lk) for lk in view.links],
            truncated=view.truncated,
        )


@strawberry.type(description="One page of a node's links, in (relation, key) order.")
class NeighbourPage:
    node: MapEntity
    total_count: int
    offset: int
    has_more: bool
    nodes: list[MapEntity] = strawberry.field(description="The other ends of the links.")
    links: list[MapLink]

    @classmethod
    def from_record(cls, page: LinkPage) -> NeighbourPage:
        return cls(
            node=MapEntity.from_record(page.node),
            total_count=page.total,
            offset=page.offset,
            has_more=page.has_more,
            nodes=[MapEntity.from_record(n) for n in page.nodes],
            links=[MapLink.from_record(lk) for lk in page.links],
        )


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
    ) -> Neighbourhood:
        day, explorer = as_of_day(as_of), _explorer(info)
        view = await in_thread(lambda: explorer.neighbourhood(
            id, day, hops, _types(relations), max_nodes, hub_degree))
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
    ) -> NeighbourPage:
        day, explorer = as_of_day(as_of), _explorer(info)
        page = await in_thread(lambda: explorer.neighbours(
            id, day, _types(relations), offset, first, hub_degree))
        return NeighbourPage.from_record(page)
