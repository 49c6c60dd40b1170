"""The interface both stores implement: what loaders write and maintenance reads.

Reads for analyses go through the per-store backends (credgraph.queries.backend);
this interface is the write side and the few reads a load needs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from credgraph.graph.model import GraphModel, load_model
from credgraph.graph.records import ChangeSet, EnterpriseRef, GraphCounts, Head, Snapshot
from credgraph.settings import StoreKind

OVERFULL_TOLERANCE = 0.01
"""Percentage points of rounding allowed before holdings count as more than 100%."""


class ReadScope:
    """The store reads of one request, run as one unit where the store can (Neo4j: one read
    transaction, so a request pays for one transaction and sees one state of the graph).

    `active()` makes it the scope of the reads in its block (and in worker threads that
    copy the context); `close()` ends it, after the request. The default: every read on
    its own, nothing to close.
    """

    @property
    def open(self) -> bool:
        """Something to close (a Neo4j transaction was begun)."""
        return False

    @contextmanager
    def active(self) -> Iterator[None]:
        yield

    def close(self) -> None:
        """End the unit (a read transaction is rolled back: it changed nothing)."""


class GraphStore(ABC):
    """A graph of fact versions that loaders write into and queries read from.

    Writes are change sets applied atomically; a fact is never overwritten, only
    retired and followed by a new version, so re-running a load, whole or after a
    crash, converges on the same graph.
    """

    kind: StoreKind

    def __init__(self) -> None:
        self.model: GraphModel = load_model()
        self.steps: dict[str, float] = {}
        """Seconds of each step of the last commit that has steps (a bulk import's)."""

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create constraints and indexes (a no-op where the store needs none)."""

    @abstractmethod
    def apply(self, changes: ChangeSet) -> None:
        """Write a change set atomically: identities, retirements, dropped versions, new
        versions; the data version grows when facts change."""

    @abstractmethod
    def visible_facts(self, section: str, source: str) -> Iterator[str]:
        """The facts of a section that this source supplied and that are not retracted
        (versions made from references excluded): what a full extract replaces."""

    @abstractmethod
    def data_version(self) -> int:
        """A number that grows with every change set that changes facts."""

    @abstractmethod
    def references(self, enterprises: Collection[str], entities: Collection[str]
                   ) -> tuple[dict[str, EnterpriseRef], dict[str, str]]:
        """What a chunk of rows names, read before it is built, in one read (one round trip
        on a server): each reference (USCC or legacy registration number) in `enterprises`
        of an enterprise whose registration is recorded and not retracted, mapped to its
        node; each id in `entities` that names an enterprise, person or other holder,
        mapped to its label."""

    @abstractmethod
    def heads_of(self, wanted: Mapping[str, Collection[str]]) -> dict[tuple[str, str], Head]:
        """The latest version of each fact that has one, by (section, fact), for several
        sections in one read: what a chunk's rows touch."""

    def resolve_enterprises(self, refs: Collection[str]) -> dict[str, EnterpriseRef]:
        """The enterprise part of `references`."""
        return self.references(refs, ())[0]

    def existing_entities(self, ids: Collection[str]) -> dict[str, str]:
        """The entity part of `references`."""
        return self.references((), ids)[1]

    def heads(self, section: str, facts: Collection[str]) -> dict[str, Head]:
        """`heads_of` one section, by fact."""
        return {fact: head for (_, fact), head in self.heads_of({section: facts}).items()}

    @abstractmethod
    def overfull_enterprises(self, enterprises: Collection[str]) -> list[tuple[str, float]]:
        """Those of `enterprises` whose open, visible holdings add up to more than 100%,
        with the total, by id (a load checks the enterprises whose holdings it was given:
        a delta's check costs what the delta does, not what the register does)."""

    @abstractmethod
    def get_node(self, node_id: str) -> dict[str, Any] | None:
        """An entity's identifiers and its visible record (or a fact node's visible version),
        with its `label`; None when there is none."""

    @abstractmethod
    def get_edge(self, rel_type: str, key: str) -> dict[str, Any] | None:
        """A relationship's visible version with `source` and `target` ids, or None."""

    @abstractmethod
    def log_entries(self, label: str) -> list[dict[str, Any]]:
        """Every entry of one label of the store's log (load runs), in id order."""

    @abstractmethod
    def counts(self) -> GraphCounts:
        """Nodes per label and relationships per type, every version counted (the store's log
        left out: it is not the graph)."""

    @abstractmethod
    def snapshot(self) -> Snapshot:
        """Every node and relationship with every property (tests, checks, small exports); the
        store's log left out."""

    @abstractmethod
    def commit(self) -> None:
        """Make what was written durable (the embedded store saves its file)."""

    @abstractmethod
    def make_readable(self) -> None:
        """Make what was written readable by the store's own reads before a load ends (its
        over-100% check reads the holdings back), without committing if it need not."""

    @abstractmethod
    def ping(self) -> None:
        """Raise StoreError unless the store answers now (the readiness probe)."""

    def read_scope(self) -> ReadScope:
        """A unit for the reads of one request (ReadScope)."""
        return ReadScope()

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
