"""credgraph against @neo4j/graphql (Apollo Server) on the same Neo4j database.

    python benchmarks/peer.py --neo4j-uri bolt://127.0.0.1:7701 [--seconds 20] [--seed 1]

The peer (benchmarks/peer/server.mjs; its Node packages are installed by `npm ci` on first
use) and `credgraph serve` (one worker, then two) answer three lookups, each about "now":
the versions not retracted and in force on today's date, which both sides are given.

- enterprise: an enterprise's name, shareholders (holder id and name, percent) and officers
  (person id and name, role). credgraph: `enterprise(uscc) { shareholders officers }`;
  peer: `enterprises(where: id)` with `shareholdersConnection` and `officersConnection`.
- personPosts: a person's name and the firms where the person is an officer, the legal
  representative or a shareholder (firm id and name, role, percent). credgraph:
  `person(personId) { appointments holdings }`; peer: `people(where: id)` with
  `officerOfConnection`, `legalRepresentativeOfConnection` and `holdsConnection`.
- holdersTwoUp: an enterprise's shareholders and, for those that are enterprises, their
  shareholders. credgraph: `enterprise(uscc) { shareholders { holder { ... on Enterprise
  { shareholders } } } }`; peer: `shareholdersConnection` nested the same way.

The peer filters the relationship versions with its generated where inputs (ret null, rec
up to now, start/end around the day) and reads names from the record versions by @cypher
fields: one generated Cypher statement per request. credgraph is asked as deployed: sign-in
on, with a key of the public role (names, holdings and posts; no ID numbers, not audited).

Inputs are drawn from the database with a fixed seed. Before anything is timed, every
input is asked of both servers and the answers compared (names, ids, roles, percents, as
multisets): a difference stops the run, so the two always do the same work. Then each
lookup is measured for the peer, credgraph with one worker and with two: p50/p95 latency
with one client and throughput (answered requests per second) with eight, by autocannon
(benchmarks/peer/load.mjs), cycling through the inputs. The load average is noted at the
start and the end: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from common import credgraph_serve, stop_process, wait_until_ready
from neo4j import GraphDatabase
from rich.console import Console
from rich.table import Table

from credgraph.api.auth import KeyStore
from credgraph.queries.time import today

console = Console(width=140)
PEER_DIR = Path(__file__).resolve().parent / "peer"

LOOKUPS = ("enterprise", "personPosts", "holdersTwoUp")
SERVERS = {"peer": "@neo4j/graphql", "credgraph": "credgraph, 1 worker",
           "credgraph_2": "credgraph, 2 workers"}
CLIENTS_FOR_LATENCY = 1
CLIENTS_FOR_THROUGHPUT = 8

# --- inputs ------------------------------------------------------------------------------

SAMPLES = {
    "enterprise": """
MATCH (e:`Enterprise`)
WHERE EXISTS { MATCH (e)<-[:`SHAREHOLDER`]-() } AND EXISTS { MATCH (e)<-[:`OFFICER`]-() }
RETURN e.id AS id ORDER BY id""",
    "personPosts": """
MATCH (p:`Person`)
WHERE EXISTS { MATCH (p)-[:`OFFICER`|`LEGAL_REPRESENTATIVE`|`SHAREHOLDER`]->() }
RETURN p.id AS id ORDER BY id""",
    "holdersTwoUp": """
