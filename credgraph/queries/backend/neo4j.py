"""The backend over Neo4j: each fetch is one parameterised read query.

Labels and relationship types come from the graph model and are backtick-quoted
(`credgraph.graph.model.quote`), so a name the model does not declare cannot
reach a query; values always travel as parameters. Every query goes through
`Neo4jStore.read`, which routes it to readers, gives it the server-side time
limit and wraps driver errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from credgraph.graph.cypher import FULLTEXT_INDEX
from credgraph.graph.model import ENTITY_LABEL, GraphModel, quote
from credgraph.graph.neo4j_store import Neo4jStore
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
from credgraph.queries.time import Moment, in_force_cypher
from credgraph.settings import StoreKind

_HAN_ONLY = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,}$")
"""Texts the CJK full-text index finds every containing name for (all their bigrams match)."""


def label_of(var: str) -> str:
    """A node's own label (Enterprise, Person ...), without the shared Entity label."""
    return f"[l IN labels({var}) WHERE l <> '{ENTITY_LABEL}'][0]"


def link_projection(var: str) -> str:
    """The relationship properties a path step or holding carries, as a map."""
    return f"{var} {{{', '.join('.' + quote(f) for f in LINK_FIELDS)}}}"


def lucene_phrase(text: str) -> str | None:
    """A phrase query for texts of Han signs only (no Lucene syntax can occur in them)."""
    return f'"{text}"' if _HAN_ONLY.match(text) else None


@dataclass(frozen=True, slots=True)
class Queries:
    """The backend's Cypher, built once from the model."""

    entities: str
    id_numbers: str
    entity_ids: str
    resolve: str
    search_ids: str
    search_fulltext: str
    search_scan: str
    relations: str
    links: str
    degrees: str
    page: str
    listed: str
    holders: str
    holdings: str
    person_facts: str
    list_triggers: str
    event_triggers: str
    post_holders: str
    current_posts: str


