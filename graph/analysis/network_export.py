"""NetworkX views as files for network tools: GraphML, GEXF (Gephi), node and edge CSV.

Gephi accepts only scalar attribute values and chokes on None, so every attribute is made a
string, number or boolean here, lists are joined with "; ", and missing values are left out.
Node labels are the zh labels (Gephi shows `label`); the en labels, classes and predicate IRIs
travel as attributes. CSV headers follow Gephi's spreadsheet importer (Id/Label, Source/Target).
"""

from __future__ import annotations

import csv
import io
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
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(sorted(str(v) for v in value))
    return str(value)


def gephi_ready(g: nx.Graph[str]) -> nx.Graph[str]:
    """A copy with scalar attributes only and unique string edge ids for multigraphs."""
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
    for i, (a, b, key, data) in enumerate(edges):
        attrs = {k: v for k, v in ((k, _scalar(v)) for k, v in data.items()) if v is not None}
        attrs["id"] = f"e{i}"
        if g.is_multigraph():
            out.add_edge(str(a), str(b), key=str(key), **attrs)
        else:
            out.add_edge(str(a), str(b), **attrs)
    return out


def to_graphml(g: nx.Graph[str]) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(gephi_ready(g), buf, encoding="utf-8", named_key_ids=True)
    return buf.getvalue()


def to_gexf(g: nx.Graph[str]) -> bytes:
    buf = io.BytesIO()
    nx.write_gexf(gephi_ready(g), buf, encoding="utf-8", version="1.2draft")
    return buf.getvalue()


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
