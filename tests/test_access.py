"""Roles, masking, sign-in and audit over both stores: every operation and every personal
field for every role, token attacks, and the audit trail with its verification.

The expectations are this file's own table of what each role may see (from the issue's
description of the publicity system's three parties), not read from roles.yaml.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import multiprocessing
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from credgraph.api.app import create_app
from credgraph.api.audit import AuditEvent, AuditLog, verify
from credgraph.api.auth import KeyStore
from credgraph.api.roles import table_source
from credgraph.cli import app as cli
from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.store import GraphStore
from credgraph.settings import Settings
from tests.oidc_provider import AUDIENCE, ISSUER, Provider
from tests.test_api_dataset import A1, H1, L1, SCENARIO, load_sections

EVENTS = f"""enterprise,event,date,reason,authority,liable_persons
{A1},吊销营业执照,2022-03-01,未年报,北京市市场监督管理局,PA
{L1},吊销营业执照,2021-03-01,未年报,北京市市场监督管理局,PO
"""

CALLERS = ("anonymous", "public", "enterprise", "regulator", "admin")
EVERYONE = frozenset(CALLERS)
REGULATORS = frozenset({"regulator", "admin"})

OPERATIONS: dict[str, tuple[str, frozenset[str]]] = {
    "search": ('{ search(text: "北京") { id } }', EVERYONE),
    "enterprise": (f'{{ enterprise(uscc: "{A1}") {{ name }} }}', EVERYONE),
    "person": ('{ person(personId: "PA") { name } }', EVERYONE),
    "personFirms": ('{ personFirms(personId: "PA") { current } }', REGULATORS),
    "blacklistExposure": (f'{{ blacklistExposure(id: "{A1}") {{ hits {{ distance }} }} }}',
                          EVERYONE),
    "paths": (f'{{ paths(fromId: "PA", toId: "{A1}") {{ length }} }}', EVERYONE),
    "ownershipChain": (f'{{ ownershipChain(uscc: "{A1}") {{ circular }} }}', EVERYONE),
    "ultimateOwners": (f'{{ ultimateOwners(uscc: "{A1}") {{ circular }} }}', EVERYONE),
    "disqualificationCheck": ('{ disqualificationCheck(personId: "PO") { disqualified } }',
                              REGULATORS),
    # The enterprise may check appointments at itself (its key carries A1).
    "appointmentCheck": (f'{{ appointmentCheck(personId: "PO", uscc: "{A1}", role: DIRECTOR) '
                         '{ allowed } }', REGULATORS | {"enterprise"}),
    "disqualificationScan": ("{ disqualificationScan { totalCount } }", REGULATORS),
    "neighbourhood": (f'{{ neighbourhood(id: "{A1}") {{ truncated }} }}', EVERYONE),
    "neighbours": (f'{{ neighbours(id: "{A1}") {{ totalCount }} }}', EVERYONE),
    "auditLog": ("{ auditLog { seq } }", frozenset({"admin"})),
    "dataVersion": ("{ dataVersion }", EVERYONE),
    # The enterprise may see its own risk profile (its key carries A1).
    "riskProfile": (f'{{ riskProfile(uscc: "{A1}") {{ level }} }}', REGULATORS | {"enterprise"}),
    "riskRanking": ("{ riskRanking { totalCount } }", REGULATORS),
    "watchlist": ("{ watchlist { entityId } }", REGULATORS),
    "alerts": ("{ alerts { id } }", REGULATORS),
    "unreadAlerts": ("{ unreadAlerts }", REGULATORS),
    "watch": (f'mutation {{ watch(id: "{A1}") {{ entityId }} }}', REGULATORS),
    "unwatch": (f'mutation {{ unwatch(id: "{A1}") }}', REGULATORS),
    "markAlertsRead": ("mutation { markAlertsRead(ids: []) }", REGULATORS),
    "dataQuality": ("{ dataQuality { rows } }", REGULATORS),
    "crossChecks": ("{ crossChecks { totalCount } }", REGULATORS),
    "approvalNotices": ('{ approvalNotices(since: "2020-01-01") { totalCount } }', REGULATORS),
    "approvalDepartments": ("{ approvalDepartments { id } }", REGULATORS),
}


@dataclass
class Server:
    client: TestClient
    tokens: dict[str, str | None]
    settings: Settings
    keys: KeyStore

    def post(self, caller: str, query: str, **headers: str) -> Any:
        token = self.tokens[caller]
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        return self.client.post("/graphql", json={"query": query}, headers=headers)

    def ask(self, caller: str, query: str) -> dict[str, Any]:
        response = self.post(caller, query)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(keys_file=tmp_path / "keys.json", audit_file=tmp_path / "audit.log",
                    user_data_file=tmp_path / "user-data.sqlite",
                    rate_limit_per_key="10000/minute", rate_limit_per_ip="10000/minute",
                    **extra)


@pytest.fixture(scope="module", params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def loaded(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The scenario with two licence revocations, loaded once per store for the module
    (its tests only read the graph)."""
    folder = tmp_path_factory.mktemp("access")
    store: GraphStore
    if request.param == "memory":
        store = MemoryStore(folder / "graph.credgraph")
    else:
        store = Neo4jStore(request.getfixturevalue("neo4j_uri"),
                           password=os.environ.get("CREDGRAPH_TEST_NEO4J_PASSWORD", ""))
        store.clear()
    load_sections(store, folder / "scenario", {**SCENARIO, "enterprise_events": EVENTS})
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def server(loaded: GraphStore, tmp_path: Path) -> Iterator[Server]:
    store = loaded
    settings = _settings(tmp_path)
    keys = KeyStore(tmp_path / "keys.json")
    tokens: dict[str, str | None] = {"anonymous": None}
    for role in ("public", "regulator", "admin"):
        tokens[role] = keys.add(role, f"{role}-owner")[1]
    tokens["enterprise"] = keys.add("enterprise", "甲一 staff", uscc=A1)[1]
    with TestClient(create_app(store, settings)) as client:
        yield Server(client, tokens, settings, keys)


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


