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
from credgraph.graph.model import ENTITY_LABEL, RECORD_LABEL, GraphModel, NodeSchema, quote
from credgraph.graph.neo4j_store import Neo4jStore
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
    objections: str
    fact_versions: dict[str, str]
    """Per section: every version of each of `$facts` recorded by `$known`."""


LATEST = "9999-12-31T23:59:59Z"
"""The recorded time that stands for "now": later than any version's, so the visibility
predicate keeps what is not retracted."""


def visible(var: str) -> str:
    """A version recorded by `$known` and not retracted by then."""
    if not var.isidentifier():
        raise ValueError("variable must be a plain name")
    return f"({var}.rec <= $known AND ({var}.ret IS NULL OR {var}.ret > $known))"


def with_record(entity_var: str, record_var: str) -> str:
    """The record version of an entity visible at `$known` (null when it has none)."""
    return (f"CALL ({entity_var}) {{ OPTIONAL MATCH ({record_var}:{quote(RECORD_LABEL)} "
            f"{{of: {entity_var}.id}}) WHERE {visible(record_var)} "
            f"RETURN {record_var} ORDER BY {record_var}.rec DESC LIMIT 1 }}")


def version_query(model: GraphModel, section: str) -> str:
    """Every version of each fact of a section in `$facts` recorded by `$known` (head elements)."""
    parts = []
    for schema in model.section_schemas(section, primary_only=True):
        element = (f"(x:{quote(schema.name)} {{fact: f}})" if isinstance(schema, NodeSchema)
                   else f"()-[x:{quote(schema.name)} {{fact: f}}]->()")
        parts.append(f"UNWIND $facts AS f MATCH {element} WHERE x.rec <= $known "
                     "RETURN f AS fact, properties(x) AS version")
    return " UNION ALL ".join(parts)


