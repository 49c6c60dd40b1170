"""The GraphQL contract (docs/api-contract.md) over both stores: the selection as written, errors, limits."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import credgraph.api.app as app_module
from credgraph.api.sdl import sdl
from credgraph.api.types.enums import Relation
from credgraph.graph.model import load_model
from credgraph.graph.store import GraphStore
from credgraph.settings import Settings
from tests.handmade import make_uscc
from tests.test_api_dataset import (
    A1,
    BANK,
    DAY,
    H1,
    L1,
    client_for,
    contract_query,
    data,
    load_scenario,
    load_sections,
    post,
)


def _e(query: str) -> str:
    """A query about the scenario's enterprise A1, written with @E for its USCC."""
    return query.replace("@E", A1)


@pytest.fixture
def client(store: GraphStore, tmp_path: Path) -> TestClient:
    load_scenario(store, tmp_path)
    return client_for(store)


def _check_link_answers(answer: dict[str, Any]) -> None:
    """What the scenario's link fields must say on DAY for person PA and enterprise A1."""
    owners = {o["owner"]["id"]: o for o in answer["ultimateOwners"]}
    assert set(owners) == {"PA"}
    assert owners["PA"]["owner"] == {"id": "PA", "name": "张甲", "kind": "PERSON"}
    assert owners["PA"]["effectivePercent"] == pytest.approx(30.0)
    assert owners["PA"]["circular"] is False

    chain = answer["ownershipChain"]
    assert {n["id"] for n in chain["nodes"]} == {A1, H1, "PA"}
    edges = {(e["from"]["id"], e["to"]["id"]): e["percent"] for e in chain["edges"]}
    assert edges == {(H1, A1): 60.0, ("PA", H1): 50.0}
    assert chain["circular"] is False

    hits = answer["blacklistExposure"]["hits"]
    assert [(h["subject"]["id"], h["list"], h["listedOn"], h["distance"]) for h in hits] == [
        (L1, "SERIOUS_ILLEGAL", "2021-06-01", 2)
    ]
    steps = hits[0]["path"]["steps"]
    # Two shortest paths: via the pledgee bank and via officer PO; node ids decide ('9' < 'P').
    assert [(s["from"]["id"], s["to"]["id"], s["relation"]) for s in steps] == [
        (A1, BANK, "EQUITY_PLEDGE"), (BANK, L1, "CHATTEL_MORTGAGE")
    ]

    firms = {f["enterprise"]["uscc"]: f for f in answer["personFirms"]}
    assert set(firms) == {A1, H1}
    assert firms[A1]["roles"] == ["LEGAL_REPRESENTATIVE"]
    assert firms[A1]["directPercent"] is None
    assert firms[A1]["effectivePercent"] == pytest.approx(30.0)
    assert firms[H1]["directPercent"] == 50.0
    assert all(f["current"] for f in firms.values())

    paths = answer["paths"]
    assert [(s["from"]["id"], s["to"]["id"], s["relation"]) for s in paths[0]["steps"]] == [
        ("PA", A1, "LEGAL_REPRESENTATIVE")
    ]
    assert [len(p["steps"]) for p in paths] == sorted(len(p["steps"]) for p in paths)


def test_contract_selection_runs_as_written(client: TestClient) -> None:
    answer = data(client, contract_query(), p="PA", e=A1, d=DAY)
    _check_link_answers(answer)
    # PA is on no list and no enterprise of PA's had an event: nothing restricts PA.
    assert answer["disqualificationCheck"] == {"disqualified": False, "needsReview": False,
                                               "hits": []}
    assert answer["appointmentCheck"] == {"allowed": True, "hits": []}
    assert isinstance(answer["disqualificationScan"]["totalCount"], int)


def test_contract_asof_defaults_to_today(client: TestClient) -> None:
    """Without $d the selection sees today's graph, which for this scenario is DAY's."""
    _check_link_answers(data(client, contract_query(), p="PA", e=A1))


