"""The named random streams: every draw of the generator comes from one of these.

Each stream is a numpy generator seeded from (seed, stream number, indexes...). A part
of the generator that draws from its own stream can be added, removed or changed
without moving the draws of any other part, so new sections and planted patterns take
a new member here rather than drawing from an existing stream.

Rules for a new member: a new number, never reused; always used with the same number of
indexes. (numpy's SeedSequence pads the key with zeros, so (seed, 8) and (seed, 8, 0)
are the same stream.)
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Stream(IntEnum):
    PLAN = 1
    """The world plan, its phases one after the other (no index)."""
    BLOCK = 2
    """Rows of one block of enterprises, section after section (index: block number)."""
    PERSONS = 3
    """Identity document numbers of one block of persons (index: block number)."""
    PERSON_LISTS = 4
    """Court and criminal list entries about persons (no index)."""
    BRANDS = 7
    """The order of the brand characters of enterprise names (no index)."""
    CONTACTS = 8
    """The contact details of annual reports and their planted sharing (no index)."""
    ANNUAL_REPORTS = 9
    """Rows of the annual reports of one block of enterprises (index: block number)."""
    FEEDS = 10
    """The contradictions planted in the feeds of other departments (no index)."""
    DENSE = 11
    """The densely cross-held groups, when asked for (no index)."""


def stream(seed: int, which: Stream, *index: int) -> np.random.Generator:
    """The generator of one stream for this seed."""
    return np.random.default_rng(np.random.SeedSequence([seed, int(which), *index]))
