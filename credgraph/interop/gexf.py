"""GEXF 1.3 out (Gephi): the scope's nodes and edges with attributes, and spells for time.

A dynamic graph (`timeformat="date"`): each edge carries a spell from its relationship's
start to its end (open where unknown), list entries, penalties and events the spell of
the relationship that holds them, so Gephi's timeline shows the register over time.
Entities carry no spell: they are there throughout. Node labels are names.
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
    value_text,
)
from credgraph.interop.jsonout import Spool, text_pieces
from credgraph.interop.scope import Reader
from credgraph.queries.time import today

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<gexf xmlns="http://gexf.net/1.3" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
          'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" '
          'version="1.3">\n')
FOOTER = b"    </edges>\n  </graph>\n</gexf>\n"


def _declare(domain: str, attributes: tuple[Attribute, ...]) -> Iterator[str]:
    yield f'    <attributes class="{domain}" mode="static">\n'
    for i, a in enumerate(attributes):
        yield f'      <attribute id="{i}" title={attr(a.name)} type="{XML_TYPES[a.kind]}"/>\n'
    yield "    </attributes>\n"


def _values(attributes: tuple[Attribute, ...], values: dict[str, object]) -> str:
    parts = []
    for i, a in enumerate(attributes):
        shown = value_text(values.get(a.name), a.kind)
        if shown is not None:
            parts.append(f'<attvalue for="{i}" value={attr(shown)}/>')
    return f"<attvalues>{''.join(parts)}</attvalues>" if parts else ""


def _spell(start: object, end: object) -> str:
    if not start and not end:
        return ""
    bounds = "".join(f" {name}={attr(str(v))}" for name, v in (("start", start), ("end", end))
                     if v)
    return f"<spells><spell{bounds}/></spells>"


class _Writer:
    def __init__(self, reader: Reader, published: str | None) -> None:
        self.reader, self.published = reader, published
        self.node_attrs = node_attributes(reader.model, display=False)
        self.edge_attrs = edge_attributes(reader.model)
        self.edges = Spool()

    def node(self, node: Node) -> str:
        name = str(node.props.get("name") or node.id)
        values = _values(self.node_attrs, {**node.props, "kind": node.label})
        return (f"      <node id={attr(node.id)} label={attr(name)}>{values}"
                f"{_spell(node.start, node.end)}</node>\n")

    def edge(self, edge: Edge) -> str:
        values = _values(self.edge_attrs, {**edge.props, "type": edge.type})
        return (f"      <edge id={attr(edge.id)} source={attr(edge.source)} "
                f"target={attr(edge.target)} label={attr(edge.type)}>{values}"
                f"{_spell(edge.props.get('start'), edge.props.get('end'))}</edge>\n")

    def head_and_nodes(self) -> Iterator[str]:
        yield HEADER
        yield (f'  <meta lastmodifieddate="{self.published or today()}">'
               f"<creator>credgraph</creator>"
               f"<description>as of {self.reader.at.day}</description></meta>\n")
        yield '  <graph defaultedgetype="directed" mode="dynamic" timeformat="date">\n'
        yield from _declare("node", self.node_attrs)
        yield from _declare("edge", self.edge_attrs)
        yield "    <nodes>\n"
        for nodes, edges in graph_items(self.reader):
            yield from (self.node(n) for n in nodes)
            for e in edges:
                self.edges.write(self.edge(e).encode())
        yield "    </nodes>\n    <edges>\n"


def export_gexf(reader: Reader, published: str | None = None) -> Iterator[bytes]:
    writer = _Writer(reader, published)
    yield from text_pieces(writer.head_and_nodes())
    yield from writer.edges.chunks()
    yield FOOTER
