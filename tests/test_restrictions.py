"""Appointment restrictions (docs/restriction-rules.md) on both stores: every rule inside, at the edge of and
outside its window, versions, certainty, VOID versus MUST_REMOVE, and the evidence.

The world below is written as dataset files and loaded, so every fact carries real
provenance. Dates are chosen so that each case sits on one boundary; the expected
answers are worked out by hand from the rules, not by the engine.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from credgraph.exc import BadInputError, NotFoundError
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset
from credgraph.queries.restrictions.engine import Effect, effect_of
from credgraph.queries.restrictions.facts import Appointment, Provenance
from credgraph.queries.restrictions.rules import (
    Certainty,
    RuleTableError,
    add_years,
    load_rules,
    parse_rules,
)
from credgraph.queries.restrictions.service import PersonCheck, decode_cursor, page
from tests.analyses import check_appointment, check_person, hits_for_persons, scan
from tests.handmade import make_uscc

C, K = Certainty.CONFIRMED, Certainty.CANDIDATE
VOID, MUST = Effect.VOID, Effect.MUST_REMOVE


def uscc(n: int) -> str:
    return make_uscc(f"91440300MA5F{n:05d}")


@dataclass
class Dataset:
    """A dataset folder in the dataset layout, built row by row."""

    enterprises: dict[str, str] = field(default_factory=dict)
    persons: dict[str, str] = field(default_factory=dict)
    officers: list[list[str]] = field(default_factory=list)
    lists: list[list[str]] = field(default_factory=list)
    events: list[list[str]] = field(default_factory=list)

    def enterprise(self, name: str) -> str:
        code = uscc(len(self.enterprises) + 1)
        self.enterprises[name] = code
        return code

    def post(self, person: str, enterprise: str, role: str, start: str, end: str = "") -> None:
        self.persons.setdefault(person, f"姓名{person}")
        self.officers.append([self.enterprises[enterprise], person, role, start, end])

    def listing(self, subject: str, kind: str, listed_on: str, reason: str = "",
                removed_on: str = "", removal_reason: str = "") -> None:
        subject_type = "enterprise" if subject in self.enterprises else "person"
        if subject_type == "person":
            self.persons.setdefault(subject, f"姓名{subject}")
        code = self.enterprises.get(subject, subject)
        self.lists.append([code, subject_type, kind, reason, "某机关", listed_on, removed_on,
                           removal_reason, ""])

    def event(self, enterprise: str, kind: str, day: str, liable: str = "",
              reason: str = "违法") -> None:
        self.events.append([self.enterprises[enterprise], kind, day, reason, "某机关", liable])

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        tables: dict[str, tuple[list[str], list[list[str]]]] = {
            "enterprises": (["uscc", "name"], [[c, n] for n, c in self.enterprises.items()]),
            "persons": (["person_id", "name"], [[p, n] for p, n in self.persons.items()]),
            "officers": (["enterprise", "person_id", "role", "start_date", "end_date"],
                         self.officers),
            "list_entries": (["subject", "subject_type", "list", "reason", "authority",
                              "listed_on", "removed_on", "removal_reason", "doc_no"], self.lists),
            "enterprise_events": (["enterprise", "event", "date", "reason", "authority",
                                   "liable_persons"], self.events),
        }
        for name, (header, rows) in tables.items():
            with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(header)
                writer.writerows(rows)
        return folder

    def load(self, store: GraphStore, tmp_path: Path) -> None:
        report = load_dataset(self.write(tmp_path / "dataset"), store,
                              rejects_path=tmp_path / "rejects.csv")
        assert report.rejected == 0, (tmp_path / "rejects.csv").read_text(encoding="utf-8")
        store.commit()


def build_world() -> Dataset:
    d = Dataset()
    for name in ("A", "B", "C", "D", "X", "Y", "BANK", "REV", "CLOSED",
                 "SI1", "SI2", "SI3", "SI4", "SI5", "SI6", "SI7", "SI8", "SI9"):
        d.enterprise(name)
    # CL178-2 / MER-12(2): criminal sentences
    d.listing("EMB", "criminal_sentence", "2020-03-10", "因犯贪污罪被判处有期徒刑三年，刑罚执行完毕")
    d.post("EMB", "A", "director", "2019-01-01")
    d.post("EMB", "B", "manager", "2021-05-01")
    d.post("EMB", "C", "legal_representative", "2021-05-01")
    d.post("EMB", "D", "supervisor", "2010-01-01", "2019-12-31")
    d.post("EMB", "X", "partner", "2021-01-01")
    d.listing("PROB", "criminal_sentence", "2024-08-01",
              "因犯行贿罪被判处有期徒刑二年，缓刑三年，缓刑考验期满")
    d.post("PROB", "A", "legal_representative", "2020-01-01")
    d.post("PROB", "B", "director", "2025-01-01")
    d.listing("REVPROB", "criminal_sentence", "2023-01-05",
              "因犯受贿罪被判处有期徒刑一年，缓刑二年，后撤销缓刑，刑罚执行完毕")
    d.post("REVPROB", "C", "director", "2020-01-01")
    d.listing("ACQUIT", "criminal_sentence", "2023-01-01", "因犯职务侵占罪被判处有期徒刑二年，刑罚执行完毕",
              "2023-06-01", "再审改判无罪")
    d.post("ACQUIT", "B", "director", "2023-03-01")
    d.listing("HURT", "criminal_sentence", "2023-01-01", "因犯故意伤害罪被判处有期徒刑一年，刑罚执行完毕")
    d.post("HURT", "A", "director", "2020-01-01")
    d.listing("NOREASON", "criminal_sentence", "2023-01-01")
    d.post("NOREASON", "C", "director", "2020-01-01")
    # CL178-5 / MER-12(5): dishonest debtors
    d.listing("DEBT", "dishonest_debtor", "2022-01-01", "有履行能力而拒不履行", "2023-06-01",
              "全部履行完毕")
    d.post("DEBT", "X", "director", "2018-01-01")
    d.listing("DEBT2", "dishonest_debtor", "2023-01-01", "违反财产报告制度")
    d.post("DEBT2", "Y", "legal_representative", "2023-06-01")
    d.post("DEBT2", "Y", "cfo", "2022-01-01")
    d.listing("CONS", "consumption_restricted", "2023-01-01", "未履行给付义务")
    d.post("CONS", "A", "director", "2020-01-01")
    # CL178-3 / MER-12(3): bankruptcy liquidation completed 2022-06-30
    d.post("DIR1", "BANK", "director", "2015-01-01")
    d.post("DIR1", "D", "chair", "2018-01-01")
    d.post("DIR1", "D", "legal_representative", "2018-01-01")
    d.post("DIR1", "C", "director", "2022-07-01")
    d.post("MGR1", "BANK", "manager", "2016-01-01")
    d.post("MGR1", "A", "director", "2023-01-01")
    d.post("LEFT", "BANK", "director", "2015-01-01", "2022-01-01")
    d.post("LEFT", "B", "director", "2022-08-01")
    d.post("LEFTSAME", "BANK", "director", "2015-01-01", "2022-06-30")
    d.post("LEFTSAME", "B", "supervisor", "2022-08-01")
    d.post("SUP", "BANK", "supervisor", "2015-01-01")
    d.post("SUP", "A", "supervisor", "2023-01-01")
    d.event("BANK", "bankruptcy_liquidated", "2022-06-30", "DIR1")
    # CL178-4 / MER-12(4): licence revoked (nobody named), ordered closed (LR3 named)
    d.post("LR2", "REV", "legal_representative", "2019-01-01")
    d.post("LR2", "X", "manager", "2020-01-01")
    d.post("LR2", "Y", "legal_representative", "2023-01-01")
    d.post("DIRREV", "REV", "director", "2019-01-01")
    d.post("DIRREV", "A", "director", "2023-01-01")
    d.event("REV", "licence_revoked", "2022-05-10", "", "连续六个月未开业")
    d.post("LR3", "CLOSED", "legal_representative", "2020-01-01")
    d.post("LR3", "A", "director", "2023-02-01")
    d.event("CLOSED", "ordered_closed", "2023-02-01", "LR3;DIR1", "违反环境保护法律法规")
    # EIP-18: serious illegal list
    d.listing("SI1", "serious_illegal", "2023-03-01", "公示企业信息隐瞒真实情况、弄虚作假")
    d.post("SILR1", "SI1", "legal_representative", "2020-01-01")
    d.post("SILR1", "X", "legal_representative", "2023-03-01")
    d.post("SILR1", "X", "director", "2020-01-01")
    d.post("SILEFT", "SI1", "legal_representative", "2015-01-01", "2019-12-31")
    d.post("SILEFT", "Y", "legal_representative", "2023-06-01")
    d.listing("SI2", "serious_illegal", "2023-06-01", "被列入经营异常名录届满3年仍未履行相关义务")
    d.post("SILR2", "SI2", "legal_representative", "2019-01-01")
    d.post("SILR2", "Y", "responsible_person", "2022-01-01")
    d.listing("SI3", "serious_illegal", "2024-04-30", "被列入经营异常名录届满3年仍未履行相关义务")
    d.post("SILR3", "SI3", "legal_representative", "2019-01-01")
    d.post("SILR3", "B", "legal_representative", "2024-06-01")
    d.listing("SI4", "serious_illegal", "2024-05-01", "公示企业信息隐瞒真实情况、弄虚作假")
    d.post("SILR4", "SI4", "legal_representative", "2019-01-01")
    d.post("SILR4", "D", "legal_representative", "2025-01-01")
    d.listing("SI5", "serious_illegal", "2024-05-01", "被列入经营异常名录届满3年仍未履行相关义务")
    d.post("SILR5", "SI5", "legal_representative", "2019-01-01")
    d.post("SILR5", "C", "legal_representative", "2024-06-01")
    d.listing("SI6", "serious_illegal", "2022-01-10", "公示企业信息隐瞒真实情况、弄虚作假",
              "2022-09-01", "列入决定被依法撤销")
    d.post("SILR6", "SI6", "legal_representative", "2019-01-01")
    d.post("SILR6", "A", "legal_representative", "2022-02-01")
    d.listing("SI7", "serious_illegal", "2021-03-01", "公示企业信息隐瞒真实情况、弄虚作假",
              "2022-04-01", "信用修复，提前移出")
    d.post("SILR7", "SI7", "legal_representative", "2019-01-01")
    d.post("SILR7", "B", "legal_representative", "2018-01-01")
    d.listing("SI8", "serious_illegal", "2014-09-30", "公示企业信息隐瞒真实情况、弄虚作假")
    d.post("SILR8", "SI8", "legal_representative", "2010-01-01")
    d.post("SILR8", "B", "legal_representative", "2014-12-01")
    d.listing("SI9", "serious_illegal", "2024-07-01", "因食品安全违法行为受到较重行政处罚")
    d.post("SILR9", "SI9", "legal_representative", "2019-01-01")
    d.post("SILR9", "D", "legal_representative", "2020-01-01")
    return d


WORLD = build_world()
E = WORLD.enterprises

Summary = dict[tuple[str, Certainty, str, str | None], set[tuple[str, str, Effect]]]


def summary(check: PersonCheck) -> Summary:
    """Each hit in force as (rule, certainty, window start, window end) -> current posts."""
    return {
        (h.rule_id, h.certainty, h.window_start, h.window_end): {
            (a.appointment.enterprise_id, a.appointment.role, a.effect)
            for a in h.affected_on(check.day)
        }
        for h in check.hits
    }


@pytest.fixture
def world(store: GraphStore, tmp_path: Path) -> GraphStore:
    WORLD.load(store, tmp_path)
    return store


def test_cl178_2_window_edges_and_effects(world: GraphStore) -> None:
    """Sentence served 2020-03-10 (2018 text): restricted through 2025-03-10."""
    assert check_person(world, "EMB", "2020-03-09").hits == ()
    window = ("CL178-2", C, "2020-03-10", "2025-03-11")
    first = check_person(world, "EMB", "2020-03-10")
    assert summary(first) == {window: {(E["A"], "director", MUST)}}
    for day in ("2023-01-01", "2025-03-10"):
        check = check_person(world, "EMB", day)
        assert summary(check) == {window: {(E["A"], "director", MUST),
                                           (E["B"], "manager", VOID)}}, day
        assert check.disqualified and not check.needs_review
    after = check_person(world, "EMB", "2025-03-11")
    assert after.hits == () and not after.disqualified
    hit = check_person(world, "EMB", "2023-01-01").hits[0]
    assert hit.citation.article == "146" and hit.citation.version == "2018"
    assert hit.last_day == "2025-03-10"
    assert "Art.146(2)" in str(hit.citation)


def test_cl178_2_suspended_sentence_two_years_and_mer12(world: GraphStore) -> None:
    """Probation ended 2024-08-01 (2023 text): two years, through 2026-08-01."""
    expected = {
        ("CL178-2", C, "2024-08-01", "2026-08-02"): {(E["B"], "director", VOID)},
        ("MER-12", C, "2024-08-01", "2026-08-02"): {(E["A"], "legal_representative", MUST)},
    }
    assert summary(check_person(world, "PROB", "2026-08-01")) == expected
    assert check_person(world, "PROB", "2026-08-02").hits == ()
    hit = check_person(world, "PROB", "2025-06-01").hits[0]
    assert (hit.citation.article, hit.citation.version) == ("178", "2023")
    # A revoked probation (撤销缓刑) is a served sentence: five years.
    revoked = check_person(world, "REVPROB", "2028-01-05")
    assert summary(revoked) == {
        ("CL178-2", C, "2023-01-05", "2028-01-06"): {(E["C"], "director", MUST)},
        ("MER-12", C, "2023-01-05", "2028-01-06"): set(),
    }


def test_cl178_2_sentence_overturned_ends_the_window(world: GraphStore) -> None:
    assert summary(check_person(world, "ACQUIT", "2023-05-31")) == {
        ("CL178-2", C, "2023-01-01", "2023-06-01"): {(E["B"], "director", VOID)},
        ("MER-12", C, "2023-01-01", "2023-06-01"): set(),
    }
    assert check_person(world, "ACQUIT", "2023-06-01").hits == ()


def test_cl178_2_only_qualifying_crimes(world: GraphStore) -> None:
    assert check_person(world, "HURT", "2024-01-01").hits == ()
    unstated = check_person(world, "NOREASON", "2024-01-01")
    assert summary(unstated) == {
        ("CL178-2", K, "2023-01-01", "2028-01-02"): {(E["C"], "director", MUST)},
        ("MER-12", K, "2023-01-01", "2028-01-02"): set(),
    }
    assert unstated.needs_review and not unstated.disqualified
    assert "not recorded" in (unstated.hits[0].note or "")


def test_mer12_needs_a_trigger_after_it_came_into_force(world: GraphStore) -> None:
    """EMB's sentence was served before 2022-03-01: MER-12 has no version then."""
    rules = {h.rule_id for h in check_person(world, "EMB", "2023-01-01").hits}
    assert rules == {"CL178-2"}
    decision = check_appointment(world, "EMB", E["Y"], "legal_representative", "2023-01-01")
    assert decision.allowed and decision.hits == ()