def test_asof_default_is_the_real_today(store: GraphStore, tmp_path: Path) -> None:
    """Facts dated around the real today: only a default of today itself sees the holding
    that starts today, the post that ended today as ended, and the listing of yesterday."""
    today = datetime.date.today()
    yesterday, tomorrow = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    firm, other = make_uscc("91110000MA00000T1"), make_uscc("91110000MA00000T2")
    load_sections(store, tmp_path / "today", {
        "enterprises": f"uscc,name\n{firm},今日甲有限公司\n{other},今日乙有限公司\n",
        "persons": "person_id,name\nPT,今日人\n",
        "shareholdings": "enterprise,holder,holder_type,percent,start_date,end_date\n"
                         f"{firm},PT,person,40,{today},\n"
                         f"{other},PT,person,10,{yesterday},{tomorrow}\n",
        "officers": f"enterprise,person_id,role,start_date,end_date\n"
                    f"{other},PT,director,2020-01-01,{today}\n",
        "list_entries": "subject,subject_type,list,listed_on\n"
                        f"{other},enterprise,serious_illegal,{yesterday}\n",
    })
    client = client_for(store)
    query = """query($d: Date) {
      personFirms(personId: "PT", asOf: $d) { enterprise { id } directPercent current roles }
      blacklistExposure(id: "PT", asOf: $d) { hits { subject { id } } }
    }"""
    now = data(client, query, d=None)
    assert now == data(client, query, d=today.isoformat())
    assert {f["enterprise"]["id"]: (f["directPercent"], f["roles"])
            for f in now["personFirms"]} == {firm: (40.0, []), other: (10.0, [])}
    assert [h["subject"]["id"] for h in now["blacklistExposure"]["hits"]] == [other]
    before = data(client, query, d=yesterday.isoformat())
    assert {f["enterprise"]["id"]: f["roles"] for f in before["personFirms"]} == {
        other: ["DIRECTOR"]}


BAD_ARGUMENTS = [
    '{ paths(fromId: "PA", toId: "PO", maxHops: 7) { length } }',
    '{ paths(fromId: "PA", toId: "PO", maxHops: -1) { length } }',
    '{ paths(fromId: "PA", toId: "PO", first: 1001) { length } }',
    '{ paths(fromId: "PA", toId: "PO", maxDegree: -1) { length } }',
    '{ paths(fromId: "PA", toId: "PA") { length } }',
    '{ blacklistExposure(id: "PA", maxHops: 7) { hits { distance } } }',
    '{ blacklistExposure(id: "PA", maxHops: 0) { hits { distance } } }',
    '{ blacklistExposure(id: "PA", maxDegree: -5) { hits { distance } } }',
    _e('{ ownershipChain(uscc: "@E", maxDepth: 21) { circular } }'),
    _e('{ ownershipChain(uscc: "@E", maxDepth: -1) { circular } }'),
    _e('{ ownershipChain(uscc: "@E", minPercent: -1) { circular } }'),
    _e('{ ultimateOwners(uscc: "@E", threshold: -5) { effectivePercent } }'),
    _e('{ ultimateOwners(uscc: "@E", threshold: 101) { effectivePercent } }'),
    '{ search(text: "甲", first: 1001) { id } }',
    '{ search(text: "甲", first: -1) { id } }',
    '{ search(text: "  ") { id } }',
    _e('{ enterprise(uscc: "@E", asOf: "2023-02-30") { name } }'),
    _e('{ enterprise(uscc: "@E", asOf: "20230101") { name } }'),
    '{ personFirms(personId: "PA", asOf: "yesterday") { current } }',
    '{ blacklistExposure(id: "PA", lists: [BLACK]) { hits { distance } } }',
    '{ enterprise(uscc: "91110000MA00000XXX") { name } }',
    '{ ultimateOwners(uscc: "9144030019220382X6") { effectivePercent } }',
]

UNKNOWN_IDS = [
    _e('{ enterprise(uscc: "@E") { name } }').replace(A1, make_uscc("91110000MA00000XX")),
    '{ enterprise(uscc: "PA") { name } }',
    '{ person(personId: "NOBODY") { name } }',
    _e('{ person(personId: "@E") { name } }'),
    '{ personFirms(personId: "NOBODY") { current } }',
    '{ blacklistExposure(id: "NOBODY") { hits { distance } } }',
    '{ paths(fromId: "PA", toId: "NOBODY") { length } }',
    '{ ownershipChain(uscc: "NOBODY") { circular } }',
    '{ ultimateOwners(uscc: "NOBODY") { effectivePercent } }',
]


def _code(body: dict[str, Any]) -> str:
    errors = body.get("errors")
    assert errors, body
    code: str = errors[0]["extensions"]["code"]
    assert errors[0]["message"]
    return code


@pytest.mark.parametrize("query", BAD_ARGUMENTS)
def test_bad_arguments_are_bad_user_input(client: TestClient, query: str) -> None:
    assert _code(post(client, query)) == "BAD_USER_INPUT"


def test_a_malformed_uscc_says_which_part_failed(client: TestClient) -> None:
    body = post(client, '{ enterprise(uscc: "914403001922038217") { name } }')
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "check character 7 does not verify (GB 32100-2015 gives 6)" in error["message"]
    assert error["path"] == ["enterprise"]


@pytest.mark.parametrize("query", UNKNOWN_IDS)
def test_unknown_ids_are_not_found(client: TestClient, query: str) -> None:
    assert _code(post(client, query)) == "NOT_FOUND"


