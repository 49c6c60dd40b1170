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