def test_cl178_5_while_listed_and_removed_early(world: GraphStore) -> None:
    """DEBT was listed 2022-01-01, before MER-12 came into force: Company Law only."""
    expected = {("CL178-5", C, "2022-01-01", "2023-06-01"): {(E["X"], "director", MUST)}}
    assert summary(check_person(world, "DEBT", "2023-05-31")) == expected
    assert check_person(world, "DEBT", "2023-06-01").hits == ()
    assert check_person(world, "DEBT", "2021-12-31").hits == ()
    still = check_person(world, "DEBT2", "2030-01-01")
    assert summary(still) == {
        ("CL178-5", C, "2023-01-01", None): {(E["Y"], "cfo", MUST)},
        ("MER-12", C, "2023-01-01", None): {(E["Y"], "legal_representative", VOID)},
    }
    assert check_person(world, "CONS", "2024-01-01").hits == ()


def test_cl178_3_bankruptcy_liable_confirmed_others_candidates(world: GraphStore) -> None:
    """Liquidation completed 2022-06-30: directors and manager then, 3 years."""
    day = "2025-06-30"
    assert summary(check_person(world, "DIR1", day)) == {
        ("CL178-3", C, "2022-06-30", "2025-07-01"): {
            (E["C"], "director", VOID), (E["D"], "chair", MUST)},
        ("MER-12", C, "2022-06-30", "2025-07-01"): {(E["D"], "legal_representative", MUST)},
    }
    assert check_person(world, "DIR1", "2025-07-01").hits == ()
    mgr = check_person(world, "MGR1", day)
    assert summary(mgr) == {
        ("CL178-3", K, "2022-06-30", "2025-07-01"): {(E["A"], "director", VOID)},
        ("MER-12", K, "2022-06-30", "2025-07-01"): set(),
    }
    assert mgr.needs_review and not mgr.disqualified
    assert "personally liable" in (mgr.hits[0].note or "")


