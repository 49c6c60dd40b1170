"""Integrated (effective) ownership by sparse linear algebra, shared by every store.

With A[i, j] the fraction of j that i holds directly, the sum over every walk
i -> ... -> j of the products of the fractions is W = A + A^2 + ... =
(I - A)^-1 A. One target's column (everyone's share of it) solves
(I - A) w = A[:, t]; one holder's row (its share of everything) solves
(I - A)^T y = A[h, :]^T. No path is enumerated, so cross-holdings cost nothing
extra. Self-holdings are treasury shares and left out; holdings of unknown
size add nothing. The series converges only when every strongly connected
block of A has spectral radius below 1; otherwise (holdings of 100% or more
around a cycle, which only bad data produces) the share is undefined and
`OwnershipUndefined` is raised.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice, pairwise

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.sparse.linalg import spsolve

from credgraph.exc import QueryError
from credgraph.queries.links.results import Holding

TOP_PATHS = 5
"""Paths listed per owner to show where its share comes from."""

DECIMALS = 10
"""Percents are rounded here so that float noise never orders results differently."""

_CONVERGENCE_MARGIN = 1e-9

FetchLevel = Callable[[Sequence[str]], list[Holding]]
"""In-force holdings into (UP) or out of (DOWN) the given nodes."""


class OwnershipUndefined(QueryError):
    """Holdings around a cycle add up to 100% or more: the walk sums diverge."""


@dataclass(frozen=True, slots=True)
class Closure:
    """Holdings fetched level by level from a root, with each node's level."""

    holdings: tuple[Holding, ...]
    depth: dict[str, int]
    truncated: bool


def fetch_closure(root: str, fetch: FetchLevel, upward: bool, max_depth: int,
                  follow: Callable[[Holding], bool] = lambda _: True) -> Closure:
    """Walk holdings from the root for up to max_depth levels (self-holdings left out)."""
    depth = {root: 0}
    kept: dict[str, Holding] = {}
    frontier = [root]
    level = 0
    while frontier and level < max_depth:
        level += 1
        fresh: set[str] = set()
        for holding in fetch(frontier):
            if holding.holder == holding.held or not follow(holding):
                continue
            kept[holding.key] = holding
            nxt = holding.holder if upward else holding.held
            if nxt not in depth:
                fresh.add(nxt)
        for node in fresh:
            depth[node] = level
        frontier = sorted(fresh)
    truncated = bool(frontier) and any(
        h.holder != h.held and follow(h) for h in fetch(frontier)
    )
    return Closure(tuple(sorted(kept.values(), key=lambda h: h.key)), depth, truncated)


def _fraction(holding: Holding) -> float:
    return (holding.percent or 0.0) / 100.0


def contributing(holdings: Iterable[Holding]) -> list[Holding]:
    """The holdings that carry a share: known, above zero, not a self-holding."""
    return [h for h in holdings if h.holder != h.held and h.percent is not None and h.percent > 0]


