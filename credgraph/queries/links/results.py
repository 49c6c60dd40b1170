"""Result records of link analysis: plain data, no store and no GraphQL behind them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from credgraph.graph.model import PROVENANCE
from credgraph.queries.links.privacy import mask_id_number

MAX_HOPS = 6
MAX_DEPTH = 20
MAX_FIRST = 1000

OWNERSHIP = "SHAREHOLDER"
"""The relationship type that carries shares; effective ownership multiplies along it."""

LINK_FIELDS = ("role", "percent", "percent_source", "start", "end", *PROVENANCE)
"""The relationship properties a path step or holding carries."""


class Direction(StrEnum):
    UP = "up"
    """Towards the owners of an enterprise."""
    DOWN = "down"
    """Towards the enterprises it invests in."""


@dataclass(frozen=True, slots=True)
class Entity:
    """A node as results carry it: id, label (`Enterprise`, `Person` ...), name, properties.

    A person's id number is masked in `props` before it leaves the store layer.
    """

    id: str
    label: str
    name: str
    props: Mapping[str, Any]


def entity(label: str, props: Mapping[str, Any]) -> Entity:
    """The one way results are built from node properties: masks a person's id number."""
    clean = dict(props)
    if "id_number" in clean:
        clean["id_number"] = mask_id_number(clean["id_number"])
    node_id = str(clean["id"])
    return Entity(node_id, label, str(clean.get("name") or node_id), clean)


@dataclass(frozen=True, slots=True)
class Link:
    """One link relationship in its stored direction (source -> target)."""

    type: str
    key: str
    source: str
    target: str
    props: Mapping[str, Any]

    @property
    def order(self) -> tuple[str, str]:
        return (self.type, self.key)

    def other(self, node: str) -> str:
        return self.target if node == self.source else self.source


@dataclass(frozen=True, slots=True)
class Toward:
    """The far ends a walk's level may keep to (its last level needs no others): those among
    `ids` when given, with an entry in force on one of `lists` when given."""

    ids: frozenset[str] | None = None
    lists: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class LinkLevel:
    """One level of a walk as one fetch gives it: the links and the degrees of their far ends."""

    links: list[Link]
    degree: Mapping[str, int]
    """Degree of each end across from an asked node, counted up to the limit asked (a node
    with more links has the limit); empty when no limit was asked."""


@dataclass(frozen=True, slots=True)
class Step:
    """One hop of a path, oriented the way the path walks it."""

    from_node: Entity
    to_node: Entity
    link: Link

    @property
    def forward(self) -> bool:
        """True when the stored relationship points the way the path walks."""
        return self.link.source == self.from_node.id


@dataclass(frozen=True, slots=True)
class Path:
    steps: tuple[Step, ...]

    @property
    def node_ids(self) -> tuple[str, ...]:
        if not self.steps:
            return ()
        return (self.steps[0].from_node.id, *(s.to_node.id for s in self.steps))

    @property
    def order(self) -> tuple[int, tuple[str, ...], tuple[tuple[str, str], ...]]:
        """The canonical path order (module docstring)."""
        return (len(self.steps), self.node_ids, tuple(s.link.order for s in self.steps))


@dataclass(frozen=True, slots=True)
class RawRel:
    """A relationship around a node as a store returns it, before it is sorted into sections."""

    type: str
    key: str
    outgoing: bool
    props: Mapping[str, Any]
    other_label: str
    other: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Around:
    """An entity as recorded at the time asked, with every relationship at it (raw)."""

    entity: Entity
    rels: list[RawRel]


def pledge_party_ids(node_id: str, rels: Iterable[RawRel]) -> set[str]:
    """Ids of pledge parties named by a node's pledge relationships but not adjacent to it."""
    adjacent = {str(r.other["id"]) for r in rels}
    wanted = {str(r.props["enterprise"]) for r in rels
              if r.type == "EQUITY_PLEDGE" and r.props.get("enterprise")}
    return wanted - adjacent - {node_id}


def holder_ids(rels: Iterable[RawRel]) -> list[str]:
    """Ids of the entities a node's holdings come from (in force or not), each once."""
    return sorted({str(r.other["id"]) for r in rels if r.type == OWNERSHIP and not r.outgoing})


