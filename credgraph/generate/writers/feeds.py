"""The feeds other departments send after the registry's extract, carrying the planted
contradictions (plan/contradictions.py) and a few rows that break the data standard, so that
the cross-checks and the data-quality report have something to find.

Written under ``OUT/feeds/``, one folder per feed in load order, each with its
manifest.yaml (a delta from its source, recorded when it is loaded):

* ``1-SAMR-registration``: the registry's own next delta - late posts and holdings, holdings
  past 100%, legal representatives leaving with no successor, pledges by persons it does
  not know, the nominee's appointments; three rows the loader refuses (a wrong USCC check
  character, an unknown role, a percent of 120).
* ``2-PBOC-movables-registry``: chattel mortgages over deregistered enterprises; two rows
  refused (an impossible date, an unknown kind of mortgagee).
* ``3-court-enforcement``: the persons a court names (half of them differently from the
  registry) and their dishonest-debtor listings; one row refused (a list that does not
  exist).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import date_texts
from credgraph.generate.identifiers import person_ids
from credgraph.generate.plan import World
from credgraph.generate.values import (
    DISHONEST_DEBTOR,
    P_ENTERPRISE,
    P_PERSON,
    PARTY_KINDS,
    R_DIRECTOR,
    R_LEGAL_REP,
    ROLES,
    SUBJECT_PERSON,
    VALID,
)
from credgraph.generate.words import DEBTOR_REASONS
from credgraph.generate.writers.sink import Sink, const

FEEDS = {"1-SAMR-registration": "SAMR-registration",
         "2-PBOC-movables-registry": "PBOC-movables-registry",
         "3-court-enforcement": "court-enforcement"}
"""Feed folder (in load order) -> the source its manifest names."""

_PERSON, _ENTERPRISE = PARTY_KINDS[P_PERSON], PARTY_KINDS[P_ENTERPRISE]


def _sink(out_dir: Path, feed: str, sections: tuple[str, ...]) -> Sink:
    folder = out_dir / "feeds" / feed
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.yaml").write_text(f"source: {FEEDS[feed]}\nkind: delta\n",
                                          encoding="utf-8")
    return Sink(folder, sections)


def _wrong_check(code: str) -> str:
    """A USCC with another check character: refused by the loader."""
    return code[:17] + ("1" if code[17] != "1" else "2")


def _posts(w: World, ent: Arr, person: Arr, role: int, start: Arr,
           end: Arr | None = None) -> dict[str, list[str]]:
    n = len(ent)
    return {"enterprise": w.usccs(ent), "person_id": person_ids(person),
            "name": list(w.person_names(person).tolist()), "role": const(ROLES[role], n),
            "start_date": date_texts(start),
            "end_date": date_texts(end if end is not None else np.full(n, -1))}


def _samr(w: World, out_dir: Path) -> int:
    c, reps = w.contradictions, w.reps
    sink = _sink(out_dir, "1-SAMR-registration", ("shareholdings", "officers", "equity_pledges"))
    try:
        sink.write("officers", _posts(w, c.late_ent, c.late_person, R_DIRECTOR, c.late_start))
        sink.write("officers", _posts(w, c.gone_ent, reps.lr[c.gone_ent], R_LEGAL_REP,
                                      reps.lr_start[c.gone_ent], c.gone_end))
        sink.write("officers", _posts(w, c.nominee_ent, reps.lr[c.nominee_ent], R_LEGAL_REP,
                                      reps.lr_start[c.nominee_ent], c.nominee_day))
        sink.write("officers", _posts(w, c.nominee_ent, c.nominee, R_LEGAL_REP, c.nominee_day))
        refused = _posts(w, c.over_ent[:2], c.late_person[:2], R_DIRECTOR, c.over_start[:2])
        refused["enterprise"][0] = _wrong_check(refused["enterprise"][0])
        refused["role"][1] = "看门人"
        sink.write("officers", refused)

        late = c.late_holder
        holder = np.concatenate([c.late_person[late], c.over_person.ravel(),
                                 c.over_person[:1, 0]])
        held = np.concatenate([c.late_ent[late], np.repeat(c.over_ent, 2), c.over_ent[:1]])
        start = np.concatenate([c.late_start[late], np.repeat(c.over_start, 2),
                                c.over_start[:1] - 1])
        n = len(holder)
        sink.write("shareholdings", {
            "enterprise": w.usccs(held), "holder": person_ids(holder),
            "holder_type": const(_PERSON, n),
            "holder_name": list(w.person_names(holder).tolist()),
            # late holders' shares unknown; two of 60% each; the last row refused
            "percent": [*const("", int(late.sum())), *const("60", 2 * len(c.over_ent)), "120"],
            "subscribed_amount": const("", n), "start_date": date_texts(start),
            "end_date": const("", n)})

        k = len(c.pledge_ent)
        bank = np.full(k, w.banks.idx[0])
        days = date_texts(c.pledge_day)
        sink.write("equity_pledges", {
            "reg_no": [f"{d}{day[:4]}GQ{i:06d}" for i, (d, day) in enumerate(
                zip(w.division(c.pledge_ent).tolist(), days, strict=True))],
            "enterprise": w.usccs(c.pledge_ent), "pledgor": person_ids(c.pledge_person),
            "pledgor_type": const(_PERSON, k),
            "pledgor_name": [f"代持人{i + 1}" for i in range(k)],
            "pledgee": w.usccs(bank), "pledgee_type": const(_ENTERPRISE, k),
            "pledgee_name": list(w.ent_names(bank).tolist()), "amount": const("100", k),
            "registered_on": days, "status": const(VALID, k), "cancelled_on": const("", k)})
    finally:
        sink.close()
    return sum(sink.counts.values())


def _pboc(w: World, out_dir: Path) -> int:
    c = w.contradictions
    sink = _sink(out_dir, "2-PBOC-movables-registry", ("chattel_mortgages",))
    try:
        ent = np.concatenate([c.mortgage_ent, c.mortgage_ent[:2]])
        day = np.concatenate([c.mortgage_day, c.mortgage_day[:2] - 1])
        n = len(ent)
        bank = np.full(n, w.banks.idx[0])
        registered = date_texts(day)
        registered[-2] = "2025-13-01"  # refused: no such date
        sink.write("chattel_mortgages", {
            "reg_no": [f"PB{d[:4]}{i:08d}" for i, d in enumerate(date_texts(day))],
            "mortgagor": w.usccs(ent), "mortgagor_type": const(_ENTERPRISE, n),
            "mortgagor_name": list(w.ent_names(ent).tolist()),
            "mortgagee": w.usccs(bank),
            "mortgagee_type": [*const(_ENTERPRISE, n - 1), "银行"],  # refused: not a kind
            "mortgagee_name": list(w.ent_names(bank).tolist()),
            "secured_amount": const("500", n), "registered_on": registered,
            "authority": const("中国人民银行征信中心", n), "status": const(VALID, n),
            "cancelled_on": const("", n), "collateral": const("机器设备", n)})
    finally:
        sink.close()
    return sum(sink.counts.values())


def _court(w: World, out_dir: Path) -> int:
    c, p = w.contradictions, w.persons
    sink = _sink(out_dir, "3-court-enforcement", ("persons", "list_entries"))
    try:
        named = np.concatenate([c.renamed, c.same_name])
        given = np.concatenate([(p.given[c.renamed] + c.renamed_shift) % len(w.pools.given),
                                p.given[c.same_name]])
        n = len(named)
        sink.write("persons", {
            "person_id": person_ids(named),
            "name": list((w.pools.surnames[p.surname[named]] + w.pools.given[given]).tolist()),
            "id_number": [f"{d}********{t:04d}" for d, t in zip(
                w.geo.div[p.unit[named]].tolist(), p.tail[named].tolist(), strict=True)],
            "nationality": const("中国", n)})
        subject = [*person_ids(named), person_ids(named[:1])[0]]
        sink.write("list_entries", {
            "subject": subject, "subject_type": const(SUBJECT_PERSON, n + 1),
            "list": [*const(DISHONEST_DEBTOR, n), "黑名单"],  # the last refused: no such list
            "reason": const(DEBTOR_REASONS[0], n + 1), "authority": const("人民法院", n + 1),
            "listed_on": date_texts(np.concatenate([c.court_day, c.court_day[:1]])),
            "removed_on": const("", n + 1), "removal_reason": const("", n + 1),
            "doc_no": const("", n + 1)})
    finally:
        sink.close()
    return sum(sink.counts.values())


def write_feeds(w: World, out_dir: Path) -> dict[str, int]:
    """Write every feed folder; the rows written per feed."""
    return {"feeds/1-SAMR-registration": _samr(w, out_dir),
            "feeds/2-PBOC-movables-registry": _pboc(w, out_dir),
            "feeds/3-court-enforcement": _court(w, out_dir)}
