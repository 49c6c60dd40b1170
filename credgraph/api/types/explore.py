"""GraphQL types of the web explorer's map: nodes with degrees and flags, links, pages."""

from __future__ import annotations

import strawberry

from credgraph.api.types.enums import EntityKind, ListType, Relation, Role
from credgraph.api.types.recorded import Provenance
from credgraph.api.types.restrictions import Certainty
from credgraph.api.types.scalars import Date, round_percent, to_date
from credgraph.queries.explore import LinkPage, MapNode, MapView
from credgraph.queries.links.results import Link


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
            percent=round_percent(props.get("percent")),
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


