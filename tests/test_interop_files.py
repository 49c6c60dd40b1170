"""FollowTheMoney, GraphML and GEXF exports, the /export endpoint and the command line.

FtM files are judged by followthemoney's own model, GraphML and GEXF by networkx's
readers; what each must hold is worked out from tests/handmade.py or read from the
store's snapshot, never from the exporters.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from starlette.testclient import TestClient

from credgraph.api.app import create_app
from credgraph.graph.memory import MemoryStore
from credgraph.graph.model import VERSION
from credgraph.graph.store import GraphStore
from credgraph.interop.formats import export_to
from credgraph.interop.scope import Scope
from credgraph.queries.analyses import analyses_for
from credgraph.queries.time import Moment, in_force
from credgraph.settings import Settings
from tests.handmade import E1, E2, E3, E5
from tests.interop_helpers import DAY, export_file, findings, import_file, json_lines
from tests.test_api_dataset import load_sections
from tests.validators import validate_ftm

ENTITY_LABELS = ("Enterprise", "Person", "OtherHolder")



# --- FollowTheMoney ----------------------------------------------------------------------

def test_ftm_export_passes_followthemoney(handmade_store: GraphStore, tmp_path: Path) -> None:
    out = export_file(handmade_store, "ftm", tmp_path / "h.ftm.json")
    assert validate_ftm(out) == []
    schemata = Counter(e["schema"] for e in json_lines(out))
    # 5 enterprises, 4 persons, the state holder G1; 6 holdings and P1's 3 posts at E1 in
    # force on 2024-01-01; E3's serious-illegal listing and E1's penalty as sanctions; one
    # Document per file those came from (enterprises, persons, shareholdings, officers,
    # list_entries, penalties).
    assert schemata == {"Company": 5, "Person": 4, "PublicBody": 1, "Ownership": 6,
                        "Directorship": 3, "Sanction": 2, "Document": 6}


def test_ftm_entities_say_what_the_register_says(handmade_store: GraphStore, tmp_path: Path) -> None:
    entities = {e["id"]: e for e in json_lines(export_file(handmade_store, "ftm", tmp_path / "f.json"))}
    company = entities[E1]["properties"]
    assert company["registrationNumber"] == [E1] and company["capital"] == ["10000000.0"]
    assert entities["P1"]["properties"]["nationality"] == ["cn"]
    assert entities["P1"]["properties"]["idNumber"] == ["440301********1234"]
    owners = {(e["properties"]["owner"][0], e["properties"]["asset"][0]):
              e["properties"].get("percentage") for e in entities.values()
              if e["schema"] == "Ownership"}
    assert owners[(E2, E1)] == ["60.0"] and owners[("P1", E3)] is None
    sanctions = {e["properties"]["programId"][0]: e["properties"] for e in entities.values()
                 if e["schema"] == "Sanction"}
    assert sanctions["serious_illegal"]["entity"] == [E3]
    assert sanctions["serious_illegal"]["program"] == ["严重违法失信名单"]
    assert sanctions["administrative_penalty"]["authorityId"] == ["深市监罚〔2020〕1号"]
    roles = sorted(e["properties"]["role"][0] for e in entities.values()
                   if e["schema"] == "Directorship")
    assert roles == sorted(["法定代表人", "董事长", "经理"])


def test_ftm_history_adds_what_ended(handmade_store: GraphStore, tmp_path: Path) -> None:
    """P2's supervisor post (ended 2020-12-31) and P2's removed listing (2023-01-01)."""
    now = Counter(e["schema"] for e in json_lines(export_file(handmade_store, "ftm", tmp_path / "a")))
    ever = Counter(e["schema"] for e in json_lines(
        export_file(handmade_store, "ftm", tmp_path / "b", history=True)))
    assert ever - now == Counter({"Directorship": 1, "Sanction": 1})


def _content(entity: dict[str, Any]) -> str:
    props = {k: v for k, v in entity["properties"].items()
             if k not in ("proof", "retrievedAt", "recordId")}
    return json.dumps({**entity, "properties": props}, sort_keys=True, ensure_ascii=False)


def test_ftm_round_trip_gives_the_same_entities(handmade_store: GraphStore, tmp_path: Path) -> None:
    first = export_file(handmade_store, "ftm", tmp_path / "first.ftm.json")
    again = MemoryStore(tmp_path / "again.credgraph")
    report = import_file(again, first, tmp_path / "rt-rejects.csv")
    rejects, notes = findings(report)
    assert rejects == []
    assert {n.value for n in notes} == {"Document"}
    second = export_file(again, "ftm", tmp_path / "second.ftm.json")
    facts = [sorted(_content(e) for e in json_lines(f) if e["schema"] != "Document")
             for f in (first, second)]
    assert facts[0] == facts[1]


def test_ftm_import_refuses_what_has_no_place(tmp_path: Path) -> None:
    lines = [
        {"id": "c1", "schema": "Company", "properties": {"name": ["Acme"],
                                                          "registrationNumber": [E1]}},
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ann"]}},
        {"id": "v1", "schema": "Vessel", "properties": {"name": ["Boat"]}},
        {"id": "s1", "schema": "Sanction", "properties": {
            "entity": ["p1"], "program": ["US OFAC SDN"], "startDate": ["2020-01-01"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["ghost"], "asset": ["c1"]}},
        {"id": "d1", "schema": "Directorship", "properties": {
            "director": ["p1"], "organization": ["c1"], "role": ["Director"],
            "startDate": ["2021-01-01"]}},
    ]
    path = tmp_path / "mixed.ftm.json"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    store = MemoryStore(tmp_path / "mixed.credgraph")
    rejects, _ = findings(import_file(store, path, tmp_path / "mixed-rejects.csv"))
    assert sorted((r.row, r.column) for r in rejects) == [(3, "schema"), (4, "list"),
                                                          (5, "owner")]
    assert store.get_node(E1) is not None  # the USCC keys the company
    posts = [p for (t, _, _), (_, target, p) in store.snapshot().edges.items()
             if t == "OFFICER"]
    assert [(p["role"], p["src_row"]) for p in posts] == [("director", 6)]


# --- GraphML and GEXF ------------------------------------------------------------------

def _current(props: dict[str, Any]) -> dict[str, Any]:
    """A current version's values, provenance, source and recorded time (as `recorded_at`),
    without its version bookkeeping."""
    kept = {k: v for k, v in props.items() if k not in (*VERSION, "of")}
    if "rec" in props:
        kept.update(source=props["source"], recorded_at=props["rec"])
    return kept


def _expected(store: GraphStore, day: str) -> tuple[dict[str, dict[str, Any]],
                                                    dict[str, tuple[str, str, dict[str, Any]]]]:
    """Nodes and edges a graph file must hold on `day`, read from the store's snapshot: the
    versions not retracted; an entity is its identity with its current record's values."""
    snap = store.snapshot()
    edges = {f"{t}:{k}": (s, d, _current(p)) for (t, k, _), (s, d, p) in snap.edges.items()
             if "ret" not in p and in_force(p.get("start"), p.get("end"), day)}
    held = {d for s, d, _ in edges.values()}
    records = {p["of"]: p for (label, _, _), p in snap.nodes.items()
               if label.endswith("Record") and "ret" not in p}
    nodes = {i: {**_current(records.get(i, {})), **_current(p), "kind": label}
             for (label, i, _), p in snap.nodes.items()
             if (label in ENTITY_LABELS or (i in held and not label.endswith("Record")))
             and "ret" not in p}
    return nodes, edges