SECTION_RELATIONS: Mapping[str, tuple[tuple[str, bool | None], ...]] = {
    "holders": ((OWNERSHIP, False),),
    "holdings": ((OWNERSHIP, True),),
    "officers": (("OFFICER", None), ("LEGAL_REPRESENTATIVE", None)),
    "list_entries": (("LISTED", None),),
    "penalties": (("PENALISED", None),),
    "events": (("HAS_EVENT", None),),
    "pledges": (("EQUITY_PLEDGE", None),),
    "mortgages": (("CHATTEL_MORTGAGE", None),),
    "annual_reports": (("FILED", None),),
}
"""What each section of a `Neighbourhood` is made of: relationship types, each with its
direction from the node (True outgoing, False incoming, None either)."""

ALL_SECTIONS = frozenset(SECTION_RELATIONS)


@dataclass(frozen=True, slots=True)
class SectionReads:
    """The relationships a neighbourhood needs for some of its sections: the types read
    outgoing and incoming (a self-loop, stored once as outgoing, is kept for either), and
    whether the pledge parties are wanted."""

    outgoing: frozenset[str]
    incoming: frozenset[str]
    parties: bool

    @classmethod
    def of(cls, sections: frozenset[str]) -> SectionReads:
        wanted = [(t, way) for section in sections for t, way in SECTION_RELATIONS[section]]
        return cls(frozenset(t for t, way in wanted if way is not False),
                   frozenset(t for t, way in wanted if way is not True),
                   "pledges" in sections)

    def keeps(self, node_id: str, rel: RawRel) -> bool:
        if rel.type in (self.outgoing if rel.outgoing else self.incoming):
            return True
        return rel.outgoing and rel.type in self.incoming and str(rel.other["id"]) == node_id


EVERY_SECTION = SectionReads.of(ALL_SECTIONS)
"""A whole neighbourhood's relationships."""

PERSON_FIRM_SECTIONS = frozenset({"holdings", "officers"})
"""What a person's firms are found from beside the holding closure: the person's holdings
and posts (`PersonReach`)."""

PERSON_FIRM_READS = SectionReads.of(PERSON_FIRM_SECTIONS)


@dataclass(frozen=True, slots=True)
class Surroundings:
    """What an entity's neighbourhood is made of: the entity with every relationship at it,
    and the pledge parties its pledges name that are not adjacent to it (`pledge_party_ids`),
    by id."""

    around: Around
    parties: Mapping[str, Entity]


@dataclass(frozen=True, slots=True)
class PersonReach:
    """What a person's firms are made of: the person's surroundings (`PERSON_FIRM_READS`:
    holdings and posts), the holding closure downward from the person (`MAX_DEPTH` levels,
    every percent) and the records of the nodes it reaches, the person left out."""

    surroundings: Surroundings
    closure: Closure
    reached: Mapping[str, Entity]


@dataclass(frozen=True, slots=True)
class Relation:
    """A relationship seen from one node: the node at the other end and its properties."""

    type: str
    key: str
    other: Entity
    outgoing: bool
    props: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ListRecord:
    """A list entry with the dates of the LISTED relationship that keeps it in force."""

    entry: Mapping[str, Any]
    start: str | None
    end: str | None


