"""The checks the cross-check rules name: each finds clues over the whole register through the
backend's fetches (credgraph.queries.backend.base), so both stores give the same clues.

A definition declares its parameters (a pydantic model, validated with the rule table), the
variables an explanation template may name and their kinds (how they are written: an entity
by its name and id, a vocabulary word in the reader's language, a date, a percent ...), and a
function from a CheckContext and the parameters to Found clues, each with the facts that
show it. Every fetch answers for the context's Moment: valid time (asOf) and recorded time
(knownAt).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict

from credgraph.graph.model import PROVENANCE, VERSION, GraphModel, load_model, provenance_of
from credgraph.graph.vocabulary import LEGAL_REPRESENTATIVE, Vocabulary, load_vocabulary
from credgraph.queries.backend.base import Backend
from credgraph.queries.links.results import OWNERSHIP, Entity, Link
from credgraph.queries.restrictions.facts import POSTS
from credgraph.queries.restrictions.rules import add_years
from credgraph.queries.time import Moment, in_force

ENTITY, DATE, TEXT, NUMBER, PERCENT, POST = "entity", "date", "text", "number", "percent", "post"
"""Kinds of template variables; any other kind names a vocabulary group (roles, event_kinds,
list_types ...), written as that group's word in the reader's language."""

SHAREHOLDER_POST = "shareholder"
"""The `post` variable of a holding (posts are roles)."""

PLEDGOR_LINK = "pledgor-enterprise"
"""The part of an equity pledge that links the pledgor to the pledged enterprise (the loader
writes one EQUITY_PLEDGE relationship per part)."""

_STAMP = frozenset({*VERSION, *PROVENANCE, "key", "placeholder", "label", "type", "id_number"})
"""Left out of a fact's values: what describes the recording, not the fact, and ID numbers
(a clue's subject shows those as Person.idNumber does, under the role rules)."""


# --- what a check returns ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Evidence:
    """One stored fact that shows a clue, with where and when it was recorded."""

    fact: str
    """Node label or relationship type (EnterpriseRecord, Event, ListEntry, OFFICER ...)."""
    id: str
    """The node's id (a record's entity id) or the relationship's key."""
    section: str
    """The dataset section the fact came from."""
    values: Mapping[str, Any]
    source: str | None
    recorded_at: str | None
    retracted_at: str | None
    provenance: Mapping[str, Any]
    """src_file, src_row, batch_id, loaded_at."""
    ends: tuple[str, str] | None = None
    """A relationship's (source, target) entity ids."""


@dataclass(frozen=True, slots=True)
class Found:
    """A clue as a check finds it: about `subject`, told apart from the subject's other clues
    of the rule by `detail`."""

    subject: str
    detail: str
    values: Mapping[str, Any]
    """The explanation's variables."""
    evidence: tuple[Evidence, ...]


# --- what a check reads --------------------------------------------------------------------

@dataclass
class CheckContext:
    """The backend, the Moment and what the rules of one run share (fetched once)."""

    backend: Backend
    at: Moment
    model: GraphModel = field(default_factory=load_model)
    vocabulary: Vocabulary = field(default_factory=load_vocabulary)
    _events: dict[tuple[str, ...], list[Mapping[str, Any]]] = field(default_factory=dict)
    _entities: dict[str, Entity | None] = field(default_factory=dict)

    def events(self, kinds: Sequence[str]) -> list[Mapping[str, Any]]:
        """The visible events of these kinds, any date."""
        key = tuple(sorted(kinds))
        if key not in self._events:
            self._events[key] = self.backend.fact_nodes("Event", "event", key, self.at)
        return self._events[key]

    def ended(self, kinds: Sequence[str]) -> dict[str, Mapping[str, Any]]:
        """Each enterprise's earliest event of these kinds dated by the day asked about."""
        first: dict[str, Mapping[str, Any]] = {}
        for event in self.events(kinds):
            day = event.get("date")
            if day is None or day > self.at.day:
                continue
            held = first.get(event["enterprise"])
            if held is None or (day, event["id"]) < (held["date"], held["id"]):
                first[event["enterprise"]] = event
        return first

    def entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        """Entities with their record visible at the recorded time asked about."""
        wanted = sorted({i for i in ids if i not in self._entities})
        for start in range(0, len(wanted), 5000):
            batch = wanted[start:start + 5000]
            found = self.backend.entities(batch, self.at)
            for entity_id in batch:
                self._entities[entity_id] = found.get(entity_id)
        return {i: e for i in ids if (e := self._entities.get(i)) is not None}

    def status_kind(self, entity: Entity) -> str | None:
        return self.vocabulary.status_kind(entity.props.get("status"))

    def link_evidence(self, link: Link) -> Evidence:
        schema = self.model.edge(link.type)
        props = link.props
        return Evidence(link.type, link.key, schema.section or "", _values(props),
                        props.get("source"), props.get("rec"), props.get("ret"),
                        provenance_of(props), (link.source, link.target))

    def node_evidence(self, label: str, props: Mapping[str, Any]) -> Evidence:
        schema = self.model.node(label)
        return Evidence(label, str(props.get("id") or props.get("of")), schema.section or "",
                        _values(props), props.get("source"), props.get("rec"),
                        props.get("ret"), provenance_of(props))

    def record_evidence(self, entity: Entity) -> Evidence:
        """An entity's record version as the entity carries it (entity_props)."""
        label = self.model.record_labels[entity.label]
        props = entity.props
        values = {k: v for k, v in _values(props).items()
                  if k not in ("id", "recorded_at", "source", "unrecorded")}
        return Evidence(label, entity.id, self.model.node(label).section or "", values,
                        props.get("source"), props.get("recorded_at"), None,
                        provenance_of(props))


def _values(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sorted(props.items()) if k not in _STAMP}


# --- the registry of definitions ----------------------------------------------------------

class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Run = Callable[[CheckContext, Any], Iterator[Found]]


@dataclass(frozen=True)
class Definition:
    name: str
    params: type[Params]
    variables: Mapping[str, str]
    """Template variable -> kind (ENTITY, DATE ... or a vocabulary group)."""
    run: Run


DEFINITIONS: dict[str, Definition] = {}


def definition(name: str, params: type[Params], **variables: str) -> Callable[[Run], Run]:
    """Register a check under `name`, with its parameters and template variables."""
    def register(run: Run) -> Run:
        DEFINITIONS[name] = Definition(name, params, variables, run)
        return run
    return register


def _words(group: str, values: tuple[str, ...]) -> tuple[str, ...]:
    """Parameters naming vocabulary words must name declared ones."""
    known = getattr(load_vocabulary(), group)
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(f"not in the vocabulary's {group}: {', '.join(unknown)}")
    return values


def _word(group: str, value: str) -> str:
    return _words(group, (value,))[0]


def _relations(values: tuple[str, ...]) -> tuple[str, ...]:
    model = load_model()
    unknown = [v for v in values if v not in model.edges]
    if unknown:
        raise ValueError(f"not a relationship type of the model: {', '.join(unknown)}")
    return values


EventKinds = Annotated[tuple[str, ...], AfterValidator(partial(_words, "event_kinds"))]
ListTypes = Annotated[tuple[str, ...], AfterValidator(partial(_words, "list_types"))]
ListType = Annotated[str, AfterValidator(partial(_word, "list_types"))]
RoleWord = Annotated[str, AfterValidator(partial(_word, "roles"))]
StatusWord = Annotated[str, AfterValidator(partial(_word, "enterprise_statuses"))]
Relations = Annotated[tuple[str, ...], AfterValidator(_relations)]
Relation = Annotated[str, AfterValidator(lambda v: _relations((v,))[0])]


# --- the checks -----------------------------------------------------------------------------

class PostAfterEnd(Params):
    events: EventKinds
    """Events that end an enterprise (their date is the end)."""
    relations: Relations
    """The posts and holdings looked at."""



@definition("post_after_end", PostAfterEnd, holder=ENTITY, enterprise=ENTITY, post=POST,
            start=DATE, event="event_kinds", date=DATE)
def post_after_end(ctx: CheckContext, p: PostAfterEnd) -> Iterator[Found]:
    """A post or holding in force into an enterprise that an event ended before it began."""
    ended = ctx.ended(p.events)
    if not ended:
        return
    for link in ctx.backend.relationships(p.relations, ctx.at, ids=sorted(ended)):
        event, start = ended.get(link.target), link.props.get("start")
        if event is None or start is None or start <= event["date"]:
            continue
        yield Found(link.source, f"{link.target}|{link.key}", {
            "holder": link.source, "enterprise": link.target,
            "post": link.props.get("role") or SHAREHOLDER_POST, "start": start,
            "event": event["event"], "date": event["date"]},
            (ctx.node_evidence("Event", event), ctx.link_evidence(link)))


class Overfull(Params):
    tolerance: float = 0.01
    """Percentage points of rounding allowed."""


@definition("overfull_holdings", Overfull, enterprise=ENTITY, total=PERCENT, holders=NUMBER,
            day=DATE)
def overfull_holdings(ctx: CheckContext, p: Overfull) -> Iterator[Found]:
    """Holdings into one enterprise in force on the day that add up to more than 100%."""
    totals = ctx.backend.holding_totals(ctx.at, 100.0 + p.tolerance)
    into: dict[str, list[Link]] = defaultdict(list)
    for link in ctx.backend.relationships([OWNERSHIP], ctx.at, ids=sorted(totals)):
        if link.target in totals and link.props.get("percent") is not None:
            into[link.target].append(link)
    for enterprise, total in totals.items():
        links = into[enterprise]
        yield Found(enterprise, "", {"enterprise": enterprise, "total": total,
                                     "holders": len(links), "day": ctx.at.day},
                    tuple(ctx.link_evidence(link) for link in links))


class MissingPost(Params):
    relation: Relation = "LEGAL_REPRESENTATIVE"
    exempt_types: tuple[str, ...] = ()
    """Words of registered types whose enterprises have no such post (individual businesses,
    branches, partnerships: they have an operator, a person in charge, a managing partner)."""
    ended_events: EventKinds = ()
    """Events after which an enterprise no longer exists (a dated end)."""



@definition("missing_post", MissingPost, enterprise=ENTITY, day=DATE, last_end=TEXT,
            type=TEXT)
def missing_post(ctx: CheckContext, p: MissingPost) -> Iterator[Found]:
    """An enterprise that exists on the day (established by then, not ended) with no post of
    the relation in force."""
    without = ctx.backend.enterprises_without([p.relation], ctx.at)
    ended = ctx.ended(p.ended_events)
    entities = ctx.entities(without)
    gone = {k for k, term in ctx.vocabulary.enterprise_statuses.items() if term.ends_entity}
    candidates = []
    for enterprise_id in without:
        found = entities.get(enterprise_id)
        if found is None:
            continue
        props = found.props
        kind = str(props.get("type") or "")
        if ((props.get("established") or "") > ctx.at.day or enterprise_id in ended
                or ctx.status_kind(found) in gone or any(w in kind for w in p.exempt_types)):
            continue
        candidates.append(found)
    history: dict[str, list[Link]] = defaultdict(list)
    for link in ctx.backend.relationships([p.relation], ctx.at,
                                          ids=[c.id for c in candidates], any_day=True):
        history[link.target].append(link)
    for found in candidates:
        past = history.get(found.id, [])
        ends = [e for link in past if (e := link.props.get("end")) and e <= ctx.at.day]
        yield Found(found.id, "", {"enterprise": found.id, "day": ctx.at.day,
                                   "last_end": max(ends, default=None),
                                   "type": found.props.get("type")},
                    (ctx.record_evidence(found), *(ctx.link_evidence(link) for link in past)))


class NoParams(Params):
    pass


@definition("pledge_without_holding", NoParams, pledgor=ENTITY, enterprise=ENTITY,
            reg_no=TEXT, registered_on=DATE)
def pledge_without_holding(ctx: CheckContext, p: NoParams) -> Iterator[Found]:
    """An equity pledge in force whose pledgor held no shares of the enterprise on the day the
    pledge was registered."""
    pledges = [link for link in ctx.backend.relationships(["EQUITY_PLEDGE"], ctx.at)
               if link.props.get("part") == PLEDGOR_LINK]
    held: dict[tuple[str, str], list[Link]] = defaultdict(list)
    for link in ctx.backend.relationships([OWNERSHIP], ctx.at,
                                          ids=sorted({x.target for x in pledges}), any_day=True):
        held[(link.source, link.target)].append(link)
    for pledge in pledges:
        registered, own = pledge.props.get("start"), held.get((pledge.source, pledge.target), [])
        if registered is None or any(in_force(h.props.get("start"), h.props.get("end"),
                                              registered) for h in own):
            continue
        yield Found(pledge.source, str(pledge.props.get("reg_no")), {
            "pledgor": pledge.source, "enterprise": pledge.target,
            "reg_no": pledge.props.get("reg_no"), "registered_on": registered},
            (ctx.link_evidence(pledge), *(ctx.link_evidence(h) for h in own)))


class LinkToEnded(Params):
    relation: Relation
    end: Literal["source", "target"]
    """Which end of the relationship must not have ended (the mortgagor is its source)."""
    status: StatusWord
    """The registration status that says the enterprise has ended when no event dates it."""
    events: EventKinds
    """The events that date the end."""



@definition("link_to_ended", LinkToEnded, party=ENTITY, other=ENTITY, key=TEXT, start=DATE,
            date=DATE, status="enterprise_statuses")
def link_to_ended(ctx: CheckContext, p: LinkToEnded) -> Iterator[Found]:
    """A relationship in force on the day whose party (an enterprise) had ended by then: an
    event dated by the day, or - when no such event is recorded at all - its status."""
    links = ctx.backend.relationships([p.relation], ctx.at)

    def party(link: Link) -> str:
        return link.source if p.end == "source" else link.target

    ended = ctx.ended(p.events)
    dated = {event["enterprise"] for event in ctx.events(p.events)}
    entities = ctx.entities({party(link) for link in links})
    for link in links:
        who = entities.get(party(link))
        if who is None or who.label != ctx.model.node("Enterprise").label:
            continue
        event = ended.get(who.id)
        if event is not None:
            shown, day = ctx.node_evidence("Event", event), event["date"]
        elif who.id not in dated and ctx.status_kind(who) == p.status:
            shown, day = ctx.record_evidence(who), None
        else:
            continue
        yield Found(who.id, link.key, {
            "party": who.id, "other": link.other(who.id), "key": link.key,
            "start": link.props.get("start"), "date": day, "status": p.status},
            (ctx.link_evidence(link), shown))


class TooManyPosts(Params):
    role: RoleWord = LEGAL_REPRESENTATIVE
    threshold: int
    """More posts than this in force on the day make a clue."""



@definition("too_many_posts", TooManyPosts, person=ENTITY, count=NUMBER, threshold=NUMBER,
            post=POST, day=DATE)
def too_many_posts(ctx: CheckContext, p: TooManyPosts) -> Iterator[Found]:
    """A person holding the role in more enterprises than the threshold on the day."""
    counts = ctx.backend.link_counts(POSTS, ctx.at, p.role, p.threshold)
    posts: dict[str, dict[str, Link]] = defaultdict(dict)
    for link in ctx.backend.relationships(POSTS, ctx.at, ids=sorted(counts)):
        if link.source in counts and link.props.get("role") == p.role:
            posts[link.source].setdefault(link.target, link)
    for person, count in counts.items():
        held = posts[person]
        yield Found(person, "", {"person": person, "count": count, "threshold": p.threshold,
                                 "post": p.role, "day": ctx.at.day},
                    tuple(ctx.link_evidence(held[e]) for e in sorted(held)))


class StaleListing(Params):
    list: ListType
    years: int
    unless: ListTypes
    """Lists an entry in force on which means the step was taken (the escalation)."""



@definition("stale_listing", StaleListing, subject=ENTITY, list="list_types", listed_on=DATE,
            years=NUMBER, day=DATE)
def stale_listing(ctx: CheckContext, p: StaleListing) -> Iterator[Found]:
    """An entry in force on the day that has lasted more than `years`, its subject on none of
    the `unless` lists that day."""
    def current(entry: Mapping[str, Any]) -> bool:
        return in_force(entry.get("listed_on"), entry.get("removed_on"), ctx.at.day)

    old = [e for e in ctx.backend.fact_nodes("ListEntry", "list", [p.list], ctx.at)
           if current(e) and add_years(e["listed_on"], p.years) < ctx.at.day]
    if not old:
        return
    taken = {e["subject"] for e in ctx.backend.fact_nodes("ListEntry", "list", p.unless, ctx.at)
             if current(e)}
    for entry in old:
        if entry["subject"] not in taken:
            yield Found(entry["subject"], str(entry["id"]), {
                "subject": entry["subject"], "list": p.list, "listed_on": entry["listed_on"],
                "years": p.years, "day": ctx.at.day}, (ctx.node_evidence("ListEntry", entry),))


@definition("name_conflict", NoParams, entity=ENTITY, names=TEXT, sources=NUMBER)
def name_conflict(ctx: CheckContext, p: NoParams) -> Iterator[Found]:
    """An id whose latest names from two or more sources differ (folded: full-width and
    half-width brackets, blanks and case alike), as recorded by knownAt."""
    for entity_id, versions in ctx.backend.multi_source_records(ctx.at).items():
        recorded = {v["rec"] for v in versions}
        latest: dict[str, Mapping[str, Any]] = {}
        for version in versions:
            latest[str(version.get("source"))] = version
        standing = [v for _, v in sorted(latest.items())
                    if not _withdrawn(v, recorded, ctx.at.known)]
        if len({v.get("name_norm") for v in standing}) < 2:
            continue
        yield Found(entity_id, "", {
            "entity": entity_id, "sources": len(standing),
            "names": " / ".join(f"{v.get('name')} ({v.get('source')})" for v in standing)},
            tuple(ctx.node_evidence(str(v["label"]), v) for v in standing))


def _withdrawn(version: Mapping[str, Any], recorded: set[str], known: str | None) -> bool:
    """Retracted by `known` with no version following it: withdrawn, not superseded."""
    ret = version.get("ret")
    return ret is not None and (known is None or ret <= known) and ret not in recorded

