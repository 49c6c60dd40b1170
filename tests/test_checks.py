"""Cross-checks over a hand-made register (tests/checks_registry.py): each rule reports exactly
the contradictions planted for it and none of the near-misses, on both stores, with equal
answers; knownAt and asOf; the rule table as data; the command and the query."""

from __future__ import annotations

import csv
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from credgraph.exc import BadInputError, ConfigurationError
from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.store import GraphStore
from credgraph.queries.backend import backend_for
from credgraph.queries.checks.service import CheckRun, Clue, CrossChecks
from credgraph.queries.checks.table import load_checks, parse_checks
from credgraph.queries.time import Moment
from tests import checks_registry as reg
from tests.cli_runner import invoke, memory_env
from tests.test_api_dataset import client_for, post

DISTINGUISH = {
    "POST-AFTER-END": ("enterprise",),
    "PLEDGE-WITHOUT-SHARES": ("reg_no",),
    "MORTGAGOR-DEREGISTERED": ("key",),
}
"""What tells one subject's clues of a rule apart in EXPECTED (besides the subject)."""


def run(store: GraphStore, day: str = reg.DAY, known: str | None = None,
        table_text: str | None = None) -> CheckRun:
    table = parse_checks(table_text) if table_text else None
    return CrossChecks(backend_for(store), table).run(Moment(day, known))


def found(checked: CheckRun) -> dict[str, set[tuple[str, ...]]]:
    by_rule: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for clue in checked.clues:
        extra = tuple(str(clue.values[k]) for k in DISTINGUISH.get(clue.rule.id, ()))
        by_rule[clue.rule.id].add((clue.subject, *extra))
    return by_rule


def clue(checked: CheckRun, rule: str, subject: str) -> Clue:
    (only,) = [c for c in checked.clues if c.rule.id == rule and c.subject == subject]
    return only


@pytest.fixture
def loaded(store: GraphStore, tmp_path: Path) -> GraphStore:
    reg.load_registry(store, tmp_path)
    return store


def test_each_rule_reports_exactly_its_planted_clues(loaded: GraphStore) -> None:
    checked = run(loaded)
    assert [r.rule.id for r in checked.rules] == [r.id for r in load_checks().rules]
    assert dict(found(checked)) == reg.EXPECTED
    assert {r.rule.id: r.clues for r in checked.rules} == {
        rule: len(clues) for rule, clues in reg.EXPECTED.items()}
    assert [c.key for c in checked.clues] == sorted(c.key for c in checked.clues)


def test_known_at_sees_the_register_as_it_was_recorded(loaded: GraphStore) -> None:
    """Before SAMR's delta: the withdrawn post is still there, PZ not yet renamed."""
    assert dict(found(run(loaded, known=reg.AFTER_COURT))) == reg.EXPECTED_AFTER_COURT


def test_as_of_moves_the_clues_with_valid_time(loaded: GraphStore) -> None:
    """On 2024-05-15: E_ENDED's 70% (ended 2024-12-31) was in force beside its 60%; B5 was on
    the serious illegal list (until 2024-06-01); N1's legal representative was in post (until
    2024-05-31); GQ-5 was not yet cancelled (2025-01-01) and PB never held A."""
    earlier = found(run(loaded, day="2024-05-15"))
    assert earlier == {**reg.EXPECTED,
                       "SHARES-OVER-100": {(reg.E_OVER,), (reg.E_ENDED,)},
                       "ABNORMAL-NOT-ESCALATED": {(reg.B1,)},
                       "NO-LEGAL-REPRESENTATIVE": {(reg.N2,)},
                       "PLEDGE-WITHOUT-SHARES": {("PB", "GQ-1"), ("PC", "GQ-3"),
                                                 ("PB", "GQ-5")}}


