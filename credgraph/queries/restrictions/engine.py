"""The rules applied to gathered facts: written once, whichever store the facts came from.

A hit is one rule, in one version of its text, restricting one person from one trigger,
with its window, certainty, the appointments it affects and the path of stored facts that
proves it. A trigger whose window spans several versions gives one hit per version, each
in force only on the days its text was (`Hit.in_force`): a question is judged under the
text of the day it is about. Hits are computed for every day; questions filter them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NamedTuple

from credgraph import deadline
from credgraph.queries.restrictions.facts import Appointment, FactRef, Facts, Trigger
from credgraph.queries.restrictions.rules import (
    Case,
    Certainty,
    Citation,
    Ground,
    LawVersion,
    Rule,
    RuleTable,
    Text,
    add_years,
    next_day,
    previous_day,
)
from credgraph.queries.time import in_force

NO_REASON = "—"
"""What a note shows for a trigger with no reason recorded."""


class Effect(StrEnum):
    """Company Law Art.178: ¶2 an appointment made inside a window is void; ¶3 a post
    held when a window opens must be given up."""

    VOID = "void"
    MUST_REMOVE = "must_remove"


@dataclass(frozen=True, slots=True)
class EvidenceStep:
    ref: FactRef
    summary: str


@dataclass(frozen=True, slots=True)
class Barring:
    """How surely a hit bars one post: the hit's certainty, unless the post's enterprise is
    of a kind that cannot be told (then a candidate, with the reason in the note)."""

    certainty: Certainty
    note: Text | None


@dataclass(frozen=True, slots=True)
class Affected:
    appointment: Appointment
    effect: Effect
    certainty: Certainty
    note: Text | None
    """Why this post's effect is only a candidate."""


@dataclass(frozen=True)
class Hit:
    rule: Rule
    citation: Citation
    """The article in the version applied: the text in force on the days the hit is."""
    person_id: str
    trigger: Trigger
    window_start: str
    window_end: str | None
    """First day no longer restricted (exclusive, like every end in the API); None: open."""
    certainty: Certainty
    note: Text | None
    """Why a candidate needs review."""
    other_enterprises_only: bool
    affected: tuple[Affected, ...] = ()
    """Every appointment of the person this hit touches, current or not."""
    evidence: tuple[EvidenceStep, ...] = ()

    def __repr__(self) -> str:
        return (f"Hit({self.rule_id} {self.version.key} {self.person_id} {self.trigger.id} "
                f"{self.window_start}..{self.window_end} {self.certainty})")

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def title(self) -> Text:
        return self.rule.title

    @property
    def barred_roles(self) -> frozenset[str]:
        return self.rule.barred_roles

    @property
    def version(self) -> LawVersion:
        return self.citation.version

    @property
    def last_day(self) -> str | None:
        """The last restricted day, for people who read windows inclusively."""
        return previous_day(self.window_end) if self.window_end else None

    def window_open(self, day: str) -> bool:
        return in_force(self.window_start, self.window_end, day)

    def in_force(self, day: str) -> bool:
        """Inside the window, and judged under this hit's text (in force that day)."""
        return self.window_open(day) and self.version.covers(day)

    @property
    def applies_from(self) -> str:
        return max(self.window_start, self.version.in_force_from)

    @property
    def applies_until(self) -> str | None:
        """First day the hit no longer applies (its window closed or its text replaced)."""
        ends = [d for d in (self.window_end, self.version.after_last_day) if d is not None]
        return min(ends) if ends else None

    def affected_on(self, day: str) -> tuple[Affected, ...]:
        return tuple(a for a in self.affected if a.appointment.in_force(day))


def barring(
    table: RuleTable, hit: Hit, enterprise_id: str, role: str, enterprise_type: str | None
) -> Barring | None:
    """Whether the hit bars this post, and how surely; None when it does not."""
    if role not in hit.barred_roles:
        return None
    if hit.other_enterprises_only and enterprise_id == hit.trigger.enterprise_id:
        return None
    scope = hit.rule.scope
    if scope is None:
        return Barring(hit.certainty, hit.note)
    kind, kinds = table.enterprise_kind(enterprise_type), hit.rule.scope_kinds
    assert kinds is not None  # resolved with the scope when the table is read
    if kind is None:
        unknown = table.note("scope_unknown", type=enterprise_type or table.unknown_kind,
                             kinds=kinds)
        return Barring(Certainty.CANDIDATE, Text.join(n for n in (hit.note, unknown) if n))
    return Barring(hit.certainty, hit.note) if kind in scope else None


