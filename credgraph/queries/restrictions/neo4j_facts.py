"""Gathering the restriction facts from Neo4j: triggers first, then the people they touch.

Labels and types are looked up in the model (`load_model()`) and backtick-quoted;
values travel as parameters. `$since` maps each trigger kind to the earliest date
whose window can still matter (the rule table works it out), so old triggers never
leave the server.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from credgraph.graph.model import ENTITY_LABEL, load_model, quote
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.queries.restrictions.facts import (
    POSTS,
    Appointment,
    Facts,
    Trigger,
    dedupe,
    restricted_holders,
)
from credgraph.queries.restrictions.rules import RuleTable
from credgraph.queries.time import in_force_cypher

_MODEL = load_model()
"""Every label and type below is looked up in the model: an undeclared one fails at import."""
_ENTITY = quote(ENTITY_LABEL)
_PERSON = quote(_MODEL.node("Person").label)
_ENTERPRISE = quote(_MODEL.node("Enterprise").label)
_LIST_ENTRY = quote(_MODEL.node("ListEntry").label)
_EVENT = quote(_MODEL.node("Event").label)
_LISTED = quote(_MODEL.edge("LISTED").type)
_HAS_EVENT = quote(_MODEL.edge("HAS_EVENT").type)
_POST = "|".join(quote(_MODEL.edge(t).type) for t in POSTS)

LIST_TRIGGERS = f"""
UNWIND keys($since) AS kind
MATCH (x:{_LIST_ENTRY} {{list: kind}})
WHERE x.listed_on <= $until AND x.listed_on >= $since[kind]
MATCH ()-[l:{_LISTED}]->(x)
RETURN properties(x) AS node, properties(l) AS link
"""
"""Every list entry of the kinds in `$since` listed in the dates that matter."""

EVENT_TRIGGERS = f"""
UNWIND keys($since) AS kind
MATCH (v:{_EVENT} {{event: kind}})
WHERE v.date <= $until AND v.date >= $since[kind]
MATCH ()-[h:{_HAS_EVENT}]->(v)
RETURN properties(v) AS node, properties(h) AS link
"""
"""Every enterprise event of the kinds in `$since` on the dates that matter."""

_POST_ROW = "'post' AS what, {person} AS person, e.id AS enterprise, e.type AS enterprise_type, " \
    "type(r) AS relation, properties(r) AS props, null AS node, null AS link"
_TRIGGER_ROW = "'{source}' AS what, null AS person, null AS enterprise, null AS enterprise_type, " \
    "null AS relation, null AS props, properties({node}) AS node, properties({link}) AS link"

PERSON_FACTS = f"""
UNWIND $ids AS id
MATCH (:{_ENTITY} {{id: id}})-[r:{_POST}]->(e:{_ENTERPRISE})
RETURN {_POST_ROW.format(person="id")}
UNION ALL
UNWIND $ids AS id
MATCH (:{_ENTITY} {{id: id}})-[l:{_LISTED}]->(x:{_LIST_ENTRY})
WHERE x.list IN keys($own) AND x.listed_on <= $until AND x.listed_on >= $own[x.list]
RETURN {_TRIGGER_ROW.format(source="list", node="x", link="l")}
UNION ALL
UNWIND $ids AS id
MATCH (:{_ENTITY} {{id: id}})-[r:{_POST}]->(e:{_ENTERPRISE})
WHERE r.role IN $roles
WITH DISTINCT e
MATCH (e)-[l:{_LISTED}]->(x:{_LIST_ENTRY})
WHERE x.list IN keys($lists) AND x.listed_on <= $until AND x.listed_on >= $lists[x.list]
RETURN {_TRIGGER_ROW.format(source="list", node="x", link="l")}
UNION ALL
UNWIND $ids AS id
MATCH (:{_ENTITY} {{id: id}})-[r:{_POST}]->(e:{_ENTERPRISE})
WHERE r.role IN $roles
WITH DISTINCT e
MATCH (e)-[h:{_HAS_EVENT}]->(v:{_EVENT})
WHERE v.event IN keys($events) AND v.date <= $until AND v.date >= $events[v.event]
RETURN {_TRIGGER_ROW.format(source="event", node="v", link="h")}
"""
"""Everything a check of the given persons needs, in one round trip: their appointments,
their own list entries (`$own`), and the list entries (`$lists`) and events (`$events`) of
the enterprises where they held a post a trigger can restrict (`$roles`)."""

HOLDERS = f"""
UNWIND $ids AS id
MATCH (p:{_PERSON})-[r:{_POST}]->(e:{_ENTITY} {{id: id}})
WHERE r.role IN $roles
RETURN p.id AS person, id AS enterprise, e.type AS enterprise_type, type(r) AS relation,
       properties(r) AS props
