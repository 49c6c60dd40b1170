"""Rows of the officers section: each enterprise's posts from a template of its kind, its
previous legal representative, a former officer, and the plan's extra posts."""

from __future__ import annotations

import numpy as np

from credgraph.generate.arrays import Arr, distinct, first_of_keys
from credgraph.generate.days import between, date_texts
from credgraph.generate.identifiers import person_ids
from credgraph.generate.values import (
    R_BOARD_SECRETARY,
    R_CFO,
    R_CHAIR,
    R_DEPUTY_MANAGER,
    R_DIRECTOR,
    R_LEGAL_REP,
    R_MANAGER,
    R_PARTNER,
    R_RESPONSIBLE_PERSON,
    R_SUPERVISOR,
    ROLES,
)
from credgraph.generate.words import (
    T_BANK_BRANCH,
    T_BANK_BRANCH_SOE,
    T_BANK_HEAD,
    T_JOINT_STOCK,
    T_JOINT_STOCK_CORPORATE,
    T_OTHER_LLC,
    T_PARTNERSHIP,
    T_SOLE_CORPORATE,
    T_STATE,
)
from credgraph.generate.writers.block import Block
from credgraph.generate.writers.shareholdings import MAX_PERSON_HOLDERS, BlockHoldings
from credgraph.generate.writers.sink import pick

_LR, _CH, _DI, _SU, _MA = R_LEGAL_REP, R_CHAIR, R_DIRECTOR, R_SUPERVISOR, R_MANAGER
_DM, _CF, _BS, _RP, _PA = (R_DEPUTY_MANAGER, R_CFO, R_BOARD_SECRETARY, R_RESPONSIBLE_PERSON,
                           R_PARTNER)

TEMPLATES: tuple[tuple[tuple[int, int], ...], ...] = (
    ((_LR, 0), (_DI, 0), (_MA, 0), (_SU, 1)),  # 0 执行董事兼经理 + 监事
    ((_LR, 0), (_DI, 0), (_SU, 1), (_MA, 2)),  # 1
    ((_LR, 0), (_MA, 0), (_DI, 1), (_SU, 2)),  # 2 经理任法定代表人
    ((_LR, 0), (_DI, 0), (_SU, 1)),  # 3
    ((_LR, 0), (_CH, 0), (_DI, 1), (_DI, 2), (_MA, 1), (_SU, 3)),  # 4 board
    ((_LR, 0), (_CH, 0), (_DI, 1), (_DI, 2), (_DI, 3), (_DI, 4), (_MA, 5), (_SU, 6),
     (_SU, 7), (_SU, 8), (_CF, 9)),  # 5
    ((_LR, 0), (_DI, 0), (_MA, 0), (_SU, 1), (_CF, 2)),  # 6
    ((_LR, 0), (_CH, 0), (_DI, 1), (_DI, 2), (_DI, 3), (_DI, 4), (_MA, 1), (_DM, 5),
     (_CF, 6), (_BS, 6), (_SU, 7), (_SU, 8), (_SU, 9)),  # 7 joint stock
    ((_LR, 0), (_CH, 0), (_DI, 1), (_DI, 2), (_MA, 3), (_DI, 3), (_BS, 4), (_CF, 4),
     (_SU, 5), (_SU, 6), (_SU, 7)),  # 8 joint stock
    ((_LR, 0), (_PA, 0)),  # 9 partnership
    ((_LR, 0), (_RP, 0), (_DM, 1)),  # 10 bank branch
    ((_LR, 0), (_CH, 0), (_DI, 1), (_DI, 2), (_MA, 1), (_SU, 3)),  # 11 bank head office
)
"""Officer templates: (role, slot) posts; one person per slot, slot 0 is the legal
representative (who may hold a second post, e.g. 执行董事兼经理)."""
_MAX_SLOT = 10
_TPL_LEN: Arr = np.array([len(t) for t in TEMPLATES], dtype=np.int64)
_TPL_OFF: Arr = np.concatenate([[0], np.cumsum(_TPL_LEN)[:-1]]).astype(np.int64)
_TPL_ROLE: Arr = np.array([r for t in TEMPLATES for r, _ in t], dtype=np.int64)
_TPL_SLOT: Arr = np.array([s for t in TEMPLATES for _, s in t], dtype=np.int64)


