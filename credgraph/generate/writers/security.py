"""Rows of the equity_pledges and chattel_mortgages sections."""

from __future__ import annotations

import math

import numpy as np

from credgraph.generate.days import TODAY, YEAR, between, date_texts, day_of
from credgraph.generate.identifiers import filing_no, person_ids
from credgraph.generate.values import INVALID, P_ENTERPRISE, P_PERSON, PARTY_KINDS, VALID
from credgraph.generate.words import COLLATERAL
from credgraph.generate.writers.block import Block
from credgraph.generate.writers.shareholdings import BlockHoldings
from credgraph.generate.writers.sink import const, hundredths, pick

_PERSON, _ENTERPRISE = PARTY_KINDS[P_PERSON], PARTY_KINDS[P_ENTERPRISE]


def write_equity_pledges(b: Block, holdings: BlockHoldings) -> None:
    """About 3% of enterprises: one current person or enterprise holder pledges part of its
    holding, to a bank (three in four) or to a person."""
    w, rng = b.w, b.rng
    ok = np.isin(holdings.kind, [P_PERSON, P_ENTERPRISE])
    he = holdings.ent[ok]
    if not len(he):
        return
    rows = np.flatnonzero(ok)
    uniq, first, cnt = np.unique(he, return_index=True, return_counts=True)
    chosen = uniq[rng.random(len(uniq)) < 0.03]
    if not len(chosen):
        return
    pos = np.searchsorted(uniq, chosen)
    row = rows[first[pos] + np.floor(rng.random(len(chosen)) * cnt[pos]).astype(np.int64)]
    e = holdings.ent[row]
    lo_d = np.maximum.reduce([holdings.start[row], w.ent.est[e] + 30,
                              np.full(len(e), day_of(2008, 10, 1))])
    good = w.life.limit[e] >= lo_d
    row, e, lo_d = row[good], e[good], lo_d[good]
    k = len(e)
    reg_on = between(rng, lo_d, w.life.limit[e])
    invalid = rng.random(k) < 0.3
    canc = np.where(invalid, np.minimum(reg_on + rng.integers(30, 1500, k), TODAY), -1)
    amount = np.where(holdings.amount[row] >= 0,
                      (holdings.amount[row] * rng.uniform(0.3, 1.0, k)).astype(np.int64), -1)
    bank = rng.random(k) < 0.75
    bank_e = w.banks.idx[rng.choice(len(w.banks.idx), size=k, p=w.mortgages.bank_p)]
    pers = rng.integers(0, w.m, k)
    bank_id = w.usccs(bank_e)
    bank_nm = w.ent_names(bank_e).tolist()
    p_id = person_ids(pers)
    p_nm = w.person_names(pers).tolist()
    reg_no = [filing_no(d, y, b.numbers.next("pledge"), 7)
              for d, y in zip(w.division(e).tolist(), YEAR[reg_on].tolist(), strict=True)]
    b.sink.write("equity_pledges", {
        "reg_no": reg_no,
        "enterprise": b.u(e),
        "pledgor": [holdings.ids[j] for j in row.tolist()],
        "pledgor_type": pick(PARTY_KINDS, holdings.kind[row]),
        "pledgor_name": [holdings.names[j] for j in row.tolist()],
        "pledgee": [bank_id[j] if bank[j] else p_id[j] for j in range(k)],
        "pledgee_type": [_ENTERPRISE if x else _PERSON for x in bank.tolist()],
        "pledgee_name": [bank_nm[j] if bank[j] else p_nm[j] for j in range(k)],
        "amount": hundredths(amount),
        "registered_on": date_texts(reg_on),
        "status": [INVALID if x else VALID for x in invalid.tolist()],
        "cancelled_on": date_texts(canc),
    })


_PERSON_LENDER, _BANK, _LESSOR = 0, 1, 2


def write_chattel_mortgages(b: Block) -> None:
    """The plan's mortgagors, one to three mortgages each: the first with the house bank,
    later ones mostly too, else another bank, a person or a leasing enterprise."""
    w, rng = b.w, b.rng
    plan = w.mortgages
    a, z = np.searchsorted(plan.ent, [b.lo, b.hi])
    ents, house = plan.ent[a:z], plan.bank_rank[a:z]
    if not len(ents):
        return
    cnt = rng.choice([1, 2, 3], size=len(ents), p=[0.75, 0.18, 0.07])
    e = np.repeat(ents, cnt)
    first = np.zeros(len(e), dtype=bool)
    first[np.cumsum(cnt) - cnt] = True
    k = len(e)
    r = rng.random(k)
    rank = np.where(first | (r < 0.5), np.repeat(house, cnt),
                    rng.choice(len(w.banks.idx), size=k, p=plan.bank_p))
    kind = np.where(first | (r < 0.9), _BANK, np.where(r < 0.95, _PERSON_LENDER, _LESSOR))
    bank_e = w.banks.idx[rank]
    lease = w.life.active_idx[rng.integers(0, len(w.life.active_idx), k)]
    pers = rng.integers(0, w.m, k)
    mee = np.where(kind == _LESSOR, lease, bank_e)
    ids_e = w.usccs(mee)
    nms_e = w.ent_names(mee).tolist()
    ids_p = person_ids(pers)
    nms_p = w.person_names(pers).tolist()
    lo_d = np.maximum(w.ent.est[e] + 30, day_of(2008, 1, 1))
    reg_on = between(rng, lo_d, w.life.limit[e])
    amount = np.round(np.exp(rng.normal(math.log(300), 1.2, k)) * 100).astype(np.int64)
    invalid = rng.random(k) < 0.35
    canc = np.where(invalid, np.minimum(reg_on + rng.integers(60, 1800, k), TODAY), -1)
    reg_no = [filing_no(d, y, b.numbers.next("mortgage"), 6)
              for d, y in zip(w.division(e).tolist(), YEAR[reg_on].tolist(), strict=True)]
    to_person = (kind == _PERSON_LENDER).tolist()
    b.sink.write("chattel_mortgages", {
        "reg_no": reg_no,
        "mortgagor": b.u(e),
        "mortgagor_type": const(_ENTERPRISE, k),
        "mortgagor_name": b.nm(e),
        "mortgagee": [ids_p[j] if to_person[j] else ids_e[j] for j in range(k)],
        "mortgagee_type": [_PERSON if x else _ENTERPRISE for x in to_person],
        "mortgagee_name": [nms_p[j] if to_person[j] else nms_e[j] for j in range(k)],
        "secured_amount": hundredths(amount),
        "registered_on": date_texts(reg_on),
        "authority": list(w.authority(e).tolist()),
        "status": [INVALID if x else VALID for x in invalid.tolist()],
        "cancelled_on": date_texts(canc),
        "collateral": pick(COLLATERAL, rng.integers(0, len(COLLATERAL), k)),
    })