@pytest.mark.parametrize("day", ["2023-13-01", "2023-1-1", "20230101", "", "2023-06-01T00:00"])
def test_malformed_date_variable_is_bad_user_input(client: TestClient, day: str) -> None:
    body = post(client, 'query($d: Date) { person(personId: "PA", asOf: $d) { name } }', d=day)
    assert _code(body) == "BAD_USER_INPUT"
    assert "date" in body["errors"][0]["message"]


def test_an_inline_bad_date_points_at_its_field(client: TestClient) -> None:
    query = _e('{ a: enterprise(uscc: "@E") { name } '
               'b: enterprise(uscc: "@E", asOf: "2023-02-30") { name } }')
    [error] = post(client, query)["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["b"]
    assert error["locations"] == [{"line": 1, "column": query.index('"2023-02-30"') + 1}]
    assert "day is out of range for month" in error["message"]


def test_limit_messages_name_the_limit(client: TestClient) -> None:
    body = post(client, '{ paths(fromId: "PA", toId: "PO", maxHops: 9) { length } }')
    assert body["errors"][0]["message"] == "maxHops must be between 1 and 6, got 9"


def test_unknown_field_is_a_validation_error(client: TestClient) -> None:
    assert _code(post(client, "{ nothing }")) == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize(
    ("settings", "query"),
    [
        (Settings(api_max_depth=2),
         _e('{ enterprise(uscc: "@E") { shareholders { holder { id } } } }')),
        (Settings(api_max_aliases=2),
         '{ a: person(personId: "PA") { id } b: person(personId: "PA") { id } '
         'c: person(personId: "PA") { id } }'),
        (Settings(api_max_tokens=10),
         '{ person(personId: "PA") { id name kind personId maskedIdNumber nationality '
         'placeholder } }'),
    ],
    ids=["depth", "aliases", "tokens"],
)
def test_request_limits(memory_store: GraphStore, tmp_path: Path, settings: Settings,
                        query: str) -> None:
    load_scenario(memory_store, tmp_path)
    limited = client_for(memory_store, settings)
    body = post(limited, query)
    assert body["errors"] and not body.get("data")
    assert _code(body) == "GRAPHQL_VALIDATION_FAILED"
    assert post(limited, query) == body  # asked again: refused again (checks kept per text)
    unlimited = client_for(memory_store)
    assert not post(unlimited, query).get("errors")


def test_committed_sdl_is_current() -> None:
    """Fails on an unintended schema change; regenerate with
    `python -m credgraph.api.sdl > credgraph/api/schema.graphql` when it is meant."""
    committed = (Path(__file__).resolve().parent.parent / "credgraph" / "api"
                 / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl()


def test_relation_enum_is_the_models_link_types_and_suspected() -> None:
    assert {r.value for r in Relation} == {*load_model().link_types, "SUSPECTED"}


def test_landing_page_graphiql_and_health(memory_store: GraphStore,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "static_dir", lambda: None)
    client = client_for(memory_store)
    root = client.get("/")
    assert root.status_code == 200 and 'href="/graphql"' in root.text
    ide = client.get("/graphql", headers={"accept": "text/html"})
    assert ide.status_code == 404 and "GraphiQL is not built" in ide.text, "never a CDN page"
    assert client.get("/healthz").json() == {"status": "ok"}


def test_a_built_explorer_is_served_at_root(memory_store: GraphStore, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "index.html").write_text("<title>explorer</title>", encoding="utf-8")
    (tmp_path / "app.js").write_text("console.log(1)", encoding="utf-8")
    monkeypatch.setattr(app_module, "static_dir", lambda: tmp_path)
    client = client_for(memory_store)
    assert client.get("/").text == "<title>explorer</title>"
    assert client.get("/app.js").text == "console.log(1)"
    assert client.post("/graphql", json={"query": "{ __typename }"}).json() == {
        "data": {"__typename": "Query"}}


def test_raw_id_numbers_never_leave_the_api(client: TestClient) -> None:
    query = _e("""{
      person(personId: "PA") { maskedIdNumber }
      search(text: "钱") { node { ... on Person { maskedIdNumber } } }
      enterprise(uscc: "@E") { officers { person { ... on Person { maskedIdNumber } } }
                              legalRepresentative { ... on Person { maskedIdNumber } } }
    }""")
    response = client.post("/graphql", json={"query": query})
    assert response.status_code == 200 and "errors" not in response.json()
    for raw in ("110101199001011234", "110101197003034567", "19900101", "19700303"):
        assert raw not in response.text
    assert response.json()["data"]["person"]["maskedIdNumber"] == "110101********1234"
