"""Suspected links (docs/risk.md) on a hand-made registry, on both stores.

Each kind of shared contact detail links one pair of firms; next to each pair a near
miss that must not link: a value written differently, a report that is not the one in
force (superseded, not published, published after the day), a value shared by more
firms than the cap (a registered agent's address). Every expected answer is worked out
here from the rows below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from credgraph.graph.store import GraphStore
from credgraph.queries.backend import backend_for
from credgraph.queries.links.suspected import SUSPECTED
from credgraph.queries.time import Moment
from tests.analyses import over
from tests.handmade import make_uscc
from tests.test_api_dataset import client_for, data, load_sections, post

DAY = "2024-09-01"
EARLIER = "2023-09-01"
F = {name: make_uscc(f"91110000MA00{i:05d}") for i, name in enumerate(
    ["P1", "P2", "M1", "M2", "A1", "A2", "W1", "W2", "OLD", "NEAR_M", "NEAR_A", "UNFILED",
     "LATER", "H1", "H2", "H3", "H4", "H5", "H6", "LONE"], start=1)}
HUB = ("H1", "H2", "H3", "H4", "H5", "H6")
HUB_ADDRESS = "北京市朝阳区代理路8号"

ENTERPRISES = "uscc,name,established,registered_capital\n" + "".join(
    f"{uscc},{name}测试有限公司,2015-01-01,100\n" for name, uscc in F.items())


def _report(firm: str, year: int, filed_on: str, **contact: str) -> str:
    return (f"{F[firm]},{year},{filed_on},{contact.get('phone', '')},{contact.get('email', '')},"
            f"{contact.get('address', '')},{contact.get('website', '')}\n")


REPORTS = "enterprise,year,filed_on,phone,email,address,website\n" + "".join([
    # P1 and P2: one phone written two ways, in the 2023 reports in force on DAY.
    _report("P1", 2022, "2023-04-01", phone="010-6123 4567"),
    _report("P1", 2023, "2024-04-01", phone="010-6123 4567"),
    _report("P2", 2023, "2024-05-20", phone="+86 10 61234567"),
    # OLD gave the phone in 2022, another in 2023: linked to P1 on EARLIER only.
    _report("OLD", 2022, "2023-05-01", phone="(010)61234567"),
    _report("OLD", 2023, "2024-03-01", phone="010-87654321"),
    # UNFILED: the report stating the phone was not published; LATER: published after DAY.
    _report("UNFILED", 2023, "", phone="01061234567"),
    _report("LATER", 2023, "2024-10-08", phone="01061234567"),
    # M1 and M2 share an e-mail; NEAR_M's differs by one letter.
    _report("M1", 2023, "2024-03-03", email=" Info@Example.COM "),
    _report("M2", 2023, "2024-03-04", email="info@example.com"),
    _report("NEAR_M", 2023, "2024-03-05", email="info@example.co"),
    # A1 and A2 share an address written two ways; NEAR_A is the next room.
    _report("A1", 2023, "2024-02-01", address="北京市海淀区中关村大街1号3幢1203号"),
    _report("A2", 2023, "2024-02-02", address="北京市海淀区中关村大街１号 ３栋 1203室"),
    _report("NEAR_A", 2023, "2024-02-03", address="北京市海淀区中关村大街1号3栋1204室"),
    # W1 and W2 share a website.
    _report("W1", 2023, "2024-06-01", website="https://www.w-site.cn/"),
    _report("W2", 2023, "2024-06-02", website="W-SITE.CN"),
    # Six firms at a registered agent's address: a hub above a cap of 5.
    *(_report(h, 2023, "2024-01-10", address=HUB_ADDRESS) for h in HUB),
    _report("LONE", 2023, "2024-01-10", phone="021-5555 0000"),
])

LISTED = f"""subject,subject_type,list,listed_on
{F["P2"]},enterprise,serious_illegal,2022-01-01
{F["H2"]},enterprise,serious_illegal,2022-01-01
"""

PAIRS = {
    ("phone", "01061234567"): ("P1", "P2"),
    ("email", "info@example.com"): ("M1", "M2"),
    ("address", "北京市海淀区中关村大街1号3栋1203室"): ("A1", "A2"),
    ("website", "w-site.cn"): ("W1", "W2"),
}
"""The suspected links on DAY: (kind, shared value) -> the two firms, by hand."""


EXTRACTED = "2024-12-01T08:00:00+08:00"
"""When the registry was recorded (a correction is recorded later)."""


def _load(store: GraphStore, tmp_path: Path) -> None:
    load_sections(store, tmp_path / "registry", {
        "manifest": f"extracted_at: {EXTRACTED}\n",
        "enterprises": ENTERPRISES, "annual_reports": REPORTS, "list_entries": LISTED})


def _links(store: GraphStore, day: str, cap: int = 5, known: str | None = None
           ) -> dict[tuple[str, str], tuple[str, str]]:
    around = over(store).links.suspected.around(sorted(F.values()), Moment(day, known), cap)
    by_id = {uscc: name for name, uscc in F.items()}
    found = {}
    for link in around.links:
        assert link.type == SUSPECTED
        pair = (by_id[link.source], by_id[link.target])
        found[(link.props["kind"], link.props["value"])] = tuple(sorted(pair))
    return found


def test_each_kind_links_its_pair_and_no_near_miss(store: GraphStore, tmp_path: Path) -> None:
    _load(store, tmp_path)
    assert _links(store, DAY) == {k: tuple(sorted(v)) for k, v in PAIRS.items()}


def test_crowded_values_count_the_published_reports(store: GraphStore, tmp_path: Path) -> None:
    _load(store, tmp_path)
    backend = backend_for(store)
    # The phone: P1's two reports, P2's and OLD's of 2022; UNFILED's report is not published,
    # LATER's is published after DAY, OLD's of 2023 states another.
    assert backend.crowded_values("phone", Moment(DAY), 2) == {"01061234567": 4}
    assert backend.crowded_values("phone", Moment(DAY), 4) == {"01061234567": 4}
    assert backend.crowded_values("phone", Moment(DAY), 5) == {}
    assert backend.crowded_values("phone", Moment(EARLIER), 2) == {"01061234567": 2}
    assert backend.crowded_values("email", Moment(DAY), 2) == {"info@example.com": 2}
    # The registered agent's address six times, A1's and A2's twice.
    assert sorted(backend.crowded_values("address", Moment(DAY), 2).values()) == [2, 6]
    assert list(backend.crowded_values("address", Moment(DAY), 3).values()) == [6]
    assert backend.crowded_values("address", Moment(EARLIER), 2) == {}


def test_the_report_in_force_decides(store: GraphStore, tmp_path: Path) -> None:
    _load(store, tmp_path)
    found = _links(store, EARLIER)
    # On EARLIER only the 2022 reports are in force: P1's and OLD's give the same phone.
    assert found == {("phone", "01061234567"): ("OLD", "P1")}


def test_a_value_published_on_the_day_links_from_that_day(store: GraphStore,
                                                          tmp_path: Path) -> None:
    _load(store, tmp_path)
    on_day = over(store).links.suspected.around([F["LATER"]], Moment("2024-10-08"), 5)
    assert {(lk.source, lk.target) for lk in on_day.links} == {
        tuple(sorted((F["LATER"], F[other]))) for other in ("P1", "P2")}
    before = over(store).links.suspected.around([F["LATER"]], Moment("2024-10-07"), 5)
    assert before.links == ()


def test_a_hub_value_links_nothing_and_is_counted(store: GraphStore, tmp_path: Path) -> None:
    _load(store, tmp_path)
    around = over(store).links.suspected.around([F["H1"], F["H2"]], Moment(DAY), 5)
    assert around.links == ()
    assert [(h.kind, h.value, h.count, h.enterprises) for h in around.hubs] == [
        ("address", HUB_ADDRESS, 6, (F["H1"], F["H2"]))]
    # With a cap of 6 the address is no hub: H1 is linked to the five others.
    wider = over(store).links.suspected.around([F["H1"]], Moment(DAY), 6)
    assert sorted(lk.other(F["H1"]) for lk in wider.links) == sorted(F[h] for h in HUB[1:])


def test_a_correction_recorded_later_is_seen_only_from_then(store: GraphStore,
                                                            tmp_path: Path) -> None:
    _load(store, tmp_path)
    first_known = "2024-12-15T00:00:00Z"
    load_sections(store, tmp_path / "correction", {
        "manifest": "extracted_at: 2025-01-01T08:00:00+08:00\n",
        "annual_reports": "enterprise,year,filed_on,email\n"
                          f"{F['M2']},2023,2024-03-04,other@example.com\n"})
    assert ("email", "info@example.com") not in _links(store, DAY)
    assert _links(store, DAY, known=first_known)[("email", "info@example.com")] == ("M1", "M2")


def test_the_report_and_its_provenance_travel_with_the_link(store: GraphStore,
                                                            tmp_path: Path) -> None:
    _load(store, tmp_path)
    around = over(store).links.suspected.around([F["A1"]], Moment(DAY), 5)
    (link,) = around.links
    first, second = link.props["reports"]
    assert {first["enterprise"], second["enterprise"]} == {F["A1"], F["A2"]}
    by_firm = {r["enterprise"]: r for r in (first, second)}
    assert by_firm[F["A2"]]["address"] == "北京市海淀区中关村大街１号 ３栋 1203室"
    assert by_firm[F["A2"]]["src_file"] == "annual_reports.csv"
    assert by_firm[F["A2"]]["src_row"] == REPORTS.splitlines().index(
        _report("A2", 2023, "2024-02-02", address="北京市海淀区中关村大街１号 ３栋 1203室").strip()) + 1
    assert link.props["start"] == "2024-02-02"


# --- through the API: exposure, paths and the map --------------------------------------

EXPOSURE = """query($id: ID!, $s: Boolean!, $d: Date) {
  blacklistExposure(id: $id, maxHops: 2, maxDegree: 5, asOf: $d, suspected: $s) {
    hits { subject { id } distance path { steps { from { id } to { id } relation
      suspected { kind value reports { enterpriseId year filedOn stated
                                        provenance { srcFile srcRow } } } } } } } }"""


def test_exposure_through_a_suspected_link_only_when_asked(store: GraphStore,
                                                           tmp_path: Path) -> None:
    _load(store, tmp_path)
    client = client_for(store)
    off = data(client, EXPOSURE, id=F["P1"], s=False, d=DAY)["blacklistExposure"]["hits"]
    assert off == []
    on = data(client, EXPOSURE, id=F["P1"], s=True, d=DAY)["blacklistExposure"]["hits"]
    assert [(h["subject"]["id"], h["distance"]) for h in on] == [(F["P2"], 1)]
    (step,) = on[0]["path"]["steps"]
    assert step["relation"] == "SUSPECTED"
    assert step["suspected"]["kind"] == "PHONE"
    assert step["suspected"]["value"] == "01061234567"
    stated = {r["enterpriseId"]: r["stated"] for r in step["suspected"]["reports"]}
    assert stated == {F["P1"]: "010-6123 4567", F["P2"]: "+86 10 61234567"}


def test_a_hub_address_carries_no_exposure(store: GraphStore, tmp_path: Path) -> None:
    _load(store, tmp_path)
    client = client_for(store)
    hits = data(client, EXPOSURE, id=F["H1"], s=True, d=DAY)["blacklistExposure"]["hits"]
    assert hits == []


PATHS = """query($a: ID!, $b: ID!, $s: Boolean!, $d: Date) {
  paths(fromId: $a, toId: $b, maxHops: 3, asOf: $d, suspected: $s) {
    steps { from { id } to { id } relation suspected { kind value } } } }"""


def test_paths_over_suspected_links(store: GraphStore, tmp_path: Path) -> None:
    _load(store, tmp_path)
    client = client_for(store)
    assert data(client, PATHS, a=F["M1"], b=F["M2"], s=False, d=DAY)["paths"] == []
    (path,) = data(client, PATHS, a=F["M1"], b=F["M2"], s=True, d=DAY)["paths"]
    assert path["steps"] == [{"from": {"id": F["M1"]}, "to": {"id": F["M2"]},
                              "relation": "SUSPECTED",
                              "suspected": {"kind": "EMAIL", "value": "info@example.com"}}]


MAP = """query($id: ID!, $s: Boolean!, $d: Date) {
  neighbourhood(id: $id, hops: 2, hubDegree: 5, asOf: $d, suspected: $s) {
    nodes { id degree } links { relation source target suspected { kind value } }
    suspectedHubs { kind value count enterprises } } }"""


def test_the_map_shows_suspected_links_and_collapses_hub_values(store: GraphStore,
                                                                tmp_path: Path) -> None:
    _load(store, tmp_path)
    client = client_for(store)
    off = data(client, MAP, id=F["W1"], s=False, d=DAY)["neighbourhood"]
    assert off["links"] == [] and off["suspectedHubs"] == []
    on = data(client, MAP, id=F["W1"], s=True, d=DAY)["neighbourhood"]
    assert on["links"] == [{"relation": "SUSPECTED", "source": F["W1"], "target": F["W2"],
                            "suspected": {"kind": "WEBSITE", "value": "w-site.cn"}}]
    assert {n["id"]: n["degree"] for n in on["nodes"]} == {F["W1"]: 1, F["W2"]: 1}
    hub = data(client, MAP, id=F["H3"], s=True, d=DAY)["neighbourhood"]
    assert hub["links"] == []
    assert hub["suspectedHubs"] == [{"kind": "ADDRESS", "value": HUB_ADDRESS, "count": 6,
                                     "enterprises": [F["H3"]]}]


def test_suspected_is_no_registered_relation(store: GraphStore, tmp_path: Path) -> None:
    _load(store, tmp_path)
    body: dict[str, Any] = post(client_for(store), """query($id: ID!) {
      neighbourhood(id: $id, relations: [SUSPECTED]) { nodes { id } } }""", id=F["W1"])
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


REPORT_VIEW = """query($id: ID!, $d: Date) { enterprise(uscc: $id, asOf: $d) {
  annualReports { year filedOn status phone provenance { srcFile } } } }"""


@pytest.mark.parametrize(("firm", "day", "expected"), [
    ("P1", DAY, [(2022, "2023-04-01", "ON_TIME"), (2023, "2024-04-01", "ON_TIME")]),
    ("P1", EARLIER, [(2022, "2023-04-01", "ON_TIME")]),
    ("UNFILED", DAY, [(2023, None, "NOT_FILED")]),
    ("LATER", DAY, []),
    ("LATER", "2024-10-08", [(2023, "2024-10-08", "LATE")]),
])
def test_the_enterprise_shows_its_reports(store: GraphStore, tmp_path: Path, firm: str,
                                          day: str, expected: list[tuple[Any, ...]]) -> None:
    _load(store, tmp_path)
    found = data(client_for(store), REPORT_VIEW, id=F[firm], d=day)["enterprise"]
    assert [(r["year"], r["filedOn"], r["status"]) for r in found["annualReports"]] == expected
