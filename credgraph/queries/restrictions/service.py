"""The three questions of docs/api-contract.md over either store: check a person, check an
appointment, scan the registry; plus the batch form the screening command uses."""

from __future__ import annotations

import base64
import binascii
import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from credgraph.exc import BadInputError, NotFoundError
from credgraph.graph.ids import enterprise_key, identifier
from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.store import GraphStore
from credgraph.queries.restrictions.engine import Affected, Hit, barring, evaluate, held_against
from credgraph.queries.restrictions.facts import FactSource
from credgraph.queries.restrictions.memory_facts import MemoryFacts
from credgraph.queries.restrictions.neo4j_facts import Neo4jFacts
from credgraph.queries.restrictions.rules import Certainty, RuleTable, load_rules

MAX_PAGE = 1000
"""docs/api-contract.md: `first <= 1000`."""


def fact_source(store: GraphStore, table: RuleTable | None = None) -> FactSource:
    """The store's own way of gathering the facts."""
    table = table or load_rules()
    if isinstance(store, MemoryStore):
        return MemoryFacts(store, table)
    if isinstance(store, Neo4jStore):
        return Neo4jFacts(store, table)
    raise TypeError(f"no restriction facts for {type(store).__name__}")


def node_records(store: GraphStore, ids: Collection[str]) -> dict[str, dict[str, Any]]:
    """Node properties (with `label`) by id, in one look-up, for naming what a result shows."""
    return fact_source(store).nodes(ids)


def require_person(store: GraphStore, person_id: str) -> str:
    """The stored id of a person, or NotFoundError."""
    pid = identifier(person_id)
    node = store.get_node(pid)
    if node is None or node.get("label") != "Person":
        raise NotFoundError(f"no person with id {person_id!r}")
    return pid


def resolve_enterprise(store: GraphStore, reference: str) -> str:
    """The node id for a USCC or registration number; an enterprise not (yet) in the graph
    keeps its normalised code, since first officers are appointed before it exists."""
    try:
        key = enterprise_key(reference)
    except ValueError as e:
        raise BadInputError(f"{reference!r} is not a USCC or registration number: {e}") from e
    found = store.resolve_enterprises([key])
    return found[key].id if key in found else key


@dataclass(frozen=True)
class PersonCheck:
    person_id: str
    day: str
    hits: tuple[Hit, ...]
    """The hits in force on `day`."""

    @property
    def disqualified(self) -> bool:
        return any(h.certainty is Certainty.CONFIRMED for h in self.hits)

    @property
    def needs_review(self) -> bool:
        """Only candidate hits are in force: a clerk must decide."""
        return bool(self.hits) and not self.disqualified


@dataclass(frozen=True)
class AppointmentDecision:
    person_id: str
    enterprise_id: str
    roles: tuple[str, ...]
    day: str
    hits: tuple[Hit, ...]
    """The hits in force on `day` that bar one of the roles at this enterprise."""

    @property
    def allowed(self) -> bool:
        """No confirmed hit forbids it (candidates alone leave it to review)."""
        return not any(h.certainty is Certainty.CONFIRMED for h in self.hits)

    @property
    def needs_review(self) -> bool:
        return self.allowed and bool(self.hits)


def hits_for_persons(
    store: GraphStore,
    person_ids: Collection[str],
    first_day: str,
    last_day: str,
    table: RuleTable | None = None,
) -> dict[str, list[Hit]]:
    """Every hit of these persons that can be in force between the two days, by person."""
    table = table or load_rules()
    facts = fact_source(store, table).for_persons(person_ids, first_day, last_day)
    wanted = set(person_ids)
    found: dict[str, list[Hit]] = defaultdict(list)
    for hit in evaluate(facts, table):
        if hit.person_id in wanted:
            found[hit.person_id].append(hit)
    return found


def check_person(
    store: GraphStore, person_id: str, day: str, table: RuleTable | None = None
) -> PersonCheck:
    pid = require_person(store, person_id)
    hits = hits_for_persons(store, [pid], day, day, table).get(pid, [])
    return PersonCheck(pid, day, tuple(h for h in hits if h.in_force(day)))


