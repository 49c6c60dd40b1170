"""Explorer fetches over Neo4j: each one parameterised read query.

As in credgraph.queries.links.neo4j: labels and relationship types come from
the graph model and are backtick-quoted (an undeclared name raises ValueError
when the queries are built), values (ids, the day, the selected
types, offsets) always travel as parameters, and every query goes through
`Neo4jStore.read` (routing, time limit, error wrapping).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from credgraph.graph.model import ENTITY_LABEL, GraphModel, quote
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.queries.explore.base import Explorer
from credgraph.queries.links.results import LINK_FIELDS, Link
from credgraph.queries.time import in_force_cypher

ENTITY = quote(ENTITY_LABEL)
PROJECTION = ", ".join("." + quote(f) for f in LINK_FIELDS)


@dataclass(frozen=True, slots=True)
class ExploreQueries:
    """The Cypher built from the model once per explorer."""

    degrees: str
    expand: str
    page: str
    lists: str


def explore_queries(model: GraphModel) -> ExploreQueries:
    links = "|".join(quote(model.edge(t).type) for t in model.link_types)
    listed = quote(model.edge("LISTED").type)
    entry = quote(model.node("ListEntry").label)
    wanted = f"m <> n AND type(r) IN $types AND {in_force_cypher('r', 'day')}"
    returned = (f"type(r) AS type, r.key AS key, startNode(r).id AS source, "
                f"endNode(r).id AS target, r {{{PROJECTION}}} AS props")
    return ExploreQueries(
        degrees=f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})
RETURN id, COUNT {{ (n)-[r:{links}]-(m) WHERE {wanted} }} AS degree
""",
        expand=f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})-[r:{links}]-(m)
WHERE {wanted}
RETURN DISTINCT {returned}
""",
        page=f"""
MATCH (n:{ENTITY} {{id: $id}})-[r:{links}]-(m)
WHERE {wanted}
RETURN {returned}
ORDER BY type, key
SKIP $offset LIMIT $first
""",
        lists=f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})-[r:{listed}]->(e:{entry})
WHERE {in_force_cypher('r', 'day')}
RETURN id, collect(DISTINCT e.list) AS lists
""",
    )


def _link(row: dict[str, Any]) -> Link:
    return Link(row["type"], row["key"], row["source"], row["target"], row["props"])


class Neo4jExplorer(Explorer):
    def __init__(self, store: Neo4jStore) -> None:
        super().__init__(store)
        self.neo4j = store
        self.queries = explore_queries(self.model)

    def _degrees(self, ids: Sequence[str], day: str, types: Sequence[str]) -> dict[str, int]:
        rows = self.neo4j.read(self.queries.degrees, ids=list(ids), day=day, types=list(types))
        return {r["id"]: int(r["degree"]) for r in rows}

    def _expand(self, ids: Sequence[str], day: str, types: Sequence[str]) -> list[Link]:
        rows = self.neo4j.read(self.queries.expand, ids=list(ids), day=day, types=list(types))
        return [_link(r) for r in rows]

    def _page(self, node_id: str, day: str, types: Sequence[str], offset: int,
              first: int) -> list[Link]:
        rows = self.neo4j.read(self.queries.page, id=node_id, day=day, types=list(types),
                               offset=offset, first=first)
        return [_link(r) for r in rows]

    def _lists(self, ids: Sequence[str], day: str) -> dict[str, set[str]]:
        rows = self.neo4j.read(self.queries.lists, ids=list(ids), day=day)
        return {r["id"]: set(r["lists"]) for r in rows}
