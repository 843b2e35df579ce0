"""Every network export read by the tools people open it with: NetworkX, igraph, and
graphology (what Gephi Lite and Sigma.js are built on, run with node). Issue 10: graphology
refused the GraphML (409 edges sharing 43 ids, `label` keys declared twice), the GEXF carried
networkx's internal `networkx_key`, and ontology classes showed up as entity nodes."""

from __future__ import annotations

import io
import json
import subprocess
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import igraph
import networkx as nx
import pytest

from graph.analysis import network_export as nx_export
from graph.analysis import views
from graph.namespaces import BASE

JS = Path(__file__).parent / "js"


def exports(p: views.Prepared) -> list[tuple[str, nx.Graph[str]]]:
    named = [(view, nx_export.view_graph(p, view)) for view in nx_export.VIEWS]
    named += [(g, nx_export.view_graph(p, grouping=g)) for g in views.groupings(p)]
    return named


@pytest.fixture(scope="module")
def written(source: views.Prepared, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """Each view in GraphML and GEXF on disk, with the graph it was written from."""
    folder = tmp_path_factory.mktemp("network-exports")
    out = []
    for i, (name, graph) in enumerate(exports(source)):
        for fmt in ("graphml", "gexf"):
            path = folder / f"{i}.{fmt}"
            path.write_bytes(nx_export.export(source, fmt, *_args(name)))
            out.append({"name": name, "fmt": fmt, "path": path, "graph": graph})
    return out


def _args(name: str) -> tuple[str, str | None]:
    return (name, None) if name in nx_export.VIEWS else ("entity", name)


def test_no_ontology_class_is_an_entity_node(source: views.Prepared) -> None:
    for name, graph in exports(source):
        iris = [n for n in graph.nodes if not n.startswith("literal:")]  # policy texts
        outside = [n for n in iris if not n.startswith((BASE + "id/", BASE + "concept/"))]
        assert outside == [], name


def test_graphml_ids_are_unique_and_keys_declared_once(written: list[dict]) -> None:
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    for item in (i for i in written if i["fmt"] == "graphml"):
        root = ET.parse(item["path"]).getroot()
        keys = root.findall("g:key", ns)
        ids = Counter(k.get("id") for k in keys)
        names = Counter((k.get("for"), k.get("attr.name")) for k in keys)
        assert max(ids.values()) == 1 and max(names.values()) == 1, item["name"]
        edge_ids = Counter(e.get("id") for e in root.iterfind(".//g:edge", ns))
        assert len(edge_ids) == item["graph"].number_of_edges(), item["name"]
        assert max(edge_ids.values(), default=1) == 1, item["name"]


def test_networkx_reads_every_export(written: list[dict]) -> None:
    for item in written:
        reader = nx.read_graphml if item["fmt"] == "graphml" else nx.read_gexf
        g = reader(io.BytesIO(item["path"].read_bytes()))
        expected = item["graph"]
        assert (g.number_of_nodes(), g.number_of_edges()) == (
            expected.number_of_nodes(),
            expected.number_of_edges(),
        ), item["name"]
        if item["fmt"] == "gexf":
            assert all("networkx_key" not in d for *_, d in g.edges(data=True)), item["name"]
            assert b"networkx_key" not in item["path"].read_bytes()


def test_igraph_reads_every_graphml_without_warnings(written: list[dict]) -> None:
    for item in (i for i in written if i["fmt"] == "graphml"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            g = igraph.Graph.Read_GraphML(str(item["path"]))
        expected = item["graph"]
        assert (g.vcount(), g.ecount()) == (
            expected.number_of_nodes(),
            expected.number_of_edges(),
        ), item["name"]
        assert "label_zh" in g.vs.attributes()
        edge_keys = {k for *_, d in expected.edges(data=True) for k in d}
        assert edge_keys - {"id", "key"} <= set(g.es.attributes()), item["name"]


def test_graphology_reads_every_export(written: list[dict]) -> None:
    for item in written:
        run = subprocess.run(
            ["node", str(JS / "read_network.js"), item["fmt"], str(item["path"])],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, f"{item['name']} {item['fmt']}: {run.stderr[-2000:]}"
        read = json.loads(run.stdout)
        expected = item["graph"]
        assert (read["nodes"], read["edges"]) == (
            expected.number_of_nodes(),
            expected.number_of_edges(),
        ), item["name"]
        assert {"label", "label_zh", "label_en"} <= set(read["nodeKeys"])
        assert "networkx_key" not in read["edgeKeys"]
