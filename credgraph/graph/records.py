"""The records loaders produce and stores write: plain data, no store behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class NodeRecord:
    label: str
    id: str
    props: dict[str, Any]
    placeholder: bool = False
    """Create the node if missing, but never overwrite what a real row wrote."""


@dataclass(frozen=True, slots=True)
class EdgeRecord:
    type: str
    key: str
    source: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GraphCounts:
    nodes: dict[str, int]
    edges: dict[str, int]

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_edges(self) -> int:
        return sum(self.edges.values())


@dataclass(frozen=True, slots=True)
class EnterpriseRef:
    """What a loader needs of an enterprise a row refers to."""

    id: str
    registered_capital: float | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every node and relationship of a store with every property: what two stores, or one
    store before and after a load, are compared by."""

    nodes: dict[tuple[str, str], dict[str, Any]]
    """(label, id) -> properties."""
    edges: dict[tuple[str, str], tuple[str, str, dict[str, Any]]]
    """(type, key) -> (source id, target id, properties)."""

    def without(self, *names: str) -> Snapshot:
        """The same with some properties left out (e.g. load times, which differ per run)."""
        return Snapshot(
            {k: {p: v for p, v in props.items() if p not in names}
             for k, props in self.nodes.items()},
            {k: (s, t, {p: v for p, v in props.items() if p not in names})
             for k, (s, t, props) in self.edges.items()},
        )
