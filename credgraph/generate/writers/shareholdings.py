"""Rows of the shareholdings section: parent, state, cycle and person holders of a block."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr, distinct
from credgraph.generate.days import TODAY, between, date_texts
from credgraph.generate.values import P_ENTERPRISE, P_PERSON, P_STATE, PARTY_KINDS
from credgraph.generate.words import T_PARTNERSHIP
from credgraph.generate.writers.block import Block
from credgraph.generate.writers.sink import hundredths, pick

MAX_PERSON_HOLDERS = 5


@dataclass(frozen=True)
class BlockHoldings:
    """What the block's later sections need from its shareholdings."""

    ent: Arr
    """Current holdings (not ended, started by AS_OF), sorted by enterprise."""
    kind: Arr
    """Party code of the holder (P_*)."""
    amount: Arr
    """Subscribed amount in hundredths, -1 unknown."""
    start: Arr
    ids: list[str]
    names: list[str]
    person_holders: Arr
    """(block size, MAX_PERSON_HOLDERS) person holders per enterprise in order, -1 padded;
    the first is the legal representative when he holds."""


def write_shareholdings(b: Block) -> BlockHoldings:
    w, rng, lo, hi = b.w, b.rng, b.lo, b.hi
    hold = w.hold
    ents = b.idx[~w.ent.is_bank[b.idx]]
    ne = len(ents)
    est, limit = w.ent.est[ents], w.life.limit[ents]
    parts_e: list[Arr] = []
    parts_kind: list[Arr] = []
    parts_h: list[Arr] = []
    parts_bp: list[Arr] = []
    parts_start: list[Arr] = []
    parts_end: list[Arr] = []

    def add(e: Arr, kind: int, h: Arr, bp: Arr, start: Arr, end: Arr | None = None) -> None:
        parts_e.append(e)
        parts_kind.append(np.full(len(e), kind, dtype=np.int64))
        parts_h.append(np.asarray(h, dtype=np.int64))
        parts_bp.append(np.asarray(bp, dtype=np.int64))
        parts_start.append(np.asarray(start, dtype=np.int64))
        parts_end.append(np.full(len(e), -1, dtype=np.int64) if end is None else end)

    late = rng.random(ne) < 0.15
    later = np.where(late, between(rng, est, limit), est)
    pm = hold.parent[ents] >= 0
    add(ents[pm], P_ENTERPRISE, hold.parent[ents[pm]], hold.parent_bp[ents[pm]], later[pm])
    sm = hold.state[ents] >= 0
    add(ents[sm], P_STATE, hold.state[ents[sm]], hold.state_bp[ents[sm]], est[sm])
    cross = w.cross
    a, z = np.searchsorted(cross.target, [lo, hi])
    add(cross.target[a:z], P_ENTERPRISE, cross.holder[a:z], cross.bp[a:z], cross.start[a:z])

    # person holders
    npers = hold.n_p[ents]
    grp = np.repeat(np.arange(ne), npers)
    pe = ents[grp]
    off = np.cumsum(npers) - npers
    is_first = np.zeros(len(pe), dtype=bool)
    is_first[off[npers > 0]] = True
    person = rng.integers(0, w.m, len(pe))
    lrh = is_first & w.reps.lr_is_holder[pe]
    person[lrh] = w.reps.lr[pe[lrh]]
    fixed = (np.where(pm, hold.parent_bp[ents], 0) + np.where(sm, hold.state_bp[ents], 0)
             + cross.reserved[ents])
    total = np.where((fixed == 0) & (rng.random(ne) < 0.05),
                     rng.integers(6000, 10_000, ne), 10_000)
    rem = total - fixed
    wt = rng.gamma(1.0, size=len(pe)) + 0.05
    wsum = np.bincount(grp, weights=wt, minlength=ne)
    bp = np.floor(wt / wsum[grp] * rem[grp]).astype(np.int64)
    left = rem - np.bincount(grp, weights=bp, minlength=ne).astype(np.int64)
    bp[off[npers > 0]] += left[npers > 0]
    pstart = np.where(~is_first & (rng.random(len(pe)) < 0.12),
                      between(rng, w.ent.est[pe], w.life.limit[pe]), w.ent.est[pe])
    pend = np.full(len(pe), -1, dtype=np.int64)
    # ~5% of enterprises: one holder left, a new one took the same share
    last = np.maximum(off + npers - 1, 0)
    last_start = pstart[last] if len(pstart) else np.zeros(ne, dtype=np.int64)
    rep = ((npers > 0) & (limit - est >= 400) & (last_start + 1 <= limit)
           & (rng.random(ne) < 0.05))
    rep_row = last[rep]
    rep_day = between(rng, np.maximum(est[rep] + 200, pstart[rep_row] + 1), limit[rep])
    pend[rep_row] = rep_day
    n_rep = int(rep.sum())
    both = distinct(
        np.concatenate([grp, np.flatnonzero(rep)]),
        np.concatenate([person, rng.integers(0, w.m, n_rep)]),
        np.concatenate([lrh, np.zeros(n_rep, dtype=bool)]),
        w.m, rng,
    )
    person, newcomer = both[: len(pe)], both[len(pe) :]
    add(pe, P_PERSON, person, bp, pstart, pend)
    add(ents[rep], P_PERSON, newcomer, bp[rep_row], rep_day)
    future = w.future
    a, z = np.searchsorted(future.ent, [lo, hi])
    add(future.ent[a:z], P_PERSON, future.person[a:z], np.full(z - a, -1), future.start[a:z])

    e = np.concatenate(parts_e)
    o = np.argsort(e, kind="stable")
    e = e[o]
    kind = np.concatenate(parts_kind)[o]
    h = np.concatenate(parts_h)[o]
    bp = np.concatenate(parts_bp)[o]
    start = np.concatenate(parts_start)[o]
    end = np.concatenate(parts_end)[o]
    # disclosure: percent and amount / amount only / percent only / neither
    mode_e = rng.choice(4, size=hi - lo, p=[0.72, 0.18, 0.06, 0.04])
    lp = hold.type[b.idx] == T_PARTNERSHIP
    mode_e[lp] = np.where(rng.random(int(lp.sum())) < 0.8, 1, 0)
    mode = mode_e[e - lo]
    cap = w.ent.cap[e]
    amount = np.where((bp >= 0) & (cap >= 0), cap * np.maximum(bp, 0) // 10_000, -1)
    pct = np.where(np.isin(mode, [0, 2]), bp, -1)
    amt = np.where(np.isin(mode, [0, 1]), amount, -1)

    n = len(e)
    hid: list[str] = [""] * n
    hname: list[str] = [""] * n
    for k in (P_PERSON, P_ENTERPRISE, P_STATE):
        sel = np.flatnonzero(kind == k)
        if not len(sel):
            continue
        ids, names = w.labels(k, h[sel])
        for j, i, nm in zip(sel.tolist(), ids, names, strict=True):
            hid[j] = i
            hname[j] = nm
    b.sink.write("shareholdings", {
        "enterprise": b.u(e),
        "holder": hid,
        "holder_type": pick(PARTY_KINDS, kind),
        "holder_name": hname,
        "percent": hundredths(pct),
        "subscribed_amount": hundredths(amt),
        "start_date": date_texts(start),
        "end_date": date_texts(end),
    })
    hmat = np.full((hi - lo, MAX_PERSON_HOLDERS), -1, dtype=np.int64)
    col = np.arange(len(pe)) - off[grp]
    fits = col < MAX_PERSON_HOLDERS
    hmat[pe[fits] - lo, col[fits]] = person[fits]
    cur = np.flatnonzero((end < 0) & (start <= TODAY))
    return BlockHoldings(
        ent=e[cur], kind=kind[cur], amount=amount[cur], start=start[cur],
        ids=[hid[j] for j in cur.tolist()], names=[hname[j] for j in cur.tolist()],
        person_holders=hmat,
    )
