"""ownershipChain and ultimateOwners fetch only what the GraphQL selection reads
(`credgraph.api.selection`): whatever is selected, each selected field has the value the
whole answer gives it, on both stores; and a narrow selection does take the narrow fetch.

The whole answer is fetched with every detail whatever the selection (the resolvers'
choice of detail replaced), as the API answered before it chose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from credgraph.api import schema
from credgraph.api.types.ownership import chain_detail, owners_detail
from credgraph.graph.store import GraphStore
from credgraph.queries.analyses import analyses_for
from credgraph.queries.links.results import EVERY_DETAIL, OwnershipDetail
from credgraph.queries.time import Moment
from tests.test_api_dataset import A1, C3, DAY, M2, XA, client_for, data, load_scenario

PROVENANCE = "provenance { srcFile srcRow batchId loadedAt }"
RECORDED = "recordedAt retractedAt source disputed"
EVERY_NODE_FIELD = f"""fragment N on Node {{ __typename id name kind
  ... on Enterprise {{ uscc regNo type status statusKind established registeredCapital currency
                      authority address businessScope placeholder {PROVENANCE} {RECORDED} }}
  ... on Person {{ personId maskedIdNumber nationality placeholder {PROVENANCE} {RECORDED} }}
  ... on OtherHolder {{ category {PROVENANCE} {RECORDED} }} }}"""
"""Every field of a Node that its record gives (none of the neighbourhood's)."""

CHAIN = """query($e: ID!, $d: Date, $w: OwnershipDirection!) {
  ownershipChain(uscc: $e, asOf: $d, direction: $w) { %s } } %s"""

EVERY_CHAIN_FIELD = f"""root {{ ...N }} nodes {{ ...N }}
  entries {{ node {{ ...N }} depth effectivePercent }}
  edges {{ from {{ ...N }} to {{ ...N }} percent percentSource start end depth key {PROVENANCE} }}
  circular truncated"""

CHAIN_SELECTIONS = {
    "names": "nodes { id name kind } edges { from { id } to { id } percent } circular",
    "entries": "root { id } entries { node { id name } depth effectivePercent } truncated",
    "edge keys": "edges { key depth percent from { __typename id } to { name } }",
    "edge dates": "edges { key start end percentSource }",
    "edge provenance": f"edges {{ key {PROVENANCE} }}",
    "a record field": "nodes { id ... on Enterprise { uscc status } ... on Person { nationality } }",
    "a named fragment": "root { ...Brief } nodes { ...Brief }",
}
"""Selections narrower than the whole, the narrow fetch's and the wide's."""

BRIEF = "fragment Brief on Node { id name kind }"

OWNERS = """query($e: ID!, $d: Date) { ultimateOwners(uscc: $e, threshold: 0, asOf: $d) {
  %s } } %s"""

EVERY_OWNER_FIELD = """owner { ...N } category effectivePercent circular
  paths { percent steps { from { __typename id name kind } to { id name kind } percent } }"""

OWNER_SELECTIONS = {
    "shares": "owner { id name kind } effectivePercent circular",
    "category": "owner { id } category",
    "paths": "owner { id } paths { percent steps { from { id name } to { id } percent } }",
}

ROOTS = (A1, C3, M2, XA)
"""A chain of persons, one of enterprises, a state holder over two levels, a cross-holding."""


@pytest.fixture
def client(store: GraphStore, tmp_path: Path) -> TestClient:
    load_scenario(store, tmp_path)
    return client_for(store)


def _whole(client: TestClient, query: str, **variables: Any) -> Any:
    """The answer with every detail fetched, whatever the selection."""
    with pytest.MonkeyPatch.context() as patch:
        for chooser in ("chain_detail", "owners_detail"):
            patch.setattr(schema, chooser, lambda paths: EVERY_DETAIL)
        return data(client, query, **variables)


def _within(part: Any, whole: Any, where: str) -> None:
    """Every value of `part` is the one at the same place in `whole`."""
    if isinstance(part, dict):
        assert isinstance(whole, dict), where
        for key, value in part.items():
            assert key in whole, f"{where}.{key} is not in the whole answer"
            _within(value, whole[key], f"{where}.{key}")
    elif isinstance(part, list):
        assert isinstance(whole, list) and len(part) == len(whole), where
        for i, (item, full) in enumerate(zip(part, whole, strict=True)):
            _within(item, full, f"{where}[{i}]")
    else:
        assert part == whole, f"{where}: {part!r} != {whole!r}"


def _fields(answer: Any) -> set[str]:
    """Every key of an answer, at any depth."""
    if isinstance(answer, dict):
        return set(answer) | {k for value in answer.values() for k in _fields(value)}
    if isinstance(answer, list):
        return {k for item in answer for k in _fields(item)}
    return set()


@pytest.mark.parametrize("direction", ["UP", "DOWN"])
def test_each_chain_selection_has_the_whole_answers_values(client: TestClient,
                                                          direction: str) -> None:
    for root in ROOTS:
        whole = _whole(client, CHAIN % (EVERY_CHAIN_FIELD, EVERY_NODE_FIELD), e=root, d=DAY,
                     w=direction)["ownershipChain"]
        assert whole["nodes"], root
        for name, selection in CHAIN_SELECTIONS.items():
            fragment = BRIEF if "...Brief" in selection else ""
            part = data(client, CHAIN % (selection, fragment), e=root, d=DAY,
                        w=direction)["ownershipChain"]
            _within(part, whole, f"{root} {direction} {name}")


def test_the_narrow_chain_still_answers_names_and_dates(client: TestClient) -> None:
    """The narrow fetch is not an empty one: names, kinds, dates and provenance are there."""
    part = data(client, CHAIN % (CHAIN_SELECTIONS["names"], ""), e=C3, d=DAY,
                w="UP")["ownershipChain"]
    assert {n["kind"] for n in part["nodes"]} == {"ENTERPRISE", "PERSON"}
    assert all(n["name"] != n["id"] for n in part["nodes"])
    dated = data(client, CHAIN % (CHAIN_SELECTIONS["edge dates"] + " "
                                  + CHAIN_SELECTIONS["edge provenance"], ""),
                 e=C3, d=DAY, w="UP")["ownershipChain"]
    assert all(e["start"] and e["provenance"]["srcFile"] for e in dated["edges"])


def test_each_owners_selection_has_the_whole_answers_values(client: TestClient) -> None:
    for root in ROOTS:
        whole = _whole(client, OWNERS % (EVERY_OWNER_FIELD, EVERY_NODE_FIELD), e=root,
                     d=DAY)["ultimateOwners"]
        assert whole, root
        for name, selection in OWNER_SELECTIONS.items():
            part = data(client, OWNERS % (selection, ""), e=root, d=DAY)["ultimateOwners"]
            _within(part, whole, f"{root} {name}")
    paths = data(client, OWNERS % (OWNER_SELECTIONS["paths"], ""), e=C3,
                 d=DAY)["ultimateOwners"]
    assert all(o["paths"] for o in paths)


def test_a_selection_takes_the_fetch_it_needs(client: TestClient,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """What each selection asks the query layer for (an alias and a fragment resolved), read
    off the calls the resolver makes."""
    asked: list[OwnershipDetail] = []
    links = client.app.state.analyses.links  # type: ignore[attr-defined]
    chain, owners = links.ownership_chain, links.ultimate_owners

    def record_chain(*args: Any) -> Any:
        asked.append(args[-1])
        return chain(*args)

    def record_owners(*args: Any) -> Any:
        asked.append(args[-1])
        return owners(*args)

    monkeypatch.setattr(links, "ownership_chain", record_chain)
    monkeypatch.setattr(links, "ultimate_owners", record_owners)
    wanted = {
        CHAIN_SELECTIONS["names"]: OwnershipDetail(records=False, holding_props=False,
                                                   paths=False),
        "n: nodes { ...Brief } e: edges { key }": OwnershipDetail(
            records=False, holding_props=False, paths=False),
        CHAIN_SELECTIONS["edge dates"]: OwnershipDetail(records=False, holding_props=True,
                                                        paths=False),
        CHAIN_SELECTIONS["a record field"]: OwnershipDetail(records=True, holding_props=False,
                                                            paths=False),
        "entries { node { ... on Person { listEntries { list } } } }": OwnershipDetail(
            records=True, holding_props=False, paths=False),
    }
    for selection, detail in wanted.items():
        fragment = BRIEF if "...Brief" in selection else ""
        data(client, CHAIN % (selection, fragment), e=C3, d=DAY, w="UP")
        assert asked.pop() == detail, selection
    for selection in OWNER_SELECTIONS.values():
        data(client, OWNERS % (selection, ""), e=C3, d=DAY)
        assert asked.pop().paths == ("paths {" in selection), selection


def test_detail_reads_only_the_selection() -> None:
    """chain_detail and owners_detail on selections written out as paths."""
    brief = frozenset({("nodes",), ("nodes", "id"), ("nodes", "name"), ("edges",),
                       ("edges", "from"), ("edges", "from", "id"), ("edges", "percent")})
    assert chain_detail(brief) == OwnershipDetail(records=False, holding_props=False,
                                                  paths=False)
    assert chain_detail(brief | {("root", "uscc")}).records
    assert chain_detail(brief | {("edges", "to", "address")}).records
    assert chain_detail(brief | {("edges", "provenance")}).holding_props
    assert not chain_detail(brief | {("entries", "effectivePercent")}).records
    assert not owners_detail(frozenset({("owner",), ("owner", "id")})).paths
    assert owners_detail(frozenset({("paths",), ("paths", "percent")})).paths


def test_brief_entities_are_the_entities_id_and_name(store: GraphStore,
                                                     tmp_path: Path) -> None:
    load_scenario(store, tmp_path)
    backend = analyses_for(store).backend
    at = Moment(DAY)
    ids = [A1, C3, M2, XA, "GOV-SASAC", "P-NOBODY", *backend.holding_closure(
        XA, at, True, 5).depth]
    whole, brief = backend.entities(ids, at), backend.brief_entities(ids, at)
    assert brief.keys() == whole.keys() and "P-NOBODY" not in brief
    for node_id, found in whole.items():
        assert (brief[node_id].id, brief[node_id].label, brief[node_id].name) == (
            found.id, found.label, found.name)
        assert brief[node_id].props == {k: found.props[k] for k in ("id", "name", "unrecorded")
                                        if k in found.props}
    assert _fields({"p": [dict(e.props) for e in brief.values()]}) <= {
        "p", "id", "name", "unrecorded"}