def test_the_matrix_names_every_operation(server: Server) -> None:
    """A new operation must be given its roles here (and in roles.yaml) before it ships."""
    body = server.ask("admin", "{ __schema { queryType { fields { name } } "
                               "mutationType { fields { name } } } }")
    schema = body["data"]["__schema"]
    names = {f["name"] for root in ("queryType", "mutationType") for f in schema[root]["fields"]}
    assert names == set(OPERATIONS)


def test_role_matrix_of_operations(server: Server) -> None:
    wrong = []
    for name, (query, allowed) in OPERATIONS.items():
        for caller in CALLERS:
            body = server.ask(caller, query)
            if caller in allowed:
                ok = body.get("errors") is None and body["data"][name] is not None
            else:
                ok = _code(body) == "FORBIDDEN" and body["data"] is None
            if not ok:
                wrong.append((name, caller, body))
    assert wrong == []


def test_own_operations_only_about_the_own_enterprise(server: Server) -> None:
    body = server.ask("enterprise", f'{{ appointmentCheck(personId: "PO", uscc: "{H1}", '
                                    "role: DIRECTOR) { allowed } }")
    assert _code(body) == "FORBIDDEN" and body["data"] is None
    body = server.ask("enterprise", f'{{ riskProfile(uscc: "{H1}") {{ level }} }}')
    assert _code(body) == "FORBIDDEN" and body["data"] is None


def test_watchlists_belong_to_the_signed_in_caller(server: Server) -> None:
    """Each key's owner has a watchlist of their own; nothing a client sends picks another."""
    server.tokens["colleague"] = server.keys.add("regulator", "colleague")[1]
    assert server.ask("regulator", f'mutation {{ watch(id: "{A1}", hops: 2) {{ entityId }} }}'
                      )["data"] == {"watch": {"entityId": A1}}
    watched = "{ watchlist { entityId hops } }"
    assert server.ask("regulator", watched)["data"]["watchlist"] == [{"entityId": A1, "hops": 2}]
    for caller in ("colleague", "admin"):
        assert server.ask(caller, watched)["data"]["watchlist"] == [], caller
    assert server.ask("colleague", f'mutation {{ unwatch(id: "{A1}") }}')["data"] == {
        "unwatch": False}
    assert server.ask("regulator", watched)["data"]["watchlist"] == [{"entityId": A1, "hops": 2}]


