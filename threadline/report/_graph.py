"""Networks as graphs for Gephi and networkx: ads and identifiers as nodes, typed edges."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO

from lxml import etree

from threadline.report._data import ExportAd

GEXF_NS = "http://www.gexf.net/1.2draft"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
# (name, GEXF type, GraphML type) of each attribute, in output order.
NODE_ATTRS = (
    ("type", "string", "string"),
    ("network", "string", "string"),
    ("score", "double", "double"),
    ("juvenile", "boolean", "boolean"),
    ("city", "string", "string"),
)
EDGE_ATTRS = (("kind", "string", "string"),)


@dataclass
class Graph:
    """Nodes with attributes and typed edges between them."""

    nodes: dict[str, tuple[str, dict[str, object]]] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)


def build_graph(items: Iterable[ExportAd]) -> Graph:
    """Ad nodes, identifier and image nodes, and one edge per ad and identifier it shows."""
    graph = Graph()
    for item in items:
        ad_node = f"ad:{item.row_id}"
        graph.nodes[ad_node] = (item.ad.id, _ad_attrs(item))
        for kind, value in item.identifiers:
            _link(graph, ad_node, f"{kind}:{value}", value, kind)
        for image in item.ad.images:
            if image.sha256:
                _link(graph, ad_node, f"image:{image.sha256}", image.sha256[:12], "image")
    return graph


def write_gexf(graph: Graph, stream: IO[bytes]) -> None:
    """GEXF 1.2 (Gephi's own format), undirected, static."""
    root = etree.Element("gexf", nsmap={None: GEXF_NS}, version="1.2")
    meta = etree.SubElement(root, "meta", lastmodifieddate=datetime.now(UTC).date().isoformat())
    etree.SubElement(meta, "creator").text = "Threadline"
    etree.SubElement(meta, "description").text = "Ads and the identifiers they share (leads)"
    body = etree.SubElement(root, "graph", defaultedgetype="undirected", mode="static")
    for cls, attrs in (("node", NODE_ATTRS), ("edge", EDGE_ATTRS)):
        declared = etree.SubElement(body, "attributes", {"class": cls})
        for index, (name, kind, _) in enumerate(attrs):
            etree.SubElement(declared, "attribute", id=str(index), title=name, type=kind)
    nodes = etree.SubElement(body, "nodes")
    for node_id, (label, values) in graph.nodes.items():
        node = etree.SubElement(nodes, "node", id=node_id, label=label)
        _gexf_values(node, NODE_ATTRS, values)
    edges = etree.SubElement(body, "edges")
    for index, (source, target, kind) in enumerate(graph.edges):
        edge = etree.SubElement(edges, "edge", id=str(index), source=source, target=target)
        _gexf_values(edge, EDGE_ATTRS, {"kind": kind})
    stream.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def write_graphml(graph: Graph, stream: IO[bytes]) -> None:
    """GraphML, undirected, with typed keys for node and edge attributes."""
    root = etree.Element("graphml", nsmap={None: GRAPHML_NS})
    keys = [("node", "n", NODE_ATTRS), ("edge", "e", EDGE_ATTRS)]
    for target, prefix, attrs in keys:
        for index, (name, _, kind) in enumerate(attrs):
            etree.SubElement(
                root,
                "key",
                {"id": f"{prefix}{index}", "for": target, "attr.name": name, "attr.type": kind},
            )
    etree.SubElement(
        root, "key", {"id": "label", "for": "node", "attr.name": "label", "attr.type": "string"}
    )
    body = etree.SubElement(root, "graph", id="threadline", edgedefault="undirected")
    for node_id, (label, values) in graph.nodes.items():
        node = etree.SubElement(body, "node", id=node_id)
        etree.SubElement(node, "data", key="label").text = label
        _graphml_values(node, "n", NODE_ATTRS, values)
    for source, target, kind in graph.edges:
        edge = etree.SubElement(body, "edge", source=source, target=target)
        _graphml_values(edge, "e", EDGE_ATTRS, {"kind": kind})
    stream.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _ad_attrs(item: ExportAd) -> dict[str, object]:
    return {
        "type": "ad",
        "network": item.network or "",
        "score": item.score,
        "juvenile": item.juvenile,
        "city": item.ad.city or "",
    }


def _link(graph: Graph, ad_node: str, node_id: str, label: str, kind: str) -> None:
    graph.nodes.setdefault(node_id, (label, {"type": kind}))
    graph.edges.append((ad_node, node_id, kind))


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _gexf_values(
    parent: etree._Element, attrs: tuple[tuple[str, str, str], ...], values: dict[str, object]
) -> None:
    holder = etree.SubElement(parent, "attvalues")
    for index, (name, _, _) in enumerate(attrs):
        if name in values:
            etree.SubElement(holder, "attvalue", {"for": str(index), "value": _text(values[name])})


def _graphml_values(
    parent: etree._Element,
    prefix: str,
    attrs: tuple[tuple[str, str, str], ...],
    values: dict[str, object],
) -> None:
    for index, (name, _, _) in enumerate(attrs):
        if name in values:
            etree.SubElement(parent, "data", key=f"{prefix}{index}").text = _text(values[name])
