"""The rule table itself: what rules.yaml says (laws, versions, roles, scope), how a malformed
table is refused (file and key named), and the free-text readings (enterprise kinds,
annulment) on hand-picked texts. No store is needed."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

import credgraph
from credgraph.exc import ConfigurationError
from credgraph.graph.vocabulary import load_vocabulary
from credgraph.queries.restrictions.rules import (
    ENGINE_NOTES,
    RuleTableError,
    load_rules,
    parse_rules,
)

RULES_TEXT = (resources.files("credgraph.queries.restrictions") / "rules.yaml").read_text(
    encoding="utf-8")


def test_laws_and_versions() -> None:
    table = load_rules()
    spans = {key: [(v.article, v.text, v.in_force_from, v.in_force_to) for v in law.versions]
             for key, law in table.laws.items()}
    assert spans == {
        "company_law": [("147", "2005", "2006-01-01", "2014-02-28"),
                        ("146", "2013", "2014-03-01", "2018-10-25"),
                        ("146", "2018", "2018-10-26", "2024-06-30"),
                        ("178", "2023", "2024-07-01", None)],
        "legal_representative_registration": [("4", "1998", "1998-04-07", "1999-06-22"),
                                              ("4", "1999", "1999-06-23", "2022-02-28")],
        "market_entity_registration": [("12", "2021", "2022-03-01", "2024-06-30"),
                                       ("12", "2021", "2024-07-01", None)],
        "enterprise_information_publicity": [("17", "2014", "2014-10-01", "2024-04-30"),
                                             ("18", "2024", "2024-05-01", None)],
    }
    company_law = table.laws["company_law"]
    assert company_law.version_on("2024-06-30").article == "146"  # type: ignore[union-attr]
    assert company_law.version_on("2024-07-01").article == "178"  # type: ignore[union-attr]
    assert company_law.version_on("2005-12-31") is None


def test_rules_bar_the_roles_and_enterprises_the_law_names() -> None:
    table = load_rules()
    vocabulary = load_vocabulary()
    assert set(table.classes["M"]) == vocabulary.senior_managers
    dsm = {"chair", "director", "supervisor", *vocabulary.senior_managers}
    legal_persons = ("company", "non_company_legal_person")
    assert {r.id: (r.barred_roles, r.scope) for r in table.rules} == {
        "CL178-2": (dsm, None), "CL178-3": (dsm, None), "CL178-4": (dsm, None),
        "CL178-5": (dsm, None),
        "LR-4": ({"legal_representative"}, legal_persons),
        "MER-12": ({"legal_representative"}, legal_persons),
        "EIP-18": ({"legal_representative", "responsible_person"}, None),
    }
    holders = {(r.id, g.item): (set(g.holders.holders), g.holders.liable)
               for r in table.rules for g in r.grounds if g.holders}
    assert holders == {
        ("CL178-3", 3): ({"chair", "director", "manager"}, "named"),
        ("CL178-4", 4): ({"legal_representative"}, "named"),
        ("LR-4", 5): ({"legal_representative", "chair", "director", "manager"}, "named"),
        ("LR-4", 6): ({"legal_representative"}, "named"),
        ("MER-12", 3): ({"legal_representative", "chair", "director", "manager"}, "named"),
        ("MER-12", 4): ({"legal_representative"}, "named"),
        ("EIP-18", None): ({"legal_representative", "responsible_person"}, None),
    }
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for rule in table.rules:
        assert cjk.search(rule.title.zh) and not cjk.search(rule.title.en), rule.id


@pytest.mark.parametrize(("recorded", "kind"), [
    ("有限责任公司（自然人投资或控股）", "company"),
    ("有限责任公司(自然人独资)", "company"),
    ("股份有限公司（上市、国有控股）", "company"),
    ("其他股份有限公司（非上市）", "company"),
    ("有限责任公司（外国法人独资）", "company"),
    ("有限责任公司分公司（自然人投资或控股）", "branch"),
    ("股份有限公司分公司（上市）", "branch"),
    ("全民所有制分支机构（非法人）", "branch"),
    ("个人独资企业", "sole_proprietorship"),
    ("普通合伙企业", "partnership"),
    ("有限合伙企业", "partnership"),
    ("合伙企业", "partnership"),
    ("个体工商户", "individual_business"),
    ("农民专业合作社", "cooperative"),
    ("全民所有制", "non_company_legal_person"),
    ("集体所有制", "non_company_legal_person"),
    ("股份合作制", "non_company_legal_person"),
    ("外国企业常驻代表机构", None),
    ("", None),
    (None, None),
])
def test_enterprise_kinds(recorded: str | None, kind: str | None) -> None:
    assert load_rules().enterprise_kind(recorded) == kind


@pytest.mark.parametrize(("reason", "annulled"), [
    ("经行政复议，列入决定被撤销", True),
    ("人民法院判决撤销列入决定", True),
    ("作出列入决定的市场监督管理部门撤销列入决定", True),
    ("列入所依据的行政处罚决定被撤销", True),
    ("行政处罚被确认违法", True),
    ("列入决定被依法撤销", True),
    ("再审改判无罪", True),
    ("信用修复，提前移出", False),
    ("当事人撤回行政诉讼后申请信用修复，提前移出", False),
    ("当事人撤回行政复议申请", False),
    ("行政复议维持原决定，后经信用修复提前移出", False),
    ("当事人诉请撤销列入决定，人民法院判决驳回诉讼请求", False),
    ("列入期满三年移出", False),
    ("", False),
])
def test_annulment_is_told_from_the_removal_reason(reason: str, annulled: bool) -> None:
    assert load_rules().removals["annulled"].matches(reason) is annulled


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  D: [chair, director]", "  D: [chair, boss]", "rules.yaml: classes.D: unknown role 'boss'"),
    ('article: "146", from: 2018-10-26, to: 2024-06-30', 'article: "146", from: 2018-10-26, '
     'to: 2024-07-01', "rules.yaml: laws.company_law: versions 2018 and 2023 overlap"),
    ("restricts: {holders: [chair, director, manager], liable: named}",
     "restricts: {holders: [chair, boss], liable: named}",
     "rules.yaml: rules.CL178-3.grounds.0: unknown role 'boss'"),
    ("      - {years: 3, certainty: candidate, note: eip_2024_other}",
     "      - {years: 3, while_listed: true, certainty: candidate, note: eip_2024_other}",
     "rules.yaml: rules.EIP-18.grounds.0.cases.6: a case has either `years` or "
     "`while_listed: true`"),
    ("{when: [false_disclosure], years: 3}", "{when: [fake_news], years: 3}",
     "rules.yaml: rules.EIP-18.grounds.0.cases.5: unknown pattern 'fake_news'"),
    ("{triggered: {to: 2021-08-31}, bars: false}", "{triggered: {to: soon}, bars: false}",
     "rules.yaml: rules.EIP-18.grounds.0.cases.2.triggered.to"),
    ("note: eip_order44_other}", "note: eip_order45_other}",
     "rules.yaml: rules.EIP-18.grounds.0.cases.4: unknown note 'eip_order45_other'"),
    ("trigger: {list: serious_illegal, subject: enterprise}",
     "trigger: {list: serious_ilegal, subject: enterprise}",
     "rules.yaml: rules.EIP-18.grounds.0: unknown list kind 'serious_ilegal'"),
    ("{triggered: {to: 2021-08-31}, bars: false}",
     "{triggered: {to: 2021-08-31}, bars: false, years: 3}",
     "rules.yaml: rules.EIP-18.grounds.0.cases.2: `bars: false` takes no window and no note"),
    ("{triggered: {to: 2024-04-30}, years: 3, certainty: candidate,\n             note: "
     "eip_order44_other}", "{triggered: {to: 2024-04-30}, years: 3, certainty: candidate}",
     "rules.yaml: rules.EIP-18.grounds.0.cases.4: a candidate case needs a `note`"),
    ("listed under SAMR Order 44 (2021) on other grounds ({reason})",
     "listed under SAMR Order 44 (2021) on other grounds ({reasons})",
     "rules.yaml: notes.eip_order44_other: a placeholder other than"),
    ("        other_enterprises_only: true\n        ends_early",
     "        other_enterprise_only: true\n        ends_early",
     "rules.yaml: rules.EIP-18.grounds.0.other_enterprise_only: Extra inputs are not permitted"),
    ("  not_named:\n", "  unnamed:\n", "rules.yaml: notes: unknown note 'not_named'"),
    ("        ends_early: [annulled]\n        # Certainty",
     "        ends_early: [annuled]\n        # Certainty",
     "rules.yaml: rules.EIP-18.grounds.0: unknown removal kind 'annuled'"),
    ("wordings: [cl2023], years: 2}", "wordings: [cl2024], years: 2}",
     "rules.yaml: rules.CL178-2.grounds.0.cases.2: unknown wording 'cl2024'"),
    ("    succeeds: LR-4", "    succeeds: LR-5", "rules.yaml: rules.MER-12: unknown rule 'LR-5'"),
    ("    scope: [company, non_company_legal_person]\n    grounds:\n      - trigger: "
     "{list: criminal_sentence}", "    scope: [company, corporation]\n    grounds:\n      - "
     "trigger: {list: criminal_sentence}",
     "rules.yaml: rules.LR-4: unknown enterprise kind 'corporation'"),
    ("  - id: CL178-3", "  - id: CL178-2", "rules.yaml: rules: rule ids must be unique"),
    ("classes:\n", "classes: [\n", "rules.yaml: not YAML"),
])
def test_a_broken_table_is_refused(old: str, new: str, message: str) -> None:
    assert old in RULES_TEXT
    with pytest.raises(RuleTableError, match=re.escape(message)) as refused:
        parse_rules(RULES_TEXT.replace(old, new, 1))
    assert isinstance(refused.value, ConfigurationError)


def test_the_product_table_parses() -> None:
    assert parse_rules(RULES_TEXT) == load_rules()


def test_no_rule_is_keyed_in_code() -> None:
    """Rule logic lives in rules.yaml: no code names a rule id or one of its notes."""
    table = load_rules()
    words = [r.id for r in table.rules] + [n for n in table.notes if n not in ENGINE_NOTES]
    code = Path(credgraph.__file__).parent
    paths = [*(code / "queries" / "restrictions").glob("*.py"), code / "api" / "restrictions.py",
             code / "screen.py"]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert not [w for w in words if w in text], path
