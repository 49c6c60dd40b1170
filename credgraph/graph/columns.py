"""Compact columns for the embedded store: element properties in typed arrays, not dicts.

A dict of properties per node or relationship costs hundreds of bytes in Python;
a million enterprises make ten million elements. Here each label or relationship
type has one `Table` of columns, one row per element:

* strings: a small dictionary and a 1-, 2- or 4-byte code per row while values
  repeat (statuses, roles, dates, load stamps), one UTF-8 buffer with an offset
  per row once most differ (names, addresses);
* strings of hex digits of one length (the versions' digests): the bytes they spell,
  text again in the file;
* a string column whose every value is its element's fact key (a relationship's
  `key`, a record's `of`, a list entry's `id`) stores nothing at all;
* numbers and booleans in typed arrays with a presence flag;
* anything else (lists, a column mixing types) as plain Python values.

Rows are appended (writes) or changed in place (identifiers, retirements); a
column becomes an Arrow array for the file and is rebuilt from one, its kind kept
in the field's metadata.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from array import array
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from credgraph.exc import StoreError

KIND = b"credgraph.column"
"""Field metadata naming how a column is kept (`alias` has no values of its own)."""

CODE_LIMIT = 65_535
"""Distinct values a dictionary column keeps before it becomes a text column."""
CODE_MIN_ROWS = 4096
"""Rows before a dictionary column whose values mostly differ becomes a text column."""

_WIDTHS = (("B", 0xFF), ("H", 0xFFFF), ("i", 0x7FFF_FFFF))
_INT64 = (-(1 << 63), (1 << 63) - 1)
_NP = {"B": np.uint8, "H": np.uint16, "i": np.int32, "q": np.int64, "d": np.float64,
       "b": np.int8}


def numpy_view(values: array) -> np.ndarray:  # type: ignore[type-arg]
    """A read-only numpy view of an array (drop it before the array grows again)."""
    view = np.frombuffer(values, dtype=_NP[values.typecode]) if len(values) else np.zeros(
        0, dtype=_NP[values.typecode])
    view.flags.writeable = False
    return view


def from_numpy(typecode: str, values: np.ndarray) -> array:  # type: ignore[type-arg]
    """A growable array holding a copy of numpy values."""
    out = array(typecode)
    out.frombytes(np.ascontiguousarray(values, dtype=_NP[typecode]).tobytes())
    return out


class Codes:
    """Small non-negative codes in the narrowest array that holds them (0 often = absent)."""

    __slots__ = ("codes", "limit")

    def __init__(self, codes: array | None = None) -> None:  # type: ignore[type-arg]
        self.codes = codes if codes is not None else array("B")
        self.limit = dict(_WIDTHS)[self.codes.typecode]

    def __len__(self) -> int:
        return len(self.codes)

    def widen(self, code: int) -> None:
        """A wider array, that can hold `code`."""
        if code > _WIDTHS[-1][1]:
            raise StoreError("too many distinct values for one column")
        typecode, self.limit = next((t, limit) for t, limit in _WIDTHS if code <= limit)
        self.codes = array(typecode, self.codes)

    def append(self, code: int) -> None:
        if code > self.limit:
            self.widen(code)
        self.codes.append(code)

    def __getitem__(self, row: int) -> int:
        return self.codes[row]

    def __setitem__(self, row: int, code: int) -> None:
        if code > self.limit:
            self.widen(code)
        self.codes[row] = code

    def view(self) -> np.ndarray:
        return numpy_view(self.codes)

    @classmethod
    def of(cls, values: np.ndarray) -> Codes:
        top = int(values.max()) if len(values) else 0
        typecode = next(t for t, limit in _WIDTHS if top <= limit)
        return cls(from_numpy(typecode, values))


class Column(ABC):
    """One property of every row of a table; None is an absent property."""

    kind: str
    alias = False
    """Holds only presence: values are the row's fact (`Alias`)."""
    crowded = False
    """Would be cheaper kept as text (`Words` whose values mostly differ)."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def append(self, value: Any) -> bool:
        """Add a row; False (and nothing added) when the value does not fit this column."""

    @abstractmethod
    def get(self, row: int) -> Any: ...

    @abstractmethod
    def set(self, row: int, value: Any) -> bool:
        """Change a row; False (and nothing changed) when the value does not fit."""

    @abstractmethod
    def arrow(self, rows: np.ndarray) -> pa.Array:
        """The values of these rows, in this order, as an Arrow array."""

    def values(self) -> Iterator[Any]:
        return (self.get(row) for row in range(len(self)))


class Words(Column):
    """Strings that repeat: a dictionary and a code per row (0: absent)."""

    kind = "words"

    def __init__(self) -> None:
        self.words: list[str | None] = [None]
        self.index: dict[str, int] = {}
        self.codes = Codes()

    def __len__(self) -> int:
        return len(self.codes)

    def code(self, value: str) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.words)
            self.words.append(value)
            distinct = len(self.words)
            self.crowded = distinct > CODE_LIMIT or (
                len(self) >= CODE_MIN_ROWS and distinct * 2 > len(self))
        return found

    def append(self, value: Any) -> bool:
        if value is None:
            self.codes.append(0)
            return True
        if type(value) is not str:
            return False
        code = self.index.get(value)
        self.codes.append(code if code is not None else self.code(value))
        return True

    def get(self, row: int) -> Any:
        return self.words[self.codes[row]]

    def set(self, row: int, value: Any) -> bool:
        if value is not None and type(value) is not str:
            return False
        self.codes[row] = 0 if value is None else self.code(value)
        return True

    def arrow(self, rows: np.ndarray) -> pa.Array:
        codes = self.codes.view()[rows].astype(np.int32) - 1
        return pa.DictionaryArray.from_arrays(
            pa.array(codes, mask=codes < 0), pa.array(self.words[1:], pa.string()))

    @classmethod
    def from_arrow(cls, values: pa.Array) -> Words:
        column = cls()
        column.words.extend(values.dictionary.to_pylist())
        column.index = {w: i for i, w in enumerate(column.words) if w is not None}
        codes = pc.fill_null(values.indices.cast(pa.int64()), -1).to_numpy() + 1
        column.codes = Codes.of(codes)
        return column


class Text(Column):
    """Strings that mostly differ: one UTF-8 buffer, the end offset of each row (bitwise
    inverted for an absent value), 4 bytes a row until the buffer passes 2 GiB."""

    kind = "text"

    def __init__(self) -> None:
        self.data = bytearray()
        self.ends = array("i")
        self.changed: dict[int, str | None] = {}

    def __len__(self) -> int:
        return len(self.ends)

    def append(self, value: Any) -> bool:
        if value is None:
            self.ends.append(~len(self.data))
            return True
        if type(value) is not str:
            return False
        self.data += value.encode()
        if len(self.data) > _WIDTHS[-1][1] and self.ends.typecode == "i":
            self.ends = array("q", self.ends)
        self.ends.append(len(self.data))
        return True

    def _start(self, row: int) -> int:
        if row == 0:
            return 0
        before = self.ends[row - 1]
        return before if before >= 0 else ~before

    def get(self, row: int) -> Any:
        if self.changed and row in self.changed:
            return self.changed[row]
        end = self.ends[row]
        if end < 0:
            return None
        return self.data[self._start(row):end].decode()

    def set(self, row: int, value: Any) -> bool:
        """A value for the last row, absent until now, is appended to the buffer (a load
        gives a new identity its identifiers just after its row is made: kept aside, they
        were a dict entry per enterprise while loading and a Python string each when
        written); any other change is rare (an identifier changed): kept aside, and folded
        in when written."""
        if value is not None and type(value) is not str:
            return False
        if value is not None and row == len(self.ends) - 1 and row not in self.changed \
                and self.ends[row] == ~len(self.data):
            self.ends.pop()
            self.append(value)
            return True
        self.changed[row] = value
        return True

    def whole(self) -> pa.LargeStringArray:
        """Every row as an Arrow array sharing this column's bytes (no copy)."""
        ends = numpy_view(self.ends)
        absent = ends < 0
        offsets = np.concatenate([[0], np.where(absent, ~ends, ends)]).astype(np.int64)
        bitmap = pa.py_buffer(np.packbits(~absent, bitorder="little")) if absent.any() else None
        return pa.LargeStringArray.from_buffers(
            len(ends), pa.py_buffer(offsets), pa.py_buffer(self.data), bitmap,
            int(absent.sum()))

    def arrow(self, rows: np.ndarray) -> pa.Array:
        if self.changed:
            return pa.array([self.get(row) for row in rows.tolist()], pa.large_string())
        if len(rows) == len(self) and (rows == np.arange(len(rows))).all():
            return self.whole()  # every row in order (nothing dropped): no copy of the text
        return self.whole().take(pa.array(rows))

    @classmethod
    def from_arrow(cls, values: pa.Array) -> Text:
        values = values.cast(pa.large_string())
        column = cls()
        count = len(values)
        offsets = np.frombuffer(values.buffers()[1], dtype=np.int64)[
            values.offset:values.offset + count + 1]
        first = int(offsets[0]) if count else 0
        ends = offsets[1:] - first
        if values.null_count:
            absent = values.is_null().to_numpy(zero_copy_only=False)
            ends = np.where(absent, ~ends, ends)
        column.ends = from_numpy("i" if count == 0 or int(offsets[-1]) - first <= _WIDTHS[-1][1]
                                 else "q", ends)
        if count:
            column.data = bytearray(memoryview(values.buffers()[2])[first:int(offsets[-1])])
        return column


