"""Search's order and completeness on both stores, at and around the Neo4j backend's
candidate limit (`search_seeds`): few candidates are every match, as many as the limit
make it read the names shortest first instead (by length windows, `search_lengths` of one
length each); both must give the order worked out by hand here."""

from __future__ import annotations

import zlib
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from credgraph.exc import StoreError
from credgraph.graph.cypher import SET_SEARCH_KEYS, rank_index, terms_index
from credgraph.graph.ids import name_key
from credgraph.graph.model import NAME_RANK, NAME_TERMS, OBSOLETE_KEYS
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.records import NodeRecord, Retirement
from credgraph.graph.store import GraphStore
from credgraph.queries.backend import Backend, backend_for
from credgraph.queries.backend.neo4j import Neo4jBackend
from credgraph.queries.links.analysis import search_texts
from credgraph.queries.time import Moment
from tests.graphs import REC, changes
from tests.test_serve_workers import serving_workers

LATER = "2001-01-01T00:00:00Z"
DAY = "2024-06-01"


def _named(label: str, node_id: str, name: str) -> NodeRecord:
    return NodeRecord(label, node_id, {"name": name, "name_norm": name_key(name)})


FIRST = [
    _named("Enterprise", "E1", "甲乙"),
    _named("Person", "P1", "甲乙"),
    _named("Enterprise", "E2", "甲乙丙"),
    _named("Enterprise", "E3", "甲乙丙丁戊"),
    _named("Enterprise", "E5", "丁甲乙"),
    _named("Enterprise", "E4", "丙甲乙"),
    _named("OtherHolder", "O1", "戊己甲乙"),
    _named("Enterprise", "E7", "庚甲乙辛壬癸"),
    _named("Enterprise", "E8", "乙甲"),
    _named("Enterprise", "E9", "甲丙乙"),
    # Corrected at LATER: H1 stops matching, F1 starts.
    _named("Enterprise", "H1", "甲乙"),
    _named("Enterprise", "F1", "甲丙"),
]
CORRECTED = [_named("Enterprise", "H1", "无关"), _named("Enterprise", "F1", "甲乙")]


def _ranked(hits: list[tuple[int, str, int]]) -> list[tuple[int, str]]:
    """(tier, id) of hits given as (tier, id, name length) by hand, in search's order: tier,
    then name length, then the id's CRC-32 digest (in hex), then the id."""
    return [(tier, node_id) for tier, node_id, _ in sorted(
        hits, key=lambda h: (h[0], h[2], f"{zlib.crc32(h[1].encode()):08x}", h[1]))]


# By hand: tier (1 equal, 2 starts with, 3 contains) and name length.
NOW_JIAYI = _ranked([(1, "E1", 2), (1, "F1", 2), (1, "P1", 2), (2, "E2", 3), (2, "E3", 5),
                     (3, "E4", 3), (3, "E5", 3), (3, "O1", 4), (3, "E7", 6)])
BEFORE_JIAYI = _ranked([(1, "E1", 2), (1, "H1", 2), (1, "P1", 2), (2, "E2", 3), (2, "E3", 5),
                        (3, "E4", 3), (3, "E5", 3), (3, "O1", 4), (3, "E7", 6)])
NOW_YI = _ranked([(2, "E8", 2), (3, "E1", 2), (3, "F1", 2), (3, "P1", 2), (3, "E2", 3),
                  (3, "E4", 3), (3, "E5", 3), (3, "E9", 3), (3, "O1", 4), (3, "E3", 5),
                  (3, "E7", 6)])
# One sign, in E2 and (before its correction) F1 only as the last: found by its end term.
NOW_BING = _ranked([(2, "E4", 3), (3, "E2", 3), (3, "E9", 3), (3, "E3", 5)])
BEFORE_BING = _ranked([(2, "E4", 3), (3, "F1", 2), (3, "E2", 3), (3, "E9", 3), (3, "E3", 5)])

