"""GraphQL types of the web explorer's map: nodes with degrees and flags, links, pages."""

from __future__ import annotations

import strawberry

from credgraph.api.types.enums import ContactKind, EntityKind, ListType, Relation, Role
from credgraph.api.types.links import SuspectedLink
from credgraph.api.types.recorded import Provenance
from credgraph.api.types.restrictions import Certainty
from credgraph.api.types.scalars import Date, round_percent, to_date
from credgraph.queries.explore import LinkPage, MapNode, MapView
from credgraph.queries.links.results import Link
from credgraph.queries.links.suspected import HubValue


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
    suspected: SuspectedLink | None = strawberry.field(
        description="For relation SUSPECTED: the shared value and the reports it comes from.")

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
            suspected=SuspectedLink.from_link(link),
        )


@strawberry.type(description="A contact value shared by more enterprises than hubDegree: drawn "
                                    "collapsed, with its count, linking nothing.")
class SuspectedHub:
    kind: ContactKind
    value: str
    count: int = strawberry.field(description="Enterprises whose report in force states it.")
    enterprises: list[strawberry.ID] = strawberry.field(
        description="Those among the map's nodes.")

    @classmethod
    def from_record(cls, hub: HubValue) -> SuspectedHub:
        return cls(kind=ContactKind(hub.kind), value=hub.value, count=hub.count,
                   enterprises=[strawberry.ID(e) for e in hub.enterprises])


@strawberry.type(description="The nodes within some hops of a node and the links between them.")
class Neighbourhood:
    origin: MapEntity
    nodes: list[MapEntity] = strawberry.field(description="Nearest first, the origin first.")
    links: list[MapLink]
    truncated: bool = strawberry.field(description="maxNodes was reached.")
    suspected_hubs: list[SuspectedHub] = strawberry.field(
        description="With suspected: values the map's enterprises share with more than "
                    "hubDegree enterprises.")

    @classmethod
    def from_record(cls, view: MapView) -> Neighbourhood:
        return cls(
            origin=MapEntity.from_record(view.origin),
            nodes=[MapEntity.from_record(n) for n in view.nodes],
            links=[MapLink.from_record(lk) for lk in view.links],
            truncated=view.truncated,
            suspected_hubs=[SuspectedHub.from_record(h) for h in view.suspected_hubs],
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


