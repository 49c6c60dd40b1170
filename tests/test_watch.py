"""Watchlists and alerts (docs/risk.md) on a hand-made registry, on both stores.

A first load sets the scene; watching takes the items around each entity; a delta load
then brings one change of every alert kind near the watched firm W, and a near miss of
each (the same kind of change somewhere out of reach, or a score change within a level).
The alerts expected are worked out here from the rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from credgraph.graph.memory import MemoryStore
from credgraph.graph.store import GraphStore
from credgraph.queries.time import Moment
from credgraph.settings import Settings
from credgraph.watch.service import Watch
from credgraph.watch.userdata import UserData
from credgraph.watch.webhook import Webhook
from tests.analyses import over
from tests.handmade import make_uscc
from tests.test_api_dataset import client_for, data, load_sections

DAY = "2024-09-01"
F = {name: make_uscc(f"91110000MA2{i:06d}") for i, name in enumerate(
    ["W", "W2", "FAR", "FAR2", "BANK", "BANK2", "X1", "X2"], start=1)}
NAMES = {F[n]: f"{n}公司" for n in F}

FIRST = {
    "manifest": "extracted_at: 2024-08-01T08:00:00+08:00\n",
    "enterprises": "uscc,name,established,registered_capital\n" + "".join(
        f"{F[n]},{n}公司,2015-01-01,1000\n" for n in F),
    "persons": "person_id,name\nPW,王代表\nPS,孙股东\nPF,冯远\nPN,牛新任\nPS2,宋新股东\nPQ,钱无关\n"
               "PT,唐二股东\n",
    "officers": "enterprise,person_id,role,start_date,end_date\n"
                f"{F['W']},PW,legal_representative,2015-01-01,\n"
                f"{F['FAR']},PF,legal_representative,2015-01-01,\n",
    "shareholdings": "enterprise,holder,holder_type,holder_name,percent,start_date\n"
                     f"{F['W']},PS,person,孙股东,100,2015-01-01\n"
                     f"{F['W2']},PT,person,唐二股东,100,2015-01-01\n",
}

DELTA = {
    "manifest": "extracted_at: 2024-08-20T08:00:00+08:00\n",
    # W goes on a list; FAR too, out of reach.
    "list_entries": "subject,subject_type,list,reason,listed_on\n"
                    f"{F['W']},enterprise,abnormal_operations,通过登记的住所无法联系,2024-08-10\n"
                    f"{F['FAR']},enterprise,abnormal_operations,,2024-08-10\n"
                    "PS,person,dishonest_debtor,有履行能力而拒不履行生效法律文书确定义务,2024-08-05\n"
                    "PQ,person,dishonest_debtor,有履行能力而拒不履行生效法律文书确定义务,2024-08-05\n",
    # PS pledges its W shares to BANK2; X1 and X2, out of reach, pledge among themselves.
    "equity_pledges": "reg_no,enterprise,pledgor,pledgor_type,pledgor_name,pledgee,pledgee_type,"
                      "pledgee_name,amount,registered_on\n"
                      f"ZY-W,{F['W']},PS,person,孙股东,{F['BANK2']},enterprise,BANK2公司,100,"
                      "2024-08-11\n"
                      f"ZY-X,{F['X1']},{F['X2']},enterprise,X2公司,{F['FAR2']},enterprise,"
                      "FAR2公司,100,2024-08-11\n",
    # W and W2 mortgage to BANK; X1 to FAR2, out of reach.
    "chattel_mortgages": "reg_no,mortgagor,mortgagor_type,mortgagor_name,mortgagee,mortgagee_type,"
                         "mortgagee_name,secured_amount,registered_on\n"
                         f"DY-W,{F['W']},enterprise,W公司,{F['BANK']},enterprise,BANK公司,50,"
                         "2024-08-12\n"
                         f"DY-W2,{F['W2']},enterprise,W2公司,{F['BANK']},enterprise,BANK公司,50,"
                         "2024-08-12\n"
                         f"DY-X,{F['X1']},enterprise,X1公司,{F['FAR2']},enterprise,FAR2公司,50,"
                         "2024-08-12\n",
    # W's representative changes; so does FAR's, out of reach.
    "officers": "enterprise,person_id,role,start_date,end_date\n"
                f"{F['W']},PW,legal_representative,2015-01-01,2024-08-12\n"
                f"{F['W']},PN,legal_representative,2024-08-12,\n"
                f"{F['FAR']},PF,legal_representative,2015-01-01,2024-08-12\n"
                f"{F['FAR']},PQ,legal_representative,2024-08-12,\n",
    # W takes a new shareholder; so does FAR.
    "shareholdings": "enterprise,holder,holder_type,holder_name,percent,start_date\n"
                     f"{F['W']},PS2,person,宋新股东,10,2024-08-12\n"
                     f"{F['FAR']},PS2,person,宋新股东,10,2024-08-12\n",
}

EXPECTED_W = {
    ("listing", F["W"]): 1, ("listing", "PS"): 1, ("restriction", "PS"): 2,
    ("pledge", F["W"]): 1, ("mortgage", F["W"]): 1, ("mortgage", F["W2"]): 1,
    ("legal_representative", F["W"]): 1, ("shareholder", F["W"]): 1, ("level", F["W"]): 1,
}
"""W's alerts, hops 1, (kind, subject) -> how many. W's listing and PS's (PS holds W); PS's
restriction, a dishonest debtor since 2024-08-05 (CL178-5 and MER-12, both in force on
DAY); the pledge of W's equity (its least link, BANK2 -> W, speaks); W's mortgage; PN and PS2
joining W; W's level. W2's mortgage DY-W2 is BANK's too, and BANK is within reach of W by
DY-W. Level: listed now (30), PS dishonest within two links (20) and barred within one (15),
a mortgage (5): 70, high, from 0, low. PW left in reach no more: that is no alert. Not W's:
FAR's listing, new representative PQ and holder PS2 (PS2 holds W too, but FAR is two links
away), PQ's listing, X1's pledge and mortgage."""
EXPECTED_W2 = {("mortgage", F["W2"]): 1, ("mortgage", F["W"]): 1}
"""W2, hops 1: its mortgage DY-W2 to BANK, and BANK's other one, W's DY-W. Its score goes from
0 to 5 (the mortgage; W, two links away, is on no blacklist): still low, so no level alert."""


def _counted(alerts: list[Any]) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for a in alerts:
        key = (a.kind, a.body["subject"])
        found[key] = found.get(key, 0) + 1
    return found


class Clock:
    def __call__(self) -> Moment:
        return Moment(DAY)


def _watch(store: GraphStore, path: Path | None = None,
           webhook: Webhook | None = None) -> Watch:
    return Watch(UserData(path), over(store), webhook, Clock())


@pytest.fixture
def first(store: GraphStore, tmp_path: Path) -> GraphStore:
    load_sections(store, tmp_path / "first", FIRST)
    return store


def test_each_alert_kind_and_no_near_miss(first: GraphStore, tmp_path: Path) -> None:
    watch = _watch(first)
    watch.add("alice", F["W"])
    watch.add("alice", F["W2"])
    assert watch.check().alerts == [], "watching reports nothing until a load changes something"
    load_sections(first, tmp_path / "delta", DELTA)
    report = watch.check()
    assert report.checked == 2
    assert len(report.alerts) == sum(EXPECTED_W.values()) + sum(EXPECTED_W2.values())
    alerts = watch.alerts("alice", first=1000)
    by_entity = {e: _counted([a for a in alerts if a.entity == e]) for e in (F["W"], F["W2"])}
    assert by_entity == {F["W"]: EXPECTED_W, F["W2"]: EXPECTED_W2}
    level = next(a for a in alerts if a.kind == "level")
    assert level.body["text_zh"] == "W公司 风险等级 低风险 → 高风险（70 分）"
    assert level.body["previous"]["level"] == "low"
    assert {a.body["fields"]["rule"] for a in alerts if a.kind == "restriction"
            and a.entity == F["W"]} == {"CL178-5", "MER-12"}
    pledge = next(a for a in alerts if a.kind == "pledge" and a.entity == F["W"])
    assert pledge.body["facts"][0]["section"] == "equity_pledges"
    assert pledge.body["facts"][0]["key"] == "ZY-W"
    assert pledge.body["facts"][0]["src_file"] == "equity_pledges.csv"
    assert watch.check().skipped, "a data version is checked once"
    load_sections(first, tmp_path / "again", DELTA)
    assert watch.check().alerts == [], "the same rows again change nothing"


def test_owners_lists_and_reading(first: GraphStore, tmp_path: Path) -> None:
    watch = _watch(first)
    watch.add("alice", F["W2"])
    watch.add("bob", F["W2"], list_name="clients")
    watch.add("bob", F["W2"], list_name="suppliers")
    load_sections(first, tmp_path / "delta", DELTA)
    watch.check()
    assert _counted(watch.alerts("alice")) == EXPECTED_W2
    bobs = watch.alerts("bob")
    assert _counted(bobs) == EXPECTED_W2, "one alert though bob watches W2 in two lists"
    assert watch.unread("bob") == 2
    assert watch.mark_read("bob", [bobs[0].id]) == 1
    assert watch.mark_read("alice", [bobs[1].id]) == 0, "nobody reads another's alerts"
    assert watch.unread("bob") == 1
    assert [a.id for a in watch.alerts("bob", unread_only=True)] == [bobs[1].id]
    assert watch.alerts("carol") == []
    assert watch.remove("bob", F["W2"], "clients") and not watch.remove("bob", F["W2"], "x")
    assert [(e.list, e.entity) for e in watch.watched("bob")] == [("suppliers", F["W2"])]


def test_a_wider_reach_reports_more(first: GraphStore, tmp_path: Path) -> None:
    watch = _watch(first)
    watch.add("alice", "PS", hops=2)
    load_sections(first, tmp_path / "delta", DELTA)
    watch.check()
    found = set(_counted(watch.alerts("alice")))
    # PS reaches W (and BANK2) in one link; W's new officer and holder, and BANK (by W's
    # mortgage) in two, so BANK's mortgage with W2 too.
    assert {("listing", F["W"]), ("legal_representative", F["W"]),
            ("shareholder", F["W"]), ("mortgage", F["W2"])} <= found
    assert ("listing", F["FAR"]) not in found and ("legal_representative", F["FAR"]) not in found
    assert not any(kind == "level" for kind, _ in found), "a person has no risk level"


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["content-length"])
        _Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def hook() -> Iterator[str]:
    _Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/alerts"
    finally:
        server.shutdown()
        server.server_close()


def test_new_alerts_go_to_the_webhook(first: GraphStore, tmp_path: Path, hook: str) -> None:
    down = Webhook("http://127.0.0.1:9/nowhere", timeout_seconds=2)
    watch = _watch(first, tmp_path / "user.sqlite", down)
    watch.add("alice", F["W2"])
    load_sections(first, tmp_path / "delta", DELTA)
    assert len(watch.check().alerts) == 2
    assert len(watch.data.undelivered()) == 2, "kept until delivered"
    watch.webhook = Webhook(hook)
    assert watch.deliver() == 2
    (posted,) = _Hook.received
    assert {(a["kind"], a["subject"]) for a in posted["alerts"]} == set(EXPECTED_W2)
    assert all(a["owner"] == "alice" and a["entity"] == F["W2"] for a in posted["alerts"])
    assert watch.data.undelivered() == [] and watch.deliver() == 0


ALERTS = """query { unreadAlerts alerts { kind entityId subjectId textEn
  facts { section key provenance { srcFile } } } watchlist { list entityId hops } }"""


def test_watch_and_alerts_through_the_api(first: GraphStore, tmp_path: Path) -> None:
    client = client_for(first, Settings(user_data_file=tmp_path / "user.sqlite"))
    entry = data(client, 'mutation($id: ID!) { watch(id: $id, hops: 1) { entityId hops } }',
                 id=F["W2"])["watch"]
    assert entry == {"entityId": F["W2"], "hops": 1}
    assert data(client, ALERTS)["alerts"] == []
    load_sections(first, tmp_path / "delta", DELTA)
    found = data(client, ALERTS)
    assert found["watchlist"] == [{"list": "default", "entityId": F["W2"], "hops": 1}]
    # Read today rather than on DAY: nothing of the delta has ended since.
    assert {(a["kind"], a["subjectId"]) for a in found["alerts"]} == {
        (k.upper(), s) for k, s in EXPECTED_W2}
    assert found["unreadAlerts"] == 2
    mortgage = next(a for a in found["alerts"] if a["kind"] == "MORTGAGE"
                    and a["subjectId"] == F["W2"])
    assert mortgage["facts"] == [{"section": "chattel_mortgages", "key": "DY-W2",
                                  "provenance": {"srcFile": "chattel_mortgages.csv"}}]
    assert "DY-W2" in mortgage["textEn"]


def test_credgraph_load_checks_the_watchlists(tmp_path: Path) -> None:
    env = {**os.environ, "CREDGRAPH_STORE": "memory", "CREDGRAPH_DATA_DIR": str(tmp_path / "d")}

    def load(name: str, sections: dict[str, str]) -> subprocess.CompletedProcess[str]:
        folder = tmp_path / name
        folder.mkdir()
        for section, text in sections.items():
            (folder / ("manifest.yaml" if section == "manifest" else f"{section}.csv")
             ).write_text(text, encoding="utf-8")
        return subprocess.run([sys.executable, "-m", "credgraph.cli", "load", str(folder)],
                              env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)

    assert "watchlists" not in load("first", FIRST).stdout, "no watchlists, no check"
    user_data = tmp_path / "d" / "user-data.sqlite"
    store = MemoryStore(tmp_path / "d" / "graph.credgraph")
    Watch(UserData(user_data), over(store)).add("alice", F["W2"])
    result = load("delta", DELTA)
    assert result.returncode == 0, result.stderr
    assert "watchlists: 1 watched subject(s) checked, 2 new alert(s)" in result.stdout
    assert {(a.kind, a.body["subject"]) for a in UserData(user_data).alerts("alice")} == set(
        EXPECTED_W2)
