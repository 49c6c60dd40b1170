"""双告知 routing (the notice §二.2): each enterprise registered or changed in a period whose
business scope needs a post-approval licence, with the departments to notify and the wording
that needs it (docs/approval-notices.md).

* Registered: an enterprise whose recorded establishment date is in the period; every item
  its scope (as recorded at knownAt) needs is notified.
* Changed: a new version of an enterprise's registration recorded in the period (China time)
  after an earlier one; only the items its new scope needs that the scope before did not are
  notified (an unchanged licensed activity was notified when it was registered).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from enum import StrEnum
from typing import Any

from credgraph import deadline
from credgraph.exc import BadInputError
from credgraph.graph.clock import timestamp
from credgraph.graph.model import provenance_of
from credgraph.queries.backend.base import Backend
from credgraph.queries.links.results import Entity
from credgraph.queries.notices.catalogue import Catalogue, Match, load_catalogue
from credgraph.queries.restrictions.rules import Text
from credgraph.queries.time import CHINA, Moment


class Reason(StrEnum):
    REGISTERED = "registered"
    CHANGED = "changed"


REASONS = {Reason.REGISTERED: Text(zh="设立登记", en="registered"),
           Reason.CHANGED: Text(zh="变更登记", en="changed")}


@dataclass(frozen=True)
class Notice:
    """One enterprise's registration or change, and the approvals its scope needs."""

    enterprise: Entity
    reason: Reason
    day: str
    """The establishment date, or the day (China time) the change was recorded."""
    scope: str
    matches: tuple[Match, ...]
    recorded_at: str | None
    source: str | None
    provenance: Mapping[str, Any]
    """Of the registration version the scope was read from."""

    @property
    def departments(self) -> tuple[str, ...]:
        return tuple(sorted({m.item.department for m in self.matches}))

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.day, self.enterprise.id, self.reason.value)

    def for_department(self, department: str) -> Notice:
        return replace(self, matches=tuple(m for m in self.matches
                                           if m.item.department == department))


def day_start(day: str) -> str:
    """The recorded time at which a day begins in China time."""
    return timestamp(datetime.combine(date.fromisoformat(day), clock_time(), CHINA))


def china_day(recorded: str) -> str:
    """The day (China time) of a recorded time."""
    moment = datetime.fromisoformat(recorded.replace("Z", "+00:00"))
    return moment.astimezone(CHINA).date().isoformat()


class ApprovalNotices:
    """The notices over one store's backend, with one catalogue."""

    def __init__(self, backend: Backend, catalogue: Catalogue | None = None) -> None:
        self.backend = backend
        self.catalogue = catalogue or load_catalogue()

    def notices(self, since: str, until: str, at: Moment,
                department: str | None = None) -> list[Notice]:
        """Every notice of the period [since, until] (days), of one department when named."""
        if department is not None and department not in self.catalogue.departments:
            raise BadInputError(f"no department {department!r} in the catalogue (one of: "
                                f"{', '.join(self.catalogue.departments)})")
        if until < since:
            raise BadInputError(f"the period ends ({until}) before it begins ({since})")
        found: dict[tuple[str, str], Notice] = {}
        registered_ids: set[str] = set()
        for registered in self.backend.enterprises_established(since, until, at):
            deadline.check()
            registered_ids.add(registered.id)
            props = registered.props
            scope = str(props.get("business_scope") or "")
            matches = self.catalogue.match(scope)
            if matches:
                notice = Notice(registered, Reason.REGISTERED, str(props["established"]), scope,
                                matches, props.get("recorded_at"), props.get("source"),
                                provenance_of(props))
                found[(registered.id, notice.day)] = notice
        end = (date.fromisoformat(until) + timedelta(days=1)).isoformat()
        changes = self.backend.record_changes(day_start(since), day_start(end), at)
        changed_ids = sorted({after["of"] for _, after in changes})
        entities = self.backend.entities(changed_ids, at) if changed_ids else {}
        for before, after in changes:
            deadline.check()
            enterprise = entities.get(str(after["of"]))
            if enterprise is None or enterprise.id in registered_ids:
                continue
            had = {m.item.id for m in self.catalogue.match(before.get("business_scope"))}
            scope = str(after.get("business_scope") or "")
            new = tuple(m for m in self.catalogue.match(scope) if m.item.id not in had)
            if new:
                notice = Notice(enterprise, Reason.CHANGED, china_day(str(after["rec"])), scope,
                                new, after.get("rec"), after.get("source"), provenance_of(after))
                found.setdefault((enterprise.id, notice.day), notice)
        notices = sorted(found.values(), key=lambda n: n.key)
        if department is None:
            return notices
        return [n.for_department(department) for n in notices if department in n.departments]
