"""Lookups in one read: what each folds together (id, neighbourhood, pledge parties, holding
closure, the records of the firms it reaches) against hand work on both stores, and the
number of statements each sends to Neo4j.

On a small register, worked out by hand on 2024-06-01:

* P holds A 60% and held B 10% until 2020; A holds C 50%, C holds D 40%: P reaches C with
  30% and D with 12%. P is a director of B and was a supervisor of D until 2019. G (an
  other holder) holds A 40%.
* Pledge Q1 is registered on shares of B: A pledged them to G, and only the
  pledgor-pledgee link was recorded, so B is adjacent to neither A nor G and comes as a
  pledge party.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    Undefined,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
)
from strawberry.utils.str_converters import to_snake_case

from credgraph.api.schema import build_schema
from credgraph.api.types.entities import ENTERPRISE_DETAILS, PERSON_DETAILS, Enterprise, Person
from credgraph.exc import BadInputError, NotFoundError
from credgraph.generate import generate
from credgraph.graph.ids import name_key
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.records import EdgeRecord, NodeRecord
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset
from credgraph.queries.links.analysis import LinkAnalysis
from credgraph.queries.links.results import PersonFirm
from credgraph.queries.time import Moment
from credgraph.settings import Settings
from tests.analyses import over
from tests.graphs import write_graph
from tests.handmade import make_uscc
from tests.test_api_dataset import client_for, data

AT = Moment("2024-06-01")
A, B, C, D = (make_uscc(f"91110000MA00000{n}A") for n in "1234")
NAMES = {A: "甲有限公司", B: "乙有限公司", C: "丙有限公司", D: "丁有限公司", "P": "张三",
         "G": "国资委"}
D_REG_NO = "110000000000004"
"""D's registration number from before the USCC."""
BAD_USCC = A[:-1] + ("0" if A[-1] != "0" else "1")
"""A's USCC with another check character: 18 characters that name no enterprise."""


def _write(store: GraphStore) -> None:
    def named(label: str, node_id: str, **props: Any) -> NodeRecord:
        name = NAMES[node_id]
        return NodeRecord(label, node_id, {"name": name, "name_norm": name_key(name), **props})

    since = {"start": "2015-01-01", "end": None}
    pledge = {"reg_no": "Q1", "part": "pledgor-pledgee", "enterprise": B, **since}
    write_graph(store, [
        *(named("Enterprise", e, uscc=e) for e in (A, B, C)),
        named("Enterprise", D, uscc=D, reg_no=D_REG_NO),
        named("Person", "P", id_number="110101199001011234"),
        named("OtherHolder", "G", category="state"),
    ], [
        EdgeRecord("SHAREHOLDER", "S1", "P", A, {"percent": 60.0, **since}),
        EdgeRecord("SHAREHOLDER", "S2", "P", B, {"percent": 10.0, "start": "2015-01-01",
                                                 "end": "2020-01-01"}),
        EdgeRecord("SHAREHOLDER", "S3", A, C, {"percent": 50.0, **since}),
        EdgeRecord("SHAREHOLDER", "S4", C, D, {"percent": 40.0, **since}),
        EdgeRecord("SHAREHOLDER", "S5", "G", A, {"percent": 40.0, **since}),
        EdgeRecord("OFFICER", "O1", "P", B, {"role": "director", **since}),
        EdgeRecord("OFFICER", "O2", "P", D, {"role": "supervisor", "start": "2015-01-01",
                                             "end": "2019-01-01"}),
        EdgeRecord("EQUITY_PLEDGE", "Q1|pledgor-pledgee", A, "G", pledge),
    ])


@pytest.fixture
def links(store: GraphStore) -> LinkAnalysis:
    _write(store)
    return over(store).links


def _firms(found: list[PersonFirm]) -> list[tuple[str, str, float | None, tuple[str, ...],
                                                 bool]]:
    return [(f.enterprise.id, f.enterprise.name, f.effective_percent, f.roles, f.current)
            for f in found]