MASKED_PA, MASKED_PO = "110101********1234", "110101********4567"


def test_person_fields_by_role(server: Server) -> None:
    query = ('{ person(personId: "PA") { name maskedIdNumber nationality '
             "full: idNumber(reveal: true) plain: idNumber provenance { srcFile } } }")
    hidden = {"name": "张甲", "maskedIdNumber": None, "nationality": None, "full": None,
              "plain": None, "provenance": None}
    for caller in ("anonymous", "public", "enterprise"):  # a person is nobody's own record
        assert server.ask(caller, query)["data"]["person"] == hidden, caller
    for caller in ("regulator", "admin"):
        person = server.ask(caller, query)["data"]["person"]
        assert {k: person[k] for k in ("maskedIdNumber", "nationality", "full", "plain")} == {
            "maskedIdNumber": MASKED_PA, "nationality": "中国", "full": "110101199001011234",
            "plain": MASKED_PA}, caller
        assert person["provenance"]["srcFile"].endswith("persons.csv")


OWN_RECORD = """{ enterprise(uscc: "@") { provenance { srcFile } events { liablePersonIds }
  legalRepresentatives { provenance { srcRow } person { ... on Person { maskedIdNumber
  nationality idNumber(reveal: true) } } }
  officers { person { ... on Person { maskedIdNumber } } } } }"""


def _record(server: Server, caller: str, uscc: str) -> dict[str, Any]:
    found: dict[str, Any] = server.ask(caller, OWN_RECORD.replace("@", uscc))["data"]["enterprise"]
    return found


def test_own_record_is_shown_to_its_enterprise_only(server: Server) -> None:
    for caller in ("anonymous", "public"):
        a1 = _record(server, caller, A1)
        assert a1["provenance"] is None and a1["events"] == [{"liablePersonIds": []}]
        assert a1["legalRepresentatives"] == [{"provenance": None, "person": {
            "maskedIdNumber": None, "nationality": None, "idNumber": None}}]
    own = _record(server, "enterprise", A1)
    assert own["provenance"]["srcFile"].endswith("enterprises.csv")
    assert own["events"] == [{"liablePersonIds": ["PA"]}]
    assert own["legalRepresentatives"] == [{"provenance": {"srcRow": 2}, "person": {
        "maskedIdNumber": MASKED_PA, "nationality": "中国", "idNumber": None}}]
    # 董事长兼总经理: PO holds two posts at A1.
    assert own["officers"] == [{"person": {"maskedIdNumber": MASKED_PO}}] * 2
    other = _record(server, "enterprise", L1)  # not its own: the public view
    assert other["provenance"] is None and other["events"] == [{"liablePersonIds": []}]
    assert other["officers"] == [{"person": {"maskedIdNumber": None}}]
    for caller in ("regulator", "admin"):
        seen = _record(server, caller, L1)
        assert seen["events"] == [{"liablePersonIds": ["PO"]}]
        assert seen["officers"] == [{"person": {"maskedIdNumber": MASKED_PO}}]
        assert seen["provenance"] is not None


def test_own_record_stops_at_the_next_enterprise(server: Server) -> None:
    """A's post reached from the person is not inside A's record; A itself is."""
    query = ('{ person(personId: "PA") { appointments { provenance { srcRow } '
             "enterprise { ... on Enterprise { uscc provenance { srcRow } } } } } }")
    posts = server.ask("enterprise", query)["data"]["person"]["appointments"]
    assert posts == [{"provenance": None, "enterprise": {"uscc": A1, "provenance": {"srcRow": 2}}}]
    holdings = server.ask("enterprise", '{ person(personId: "PA") { holdings { enterprise { '
                                        "... on Enterprise { uscc provenance { srcRow } } } } } }")
    assert holdings["data"]["person"]["holdings"] == [{"enterprise": {"uscc": H1,
                                                                      "provenance": None}}]


