"""The planner's undo of a row refused half-way: what the row changed is put back,
replacements of versions planned by earlier rows of the chunk included."""

from __future__ import annotations

import pytest

from credgraph.graph.records import FactVersion, Head
from credgraph.loaders.plan import Outcome, Planner, Refused

EXTRACT, LATER = "2026-03-01T01:00:00Z", "2026-03-02T01:00:00Z"


def _version(fact: str, h: str, rec: str = EXTRACT) -> FactVersion:
    return FactVersion("shareholdings", fact, rec, "registry", h=h)


def test_a_refused_row_leaves_the_chunk_as_the_rows_before_it_left_it() -> None:
    stale_head = Head(LATER, None, "b0", "registry", False)
    planner = Planner({("shareholdings", "B"): stale_head,
                       ("shareholdings", "C"): Head(EXTRACT, None, "c0", "registry", False)})
    first = _version("A", "a1")
    planner.begin_row()
    assert planner.upsert(first) == (Outcome.CREATED, None)
    planner.begin_row()
    planner.withdraw("shareholdings", "C", EXTRACT)
    assert planner.upsert(_version("A", "a2"))[0] is Outcome.CORRECTED  # replaced in place
    with pytest.raises(Refused):
        planner.upsert(_version("B", "b1"))  # recorded before B's head: refused
    planner.rollback()

    assert planner.changes.create == [first]
    assert planner.changes.retire == [] and planner.changes.drop == []
    assert planner.heads == {("shareholdings", "A"): Head(EXTRACT, None, "a1", "registry", False),
                             ("shareholdings", "B"): stale_head,
                             ("shareholdings", "C"): Head(EXTRACT, None, "c0", "registry", False)}
    assert planner.planned == {("shareholdings", "A"): 0}
