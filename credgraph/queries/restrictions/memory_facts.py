"""Gathering the restriction facts from the embedded store by walking the networkx graph."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

import networkx as nx

from credgraph.graph.memory import MemoryStore
from credgraph.queries.restrictions.facts import (
    POSTS,
    Appointment,
    Facts,
    Trigger,
    dedupe,
    restricted_holders,
)
from credgraph.queries.restrictions.rules import RuleTable


class MemoryFacts:
    def __init__(self, store: MemoryStore, table: RuleTable) -> None:
        self.graph: nx.MultiDiGraph = store.graph
        self.table = table

    def _trigger(self, node: str, attrs: dict[str, Any]) -> Trigger:
        """The trigger of a ListEntry or Event node, with the relationship that links it."""
        ((_, _, link),) = self.graph.in_edges(node, data=True)
        props = {**attrs, "id": node}
        if attrs["label"] == "ListEntry":
            return Trigger.from_list_entry(props, link)
        return Trigger.from_event(props, link)

    def _is_trigger(self, attrs: dict[str, Any], since: dict[str, dict[str, str]],
                    last_day: str) -> bool:
        label = attrs.get("label")
        if label == "ListEntry":
            kind, day = attrs.get("list"), attrs.get("listed_on")
        elif label == "Event":
            kind, day = attrs.get("event"), attrs.get("date")
        else:
            return False
        bound = since[label].get(kind or "")
        return bound is not None and day is not None and bound <= day <= last_day

    def _appointment(self, person: str, enterprise: str, attrs: dict[str, Any]) -> Appointment:
        return Appointment.from_record(person, enterprise, attrs["type"], attrs,
                                       self.graph.nodes[enterprise].get("type"))

    def _posts(self, person: str) -> Iterator[Appointment]:
        for _, enterprise, attrs in self.graph.out_edges(person, data=True):
            if attrs["type"] in POSTS:
                yield self._appointment(person, enterprise, attrs)

    def _linked_triggers(
        self, node: str, since: dict[str, dict[str, str]], last_day: str
    ) -> Iterator[Trigger]:
        for _, target in self.graph.out_edges(node):
            attrs = self.graph.nodes[target]
            if self._is_trigger(attrs, since, last_day):
                yield self._trigger(target, attrs)

    def _bounds(self, first_day: str, subject: str | None) -> dict[str, dict[str, str]]:
        lists = self.table.earliest_triggers("list", first_day)
        allowed = self.table.kinds("list", subject) if subject else set(lists)
        events = self.table.earliest_triggers("event", first_day) if subject != "person" else {}
        return {"ListEntry": {k: v for k, v in lists.items() if k in allowed}, "Event": events}

    def for_persons(self, person_ids: Collection[str], first_day: str, last_day: str) -> Facts:
        facts = Facts()
        people = [p for p in person_ids if p in self.graph]
        own = self._bounds(first_day, "person")
        for person in people:
            facts.triggers.extend(self._linked_triggers(person, own, last_day))
            facts.appointments.extend(self._posts(person))
        roles = self.table.holder_roles
        enterprises = {a.enterprise_id for a in facts.appointments if a.role in roles}
        theirs = self._bounds(first_day, "enterprise")
        for enterprise in sorted(enterprises):
            facts.triggers.extend(self._linked_triggers(enterprise, theirs, last_day))
        return facts

    def for_registry(self, day: str) -> Facts:
        since = self._bounds(day, None)
        triggers = [self._trigger(node, attrs) for node, attrs in self.graph.nodes(data=True)
                    if self._is_trigger(attrs, since, day)]
        roles = self.table.holder_roles
        holdings = [
            self._appointment(person, enterprise, attrs)
            for enterprise in {t.subject_id for t in triggers if t.subject_type == "enterprise"}
            for person, _, attrs in self.graph.in_edges(enterprise, data=True)
            if attrs["type"] in POSTS and attrs.get("role") in roles
        ]
        persons = restricted_holders(self.table, triggers, holdings) | {
            t.subject_id for t in triggers if t.subject_type == "person"
        }
        current = [a for p in persons if p in self.graph for a in self._posts(p)
                   if a.in_force(day)]
        return Facts(triggers, dedupe([*holdings, *current]))

    def nodes(self, ids: Collection[str]) -> dict[str, dict[str, Any]]:
        nodes = self.graph.nodes
        return {i: {**nodes[i], "id": i} for i in ids if i in nodes}
