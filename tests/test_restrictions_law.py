"""The restriction rules read as the law texts say (docs/restriction-rules.md), on both stores,
point by point: which text applies (judged on the day asked), the 1999 provisions (LR-4),
MER Art.12's scope, EIP before and after SAMR Order 44, annulment against credit repair,
the item wordings by version, liability and the words people read.

Each case is an appointment proposed on a day at a new enterprise, with the hits expected
as (rule, certainty, version key of the text applied), written by hand from the law texts:
the day before, the day of and the day after each boundary.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from credgraph.graph.store import GraphStore
from credgraph.queries.restrictions.engine import Effect, held_against
from credgraph.queries.restrictions.rules import Certainty, parse_rules
from tests.analyses import check_appointment, check_person, hits_for_persons, scan
from tests.test_restrictions import Dataset, uscc

C, K = Certainty.CONFIRMED, Certainty.CANDIDATE
ESCALATION = "被列入经营异常名录届满3年仍未履行相关义务"
FALSE_DISCLOSURE = "公示企业信息隐瞒真实情况、弄虚作假"
OUTSIDE = uscc(9999)
"""An enterprise not in the registry: its kind cannot be told."""


def build_law() -> Dataset:
    d = Dataset(first_code=101)
    d.enterprise("NEWCO")
    d.enterprise("NEWSOE", "全民所有制")
    d.enterprise("NEWBR", "有限责任公司分公司（自然人投资或控股）")
    d.enterprise("NEWLP", "有限合伙企业")
    d.enterprise("NEWUNK", "外国企业常驻代表机构")
    d.enterprise("NEWIND", "个体工商户")
    # 1. Company Law versions: 2005 text to 2014-02-28, 2013 text to 2018-10-25, 2018 text
    # to 2024-06-30, 2023 text from 2024-07-01.
    d.listing("V05", "criminal_sentence", "2012-01-01", "因犯挪用公款罪被判处有期徒刑二年，刑罚执行完毕")
    d.listing("V13", "criminal_sentence", "2016-05-01", "因犯职务侵占罪被判处有期徒刑一年，刑罚执行完毕")
    d.listing("PROB2", "criminal_sentence", "2023-01-05",
              "因犯行贿罪被判处有期徒刑一年，缓刑一年，缓刑考验期满")
    d.listing("POLP", "criminal_sentence", "2024-09-01",
              "因犯贪污罪被判处有期徒刑三年，缓刑四年，并处剥夺政治权利二年")
    d.listing("DEBTA", "dishonest_debtor", "2023-03-01", "有履行能力而拒不履行生效法律文书确定义务")
    d.listing("DEBTB", "dishonest_debtor", "2023-03-01", "违反限制消费令")
    d.post("DEBTB", "NEWCO", "director", "2020-01-01")
    d.listing("DEBTC", "dishonest_debtor", "2024-08-01", "以虚假诉讼规避执行")
    d.enterprise("CLOSE")
    d.post("LRC", "CLOSE", "legal_representative", "2020-01-01")
    d.event("CLOSE", "ordered_closed", "2023-02-01", "LRC")
    d.enterprise("CLOSE2")
    d.post("LRD", "CLOSE2", "legal_representative", "2020-01-01")
    d.event("CLOSE2", "ordered_closed", "2024-08-01", "LRD")
    d.enterprise("REV1")
    d.post("LRR", "REV1", "legal_representative", "2015-01-01")
    d.event("REV1", "licence_revoked", "2021-06-01", "LRR")
    # 2. The provisions on legal representatives (LR-4): 1998 text from 1998-04-07, 1999
    # text from 1999-06-23 to 2022-02-28.
    d.listing("HURT2", "criminal_sentence", "2020-06-01", "因犯故意伤害罪被判处有期徒刑一年，刑罚执行完毕")
    d.enterprise("HC")
    d.post("HURT2", "HC", "legal_representative", "2021-01-01")
    d.listing("FRAUD", "criminal_sentence", "2018-01-01", "因犯诈骗罪被判处有期徒刑二年，刑罚执行完毕")
    d.listing("POL", "criminal_sentence", "2019-05-01",
              "因犯故意伤害罪被判处有期徒刑三年，剥夺政治权利一年")
    d.enterprise("BK1")
    d.post("LRB", "BK1", "legal_representative", "2015-01-01")
    d.event("BK1", "bankruptcy_liquidated", "2021-01-15", "LRB")
    d.listing("DEBTL", "dishonest_debtor", "2021-05-01", "有履行能力而拒不履行")
    d.listing("OLD", "criminal_sentence", "1998-01-01", "因犯贪污罪被判处有期徒刑二年，刑罚执行完毕")
    # 3. MER Art.12: legal representatives of companies and non-company enterprise legal
    # persons only; item (3) names the bankrupt enterprise's legal representative.
    d.listing("SCOPE", "criminal_sentence", "2023-01-01", "因犯贪污罪被判处有期徒刑一年，刑罚执行完毕")
    for name, kind in (("SCO", "股份有限公司（非上市、自然人投资或控股）"), ("SLP", "普通合伙企业"),
                       ("SUNK", "")):
        d.enterprise(name, kind)
        d.post("SCOPE", name, "legal_representative", "2020-01-01")
    d.enterprise("BK2")
    d.post("BKLR", "BK2", "legal_representative", "2018-01-01")
    d.event("BK2", "bankruptcy_liquidated", "2023-03-01", "BKLR")
    # 4. EIP: listings around SAMR Order 44 (2021-09-01) and the 2024 text (2024-05-01).
    for name, day, reason in EIP_LISTINGS:
        d.enterprise(name)
        d.listing(name, "serious_illegal", day, reason)
        d.post(f"P{name}", name, "legal_representative", "2019-01-01")
    # 5. Only an annulment ends a fixed window early.
    for name, removal in REMOVALS.items():
        d.enterprise(name)
        d.listing(name, "serious_illegal", "2022-01-10", ESCALATION, "2022-09-01", removal)
        d.post(f"P{name}", name, "legal_representative", "2019-01-01")
    d.listing("SENT2", "criminal_sentence", "2022-01-01", "因犯贪污罪被判处有期徒刑一年，刑罚执行完毕",
              "2022-06-01", "申请信用修复，提前移出")
    d.listing("SENT3", "criminal_sentence", "2022-01-01", "因犯贪污罪被判处有期徒刑一年，刑罚执行完毕",
              "2022-06-01", "经再审撤销原判，宣告无罪")
    # 7. Liability named or not; a named supervisor; a named former legal representative.
    d.enterprise("BK3")
    d.post("NDIR", "BK3", "director", "2015-01-01")
    d.post("NFORMER", "BK3", "director", "2010-01-01", "2018-12-31")
    d.enterprise("NFCO")
    d.post("NFORMER", "NFCO", "director", "2019-06-01")
    d.post("NSUP", "BK3", "supervisor", "2015-01-01")
    d.post("UDIR", "BK3", "director", "2015-01-01")
    d.post("UFORMER", "BK3", "director", "2010-01-01", "2019-12-31")
    d.post("NLR", "BK3", "legal_representative", "2015-01-01")
    d.event("BK3", "bankruptcy_liquidated", "2023-04-01", "NDIR;NFORMER;NSUP;NLR")
    d.enterprise("REV2")
    d.post("RLRF", "REV2", "legal_representative", "2015-01-01", "2020-12-31")
    d.post("RDIR", "REV2", "director", "2015-01-01")
    d.event("REV2", "licence_revoked", "2023-05-01", "RLRF;RDIR")
    return d


EIP_LISTINGS = (
    ("EA", "2021-08-31", ESCALATION),
    ("EB", "2021-08-31", "侵犯注册商标专用权"),
    ("EC", "2021-08-31", "组织策划传销"),
    ("ED", "2021-08-31", "发布虚假广告"),
    ("EE", "2021-08-31", ""),
    ("EF", "2021-09-01", "侵犯注册商标专用权"),
    ("EG", "2021-09-01", ESCALATION),
    ("EH", "2021-09-02", FALSE_DISCLOSURE),
    ("EI", "2024-04-30", ESCALATION),
    ("EM", "2024-04-30", FALSE_DISCLOSURE),
    ("EJ", "2024-05-01", ESCALATION),
    ("EK", "2024-05-01", FALSE_DISCLOSURE),
    ("EL", "2024-05-02", FALSE_DISCLOSURE),
)
REMOVALS = {
    "AN1": "当事人撤回行政诉讼后申请信用修复，提前移出",  # credit repair after withdrawing
    "AN2": "当事人撤回行政复议申请",  # withdrawal
    "AN3": "经行政复议，列入决定被撤销",  # annulled on review
    "AN4": "人民法院判决撤销列入决定",  # annulled by a court
    "AN5": "作出列入决定的市场监督管理部门撤销列入决定",  # by the deciding authority
    "AN6": "行政复议维持原决定，后经信用修复提前移出",  # upheld, then credit repair
}

LAW = build_law()
E = LAW.enterprises

Case = tuple[str, str, str, str, set[tuple[str, Certainty, str]]]
"""person, enterprise (name, or a code), role, day -> {(rule, certainty, version key)}."""

DIRECTOR, LR = "director", "legal_representative"


@pytest.fixture
def law(store: GraphStore, tmp_path: Path) -> GraphStore:
    LAW.load(store, tmp_path)
    return store


def _check(store: GraphStore, cases: list[Case]) -> None:
    got, expected = [], []
    for person, enterprise, role, day, hits in cases:
        decision = check_appointment(store, person, E.get(enterprise, enterprise), role, day)
        found = {(h.rule_id, h.certainty, h.version.key) for h in decision.hits}
        assert decision.allowed == all(c is K for _, c, _ in found)
        got.append((person, enterprise, role, day, found))
        expected.append((person, enterprise, role, day, hits))
    assert got == expected


def _note(store: GraphStore, person: str, enterprise: str, role: str, day: str) -> str:
    (hit,) = check_appointment(store, person, E.get(enterprise, enterprise), role, day).hits
    assert hit.note is not None
    return f"{hit.note.en} || {hit.note.zh}"


def test_1_company_law_text_of_the_day(law: GraphStore) -> None:
    """2014-03-01 and 2018-10-26: the article and text cited are those of the day judged."""
    _check(law, [
        ("V05", "NEWCO", DIRECTOR, "2011-12-31", set()),
        ("V05", "NEWCO", DIRECTOR, "2012-01-01", {("CL178-2", C, "2005")}),
        ("V05", "NEWCO", DIRECTOR, "2014-02-28", {("CL178-2", C, "2005")}),
        ("V05", "NEWCO", DIRECTOR, "2014-03-01", {("CL178-2", C, "2013")}),
        ("V05", "NEWCO", DIRECTOR, "2014-03-02", {("CL178-2", C, "2013")}),
        ("V05", "NEWCO", DIRECTOR, "2017-01-01", {("CL178-2", C, "2013")}),
        ("V05", "NEWCO", DIRECTOR, "2017-01-02", set()),
        ("V05", "NEWCO", LR, "2014-03-01", {("LR-4", C, "1999")}),
        ("V13", "NEWCO", DIRECTOR, "2018-10-25", {("CL178-2", C, "2013")}),
        ("V13", "NEWCO", DIRECTOR, "2018-10-26", {("CL178-2", C, "2018")}),
        ("V13", "NEWCO", DIRECTOR, "2018-10-27", {("CL178-2", C, "2018")}),
    ])
    articles = {check_appointment(law, "V05", E["NEWCO"], DIRECTOR, day).hits[0].citation.article
                for day in ("2014-02-28", "2014-03-01")}
    assert articles == {"147", "146"}


def test_1_6_probation_only_in_the_2023_text(law: GraphStore) -> None:
    """Probation ended 2023-01-05: the 2018 text bars nothing; from 2024-07-01 the 2023 text
    bars two years from the end of probation, as a candidate since the law changed after."""
    _check(law, [
        ("PROB2", "NEWCO", DIRECTOR, "2023-01-05", set()),
        ("PROB2", "NEWCO", DIRECTOR, "2024-06-30", set()),
        ("PROB2", "NEWCO", DIRECTOR, "2024-07-01", {("CL178-2", K, "2023")}),
        ("PROB2", "NEWCO", DIRECTOR, "2024-07-02", {("CL178-2", K, "2023")}),
        ("PROB2", "NEWCO", DIRECTOR, "2025-01-05", {("CL178-2", K, "2023")}),
        ("PROB2", "NEWCO", DIRECTOR, "2025-01-06", set()),
        ("PROB2", "NEWCO", LR, "2024-06-30", set()),
        ("PROB2", "NEWCO", LR, "2024-07-01", {("MER-12", K, "2021/cl2023")}),
        # 剥夺政治权利 runs from its own end, five years, suspended sentence or not.
        ("POLP", "NEWCO", DIRECTOR, "2026-09-02", {("CL178-2", C, "2023")}),
        ("POLP", "NEWCO", DIRECTOR, "2029-09-01", {("CL178-2", C, "2023")}),
        ("POLP", "NEWCO", DIRECTOR, "2029-09-02", set()),
    ])
    note = _note(law, "PROB2", "NEWCO", DIRECTOR, "2024-07-01")
    assert "law changed after the trigger: Company Law Art.146(2), 2018 text" in note
    assert "2023-01-05" in note and "触发后法律变更" in note
    mer = _note(law, "PROB2", "NEWCO", LR, "2024-07-01")
    assert "Market Entity Registration Regulation Art.12(2), 2021 text" in mer


def test_6_debt_wording_by_version(law: GraphStore) -> None:
    """Before 2024-07-01: a large personal debt unpaid, which a listing for not paying only
    suggests (candidate), other listings none; the 2023 text: a listing for a large debt
    confirmed, for other grounds a candidate."""
    _check(law, [
        ("DEBTA", "NEWCO", DIRECTOR, "2023-02-28", set()),
        ("DEBTA", "NEWCO", DIRECTOR, "2023-03-01", {("CL178-5", K, "2018")}),
        ("DEBTA", "NEWCO", DIRECTOR, "2024-06-30", {("CL178-5", K, "2018")}),
        ("DEBTA", "NEWCO", DIRECTOR, "2024-07-01", {("CL178-5", C, "2023")}),
        ("DEBTA", "NEWCO", DIRECTOR, "2024-07-02", {("CL178-5", C, "2023")}),
        ("DEBTA", "NEWCO", LR, "2024-06-30", {("MER-12", K, "2021/cl2005")}),
        ("DEBTA", "NEWCO", LR, "2024-07-01", {("MER-12", C, "2021/cl2023")}),
        ("DEBTB", "NEWSOE", DIRECTOR, "2024-06-30", set()),
        ("DEBTB", "NEWSOE", DIRECTOR, "2024-07-01", {("CL178-5", K, "2023")}),
        ("DEBTC", "NEWCO", DIRECTOR, "2024-08-01", {("CL178-5", K, "2023")}),
    ])
    assert "a clerk must check that it is personal and large" in _note(
        law, "DEBTA", "NEWCO", DIRECTOR, "2024-06-30")
    other = _note(law, "DEBTB", "NEWSOE", DIRECTOR, "2024-07-01")
    assert "law changed after the trigger" in other and "违反限制消费令" in other
    later = _note(law, "DEBTC", "NEWCO", DIRECTOR, "2024-08-01")
    assert "other grounds (以虚假诉讼规避执行)" in later and "law changed" not in later
    # A post held since 2020 must be given up once the 2023 text covers the listing.
    rows = {(i.hit.person_id, i.hit.rule_id, i.certainty, i.affected.effect)
            for i in scan(law, "2024-07-01") if i.hit.person_id == "DEBTB"}
    assert rows == {("DEBTB", "CL178-5", K, Effect.MUST_REMOVE)}
    assert not [i for i in scan(law, "2024-06-30") if i.hit.person_id == "DEBTB"]


def test_6_closure_only_in_the_2023_text(law: GraphStore) -> None:
    _check(law, [
        ("LRC", "NEWCO", DIRECTOR, "2023-02-01", set()),
        ("LRC", "NEWCO", DIRECTOR, "2024-06-30", set()),
        ("LRC", "NEWCO", DIRECTOR, "2024-07-01", {("CL178-4", K, "2023")}),
        ("LRC", "NEWCO", DIRECTOR, "2026-02-01", {("CL178-4", K, "2023")}),
        ("LRC", "NEWCO", DIRECTOR, "2026-02-02", set()),
        ("LRC", "NEWCO", LR, "2024-07-01", {("MER-12", K, "2021/cl2023")}),
        ("LRD", "NEWCO", DIRECTOR, "2024-07-31", set()),
        ("LRD", "NEWCO", DIRECTOR, "2024-08-01", {("CL178-4", C, "2023")}),
        ("LRD", "NEWCO", DIRECTOR, "2027-08-01", {("CL178-4", C, "2023")}),
        ("LRD", "NEWCO", DIRECTOR, "2027-08-02", set()),
    ])


def test_2_lr4_until_mer_replaced_it(law: GraphStore) -> None:
    """2022-03-01: the 1999 provisions (every crime, 3 or 5 years) give way to MER Art.12
    (the Company Law's crimes only); 1998-04-07 and 1999-06-23: the provisions' two texts."""
    _check(law, [
        ("HURT2", "NEWCO", LR, "2020-05-31", set()),
        ("HURT2", "NEWCO", LR, "2020-06-01", {("LR-4", C, "1999")}),
        ("HURT2", "NEWCO", LR, "2022-02-28", {("LR-4", C, "1999")}),
        ("HURT2", "NEWCO", LR, "2022-03-01", set()),
        ("HURT2", "NEWCO", LR, "2022-03-02", set()),
        ("HURT2", "NEWCO", DIRECTOR, "2021-01-01", set()),
        ("FRAUD", "NEWCO", LR, "2021-06-01", {("LR-4", C, "1999")}),  # 侵犯财产罪: 5 years
        ("FRAUD", "NEWCO", LR, "2022-03-01", set()),
        ("FRAUD", "NEWCO", DIRECTOR, "2019-01-01", set()),
        ("POL", "NEWCO", LR, "2022-02-28", {("LR-4", C, "1999")}),
        ("POL", "NEWCO", LR, "2022-03-01", {("MER-12", C, "2021/cl2005")}),
        ("POL", "NEWCO", LR, "2024-05-01", {("MER-12", C, "2021/cl2005")}),
        ("POL", "NEWCO", LR, "2024-05-02", set()),
        ("POL", "NEWCO", DIRECTOR, "2024-05-01", {("CL178-2", C, "2018")}),
        ("LRB", "NEWCO", LR, "2021-06-01", {("LR-4", C, "1999")}),
        ("LRB", "NEWCO", LR, "2022-03-01", {("MER-12", C, "2021/cl2005")}),
        ("LRB", "NEWCO", DIRECTOR, "2021-06-01", set()),
        ("LRR", "NEWCO", LR, "2021-05-31", set()),
        ("LRR", "NEWCO", LR, "2021-06-01", {("LR-4", C, "1999")}),
        ("LRR", "NEWCO", LR, "2022-02-28", {("LR-4", C, "1999")}),
        ("LRR", "NEWCO", LR, "2022-03-01", {("MER-12", C, "2021/cl2005")}),
        ("LRR", "NEWCO", LR, "2024-06-01", {("MER-12", C, "2021/cl2005")}),
        ("LRR", "NEWCO", LR, "2024-06-02", set()),
        ("LRR", "NEWCO", DIRECTOR, "2021-06-01", {("CL178-4", C, "2018")}),
        ("DEBTL", "NEWCO", LR, "2021-06-01", {("LR-4", K, "1999")}),
        ("DEBTL", "NEWCO", DIRECTOR, "2021-06-01", {("CL178-5", K, "2018")}),
        ("OLD", "NEWCO", LR, "1998-04-06", set()),
        ("OLD", "NEWCO", LR, "1998-04-07", {("LR-4", C, "1998")}),
        ("OLD", "NEWCO", LR, "1999-06-22", {("LR-4", C, "1998")}),
        ("OLD", "NEWCO", LR, "1999-06-23", {("LR-4", C, "1999")}),
        ("OLD", "NEWCO", LR, "1999-06-24", {("LR-4", C, "1999")}),
        ("OLD", "NEWCO", DIRECTOR, "1999-06-23", set()),
        # Enterprise legal persons only: not a partnership; an unknown kind is for review.
        ("POL", "NEWSOE", LR, "2021-01-01", {("LR-4", C, "1999")}),
        ("POL", "NEWLP", LR, "2021-01-01", set()),
        ("POL", "NEWUNK", LR, "2021-01-01", {("LR-4", K, "1999")}),
    ])
    hit = check_appointment(law, "LRR", E["NEWCO"], LR, "2021-06-01").hits[0]
    assert "Art.4(6), 1999 text" in hit.citation.en and "第4条第（六）项" in hit.citation.zh


def test_2_void_under_a_repealed_text(law: GraphStore) -> None:
    """HURT2 became a legal representative in 2021, inside the 1999 provisions' window: the
    appointment stays VOID after their repeal while that window lasts (to 2023-06-01),
    though nothing bars HURT2 from 2022-03-01."""
    def rows(day: str) -> set[tuple[str, str, str, Effect]]:
        return {(i.hit.rule_id, i.hit.version.key, i.affected.appointment.enterprise_id,
                 i.affected.effect) for i in scan(law, day) if i.hit.person_id == "HURT2"}

    void = {("LR-4", "1999", E["HC"], Effect.VOID)}
    assert rows("2022-02-28") == void
    assert rows("2022-06-01") == void
    assert rows("2023-06-01") == void
    assert rows("2023-06-02") == set()
    assert check_person(law, "HURT2", "2022-06-01").hits == ()


def test_3_mer12_scope(law: GraphStore) -> None:
    day = "2024-01-01"
    mer = {("MER-12", C, "2021/cl2005")}
    _check(law, [
        ("SCOPE", "NEWCO", LR, day, mer),
        ("SCOPE", "NEWSOE", LR, day, mer),
        ("SCOPE", "NEWBR", LR, day, set()),
        ("SCOPE", "NEWBR", "responsible_person", day, set()),
        ("SCOPE", "NEWLP", LR, day, set()),
        ("SCOPE", "NEWIND", LR, day, set()),
        ("SCOPE", "NEWUNK", LR, day, {("MER-12", K, "2021/cl2005")}),
        ("SCOPE", OUTSIDE, LR, day, {("MER-12", K, "2021/cl2005")}),
        ("BKLR", "NEWCO", LR, day, mer),
        ("BKLR", "NEWCO", DIRECTOR, day, set()),
    ])
    assert "enterprise type unknown (外国企业常驻代表机构)" in _note(law, "SCOPE", "NEWUNK", LR, day)
    (hit,) = check_person(law, "SCOPE", day).hits[1:]  # CL178-2 first, then MER-12
    assert hit.rule_id == "MER-12" and hit.certainty is C
    assert {(a.appointment.enterprise_id, a.effect, a.certainty) for a in hit.affected_on(day)} \
        == {(E["SCO"], Effect.MUST_REMOVE, C), (E["SUNK"], Effect.MUST_REMOVE, K)}
    by_certainty = {(i.certainty, i.affected.appointment.enterprise_id)
                    for i in scan(law, day) if i.hit.person_id == "SCOPE"}
    assert by_certainty == {(C, E["SCO"]), (K, E["SUNK"])}
    assert {i.affected.appointment.enterprise_id for i in scan(law, day, K)
            if i.hit.person_id == "SCOPE"} == {E["SUNK"]}


def test_4_eip18_listing_date_decides(law: GraphStore) -> None:
    """Before SAMR Order 44 (2021-09-01) only the 3-year escalation bars; from then other
    reasons are candidates; from 2024-05-01 false disclosure confirms, the rest is open."""
    cases: list[Case] = [
        ("PEA", "NEWCO", LR, "2021-08-31", {("EIP-18", C, "2014")}),
        ("PEA", "NEWCO", LR, "2024-08-31", {("EIP-18", C, "2024")}),
        ("PEA", "NEWCO", LR, "2024-09-01", set()),
        ("PEA", "NEWBR", "responsible_person", "2022-01-01", {("EIP-18", C, "2014")}),
        ("PEA", "EA", LR, "2022-01-01", set()),  # its own enterprise is not "another"
        ("PEB", "NEWCO", LR, "2022-01-01", set()),
        ("PEC", "NEWCO", LR, "2022-01-01", set()),
        ("PED", "NEWCO", LR, "2022-01-01", set()),
        ("PEE", "NEWCO", LR, "2022-01-01", {("EIP-18", K, "2014")}),
        ("PEF", "NEWCO", LR, "2022-01-01", {("EIP-18", K, "2014")}),
        ("PEG", "NEWCO", LR, "2022-01-01", {("EIP-18", C, "2014")}),
        ("PEG", "NEWCO", LR, "2024-04-30", {("EIP-18", C, "2014")}),
        ("PEG", "NEWCO", LR, "2024-05-01", {("EIP-18", C, "2024")}),
        ("PEG", "NEWCO", LR, "2024-05-02", {("EIP-18", C, "2024")}),
        ("PEH", "NEWCO", LR, "2022-01-01", {("EIP-18", K, "2014")}),
        ("PEI", "NEWCO", LR, "2024-04-30", {("EIP-18", C, "2014")}),
        ("PEM", "NEWCO", LR, "2024-04-30", {("EIP-18", K, "2014")}),
        ("PEJ", "NEWCO", LR, "2024-05-01", {("EIP-18", K, "2024")}),
        ("PEK", "NEWCO", LR, "2024-05-01", {("EIP-18", C, "2024")}),
        ("PEL", "NEWCO", LR, "2024-05-02", {("EIP-18", C, "2024")}),
        ("PEL", "NEWCO", DIRECTOR, "2024-05-02", set()),
    ]
    _check(law, cases)
    assert "no reason" in _note(law, "PEE", "NEWCO", LR, "2022-01-01")
    assert "SAMR Order 44" in _note(law, "PEF", "NEWCO", LR, "2022-01-01")
    assert "whether the 2024 text bars" in _note(law, "PEJ", "NEWCO", LR, "2024-05-01")


def test_5_only_annulment_ends_the_window(law: GraphStore) -> None:
    cases: list[Case] = []
    for name in REMOVALS:
        annulled = name in ("AN3", "AN4", "AN5")
        cases += [
            (f"P{name}", "NEWCO", LR, "2022-08-31", {("EIP-18", C, "2014")}),
            (f"P{name}", "NEWCO", LR, "2022-09-01", set() if annulled
             else {("EIP-18", C, "2014")}),
            (f"P{name}", "NEWCO", LR, "2025-01-10", set() if annulled
             else {("EIP-18", C, "2024")}),
            (f"P{name}", "NEWCO", LR, "2025-01-11", set()),
        ]
    cases += [
        ("SENT2", "NEWCO", DIRECTOR, "2022-06-01", {("CL178-2", C, "2018")}),
        ("SENT2", "NEWCO", DIRECTOR, "2027-01-01", {("CL178-2", C, "2023")}),
        ("SENT2", "NEWCO", DIRECTOR, "2027-01-02", set()),
        ("SENT3", "NEWCO", DIRECTOR, "2022-05-31", {("CL178-2", C, "2018")}),
        ("SENT3", "NEWCO", DIRECTOR, "2022-06-01", set()),
    ]
    _check(law, cases)


def test_7_liability(law: GraphStore) -> None:
    """Named and holding a named role at any time: confirmed, even after leaving; a holder
    on the day not named: candidate; a named supervisor or director (for a revocation): no."""
    day = "2024-01-01"
    _check(law, [
        ("NDIR", "NEWCO", DIRECTOR, day, {("CL178-3", C, "2018")}),
        ("NDIR", "NEWCO", LR, day, {("MER-12", C, "2021/cl2005")}),
        ("NFORMER", "NEWCO", DIRECTOR, day, {("CL178-3", C, "2018")}),
        ("NFORMER", "NEWCO", LR, day, {("MER-12", C, "2021/cl2005")}),
        ("NSUP", "NEWCO", DIRECTOR, day, set()),
        ("NSUP", "NEWCO", LR, day, set()),
        ("UDIR", "NEWCO", DIRECTOR, day, {("CL178-3", K, "2018")}),
        ("UDIR", "NEWCO", LR, day, {("MER-12", K, "2021/cl2005")}),
        ("UFORMER", "NEWCO", DIRECTOR, day, set()),
        ("NLR", "NEWCO", DIRECTOR, day, set()),
        ("NLR", "NEWCO", LR, day, {("MER-12", C, "2021/cl2005")}),
        ("RLRF", "NEWCO", DIRECTOR, day, {("CL178-4", C, "2018")}),
        ("RLRF", "NEWCO", LR, day, {("MER-12", C, "2021/cl2005")}),
        ("RDIR", "NEWCO", DIRECTOR, day, set()),
        ("RDIR", "NEWCO", LR, day, set()),
    ])
    assert "personally liable" in _note(law, "UDIR", "NEWCO", DIRECTOR, day)
    former = {(i.hit.rule_id, i.affected.appointment.enterprise_id, i.affected.effect)
              for i in scan(law, day) if i.hit.person_id == "NFORMER"}
    assert former == {("CL178-3", E["NFCO"], Effect.MUST_REMOVE)}


def test_8_words_in_chinese_and_english(law: GraphStore) -> None:
    before = check_appointment(law, "DEBTA", E["NEWCO"], DIRECTOR, "2024-06-30").hits[0]
    after = check_appointment(law, "DEBTA", E["NEWCO"], DIRECTOR, "2024-07-01").hits[0]
    assert "Art.146(5), 2018 text" in before.citation.en
    assert "第146条第（五）项" in before.citation.zh and "2018年文本" in before.citation.zh
    assert "Art.178(5), 2023 text" in after.citation.en and "第178条" in after.citation.zh
    assert before.title.zh.startswith("个人所负数额较大的债务到期未清偿")
    assert before.title.en.startswith("a large personal debt due and unpaid")
    assert before.note is not None and "须核查债务是否为个人所负" in before.note.zh


def test_scan_agrees_with_person_checks(law: GraphStore) -> None:
    """Named former holders and every reading above: the registry-wide gathering and the
    per-person one find the same items."""
    for day in ("2021-06-01", "2022-06-01", "2024-01-01", "2024-07-01"):
        from_scan = {(i.hit.person_id, i.hit.rule_id, i.hit.trigger.id, i.affected.appointment.key)
                     for i in scan(law, day)}
        hits = [h for found in hits_for_persons(law, sorted(LAW.persons), day, day).values()
                for h in found]
        assert from_scan == {(h.person_id, h.rule_id, h.trigger.id, a.appointment.key)
                             for h, a in held_against(hits, day)}, day
        assert from_scan, day


RULES_TEXT = (resources.files("credgraph.queries.restrictions") / "rules.yaml").read_text(
    encoding="utf-8")


def test_a_new_version_is_a_data_change(law: GraphStore) -> None:
    """The 1993 Company Law (Art.57, same items) added as data makes OLD's 1998 sentence bar
    a director appointment in 1999; nothing else changes."""
    old = '      - {key: "2005", text: "2005", article: "147", from: 2006-01-01, to: 2014-02-28,'
    text = RULES_TEXT.replace(old, '      - {key: "1993", text: "1993", article: "57", '
                                   'from: 1994-07-01, to: 2005-12-31, wording: cl2005}\n' + old)
    assert text != RULES_TEXT
    decision = check_appointment(law, "OLD", E["NEWCO"], DIRECTOR, "1999-06-23",
                                 parse_rules(text))
    assert [(h.rule_id, h.citation.article, h.version.text) for h in decision.hits] == [
        ("CL178-2", "57", "1993")]
    assert check_appointment(law, "OLD", E["NEWCO"], DIRECTOR, "1999-06-23").hits == ()
