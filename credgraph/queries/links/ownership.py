"""Integrated (effective) ownership by sparse linear algebra, shared by every store.

With A[i, j] the fraction of j that i holds directly, the sum over every walk
i -> ... -> j of the products of the fractions is W = A + A^2 + ... =
(I - A)^-1 A. One target's column (everyone's share of it) solves
(I - A) w = A[:, t]; one holder's row (its share of everything) solves
(I - A)^T y = A[h, :]^T. No path is enumerated, so cross-holdings cost nothing
extra. Self-holdings are treasury shares and left out; holdings of unknown
size add nothing.

Circular: a cycle is a cycle of holdings in force, whatever their shares (known,
unknown or 0%). A node is circular for a target when one of its holding paths
to the target passes through such a cycle; `ownershipChain.circular`,
`ultimateOwners.circular` and `personFirms.circular` all use this one definition.

Undefined shares: the series converges only when every strongly connected
block of A has spectral radius below 1. A block at 100% or more (A holds 100%
of B and B 100% of A, which the data format allows) makes the walk sums diverge for
every pair (i, t) where i reaches the block and the block reaches t through
known positive holdings. Those pairs get no effective percent (None, null in
the API) and are circular; every other pair is computed as usual, from the
system with the diverging blocks taken out (no walk between such a pair ever
enters one). Nothing is raised: the answer is always given.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import islice, pairwise

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.sparse.linalg import spsolve

from credgraph.queries.links.results import Holding

TOP_PATHS = 5
"""Paths listed per owner to show where its share comes from."""

DECIMALS = 10
"""Percents are rounded here so that float noise never orders results differently."""

_CONVERGENCE_MARGIN = 1e-9


def _fraction(holding: Holding) -> float:
    """The share carried, as a fraction: 0 for a holding of unknown size."""
    return (holding.percent or 0.0) / 100.0


def contributing(holdings: Iterable[Holding]) -> list[Holding]:
    """The holdings that carry a share: known, above zero, not a self-holding."""
    return [h for h in holdings if h.holder != h.held and _fraction(h) > 0]


def _radius_below(block: sp.csr_matrix, limit: float) -> bool:
    """Whether the block's spectral radius is surely below `limit`, without its eigenvalues.

    The radius is at most any induced norm: the largest column sum (the share of a firm held
    from inside the block, at most 100% in a consistent register) and the largest row sum.
    Most cross-held groups stay well under 100% around, and a dense eigenvalue solve of a
    group of hundreds of firms costs a second or more; it is left for the blocks this
    bound cannot settle.
    """
    columns = float(np.asarray(block.sum(axis=0)).max())
    rows = float(np.asarray(block.sum(axis=1)).max())
    return min(columns, rows) < limit


class Integrated:
    """The direct-holding matrix of a subgraph and the walk sums over it."""

    def __init__(self, holdings: Iterable[Holding], nodes: Iterable[str] = ()) -> None:
        every = [h for h in holdings if h.holder != h.held]
        ids = sorted({*nodes, *(h.holder for h in every), *(h.held for h in every)})
        self.ids = ids
        self.index = {node: i for i, node in enumerate(ids)}
        size, count = len(ids), len(every)
        # Index arrays built once for both matrices: a dense group's closure has thousands of
        # holdings, and per-holding Python work is most of what building the matrices costs.
        holders = np.fromiter((self.index[h.holder] for h in every), dtype=np.int64, count=count)
        helds = np.fromiter((self.index[h.held] for h in every), dtype=np.int64, count=count)
        fractions = np.fromiter((_fraction(h) for h in every), dtype=float, count=count)
        carried = fractions > 0  # `contributing` (self-holdings are out already)
        self.matrix = sp.csr_matrix((fractions[carried], (holders[carried], helds[carried])),
                                    shape=(size, size))
        self.matrix.sum_duplicates()
        self.links = sp.csr_matrix((np.ones(count), (holders, helds)), shape=(size, size))
        """Every holding in force, whatever its share: the graph cycles are found on."""
        self.cyclic = self._cyclic(self.links)
        """Nodes on a cycle of holdings (any share)."""
        self.diverging = self._diverging() if self.cyclic else set()
        """Nodes of the blocks whose walk sums diverge (holdings of 100% or more around)."""
        self._convergent = self.matrix
        if self.diverging:
            keep = np.ones(size)
            keep[[self.index[node] for node in self.diverging]] = 0.0
            mask = sp.diags(keep)
            self._convergent = (mask @ self.matrix @ mask).tocsr()

    def _cyclic(self, graph: sp.csr_matrix) -> set[str]:
        size = len(self.ids)
        if not size:
            return set()
        _, labels = csgraph.connected_components(graph, directed=True, connection="strong")
        sizes = np.bincount(labels)
        return {self.ids[i] for i in range(size) if sizes[labels[i]] > 1}

    def _diverging(self) -> set[str]:
        """Members of the strongly connected blocks of A with spectral radius >= 1."""
        size = len(self.ids)
        if not size:
            return set()
        _, labels = csgraph.connected_components(self.matrix, directed=True, connection="strong")
        sizes = np.bincount(labels)
        found: set[str] = set()
        for component in sorted({int(labels[i]) for i in range(size) if sizes[labels[i]] > 1}):
            members = np.flatnonzero(labels == component)
            block = self.matrix[members][:, members]
            if _radius_below(block, 1.0 - _CONVERGENCE_MARGIN):
                continue
            radius = float(max(abs(np.linalg.eigvals(block.toarray()))))
            if radius >= 1.0 - _CONVERGENCE_MARGIN:
                found.update(self.ids[i] for i in members)
        return found

    def _solve(self, matrix: sp.csr_matrix, rhs: np.ndarray) -> np.ndarray:
        size = len(self.ids)
        system = (sp.identity(size, format="csc") - matrix).tocsc()
        solution = np.atleast_1d(spsolve(system, rhs))
        return np.asarray(solution, dtype=float)

    def undefined_into(self, target: str) -> set[str]:
        """Holders whose walk sums into `target` diverge."""
        if target not in self.index or not self.diverging:
            return set()
        met = self.diverging & self._reach([target], upward=True, graph=self.matrix)
        return self._reach(sorted(met), upward=True, graph=self.matrix) - {target}

    def undefined_from(self, holder: str) -> set[str]:
        """Nodes whose share held by `holder` diverges."""
        if holder not in self.index or not self.diverging:
            return set()
        met = self.diverging & self._reach([holder], upward=False, graph=self.matrix)
        return self._reach(sorted(met), upward=False, graph=self.matrix) - {holder}

    def shares_into(self, target: str) -> dict[str, float | None]:
        """Every node's effective percent of `target` (the target itself left out).

        None for the holders whose walk sums diverge (module docstring).
        """
        if target not in self.index or not len(self.ids):
            return {}
        column = self.matrix[:, [self.index[target]]].toarray().ravel()
        solution = self._solve(self._convergent, self._without_diverging(column))
        return self._percents(solution, target, self.undefined_into(target))

    def shares_of(self, holder: str) -> dict[str, float | None]:
        """`holder`'s effective percent of every node (itself left out); None where it diverges."""
        if holder not in self.index or not len(self.ids):
            return {}
        row = self.matrix[[self.index[holder]], :].toarray().ravel()
        solution = self._solve(self._convergent.T.tocsr(), self._without_diverging(row))
        return self._percents(solution, holder, self.undefined_from(holder))

    def _without_diverging(self, vector: np.ndarray) -> np.ndarray:
        for node in self.diverging:
            vector[self.index[node]] = 0.0
        return vector

    def _percents(self, solution: np.ndarray, skip: str,
                  undefined: set[str]) -> dict[str, float | None]:
        found: dict[str, float | None] = {
            node: round(value * 100.0, DECIMALS)
            for node, value in zip(self.ids, solution.tolist(), strict=True)
            if value > 0 and node != skip and node not in undefined
        }
        found.update(dict.fromkeys(sorted(undefined)))
        return found

    def _reach(self, seeds: Iterable[str], upward: bool,
               graph: sp.csr_matrix | None = None) -> set[str]:
        """Nodes from which a seed is reached (upward) or that a seed reaches (downward).

        Over every holding in force unless another graph is given.
        """
        base = self.links if graph is None else graph
        walked = base.T.tocsr() if upward else base
        found: set[str] = set()
        for seed in seeds:
            if seed in found:
                continue
            order = csgraph.breadth_first_order(walked, self.index[seed], directed=True,
                                                return_predecessors=False)
            found.update(self.ids[i] for i in np.atleast_1d(order))
        return found

    def circular_into(self, target: str) -> set[str]:
        """Holders of `target` with a holding path to it through a cycle (any share)."""
        if target not in self.index:
            return set()
        on_walks = self.cyclic & self._reach([target], upward=True)
        return self._reach(sorted(on_walks), upward=True) - {target}

    def circular_from(self, holder: str) -> set[str]:
        """Nodes `holder` reaches through a cycle of holdings (any share)."""
        if holder not in self.index:
            return set()
        on_walks = self.cyclic & self._reach([holder], upward=False)
        return self._reach(sorted(on_walks), upward=False) - {holder}

    def _path_graph(self, holders: Iterable[str]) -> nx.DiGraph:
        """The contributing holdings among the nodes `holders` reach, weighted for top_paths.

        Only those nodes can be on a path from a holder (a dense group's closure is a
        thousand nodes, its few owners' paths run through a quarter of them); every holding
        out of such a node leads to another, so the nodes' successors are all there. Nodes
        and edges go in in id order (the matrix's canonical row-major order) so ties break
        the same way for every store."""
        reached = sorted(self.index[n] for n in self._reach(holders, upward=False,
                                                             graph=self.matrix))
        ids, sub = self.ids, self.matrix[reached][:, reached].tocoo()
        order = np.lexsort((sub.col, sub.row))
        graph = nx.DiGraph()
        graph.add_nodes_from(ids[i] for i in reached)
        graph.add_edges_from(
            (ids[reached[row]], ids[reached[col]],
             {"weight": -math.log(min(fraction, 1.0)), "fraction": fraction})
            for row, col, fraction in zip(sub.row[order].tolist(), sub.col[order].tolist(),
                                          sub.data[order].tolist(), strict=True))
        return graph

    def top_paths(self, holders: Sequence[str], held: str,
                  limit: int = TOP_PATHS) -> dict[str, list[tuple[list[str], float]]]:
        """Each holder's simple holding paths to `held` with the largest products, largest
        first (none for a holder it does not reach, or for `held` itself).

        Yen's algorithm on -log(fraction) weights over the contributing holdings, on one
        graph for all the holders.
        """
        asked = [h for h in holders if h in self.index]
        graph = self._path_graph(asked)
        found: dict[str, list[tuple[list[str], float]]] = {holder: [] for holder in holders}
        for holder in asked:
            if holder == held or held not in graph:
                continue
            try:
                walks = list(islice(nx.shortest_simple_paths(graph, holder, held,
                                                             weight="weight"), limit))
            except nx.NetworkXNoPath:
                continue
            paths = []
            for nodes in walks:
                product = 1.0
                for a, b in pairwise(nodes):
                    product *= graph.edges[a, b]["fraction"]
                paths.append((nodes, round(product * 100.0, DECIMALS)))
            found[holder] = paths
        return found

    def fraction(self, holder: str, held: str) -> float:
        """The summed direct fraction holder -> held."""
        return float(self.matrix[self.index[holder], self.index[held]])
