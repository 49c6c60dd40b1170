"""Watchlists and alerts in the API: what the caller watches and what changed around it
(docs/risk.md). Every operation acts for the caller's owner (credgraph.api.context); the
check runs when alerts are read and the data version has grown since the last one."""

from __future__ import annotations

import strawberry

from credgraph.api.context import Info, in_thread
from credgraph.api.types.base import described
from credgraph.api.types.scalars import DateTime
from credgraph.api.types.watch import Alert, WatchEntry
from credgraph.exc import BadInputError
from credgraph.watch.service import DEFAULT_LIST


@strawberry.type
class WatchQuery:
    @described("The caller's watched entities, by list.")
    async def watchlist(self, info: Info) -> list[WatchEntry]:
        context = info.context
        found = await in_thread(lambda: context.watch.watched(context.owner))
        return [WatchEntry.from_record(e) for e in found]

    @described("The caller's alerts created after `since` (all when null), newest first; the "
               "latest load is checked first.")
    async def alerts(self, info: Info, since: DateTime | None = None, unread_only: bool = False,
                     first: int = 100) -> list[Alert]:
        context = info.context
        found = await in_thread(lambda: context.watch.alerts(context.owner, since, unread_only,
                                                             first))
        return [Alert.from_record(a) for a in found]

    @described("How many of the caller's alerts are unread.")
    async def unread_alerts(self, info: Info) -> int:
        context = info.context
        return await in_thread(lambda: context.watch.unread(context.owner))


@strawberry.type
class WatchMutation:
    @described("Watch an enterprise, person or other holder: changes within `hops` links "
               "(1 to 3) after the next loads become alerts.")
    async def watch(self, info: Info, id: strawberry.ID, hops: int = 1,
                    list: str = DEFAULT_LIST) -> WatchEntry:
        context = info.context
        entry = await in_thread(lambda: context.watch.add(context.owner, id, hops, list))
        return WatchEntry.from_record(entry)

    @described("Stop watching an entity in a list; false when it was not watched there.")
    async def unwatch(self, info: Info, id: strawberry.ID, list: str = DEFAULT_LIST) -> bool:
        context = info.context
        return await in_thread(lambda: context.watch.remove(context.owner, id, list))

    @described("Mark alerts read; how many were unread.")
    async def mark_alerts_read(self, info: Info, ids: list[strawberry.ID]) -> int:
        context = info.context
        try:
            numbers = [int(i) for i in ids]
        except ValueError:
            raise BadInputError("alert ids are numbers") from None
        return await in_thread(lambda: context.watch.mark_read(context.owner, numbers))
