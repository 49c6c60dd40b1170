"""Link analysis over Neo4j: each fetch is one parameterised read query.

Labels and relationship types come from the graph model (`load_model()`, or
the store's model for the queries built per analysis object) and are
backtick-quoted, so a name the model does not declare cannot reach a query;
values always travel as parameters. Every query goes through
`Neo4jStore.read`, which routes it to readers, gives it the server-side time
limit and wraps driver errors in StoreError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from credgraph.graph.cypher import FULLTEXT_INDEX
from credgraph.graph.model import ENTITY_LABEL, GraphModel, load_model, quote
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.queries.links.base import (
    LinkAnalysis,
    neighbourhood,
    pledge_party_ids,
    search_order,
    search_tier,
)
from credgraph.queries.links.results import (
    LINK_FIELDS,
    OWNERSHIP,
    Entity,
    Holding,
    Link,
    Neighbourhood,
    RawRel,
    SearchHit,
    entity,
)
from credgraph.queries.time import in_force_cypher

_HAN_ONLY = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,}$")
"""Texts the CJK full-text index finds every containing name for (all their bigrams match)."""

_LABEL = f"[l IN labels({{v}}) WHERE l <> '{ENTITY_LABEL}'][0]"


def _label_of(var: str) -> str:
    return _LABEL.format(v=var)


def _link_pattern(model: GraphModel) -> str:
    """`A`|`B`|... over the model's link types."""
    return "|".join(quote(t) for t in model.link_types)


def _link_projection(var: str) -> str:
    """The relationship properties a path step carries, as a map."""
    return f"{var} {{{', '.join('.' + quote(f) for f in LINK_FIELDS)}}}"


def _label(model: GraphModel, name: str) -> str:
    """A declared node label, quoted; ValueError when the model has no such label."""
    return quote(model.node(name).label)


def _type(model: GraphModel, name: str) -> str:
    """A declared relationship type, quoted; ValueError when the model has no such type."""
    return quote(model.edge(name).type)


MODEL = load_model()
ENTITY = quote(ENTITY_LABEL)
ENTERPRISE = _label(MODEL, "Enterprise")

ENTITIES = f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})
RETURN id, {_label_of("n")} AS label, properties(n) AS props
"""
"""Enterprises, persons and other holders by id (through the Entity id constraint)."""

NEIGHBOURHOODS = f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})
RETURN id, {_label_of("n")} AS label, properties(n) AS props,
  COLLECT {{ MATCH (n)-[r]->(o) RETURN {{type: type(r), key: r.key, outgoing: true,
             props: properties(r), other: properties(o), label: {_label_of("o")}}} }} +
  COLLECT {{ MATCH (n)<-[r]-(o) WHERE o <> n RETURN {{type: type(r), key: r.key, outgoing: false,
             props: properties(r), other: properties(o), label: {_label_of("o")}}} }} AS rels
"""
"""Every relationship at each node with the node at its other end (self-loops once, outgoing)."""

SEARCH_IDS = f"""
CALL () {{
  MATCH (n:{ENTITY} {{id: $id}}) RETURN n
  UNION
  MATCH (n:{ENTERPRISE} {{uscc: $id}}) RETURN n
  UNION
  MATCH (n:{ENTERPRISE} {{reg_no: $id}}) RETURN n
}}
RETURN {_label_of("n")} AS label, properties(n) AS props
"""
"""Exact matches of a search text on id, USCC or registration number (all indexed)."""

_NAME_RANKED = """
WITH n, CASE WHEN n.name_norm = $name THEN 1
             WHEN n.name_norm STARTS WITH $name THEN 2 ELSE 3 END AS tier
RETURN {label} AS label, properties(n) AS props
ORDER BY tier, size(n.name_norm), n.id
LIMIT $limit
""".format(label=_label_of("n"))

SEARCH_NAMES_FULLTEXT = f"""
CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node AS n
WITH n WHERE n.name_norm CONTAINS $name
{_NAME_RANKED}"""
"""Name matches through the CJK full-text index, then held to plain substring semantics."""

SEARCH_NAMES_SCAN = f"""
MATCH (n:{ENTITY}) WHERE n.name_norm CONTAINS $name
{_NAME_RANKED}"""
"""Name matches the full-text index cannot be trusted to find all of (one Han sign, Latin)."""

RESOLVE_ENTERPRISE = f"""
OPTIONAL MATCH (byId:{ENTITY} {{id: $ref}}) WHERE byId:{ENTERPRISE}
OPTIONAL MATCH (byRegNo:{ENTERPRISE} {{reg_no: $ref}})
WITH coalesce(byId, byRegNo) AS e WHERE e IS NOT NULL
RETURN e.id AS id
"""


@dataclass(frozen=True, slots=True)
class LinkQueries:
    """The Cypher built from the model once per analysis object."""

    expand: str
    degrees: str
    listed: str
    holders: str
    holdings: str


def link_queries(model: GraphModel) -> LinkQueries:
    links = _link_pattern(model)
    return LinkQueries(
        expand=f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})-[r:{links}]-(m)