def test_enterprise_comes_with_its_holders_and_pledge_parties(links: LinkAnalysis) -> None:
    around = links.enterprise(A.lower(), AT)
    assert around.node.name == NAMES[A]
    assert [(r.other.id, r.other.name, r.props["percent"]) for r in around.holders] == [
        ("P", "张三", 60.0), ("G", "国资委", 40.0)]
    assert [(r.other.id, r.props["percent"]) for r in around.holdings] == [(C, 50.0)]
    [pledge] = around.pledges
    assert pledge.reg_no == "Q1"
    assert (pledge.pledgor and pledge.pledgor.id, pledge.pledgee and pledge.pledgee.name) == (
        A, "国资委")
    # B is adjacent to neither end: it comes as a pledge party, with its record.
    assert pledge.enterprise is not None
    assert (pledge.enterprise.id, pledge.enterprise.name) == (B, NAMES[B])


def test_enterprise_and_holders_bring_the_holders_neighbourhoods(links: LinkAnalysis) -> None:
    around, holders = links.enterprise_and_holders(A, AT)
    assert [r.other.id for r in around.holders] == ["P", "G"]
    assert sorted(holders) == ["G", "P"]
    # P's holdings: A, and B until 2020 (its history comes too); G holds A.
    assert sorted((r.other.id, r.props["percent"]) for r in holders["P"].holdings) == [
        (A, 60.0), (B, 10.0)]
    assert sorted(r.other.id for r in holders["P"].officers) == [B, D]
    assert [(r.other.id, r.props["percent"]) for r in holders["G"].holdings] == [(A, 40.0)]
    # Two levels up from D: C holds it, A holds C.
    around, holders = links.enterprise_and_holders(D, AT)
    assert list(holders) == [C]
    assert [(r.other.id, r.props["percent"]) for r in holders[C].holders] == [(A, 50.0)]
    # A holder whose holding has ended comes too, as `neighbourhoods` reads it.
    assert links.enterprise_and_holders(B, AT)[1] == {"P": links.neighbourhoods(["P"], AT)["P"]}
    with pytest.raises(NotFoundError):
        links.enterprise_and_holders("nobody", AT)


def test_neighbourhoods_bring_pledge_parties(links: LinkAnalysis) -> None:
    found = links.neighbourhoods(["G", A, "nobody"], AT)
    assert sorted(found) == [A, "G"]
    assert [(p.enterprise and p.enterprise.name) for p in found["G"].pledges] == [NAMES[B]]


@pytest.mark.parametrize(("history", "expected"), [
    (False, [(A, NAMES[A], 60.0, (), True), (B, NAMES[B], None, ("director",), True),
             (C, NAMES[C], 30.0, (), True), (D, NAMES[D], 12.0, (), True)]),
    # The ended posts and holdings count as direct links: D comes with its old post, B with
    # its ended holding beside the post.
    (True, [(A, NAMES[A], 60.0, (), True), (D, NAMES[D], 12.0, ("supervisor",), False),
            (B, NAMES[B], None, ("director",), True), (C, NAMES[C], 30.0, (), True)]),
])
def test_person_firms_direct_and_indirect(links: LinkAnalysis, history: bool,
                                          expected: list[Any]) -> None:
    found = links.person_firms("p", AT, history)
    assert _firms(found) == expected
    assert [len(f.links) for f in found] == ([1, 1, 0, 0] if not history else [1, 1, 2, 0])


def test_person_details_are_the_persons_neighbourhood(links: LinkAnalysis) -> None:
    around = links.person_details("p", AT)
    assert around.node.name == "张三"
    assert sorted(r.other.id for r in around.officers) == sorted([B, D])
    assert sorted(r.other.id for r in around.holdings) == sorted([A, B])


@pytest.mark.parametrize("ask", [
    lambda links: links.enterprise("nobody", AT),
    lambda links: links.enterprise(" ", AT),
    lambda links: links.enterprise("P", AT),
    lambda links: links.person_firms("nobody", AT),
    lambda links: links.person_firms(A, AT),
    lambda links: links.person_firms("", AT),
    lambda links: links.person_details(A, AT),
    # Before anything was recorded, nothing is known.
    lambda links: links.person_firms("P", Moment("2024-06-01", "1999-01-01T00:00:00Z")),
    lambda links: links.enterprise(A, Moment("2024-06-01", "1999-01-01T00:00:00Z")),
    lambda links: links.ownership_chain("nobody", AT),
    lambda links: links.ownership_chain("P", AT),
    lambda links: links.ultimate_owners("G", AT),
    lambda links: links.ultimate_owners(D, Moment("2024-06-01", "1999-01-01T00:00:00Z")),
])
def test_unknown_references_are_not_found(links: LinkAnalysis, ask: Any) -> None:
    with pytest.raises(NotFoundError):
        ask(links)


