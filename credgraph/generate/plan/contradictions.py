"""Phase that plants the contradictions the cross-checks look for (docs/cross-checks.md), to
be written as feeds from other departments after the registry's own extract
(writers/feeds.py). It reads the world plan and changes nothing in it, and draws from a
stream of its own (Stream.FEEDS), so the registry's files keep their bytes.

Per kind, `max(3, n // 10,000)` cases (10 at 100,000 enterprises), on enterprises chosen
apart from each other:

* posts and holdings registered after the enterprise was deregistered or its licence revoked
  (a director, and for a third of them also a shareholder of unknown share);
* two new holders of 60% each in an enterprise (its holdings then pass 100%);
* a legal representative's post ended with no successor registered;
* an equity pledge by a person the register does not know as a holder (a new person id);
* one person made legal representative of 25 enterprises (one more per 100,000);
* a chattel mortgage registered by the movables registry over a deregistered enterprise,
  still in force;
* persons the court feed names differently from the registry (and as many it names the
  same way: no clue).

Enterprises on the abnormal operations list for more than three years without being listed
as seriously illegal, and mortgagors deregistered with their mortgages standing, occur in
the registry itself (see credgraph/generate/writers/lists.py, security.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import TODAY
from credgraph.generate.plan.enterprises import Enterprises
from credgraph.generate.plan.holdings import Holdings
from credgraph.generate.plan.lifecycle import E_DEREGISTERED, E_REVOKED, Lifecycle
from credgraph.generate.plan.people import LegalReps
from credgraph.generate.words import T_BANK_BRANCH, T_BANK_BRANCH_SOE, T_BANK_HEAD, T_PARTNERSHIP

NOMINEE_POSTS = 25
"""Enterprises the planted nominee fronts (the rule's threshold is 20)."""


@dataclass(slots=True)
class Contradictions:
    late_ent: Arr
    """Enterprises deregistered or revoked, and the day a post was registered after that."""
    late_person: Arr
    late_start: Arr
    late_holder: Arr
    """Per late post: whether the person also became a shareholder that day."""
    over_ent: Arr
    """Enterprises given two new 60% holders (persons over_person[:, 0] and [:, 1])."""
    over_person: Arr
    over_start: Arr
    gone_ent: Arr
    """Enterprises whose legal representative's post ends on gone_end, no successor."""
    gone_end: Arr
    pledge_ent: Arr
    """Equity pledged by a person unknown to the register (index pledge_person >= m)."""
    pledge_person: Arr
    pledge_day: Arr
    nominee: Arr
    """Per nominee post: the person, the enterprise and the day the post changed hands."""
    nominee_ent: Arr
    nominee_day: Arr
    mortgage_ent: Arr
    """Deregistered enterprises with a chattel mortgage registered before, never cancelled."""
    mortgage_day: Arr
    renamed: Arr
    """Persons the court names with another given name (their pool index moved by
    renamed_shift)."""
    renamed_shift: Arr
    same_name: Arr
    """Persons the court names as the registry does."""
    court_day: Arr
    """The day each named person was listed as a dishonest debtor (renamed, then same)."""


def plan_contradictions(g: np.random.Generator, m: int, ent: Enterprises, life: Lifecycle,
                        hold: Holdings, reps: LegalReps, given: int) -> Contradictions:
    n = len(ent.est)
    k = max(3, n // 10_000)
    taken = np.zeros(n, dtype=bool)

    def choose(pool: Arr, count: int) -> Arr:
        free = pool[~taken[pool]]
        chosen = np.sort(g.choice(free, min(count, len(free)), replace=False))
        taken[chosen] = True
        return chosen

    ended = np.flatnonzero(np.isin(life.ev, [E_DEREGISTERED, E_REVOKED])
                           & (life.ev_day >= 0) & (life.ev_day <= TODAY - 90))
    late = choose(ended, k)
    late_start = life.ev_day[late] + g.integers(30, 90, len(late))
    plain = np.flatnonzero(life.active & (ent.est <= TODAY - 400)
                           & (reps.lr_start <= TODAY - 250)
                           & ~np.isin(hold.type, [T_PARTNERSHIP, T_BANK_BRANCH,
                                                  T_BANK_BRANCH_SOE, T_BANK_HEAD]))
    over = choose(plain, k)
    gone = choose(plain, k)
    pledged = choose(plain, k)
    nominees = max(1, n // 100_000)
    fronted = choose(plain, nominees * NOMINEE_POSTS)
    deregistered = np.flatnonzero((life.ev == E_DEREGISTERED) & (life.ev_day >= ent.est + 200))
    mortgaged = choose(deregistered, k)
    people = g.choice(m, 2 * max(3, n // 5_000), replace=False)
    half = len(people) // 2
    return Contradictions(
        late_ent=late, late_person=g.integers(0, m, len(late)),
        late_start=np.minimum(late_start, TODAY), late_holder=g.random(len(late)) < 1 / 3,
        over_ent=over, over_person=g.integers(0, m, (len(over), 2)),
        over_start=TODAY - g.integers(30, 300, len(over)),
        gone_ent=gone, gone_end=TODAY - g.integers(1, 200, len(gone)),
        pledge_ent=pledged, pledge_person=m + 1 + np.arange(len(pledged)),
        pledge_day=TODAY - g.integers(30, 360, len(pledged)),
        nominee=np.repeat(g.choice(m, nominees, replace=False), NOMINEE_POSTS)[:len(fronted)],
        nominee_ent=g.permutation(fronted), nominee_day=TODAY - g.integers(1, 200, len(fronted)),
        mortgage_ent=mortgaged,
        mortgage_day=life.ev_day[mortgaged] - g.integers(60, 180, len(mortgaged)),
        renamed=np.sort(people[:half]), renamed_shift=g.integers(1, given, half),
        same_name=np.sort(people[half:]), court_day=TODAY - g.integers(10, 400, 2 * half),
    )
