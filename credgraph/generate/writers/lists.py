"""Rows of the list_entries section: the publicity lists about enterprises (per block) and
the court and criminal lists about persons (once, after the blocks)."""

from __future__ import annotations

import numpy as np

from credgraph.generate.arrays import Arr, first_of_keys
from credgraph.generate.days import TODAY, YEAR, between, date_texts, day_of
from credgraph.generate.identifiers import court_case_no, decision_no, person_ids
from credgraph.generate.plan import World
from credgraph.generate.plan.serious_illegal import ESCALATION
from credgraph.generate.streams import Stream, stream
from credgraph.generate.values import (
    ABNORMAL_OPERATIONS,
    CONSUMPTION_RESTRICTED,
    CRIMINAL_SENTENCE,
    DISHONEST_DEBTOR,
    SERIOUS_ILLEGAL,
    SUBJECT_ENTERPRISE,
    SUBJECT_PERSON,
)
from credgraph.generate.words import (
    ABNORMAL_NO_ANNUAL_REPORT,
    ABNORMAL_REASONS,
    CONSUMPTION_REASON,
    CONSUMPTION_REMOVAL,
    CRIMES,
    DEBTOR_REASONS,
    DEBTOR_REMOVALS,
    SERIOUS_ILLEGAL_REASONS,
    SERIOUS_ILLEGAL_REMOVALS,
)
from credgraph.generate.writers.block import Block
from credgraph.generate.writers.sink import Sink, const, pick

_ABNORMAL_P = np.array([x[2] for x in ABNORMAL_REASONS])


def write_enterprise_lists(b: Block) -> None:
    """Abnormal-operations listings (some removed, a few listed again, and those that
    escalate), then the plan's serious-illegal listings of the block."""
    w, rng, idx = b.w, b.rng, b.idx
    limit = w.life.limit
    lo_d = np.maximum(w.ent.est[idx] + 180, day_of(2014, 10, 1))
    ab = ~w.ent.is_bank[idx] & (limit[idx] >= lo_d + 30) & (rng.random(len(idx)) < 0.03)
    e = idx[ab]
    k = len(e)
    listed = between(rng, lo_d[ab], limit[e])
    p = _ABNORMAL_P / _ABNORMAL_P.sum()
    reason = rng.choice(len(p), size=k, p=p)
    removed = np.where(rng.random(k) < 0.4, listed + rng.integers(30, 1000, k), -1)
    removed[removed > TODAY] = -1
    # a second listing for some after removal
    again = (removed >= 0) & (removed + 60 <= limit[e]) & (rng.random(k) < 0.1)
    e2 = e[again]
    listed2 = between(rng, removed[again] + 30, limit[e2])
    reason2 = rng.choice(len(p), size=len(e2), p=p)
    # escalations to the serious illegal list: three years on the abnormal list first
    si = w.serious
    a, z = np.searchsorted(si.ent, [b.lo, b.hi])
    si_e, si_day, si_reason = si.ent[a:z], si.day[a:z], si.reason[a:z]
    esc = si_reason == ESCALATION
    e3 = si_e[esc]
    listed3 = si_day[esc] - 3 * 365 - rng.integers(1, 60, len(e3))
    ab_e = np.concatenate([e, e2, e3])
    ab_l = np.concatenate([listed, listed2, listed3])
    escalating = np.full(len(e3), ABNORMAL_NO_ANNUAL_REPORT, dtype=np.int64)
    ab_r = np.concatenate([reason, reason2, escalating])
    ab_rm = np.concatenate([removed, np.full(len(e2) + len(e3), -1, dtype=np.int64)])
    o = np.lexsort((ab_l, ab_e))
    ab_e, ab_l, ab_r, ab_rm = ab_e[o], ab_l[o], ab_r[o], ab_rm[o]
    keep = first_of_keys(ab_e, ab_l)
    ab_e, ab_l, ab_r, ab_rm = ab_e[keep], ab_l[keep], ab_r[keep], ab_rm[keep]
    na = len(ab_e)
    b.sink.write("list_entries", {
        "subject": b.u(ab_e),
        "subject_type": const(SUBJECT_ENTERPRISE, na),
        "list": const(ABNORMAL_OPERATIONS, na),
        "reason": pick([x[0] for x in ABNORMAL_REASONS], ab_r),
        "authority": list(w.authority(ab_e).tolist()),
        "listed_on": date_texts(ab_l),
        "removed_on": date_texts(ab_rm),
        "removal_reason": [ABNORMAL_REASONS[r][1] if m >= 0 else "" for r, m in
                           zip(ab_r.tolist(), ab_rm.tolist(), strict=True)],
        "doc_no": const("", na),
    })
    ns = len(si_e)
    if not ns:
        return
    docs = []
    for un, y in zip(w.ent.unit[si_e].tolist(), YEAR[si_day].tolist(), strict=True):
        issuer = w.geo.doc_prefix[un]
        docs.append(decision_no(issuer, "信", y, b.numbers.next(f"{issuer}信{y}")))
    b.sink.write("list_entries", {
        "subject": b.u(si_e),
        "subject_type": const(SUBJECT_ENTERPRISE, ns),
        "list": const(SERIOUS_ILLEGAL, ns),
        "reason": pick(SERIOUS_ILLEGAL_REASONS, si_reason),
        "authority": list(w.authority(si_e).tolist()),
        "listed_on": date_texts(si_day),
        "removed_on": date_texts(si.removed[a:z]),
        "removal_reason": pick(SERIOUS_ILLEGAL_REMOVALS, si.removal[a:z]),
        "doc_no": docs,
    })