def _span(start: str | None, end: str | None) -> str:
    return f"{start or 'unknown start'} to {end or 'open'}"


def _trigger_steps(t: Trigger) -> list[EvidenceStep]:
    by = f" by {t.authority}" if t.authority else ""
    doc = f" ({t.doc_no})" if t.doc_no else ""
    why = f": {t.reason}" if t.reason else ": no reason recorded"
    if t.source == "list":
        removed = (f"; removed {t.removed_on}" + (f": {t.removal_reason}" if t.removal_reason
                                                 else "")) if t.removed_on else "; still listed"
        node = f"{t.subject_id} on the {t.kind} list from {t.date}{by}{doc}{why}{removed}"
    else:
        named = ", ".join(t.liable_persons) or "nobody"
        node = f"{t.subject_id}: {t.kind} on {t.date}{by}{why}; personally liable named: {named}"
    link = f"{t.subject_id} -[{t.link.fact}]-> {t.id}"
    return [EvidenceStep(t.node, node), EvidenceStep(t.link, link)]


def _holding_step(a: Appointment, t: Trigger) -> EvidenceStep:
    when = f" on {t.date}" if a.in_force(t.date) else ""
    named = "; named personally liable" if a.person_id in t.liable_persons else ""
    return EvidenceStep(a.ref, f"{a.person_id} was {a.role} of {a.enterprise_id}{when} "
                               f"({_span(a.start, a.end)}){named}")


def _restricted(ground: Ground, trigger: Trigger,
                holders_at: Mapping[str, Sequence[Appointment]]) -> dict[str, list[Appointment]]:
    """Who the ground restricts, with the posts that make them so: the listed person, or
    the holders of the roles on the trigger date, and (when liability is named) the named
    persons who held one of the roles at any time."""
    holders = ground.holders
    if holders is None:
        return {trigger.subject_id: []}
    found: dict[str, list[Appointment]] = {}
    for post in holders_at.get(trigger.subject_id, ()):
        named = holders.liable is not None and post.person_id in trigger.liable_persons
        if post.role in holders.holders and (named or post.in_force(trigger.date)):
            found.setdefault(post.person_id, []).append(post)
    return found


def _window_end(ground: Ground, case: Case, trigger: Trigger) -> str | None:
    if case.while_listed:
        return trigger.removed_on
    assert case.years is not None  # a case has years or while_listed (checked on load)
    end = next_day(add_years(trigger.date, case.years))
    if trigger.removed_on is not None and ground.closes_early(trigger.removal_reason):
        return min(end, trigger.removed_on)
    return end


class _TextThen(NamedTuple):
    """The text in force on a trigger's date, and whom it restricted for the trigger."""

    citation: Citation
    restricted: set[str]


def _text_then(
    table: RuleTable, rule: Rule, trigger: Trigger,
    holders_at: Mapping[str, Sequence[Appointment]],
) -> _TextThen | None:
    """The text in force on the trigger date: the rule's own, else that of the rule it
    succeeds; None when no text in the table was in force then."""
    for earlier in (rule, table.rule(rule.succeeds) if rule.succeeds else None):
        version = earlier.statute.version_on(trigger.date) if earlier else None
        if earlier is None or version is None:
            continue
        ground = earlier.ground_for(trigger.source, trigger.kind, trigger.subject_type)
        covered = ground is not None and ground.case_for(
            trigger.kind, trigger.reason, trigger.date, version.wording) is not None
        restricted = set(_restricted(ground, trigger, holders_at)) if ground and covered else set()
        return _TextThen(Citation(earlier.statute, version, ground.item if ground else None),
                         restricted)
    return None


