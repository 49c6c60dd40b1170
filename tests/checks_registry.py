"""A register written by hand for the cross-check tests: three feeds that plant exactly the
contradictions each rule of credgraph/queries/checks/rules.yaml must report, next to
near-misses that it must not. EXPECTED is worked out from the rows below, by hand.

Feeds, in recorded order:
* SAMR-registration, the registry's extract recorded 2025-06-01;
* court-enforcement, persons it names, recorded 2025-06-15 (two names differ from the
  registry's, one is the same);
* SAMR-registration again, a delta recorded 2025-06-20: it renames a person (so the court's
  name no longer agrees) and withdraws one post as a registry error.

Every question is asked on DAY.
"""

from __future__ import annotations

from pathlib import Path

from credgraph.graph.store import GraphStore
from tests.handmade import make_uscc
from tests.test_api_dataset import load_sections

DAY = "2025-06-30"
AFTER_COURT = "2025-06-16T00:00:00Z"
"""A recorded time between the court's feed and SAMR's delta."""


def _u(n: int) -> str:
    return make_uscc(f"91110000MA01{n:05d}")


A, H, M = _u(1), _u(2), _u(3)  # A is pledged; H holds A; M is the bank that lends
D1 = _u(10)  # deregistered 2020-06-01
R1 = _u(11)  # licence revoked 2023-01-01
F1 = _u(12)  # status 注销, but its deregistration is dated after DAY
S1 = _u(13)  # status 注销 and no dated event at all
E_OVER, E_100, E_TOL, E_ENDED, E_FUT = _u(20), _u(21), _u(22), _u(23), _u(24)
N1, N2, N3, N4, N5 = _u(30), _u(31), _u(32), _u(33), _u(34)
B1, B2, B3, B4, B5 = _u(40), _u(41), _u(42), _u(43), _u(44)
K = [_u(100 + i) for i in range(21)]  # 21 firms fronted by PN21
L = [_u(200 + i) for i in range(21)]  # 20 firms fronted by PN20 now, one more in the past

LLC = "有限责任公司"

ENTERPRISE_ROWS = [
    (A, "北京甲科技有限公司", LLC, "存续", "2010-01-01"),
    (H, "北京控股有限公司", LLC, "存续", "2008-01-01"),
    (M, "北京某某银行股份有限公司", "股份有限公司", "存续", "1998-01-01"),
    (D1, "北京注销一有限公司", LLC, "注销", "2005-01-01"),
    (R1, "杭州吊销一有限公司", LLC, "吊销", "2008-01-01"),
    (F1, "北京将注销有限公司", LLC, "注销", "2010-01-01"),
    (S1, "北京无日期注销有限公司", LLC, "已注销", "2009-01-01"),
    (E_OVER, "上海超额有限公司", LLC, "存续", "2015-01-01"),
    (E_100, "上海整百有限公司", LLC, "存续", "2015-01-01"),
    (E_TOL, "上海凑整有限公司", LLC, "存续", "2015-01-01"),
    (E_ENDED, "上海转让有限公司", LLC, "存续", "2015-01-01"),
    (E_FUT, "上海将增资有限公司", LLC, "存续", "2015-01-01"),
    (N1, "广州无法人一有限公司", LLC, "存续", "2015-01-01"),
    (N2, "广州无法人二有限公司", LLC, "存续", "2016-01-01"),
    (N3, "广州某某便利店", "个体工商户", "存续", "2016-01-01"),
    (N4, "广州某某有限公司天河分公司", "有限责任公司分公司", "存续", "2016-01-01"),
    (N5, "广州新设有限公司", LLC, "存续", "2025-08-01"),
    (B1, "深圳异常一有限公司", LLC, "存续", "2012-01-01"),
    (B2, "深圳异常二有限公司", LLC, "存续", "2012-01-01"),
    (B3, "深圳异常三有限公司", LLC, "存续", "2012-01-01"),
    (B4, "深圳异常四有限公司", LLC, "存续", "2012-01-01"),
    (B5, "深圳异常五有限公司", LLC, "存续", "2012-01-01"),
    *((k, f"天津壳公司{i + 1:02d}有限公司", LLC, "存续", "2018-01-01") for i, k in enumerate(K)),
    *((x, f"重庆壳公司{i + 1:02d}有限公司", LLC, "存续", "2014-01-01") for i, x in enumerate(L)),
]

PERSONS = {"PA": "张伟", "PB": "赵六", "PC": "钱七", "PD": "孙八", "PE": "周九", "PH": "吴十",
           "PM": "郑一", "PR": "冯二", "PR0": "陈三", "PF": "褚四", "PN": "卫五", "PX": "李晓明",
           "PY": "王五", "PZ": "陈静", "PW": "蒋六", "PV": "沈七", "PN21": "韩八",
           "PN20": "杨九", "PL": "朱十"}