def write_officers(b: Block, holdings: BlockHoldings) -> Arr:
    """Write the block's officers; returns per enterprise of the block a second person who
    may be named liable with the legal representative (a director, manager or chair), or -1."""
    w, rng, idx = b.w, b.rng, b.idx
    reps = w.reps
    n = len(idx)
    typ = w.hold.type[idx]
    est, limit = w.ent.est[idx], w.life.limit[idx]
    r = rng.random(n)
    small = rng.choice(4, size=n, p=[0.45, 0.2, 0.1, 0.25])
    board = 4 + rng.choice(3, size=n, p=[0.5, 0.2, 0.3])
    big = (w.ent.cap[idx] >= 100_000) | np.isin(typ, [T_SOLE_CORPORATE, T_OTHER_LLC, T_STATE])
    tpl = np.where(big & (r < 0.6), board, small)
    tpl = np.where(np.isin(typ, [T_JOINT_STOCK, T_JOINT_STOCK_CORPORATE]), 7 + (r < 0.5), tpl)
    tpl = np.where(typ == T_PARTNERSHIP, 9, tpl)
    tpl = np.where(np.isin(typ, [T_BANK_BRANCH, T_BANK_BRANCH_SOE]), 10, tpl)
    tpl = np.where(typ == T_BANK_HEAD, 11, tpl)
    length = _TPL_LEN[tpl]
    loc = np.repeat(np.arange(n), length)
    pos = np.arange(len(loc)) - np.repeat(np.cumsum(length) - length, length)
    flat = _TPL_OFF[tpl][loc] + pos
    role = _TPL_ROLE[flat]
    slot = _TPL_SLOT[flat]
    people = rng.integers(0, w.m, (n, _MAX_SLOT))
    people[:, 0] = reps.lr[idx]
    # officers are often shareholders too (family firms, founders on the board)
    shift = reps.lr_is_holder[idx].astype(np.int64)
    rows = np.arange(n)
    for s in range(1, 5):
        c = s - 1 + shift
        cand = np.where(c < MAX_PERSON_HOLDERS,
                        holdings.person_holders[rows, np.minimum(c, MAX_PERSON_HOLDERS - 1)], -1)
        use = (cand >= 0) & (rng.random(n) < 0.7)
        people[use, s] = cand[use]
    people = distinct(
        np.repeat(np.arange(n), _MAX_SLOT), people.ravel(),
        np.tile(np.arange(_MAX_SLOT) == 0, n), w.m, rng,
    ).reshape(n, _MAX_SLOT)
    sstart = np.where(rng.random((n, _MAX_SLOT)) < 0.7, est[:, None],
                      between(rng, np.repeat(est[:, None], _MAX_SLOT, 1),
                              np.repeat(limit[:, None], _MAX_SLOT, 1)))
    sstart[:, 0] = reps.lr_start[idx]
    o_e = idx[loc]
    # the previous legal representative, in the same slot-0 roles
    hist = (slot == 0) & reps.lr_changed[o_e]
    h_e = o_e[hist]
    parts = [
        (o_e, people[loc, slot], role, sstart[loc, slot], np.full(len(loc), -1, dtype=np.int64)),
        (h_e, reps.prev_lr[h_e], role[hist], w.ent.est[h_e], reps.lr_start[h_e]),
    ]
    # a former supervisor / director / manager
    fm = (rng.random(n) < 0.06) & (limit - est > 60) & (tpl <= 8)
    f_e = idx[fm]
    f_end = between(rng, est[fm] + 30, limit[fm])
    parts.append((f_e, rng.integers(0, w.m, len(f_e)),
                  rng.choice([_SU, _DI, _MA], size=len(f_e)), est[fm], f_end))
    posts = w.posts
    a, z = np.searchsorted(posts.ent, [b.lo, b.hi])
    parts.append((posts.ent[a:z], posts.person[a:z], posts.role[a:z], posts.start[a:z],
                  posts.end[a:z]))
    e = np.concatenate([p[0] for p in parts])
    o = np.argsort(e, kind="stable")
    e = e[o]
    p = np.concatenate([x[1] for x in parts])[o]
    rl = np.concatenate([x[2] for x in parts])[o]
    st = np.concatenate([x[3] for x in parts])[o]
    en = np.concatenate([x[4] for x in parts])[o]
    keep = first_of_keys(e, p, rl, st)  # the officer key of docs/data-format.md
    e, p, rl, st, en = e[keep], p[keep], rl[keep], st[keep], en[keep]
    b.sink.write("officers", {
        "enterprise": b.u(e),
        "person_id": person_ids(p),
        "name": list(w.person_names(p).tolist()),
        "role": pick(ROLES, rl),
        "start_date": date_texts(st),
        "end_date": date_texts(en),
    })
    cand = (slot != 0) & np.isin(role, [_DI, _MA, _CH])
    first_loc, first_row = np.unique(loc[cand], return_index=True)
    second = np.full(n, -1, dtype=np.int64)
    second[first_loc] = people[loc[cand][first_row], slot[cand][first_row]]
    return second
