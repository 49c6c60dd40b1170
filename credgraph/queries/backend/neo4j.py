"""The backend over Neo4j: each fetch is one parameterised read query.

Labels and relationship types come from the graph model and are backtick-quoted
(`credgraph.graph.model.quote`), so a name the model does not declare cannot
reach a query; values always travel as parameters. Every query goes through
`Neo4jStore.read`, which routes it to readers, gives it the server-side time
limit and wraps driver errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from credgraph.graph.contacts import CONTACT_KINDS, norm_property
from credgraph.graph.cypher import terms_index
from credgraph.graph.model import (
    ENTITY_LABEL,
    LOAD_RUN,
    NAME_RANK,
    RANK_DIGITS,
    RECORD_LABEL,
    GraphModel,
    NodeSchema,
    length_term,
    quote,
    rank_prefix,
    term_signs,
    text_terms,
    without_search_keys,
)
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.queries.backend.base import (
    Backend,
    FactPlan,
    Sharing,
    brief_props,
    capped,
    entity_props,
    one_per_version,
    search_order,
    search_tier,
)
from credgraph.queries.links.results import (
    EVERY_SECTION,
    LINK_FIELDS,
    MAX_DEPTH,
    OWNERSHIP,
    PERSON_FIRM_READS,
    Around,
    Closure,
    Entity,
    Holding,
    Link,
    LinkLevel,
    PersonReach,
    RawRel,
    SectionReads,
    Surroundings,
    Toward,
    entity,
)
from credgraph.queries.restrictions.facts import POSTS, Appointment, Facts, Trigger
from credgraph.queries.time import Moment, in_force_cypher
from credgraph.settings import StoreKind


def label_of(var: str) -> str:
    """A node's own label (Enterprise, Person ...), without the shared Entity label."""
    return f"[l IN labels({var}) WHERE l <> '{ENTITY_LABEL}'][0]"


def link_projection(var: str) -> str:
    """The relationship properties a path step or holding carries, as a map."""
    return f"{var} {{{', '.join('.' + quote(f) for f in LINK_FIELDS)}}}"


def lucene_phrase(terms: Sequence[str]) -> str:
    """A phrase query of name terms (`model.text_terms`) for the query parser."""
    quoted = (term.replace("\\", "\\\\").replace('"', '\\"') for term in terms)
    return '"' + " ".join(quoted) + '"'


_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def lucene_containing(text: str) -> str:
    """The full-text query for names containing `text` (not empty): the phrase of its pairs;
    for a text of one sign, which has none, every term starting with it (the pairs it
    begins and a name's last sign: `model.name_terms`)."""
    if len(text) > 1:
        return lucene_phrase(text_terms(text, starting=False))
    return _LUCENE_SPECIAL.sub(r"\\\1", term_signs(text)) + "*"


SEARCH_LENGTHS = 40
"""How many name lengths a search that finds many names reads one at a time, from the
text's own up, before it reads every longer name at once (`length_windows`)."""

_AFTER_EVERY_RANK = "9" * RANK_DIGITS + "\uffff"
"""Above every rank key (names are shorter than 10**RANK_DIGITS - 1 signs)."""


def length_windows(shortest: int, singles: int = SEARCH_LENGTHS) -> list[dict[str, str]]:
    """The windows of name lengths a search reads in turn (`$lengths`): `singles` of one
    length each from `shortest` up, then every longer name at once. Each has the query
    clause that narrows the terms index to them (`terms`) and their range of rank keys
    (`low` <= key < `high`)."""
    longer = shortest + singles
    windows = [{"terms": length_term(n), "low": rank_prefix(n), "high": rank_prefix(n + 1)}
               for n in range(shortest, longer)]
    last = 10**RANK_DIGITS - 1
    return [*windows, {"terms": f"[{length_term(longer)} TO {length_term(last)}]",
                       "low": rank_prefix(longer), "high": _AFTER_EVERY_RANK}]


SEARCH_SCAN = 100
"""How many of a label's first records in rank order a search for a text in names looks at
before it asks the full-text index (`$scan`): enough to answer a text found in a fifth of
them or more (市, 有限, 公司: the full-text index would score every name holding it), cheap
when it is rarer. Measured at 300,000 enterprises (docs/benchmarks.md): 1,000 cost a search
more Neo4j CPU than it saved, 30 to 100 the least."""

SEARCH_SEEDS = 500
"""How many candidates a search takes from an index of names (`$k`): when fewer come, they are
every record that can match; when that many come (a frequent text), the names are read
shortest first instead (`ranked_matches`), which stops at the first ones. Fewer candidates
cost less to hand over; more keep that walk short in a window of lengths (its matches are at
least `$k`). Measured at 300,000 enterprises (docs/benchmarks.md): 200 to 500 cost about half
the Neo4j CPU of 2,000."""


def ranked_matches(node: NodeSchema, predicate: str, seeds: str, lucene: str) -> str:
    """The first `$limit` record versions (`r`) of a label visible at `$known` whose name
    meets `predicate`, in rank order (name length, the id's digest, the id: `rank_key`).

    `seeds` yields at most `$k` candidates `r` (visible or not) from an index of names: when
    fewer come they hold every match, filtered and sorted here. Else the names are read one
    window of lengths at a time (`$lengths`, shortest first) until `$limit` match: from the
    label's terms index (the query parameter `lucene`) when fewer than `$k` of them hold the
    text, else from the rank index over that window's range (the text is frequent there, so
    the walk is short)."""
    label, rank = quote(node.label), quote(NAME_RANK)
    # Each walk is a subquery of its own so that it runs only when its branch is taken.
    return f"""
  CALL () {{ CALL () {{ {seeds} }} RETURN collect(r) AS seeds }}
  CALL (seeds) {{
    WITH seeds WHERE size(seeds) < $k
    UNWIND seeds AS r
    WITH r WHERE {predicate} AND {visible("r")}
    RETURN r ORDER BY r.{rank} LIMIT $limit
    UNION ALL
    WITH seeds WHERE size(seeds) >= $k
    CALL () {{
      UNWIND $lengths AS window
      CALL (window) {{
        CALL (window) {{
          CALL db.index.fulltext.queryNodes('{terms_index(node)}',
                                            {lucene} + ' AND ' + window.terms, {{limit: $k}})
          YIELD node AS r RETURN collect(r) AS held
        }}
        CALL (held, window) {{
          WITH held WHERE size(held) < $k
          UNWIND held AS r
          WITH r WHERE {predicate} AND {visible("r")}
          RETURN r ORDER BY r.{rank} LIMIT $limit
          UNION ALL
          WITH held, window WHERE size(held) >= $k
          CALL (window) {{
            MATCH (r:{label}) USING INDEX r:{label}({rank})
            WHERE r.{rank} >= window.low AND r.{rank} < window.high
              AND {predicate} AND {visible("r")}
            RETURN r ORDER BY r.{rank} LIMIT $limit
          }}
          RETURN r
        }}
        RETURN r
      }}
      RETURN r LIMIT $limit
    }}
    RETURN r
  }}
  RETURN r"""


