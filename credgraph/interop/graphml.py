"""GraphML out (Gephi, Cytoscape, yEd, networkx): the scope's nodes and edges with attributes.

Every node and edge attribute is declared as a GraphML `key` (graphfile.py says which);
nodes also get a `label` with their name, which Gephi shows; an edge's id is its type
and key, so parallel relationships stay apart.
"""

from __future__ import annotations

from collections.abc import Iterator

from credgraph.interop.graphfile import (
    XML_TYPES,
    Attribute,
    Edge,
    Node,
    attr,
    edge_attributes,
    graph_items,
    node_attributes,
    text,
    value_text,
)
from credgraph.interop.jsonout import Spool, text_pieces
from credgraph.interop.scope import Reader

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
          'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
          'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
FOOTER = b"  </graph>\n</graphml>\n"


def _keys(domain: str, prefix: str, attributes: tuple[Attribute, ...]) -> Iterator[str]:
    for i, a in enumerate(attributes):
        yield (f'  <key id="{prefix}{i}" for="{domain}" attr.name={attr(a.name)} '
               f'attr.type="{XML_TYPES[a.kind]}"/>\n')


def _data(prefix: str, attributes: tuple[Attribute, ...], values: dict[str, object]) -> str:
    parts = []
    for i, a in enumerate(attributes):
        shown = value_text(values.get(a.name), a.kind)
        if shown is not None:
            parts.append(f'<data key="{prefix}{i}">{text(shown)}</data>')
    return "".join(parts)


class _Writer:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.node_attrs = node_attributes(reader.model, display=True)
        self.edge_attrs = edge_attributes(reader.model)
        self.edges = Spool()

    def node(self, node: Node) -> str:
        data = _data("n", self.node_attrs, {**node.props, "kind": node.label,
                                            "label": node.props.get("name") or node.id})
        return f"    <node id={attr(node.id)}>{data}</node>\n"

    def edge(self, edge: Edge) -> str:
        data = _data("e", self.edge_attrs, {**edge.props, "type": edge.type})
        return (f"    <edge id={attr(edge.id)} source={attr(edge.source)} "
                f"target={attr(edge.target)}>{data}</edge>\n")

    def head_and_nodes(self) -> Iterator[str]:
        yield HEADER
        yield from _keys("node", "n", self.node_attrs)
        yield from _keys("edge", "e", self.edge_attrs)
        yield '  <graph id="credgraph" edgedefault="directed">\n'
        for nodes, edges in graph_items(self.reader):
            yield from (self.node(n) for n in nodes)
            for e in edges:
                self.edges.write(self.edge(e).encode())


def export_graphml(reader: Reader) -> Iterator[bytes]:
    writer = _Writer(reader)
    yield from text_pieces(writer.head_and_nodes())
    yield from writer.edges.chunks()
    yield FOOTER
