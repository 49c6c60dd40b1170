"""The restriction questions over any store's backend: check a person, check an appointment,
scan the registry (docs/api-contract.md); plus the batch form the screening command uses."""

from __future__ import annotations

import base64
import binascii
import json
import threading
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from credgraph.exc import BadInputError
from credgraph.graph.ids import enterprise_key
from credgraph.graph.model import GraphModel
from credgraph.queries.backend.base import Backend, FactPlan
from credgraph.queries.links.analysis import LinkAnalysis
from credgraph.queries.objections import about, disputing
from credgraph.queries.restrictions.engine import Affected, Hit, barring, evaluate, held_against
from credgraph.queries.restrictions.facts import Facts, dedupe, restricted_holders
from credgraph.queries.restrictions.rules import Certainty, RuleTable, load_rules
from credgraph.queries.time import Moment

MAX_PAGE = 1000
"""docs/api-contract.md: `first <= 1000`."""


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


def fact_plan(table: RuleTable, first_day: str) -> FactPlan:
    """The triggers that can give a hit in force on `first_day` or later, per kind."""
    lists = table.earliest_triggers("list", first_day)
    return FactPlan(
        person_lists={k: v for k, v in lists.items() if k in table.kinds("list", "person")},
        enterprise_lists={k: v for k, v in lists.items()
                          if k in table.kinds("list", "enterprise")},
        events=table.earliest_triggers("event", first_day),
        holder_roles=table.holder_roles,
    )


class Restrictions:
    """The restriction questions over one store's backend, with one rule table."""

    def __init__(self, backend: Backend, links: LinkAnalysis,
                 table: RuleTable | None = None) -> None:
        self.backend = backend
        self.links = links
        self.table = table or load_rules()
        self._scans: dict[tuple[int, str, str | None], list[ScanItem]] = {}
        self._lock = threading.Lock()

    def resolve_enterprise(self, reference: str, at: Moment) -> str:
        """The node id for a USCC or registration number; an enterprise not (yet) in the graph
        keeps its normalised code, since first officers are appointed before it exists."""
        try:
            key = enterprise_key(reference)
        except ValueError as e:
            raise BadInputError(f"{reference!r} is not a USCC or registration number: {e}") from e
        return self.backend.resolve_enterprises([key], at).get(key, key)

    def hits_for_persons(self, person_ids: Collection[str], last_day: str,
                         at: Moment) -> dict[str, list[Hit]]:
        """Every hit of these persons that can be in force between `at.day` and `last_day`."""
        facts = self.backend.person_facts(sorted(person_ids), fact_plan(self.table, at.day),
                                          last_day, at)
        wanted = set(person_ids)
        found: dict[str, list[Hit]] = defaultdict(list)
        for hit in evaluate(facts, self.table):
            if hit.person_id in wanted:
                found[hit.person_id].append(hit)
        return found

    def check_person(self, person_id: str, at: Moment) -> PersonCheck:
        pid = self.links.person(person_id, at).id
        hits = self.judged(self.hits_for_persons([pid], at.day, at).get(pid, []), at.day, at)
        return PersonCheck(pid, at.day, tuple(h for h in hits if h.in_force(at.day)))

    def check_appointment(self, person_id: str, enterprise: str, role: str,
                          at: Moment) -> AppointmentDecision:
        pid = self.links.person(person_id, at).id
        enterprise_id = self.resolve_enterprise(enterprise, at)
        found = self.links.entities([enterprise_id], at).get(enterprise_id)
        hits = self.judged(self.hits_for_persons([pid], at.day, at).get(pid, []), at.day, at)
        return decide(self.table, hits, pid, enterprise_id,
                      found.props.get("type") if found is not None else None, (role,), at.day)

    def registry_facts(self, at: Moment) -> Facts:
        """The facts of every hit in force on `at.day`: the triggers, the holders of the
        triggering enterprises' posts, and the current posts of everyone they restrict."""
        found = self.backend.registry_triggers(fact_plan(self.table, at.day), at.day, at)
        persons = restricted_holders(self.table, found.triggers, found.appointments) | {
            t.subject_id for t in found.triggers if t.subject_type == "person"
        }
        current = self.backend.current_posts(sorted(persons), at)
        return Facts(found.triggers, dedupe([*found.appointments, *current]))

    def scan(self, at: Moment, certainty: Certainty | None = None) -> list[ScanItem]:
        """Every appointment in force on `at.day` held against a rule (`held_against`).

        The whole scan is kept per (data version, day, knownAt): the pages after the first
        are read from it, and a load that changes facts makes it stale.
        """
        key = (self.backend.data_version(), at.day, at.known)
        with self._lock:
            items = self._scans.get(key)
        if items is None:
            hits = self.judged(evaluate(self.registry_facts(at), self.table), at.day, at)
            items = sorted((ScanItem(hit, affected)
                            for hit, affected in held_against(hits, at.day)),
                           key=lambda item: item.key)
            with self._lock:
                self._scans[key] = items
                while len(self._scans) > SCAN_CACHE:
                    self._scans.pop(next(iter(self._scans)))
        return [i for i in items if certainty is None or i.certainty is certainty]

    # --- objections ----------------------------------------------------------------

    def judged(self, hits: Sequence[Hit], day: str, at: Moment) -> list[Hit]:
        """The hits as judged on `day`: one whose evidence includes a fact an objection
        disputes that day is a candidate, its note naming the objection."""
        return mark_disputed(self.table, self.backend.model, hits, day,
                             self.objections_for(hits, at))

    def objections_for(self, hits: Iterable[Hit],
                       at: Moment) -> dict[str, list[Mapping[str, Any]]]:
        """The objections known at `at.known` against any fact the hits rest on."""
        abouts = sorted({a for hit in hits for a in evidence_facts(self.backend.model, hit)})
        return dict(self.backend.objections(abouts, at)) if abouts else {}


SCAN_CACHE = 8
"""Whole scans kept per process (each a data version, day and recorded time)."""


def evidence_facts(model: GraphModel, hit: Hit) -> list[str]:
    """The facts (`section:key`) a hit's evidence rests on."""
    found = []
    for step in hit.evidence:
        schema = model.nodes.get(step.ref.fact) or model.edges.get(step.ref.fact)
        if schema is not None and schema.section:
            found.append(about(schema.section, step.ref.id))
    return found


def mark_disputed(table: RuleTable, model: GraphModel, hits: Sequence[Hit], day: str,
                  objections: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Hit]:
    """Hits resting on a fact disputed on `day` become candidates naming the objection."""
    if not objections:
        return list(hits)
    judged: list[Hit] = []
    for hit in hits:
        disputed = [(fact, o) for fact in evidence_facts(model, hit)
                    for o in objections.get(fact, ()) if disputing(o, day)]
        if not disputed:
            judged.append(hit)
            continue
        fact, objection = min(disputed, key=lambda d: (d[0], str(d[1]["id"])))
        note = table.note("disputed", fact=fact, objection=(
            f"{objection['id']} ({objection['filed_on']}, {objection['status']})"))
        judged.append(replace(
            hit, certainty=Certainty.CANDIDATE,
            note=note if hit.certainty is Certainty.CONFIRMED else hit.note,
            affected=tuple(replace(a, certainty=Certainty.CANDIDATE,
                                   note=note if a.certainty is Certainty.CONFIRMED else a.note)
                           for a in hit.affected)))
    return judged
