"""Keyset pages over a whole result kept in memory (a registry-wide run): the items after the
cursor's key, so pages stay put as long as the result does (docs/api-contract.md: first <=
1000)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from credgraph.queries.restrictions.service import page_key

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    has_next: bool
    has_previous: bool


def keyset_page(items: Sequence[T], key: Callable[[T], tuple[str, ...]], first: int,
                after: str | None) -> Page[T]:
    """The `first` items after the cursor `after` of items sorted by `key`."""
    start_key = page_key(first, after)
    start = 0 if start_key is None else bisect_right([key(i) for i in items], start_key)
    return Page(list(items[start:start + first]), len(items), start + first < len(items),
                start > 0)
