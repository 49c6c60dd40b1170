"""Keys (credgraph.graph.keys): texts found through 64-bit hashes in sorted arrays plus a
dict of recent ones, as the embedded store finds its keys and a full extract's load keeps
the facts its rows name. A key must be found after any number of merges, once, and never
stand for another text: a hash only names candidates.

Expected keys are counted by hand: the n-th distinct text added is key n.
"""

from __future__ import annotations

import pytest

from credgraph.graph import keys as keys_module
from credgraph.graph.keys import Keys

E1, E2 = "91440300MA5ABCDE1X", "91440300MA5ABCDE2X"
FACTS = [f"{e}|P{n}|director|2020-01-0{d}" for e in (E1, E2) for n in (1, 2, 3)
         for d in (1, 2)]
"""Twelve officer keys that differ in one character from several others."""
NEAR = [FACTS[0][:-1], FACTS[0] + "|", FACTS[0].replace("director", "supervisor"),
        f"{E1}|P4|director|2020-01-01", "", FACTS[0].upper().replace("P", "p")]
"""Texts close to the keys but none of them."""


@pytest.mark.parametrize("merge_at", [1, 3, 1 << 18])
def test_every_key_is_found_once_across_merges_and_no_other_text(
        merge_at: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys_module, "MERGE_AT", merge_at)
    found = Keys(("officers", "persons"))
    for _ in range(2):  # the second pass adds nothing
        assert [found.add(0, fact) for fact in FACTS] == list(range(12))
    assert len(found) == 12
    assert [found.find(0, fact) for fact in FACTS] == list(range(12))
    assert [found.text(key) for key in range(12)] == FACTS
    assert [found.find(0, text) for text in NEAR] == [-1] * len(NEAR)
    assert found.find(1, FACTS[0]) == -1, "another space's key is another key"


def test_texts_sharing_a_hash_stay_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every text given one hash: only the texts themselves tell the keys apart."""
    monkeypatch.setattr(keys_module, "text_hash", lambda space, text: 7)
    monkeypatch.setattr(keys_module, "MERGE_AT", 5)
    found = Keys(("officers",))
    assert [found.add(0, fact) for fact in FACTS] == list(range(12))
    assert [found.find(0, fact) for fact in reversed(FACTS)] == list(reversed(range(12)))
    assert [found.find(0, text) for text in NEAR] == [-1] * len(NEAR)
