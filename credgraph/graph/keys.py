"""Finding elements by text with no Python object per key: 64-bit hashes in sorted arrays.

A dict of ten million strings costs over a gigabyte; here a key's text is stored
once in a UTF-8 buffer and found through its hash, kept in a sorted numpy array
(binary search) with a small dict for the keys added since the arrays were last
merged. A hash only names candidates: callers compare the text itself.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa

from credgraph.exc import StoreError
from credgraph.graph.columns import Text, from_numpy, numpy_view

MERGE_AT = 1 << 18
"""Keys kept in the dict before they are merged into the sorted arrays."""


def text_hash(space: str, text: str) -> int:
    """A 64-bit hash of a text in a named key space, the same in every process (the file
    keeps the sorted hashes)."""
    digest = hashlib.blake2b(f"{space}\x00{text}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "little", signed=True)


class HashIndex:
    """Hash -> values (several values may share a hash).

    A load reads the index (the next chunk's lookups) while its writer thread adds to it:
    the sorted arrays are one tuple, replaced whole, so a reader never pairs the hashes of
    one merge with the values of another; a merge publishes the new arrays before it
    forgets the recent keys, so a key is never missing in between.
    """

    def __init__(self, hashes: np.ndarray | None = None, values: np.ndarray | None = None) -> None:
        self.sorted: tuple[np.ndarray, np.ndarray] = (
            hashes if hashes is not None else np.zeros(0, np.int64),
            values if values is not None else np.zeros(0, np.int32))
        self.recent: dict[int, list[int]] = {}
        self.pending = 0

    @property
    def hashes(self) -> np.ndarray:
        return self.sorted[0]

    @property
    def values(self) -> np.ndarray:
        return self.sorted[1]

    def add(self, key_hash: int, value: int) -> None:
        self.recent.setdefault(key_hash, []).append(value)
        self.pending += 1
        if self.pending >= MERGE_AT:
            self.merge()

    def find(self, key_hash: int) -> list[int]:
        """Every value added under this hash, oldest first."""
        hashes, values = self.sorted
        at = int(hashes.searchsorted(key_hash))
        found = []
        while at < len(hashes) and hashes[at] == key_hash:
            found.append(int(values[at]))
            at += 1
        recent = self.recent.get(key_hash)
        return found + [v for v in recent if v not in found] if recent else found

    def merge(self) -> None:
        """Fold the recent keys into the sorted arrays (values under one hash stay in order)."""
        if not self.recent:
            return
        hashes = np.fromiter((h for h, vs in self.recent.items() for _ in vs), np.int64,
                             self.pending)
        values = np.fromiter((v for vs in self.recent.values() for v in vs), np.int32,
                             self.pending)
        order = np.argsort(hashes, kind="stable")
        hashes, values = hashes[order], values[order]
        old_hashes, old_values = self.sorted
        at = np.searchsorted(old_hashes, hashes, "right")
        self.sorted = (np.insert(old_hashes, at, hashes), np.insert(old_values, at, values))
        self.recent = {}
        self.pending = 0

    def remapped(self, new_values: np.ndarray) -> HashIndex:
        """The same index with each value v replaced by new_values[v] (negative: left out)."""
        self.merge()
        values = new_values[self.values]
        keep = values >= 0
        return HashIndex(self.hashes[keep], values[keep].astype(np.int32))


class Keys:
    """Texts in key spaces (a fact's section and key, an identity's id), each stored once,
    each with the chain of elements that share it: `head` and `tail` here, the next link
    kept by the store per element."""

    def __init__(self, spaces: Sequence[str]) -> None:
        self.spaces = tuple(spaces)
        """Space names; a key's space is kept as the name's position."""
        self.space = array("B")
        self.texts = Text()
        self.head = array("i")
        self.tail = array("i")
        self.index = HashIndex()

    def __len__(self) -> int:
        return len(self.space)

    def find(self, space: int, text: str, key_hash: int | None = None) -> int:
        """The key of this text in this space (whose hash may be given), or -1."""
        if key_hash is None:
            key_hash = text_hash(self.spaces[space], text)
        for key in self.index.find(key_hash):
            if self.space[key] == space and self.texts.get(key) == text:
                return key
        return -1

    def add(self, space: int, text: str) -> int:
        """The key of this text in this space, made if new."""
        key_hash = text_hash(self.spaces[space], text)
        key = self.find(space, text, key_hash)
        if key < 0:
            key = len(self.space)
            self.space.append(space)
            self.texts.append(text)
            self.head.append(-1)
            self.tail.append(-1)
            self.index.add(key_hash, key)
        return key

    def text(self, key: int) -> str:
        found: str = self.texts.get(key)
        return found

    def in_space(self, space: int) -> Iterator[int]:
        """Every key of a space, in the order they were made."""
        return iter(np.flatnonzero(numpy_view(self.space) == space).tolist())

    # --- the file -----------------------------------------------------------------------

    def tables(self) -> dict[str, pa.Table]:
        self.index.merge()
        return {
            "keys": pa.table({"space": pa.array(numpy_view(self.space)),
                              "text": self.texts.whole()}),
            "key_index": pa.table({"hash": self.index.hashes, "key": self.index.values}),
        }

    @classmethod
    def from_tables(cls, spaces: Sequence[str], written: Sequence[str], keys: pa.Table,
                    index: pa.Table) -> Keys:
        """Keys as written with the spaces `written` (names), kept with the spaces `spaces`."""
        made = cls(spaces)
        try:
            codes = np.array([made.spaces.index(name) for name in written], np.uint8)
        except ValueError as e:
            raise StoreError(f"unknown key space ({e})") from e
        made.space = from_numpy("B", codes[keys.column("space").to_numpy()])
        made.texts = Text.from_arrow(keys.column("text").combine_chunks())
        made.head = from_numpy("i", np.full(len(made.space), -1))
        made.tail = from_numpy("i", np.full(len(made.space), -1))
        made.index = HashIndex(index.column("hash").to_numpy().astype(np.int64),
                               index.column("key").to_numpy().astype(np.int32))
        return made