@dataclass(frozen=True, slots=True)
class Pledge:
    """An equity pledge put back together from its link relationships."""

    reg_no: str
    enterprise: Entity | None
    pledgor: Entity | None
    pledgee: Entity | None
    props: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """Everything a detail page shows of one node, over all time (callers filter by day)."""

    node: Entity
    holders: tuple[Relation, ...] = ()
    holdings: tuple[Relation, ...] = ()
    officers: tuple[Relation, ...] = ()
    """OFFICER and LEGAL_REPRESENTATIVE relationships, from either end."""
    list_entries: tuple[ListRecord, ...] = ()
    penalties: tuple[Mapping[str, Any], ...] = ()
    events: tuple[Mapping[str, Any], ...] = ()
    pledges: tuple[Pledge, ...] = ()
    mortgages: tuple[Relation, ...] = ()
    annual_reports: tuple[Mapping[str, Any], ...] = ()
    """Every annual report, filed or not, by year."""
    sections: frozenset[str] = ALL_SECTIONS
    """The sections read (`SECTION_RELATIONS`): the others are empty because they were not
    read, not because the node has none."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    entity: Entity
    matched_by: str
    """`id` or `name`."""


@dataclass(frozen=True, slots=True)
class FirmLink:
    """A direct link of a person to a firm: a holding or a post."""

    type: str
    key: str
    role: str | None
    percent: float | None
    start: str | None
    end: str | None
    current: bool
    props: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PersonFirm:
    enterprise: Entity
    links: tuple[FirmLink, ...]
    """Empty when the firm is held only indirectly."""
    roles: tuple[str, ...]
    direct_percent: float | None
    effective_percent: float | None
    """None where the walk sums diverge (ownership.py)."""
    circular: bool
    start: str | None
    end: str | None
    current: bool


@dataclass(frozen=True, slots=True)
class ExposureHit:
    subject: Entity
    entry: Mapping[str, Any]
    distance: int
    path: Path


@dataclass(frozen=True, slots=True)
class Exposure:
    origin: Entity
    hits: tuple[ExposureHit, ...]


@dataclass(frozen=True, slots=True)
class Holding:
    """A SHAREHOLDER relationship in force on the day asked (percent None = unknown)."""

    holder: str
    held: str
    key: str
    percent: float | None
    props: Mapping[str, Any]


def followed(holding: Holding, min_percent: float) -> bool:
    """Whether a walk of holdings at `min_percent` goes along this one: a known share at
    least that large, or one of unknown size when every share counts (`min_percent` 0)."""
    if holding.percent is None:
        return min_percent == 0
    return holding.percent >= min_percent


@dataclass(frozen=True, slots=True)
class Closure:
    """The holdings in force walked from a root, upward (its holders, theirs ...) or downward
    (what it holds ...), for up to `max_depth` levels along the holdings `followed` at a
    minimum percent; self-holdings are never walked.

    `depth`: every node reached, with the fewest holdings walked to reach it (the root 0).
    `holdings`: every followed holding into (upward) or out of (downward) a node of depth
    below `max_depth`, in key order; their `props` only when asked for (an empty map else).
    `truncated`: a node of depth `max_depth` has such a holding, so the walk goes on.
    """

    holdings: tuple[Holding, ...]
    depth: dict[str, int]
    truncated: bool


@dataclass(frozen=True, slots=True)
class OwnershipDetail:
    """What of an ownership answer its caller reads (the API: the GraphQL selection); what it
    does not is neither fetched nor built. A densely cross-held group's chain is a thousand
    nodes and more holdings: their records and the holdings' properties cost more than the
    walk, and its ultimate owners' top paths more than their shares."""

    records: bool = True
    """Each chain node's whole record; else only its label, id and name
    (`Backend.brief_entities`)."""
    holding_props: bool = True
    """Each chain holding's properties (`LINK_FIELDS`); else only its key and percent."""
    paths: bool = True
    """Each ultimate owner's top paths; else none."""


EVERY_DETAIL = OwnershipDetail()


@dataclass(frozen=True, slots=True)
class OwnershipEdge:
    holder: Entity
    held: Entity
    holding: Holding
    depth: int


@dataclass(frozen=True, slots=True)
class ChainNode:
    node: Entity
    depth: int
    effective_percent: float | None
    """UP: this node's effective share of the root; DOWN: the root's share of it.

    None where the walk sums diverge (ownership.py)."""


@dataclass(frozen=True, slots=True)
class OwnershipChain:
    root: Entity
    direction: Direction
    nodes: tuple[ChainNode, ...]
    edges: tuple[OwnershipEdge, ...]
    circular: bool
    truncated: bool
    """True when holdings continue beyond max_depth."""


@dataclass(frozen=True, slots=True)
class OwnershipStep:
    holder: Entity
    held: Entity
    percent: float


@dataclass(frozen=True, slots=True)
class OwnershipPath:
    steps: tuple[OwnershipStep, ...]
    percent: float
    """The product of the steps' percents."""


@dataclass(frozen=True, slots=True)
class UltimateOwner:
    owner: Entity
    category: str
    """person, state, foreign, collective or unknown (an enterprise with no recorded holders)."""
    effective_percent: float | None
    """None where the walk sums diverge (ownership.py)."""
    circular: bool
    paths: tuple[OwnershipPath, ...] = field(default_factory=tuple)