_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)
_NIBBLE = np.full(256, 255, np.uint8)
_NIBBLE[_HEX] = np.arange(16, dtype=np.uint8)


class Digests(Column):
    """Strings of lowercase hex digits of one even length (the versions' digests `h`, on
    every element): kept as the bytes they spell, `width` a row and a presence flag, where
    a text column takes twice the bytes and an offset per row. In the file they are text:
    a text column whose values all fit is read back as this."""

    kind = Text.kind

    def __init__(self, width: int) -> None:
        self.width = width
        self.data = bytearray()
        self.present = array("B")

    def __len__(self) -> int:
        return len(self.present)

    def _bytes(self, value: Any) -> bytes | None:
        """The bytes a value spells, or None when it is not this column's kind of digest."""
        if type(value) is not str or len(value) != 2 * self.width:
            return None
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            return None
        return raw if raw.hex() == value else None

    def fits(self, value: str) -> bool:
        return self._bytes(value) is not None

    def append(self, value: Any) -> bool:
        raw = bytes(self.width) if value is None else self._bytes(value)
        if raw is None:
            return False
        self.data += raw
        self.present.append(value is not None)
        return True

    def get(self, row: int) -> Any:
        if not self.present[row]:
            return None
        start = row * self.width
        return self.data[start:start + self.width].hex()

    def set(self, row: int, value: Any) -> bool:
        raw = bytes(self.width) if value is None else self._bytes(value)
        if raw is None:
            return False
        start = row * self.width
        self.data[start:start + self.width] = raw
        self.present[row] = value is not None
        return True

    def arrow(self, rows: np.ndarray) -> pa.Array:
        present = numpy_view(self.present)[rows] == 1
        raw = np.frombuffer(self.data, np.uint8).reshape(-1, self.width)[rows[present]]
        chars = np.stack([_HEX[raw >> 4], _HEX[raw & 15]], axis=-1)
        offsets = np.concatenate([[0], np.cumsum(present * 2 * self.width)]).astype(np.int64)
        absent = int(len(rows) - present.sum())
        bitmap = pa.py_buffer(np.packbits(present, bitorder="little")) if absent else None
        return pa.LargeStringArray.from_buffers(len(rows), pa.py_buffer(offsets),
                                                pa.py_buffer(chars.tobytes()), bitmap, absent)

    @classmethod
    def fitting(cls, values: list[Any]) -> Digests | None:
        """These values as digests, if every present one is one of a single width."""
        width = next((len(v) // 2 for v in values if v is not None and type(v) is str), 0)
        if not width:
            return None
        column = cls(width)
        return column if all(column.append(v) for v in values) else None

    @classmethod
    def from_arrow(cls, values: pa.Array) -> Digests | None:
        """A text column read from the file as digests, if its values all are (vectorised:
        the check and the decoding are one pass each over its bytes)."""
        values = values.cast(pa.large_string())
        valid = values.is_valid().to_numpy(zero_copy_only=False)
        lengths = pc.utf8_length(values).to_numpy(zero_copy_only=False)[valid]
        if not len(lengths) or lengths[0] < 2 or lengths[0] % 2 or (lengths != lengths[0]).any():
            return None
        width = int(lengths[0]) // 2
        present = values.filter(pa.array(valid))
        offsets = np.frombuffer(present.buffers()[1], np.int64)[
            present.offset:present.offset + len(present) + 1]
        chars = np.frombuffer(present.buffers()[2], np.uint8)[int(offsets[0]):int(offsets[-1])]
        nibbles = _NIBBLE[chars].reshape(-1, width, 2)
        if (nibbles == 255).any():
            return None
        raw = np.zeros((len(values), width), np.uint8)
        raw[valid] = (nibbles[..., 0] << 4) | nibbles[..., 1]
        column = cls(width)
        column.data = bytearray(raw.tobytes())
        column.present = from_numpy("B", valid)
        return column


class Alias(Column):
    """A string column whose every present value is its row's fact key: only a presence
    flag is stored."""

    kind = "alias"
    alias = True

    def __init__(self, fact_of_row: Callable[[int], str | None], absent: int = 0) -> None:
        self.fact_of_row = fact_of_row
        self.present = array("B", bytes(absent))

    def __len__(self) -> int:
        return len(self.present)

    def take(self, value: Any, fact: str | None) -> bool:
        """Add a row holding `value` if it is absent or the row's fact (else False)."""
        if value is not None and value != fact:
            return False
        self.present.append(value is not None)
        return True

    def append(self, value: Any) -> bool:
        raise AssertionError("an alias is appended to by take(), with the row's fact")

    def get(self, row: int) -> Any:
        return self.fact_of_row(row) if self.present[row] else None

    def set(self, row: int, value: Any) -> bool:
        if value is not None and value != self.fact_of_row(row):
            return False
        self.present[row] = value is not None
        return True

    def arrow(self, rows: np.ndarray) -> pa.Array:
        return pa.array(numpy_view(self.present)[rows] == 1)

    @classmethod
    def from_arrow(cls, values: pa.Array, fact_of_row: Callable[[int], str | None]) -> Alias:
        column = cls(fact_of_row)
        column.present = from_numpy("B", values.to_numpy(zero_copy_only=False))
        return column


class Numbers(Column):
    """Floats or integers (never both, never booleans) with a presence flag per row."""

    def __init__(self, typecode: str) -> None:
        self.kind = "float" if typecode == "d" else "int"
        self.python = float if typecode == "d" else int
        self.numbers = array(typecode)
        self.present = array("B")

    def __len__(self) -> int:
        return len(self.present)

    def _fits(self, value: Any) -> bool:
        if type(value) is not self.python:
            return False
        return self.python is float or _INT64[0] <= value <= _INT64[1]

    def append(self, value: Any) -> bool:
        if value is None:
            self.numbers.append(0)
            self.present.append(0)
            return True
        if not self._fits(value):
            return False
        self.numbers.append(value)
        self.present.append(1)
        return True

    def get(self, row: int) -> Any:
        return self.numbers[row] if self.present[row] else None

    def set(self, row: int, value: Any) -> bool:
        if value is not None and not self._fits(value):
            return False
        self.numbers[row] = 0 if value is None else value
        self.present[row] = value is not None
        return True

    def arrow(self, rows: np.ndarray) -> pa.Array:
        return pa.array(numpy_view(self.numbers)[rows],
                        mask=numpy_view(self.present)[rows] == 0)

    @classmethod
    def from_arrow(cls, values: pa.Array) -> Numbers:
        column = cls("d" if pa.types.is_floating(values.type) else "q")
        column.present = from_numpy("B", values.is_valid().to_numpy(zero_copy_only=False))
        column.numbers = from_numpy(column.numbers.typecode,
                                    pc.fill_null(values, 0).to_numpy(zero_copy_only=False))
        return column


class Flags(Column):
    """Booleans: -1 absent, 0, 1."""

    kind = "bool"

    def __init__(self) -> None:
        self.flags = array("b")

    def __len__(self) -> int:
        return len(self.flags)

    def append(self, value: Any) -> bool:
        if value is not None and type(value) is not bool:
            return False
        self.flags.append(-1 if value is None else int(value))
        return True

    def get(self, row: int) -> Any:
        flag = self.flags[row]
        return None if flag < 0 else bool(flag)

    def set(self, row: int, value: Any) -> bool:
        if value is not None and type(value) is not bool:
            return False
        self.flags[row] = -1 if value is None else int(value)
        return True

    def arrow(self, rows: np.ndarray) -> pa.Array:
        flags = numpy_view(self.flags)[rows]
        return pa.array(flags == 1, mask=flags < 0)

    @classmethod
    def from_arrow(cls, values: pa.Array) -> Flags:
        column = cls()
        column.flags = from_numpy("b", pc.fill_null(values.cast(pa.int8()), -1).to_numpy())
        return column


_MIXED = (("none", type(None)), ("str", str), ("bool", bool), ("int", int),
          ("float", float), ("list", list))
"""The types a mixed column may hold, each a child of its Arrow union."""


class Objects(Column):
    """Any other values (lists, a column mixing types): plain Python values, a list per row."""

    kind = "objects"

    def __init__(self, values: list[Any] | None = None) -> None:
        self.items: list[Any] = values if values is not None else []

    def __len__(self) -> int:
        return len(self.items)

    def append(self, value: Any) -> bool:
        self.items.append(value)
        return True

    def get(self, row: int) -> Any:
        return self.items[row]

    def set(self, row: int, value: Any) -> bool:
        self.items[row] = value
        return True

    def arrow(self, rows: np.ndarray) -> pa.Array:
        """Lists of strings as such; anything else as a dense union of one child per type."""
        chosen = [self.items[row] for row in rows.tolist()]
        try:
            if all(v is None or (type(v) is list and all(type(x) is str for x in v))
                   for v in chosen):
                return pa.array(chosen, pa.list_(pa.string()))
            tags = [next(i for i, (_, t) in enumerate(_MIXED) if type(v) is t) for v in chosen]
            children, offsets = [], []
            counts = [0] * len(_MIXED)
            for tag in tags:
                offsets.append(counts[tag])
                counts[tag] += 1
            for _, python in _MIXED:
                picked = [v for v in chosen if type(v) is python]
                children.append(pa.nulls(len(picked)) if python is type(None)
                                else pa.array(picked))
            return pa.UnionArray.from_dense(
                pa.array(tags, pa.int8()), pa.array(offsets, pa.int32()), children,
                [name for name, _ in _MIXED])
        except (StopIteration, pa.ArrowException) as e:
            raise StoreError(f"a property holds values the embedded file cannot keep ({e})") \
                from e


def column_for(value: Any) -> Column:
    """An empty column of the kind this first value calls for."""
    if type(value) is str:
        return Words()
    if type(value) is float:
        return Numbers("d")
    if type(value) is int and _INT64[0] <= value <= _INT64[1]:
        return Numbers("q")
    if type(value) is bool:
        return Flags()
    return Objects()


def column_from_arrow(field: pa.Field, values: pa.Array,
                      fact_of_row: Callable[[int], str | None]) -> Column:
    kind = (field.metadata or {}).get(KIND, b"").decode()
    if kind == Alias.kind:
        return Alias.from_arrow(values, fact_of_row)
    if kind == Words.kind:
        return Words.from_arrow(values)
    if kind == Text.kind:
        return Digests.from_arrow(values) or Text.from_arrow(values)
    if kind in ("float", "int"):
        return Numbers.from_arrow(values)
    if kind == Flags.kind:
        return Flags.from_arrow(values)
    if kind == Objects.kind:
        return Objects(values.to_pylist())
    raise StoreError(f"column {field.name}: unknown kind {kind!r}")


class Table:
    """The properties of every element of one label or relationship type, a row each.

    `fact_of` gives an element's fact key, which alias columns stand for.
    """

    def __init__(self, fact_of: Callable[[int], str | None]) -> None:
        self.fact_of = fact_of
        self.columns: dict[str, Column] = {}
        self.elements = array("i")
        """Row -> element."""

    def __len__(self) -> int:
        return len(self.elements)

    def _fact_of_row(self, row: int) -> str | None:
        return self.fact_of(self.elements[row])

    def append(self, element: int, props: Mapping[str, Any]) -> int:
        """A row for the element (whose fact is already known) with these properties."""
        row = len(self.elements)
        self.elements.append(element)
        fact: str | None = None
        for name, column in self.columns.items():
            value = props.get(name)
            if column.alias:
                fact = fact if fact is not None else self.fact_of(element)
                if column.take(value, fact):  # type: ignore[attr-defined]
                    continue
                column = self._convert(name, column, value)
            if not column.append(value):
                column = self._convert(name, column, value)
                column.append(value)
            if column.crowded:
                self._convert(name, column, None)
        for name, value in props.items():
            if value is None or name in self.columns:
                continue
            fact = fact if fact is not None else self.fact_of(element)
            if type(value) is str and value == fact:
                alias = self.columns[name] = Alias(self._fact_of_row, absent=row)
                alias.take(value, fact)
                continue
            column = self.columns[name] = column_for(value)
            for _ in range(row):
                column.append(None)
            column.append(value)
        return row

    def _convert(self, name: str, column: Column, value: Any) -> Column:
        """A column of a kind that can take `value` (None: any text) and every value it
        holds, replacing it: digests if they all are, else text, else plain values; for an
        alias the row being appended is left out (the caller appends it)."""
        rows = len(column)
        kept = [column.get(row) for row in range(rows)]
        texts = column.kind in (Words.kind, Alias.kind, Text.kind) and (
            value is None or type(value) is str)
        digests = Digests.fitting(kept) if texts else None
        target: Column
        if digests is not None and (value is None or digests.fits(value)):
            target = digests
        else:
            target = Text() if texts else Objects()
            for item in kept:
                target.append(item)
        self.columns[name] = target
        return target

    def get(self, row: int, name: str) -> Any:
        column = self.columns.get(name)
        return None if column is None else column.get(row)

    def set(self, row: int, name: str, value: Any) -> None:
        column = self.columns.get(name)
        if column is None:
            if value is None:
                return
            column = self.columns[name] = column_for(value)
            for _ in range(len(self)):
                column.append(None)
        if not column.set(row, value) and not self._convert(name, column, value).set(row, value):
            raise StoreError(f"property {name}: cannot hold {value!r}")

    def rows_where(self, name: str, value: Any) -> np.ndarray:
        """The rows whose property `name` equals `value` (not None), in order."""
        column = self.columns.get(name)
        if column is None:
            return np.zeros(0, np.int64)
        if isinstance(column, Words):
            code = column.index.get(value) if type(value) is str else None
            if code is None:
                return np.zeros(0, np.int64)
            return np.flatnonzero(column.codes.view() == code)
        if isinstance(column, Text) and not column.changed and type(value) is str:
            equal = pc.fill_null(pc.equal(column.whole(), value), False)
            return np.flatnonzero(equal.to_numpy(zero_copy_only=False))
        return np.array([row for row in range(len(column)) if column.get(row) == value],
                        np.int64)

    def props(self, row: int) -> dict[str, Any]:
        """The row's present properties, by name."""
        found = {}
        for name, column in self.columns.items():
            value = column.get(row)
            if value is not None:
                found[name] = value
        return found

    def arrow(self, rows: np.ndarray) -> pa.Table:
        """These rows (in this order) as an Arrow table; each field says its column's kind."""
        fields, arrays = [], []
        for name, column in self.columns.items():
            values = column.arrow(rows)
            fields.append(pa.field(name, values.type, metadata={KIND: column.kind.encode()}))
            arrays.append(values)
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields)) if fields else \
            pa.table({"": pa.nulls(len(rows))})

    @classmethod
    def from_arrow(cls, fact_of: Callable[[int], str | None], table: pa.Table,
                   elements: np.ndarray) -> Table:
        """The table read from the file; `elements` are its rows' elements."""
        made = cls(fact_of)
        made.elements = from_numpy("i", elements)
        for field in table.schema:
            if not field.name:
                continue
            values = table.column(field.name).combine_chunks()
            made.columns[field.name] = column_from_arrow(field, values, made._fact_of_row)
        return made
