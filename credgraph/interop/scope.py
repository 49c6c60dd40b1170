"""What an export covers, read through the backend one batch of entities at a time.

* The whole register: every enterprise, person and other holder, in id order
  (`Backend.entity_ids`), or the explorer's map around a root (`Explorer.neighbourhood`
  with the same hops, relations, node limit and hub degree), i.e. what the user sees.
* Relationships: those in force on the day asked (`credgraph.queries.time.in_force`),
  or every one with `history`; between two entities only when both are covered; to list
  entries, penalties and events always (they belong to the entity).
* Properties in `hidden` (what the caller's role does not see through the API, e.g. ID
  numbers or provenance for the public) are left out of every entity and relationship.
* Records are read a batch of entities at a time and handed on: nothing grows with the
  scope's size (what a format must write later waits on disk, jsonout.Spool).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from credgraph.queries.analyses import Analyses
from credgraph.queries.explore import MAX_NODES
from credgraph.queries.links.results import Entity, RawRel
from credgraph.queries.time import Moment, in_force

BATCH = 2000
"""Entities read per backend call."""


@dataclass(frozen=True)
class Scope:
    at: Moment
    root: str | None = None
    """None: the whole register."""
    hops: int = 1
    relations: tuple[str, ...] | None = None
    """Link types of the map (None: all); only with a root."""
    max_nodes: int = MAX_NODES
    hub_degree: int = 50
    history: bool = False
    """Also relationships that ended before, or start after, the day."""
    hidden: frozenset[str] = frozenset()
    """Properties left out of every entity and relationship."""


@dataclass(frozen=True, slots=True)
class Record:
    """An entity and its relationships that the export covers."""

    entity: Entity
    rels: tuple[RawRel, ...]

    def outgoing(self, types: Iterable[str]) -> Iterator[RawRel]:
        """Relationships of these types stored from this entity: each is emitted once, here."""
        wanted = frozenset(types)
        return (r for r in self.rels if r.outgoing and r.type in wanted)


class Reader:
    """Reads a scope; every exporter takes one."""

    def __init__(self, analyses: Analyses, scope: Scope, batch: int = BATCH) -> None:
        self.analyses, self.scope, self.batch = analyses, scope, batch
        self.backend = analyses.backend
        self.model = self.backend.model
        self.entity_labels = frozenset(self.model.entity_labels)
        self.link_types = frozenset(self.model.link_types)
        self.members: frozenset[str] | None = None
        self.wanted_links = self.link_types
        if scope.root is not None:
            explorer = analyses.explorer
            view = explorer.neighbourhood(scope.root, scope.at, scope.hops, scope.relations,
                                          scope.max_nodes, scope.hub_degree)
            self.members = frozenset(n.entity.id for n in view.nodes)
            self.wanted_links = frozenset(explorer.relation_types(scope.relations))

    @property
    def at(self) -> Moment:
        return self.scope.at

    def covers(self, node_id: str) -> bool:
        return self.members is None or node_id in self.members

    def id_batches(self) -> Iterator[list[str]]:
        if self.members is None:
            yield from self.backend.entity_ids(self.at, self.batch)
            return
        ordered = sorted(self.members)
        for start in range(0, len(ordered), self.batch):
            yield ordered[start:start + self.batch]

    def records(self) -> Iterator[Record]:
        """Every covered entity, in id order, with its covered relationships."""
        for ids in self.id_batches():
            found = self.backend.entities(ids, self.at)
            around = self.backend.relations(ids, self.at)
            for node_id in ids:
                if node_id in found:
                    rels = around[node_id].rels if node_id in around else ()
                    yield Record(self._shown_entity(found[node_id]),
                                 tuple(self._shown_rel(r) for r in rels if self.keeps(r)))

    def _shown(self, props: Mapping[str, Any]) -> Mapping[str, Any]:
        hidden = self.scope.hidden
        return {k: v for k, v in props.items() if k not in hidden} if hidden else props

    def _shown_entity(self, entity: Entity) -> Entity:
        return replace(entity, props=self._shown(entity.props)) if self.scope.hidden else entity

    def _shown_rel(self, rel: RawRel) -> RawRel:
        if not self.scope.hidden:
            return rel
        return replace(rel, props=self._shown(rel.props), other=self._shown(rel.other))

    def keeps(self, rel: RawRel) -> bool:
        if not self.scope.history and not in_force(rel.props.get("start"), rel.props.get("end"),
                                                   self.at.day):
            return False
        if rel.type in self.link_types and rel.type not in self.wanted_links:
            return False
        if rel.other_label in self.entity_labels:
            return self.covers(str(rel.other["id"]))
        return True
