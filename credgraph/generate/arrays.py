"""Array helpers shared by the plan and the writers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

import numpy as np
import numpy.typing as npt

Arr = npt.NDArray[Any]


def obj_array(items: Sequence[str]) -> Arr:
    """A numpy object array of texts, so that texts concatenate element-wise with `+`."""
    a = np.empty(len(items), dtype=object)
    a[:] = list(items)
    return a


def perm(i: Arr, mod: int, mul: int, add: int) -> Arr:
    """A bijection of [0, mod) (mul coprime to mod): distinct inputs give distinct outputs."""
    return (np.asarray(i, dtype=np.int64) * mul + add) % mod


def distinct(grp: Arr, person: Arr, fixed: Arr, m: int, rng: np.random.Generator) -> Arr:
    """Redraw persons so that no person appears twice in one group (fixed rows kept)."""
    person = np.array(person, dtype=np.int64, copy=True)
    for _ in range(50):
        o = np.lexsort((~fixed, person, grp))
        gs, ps = grp[o], person[o]
        dup = np.zeros(len(o), dtype=bool)
        dup[1:] = (gs[1:] == gs[:-1]) & (ps[1:] == ps[:-1])
        bad = o[dup]
        if not len(bad):
            break
        person[bad] = rng.integers(0, m, len(bad))
    return person


def first_of_keys(*keys: Arr) -> Arr:
    """Mask keeping the first row (by position) of each distinct key tuple."""
    n = len(keys[0])
    pos = np.arange(n)
    o = np.lexsort((pos, *reversed(keys)))
    same = np.ones(max(n - 1, 0), dtype=bool)
    for k in keys:
        ks = k[o]
        same &= ks[1:] == ks[:-1]
    keep = np.ones(n, dtype=bool)
    keep[o[1:][same]] = False
    return keep


def compact(*parts: Any) -> None:
    """Store every large int64 array field of these dataclasses in the smallest dtype that
    holds it: the plan keeps several arrays per enterprise, and this halves its memory."""
    for part in parts:
        for field in fields(part):
            value = getattr(part, field.name)
            if isinstance(value, np.ndarray) and value.dtype == np.int64 and value.size > 1000:
                lo, hi = int(value.min()), int(value.max())
                for dt in (np.int8, np.int16, np.int32):
                    info = np.iinfo(dt)
                    if info.min <= lo and hi <= info.max:
                        setattr(part, field.name, value.astype(dt))
                        break