# Names with brackets, Latin letters, blanks, a quote and a backslash: the terms index
# finds any text in them, not only Chinese signs.
ANY_SIGNS = [
    _named("Enterprise", "E21", "远(北京)科技"),
    _named("Enterprise", "E22", "(北京)远科技有限公司"),
    _named("Enterprise", "E23", "远大(北京)"),
    _named("Person", "P21", "John (北京) Smith"),
    _named("Enterprise", "E24", 'x"y\\z(北'),
]
BRACKET_NORTH = _ranked([(2, "E22", 11), (3, "E23", 6), (3, "E21", 7), (3, "E24", 7),
                         (3, "P21", 15)])


def _write_names(store: GraphStore) -> None:
    """The names above, then H1 and F1 corrected (the old version retired, a new one)."""
    store.ensure_schema()
    store.apply(changes(FIRST, []))
    store.commit()
    corrected = changes(CORRECTED, [], rec=LATER)
    corrected.retire += [Retirement("enterprises", node.id, LATER) for node in CORRECTED]
    store.apply(corrected)
    store.commit()


@pytest.fixture
def named_store(store: GraphStore) -> GraphStore:
    _write_names(store)
    return store


def _backends(store: GraphStore) -> list[Backend]:
    """The store's backend; for Neo4j one per candidate limit, from a single candidate to more
    than every version of a match (the hidden ones included), per number of records looked
    at first (from one to every one), and per number of lengths read one at a time (the
    rest at once)."""
    if isinstance(store, Neo4jStore):
        return [Neo4jBackend(store, search_seeds=k, search_scan=scan, search_lengths=lengths)
                for k in (1, 2, 3, 4, 5, 6, 7, 8, 9, 50) for scan in (1, 3, 6, 50)
                for lengths in ((1, 2, 40) if k < 4 and scan == 1 else (40,))]
    return [backend_for(store)]


def _search(backend: Backend, text: str, first: int, at: Moment) -> list[tuple[int, str]]:
    text_id, text_name = search_texts(text)
    return [(tier, found.id) for tier, found in backend.search(text_id, text_name, first, at)]


def _assert_every_first(store: GraphStore, text: str, at: Moment,
                        expected: list[tuple[int, str]]) -> None:
    """Every backend of the store, asked for the first 1 to all (and one more) hits, gives
    the first of `expected`."""
    for backend in _backends(store):
        for first in range(1, len(expected) + 2):
            assert _search(backend, text, first, at) == expected[:first], (
                f"first={first} seeds={getattr(backend, 'search_seeds', None)} "
                f"scan={getattr(backend, 'search_scan', None)} "
                f"lengths={getattr(backend, 'search_lengths', None)}")


@pytest.mark.parametrize(("text", "known", "expected"), [
    ("甲乙", None, NOW_JIAYI),
    ("甲乙", REC, BEFORE_JIAYI),
    ("乙", None, NOW_YI),
    ("丙", None, NOW_BING),
    ("丙", REC, BEFORE_BING),
    ("戊", None, _ranked([(2, "O1", 4), (3, "E3", 5)])),
    ("癸", None, [(3, "E7")]),
    ("子", None, []),
])
def test_search_order_at_every_candidate_limit(named_store: GraphStore, text: str,
                                               known: str | None,
                                               expected: list[tuple[int, str]]) -> None:
    _assert_every_first(named_store, text, Moment(DAY, known), expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("(北", BRACKET_NORTH),
    ("（北", BRACKET_NORTH),
    ("(", BRACKET_NORTH),
    ("n (北", [(3, "P21")]),
    ("JOHN", [(2, "P21")]),
    ('"y\\', [(3, "E24")]),
    ("远", _ranked([(2, "E23", 6), (2, "E21", 7), (3, "E22", 11)])),
    (")", _ranked([(3, "E23", 6), (3, "E21", 7), (3, "E22", 11), (3, "P21", 15)])),
    ("\\", [(3, "E24")]),
    ('"', [(3, "E24")]),
    ("*", []),
    ("京)远", [(3, "E22")]),
])
def test_search_finds_any_signs(store: GraphStore, text: str,
                                expected: list[tuple[int, str]]) -> None:
    store.ensure_schema()
    store.apply(changes(ANY_SIGNS, []))
    store.commit()
    _assert_every_first(store, text, Moment(DAY), expected)


