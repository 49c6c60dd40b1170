"""Pattern: the contact details enterprises give in their annual reports (docs/risk.md).

Every enterprise has a phone of its own (a landline of its city or a mobile), an e-mail and,
for a quarter of them, a website. Planted on purpose, with no registered link behind them:

* phone groups: two to four firms that give one phone number (about one firm in 75);
* mail groups: two to four firms that give one company domain's e-mail and website (about
  one in 150);
* registered agents' addresses (集群注册): a few addresses that many firms give, the first
  used by one firm in 250 (a hub value), the others by twenty to sixty.

It draws from its own stream (Stream.CONTACTS), so every other section keeps its bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr, obj_array
from credgraph.generate.places import CITIES, Geography
from credgraph.generate.plan.enterprises import Enterprises
from credgraph.generate.pools import Pools

AREA_CODES = ("0755", "020", "010", "021", "0571", "025", "0512", "028", "027", "023", "022",
              "029", "0731", "0371", "0532", "0769", "0757", "0592", "0574", "0551", "0531",
              "0591", "024", "0871", "0510")
"""Telephone area codes of CITIES, in their order."""


@dataclass(slots=True)
class Contacts:
    phone_owner: Arr
    """The enterprise whose phone each enterprise gives (itself, outside phone groups)."""
    mobile: Arr
    """The phone of each enterprise (as owner) is a mobile."""
    number: Arr
    """Local number of each enterprise as owner: 8 digits, or a mobile's last 10."""
    mail_owner: Arr
    """The enterprise whose domain each gives for e-mail (and website, in mail groups)."""
    mail_group: Arr
    """Is in a mail group (its first member, whose domain the group gives, included)."""
    website: Arr
    """Has a website of its own (mail group members give the group's)."""
    hub: Arr
    """Index of the agent's address an enterprise gives, -1 for its own address."""
    hub_address: Arr
    """The agents' addresses."""


def _groups(g: np.random.Generator, pool: Arr, count: int) -> list[Arr]:
    """`count` groups of two to four distinct enterprises of the pool."""
    return [np.sort(g.choice(pool, int(g.integers(2, 5)), replace=False))
            for _ in range(count)]


def plan_contacts(g: np.random.Generator, ent: Enterprises, geo: Geography,
                  pools: Pools) -> Contacts:
    n = len(ent.est)
    pool = np.flatnonzero(~ent.is_bank)
    phone_owner = np.arange(n, dtype=np.int64)
    for members in _groups(g, pool, max(2, n // 150)):
        phone_owner[members] = members[0]
    mail_owner = np.arange(n, dtype=np.int64)
    mail_group = np.zeros(n, dtype=bool)
    for members in _groups(g, pool, max(2, n // 300)):
        mail_owner[members] = members[0]
        mail_group[members] = True
    hub = np.full(n, -1, dtype=np.int64)
    hubs = max(2, n // 4000)
    cities = g.integers(0, len(CITIES), hubs)
    for k in range(hubs):
        size = max(8, n // 250) if k == 0 else int(g.integers(20, 61))
        hub[g.choice(pool, min(size, len(pool)), replace=False)] = k
    streets = g.integers(0, len(pools.streets), hubs)
    buildings = g.integers(0, len(pools.buildings), hubs)
    floors = g.integers(5, 30, hubs)
    addresses = [
        f"{geo.city_name[c]}{pools.streets[s]}{int(no)}号"
        f"{pools.buildings[b]}{int(f)}{int(r):02d}室"
        for c, s, b, f, no, r in zip(cities.tolist(), streets.tolist(), buildings.tolist(),
                                     floors.tolist(), g.integers(1, 300, hubs).tolist(),
                                     g.integers(1, 40, hubs).tolist(), strict=True)
    ]
    mobile = g.random(n) < 0.35
    return Contacts(
        phone_owner=phone_owner,
        mobile=mobile,
        number=np.where(mobile, g.integers(3_000_000_000, 9_999_999_999, n),
                        g.integers(20_000_000, 89_999_999, n)),
        mail_owner=mail_owner,
        mail_group=mail_group,
        website=g.random(n) < 0.25,
        hub=hub,
        hub_address=obj_array(addresses),
    )