def walk_first(node: NodeSchema, predicate: str, seeds: str, lucene: str) -> str:
    """`ranked_matches` with seeds, after a look at the label's first `$scan` records in rank
    order: when `$limit` of them match, they are the answer (a text in many names: an index of
    names would hand over every one of them, a full-text index scores them all)."""
    label, rank = quote(node.label), quote(NAME_RANK)
    return f"""
  CALL () {{
    MATCH (r:{label}) USING INDEX r:{label}({rank}) WHERE r.{rank} >= ''
    WITH r ORDER BY r.{rank} LIMIT $scan
    WITH r WHERE {predicate} AND {visible("r")}
    RETURN collect(r) AS early
  }}
  CALL (early) {{
    WITH early WHERE size(early) >= $limit
    UNWIND early AS r
    RETURN r ORDER BY r.{rank} LIMIT $limit
    UNION ALL
    WITH early WHERE size(early) < $limit
    CALL () {{{ranked_matches(node, predicate, seeds, lucene)}
    }}
    RETURN r
  }}
  RETURN r"""


def each_label(model: GraphModel, part: Callable[[NodeSchema], str]) -> str:
    """A query part per record label with a ranked name, their rows (`r`) together."""
    return "CALL () {" + "\n  UNION ALL".join(
        part(n) for n in model.nodes.values() if n.ranked) + "\n}"


@dataclass(frozen=True, slots=True)
class Queries:
    """The backend's Cypher, built once from the model."""

    entities: str
    brief_entities: str
    id_numbers: str
    entity_ids: str
    enterprise_ids: str
    resolve: str
    search: str
    """The candidates of a search, in one statement (`search_query`)."""
    relations: str
    surroundings: str
    """`relations` of `$ids` kept by `$reads` (`reads_param`), with their pledge parties."""
    resolve_ref: str
    """The enterprise `$ref` names (`resolve_enterprises`), as `ref` and `id`: to begin a
    lookup's statement."""
    enterprise_surroundings: str
    """`surroundings` of the enterprise `$ref` names."""
    enterprise_and_holders: str
    """`enterprise_surroundings` with its holders' (`holder_ids`, `$holding`) as `holders`,
    a list of maps, kept by `$holderReads`."""
    person_reach: str
    """`surroundings` of the person `$id` (of label `$person`), the holding closure downward
    from it (`closure_query`; `$day`, `$minPercent`, `$detail`) and the records of the nodes
    it reaches (`found`)."""
    links: str
    level: str
    degrees: str
    page: str
    listed: str
    holders: str
    holdings: str
    holding_pairs: str
    person_facts: str
    list_triggers: str
    event_triggers: str
    post_holders: str
    current_posts: str
    objections: str
    load_runs: str
    fact_versions: dict[str, str]
    """Per section: every version of each of `$facts` recorded by `$known`."""
    annual_reports: str
    reports_in_force: str
    sharing: dict[str, str]
    """Per contact kind: the reports in force stating each of `$values`."""
    crowded: dict[str, str]
    """Per contact kind: the values published reports state at least `$least` times."""


UNCAPPED = 2**62
"""The count limit (`LIMIT $cap`) that stands for none: more than any node has links."""

LATEST = "9999-12-31T23:59:59Z"
"""The recorded time that stands for "now": later than any version's, so the visibility
predicate keeps what is not retracted."""


def visible(var: str) -> str:
    """A version recorded by `$known` and not retracted by then."""
    if not var.isidentifier():
        raise ValueError("variable must be a plain name")
    return f"({var}.rec <= $known AND ({var}.ret IS NULL OR {var}.ret > $known))"


def followed_cypher(var: str) -> str:
    """A holding a walk goes along (`credgraph.queries.links.results.followed`): visible at
    `$known`, in force on `$day`, its percent at least `$minPercent` (unknown: only at 0)."""
    return (f"{visible(var)} AND {in_force_cypher(var, 'day')} AND ({var}.percent >= "
            f"$minPercent OR ({var}.percent IS NULL AND $minPercent = 0))")


