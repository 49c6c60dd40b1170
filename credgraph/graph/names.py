"""The name index of the embedded store's search: every record version's normalised name.

Search ranks matches by tier (equal, starts with, contains), then name length,
then the id's digest and the id (credgraph.queries.backend.base.search_order). The
index keeps every record version (each entity's every recorded name) in that order,
"rank", so that within a tier the first matches found are the first to show:

* `by_name`: rank positions sorted by name, where the names starting with a text
  (equal ones first: they are the shortest) are one binary-searched range;
* `grams`: for each pair of adjacent characters, the rank positions of the names
  holding it, in rank order; a text's rarest pair bounds the names that can
  contain it, checked in rank order a chunk at a time until enough are found.

Versions recorded after the index was built are not in it (`covers`); the store
rebuilds it when it commits or when too many are missing.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from zlib import crc32

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CHUNK = 4096
"""Candidates checked at a time, in rank order."""
DENSE = 100
"""A sign held by more than one name in DENSE is looked for in every name, in rank order (the
first chunks hold enough); a rarer one only in the names listed with it."""
_LAST = chr(0x10FFFF)
_CHAR_BITS = 31
"""Characters are numbered densely (the index's alphabet); a pair packs two numbers."""


@dataclass(frozen=True)
class NameIndex:
    elements: np.ndarray
    """Record elements in rank order."""
    names: pa.LargeStringArray
    """Their normalised names (null: none), in rank order."""
    by_name: np.ndarray
    """Rank positions of the named ones, sorted by name."""
    alphabet: np.ndarray
    """The characters the names use (code points, sorted)."""
    grams: np.ndarray
    """The character pairs the names hold (sorted), packed from alphabet positions."""
    starts: np.ndarray
    """grams[i]'s rank positions are postings[starts[i]:starts[i + 1]]."""
    postings: np.ndarray
    covers: int
    """Elements below this number were considered when the index was built."""

    @classmethod
    def build(cls, elements: np.ndarray, names: pa.LargeStringArray, ids: pa.LargeStringArray,
              covers: int) -> NameIndex:
        """The index of these record elements with their names and their entities' ids."""
        lengths = pc.fill_null(pc.utf8_length(names), 0)
        ranked = pc.sort_indices(pa.table({"length": lengths, "spread": _spreads(ids),
                                           "id": ids}),
                                 sort_keys=[("length", "ascending"), ("spread", "ascending"),
                                            ("id", "ascending")])
        names = names.take(ranked)
        elements = elements[ranked.to_numpy()]
        named = np.flatnonzero(names.is_valid().to_numpy(zero_copy_only=False))
        by_name = named[pc.sort_indices(names.take(pa.array(named))).to_numpy()]
        alphabet, grams, starts, postings = _pairs(names)
        return cls(elements, names, by_name, alphabet, grams, starts, postings, covers)

    def prefixed(self, text: str) -> np.ndarray:
        """Rank positions of the names starting with `text`, in rank order."""
        def key(position: int) -> str:
            found: str = self.names[int(self.by_name[position])].as_py()
            return found

        count = len(self.by_name)
        low = bisect_left(range(count), text, key=key)
        high = bisect_left(range(count), text + _LAST, lo=low, key=key)
        return np.sort(self.by_name[low:high])

    def containing(self, text: str) -> Iterator[np.ndarray]:
        """Rank positions of the names containing `text`, in rank order, a chunk at a time."""
        candidates = self._candidates(text)
        for start in range(0, len(candidates), CHUNK):
            chunk = candidates[start:start + CHUNK]
            found = pc.match_substring(self.names.take(pa.array(chunk)), text)
            yield chunk[pc.fill_null(found, False).to_numpy(zero_copy_only=False)]

    def _candidates(self, text: str) -> np.ndarray:
        """The postings of the text's rarest character pair (for one character: `_holding`)."""
        if len(text) < 2:
            return self._holding(text)
        chars = np.array([ord(c) for c in text], np.int64)
        at = np.searchsorted(self.alphabet, chars)
        if (at >= len(self.alphabet)).any() or (self.alphabet[np.minimum(
                at, len(self.alphabet) - 1)] != chars).any():
            return np.zeros(0, np.int64)
        pairs = np.unique((at[:-1] << _CHAR_BITS) | at[1:])
        where = np.searchsorted(self.grams, pairs)
        if (where >= len(self.grams)).any() or (self.grams[np.minimum(
                where, len(self.grams) - 1)] != pairs).any():
            return np.zeros(0, np.int64)
        sizes = self.starts[where + 1] - self.starts[where]
        rarest = int(where[int(np.argmin(sizes))])
        return self.postings[self.starts[rarest]:self.starts[rarest + 1]]

    def _holding(self, sign: str) -> np.ndarray:
        """Rank positions of the names holding `sign`: those starting with it, and those
        listed with a pair that ends with it (it stands after their first sign); every name
        when the sign is frequent (`DENSE`)."""
        at = int(np.searchsorted(self.alphabet, ord(sign)))
        if at >= len(self.alphabet) or self.alphabet[at] != ord(sign):
            return np.zeros(0, np.int64)
        pairs = np.flatnonzero((self.grams & ((1 << _CHAR_BITS) - 1)) == at)
        starting = self.prefixed(sign)
        held = int((self.starts[pairs + 1] - self.starts[pairs]).sum()) + len(starting)
        if held * DENSE > len(self.names):
            return np.arange(len(self.names))
        return np.unique(np.concatenate(
            [starting, *(self.postings[self.starts[g]:self.starts[g + 1]] for g in pairs)]))

    # --- the file -----------------------------------------------------------------------

    def tables(self, new_elements: np.ndarray) -> dict[str, pa.Table]:
        """The index as tables, elements renumbered through `new_elements`."""
        return {
            "names": pa.table({"element": new_elements[self.elements].astype(np.int32),
                               "name": self.names}),
            "names_by_name": pa.table({"position": self.by_name.astype(np.int32)}),
            "names_alphabet": pa.table({"char": self.alphabet}),
            "names_grams": pa.table({"gram": self.grams,
                                     "start": self.starts[:-1], "end": self.starts[1:]}),
            "names_postings": pa.table({"position": self.postings.astype(np.int32)}),
        }

    @classmethod
    def from_tables(cls, tables: dict[str, pa.Table], covers: int) -> NameIndex:
        names = tables["names"]
        grams = tables["names_grams"]
        ends = grams.column("end").to_numpy()
        starts = np.concatenate([grams.column("start").to_numpy()[:1] if len(ends) else [0],
                                 ends]).astype(np.int64)
        return cls(names.column("element").to_numpy().astype(np.int64),
                   names.column("name").combine_chunks(),
                   tables["names_by_name"].column("position").to_numpy().astype(np.int64),
                   tables["names_alphabet"].column("char").to_numpy().astype(np.int64),
                   grams.column("gram").to_numpy().astype(np.int64), starts,
                   tables["names_postings"].column("position").to_numpy().astype(np.int64),
                   covers)


def _texts(strings: pa.LargeStringArray) -> tuple[bytes, np.ndarray]:
    """The UTF-8 bytes of every value, one after the other (a null's are none: the arrays
    here come from `take`), and the offset of each value's start and of the end: read
    from the array's buffers, with no Python string per value."""
    offsets = np.frombuffer(strings.buffers()[1], np.int64)[
        strings.offset:strings.offset + len(strings) + 1]
    data = strings.buffers()[2]
    text = data.to_pybytes()[offsets[0]:offsets[-1]] if data is not None else b""
    return text, offsets - offsets[0]


def _spreads(ids: pa.LargeStringArray) -> pa.UInt32Array:
    """Each id's `spread` (its CRC-32) as the number its hex digits spell, which orders ids
    as their `spread` texts do (eight lowercase digits each): no text made per id (a
    million records' Python strings took 300 MB while the index was built)."""
    text, bounds = _texts(ids)
    view = memoryview(text)
    return pa.array(np.fromiter((crc32(view[start:end]) for start, end in pairwise(
        bounds.tolist())), np.uint32, len(ids)))


def _pairs(names: pa.LargeStringArray) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                np.ndarray]:
    """The alphabet, and each adjacent character pair's rank positions (in rank order).
    The names' characters come from one decoded text, not a string per name, and stay
    4-byte numbers until they are packed into pairs."""
    text, _ = _texts(names)
    lengths = np.asarray(pc.fill_null(pc.utf8_length(names), 0), np.int64)
    points = np.frombuffer(text.decode().encode("utf-32-le"), np.uint32)
    del text
    alphabet, chars = np.unique(points, return_inverse=True)
    del points
    chars = chars.astype(np.int64)
    owner = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
    same = owner[:-1] == owner[1:]
    pairs = ((chars[:-1] << _CHAR_BITS) | chars[1:])[same]
    owner = owner[:-1][same]
    del chars, same
    # owners ascend already: a stable sort by pair keeps them ascending within each pair
    order = np.argsort(pairs, kind="stable")
    pairs, owner = pairs[order], owner[order]
    del order
    keep = np.ones(len(pairs), bool)
    keep[1:] = (pairs[1:] != pairs[:-1]) | (owner[1:] != owner[:-1])
    pairs, owner = pairs[keep], owner[keep]
    grams, first = np.unique(pairs, return_index=True)
    starts = np.append(first, len(pairs)).astype(np.int64)
    return alphabet.astype(np.int64), grams, starts, owner.astype(np.int64)
