"""The computations risk indicators name (indicators.yaml, `compute`), written once over a
store's backend so both stores give the same evidence (docs/risk.md).

Each computation works on a `Batch` of enterprises at once and returns, per enterprise,
the evidence it finds; an indicator fires for an enterprise with any. A batch fetches
what several computations share once (the relationships around the enterprises, the
links within a few hops), and every answer for one enterprise depends only on that
enterprise's surroundings, never on the other members of the batch: so a ranking
computed in batches and a profile asked for alone agree.

A ranking also works out once for the whole register what narrows every batch's work
(`Register`): the nodes within reach of a listed subject or of a barred person (the walks
read backwards from them), the nodes on holding cycles, the addresses enough published
reports state. Each is a superset of what the computations find, so the answers stay those
of a profile asked alone; only the walks, fetches and checks that could find nothing are
left out.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from credgraph.graph.contacts import norm_property
from credgraph.queries.backend.base import Backend, Sharing, report_in_force
from credgraph.queries.links.analysis import LinkAnalysis, neighbourhood
from credgraph.queries.links.results import (
    MAX_HOPS,
    OWNERSHIP,
    Entity,
    Holding,
    Link,
    Neighbourhood,
    Path,
    Step,
    Toward,
)
from credgraph.queries.links.traversal import Reached, canonical_bfs, expand_levels, path_to
from credgraph.queries.restrictions.rules import Certainty, add_years
from credgraph.queries.restrictions.service import Restrictions, fact_plan
from credgraph.queries.time import Moment, in_force

LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"


@dataclass(frozen=True, slots=True)
class EvidenceFact:
    """A fact of the register a piece of evidence rests on, with where it was loaded from."""

    section: str
    key: str
    props: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One finding of an indicator: the fields its explanation is filled from, the facts it
    rests on and, for findings that are reached through links, the path."""

    fields: Mapping[str, Any]
    facts: tuple[EvidenceFact, ...] = ()
    path: Path | None = None


Found = dict[str, list[Evidence]]
"""Evidence per enterprise id (enterprises without any left out)."""


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- the batch: what computations share ---------------------------------------------------


class LinkCache:
    """The in-force links and degrees around nodes, fetched level by level for a whole batch,
    so each member's walk reads them instead of asking the store once per member."""

    def __init__(self, backend: Backend, at: Moment, degree: dict[str, int] | None = None
                 ) -> None:
        self.backend, self.at = backend, at
        self.links_of: dict[str, list[Link]] = {}
        self.degree: dict[str, int] = {} if degree is None else degree
        """Shared with other caches of the same moment when given (a hub's degree is asked
        by every batch of a ranking)."""

    def _fetch_links(self, ids: Iterable[str]) -> None:
        missing = sorted({n for n in ids if n not in self.links_of})
        if not missing:
            return
        for node in missing:
            self.links_of[node] = []
        wanted = set(missing)
        for link in self.backend.links(missing, self.at):
            for end in {link.source, link.target} & wanted:
                self.links_of[end].append(link)

    def _fetch_degrees(self, ids: Iterable[str]) -> None:
        """Degrees not known yet; a node whose links are fetched has as many as it has links."""
        missing = set()
        for n in ids:
            if n not in self.degree:
                if n in self.links_of:
                    self.degree[n] = len(self.links_of[n])
                else:
                    missing.add(n)
        if missing:
            found = self.backend.degrees(sorted(missing), self.at)
            self.degree.update({n: found.get(n, 0) for n in missing})

    def prefetch(self, origins: Sequence[str], hops: int, max_degree: int,
                 last_links: bool = True) -> None:
        """Everything a walk of `hops` from each origin will ask, in one fetch per level (the
        degrees of the last level's nodes it never asks); without `last_links`, not the
        links the last level is expanded over (a walk toward given nodes has them)."""
        frontier = set(origins)
        seen = set(origins)
        for level in range(hops):
            if level == hops - 1 and not last_links:
                break
            self._fetch_links(frontier)
            if level == hops - 1:
                break
            fresh = {end for n in frontier for link in self.links_of[n]
                     for end in (link.source, link.target)} - seen
            seen |= fresh
            self._fetch_degrees(fresh)
            frontier = {n for n in fresh if self.degree[n] <= max_degree}

    def expand(self, ids: Sequence[str]) -> list[Link]:
        self._fetch_links(ids)
        found = {link.order: link for n in ids for link in self.links_of[n]}
        return list(found.values())

    def degrees(self, ids: Sequence[str]) -> dict[str, int]:
        self._fetch_degrees(ids)
        return {n: self.degree[n] for n in ids}