"""
"""Who held (ever) the restrictable posts of the given enterprises."""

POSTS_OF = f"""
UNWIND $ids AS id
MATCH (:{_ENTITY} {{id: id}})-[r:{_POST}]->(e:{_ENTERPRISE})
RETURN id AS person, e.id AS enterprise, e.type AS enterprise_type, type(r) AS relation,
       properties(r) AS props
"""
"""Every appointment of the given persons."""

CURRENT_POSTS_OF = f"""
UNWIND $ids AS id
MATCH (:{_ENTITY} {{id: id}})-[r:{_POST}]->(e:{_ENTERPRISE})
WHERE {in_force_cypher("r", "day")}
RETURN id AS person, e.id AS enterprise, e.type AS enterprise_type, type(r) AS relation,
       properties(r) AS props
"""
"""The appointments of the given persons in force on `$day`."""

NODES = f"""
UNWIND $ids AS id
MATCH (n:{_ENTITY} {{id: id}})
RETURN id, properties(n) AS props, [l IN labels(n) WHERE l <> $entity][0] AS label
"""
"""Entity nodes by id, with their label."""


def _appointments(rows: list[dict[str, Any]]) -> list[Appointment]:
    return [Appointment.from_record(r["person"], r["enterprise"], r["relation"], r["props"],
                                    r["enterprise_type"]) for r in rows]


def _triggers(rows: list[dict[str, Any]], source: str) -> list[Trigger]:
    build = Trigger.from_list_entry if source == "list" else Trigger.from_event
    return [build(r["node"], r["link"]) for r in rows]


class Neo4jFacts:
    def __init__(self, store: Neo4jStore, table: RuleTable) -> None:
        self.store, self.table = store, table

    def for_persons(self, person_ids: Collection[str], first_day: str, last_day: str) -> Facts:
        table = self.table
        lists = table.earliest_triggers("list", first_day)
        person_lists, enterprise_lists = table.kinds("list", "person"), table.kinds("list",
                                                                                    "enterprise")
        rows = self.store.read(
            PERSON_FACTS, ids=sorted(person_ids), until=last_day,
            own={k: v for k, v in lists.items() if k in person_lists},
            lists={k: v for k, v in lists.items() if k in enterprise_lists},
            events=table.earliest_triggers("event", first_day), roles=sorted(table.holder_roles),
        )
        facts = Facts()
        for row in rows:
            if row["what"] == "post":
                facts.appointments += _appointments([row])
            else:
                facts.triggers += _triggers([row], row["what"])
        return facts

    def for_registry(self, day: str) -> Facts:
        table = self.table
        triggers = _triggers(self.store.read(
            LIST_TRIGGERS, since=table.earliest_triggers("list", day), until=day), "list")
        triggers += _triggers(self.store.read(
            EVENT_TRIGGERS, since=table.earliest_triggers("event", day), until=day), "event")
        enterprises = sorted({t.subject_id for t in triggers if t.subject_type == "enterprise"})
        holdings = _appointments(self.store.read(
            HOLDERS, ids=enterprises, roles=sorted(table.holder_roles)))
        persons = restricted_holders(table, triggers, holdings) | {
            t.subject_id for t in triggers if t.subject_type == "person"
        }
        current = _appointments(self.store.read(CURRENT_POSTS_OF, ids=sorted(persons), day=day))
        return Facts(triggers, dedupe([*holdings, *current]))

    def nodes(self, ids: Collection[str]) -> dict[str, dict[str, Any]]:
        rows = self.store.read(NODES, ids=sorted(ids), entity=ENTITY_LABEL)
        return {r["id"]: {**r["props"], "label": r["label"]} for r in rows}