def test_explorer_hides_screening_results_from_the_public(server: Server) -> None:
    # A1's licence was revoked in 2022 with PA, its legal representative, liable.
    check = server.ask("regulator", '{ disqualificationCheck(personId: "PA", asOf: "2023-06-01") '
                                    "{ hits { ruleId } } }")
    assert check["data"]["disqualificationCheck"]["hits"], "the scenario must restrict PA"
    query = ('{ neighbourhood(id: "PA", asOf: "2023-06-01") { nodes { id restriction } '
             "links { provenance { srcFile } } } }")
    for caller in CALLERS:
        view = server.ask(caller, query)["data"]["neighbourhood"]
        restriction = {n["id"]: n["restriction"] for n in view["nodes"]}["PA"]
        provenance = {lk["provenance"] is not None for lk in view["links"]}
        if caller in REGULATORS:
            assert restriction is not None and provenance == {True}, caller
        else:
            assert restriction is None and provenance == {False}, caller


# --- tokens ---------------------------------------------------------------------------


def _b64(part: dict[str, Any] | bytes) -> str:
    raw = part if isinstance(part, bytes) else json.dumps(part).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture
def oidc_server(loaded: GraphStore, tmp_path: Path) -> Iterator[tuple[Server, Provider]]:
    store = loaded
    with Provider() as provider:
        settings = _settings(tmp_path, oidc_issuer=ISSUER, oidc_audience=AUDIENCE,
                             oidc_jwks_url=provider.jwks_url)
        keys = KeyStore(tmp_path / "keys.json")
        with TestClient(create_app(store, settings)) as client:
            yield Server(client, {}, settings, keys), provider


def test_good_tokens_sign_in(oidc_server: tuple[Server, Provider]) -> None:
    server, provider = oidc_server
    query = '{ person(personId: "PA") { maskedIdNumber } }'
    for token in (provider.token("RS256"), provider.token("ES256")):
        server.tokens["jwt"] = token
        assert server.ask("jwt", query)["data"]["person"]["maskedIdNumber"] == MASKED_PA
    server.tokens["jwt"] = provider.token(credgraph_role="enterprise", uscc=A1)
    assert server.ask("jwt", f'{{ enterprise(uscc: "{A1}") {{ provenance {{ srcRow }} }} }}')[
        "data"]["enterprise"]["provenance"] == {"srcRow": 2}


def test_token_attacks_are_refused(oidc_server: tuple[Server, Provider]) -> None:
    server, provider = oidc_server
    now = int(datetime.datetime.now(datetime.UTC).timestamp())
    good = provider.token()
    header, payload, signature = good.split(".")
    claims = provider.claims()
    confused_input = f"{_b64({'alg': 'HS256', 'kid': 'rsa-1', 'typ': 'JWT'})}.{_b64(claims)}"
    confused = confused_input + "." + _b64(hmac.new(
        provider.public_pem(), confused_input.encode(), hashlib.sha256).digest())
    revoked, revoked_token = server.keys.add("regulator", "gone")
    server.keys.revoke(revoked.id)
    _, expired_key = server.keys.add("regulator", "old", expires=datetime.datetime(
        2020, 1, 1, tzinfo=datetime.UTC))
    attacks = {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "alg none, signature kept": f"{_b64({'alg': 'none', 'kid': 'rsa-1'})}.{payload}.{signature}",
        "HS256 keyed with the public key": confused,
        "expired": provider.token(exp=now - 3600, iat=now - 7200),
        "wrong issuer": provider.token(iss="https://evil.example/"),
        "wrong audience": provider.token(aud="another-app"),
        "no expiry": provider.token(exp=None),
        "tampered claims": f"{header}.{_b64({**claims, 'credgraph_role': 'admin'})}.{signature}",
        "tampered signature": f"{header}.{payload}.{signature[:-4]}AAAA",
        "signed by an unpublished key": provider.token_signed_by_stranger(),
        "unknown role": provider.token(credgraph_role="superuser"),
        "revoked key": revoked_token,
        "expired key": expired_key,
        "made-up key": "cgk_000000000000.secret",
        "key with a wrong secret": revoked_token.split(".")[0] + ".wrong",
    }
    query = '{ person(personId: "PA") { name maskedIdNumber } }'
    for attack, token in attacks.items():
        response = server.client.post("/graphql", json={"query": query},
                                      headers={"authorization": f"Bearer {token}"})
        assert response.status_code == 401, attack
        body = response.json()
        assert "data" not in body and body["errors"][0]["extensions"]["code"] == \
            "UNAUTHENTICATED", attack
        assert response.headers["www-authenticate"].startswith("Bearer")
    response = server.client.post("/graphql", json={"query": query},
                                  headers={"authorization": "Basic YWRtaW46YWRtaW4="})
    assert response.status_code == 401


