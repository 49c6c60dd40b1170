"""Write small graphs into a store from plain node and relationship specs (tests only).

Tests that build a graph record by record describe entities with their values
(`NodeRecord("Enterprise", id, {"name": ...})`) and facts as nodes and
relationships; this turns them into what stores write: identities, records and
one version per fact, all recorded at `rec`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from credgraph.graph.model import load_model
from credgraph.graph.records import ChangeSet, EdgeRecord, FactVersion, Identity, NodeRecord
from credgraph.graph.store import GraphStore

REC = "2000-01-01T00:00:00Z"
IDENTIFIERS = ("uscc", "reg_no")


def _fact(edge: EdgeRecord) -> str:
    """The fact a relationship belongs to: a pledge's three links share its registration."""
    return str(edge.props["reg_no"]) if edge.type == "EQUITY_PLEDGE" else edge.key


def changes(nodes: Iterable[NodeRecord], edges: Iterable[EdgeRecord], rec: str = REC,
            source: str = "test") -> ChangeSet:
    model = load_model()
    records = model.record_labels
    out = ChangeSet()
    facts: dict[tuple[str, str], tuple[list[NodeRecord], list[EdgeRecord]]] = defaultdict(
        lambda: ([], []))
    for node in nodes:
        if node.label in records:
            out.identities.append(Identity(node.label, node.id, {
                k: v for k, v in node.props.items() if k in IDENTIFIERS}))
            record = model.node(records[node.label])
            facts[(record.section or "", node.id)][0].append(NodeRecord(record.label, node.id, {
                "of": node.id, **{k: v for k, v in node.props.items() if k not in IDENTIFIERS}}))
        else:
            section = model.node(node.label).section or ""
            facts[(section, node.id)][0].append(
                NodeRecord(node.label, node.id, {"id": node.id, **node.props}))
    for edge in edges:
        facts[(model.edge(edge.type).section or "", _fact(edge))][1].append(edge)
    for (section, fact), (fact_nodes, fact_edges) in facts.items():
        out.create.append(FactVersion(section, fact, rec, source, tuple(fact_nodes),
                                      tuple(fact_edges)).stamped())
    return out


def write_graph(store: GraphStore, nodes: Iterable[NodeRecord], edges: Iterable[EdgeRecord],
                rec: str = REC) -> None:
    """Write the graph as one change set, and commit it."""
    store.apply(changes(nodes, edges, rec))
    store.commit()