def _same(read: Any, stored: Any) -> bool:
    if isinstance(stored, list):
        return bool(read == ";".join(stored))
    if isinstance(stored, float | int) and not isinstance(stored, bool):
        return bool(float(read) == float(stored))
    return bool(read == stored)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_files_hold_the_graph(fmt: str, handmade_store: GraphStore, tmp_path: Path) -> None:
    out = export_file(handmade_store, fmt, tmp_path / f"h.{fmt}")
    graph = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    nodes, edges = _expected(handmade_store, DAY)
    assert set(graph.nodes) == set(nodes)
    found = {data["id"] if fmt == "gexf" else key: (s, d, data)
             for s, d, key, data in graph.edges(keys=True, data=True)}
    assert found.keys() == edges.keys()
    for node, props in nodes.items():
        for name, value in props.items():
            if value is not None and name not in ("id", "label"):
                assert _same(graph.nodes[node][name], value), (node, name)
    for edge, (source, target, props) in edges.items():
        read_source, read_target, data = found[edge]
        assert (read_source, read_target) == (source, target)
        for name, value in props.items():
            if value is not None and name != "key":
                assert _same(data[name], value), (edge, name)


def test_gexf_spells_follow_the_relationships(handmade_store: GraphStore, tmp_path: Path) -> None:
    graph = nx.read_gexf(export_file(handmade_store, "gexf", tmp_path / "h.gexf", history=True))
    _, edges = _expected(handmade_store, DAY)
    spells = {data["id"]: data.get("spells") for _, _, data in graph.edges(data=True)}
    pledge = "EQUITY_PLEDGE:GQ001|pledgor-pledgee"
    assert spells[pledge][0][0] == "2019-01-01"
    ended = [k for k in spells if k.startswith("OFFICER:") and "|P2|" in k]
    assert [spells[k][0] for k in ended] == [("2016-01-01", "2020-12-31")]
    assert len(spells) > len(edges)  # history adds what ended before the day


