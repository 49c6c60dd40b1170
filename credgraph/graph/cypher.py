"""Cypher for the Neo4j store's writes, schema and maintenance reads, built only from
declared model names.

Values always travel as parameters; labels, types and property names come from
the YAML model and are backtick-quoted by `quote`. Every fact version is its own
elements (credgraph.graph.records), so writes only ever CREATE elements, set the
retraction time of the visible ones, or drop a version replaced within one extract.
"""

from __future__ import annotations

from collections.abc import Sequence

from credgraph.graph.model import (
    ENTITY_LABEL,
    NAME_RANK,
    NAME_TERMS,
    OBSOLETE_KEYS,
    RECORD_LABEL,
    SEARCH_KEYS,
    EdgeSchema,
    GraphModel,
    NodeSchema,
    quote,
)


def terms_index(node: NodeSchema) -> str:
    """The full-text index over a record label's name terms (`model.name_terms`), split at
    blanks only: a phrase of pairs finds any text in names, Chinese or not (a text of one
    sign: the terms starting with it), and a length term or range narrows it to names of
    those lengths. One per label, so that a text
    frequent in one label's names (enterprises') does not hide how rare it is in another's
    (persons')."""
    return f"{node.label.lower()}_{NAME_TERMS}"


def rank_index(node: NodeSchema) -> str:
    """The range index over a record label's rank keys: its versions in search order."""
    return f"{node.label.lower()}_{NAME_RANK}"


def obsolete_indexes(model: GraphModel) -> list[str]:
    """Indexes earlier versions created and nothing reads any more, dropped with the schema's
    statements: the full-text indexes over names with the CJK analyzer (over every record
    label, then one per label), which found only texts of Chinese signs, and the indexes of
    the rank keys in id order (`model.OBSOLETE_KEYS`)."""
    ranked = [node.label.lower() for node in model.nodes.values() if node.ranked]
    return ["record_names", *(f"{label}_names" for label in ranked),
            *(f"{label}_{key}" for label in ranked for key in OBSOLETE_KEYS)]


META_LABEL = "CredgraphMeta"
"""The one maintenance node: the store's data version."""


def search_index_statements(node: NodeSchema) -> dict[str, str]:
    """The indexes search reads a record label's names by (in rank order, and by terms),
    by name."""
    label = quote(node.label)
    return {rank_index(node): f"CREATE INDEX {rank_index(node)} IF NOT EXISTS FOR (n:{label}) "
                              f"ON (n.{quote(NAME_RANK)})",
            terms_index(node): f"CREATE FULLTEXT INDEX {terms_index(node)} IF NOT EXISTS "
                               f"FOR (n:{label}) ON EACH [n.{quote(NAME_TERMS)}] "
                               "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}"}


def schema_statements(model: GraphModel) -> dict[str, str]:
    """Constraints and indexes by name: unique identities, one element per fact version,
    lookups by fact key, record owner and declared properties. A constraint's index has the
    constraint's name, so the names of SHOW INDEXES say which are there. Search's indexes
    come apart (search_index_statements), after the search keys."""
    statements = {
        "entity_id": f"CREATE CONSTRAINT entity_id IF NOT EXISTS "
                     f"FOR (n:{quote(ENTITY_LABEL)}) REQUIRE n.id IS UNIQUE",
        "meta_id": f"CREATE CONSTRAINT meta_id IF NOT EXISTS "
                   f"FOR (n:{quote(META_LABEL)}) REQUIRE n.id IS UNIQUE",
        "record_of": f"CREATE INDEX record_of IF NOT EXISTS "
                     f"FOR (n:{quote(RECORD_LABEL)}) ON (n.of)",
    }
    for node in model.nodes.values():
        label, name = quote(node.label), node.label.lower()
        if node.log:
            statements[f"{name}_key"] = (f"CREATE CONSTRAINT {name}_key IF NOT EXISTS "
                                         f"FOR (n:{label}) REQUIRE n.{quote(node.key)} IS UNIQUE")
        if node.versioned:
            statements[f"{name}_version"] = (
                f"CREATE CONSTRAINT {name}_version IF NOT EXISTS FOR (n:{label}) "
                f"REQUIRE (n.{quote(node.key)}, n.rec) IS UNIQUE")
            statements[f"{name}_fact"] = (f"CREATE INDEX {name}_fact IF NOT EXISTS "
                                          f"FOR (n:{label}) ON (n.fact)")
        for prop in (*node.indexes, *node.lookups):
            statements[f"{name}_{prop}"] = (f"CREATE INDEX {name}_{prop} IF NOT EXISTS "
                                            f"FOR (n:{label}) ON (n.{quote(prop)})")
    for edge in model.edges.values():
        rel, name = quote(edge.type), edge.type.lower()
        statements[f"{name}_version"] = (f"CREATE CONSTRAINT {name}_version IF NOT EXISTS "
                                         f"FOR ()-[r:{rel}]-() REQUIRE (r.key, r.rec) IS UNIQUE")
        statements[f"{name}_fact"] = (f"CREATE INDEX {name}_fact IF NOT EXISTS "
                                      f"FOR ()-[r:{rel}]-() ON (r.fact)")
    return statements