@dataclass(frozen=True, slots=True)
class Reach:
    """How some subjects are reached by walks of a number of links (Register.reach)."""

    origins: frozenset[str]
    """Every node from which a walk reaches one of them."""
    toward: dict[str, list[Link]]
    """Each node's links to any of them: a walk toward them expands its last level over
    these (Batch.walks_toward)."""


class Register:
    """What a whole ranking works out once for the register, so that each batch does its
    costly walks and fetches only for the enterprises they can concern. Every set here is a
    superset of what the computations find, never a narrowing of it: a profile asked alone
    (no register) walks from every enterprise and gives the same answers."""

    def __init__(self, backend: Backend, restrictions: Restrictions, at: Moment) -> None:
        self.backend, self.restrictions, self.at = backend, restrictions, at
        self._listed: dict[tuple[str, ...], frozenset[str]] = {}
        self._reach: dict[tuple[frozenset[str], int, int], Reach] = {}
        self.degree: dict[str, int] = {}
        """Link degrees fetched so far, shared by every batch's link cache."""
        self._crowded: dict[tuple[str, int], dict[str, int]] = {}
        self.sharing: dict[tuple[str, str], Sharing] = {}
        """Contact values' counts (no reports) as hub_address asks them, kept across
        batches: a hub value is asked by every batch."""

    def listed(self, lists: Sequence[str]) -> frozenset[str]:
        """Every node with an entry in force on one of `lists`."""
        key = tuple(sorted(lists))
        found = self._listed.get(key)
        if found is None:
            entries = {str(e["id"]) for e in self.backend.fact_nodes("ListEntry", "list", key,
                                                                     self.at)}
            found = self._listed[key] = frozenset(
                link.source for link in self.backend.relationships(["LISTED"], self.at)
                if link.target in entries)
        return found

    def reach(self, subjects: frozenset[str], hops: int, max_degree: int) -> Reach:
        """A walk of `hops` read backwards from the subjects: expanding them whatever their
        degree (a walk ends at them) and the nodes between only when a walk would (those
        above `max_degree` never are)."""
        key = (subjects, hops, max_degree)
        found = self._reach.get(key)
        if found is None:
            cache = LinkCache(self.backend, self.at, self.degree)
            cache.prefetch(sorted(subjects), hops, max_degree)
            toward: dict[str, dict[tuple[str, str], Link]] = {}
            for subject in subjects:
                for link in cache.links_of[subject]:
                    toward.setdefault(link.other(subject), {})[link.order] = link
            found = self._reach[key] = Reach(
                frozenset(n for links in cache.links_of.values() for link in links
                          for n in (link.source, link.target)),
                {node: list(links.values()) for node, links in toward.items()})
        return found

    def crowded(self, kind: str, at_least: int) -> dict[str, int]:
        """The values of a contact kind that `at_least` published reports state: any other is
        shared by fewer firms (Backend.crowded_values)."""
        key = (kind, at_least)
        found = self._crowded.get(key)
        if found is None:
            found = self._crowded[key] = self.backend.crowded_values(kind, self.at, at_least)
        return found

    @cached_property
    def barring(self) -> dict[str, list[str]]:
        """`barring` for every person a restriction hit on the day can concern: those on a
        list, and the holders of posts at enterprises with a trigger (the registry's triggers
        of the rule table's plan, a superset of any person's own)."""
        day = self.at.day
        facts = self.backend.registry_triggers(fact_plan(self.restrictions.table, day), day,
                                               self.at)
        persons = ({t.subject_id for t in facts.triggers if t.subject_type == "person"}
                   | {a.person_id for a in facts.appointments})
        return barring(self.restrictions, sorted(persons), self.at)

    @cached_property
    def barred(self) -> frozenset[str]:
        return frozenset(self.barring)

    @cached_property
    def on_cycles(self) -> frozenset[str]:
        """Every node on a cycle of holdings in force (a strongly connected component of more
        than one node of the holdings graph)."""
        graph = nx.DiGraph(self.backend.holding_pairs(self.at))
        return frozenset(n for component in nx.strongly_connected_components(graph)
                         if len(component) > 1 for n in component)