# Every tier at once for "Ab12" (identifier AB12, name ab12): identities by id, USCC and
# registration number (their names matching or not), an equal name, a name starting with it
# and names holding it further in; E45 holds only "ab1".
EVERY_TIER = [
    _named("Enterprise", "AB12", "甲公司"),
    NodeRecord("Enterprise", "E41", {"name": "AB12 乙", "name_norm": "ab12 乙",
                                     "uscc": "AB12"}),
    NodeRecord("Enterprise", "E42", {"name": "丙AB12", "name_norm": "丙ab12", "reg_no": "AB12"}),
    _named("Person", "P41", "AB12"),
    _named("Enterprise", "E43", "ab12丁"),
    _named("Enterprise", "E44", "戊ab12"),
    _named("OtherHolder", "O41", "己庚ab12辛"),
    _named("Enterprise", "E45", "ab1"),
]
AB12 = _ranked([(0, "AB12", 3), (0, "E42", 5), (0, "E41", 6), (1, "P41", 4), (2, "E43", 5),
                (3, "E44", 5), (3, "O41", 7)])


def test_search_gives_every_tier(store: GraphStore) -> None:
    """Identities, equal names, names starting with the text and names holding it further in
    all come, in that order, however many are asked for (Neo4j reads them in one statement,
    the names holding it only when too few start with it)."""
    store.ensure_schema()
    store.apply(changes(EVERY_TIER, []))
    store.commit()
    _assert_every_first(store, "Ab12", Moment(DAY), AB12)
    _assert_every_first(store, "ab12丁", Moment(DAY), [(1, "E43")])
    _assert_every_first(store, "ab1", Moment(DAY), _ranked([
        (1, "E45", 3), (2, "P41", 4), (2, "E43", 5), (2, "E41", 6), (3, "E42", 5),
        (3, "E44", 5), (3, "O41", 7)]))


def _written_before_search_keys(store: Neo4jStore) -> None:
    """The names, as a database written before the current search keys holds them: keys of
    earlier versions, with an index of earlier terms, none of the current ones."""
    _write_names(store)
    for node in store.model.nodes.values():
        if node.ranked:
            store.driver.execute_query(f"DROP INDEX {rank_index(node)}")
            store.driver.execute_query(f"DROP INDEX {terms_index(node)}")
            store.driver.execute_query(
                f"CREATE FULLTEXT INDEX {node.label.lower()}_{OBSOLETE_KEYS[1]} "
                f"FOR (n:{node.label}) ON EACH [n.{OBSOLETE_KEYS[1]}]")
    store.driver.execute_query(f"MATCH (r:Record) REMOVE r.{NAME_RANK}, r.{NAME_TERMS} "
                               f"SET r.{OBSOLETE_KEYS[0]} = 'in id order', "
                               f"r.{OBSOLETE_KEYS[1]} = 'without the last sign'")
    assert not store.read(f"MATCH (r:Record) WHERE r.{NAME_RANK} IS NOT NULL "
                          f"OR r.{NAME_TERMS} IS NOT NULL RETURN r")


_UNKEYED = (f"MATCH (r:Record) WHERE r.{NAME_RANK} IS NULL OR r.{NAME_TERMS} IS NULL "
            "RETURN r.of")