def drop_index(name: str) -> str:
    """Drop an index (one of `obsolete_indexes`) by name."""
    return f"DROP INDEX {name} IF EXISTS"


def _node_element(node: NodeSchema, var: str, fact: str = "row.fact") -> str:
    return f"({var}:{quote(node.label)} {{fact: {fact}}})"


def _edge_element(edge: EdgeSchema, var: str, fact: str = "row.fact") -> str:
    return f"()-[{var}:{quote(edge.type)} {{fact: {fact}}}]->()"


def _element(schema: NodeSchema | EdgeSchema, var: str, fact: str = "row.fact") -> str:
    if isinstance(schema, NodeSchema):
        return _node_element(schema, var, fact)
    return _edge_element(schema, var, fact)


def merge_identities(node: NodeSchema) -> str:
    """Create entities that are missing; identifiers given are set (never values)."""
    return (f"UNWIND $rows AS row MERGE (n:{quote(ENTITY_LABEL)} {{id: row.id}}) "
            f"SET n:{quote(node.label)}, n += row.props")


def retire(schema: NodeSchema | EdgeSchema) -> str:
    """Set the retraction time (and why, when given) of the visible elements of the facts in
    `$rows`."""
    return (f"UNWIND $rows AS row MATCH {_element(schema, 'x')} "
            "WHERE x.ret IS NULL SET x.ret = row.at, x.ret_reason = row.reason")


def drop(schema: NodeSchema | EdgeSchema) -> str:
    """Delete the elements of one version of each fact in `$rows` (replaced in one extract)."""
    removal = "DETACH DELETE x" if isinstance(schema, NodeSchema) else "DELETE x"
    return f"UNWIND $rows AS row MATCH {_element(schema, 'x')} WHERE x.rec = row.rec {removal}"


def write_log(node: NodeSchema) -> str:
    """Write log entries `{id, props}` of a log label: an entry of the same id is replaced."""
    return (f"UNWIND $rows AS row MERGE (n:{quote(node.label)} {{{quote(node.key)}: row.id}}) "
            "SET n = row.props")


def log_entries(node: NodeSchema) -> str:
    """Every entry of a log label, in id order."""
    return (f"MATCH (n:{quote(node.label)}) RETURN properties(n) AS props "
            f"ORDER BY n.{quote(node.key)}")


def create_nodes(node: NodeSchema) -> str:
    """Create one node per row `{props}` (a fact version's node; records also get Record)."""
    labels = quote(node.label) + (f":{quote(RECORD_LABEL)}" if node.record_of else "")
    return f"UNWIND $rows AS row CREATE (n:{labels}) SET n = row.props"


def _end(model: GraphModel, labels: tuple[str, ...], var: str, ref: str) -> str:
    """Match a relationship end: an entity by id, or the node of the same fact version."""
    if all(model.node(label).entity for label in labels):
        return f"MATCH ({var}:{quote(ENTITY_LABEL)} {{id: {ref}}})"
    node = model.node(model.match_label(labels))
    return f"MATCH ({var}:{quote(node.label)} {{{quote(node.key)}: {ref}, rec: row.props.rec}})"


def create_edges(model: GraphModel, edge: EdgeSchema) -> str:
    """Create one relationship per row `{source, target, props}` (a fact version's link)."""
    return (f"UNWIND $rows AS row {_end(model, edge.source, 'a', 'row.source')} "
            f"{_end(model, edge.target, 'b', 'row.target')} "
            f"CREATE (a)-[r:{quote(edge.type)}]->(b) SET r = row.props")