def test_who_left_before_the_trigger_or_holds_no_restricted_post(world: GraphStore) -> None:
    for person in ("LEFT", "LEFTSAME", "SUP", "DIRREV", "SILEFT"):
        assert check_person(world, person, "2024-07-01").hits == (), person


def test_cl178_4_revoked_and_closed(world: GraphStore) -> None:
    lr2 = check_person(world, "LR2", "2025-05-10")
    assert summary(lr2) == {
        ("CL178-4", K, "2022-05-10", "2025-05-11"): {(E["X"], "manager", MUST)},
        ("MER-12", K, "2022-05-10", "2025-05-11"): {(E["Y"], "legal_representative", VOID)},
    }
    assert check_person(world, "LR2", "2025-05-11").hits == ()
    lr3 = check_person(world, "LR3", "2023-02-01")
    assert summary(lr3) == {
        ("CL178-4", C, "2023-02-01", "2026-02-02"): {(E["A"], "director", VOID)},
        ("MER-12", C, "2023-02-01", "2026-02-02"): set(),
    }
    # DIR1 is named liable for CLOSED but was not its legal representative.
    assert {h.trigger.id for h in check_person(world, "DIR1", "2023-03-01").hits} == {
        f"{E['BANK']}|bankruptcy_liquidated|2022-06-30"}


