"""What makes a chunk of rows cheap to load leaves every row's outcome as it was: each
distinct text parsed once (check_rows), the garbage collector settled between chunks.

Expected values are written out by hand from docs/data-format.md and vocabulary.yaml.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from credgraph.graph.memory import MemoryStore
from credgraph.loaders.build import check_rows
from credgraph.loaders.load import load_dataset
from credgraph.loaders.normalize import PARSERS
from credgraph.loaders.reading import Row
from credgraph.loaders.spec import load_sections
from tests.handmade import E1, E2

BAD_DATE = "unreadable date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)"


def _counting(calls: Counter[str]) -> dict[str, Callable[[str], Any]]:
    """The folder parsers, counting the texts each column type is asked to parse."""

    def counted(kind: str, parse: Callable[[str], Any]) -> Callable[[str], Any]:
        def run(raw: str) -> Any:
            calls[kind] += 1
            return parse(raw)
        return run

    return {kind: counted(kind, parse) for kind, parse in PARSERS.items()}


def test_a_chunk_parses_each_text_once_and_every_row_gets_its_own_values() -> None:
    officers = load_sections()["officers"]
    rows = [
        Row(2, {"enterprise": E1, "person_id": "p-1", "role": "董事长兼总经理",
                "start_date": "2020年3月1日"}),
        Row(3, {"enterprise": E1, "person_id": "P-2", "role": "董事长兼总经理",
                "start_date": "2020年3月1日"}),
        Row(4, {"enterprise": E2, "person_id": "P-3", "role": "监事",
                "start_date": "2020-02-30"}),
        Row(5, {"enterprise": E2, "person_id": "P-4", "role": "监事",
                "start_date": "1.3.2020", "end_date": "2019-01-01"}),
        Row(6, {"enterprise": E2, "person_id": "P-5", "role": "监事",
                "start_date": "1.3.2020"}),
    ]
    calls: Counter[str] = Counter()
    checked = check_rows(officers, rows, _counting(calls))

    assert checked[0] == ({"enterprise": E1, "person_id": "P-1", "role": ["chair", "manager"],
                           "start_date": "2020-03-01"}, [])
    assert checked[1][0]["role"] == ["chair", "manager"]
    assert checked[1][0]["role"] is not checked[0][0]["role"]  # no row shares a list
    checked[0][0]["role"].append("director")
    assert checked[1][0]["role"] == ["chair", "manager"]
    assert [(p.column, p.value, p.reason) for p in checked[2][1]] == [
        ("start_date", "2020-02-30",
         "impossible date (day is out of range for month)")]
    # a refused text is refused again with the same reason; the other cells still checked
    assert [(p.column, p.value, p.reason) for p in checked[3][1]] == [
        ("start_date", "1.3.2020", BAD_DATE)]
    assert checked[3][0]["end_date"] == "2019-01-01"
    assert [(p.column, p.value, p.reason) for p in checked[4][1]] == [
        ("start_date", "1.3.2020", BAD_DATE)]
    # distinct texts: 2 enterprises, 5 person ids, 2 role cells, 3 start dates, 1 end date
    assert (calls["enterprise"], calls["person_id"], calls["roles"], calls["date"]) == (
        2, 5, 2, 4)


def test_a_load_hands_the_collector_back_as_it_found_it(handmade_dir: Path,
                                                        tmp_path: Path) -> None:
    """Objects frozen between chunks are given back to the collector at the end; objects a
    process froze before the load stay frozen."""
    assert gc.get_freeze_count() == 0
    load_dataset(handmade_dir, MemoryStore(), rejects_path=tmp_path / "a.csv", batch_size=2)
    assert gc.get_freeze_count() == 0

    gc.freeze()
    try:
        before = gc.get_freeze_count()
        load_dataset(handmade_dir, MemoryStore(), rejects_path=tmp_path / "b.csv",
                     batch_size=2)
        assert gc.get_freeze_count() >= before
    finally:
        gc.unfreeze()