def build_queries(model: GraphModel) -> Queries:
    """Every query of the backend; an undeclared label or type raises ValueError here."""
    entity_ = quote(ENTITY_LABEL)
    record_ = quote(RECORD_LABEL)
    enterprise = quote(model.node("Enterprise").label)
    enterprise_record = quote(model.node(model.record_labels["Enterprise"]).label)
    person = quote(model.node("Person").label)
    list_entry = quote(model.node("ListEntry").label)
    event = quote(model.node("Event").label)
    listed = quote(model.edge("LISTED").type)
    has_event = quote(model.edge("HAS_EVENT").type)
    owns = quote(model.edge(OWNERSHIP).type)
    links = "|".join(quote(t) for t in model.link_types)
    post = "|".join(quote(model.edge(t).type) for t in POSTS)
    link_wanted = (f"m <> n AND type(r) IN $types AND {visible('r')} "
                   f"AND {in_force_cypher('r', 'day')}")
    link_row = (f"type(r) AS type, r.key AS key, startNode(r).id AS source, "
                f"endNode(r).id AS target, {link_projection('r')} AS props")
    entity_row = (f"{label_of('n')} AS label, properties(n) AS identity, "
                  "properties(rec) AS record")
    ranked = f"""
WITH r, CASE WHEN r.name_norm = $name THEN 1
             WHEN r.name_norm STARTS WITH $name THEN 2 ELSE 3 END AS tier
ORDER BY tier, size(r.name_norm), r.of
LIMIT $limit
MATCH (n:{entity_} {{id: r.of}})
RETURN {label_of("n")} AS label, properties(n) AS identity, properties(r) AS record
"""
    post_row = ("'post' AS what, {person} AS person, e.id AS enterprise, "
                "et.type AS enterprise_type, type(r) AS relation, properties(r) AS props, "
                "null AS node, null AS link")
    trigger_row = ("'{source}' AS what, null AS person, null AS enterprise, "
                   "null AS enterprise_type, null AS relation, null AS props, "
                   "properties({node}) AS node, properties({link}) AS link")
    enterprise_type = with_record("e", "et")
    def around(outgoing: str) -> str:
        return (f"{{type: type(r), key: r.key, outgoing: {outgoing}, props: properties(r), "
                f"other: properties(o), label: {label_of('o')}, record: properties(x)}}")

    other_record = (f"OPTIONAL MATCH (x:{record_} {{of: o.id}}) WHERE o:{entity_} "
                    f"AND {visible('x')}")

    def holdings(upward: bool) -> str:
        pattern = (f"(h:{entity_})-[r:{owns}]->(e:{entity_} {{id: id}})" if upward
                   else f"(h:{entity_} {{id: id}})-[r:{owns}]->(e:{entity_})")
        return f"""
UNWIND $ids AS id
MATCH {pattern}
WHERE {visible("r")} AND {in_force_cypher("r", "day")}
RETURN h.id AS holder, e.id AS held, r.key AS key, r.percent AS percent,
       {link_projection("r")} AS props
"""

    return Queries(
        entities=f"""
UNWIND $ids AS id
MATCH (n:{entity_} {{id: id}})
{with_record("n", "rec")}
RETURN id, {entity_row}
""",
        entity_ids=f"""
MATCH (n:{entity_}) WHERE n.id > $after
  AND EXISTS {{ MATCH (r:{record_} {{of: n.id}}) WHERE {visible("r")} }}
RETURN n.id AS id ORDER BY n.id LIMIT $batch
""",
        resolve=f"""
UNWIND $refs AS ref
OPTIONAL MATCH (byId:{entity_} {{id: ref}}) WHERE byId:{enterprise}
OPTIONAL MATCH (byRegNo:{enterprise} {{reg_no: ref}})
WITH ref, coalesce(byId, byRegNo) AS e WHERE e IS NOT NULL
  AND EXISTS {{ MATCH (r:{enterprise_record} {{of: e.id}}) WHERE {visible("r")} }}
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
{with_record("n", "rec")}
WITH n, rec WHERE rec IS NOT NULL
RETURN {entity_row}
""",
        search_fulltext=f"""
CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node AS r
WITH r WHERE {visible("r")} AND r.name_norm CONTAINS $name
{ranked}""",
        search_scan=f"""
MATCH (r:{record_}) WHERE {visible("r")} AND r.name_norm CONTAINS $name
{ranked}""",
        relations=f"""
UNWIND $ids AS id
MATCH (n:{entity_} {{id: id}})
RETURN id,
  COLLECT {{ MATCH (n)-[r]->(o) WHERE {visible("r")} {other_record}
             RETURN {around("true")} }} +
  COLLECT {{ MATCH (n)<-[r]-(o) WHERE o <> n AND {visible("r")} {other_record}
             RETURN {around("false")} }} AS rels
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
WHERE {visible("r")} AND {in_force_cypher("r", "day")} AND ($lists IS NULL OR e.list IN $lists)
RETURN id, properties(e) AS entry
ORDER BY id, entry.id
""",
        holders=holdings(upward=True),
        holdings=holdings(upward=False),
        person_facts=f"""
UNWIND $ids AS id
MATCH (:{entity_} {{id: id}})-[r:{post}]->(e:{enterprise})
WHERE {visible("r")}
{enterprise_type}
RETURN {post_row.format(person="id")}
UNION ALL
UNWIND $ids AS id
MATCH (:{entity_} {{id: id}})-[l:{listed}]->(x:{list_entry})
WHERE {visible("l")} AND x.list IN keys($own) AND x.listed_on <= $until
  AND x.listed_on >= $own[x.list]
RETURN {trigger_row.format(source="list", node="x", link="l")}
UNION ALL
UNWIND $ids AS id
MATCH (:{entity_} {{id: id}})-[r:{post}]->(e:{enterprise})
WHERE r.role IN $roles AND {visible("r")}
WITH DISTINCT e
MATCH (e)-[l:{listed}]->(x:{list_entry})
WHERE {visible("l")} AND x.list IN keys($lists) AND x.listed_on <= $until
  AND x.listed_on >= $lists[x.list]
RETURN {trigger_row.format(source="list", node="x", link="l")}
UNION ALL
UNWIND $ids AS id
MATCH (:{entity_} {{id: id}})-[r:{post}]->(e:{enterprise})
WHERE r.role IN $roles AND {visible("r")}
WITH DISTINCT e
MATCH (e)-[h:{has_event}]->(v:{event})
WHERE {visible("h")} AND v.event IN keys($events) AND v.date <= $until
  AND v.date >= $events[v.event]
RETURN {trigger_row.format(source="event", node="v", link="h")}
""",
        list_triggers=f"""
UNWIND keys($since) AS kind
MATCH (x:{list_entry} {{list: kind}})
WHERE {visible("x")} AND x.listed_on <= $until AND x.listed_on >= $since[kind]
MATCH ()-[l:{listed}]->(x)
RETURN properties(x) AS node, properties(l) AS link
""",
        event_triggers=f"""
UNWIND keys($since) AS kind
MATCH (v:{event} {{event: kind}})
WHERE {visible("v")} AND v.date <= $until AND v.date >= $since[kind]
MATCH ()-[h:{has_event}]->(v)
RETURN properties(v) AS node, properties(h) AS link
""",
        post_holders=f"""
UNWIND $ids AS id
MATCH (p:{person})-[r:{post}]->(e:{entity_} {{id: id}})
WHERE r.role IN $roles AND {visible("r")}
{enterprise_type}
RETURN p.id AS person, id AS enterprise, et.type AS enterprise_type, type(r) AS relation,
       properties(r) AS props
""",
        objections=f"""
UNWIND $abouts AS about
MATCH (o:{quote(model.node("Objection").label)} {{about: about}})
WHERE {visible("o")}
RETURN about, properties(o) AS objection
ORDER BY about, objection.id
""",
        fact_versions={section: version_query(model, section)
                       for section in {s.section for s in model.versioned if s.section}},
        id_numbers=f"""
UNWIND $ids AS id
MATCH (p:{person} {{id: id}})
{with_record("p", "rec")}
WITH id, rec WHERE rec IS NOT NULL
RETURN id, rec.id_number AS number
""",
        current_posts=f"""
UNWIND $ids AS id
MATCH (:{entity_} {{id: id}})-[r:{post}]->(e:{enterprise})
WHERE {visible("r")} AND {in_force_cypher("r", "day")}
{enterprise_type}
RETURN id AS person, e.id AS enterprise, et.type AS enterprise_type, type(r) AS relation,
       properties(r) AS props
""",
    )