class Batch:
    """Enterprises whose risk is computed together on one day, with what their computations
    share (fetched on first use), and the register's narrowing when in a ranking."""

    def __init__(self, backend: Backend, links: LinkAnalysis, restrictions: Restrictions,
                 ids: Sequence[str], at: Moment, register: Register | None = None) -> None:
        self.backend, self.links, self.restrictions = backend, links, restrictions
        self.ids, self.at, self.day = list(ids), at, at.day
        self.model = backend.model
        self.register = register
        self._walks: dict[int, tuple[int, dict[str, dict[str, Reached]]]] = {}

    @cached_property
    def entities(self) -> dict[str, Entity]:
        return self.backend.entities(self.ids, self.at)

    @cached_property
    def around(self) -> dict[str, Neighbourhood]:
        """Every relationship of each enterprise over all time, sorted into sections."""
        found = self.backend.relations(self.ids, self.at)
        return {n: neighbourhood(around.entity, around.rels, {}) for n, around in found.items()}

    @cached_property
    def link_cache(self) -> LinkCache:
        return LinkCache(self.backend, self.at,
                         None if self.register is None else self.register.degree)

    def walks(self, hops: int, max_degree: int) -> dict[str, dict[str, Reached]]:
        """Each enterprise's canonical walk (blacklistExposure's) of `hops` links. A walk's
        first levels are the shorter walk's, so a longer one walked already serves."""
        walked = self._walks.get(max_degree)
        if walked is None or walked[0] < hops:
            cache = self.link_cache
            cache.prefetch(self.ids, hops, max_degree)
            walked = self._walks[max_degree] = (hops, {
                n: canonical_bfs(n, hops, max_degree, expand_levels(cache.expand), cache.degrees)
                for n in self.ids})
        return {n: {k: r for k, r in walk.items() if r.distance <= hops}
                for n, walk in walked[1].items()}

    def walks_toward(self, reach: Reach, hops: int,
                     max_degree: int) -> dict[str, dict[str, Reached]]:
        """The walks of the enterprises from which `reach`'s subjects are reached, as `walks`
        gives them but for the last level, where only those subjects are found: the links to
        them are known, the last level's others never fetched."""
        origins = [n for n in self.ids if n in reach.origins]
        cache = self.link_cache
        cache.prefetch(origins, hops, max_degree, last_links=False)

        def last(frontier: Sequence[str]) -> list[Link]:
            return list({link.order: link for n in frontier
                         for link in reach.toward.get(n, ())}.values())

        # The last level is restricted (to the subjects, which `last` knows), any Toward says so.
        fetch = expand_levels(cache.expand, last)
        return {n: canonical_bfs(n, hops, max_degree, fetch, cache.degrees, Toward())
                for n in origins}

    def path(self, node: str, reached: Mapping[str, Reached],
             known: Mapping[str, Entity]) -> Path:
        return Path(tuple(Step(known[a], known[b], link)
                          for a, b, link in path_to(node, dict(reached))))

    def fact(self, schema: str, props: Mapping[str, Any]) -> EvidenceFact:
        """The reference of a fact from one of its elements' properties."""
        found = self.model.nodes.get(schema) or self.model.edges.get(schema)
        section = found.section if found is not None and found.section else "enterprises"
        return EvidenceFact(section, str(props.get("fact") or props.get("key") or props["id"]),
                       props)

    def enterprise_fact(self, node_id: str) -> EvidenceFact:
        return EvidenceFact("enterprises", node_id, self.entities[node_id].props)


def _within(day: str, years: int, when: str | None) -> bool:
    """`when` lies in the `years` up to `day`: after the same day `years` earlier, by `day`."""
    return when is not None and add_years(day, -years) < when <= day


def _names(entities: Iterable[Entity]) -> str | None:
    return "、".join(sorted({e.name for e in entities})) or None


def _path_text(path: Path) -> str:
    if not path.steps:
        return ""
    return " → ".join([path.steps[0].from_node.name, *(s.to_node.name for s in path.steps)])


# --- the computations ---------------------------------------------------------------------


class Listed(_Params):
    lists: tuple[str, ...]
    within_years: int = Field(ge=0)
    """0: the listings in force on the day; N: listings removed within the N years before."""