# --- audit ----------------------------------------------------------------------------


def _audit_lines(server: Server) -> list[dict[str, Any]]:
    path = server.settings.audit_path
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_audited_requests_and_verification(server: Server, tmp_path: Path) -> None:
    queries = [q for q, allowed in OPERATIONS.values() if "regulator" in allowed]
    sent = []
    for i, query in enumerate(queries):
        request_id = f"reg-request-{i:04d}"
        assert server.post("regulator", query, **{"x-request-id": request_id}).status_code == 200
        sent.append(request_id)
    for caller in ("anonymous", "public"):
        server.ask(caller, '{ search(text: "张甲") { id } }')
    server.ask("regulator", '{ person(personId: "PA") { idNumber(reveal: true) } }')

    lines = _audit_lines(server)
    assert {line["request"] for line in lines} >= set(sent)  # every regulator request
    assert all(line["role"] in ("regulator", "admin") for line in lines)
    assert "张甲" not in server.settings.audit_path.read_text(encoding="utf-8")
    by_id = {line["request"]: line for line in lines}
    scan = by_id[sent[queries.index(OPERATIONS["disqualificationCheck"][0])]]
    assert (scan["who"], scan["operation"], scan["subjects"], scan["outcome"]) == (
        "regulator-owner", "disqualificationCheck", ["PO"], "ok")
    reveal = lines[-1]
    assert reveal["reveal"] == ["PA"] and reveal["subjects"] == ["PA"]
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))

    runner = CliRunner()
    log = str(server.settings.audit_path)
    assert runner.invoke(cli, ["audit", "verify", "--file", log]).exit_code == 0

    original = server.settings.audit_path.read_text(encoding="utf-8").splitlines(keepends=True)
    edited = list(original)
    edited[2] = edited[2].replace('"rows":', '"rows":1')  # someone changes a row count
    server.settings.audit_path.write_text("".join(edited), encoding="utf-8")
    result = runner.invoke(cli, ["audit", "verify", "--file", log])
    assert result.exit_code == 1 and "line 3: its content does not match its hash" in result.output

    server.settings.audit_path.write_text("".join(original[:4] + original[5:]), encoding="utf-8")
    result = runner.invoke(cli, ["audit", "verify", "--file", log])
    assert result.exit_code == 1 and "line 5: seq 6 follows seq 4" in result.output

    server.settings.audit_path.write_text("".join(original[:-2]), encoding="utf-8")
    result = runner.invoke(cli, ["audit", "verify", "--file", log])
    assert result.exit_code == 1 and "cut off the end" in result.output


def _append_audit(path: str, writer: str, lines: int,
                  start: threading.Barrier | None = None) -> None:
    log = AuditLog(Path(path))
    if start is not None:
        start.wait(30)
    for i in range(lines):
        log.append(AuditEvent(request=f"{writer}-{i}", who=writer, role="regulator"), "ok")


def test_processes_writing_one_audit_log_keep_one_chain(tmp_path: Path) -> None:
    """The workers of `serve --workers N` append to one log: each must continue the chain
    from the last line written by any of them."""
    path = tmp_path / "audit.log"
    _append_audit(str(path), "before", 3)  # a log that was already there
    context = multiprocessing.get_context("fork")
    start = context.Barrier(3)
    writers = [context.Process(target=_append_audit, args=(str(path), f"w{n}", 150, start))
               for n in range(3)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(60)
        assert process.exitcode == 0
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["seq"] for line in lines] == list(range(1, 3 + 3 * 150 + 1))
    assert len({line["who"] for line in lines[3:200]}) > 1, "the writers did not interleave"
    assert verify(path) == []


