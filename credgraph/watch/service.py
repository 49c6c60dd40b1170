"""Watchlists and alerts (docs/risk.md, Watchlists): after each committed load, what changed
within a few links of every watched entity becomes an alert for each owner watching it.

A check compares, per watched (entity, hops), the items around it now
(credgraph.queries.alerts) with those kept from the previous check: an item whose key is new
is an alert (a new listing, pledge, mortgage, legal representative, shareholder or
restriction hit), as is a changed risk level. It runs once per data version (the store's
number that grows with every load that changes facts): after `credgraph load`, and before
alerts are read, so a load made by another process is noticed too. A newly watched entity
gets its items at once, so the next load's changes are reported and nothing before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from credgraph.exc import BadInputError
from credgraph.graph.clock import now
from credgraph.queries.alerts import LEVEL, MAX_WATCH_HOPS, Item, Surroundings
from credgraph.queries.analyses import Analyses
from credgraph.queries.links.analysis import check_range
from credgraph.queries.time import Moment
from credgraph.settings import Settings
from credgraph.watch.userdata import Baseline, NewAlert, StoredAlert, UserData, Watched
from credgraph.watch.webhook import Webhook

DEFAULT_LIST = "default"
BATCH = 500
"""Watched entities whose surroundings are gathered together."""
MAX_ALERTS = 1000


@dataclass
class CheckReport:
    data_version: int
    checked: int = 0
    """(entity, hops) pairs whose surroundings were gathered."""
    alerts: list[int] = field(default_factory=list)
    """Ids of the alerts created."""
    skipped: bool = False
    """The data version was checked already."""


class Watch:
    """Watchlists of owners over one store's analyses, kept in a user-data file."""

    def __init__(self, data: UserData, analyses: Analyses, webhook: Webhook | None = None,
                 clock: Callable[[], Moment] = Moment.on) -> None:
        self.data, self.analyses, self.webhook, self.clock = data, analyses, webhook, clock
        self.surroundings = Surroundings(analyses.links, analyses.restrictions, analyses.risk)

    # --- watchlists ---------------------------------------------------------------------

    def add(self, owner: str, ref: str, hops: int = 1, list_name: str = DEFAULT_LIST) -> Watched:
        """Watch an entity (by id, USCC or registration number) within `hops` links."""
        check_range("hops", hops, 1, MAX_WATCH_HOPS)
        if not list_name.strip():
            raise BadInputError("a watchlist needs a name")
        at = self.clock()
        entity = self.analyses.links.entity(ref, at)
        entry = Watched(owner, list_name.strip(), entity.id, hops, now())
        self.data.watch(entry)
        pair = (entity.id, hops)
        if pair not in self.data.baselines([pair]):
            version = self.analyses.backend.data_version()
            found = self.surroundings.of([entity.id], at, hops).get(entity.id, {})
            with self.data.transaction() as db:
                self.data.save_baselines(db, {pair: _baseline(version, at, found)})
        return entry

    def remove(self, owner: str, ref: str, list_name: str = DEFAULT_LIST) -> bool:
        at = self.clock()
        found = self.analyses.links.lookup(ref, at)
        return self.data.unwatch(owner, list_name, found.id if found else ref)

    def watched(self, owner: str) -> list[Watched]:
        return self.data.watched(owner)

    # --- checks -------------------------------------------------------------------------

    def check(self) -> CheckReport:
        """Compare every watched entity's surroundings with the last check's, once per data
        version; new alerts are stored, then sent to the webhook when one is set."""
        version = self.analyses.backend.data_version()
        report = CheckReport(version)
        if self.data.last_checked() == version:
            report.skipped = True
            return report
        entries = self.data.watched()
        pairs = sorted({(e.entity, e.hops) for e in entries})
        before = self.data.baselines(pairs)
        at = self.clock()
        current: dict[tuple[str, int], dict[str, Item]] = {}
        for hops in sorted({h for _, h in pairs}):
            ids = [e for e, h in pairs if h == hops]
            for start in range(0, len(ids), BATCH):
                found = self.surroundings.of(ids[start:start + BATCH], at, hops)
                current.update(((e, hops), found.get(e, {}))
                               for e in ids[start:start + BATCH])
        report.checked = len(current)
        alerts = [alert for entry in entries
                  for alert in _alerts(entry, current.get((entry.entity, entry.hops)),
                                       before.get((entry.entity, entry.hops)))]
        created = now()
        with self.data.transaction() as db:
            if self.data.checked_version(db) == version:
                report.skipped = True  # another process checked this load meanwhile
                return report
            report.alerts = self.data.add_alerts(db, _unique(alerts), version, created)
            self.data.save_baselines(db, {pair: _baseline(version, at, items)
                                          for pair, items in current.items()})
            self.data.set_checked_version(db, version)
        if self.webhook is not None:
            self.deliver()
        return report

    def deliver(self) -> int:
        """Send the alerts not delivered yet to the webhook; how many went."""
        if self.webhook is None:
            return 0
        pending = self.data.undelivered()
        if not pending:
            return 0
        if not self.webhook.send([public(a) for a in pending]):
            return 0
        self.data.mark_delivered([a.id for a in pending], now())
        return len(pending)

    # --- alerts ---------------------------------------------------------------------------

    def alerts(self, owner: str, since: str | None = None, unread_only: bool = False,
               first: int = 100) -> list[StoredAlert]:
        """The owner's alerts after `since`, newest first, once the current load is checked."""
        check_range("first", first, 0, MAX_ALERTS)
        self.check()
        return self.data.alerts(owner, since, unread_only, first)

    def unread(self, owner: str) -> int:
        self.check()
        return self.data.unread(owner)

    def mark_read(self, owner: str, ids: Sequence[int]) -> int:
        return self.data.mark_read(owner, ids)


