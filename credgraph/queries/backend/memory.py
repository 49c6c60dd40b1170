"""The backend over the embedded networkx store: plain walks over its MultiDiGraph.

Node attributes hold the node's label and properties; each relationship is an
edge keyed by its key with its type in `type` (credgraph.graph.memory). Label
and type names are taken from the model once, so an undeclared one fails here
and not in the middle of a query.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

import networkx as nx

from credgraph import deadline
from credgraph.graph.memory import MemoryStore
from credgraph.queries.backend.base import Backend, FactPlan, search_order, search_tier
from credgraph.queries.links.results import (
    LINK_FIELDS,
    OWNERSHIP,
    Entity,
    Holding,
    Link,
    RawRel,
    entity,
)
from credgraph.queries.restrictions.facts import POSTS, Appointment, Facts, Trigger
from credgraph.queries.time import Moment, in_force
from credgraph.settings import StoreKind

_Edge = tuple[str, str, str, dict[str, Any]]
"""(source, target, key, attributes) of a stored relationship."""


def _props(node_id: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": node_id, **{k: v for k, v in attrs.items() if k != "label"}}


def _rel_props(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if k != "type"}


def _link_props(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {name: attrs.get(name) for name in LINK_FIELDS}


class MemoryBackend(Backend):
    kind = StoreKind.MEMORY

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.model = store.model
        model = self.model
        self.entity_labels = frozenset(model.entity_labels)
        self.link_types = tuple(model.link_types)
        self.enterprise = model.node("Enterprise").label
        self.person = model.node("Person").label
        self.list_entry = model.node("ListEntry").label
        self.event = model.node("Event").label
        self.listed_rel = model.edge("LISTED").type
        self.event_rel = model.edge("HAS_EVENT").type
        self.owns = model.edge(OWNERSHIP).type
        self.posts = frozenset(model.edge(t).type for t in POSTS)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The store's current graph (clear() replaces the object)."""
        return self.store.graph

    # --- entities --------------------------------------------------------------------

    def _entity(self, node_id: str) -> Entity | None:
        graph = self.graph
        if node_id not in graph:
            return None
        attrs = graph.nodes[node_id]
        if attrs.get("label") not in self.entity_labels:
            return None
        return entity(attrs["label"], _props(node_id, attrs))

    def entities(self, ids: Sequence[str], at: Moment) -> dict[str, Entity]:
        found = {node_id: self._entity(node_id) for node_id in ids}
        return {k: v for k, v in found.items() if v is not None}

    def id_numbers(self, person_ids: Sequence[str], at: Moment) -> dict[str, str | None]:
        nodes = self.graph.nodes
        return {p: nodes[p].get("id_number") for p in person_ids
                if p in nodes and nodes[p].get("label") == self.person}

    def entity_ids(self, at: Moment, batch: int = 10_000) -> Iterator[list[str]]:
        ids = sorted(n for n, label in self.graph.nodes(data="label")
                     if label in self.entity_labels)
        for start in range(0, len(ids), batch):
            yield ids[start:start + batch]

    def resolve_enterprises(self, refs: Sequence[str], at: Moment) -> dict[str, str]:
        return {ref: found.id for ref, found in self.store.resolve_enterprises(refs).items()}

    def search(self, text_id: str, text_name: str, first: int,
               at: Moment) -> list[tuple[int, Entity]]:
        hits: list[tuple[int, Entity]] = []
        for node_id, attrs in self.graph.nodes(data=True):
            deadline.check()
            if attrs.get("label") not in self.entity_labels:
                continue
            found = entity(attrs["label"], _props(node_id, attrs))
            tier = search_tier(found, text_id, text_name)
            if tier is not None:
                hits.append((tier, found))
        hits.sort(key=search_order)
        return hits[:first]

    def _edges(self, node_id: str) -> Iterator[_Edge]:
        """Every relationship at a node in its stored direction; a self-loop once."""
        graph = self.graph
        for _, other, key, attrs in graph.out_edges(node_id, keys=True, data=True):
            yield node_id, other, key, attrs
        for other, _, key, attrs in graph.in_edges(node_id, keys=True, data=True):
            if other != node_id:
                yield other, node_id, key, attrs

    def relations(self, ids: Sequence[str], at: Moment) -> dict[str, list[RawRel]]:
        nodes = self.graph.nodes
        result: dict[str, list[RawRel]] = {}
        for node_id in ids:
            deadline.check()
            if self._entity(node_id) is None:
                continue
            result[node_id] = [
                RawRel(attrs["type"], key, source == node_id, _rel_props(attrs),
                       nodes[other]["label"], _props(other, nodes[other]))
                for source, target, key, attrs in self._edges(node_id)
                for other in (target if source == node_id else source,)
            ]
        return result

    # --- links -------------------------------------------------------------------------

    def _links(self, node_id: str, day: str, types: Sequence[str] | None) -> Iterator[Link]:
        if node_id not in self.graph:
            return
        wanted = frozenset(types) if types is not None else frozenset(self.link_types)
        for source, target, key, attrs in self._edges(node_id):
            if (source != target and attrs["type"] in wanted
                    and in_force(attrs.get("start"), attrs.get("end"), day)):
                yield Link(attrs["type"], key, source, target, _link_props(attrs))

    def links(self, ids: Sequence[str], at: Moment,
              types: Sequence[str] | None = None) -> list[Link]:
        found: dict[tuple[str, str], Link] = {}
        for node_id in ids:
            deadline.check()
            for link in self._links(node_id, at.day, types):
                found[link.order] = link
        return list(found.values())

    def degrees(self, ids: Sequence[str], at: Moment,
                types: Sequence[str] | None = None) -> dict[str, int]:
        return {node_id: sum(1 for _ in self._links(node_id, at.day, types)) for node_id in ids
                if node_id in self.graph}

    def link_page(self, node_id: str, at: Moment, types: Sequence[str] | None, offset: int,
                  first: int) -> list[Link]:
        ordered = sorted(self._links(node_id, at.day, types), key=lambda link: link.order)
        return list(islice(ordered, offset, offset + first))

    def listed(self, ids: Sequence[str], at: Moment,
               lists: Sequence[str] | None = None) -> dict[str, list[Mapping[str, Any]]]:
        graph = self.graph
        wanted = frozenset(lists) if lists is not None else None
        result: dict[str, list[Mapping[str, Any]]] = {}
        for node_id in ids:
            deadline.check()
            if node_id not in graph:
                continue
            for _, entry, attrs in graph.out_edges(node_id, data=True):
                if attrs["type"] != self.listed_rel or not in_force(
                        attrs.get("start"), attrs.get("end"), at.day):
                    continue
                props = _props(entry, graph.nodes[entry])
                if wanted is None or props.get("list") in wanted:
                    result.setdefault(node_id, []).append(props)
        for entries in result.values():
            entries.sort(key=lambda e: str(e["id"]))
        return result

    def holdings(self, ids: Sequence[str], at: Moment, upward: bool) -> list[Holding]:
        graph = self.graph
        found: dict[str, Holding] = {}
        for node_id in ids:
            deadline.check()
            if node_id not in graph:
                continue
            edges = (graph.in_edges(node_id, keys=True, data=True) if upward
                     else graph.out_edges(node_id, keys=True, data=True))
            for holder, held, key, attrs in edges:
                if attrs["type"] == self.owns and in_force(attrs.get("start"), attrs.get("end"),
                                                           at.day):
                    found[key] = Holding(holder, held, key, attrs.get("percent"),
                                         _link_props(attrs))
        return list(found.values())

    # --- restriction facts ---------------------------------------------------------------

    def _trigger(self, node: str) -> Trigger:
        """The trigger of a ListEntry or Event node, with the relationship that links it."""
        attrs = self.graph.nodes[node]
        ((_, _, link),) = self.graph.in_edges(node, data=True)
        props = _props(node, attrs)
        if attrs["label"] == self.list_entry:
            return Trigger.from_list_entry(props, link)
        return Trigger.from_event(props, link)

    def _is_trigger(self, attrs: Mapping[str, Any], lists: Mapping[str, str],
                    events: Mapping[str, str], until: str) -> bool:
        label = attrs.get("label")
        if label == self.list_entry:
            bound, day = lists.get(attrs.get("list") or ""), attrs.get("listed_on")
        elif label == self.event:
            bound, day = events.get(attrs.get("event") or ""), attrs.get("date")
        else:
            return False
        return bound is not None and day is not None and bound <= day <= until

    def _posts(self, person: str) -> Iterator[Appointment]:
        for _, enterprise, attrs in self.graph.out_edges(person, data=True):
            if attrs["type"] in self.posts:
                yield Appointment.from_record(person, enterprise, attrs["type"], attrs)

    def _triggers_of(self, node: str, lists: Mapping[str, str], events: Mapping[str, str],
                     until: str) -> Iterator[Trigger]:
        for _, target in self.graph.out_edges(node):
            if self._is_trigger(self.graph.nodes[target], lists, events, until):
                yield self._trigger(target)

    def person_facts(self, person_ids: Sequence[str], plan: FactPlan, until: str,
                     at: Moment) -> Facts:
        facts = Facts()
        people = [p for p in person_ids if p in self.graph]
        for person in people:
            deadline.check()
            facts.triggers.extend(self._triggers_of(person, plan.person_lists, {}, until))
            facts.appointments.extend(self._posts(person))
        enterprises = {a.enterprise_id for a in facts.appointments
                       if a.role in plan.holder_roles}
        for enterprise in sorted(enterprises):
            facts.triggers.extend(self._triggers_of(enterprise, plan.enterprise_lists,
                                                    plan.events, until))
        return facts

    def registry_triggers(self, plan: FactPlan, until: str, at: Moment) -> Facts:
        lists = plan.lists
        triggers: list[Trigger] = []
        for node, attrs in self.graph.nodes(data=True):
            deadline.check()
            if self._is_trigger(attrs, lists, plan.events, until):
                triggers.append(self._trigger(node))
        holders = [
            Appointment.from_record(person, enterprise, attrs["type"], attrs)
            for enterprise in sorted({t.subject_id for t in triggers
                                      if t.subject_type == "enterprise"})
            for person, _, attrs in self.graph.in_edges(enterprise, data=True)
            if attrs["type"] in self.posts and attrs.get("role") in plan.holder_roles
        ]
        return Facts(triggers, holders)

    def current_posts(self, person_ids: Sequence[str], at: Moment) -> list[Appointment]:
        return [post for person in person_ids if person in self.graph
                for post in self._posts(person) if post.in_force(at.day)]
