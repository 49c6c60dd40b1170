"""The backend over the embedded networkx store: plain walks over its MultiDiGraph.

Identities are nodes keyed by id; every version of a fact is its own elements
(credgraph.graph.memory), and only the versions visible at the question's
recorded time count (`credgraph.graph.memory.visible`). Label and type names are
taken from the model once, so an undeclared one fails here and not in the middle
of a query.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

import networkx as nx

from credgraph import deadline
from credgraph.graph.memory import MemoryStore, visible
from credgraph.queries.backend.base import (
    Backend,
    FactPlan,
    entity_props,
    one_per_version,
    search_order,
    search_tier,
)
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
"""(source, target, graph key, attributes) of a stored relationship version."""

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
        self.person = model.node("Person").label
        self.list_entry = model.node("ListEntry").label
        self.event = model.node("Event").label
        self.listed_rel = model.edge("LISTED").type
        self.owns = model.edge(OWNERSHIP).type
        self.posts = frozenset(model.edge(t).type for t in POSTS)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The store's current graph (clear() replaces the object)."""
        return self.store.graph

    # --- entities --------------------------------------------------------------------

    def _entity(self, node_id: str, known: str | None) -> Entity | None:
        """An entity with its record visible at `known`; without one, only its id."""
        graph = self.graph
        if node_id not in graph:
            return None
        attrs = graph.nodes[node_id]
        if attrs.get("label") not in self.entity_labels:
            return None
        record = self.store.record(node_id, known)
        return entity(attrs["label"], entity_props(node_id, attrs, record))

    def _other(self, node: str, known: str | None) -> tuple[str, dict[str, Any]]:
        """The label and properties of a relationship's other end: an entity or a fact node."""
        found = self._entity(node, known)
        if found is not None:
            return found.label, dict(found.props)
        attrs = self.graph.nodes[node]
        return attrs["label"], {k: v for k, v in attrs.items() if k != "label"}

    def entities(self, ids: Sequence[str], at: Moment) -> dict[str, Entity]:
        found = {node_id: self._entity(node_id, at.known) for node_id in ids}
        return {k: v for k, v in found.items() if v is not None}

    def id_numbers(self, person_ids: Sequence[str], at: Moment) -> dict[str, str | None]:
        nodes = self.graph.nodes
        found: dict[str, str | None] = {}
        for person in person_ids:
            if person in nodes and nodes[person].get("label") == self.person:
                record = self.store.record(person, at.known)
                if record is not None:
                    found[person] = record.get("id_number")
        return found

    def entity_ids(self, at: Moment, batch: int = 10_000) -> Iterator[list[str]]:
        ids = sorted(n for n, label in self.graph.nodes(data="label")
                     if label in self.entity_labels and self.store.record(n, at.known))
        for start in range(0, len(ids), batch):
            yield ids[start:start + batch]

    def resolve_enterprises(self, refs: Sequence[str], at: Moment) -> dict[str, str]:
        enterprise = self.model.node("Enterprise").label
        found: dict[str, str] = {}
        nodes = self.graph.nodes
        for ref in refs:
            node = ref if ref in nodes else self.store.reg_no_of(ref)
            if (node is not None and nodes[node].get("label") == enterprise
                    and self.store.record(node, at.known) is not None):
                found[ref] = node
        return found

    def search(self, text_id: str, text_name: str, first: int,
               at: Moment) -> list[tuple[int, Entity]]:
        hits: list[tuple[int, Entity]] = []
        for node_id, label in self.graph.nodes(data="label"):
            deadline.check()
            if label not in self.entity_labels:
                continue
            found = self._entity(node_id, at.known)
            if found is None or found.props.get("unrecorded"):
                continue
            tier = search_tier(found, text_id, text_name)
            if tier is not None:
                hits.append((tier, found))
        hits.sort(key=search_order)
        return hits[:first]

    def _edges(self, node_id: str, known: str | None) -> Iterator[_Edge]:
        """Every relationship version at a node visible at `known`; a self-loop once."""
        graph = self.graph
        for _, other, key, attrs in graph.out_edges(node_id, keys=True, data=True):
            if visible(attrs, known):
                yield node_id, other, key, attrs
        for other, _, key, attrs in graph.in_edges(node_id, keys=True, data=True):
            if other != node_id and visible(attrs, known):
                yield other, node_id, key, attrs

    def relations(self, ids: Sequence[str], at: Moment) -> dict[str, list[RawRel]]:
        result: dict[str, list[RawRel]] = {}
        for node_id in ids:
            deadline.check()
            here = self._entity(node_id, at.known)
            if here is None or here.props.get("unrecorded"):
                continue
            rels = []
            for source, target, _, attrs in self._edges(node_id, at.known):
                other = target if source == node_id else source
                label, props = self._other(other, at.known)
                rels.append(RawRel(attrs["type"], attrs["key"], source == node_id,
                                   _rel_props(attrs), label, props))
            result[node_id] = rels
        return result

    # --- versions, objections ------------------------------------------------------------

    def fact_versions(self, facts: Sequence[tuple[str, str]],
                      at: Moment) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
        result: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
        for section, fact in facts:
            recorded = [{k: v for k, v in attrs.items() if k not in ("label", "type")}
                        for attrs in self.store.primary(section, fact)
                        if at.known is None or attrs["rec"] <= at.known]
            if recorded:
                result[(section, fact)] = one_per_version(recorded)
        return result

    def objections(self, abouts: Sequence[str],
                   at: Moment) -> dict[str, list[Mapping[str, Any]]]:
        wanted = set(abouts)
        result: dict[str, list[Mapping[str, Any]]] = {}
        objection = self.model.node("Objection").label
        for attrs in self.store.nodes_labelled(objection):
            if attrs.get("about") in wanted and visible(attrs, at.known):
                result.setdefault(attrs["about"], []).append(
                    {k: v for k, v in attrs.items() if k != "label"})
        for found in result.values():
            found.sort(key=lambda o: str(o["id"]))
        return result

    def data_version(self) -> int:
        return self.store.data_version()

    # --- links -------------------------------------------------------------------------

    def _links(self, node_id: str, at: Moment, types: Sequence[str] | None) -> Iterator[Link]:
        if node_id not in self.graph:
            return
        wanted = frozenset(types) if types is not None else frozenset(self.link_types)
        for source, target, _, attrs in self._edges(node_id, at.known):
            if (source != target and attrs["type"] in wanted
                    and in_force(attrs.get("start"), attrs.get("end"), at.day)):
                yield Link(attrs["type"], attrs["key"], source, target, _link_props(attrs))

    def links(self, ids: Sequence[str], at: Moment,
              types: Sequence[str] | None = None) -> list[Link]:
        found: dict[tuple[str, str], Link] = {}
        for node_id in ids:
            deadline.check()
            for link in self._links(node_id, at, types):
                found[link.order] = link
        return list(found.values())

    def degrees(self, ids: Sequence[str], at: Moment,
                types: Sequence[str] | None = None) -> dict[str, int]:
        return {node_id: sum(1 for _ in self._links(node_id, at, types)) for node_id in ids
                if node_id in self.graph}

    def link_page(self, node_id: str, at: Moment, types: Sequence[str] | None, offset: int,
                  first: int) -> list[Link]:
        ordered = sorted(self._links(node_id, at, types), key=lambda link: link.order)
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
                if attrs["type"] != self.listed_rel or not visible(attrs, at.known) \
                        or not in_force(attrs.get("start"), attrs.get("end"), at.day):
                    continue
                props = {k: v for k, v in graph.nodes[entry].items() if k != "label"}
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
            edges = (graph.in_edges(node_id, data=True) if upward
                     else graph.out_edges(node_id, data=True))
            for holder, held, attrs in edges:
                if (attrs["type"] == self.owns and visible(attrs, at.known)
                        and in_force(attrs.get("start"), attrs.get("end"), at.day)):
                    found[attrs["key"]] = Holding(holder, held, attrs["key"],
                                                  attrs.get("percent"), _link_props(attrs))
        return list(found.values())

    # --- restriction facts ---------------------------------------------------------------

    def _trigger(self, subject: str, node: str, link: Mapping[str, Any]) -> Trigger:
        """The trigger of a list entry or event version, with the relationship that links it."""
        attrs = {k: v for k, v in self.graph.nodes[node].items() if k != "label"}
        if self.graph.nodes[node]["label"] == self.list_entry:
            return Trigger.from_list_entry(attrs, link)
        return Trigger.from_event(attrs, link)

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

    def _appointment(self, person: str, enterprise: str, attrs: Mapping[str, Any],
                     known: str | None) -> Appointment:
        """A post, with its enterprise's registered type as recorded at `known`."""
        record = self.store.record(enterprise, known)
        return Appointment.from_record(person, enterprise, attrs["type"], attrs,
                                       record.get("type") if record else None)

    def _posts(self, person: str, known: str | None) -> Iterator[Appointment]:
        for _, enterprise, attrs in self.graph.out_edges(person, data=True):
            if attrs["type"] in self.posts and visible(attrs, known):
                yield self._appointment(person, enterprise, attrs, known)

    def _triggers_of(self, node: str, lists: Mapping[str, str], events: Mapping[str, str],
                     until: str, known: str | None) -> Iterator[Trigger]:
        for _, target, link in self.graph.out_edges(node, data=True):
            if visible(link, known) and self._is_trigger(self.graph.nodes[target], lists,
                                                         events, until):
                yield self._trigger(node, target, link)

    def person_facts(self, person_ids: Sequence[str], plan: FactPlan, until: str,
                     at: Moment) -> Facts:
        facts = Facts()
        for person in (p for p in person_ids if p in self.graph):
            deadline.check()
            facts.triggers.extend(self._triggers_of(person, plan.person_lists, {}, until,
                                                    at.known))
            facts.appointments.extend(self._posts(person, at.known))
        enterprises = {a.enterprise_id for a in facts.appointments
                       if a.role in plan.holder_roles}
        for enterprise in sorted(enterprises):
            facts.triggers.extend(self._triggers_of(enterprise, plan.enterprise_lists,
                                                    plan.events, until, at.known))
        return facts

    def registry_triggers(self, plan: FactPlan, until: str, at: Moment) -> Facts:
        lists = plan.lists
        triggers: list[Trigger] = []
        for subject, node, link in self.graph.edges(data=True):
            deadline.check()
            if visible(link, at.known) and self._is_trigger(self.graph.nodes[node], lists,
                                                              plan.events, until):
                triggers.append(self._trigger(subject, node, link))
        holders = [
            self._appointment(person, enterprise, attrs, at.known)
            for enterprise in sorted({t.subject_id for t in triggers
                                      if t.subject_type == "enterprise"})
            for person, _, attrs in self.graph.in_edges(enterprise, data=True)
            if attrs["type"] in self.posts and visible(attrs, at.known)
            and attrs.get("role") in plan.holder_roles
        ]
        return Facts(triggers, holders)

    def current_posts(self, person_ids: Sequence[str], at: Moment) -> list[Appointment]:
        return [post for person in person_ids if person in self.graph
                for post in self._posts(person, at.known) if post.in_force(at.day)]