WHERE m <> n AND {in_force_cypher("r", "day")}
RETURN DISTINCT type(r) AS type, r.key AS key, startNode(r).id AS source,
       endNode(r).id AS target, {_link_projection("r")} AS props
""",
        degrees=f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})
RETURN id, COUNT {{ (n)-[r:{links}]-(m) WHERE m <> n AND {in_force_cypher("r", "day")} }}
       AS degree
""",
        listed=f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})-[r:{_type(model, "LISTED")}]->(e:{_label(model, "ListEntry")})
WHERE {in_force_cypher("r", "day")} AND e.list IN $lists
RETURN id, properties(e) AS entry
ORDER BY id, entry.id
""",
        holders=_holdings_query(model, upward=True),
        holdings=_holdings_query(model, upward=False),
    )


def _holdings_query(model: GraphModel, upward: bool) -> str:
    """In-force holdings into (upward) or out of the nodes `$ids`."""
    owns = _type(model, OWNERSHIP)
    pattern = (f"(h:{ENTITY})-[r:{owns}]->(e:{ENTITY} {{id: id}})" if upward
               else f"(h:{ENTITY} {{id: id}})-[r:{owns}]->(e:{ENTITY})")
    return f"""
UNWIND $ids AS id
MATCH {pattern}
WHERE {in_force_cypher("r", "day")}
RETURN h.id AS holder, e.id AS held, r.key AS key, r.percent AS percent,
       {_link_projection("r")} AS props
"""


def lucene_phrase(text: str) -> str | None:
    """A phrase query for texts of Han signs only (no Lucene syntax can occur in them)."""
    return f'"{text}"' if _HAN_ONLY.match(text) else None


class Neo4jLinks(LinkAnalysis):
    def __init__(self, store: Neo4jStore) -> None:
        super().__init__(store)
        self.neo4j = store
        self.queries = link_queries(self.model)

    def _read(self, text: str, **params: Any) -> list[dict[str, Any]]:
        return self.neo4j.read(text, **params)

    def entities(self, ids: Sequence[str]) -> dict[str, Entity]:
        if not ids:
            return {}
        rows = self._read(ENTITIES, ids=list(ids))
        return {r["id"]: entity(r["label"], r["props"]) for r in rows}

    def neighbourhoods(self, ids: Sequence[str]) -> dict[str, Neighbourhood]:
        if not ids:
            return {}
        result: dict[str, Neighbourhood] = {}
        for row in self._read(NEIGHBOURHOODS, ids=list(ids)):
            rels = [RawRel(r["type"], r["key"], r["outgoing"], r["props"], r["label"], r["other"])
                    for r in row["rels"]]
            parties = self.entities(sorted(pledge_party_ids(row["id"], rels)))
            result[row["id"]] = neighbourhood(entity(row["label"], row["props"]), rels, parties)
        return result

    def _search(self, text_id: str, text_name: str, first: int) -> list[SearchHit]:
        exact = [entity(r["label"], r["props"]) for r in self._read(SEARCH_IDS, id=text_id)]
        phrase = lucene_phrase(text_name)
        limit = first + len(exact)
        if phrase is not None:
            rows = self._read(SEARCH_NAMES_FULLTEXT, index=FULLTEXT_INDEX, lucene=phrase,
                              name=text_name, limit=limit)
        else:
            rows = self._read(SEARCH_NAMES_SCAN, name=text_name, limit=limit)
        found = {e.id: e for e in exact}
        for row in rows:
            named = entity(row["label"], row["props"])
            found.setdefault(named.id, named)
        ranked: list[tuple[int, Entity]] = []
        for candidate in found.values():
            tier = search_tier(candidate, text_id, text_name)
            if tier is not None:
                ranked.append((tier, candidate))
        ranked.sort(key=search_order)
        return [SearchHit(e, "id" if tier == 0 else "name") for tier, e in ranked[:first]]

    def _resolve_enterprise(self, ref: str) -> str | None:
        rows = self._read(RESOLVE_ENTERPRISE, ref=ref)
        return str(rows[0]["id"]) if rows else None

    def _expand(self, ids: Sequence[str], day: str) -> list[Link]:
        rows = self._read(self.queries.expand, ids=list(ids), day=day)
        return [Link(r["type"], r["key"], r["source"], r["target"], r["props"]) for r in rows]

    def _degrees(self, ids: Sequence[str], day: str) -> dict[str, int]:
        rows = self._read(self.queries.degrees, ids=list(ids), day=day)
        return {r["id"]: int(r["degree"]) for r in rows}

    def _listed(self, ids: Sequence[str], day: str,
                lists: Sequence[str]) -> dict[str, list[Mapping[str, Any]]]:
        result: dict[str, list[Mapping[str, Any]]] = {}
        for row in self._read(self.queries.listed, ids=list(ids), day=day, lists=list(lists)):
            result.setdefault(row["id"], []).append(row["entry"])
        return result

    def _holdings(self, ids: Sequence[str], day: str, upward: bool) -> list[Holding]:
        text = self.queries.holders if upward else self.queries.holdings
        rows = self._read(text, ids=list(ids), day=day)
        return [Holding(r["holder"], r["held"], r["key"], r["percent"], r["props"]) for r in rows]
