"""The backend over the embedded store: plain walks over its networkx adjacency.

Nodes and relationships are numbered elements whose properties the store keeps
in columns (credgraph.graph.memory); every version of a fact is its own elements,
and only the versions visible at the question's recorded time count
(`MemoryStore.visible`). Search uses the store's lookups and name index instead
of looking at every entity. Label and type names are taken from the model once,
so an undeclared one fails here and not in the middle of a query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from itertools import islice, pairwise
from typing import Any

import networkx as nx
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from credgraph import deadline
from credgraph.graph.contacts import norm_property
from credgraph.graph.memory import MemoryStore
from credgraph.graph.model import LOAD_RUN
from credgraph.queries.backend.base import (
    Backend,
    FactPlan,
    Sharing,
    brief_props,
    capped,
    entity_props,
    one_per_version,
    report_in_force,
    search_order,
    search_tier,
)
from credgraph.queries.links.results import (
    LINK_FIELDS,
    OWNERSHIP,
    Around,
    Closure,
    Entity,
    Holding,
    Link,
    LinkLevel,
    RawRel,
    Toward,
    entity,
    followed,
)
from credgraph.queries.restrictions.facts import POSTS, Appointment, Facts, Trigger
from credgraph.queries.time import Moment, in_force
from credgraph.settings import StoreKind

_Edge = tuple[int, int, int]
"""(source, target, relationship) elements of a stored relationship version."""


def _rel_props(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if k != "type"}


def _node_props(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if k != "label"}


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
        self.triggering = tuple(t for t, e in model.edges.items()
                                if {self.list_entry, self.event} & set(e.target))
        """The relationship types that can end at a trigger (a list entry or an event)."""
        self.report = model.node("AnnualReport").label
        self.filed = model.edge("FILED").type
        store.graph  # noqa: B018  built now, not on a request's thread (a fresh load has none)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The store's current adjacency (clear() replaces the object)."""
        return self.store.graph

    # --- entities --------------------------------------------------------------------

    def _entity_element(self, node_id: str) -> int:
        """The element of an enterprise, person or other holder, or -1."""
        element = self.store.identity(node_id)
        return element if element >= 0 and self.store.label(element) in self.entity_labels \
            else -1

    def _entity(self, node_id: str, known: str | None) -> Entity | None:
        """An entity with its record visible at `known`; without one, only its id."""
        element = self._entity_element(node_id)
        return self._entity_at(element, known) if element >= 0 else None

    def _entity_at(self, element: int, known: str | None) -> Entity:
        store = self.store
        label, node_id = store.label(element), store.key_text(element)
        record = store.record_element(node_id, known, label)
        return entity(label, entity_props(node_id, store.attrs(element),
                                          store.attrs(record) if record >= 0 else None))

    def _other(self, node: int, known: str | None) -> tuple[str, dict[str, Any]]:
        """The label and properties of a relationship's other end: an entity or a fact node."""
        if self.store.label(node) in self.entity_labels:
            found = self._entity_at(node, known)
            return found.label, dict(found.props)
        attrs = self.store.attrs(node)
        return attrs["label"], _node_props(attrs)

    def entities(self, ids: Sequence[str], at: Moment) -> dict[str, Entity]:
        found = {node_id: self._entity(node_id, at.known) for node_id in ids}
        return {k: v for k, v in found.items() if v is not None}

    def brief_entities(self, ids: Sequence[str], at: Moment) -> dict[str, Entity]:
        store = self.store
        found: dict[str, Entity] = {}
        for node_id in ids:
            element = self._entity_element(node_id)
            if element < 0:
                continue
            label = store.label(element)
            record = store.record_element(node_id, at.known, label)
            found[node_id] = entity(label, brief_props(
                node_id, record >= 0, store.value(record, "name") if record >= 0 else None))
        return found

    def id_numbers(self, person_ids: Sequence[str], at: Moment) -> dict[str, str | None]:
        store = self.store
        found: dict[str, str | None] = {}
        for person in person_ids:
            element = store.identity(person)
            if element >= 0 and store.label(element) == self.person:
                record = store.record_element(person, at.known, self.person)
                if record >= 0:
                    found[person] = store.value(record, "id_number")
        return found

    def _ids(self, labels: Collection[str], at: Moment, batch: int) -> Iterator[list[str]]:
        """The ids of the entities of these labels with a record visible at `at.known`, in
        id order, `batch` at a time."""
        store = self.store
        recorded, identities = [], []
        for kind in store.kinds:
            if kind.record_of in labels:
                records = store.of_kind(kind.name)
                recorded.append(store.key_texts(records[store.visible_mask(records, at.known)]))
                identities.append(store.key_texts(store.of_kind(kind.record_of or "")))
        ids = pa.concat_arrays(recorded)
        ids = ids.filter(pc.is_in(ids, value_set=pa.concat_arrays(identities)))
        ids = pc.unique(ids)
        ids = ids.take(pc.sort_indices(ids))
        for start in range(0, len(ids), batch):
            yield ids.slice(start, batch).to_pylist()

    def entity_ids(self, at: Moment, batch: int = 10_000) -> Iterator[list[str]]:
        return self._ids(self.entity_labels, at, batch)

    def enterprise_ids(self, at: Moment, batch: int = 10_000) -> Iterator[list[str]]:
        return self._ids({self.model.node("Enterprise").label}, at, batch)

    def resolve_enterprises(self, refs: Sequence[str], at: Moment) -> dict[str, str]:
        found: dict[str, str] = {}
        store = self.store
        for ref in refs:
            element = store.enterprise(ref)
            if element >= 0:
                node_id = store.key_text(element)
                if store.record_element(node_id, at.known, store.label(element)) >= 0:
                    found[ref] = node_id
        return found

    def search(self, text_id: str, text_name: str, first: int,
               at: Moment) -> list[tuple[int, Entity]]:
        """Candidates from the store's lookups, each checked with `search_tier`: identities
        by id or identifier; then the name index's names starting with the text, in rank
        order, and (when fewer than `first`) those containing it; and the record versions
        written since the index was built."""
        store = self.store
        hits: dict[str, tuple[int, Entity]] = {}

        def consider(element: int) -> int | None:
            deadline.check()
            found = self._entity_at(element, at.known)
            if found.props.get("unrecorded") or found.id in hits:
                return None
            tier = search_tier(found, text_id, text_name)
            if tier is not None:
                hits[found.id] = (tier, found)
            return tier

        if text_id:
            named = [store.identity(text_id), *(e for name in store.identifiers
                                                for e in store.identified(name, text_id))]
            for element in named:
                if element >= 0 and store.label(element) in self.entity_labels:
                    consider(element)
        if text_name:
            index = store.names()
            for record in range(index.covers, len(store)):
                deadline.check()
                if store.alive(record) and store.kind_at(record).record_of \
                        and store.visible(record, at.known):
                    self._consider_record(record, consider)
            prefixed = self._matches(index.elements, [index.prefixed(text_name)], at.known,
                                     first, (1, 2), consider)
            if prefixed < first:
                self._matches(index.elements, index.containing(text_name), at.known, first,
                              (3,), consider)
        return sorted(hits.values(), key=search_order)[:first]

    def _consider_record(self, record: int, consider: Callable[[int], int | None]) -> int | None:
        """`consider` the entity of a record version."""
        store = self.store
        element = store.identity(store.key_text(record))
        if element < 0 or store.label(element) != store.kind_at(record).record_of:
            return None
        return consider(element)

    def _matches(self, elements: np.ndarray, chunks: Iterable[np.ndarray], known: str | None,
                 first: int, tiers: tuple[int, ...],
                 consider: Callable[[int], int | None]) -> int:
        """Consider the records at these rank positions in order, until `first` entities of
        these tiers were found; how many were."""
        store, count = self.store, 0
        for positions in chunks:
            chunk = elements[positions]
            for record in chunk[store.visible_mask(chunk, known) & store.alive_mask(chunk)]:
                if self._consider_record(int(record), consider) in tiers:
                    count += 1
                    if count >= first:
                        return count
        return count

    def _edges(self, node: int, known: str | None) -> Iterator[_Edge]:
        """Every relationship version at a node visible at `known`; a self-loop once. A hub
        has hundreds of thousands: the deadline is checked at each."""
        graph, visible, check = self.graph, self.store.visible, deadline.check
        for _, other, edge in graph.out_edges(node, keys=True):
            check()
            if visible(edge, known):
                yield node, other, edge
        for other, _, edge in graph.in_edges(node, keys=True):
            check()
            if other != node and visible(edge, known):
                yield other, node, edge

    def relations(self, ids: Sequence[str], at: Moment) -> dict[str, Around]:
        result: dict[str, Around] = {}
        store = self.store
        for node_id in ids:
            deadline.check()
            node = self._entity_element(node_id)
            if node < 0:
                continue
            found = self._entity_at(node, at.known)
            if found.props.get("unrecorded"):
                continue
            rels = []
            for source, target, edge in self._edges(node, at.known):
                label, props = self._other(target if source == node else source, at.known)
                attrs = store.attrs(edge)
                rels.append(RawRel(attrs["type"], attrs["key"], source == node,
                                   _rel_props(attrs), label, props))
            result[node_id] = Around(found, rels)
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
        store = self.store
        for element in store.of_kind(self.model.node("Objection").label).tolist():
            if store.value(element, "about") in wanted and store.visible(element, at.known):
                attrs = store.attrs(element)
                result.setdefault(attrs["about"], []).append(_node_props(attrs))
        for found in result.values():
            found.sort(key=lambda o: str(o["id"]))
        return result

    def data_version(self) -> int:
        return self.store.data_version()

    def load_runs(self, at: Moment) -> list[Mapping[str, Any]]:
        return [run for run in self.store.log_entries(self.model.node(LOAD_RUN).label)
                if at.known is None or run["recorded_at"] <= at.known]

    # --- links -------------------------------------------------------------------------

    def _link_props(self, edge: int) -> dict[str, Any]:
        value = self.store.value
        return {name: value(edge, name) for name in LINK_FIELDS}

    def _link_edges(self, node_id: str, at: Moment,
                    types: Sequence[str] | None) -> Iterator[_Edge]:
        """The relationships of a node that count as links at `at` (no self-loops)."""
        store = self.store
        node = store.identity(node_id)
        if node < 0:
            return
        wanted = frozenset(types) if types is not None else frozenset(self.link_types)
        for source, target, edge in self._edges(node, at.known):
            if (source != target and store.label(edge) in wanted
                    and in_force(store.value(edge, "start"), store.value(edge, "end"), at.day)):
                yield source, target, edge

    def _links(self, node_id: str, at: Moment, types: Sequence[str] | None) -> Iterator[Link]:
        store = self.store
        for source, target, edge in self._link_edges(node_id, at, types):
            yield Link(store.label(edge), store.value(edge, "key"), store.ident(source),
                       store.ident(target), self._link_props(edge))

    def links(self, ids: Sequence[str], at: Moment,
              types: Sequence[str] | None = None) -> list[Link]:
        found: dict[tuple[str, str], Link] = {}
        for node_id in ids:
            deadline.check()
            for link in self._links(node_id, at, types):
                found[link.order] = link
        return list(found.values())

    def degrees(self, ids: Sequence[str], at: Moment, types: Sequence[str] | None = None,
                up_to: int | None = None) -> dict[str, int]:
        """Counted without building the links: a hub's degree is asked for often."""
        return {node_id: sum(1 for _ in islice(self._link_edges(node_id, at, types), up_to))
                for node_id in ids if self.store.identity(node_id) >= 0}

    def link_level(self, ids: Sequence[str], at: Moment, count_up_to: int | None,
                   toward: Toward | None = None) -> LinkLevel:
        found: dict[tuple[str, str], Link] = {}
        kept: dict[str, bool] = {}

        def wanted(node: str) -> bool:
            if toward is None:
                return True
            if node not in kept:
                kept[node] = ((toward.ids is None or node in toward.ids)
                              and (toward.lists is None
                                   or bool(self.listed([node], at, toward.lists))))
            return kept[node]

        far: set[str] = set()
        for node_id in ids:
            deadline.check()
            for link in self._links(node_id, at, None):
                other = link.other(node_id)
                if wanted(other):
                    found[link.order] = link
                    far.add(other)
        degree = {} if count_up_to is None else self.degrees(sorted(far), at, None, count_up_to)
        return LinkLevel(list(found.values()), degree)

    def link_page(self, node_id: str, at: Moment, types: Sequence[str] | None, offset: int,
                  first: int) -> list[Link]:
        ordered = sorted(self._links(node_id, at, types), key=lambda link: link.order)
        return list(islice(ordered, offset, offset + first))

    def listed(self, ids: Sequence[str], at: Moment,
               lists: Sequence[str] | None = None) -> dict[str, list[Mapping[str, Any]]]:
        store = self.store
        wanted = frozenset(lists) if lists is not None else None
        result: dict[str, list[Mapping[str, Any]]] = {}
        for node_id in ids:
            deadline.check()
            node = store.identity(node_id)
            if node < 0:
                continue
            for _, entry, edge in self.graph.out_edges(node, keys=True):
                if store.label(edge) != self.listed_rel or not store.visible(edge, at.known) \
                        or not in_force(store.value(edge, "start"), store.value(edge, "end"),
                                        at.day):
                    continue
                props = _node_props(store.attrs(entry))
                if wanted is None or props.get("list") in wanted:
                    result.setdefault(node_id, []).append(props)
        for entries in result.values():
            entries.sort(key=lambda e: str(e["id"]))
        return result

    def _holdings_at(self, node_id: str, at: Moment, upward: bool,
                     detail: bool = True) -> Iterator[Holding]:
        """The holdings in force into (upward) or out of one node, self-holdings included."""
        store = self.store
        node = store.identity(node_id)
        if node < 0:
            return
        edges = (self.graph.in_edges(node, keys=True) if upward
                 else self.graph.out_edges(node, keys=True))
        for holder, held, edge in edges:
            if (store.label(edge) == self.owns and store.visible(edge, at.known)
                    and in_force(store.value(edge, "start"), store.value(edge, "end"), at.day)):
                yield Holding(store.ident(holder), store.ident(held), store.value(edge, "key"),
                              store.value(edge, "percent"),
                              self._link_props(edge) if detail else {})

    def holdings(self, ids: Sequence[str], at: Moment, upward: bool) -> list[Holding]:
        found: dict[str, Holding] = {}
        for node_id in ids:
            deadline.check()
            for holding in self._holdings_at(node_id, at, upward):
                found[holding.key] = holding
        return list(found.values())

    def _followed(self, nodes: Iterable[str], at: Moment, upward: bool, min_percent: float,
                  detail: bool) -> Iterator[Holding]:
        """The holdings a walk goes along from these nodes (`followed`, no self-holdings)."""
        for node_id in nodes:
            deadline.check()
            for holding in self._holdings_at(node_id, at, upward, detail):
                if holding.holder != holding.held and followed(holding, min_percent):
                    yield holding

    def holding_closure(self, root: str, at: Moment, upward: bool, max_depth: int,
                        min_percent: float = 0.0, detail: bool = False) -> Closure:
        """Level by level from the root: the nodes first reached at a level are the next
        level's frontier (the definition the Neo4j backend's single statement follows)."""
        depth = {root: 0}
        kept: dict[str, Holding] = {}
        frontier = [root]
        for level in range(1, max_depth + 1):
            fresh: set[str] = set()
            for holding in self._followed(frontier, at, upward, min_percent, detail):
                kept[holding.key] = holding
                far = holding.holder if upward else holding.held
                if far not in depth:
                    fresh.add(far)
            depth.update(dict.fromkeys(fresh, level))
            frontier = sorted(fresh)
            if not frontier:
                break
        truncated = next(self._followed(frontier, at, upward, min_percent, False), None)
        return Closure(tuple(sorted(kept.values(), key=lambda h: h.key)), depth,
                       truncated is not None)

    def holding_pairs(self, at: Moment) -> list[tuple[str, str]]:
        return sorted({(holder, held) for holder, held, _ in self._in_force(OWNERSHIP, at)
                       if holder != held})

    # --- annual reports, shared contact details ------------------------------------------

    def _reports(self, node_id: str, known: str | None) -> list[dict[str, Any]]:
        store = self.store
        node = store.identity(node_id)
        if node < 0:
            return []
        found = [_node_props(store.attrs(report))
                 for _, report, edge in self.graph.out_edges(node, keys=True)
                 if store.label(edge) == self.filed and store.visible(edge, known)]
        return sorted(found, key=lambda r: (r["year"], r["id"]))

    def annual_reports(self, ids: Sequence[str],
                       at: Moment) -> dict[str, list[Mapping[str, Any]]]:
        found = {node_id: self._reports(node_id, at.known) for node_id in ids}
        return {k: list(v) for k, v in found.items() if v}

    def reports_in_force(self, ids: Sequence[str], at: Moment) -> dict[str, Mapping[str, Any]]:
        found = {node_id: report_in_force(self._reports(node_id, at.known), at.day)
                 for node_id in ids}
        return {k: v for k, v in found.items() if v is not None}

    def sharing(self, values: Sequence[tuple[str, str]], at: Moment,
                cap: int) -> dict[tuple[str, str], Sharing]:
        result: dict[tuple[str, str], Sharing] = {}
        store = self.store
        for kind, value in values:
            deadline.check()
            stating = set()
            for report in store.nodes_where(self.report, norm_property(kind), value).tolist():
                filed_on = store.value(report, "filed_on")
                if store.visible(report, at.known) and filed_on is not None \
                        and filed_on <= at.day:
                    stating.add(str(store.value(report, "enterprise")))
            current = self.reports_in_force(sorted(stating), at)
            result[(kind, value)] = capped(
                [r for r in current.values() if r.get(norm_property(kind)) == value], cap)
        return result

    def crowded_values(self, kind: str, at: Moment, at_least: int) -> dict[str, int]:
        store, prop = self.store, norm_property(kind)
        reports = store.of_kind(self.report)
        counts: Counter[str] = Counter()
        for report in reports[store.visible_mask(reports, at.known)].tolist():
            value, filed_on = store.value(report, prop), store.value(report, "filed_on")
            if value is not None and filed_on is not None and filed_on <= at.day:
                counts[str(value)] += 1
        return {value: n for value, n in sorted(counts.items()) if n >= at_least}

    # --- restriction facts ---------------------------------------------------------------

    def _trigger(self, node: int, link: int) -> Trigger:
        """The trigger of a list entry or event version, with the relationship that links it."""
        attrs = self.store.attrs(node)
        link_attrs = self.store.attrs(link)
        if attrs["label"] == self.list_entry:
            return Trigger.from_list_entry(_node_props(attrs), link_attrs)
        return Trigger.from_event(_node_props(attrs), link_attrs)

    def _is_trigger(self, node: int, lists: Mapping[str, str], events: Mapping[str, str],
                    until: str) -> bool:
        store = self.store
        label = store.label(node)
        if label == self.list_entry:
            bound, day = lists.get(store.value(node, "list") or ""), store.value(node, "listed_on")
        elif label == self.event:
            bound, day = events.get(store.value(node, "event") or ""), store.value(node, "date")
        else:
            return False
        return bound is not None and day is not None and bound <= day <= until

    def _appointment(self, person: int, enterprise: int, edge: int,
                     known: str | None) -> Appointment:
        """A post, with its enterprise's registered type as recorded at `known`."""
        store = self.store
        enterprise_id = store.key_text(enterprise)
        record = store.record_element(enterprise_id, known)
        return Appointment.from_record(store.key_text(person), enterprise_id, store.label(edge),
                                       store.attrs(edge),
                                       store.value(record, "type") if record >= 0 else None)

    def _posts(self, person: int, known: str | None) -> Iterator[Appointment]:
        store = self.store
        for _, enterprise, edge in self.graph.out_edges(person, keys=True):
            if store.label(edge) in self.posts and store.visible(edge, known):
                yield self._appointment(person, enterprise, edge, known)

    def _triggers_of(self, node: int, lists: Mapping[str, str], events: Mapping[str, str],
                     until: str, known: str | None) -> Iterator[Trigger]:
        for _, target, link in self.graph.out_edges(node, keys=True):
            if self.store.visible(link, known) and self._is_trigger(target, lists, events,
                                                                    until):
                yield self._trigger(target, link)

    def person_facts(self, person_ids: Sequence[str], plan: FactPlan, until: str,
                     at: Moment) -> Facts:
        facts = Facts()
        for person_id in person_ids:
            deadline.check()
            person = self.store.identity(person_id)
            if person < 0:
                continue
            facts.triggers.extend(self._triggers_of(person, plan.person_lists, {}, until,
                                                    at.known))
            facts.appointments.extend(self._posts(person, at.known))
        enterprises = {a.enterprise_id for a in facts.appointments
                       if a.role in plan.holder_roles}
        for enterprise_id in sorted(enterprises):
            facts.triggers.extend(self._triggers_of(self.store.identity(enterprise_id),
                                                    plan.enterprise_lists, plan.events, until,
                                                    at.known))
        return facts

    def registry_triggers(self, plan: FactPlan, until: str, at: Moment) -> Facts:
        store = self.store
        lists = plan.lists
        triggers: list[Trigger] = []
        for rel_type in self.triggering:
            links = store.of_kind(rel_type)
            for link in links[store.visible_mask(links, at.known)].tolist():
                deadline.check()
                target = store.ends(link)[1]
                if self._is_trigger(target, lists, plan.events, until):
                    triggers.append(self._trigger(target, link))
        holders = [
            self._appointment(person, enterprise, edge, at.known)
            for enterprise in (store.identity(e) for e in sorted(
                {t.subject_id for t in triggers if t.subject_type == "enterprise"}))
            for person, _, edge in self.graph.in_edges(enterprise, keys=True)
            if store.label(edge) in self.posts and store.visible(edge, at.known)
            and store.value(edge, "role") in plan.holder_roles
        ]
        return Facts(triggers, holders)

    def current_posts(self, person_ids: Sequence[str], at: Moment) -> list[Appointment]:
        posts: list[Appointment] = []
        for person_id in person_ids:
            person = self.store.identity(person_id)
            if person >= 0:
                posts.extend(p for p in self._posts(person, at.known) if p.in_force(at.day))
        return posts

    # --- registry-wide checks and notices ------------------------------------------------

    def relationships(self, types: Sequence[str], at: Moment, ids: Sequence[str] | None = None,
                      any_day: bool = False) -> list[Link]:
        store = self.store
        wanted = frozenset(self.model.edge(t).type for t in types)
        edges: Iterable[int]
        if ids is None:
            edges = (e for t in sorted(wanted) for e in store.of_kind(t).tolist())
        else:
            nodes = (store.identity(node_id) for node_id in dict.fromkeys(ids))
            edges = (edge for node in nodes if node >= 0
                     for _, _, edge in self._edges(node, at.known))
        found: dict[tuple[str, str], Link] = {}
        for edge in edges:
            deadline.check()
            rel_type = store.label(edge)
            if (rel_type in wanted and store.visible(edge, at.known)
                    and (any_day or in_force(store.value(edge, "start"),
                                             store.value(edge, "end"), at.day))):
                attrs = store.attrs(edge)
                source, target = store.ends(edge)
                found[(rel_type, attrs["key"])] = Link(
                    rel_type, attrs["key"], store.ident(source), store.ident(target),
                    _rel_props(attrs))
        return [found[key] for key in sorted(found)]

    def _in_force(self, rel_type: str, at: Moment) -> Iterator[tuple[str, str, int]]:
        """(source id, target id, element) of every relationship of a type visible at
        `at.known` and in force on `at.day`."""
        store = self.store
        edges = store.of_kind(self.model.edge(rel_type).type)
        for edge in edges[store.visible_mask(edges, at.known)].tolist():
            deadline.check()
            if in_force(store.value(edge, "start"), store.value(edge, "end"), at.day):
                source, target = store.ends(edge)
                yield store.ident(source), store.ident(target), edge

    def link_counts(self, types: Sequence[str], at: Moment, role: str | None,
                    more_than: int) -> dict[str, int]:
        targets: dict[str, set[str]] = {}
        for rel_type in types:
            for source, target, edge in self._in_force(rel_type, at):
                if role is None or self.store.value(edge, "role") == role:
                    targets.setdefault(source, set()).add(target)
        return {s: len(t) for s, t in sorted(targets.items()) if len(t) > more_than}

    def holding_totals(self, at: Moment, more_than: float) -> dict[str, float]:
        totals: dict[str, float] = {}
        for _, target, edge in self._in_force(OWNERSHIP, at):
            percent = self.store.value(edge, "percent")
            if percent is not None:
                totals[target] = totals.get(target, 0.0) + float(percent)
        return {e: round(t, 6) for e, t in sorted(totals.items()) if round(t, 6) > more_than}

    def fact_nodes(self, label: str, prop: str, values: Sequence[str],
                   at: Moment) -> list[Mapping[str, Any]]:
        store = self.store
        wanted = frozenset(values)
        nodes = store.of_kind(self.model.node(label).label)
        found = [_node_props(store.attrs(node))
                 for node in nodes[store.visible_mask(nodes, at.known)].tolist()
                 if store.value(node, prop) in wanted]
        return sorted(found, key=lambda node: str(node["id"]))

    def _enterprise_records(self, known: str | None) -> Iterator[int]:
        """The enterprise record versions visible at `known`."""
        store = self.store
        records = store.of_kind(self.model.node(self.model.record_labels["Enterprise"]).label)
        for record in records[store.visible_mask(records, known)].tolist():
            deadline.check()
            yield record

    def enterprises_without(self, types: Sequence[str], at: Moment) -> list[str]:
        covered = {target for t in types for _, target, _ in self._in_force(t, at)}
        return sorted({self.store.key_text(r) for r in self._enterprise_records(at.known)}
                      - covered)

    def _recorded(self, entity_id: str, known: str | None) -> list[Mapping[str, Any]]:
        """An entity's record versions recorded by `known`, oldest first, with their label."""
        store = self.store
        return sorted((store.attrs(r) for r in store.records(entity_id)
                       if known is None or store.value(r, "rec") <= known),
                      key=lambda version: str(version["rec"]))

    def multi_source_records(self, at: Moment) -> dict[str, list[Mapping[str, Any]]]:
        store = self.store
        sources: dict[str, set[str]] = {}
        for kind in store.kinds:
            if kind.record_of is None:
                continue
            for record in store.of_kind(kind.name).tolist():
                deadline.check()
                source = store.value(record, "source")
                if source is not None and (at.known is None
                                           or store.value(record, "rec") <= at.known):
                    sources.setdefault(store.key_text(record), set()).add(source)
        return {entity_id: self._recorded(entity_id, at.known)
                for entity_id, found in sorted(sources.items()) if len(found) >= 2}

    def enterprises_established(self, first: str, last: str, at: Moment) -> list[Entity]:
        store = self.store
        found = []
        for record in self._enterprise_records(at.known):
            if first <= (store.value(record, "established") or "") <= last:
                node_id = store.key_text(record)
                identity = store.identity(node_id)
                if identity >= 0:
                    found.append(entity(store.label(identity), entity_props(
                        node_id, store.attrs(identity), store.attrs(record))))
        return sorted(found, key=lambda e: e.id)

    def record_changes(self, since: str, until: str, at: Moment
                       ) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
        store = self.store
        records = store.of_kind(self.model.node(self.model.record_labels["Enterprise"]).label)
        changed = sorted({store.key_text(r) for r in records.tolist()
                          if since <= store.value(r, "rec") < until})
        changes: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = []
        for node in changed:
            versions = self._recorded(node, at.known)
            changes += [(_node_props(before), _node_props(after))
                        for before, after in pairwise(versions) if since <= after["rec"] < until]
        return changes