def test_clues_carry_their_values_facts_and_provenance(loaded: GraphStore) -> None:
    checked = run(loaded)
    over = clue(checked, "SHARES-OVER-100", reg.E_OVER)
    assert over.values["total"] == pytest.approx(110.0) and over.values["holders"] == 2
    assert over.explanation.zh == (f"上海超额有限公司（{reg.E_OVER}）于{reg.DAY}在册的2名股东"
                                   "持股比例合计110.00%。")
    assert sorted((f.fact, f.ends) for f in over.evidence) == [
        ("SHAREHOLDER", ("PA", reg.E_OVER)), ("SHAREHOLDER", ("PB", reg.E_OVER))]
    fact = over.evidence[0]
    assert (fact.source, fact.recorded_at, fact.section) == (
        "SAMR-registration", "2025-06-01T01:00:00Z", "shareholdings")
    assert fact.provenance["src_file"] == "shareholdings.csv"
    rows = {f.provenance["src_row"] for f in over.evidence}
    assert rows == {8, 9}  # the 7th and 8th holdings, after the header

    post_ = clue(checked, "POST-AFTER-END", "PR")
    assert post_.explanation.en == (
        f"冯二 (PR) became legal representative of 杭州吊销一有限公司 ({reg.R1}) on 2024-02-01, "
        "after the enterprise was business licence revoked on 2023-01-01.")
    assert [f.fact for f in post_.evidence] == ["Event", "LEGAL_REPRESENTATIVE"]
    shareholder = clue(checked, "POST-AFTER-END", "PY")
    assert "王五（PY）自2022-01-01起任北京注销一有限公司" in shareholder.explanation.zh
    assert "的股东" in shareholder.explanation.zh

    nobody = clue(checked, "NO-LEGAL-REPRESENTATIVE", reg.N2)
    assert nobody.values["last_end"] is None and "（上一任离任日期：—）" in nobody.explanation.zh
    left = clue(checked, "NO-LEGAL-REPRESENTATIVE", reg.N1)
    assert left.values["last_end"] == "2024-05-31"
    assert [f.fact for f in left.evidence] == ["EnterpriseRecord", "LEGAL_REPRESENTATIVE"]

    undated = clue(checked, "MORTGAGOR-DEREGISTERED", reg.S1)
    assert undated.values["date"] is None and "日期不详" in undated.explanation.zh
    assert [f.fact for f in undated.evidence] == ["CHATTEL_MORTGAGE", "EnterpriseRecord"]

    nominee = clue(checked, "NOMINEE-LEGAL-REPRESENTATIVE", "PN21")
    assert nominee.values["count"] == 21 and len(nominee.evidence) == 21

    names = clue(checked, "NAME-CONFLICT", "PX")
    assert names.values["names"] == "李晓明 (SAMR-registration) / 李小明 (court-enforcement)"
    assert {(f.fact, f.source, f.provenance["src_file"]) for f in names.evidence} == {
        ("PersonRecord", "SAMR-registration", "persons.csv"),
        ("PersonRecord", "court-enforcement", "persons.csv")}
    # the names, never the ID numbers both persons.csv files carry (Person.idNumber's rules)
    assert sorted((f.values["name"], "id_number" in f.values) for f in names.evidence) == [
        ("李小明", False), ("李晓明", False)]
    renamed = clue(checked, "NAME-CONFLICT", "PZ")
    assert renamed.values["names"] == "陈晶 (SAMR-registration) / 陈静 (court-enforcement)"


def _comparable(checked: CheckRun) -> list[tuple[Any, ...]]:
    """Everything a clue says, load times left out (they differ between two loads)."""
    return [(c.key, c.explanation, dict(c.values), c.entities,
             [(f.fact, f.id, f.section, dict(f.values), f.source, f.recorded_at, f.retracted_at,
               f.ends, {k: v for k, v in f.provenance.items() if k != "loaded_at"})
              for f in c.evidence]) for c in checked.clues]


@pytest.mark.neo4j
def test_both_stores_give_the_same_clues(memory_store: MemoryStore, neo4j_store: Neo4jStore,
                                         tmp_path: Path) -> None:
    reg.load_registry(memory_store, tmp_path / "m")
    reg.load_registry(neo4j_store, tmp_path / "n")
    for known in (None, reg.AFTER_COURT):
        for day in (reg.DAY, "2024-05-15"):
            assert _comparable(run(memory_store, day, known)) == _comparable(
                run(neo4j_store, day, known)), (day, known)


RULES_TEXT = (resources.files("credgraph.queries.checks") / "rules.yaml").read_text(
    encoding="utf-8")

EXTRA_RULE = """
  - id: BUSY-LEGAL-REPRESENTATIVE
    title: {zh: 担任五家以上企业法定代表人, en: Legal representative of more than five firms}
    severity: low
    check: too_many_posts
    params: {role: legal_representative, threshold: 5}
    explanation: {zh: "{person}担任{count}家企业的{post}", en: "{person}: {post} of {count}"}
    why: {zh: 测试, en: test}
"""


def test_a_clue_is_added_with_a_yaml_entry(loaded: GraphStore) -> None:
    """The same check with another threshold: PA fronts 11 firms on DAY (A, the five
    holding tests, the five listed ones), PN20 20, PN21 21."""
    checked = run(loaded, table_text=RULES_TEXT + EXTRA_RULE)
    assert found(checked)["BUSY-LEGAL-REPRESENTATIVE"] == {("PA",), ("PN20",), ("PN21",)}
    assert clue(checked, "BUSY-LEGAL-REPRESENTATIVE", "PA").values["count"] == 11


@pytest.mark.parametrize("change, message", [
    (("check: too_many_posts", "check: nosuch"),
     "rules.NOMINEE-LEGAL-REPRESENTATIVE: unknown check 'nosuch' (one of: link_to_ended, "),
    (("{count}家企业", "{howmany}家企业"),
     "rules.NOMINEE-LEGAL-REPRESENTATIVE: explanation.zh: unknown placeholder {howmany} (the "
     "check too_many_posts gives: count, day, person, post, threshold)"),
    (("threshold: 20", "threshold: many"),
     "rules.NOMINEE-LEGAL-REPRESENTATIVE.params.threshold: Input should be a valid integer"),
    (("unless: [serious_illegal]", "unless: [blacklist]"),
     "rules.ABNORMAL-NOT-ESCALATED.params.unless: not in the vocabulary's list_types: blacklist"),
    (("relation: CHATTEL_MORTGAGE", "relation: LOANS"),
     "rules.MORTGAGOR-DEREGISTERED.params.relation: not a relationship type of the model: LOANS"),
    (("id: NAME-CONFLICT", "id: POST-AFTER-END"), "rules.7: rule id POST-AFTER-END is given twice"),
    (("severity: low", "severity: urgent"),
     "rules.ABNORMAL-NOT-ESCALATED.severity: Input should be 'high', 'medium' or 'low'"),
])
def test_a_malformed_table_names_the_file_and_the_key(change: tuple[str, str],
                                                      message: str) -> None:
    assert change[0] in RULES_TEXT
    with pytest.raises(ConfigurationError) as error:
        parse_checks(RULES_TEXT.replace(change[0], change[1], 1))
    assert str(error.value).startswith(f"checks/rules.yaml: {message}")


