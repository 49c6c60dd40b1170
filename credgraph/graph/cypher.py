"""Cypher for the Neo4j store's writes and schema, built only from declared model names.

Values always travel as parameters; labels, types and property names come from
the YAML model and are backtick-quoted by `quote`.
"""

from __future__ import annotations

from credgraph.graph.model import ENTITY_LABEL, EdgeSchema, GraphModel, NodeSchema, quote

FULLTEXT_INDEX = "entity_names"
"""Full-text index over entity names with the CJK analyzer (bigrams find Chinese substrings)."""

_KEEP_LOADED_AT = (
    "SET {v}.loaded_at = CASE WHEN old_batch IS NOT NULL AND old_batch = row.props.batch_id "
    "THEN old_loaded ELSE row.props.loaded_at END"
)


def schema_statements(model: GraphModel) -> list[str]:
    """Constraints on every fact key (docs/data-format.md), lookup indexes and the name index."""
    statements = [
        f"CREATE CONSTRAINT entity_id IF NOT EXISTS "
        f"FOR (n:{quote(ENTITY_LABEL)}) REQUIRE n.id IS UNIQUE"
    ]
    for node in model.nodes.values():
        label = quote(node.label)
        if not node.entity:
            statements.append(
                f"CREATE CONSTRAINT {node.label.lower()}_id IF NOT EXISTS "
                f"FOR (n:{label}) REQUIRE n.{quote(node.key)} IS UNIQUE"
            )
        for prop in node.indexes:
            statements.append(
                f"CREATE INDEX {node.label.lower()}_{prop} IF NOT EXISTS "
                f"FOR (n:{label}) ON (n.{quote(prop)})"
            )
    for edge in model.edges.values():
        statements.append(
            f"CREATE CONSTRAINT {edge.type.lower()}_key IF NOT EXISTS "
            f"FOR ()-[r:{quote(edge.type)}]-() REQUIRE r.key IS UNIQUE"
        )
    labels = "|".join(quote(n.label) for n in model.nodes.values() if n.fulltext)
    props = sorted({p for n in model.nodes.values() for p in n.fulltext})
    statements.append(
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{labels}) "
        f"ON EACH [{', '.join('n.' + quote(p) for p in props)}] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
    )
    return statements


def _node_match(node: NodeSchema) -> str:
    label = ENTITY_LABEL if node.entity else node.label
    return f"(n:{quote(label)} {{{quote(node.key)}: row.id}})"


def upsert_nodes(node: NodeSchema) -> str:
    """Upsert rows `{id, props}` of one label; a re-load keeps the first loaded_at."""
    return (
        f"UNWIND $rows AS row MERGE {_node_match(node)} "
        "WITH n, row, n.batch_id AS old_batch, n.loaded_at AS old_loaded "
        f"SET n:{quote(node.label)}, n += row.props " + _KEEP_LOADED_AT.format(v="n")
    )


def create_placeholders(node: NodeSchema) -> str:
    """Create nodes a row refers to but no row defines; an existing node is left alone."""
    return (
        f"UNWIND $rows AS row MERGE {_node_match(node)} "
        f"ON CREATE SET n:{quote(node.label)}, n += row.props, n.placeholder = true"
    )


def upsert_edges(model: GraphModel, edge: EdgeSchema) -> str:
    """Upsert rows `{key, source, target, props}` of one relationship type.

    A key that comes back with other endpoints (a corrected registration) moves:
    the old relationship is deleted first, as the embedded store does.
    """
    source = quote(model.match_label(edge.source))
    target = quote(model.match_label(edge.target))
    rel = quote(edge.type)
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{source} {{id: row.source}}) MATCH (b:{target} {{id: row.target}}) "
        f"OPTIONAL MATCH (x)-[moved:{rel} {{key: row.key}}]->(y) WHERE x <> a OR y <> b "
        "FOREACH (_ IN CASE WHEN moved IS NULL THEN [] ELSE [1] END | DELETE moved) "
        f"MERGE (a)-[r:{rel} {{key: row.key}}]->(b) "
        "WITH r, row, r.batch_id AS old_batch, r.loaded_at AS old_loaded "
        "SET r += row.props " + _KEEP_LOADED_AT.format(v="r")
    )


def resolve_enterprises(model: GraphModel) -> str:
    """Find enterprises by USCC or legacy registration number."""
    entity, enterprise = quote(ENTITY_LABEL), quote(model.node("Enterprise").label)
    return (
        f"UNWIND $refs AS ref "
        f"OPTIONAL MATCH (byId:{entity} {{id: ref}}) WHERE byId:{enterprise} "
        f"OPTIONAL MATCH (byRegNo:{enterprise} {{reg_no: ref}}) "
        "WITH ref, coalesce(byId, byRegNo) AS e WHERE e IS NOT NULL "
        "RETURN ref, e.id AS id, e.registered_capital AS capital"
    )


def existing_entities() -> str:
    """Which ids name an enterprise, person or other holder, with its own label."""
    entity = quote(ENTITY_LABEL)
    return (
        f"UNWIND $ids AS id MATCH (n:{entity} {{id: id}}) "
        f"RETURN id, [label IN labels(n) WHERE label <> '{ENTITY_LABEL}'][0] AS label"
    )


def overfull_enterprises(model: GraphModel) -> str:
    """Enterprises whose open holdings add up to more than 100% (a data-quality warning)."""
    held = quote(model.node("Enterprise").label)
    return (
        f"MATCH ()-[r:{quote(model.edge('SHAREHOLDER').type)}]->(e:{held}) "
        "WHERE r.end IS NULL AND r.percent IS NOT NULL "
        "WITH e, sum(r.percent) AS total WHERE total > 100.0 + $tolerance "
        "RETURN e.id AS id, total ORDER BY id"
    )


def get_node(model: GraphModel) -> str:
    """One node by id, looked up through each key space's uniqueness index."""
    spaces = [ENTITY_LABEL] + [n.label for n in model.nodes.values() if not n.entity]
    lookups = " UNION ".join(f"MATCH (n:{quote(label)} {{id: $id}}) RETURN n" for label in spaces)
    return (
        f"CALL () {{ {lookups} }} "
        "RETURN properties(n) AS props, [l IN labels(n) WHERE l <> 'Entity'][0] AS label"
    )


def get_edge(edge: EdgeSchema) -> str:
    """One relationship by its key, found through the key's uniqueness index."""
    return (
        f"MATCH (a)-[r:{quote(edge.type)} {{key: $key}}]->(b) "
        "RETURN properties(r) AS props, a.id AS source, b.id AS target"
    )


def count_nodes(label: str) -> str:
    return f"MATCH (n:{quote(label)}) RETURN count(n) AS n"


def count_edges(rel_type: str) -> str:
    return f"MATCH ()-[r:{quote(rel_type)}]->() RETURN count(r) AS n"


DELETE_ALL = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


ALL_NODES = """
MATCH (n) RETURN [l IN labels(n) WHERE l <> $entity][0] AS label, properties(n) AS props
"""
"""Every node with its own label (a snapshot of the store)."""

ALL_EDGES = """
MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props
"""
"""Every relationship with the ids of its ends (a snapshot of the store)."""
