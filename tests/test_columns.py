"""The embedded store's columns: digests kept as bytes read back as the same text, in memory
and through the file, and give way to plain text for a value that is not one."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from credgraph.graph.columns import KIND, Digests, Table, Text, column_from_arrow

HAND = ["a1b2c3d4e5f60718293a", None, "00ff00ff00ff00ff00ff", "0123456789abcdef0123"]


def _through_file(table: Table) -> Table:
    """The table written as Arrow and read back, as the store's file does."""
    rows = np.arange(len(table))
    return Table.from_arrow(lambda _: None, table.arrow(rows), rows.astype(np.int32))


def _table(values: list[str | None]) -> Table:
    table = Table(lambda _: None)
    for element, value in enumerate(values):
        table.append(element, {"h": value})
    return table


def test_digests_read_back_as_written() -> None:
    digests = [f"{i * 7919:020x}" for i in range(5000)] + HAND
    table = _table(digests)
    assert isinstance(table.columns["h"], Digests), "many distinct digests: kept as bytes"
    assert [table.get(row, "h") for row in range(len(table))] == digests
    reread = _through_file(table)
    assert isinstance(reread.columns["h"], Digests)
    assert [reread.get(row, "h") for row in range(len(table))] == digests
    written = table.arrow(np.array([5003, 5001, 0])).column("h").combine_chunks()
    assert written.type == pa.large_string()
    assert written.to_pylist() == ["0123456789abcdef0123", None, "00000000000000000000"]


def test_a_value_that_is_no_digest_turns_the_column_to_text() -> None:
    digests = [f"{i:020x}" for i in range(5000)]
    table = _table(digests)
    table.append(5000, {"h": "not a digest"})
    table.set(3, "h", "ABCDEF0123456789ABCD")
    assert isinstance(table.columns["h"], Text)
    expected = [*digests, "not a digest"]
    expected[3] = "ABCDEF0123456789ABCD"
    assert [table.get(row, "h") for row in range(len(table))] == expected
    reread = _through_file(table)
    assert [reread.get(row, "h") for row in range(len(table))] == expected


@pytest.mark.parametrize("values", [["ABCDEF"], ["ab", "abcd"], ["ab c"], ["abc"], [""],
                                    [None], ["0x12"]])
def test_texts_that_are_not_digests_of_one_width_stay_text(values: list[str | None]) -> None:
    assert Digests.fitting(values) is None
    field = pa.field("h", pa.large_string(), metadata={KIND: Text.kind.encode()})
    column = column_from_arrow(field, pa.array(values, pa.large_string()), lambda _: None)
    assert isinstance(column, Text)
    assert [column.get(row) for row in range(len(values))] == values


def test_a_text_set_on_its_last_absent_row_is_the_same_column_as_one_kept_aside() -> None:
    """A load gives a new identity's identifiers right after its row: written into the
    buffer then, every other change kept aside; either way each row reads, and is
    written, as the values set (worked out here as a plain list)."""
    column = Text()
    expected: list[str | None] = []
    for row, value in enumerate(["甲", None, "乙", None, None]):
        column.append(value)
        expected.append(value)
        if row in (1, 4):  # an absent last row given a value
            assert column.set(row, f"新{row}")
            expected[row] = f"新{row}"
    assert not column.changed, "set on the last, absent row: in the buffer"
    assert column.arrow(np.arange(5)).equals(pa.array(expected, pa.large_string()))
    assert column.set(4, "改"), "the last row again: no longer absent"
    assert column.set(0, None) and column.set(2, "丙"), "earlier rows"
    expected[4], expected[0], expected[2] = "改", None, "丙"
    assert sorted(column.changed) == [0, 2, 4]
    assert [column.get(row) for row in range(5)] == expected
    rows = np.arange(5)
    assert column.arrow(rows).to_pylist() == expected
    assert column.arrow(rows).equals(pa.array(expected, pa.large_string()))