def test_eip18_2014_text_confirmations(world: GraphStore) -> None:
    silr1 = check_person(world, "SILR1", "2026-03-01")
    assert summary(silr1) == {("EIP-18", C, "2023-03-01", "2026-03-02"): {
        (E["X"], "legal_representative", VOID)}}
    assert check_person(world, "SILR1", "2026-03-02").hits == ()
    hit = silr1.hits[0]
    assert (hit.citation.article, hit.citation.version) == ("17", "2014")
    silr2 = check_person(world, "SILR2", "2024-01-01")
    assert summary(silr2) == {("EIP-18", C, "2023-06-01", "2026-06-02"): {
        (E["Y"], "responsible_person", MUST)}}
    # The last day of the 2014 text: the 3-year escalation still confirms.
    silr3 = check_person(world, "SILR3", "2024-06-01")
    assert summary(silr3) == {("EIP-18", C, "2024-04-30", "2027-05-01"): {
        (E["B"], "legal_representative", VOID)}}
    assert silr3.hits[0].citation.version == "2014"


def test_eip18_2024_text_and_order_44_candidates(world: GraphStore) -> None:
    silr4 = check_person(world, "SILR4", "2025-06-01")
    assert summary(silr4) == {("EIP-18", C, "2024-05-01", "2027-05-02"): {
        (E["D"], "legal_representative", VOID)}}
    assert (silr4.hits[0].citation.article, silr4.hits[0].citation.version) == ("18", "2024")
    # The escalation no longer confirms under the 2024 text.
    silr5 = check_person(world, "SILR5", "2025-06-01")
    assert summary(silr5) == {("EIP-18", K, "2024-05-01", "2027-05-02"): {
        (E["C"], "legal_representative", VOID)}}
    silr9 = check_person(world, "SILR9", "2025-06-01")
    assert summary(silr9) == {("EIP-18", K, "2024-07-01", "2027-07-02"): {
        (E["D"], "legal_representative", MUST)}}
    note = silr9.hits[0].note or ""
    assert "SAMR Order 44" in note and "食品安全" in note
    assert silr9.needs_review