def listed(batch: Batch, params: Listed) -> Found:
    found: Found = {}
    for node, around in batch.around.items():
        for record in around.list_entries:
            entry = record.entry
            if entry.get("list") not in params.lists:
                continue
            now = in_force(record.start, record.end, batch.day)
            if (params.within_years == 0 and now) or (
                    params.within_years > 0 and not now
                    and _within(batch.day, params.within_years, record.end)):
                found.setdefault(node, []).append(Evidence(
                    {"list": entry["list"], "listed_on": entry.get("listed_on"),
                     "removed_on": entry.get("removed_on"), "reason": entry.get("reason"),
                     "authority": entry.get("authority")},
                    (batch.fact("ListEntry", entry),)))
    return found


class Exposure(_Params):
    lists: tuple[str, ...]
    hops: int = Field(ge=1, le=MAX_HOPS)
    max_degree: int = Field(ge=0)


def exposure(batch: Batch, params: Exposure) -> Found:
    """Listed subjects within `hops` links, as blacklistExposure finds them."""
    register = batch.register
    walks = batch.walks(params.hops, params.max_degree) if register is None else \
        batch.walks_toward(register.reach(register.listed(params.lists), params.hops,
                                          params.max_degree), params.hops, params.max_degree)
    reached = sorted({n for node, walk in walks.items() for n in walk if n != node})
    entries = batch.backend.listed(reached, batch.at, list(params.lists)) if reached else {}
    hits = {node: sorted(n for n in walk if n != node and n in entries)
            for node, walk in walks.items()}
    known = batch.links.entities(sorted({n for node, subjects in hits.items()
                                         for s in subjects
                                         for hop in path_to(s, walks[node]) for n in hop[:2]}),
                                 batch.at)
    found: Found = {}
    for node, subjects in hits.items():
        for subject in subjects:
            path = batch.path(subject, walks[node], known)
            for entry in entries[subject]:
                found.setdefault(node, []).append(Evidence(
                    {"subject": known[subject].name, "subject_id": subject,
                     "list": entry["list"], "listed_on": entry.get("listed_on"),
                     "distance": walks[node][subject].distance, "path": _path_text(path)},
                    (batch.fact("ListEntry", entry),), path))
        found.get(node, []).sort(key=lambda e: (e.fields["distance"], e.fields["subject_id"],
                                                str(e.fields["list"])))
    return found


class BarredNearby(_Params):
    hops: int = Field(ge=1, le=MAX_HOPS)
    max_degree: int = Field(ge=0)


def barring(restrictions: Restrictions, ids: Sequence[str], at: Moment) -> dict[str, list[str]]:
    """The rules of the confirmed restriction hits in force on the day of each person among
    `ids` (other nodes, and persons without such a hit, left out)."""
    labels = restrictions.links.entities(ids, at)
    persons = [n for n in ids if n in labels and labels[n].label == "Person"]
    hits = restrictions.judged(
        [h for found in restrictions.hits_for_persons(persons, at.day, at).values()
         for h in found], at.day, at) if persons else []
    found: dict[str, list[str]] = {}
    for hit in hits:
        if hit.in_force(at.day) and hit.certainty is Certainty.CONFIRMED:
            found.setdefault(hit.person_id, []).append(hit.rule_id)
    return found


def barred_nearby(batch: Batch, params: BarredNearby) -> Found:
    """Persons within `hops` links with a confirmed appointment restriction in force."""
    register = batch.register
    if register is None:
        walks = batch.walks(params.hops, params.max_degree)
        barred = barring(batch.restrictions, sorted(
            {n for node, walk in walks.items() for n in walk if n != node}), batch.at)
    else:
        barred = register.barring
        walks = batch.walks_toward(register.reach(register.barred, params.hops,
                                                  params.max_degree),
                                   params.hops, params.max_degree)
    known = batch.links.entities(sorted({n for node, walk in walks.items()
                                         for p in walk if p in barred
                                         for hop in path_to(p, walk) for n in hop[:2]}),
                                 batch.at)
    found: Found = {}
    for node, walk in walks.items():
        for person in sorted(p for p in walk if p in barred):
            path = batch.path(person, walk, known)
            found.setdefault(node, []).append(Evidence(
                {"person": known[person].name, "person_id": person,
                 "rule": "、".join(sorted(set(barred[person]))),
                 "distance": walk[person].distance, "path": _path_text(path)},
                (), path))
        found.get(node, []).sort(key=lambda e: (e.fields["distance"], e.fields["person_id"]))
    return found