def test_an_unknown_rule_is_a_bad_request(loaded: GraphStore) -> None:
    with pytest.raises(BadInputError, match="no cross-check rule 'NOPE'"):
        CrossChecks(backend_for(loaded)).run(Moment(reg.DAY), "NOPE")


CROSS_CHECKS = """query($d: Date, $k: DateTime, $r: String, $first: Int, $after: String) {
  crossChecks(asOf: $d, knownAt: $k, rule: $r, first: $first, after: $after) {
    asOf totalCount rules { rule { id severity titleZh } clues }
    edges { cursor node { ruleId severity subjectId subject { id name kind }
      explanationZh explanationEn entityIds values
      facts { fact id section fromId toId source recordedAt provenance { srcFile srcRow } } } }
    pageInfo { hasNextPage endCursor } } }"""


def test_the_query_pages_through_every_clue(loaded: GraphStore) -> None:
    client = client_for(loaded)
    seen: list[tuple[str, str]] = []
    after = None
    while True:
        body = post(client, CROSS_CHECKS, d=reg.DAY, first=5, after=after)
        assert not body.get("errors"), body
        page = body["data"]["crossChecks"]
        assert page["totalCount"] == sum(len(v) for v in reg.EXPECTED.values())
        seen += [(e["node"]["ruleId"], e["node"]["subjectId"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted((rule, c[0]) for rule, clues in reg.EXPECTED.items()
                                  for c in clues)
    only = post(client, CROSS_CHECKS, d=reg.DAY, r="SHARES-OVER-100")["data"]["crossChecks"]
    (edge,) = only["edges"]
    node = edge["node"]
    assert node["subject"] == {"id": reg.E_OVER, "name": "上海超额有限公司", "kind": "ENTERPRISE"}
    assert node["severity"] == "MEDIUM" and node["values"]["holders"] == 2
    assert {f["provenance"]["srcRow"] for f in node["facts"]} == {8, 9}
    assert [r["rule"]["id"] for r in only["rules"]] == ["SHARES-OVER-100"]
    earlier = post(client, CROSS_CHECKS, d=reg.DAY, k=reg.AFTER_COURT, r="NAME-CONFLICT")
    assert [e["node"]["subjectId"] for e in earlier["data"]["crossChecks"]["edges"]] == ["PX"]
    bad = post(client, CROSS_CHECKS, d=reg.DAY, r="NOPE")
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # a page over the limit, asked cheaply enough that the cost limit lets it through
    too_many = post(client, "query($first: Int) { crossChecks(first: $first) { totalCount } }",
                    first=1001)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_the_command_prints_each_rule_and_writes_the_clues(tmp_path: Path) -> None:
    env = memory_env(tmp_path / "data")
    store = MemoryStore(tmp_path / "data" / "graph.credgraph")
    reg.load_registry(store, tmp_path)
    out = tmp_path / "clues.csv"
    result = invoke(["checks", "--as-of", reg.DAY, "--out", str(out), "--lang",
                                 "zh"], env=env)
    assert result.exit_code == 0, result.output
    assert f"Cross-checks on {reg.DAY}" in result.output and "(all)" in result.output
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted((r["rule"], r["subject_id"]) for r in rows) == sorted(
        (rule, c[0]) for rule, clues in reg.EXPECTED.items() for c in clues)
    over = next(r for r in rows if r["rule"] == "SHARES-OVER-100")
    assert over["subject_name"] == "上海超额有限公司" and "110.00%" in over["explanation"]
    assert "shareholdings.csv:8" in over["facts"]
    with (tmp_path / "clues.rules.csv").open(encoding="utf-8-sig") as fh:
        counts = {r["rule"]: int(r["clues"]) for r in csv.DictReader(fh)}
    assert counts == {rule: len(clues) for rule, clues in reg.EXPECTED.items()}
    book = tmp_path / "names.xlsx"
    earlier = invoke(["checks", "--as-of", reg.DAY, "--known-at", "2025-06-16",
                                  "--rule", "NAME-CONFLICT", "--out", str(book)], env=env)
    assert earlier.exit_code == 0, earlier.output
    sheet = openpyxl.load_workbook(book, read_only=True)["clues"]
    assert [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["PX"]
    bad = invoke(["checks", "--rule", "NOPE"], env=env)
    assert bad.exit_code == 2 and "no cross-check rule" in bad.output