def _appointments(rows: list[dict[str, Any]]) -> list[Appointment]:
    return [Appointment.from_record(r["person"], r["enterprise"], r["relation"], r["props"],
                                    r["enterprise_type"]) for r in rows]


def _link(row: Mapping[str, Any]) -> Link:
    return Link(row["type"], row["key"], row["source"], row["target"], row["props"])


def _entity(row: Mapping[str, Any], node_id: str) -> Entity:
    return entity(row["label"], entity_props(node_id, row["identity"], row["record"]))


class Neo4jBackend(Backend):
    kind = StoreKind.NEO4J

    def __init__(self, store: Neo4jStore) -> None:
        self.store = store
        self.model = store.model
        self.queries = build_queries(self.model)
        self.link_types = list(self.model.link_types)

    def _read(self, text: str, at: Moment, **params: Any) -> list[dict[str, Any]]:
        """A read at the question's recorded time (`$known`)."""
        return self.store.read(text, known=at.known or LATEST, **params)

    def _types(self, types: Sequence[str] | None) -> list[str]:
        return list(types) if types is not None else self.link_types

    # --- entities --------------------------------------------------------------------

    def entities(self, ids: Sequence[str], at: Moment) -> dict[str, Entity]:
        if not ids:
            return {}
        rows = self._read(self.queries.entities, at, ids=list(ids))
        return {r["id"]: _entity(r, r["id"]) for r in rows}

    def entity_ids(self, at: Moment, batch: int = 10_000) -> Iterator[list[str]]:
        after = ""
        while True:
            ids = [r["id"] for r in self._read(self.queries.entity_ids, at, after=after,
                                                batch=batch)]
            if not ids:
                return
            yield ids
            after = ids[-1]

    def resolve_enterprises(self, refs: Sequence[str], at: Moment) -> dict[str, str]:
        if not refs:
            return {}
        rows = self._read(self.queries.resolve, at, refs=list(refs))
        return {r["ref"]: r["id"] for r in rows}

    def search(self, text_id: str, text_name: str, first: int,
               at: Moment) -> list[tuple[int, Entity]]:
        exact = [_entity(r, r["identity"]["id"])
                 for r in self._read(self.queries.search_ids, at, id=text_id)]
        phrase = lucene_phrase(text_name)
        limit = first + len(exact)
        if phrase is not None:
            rows = self._read(self.queries.search_fulltext, at, index=FULLTEXT_INDEX,
                              lucene=phrase, name=text_name, limit=limit)
        else:
            rows = self._read(self.queries.search_scan, at, name=text_name, limit=limit)
        found = {e.id: e for e in exact}
        for row in rows:
            named = _entity(row, row["identity"]["id"])
            found.setdefault(named.id, named)
        ranked = [(tier, candidate) for candidate in found.values()
                  if (tier := search_tier(candidate, text_id, text_name)) is not None]
        ranked.sort(key=search_order)
        return ranked[:first]

    def relations(self, ids: Sequence[str], at: Moment) -> dict[str, list[RawRel]]:
        if not ids:
            return {}
        known = self.entities(ids, at)
        result: dict[str, list[RawRel]] = {}
        for row in self._read(self.queries.relations, at, ids=list(ids)):
            here = known.get(row["id"])
            if here is None or here.props.get("unrecorded"):
                continue
            result[row["id"]] = [
                RawRel(r["type"], r["key"], r["outgoing"], r["props"], r["label"],
                       entity_props(r["other"]["id"], r["other"], r["record"])
                       if r["label"] in self.model.record_labels else r["other"])
                for r in row["rels"]
            ]
        return result

    # --- versions, objections ------------------------------------------------------------

    def fact_versions(self, facts: Sequence[tuple[str, str]],
                      at: Moment) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
        wanted: dict[str, list[str]] = {}
        for section, fact in facts:
            wanted.setdefault(section, []).append(fact)
        recorded: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
        for section, keys in wanted.items():
            for row in self._read(self.queries.fact_versions[section], at, facts=keys):
                recorded.setdefault((section, row["fact"]), []).append(row["version"])
        return {key: one_per_version(versions) for key, versions in recorded.items()}

    def objections(self, abouts: Sequence[str],
                   at: Moment) -> dict[str, list[Mapping[str, Any]]]:
        result: dict[str, list[Mapping[str, Any]]] = {}
        for row in self._read(self.queries.objections, at, abouts=list(abouts)):
            result.setdefault(row["about"], []).append(row["objection"])
        return result

    def data_version(self) -> int:
        return self.store.data_version()

    # --- links -------------------------------------------------------------------------

    def links(self, ids: Sequence[str], at: Moment,
              types: Sequence[str] | None = None) -> list[Link]:
        rows = self._read(self.queries.links, at, ids=list(ids), day=at.day,
                          types=self._types(types))
        return [_link(r) for r in rows]

    def degrees(self, ids: Sequence[str], at: Moment,
                types: Sequence[str] | None = None) -> dict[str, int]:
        rows = self._read(self.queries.degrees, at, ids=list(ids), day=at.day,
                          types=self._types(types))
        return {r["id"]: int(r["degree"]) for r in rows}

    def link_page(self, node_id: str, at: Moment, types: Sequence[str] | None, offset: int,
                  first: int) -> list[Link]:
        rows = self._read(self.queries.page, at, id=node_id, day=at.day,
                          types=self._types(types), offset=offset, first=first)
        return [_link(r) for r in rows]

    def listed(self, ids: Sequence[str], at: Moment,
               lists: Sequence[str] | None = None) -> dict[str, list[Mapping[str, Any]]]:
        result: dict[str, list[Mapping[str, Any]]] = {}
        rows = self._read(self.queries.listed, at, ids=list(ids), day=at.day,
                          lists=list(lists) if lists is not None else None)
        for row in rows:
            result.setdefault(row["id"], []).append(row["entry"])
        return result

    def holdings(self, ids: Sequence[str], at: Moment, upward: bool) -> list[Holding]:
        text = self.queries.holders if upward else self.queries.holdings
        rows = self._read(text, at, ids=list(ids), day=at.day)
        return [Holding(r["holder"], r["held"], r["key"], r["percent"], r["props"]) for r in rows]

    # --- restriction facts ---------------------------------------------------------------

    def person_facts(self, person_ids: Sequence[str], plan: FactPlan, until: str,
                     at: Moment) -> Facts:
        rows = self._read(
            self.queries.person_facts, at, ids=sorted(person_ids), until=until,
            own=dict(plan.person_lists), lists=dict(plan.enterprise_lists),
            events=dict(plan.events), roles=sorted(plan.holder_roles),
        )
        facts = Facts()
        for row in rows:
            if row["what"] == "post":
                facts.appointments += _appointments([row])
            elif row["what"] == "list":
                facts.triggers.append(Trigger.from_list_entry(row["node"], row["link"]))
            else:
                facts.triggers.append(Trigger.from_event(row["node"], row["link"]))
        return facts

    def registry_triggers(self, plan: FactPlan, until: str, at: Moment) -> Facts:
        triggers = [Trigger.from_list_entry(r["node"], r["link"]) for r in self._read(
            self.queries.list_triggers, at, since=plan.lists, until=until)]
        triggers += [Trigger.from_event(r["node"], r["link"]) for r in self._read(
            self.queries.event_triggers, at, since=dict(plan.events), until=until)]
        enterprises = sorted({t.subject_id for t in triggers if t.subject_type == "enterprise"})
        holders = _appointments(self._read(self.queries.post_holders, at, ids=enterprises,
                                           roles=sorted(plan.holder_roles)))
        return Facts(triggers, holders)

    def id_numbers(self, person_ids: Sequence[str], at: Moment) -> dict[str, str | None]:
        rows = self._read(self.queries.id_numbers, at, ids=list(person_ids))
        return {r["id"]: r["number"] for r in rows}

    def current_posts(self, person_ids: Sequence[str], at: Moment) -> list[Appointment]:
        return _appointments(self._read(self.queries.current_posts, at, ids=sorted(person_ids),
                                        day=at.day))
