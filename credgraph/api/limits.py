"""What bounds a request besides depth, aliases and tokens: the cost of a query, the rate of
a caller, and the threads that run store calls.

* Cost: every field counts 1, times the number of items a list field can bring: the
  most it can ever hold when the field declares it (metadata `max_items`, e.g. the two
  reports of a suspected link), its page size (`first`, `maxNodes`), the page size of
  the field it sits in (a map's `nodes`), or `api_list_estimate`. A document over
  `api_max_cost` is refused before anything runs (QUERY_TOO_COSTLY).
* Rate: per key or token, and per client address without one (the `limits` library,
  sliding-window counters in memory).
* Workers: one bounded thread pool runs every store call, one call at a time per
  request; the server admits at most `api_max_requests` requests at once and answers
  one more with 503 and Retry-After at once, so nothing queues without bound.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter
from strawberry.schema.schema_converter import GraphQLCoreConverter

from credgraph.api.errors import QUERY_TOO_COSTLY

T = TypeVar("T")
PAGE_ARGUMENTS = ("first", "maxNodes")
"""Arguments that bound how many items a field (or the lists inside it) brings."""
MAX_ITEMS = "max_items"
"""Field metadata: the most items a list field ever holds (`strawberry.field(metadata=...)`)."""


class _Cost:
    """The cost walk of one document (module docstring)."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode],
                 variables: Mapping[str, Any], estimate: int, schema: Any) -> None:
        self.fragments, self.variables = fragments, variables
        self.estimate, self.schema = estimate, schema

    def page(self, node: FieldNode, definition: GraphQLField) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value not in PAGE_ARGUMENTS:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(int(value.value), 1)
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                if isinstance(given, int):
                    return max(given, 1)
        for name in PAGE_ARGUMENTS:
            declared = definition.args.get(name)
            if declared is not None and isinstance(declared.default_value, int):
                return max(declared.default_value, 1)
        return None

    @staticmethod
    def declared(definition: GraphQLField) -> int | None:
        """The bound a list field declares in its metadata (MAX_ITEMS), if any."""
        field = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        bound = (getattr(field, "metadata", None) or {}).get(MAX_ITEMS)
        return bound if isinstance(bound, int) else None

    def of(self, selections: SelectionSetNode | None, parent: GraphQLNamedType | None,
           enclosing_page: int | None, spread: frozenset[str] = frozenset()) -> int:
        if selections is None or parent is None:
            return 0
        total = 0
        fields: Mapping[str, GraphQLField] = getattr(parent, "fields", {})
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                definition = fields.get(selection.name.value)
                if definition is None:
                    total += 1
                    continue
                page = self.page(selection, definition)
                field_type = definition.type
                if isinstance(field_type, GraphQLNonNull):
                    field_type = field_type.of_type
                is_list = isinstance(field_type, GraphQLList)
                inner = self.of(selection.selection_set, get_named_type(definition.type),
                                None if is_list else page)
                items = ((self.declared(definition) or page or enclosing_page or self.estimate)
                         if is_list else 1)
                total += items * (1 + inner)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = (self.schema.get_type(condition.name.value) if condition else parent)
                total += self.of(selection.selection_set, target, enclosing_page, spread)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in spread:
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value)
                total += self.of(fragment.selection_set, target, enclosing_page, spread | {name})
        return total


def cost_errors(schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None,
                max_cost: int, estimate: int) -> list[GraphQLError]:
    """An error for each operation of the document that costs more than `max_cost`."""
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    errors = []
    for node in document.definitions:
        if not isinstance(node, OperationDefinitionNode):
            continue
        root = schema.get_root_type(node.operation)
        cost = _Cost(fragments, variables or {}, estimate, schema).of(node.selection_set, root,
                                                                       None)
        if cost > max_cost:
            errors.append(GraphQLError(
                f"the query may return about {cost:,} fields, more than the {max_cost:,} "
                "allowed: ask for fewer fields or smaller pages (first, maxNodes)",
                node, extensions={"code": QUERY_TOO_COSTLY}))
    return errors


class WorkerPool:
    """The store-call threads and the count of requests admitted (event-loop side only)."""

    def __init__(self, workers: int, max_requests: int) -> None:
        self.executor = ThreadPoolExecutor(max_workers=workers,
                                           thread_name_prefix="credgraph-worker")
        self.max_requests = max_requests
        self.in_flight = 0
        self.busy = 0
        """Workers running a store call now (what a stopped request must bring back down)."""
        self._busy_lock = threading.Lock()

    def tracked(self, call: Callable[[], T]) -> Callable[[], T]:
        """The call, counted in `busy` while it runs."""

        def run() -> T:
            with self._busy_lock:
                self.busy += 1
            try:
                return call()
            finally:
                with self._busy_lock:
                    self.busy -= 1

        return run

    def admit(self) -> bool:
        if self.in_flight >= self.max_requests:
            return False
        self.in_flight += 1
        return True

    def release(self) -> None:
        self.in_flight -= 1

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class Lane:
    """One request's way to the pool: one store call at a time, so a request with many
    aliases holds one worker, never all of them."""

    pool: WorkerPool
    turn: asyncio.Semaphore


_LANE: ContextVar[Lane | None] = ContextVar("credgraph_lane", default=None)


def current_lane() -> Lane | None:
    """The lane of the request being served (None outside one: the default executor)."""
    return _LANE.get()


@contextmanager
def using(pool: WorkerPool) -> Iterator[Lane]:
    lane = Lane(pool, asyncio.Semaphore(1))
    token = _LANE.set(lane)
    try:
        yield lane
    finally:
        _LANE.reset(token)


class RateLimits:
    """Requests per caller in a sliding window: per key or token, else per address."""

    def __init__(self, per_key: str, per_address: str) -> None:
        self.limiter = SlidingWindowCounterRateLimiter(MemoryStorage())
        self.per_key, self.per_address = parse(per_key), parse(per_address)

    def hit(self, key_id: str | None, address: str) -> float | None:
        """Count one request; None when allowed, else the seconds until one is."""
        limit, who = (self.per_key, key_id) if key_id else (self.per_address, address)
        if self.limiter.hit(limit, who):
            return None
        reset, _ = self.limiter.get_window_stats(limit, who)
        return max(reset - time.time(), 1.0)
