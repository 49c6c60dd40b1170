"""The world plan: every phase in order, and the accessors the writers name things with."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr, compact
from credgraph.generate.days import day_of
from credgraph.generate.identifiers import person_ids, usccs
from credgraph.generate.places import Geography
from credgraph.generate.plan.contacts import Contacts, plan_contacts
from credgraph.generate.plan.contradictions import Contradictions, plan_contradictions
from credgraph.generate.plan.dense import plan_dense_groups
from credgraph.generate.plan.enterprises import Banks, Enterprises, plan_banks, plan_enterprises
from credgraph.generate.plan.holdings import CrossHoldings, Holdings, plan_holdings
from credgraph.generate.plan.lifecycle import Lifecycle, plan_lifecycle
from credgraph.generate.plan.mortgages import MortgagePlan, plan_mortgages
from credgraph.generate.plan.names import INDUSTRY_WORDS, Naming
from credgraph.generate.plan.people import LegalReps, Persons, plan_people
from credgraph.generate.plan.plants import plant_restriction_hits
from credgraph.generate.plan.posts import ExtraPosts, FutureHoldings, plan_extra_posts
from credgraph.generate.plan.serious_illegal import SeriousIllegal, plan_serious_illegal
from credgraph.generate.pools import Pools, make_pools
from credgraph.generate.streams import Stream, stream
from credgraph.generate.values import P_ENTERPRISE, P_PERSON
from credgraph.generate.words import T_JOINT_STOCK, T_JOINT_STOCK_CORPORATE, T_PARTNERSHIP


@dataclass(frozen=True)
class World:
    """Everything decided before the first row is written, as arrays indexed by enterprise
    (0..n-1, in order of establishment) or person (0..m-1)."""

    n: int
    m: int
    seed: int
    pools: Pools
    geo: Geography
    ent: Enterprises
    banks: Banks
    life: Lifecycle
    hold: Holdings
    cross: CrossHoldings
    persons: Persons
    reps: LegalReps
    serious: SeriousIllegal
    mortgages: MortgagePlan
    posts: ExtraPosts
    future: FutureHoldings
    naming: Naming
    contacts: Contacts
    contradictions: Contradictions
    """Written as feeds after the registry's files (writers/feeds.py)."""

    # -- accessors: names and codes of enterprises and persons, for any index array --
    def usccs(self, idx: Arr) -> list[str]:
        idx = np.asarray(idx, dtype=np.int64)
        return usccs("91", self.division(idx), idx, self.ent.est[idx] >= day_of(2016, 1, 1))

    def ent_names(self, idx: Arr) -> Arr:
        idx = np.asarray(idx, dtype=np.int64)
        brand = self.naming.brand(idx)
        word = INDUSTRY_WORDS[self.naming.industry(idx)]
        city = self.geo.city[self.ent.unit[idx]]
        typ = self.hold.type[idx]
        group = self.hold.is_group[idx]
        suffix = np.where(
            np.isin(typ, [T_JOINT_STOCK, T_JOINT_STOCK_CORPORATE]), "股份有限公司",
            np.where(typ == T_PARTNERSHIP, "合伙企业（有限合伙）",
                     np.where(group, "集团有限公司", "有限公司")),
        ).astype(object)
        var = np.where((typ == T_PARTNERSHIP) | group, 0, self.ent.name_variant[idx])
        cname = self.geo.city_name[city]
        short = self.geo.city_short[city]
        v0 = cname + brand + word + suffix
        v1 = brand + "（" + short + "）" + word + suffix
        v2 = brand + word + "（" + short + "）" + suffix
        out: Arr = np.where(var == 0, v0, np.where(var == 1, v1, v2)).astype(object)
        if self.ent.is_bank[idx].any():
            for k in np.flatnonzero(self.ent.is_bank[idx]).tolist():
                out[k] = self.banks.name[int(idx[k])]
        return out

    def person_names(self, idx: Arr) -> Arr:
        idx = np.asarray(idx, dtype=np.int64)
        p = self.persons
        out: Arr = self.pools.surnames[p.surname[idx]] + self.pools.given[p.given[idx]]
        return out

    def labels(self, kind: int, idx: Arr) -> tuple[list[str], list[str]]:
        """Identifiers and names of parties of one kind: persons, enterprises or state holders."""
        if kind == P_PERSON:
            return person_ids(idx), list(self.person_names(idx).tolist())
        if kind == P_ENTERPRISE:
            return self.usccs(idx), list(self.ent_names(idx).tolist())
        return ([self.naming.state_id[i] for i in idx.tolist()],
                list(self.naming.state_name[idx].tolist()))

    def division(self, idx: Arr) -> Arr:
        """Division code of the enterprises' registration units."""
        out: Arr = self.geo.div[self.ent.unit[idx]]
        return out

    def authority(self, idx: Arr) -> Arr:
        """Registration authority of enterprises idx."""
        out: Arr = self.geo.authority[self.ent.unit[np.asarray(idx, dtype=np.int64)]]
        return out

    def lr_pool(self, g: np.random.Generator, k: int) -> Arr:
        """k draws among the legal representatives of active enterprises."""
        act = self.life.active_idx
        return np.asarray(self.reps.lr[act[g.integers(0, len(act), k)]], dtype=np.int64)


def build_world(n: int, seed: int, dense_groups: int = 0) -> World:
    """Run the phases in order. They share the PLAN stream, so a phase's draws depend on
    every phase before it; a new phase draws from a stream of its own (streams.py).
    `dense_groups` densely cross-held groups are planted after the posts, before the
    contacts (plan/dense.py)."""
    m = max(10, round(0.8 * n))
    pools = make_pools(seed)
    geo = Geography.build()
    g = stream(seed, Stream.PLAN)
    ent = plan_enterprises(g, n, geo, pools)
    compact(ent)
    banks = plan_banks(g, ent, geo)
    compact(banks)
    life = plan_lifecycle(g, ent)
    compact(life)
    hold, cross = plan_holdings(g, ent, banks, life, geo)
    compact(hold, cross)
    persons, reps = plan_people(g, m, ent, life, hold, geo, pools)
    compact(persons, reps)
    serious = plan_serious_illegal(g, ent, reps)
    compact(serious)
    planted = plant_restriction_hits(g, ent, life, reps, serious, cross)
    compact(planted)
    mortgages = plan_mortgages(g, ent, banks, life)
    compact(mortgages)
    posts, future = plan_extra_posts(g, m, ent, life, reps, hold, planted)
    compact(posts, future)
    cross = plan_dense_groups(stream(seed, Stream.DENSE), dense_groups, ent, life, hold, cross)
    compact(cross)
    contacts = plan_contacts(stream(seed, Stream.CONTACTS), ent, geo, pools)
    compact(contacts)
    contradictions = plan_contradictions(stream(seed, Stream.FEEDS), m, ent, life, hold, reps,
                                         len(pools.given))
    return World(
        n=n, m=m, seed=seed, pools=pools, geo=geo, ent=ent, banks=banks, life=life,
        hold=hold, cross=cross, persons=persons, reps=reps, serious=serious,
        mortgages=mortgages, posts=posts, future=future, naming=Naming.build(n, pools),
        contacts=contacts,
        contradictions=contradictions,
    )