SHAREHOLDINGS = [  # enterprise, holder, type, name, percent, start, end
    (A, "PA", "person", "张伟", "50", "2010-01-01", ""),
    (A, "PC", "person", "钱七", "20", "2012-01-01", "2023-12-31"),
    (A, H, "enterprise", "北京控股有限公司", "30", "", ""),
    (A, "PE", "person", "周九", "20", "2024-04-01", ""),
    (D1, "PD", "person", "孙八", "90", "2005-01-01", ""),
    (D1, "PY", "person", "王五", "10", "2022-01-01", ""),  # after the deregistration: a clue
    (E_OVER, "PA", "person", "张伟", "60", "2015-01-01", ""),
    (E_OVER, "PB", "person", "赵六", "50", "2016-01-01", ""),  # 110%: a clue
    (E_100, "PA", "person", "张伟", "60", "2015-01-01", ""),
    (E_100, "PB", "person", "赵六", "40", "2015-01-01", ""),
    (E_TOL, "PA", "person", "张伟", "50", "2015-01-01", ""),
    (E_TOL, "PB", "person", "赵六", "50.005", "2015-01-01", ""),  # within the tolerance
    (E_ENDED, "PA", "person", "张伟", "70", "2015-01-01", "2024-12-31"),
    (E_ENDED, "PB", "person", "赵六", "60", "2015-01-01", ""),
    (E_FUT, "PA", "person", "张伟", "50", "2015-01-01", ""),
    (E_FUT, "PB", "person", "赵六", "60", "2026-01-01", ""),  # not yet in force on DAY
]

OFFICERS = [  # enterprise, person, role, start, end
    (A, "PA", "legal_representative", "2010-01-01", ""),
    (H, "PH", "legal_representative", "2008-01-01", ""),
    (M, "PM", "legal_representative", "1998-01-01", ""),
    (D1, "PD", "legal_representative", "2005-01-01", ""),
    (D1, "PX", "director", "2021-03-01", ""),  # after the deregistration; withdrawn 06-20
    (D1, "PZ", "director", "2020-06-01", ""),  # the deregistration day itself: no clue
    (D1, "PW", "supervisor", "2021-01-01", "2021-12-31"),  # ended before DAY
    (D1, "PV", "manager", "", ""),  # no start date: cannot tell
    (R1, "PR0", "legal_representative", "2008-01-01", "2024-02-01"),
    (R1, "PR", "legal_representative", "2024-02-01", ""),  # after the revocation: a clue
    (F1, "PF", "legal_representative", "2010-01-01", ""),
    *((e, "PA", "legal_representative", "2015-01-01", "")
      for e in (E_OVER, E_100, E_TOL, E_ENDED, E_FUT)),
    (N1, "PN", "legal_representative", "2015-01-01", "2024-05-31"),  # left, nobody followed
    (N5, "PA", "legal_representative", "2025-08-01", ""),
    *((b, "PA", "legal_representative", "2012-01-01", "") for b in (B1, B2, B3, B4, B5)),
    *((k, "PN21", "legal_representative", "2018-01-01", "") for k in K),
    *((x, "PN20", "legal_representative", "2014-01-01", "") for x in L[:20]),
    (L[20], "PN20", "legal_representative", "2014-01-01", "2020-01-01"),
    (L[20], "PL", "legal_representative", "2020-01-01", ""),
]

EQUITY_PLEDGES = [  # reg_no, pledgor, pledgor type, registered_on, cancelled_on
    ("GQ-1", "PB", "person", "2024-03-01", ""),  # PB never held A: a clue
    ("GQ-2", "PA", "person", "2024-03-01", ""),
    ("GQ-3", "PC", "person", "2024-02-01", ""),  # PC's holding ended 2023-12-31: a clue
    ("GQ-4", "PE", "person", "2024-04-01", ""),  # held from that very day
    ("GQ-5", "PB", "person", "2023-01-01", "2025-01-01"),  # cancelled before DAY
    ("GQ-6", H, "enterprise", "2024-05-01", ""),  # H's holding has no start: counts as held
]

CHATTEL_MORTGAGES = [  # reg_no, mortgagor, type, registered_on, cancelled_on
    ("DY-D1", D1, "enterprise", "2019-01-01", ""),  # D1 deregistered 2020-06-01: a clue
    ("DY-D1B", D1, "enterprise", "2018-01-01", "2020-05-01"),  # cancelled before
    ("DY-R1", R1, "enterprise", "2022-01-01", ""),  # revoked, not deregistered
    ("DY-F1", F1, "enterprise", "2021-01-01", ""),  # deregistration dated after DAY
    ("DY-S1", S1, "enterprise", "2015-01-01", ""),  # status 已注销, no date: a clue
    ("DY-PA", "PA", "person", "2020-01-01", ""),  # a person mortgagor
]