MATCH (e:`Enterprise`)
WHERE EXISTS { MATCH (e)<-[:`SHAREHOLDER`]-(:`Enterprise`)<-[:`SHAREHOLDER`]-() }
RETURN e.id AS id ORDER BY id""",
}
"""Per lookup, the ids it is asked about: enterprises with holders and officers, persons
with posts, enterprises with a holder that is an enterprise with holders."""


def sample_ids(neo4j_uri: str, password: str, count: int, seed: int) -> dict[str, list[str]]:
    """Up to `count` ids per lookup, drawn with `seed` from the ids in id order."""
    rng = random.Random(seed)
    auth = ("neo4j", password) if password else None
    with GraphDatabase.driver(neo4j_uri, auth=auth) as driver:
        drawn = {}
        for lookup, query in SAMPLES.items():
            ids = [row["id"] for row in driver.execute_query(query).records]
            if not ids:
                raise RuntimeError(f"the database has no input for {lookup}: is it loaded?")
            drawn[lookup] = rng.sample(ids, min(count, len(ids)))
    return drawn


# --- the questions -----------------------------------------------------------------------

IN_FORCE = ("{ret: {eq: null}, rec: {lte: $known}, AND: ["
            "{OR: [{start: {eq: null}}, {start: {lte: $day}}]}, "
            "{OR: [{end: {eq: null}}, {end: {gt: $day}}]}]}")
"""The peer's where on a relationship version: current and in force on $day (credgraph's
`visible` and `in_force_cypher`, written with @neo4j/graphql's filter inputs)."""

PEER_VARS = "$id: ID!, $day: String!, $known: String!"


def _edges(field: str, props: str, node: str) -> str:
    return (f"{field}Connection(where: {{edge: {IN_FORCE}}}) "
            f"{{ edges {{ properties {{ {props} }} node {{ {node} }} }} }}")


PEER_QUERIES = {
    "enterprise": f"query ({PEER_VARS}) {{ enterprises(where: {{id: {{eq: $id}}}}) {{ id name "
                  f"{_edges('shareholders', 'percent', 'id name')} "
                  f"{_edges('officers', 'role', 'id name')} }} }}",
    "personPosts": f"query ({PEER_VARS}) {{ people(where: {{id: {{eq: $id}}}}) {{ id name "
                   f"{_edges('officerOf', 'role', 'id name')} "
                   f"{_edges('legalRepresentativeOf', 'role', 'id name')} "
                   f"{_edges('holds', 'percent', 'id name')} }} }}",
    "holdersTwoUp": f"query ({PEER_VARS}) {{ enterprises(where: {{id: {{eq: $id}}}}) {{ id name "
                    + _edges("shareholders", "percent",
                             "id name ... on Enterprise { "
                             + _edges("shareholders", "percent", "id name") + " }")
                    + " } }",
}

CREDGRAPH_QUERIES = {
    "enterprise": "query ($id: ID!, $day: Date!) { enterprise(uscc: $id, asOf: $day) { id name "
                  "shareholders { percent holder { id name } } "
                  "officers { role person { id name } } } }",
    "personPosts": "query ($id: ID!, $day: Date!) { person(personId: $id, asOf: $day) { id name "
                   "appointments { role enterprise { id name } } "
                   "holdings { percent enterprise { id name } } } }",
    "holdersTwoUp": "query ($id: ID!, $day: Date!) { enterprise(uscc: $id, asOf: $day) { id name "
                    "shareholders { percent holder { id name ... on Enterprise { "
                    "shareholders { percent holder { id name } } } } } } }",
}


def peer_body(lookup: str, node_id: str, day: str, known: str) -> dict[str, Any]:
    return {"query": PEER_QUERIES[lookup],
            "variables": {"id": node_id, "day": day, "known": known}}


def credgraph_body(lookup: str, node_id: str, day: str) -> dict[str, Any]:
    return {"query": CREDGRAPH_QUERIES[lookup], "variables": {"id": node_id, "day": day}}


# --- the answers, in one shape for both sides ------------------------------------------------

Answer = tuple[Any, ...]


def _edge_rows(connection: dict[str, Any], prop: str,
               below: Callable[[dict[str, Any]], Any] = lambda node: ()) -> list[Answer]:
    return sorted((e["node"]["id"], e["node"]["name"], _lower(e["properties"][prop]),
                   below(e["node"])) for e in connection["edges"])


def _lower(value: Any) -> Any:
    """A role in one spelling (credgraph's enum is upper case, the stored word lower case);
    a percent to 2 places, as credgraph gives it (the store keeps 19.6209 when the percent
    was derived from the subscribed amount, and float noise such as 49.059999999999995)."""
    if isinstance(value, float):
        return round(value, 2)
    return value.lower() if isinstance(value, str) else value