def _hits(
    table: RuleTable, rule: Rule, ground: Ground, trigger: Trigger,
    holders_at: Mapping[str, Sequence[Appointment]],
) -> Iterator[Hit]:
    """The hits of one ground on one trigger, one per version of the text the window spans
    (without their affected appointments: those need every hit of the trigger)."""
    start, reason, statute = trigger.date, trigger.reason, rule.statute
    versions = [v for v in statute.versions if v.after_last_day is None or v.after_last_day > start]
    restricted = _restricted(ground, trigger, holders_at) if versions else {}
    if not restricted:
        return
    then = _text_then(table, rule, trigger, holders_at)
    steps = _trigger_steps(trigger)
    for version in versions:
        case = ground.case_for(trigger.kind, reason, start, version.wording)
        if case is None:
            continue
        end = _window_end(ground, case, trigger)
        if end is not None and end <= max(start, version.in_force_from):
            continue
        for person, holdings in sorted(restricted.items()):
            certainty, notes = case.certainty, []
            if case.note is not None:
                notes.append(table.note(case.note, reason=reason or NO_REASON, date=start))
            if ground.holders and ground.holders.liable and person not in trigger.liable_persons:
                certainty = Certainty.CANDIDATE
                notes.append(table.note("not_named"))
            if then is not None and person not in then.restricted:
                certainty = Certainty.CANDIDATE
                notes.append(table.note("law_changed", date=start, citation=then.citation.short))
            yield Hit(
                rule=rule, citation=Citation(statute, version, ground.item), person_id=person,
                trigger=trigger, window_start=start, window_end=end, certainty=certainty,
                note=Text.join(notes), other_enterprises_only=ground.other_enterprises_only,
                evidence=(*steps, *(_holding_step(h, trigger) for h in holdings)),
            )


def _overlaps(post: Appointment, start: str, end: str | None) -> bool:
    return (post.start is None or end is None or post.start < end) and (
        post.end is None or post.end > start)


def _with_effects(
    table: RuleTable, hit: Hit, same_trigger: Sequence[Hit], posts: Iterable[Appointment]
) -> Hit:
    """The hit with the person's posts it touches: VOID when made inside the window under a
    text that barred it on the appointment date (whichever rule's), else MUST_REMOVE when
    held while this hit applies."""
    affected = []
    applies_from, applies_until = hit.applies_from, hit.applies_until
    for post in posts:
        if not _overlaps(post, applies_from, applies_until):
            continue
        bars = barring(table, hit, post.enterprise_id, post.role, post.enterprise_type)
        if bars is None:
            continue
        made = post.start
        void = made is not None and hit.window_open(made) and any(
            h.in_force(made)
            and barring(table, h, post.enterprise_id, post.role, post.enterprise_type) is not None
            for h in same_trigger)
        affected.append(Affected(post, Effect.VOID if void else Effect.MUST_REMOVE,
                                 bars.certainty, bars.note))
    return replace(hit, affected=tuple(affected))


def _post_order(a: Appointment) -> tuple[str, str, str, str]:
    return (a.enterprise_id, a.role, a.start or "", a.key)


def evaluate(facts: Facts, table: RuleTable) -> list[Hit]:
    """Every hit the facts prove, in a stable order (person, window start, rule, trigger,
    version)."""
    posts_of: dict[str, list[Appointment]] = defaultdict(list)
    holders_at: dict[str, list[Appointment]] = defaultdict(list)
    for post in facts.appointments:
        posts_of[post.person_id].append(post)
        holders_at[post.enterprise_id].append(post)
    for posts in posts_of.values():
        posts.sort(key=_post_order)
    hits: list[Hit] = []
    for trigger in {(t.source, t.id): t for t in facts.triggers}.values():
        deadline.check()
        by_person: dict[str, list[Hit]] = defaultdict(list)
        for rule, ground in table.grounds_for(trigger.source, trigger.kind, trigger.subject_type):
            for hit in _hits(table, rule, ground, trigger, holders_at):
                by_person[hit.person_id].append(hit)
        for person, found in by_person.items():
            hits += (_with_effects(table, h, found, posts_of.get(person, ())) for h in found)
    hits.sort(key=lambda h: (h.person_id, h.window_start, h.rule_id, h.trigger.id,
                             h.version.in_force_from))
    return hits


def _item_key(hit: Hit, a: Affected) -> tuple[str, ...]:
    post = a.appointment
    return (hit.person_id, hit.trigger.source, hit.trigger.id, post.relation, post.key)


def held_against(hits: Iterable[Hit], day: str) -> list[tuple[Hit, Affected]]:
    """Every appointment in force on `day` held against a rule: those the hits in force that
    day affect, and those made inside a window under a text since repealed, while that
    window lasts - an appointment void when made stays void under the next text."""
    hits = list(hits)
    found = [(hit, a) for hit in hits if hit.in_force(day) for a in hit.affected_on(day)]
    listed = {_item_key(h, a) for h, a in found}
    for hit in hits:
        if hit.in_force(day) or not hit.window_open(day):
            continue
        for a in hit.affected_on(day):
            key = _item_key(hit, a)
            made = a.appointment.start
            if a.effect is Effect.VOID and made and hit.in_force(made) and key not in listed:
                found.append((hit, a))
                listed.add(key)
    return found
