"""Identifiers of generated records: USCCs, registration numbers, person ids, document numbers.

USCCs and registration numbers are computed for whole arrays at once (they are drawn
for millions of references); each is a bijection of an index, so distinct enterprises
get distinct codes without any lookup table.
"""

from __future__ import annotations

import numpy as np

from credgraph.generate.arrays import Arr, perm
from credgraph.graph.ids import USCC_ALPHABET

_ALPHABET_CODES: Arr = np.frombuffer(USCC_ALPHABET.encode("ascii"), dtype=np.uint8).astype(
    np.int64
)
_USCC_WEIGHTS: Arr = np.array([pow(3, i, 31) for i in range(17)])
"""GB 32100-2015 check weights: 3 to the power of the position, modulo 31."""
_USCC_VALUE: Arr = np.full(128, -1, dtype=np.int64)
_USCC_VALUE[_ALPHABET_CODES] = np.arange(31)
_ORG_WEIGHTS: Arr = np.array([3, 7, 9, 10, 5, 8, 4, 2])
"""GB 11714-1997 check weights of the 8-character organisation code body."""
_ORG_VALUE: Arr = np.full(128, -1, dtype=np.int64)
_ORG_VALUE[48:58] = np.arange(10)
_ORG_VALUE[65:91] = np.arange(10, 36)


def _digits(v: Arr, n: int) -> Arr:
    """(len, n) ASCII codes of v zero-padded to n decimal digits."""
    v = np.asarray(v, dtype=np.int64)
    p = 10 ** np.arange(n - 1, -1, -1, dtype=np.int64)
    return ((v[:, None] // p[None, :]) % 10 + 48).astype(np.uint8)


def _ascii_rows(codes: Arr) -> list[str]:
    width = codes.shape[1]
    s = np.ascontiguousarray(codes, dtype=np.uint8).tobytes().decode("ascii")
    return [s[k : k + width] for k in range(0, len(s), width)]


def usccs(prefix: str, divisions: Arr, org_index: Arr, new_style: Arr) -> list[str]:
    """USCCs: prefix(2) + division(6) + organisation code(9) + check character.

    The 8-character organisation body is a bijection of ``org_index``, so distinct
    indexes give distinct codes: old style is 8 digits, new style (registered from
    2016) is ``MA`` + 6 signs of the USCC alphabet.
    """
    n = len(org_index)
    c = np.zeros((n, 18), dtype=np.uint8)
    c[:, 0] = ord(prefix[0])
    c[:, 1] = ord(prefix[1])
    c[:, 2:8] = _digits(divisions, 6)
    old = _digits(perm(org_index, 10**8, 61_803_399, 37_492_617), 8)
    v = perm(org_index, 31**6, 548_512_031, 99_991)
    new = np.zeros((n, 8), dtype=np.uint8)
    new[:, 0] = ord("M")
    new[:, 1] = ord("A")
    for k in range(6):
        new[:, 7 - k] = _ALPHABET_CODES[(v // 31**k) % 31]
    c[:, 8:16] = np.where(np.asarray(new_style, dtype=bool)[:, None], new, old)
    s = (_ORG_VALUE[c[:, 8:16]] * _ORG_WEIGHTS).sum(axis=1)
    chk = 11 - s % 11
    c[:, 16] = np.where(chk == 10, ord("X"), np.where(chk == 11, ord("0"), chk + 48))
    t = (_USCC_VALUE[c[:, :17]] * _USCC_WEIGHTS).sum(axis=1)
    c[:, 17] = _ALPHABET_CODES[(31 - t % 31) % 31]
    return _ascii_rows(c)


def reg_nos(divisions: Arr, index: Arr) -> list[str]:
    """15-digit legacy registration numbers, ISO 7064 MOD 11,10 check digit."""
    n = len(index)
    c = np.zeros((n, 15), dtype=np.uint8)
    c[:, 0:6] = _digits(divisions, 6)
    c[:, 6:14] = _digits(perm(index, 10**8, 38_196_601, 4_242_427), 8)
    p = np.full(n, 10, dtype=np.int64)
    for k in range(14):
        s = (p + c[:, k].astype(np.int64) - 48) % 10
        s = np.where(s == 0, 10, s)
        p = (s * 2) % 11
    c[:, 14] = ((11 - p) % 10 + 48).astype(np.uint8)
    return _ascii_rows(c)


def person_ids(idx: Arr) -> list[str]:
    """Person ids ``P`` + 10 digits, a bijection of the person index."""
    v = perm(idx, 10**10, 6_180_339_887, 3_829_174_650) + 10**10
    return ["P" + s[1:] for s in v.astype(str).tolist()]


def id_numbers(
    divisions: Arr, tail: Arr, x_check: Arr, check: Arr, nationality: Arr
) -> list[str]:
    """Masked identity document numbers as the publicity system shows them.

    Mainland residents (nationality 0) get a resident id with the birth date masked
    (county division of their registration unit, a city's first district for a city
    code); Hong Kong (1), Taiwan (2) and foreign (3+) people a masked travel permit
    or passport number.
    """
    div = np.where(divisions % 10_000 == 0, divisions + 101,
                   np.where(divisions % 100 == 0, divisions + 1, divisions))
    out: list[str] = []
    for d, t, x, c, nt in zip(div.tolist(), tail.tolist(), x_check.tolist(), check.tolist(),
                              nationality.tolist(), strict=True):
        if nt == 0:
            out.append(f"{d}********{t:03d}{'X' if x else c}")
        elif nt == 1:
            out.append(f"H{t:03d}{c}****")
        elif nt == 2:
            out.append(f"{c}{t:03d}****")
        else:
            out.append(f"E{c}{t % 100:02d}****{t // 100}")
    return out


def decision_no(issuer: str, kind: str, year: int, seq: int) -> str:
    """An administrative decision number, e.g. 深福市监罚〔2021〕15号."""
    return f"{issuer}{kind}〔{year}〕{seq}号"


def court_case_no(year: int, court: str, kind: str, seq: int) -> str:
    """A court case number, e.g. （2020）粤0305执1234号."""
    return f"（{year}）{court}{kind}{seq}号"


def filing_no(division: int, year: int, seq: int, width: int) -> str:
    """A security filing number: division code, year, zero-padded running number."""
    return f"{division}{year}{seq:0{width}d}"


class RunningNumbers:
    """Running numbers per series (issuer and year, or filing kind), continued across blocks."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def next(self, series: str) -> int:
        value = self._last.get(series, 0) + 1
        self._last[series] = value
        return value