@pytest.mark.neo4j
def test_records_written_before_search_keys_get_them(neo4j_store: Neo4jStore) -> None:
    """A database from before search keys (no key, no index of them) gets them with its
    schema."""
    _written_before_search_keys(neo4j_store)
    neo4j_store.ensure_schema()
    keys = sorted((r["of"], r["rank"], r["terms"]) for r in neo4j_store.read(
        f"MATCH (r:Record) RETURN r.of AS of, r.{NAME_RANK} AS rank, r.{NAME_TERMS} AS terms"))
    assert len(keys) == len(FIRST) + len(CORRECTED)
    # The rank keys: length, the CRC-32 of the id (zlib, apart from the code), the id.
    crc = {i: f"{zlib.crc32(i.encode()):08x}" for i in ("E3", "O1", "H1")}
    assert ("E3", f"000005{crc['E3']}E3",
            "len000005 \u2402甲 甲乙 乙丙 丙丁 丁戊 戊\u2403") in keys
    assert ("O1", f"000004{crc['O1']}O1", "len000004 \u2402戊 戊己 己甲 甲乙 乙\u2403") in keys
    assert ("H1", f"000002{crc['H1']}H1",
            "len000002 \u2402甲 甲乙 乙\u2403") in keys, "the retired one"
    assert ("H1", f"000002{crc['H1']}H1", "len000002 \u2402无 无关 关\u2403") in keys
    assert not neo4j_store.read(f"MATCH (r:Record) WHERE r.{OBSOLETE_KEYS[0]} IS NOT NULL "
                                f"OR r.{OBSOLETE_KEYS[1]} IS NOT NULL RETURN r"), (
        "the obsolete keys are gone")
    indexes = {r["name"] for r in neo4j_store.read("SHOW INDEXES YIELD name")}
    ranked = [node for node in neo4j_store.model.nodes.values() if node.ranked]
    assert {terms_index(node) for node in ranked} <= indexes
    assert not {f"{node.label.lower()}_{OBSOLETE_KEYS[1]}" for node in ranked} & indexes
    for backend in _backends(neo4j_store):
        assert _search(backend, "甲乙", 20, Moment(DAY)) == NOW_JIAYI


@pytest.mark.neo4j
def test_a_rank_pass_cut_short_is_finished_by_the_next(neo4j_store: Neo4jStore,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection lost after the first page of keys: search's indexes are not made, so
    the next schema pass (the load re-run) gives the rest their keys."""
    _written_before_search_keys(neo4j_store)
    write = neo4j_store._run_write
    pages = 0

    def lost_after_one_page(text: str, **params: Any) -> None:
        nonlocal pages
        if text == SET_SEARCH_KEYS:
            pages += 1
            if pages > 1:
                raise StoreError("Neo4j write failed: connection lost")
        write(text, **params)

    monkeypatch.setattr(neo4j_store, "_run_write", lost_after_one_page)
    monkeypatch.setattr(neo4j_store, "_key_records",
                        partial(Neo4jStore._key_records, neo4j_store, batch=2))
    with pytest.raises(StoreError):
        neo4j_store.ensure_schema()
    assert neo4j_store.read(_UNKEYED) and pages == 2
    monkeypatch.undo()
    neo4j_store.ensure_schema()
    assert not neo4j_store.read(_UNKEYED)
    for backend in _backends(neo4j_store):
        assert _search(backend, "甲乙", 20, Moment(DAY)) == NOW_JIAYI


@pytest.mark.neo4j
def test_serve_gives_an_earlier_database_its_search_keys(neo4j_store: Neo4jStore,
                                                         neo4j_uri: str,
                                                         tmp_path: Path) -> None:
    """Served without a load, a database from before search keys gets them before the first
    request: search there finds every name."""
    _written_before_search_keys(neo4j_store)
    with serving_workers(neo4j_uri, tmp_path, keys=False, load=False):
        assert not neo4j_store.read(_UNKEYED)
    for backend in _backends(neo4j_store):
        assert _search(backend, "甲乙", 20, Moment(DAY)) == NOW_JIAYI