def build_queries(model: GraphModel) -> Queries:
    """Every query of the backend; an undeclared label or type raises ValueError here."""
    entity_ = quote(ENTITY_LABEL)
    enterprise = quote(model.node("Enterprise").label)
    person = quote(model.node("Person").label)
    list_entry = quote(model.node("ListEntry").label)
    event = quote(model.node("Event").label)
    listed = quote(model.edge("LISTED").type)
    has_event = quote(model.edge("HAS_EVENT").type)
    owns = quote(model.edge(OWNERSHIP).type)
    links = "|".join(quote(t) for t in model.link_types)
    post = "|".join(quote(model.edge(t).type) for t in POSTS)
    link_wanted = f"m <> n AND type(r) IN $types AND {in_force_cypher('r', 'day')}"
    link_row = (f"type(r) AS type, r.key AS key, startNode(r).id AS source, "
                f"endNode(r).id AS target, {link_projection('r')} AS props")
    ranked = f"""
WITH n, CASE WHEN n.name_norm = $name THEN 1
             WHEN n.name_norm STARTS WITH $name THEN 2 ELSE 3 END AS tier
RETURN {label_of("n")} AS label, properties(n) AS props
ORDER BY tier, size(n.name_norm), n.id
LIMIT $limit
"""
    post_row = ("'post' AS what, {person} AS person, e.id AS enterprise, type(r) AS relation, "
                "properties(r) AS props, null AS node, null AS link")
    trigger_row = ("'{source}' AS what, null AS person, null AS enterprise, null AS relation, "
                   "null AS props, properties({node}) AS node, properties({link}) AS link")

    def holdings(upward: bool) -> str:
        pattern = (f"(h:{entity_})-[r:{owns}]->(e:{entity_} {{id: id}})" if upward
                   else f"(h:{entity_} {{id: id}})-[r:{owns}]->(e:{entity_})")
        return f"""
UNWIND $ids AS id
MATCH {pattern}
WHERE {in_force_cypher("r", "day")}
RETURN h.id AS holder, e.id AS held, r.key AS key, r.percent AS percent,
       {link_projection("r")} AS props
"""

    return Queries(
        entities=f"""
UNWIND $ids AS id
MATCH (n:{entity_} {{id: id}})
RETURN id, {label_of("n")} AS label, properties(n) AS props
""",
        entity_ids=f"""
MATCH (n:{entity_}) WHERE n.id > $after
RETURN n.id AS id ORDER BY n.id LIMIT $batch
""",
        resolve=f"""
UNWIND $refs AS ref
OPTIONAL MATCH (byId:{entity_} {{id: ref}}) WHERE byId:{enterprise}
OPTIONAL MATCH (byRegNo:{enterprise} {{reg_no: ref}})
WITH ref, coalesce(byId, byRegNo) AS e WHERE e IS NOT NULL
RETURN ref, e.id AS id
""",
        search_ids=f"""
CALL () {{
  MATCH (n:{entity_} {{id: $id}}) RETURN n
  UNION
  MATCH (n:{enterprise} {{uscc: $id}}) RETURN n
  UNION
  MATCH (n:{enterprise} {{reg_no: $id}}) RETURN n
}}
RETURN {label_of("n")} AS label, properties(n) AS props
""",
        search_fulltext=f"""
CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node AS n
WITH n WHERE n.name_norm CONTAINS $name
{ranked}""",
        search_scan=f"""
MATCH (n:{entity_}) WHERE n.name_norm CONTAINS $name
{ranked}""",
        relations=f"""
UNWIND $ids AS id
MATCH (n:{entity_} {{id: id}})
RETURN id,
  COLLECT {{ MATCH (n)-[r]->(o) RETURN {{type: type(r), key: r.key, outgoing: true,
             props: properties(r), other: properties(o), label: {label_of("o")}}} }} +
  COLLECT {{ MATCH (n)<-[r]-(o) WHERE o <> n RETURN {{type: type(r), key: r.key,
             outgoing: false, props: properties(r), other: properties(o),
             label: {label_of("o")}}} }} AS rels
""",
        links=f"""
UNWIND $ids AS id
MATCH (n:{entity_} {{id: id}})-[r:{links}]-(m)
WHERE {link_wanted}
RETURN DISTINCT {link_row}
""",
        degrees=f"""
UNWIND $ids AS id
MATCH (n:{entity_} {{id: id}})
RETURN id, COUNT {{ (n)-[r:{links}]-(m) WHERE {link_wanted} }} AS degree
""",
        page=f"""
MATCH (n:{entity_} {{id: $id}})-[r:{links}]-(m)
WHERE {link_wanted}
RETURN {link_row}
ORDER BY type, key
SKIP $offset LIMIT $first
""",
        listed=f"""
UNWIND $ids AS id
MATCH (n:{entity_} {{id: id}})-[r:{listed}]->(e:{list_entry})
WHERE {in_force_cypher("r", "day")} AND ($lists IS NULL OR e.list IN $lists)
RETURN id, properties(e) AS entry
ORDER BY id, entry.id
""",
        holders=holdings(upward=True),
        holdings=holdings(upward=False),
        person_facts=f"""
UNWIND $ids AS id
MATCH (:{entity_} {{id: id}})-[r:{post}]->(e:{enterprise})
RETURN {post_row.format(person="id")}
UNION ALL
UNWIND $ids AS id
MATCH (:{entity_} {{id: id}})-[l:{listed}]->(x:{list_entry})
WHERE x.list IN keys($own) AND x.listed_on <= $until AND x.listed_on >= $own[x.list]
RETURN {trigger_row.format(source="list", node="x", link="l")}
UNION ALL
UNWIND $ids AS id
MATCH (:{entity_} {{id: id}})-[r:{post}]->(e:{enterprise})
WHERE r.role IN $roles
WITH DISTINCT e
MATCH (e)-[l:{listed}]->(x:{list_entry})
WHERE x.list IN keys($lists) AND x.listed_on <= $until AND x.listed_on >= $lists[x.list]
RETURN {trigger_row.format(source="list", node="x", link="l")}
UNION ALL
UNWIND $ids AS id
MATCH (:{entity_} {{id: id}})-[r:{post}]->(e:{enterprise})
WHERE r.role IN $roles
WITH DISTINCT e
MATCH (e)-[h:{has_event}]->(v:{event})
WHERE v.event IN keys($events) AND v.date <= $until AND v.date >= $events[v.event]
RETURN {trigger_row.format(source="event", node="v", link="h")}
""",
        list_triggers=f"""
UNWIND keys($since) AS kind
MATCH (x:{list_entry} {{list: kind}})
WHERE x.listed_on <= $until AND x.listed_on >= $since[kind]
MATCH ()-[l:{listed}]->(x)
RETURN properties(x) AS node, properties(l) AS link
""",
        event_triggers=f"""
UNWIND keys($since) AS kind
MATCH (v:{event} {{event: kind}})
WHERE v.date <= $until AND v.date >= $since[kind]
MATCH ()-[h:{has_event}]->(v)
RETURN properties(v) AS node, properties(h) AS link
""",
        post_holders=f"""
UNWIND $ids AS id
MATCH (p:{person})-[r:{post}]->(:{entity_} {{id: id}})
WHERE r.role IN $roles
RETURN p.id AS person, id AS enterprise, type(r) AS relation, properties(r) AS props
""",
        id_numbers=f"""
UNWIND $ids AS id
MATCH (p:{person} {{id: id}})
RETURN id, p.id_number AS number
""",
        current_posts=f"""
UNWIND $ids AS id
MATCH (:{entity_} {{id: id}})-[r:{post}]->(e:{enterprise})
WHERE {in_force_cypher("r", "day")}
RETURN id AS person, e.id AS enterprise, type(r) AS relation, properties(r) AS props
""",
    )