# --- the /export endpoint --------------------------------------------------------------

@pytest.fixture
def client(handmade_store: GraphStore) -> TestClient:
    return TestClient(create_app(handmade_store, Settings()))


def test_export_endpoint_gives_the_map(client: TestClient, tmp_path: Path) -> None:
    """E1 one hop on DAY: its holders E2 and G1, P1 (posts) and P3 (pledgee of GQ001), and
    its penalty; every relationship between them."""
    response = client.get("/export", params={"format": "graphml", "root": E1, "hops": 1,
                                             "asOf": DAY})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/graphml+xml")
    assert f"credgraph-{E1}-{DAY}.graphml" in response.headers["content-disposition"]
    (tmp_path / "map.graphml").write_bytes(response.content)
    graph = nx.read_graphml(tmp_path / "map.graphml")
    penalty = [n for n, d in graph.nodes(data=True) if d["kind"] == "Penalty"]
    assert set(graph.nodes) - set(penalty) == {E1, E2, "G1", "P1", "P3"}
    assert Counter(d["type"] for _, _, d in graph.edges(data=True)) == {
        "SHAREHOLDER": 3, "OFFICER": 2, "LEGAL_REPRESENTATIVE": 1, "EQUITY_PLEDGE": 3,
        "PENALISED": 1}
    query = {"query": f'{{ neighbourhood(id: "{E1}", hops: 1, asOf: "{DAY}") '
                      "{ nodes { id } } }"}
    shown = client.post("/graphql", json=query).json()["data"]["neighbourhood"]["nodes"]
    assert {n["id"] for n in shown} == set(graph.nodes) - set(penalty)


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"format": "bods"}, 400, "BAD_USER_INPUT"),
    ({"format": "pdf", "root": E1}, 400, "BAD_USER_INPUT"),
    ({"format": "bods", "root": "NOBODY"}, 404, "NOT_FOUND"),
    ({"format": "bods", "root": E1, "asOf": "2024-13-01"}, 400, "BAD_USER_INPUT"),
    ({"format": "bods", "root": E1, "hops": "9"}, 400, "BAD_USER_INPUT"),
    ({"format": "bods", "root": E1, "hops": "two"}, 400, "BAD_USER_INPUT"),
    ({"format": "bods", "root": E1, "relations": "FRIEND"}, 400, "BAD_USER_INPUT"),
    ({"format": "bods", "root": E1, "colour": "red"}, 400, "BAD_USER_INPUT"),
])
def test_export_endpoint_errors(client: TestClient, params: dict[str, str], status: int,
                                code: str) -> None:
    response = client.get("/export", params=params)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_export_endpoint_bods_of_a_map(client: TestClient) -> None:
    response = client.get("/export", params={"format": "bods", "root": E5, "asOf": DAY})
    assert response.status_code == 200
    assert [s["recordId"] for s in response.json()] == [E5]


