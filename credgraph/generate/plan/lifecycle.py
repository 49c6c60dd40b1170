"""Phase that decides each enterprise's registration status and its terminal event, if any."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import TODAY, between
from credgraph.generate.plan.enterprises import Enterprises
from credgraph.generate.words import S_ACTIVE, S_CANCELLED, S_DEREGISTERED, S_OPEN, S_REVOKED

# Terminal event per enterprise (at most one story each): the event codes of Lifecycle.ev.
E_NONE, E_REVOKED, E_CLOSED, E_DEREGISTERED, E_LIQUIDATED, E_REGISTRATION_REVOKED = range(6)


@dataclass(slots=True)
class Lifecycle:
    status: Arr
    """Status code (STATUS_NAMES)."""
    status_day: Arr
    """Day the enterprise left business (revoked, deregistered ...); -1 while in business."""
    ev: Arr
    """Terminal event code (E_*)."""
    ev_day: Arr
    limit: Arr
    """Nothing about the enterprise is recorded after this day."""
    liable: Arr
    """The legal representative is named personally liable in the terminal event."""
    active: Arr
    """In business and not a bank: may hold, be held, take new officers."""
    active_idx: Arr


def plan_lifecycle(g: np.random.Generator, ent: Enterprises) -> Lifecycle:
    n = len(ent.est)
    st = g.choice(6, size=n, p=[0.80, 0.06, 0.06, 0.073, 0.005, 0.002])
    young = ent.est > TODAY - 400
    st[young & (st >= S_REVOKED)] = S_ACTIVE
    st[ent.is_bank] = S_ACTIVE
    ended = st >= S_REVOKED
    sday = np.full(n, -1, dtype=np.int64)
    sday[ended] = between(g, ent.est[ended] + 200, np.full(int(ended.sum()), TODAY))
    ev = np.zeros(n, dtype=np.int64)
    ev_day = np.full(n, -1, dtype=np.int64)
    rev = np.flatnonzero(st == S_REVOKED)
    r = g.random(len(rev))
    ev[rev[r < 0.9]] = E_REVOKED
    closed = rev[r >= 0.975] if len(rev) else rev
    if len(rev) and not len(closed):
        closed = rev[:1]
    ev[closed] = E_CLOSED
    dereg = np.flatnonzero(st == S_DEREGISTERED)
    ev[dereg] = E_DEREGISTERED
    liq = dereg[g.random(len(dereg)) < 0.05]
    if len(dereg) >= 2 and len(liq) < 2:
        liq = dereg[:2]
    ev[liq] = E_LIQUIDATED
    ev[st == S_CANCELLED] = E_REGISTRATION_REVOKED
    has = ev != E_NONE
    ev_day[has] = sday[has]
    # bankruptcy liquidation ends some weeks before the deregistration
    ev_day[liq] = np.maximum(ent.est[liq] + 100, sday[liq] - g.integers(15, 180, len(liq)))
    active = (st <= S_OPEN) & ~ent.is_bank
    return Lifecycle(
        status=st,
        status_day=sday,
        ev=ev,
        ev_day=ev_day,
        limit=np.where(ended, np.where(ev == E_LIQUIDATED, ev_day, sday), TODAY),
        liable=(g.random(n) < 0.5) & np.isin(ev, [E_REVOKED, E_CLOSED, E_LIQUIDATED]),
        active=active,
        active_idx=np.flatnonzero(active),
    )