def test_a_bad_uscc_is_bad_input(links: LinkAnalysis) -> None:
    with pytest.raises(BadInputError, match="not a valid USCC"):
        links.enterprise(BAD_USCC, AT)


def test_ultimate_owners_are_the_unheld_holders_with_their_paths(links: LinkAnalysis) -> None:
    # D: C holds 40%; C is held 50% by A (20% of D), A 60% by P (12%) and 40% by G (8%).
    # Over 5% are C, A, P and G; C and A are held, so P and G are the owners listed.
    owners = links.ultimate_owners(D, AT, threshold=5.0)
    assert [(o.owner.id, o.owner.name, o.category, o.effective_percent, o.circular)
            for o in owners] == [("P", "张三", "person", pytest.approx(12.0), False),
                                 ("G", "国资委", "state", pytest.approx(8.0), False)]
    assert [[(s.holder.name, s.held.name, s.percent) for s in path.steps]
            for path in owners[0].paths] == [
        [("张三", "甲有限公司", 60.0), ("甲有限公司", "丙有限公司", 50.0),
         ("丙有限公司", "丁有限公司", 40.0)]]
    assert [path.percent for o in owners for path in o.paths] == [
        pytest.approx(12.0), pytest.approx(8.0)]


def test_ownership_by_registration_number(links: LinkAnalysis) -> None:
    chain = links.ownership_chain(D_REG_NO, AT)
    assert [(n.node.id, n.depth) for n in chain.nodes] == [
        (D, 0), (C, 1), (A, 2), ("G", 3), ("P", 3)]
    assert [o.owner.id for o in links.ultimate_owners(D_REG_NO, AT, threshold=5.0)] == [
        "P", "G"]


# --- statements per lookup on Neo4j ---------------------------------------------------------