class LegalRepPosts(_Params):
    min_posts: int = Field(ge=1)


def legal_rep_posts(batch: Batch, params: LegalRepPosts) -> Found:
    """Legal representatives in office who are legal representative of many firms."""
    current = {node: [r for r in around.officers if r.type == LEGAL_REPRESENTATIVE
                      and in_force(r.props.get("start"), r.props.get("end"), batch.day)]
               for node, around in batch.around.items()}
    persons = sorted({r.other.id for posts in current.values() for r in posts})
    posts = batch.backend.degrees(persons, batch.at, [LEGAL_REPRESENTATIVE]) if persons else {}
    found: Found = {}
    for node, relations in current.items():
        for relation in sorted(relations, key=lambda r: r.other.id):
            count = posts.get(relation.other.id, 0)
            if count >= params.min_posts:
                found.setdefault(node, []).append(Evidence(
                    {"person": relation.other.name, "person_id": relation.other.id,
                     "posts": count}, (batch.fact(relation.type, relation.props),)))
    return found


class Changes(_Params):
    relations: tuple[Literal["LEGAL_REPRESENTATIVE", "SHAREHOLDER"], ...]
    years: int = Field(ge=1)
    min_changes: int = Field(ge=1)


def changes(batch: Batch, params: Changes) -> Found:
    """Days within `years` on which a holder or representative of the kinds came or went
    (the days of establishment not counted): a change of the register each."""
    found: Found = {}
    for node, around in batch.around.items():
        established = batch.entities[node].props.get("established")
        relations = [r for r in (*around.holders, *around.officers)
                     if r.type in params.relations and not r.outgoing]
        came: dict[str, list[Entity]] = {}
        went: dict[str, list[Entity]] = {}
        facts: dict[str, list[EvidenceFact]] = {}
        for r in relations:
            start, end = r.props.get("start"), r.props.get("end")
            for when, side in ((start, came), (end, went)):
                if not _within(batch.day, params.years, when) or (
                        side is came and established is not None and str(when) <= established):
                    continue
                side.setdefault(str(when), []).append(r.other)
                facts.setdefault(str(when), []).append(batch.fact(r.type, r.props))
        if len(facts) >= params.min_changes:
            found[node] = [Evidence({"date": when, "joined": _names(came.get(when, ())),
                                     "left": _names(went.get(when, ()))}, tuple(facts[when]))
                           for when in sorted(facts)]
    return found


class PledgedShare(_Params):
    min_percent: float = Field(ge=0, le=100)


def pledged_share(batch: Batch, params: PledgedShare) -> Found:
    """Equity of the enterprise under pledges in force, against its registered capital."""
    found: Found = {}
    for node, around in batch.around.items():
        capital = batch.entities[node].props.get("registered_capital")
        pledges = [p for p in around.pledges if p.enterprise is not None
                   and p.enterprise.id == node and p.props.get("amount") is not None
                   and in_force(p.props.get("start"), p.props.get("end"), batch.day)]
        if not capital or not pledges:
            continue
        share = round(sum(float(p.props["amount"]) for p in pledges) / float(capital) * 100, 2)
        if share >= params.min_percent:
            found[node] = [Evidence(
                {"reg_no": p.reg_no, "pledgor": p.pledgor.name if p.pledgor else None,
                 "pledgee": p.pledgee.name if p.pledgee else None, "amount": p.props["amount"],
                 "registered_on": p.props.get("start"), "share": share},
                (batch.fact("EQUITY_PLEDGE", p.props),)) for p in pledges]
    return found


class Mortgages(_Params):
    min_count: int = Field(ge=1)


def mortgages(batch: Batch, params: Mortgages) -> Found:
    """Chattel mortgages in force with the enterprise as mortgagor."""
    found: Found = {}
    for node, around in batch.around.items():
        current = [r for r in around.mortgages if r.outgoing
                   and in_force(r.props.get("start"), r.props.get("end"), batch.day)]
        if len(current) >= params.min_count:
            found[node] = [Evidence(
                {"reg_no": r.props.get("reg_no"), "mortgagee": r.other.name,
                 "secured_amount": r.props.get("secured_amount"),
                 "registered_on": r.props.get("start"), "count": len(current)},
                (batch.fact(r.type, r.props),)) for r in current]
    return found


