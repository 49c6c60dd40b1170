"""GraphQL types of ownership: chains of holdings and ultimate owners."""

from __future__ import annotations

from enum import Enum

import strawberry

from credgraph.api.selection import BRIEF_NODE_FIELDS, FieldPath, reads_beyond
from credgraph.api.types.base import Node
from credgraph.api.types.entities import node_from_entity
from credgraph.api.types.recorded import Provenance
from credgraph.api.types.scalars import Date, round_percent, to_date
from credgraph.queries.links import results
from credgraph.queries.time import Moment


@strawberry.enum(description="UP towards the owners, DOWN towards the investments.")
class OwnershipDirection(Enum):
    UP = "up"
    DOWN = "down"


@strawberry.enum(description="What kind of ultimate owner.")
class OwnerCategory(Enum):
    PERSON = "person"
    STATE = "state"
    FOREIGN = "foreign"
    COLLECTIVE = "collective"
    UNKNOWN = "unknown"
    """An other holder of unknown kind, or an enterprise with no recorded holders."""


def _category(value: str) -> OwnerCategory:
    """A recorded holder category; one this API does not name counts as unknown."""
    try:
        return OwnerCategory(value)
    except ValueError:
        return OwnerCategory.UNKNOWN


@strawberry.type(description="A holding in an ownership chain.")
class OwnershipEdge:
    from_: Node = strawberry.field(name="from", description="The holder.")
    to: Node = strawberry.field(description="The enterprise held.")
    percent: float | None = strawberry.field(description="null when the share is unknown")
    percent_source: str | None
    start: Date | None
    end: Date | None
    depth: int = strawberry.field(description="1 for holdings of (or by) the root itself.")
    key: str
    provenance: Provenance | None

    @classmethod
    def from_record(cls, edge: results.OwnershipEdge, nodes: dict[str, Node]) -> OwnershipEdge:
        """`nodes`: the chain's nodes by id, each built once for all the holdings it is in."""
        props = edge.holding.props
        return cls(
            from_=nodes[edge.holder.id],
            to=nodes[edge.held.id],
            percent=round_percent(edge.holding.percent),
            percent_source=props.get("percent_source"),
            start=to_date(props.get("start")),
            end=to_date(props.get("end")),
            depth=edge.depth,
            key=edge.holding.key,
            provenance=Provenance.from_record(props),
        )


@strawberry.type(description="A node of an ownership chain with its level and effective share.")
class ChainEntry:
    node: Node
    depth: int
    effective_percent: float | None = strawberry.field(
        description="UP: this node's effective share of the root; DOWN: the root's share of it. "
        "null when undefined: holdings of 100% or more around a cycle on the way."
    )


@strawberry.type(description="The owners (UP) or investments (DOWN) of an enterprise.")
class OwnershipChain:
    root: Node
    nodes: list[Node]
    entries: list[ChainEntry]
    edges: list[OwnershipEdge]
    circular: bool = strawberry.field(
        description="True when the holdings walked close a cycle (whatever their shares)."
    )
    truncated: bool = strawberry.field(description="True when holdings go on beyond maxDepth.")

    @classmethod
    def from_record(cls, chain: results.OwnershipChain, at: Moment) -> OwnershipChain:
        nodes: dict[str, Node] = {n.node.id: node_from_entity(n.node, at) for n in chain.nodes}
        entries = [ChainEntry(node=nodes[n.node.id], depth=n.depth,
                              effective_percent=round_percent(n.effective_percent))
                   for n in chain.nodes]
        return cls(
            root=nodes[chain.root.id],
            nodes=[e.node for e in entries],
            entries=entries,
            edges=[OwnershipEdge.from_record(e, nodes) for e in chain.edges],
            circular=chain.circular,
            truncated=chain.truncated,
        )


@strawberry.type(description="One holding on an ownership path.")
class OwnershipStep:
    from_: Node = strawberry.field(name="from")
    to: Node
    percent: float


@strawberry.type(description="A chain of holdings from an owner to the enterprise.")
class OwnershipPath:
    percent: float = strawberry.field(description="The product of the steps' percents.")
    steps: list[OwnershipStep]

    @classmethod
    def from_record(cls, path: results.OwnershipPath, at: Moment) -> OwnershipPath:
        return cls(
            percent=round_percent(path.percent),
            steps=[OwnershipStep(from_=node_from_entity(s.holder, at),
                                 to=node_from_entity(s.held, at),
                                 percent=round_percent(s.percent))
                   for s in path.steps],
        )


@strawberry.type(description="An ultimate owner with its effective share and the main paths.")
class UltimateOwner:
    owner: Node
    category: OwnerCategory
    effective_percent: float | None = strawberry.field(
        description="null when undefined: holdings of 100% or more around a cycle on the way "
        "(such owners are listed whatever the threshold, first)."
    )
    circular: bool = strawberry.field(
        description="True when a holding path to the enterprise passes through a cycle of "
        "holdings (whatever their shares)."
    )
    paths: list[OwnershipPath] = strawberry.field(
        description="The simple paths carrying most of the share (at most 5), largest first."
    )

    @classmethod
    def from_record(cls, owner: results.UltimateOwner, at: Moment) -> UltimateOwner:
        return cls(
            owner=node_from_entity(owner.owner, at),
            category=_category(owner.category),
            effective_percent=round_percent(owner.effective_percent),
            circular=owner.circular,
            paths=[OwnershipPath.from_record(p, at) for p in owner.paths],
        )


CHAIN_NODES: tuple[FieldPath, ...] = (
    ("root",), ("nodes",), ("entries", "node"), ("edges", "from"), ("edges", "to"))
"""Where an OwnershipChain selection reads its nodes."""

EDGE_FIELDS_WITHOUT_PROPS = frozenset({"from", "to", "percent", "depth", "key", "__typename"})
"""The OwnershipEdge fields that a holding's properties are not needed for."""


def chain_detail(paths: frozenset[FieldPath]) -> results.OwnershipDetail:
    """What an ownershipChain selection (`selected_paths`) reads: the nodes' records unless
    only their id, name and kind; the holdings' properties when a field needs them."""
    return results.OwnershipDetail(
        records=any(reads_beyond(paths, at, BRIEF_NODE_FIELDS) for at in CHAIN_NODES),
        holding_props=reads_beyond(paths, ("edges",), EDGE_FIELDS_WITHOUT_PROPS),
        paths=False)


def owners_detail(paths: frozenset[FieldPath]) -> results.OwnershipDetail:
    """What an ultimateOwners selection (`selected_paths`) reads: the top paths or not."""
    return results.OwnershipDetail(paths=("paths",) in paths)
