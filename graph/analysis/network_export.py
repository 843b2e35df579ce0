"""NetworkX views as files for network tools: GraphML, GEXF (Gephi), node and edge CSV.

Gephi accepts only scalar attribute values and chokes on None, so every attribute is made a
string, number or boolean here, lists are joined with "; ", and missing values are left out.
Node labels are the zh labels (Gephi shows `label`); the en labels, classes and predicate IRIs
travel as attributes. CSV headers follow Gephi's spreadsheet importer (Id/Label, Source/Target).
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import networkx as nx
from rdflib import Graph

from graph import formats
from graph.analysis.views import (
    Prepared,
    containment_tree,
    grouping_subgraph,
    industry_bipartite,
    policy_graph,
    prepare,
)
from graph.errors import ExportError

#: The network formats of the table, by their one name (the file suffix: `nodes.csv`).
FORMATS = tuple(f.name for f in formats.of_kind("network"))
MEDIA_TYPES = {f.name: f.media_type for f in formats.of_kind("network")}
VIEWS: dict[str, Callable[[Prepared], nx.Graph[str]]] = {
    "entity": lambda p: p.entity,
    "containment": containment_tree,
    "industry": industry_bipartite,
    "policy": policy_graph,
}
NODE_COLUMNS = ("iri", "label_zh", "label_en", "class", "class_zh", "class_en", "category")
EDGE_COLUMNS = ("predicate", "predicate_pname", "label_zh", "label_en")


def _scalar(value: Any) -> str | int | float | bool | None:
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        # a plain str: the writers look attribute types up by exact type (labels.Untranslated)
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(sorted(str(v) for v in value))
    return str(value)


def gephi_ready(g: nx.Graph[str]) -> nx.Graph[str]:
    """A copy with scalar attributes only and a unique edge id (e0, e1 …) as each edge's key.

    A multigraph's own keys are the predicate names, shared by many edges; GraphML takes a
    multigraph's key as the edge id, and graphology (Gephi Lite) refuses duplicate ids. The
    predicate stays an attribute (predicate, predicate_pname)."""
    out = g.__class__()
    for n, data in g.nodes(data=True):
        out.add_node(
            str(n), **{k: v for k, v in ((k, _scalar(v)) for k, v in data.items()) if v is not None}
        )
    edges: Any = (
        g.edges(keys=True, data=True)  # type: ignore[call-overload]
        if g.is_multigraph()
        else ((a, b, None, d) for a, b, d in g.edges(data=True))
    )
    for i, (a, b, _key, data) in enumerate(edges):
        attrs = {k: v for k, v in ((k, _scalar(v)) for k, v in data.items()) if v is not None}
        attrs.pop("id", None)
        attrs.pop("key", None)
        if g.is_multigraph():
            out.add_edge(str(a), str(b), key=f"e{i}", **attrs)
        else:
            out.add_edge(str(a), str(b), id=f"e{i}", **attrs)
    return out


def to_graphml(g: nx.Graph[str]) -> bytes:
    """GraphML with generated key ids (d0, d1 …): a name such as `label` is declared once for
    nodes and once for edges, and named ids would give the two declarations one id."""
    buf = io.BytesIO()
    nx.write_graphml(_keyed_by_id(gephi_ready(g)), buf, encoding="utf-8")
    return buf.getvalue()


def _keyed_by_id(g: nx.Graph[str]) -> nx.Graph[str]:
    """GraphML writes a multigraph's keys as edge ids and a simple graph's edges without any;
    written as a multigraph keyed by the ids, every edge has its id and no `id` data key
    (igraph refuses to read one beside the ids)."""
    if g.is_multigraph():
        return g
    out: nx.MultiGraph[str] = nx.MultiDiGraph() if g.is_directed() else nx.MultiGraph()
    out.add_nodes_from(g.nodes(data=True))
    for a, b, data in g.edges(data=True):
        attrs = dict(data)
        out.add_edge(a, b, key=attrs.pop("id"), **attrs)
    return out


GEXF_NS = "http://www.gexf.net/1.2draft"


def to_gexf(g: nx.Graph[str]) -> bytes:
    """GEXF 1.2 without the `networkx_key` attribute networkx adds for a multigraph's keys
    (here the edge ids themselves, already written as each edge's id)."""
    buf = io.BytesIO()
    nx.write_gexf(gephi_ready(g), buf, encoding="utf-8", version="1.2draft")
    return _without_networkx_key(buf.getvalue())


def _without_networkx_key(data: bytes) -> bytes:
    ET.register_namespace("", GEXF_NS)
    root = ET.fromstring(data)
    ns = {"g": GEXF_NS}
    dropped: set[str] = set()
    for attributes in root.iterfind(".//g:attributes[@class='edge']", ns):
        for attribute in list(attributes):
            if attribute.get("title") == "networkx_key":
                dropped.add(attribute.get("id", ""))
                attributes.remove(attribute)
    for attvalues in root.iterfind(".//g:edge/g:attvalues", ns):
        for value in list(attvalues):
            if value.get("for") in dropped:
                attvalues.remove(value)
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written


def nodes_csv(g: nx.Graph[str]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Id", "Label", *NODE_COLUMNS])
    for n, d in g.nodes(data=True):
        w.writerow([n, d.get("label", n), *(_scalar(d.get(c)) or "" for c in NODE_COLUMNS)])
    return buf.getvalue().encode("utf-8")


def edges_csv(g: nx.Graph[str]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Source", "Target", "Type", "Id", "Label", *EDGE_COLUMNS])
    kind = "Directed" if g.is_directed() else "Undirected"
    for i, (a, b, d) in enumerate(g.edges(data=True)):
        row = [
            a,
            b,
            kind,
            f"e{i}",
            d.get("label", ""),
            *(_scalar(d.get(c)) or "" for c in EDGE_COLUMNS),
        ]
        w.writerow(row)
    return buf.getvalue().encode("utf-8")


WRITERS: dict[str, Callable[[nx.Graph[str]], bytes]] = {
    "graphml": to_graphml,
    "gexf": to_gexf,
    "nodes.csv": nodes_csv,
    "edges.csv": edges_csv,
}


def view_graph(
    graph: Graph | Prepared, view: str = "entity", grouping: str | None = None
) -> nx.Graph[str]:
    """The NetworkX view to export: entity, containment, industry, policy, or one grouping."""
    p = prepare(graph)
    if grouping is not None:
        return grouping_subgraph(p, p.resolve(grouping))
    if view not in VIEWS:
        raise ExportError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    return VIEWS[view](p)


def export_network(source: object, fmt: str, view: str = "entity") -> bytes:
    """For `zonegraph export`: any graph source (store, backend, Graph)."""
    return export(prepare(source), fmt, view)


def export(
    graph: Graph | Prepared, fmt: str, view: str = "entity", grouping: str | None = None
) -> bytes:
    """One view of the graph in one network format (a name or alias of the formats table:
    `nodes.csv` or `nodes-csv`), as bytes ready to write or send."""
    spec = formats.find(fmt, "network")
    if spec is None:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return WRITERS[spec.name](view_graph(graph, view, grouping))
