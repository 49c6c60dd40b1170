"""Rows of the penalties section: administrative penalties of market regulation bureaus."""

from __future__ import annotations

import numpy as np

from credgraph.generate.days import YEAR, between, date_texts, day_of
from credgraph.generate.identifiers import decision_no
from credgraph.generate.words import VIOLATIONS
from credgraph.generate.writers.block import Block
from credgraph.generate.writers.sink import pick


def write_penalties(b: Block) -> None:
    """About 2% of enterprises are penalised from 2012 on, a tenth of them twice: a
    warning, a fine, or confiscation and a fine."""
    w, rng, idx = b.w, b.rng, b.idx
    lo_d = np.maximum(w.ent.est[idx] + 30, day_of(2012, 1, 1))
    sel = ~w.ent.is_bank[idx] & (w.life.limit[idx] >= lo_d) & (rng.random(len(idx)) < 0.02)
    e = idx[sel]
    e = np.sort(np.concatenate([e, e[rng.random(len(e)) < 0.1]]))
    k = len(e)
    if not k:
        return
    day = between(rng, np.maximum(w.ent.est[e] + 30, day_of(2012, 1, 1)), w.life.limit[e])
    vt = rng.integers(0, len(VIOLATIONS), k)
    fine = (rng.integers(1, 200, k) * 1000).tolist()
    gain = rng.integers(0, 50_000, k).tolist()
    kind = rng.integers(0, 3, k).tolist()
    docs: list[str] = []
    content: list[str] = []
    for j, (un, y) in enumerate(zip(w.ent.unit[e].tolist(), YEAR[day].tolist(), strict=True)):
        issuer = w.geo.doc_prefix[un]
        docs.append(decision_no(issuer, "罚", y, b.numbers.next(f"{issuer}罚{y}")))
        what = VIOLATIONS[int(vt[j])][1]
        if kind[j] == 0:
            content.append(f"{what}；警告")
        elif kind[j] == 1:
            content.append(f"{what}；罚款人民币{fine[j]}元")
        else:
            content.append(f"{what}；没收违法所得{gain[j]}元，并处罚款人民币{fine[j]}元")
    b.sink.write("penalties", {
        "enterprise": b.u(e),
        "doc_no": docs,
        "violation_type": pick([v[0] for v in VIOLATIONS], vt),
        "content": content,
        "authority": list(w.authority(e).tolist()),
        "decided_on": date_texts(day),
    })
