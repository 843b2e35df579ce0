"""Every IRI of the data namespace resolves on the server, in every format, with provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import PROV

from graph.namespaces import DATA_GRAPH, OA, SCHEMA, ZG
from graph.store.release import current_release
from service import create_app
from tests.iris import BIO_ISLAND, GZ_ETDZ, local

BIO = URIRef(BIO_ISLAND)
RDF_TYPES = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}


def parse(body: bytes, fmt: str) -> Graph:
    return Graph().parse(data=body, format=fmt)


def test_entity_turtle_by_accept_holds_its_triples_and_provenance(client: FlaskClient) -> None:
    resp = client.get(local(BIO_ISLAND), headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert "Accept" in resp.headers["Vary"]
    g = parse(resp.data, "turtle")
    assert (BIO, RDFS.label, Literal("广州国际生物岛", lang="zh")) in g
    assert (BIO, RDF.type, ZG.Park) in g
    assert (BIO, SCHEMA.containedInPlace, URIRef(GZ_ETDZ)) in g  # outgoing
    assert (None, ZG.hasMember, BIO) in g  # incoming: 「三城一岛」 has it as a member
    statements = set(g.subjects(RDF.subject, BIO))
    assert statements, "the reified statements about the entity are part of its description"
    quotes = {q for st in statements for q in g.objects(st, PROV.wasDerivedFrom)}
    sentences = {str(s) for q in quotes for s in g.objects(q, OA.exact)}
    assert any("三城一岛" in s for s in sentences)


@pytest.mark.parametrize("ext", sorted(RDF_TYPES))
def test_every_rdf_format_by_extension_and_by_accept(client: FlaskClient, ext: str) -> None:
    media, fmt = RDF_TYPES[ext]
    by_ext = client.get(local(BIO_ISLAND) + "." + ext)
    by_accept = client.get(local(BIO_ISLAND), headers={"Accept": media})
    assert by_ext.status_code == by_accept.status_code == 200
    assert by_ext.mimetype == by_accept.mimetype == media
    reference = parse(client.get(local(BIO_ISLAND) + ".nt").data, "nt")
    for resp in (by_ext, by_accept):
        g = parse(resp.data, fmt)
        assert len(g) == len(reference)
        assert (BIO, RDFS.label, Literal("Guangzhou International Bio Island", lang="en")) in g


def test_html_json_and_406(client: FlaskClient) -> None:
    html = client.get(local(BIO_ISLAND), headers={"Accept": "text/html,*/*;q=0.8"})
    assert html.mimetype == "text/html" and "广州国际生物岛" in html.text
    assert 'rel="alternate"' in html.headers["Link"]
    plain = client.get(local(BIO_ISLAND))  # no Accept at all: the page
    assert plain.mimetype == "text/html"
    twin = client.get(local(BIO_ISLAND), headers={"Accept": "application/json"})
    assert twin.mimetype == "application/json"
    assert twin.json == client.get(local(BIO_ISLAND) + ".json").json
    assert twin.json["iri"] == BIO_ISLAND
    refused = client.get(local(BIO_ISLAND), headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert refused.json["ok"] is False and refused.json["status"] == 406


def test_every_entity_of_the_data_graph_resolves(app: Flask, built: object) -> None:
    from graph.build import BuildResult

    assert isinstance(built, BuildResult)
    data = built.graph(DATA_GRAPH)
    subjects = {s for s in data.subjects() if isinstance(s, URIRef)}
    assert len(subjects) > 100
    client = app.test_client()
    for s in sorted(subjects):
        resp = client.get(local(str(s)) + ".nt")
        assert resp.status_code == 200, s
        assert (s, None, None) in parse(resp.data, "nt"), s


def test_concepts_and_ontology_terms_resolve(client: FlaskClient) -> None:
    concept = client.get("/concept/indicator/total-revenue.ttl")
    assert concept.status_code == 200
    g = parse(concept.data, "turtle")
    revenue = URIRef("https://w3id.org/zonegraph/concept/indicator/total-revenue")
    assert (revenue, RDF.type, ZG.Indicator) in g

    term = client.get("/ontology/Park", headers={"Accept": "text/html"})
    assert term.status_code == 200 and "园区" in term.text
    term_rdf = parse(client.get("/ontology/Park.ttl").data, "turtle")
    assert (ZG.Park, RDF.type, OWL.Class) in term_rdf

    doc = client.get("/ontology", headers={"Accept": "text/html"})
    assert 'id="Park"' in doc.text and 'id="locatedIn"' in doc.text  # ontology#Park anchors
    onto = parse(client.get("/ontology", headers={"Accept": "text/turtle"}).data, "turtle")
    assert (ZG.Park, RDFS.label, Literal("园区", lang="zh")) in onto
    assert (ZG.locatedIn, RDF.type, OWL.ObjectProperty) in onto
    assert client.get("/ontology.json").json["sections"]


def test_unknown_entity_is_404_with_suggestions(client: FlaskClient) -> None:
    missing = "/id/park/guangzhou-international-bio-islnd"
    resp = client.get(missing, headers={"Accept": "application/json"})
    assert resp.status_code == 404
    body = resp.json
    assert body["ok"] is False and body["status"] == 404 and "error" in body
    assert BIO_ISLAND in [s["iri"] for s in body["suggestions"]]
    page = client.get(missing, headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "广州国际生物岛" in page.text and local(BIO_ISLAND) in page.text
    assert client.get(missing + ".ttl").status_code == 404


def test_a_path_that_cannot_be_an_iri_is_400(client: FlaskClient) -> None:
    resp = client.get("/id/park/a%3Eb", headers={"Accept": "application/json"})
    assert resp.status_code == 400
    assert resp.json["ok"] is False


# ------------------------------------------------------------------------------ dumps

F = ox.RdfFormat
QUAD_FORMATS = {"nq": F.N_QUADS, "trig": F.TRIG, "jsonld": F.JSON_LD}
TRIPLE_FORMATS = {"ttl": F.TURTLE, "nt": F.N_TRIPLES, "rdf": F.RDF_XML}


def test_dumps_parse_and_match_their_counts(client: FlaskClient, data_dir: Path) -> None:
    listing = client.get("/dumps.json").json["dumps"]
    assert {d["filename"] for d in listing} == {
        f"zonegraph.{e}" for e in (*QUAD_FORMATS, *TRIPLE_FORMATS)
    }
    release = current_release(data_dir)
    assert release is not None
    quads = sum(1 for line in release.nquads_path.read_bytes().splitlines() if line.strip())
    for item in listing:
        resp = client.get(item["url"])
        assert resp.status_code == 200
        assert resp.mimetype == item["media_type"]
        assert resp.headers["Content-Type"].count("charset") <= 1
        assert "attachment" in resp.headers["Content-Disposition"]
        assert len(resp.data) == item["size"]
        ext = item["filename"].rsplit(".", 1)[1]
        # Oxigraph parses (rdflib takes a minute for the six); the Turtle is parsed by rdflib too.
        if ext in QUAD_FORMATS:
            parsed = {
                (q.subject, q.predicate, q.object, q.graph_name)
                for q in ox.parse(resp.data, QUAD_FORMATS[ext])
            }
            assert len(parsed) == item["triples"] == quads, ext
        else:
            triples = {
                (q.subject, q.predicate, q.object) for q in ox.parse(resp.data, TRIPLE_FORMATS[ext])
            }
            assert len(triples) == item["triples"], ext
            if ext == "ttl":
                assert len(parse(resp.data, "turtle")) == item["triples"]
        resp.close()
    assert client.get("/dumps/zonegraph.xyz").status_code == 404


def test_dumps_are_cached_on_disk_once_per_release(client: FlaskClient, data_dir: Path) -> None:
    client.get("/dumps.json")
    release = current_release(data_dir)
    assert release is not None
    folder = release.path / "dumps"
    meta = json.loads((folder / "dumps.json").read_text(encoding="utf-8"))
    assert set(meta) == {"turtle", "nt", "rdfxml", "nquads", "trig", "jsonld"}
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    stamp = (folder / "zonegraph.ttl").stat().st_mtime_ns
    second = create_app({"TESTING": True, "ZONEGRAPH_DATA_DIR": data_dir})
    try:
        listing = second.test_client().get("/dumps.json").json["dumps"]
    finally:
        second.extensions["zonegraph"].close()
    assert (folder / "zonegraph.ttl").stat().st_mtime_ns == stamp  # read, not remade
    assert {d["size"] for d in listing} == {m["size"] for m in meta.values()}


def test_dataset_and_named_graph_iris_resolve(client: FlaskClient) -> None:
    from rdflib.namespace import VOID

    dataset = parse(client.get("/dataset", headers={"Accept": "text/turtle"}).data, "turtle")
    me = URIRef("https://w3id.org/zonegraph/dataset")
    dumps = {str(o) for o in dataset.objects(me, VOID.dataDump)}
    assert any(d.endswith("/dumps/zonegraph.ttl") for d in dumps)
    data = URIRef("https://w3id.org/zonegraph/graph/data")
    assert (me, VOID.subset, data) in dataset
    graph = parse(client.get("/graph/data.ttl").data, "turtle")
    triples = int(next(graph.objects(data, VOID.triples)))
    page = client.get("/graph/data", headers={"Accept": "text/html"})
    assert page.status_code == 200 and f"<b>{triples}</b>" in page.text
    assert client.get("/graph/nonsense.ttl").status_code == 404


def test_list_membership_comes_with_the_list_and_its_owner(client: FlaskClient) -> None:
    g = parse(client.get(local(BIO_ISLAND) + ".ttl").data, "turtle")
    grouping = URIRef("https://w3id.org/zonegraph/id/grouping/san-cheng-yi-dao")
    head = g.value(grouping, ZG.memberList)
    assert head is not None
    from rdflib.collection import Collection

    assert BIO in list(Collection(g, head))