def write_person_lists(w: World, sink: Sink) -> None:
    """Dishonest debtors and consumption restrictions (mostly the same cases), and served
    criminal sentences: people who hold posts, many of them legal representatives."""
    g = stream(w.seed, Stream.PERSON_LISTS)
    m = w.m

    def people(k: int, share_lr: float) -> Arr:
        a = w.lr_pool(g, round(share_lr * k))
        b = g.integers(0, m, k - len(a))
        return np.unique(np.concatenate([a, b]))

    def court(k: int) -> tuple[list[str], list[str]]:
        unit = g.integers(0, len(w.geo.div), k)
        return list(w.geo.court[unit].tolist()), [w.geo.court_code[u] for u in unit.tolist()]

    # dishonest debtors (失信被执行人)
    dd = people(max(3, round(0.005 * m)), 0.7)
    k = len(dd)
    listed = between(g, np.full(k, day_of(2014, 1, 1)), np.full(k, TODAY))
    removed = np.where(g.random(k) < 0.35, listed + g.integers(60, 1500, k), -1)
    removed[removed > TODAY] = -1
    auth, code = court(k)
    case = g.integers(1, 20_000, k).tolist()
    docs = [court_case_no(y, c, "执", n)
            for y, c, n in zip(YEAR[listed].tolist(), code, case, strict=True)]
    rr = g.integers(0, len(DEBTOR_REMOVALS), k)
    sink.write("list_entries", {
        "subject": person_ids(dd),
        "subject_type": const(SUBJECT_PERSON, k),
        "list": const(DISHONEST_DEBTOR, k),
        "reason": pick(DEBTOR_REASONS, g.integers(0, len(DEBTOR_REASONS), k)),
        "authority": auth,
        "listed_on": date_texts(listed),
        "removed_on": date_texts(removed),
        "removal_reason": [DEBTOR_REMOVALS[r] if x >= 0 else ""
                           for r, x in zip(rr.tolist(), removed.tolist(), strict=True)],
        "doc_no": docs,
    })
    # consumption restricted (限制高消费): mostly the same cases
    kc = max(2, round(0.003 * m))
    same = g.choice(k, min(k, round(0.6 * kc)), replace=False)
    other = np.setdiff1d(people(kc - len(same), 0.7), dd)
    cr = np.concatenate([dd[same], other])
    c_listed = np.concatenate([listed[same], between(g, np.full(len(other), day_of(2016, 1, 1)),
                                                     np.full(len(other), TODAY))])
    c_removed = np.concatenate([removed[same], np.full(len(other), -1, dtype=np.int64)])
    c_docs = [docs[j] for j in same.tolist()] + [
        court_case_no(y, c, "执", n) for y, c, n in zip(
            YEAR[c_listed[len(same):]].tolist(), court(len(other))[1],
            g.integers(1, 20_000, len(other)).tolist(), strict=True)
    ]
    c_auth = [auth[j] for j in same.tolist()] + court(len(other))[0]
    o = np.argsort(cr, kind="stable")
    kc = len(cr)
    sink.write("list_entries", {
        "subject": person_ids(cr[o]),
        "subject_type": const(SUBJECT_PERSON, kc),
        "list": const(CONSUMPTION_RESTRICTED, kc),
        "reason": const(CONSUMPTION_REASON, kc),
        "authority": [c_auth[j] for j in o.tolist()],
        "listed_on": date_texts(c_listed[o]),
        "removed_on": date_texts(c_removed[o]),
        "removal_reason": [CONSUMPTION_REMOVAL if x >= 0 else "" for x in c_removed[o].tolist()],
        "doc_no": [c_docs[j] for j in o.tolist()],
    })
    # criminal sentences served (刑事判决): people who hold posts
    cs = np.unique(w.lr_pool(g, max(3, round(0.0005 * m))))
    k3 = len(cs)
    served = between(g, np.full(k3, day_of(2016, 1, 1)), np.full(k3, TODAY))
    crime = g.integers(0, len(CRIMES), k3)
    crime[: min(2, k3)] = [0, 2][: min(2, k3)]  # a served sentence and a probation at least
    unit = g.integers(0, len(w.geo.div), k3)
    c_docs3 = [
        court_case_no(y - int(t), w.geo.court_code[u], "刑初", n)
        for y, t, u, n in zip(YEAR[served].tolist(), g.integers(2, 6, k3).tolist(),
                              unit.tolist(), g.integers(1, 3000, k3).tolist(), strict=True)
    ]
    sink.write("list_entries", {
        "subject": person_ids(cs),
        "subject_type": const(SUBJECT_PERSON, k3),
        "list": const(CRIMINAL_SENTENCE, k3),
        "reason": pick([c[0] for c in CRIMES], crime),
        "authority": list(w.geo.court[unit].tolist()),
        "listed_on": date_texts(served),
        "removed_on": const("", k3),
        "removal_reason": const("", k3),
        "doc_no": c_docs3,
    })