def test_eip18_annulled_ends_window_credit_repair_does_not(world: GraphStore) -> None:
    assert summary(check_person(world, "SILR6", "2022-08-31")) == {
        ("EIP-18", C, "2022-01-10", "2022-09-01"): {(E["A"], "legal_representative", VOID)}}
    assert check_person(world, "SILR6", "2022-09-01").hits == ()
    repaired = {("EIP-18", C, "2021-03-01", "2024-03-02"): {
        (E["B"], "legal_representative", MUST)}}
    assert summary(check_person(world, "SILR7", "2024-03-01")) == repaired
    assert check_person(world, "SILR7", "2024-03-02").hits == ()


def test_eip18_order_44_edge(store: GraphStore, tmp_path: Path) -> None:
    """Before SAMR Order 44 (in force 2021-09-01) a listing was one under the regulation
    itself and bars whatever its reason; from that day other grounds make a candidate."""
    d = Dataset()
    for name in ("OLD", "NEW", "OTHER"):
        d.enterprise(name)
    other = "因食品安全违法行为受到较重行政处罚"
    d.listing("OLD", "serious_illegal", "2021-08-31", other)
    d.post("LROLD", "OLD", "legal_representative", "2019-01-01")
    d.post("LROLD", "OTHER", "legal_representative", "2021-10-01")
    d.listing("NEW", "serious_illegal", "2021-09-01", other)
    d.post("LRNEW", "NEW", "legal_representative", "2019-01-01")
    d.post("LRNEW", "OTHER", "responsible_person", "2020-01-01")
    d.load(store, tmp_path)
    codes = d.enterprises
    old = check_person(store, "LROLD", "2022-01-01")
    assert summary(old) == {("EIP-18", C, "2021-08-31", "2024-09-01"): {
        (codes["OTHER"], "legal_representative", VOID)}}
    assert old.hits[0].note is None and not old.needs_review
    assert old.hits[0].citation.version == "2014"
    new = check_person(store, "LRNEW", "2022-01-01")
    assert summary(new) == {("EIP-18", K, "2021-09-01", "2024-09-02"): {
        (codes["OTHER"], "responsible_person", MUST)}}
    note = new.hits[0].note or ""
    assert "SAMR Order 44" in note and other in note and new.needs_review
    assert new.hits[0].citation.version == "2014"


