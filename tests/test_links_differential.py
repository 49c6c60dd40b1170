"""Differential and independent checks of link analysis over random registries.

Hypothesis draws small registries with cycles, hubs, ended and future-dated
relationships, unknown percents, self-holdings and pledges.

* Independent checks, on the embedded store (no server needed): `paths` equals the
  brute-force listing of every simple path of the day's link graph (networkx,
  built here from the drawn records), each exposure path is the first of that
  listing, and effective ownership equals the power series of the direct-holding
  matrix summed here (diverging sums, e.g. a 100% cycle, must be reported as
  undefined).
* Differential: every operation answers alike (or fails alike) on the embedded
  store and on Neo4j (CREDGRAPH_DIFF_EXAMPLES registries, 150 unless set).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credgraph.exc import CredgraphError
from credgraph.graph.ids import name_key
from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.records import EdgeRecord, NodeRecord
from credgraph.queries.links.analysis import LinkAnalysis
from credgraph.queries.links.results import Direction, Link
from credgraph.queries.time import Moment, in_force
from tests.analyses import over
from tests.graphs import changes
from tests.test_links_units import brute_paths

EXAMPLES = int(os.environ.get("CREDGRAPH_DIFF_EXAMPLES", "150"))
"""Registries compared between the stores: 150 in the suite (about 1.2 s each, one of the
suite's longest tests), any number for a longer search."""
REFERENCE_EXAMPLES = 300
"""Registries checked against the independent references on the embedded store."""
DAYS = ("2019-06-01", "2021-06-01")
DATES = (None, "2018-01-01", "2020-01-01", "2021-01-01", "2022-01-01", "2030-01-01")
PERCENTS = (None, 5.0, 10.0, 20.0, 25.0, 30.0, 50.0, 60.0, 100.0)
SIGNS = ("甲", "乙", "丙", "丁", "a", "B")
ROLES = ("legal_representative", "chair", "director", "supervisor", "manager")
LISTS = ("serious_illegal", "dishonest_debtor", "abnormal_operations")


@dataclass
class Registry:
    enterprises: list[str]
    persons: list[str]
    others: list[str]
    nodes: list[NodeRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)

    @property
    def entities(self) -> list[str]:
        return self.enterprises + self.persons + self.others


def _span(draw: st.DrawFn) -> dict[str, str | None]:
    start, end = draw(st.sampled_from(DATES)), draw(st.sampled_from(DATES))
    if start is not None and end is not None and end <= start:
        end = None
    return {"start": start, "end": end}


def _name(draw: st.DrawFn, suffix: str) -> str:
    return "".join(draw(st.lists(st.sampled_from(SIGNS), min_size=1, max_size=3))) + suffix


@st.composite
def registries(draw: st.DrawFn) -> Registry:
    reg = Registry(
        enterprises=[f"E{i}" for i in range(draw(st.integers(2, 9)))],
        persons=[f"P{i}" for i in range(draw(st.integers(1, 5)))],
        others=[f"G{i}" for i in range(draw(st.integers(0, 2)))],
    )
    for e in reg.enterprises:
        name = _name(draw, "有限公司")
        reg.nodes.append(NodeRecord("Enterprise", e, {"name": name, "name_norm": name_key(name),
                                                      "uscc": e}))
    for p in reg.persons:
        name = _name(draw, "")
        reg.nodes.append(NodeRecord("Person", p, {"name": name, "name_norm": name_key(name),
                                                  "id_number": f"1101011990{p:0>8}"}))
    for g in reg.others:
        reg.nodes.append(NodeRecord("OtherHolder", g, {
            "name": f"国资委{g}", "name_norm": name_key(f"国资委{g}"),
            "category": draw(st.sampled_from(("state", "foreign", "unknown")))}))
    anyone, firms = st.sampled_from(reg.entities), st.sampled_from(reg.enterprises)
    for i in range(draw(st.integers(0, 14))):
        holder, held = draw(anyone), draw(firms)
        reg.edges.append(EdgeRecord("SHAREHOLDER", f"S{i}", holder, held, {
            "percent": draw(st.sampled_from(PERCENTS)), **_span(draw)}))
    people = st.sampled_from(reg.persons)
    for i in range(draw(st.integers(0, 6))):
        role = draw(st.sampled_from(ROLES))
        rel = "LEGAL_REPRESENTATIVE" if role == "legal_representative" else "OFFICER"
        reg.edges.append(EdgeRecord(rel, f"O{i}", draw(people), draw(firms),
                                    {"role": role, **_span(draw)}))
    for i in range(draw(st.integers(0, 4))):
        a, b = draw(anyone), draw(anyone)
        if a != b:
            reg.edges.append(EdgeRecord("CHATTEL_MORTGAGE", f"M{i}", a, b,
                                        {"reg_no": f"M{i}", **_span(draw)}))
    for i in range(draw(st.integers(0, 2))):
        pledgor, pledgee, target = draw(anyone), draw(anyone), draw(firms)
        span = _span(draw)
        for part, a, b in (("pledgor-pledgee", pledgor, pledgee),
                           ("pledgor-enterprise", pledgor, target),
                           ("pledgee-enterprise", pledgee, target)):
            if a != b:
                reg.edges.append(EdgeRecord("EQUITY_PLEDGE", f"Q{i}|{part}", a, b, {
                    "reg_no": f"Q{i}", "part": part, "enterprise": target, **span}))
    if draw(st.booleans()):
        hub = draw(anyone)
        for i, spoke in enumerate(draw(st.lists(anyone, max_size=7))):
            if spoke != hub:
                reg.edges.append(EdgeRecord("CHATTEL_MORTGAGE", f"H{i}", spoke, hub,
                                            {"reg_no": f"H{i}", **_span(draw)}))
    subjects = st.sampled_from(reg.enterprises + reg.persons)
    for i in range(draw(st.integers(0, 4))):
        subject, listed = draw(subjects), draw(st.sampled_from(LISTS))
        span = _span(draw)
        listed_on = span["start"] or "2017-01-01"
        entry = f"{subject}|{listed}|{listed_on}|{i}"
        reg.nodes.append(NodeRecord("ListEntry", entry, {
            "subject": subject, "list": listed, "listed_on": listed_on,
            "removed_on": span["end"]}))
        reg.edges.append(EdgeRecord("LISTED", entry, subject, entry,
                                    {"start": listed_on, "end": span["end"]}))
    return reg


@dataclass(frozen=True)
class Asks:
    """The questions one example puts to both stores."""

    origin: str
    target: str
    max_hops: int
    max_degree: int
    first: int
    depth: int
    min_percent: float
    search: tuple[str, ...]


@st.composite
def asks(draw: st.DrawFn, reg: Registry) -> Asks:
    anyone = st.sampled_from(reg.entities)
    return Asks(
        origin=draw(anyone),
        target=draw(anyone),
        max_hops=draw(st.integers(1, 5)),
        max_degree=draw(st.integers(1, 6)),
        first=draw(st.integers(1, 15)),
        depth=draw(st.integers(1, 5)),
        min_percent=draw(st.sampled_from((0.0, 20.0))),
        search=(draw(st.sampled_from(SIGNS)), "".join(draw(st.lists(
            st.sampled_from(SIGNS), min_size=2, max_size=2))), reg.entities[0].lower()),
    )


def _outcome(call: Callable[[], Any]) -> Any:
    """A result, or the error it failed with: stores must also fail alike."""
    try:
        return call()
    except CredgraphError as e:
        return (type(e).__name__, str(e))


def answers(links: LinkAnalysis, reg: Registry, ask: Asks) -> dict[str, Any]:
    """Every operation's answer for the example (keys name the question)."""
    out: dict[str, Any] = {}
    for text in ask.search:
        out[f"search {text}"] = _outcome(lambda text=text: links.search(text, Moment(DAYS[0]),
                                                                          6))
    out["neighbourhoods"] = links.neighbourhoods(reg.entities, Moment(DAYS[0]))
    for ref in (*reg.enterprises[:2], *reg.persons[:1], "nobody"):
        out[f"enterprise {ref}"] = _outcome(lambda r=ref: links.enterprise(r, Moment(DAYS[0])))
        out[f"enterprise and holders {ref}"] = _outcome(
            lambda r=ref: links.enterprise_and_holders(r, Moment(DAYS[0])))
        out[f"person details {ref}"] = _outcome(
            lambda r=ref: links.person_details(r, Moment(DAYS[0])))
    for day in map(Moment, DAYS):
        for person in reg.persons[:3]:
            for history in (False, True):
                out[f"firms {person} {day} {history}"] = _outcome(
                    lambda p=person, d=day, h=history: links.person_firms(p, d, h))
        out[f"exposure {day}"] = _outcome(lambda d=day: links.blacklist_exposure(
            ask.origin, d, ask.max_hops, LISTS[:2], ask.max_degree))
        out[f"paths {day}"] = _outcome(lambda d=day: links.paths(
            ask.origin, ask.target, d, ask.max_hops, ask.first, ask.max_degree))
        for firm in reg.enterprises[:2]:
            for way in Direction:
                out[f"chain {firm} {way} {day}"] = _outcome(
                    lambda f=firm, w=way, d=day: links.ownership_chain(
                        f, d, w, ask.depth, ask.min_percent))
            out[f"owners {firm} {day}"] = _outcome(
                lambda f=firm, d=day: links.ultimate_owners(f, d, 0.0))
    return out


def _day_links(reg: Registry, day: str) -> list[Link]:
    """The link relationships of the drawn registry in force on the day."""
    links = {"SHAREHOLDER", "OFFICER", "LEGAL_REPRESENTATIVE", "EQUITY_PLEDGE", "CHATTEL_MORTGAGE"}
    return [Link(e.type, e.key, e.source, e.target, {}) for e in reg.edges
            if e.type in links and e.source != e.target
            and in_force(e.props.get("start"), e.props.get("end"), day)]


def _check_paths(links: LinkAnalysis, reg: Registry, ask: Asks) -> None:
    """paths and exposure paths against the brute-force listing of simple paths."""
    for day in DAYS:
        at = Moment(day)
        drawn = _day_links(reg, day)
        if ask.origin != ask.target:
            got = [[(s.from_node.id, s.to_node.id, s.link.order) for s in p.steps]
                   for p in links.paths(ask.origin, ask.target, at, ask.max_hops, ask.first,
                                        ask.max_degree)]
            expected = [[(a, b, link.order) for a, b, link in hops] for hops in brute_paths(
                drawn, ask.origin, ask.target, ask.max_hops, ask.max_degree)][:ask.first]
            assert got == expected, day
        exposure = links.blacklist_exposure(ask.origin, at, ask.max_hops, LISTS[:2],
                                            ask.max_degree)
        for hit in exposure.hits:
            listing = brute_paths(drawn, ask.origin, hit.subject.id, ask.max_hops,
                                  ask.max_degree)
            assert listing, hit.subject.id
            first = [(a, b, link.order) for a, b, link in listing[0]]
            assert [(s.from_node.id, s.to_node.id, s.link.order)
                    for s in hit.path.steps] == first
            assert hit.distance == len(first)


OWNER_THRESHOLDS = (0.0, 10.0, 25.0)
SERIES_TERMS = 4000


def _walk_sums(direct: np.ndarray) -> np.ndarray:
    """W = A + A^2 + ... summed term by term; NaN where the partial sums have not settled
    (diverging walk sums). Independent of the code's linear solve and spectral analysis."""
    total = np.zeros_like(direct)
    power = np.eye(len(direct))
    halfway = total
    for term in range(1, SERIES_TERMS + 1):
        power = power @ direct
        total = total + power
        if term == SERIES_TERMS // 2:
            halfway = total.copy()
    settled = np.isclose(total, halfway, rtol=1e-9, atol=1e-12) & np.isfinite(total)
    return np.where(settled, total, np.nan)


def _check_effective_ownership(links: LinkAnalysis, reg: Registry) -> None:
    """Ultimate owners against the power series of the direct-holding matrix.

    Each owner returned has the series' percent (None where it diverges), and every
    owner the series puts at or above the threshold (or undefined) is returned:
    persons, other holders, and enterprises with no holder in force (self-holdings
    aside).
    """
    ids = reg.entities
    index = {n: i for i, n in enumerate(ids)}
    for day in DAYS:
        direct = np.zeros((len(ids), len(ids)))
        held: set[str] = set()
        for edge in reg.edges:
            if (edge.type == "SHAREHOLDER" and edge.source != edge.target
                    and in_force(edge.props["start"], edge.props["end"], day)):
                held.add(edge.target)
                if edge.props["percent"] is not None:
                    direct[index[edge.source], index[edge.target]] += (
                        edge.props["percent"] / 100)
        with np.errstate(over="ignore", invalid="ignore"):
            walks = _walk_sums(direct) * 100
        candidates = [n for n in ids if n not in held or n not in reg.enterprises]
        for firm in reg.enterprises:
            for threshold in OWNER_THRESHOLDS:
                owners = links.ultimate_owners(firm, Moment(day), threshold)
                for owner in owners:
                    expected = walks[index[owner.owner.id], index[firm]]
                    if np.isnan(expected):
                        assert owner.effective_percent is None, (firm, owner.owner.id)
                    else:
                        assert owner.effective_percent == pytest.approx(expected, rel=1e-6,
                                                                        abs=1e-9)
                returned = {o.owner.id for o in owners}
                due = {n for n in candidates if n != firm and (
                    np.isnan(walks[index[n], index[firm]])
                    or (walks[index[n], index[firm]] > 1e-9
                        and walks[index[n], index[firm]] >= threshold + 1e-9))}
                assert due <= returned, (firm, day, threshold, sorted(due - returned))


def _memory(reg: Registry) -> MemoryStore:
    store = MemoryStore(None)
    store.apply(changes(reg.nodes, reg.edges))
    return store


def test_embedded_store_against_independent_references() -> None:
    @settings(max_examples=REFERENCE_EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        reg = data.draw(registries())
        ask = data.draw(asks(reg))
        links = over(_memory(reg)).links
        _check_paths(links, reg, ask)
        _check_effective_ownership(links, reg)

    run()


@pytest.mark.neo4j
@pytest.mark.long
def test_both_stores_answer_alike(neo4j_store: Neo4jStore) -> None:
    neo4j_store.ensure_schema()
    neo4j = over(neo4j_store).links
    started, examples = time.monotonic(), 0

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        nonlocal examples
        examples += 1
        reg = data.draw(registries())
        ask = data.draw(asks(reg))
        neo4j_store.clear()
        neo4j_store.apply(changes(reg.nodes, reg.edges))
        expected = answers(over(_memory(reg)).links, reg, ask)
        got = answers(neo4j, reg, ask)
        for question, answer in expected.items():
            assert got[question] == answer, question

    run()
    print(f"\ndifferential: {examples} registries in {time.monotonic() - started:.1f} s")