def closure_query(owns: str, entity_: str, upward: bool, max_depth: int,
                  root: str = "$id") -> str:
    """The holding closure of the node whose id `root` holds (a parameter or a variable)
    (`Closure`) in one statement, one row (empty lists when no node has the id).

    Breadth-first, a level per subquery (the depth is in the text, unrolled: Cypher has no
    loop): the followed holdings at each node of the frontier, as [id, depth, [[far end id,
    key, percent, props or null] ...]], and the far ends not seen before as the next
    frontier. Each holding is read once, from the node it was first reached at; a
    var-length expansion to find the nodes and then their holdings read every holding
    twice (58,000 database hits for a densely cross-held group of 1,250 nodes, 35,000 so).
    The nodes at `max_depth` come with no holdings; whether one has any tells whether the
    walk is cut short."""
    if not 1 <= max_depth <= 100:
        raise ValueError("max_depth must be from 1 to 100")
    back, ahead = ("<-", "-") if upward else ("-", "->")
    step = f"(n){back}[r:{owns}]{ahead}(far)"
    followed = f"far <> n AND {followed_cypher('r')}"
    level = f"""
CALL (frontier, seen) {{
  UNWIND frontier AS n
  OPTIONAL MATCH {step} WHERE {followed}
  WITH n, collect(CASE WHEN r IS NOT NULL THEN [far, r.key, r.percent,
                  CASE WHEN $detail THEN {link_projection("r")} END] END) AS found
  WITH collect([n.id, {{depth}}, [h IN found | [h[0].id, h[1], h[2], h[3]]]]) AS level,
       collect(found) AS everything
  CALL (everything, seen) {{
    UNWIND everything AS found
    UNWIND found AS h
    WITH DISTINCT h[0] AS far WHERE NOT far IN seen
    RETURN collect(far) AS fresh
  }}
  RETURN level, fresh
}}
WITH closure + level AS closure, fresh AS frontier, seen + fresh AS seen"""
    return (f"""
OPTIONAL MATCH (root:{entity_} {{id: {root}}})
WITH [node IN [root] WHERE node IS NOT NULL] AS frontier
WITH frontier, frontier AS seen, [] AS closure"""
            + "".join(level.replace("{depth}", str(depth)) for depth in range(max_depth))
            + f"""
RETURN closure + [n IN frontier | [n.id, {max_depth}, []]] AS closure,
       any(n IN frontier WHERE EXISTS {{ MATCH {step} WHERE {followed} }}) AS truncated
""")


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


def report_queries(model: GraphModel) -> tuple[str, str, dict[str, str], dict[str, str]]:
    """Every report of `$ids`, the report in force on `$day` of each, and per contact kind the
    reports in force stating each of `$values` (base.py: report in force) and the values
    published reports state at least `$least` times."""
    entity_ = quote(ENTITY_LABEL)
    report = quote(model.node("AnnualReport").label)
    filed = quote(model.edge("FILED").type)
    published = "{var}.filed_on IS NOT NULL AND {var}.filed_on <= $day"
    later = (f"NOT EXISTS {{ MATCH (e)-[g:{filed}]->(s:{report}) WHERE {visible('g')} "
             f"AND {published.format(var='s')} AND (s.filed_on > r.filed_on OR "
             "(s.filed_on = r.filed_on AND s.year > r.year)) }")
    every = f"""
UNWIND $ids AS id
MATCH (:{entity_} {{id: id}})-[f:{filed}]->(r:{report})
WHERE {visible("f")}
RETURN id, properties(r) AS report
ORDER BY id, report.year, report.id
"""
    in_force = f"""
UNWIND $ids AS id
MATCH (e:{entity_} {{id: id}})-[f:{filed}]->(r:{report})
WHERE {visible("f")} AND {published.format(var="r")} AND {later}
RETURN id, properties(r) AS report
"""
    stating = {kind: f"""
UNWIND $values AS value
MATCH (r:{report} {{{quote(norm_property(kind))}: value}})
WHERE {visible("r")} AND {published.format(var="r")}
MATCH (e:{entity_})-[f:{filed}]->(r) WHERE {visible("f")} AND {later}
WITH value, collect(properties(r)) AS reports
RETURN value, size(reports) AS count,
       CASE WHEN size(reports) <= $cap THEN reports ELSE [] END AS reports
""" for kind in CONTACT_KINDS}
    crowded = {kind: f"""
MATCH (r:{report}) WHERE r.{quote(norm_property(kind))} IS NOT NULL AND {visible("r")}
  AND {published.format(var="r")}
WITH r.{quote(norm_property(kind))} AS value, count(r) AS reports WHERE reports >= $least
RETURN value, reports
""" for kind in CONTACT_KINDS}
    return every, in_force, stating, crowded