def test_eip18_before_the_regulation(world: GraphStore) -> None:
    assert check_person(world, "SILR8", "2015-01-01").hits == ()


def test_appointment_check(world: GraphStore) -> None:
    # EIP-18 bars the legal representative of another enterprise only.
    assert check_appointment(world, "SILR1", E["SI1"], "legal_representative",
                             "2024-01-01").allowed
    refused = check_appointment(world, "SILR1", E["A"], "legal_representative", "2024-01-01")
    assert not refused.allowed and [h.rule_id for h in refused.hits] == ["EIP-18"]
    assert check_appointment(world, "SILR1", E["A"], "director", "2024-01-01").allowed
    # MER-12 bars L of any market entity; CL178-* bar D S M but not L or partner.
    lr = check_appointment(world, "PROB", E["X"], "responsible_person", "2025-01-01")
    assert [h.rule_id for h in lr.hits] == ["MER-12"] and not lr.allowed
    for role, rule in (("chair", "CL178-2"), ("supervisor", "CL178-2"), ("cfo", "CL178-2"),
                       ("board_secretary", "CL178-2"), ("deputy_manager", "CL178-2")):
        decision = check_appointment(world, "PROB", E["X"], role, "2025-01-01")
        assert [h.rule_id for h in decision.hits] == [rule], role
    assert check_appointment(world, "PROB", E["X"], "partner", "2025-01-01").allowed
    # Candidates only: allowed, but for review.
    review = check_appointment(world, "MGR1", E["X"], "director", "2024-01-01")
    assert review.allowed and review.needs_review
    # Dates: the window's edges; an enterprise not in the graph yet is fine.
    assert not check_appointment(world, "EMB", uscc(900), "director", "2025-03-10").allowed
    assert check_appointment(world, "EMB", uscc(900), "director", "2025-03-11").allowed
    with pytest.raises(NotFoundError):
        check_appointment(world, "NOBODY", E["A"], "director", "2024-01-01")
    with pytest.raises(NotFoundError):
        check_person(world, E["A"], "2024-01-01")
    with pytest.raises(BadInputError):
        check_appointment(world, "EMB", "91350211M00013FA1N", "director", "2024-01-01")