def _peer_holders_above(node: dict[str, Any]) -> Any:
    connection = node.get("shareholdersConnection")
    return tuple(_edge_rows(connection, "percent")) if connection is not None else ()


def peer_answer(lookup: str, data: dict[str, Any]) -> Answer:
    """The peer's answer as (id, name, rows...) with each row (id, name, role or percent,
    rows above), sorted."""
    if lookup == "personPosts":
        person = _only(data["people"])
        posts = (_edge_rows(person["officerOfConnection"], "role")
                 + _edge_rows(person["legalRepresentativeOfConnection"], "role"))
        return (person["id"], person["name"], sorted(posts),
                _edge_rows(person["holdsConnection"], "percent"))
    firm = _only(data["enterprises"])
    if lookup == "enterprise":
        return (firm["id"], firm["name"], _edge_rows(firm["shareholdersConnection"], "percent"),
                _edge_rows(firm["officersConnection"], "role"))
    return (firm["id"], firm["name"],
            _edge_rows(firm["shareholdersConnection"], "percent", _peer_holders_above))


def _only(found: list[dict[str, Any]]) -> dict[str, Any]:
    if len(found) != 1:
        raise AssertionError(f"the peer found {len(found)} nodes for one id")
    return found[0]


def _rows(items: list[dict[str, Any]], other: str, prop: str,
          below: Callable[[dict[str, Any]], Any] = lambda node: ()) -> list[Answer]:
    return sorted((i[other]["id"], i[other]["name"], _lower(i[prop]), below(i[other]))
                  for i in items)


def _credgraph_holders_above(node: dict[str, Any]) -> Any:
    holders = node.get("shareholders")
    return tuple(_rows(holders, "holder", "percent")) if holders is not None else ()


def credgraph_answer(lookup: str, data: dict[str, Any]) -> Answer:
    """credgraph's answer in the shape of `peer_answer`."""
    if lookup == "personPosts":
        person = data["person"]
        return (person["id"], person["name"], _rows(person["appointments"], "enterprise", "role"),
                _rows(person["holdings"], "enterprise", "percent"))
    firm = data["enterprise"]
    if lookup == "enterprise":
        return (firm["id"], firm["name"], _rows(firm["shareholders"], "holder", "percent"),
                _rows(firm["officers"], "person", "role"))
    return (firm["id"], firm["name"],
            _rows(firm["shareholders"], "holder", "percent", _credgraph_holders_above))


def _data(response: httpx.Response, server: str) -> dict[str, Any]:
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{server} answered {response.status_code}: {str(body)[:500]}")
    data: dict[str, Any] = body["data"]
    return data


def check_same_answers(peer_url: str, credgraph_url: str, token: str,
                       ids: dict[str, list[str]], day: str, known: str) -> dict[str, int]:
    """Ask every input of both servers; AssertionError on the first difference. The number
    of inputs checked and the number of rows they gave, per lookup."""
    checked = {}
    headers = {"authorization": f"Bearer {token}"}
    with httpx.Client(timeout=60) as client:
        for lookup, wanted in ids.items():
            rows = 0
            for node_id in wanted:
                theirs = peer_answer(lookup, _data(client.post(
                    peer_url, json=peer_body(lookup, node_id, day, known)), "the peer"))
                ours = credgraph_answer(lookup, _data(client.post(
                    credgraph_url, json=credgraph_body(lookup, node_id, day),
                    headers=headers), "credgraph"))
                if ours != theirs:
                    raise AssertionError(f"{lookup} {node_id}: credgraph and the peer differ\n"
                                         f"  credgraph: {ours}\n  peer:      {theirs}")
                rows += sum(len(part) for part in theirs[2:])
            checked[lookup] = len(wanted)
            checked[f"{lookup}_rows"] = rows
    return checked


# --- the servers -----------------------------------------------------------------------------