# --- the command line -------------------------------------------------------------------

def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CREDGRAPH_STORE": "memory", "CREDGRAPH_DATA_DIR": str(tmp_path / "d")}
    return subprocess.run([sys.executable, "-m", "credgraph.cli", *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)


def test_command_line_exports_and_loads_back(handmade_dir: Path, tmp_path: Path) -> None:
    assert _run(["load", str(handmade_dir)], tmp_path).returncode == 0
    out = tmp_path / "out" / "register.bods.json"
    result = _run(["export", "--format", "bods", "--as-of", DAY, str(out)], tmp_path)
    assert result.returncode == 0, result.stderr
    records = {s["recordId"] for s in json.loads(out.read_text(encoding="utf-8"))}
    assert {E1, E2, E3, "P1", f"P1=>{E1}"} <= records
    again = tmp_path / "again"
    again.mkdir()
    reloaded = _run(["load", str(out), "--rejects", str(again / "rejects.csv")], again)
    assert reloaded.returncode == 0, reloaded.stderr
    store = MemoryStore(again / "d" / "graph.credgraph")
    assert store.counts().nodes["Enterprise"] == 5


def test_command_line_refuses_a_bad_format_or_root(handmade_dir: Path, tmp_path: Path) -> None:
    assert _run(["load", str(handmade_dir)], tmp_path).returncode == 0
    bad = _run(["export", "--format", "pdf", str(tmp_path / "x")], tmp_path)
    assert bad.returncode == 2 and "--format" in bad.stderr
    missing = _run(["export", "--format", "gexf", "--root", "NOBODY", str(tmp_path / "x")],
                   tmp_path)
    assert missing.returncode == 2 and "NOBODY" in missing.stderr
    assert not (tmp_path / "x").exists()


# --- the two times ---------------------------------------------------------------------

def _extract(day: str, percent: int, ended: str = "") -> dict[str, str]:
    return {
        "manifest": f"source: SAMR-registration\nextracted_at: {day}T09:00:00+08:00\n",
        "enterprises": f"uscc,name\n{E1},深圳市甲科技有限公司\n{E2},深圳市乙控股有限公司\n",
        "shareholdings": ("enterprise,holder,holder_type,holder_name,percent,start_date,end_date\n"
                          f"{E1},{E2},enterprise,深圳市乙控股有限公司,{percent},2015-01-01,"
                          f"{ended}\n"),
    }


def _ownerships(store: GraphStore, out: Path, day: str, known: str | None) -> list[Any]:
    export_to("ftm", analyses_for(store), Scope(Moment.on(day, known)), out)
    return sorted((e["properties"]["percentage"], e["properties"].get("endDate"))
                  for e in json_lines(out) if e["schema"] == "Ownership")


def test_exports_stand_where_they_are_asked(store: GraphStore, tmp_path: Path) -> None:
    """A holding recorded on 2026-01-05 as 60%, corrected on 2026-02-01 to 40% and ended
    2025-06-30: known on 2026-01-20 it is 60% on any day after its start; known now it is
    40% and in force on 2025-01-01 only."""
    load_sections(store, tmp_path / "day1", _extract("2026-01-05", 60))
    load_sections(store, tmp_path / "day2", _extract("2026-02-01", 40, "2025-06-30"))
    before_correction = "2026-01-20T00:00:00Z"
    assert _ownerships(store, tmp_path / "a.json", "2025-12-01", before_correction) == [
        (["60.0"], None)]
    assert _ownerships(store, tmp_path / "b.json", "2025-01-01", None) == [
        (["40.0"], ["2025-06-30"])]
    assert _ownerships(store, tmp_path / "c.json", "2025-12-01", None) == []
