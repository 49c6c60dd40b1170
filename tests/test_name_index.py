"""The embedded store's name index (credgraph.graph.names) read from Arrow buffers with
no Python string per record: its rank order and character pairs must be those worked out
here with plain Python strings (zlib's CRC-32 of each id in hex, each name's pairs)."""

from __future__ import annotations

import zlib

import numpy as np
import pyarrow as pa
import pytest

from credgraph.graph import names
from credgraph.graph.names import NameIndex

IDS = ["91440300MA5ABCDE1X", "P1", "P2", "张三的编号", "E9", "甲乙公司", "Q"]
NAMES = ["甲乙", None, "甲乙", "深圳甲乙丙", "ab", "乙丙", None]
PADDING = 3
"""Values before the ones indexed: the arrays are slices of larger ones, whose buffers
hold other text first."""


def _sliced(values: list[str | None]) -> pa.LargeStringArray:
    whole = pa.array(["不相干"] * PADDING + values, pa.large_string())
    return whole.slice(PADDING)


def test_rank_order_is_length_then_the_ids_crc_then_the_id() -> None:
    index = NameIndex.build(np.arange(100, 107), _sliced(NAMES), _sliced(IDS), 107)
    by_hand = sorted(range(len(IDS)), key=lambda i: (
        len(NAMES[i] or ""), f"{zlib.crc32(IDS[i].encode()):08x}", IDS[i]))
    assert index.elements.tolist() == [100 + i for i in by_hand]
    assert index.names.to_pylist() == [NAMES[i] for i in by_hand]


def test_every_pair_of_adjacent_characters_lists_the_names_holding_it() -> None:
    index = NameIndex.build(np.arange(len(IDS)), _sliced(NAMES), _sliced(IDS), len(IDS))
    ranked = index.names.to_pylist()
    expected: dict[str, list[int]] = {}
    for position, name in enumerate(ranked):
        for pair in sorted({(name or "")[i:i + 2] for i in range(len(name or "") - 1)}):
            expected.setdefault(pair, []).append(position)
    alphabet = [chr(c) for c in index.alphabet.tolist()]
    assert alphabet == sorted({c for name in NAMES for c in name or ""})
    found = {}
    for gram, start, end in zip(index.grams.tolist(), index.starts[:-1].tolist(),
                                index.starts[1:].tolist(), strict=True):
        pair = alphabet[gram >> 31] + alphabet[gram & ((1 << 31) - 1)]
        found[pair] = index.postings[start:end].tolist()
    assert found == expected
    assert sorted(found) == sorted(expected)
    assert index.by_name.tolist() == sorted(
        (p for p, name in enumerate(ranked) if name is not None), key=lambda p: ranked[p])


SIGNS_IDS = ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"]
SIGNS_NAMES = ["乙", "乙丙", "甲乙", "甲乙丙", "丙丙乙乙", None, "丁", "甲丙丁"]


@pytest.mark.parametrize("dense", [0, 10**9], ids=["listed", "every name"])
def test_a_sign_is_found_in_every_name_holding_it(dense: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Alone, first, last, in the middle, twice; by the names listed with it or, frequent,
    by every name: the names holding it in rank order, worked out here with `in`."""
    monkeypatch.setattr(names, "DENSE", dense)
    index = NameIndex.build(np.arange(len(SIGNS_IDS)), _sliced(SIGNS_NAMES),
                            _sliced(SIGNS_IDS), len(SIGNS_IDS))
    ranked = index.names.to_pylist()
    for sign in "甲乙丙丁戊":
        found = [p for chunk in index.containing(sign) for p in chunk.tolist()]
        assert found == [p for p, name in enumerate(ranked) if sign in (name or "")], sign