class Integrated:
    """The direct-holding matrix of a subgraph and the walk sums over it."""

    def __init__(self, holdings: Iterable[Holding], nodes: Iterable[str] = ()) -> None:
        carried = contributing(holdings)
        ids = sorted({*nodes, *(h.holder for h in carried), *(h.held for h in carried)})
        self.ids = ids
        self.index = {node: i for i, node in enumerate(ids)}
        size = len(ids)
        rows = [self.index[h.holder] for h in carried]
        cols = [self.index[h.held] for h in carried]
        data = [_fraction(h) for h in carried]
        self.matrix = sp.csr_matrix((data, (rows, cols)), shape=(size, size))
        self.matrix.sum_duplicates()
        self.pairs = {(h.holder, h.held) for h in carried}
        _, labels = csgraph.connected_components(self.matrix, directed=True, connection="strong")
        sizes = np.bincount(labels, minlength=1) if size else np.zeros(0, dtype=int)
        self.cyclic = {ids[i] for i in range(size) if sizes[labels[i]] > 1}
        self._check_convergence(labels)

    def _check_convergence(self, labels: np.ndarray) -> None:
        """Spectral radius of each cyclic block below 1, or the walk sums are undefined."""
        for component in sorted({int(labels[self.index[n]]) for n in self.cyclic}):
            members = np.flatnonzero(labels == component)
            block = self.matrix[members][:, members].toarray()
            radius = float(max(abs(np.linalg.eigvals(block))))
            if radius >= 1.0 - _CONVERGENCE_MARGIN:
                names = ", ".join(self.ids[i] for i in members)
                raise OwnershipUndefined(
                    f"holdings around the cycle {names} add up to 100% or more; "
                    "effective ownership is undefined"
                )

    def _solve(self, matrix: sp.csr_matrix, rhs: np.ndarray) -> np.ndarray:
        size = len(self.ids)
        system = (sp.identity(size, format="csc") - matrix).tocsc()
        solution = np.atleast_1d(spsolve(system, rhs))
        return np.asarray(solution, dtype=float)

    def shares_into(self, target: str) -> dict[str, float]:
        """Every node's effective percent of `target` (the target itself left out)."""
        if target not in self.index or not len(self.ids):
            return {}
        column = self.matrix[:, [self.index[target]]].toarray().ravel()
        solution = self._solve(self.matrix, column)
        return self._percents(solution, skip=target)

    def shares_of(self, holder: str) -> dict[str, float]:
        """`holder`'s effective percent of every node (itself left out)."""
        if holder not in self.index or not len(self.ids):
            return {}
        row = self.matrix[[self.index[holder]], :].toarray().ravel()
        solution = self._solve(self.matrix.T.tocsr(), row)
        return self._percents(solution, skip=holder)

    def _percents(self, solution: np.ndarray, skip: str) -> dict[str, float]:
        return {
            node: round(float(value) * 100.0, DECIMALS)
            for node, value in zip(self.ids, solution, strict=True)
            if node != skip and value > 0
        }

    def _reach(self, seeds: Iterable[str], upward: bool) -> set[str]:
        """Nodes from which a seed is reached (upward) or that a seed reaches (downward)."""
        graph = self.matrix.T.tocsr() if upward else self.matrix
        found: set[str] = set()
        for seed in seeds:
            if seed in found:
                continue
            order = csgraph.breadth_first_order(graph, self.index[seed], directed=True,
                                                return_predecessors=False)
            found.update(self.ids[i] for i in np.atleast_1d(order))
        return found

    def circular_into(self, target: str) -> set[str]:
        """Holders of `target` with a walk to it through a cycle."""
        if target not in self.index:
            return set()
        on_walks = self.cyclic & self._reach([target], upward=True)
        return self._reach(sorted(on_walks), upward=True) - {target}

    def circular_from(self, holder: str) -> set[str]:
        """Nodes `holder` reaches through a cycle."""
        if holder not in self.index:
            return set()
        on_walks = self.cyclic & self._reach([holder], upward=False)
        return self._reach(sorted(on_walks), upward=False) - {holder}

    def top_paths(self, holder: str, held: str,
                  limit: int = TOP_PATHS) -> list[tuple[list[str], float]]:
        """The simple holding paths with the largest products, largest first.

        Yen's algorithm on -log(fraction) weights over the contributing
        holdings; the graph is built in id order so ties break the same way
        for every store.
        """
        graph = nx.DiGraph()
        graph.add_nodes_from(self.ids)
        coo = self.matrix.tocoo()
        edges = sorted(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
        for row, col, fraction in edges:
            graph.add_edge(self.ids[row], self.ids[col], weight=-math.log(min(fraction, 1.0)),
                           fraction=fraction)
        if holder not in graph or held not in graph or holder == held:
            return []
        try:
            found = list(islice(nx.shortest_simple_paths(graph, holder, held, weight="weight"),
                                limit))
        except nx.NetworkXNoPath:
            return []
        result = []
        for nodes in found:
            product = 1.0
            for a, b in pairwise(nodes):
                product *= graph.edges[a, b]["fraction"]
            result.append((nodes, round(product * 100.0, DECIMALS)))
        return result

    def fraction(self, holder: str, held: str) -> float:
        """The summed direct fraction holder -> held."""
        return float(self.matrix[self.index[holder], self.index[held]])