def install_peer() -> None:
    """`npm ci` in benchmarks/peer unless its packages are installed as the lock file says."""
    installed = PEER_DIR / "node_modules" / ".package-lock.json"
    lock = PEER_DIR / "package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise RuntimeError("the @neo4j/graphql peer needs Node.js 20 or later with npm "
                           "(https://nodejs.org/); install it, then run this again")
    console.print("installing the peer's Node packages (npm ci in benchmarks/peer) ...")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PEER_DIR, check=True,
                   stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def peer_serve(neo4j_uri: str, password: str, log: Path) -> Iterator[str]:
    """The @neo4j/graphql server over `neo4j_uri`: its URL once it answers a query."""
    install_peer()
    port = free_port()
    node = shutil.which("node") or "node"
    with log.open("w") as out:
        server = subprocess.Popen(
            [node, "server.mjs", "--port", str(port), "--uri", neo4j_uri],
            cwd=PEER_DIR, env={**os.environ, "PEER_NEO4J_PASSWORD": password},
            stdout=out, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_ready(server, lambda: httpx.post(
            url, json={"query": "{ __typename }"}, timeout=2).status_code == 200, 120, log)
        yield url
    finally:
        stop_process(server)


def credgraph_env(neo4j_uri: str, password: str, work: Path) -> tuple[dict[str, str], str]:
    """The environment of `credgraph serve` with sign-in on and no rate limit in the way,
    and a key of the public role."""
    keys_file = work / "keys.json"
    keys_file.unlink(missing_ok=True)
    token = KeyStore(keys_file).add("public", "peer benchmark")[1]
    env = {**os.environ, "CREDGRAPH_STORE": "neo4j", "CREDGRAPH_NEO4J_URI": neo4j_uri,
           "CREDGRAPH_NEO4J_PASSWORD": password, "CREDGRAPH_DATA_DIR": str(work / "data"),
           "CREDGRAPH_KEYS_FILE": str(keys_file),
           "CREDGRAPH_RATE_LIMIT_PER_KEY": "1000000/minute",
           "CREDGRAPH_RATE_LIMIT_PER_IP": "1000000/minute"}
    return env, token


# --- measuring -------------------------------------------------------------------------------

def load(url: str, bodies: Path, connections: int, seconds: int,
         headers: list[str]) -> dict[str, Any]:
    """One autocannon run (benchmarks/peer/load.mjs): its JSON figures. RuntimeError when a
    request failed: a figure over failures would flatter the server."""
    command = [shutil.which("node") or "node", "load.mjs", "--url", url, "--bodies", str(bodies),
               "--connections", str(connections), "--seconds", str(seconds)]
    for header in headers:
        command += ["--header", header]
    done = subprocess.run(command, cwd=PEER_DIR, check=True, capture_output=True, text=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    failed = figures["non2xx"] + figures["errors"] + figures["graphql_errors"]
    if failed:
        raise RuntimeError(f"{failed} failed requests to {url}: {figures['first_error']}")
    return figures


def measure(url: str, bodies: dict[str, Path], seconds: int,
            headers: list[str]) -> dict[str, dict[str, Any]]:
    """Per lookup: a warm-up pass over every input, then p50/p95 with one client for
    `seconds` and the throughput of eight clients for `seconds`."""
    figures = {}
    for lookup, path in bodies.items():
        load(url, path, CLIENTS_FOR_THROUGHPUT, max(2, seconds // 5), headers)
        one = load(url, path, CLIENTS_FOR_LATENCY, seconds, headers)
        eight = load(url, path, CLIENTS_FOR_THROUGHPUT, seconds, headers)
        figures[lookup] = {"p50_ms": one["p50_ms"], "p95_ms": one["p95_ms"],
                           "rps_1": one["req_per_s"], "rps": eight["req_per_s"],
                           "p50_ms_8": eight["p50_ms"], "requests": one["requests"]
                           + eight["requests"]}
        console.print(f"  {lookup}: p50 {one['p50_ms']:.1f} ms (1 client), "
                      f"{eight['req_per_s']:.0f} req/s (8 clients)")
    return figures


def compare_with_peer(neo4j_uri: str, seconds: int = 20, seed: int = 1, inputs: int = 200,
                      password: str | None = None) -> dict[str, Any]:
    """The three lookups through @neo4j/graphql and `credgraph serve` (1 and 2 workers) on
    the database at `neo4j_uri`, after checking they give the same answers. Figures as
    {lookup: {"peer" | "credgraph" | "credgraph_2": {"p50_ms", "p95_ms", "rps", ...}}},
    with "checked" (inputs and rows compared per lookup), "day" and "load_avg_start" /
    "load_avg_end" (1, 5, 15 minutes)."""
    password = os.environ.get("CREDGRAPH_NEO4J_PASSWORD", "") if password is None else password
    started_load = os.getloadavg()
    day = today()
    known = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    ids = sample_ids(neo4j_uri, password, inputs, seed)
    result: dict[str, Any] = {lookup: {} for lookup in LOOKUPS}
    with tempfile.TemporaryDirectory(prefix="credgraph-peer-") as scratch:
        work = Path(scratch)
        peer_bodies, our_bodies = {}, {}
        for lookup, wanted in ids.items():
            peer_bodies[lookup] = work / f"peer-{lookup}.json"
            peer_bodies[lookup].write_text(json.dumps(
                [peer_body(lookup, i, day, known) for i in wanted], ensure_ascii=False))
            our_bodies[lookup] = work / f"credgraph-{lookup}.json"
            our_bodies[lookup].write_text(json.dumps(
                [credgraph_body(lookup, i, day) for i in wanted], ensure_ascii=False))
        env, token = credgraph_env(neo4j_uri, password, work)
        signed = [f"authorization: Bearer {token}"]
        with peer_serve(neo4j_uri, password, work / "peer.log") as peer_url:
            with credgraph_serve(env, free_port(), 1, work / "credgraph.log") as base:
                console.print("checking that both give the same answers ...")
                result["checked"] = check_same_answers(peer_url, f"{base}/graphql", token,
                                                       ids, day, known)
            console.print(f"{SERVERS['peer']}:")
            for lookup, figures in measure(peer_url, peer_bodies, seconds, []).items():
                result[lookup]["peer"] = figures
        for name, workers in (("credgraph", 1), ("credgraph_2", 2)):
            console.print(f"{SERVERS[name]}:")
            with credgraph_serve(env, free_port(), workers, work / f"{name}.log") as base:
                for lookup, figures in measure(f"{base}/graphql", our_bodies, seconds,
                                               signed).items():
                    result[lookup][name] = figures
    result.update(day=day, seconds=seconds, seed=seed, load_avg_start=list(started_load),
                  load_avg_end=list(os.getloadavg()))
    return result


def print_table(result: dict[str, Any]) -> None:
    table = Table(title=f"credgraph against @neo4j/graphql, same Neo4j, asOf {result['day']}, "
                        f"{result['seconds']} s per run")
    for column in ("lookup", "server", "p50 ms (1)", "p95 ms (1)", "req/s (8)",
                   "p50 / peer", "req/s / peer"):
        table.add_column(column, justify="left" if column in ("lookup", "server") else "right")
    for lookup in LOOKUPS:
        peer = result[lookup]["peer"]
        for name, label in SERVERS.items():
            f = result[lookup][name]
            ratios = (("", "") if name == "peer" else
                      (f"{f['p50_ms'] / peer['p50_ms']:.2f}", f"{f['rps'] / peer['rps']:.2f}"))
            table.add_row(lookup, label, f"{f['p50_ms']:.1f}", f"{f['p95_ms']:.1f}",
                          f"{f['rps']:.0f}", *ratios)
    console.print(table)
    checked = result["checked"]
    console.print("answers compared: " + ", ".join(
        f"{lookup} {checked[lookup]} inputs ({checked[f'{lookup}_rows']} rows)"
        for lookup in LOOKUPS))
    console.print("load average (1/5/15 min): start "
                  + " ".join(f"{v:.2f}" for v in result["load_avg_start"]) + ", end "
                  + " ".join(f"{v:.2f}" for v in result["load_avg_end"]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--neo4j-uri", required=True, help="a database credgraph has loaded")
    parser.add_argument("--seconds", type=int, default=20, help="seconds of each timed run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--inputs", type=int, default=200, help="ids asked per lookup")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    result = compare_with_peer(args.neo4j_uri, args.seconds, args.seed, args.inputs)
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
