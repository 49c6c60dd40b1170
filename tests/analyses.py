"""Test shorthands over the analyses: the product's questions asked of a store on a day."""

from __future__ import annotations

from collections.abc import Collection

from credgraph.graph.store import GraphStore
from credgraph.queries.analyses import Analyses, analyses_for
from credgraph.queries.restrictions.engine import Hit
from credgraph.queries.restrictions.rules import Certainty, RuleTable
from credgraph.queries.restrictions.service import AppointmentDecision, PersonCheck, ScanItem
from credgraph.queries.time import Moment


def over(store: GraphStore, table: RuleTable | None = None) -> Analyses:
    return analyses_for(store, table)


def check_person(store: GraphStore, person_id: str, day: str,
                 table: RuleTable | None = None) -> PersonCheck:
    return over(store, table).restrictions.check_person(person_id, Moment(day))


def check_appointment(store: GraphStore, person_id: str, enterprise: str, role: str, day: str,
                      table: RuleTable | None = None) -> AppointmentDecision:
    return over(store, table).restrictions.check_appointment(person_id, enterprise, role,
                                                              Moment(day))


def hits_for_persons(store: GraphStore, persons: Collection[str], first_day: str,
                     last_day: str) -> dict[str, list[Hit]]:
    return over(store).restrictions.hits_for_persons(persons, last_day, Moment(first_day))


def scan(store: GraphStore, day: str, certainty: Certainty | None = None) -> list[ScanItem]:
    return over(store).restrictions.scan(Moment(day), certainty)
