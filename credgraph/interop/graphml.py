"""GraphML out (Gephi, Cytoscape, yEd, networkx): the scope's nodes and edges with attributes.

Every node and edge attribute is declared as a GraphML `key` (graphfile.py says which);
an edge's id is its type and key, so parallel relationships stay apart.
"""

from __future__ import annotations

from collections.abc import Iterator

from credgraph.interop.graphfile import (
    Attribute,
    attr,
    edge_attributes,
    edges,
    node_attributes,
    nodes,
    pieces,
    text,
    value_text,
)
from credgraph.interop.scope import Reader

KINDS = {"string": "string", "double": "double", "int": "long", "boolean": "boolean"}
"""graphfile attribute kinds as GraphML `attr.type`s."""

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
          'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
          'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')


def _keys(domain: str, prefix: str, attributes: tuple[Attribute, ...]) -> Iterator[str]:
    for i, a in enumerate(attributes):
        yield (f'  <key id="{prefix}{i}" for="{domain}" attr.name={attr(a.name)} '
               f'attr.type="{KINDS[a.kind]}"/>\n')


def _data(prefix: str, attributes: tuple[Attribute, ...], values: dict[str, object]) -> str:
    parts = []
    for i, a in enumerate(attributes):
        shown = value_text(values.get(a.name), a.kind)
        if shown is not None:
            parts.append(f'<data key="{prefix}{i}">{text(shown)}</data>')
    return "".join(parts)


def _lines(reader: Reader) -> Iterator[str]:
    node_attrs = node_attributes(reader.model, display=True)
    edge_attrs = edge_attributes(reader.model)
    yield HEADER
    yield from _keys("node", "n", node_attrs)
    yield from _keys("edge", "e", edge_attrs)
    yield '  <graph id="credgraph" edgedefault="directed">\n'
    for node in nodes(reader):
        data = _data("n", node_attrs, {**node.props, "kind": node.label,
                                       "label": node.props.get("name") or node.id})
        yield f"    <node id={attr(node.id)}>{data}</node>\n"
    for edge in edges(reader):
        data = _data("e", edge_attrs, {**edge.props, "type": edge.type})
        yield (f"    <edge id={attr(edge.id)} source={attr(edge.source)} "
               f"target={attr(edge.target)}>{data}</edge>\n")
    yield "  </graph>\n</graphml>\n"


def export_graphml(reader: Reader) -> Iterator[bytes]:
    return pieces(_lines(reader))