class Penalties(_Params):
    years: int = Field(ge=1)
    min_count: int = Field(ge=1)


def penalties(batch: Batch, params: Penalties) -> Found:
    """Penalty decisions taken within `years` before the day."""
    found: Found = {}
    for node, around in batch.around.items():
        recent = [p for p in around.penalties
                  if _within(batch.day, params.years, p.get("decided_on"))]
        if len(recent) >= params.min_count:
            found[node] = [Evidence(
                {"doc_no": p.get("doc_no"), "decided_on": p.get("decided_on"),
                 "violation_type": p.get("violation_type"), "authority": p.get("authority")},
                (batch.fact("Penalty", p),)) for p in recent]
    return found


def filing_deadline(year: int) -> str:
    """30 June of the next year (企业信息公示暂行条例 Art.8), as docs/data-format.md says."""
    return f"{year + 1}-06-30"


class ReportGaps(_Params):
    years: int = Field(ge=1)


def annual_report_gaps(batch: Batch, params: ReportGaps) -> Found:
    """Of the last `years` report years whose deadline has passed, those whose report was
    late, or not published by the day. Only enterprises with reports on record are judged,
    and no year before the one they were established in."""
    day = date.fromisoformat(batch.day)
    last = day.year - 1 if batch.day > filing_deadline(day.year - 1) else day.year - 2
    found: Found = {}
    for node, around in batch.around.items():
        if not around.annual_reports:
            continue
        established = batch.entities[node].props.get("established")
        by_year = {int(r["year"]): r for r in around.annual_reports}
        for year in range(last - params.years + 1, last + 1):
            if established is not None and established > f"{year}-12-31":
                continue
            report = by_year.get(year)
            filed_on = report.get("filed_on") if report else None
            if filed_on is None or filed_on > batch.day:
                status = "not_filed"
            elif report is not None and report.get("status") == "late":
                status = "late"
            else:
                continue
            found.setdefault(node, []).append(Evidence(
                {"year": year, "status": status, "deadline": filing_deadline(year),
                 "filed_on": filed_on if status == "late" else None},
                (batch.fact("AnnualReport", report),) if report else ()))
    return found


class HubAddress(_Params):
    min_firms: int = Field(ge=2)


def hub_address(batch: Batch, params: HubAddress) -> Found:
    """The address of the report in force, when that many firms' reports in force give it."""
    address = norm_property("address")
    current = {node: report for node, around in batch.around.items()
               if (report := report_in_force(around.annual_reports, batch.day)) is not None
               and report.get(address) is not None}
    register = batch.register
    if register is not None:
        crowded = register.crowded("address", params.min_firms)
        current = {node: report for node, report in current.items()
                   if str(report[address]) in crowded}
    values = sorted({("address", str(r[address])) for r in current.values()})
    if register is None:
        shared = batch.backend.sharing(values, batch.at, 0) if values else {}
    else:
        missing = [v for v in values if v not in register.sharing]
        register.sharing.update(batch.backend.sharing(missing, batch.at, 0) if missing else {})
        shared = {v: register.sharing[v] for v in values}
    found: Found = {}
    for node, report in current.items():
        count = shared[("address", str(report[address]))].count
        if count >= params.min_firms:
            found[node] = [Evidence({"address": report.get("address"), "count": count},
                                    (batch.fact("AnnualReport", report),))]
    return found


class CircularOwnership(_Params):
    max_length: int = Field(ge=2, le=20)


