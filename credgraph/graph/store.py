"""The interface both stores implement: what loaders write and maintenance reads."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence
from types import TracebackType
from typing import Any

from credgraph.graph.model import GraphModel, load_model
from credgraph.graph.records import EdgeRecord, EnterpriseRef, GraphCounts, NodeRecord, Snapshot
from credgraph.settings import StoreKind

OVERFULL_TOLERANCE = 0.01
"""Percentage points of rounding allowed before holdings count as more than 100%."""


class GraphStore(ABC):
    """A graph that loaders write into and queries read from.

    Writes are idempotent upserts keyed as docs/data-format.md says, so re-running a load,
    whole or after a crash, converges on the same graph.
    """

    kind: StoreKind

    def __init__(self) -> None:
        self.model: GraphModel = load_model()

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create constraints and indexes (a no-op where the store needs none)."""

    @abstractmethod
    def write_nodes(self, records: Sequence[NodeRecord]) -> None:
        """Upsert nodes by their key; placeholders only create what is missing."""

    @abstractmethod
    def write_edges(self, records: Sequence[EdgeRecord]) -> None:
        """Upsert relationships by their key; both endpoints must exist."""

    @abstractmethod
    def resolve_enterprises(self, refs: Collection[str]) -> dict[str, EnterpriseRef]:
        """Map each reference (USCC or legacy registration number) that exists to its node."""

    @abstractmethod
    def existing_entities(self, ids: Collection[str]) -> dict[str, str]:
        """Map each id that names an enterprise, person or other holder to its label."""

    @abstractmethod
    def overfull_enterprises(self) -> list[tuple[str, float]]:
        """Enterprises whose open holdings add up to more than 100%, with the total."""

    @abstractmethod
    def get_node(self, node_id: str) -> dict[str, Any] | None:
        """A node's properties with its `label`, or None."""

    @abstractmethod
    def get_edge(self, rel_type: str, key: str) -> dict[str, Any] | None:
        """A relationship's properties with `source` and `target` ids, or None."""

    @abstractmethod
    def counts(self) -> GraphCounts:
        """Nodes per label and relationships per type."""

    @abstractmethod
    def snapshot(self) -> Snapshot:
        """Every node and relationship with every property (tests, checks, small exports)."""

    @abstractmethod
    def commit(self) -> None:
        """Make what was written durable (the embedded store saves its file)."""

    @abstractmethod
    def ping(self) -> None:
        """Raise StoreError unless the store answers now (the readiness probe)."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship (tests and benchmarks start from nothing)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections or files."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