def set_empty_list(schema: NodeSchema | EdgeSchema, prop: str) -> str:
    """Set a property to the empty list on the elements `$rows` name by key and recorded
    time (after a bulk import: an import file cannot hold an empty list)."""
    if isinstance(schema, NodeSchema):
        element = f"(x:{quote(schema.label)} {{{quote(schema.key)}: row.key, rec: row.rec}})"
    else:
        element = f"()-[x:{quote(schema.type)} {{key: row.key, rec: row.rec}}]->()"
    return f"UNWIND $rows AS row MATCH {element} SET x.{quote(prop)} = []"


ANY_NODE = "MATCH (n) RETURN 1 AS found LIMIT 1"
"""Whether the database holds anything (a bulk load only fills an empty one)."""

AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"
"""Wait until every index is online (populated)."""

INDEXES = "SHOW INDEXES YIELD name, state RETURN name, state"
"""The indexes there are, constraints' own included (a database written before one was
declared lacks it), and whether each is populated (ONLINE)."""

_UNKEYED = " OR ".join(f"r.{quote(key)} IS NULL" for key in SEARCH_KEYS)

ANY_UNKEYED = f"MATCH (r:{quote(RECORD_LABEL)}) WHERE {_UNKEYED} RETURN 1 AS found LIMIT 1"
"""Whether some record version lacks a search key (a database written before they existed)."""

UNKEYED = f"""
MATCH (r:{quote(RECORD_LABEL)}) WHERE r.of > $after
WITH DISTINCT r.of AS of ORDER BY of LIMIT $batch
WITH collect(of) AS page
CALL (page) {{
  UNWIND page AS of
  MATCH (r:{quote(RECORD_LABEL)} {{of: of}}) WHERE {_UNKEYED}
  RETURN collect({{element: elementId(r), label: [l IN labels(r) WHERE l <> '{RECORD_LABEL}'][0],
                   props: properties(r)}}) AS unkeyed
}}
RETURN page[-1] AS last, unkeyed
"""
"""The record versions lacking a search key among those of the next `$batch` entities after
`$after` (in id order, through the record owner index), and the last entity of the page."""

SET_SEARCH_KEYS = ("UNWIND $rows AS row MATCH (r) WHERE elementId(r) = row.element "
                   "SET r += row.keys REMOVE "
                   + ", ".join(f"r.{quote(key)}" for key in OBSOLETE_KEYS))
"""Give record versions (by element id) their search keys, in place of obsolete ones."""

BUMP_VERSION = f"""
MERGE (m:{quote(META_LABEL)} {{id: 'store'}}) ON CREATE SET m.data_version = 0
SET m.data_version = m.data_version + 1
"""
"""Raise the data version, in the transaction of the change set that changed facts."""

DATA_VERSION = f"OPTIONAL MATCH (m:{quote(META_LABEL)} {{id: 'store'}}) RETURN m.data_version AS v"


def heads(schemas: Sequence[NodeSchema | EdgeSchema]) -> str:
    """The latest version (by recorded time) of each fact in `$facts<i>` among the elements
    of `schemas[i]`, one list `heads<i>` per schema: a chunk's heads, of every section and
    schema its rows touch, in one round trip."""
    return "RETURN " + ", ".join(
        f"COLLECT {{ UNWIND $facts{i} AS f CALL (f) {{ MATCH {_element(schema, 'x', 'f')} "
        "RETURN x ORDER BY x.rec DESC LIMIT 1 } "
        "RETURN {fact: f, rec: x.rec, ret: x.ret, h: x.h, source: x.source, "
        f"placeholder: coalesce(x.placeholder, false)}} }} AS heads{i}"
        for i, schema in enumerate(schemas))


def visible_facts(schema: NodeSchema | EdgeSchema) -> str:
    """Facts of one schema's elements supplied by `$source`, not retracted, not references."""
    element = (f"(x:{quote(schema.label)})" if isinstance(schema, NodeSchema)
               else f"()-[x:{quote(schema.type)}]->()")
    return (f"MATCH {element} WHERE x.source = $source AND x.ret IS NULL "
            "AND NOT coalesce(x.placeholder, false) RETURN DISTINCT x.fact AS fact")


