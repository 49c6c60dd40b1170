"""Risk indicators (credgraph/queries/risk/indicators.yaml, docs/risk.md) on a hand-made
registry, on both stores.

For each indicator of the product's table one firm meets it and a near miss does not;
which indicators fire, the scores, the levels and the evidence are worked out here from
the rows below (DAY is 2024-09-01; the last report year due by then is 2023).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from credgraph.exc import ConfigurationError
from credgraph.graph.store import GraphStore
from credgraph.queries.backend import backend_for
from credgraph.queries.risk.table import load_indicators, parse_indicators
from credgraph.queries.time import Moment
from tests.analyses import over
from tests.handmade import make_uscc
from tests.test_api_dataset import client_for, data, load_sections

DAY = "2024-09-01"
NAMES = [
    "L_NOW", "L_FUTURE", "L_PAST", "L_OLD", "X_NEAR", "X3", "M3", "BL", "B_FIRM", "B_NEAR",
    "CH_LR", "CH_LR1", "CH_SH", "CH_SH2", "PLG", "PLG2", "BANK", "MORT", "MORT2", "PEN", "PEN2",
    "AR_LATE", "AR_MISSING", "AR_OK", "CYC1", "CYC2", "CYC3", "CYC4", "CYC5", "NEW", "NEW2",
    "NEW3", "HIGHF", "QUIET",
    *(f"LR{i}" for i in range(1, 11)), *(f"LM{i}" for i in range(1, 10)),
    *(f"HUB{i}" for i in range(1, 21)), *(f"NHUB{i}" for i in range(1, 20)),
]
F = {name: make_uscc(f"91110000MA1{i:06d}") for i, name in enumerate(NAMES, start=1)}
CAPITAL = {"PLG": 1000, "PLG2": 1000, "NEW": 10000, "NEW2": 4000, "NEW3": 10000}
FOUNDED = {"NEW": "2024-03-01", "NEW2": "2024-03-01", "NEW3": "2023-06-01", "CH_LR": "2015-01-01",
           "CH_SH": "2021-10-01"}

ENTERPRISES = "uscc,name,established,registered_capital\n" + "".join(
    f"{F[n]},{n}公司,{FOUNDED.get(n, '2010-01-01')},{CAPITAL.get(n, 100)}\n" for n in NAMES)

PERSONS = "person_id,name\n" + "".join(f"{p},{name}\n" for p, name in [
    ("PX", "许近"), ("P8", "八号"), ("PB", "毕受限"), ("PC", "陈已移出"), ("PL", "李十家"),
    ("PM", "孟九家"), ("LA", "甲代表"), ("LB", "乙代表"), ("LC", "丙代表"), ("LD", "丁代表"),
    ("LE", "戊代表"), ("S1", "股东一"), ("S2", "股东二"), ("S3", "股东三"), ("S4", "股东四"),
    ("S5", "股东五")])

OFFICERS = "enterprise,person_id,role,start_date,end_date\n" + "".join([
    f"{F['X_NEAR']},PX,legal_representative,2015-01-01,\n",
    f"{F['BL']},PX,director,2015-01-01,\n",
    f"{F['X3']},P8,legal_representative,2015-01-01,\n",
    f"{F['M3']},P8,director,2015-01-01,\n",
    f"{F['B_FIRM']},PB,director,2020-01-01,\n",
    f"{F['B_NEAR']},PC,director,2020-01-01,\n",
    *(f"{F[f'LR{i}']},PL,legal_representative,2018-01-01,\n" for i in range(1, 11)),
    *(f"{F[f'LM{i}']},PM,legal_representative,2018-01-01,\n" for i in range(1, 10)),
    # CH_LR: representatives change on 2022-05-01 and 2023-07-01 (two days in three years).
    f"{F['CH_LR']},LA,legal_representative,2015-01-01,2022-05-01\n",
    f"{F['CH_LR']},LB,legal_representative,2022-05-01,2023-07-01\n",
    f"{F['CH_LR']},LC,legal_representative,2023-07-01,\n",
    # CH_LR1: one change in three years (the one of 2021-03-01 is before the window).
    f"{F['CH_LR1']},LD,legal_representative,2010-01-01,2021-03-01\n",
    f"{F['CH_LR1']},LE,legal_representative,2021-03-01,2023-02-01\n",
    f"{F['CH_LR1']},LA,legal_representative,2023-02-01,\n",
])

SHAREHOLDINGS = ("enterprise,holder,holder_type,holder_name,percent,start_date,end_date\n"
                 + "".join([
    f"{F['M3']},{F['BL']},enterprise,BL公司,10,2015-01-01,\n",
    # CH_SH, established 2021-10-01: holders come and go on three later days.
    f"{F['CH_SH']},S1,person,股东一,100,2021-10-01,2022-02-01\n",
    f"{F['CH_SH']},S2,person,股东二,100,2022-02-01,2023-03-01\n",
    f"{F['CH_SH']},S3,person,股东三,50,2023-03-01,\n",
    f"{F['CH_SH']},S4,person,股东四,50,2024-02-01,\n",
    # CH_SH2: two days.
    f"{F['CH_SH2']},S1,person,股东一,100,2015-01-01,2022-02-01\n",
    f"{F['CH_SH2']},S5,person,股东五,100,2022-02-01,2023-03-01\n",
    f"{F['CH_SH2']},S4,person,股东四,100,2023-03-01,\n",
    # A cycle CYC1 -> CYC2 -> CYC3 -> CYC1; CYC5's holding of CYC4 ended, so no cycle there.
    f"{F['CYC2']},{F['CYC1']},enterprise,CYC1公司,30,2016-01-01,\n",
    f"{F['CYC3']},{F['CYC2']},enterprise,CYC2公司,40,2016-01-01,\n",
    f"{F['CYC1']},{F['CYC3']},enterprise,CYC3公司,20,2016-01-01,\n",
    f"{F['CYC5']},{F['CYC4']},enterprise,CYC4公司,30,2016-01-01,\n",
    f"{F['CYC4']},{F['CYC5']},enterprise,CYC5公司,20,2016-01-01,2023-01-01\n",
]))

LISTS = "subject,subject_type,list,reason,authority,listed_on,removed_on\n" + "".join([
    f"{F['L_NOW']},enterprise,abnormal_operations,未按期公示年报,某区市场监管局,2024-01-01,\n",
    f"{F['L_FUTURE']},enterprise,abnormal_operations,,,2024-10-01,\n",
    f"{F['L_PAST']},enterprise,abnormal_operations,,,2020-01-01,2022-01-01\n",
    f"{F['L_OLD']},enterprise,abnormal_operations,,,2019-01-01,2021-08-01\n",
    f"{F['BL']},enterprise,serious_illegal,提交虚假材料,某市市场监管局,2022-06-01,\n",
    f"{F['HIGHF']},enterprise,abnormal_operations,,,2024-02-01,\n",
    "PB,person,dishonest_debtor,有履行能力而拒不履行生效法律文书确定义务,某法院,2024-01-01,\n",
    "PC,person,dishonest_debtor,有履行能力而拒不履行生效法律文书确定义务,某法院,2023-01-01,"
    "2024-03-01\n",
])

PLEDGES = ("reg_no,enterprise,pledgor,pledgor_type,pledgor_name,pledgee,pledgee_type,"
           "pledgee_name,amount,registered_on,cancelled_on\n" + "".join([
               f"ZY-1,{F['PLG']},S1,person,股东一,{F['BANK']},enterprise,BANK公司,300,2023-01-01,\n",
               f"ZY-2,{F['PLG']},S2,person,股东二,{F['BANK']},enterprise,BANK公司,250,2023-02-01,\n",
               f"ZY-3,{F['PLG2']},S1,person,股东一,{F['BANK']},enterprise,BANK公司,400,2023-01-01,\n",
               f"ZY-4,{F['PLG2']},S2,person,股东二,{F['BANK']},enterprise,BANK公司,300,2023-01-01,"
               "2024-01-01\n"]))

MORTGAGES = ("reg_no,mortgagor,mortgagor_type,mortgagor_name,mortgagee,mortgagee_type,"
             "mortgagee_name,secured_amount,registered_on,cancelled_on\n" + "".join([
                 f"DY-1,{F['MORT']},enterprise,MORT公司,{F['BANK']},enterprise,BANK公司,80,"
                 "2023-05-01,\n",
                 f"DY-2,{F['MORT2']},enterprise,MORT2公司,{F['BANK']},enterprise,BANK公司,80,"
                 "2022-05-01,2024-05-01\n",
                 f"DY-3,{F['HIGHF']},enterprise,HIGHF公司,{F['BANK']},enterprise,BANK公司,10,"
                 "2023-05-01,\n"]))

PENALTIES = "enterprise,doc_no,violation_type,authority,decided_on\n" + "".join([
    f"{F['PEN']},罚〔2023〕1号,虚假宣传,某区市场监管局,2023-05-01\n",
    f"{F['PEN2']},罚〔2022〕2号,虚假宣传,某区市场监管局,2022-08-01\n",
    f"{F['HIGHF']},罚〔2024〕3号,无照经营,某区市场监管局,2024-03-01\n",
])

REPORTS = "enterprise,year,filed_on,address\n" + "".join([
    f"{F['AR_LATE']},2022,2023-05-01,\n", f"{F['AR_LATE']},2023,2024-08-01,\n",
    f"{F['AR_MISSING']},2022,2023-05-01,\n",
    f"{F['AR_OK']},2022,2023-05-01,\n", f"{F['AR_OK']},2023,2024-05-01,\n",
    *(f"{F[f'HUB{i}']},2023,2024-04-01,上海市浦东新区代理路1号\n" for i in range(1, 21)),
    *(f"{F[f'NHUB{i}']},2023,2024-04-01,上海市浦东新区代理路2号\n" for i in range(1, 20)),
    *(f"{F[f'{f}{i}']},2022,2023-04-01,\n" for f, n in (("HUB", 21), ("NHUB", 20))
      for i in range(1, n)),
])

SECTIONS = {"manifest": "extracted_at: 2024-09-01T08:00:00+08:00\n",
            "enterprises": ENTERPRISES, "persons": PERSONS, "officers": OFFICERS,
            "shareholdings": SHAREHOLDINGS, "list_entries": LISTS, "equity_pledges": PLEDGES,
            "chattel_mortgages": MORTGAGES, "penalties": PENALTIES, "annual_reports": REPORTS}

FIRES = {
    "listed_now": (["L_NOW", "BL", "HIGHF"], ["L_FUTURE", "L_PAST", "QUIET"]),
    "listed_within_3_years": (["L_PAST"], ["L_OLD", "L_NOW"]),
    "blacklisted_nearby": (["X_NEAR", "M3", "B_FIRM"], ["X3", "BL", "B_NEAR"]),
    "barred_person_nearby": (["B_FIRM"], ["B_NEAR", "X_NEAR"]),
    "legal_rep_many_posts": ([f"LR{i}" for i in range(1, 11)], [f"LM{i}" for i in range(1, 10)]),
    "frequent_legal_rep_changes": (["CH_LR"], ["CH_LR1"]),
    "frequent_shareholder_changes": (["CH_SH"], ["CH_SH2"]),
    "equity_pledged": (["PLG"], ["PLG2"]),
    "chattel_mortgages": (["MORT", "HIGHF"], ["MORT2", "BANK"]),
    "recent_penalties": (["PEN", "HIGHF"], ["PEN2"]),
    "annual_report_gaps": (["AR_LATE", "AR_MISSING"], ["AR_OK", "QUIET"]),
    "hub_address": ([f"HUB{i}" for i in range(1, 21)], [f"NHUB{i}" for i in range(1, 20)]),
    "circular_ownership": (["CYC1", "CYC2", "CYC3"], ["CYC4", "CYC5"]),
    "new_large_capital": (["NEW"], ["NEW2", "NEW3"]),
}
"""Indicator -> (firms it fires for, near misses it must not fire for), by hand."""


@pytest.fixture
def loaded(store: GraphStore, tmp_path: Path) -> GraphStore:
    load_sections(store, tmp_path / "registry", SECTIONS)
    return store


def _fired(store: GraphStore, names: list[str]) -> dict[str, set[str]]:
    profiles = over(store).risk.profiles([F[n] for n in names], Moment(DAY))
    return {n: {f.indicator.id for f in profiles[F[n]].fired} for n in names}


@pytest.mark.parametrize("indicator", sorted(FIRES))
def test_each_indicator_fires_and_its_near_miss_does_not(loaded: GraphStore,
                                                         indicator: str) -> None:
    firing, missing = FIRES[indicator]
    fired = _fired(loaded, firing + missing)
    assert [n for n in firing if indicator not in fired[n]] == []
    assert [n for n in missing if indicator in fired[n]] == []


def test_every_indicator_of_the_table_is_tested() -> None:
    assert {i.id for i in load_indicators().indicators} == set(FIRES)


def test_scores_levels_and_the_ranking(loaded: GraphStore) -> None:
    risk = over(loaded).risk
    at = Moment(DAY)
    # HIGHF: listed now (30), a penalty (15) and a mortgage (5); L_NOW: listed now alone.
    high, medium, quiet = (risk.profile(F[n], at) for n in ("HIGHF", "L_NOW", "QUIET"))
    assert (high.score, high.level) == (50.0, "high")
    assert (medium.score, medium.level) == (30.0, "medium")
    assert (quiet.score, quiet.level, quiet.fired) == (0.0, "low", ())
    ranking = risk.ranking(at)
    assert len(ranking) == len(NAMES)
    assert [p.key for p in ranking] == sorted(p.key for p in ranking)
    by_id = {p.enterprise.id: p for p in ranking}
    for name in ("HIGHF", "L_NOW", "PLG", "B_FIRM", "CYC2", "HUB3", "AR_MISSING"):
        assert by_id[F[name]] == risk.profile(F[name], at), name
    assert [p.enterprise.id for p in risk.page(at, "high", 100, None).items] == [F["HIGHF"]]


def test_the_ranking_fires_as_the_profiles_do(loaded: GraphStore) -> None:
    """The ranking narrows each batch's walks and fetches by what it works out once for the
    register (compute.Register): every indicator and near miss must come out as worked out
    by hand, and each profile as when asked alone."""
    risk = over(loaded).risk
    ranked = {p.enterprise.id: p for p in risk.ranking(Moment(DAY))}
    for indicator, (firing, missing) in FIRES.items():
        fired = {n for n in NAMES if indicator in {f.indicator.id for f in ranked[F[n]].fired}}
        assert fired & set(firing + missing) == set(firing), indicator
    assert [n for n in NAMES if ranked[F[n]] != risk.profile(F[n], Moment(DAY))] == []


HOLDINGS = ("enterprise,holder,holder_type,holder_name,percent,start_date,end_date\n"
            + "".join([
    f"{F['CYC1']},{F['CYC2']},enterprise,CYC2公司,30,2016-01-01,\n",
    f"{F['CYC1']},{F['CYC2']},enterprise,CYC2公司,5,2020-01-01,\n",
    f"{F['CYC2']},{F['CYC1']},enterprise,CYC1公司,10,2016-01-01,\n",
    f"{F['CYC3']},{F['CYC3']},enterprise,CYC3公司,10,2016-01-01,\n",
    f"{F['CYC3']},S1,person,股东一,60,2016-01-01,\n",
    f"{F['CYC3']},{F['CYC1']},enterprise,CYC1公司,20,2016-01-01,2023-01-01\n",
    f"{F['CYC3']},{F['CYC2']},enterprise,CYC2公司,20,2024-10-01,\n",
]))


def test_holding_pairs_are_the_holdings_in_force(store: GraphStore, tmp_path: Path) -> None:
    load_sections(store, tmp_path / "holdings", {
        "enterprises": ENTERPRISES, "persons": PERSONS, "shareholdings": HOLDINGS})
    # On DAY: CYC2 holds CYC1 twice (one pair), CYC1 holds CYC2, S1 holds CYC3; CYC3's own
    # shares are no pair, CYC1's holding of CYC3 ended and CYC2's starts after DAY.
    assert backend_for(store).holding_pairs(Moment(DAY)) == [
        (F["CYC1"], F["CYC2"]), (F["CYC2"], F["CYC1"]), ("S1", F["CYC3"])]
    assert backend_for(store).holding_pairs(Moment("2024-12-01")) == [
        (F["CYC1"], F["CYC2"]), (F["CYC2"], F["CYC1"]), (F["CYC2"], F["CYC3"]),
        ("S1", F["CYC3"])]


def test_evidence_explains_with_the_facts(loaded: GraphStore) -> None:
    profile = over(loaded).risk.profile(F["PLG"], Moment(DAY))
    (fired,) = [f for f in profile.fired if f.indicator.id == "equity_pledged"]
    texts = [fired.indicator.explanation(e).zh for e in fired.evidence]
    assert texts == [
        "ZY-1：股东一 出质给 BANK公司 300 万元，2023-01-01 登记（合计占注册资本 55%）",
        "ZY-2：股东二 出质给 BANK公司 250 万元，2023-02-01 登记（合计占注册资本 55%）"]
    assert [(f.section, f.key, f.props["src_file"]) for e in fired.evidence for f in e.facts] == [
        ("equity_pledges", "ZY-1", "equity_pledges.csv"),
        ("equity_pledges", "ZY-2", "equity_pledges.csv")]
    gaps = over(loaded).risk.profile(F["AR_LATE"], Moment(DAY))
    (fired,) = [f for f in gaps.fired if f.indicator.id == "annual_report_gaps"]
    assert [fired.indicator.explanation(e).en for e in fired.evidence] == [
        "2023 annual report: filed late (due 2024-06-30, published 2024-08-01)"]


PROFILE = """query($id: ID!, $d: Date) { riskProfile(uscc: $id, asOf: $d) {
  enterprise { id } score level
  indicators { id titleZh weight evidence { textZh textEn facts { section key }
                path { steps { from { id } to { id } relation } } } } } }"""


def test_the_profile_through_the_api(loaded: GraphStore) -> None:
    found = data(client_for(loaded), PROFILE, id=F["X_NEAR"], d=DAY)["riskProfile"]
    assert (found["score"], found["level"]) == (20.0, "MEDIUM")
    (hit,) = found["indicators"]
    assert (hit["id"], hit["weight"]) == ("blacklisted_nearby", 20.0)
    (evidence,) = hit["evidence"]
    assert evidence["textZh"] == ("BL公司（严重违法失信名单，2022-06-01 列入），相隔 2 层："
                                  "X_NEAR公司 → 许近 → BL公司")
    assert [s["to"]["id"] for s in evidence["path"]["steps"]] == ["PX", F["BL"]]
    assert evidence["facts"] == [{"section": "list_entries",
                                  "key": f"{F['BL']}|serious_illegal|2022-06-01"}]


RANKING = """query($d: Date, $after: String) { riskRanking(asOf: $d, level: MEDIUM, first: 2,
  after: $after) { totalCount edges { cursor node { enterprise { id } score level } }
  pageInfo { hasNextPage endCursor } } }"""


def test_the_ranking_pages_through_the_api(loaded: GraphStore) -> None:
    client = client_for(loaded)
    seen: list[Any] = []
    after = None
    while True:
        page = data(client, RANKING, d=DAY, after=after)["riskRanking"]
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == page["totalCount"]
    assert all(n["level"] == "MEDIUM" for n in seen)
    assert [(-n["score"], n["enterprise"]["id"]) for n in seen] == sorted(
        (-n["score"], n["enterprise"]["id"]) for n in seen)
    assert F["L_NOW"] in {n["enterprise"]["id"] for n in seen}


def test_a_malformed_table_names_file_and_key() -> None:
    table = textwrap.dedent("""
        levels: {medium: 20, high: 50}
        indicators:
          - id: listed_now
            title: {zh: 名单, en: listed}
            weight: 30
            compute: listed
            params: {lists: [serious_illegal], within_years: 0}
            explain: {zh: "{list}", en: "{list} {nope}"}
    """)
    with pytest.raises(ConfigurationError, match=r"indicators.yaml: indicators\.listed_now: "
                                                 r"explain\.en: nope not among"):
        parse_indicators(table)
    with pytest.raises(ConfigurationError, match=r"indicators\.listed_now: params\.hops: "):
        parse_indicators(table.replace("within_years: 0", "within_years: 0, hops: 2")
                         .replace(" {nope}", ""))
    with pytest.raises(ConfigurationError, match=r"indicators\.listed_now: compute: unknown"):
        parse_indicators(table.replace("compute: listed", "compute: gossip")
                         .replace(" {nope}", ""))
    with pytest.raises(ConfigurationError, match=r"levels: give medium, high"):
        parse_indicators(table.replace("{medium: 20, high: 50}", "{high: 50}")
                         .replace(" {nope}", ""))


def test_the_risk_command_exports_the_ranking(tmp_path: Path) -> None:
    folder = tmp_path / "registry"
    folder.mkdir()
    for name, text in SECTIONS.items():
        (folder / ("manifest.yaml" if name == "manifest" else f"{name}.csv")).write_text(
            text, encoding="utf-8")
    env = {**os.environ, "CREDGRAPH_STORE": "memory", "CREDGRAPH_DATA_DIR": str(tmp_path / "d")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "credgraph.cli", *args], env=env,
                              cwd=tmp_path, capture_output=True, text=True, timeout=600)

    assert run("load", str(folder)).returncode == 0
    out = tmp_path / "risk.xlsx"
    result = run("risk", "--as-of", DAY, "--out", str(out), "--level", "high", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(out).worksheets
    rows = list(sheet[0].iter_rows(values_only=True))
    assert rows[0][:5] == ("uscc", "name", "as_of", "score", "level")
    assert [r[:5] for r in rows[1:]] == [(F["HIGHF"], "HIGHF公司", DAY, 50, "高风险")]
    assert rows[1][6] == "当前在经营异常名录或失信名单中；存在有效动产抵押；近两年受到行政处罚"
    assert list(sheet[1].iter_rows(values_only=True)) == [
        ("level", "enterprises"), ("low", 0), ("medium", 0), ("high", 1)]
    refused = run("risk", "--out", str(tmp_path / "x.csv"), "--level", "extreme")
    assert refused.returncode == 2 and "one of low, medium, high" in refused.stderr