def test_evidence_carries_provenance(world: GraphStore) -> None:
    hit = next(h for h in check_person(world, "DIR1", "2024-01-01").hits
               if h.rule_id == "CL178-3")
    steps = [(s.ref.fact, s.ref.provenance.src_file, s.ref.provenance.src_row)
             for s in hit.evidence]
    event_row = 2  # BANK's event is the first row after the header
    officers_row = 1 + next(i for i, row in enumerate(WORLD.officers, start=1)
                            if row[:3] == [E["BANK"], "DIR1", "director"])
    assert steps == [("Event", "enterprise_events.csv", event_row),
                     ("HAS_EVENT", "enterprise_events.csv", event_row),
                     ("OFFICER", "officers.csv", officers_row)]
    assert all(s.ref.provenance.batch_id and s.ref.provenance.loaded_at for s in hit.evidence)
    assert "DIR1" in hit.evidence[0].summary
    affected = {a.appointment.key: a.appointment.provenance for a in hit.affected}
    assert all(p.src_file == "officers.csv" and p.src_row for p in affected.values())
    assert hit.trigger.kind == "bankruptcy_liquidated" and hit.trigger.enterprise_id == E["BANK"]


def _scan_rows(store: GraphStore, day: str, certainty: Certainty | None = None) -> set[Any]:
    return {(i.hit.person_id, i.hit.rule_id, i.hit.certainty, i.affected.appointment.enterprise_id,
             i.affected.appointment.role, i.affected.effect) for i in scan(store, day, certainty)}


def test_scan_reports_current_appointments_held_against_rules(world: GraphStore) -> None:
    day = "2024-06-15"
    assert _scan_rows(world, day) == {
        ("EMB", "CL178-2", C, E["A"], "director", MUST),
        ("EMB", "CL178-2", C, E["B"], "manager", VOID),
        ("REVPROB", "CL178-2", C, E["C"], "director", MUST),
        ("NOREASON", "CL178-2", K, E["C"], "director", MUST),
        ("DEBT2", "CL178-5", C, E["Y"], "cfo", MUST),
        ("DEBT2", "MER-12", C, E["Y"], "legal_representative", VOID),
        ("DIR1", "CL178-3", C, E["C"], "director", VOID),
        ("DIR1", "CL178-3", C, E["D"], "chair", MUST),
        ("DIR1", "MER-12", C, E["D"], "legal_representative", MUST),
        ("MGR1", "CL178-3", K, E["A"], "director", VOID),
        ("LR2", "CL178-4", K, E["X"], "manager", MUST),
        ("LR2", "MER-12", K, E["Y"], "legal_representative", VOID),
        ("LR3", "CL178-4", C, E["A"], "director", VOID),
        ("SILR1", "EIP-18", C, E["X"], "legal_representative", VOID),
        ("SILR2", "EIP-18", C, E["Y"], "responsible_person", MUST),
        ("SILR3", "EIP-18", C, E["B"], "legal_representative", VOID),
        ("SILR5", "EIP-18", K, E["C"], "legal_representative", VOID),
    }
    candidates = _scan_rows(world, day, K)
    assert {r[0] for r in candidates} == {"NOREASON", "MGR1", "LR2", "SILR5"}
    assert all(r[2] is K for r in candidates)


def test_scan_agrees_with_person_checks(world: GraphStore) -> None:
    """The registry-wide gathering and the per-person one find the same hits."""
    day = "2025-06-01"
    items = scan(world, day)
    from_scan = {(i.hit.person_id, i.hit.rule_id, i.hit.trigger.id, i.affected.appointment.key)
                 for i in items}
    persons = sorted(set(WORLD.persons))
    from_checks = {
        (h.person_id, h.rule_id, h.trigger.id, a.appointment.key)
        for hits in hits_for_persons(world, persons, day, day).values()
        for h in hits if h.in_force(day)
        for a in h.affected_on(day)
    }
    assert from_scan == from_checks and len(from_scan) == len(items) > 5


def test_scan_pages_with_stable_cursors(world: GraphStore) -> None:
    items = scan(world, "2024-06-15")
    seen = []
    after = None
    while True:
        p = page(items, 4, after)
        assert p.total == len(items)
        seen.extend(p.items)
        if not p.has_next:
            break
        after = p.items[-1].cursor
    assert seen == items
    assert decode_cursor(items[0].cursor) == items[0].key
    with pytest.raises(BadInputError):
        page(items, 1001, None)
    with pytest.raises(BadInputError):
        page(items, 10, "not a cursor")


