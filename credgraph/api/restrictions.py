"""The restriction questions of the root Query: disqualificationCheck, appointmentCheck and
disqualificationScan (docs/api-contract.md), merged into it by credgraph.api.schema.

Resolvers only convert arguments and results; the checks live in
credgraph.queries.restrictions, the types in credgraph.api.types.restrictions.
"""

from __future__ import annotations

from collections.abc import Iterable

import strawberry

from credgraph.api.context import Info, in_thread
from credgraph.api.types.base import described
from credgraph.api.types.enums import Role
from credgraph.api.types.restrictions import (
    AppointmentCheck,
    Certainty,
    DisqualificationCheck,
    DisqualificationConnection,
)
from credgraph.api.types.scalars import Date, DateTime, moment
from credgraph.queries.restrictions import engine, rules, service

rules.load_rules()  # a malformed rules.yaml stops the server at start, naming file and key


def _named(hits: Iterable[engine.Hit], day: str) -> list[str]:
    """Every node id a result shows: persons, trigger and affected enterprises."""
    ids: set[str] = set()
    for hit in hits:
        ids.add(hit.person_id)
        if hit.trigger.enterprise_id:
            ids.add(hit.trigger.enterprise_id)
        ids.update(a.appointment.enterprise_id for a in hit.affected_on(day))
    return sorted(ids)


@strawberry.type
class RestrictionQuery:
    @described("Whether a person is barred from posts on asOf (docs/restriction-rules.md), "
               "with the hits in force then.")
    async def disqualification_check(self, info: Info, person_id: strawberry.ID,
                                     as_of: Date | None = None,
                                     known_at: DateTime | None = None
                                     ) -> DisqualificationCheck:
        analyses, at = info.context.analyses, moment(as_of, known_at)

        def run() -> DisqualificationCheck:
            check = analyses.restrictions.check_person(person_id, at)
            nodes = analyses.links.entities([*_named(check.hits, at.day), check.person_id], at)
            return DisqualificationCheck.from_record(check, nodes, at)

        return await in_thread(run)

    @described("Whether the person may be appointed to the role at the enterprise on date, "
               "and the hits that forbid it.")
    async def appointment_check(self, info: Info, person_id: strawberry.ID, uscc: strawberry.ID,
                                role: Role, date: Date | None = None,
                                known_at: DateTime | None = None) -> AppointmentCheck:
        analyses, at = info.context.analyses, moment(date, known_at)

        def run() -> AppointmentCheck:
            decision = analyses.restrictions.check_appointment(person_id, uscc, role.value, at)
            ids = [*_named(decision.hits, at.day), decision.person_id, decision.enterprise_id]
            return AppointmentCheck.from_record(decision, analyses.links.entities(ids, at), at)

        return await in_thread(run)

    @described("Every appointment in force on asOf that a rule makes VOID or that MUST be "
               "given up, over the whole registry.")
    async def disqualification_scan(
        self,
        info: Info,
        as_of: Date | None = None,
        known_at: DateTime | None = None,
        first: int = 100,
        after: str | None = None,
        certainty: Certainty | None = None,
    ) -> DisqualificationConnection:
        analyses, at = info.context.analyses, moment(as_of, known_at)
        wanted = rules.Certainty(certainty.value) if certainty is not None else None

        def run() -> DisqualificationConnection:
            service.page_key(first, after)
            found = service.page(analyses.restrictions.scan(at, wanted), first, after)
            nodes = analyses.links.entities(_named((i.hit for i in found.items), at.day), at)
            return DisqualificationConnection.from_record(found, nodes, at)

        return await in_thread(run)