def watch_for(analyses: Analyses, settings: Settings) -> Watch:
    """The watchlists the settings name (user-data file, webhook) over the analyses."""
    webhook = (Webhook(settings.alert_webhook_url, settings.alert_webhook_timeout_seconds)
               if settings.alert_webhook_url else None)
    return Watch(UserData(settings.user_data_path), analyses, webhook)


def _baseline(version: int, at: Moment, items: Mapping[str, Item]) -> Baseline:
    return Baseline(version, at.day, {key: asdict(item) for key, item in items.items()})


def _alerts(entry: Watched, items: Mapping[str, Item] | None,
            before: Baseline | None) -> list[NewAlert]:
    """What is new around one watched entry since the last check (nothing the first time)."""
    if items is None or before is None:
        return []
    found = []
    for key, item in items.items():
        earlier = before.items.get(key)
        if earlier is None and item.kind != LEVEL:
            found.append(_new(entry, item))
        elif item.kind == LEVEL and earlier is not None \
                and earlier["fields"]["level"] != item.fields["level"]:
            found.append(_new(entry, item, earlier["fields"]))
    return found


def _new(entry: Watched, item: Item, previous: Mapping[str, Any] | None = None) -> NewAlert:
    text = item.text(previous)
    body = {"subject": item.subject, "fields": dict(item.fields), "facts": list(item.facts),
            "text_zh": text.zh, "text_en": text.en, "hops": entry.hops,
            "previous": dict(previous) if previous else None}
    return NewAlert(entry.owner, entry.entity, item.kind, item.key, body)


def _unique(alerts: Sequence[NewAlert]) -> list[NewAlert]:
    """One alert per owner, entity and item, though the owner watches it in several lists."""
    seen: dict[tuple[str, str, str], NewAlert] = {}
    for alert in alerts:
        seen.setdefault((alert.owner, alert.entity, alert.item_key), alert)
    return list(seen.values())


def public(alert: StoredAlert) -> dict[str, Any]:
    """An alert as the webhook posts it."""
    return {"id": alert.id, "owner": alert.owner, "entity": alert.entity, "kind": alert.kind,
            "data_version": alert.data_version, "created_at": alert.created_at, **alert.body}