def test_the_audit_head_is_rewritten_whole(tmp_path: Path) -> None:
    """The head is overwritten in place: a shorter head over a longer one (a new log beside
    the head of an old one of 10 lines) must leave nothing of the old behind."""
    path = tmp_path / "audit.log"
    _append_audit(str(path), "old", 10)
    assert json.loads((tmp_path / "audit.log.head").read_bytes())["seq"] == 10
    path.unlink()
    _append_audit(str(path), "new", 2)
    second = json.loads(path.read_text(encoding="utf-8").splitlines()[1])
    head = (tmp_path / "audit.log.head").read_bytes()
    assert json.loads(head) == {"seq": 2, "hash": second["hash"]}
    # always one whole block of the same size, so no write leaves a part of an older head
    assert len(head) == 128
    assert verify(path) == []


def test_audit_log_query_filters(server: Server) -> None:
    server.ask("regulator", '{ person(personId: "PB") { name } }')
    server.ask("regulator", '{ person(personId: "PO") { name } }')
    found = server.ask("admin", '{ auditLog(subject: "PO", operation: "person") '
                                "{ who role operation subjects rows outcome } }")
    assert found["data"]["auditLog"] == [{"who": "regulator-owner", "role": "regulator",
                                          "operation": "person", "subjects": ["PO"],
                                          "rows": 1, "outcome": "ok"}]
    refused = server.ask("admin", '{ auditLog(who: "admin-owner") { operation outcome } }')
    assert refused["data"]["auditLog"][0]["operation"] == "auditLog"


PERSONAL = ("id_number", "nationality", "liable_persons", "src_file", "src_row", "batch_id",
            "loaded_at")


def _export(server: Server, caller: str) -> Any:
    token = server.tokens[caller]
    headers = {"authorization": f"Bearer {token}"} if token is not None else {}
    return server.client.get("/export", params={"format": "graphml", "root": A1, "hops": 1},
                             headers=headers)


def test_exports_follow_the_roles_field_rules(server: Server, tmp_path: Path) -> None:
    """The map as a file shows each role what the API shows it: no ID numbers, nationality,
    liable persons or provenance for the public (nor for an enterprise: a file has no own
    record); masked ID numbers for regulators, never the whole number; regulators' exports
    are audited."""
    for caller in CALLERS:
        response = _export(server, caller)
        assert response.status_code == 200, (caller, response.text)
        path = tmp_path / f"{caller}.graphml"
        path.write_bytes(response.content)
        graph = nx.read_graphml(path)
        assert "110101199001011234" not in response.text, caller
        persons = {n: d for n, d in graph.nodes(data=True) if d["kind"] == "Person"}
        assert "PA" in persons and persons["PA"]["name"] == "张甲"
        shown = {name for _, d in graph.nodes(data=True) for name in d} | {
            name for _, _, d in graph.edges(data=True) for name in d}
        if caller in REGULATORS:
            assert persons["PA"]["id_number"] == MASKED_PA, caller
            assert persons["PA"]["nationality"] == "中国" and "src_file" in persons["PA"]
        else:
            assert shown.isdisjoint(PERSONAL), (caller, shown & set(PERSONAL))
    lines = [line for line in _audit_lines(server) if line["operation"] == "export"]
    assert [(line["role"], line["subjects"], line["outcome"]) for line in lines] == [
        ("regulator", [A1], "ok"), ("admin", [A1], "ok")]


def test_a_role_without_the_export_route_is_refused(
        loaded: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = json.loads(json.dumps(table_source()))
    table["roles"]["public"].pop("routes")
    monkeypatch.setattr("credgraph.api.roles.table_source", lambda: table)
    keys = KeyStore(tmp_path / "keys.json")
    tokens: dict[str, str | None] = {"anonymous": None, "public": keys.add("public", "p")[1]}
    with TestClient(create_app(loaded, _settings(tmp_path))) as client:
        server = Server(client, tokens, _settings(tmp_path), keys)
        for caller in ("anonymous", "public"):
            response = _export(server, caller)
            assert response.status_code == 403
            assert response.json()["error"]["code"] == "FORBIDDEN"