def test_effect_boundaries() -> None:
    def post(start: str | None, end: str | None) -> Appointment:
        return Appointment("k", "OFFICER", "P", "E", "director", start, end, Provenance())

    ws, we = "2022-01-01", "2025-01-02"
    assert effect_of(post("2022-01-01", None), ws, we) is VOID
    assert effect_of(post("2025-01-01", None), ws, we) is VOID
    assert effect_of(post("2025-01-02", None), ws, we) is None
    assert effect_of(post("2021-12-31", None), ws, we) is MUST
    assert effect_of(post(None, None), ws, we) is MUST
    assert effect_of(post("2020-01-01", "2022-01-01"), ws, we) is None
    assert effect_of(post("2020-01-01", "2022-01-02"), ws, we) is MUST
    assert effect_of(post("2030-01-01", None), ws, None) is VOID


def test_add_years_follows_the_civil_code() -> None:
    assert add_years("2020-02-29", 3) == "2023-02-28"
    assert add_years("2020-03-10", 5) == "2025-03-10"
    assert add_years("2024-02-29", -4) == "2020-02-29"


def test_rule_table_covers_rules_md() -> None:
    table = load_rules()
    assert [r.id for r in table.rules] == ["CL178-2", "CL178-3", "CL178-4", "CL178-5",
                                           "MER-12", "EIP-18"]
    dsm = {"chair", "director", "supervisor", "manager", "deputy_manager", "cfo",
           "board_secretary"}
    for rule in table.rules:
        expected = dsm if rule.id.startswith("CL") else {"legal_representative",
                                                         "responsible_person"}
        assert rule.barred_roles == expected, rule.id
    company_law = table.rule("CL178-2").law
    assert company_law.version_on("2024-06-30").article == "146"  # type: ignore[union-attr]
    assert company_law.version_on("2024-07-01").article == "178"  # type: ignore[union-attr]
    eip = table.rule("EIP-18").law
    assert eip.version_on("2024-04-30").article == "17"  # type: ignore[union-attr]
    assert eip.version_on("2024-05-01").article == "18"  # type: ignore[union-attr]
    assert eip.version_on("2014-09-30") is None


RULES_TEXT = (resources.files("credgraph.queries.restrictions") / "rules.yaml").read_text(
    encoding="utf-8")


def test_a_new_version_is_a_data_change(store: GraphStore, tmp_path: Path) -> None:
    """A predecessor of MER-12 added as data makes EMB's 2020 sentence bar L too."""
    WORLD.load(store, tmp_path)
    text = RULES_TEXT.replace(
        '      - {text: "2021", article: "12", from: 2022-03-01}',
        '      - {text: "2021", article: "12", from: 2022-03-01}\n'
        '      - {text: "1999", article: "4", from: 1999-06-23, to: 2022-02-28}',
    )
    assert text != RULES_TEXT
    table = parse_rules(text)
    decision = check_appointment(store, "EMB", E["Y"], "legal_representative", "2023-01-01",
                                 table)
    assert [h.rule_id for h in decision.hits] == ["MER-12"]
    assert decision.hits[0].citation.article == "4"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("bars: [D, S, M]", "bars: [D, S, Q]", "unknown role class"),
    ("{text: \"2018\", article: \"146\", from: 2018-10-26, to: 2024-06-30}",
     "{text: \"2018\", article: \"146\", from: 2018-10-26, to: 2024-07-01}", "overlap"),
    ("restricts: {holders: [legal_representative]}", "restricts: {holders: [boss]}",
     "holders must be known roles"),
    ("window: {years: 3}", "window: {years: 3, while_listed: true}", "either years"),
    ("\"2024\": [false_disclosure]}", "\"2024\": [fake_news]}", "unknown pattern"),
    ("any_reason_before: 2021-09-01", "any_reason_before: soon", "is not a date"),
])
def test_a_broken_table_is_refused(old: str, new: str, message: str) -> None:
    assert old in RULES_TEXT
    with pytest.raises(RuleTableError, match=message):
        parse_rules(RULES_TEXT.replace(old, new, 1))
