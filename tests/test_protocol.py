"""SPARQL 1.1 Protocol through Flask's test client, on a real worker pool over a published build.

Every operation form (GET, URL-encoded POST, application/sparql-query POST), every result
format, the dataset parameters, the Service Description, VoID, CORS, the caps, and the errors.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, VOID

from graph.namespaces import DATA_GRAPH, NAMED_GRAPHS, ONTOLOGY_GRAPH
from tests.helpers_server import COUNT_ALL, backend_of, make_app

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RESULTS = "{http://www.w3.org/2005/sparql-results#}"
LABELS = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label LIMIT 20"
CONSTRUCT = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l } ORDER BY ?s ?l LIMIT 30"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def app(data_dir: Path) -> Iterator[Flask]:
    with make_app(data_dir, max_request_bytes=20_000, max_result_rows=500) as app:
        yield app


def count(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def bindings(body: bytes) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(body)["results"]["bindings"]
    return rows


def assert_error(resp: Any, status: int, *fragments: str) -> str:
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body == {"ok": False, "error": body["error"], "status": status}
    assert isinstance(body["error"], str)
    for fragment in fragments:
        assert fragment in body["error"]
    assert "Traceback" not in body["error"]
    return str(body["error"])


# --- the three ways to send a query ---------------------------------------------------------


def test_get_post_form_and_direct_post_agree(client: FlaskClient) -> None:
    by_get = client.get("/sparql", query_string={"query": LABELS})
    by_form = client.post("/sparql", data={"query": LABELS})
    by_body = client.post("/sparql", data=LABELS.encode(), content_type="application/sparql-query")
    for resp in (by_get, by_form, by_body):
        assert resp.status_code == 200
        assert resp.mimetype == "application/sparql-results+json"
        assert resp.headers["ZoneGraph-Rows"] == "20"
        assert "ZoneGraph-Truncated" not in resp.headers
    assert bindings(by_get.data) == bindings(by_form.data) == bindings(by_body.data)
    assert len(bindings(by_get.data)) == 20


def test_direct_post_accepts_charset_and_rejects_others(client: FlaskClient) -> None:
    ok = client.post(
        "/sparql", data=LABELS.encode(), content_type="application/sparql-query; charset=UTF-8"
    )
    assert ok.status_code == 200
    latin = client.post(
        "/sparql", data=LABELS.encode(), content_type="application/sparql-query; charset=latin-1"
    )
    assert_error(latin, 415, "UTF-8")


def test_default_graph_is_the_union(client: FlaskClient, data_dir: Path) -> None:
    from graph.store.release import current_release, open_read_only

    release = current_release(data_dir)
    assert release is not None
    store = open_read_only(release)
    resp = client.get("/sparql", query_string={"query": COUNT_ALL})
    assert count(resp.data) == len(store)


# --- result formats ---------------------------------------------------------------------------


def test_select_as_xml_csv_tsv(client: FlaskClient) -> None:
    json_rows = bindings(client.get("/sparql", query_string={"query": LABELS}).data)
    xml = client.get(
        "/sparql",
        query_string={"query": LABELS},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert xml.mimetype == "application/sparql-results+xml"
    results = ET.fromstring(xml.data).findall(f"{RESULTS}results/{RESULTS}result")
    assert len(results) == len(json_rows)
    first = {b.get("name"): "".join(b.itertext()) for b in results[0]}
    assert first == {k: v["value"] for k, v in json_rows[0].items()}

    csv_resp = client.get("/sparql", query_string={"query": LABELS, "output": "csv"})
    assert csv_resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_resp.get_data(as_text=True))))
    assert rows[0] == ["s", "label"] and len(rows) == 1 + len(json_rows)
    assert rows[1] == [json_rows[0]["s"]["value"], json_rows[0]["label"]["value"]]

    tsv = client.get(
        "/sparql", query_string={"query": LABELS}, headers={"Accept": "text/tab-separated-values"}
    )
    assert tsv.mimetype == "text/tab-separated-values"
    lines = tsv.get_data(as_text=True).splitlines()
    assert lines[0] == "?s\t?label" and len(lines) == 1 + len(json_rows)


def test_accept_q_values_choose(client: FlaskClient) -> None:
    resp = client.get(
        "/sparql",
        query_string={"query": LABELS},
        headers={"Accept": "text/csv;q=0.4, application/sparql-results+xml;q=0.8, */*;q=0.1"},
    )
    assert resp.mimetype == "application/sparql-results+xml"
    assert "Accept" in resp.headers["Vary"]


def test_ask(client: FlaskClient) -> None:
    ask = "ASK { ?s a zg:Province }"
    resp = client.get("/sparql", query_string={"query": ask})
    assert resp.get_json()["boolean"] is True
    xml = client.get("/sparql", query_string={"query": ask, "format": "xml"})
    assert ET.fromstring(xml.data).find(f"{RESULTS}boolean").text == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-quads", "application/n-quads", "nquads"),
        ("application/trig", "application/trig", "trig"),
        ("text/plain, */*;q=0.1", "application/n-triples", "nt"),
    ],
)
def test_construct_formats(
    client: FlaskClient, accept: str | None, media_type: str, rdflib_format: str
) -> None:
    reference = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "nt"})
    expected = Graph().parse(data=reference.data, format="nt")
    assert len(expected) == 30
    headers = {"Accept": accept} if accept else {}
    resp = client.get("/sparql", query_string={"query": CONSTRUCT}, headers=headers)
    assert resp.status_code == 200 and resp.mimetype == media_type
    if rdflib_format in ("nquads", "trig"):  # a CONSTRUCT result is the default graph
        ds = Dataset()
        ds.parse(data=resp.data, format=rdflib_format)
        assert isomorphic(ds.default_graph, expected)
        return
    assert isomorphic(Graph().parse(data=resp.data, format=rdflib_format), expected)


def test_describe(client: FlaskClient) -> None:
    resp = client.get("/sparql", query_string={"query": f"DESCRIBE <{ONTOLOGY_GRAPH}>"})
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"


def test_no_acceptable_format_is_406(client: FlaskClient) -> None:
    html_only = client.get(
        "/sparql", query_string={"query": LABELS}, headers={"Accept": "text/html"}
    )
    assert html_only.status_code == 406  # the error page is HTML, as the client asked
    assert "application/sparql-results+json" in html_only.get_data(as_text=True)
    csv_only = client.get(
        "/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/csv"}
    )
    assert_error(csv_only, 406, "text/turtle")
    results_for_graph = client.get(
        "/sparql",
        query_string={"query": CONSTRUCT},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert_error(results_for_graph, 406)
    wrong_kind = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "csv"})
    assert_error(wrong_kind, 406, "format=csv", "text/turtle")


def test_unknown_format_name_falls_back_to_accept(client: FlaskClient) -> None:
    unknown = client.get(
        "/sparql",
        query_string={"query": LABELS, "format": "yaml"},
        headers={"Accept": "text/csv"},
    )
    assert unknown.status_code == 200 and unknown.mimetype == "text/csv"
    # SPARQLWrapper's CONSTRUCT with RDFXML: its own spelling, repeated, beside the media type
    sent = [("format", "rdf+xml"), ("format", "application/rdf+xml"), ("output", "rdf+xml")]
    rdfxml = client.get(
        "/sparql",
        query_string=[("query", CONSTRUCT), *sent],
        headers={"Accept": "application/rdf+xml"},
    )
    assert rdfxml.status_code == 200 and rdfxml.mimetype == "application/rdf+xml"
    assert len(Graph().parse(data=rdfxml.data, format="xml")) == 30


# --- the dataset ------------------------------------------------------------------------------


def test_default_graph_uri(client: FlaskClient, union_graph: Graph, built: Any) -> None:
    resp = client.get(
        "/sparql", query_string={"query": COUNT_ALL, "default-graph-uri": str(ONTOLOGY_GRAPH)}
    )
    assert count(resp.data) == len(built.dataset.graph(ONTOLOGY_GRAPH))
    two = client.post(
        "/sparql",
        data={"query": COUNT_ALL, "default-graph-uri": [str(ONTOLOGY_GRAPH), str(DATA_GRAPH)]},
    )
    assert count(two.data) == len(built.dataset.graph(ONTOLOGY_GRAPH)) + len(
        built.dataset.graph(DATA_GRAPH)
    )
    direct = client.post(
        "/sparql?default-graph-uri=" + str(DATA_GRAPH),
        data=COUNT_ALL,
        content_type="application/sparql-query",
    )
    assert count(direct.data) == len(built.dataset.graph(DATA_GRAPH))


def test_named_graph_uri_restricts_graph(client: FlaskClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    everything = [
        r["g"]["value"] for r in bindings(client.get("/sparql", query_string={"query": query}).data)
    ]
    assert sorted(everything) == sorted(str(g) for g in NAMED_GRAPHS)
    only = client.get("/sparql", query_string={"query": query, "named-graph-uri": str(DATA_GRAPH)})
    assert [r["g"]["value"] for r in bindings(only.data)] == [str(DATA_GRAPH)]


def test_from_clause_of_a_local_graph(client: FlaskClient, built: Any) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{DATA_GRAPH}> WHERE {{ ?s ?p ?o }}"
    assert count(client.get("/sparql", query_string={"query": query}).data) == len(
        built.dataset.graph(DATA_GRAPH)
    )


# --- caps -------------------------------------------------------------------------------------


def test_a_result_over_the_cap_is_refused_whole(client: FlaskClient) -> None:
    """Issue 10: 10,000 of 45,243 rows came back with only a custom header to say so. Over
    the operator's cap (500 here) a query is refused with 400 and says why, in every format;
    at the cap it is answered in full."""
    big = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    for fmt in ("json", "xml", "csv"):
        resp = client.get("/sparql", query_string={"query": big, "format": fmt})
        assert resp.status_code == 400, fmt
        assert "more than 500 rows" in resp.get_json()["error"]
    graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert graph.status_code == 400 and "more than 500 triples" in graph.get_json()["error"]
    exactly = client.get("/sparql", query_string={"query": big + " LIMIT 500"})
    assert exactly.status_code == 200 and "ZoneGraph-Truncated" not in exactly.headers
    assert len(exactly.get_json()["results"]["bindings"]) == 500


def test_request_size_cap_is_413(client: FlaskClient) -> None:
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000
    assert_error(
        client.post("/sparql", data=long_query, content_type="application/sparql-query"), 413
    )
    assert_error(client.post("/sparql", data={"query": long_query}), 413)
    assert_error(client.get("/sparql", query_string={"query": long_query}), 413)


# --- errors -----------------------------------------------------------------------------------


def test_malformed_query_is_400_with_line_and_column(client: FlaskClient) -> None:
    message = assert_error(
        client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p \n"}), 400
    )
    assert "line 3" in message and "column" in message
    assert_error(client.get("/sparql", query_string={"query": "SELEKT ?x"}), 400, "line 1")


def test_two_queries_are_400(client: FlaskClient) -> None:
    assert_error(client.get("/sparql?query=ASK{}&query=ASK{}"), 400, "one query")
    assert_error(client.post("/sparql", data={"query": ["ASK {}", "ASK {}"]}), 400, "one query")
    assert_error(client.post("/sparql?query=ASK{}", data={"query": "ASK {}"}), 400, "one query")
    assert_error(
        client.post("/sparql?query=ASK{}", data="ASK {}", content_type="application/sparql-query"),
        400,
        "one query",
    )


def test_wrong_method_and_content_type(client: FlaskClient) -> None:
    for method in ("put", "delete", "patch"):
        assert_error(getattr(client, method)("/sparql", data="ASK {}"), 405)
    assert_error(client.post("/sparql", data="ASK {}", content_type="text/plain"), 415)
    assert_error(client.post("/sparql", data="ASK {}"), 415)
    assert_error(
        client.post("/sparql", data="INSERT DATA {}", content_type="application/sparql-update"), 415
    )
    assert_error(client.post("/sparql", data={"update": "INSERT DATA {}"}), 400, "/update")
    assert_error(client.get("/sparql", query_string={"update": "INSERT DATA {}"}), 400, "/update")
    assert_error(client.post("/sparql", data={"format": "json"}), 400, "missing")
    assert_error(client.get("/sparql", query_string={"query": "  "}), 400, "empty")


@pytest.mark.parametrize(
    ("query", "extra"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", {}),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"default-graph-uri": "not an iri"}),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"named-graph-uri": "<>"}),
        ("SELECT * WHERE { ?s ?p ?o \x00 }", {}),
        ("SELECT * WHERE { FILTER(1/0) }", {}),
        ("SELECT * WHERE { BIND(<" + "a" * 5000 + "> AS ?x) }", {}),
        ("SELECT ?x WHERE { VALUES ?x { 1 } } GROUP BY ?y", {}),
        ("PREFIX : <http://x/> SELECT * { :a :b ?c } LIMIT 99999999999999999999999", {}),
        ("\ufeffSELECT * WHERE { ?s ?p '中文' }", {}),
        ("", {"format": "\x00"}),
    ],
)
def test_user_input_never_gives_500(client: FlaskClient, query: str, extra: dict[str, str]) -> None:
    resp = client.get("/sparql", query_string={"query": query or "ASK {}", **extra})
    assert resp.status_code < 500, resp.get_data(as_text=True)
    if resp.status_code >= 400:
        assert_error(resp, resp.status_code)


def test_invalid_utf8_body_is_400(client: FlaskClient) -> None:
    resp = client.post(
        "/sparql", data=b"SELECT * { ?s ?p '\xff' }", content_type="application/sparql-query"
    )
    assert_error(resp, 400, "UTF-8")


# --- Service Description, VoID, CORS ---------------------------------------------------------


def test_service_description(client: FlaskClient, app: Flask) -> None:
    resp = client.get("/sparql")
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    g = Graph().parse(data=resp.data, format="turtle")
    service = URIRef("http://localhost/sparql")
    assert (service, RDF.type, SD.Service) in g
    assert (service, SD.endpoint, service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in g
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    formats = "http://www.w3.org/ns/formats/"
    advertised = {str(o).removeprefix(formats) for o in g.objects(service, SD.resultFormat)}
    assert advertised == {
        *(f"SPARQL_Results_{x}" for x in ("JSON", "XML", "CSV", "TSV")),
        *("Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG"),
    }
    dataset = g.value(service, SD.defaultDataset)
    names = {g.value(ng, SD.name) for ng in g.objects(dataset, SD.namedGraph)}
    assert names == {URIRef(n) for n in backend_of(app).named_graphs()}
    as_jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert as_jsonld.mimetype == "application/ld+json"
    assert isomorphic(Graph().parse(data=as_jsonld.data, format="json-ld"), g)


def test_void(client: FlaskClient, data_dir: Path) -> None:
    resp = client.get("/.well-known/void")
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    g = Graph().parse(data=resp.data, format="turtle")
    dataset = g.value(predicate=RDF.type, object=VOID.Dataset, any=True)
    datasets = [
        d for d in g.subjects(RDF.type, VOID.Dataset) if (d, VOID.sparqlEndpoint, None) in g
    ]
    assert len(datasets) == 1 and dataset is not None
    (d,) = datasets
    total = count(client.get("/sparql", query_string={"query": COUNT_ALL}).data)
    assert g.value(d, VOID.triples) == Literal(total)
    assert g.value(d, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")
    dumps = {str(o) for o in g.objects(d, VOID.dataDump)}
    assert "http://localhost/dumps/zonegraph.ttl" in dumps
    partitions = list(g.objects(d, VOID.classPartition))
    assert int(g.value(d, VOID.classes)) == len(partitions) > 5  # type: ignore[arg-type]
    province = [
        p
        for p in partitions
        if g.value(p, VOID["class"]) == URIRef("https://w3id.org/zonegraph/ontology#Province")
    ]
    assert g.value(province[0], VOID.entities) == Literal(31)
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=jsonld.data, format="json-ld"), g)
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


def test_cors(client: FlaskClient) -> None:
    resp = client.get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "ZoneGraph-Rows" in resp.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "content-type"
    assert "Access-Control-Allow-Origin" not in client.get("/sparql?query=ASK{}").headers
    error = client.get(
        "/sparql", query_string={"query": "nope"}, headers={"Origin": "https://x.org"}
    )
    assert error.status_code == 400 and error.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_with_a_list_of_origins(data_dir: Path) -> None:
    with make_app(
        data_dir, cors_origins="https://a.example, https://b.example", query_workers=1
    ) as app:
        client = app.test_client()
        ok = client.get("/sparql?query=ASK{}", headers={"Origin": "https://b.example"})
        assert ok.headers["Access-Control-Allow-Origin"] == "https://b.example"
        assert "Origin" in ok.headers["Vary"]
        other = client.get("/sparql?query=ASK{}", headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in other.headers


def test_unknown_setting_is_refused(data_dir: Path) -> None:
    from service.config import StartupError

    with pytest.raises(StartupError, match="ZONEGRAPH_QUERY_TIMOUT"):
        with make_app(data_dir, query_timout=3):
            pass


def test_browser_opening_the_endpoint_gets_the_editor(client: FlaskClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    resp = client.get("/sparql", headers={"Accept": browser})
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("/query")
    plain = client.get("/sparql", headers={"Accept": "*/*"})
    assert plain.status_code == 200 and "turtle" in plain.content_type
