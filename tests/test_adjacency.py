"""The embedded store's adjacency: networkx with small per-node and per-pair holders in place
of its dicts, answering as a plain MultiDiGraph does, in less memory."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import networkx as nx
import pytest

from credgraph.generate import generate
from credgraph.graph.memory import Adjacency, MemoryStore
from credgraph.loaders.load import load_dataset


def _state(graph: nx.MultiDiGraph) -> tuple[object, ...]:
    """Everything the store's readers ask of the adjacency, in a stable order."""
    nodes = sorted(graph)
    return (
        nodes,
        sorted(graph.edges(keys=True)),
        {n: sorted(graph.out_edges(n, keys=True)) for n in nodes},
        {n: sorted(graph.in_edges(n, keys=True)) for n in nodes},
        {n: (graph.in_degree(n), graph.out_degree(n)) for n in nodes},
        graph.number_of_edges(),
    )


@pytest.mark.parametrize("seed", range(5))
def test_adjacency_answers_as_a_plain_multidigraph(seed: int) -> None:
    """Random writes and drops (several relationships per pair, self-loops, hubs) on both;
    the plain networkx graph is the reference."""
    rng = random.Random(seed)
    ours, plain = Adjacency(), nx.MultiDiGraph()
    nodes: list[int] = []
    next_key = 1000
    for _ in range(600):
        action = rng.random()
        if action < 0.25 or len(nodes) < 2:
            node = next_key
            next_key += 1
            nodes.append(node)
            ours.add_node(node)
            plain.add_node(node)
        elif action < 0.85:
            hub = nodes[0] if rng.random() < 0.3 else rng.choice(nodes)
            other = rng.choice(nodes)
            source, target = (hub, other) if rng.random() < 0.5 else (other, hub)
            ours.add_edge(source, target, key=next_key)
            plain.add_edge(source, target, key=next_key)
            next_key += 1
        elif action < 0.95:
            edges = list(plain.edges(keys=True))
            if edges:
                source, target, key = rng.choice(edges)
                ours.remove_edge(source, target, key=key)
                plain.remove_edge(source, target, key=key)
        else:
            node = nodes.pop(rng.randrange(1, len(nodes)))
            ours.remove_node(node)
            plain.remove_node(node)
        assert ours.has_edge(nodes[0], nodes[-1]) == plain.has_edge(nodes[0], nodes[-1])
    assert _state(ours) == _state(plain)
    assert plain.number_of_edges() > 100, "the walk wrote relationships"


def test_adjacency_keeps_no_attributes() -> None:
    graph = Adjacency()
    with pytest.raises(TypeError, match="keeps no attributes"):
        graph.add_edge(1, 2, key=3, weight=1.0)


def _traced(graph: nx.MultiDiGraph, edges: list[tuple[int, int, int]]) -> int:
    tracemalloc.start()
    try:
        graph.add_nodes_from(range(10_000, 20_000))
        graph.add_edges_from(edges)
        return tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


def test_adjacency_takes_under_half_the_memory_of_networkx_dicts() -> None:
    """A register's shape: most nodes are facts with one relationship in; one in ten is an
    identity with a few (measured: 160 against 430 bytes a relationship)."""
    rng = random.Random(1)
    identities = list(range(10_000, 11_000))
    edges = [(rng.choice(identities), fact, 100_000 + fact) for fact in range(11_000, 20_000)]
    edges += [(rng.choice(identities), rng.choice(identities), 200_000 + i)
              for i in range(2_000)]
    ours, plain = _traced(Adjacency(), edges), _traced(nx.MultiDiGraph(), edges)
    assert ours < plain / 2, (ours, plain)


def test_an_opened_file_shares_one_int_per_node(tmp_path: Path) -> None:
    """Each node's number is one object wherever networkx keeps it (as a node and as its
    neighbours' neighbour), not one per relationship end read from the file."""
    generate(tmp_path / "register", enterprises=200, seed=5)
    path = tmp_path / "graph.credgraph"
    load_dataset(tmp_path / "register", MemoryStore(path), rejects_path=tmp_path / "rejects.csv")
    graph = MemoryStore(path).graph
    nodes = {n: n for n in graph}
    big = [(u, v) for u, v, _ in graph.edges(keys=True) if u > 256 and v > 256]
    assert big, "the register numbers some nodes past Python's cached small ints"
    assert all(u is nodes[u] and v is nodes[v] for u, v in big)
    assert all(v is nodes[v] for u in graph for v in graph.pred[u])
