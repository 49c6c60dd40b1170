"""A block of enterprises: the unit in which rows are drawn and written, so memory stays flat."""

from __future__ import annotations

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.identifiers import RunningNumbers
from credgraph.generate.plan import World
from credgraph.generate.streams import Stream, stream
from credgraph.generate.writers.sink import Sink

BLOCK_SIZE = 25_000
"""Enterprises per block."""


class Block:
    """Enterprises [lo, hi) with their codes and names, and the block's random stream, which
    the block's section writers draw from one after the other."""

    def __init__(self, w: World, number: int, sink: Sink, numbers: RunningNumbers) -> None:
        self.w = w
        self.lo = number * BLOCK_SIZE
        self.hi = min(w.n, self.lo + BLOCK_SIZE)
        self.sink = sink
        self.numbers = numbers
        self.rng = stream(w.seed, Stream.BLOCK, number)
        self.idx = np.arange(self.lo, self.hi, dtype=np.int64)
        self.uscc = np.array(w.usccs(self.idx), dtype=object)
        self.names = w.ent_names(self.idx)

    def u(self, e: Arr) -> list[str]:
        """USCCs of enterprises e of this block."""
        return list(self.uscc[np.asarray(e, dtype=np.int64) - self.lo].tolist())

    def nm(self, e: Arr) -> list[str]:
        """Names of enterprises e of this block."""
        return list(self.names[np.asarray(e, dtype=np.int64) - self.lo].tolist())