LIST_ENTRIES = [  # subject, list, listed_on, removed_on
    (B1, "abnormal_operations", "2021-01-15", ""),  # 4.5 years: a clue
    (B2, "abnormal_operations", "2022-06-30", ""),  # exactly 3 years on DAY: not more
    (B3, "abnormal_operations", "2020-01-01", "2024-01-01"),  # removed
    (B4, "abnormal_operations", "2019-01-01", ""),
    (B4, "serious_illegal", "2022-01-10", ""),  # escalated
    (B5, "abnormal_operations", "2019-05-01", ""),
    (B5, "serious_illegal", "2022-05-01", "2024-06-01"),  # escalated, then removed: a clue
]

EVENTS = [(D1, "deregistered", "2020-06-01"), (R1, "licence_revoked", "2023-01-01"),
          (F1, "deregistered", "2025-09-01")]


def _csv(header: str, rows: list[tuple[str, ...]]) -> str:
    return header + "\n" + "".join(",".join(row) + "\n" for row in rows)


SAMR = {
    "manifest": "source: SAMR-registration\nextracted_at: 2025-06-01T09:00:00+08:00\n",
    "enterprises": _csv("uscc,name,type,status,established,registered_capital",
                        [(*row, "100") for row in ENTERPRISE_ROWS]),
    "persons": _csv("person_id,name,id_number",
                    [(p, n, f"1101011990010{i:05d}") for i, (p, n) in enumerate(PERSONS.items())]),
    "shareholdings": _csv("enterprise,holder,holder_type,holder_name,percent,start_date,end_date",
                          SHAREHOLDINGS),
    "officers": _csv("enterprise,person_id,role,start_date,end_date", OFFICERS),
    "equity_pledges": _csv(
        "reg_no,enterprise,pledgor,pledgor_type,pledgor_name,pledgee,pledgee_type,pledgee_name,"
        "amount,registered_on,cancelled_on",
        [(no, A, who, kind, PERSONS.get(who, "北京控股有限公司"), M, "enterprise",
          "北京某某银行股份有限公司", "10", on, off) for no, who, kind, on, off in EQUITY_PLEDGES]),
    "chattel_mortgages": _csv(
        "reg_no,mortgagor,mortgagor_type,mortgagor_name,mortgagee,mortgagee_type,mortgagee_name,"
        "secured_amount,registered_on,cancelled_on",
        [(no, who, kind, PERSONS.get(who, "抵押人"), M, "enterprise", "北京某某银行股份有限公司",
          "100", on, off) for no, who, kind, on, off in CHATTEL_MORTGAGES]),
    "list_entries": _csv("subject,subject_type,list,listed_on,removed_on",
                         [(s, "enterprise", lst, on, off) for s, lst, on, off in LIST_ENTRIES]),
    "enterprise_events": _csv("enterprise,event,date", EVENTS),
}

COURT = {
    "manifest": "source: court-enforcement\nextracted_at: 2025-06-15T09:00:00+08:00\n",
    "persons": _csv("person_id,name,id_number", [
        ("PX", "李小明", "110101********0011"),  # the registry says 李晓明: a clue
        ("PA", "张伟", "110101********0000"),  # the same name (another id number)
        ("PZ", "陈静", "110101********0013"),  # the same name, until SAMR renames PZ
    ]),
}

SAMR_DELTA = {
    "manifest": "source: SAMR-registration\nextracted_at: 2025-06-20T09:00:00+08:00\n",
    "persons": _csv("person_id,name,id_number", [("PZ", "陈晶", "110101199001000013")]),
    "officers": _csv("enterprise,person_id,role,start_date,op,op_reason",
                     [(D1, "PX", "director", "2021-03-01", "retract", "登记错误")]),
}


def load_registry(store: GraphStore, folder: Path) -> None:
    """The three feeds, in recorded order; no row may be refused."""
    load_sections(store, folder / "samr", SAMR)
    load_sections(store, folder / "court", COURT)
    load_sections(store, folder / "samr-delta", SAMR_DELTA)


EXPECTED = {
    "POST-AFTER-END": {("PY", D1), ("PR", R1)},
    "SHARES-OVER-100": {(E_OVER,)},
    "NO-LEGAL-REPRESENTATIVE": {(N1,), (N2,)},
    "PLEDGE-WITHOUT-SHARES": {("PB", "GQ-1"), ("PC", "GQ-3")},
    "MORTGAGOR-DEREGISTERED": {(D1, "DY-D1"), (S1, "DY-S1")},
    "NOMINEE-LEGAL-REPRESENTATIVE": {("PN21",)},
    "ABNORMAL-NOT-ESCALATED": {(B1,), (B5,)},
    "NAME-CONFLICT": {("PX",), ("PZ",)},
}
"""Per rule, the clues on DAY as recorded now: the subject, and what tells its clues apart
(the enterprise of a post, the registration number of a pledge or mortgage)."""

EXPECTED_AFTER_COURT = {
    **EXPECTED,
    "POST-AFTER-END": {("PX", D1), ("PY", D1), ("PR", R1)},
    "NAME-CONFLICT": {("PX",)},
}
"""The same as recorded at AFTER_COURT: the post not yet withdrawn, PZ not yet renamed."""