@pytest.fixture
def reads(neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The texts of the statements the store is asked to read, from here on."""
    neo4j_store.ensure_schema()
    _write(neo4j_store)
    sent: list[str] = []
    read = neo4j_store.read

    def counted(text: str, **params: Any) -> list[dict[str, Any]]:
        sent.append(text)
        return read(text, **params)

    monkeypatch.setattr(neo4j_store, "read", counted)
    yield sent


@pytest.mark.neo4j
def test_each_lookup_is_one_statement(neo4j_store: Neo4jStore, reads: list[str]) -> None:
    links = over(neo4j_store).links
    for ask in (lambda: links.enterprise(A, AT), lambda: links.person_firms("P", AT, True),
                lambda: links.person_details("P", AT),
                lambda: links.neighbourhoods([A, B, "G", "P"], AT)):
        reads.clear()
        ask()
        assert len(reads) == 1, reads


@pytest.mark.neo4j
def test_ownership_reads_the_closure_with_the_id_then_the_records(neo4j_store: Neo4jStore,
                                                                  reads: list[str]) -> None:
    """Two statements each: the enterprise's id with its holding closure, then the records
    (ownershipChain: every node's; ultimateOwners: the listed owners' and their paths')."""
    links = over(neo4j_store).links
    assert [n.node.id for n in links.ownership_chain(D, AT).nodes] == [D, C, A, "G", "P"]
    assert len(reads) == 2, reads
    reads.clear()
    assert [o.owner.id for o in links.ultimate_owners(D, AT, threshold=5.0)] == ["P", "G"]
    assert len(reads) == 2, reads


ENTERPRISE = """query($u: ID!) { enterprise(uscc: $u, asOf: "2024-06-01") {
  name shareholders { holder { id name } percent } officers { person { id name } role } } }"""
PERSON_POSTS = """query($p: ID!) { person(personId: $p, asOf: "2024-06-01") {
  name appointments { enterprise { id name } role }
  holdings { enterprise { id name } percent } } }"""
HOLDERS_TWO_UP = """query($u: ID!) { enterprise(uscc: $u, asOf: "2024-06-01") {
  name shareholders { percent holder { id name
    ... on Enterprise { shareholders { percent holder { id name } } } } } } }"""


@pytest.mark.neo4j
@pytest.mark.parametrize(("query", "variables", "statements"), [
    (ENTERPRISE, {"u": A}, 1),
    (PERSON_POSTS, {"p": "P"}, 1),
    # The holders' own holders come in the same statement.
    (HOLDERS_TWO_UP, {"u": D}, 1),
])
def test_api_lookups_send_their_statements(neo4j_store: Neo4jStore, reads: list[str],
                                           query: str, variables: dict[str, str],
                                           statements: int) -> None:
    client = client_for(neo4j_store)
    data(client, query, **variables)
    reads.clear()
    answer = data(client, query, **variables)
    assert answer["enterprise" if "u" in variables else "person"]["name"]
    assert len(reads) == statements, reads


def _holders_answer(client: Any, uscc: str) -> Any:
    return data(client, HOLDERS_TWO_UP, u=uscc)["enterprise"]["shareholders"]


@pytest.mark.parametrize("uscc", [D, A])
def test_holders_two_up_answer(store: GraphStore, uscc: str) -> None:
    _write(store)
    found = _holders_answer(client_for(store), uscc)
    if uscc == D:
        # C holds D 40%; A holds C 50%.
        assert found == [{"percent": 40.0, "holder": {"id": C, "name": NAMES[C], "shareholders": [
            {"percent": 50.0, "holder": {"id": A, "name": NAMES[A]}}]}}]
    else:
        # P (a person) and G (an other holder) hold A: no shareholders of their own.
        assert found == [{"percent": 60.0, "holder": {"id": "P", "name": "张三"}},
                         {"percent": 40.0, "holder": {"id": "G", "name": "国资委"}}]


def _holder_field_selections(person: bool) -> list[str]:
    """Each field of a holder that its neighbourhood may answer (every field with a
    resolver but the recorded versions, the disputes and the id number), as a selection."""
    schema = build_schema(Settings())._schema
    kind = "Person" if person else "Enterprise"
    object_type = schema.type_map[kind]
    recorded = {"versions", "disputes", "disputed", "idNumber"}
    python_names = {f.python_name for f in (Person if person else Enterprise)
                    .__strawberry_definition__.fields if f.base_resolver is not None}
    selections = []
    for name, field in object_type.fields.items():
        if name in recorded or to_snake_case(name) not in python_names:
            continue
        inner = "" if is_leaf_type(get_named_type(field.type)) else " { __typename }"
        selections.append(f"... on {kind} {{ {name}{inner} }}")
    return selections


@pytest.mark.neo4j
@pytest.mark.parametrize("selection", [*_holder_field_selections(False),
                                       *_holder_field_selections(True)])
def test_a_holders_details_come_with_the_enterprise(neo4j_store: Neo4jStore, reads: list[str],
                                                    selection: str) -> None:
    """Whatever a holder's neighbourhood answers, selected under the holders of an enterprise
    lookup, is read in the lookup's one statement (A's holders are a person and an other
    holder, D's an enterprise)."""
    uscc = A if "Person" in selection else D
    query = ("query($u: ID!) { enterprise(uscc: $u, asOf: \"2024-06-01\") { "
             f"shareholders {{ holder {{ id {selection} }} }} }} }}")
    client = client_for(neo4j_store)
    data(client, query, u=uscc)
    reads.clear()
    assert data(client, query, u=uscc)["enterprise"]["shareholders"]
    assert len(reads) == 1, reads


# --- a holder's neighbourhood read for the fields selected only ------------------------------

def test_holders_read_for_some_sections_hold_those_only(links: LinkAnalysis) -> None:
    """Read for their holdings, A's holders (P and G) bring their holdings only: P's posts at B
    and D stay unread, and so does G's pledge; the sections say so."""
    _, holders = links.enterprise_and_holders(A, AT, holder_sections=frozenset({"holdings"}))
    assert sorted((r.other.id, r.props["percent"]) for r in holders["P"].holdings) == [
        (A, 60.0), (B, 10.0)]
    assert (holders["P"].officers, holders["P"].holders, holders["G"].pledges) == ((), (), ())
    assert holders["P"].sections == frozenset({"holdings"})
    # Read for posts and pledges: P's two posts, G's pledge with B, the party away from G.
    _, holders = links.enterprise_and_holders(
        A, AT, holder_sections=frozenset({"officers", "pledges"}))
    assert sorted(r.other.id for r in holders["P"].officers) == [B, D]
    assert holders["P"].holdings == ()
    [pledge] = holders["G"].pledges
    assert (pledge.enterprise and pledge.enterprise.id, pledge.pledgor and pledge.pledgor.id) == (
        B, A)
    # D's holder C read for its holders: A's 50% (not C's own holding of D: that is outgoing).
    _, holders = links.enterprise_and_holders(D, AT, holder_sections=frozenset({"holders"}))
    assert [(r.other.id, r.props["percent"]) for r in holders[C].holders] == [(A, 50.0)]
    assert holders[C].holdings == ()


def test_a_self_holding_is_read_for_the_holders(store: GraphStore) -> None:
    """Treasury shares (an enterprise holding itself) are a holder of it: B holds A and 5% of
    itself; read for its holders, B's self-loop comes though it is stored as outgoing."""
    since = {"start": "2015-01-01", "end": None}
    write_graph(store, [
        NodeRecord("Enterprise", e, {"name": NAMES[e], "name_norm": name_key(NAMES[e]),
                                     "uscc": e}) for e in (A, B)
    ], [
        EdgeRecord("SHAREHOLDER", "S0", B, B, {"percent": 5.0, **since}),
        EdgeRecord("SHAREHOLDER", "S1", B, A, {"percent": 60.0, **since}),
    ])
    links = over(store).links
    _, holders = links.enterprise_and_holders(A, AT, holder_sections=frozenset({"holders"}))
    assert [(r.other.id, r.props["percent"]) for r in holders[B].holders] == [(B, 5.0)]


BOTH_PATHS = """query($u: ID!) { enterprise(uscc: $u, asOf: "2024-06-01") {
  shareholders(includeHistory: true) { holder { id ... on Person {
    holdings(includeHistory: true) { key } } } }
  officers { person { id ... on Person { appointments(includeHistory: true) { key } } } } } }"""


def test_a_holder_read_for_one_field_answers_its_other_fields_whole(store: GraphStore) -> None:
    """P holds B (until 2020) and is its director: read as B's holder for its holdings, P is
    asked its posts as B's officer in the same request, and gets both (read whole for them)."""
    _write(store)
    found = data(client_for(store), BOTH_PATHS, u=B)["enterprise"]
    assert found["shareholders"] == [{"holder": {"id": "P", "holdings": [
        {"key": "S1"}, {"key": "S2"}]}}]
    assert found["officers"] == [{"person": {"id": "P", "appointments": [
        {"key": "O1"}, {"key": "O2"}]}}]


def _leaves(object_type: Any, depth: int) -> str:
    """Every field of a type that needs no argument, nested objects `depth` levels down."""
    parts = []
    for name, field in object_type.fields.items():
        if any(is_non_null_type(a.type) and a.default_value is Undefined
               for a in field.args.values()):
            continue
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(name)
        elif depth and isinstance(inner, GraphQLObjectType | GraphQLInterfaceType):
            parts.append(f"{name} {{ {_leaves(inner, depth - 1)} }}")
    return " ".join(parts)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def _append(path: Path, row: dict[str, str]) -> None:
    with path.open("a", encoding="utf-8", newline="") as rows:
        csv.DictWriter(rows, fieldnames=list(row)).writerow(row)


@dataclass(frozen=True)
class Register:
    """A generated register in a store, and whom to ask about."""

    store: GraphStore
    enterprises: list[str]
    """The enterprise holder given more, every enterprise held by an enterprise or an other
    holder, and five held by persons only."""
    persons: list[str]
    """Eight holders that are persons and two listed persons."""


@pytest.fixture
def register(store: GraphStore, tmp_path: Path) -> Register:
    """The register of seed 5, 200 enterprises, whose first enterprise holder is given what
    no enterprise holder of it has: a penalty, a move between authorities and a chattel
    mortgage (copies of the files' first rows)."""
    folder = tmp_path / "register"
    generate(folder, enterprises=200, seed=5)
    holdings = _rows(folder / "shareholdings.csv")
    holder = next(h["holder"] for h in holdings if h["holder_type"] == "enterprise")
    for section, changes in (
            ("penalties", {"enterprise": holder, "doc_no": "京市监罚〔2021〕99号"}),
            ("enterprise_events", {"enterprise": holder, "event": "migrated_in",
                                   "date": "2020-03-01"}),
            ("chattel_mortgages", {"mortgagor": holder, "reg_no": "1100002019999999",
                                   "status": "valid", "cancelled_on": ""})):
        _append(folder / f"{section}.csv", {**_rows(folder / f"{section}.csv")[0], **changes})
    report = load_dataset(folder, store, rejects_path=tmp_path / "rejects.csv")
    assert report.rejected == 0
    held = sorted({h["enterprise"] for h in holdings})
    beyond_persons = {h["enterprise"] for h in holdings if h["holder_type"] != "person"}
    persons = sorted({h["holder"] for h in holdings if h["holder_type"] == "person"})
    listed = sorted({e["subject"] for e in _rows(folder / "list_entries.csv")
                     if e["subject_type"] == "person"})
    return Register(store, [holder] + [e for e in held if e in beyond_persons] + [
        e for e in held if e not in beyond_persons][:5], persons[:8] + listed[:2])


WHOLE_READS = {name: getattr(LinkAnalysis, name)
               for name in ("enterprise", "enterprise_and_holders", "person_details")}
"""The lookups that read for the selection, as they are (their sections left to default)."""


def _read_whole(client: Any, query: str) -> dict[str, Any]:
    """The answer with every lookup reading whole neighbourhoods, whatever the selection
    (as the API answered before it read for the selection)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, read in WHOLE_READS.items():
            def whole(self: LinkAnalysis, ref: str, at: Moment, *_: Any, read: Any = read) -> Any:
                return read(self, ref, at)
            patch.setattr(LinkAnalysis, name, whole)
        return data(client, query)


DETAILS = (("Enterprise", ENTERPRISE_DETAILS), ("Person", PERSON_DETAILS),
           ("OtherHolder", {"holdings": "holdings"}))
"""The fields of each kind of node that its neighbourhood answers."""


def test_each_detail_field_read_alone_answers_as_read_whole(register: Register) -> None:
    """Every field of an enterprise, a person or a holder that its neighbourhood answers,
    selected alone (of the enterprises and persons asked, of the holders of those
    enterprises), has the value it has when the neighbourhoods are read whole."""
    schema = build_schema(Settings())._schema
    # The register in one request a field: past the limits a public server sets.
    client = client_for(register.store, Settings(api_max_aliases=100, api_max_cost=10**9))
    answered: dict[str, int] = {}
    for kind, fields in DETAILS:
        object_type = schema.type_map[kind]
        assert isinstance(object_type, GraphQLObjectType)
        for name in fields:
            inner = get_named_type(object_type.fields[name].type)
            selection = name if is_leaf_type(inner) else f"{name} {{ {_leaves(inner, 1)} }}"
            asked = {"holder": ("enterprise(uscc: ", register.enterprises,
                                "{ shareholders(includeHistory: true) { holder { id "
                                f"... on {kind} {{ {selection} }} }} }} }}")}
            if kind == "Enterprise":
                asked["enterprise"] = ("enterprise(uscc: ", register.enterprises,
                                       f"{{ {selection} }}")
            if kind == "Person":
                asked["person"] = ("person(personId: ", register.persons, f"{{ {selection} }}")
            for where, (lookup, refs, below) in asked.items():
                query = "{ " + " ".join(f'a{n}: {lookup}"{ref}", asOf: "2024-06-01") {{ ...F }}'
                                        for n, ref in enumerate(refs))
                query += f" }} fragment F on {'Person' if where == 'person' else 'Enterprise'} "
                query += below
                narrow = data(client, query)
                assert narrow == _read_whole(client, query), f"{where}: {kind}.{name}"
                found = [holding["holder"] for answer in narrow.values()
                         for holding in answer["shareholders"]] if where == "holder" else list(
                    narrow.values())
                answered[f"{where}: {kind}.{name}"] = sum(
                    1 for node in found if node.get(name) not in (None, [], ""))
    assert [field for field, count in answered.items() if not count] == []