def circular_ownership(batch: Batch, params: CircularOwnership) -> Found:
    """A cycle of holdings in force of at most `max_length` holdings through the enterprise
    (self-holdings are treasury shares, no cycle): the shortest, least by node ids."""
    origins = batch.ids if batch.register is None else [
        n for n in batch.ids if n in batch.register.on_cycles]
    into: dict[str, list[Holding]] = {}
    fetched: set[str] = set()
    frontier = set(origins)
    for _ in range(params.max_length):
        wanted = sorted(frontier - fetched)
        if not wanted:
            break
        fetched |= set(wanted)
        for node in wanted:
            into.setdefault(node, [])
        for holding in batch.backend.holdings(wanted, batch.at, upward=True):
            if holding.holder != holding.held:
                into[holding.held].append(holding)
        frontier = {h.holder for n in wanted for h in into[n]}
    out: dict[str, list[Holding]] = {}
    for holdings in into.values():
        for h in holdings:
            out.setdefault(h.holder, []).append(h)
    cycles = {node: cycle for node in origins
              if (cycle := _shortest_cycle(node, out, params.max_length))}
    known = batch.links.entities(sorted({h.holder for c in cycles.values() for h in c}),
                                 batch.at)
    return {node: [Evidence(
        {"cycle": " → ".join([known[cycle[0].holder].name,
                              *(known[h.held].name for h in cycle)])},
        tuple(batch.fact(OWNERSHIP, {**h.props, "key": h.key}) for h in cycle))]
        for node, cycle in cycles.items()}


def _shortest_cycle(node: str, out: Mapping[str, Sequence[Holding]],
                    max_length: int) -> list[Holding]:
    """Holdings from `node` back to it, fewest first, the least sequence of ids among them."""
    parent: dict[str, Holding] = {}
    queue = deque([(node, 0)])
    seen = {node}
    while queue:
        here, length = queue.popleft()
        if length == max_length:
            continue
        for holding in sorted(out.get(here, ()), key=lambda h: (h.held, h.key)):
            if holding.held == node:
                cycle = [holding]
                while cycle[0].holder != node:
                    cycle.insert(0, parent[cycle[0].holder])
                return cycle
            if holding.held not in seen:
                seen.add(holding.held)
                parent[holding.held] = holding
                queue.append((holding.held, length + 1))
    return []


class NewLargeCapital(_Params):
    within_days: int = Field(ge=1)
    min_capital: float = Field(ge=0)


def new_large_capital(batch: Batch, params: NewLargeCapital) -> Found:
    """Established within `within_days` before the day with at least `min_capital` 万元."""
    since = (date.fromisoformat(batch.day) - timedelta(days=params.within_days)).isoformat()
    found: Found = {}
    for node in batch.ids:
        props = batch.entities[node].props
        established, capital = props.get("established"), props.get("registered_capital")
        if (established is not None and since < established <= batch.day
                and capital is not None and capital >= params.min_capital):
            found[node] = [Evidence({"established": established, "registered_capital": capital},
                                    (batch.enterprise_fact(node),))]
    return found


@dataclass(frozen=True, slots=True)
class Computation:
    params: type[_Params]
    fields: tuple[str, ...]
    """What its evidence gives an explanation template."""
    run: Callable[[Batch, Any], Found]


COMPUTATIONS: dict[str, Computation] = {
    "listed": Computation(Listed, ("list", "listed_on", "removed_on", "reason", "authority"),
                          listed),
    "exposure": Computation(Exposure, ("subject", "subject_id", "list", "listed_on",
                                       "distance", "path"), exposure),
    "barred_nearby": Computation(BarredNearby, ("person", "person_id", "rule", "distance",
                                                "path"), barred_nearby),
    "legal_rep_posts": Computation(LegalRepPosts, ("person", "person_id", "posts"),
                                   legal_rep_posts),
    "changes": Computation(Changes, ("date", "joined", "left"), changes),
    "pledged_share": Computation(PledgedShare, ("reg_no", "pledgor", "pledgee", "amount",
                                                "registered_on", "share"), pledged_share),
    "mortgages": Computation(Mortgages, ("reg_no", "mortgagee", "secured_amount",
                                         "registered_on", "count"), mortgages),
    "penalties": Computation(Penalties, ("doc_no", "decided_on", "violation_type",
                                         "authority"), penalties),
    "annual_report_gaps": Computation(ReportGaps, ("year", "status", "deadline", "filed_on"),
                                      annual_report_gaps),
    "hub_address": Computation(HubAddress, ("address", "count"), hub_address),
    "circular_ownership": Computation(CircularOwnership, ("cycle",), circular_ownership),
    "new_large_capital": Computation(NewLargeCapital, ("established", "registered_capital"),
                                     new_large_capital),
}
"""Every computation an indicator may name, with its parameters and evidence fields."""

LABELLED = {"list": "list_types", "status": "filing_statuses"}
"""Evidence fields holding vocabulary values: explanations show their labels."""