def search_query(model: GraphModel) -> str:
    """A search's candidates in one statement (one round trip), rows of `label`, `identity`,
    `record` and `by_id`: the identities whose id, USCC or registration number is `$id`
    (tier 0); the first `$limit` names of each label starting with `$name` (tiers 1 and 2,
    from the index of names and `$starting`); and only when fewer than `$limit` of those
    came, the first `$limit` of each label containing it without starting with it (tier 3,
    from the terms index and `$lucene`).

    `$limit` names per part are enough whatever the identities: an identity among them
    ranks first anyway, so each one it takes from the names is one fewer wanted."""
    searched = {n.ranked for n in model.nodes.values() if n.ranked}
    if len(searched) != 1:
        raise ValueError("search needs the same ranked name on every record label")
    name_norm = quote(searched.pop())
    entity_, enterprise = quote(ENTITY_LABEL), quote(model.node("Enterprise").label)
    starts = f"r.{name_norm} STARTS WITH $name"
    inside = f"r.{name_norm} CONTAINS $name AND NOT {starts}"

    def prefixed(node: NodeSchema) -> str:
        """Its names starting with the text, from the label's index of names."""
        return ranked_matches(node, starts, f"MATCH (r:{quote(node.label)}) WHERE {starts} "
                                            "RETURN r LIMIT $k", "$starting")

    def containing(node: NodeSchema) -> str:
        """Its names holding the text further in, from the label's terms index."""
        return walk_first(node, inside, (
            f"CALL db.index.fulltext.queryNodes('{terms_index(node)}', $lucene, "
            "{limit: $k}) YIELD node AS r RETURN r"), "$lucene")

    return f"""
CALL () {{
  CALL () {{
    MATCH (n:{entity_} {{id: $id}}) RETURN n
    UNION
    MATCH (n:{enterprise} {{uscc: $id}}) RETURN n
    UNION
    MATCH (n:{enterprise} {{reg_no: $id}}) RETURN n
  }}
  {with_record("n", "r")}
  WITH n, r WHERE r IS NOT NULL
  RETURN n, r, true AS by_id
  UNION ALL
  WITH $name AS name WHERE name <> ''
  {each_label(model, prefixed)}
  WITH collect(r) AS prefixed
  CALL (prefixed) {{
    UNWIND prefixed AS r
    RETURN r
    UNION ALL
    WITH prefixed WHERE size(prefixed) < $limit
    {each_label(model, containing)}
    RETURN r
  }}
  MATCH (n:{entity_} {{id: r.of}})
  RETURN n, r, false AS by_id
}}
RETURN {label_of("n")} AS label, properties(n) AS identity, properties(r) AS record, by_id
"""


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
    pledge = quote(model.edge("EQUITY_PLEDGE").type)
    links = "|".join(quote(t) for t in model.link_types)
    post = "|".join(quote(model.edge(t).type) for t in POSTS)
    link_wanted = (f"m <> n AND type(r) IN $types AND {visible('r')} "
                   f"AND {in_force_cypher('r', 'day')}")
    link_parts = {"type": "type(r)", "key": "r.key", "source": "startNode(r).id",
                  "target": "endNode(r).id", "props": link_projection("r")}
    link_row = ", ".join(f"{value} AS {name}" for name, value in link_parts.items())
    link_map = "{" + ", ".join(f"{name}: {value}" for name, value in link_parts.items()) + "}"
    entity_row = (f"{label_of('n')} AS label, properties(n) AS identity, "
                  "properties(rec) AS record")
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

    def entities_of(ids: str) -> str:
        """The entities among `ids` (a list), with their records, as one row of lists
        (`found`): a record per entity costs the driver more than the entity (an ownership
        chain through a cross-held group asks for a thousand)."""
        return f"""
UNWIND {ids} AS id
MATCH (n:{entity_} {{id: id}})
{with_record("n", "rec")}
RETURN collect([id, {label_of("n")}, properties(n), properties(rec)]) AS found
"""

    def resolve_of(refs: str) -> str:
        """Each of `refs` (a list) that names an enterprise with a visible record (`ref`, `id`)."""
        return f"""
UNWIND {refs} AS ref
OPTIONAL MATCH (byId:{entity_} {{id: ref}}) WHERE byId:{enterprise}
OPTIONAL MATCH (byRegNo:{enterprise} {{reg_no: ref}})
WITH ref, coalesce(byId, byRegNo) AS e WHERE e IS NOT NULL
  AND EXISTS {{ MATCH (r:{enterprise_record} {{of: e.id}}) WHERE {visible("r")} }}
RETURN ref, e.id AS id
"""

    def around_of(ids: str, reads: str | None = None) -> str:
        """Each entity among `ids` (a list) with its record and every relationship at it
        (`id`, `n`, `rec`, `rels`), or those of the types the map parameter `reads` names
        (`outgoing`, `incoming`: `SectionReads`): their far ends' records are what costs."""
        out, into = ((f"type(r) IN ${reads}.outgoing OR (o = n AND type(r) IN ${reads}.incoming)",
                      f"type(r) IN ${reads}.incoming") if reads else ("true", "true"))
        return f"""
UNWIND {ids} AS id
MATCH (n:{entity_} {{id: id}})
{with_record("n", "rec")}
WITH id, n, rec,
  COLLECT {{ MATCH (n)-[r]->(o) WHERE ({out}) AND {visible("r")} {other_record}
             RETURN {around("true")} }} +
  COLLECT {{ MATCH (n)<-[r]-(o) WHERE o <> n AND ({into}) AND {visible("r")} {other_record}
             RETURN {around("false")} }} AS rels"""

    def surroundings_of(ids: str, reads: str = "reads") -> str:
        """`around_of` for the map parameter `reads`, with the records of the pledge parties
        its pledges name away from it (`pledge_party_ids`) as `parties` when it asks for them
        (`parties`), a row per entity."""
        return around_of(ids, reads) + f"""
WITH id, n, rec, rels, [named IN COLLECT {{
    MATCH (n)-[p:{pledge}]-() WHERE ${reads}.parties AND {visible("p")}
      AND p.enterprise IS NOT NULL
    RETURN DISTINCT p.enterprise }}
  WHERE named <> id AND NOT named IN [x IN rels | x.other.id]] AS pledged
CALL (pledged) {{{entities_of("pledged")}}}
RETURN id, {entity_row}, rels, found AS parties
"""

    resolve_ref = resolve_of("[$ref]")
    every_report, report_in_force, stating, crowded = report_queries(model)
    return Queries(
        annual_reports=every_report,
        reports_in_force=report_in_force,
        sharing=stating,
        crowded=crowded,
        entities=entities_of("$ids"),
        brief_entities=f"""
UNWIND $ids AS id
MATCH (n:{entity_} {{id: id}})
{with_record("n", "rec")}
RETURN collect([id, {label_of("n")}, rec IS NOT NULL, rec.name]) AS found
""",
        entity_ids=f"""
MATCH (n:{entity_}) WHERE n.id > $after
  AND EXISTS {{ MATCH (r:{record_} {{of: n.id}}) WHERE {visible("r")} }}
RETURN n.id AS id ORDER BY n.id LIMIT $batch
""",
        # Matched as entities: their unique id index gives the ids in order, so a page reads
        # its batch and not every enterprise after `$after` (then sorted), page after page.
        enterprise_ids=f"""
MATCH (n:{entity_}) WHERE n.id > $after AND n:{enterprise}
  AND EXISTS {{ MATCH (r:{enterprise_record} {{of: n.id}}) WHERE {visible("r")} }}
RETURN n.id AS id ORDER BY n.id LIMIT $batch
""",
        resolve=resolve_of("$refs"),
        search=search_query(model),
        # The entity comes with its relationships (one statement, not two).
        relations=around_of("$ids") + f"\nRETURN id, {entity_row}, rels",
        surroundings=surroundings_of("$ids"),
        # Each lookup in one statement: the reference resolved, or the person found, then the
        # reads that follow from it, as subqueries (a round trip and a transaction each else).
        resolve_ref=resolve_ref,
        enterprise_surroundings=f"""
CALL () {{{resolve_ref}}}
WITH id AS enterprise
CALL (enterprise) {{{surroundings_of("[enterprise]")}}}
RETURN *
""",
        enterprise_and_holders=f"""
CALL () {{{resolve_ref}}}
WITH id AS enterprise
CALL (enterprise) {{{surroundings_of("[enterprise]")}}}
WITH *, COLLECT {{ UNWIND rels AS r WITH r WHERE r.type = $holding AND NOT r.outgoing
                   RETURN DISTINCT r.other.id }} AS holderIds
CALL (holderIds) {{
  CALL (holderIds) {{{surroundings_of("holderIds", "holderReads")}}}
  RETURN collect({{id: id, label: label, identity: identity, record: record, rels: rels,
                   parties: parties}}) AS holders
}}
RETURN *
""",
        person_reach=f"""
CALL () {{{surroundings_of("[$id]")}}}
WITH * WHERE record IS NOT NULL AND label = $person
CALL () {{{closure_query(owns, entity_, False, MAX_DEPTH)}}}
WITH *, [node IN closure WHERE node[0] <> $id | node[0]] AS reached
CALL (reached) {{{entities_of("reached")}}}
RETURN *
""",
        links=f"""
UNWIND $ids AS id
MATCH (n:{entity_} {{id: id}})-[r:{links}]-(m)
WHERE {link_wanted}
RETURN DISTINCT {link_row}
""",
        # The far ends' degrees come in the same statement, each counted only up to $cap.
        level=f"""
UNWIND $ids AS id
MATCH (n:{entity_} {{id: id}})-[r:{links}]-(m)
WHERE {link_wanted} AND ($toward_ids IS NULL OR m.id IN $toward_ids)
  AND ($toward_lists IS NULL OR EXISTS {{
    MATCH (m)-[l:{listed}]->(e:{list_entry})
    WHERE {visible("l")} AND {in_force_cypher("l", "day")} AND e.list IN $toward_lists }})
WITH collect(DISTINCT r) AS rels, collect(DISTINCT m) AS far
CALL (far) {{
  UNWIND CASE WHEN $cap IS NULL THEN [] ELSE far END AS m
  RETURN collect([m.id, COUNT {{ MATCH (m)-[r:{links}]-(n) WHERE {link_wanted}
                                 RETURN r LIMIT $cap }}]) AS degree
}}
RETURN [r IN rels | {link_map}] AS links, degree
""",
        degrees=f"""
UNWIND $ids AS id
MATCH (n:{entity_} {{id: id}})
RETURN id, COUNT {{ MATCH (n)-[r:{links}]-(m) WHERE {link_wanted} RETURN r LIMIT $cap }} AS degree
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
        holding_pairs=f"""
MATCH (h)-[r:{owns}]->(e)
WHERE h <> e AND {visible("r")} AND {in_force_cypher("r", "day")}
RETURN DISTINCT h.id AS holder, e.id AS held
""",
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
        load_runs=f"""
MATCH (n:{quote(model.node(LOAD_RUN).label)}) WHERE n.recorded_at <= $known
RETURN properties(n) AS run ORDER BY n.id
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


def _entities(found: Sequence[Sequence[Any]]) -> dict[str, Entity]:
    """Entities by id from the rows of lists `entities` returns."""
    return {node_id: entity(label, entity_props(node_id, identity, record))
            for node_id, label, identity, record in found}


def _closure(root: str, upward: bool, row: Mapping[str, Any]) -> Closure:
    """A `Closure` from the row of `closure_query`."""
    depth = {root: 0}
    kept: dict[str, Holding] = {}
    for node, level, found in row["closure"]:
        depth[node] = level
        for far, key, percent, props in found:
            holder, held = (far, node) if upward else (node, far)
            kept[key] = Holding(holder, held, key, percent, props or {})
    return Closure(tuple(sorted(kept.values(), key=lambda h: h.key)), depth,
                   bool(row["truncated"]))


class Neo4jBackend(Backend):
    kind = StoreKind.NEO4J

    def __init__(self, store: Neo4jStore, search_seeds: int = SEARCH_SEEDS,
                 search_scan: int = SEARCH_SCAN, search_lengths: int = SEARCH_LENGTHS) -> None:
        self.store = store
        self.search_seeds, self.search_scan = search_seeds, search_scan
        """`$k` and `$scan` of the search queries (tests make them small)."""
        self.search_lengths = search_lengths
        """Name lengths read one at a time (`length_windows`; tests make it small)."""
        self.model = store.model
        self.queries = build_queries(self.model)
        self.link_types = list(self.model.link_types)
        self._built: dict[str, str] = {}
        self._reads_params: dict[SectionReads, dict[str, Any]] = {}
        """`_reads_param`'s answers: at most one per set of sections (2^9)."""

    def _read(self, text: str, at: Moment, **params: Any) -> list[dict[str, Any]]:
        """A read at the question's recorded time (`$known`)."""
        return self.store.read(text, known=at.known or LATEST, **params)

    def _read_in_batches(self, text: str, ids: Sequence[str], at: Moment,
                         **params: Any) -> list[dict[str, Any]]:
        """`_read` over `$ids` a batch of ids at a time (`Neo4jStore.read_in_batches`): the
        registry-wide scan's reads over every restricted person or triggered enterprise ran
        past the read time limit in one transaction at 1,000,000 enterprises."""
        return self.store.read_in_batches(text, ids, known=at.known or LATEST, **params)

    def _types(self, types: Sequence[str] | None) -> list[str]:
        return list(types) if types is not None else self.link_types

    # --- entities --------------------------------------------------------------------

    def entities(self, ids: Sequence[str], at: Moment) -> dict[str, Entity]:
        if not ids:
            return {}
        return _entities(self._read(self.queries.entities, at, ids=list(ids))[0]["found"])

    def brief_entities(self, ids: Sequence[str], at: Moment) -> dict[str, Entity]:
        if not ids:
            return {}
        found = self._read(self.queries.brief_entities, at, ids=list(ids))[0]["found"]
        return {node_id: entity(label, brief_props(node_id, recorded, name))
                for node_id, label, recorded, name in found}

    def entity_ids(self, at: Moment, batch: int = 10_000) -> Iterator[list[str]]:
        return self._id_pages(self.queries.entity_ids, at, batch)

    def enterprise_ids(self, at: Moment, batch: int = 10_000) -> Iterator[list[str]]:
        return self._id_pages(self.queries.enterprise_ids, at, batch)

    def _id_pages(self, text: str, at: Moment, batch: int) -> Iterator[list[str]]:
        after = ""
        while True:
            ids = [r["id"] for r in self._read(text, at, after=after, batch=batch)]
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
        """Identities by id or identifier, the first names starting with the text and, when
        fewer than wanted, the first containing it further in, each read in rank order
        (`ranked_matches`), all in one statement (`search_query`)."""
        lengths = length_windows(len(text_name), self.search_lengths)
        rows = self._read(self.queries.search, at, id=text_id, name=text_name, limit=first,
                          k=self.search_seeds, scan=self.search_scan, lengths=lengths,
                          starting=lucene_phrase(text_terms(text_name, starting=True)),
                          lucene=lucene_containing(text_name) if text_name else "")
        found: dict[str, Entity] = {}
        # The identities first: their record is the latest visible version.
        for row in sorted(rows, key=lambda row: not row["by_id"]):
            candidate = _entity(row, row["identity"]["id"])
            found.setdefault(candidate.id, candidate)
        ranked = [(tier, candidate) for candidate in found.values()
                  if (tier := search_tier(candidate, text_id, text_name)) is not None]
        ranked.sort(key=search_order)
        return ranked[:first]

    def relations(self, ids: Sequence[str], at: Moment) -> dict[str, Around]:
        if not ids:
            return {}
        rows = self._read(self.queries.relations, at, ids=list(ids))
        return {row["id"]: found for row in rows if (found := self._around(row)) is not None}

    def surroundings(self, ids: Sequence[str], at: Moment,
                     reads: SectionReads = EVERY_SECTION) -> dict[str, Surroundings]:
        if not ids:
            return {}
        rows = self._read(self.queries.surroundings, at, ids=list(ids),
                          reads=self._reads_param(reads))
        return {row["id"]: found for row in rows
                if (found := self._surroundings(row)) is not None}

    def enterprise_surroundings(self, ref: str, at: Moment,
                                reads: SectionReads) -> Surroundings | None:
        rows = self._read(self.queries.enterprise_surroundings, at, ref=ref,
                          reads=self._reads_param(reads))
        # Of two enterprises with the reference as registration number, the last, as in
        # `resolve_enterprises`.
        return self._surroundings(rows[-1]) if rows else None

    def enterprise_and_holders(self, ref: str, at: Moment, reads: SectionReads,
                               holder_reads: SectionReads
                               ) -> tuple[Surroundings, dict[str, Surroundings]] | None:
        rows = self._read(self.queries.enterprise_and_holders, at, ref=ref,
                          holding=self.model.edge(OWNERSHIP).type,
                          reads=self._reads_param(reads),
                          holderReads=self._reads_param(holder_reads))
        found = self._surroundings(rows[-1]) if rows else None
        if found is None:
            return None
        return found, {holder["id"]: around for holder in rows[-1]["holders"]
                       if (around := self._surroundings(holder)) is not None}

    def _reads_param(self, reads: SectionReads) -> dict[str, Any]:
        """`reads` as the map parameter of `surroundings_of`, in the store's type names,
        made once per `reads` (the driver never changes a parameter)."""
        param = self._reads_params.get(reads)
        if param is None:
            def types(names: frozenset[str]) -> list[str]:
                return sorted(self.model.edge(name).type for name in names)

            param = self._reads_params[reads] = {
                "outgoing": types(reads.outgoing), "incoming": types(reads.incoming),
                "parties": reads.parties}
        return param

    def person_reach(self, person_id: str, at: Moment) -> PersonReach | None:
        rows = self._read(self.queries.person_reach, at, id=person_id, day=at.day,
                          reads=self._reads_param(PERSON_FIRM_READS),
                          person=self.model.node("Person").label, minPercent=0.0,
                          detail=False)
        found = self._surroundings(rows[0]) if rows else None
        if found is None:
            return None
        return PersonReach(found, _closure(person_id, False, rows[0]),
                           _entities(rows[0]["found"]))

    def _around(self, row: Mapping[str, Any]) -> Around | None:
        """An entity and the relationships at it from a row of `relations`; None when the
        entity has no visible record."""
        found = _entity(row, row["id"])
        if found.props.get("unrecorded"):
            return None
        return Around(found, [
            RawRel(r["type"], r["key"], r["outgoing"], r["props"], r["label"],
                   entity_props(r["other"]["id"], r["other"], r["record"])
                   if r["label"] in self.model.record_labels else r["other"])
            for r in row["rels"]
        ])

    def _surroundings(self, row: Mapping[str, Any]) -> Surroundings | None:
        around = self._around(row)
        return None if around is None else Surroundings(around, _entities(row["parties"]))

    # --- versions, objections ------------------------------------------------------------

    def fact_versions(self, facts: Sequence[tuple[str, str]],
                      at: Moment) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
        wanted: dict[str, list[str]] = {}
        for section, fact in facts:
            wanted.setdefault(section, []).append(fact)
        recorded: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
        for section, keys in wanted.items():
            for row in self._read(self.queries.fact_versions[section], at, facts=keys):
                version = without_search_keys(row["version"])
                recorded.setdefault((section, row["fact"]), []).append(version)
        return {key: one_per_version(versions) for key, versions in recorded.items()}

    def objections(self, abouts: Sequence[str],
                   at: Moment) -> dict[str, list[Mapping[str, Any]]]:
        result: dict[str, list[Mapping[str, Any]]] = {}
        for row in self._read(self.queries.objections, at, abouts=list(abouts)):
            result.setdefault(row["about"], []).append(row["objection"])
        return result

    def data_version(self) -> int:
        return self.store.data_version()

    def load_runs(self, at: Moment) -> list[Mapping[str, Any]]:
        return [row["run"] for row in self._read(self.queries.load_runs, at)]

    # --- links -------------------------------------------------------------------------

    def links(self, ids: Sequence[str], at: Moment,
              types: Sequence[str] | None = None) -> list[Link]:
        rows = self._read(self.queries.links, at, ids=list(ids), day=at.day,
                          types=self._types(types))
        return [_link(r) for r in rows]

    def link_level(self, ids: Sequence[str], at: Moment, count_up_to: int | None,
                   toward: Toward | None = None) -> LinkLevel:
        toward = toward or Toward()
        row = self._read(self.queries.level, at, ids=list(ids), day=at.day,
                         types=self.link_types, cap=count_up_to,
                         toward_ids=None if toward.ids is None else sorted(toward.ids),
                         toward_lists=None if toward.lists is None else list(toward.lists))[0]
        return LinkLevel([_link(r) for r in row["links"]],
                         {node: int(count) for node, count in row["degree"]})

    def degrees(self, ids: Sequence[str], at: Moment, types: Sequence[str] | None = None,
                up_to: int | None = None) -> dict[str, int]:
        rows = self._read(self.queries.degrees, at, ids=list(ids), day=at.day,
                          types=self._types(types), cap=UNCAPPED if up_to is None else up_to)
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

    def holding_closure(self, root: str, at: Moment, upward: bool, max_depth: int,
                        min_percent: float = 0.0, detail: bool = False) -> Closure:
        owns, entity_ = quote(self.model.edge(OWNERSHIP).type), quote(ENTITY_LABEL)
        text = self._query(f"holding-closure:{upward}:{max_depth}",
                           lambda: closure_query(owns, entity_, upward, max_depth))
        return _closure(root, upward, self._read(text, at, id=root, day=at.day,
                                                 minPercent=min_percent, detail=detail)[0])

    def enterprise_closure(self, ref: str, at: Moment, upward: bool, max_depth: int,
                           min_percent: float = 0.0, detail: bool = False
                           ) -> tuple[str, Closure] | None:
        owns, entity_ = quote(self.model.edge(OWNERSHIP).type), quote(ENTITY_LABEL)
        text = self._query(
            f"enterprise-closure:{upward}:{max_depth}",
            lambda: f"""
CALL () {{{self.queries.resolve_ref}}}
WITH id AS enterprise
CALL (enterprise) {{{closure_query(owns, entity_, upward, max_depth, "enterprise")}}}
RETURN enterprise, closure, truncated
""")
        rows = self._read(text, at, ref=ref, day=at.day, minPercent=min_percent, detail=detail)
        if not rows:
            return None
        # Of two enterprises with the reference as registration number, the last, as in
        # `resolve_enterprises`.
        root = rows[-1]["enterprise"]
        return root, _closure(root, upward, rows[-1])

    def holding_pairs(self, at: Moment) -> list[tuple[str, str]]:
        rows = self._read(self.queries.holding_pairs, at, day=at.day)
        return sorted((r["holder"], r["held"]) for r in rows)

    # --- annual reports, shared contact details ------------------------------------------

    def annual_reports(self, ids: Sequence[str],
                       at: Moment) -> dict[str, list[Mapping[str, Any]]]:
        result: dict[str, list[Mapping[str, Any]]] = {}
        for row in self._read(self.queries.annual_reports, at, ids=list(ids)):
            result.setdefault(row["id"], []).append(row["report"])
        return result

    def reports_in_force(self, ids: Sequence[str], at: Moment) -> dict[str, Mapping[str, Any]]:
        rows = self._read(self.queries.reports_in_force, at, ids=list(ids), day=at.day)
        return {row["id"]: row["report"] for row in rows}

    def sharing(self, values: Sequence[tuple[str, str]], at: Moment,
                cap: int) -> dict[tuple[str, str], Sharing]:
        wanted: dict[str, list[str]] = {}
        for kind, value in values:
            wanted.setdefault(kind, []).append(value)
        found = {pair: Sharing(0, ()) for pair in values}
        for kind, kind_values in wanted.items():
            for row in self._read(self.queries.sharing[kind], at, values=kind_values,
                                  day=at.day, cap=cap):
                found[(kind, row["value"])] = (capped(row["reports"], cap)
                                               if row["count"] <= cap
                                               else Sharing(row["count"], ()))
        return found

    def crowded_values(self, kind: str, at: Moment, at_least: int) -> dict[str, int]:
        rows = self._read(self.queries.crowded[kind], at, day=at.day, least=at_least)
        return {str(r["value"]): int(r["reports"]) for r in sorted(rows,
                                                                    key=lambda r: r["value"])}

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
        holders = _appointments(self._read_in_batches(self.queries.post_holders, enterprises,
                                                      at, roles=sorted(plan.holder_roles)))
        return Facts(triggers, holders)

    def id_numbers(self, person_ids: Sequence[str], at: Moment) -> dict[str, str | None]:
        rows = self._read(self.queries.id_numbers, at, ids=list(person_ids))
        return {r["id"]: r["number"] for r in rows}

    def current_posts(self, person_ids: Sequence[str], at: Moment) -> list[Appointment]:
        return _appointments(self._read_in_batches(self.queries.current_posts,
                                                   sorted(person_ids), at, day=at.day))

    # --- registry-wide checks and notices ------------------------------------------------

    def _query(self, name: str, build: Callable[[], str]) -> str:
        """A query built from model names on first use (the text depends on the arguments)."""
        text = self._built.get(name)
        if text is None:
            text = self._built[name] = build()
        return text

    def relationships(self, types: Sequence[str], at: Moment, ids: Sequence[str] | None = None,
                      any_day: bool = False) -> list[Link]:
        rel = "|".join(quote(self.model.edge(t).type) for t in sorted(set(types)))
        wanted = f"{visible('r')} AND ($anyDay OR {in_force_cypher('r', 'day')})"
        row = ("type(r) AS type, r.key AS key, startNode(r).id AS source, "
               "endNode(r).id AS target, properties(r) AS props")
        if ids is None:
            text = self._query(f"relationships:{rel}", lambda: (
                f"MATCH ()-[r:{rel}]->() WHERE {wanted} RETURN {row}"))
            rows = self._read(text, at, day=at.day, anyDay=any_day)
        else:
            text = self._query(f"relationships-of:{rel}", lambda: (
                f"UNWIND $ids AS id MATCH (:{quote(ENTITY_LABEL)} {{id: id}})-[r:{rel}]-() "
                f"WHERE {wanted} RETURN DISTINCT {row}"))
            rows = self._read(text, at, ids=list(dict.fromkeys(ids)), day=at.day,
                              anyDay=any_day)
        found = {(r["type"], r["key"]): _link(r) for r in rows}
        return [found[key] for key in sorted(found)]

    def link_counts(self, types: Sequence[str], at: Moment, role: str | None,
                    more_than: int) -> dict[str, int]:
        rel = "|".join(quote(self.model.edge(t).type) for t in sorted(set(types)))
        text = self._query(f"link-counts:{rel}", lambda: f"""
MATCH (s)-[r:{rel}]->(t)
WHERE ($role IS NULL OR r.role = $role) AND {visible("r")} AND {in_force_cypher("r", "day")}
WITH s.id AS source, count(DISTINCT t) AS targets WHERE targets > $moreThan
RETURN source, targets ORDER BY source""")
        return {r["source"]: int(r["targets"]) for r in self._read(
            text, at, role=role, moreThan=more_than, day=at.day)}

    def holding_totals(self, at: Moment, more_than: float) -> dict[str, float]:
        text = self._query("holding-totals", lambda: f"""
MATCH ()-[r:{quote(self.model.edge(OWNERSHIP).type)}]->(e)
WHERE r.percent IS NOT NULL AND {visible("r")} AND {in_force_cypher("r", "day")}
WITH e.id AS enterprise, sum(r.percent) AS total WHERE total > $moreThan - 0.000001
RETURN enterprise, total ORDER BY enterprise""")
        totals = {r["enterprise"]: round(float(r["total"]), 6)
                  for r in self._read(text, at, day=at.day, moreThan=more_than)}
        return {e: t for e, t in totals.items() if t > more_than}

    def fact_nodes(self, label: str, prop: str, values: Sequence[str],
                   at: Moment) -> list[Mapping[str, Any]]:
        node = self.model.node(label)
        text = self._query(f"fact-nodes:{node.label}:{prop}", lambda: (
            f"MATCH (x:{quote(node.label)}) WHERE x.{quote(prop)} IN $values "
            f"AND {visible('x')} RETURN properties(x) AS node ORDER BY x.id"))
        return [r["node"] for r in self._read(text, at, values=list(values))]

    def enterprises_without(self, types: Sequence[str], at: Moment) -> list[str]:
        rel = "|".join(quote(self.model.edge(t).type) for t in sorted(set(types)))
        enterprise = quote(self.model.node("Enterprise").label)
        record = quote(self.model.node(self.model.record_labels["Enterprise"]).label)
        text = self._query(f"enterprises-without:{rel}", lambda: f"""
MATCH (r:{record}) WHERE {visible("r")}
MATCH (e:{enterprise} {{id: r.of}})
WHERE NOT EXISTS {{ MATCH ()-[l:{rel}]->(e) WHERE {visible("l")}
                   AND {in_force_cypher("l", "day")} }}
RETURN DISTINCT e.id AS id ORDER BY id""")
        return [r["id"] for r in self._read(text, at, day=at.day)]

    def multi_source_records(self, at: Moment) -> dict[str, list[Mapping[str, Any]]]:
        text = self._query("multi-source-records", lambda: f"""
MATCH (r:{quote(RECORD_LABEL)}) WHERE r.rec <= $known
WITH r.of AS of, count(DISTINCT r.source) AS sources,
     collect(r {{.*, label: [l IN labels(r) WHERE l <> '{RECORD_LABEL}'][0]}}) AS versions
WHERE sources > 1
RETURN of, versions ORDER BY of""")
        return {r["of"]: sorted(map(without_search_keys, r["versions"]),
                                key=lambda v: str(v["rec"]))
                for r in self._read(text, at)}

    def enterprises_established(self, first: str, last: str, at: Moment) -> list[Entity]:
        record = quote(self.model.node(self.model.record_labels["Enterprise"]).label)
        text = self._query("enterprises-established", lambda: f"""
MATCH (rec:{record}) WHERE {visible("rec")} AND rec.established >= $first
  AND rec.established <= $last
MATCH (n:{quote(ENTITY_LABEL)} {{id: rec.of}})
RETURN n.id AS id, {label_of("n")} AS label, properties(n) AS identity,
       properties(rec) AS record ORDER BY id""")
        return [_entity(r, r["id"]) for r in self._read(text, at, first=first, last=last)]

    def record_changes(self, since: str, until: str, at: Moment
                       ) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
        record = quote(self.model.node(self.model.record_labels["Enterprise"]).label)
        text = self._query("record-changes", lambda: f"""
MATCH (r:{record}) WHERE r.rec >= $since AND r.rec < $until AND r.rec <= $known
CALL (r) {{ MATCH (p:{record} {{of: r.of}}) WHERE p.rec < r.rec
           RETURN p ORDER BY p.rec DESC LIMIT 1 }}
RETURN properties(p) AS before, properties(r) AS after ORDER BY r.of, r.rec""")
        return [(without_search_keys(r["before"]), without_search_keys(r["after"]))
                for r in self._read(text, at, since=since, until=until)]