def references(model: GraphModel) -> str:
    """What a chunk of rows names, in one round trip: `enterprises`, those of `$refs` (USCC
    or legacy registration number) whose registration is visible now, with their id and
    registered capital; `entities`, those of `$ids` that name an enterprise, person or
    other holder, with its own label."""
    entity, enterprise = quote(ENTITY_LABEL), quote(model.node("Enterprise").label)
    record = quote(model.node(model.record_labels["Enterprise"]).label)
    return (
        f"RETURN COLLECT {{ UNWIND $refs AS ref "
        f"OPTIONAL MATCH (byId:{entity} {{id: ref}}) WHERE byId:{enterprise} "
        f"OPTIONAL MATCH (byRegNo:{enterprise} {{reg_no: ref}}) "
        "WITH ref, coalesce(byId, byRegNo) AS e WHERE e IS NOT NULL "
        f"MATCH (r:{record} {{of: e.id}}) WHERE r.ret IS NULL "
        "RETURN {ref: ref, id: e.id, capital: r.registered_capital} } AS enterprises, "
        f"COLLECT {{ UNWIND $ids AS id MATCH (n:{entity} {{id: id}}) "
        f"RETURN {{id: id, label: [label IN labels(n) WHERE label <> '{ENTITY_LABEL}'][0]}} }} "
        "AS entities"
    )


def overfull_enterprises(model: GraphModel) -> str:
    """Enterprises among `$ids` whose open, visible holdings add up to more than 100% (a
    data-quality warning)."""
    entity, held = quote(ENTITY_LABEL), quote(model.node("Enterprise").label)
    return (
        f"UNWIND $ids AS id MATCH (e:{entity} {{id: id}}) WHERE e:{held} "
        f"MATCH ()-[r:{quote(model.edge('SHAREHOLDER').type)}]->(e) "
        "WHERE r.end IS NULL AND r.ret IS NULL AND r.percent IS NOT NULL "
        "WITH e, sum(r.percent) AS total WHERE total > 100.0 + $tolerance "
        "RETURN e.id AS id, total ORDER BY id"
    )


def get_entity(model: GraphModel) -> str:
    """An entity's identifiers and its visible record, with its label."""
    records = "|".join(quote(label) for label in model.record_labels.values())
    return (f"MATCH (n:{quote(ENTITY_LABEL)} {{id: $id}}) "
            f"MATCH (r:{records} {{of: n.id}}) WHERE r.ret IS NULL "
            f"RETURN properties(r) AS record, properties(n) AS identity, "
            f"[l IN labels(n) WHERE l <> '{ENTITY_LABEL}'][0] AS label")


def get_fact_node(model: GraphModel) -> str:
    """The visible version of a fact node (list entry, penalty, event ...) by its id."""
    lookups = " UNION ".join(
        f"MATCH (n:{quote(n.label)} {{{quote(n.key)}: $id}}) WHERE n.ret IS NULL RETURN n"
        for n in model.nodes.values() if n.versioned and not n.record_of)
    return f"CALL () {{ {lookups} }} RETURN properties(n) AS props, labels(n)[0] AS label"


def get_edge(edge: EdgeSchema) -> str:
    """The visible version of a relationship by its key."""
    return (
        f"MATCH (a)-[r:{quote(edge.type)} {{key: $key}}]->(b) WHERE r.ret IS NULL "
        "RETURN properties(r) AS props, a.id AS source, b.id AS target"
    )


def count_nodes(label: str) -> str:
    return f"MATCH (n:{quote(label)}) RETURN count(n) AS n"


def count_edges(rel_type: str) -> str:
    return f"MATCH ()-[r:{quote(rel_type)}]->() RETURN count(r) AS n"


DELETE_ALL = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"

ALL_NODES = f"""
MATCH (n) WHERE NOT n:{quote(META_LABEL)} AND none(l IN labels(n) WHERE l IN $log)
RETURN [l IN labels(n) WHERE NOT l IN $shared][0] AS label, properties(n) AS props
"""
"""Every node with its own label (a snapshot of the store), the log labels `$log` left out."""

ALL_EDGES = """
MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props
"""
"""Every relationship with the ids of its ends (a snapshot of the store)."""
