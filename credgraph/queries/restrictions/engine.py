"""The rules applied to gathered facts: written once, whichever store the facts came from.

A hit is one rule (in the version in force on the trigger date) restricting one
person from one trigger, with its window, certainty, the appointments it
affects and the path of stored facts that proves it. Hits are computed for
every day; questions about one day filter them (`Hit.in_force`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from credgraph import deadline
from credgraph.queries.restrictions.facts import Appointment, FactRef, Facts, Trigger
from credgraph.queries.restrictions.rules import (
    Certainty,
    Citation,
    Confirmation,
    Ground,
    LawVersion,
    Rule,
    RuleTable,
    previous_day,
)
from credgraph.queries.time import in_force


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
class Affected:
    appointment: Appointment
    effect: Effect


@dataclass(frozen=True)
class Hit:
    rule_id: str
    title: str
    citation: Citation
    person_id: str
    trigger: Trigger
    window_start: str
    window_end: str | None
    """First day no longer restricted (exclusive, like every end in the API); None: open."""
    certainty: Certainty
    note: str | None
    """Why a candidate needs review."""
    barred_roles: frozenset[str]
    other_enterprises_only: bool
    affected: tuple[Affected, ...]
    """Every appointment of the person the window touches, current or not."""
    evidence: tuple[EvidenceStep, ...]

    @property
    def last_day(self) -> str | None:
        """The last restricted day, for people who read windows inclusively."""
        return previous_day(self.window_end) if self.window_end else None

    def in_force(self, day: str) -> bool:
        return in_force(self.window_start, self.window_end, day)

    def bars(self, enterprise_id: str, role: str) -> bool:
        """Whether the hit forbids this post."""
        return _bars(self.barred_roles, self.other_enterprises_only, self.trigger, enterprise_id,
                     role)

    def affected_on(self, day: str) -> tuple[Affected, ...]:
        return tuple(a for a in self.affected if a.appointment.in_force(day))


def _bars(
    roles: frozenset[str], other_only: bool, trigger: Trigger, enterprise_id: str, role: str
) -> bool:
    """A barred role, unless the ground spares the triggering enterprise itself (EIP-18:
    "other enterprises"; the events: the enterprise being wound up)."""
    return role in roles and not (other_only and enterprise_id == trigger.enterprise_id)


def effect_of(appointment: Appointment, window_start: str, window_end: str | None) -> Effect | None:
    """VOID if made inside the window, MUST_REMOVE if held when it opened, else None.

    An appointment with no start date counts as held before the window opened.
    """
    start = appointment.start
    if start is not None and start >= window_start:
        return Effect.VOID if window_end is None or start < window_end else None
    return Effect.MUST_REMOVE if appointment.end is None or appointment.end > window_start else None


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


def _holding_step(a: Appointment, day: str) -> EvidenceStep:
    return EvidenceStep(a.ref, f"{a.person_id} was {a.role} of {a.enterprise_id} on {day} "
                               f"({_span(a.start, a.end)})")


def _certainty(
    ground: Ground, version: LawVersion, trigger: Trigger, person: str
) -> tuple[Certainty, str | None]:
    rule = ground.certainty
    if rule.confirmed_if is Confirmation.ALWAYS:
        return Certainty.CONFIRMED, None
    if rule.confirmed_if is Confirmation.LIABLE_PERSON_NAMED:
        if person in trigger.liable_persons:
            return Certainty.CONFIRMED, None
        return Certainty.CANDIDATE, rule.otherwise
    if rule.any_reason_before is not None and trigger.date < rule.any_reason_before:
        return Certainty.CONFIRMED, None
    if any(p.matches(trigger.reason) for p in rule.reasons[version.text]):
        return Certainty.CONFIRMED, None
    return Certainty.CANDIDATE, f"{rule.otherwise} (listing reason: {trigger.reason or 'none'})"


def _hits(
    rule: Rule,
    ground: Ground,
    trigger: Trigger,
    posts_of: Mapping[str, Sequence[Appointment]],
    holders_at: Mapping[str, Sequence[Appointment]],
) -> Iterable[Hit]:
    version = rule.law.version_on(trigger.date)
    if version is None:
        return
    missing_reason: str | None = None
    if ground.requires is not None:
        if not trigger.reason:
            if ground.when_missing is None:
                return
            missing_reason = ground.when_missing
        elif not ground.requires.matches(trigger.reason):
            return
    start = trigger.date
    end = ground.window.end(start, trigger.reason, trigger.removed_on, trigger.removal_reason)
    if end is not None and end <= start:
        return
    restricted: dict[str, list[Appointment]] = {}
    if ground.restricts_subject:
        restricted[trigger.subject_id] = []
    else:
        for post in holders_at.get(trigger.subject_id, ()):
            if post.role in ground.holder_roles and post.in_force(start):
                restricted.setdefault(post.person_id, []).append(post)
    for person, holdings in sorted(restricted.items()):
        note: str | None
        if missing_reason is not None:
            certainty, note = Certainty.CANDIDATE, missing_reason
        else:
            certainty, note = _certainty(ground, version, trigger, person)
        affected = tuple(
            Affected(post, effect)
            for post in sorted(posts_of.get(person, ()), key=_post_order)
            if _bars(rule.barred_roles, ground.other_enterprises_only, trigger,
                     post.enterprise_id, post.role)
            and (effect := effect_of(post, start, end)) is not None
        )
        yield Hit(
            rule_id=rule.id, title=rule.title, citation=rule.citation(ground, version),
            person_id=person, trigger=trigger, window_start=start, window_end=end,
            certainty=certainty, note=note, barred_roles=rule.barred_roles,
            other_enterprises_only=ground.other_enterprises_only, affected=affected,
            evidence=(*_trigger_steps(trigger), *(_holding_step(h, start) for h in holdings)),
        )


def _post_order(a: Appointment) -> tuple[str, str, str, str]:
    return (a.enterprise_id, a.role, a.start or "", a.key)


def evaluate(facts: Facts, table: RuleTable) -> list[Hit]:
    """Every hit the facts prove, in a stable order (person, window start, rule, trigger)."""
    posts_of: dict[str, list[Appointment]] = defaultdict(list)
    holders_at: dict[str, list[Appointment]] = defaultdict(list)
    for post in facts.appointments:
        posts_of[post.person_id].append(post)
        holders_at[post.enterprise_id].append(post)
    triggers = {(t.source, t.id): t for t in facts.triggers}
    hits: list[Hit] = []
    for trigger in triggers.values():
        deadline.check()
        for rule, ground in table.grounds_for(trigger.source, trigger.kind, trigger.subject_type):
            hits.extend(_hits(rule, ground, trigger, posts_of, holders_at))
    hits.sort(key=lambda h: (h.person_id, h.window_start, h.rule_id, h.trigger.id))
    return hits