def decide(
    table: RuleTable,
    hits: Iterable[Hit],
    person_id: str,
    enterprise_id: str,
    enterprise_type: str | None,
    roles: Sequence[str],
    day: str,
) -> AppointmentDecision:
    """Whether a proposed appointment may be made on `day` (judged under the text in force
    that day), given the person's hits; a hit that bars the post only if the enterprise is of
    a kind that cannot be told is returned as a candidate."""
    found = []
    for hit in hits:
        if hit.person_id != person_id or not hit.in_force(day):
            continue
        bars = [b for role in roles
                if (b := barring(table, hit, enterprise_id, role, enterprise_type)) is not None]
        if bars:
            surest = min(bars, key=lambda b: b.certainty is not Certainty.CONFIRMED)
            found.append(replace(hit, certainty=surest.certainty, note=surest.note))
    return AppointmentDecision(person_id, enterprise_id, tuple(roles), day, tuple(found))


def check_appointment(
    store: GraphStore,
    person_id: str,
    enterprise: str,
    role: str,
    day: str,
    table: RuleTable | None = None,
) -> AppointmentDecision:
    table = table or load_rules()
    pid = require_person(store, person_id)
    enterprise_id = resolve_enterprise(store, enterprise)
    node = store.get_node(enterprise_id)
    hits = hits_for_persons(store, [pid], day, day, table).get(pid, [])
    return decide(table, hits, pid, enterprise_id, node.get("type") if node else None, (role,),
                  day)


@dataclass(frozen=True)
class ScanItem:
    """One current appointment held against one hit."""

    hit: Hit
    affected: Affected

    @property
    def certainty(self) -> Certainty:
        """The hit's, or candidate where the post's enterprise kind cannot be told."""
        return self.affected.certainty

    @property
    def key(self) -> tuple[str, ...]:
        """The stable order of the scan, and what a cursor encodes."""
        post = self.affected.appointment
        return (self.hit.person_id, post.enterprise_id, post.role, post.start or "",
                self.hit.rule_id, self.hit.trigger.id)

    @property
    def cursor(self) -> str:
        return encode_cursor(self.key)


def scan(
    store: GraphStore,
    day: str,
    certainty: Certainty | None = None,
    table: RuleTable | None = None,
) -> list[ScanItem]:
    """Every appointment in force on `day` held against a rule (`held_against`)."""
    table = table or load_rules()
    facts = fact_source(store, table).for_registry(day)
    items = [ScanItem(hit, affected) for hit, affected in held_against(evaluate(facts, table), day)
             if certainty is None or affected.certainty is certainty]
    items.sort(key=lambda item: item.key)
    return items


def encode_cursor(key: Sequence[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), ensure_ascii=False).encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, ...]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")).decode())
    except (UnicodeError, binascii.Error, ValueError):
        raise BadInputError(f"malformed cursor {cursor!r}") from None
    if not isinstance(key, list) or not all(isinstance(part, str) for part in key):
        raise BadInputError(f"malformed cursor {cursor!r}")
    return tuple(key)


@dataclass(frozen=True)
class ScanPage:
    items: list[ScanItem]
    total: int
    has_next: bool
    has_previous: bool


def page_key(first: int, after: str | None) -> tuple[str, ...] | None:
    """Check the page arguments before any work is done; the key the page starts after."""
    if not 0 <= first <= MAX_PAGE:
        raise BadInputError(f"first must be between 0 and {MAX_PAGE}, not {first}")
    return decode_cursor(after) if after else None


def page(items: Sequence[ScanItem], first: int, after: str | None) -> ScanPage:
    """Keyset pagination: the items after the cursor's key, so pages stay put as data changes."""
    key = page_key(first, after)
    start = 0 if key is None else bisect_right([item.key for item in items], key)
    return ScanPage(list(items[start : start + first]), len(items), start + first < len(items),
                    start > 0)
