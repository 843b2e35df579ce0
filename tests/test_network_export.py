"""GraphML, GEXF and CSV exports, re-read with NetworkX and csv and checked attribute-wise."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from graph.analysis import network_export as nx_export
from graph.analysis import views

MINI = Path(__file__).parent / "data" / "network_mini.ttl"
ID = "https://w3id.org/zonegraph/id/"
GZ, BI, EHANG = ID + "zone/gz", ID + "park/bi", ID + "org/ehang"


def test_graphml_round_trip(mini: views.Prepared) -> None:
    g = nx.read_graphml(io.BytesIO(nx_export.export(mini, "graphml")))
    assert g.number_of_nodes() == 18 and g.number_of_edges() == 25
    assert g.is_multigraph()  # 亿航 is both located and registered in the zone
    d = g.nodes[BI]
    assert (d["label"], d["label_zh"], d["label_en"]) == (
        "广州国际生物岛",
        "广州国际生物岛",
        "Guangzhou International Bio Island",
    )
    assert (d["class"], d["class_zh"], d["category"]) == ("zg:Park", "园区", "entity")
    predicates = {e["predicate_pname"] for e in g[EHANG][GZ].values()}
    assert predicates == {"zg:locatedIn", "zg:registeredIn"}
    assert {e["label_zh"] for e in g[EHANG][GZ].values()} == {"位于", "注册于"}


def test_gexf_round_trip(mini: views.Prepared) -> None:
    data = nx_export.export(mini, "gexf")
    assert b'xmlns="http://www.gexf.net/1.2draft"' in data
    g = nx.read_gexf(io.BytesIO(data))
    assert g.number_of_nodes() == 18 and g.number_of_edges() == 25
    assert g.nodes[GZ]["label"] == "广州经济技术开发区"
    assert g.nodes[GZ]["label_en"] == "Guangzhou ETDZ" and g.nodes[GZ]["class"] == "zg:NationalETDZ"
    preds = {d["predicate"] for _, _, d in g.edges(data=True)}
    assert "https://w3id.org/zonegraph/ontology#hasMember" in preds


@pytest.mark.parametrize(
    "view, nodes, edges",
    [
        ("containment", 9, 7),
        ("industry", 9, 6),
        ("policy", 6, 5),
    ],
)
def test_every_view_exports(mini: views.Prepared, view: str, nodes: int, edges: int) -> None:
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        g = reader(io.BytesIO(nx_export.export(mini, fmt, view)))
        assert (g.number_of_nodes(), g.number_of_edges()) == (nodes, edges), (view, fmt)


def test_non_scalar_attributes_become_strings() -> None:
    g: nx.Graph[str] = nx.Graph()
    g.add_node("a", tags=["y", "x"], missing=None, n=3)
    g.add_node("b")
    g.add_edge("a", "b", shared={"q", "p"}, weight=2)
    back = nx.read_gexf(io.BytesIO(nx_export.to_gexf(g)))
    assert back.nodes["a"]["tags"] == "x; y" and back.nodes["a"]["n"] == 3
    assert "missing" not in back.nodes["a"]
    assert back.edges["a", "b"]["shared"] == "p; q"
    back2 = nx.read_graphml(io.BytesIO(nx_export.to_graphml(g)))
    assert back2.edges["a", "b"]["weight"] == 2


def test_csv_for_gephi(mini: views.Prepared) -> None:
    nodes = list(csv.DictReader(io.StringIO(nx_export.export(mini, "nodes.csv").decode())))
    assert len(nodes) == 18
    row = next(r for r in nodes if r["Id"] == BI)
    assert (row["Label"], row["label_en"], row["class"]) == (
        "广州国际生物岛",
        "Guangzhou International Bio Island",
        "zg:Park",
    )
    edges = list(csv.DictReader(io.StringIO(nx_export.export(mini, "edges.csv").decode())))
    assert len(edges) == 25 and len({e["Id"] for e in edges}) == 25
    assert {e["Type"] for e in edges} == {"Directed"}
    located = [e for e in edges if e["Source"] == EHANG and e["Target"] == GZ]
    assert {e["predicate_pname"] for e in located} == {"zg:locatedIn", "zg:registeredIn"}


def test_grouping_export(mini: views.Prepared) -> None:
    g = nx.read_graphml(io.BytesIO(nx_export.export(mini, "graphml", grouping="三城一岛")))
    roles = nx.get_node_attributes(g, "role")
    assert sorted(n for n, r in roles.items() if r == "member") == sorted(
        [ID + "park/kc", ID + "park/sc", BI]
    )


def test_unknown_format_or_view(mini: views.Prepared) -> None:
    with pytest.raises(nx_export.ExportError):
        nx_export.export(mini, "dot")
    with pytest.raises(nx_export.ExportError):
        nx_export.export(mini, "gexf", view="everything")


def test_export_network_from_a_store(mini: views.Prepared) -> None:
    from graph.store.release import load_store

    store = load_store(Graph().parse(MINI).serialize(format="nt").encode())
    data = nx_export.export_network(store, "nodes-csv")
    assert data == nx_export.export(mini, "nodes.csv")


def test_source_exports_open(union_graph: Graph) -> None:
    p = views.prepare(union_graph)
    g = nx.read_gexf(io.BytesIO(nx_export.export(p, "gexf")))
    assert g.number_of_nodes() == p.entity.number_of_nodes()
    assert g.nodes[ID + "zone/guangzhou-etdz"]["label"] == "广州经济技术开发区"
