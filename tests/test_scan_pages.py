"""disqualificationScan pages keep their place when the register changes between two pages.

The cursor is the key of the last item shown (keyset pagination): after a load that
adds one hit before and one after it and removes one after it, the next page starts
right after the cursor in the new answer. Expected pages are written out by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from credgraph.graph.store import GraphStore
from credgraph.queries.analyses import analyses_for
from credgraph.queries.backend import FactPlan
from credgraph.queries.restrictions.facts import Facts
from credgraph.queries.restrictions.service import page
from credgraph.queries.time import Moment
from tests.handmade import make_uscc
from tests.test_api_dataset import client_for, data, load_sections

DAY = "2025-01-01"
FIRMS = {p: make_uscc(f"91440300MA5FT{n:04d}") for n, p in enumerate(
    ("D0", "D1", "D2", "D3", "D4", "D5", "D6", "D9"))}
"""Each debtor D* is a director of its own firm."""

SCAN = """query($after: String) {
  disqualificationScan(asOf: "2025-01-01", first: 2, after: $after) {
    totalCount edges { cursor node { person { id } ruleId } } pageInfo { hasNextPage endCursor }
  }
}"""


def _sections(debtors: list[str], removed: dict[str, str]) -> dict[str, str]:
    firms = "".join(f"{FIRMS[p]},{p}的公司\n" for p in debtors)
    persons = "".join(f"{p},姓名{p}\n" for p in debtors)
    posts = "".join(f"{FIRMS[p]},{p},director,2020-01-01\n" for p in debtors)
    lists = "".join(f"{p},person,dishonest_debtor,拒不履行,2024-09-01,{removed.get(p, '')}\n"
                    for p in debtors)
    return {
        "enterprises": "uscc,name\n" + firms,
        "persons": "person_id,name\n" + persons,
        "officers": "enterprise,person_id,role,start_date\n" + posts,
        "list_entries": "subject,subject_type,list,reason,listed_on,removed_on\n" + lists,
    }


def _page(client: TestClient, after: str | None) -> tuple[list[str], str | None, bool, int]:
    scan = data(client, SCAN, after=after)["disqualificationScan"]
    persons = [e["node"]["person"]["id"] for e in scan["edges"]]
    info = scan["pageInfo"]
    return persons, info["endCursor"], info["hasNextPage"], scan["totalCount"]


def test_next_page_follows_the_cursor_after_a_load(store: GraphStore, tmp_path: Path) -> None:
    load_sections(store, tmp_path / "day1", _sections(["D1", "D2", "D3", "D4", "D5", "D6"], {}))
    client = client_for(store)
    first, cursor, more, total = _page(client, None)
    assert (first, more, total) == (["D1", "D2"], True, 6)

    # Between the pages: D0 (before the cursor) and D9 (after it) are listed, and D4's
    # listing is removed before the day asked about.
    load_sections(store, tmp_path / "day2", {
        **_sections(["D0", "D9"], {}),
        "list_entries": _sections(["D0", "D4", "D9"], {"D4": "2024-12-01"})["list_entries"],
    })
    second, cursor, more, total = _page(client, cursor)
    assert (second, more, total) == (["D3", "D5"], True, 7)
    third, _, more, _ = _page(client, cursor)
    assert (third, more) == (["D6", "D9"], False)
    assert _page(client, None)[0] == ["D0", "D1"], "a fresh scan sees the new hit first"


def test_pages_after_the_first_come_from_the_cache(store: GraphStore, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole scan is computed once per data version, day and knownAt: further pages, and
    a re-load that changes nothing, read the kept scan; a load that changes facts does not."""
    load_sections(store, tmp_path / "day1", _sections(["D1", "D2", "D3", "D4", "D5", "D6"], {}))
    analyses = analyses_for(store)
    computed: list[Moment] = []
    triggers = analyses.backend.registry_triggers

    def counted(plan: FactPlan, until: str, at: Moment) -> Facts:
        computed.append(at)
        return triggers(plan, until, at)

    monkeypatch.setattr(analyses.backend, "registry_triggers", counted)
    day = Moment(DAY, None)
    pages: list[list[str]] = []
    after: str | None = None
    for _ in range(3):
        items = page(analyses.restrictions.scan(day), 2, after).items
        pages.append([i.hit.person_id for i in items])
        after = items[-1].cursor
    assert pages == [["D1", "D2"], ["D3", "D4"], ["D5", "D6"]] and len(computed) == 1
    analyses.restrictions.scan(Moment("2025-01-02", None))
    analyses.restrictions.scan(Moment(DAY, "2025-06-01T00:00:00Z"))
    assert len(computed) == 3, "another day or recorded time is another scan"
    load_sections(store, tmp_path / "again", _sections(["D1", "D2", "D3", "D4", "D5", "D6"], {}))
    assert len(analyses.restrictions.scan(day)) == 6 and len(computed) == 3
    load_sections(store, tmp_path / "day2", _sections(["D9"], {}))
    assert [i.hit.person_id for i in analyses.restrictions.scan(day)][-1] == "D9"
    assert len(computed) == 4