def _appointments(rows: list[dict[str, Any]]) -> list[Appointment]:
    return [Appointment.from_record(r["person"], r["enterprise"], r["relation"], r["props"])
            for r in rows]


def _link(row: Mapping[str, Any]) -> Link:
    return Link(row["type"], row["key"], row["source"], row["target"], row["props"])


class Neo4jBackend(Backend):
    kind = StoreKind.NEO4J

    def __init__(self, store: Neo4jStore) -> None:
        self.store = store
        self.model = store.model
        self.queries = build_queries(self.model)
        self.link_types = list(self.model.link_types)

    def _read(self, text: str, **params: Any) -> list[dict[str, Any]]:
        return self.store.read(text, **params)

    def _types(self, types: Sequence[str] | None) -> list[str]:
        return list(types) if types is not None else self.link_types

    # --- entities --------------------------------------------------------------------

    def entities(self, ids: Sequence[str], at: Moment) -> dict[str, Entity]:
        if not ids:
            return {}
        rows = self._read(self.queries.entities, ids=list(ids))
        return {r["id"]: entity(r["label"], r["props"]) for r in rows}

    def entity_ids(self, at: Moment, batch: int = 10_000) -> Iterator[list[str]]:
        after = ""
        while True:
            ids = [r["id"] for r in self._read(self.queries.entity_ids, after=after,
                                                batch=batch)]
            if not ids:
                return
            yield ids
            after = ids[-1]

    def resolve_enterprises(self, refs: Sequence[str], at: Moment) -> dict[str, str]:
        if not refs:
            return {}
        return {r["ref"]: r["id"] for r in self._read(self.queries.resolve, refs=list(refs))}

    def search(self, text_id: str, text_name: str, first: int,
               at: Moment) -> list[tuple[int, Entity]]:
        exact = [entity(r["label"], r["props"])
                 for r in self._read(self.queries.search_ids, id=text_id)]
        phrase = lucene_phrase(text_name)
        limit = first + len(exact)
        if phrase is not None:
            rows = self._read(self.queries.search_fulltext, index=FULLTEXT_INDEX, lucene=phrase,
                              name=text_name, limit=limit)
        else:
            rows = self._read(self.queries.search_scan, name=text_name, limit=limit)
        found = {e.id: e for e in exact}
        for row in rows:
            named = entity(row["label"], row["props"])
            found.setdefault(named.id, named)
        ranked = [(tier, candidate) for candidate in found.values()
                  if (tier := search_tier(candidate, text_id, text_name)) is not None]
        ranked.sort(key=search_order)
        return ranked[:first]

    def relations(self, ids: Sequence[str], at: Moment) -> dict[str, list[RawRel]]:
        if not ids:
            return {}
        return {
            row["id"]: [RawRel(r["type"], r["key"], r["outgoing"], r["props"], r["label"],
                               r["other"]) for r in row["rels"]]
            for row in self._read(self.queries.relations, ids=list(ids))
        }

    # --- links -------------------------------------------------------------------------

    def links(self, ids: Sequence[str], at: Moment,
              types: Sequence[str] | None = None) -> list[Link]:
        rows = self._read(self.queries.links, ids=list(ids), day=at.day, types=self._types(types))
        return [_link(r) for r in rows]

    def degrees(self, ids: Sequence[str], at: Moment,
                types: Sequence[str] | None = None) -> dict[str, int]:
        rows = self._read(self.queries.degrees, ids=list(ids), day=at.day,
                          types=self._types(types))
        return {r["id"]: int(r["degree"]) for r in rows}

    def link_page(self, node_id: str, at: Moment, types: Sequence[str] | None, offset: int,
                  first: int) -> list[Link]:
        rows = self._read(self.queries.page, id=node_id, day=at.day, types=self._types(types),
                          offset=offset, first=first)
        return [_link(r) for r in rows]

    def listed(self, ids: Sequence[str], at: Moment,
               lists: Sequence[str] | None = None) -> dict[str, list[Mapping[str, Any]]]:
        result: dict[str, list[Mapping[str, Any]]] = {}
        rows = self._read(self.queries.listed, ids=list(ids), day=at.day,
                          lists=list(lists) if lists is not None else None)
        for row in rows:
            result.setdefault(row["id"], []).append(row["entry"])
        return result

    def holdings(self, ids: Sequence[str], at: Moment, upward: bool) -> list[Holding]:
        text = self.queries.holders if upward else self.queries.holdings
        rows = self._read(text, ids=list(ids), day=at.day)
        return [Holding(r["holder"], r["held"], r["key"], r["percent"], r["props"]) for r in rows]

    # --- restriction facts ---------------------------------------------------------------

    def person_facts(self, person_ids: Sequence[str], plan: FactPlan, until: str,
                     at: Moment) -> Facts:
        rows = self._read(
            self.queries.person_facts, ids=sorted(person_ids), until=until,
            own=dict(plan.person_lists), lists=dict(plan.enterprise_lists),
            events=dict(plan.events), roles=sorted(plan.holder_roles),
        )
        facts = Facts()
        for row in rows:
            if row["what"] == "post":
                facts.appointments.append(Appointment.from_record(
                    row["person"], row["enterprise"], row["relation"], row["props"]))
            elif row["what"] == "list":
                facts.triggers.append(Trigger.from_list_entry(row["node"], row["link"]))
            else:
                facts.triggers.append(Trigger.from_event(row["node"], row["link"]))
        return facts

    def registry_triggers(self, plan: FactPlan, until: str, at: Moment) -> Facts:
        triggers = [Trigger.from_list_entry(r["node"], r["link"]) for r in self._read(
            self.queries.list_triggers, since=plan.lists, until=until)]
        triggers += [Trigger.from_event(r["node"], r["link"]) for r in self._read(
            self.queries.event_triggers, since=dict(plan.events), until=until)]
        enterprises = sorted({t.subject_id for t in triggers if t.subject_type == "enterprise"})
        holders = _appointments(self._read(self.queries.post_holders, ids=enterprises,
                                           roles=sorted(plan.holder_roles)))
        return Facts(triggers, holders)

    def id_numbers(self, person_ids: Sequence[str], at: Moment) -> dict[str, str | None]:
        rows = self._read(self.queries.id_numbers, ids=list(person_ids))
        return {r["id"]: r["number"] for r in rows}

    def current_posts(self, person_ids: Sequence[str], at: Moment) -> list[Appointment]:
        return _appointments(self._read(self.queries.current_posts, ids=sorted(person_ids),
                                        day=at.day))
