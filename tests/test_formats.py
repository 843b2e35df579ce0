"""One formats table: the CLI, /sparql, pages, dumps, the Service Description and VoID agree.

The table (graph.formats) is checked against pyoxigraph, whose media types and extensions it
is built on; then each consumer is driven for real — `zonegraph` through click's runner on a
published data directory, the service through Flask's client on a real worker pool — and the
two must accept exactly the same format names, aliases and media types, with the same output.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import VOID

from graph import formats
from graph.cli import cli
from graph.formats import Kind
from graph.namespaces import BASE
from tests.conftest import MINI
from tests.helpers_server import make_app

BIO_ISLAND = "/id/park/guangzhou-international-bio-island"
BIO_ISLAND_IRI = BASE + BIO_ISLAND.lstrip("/")
SELECT = "SELECT ?s ?l WHERE { ?s a zg:Province ; rdfs:label ?l } ORDER BY ?s ?l LIMIT 4"
ASK = "ASK { ?s a zg:Province }"
CONSTRUCT = (
    "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a zg:Province ; rdfs:label ?l } "
    "ORDER BY ?s ?l LIMIT 6"
)
QUERIES: dict[str, tuple[Kind, str]] = {
    "select": ("solutions", SELECT),
    "ask": ("boolean", ASK),
    "construct": ("graph", CONSTRUCT),
}
#: Spellings clients send that are not all canonical (SPARQLWrapper: rdf+xml, n3, json-ld;
#: Virtuoso/Fuseki users: upper case), and values no row knows.
CLIENT_SPELLINGS = ["rdf+xml", "n3", "nt", "json-ld", "RDFXML", "Turtle", "text/n3"]
UNKNOWN = ["yaml", "html", "text/html", "image/png", "table"]
NOTHING_ACCEPTABLE = {"Accept": "*/*;q=0"}


@pytest.fixture(scope="module")
def app(data_dir: Path) -> Iterator[Flask]:
    with make_app(data_dir) as app:
        yield app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def mini_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made mini network published as a release (the network views of the whole
    dataset take a minute to prepare; the format names are what is tested here)."""
    from graph.namespaces import DATA_GRAPH
    from graph.store.release import publish

    dataset = Dataset()
    dataset.graph(URIRef(str(DATA_GRAPH))).parse(MINI)
    data_dir = tmp_path_factory.mktemp("mini-data")
    publish(dataset, data_dir, {"built": "test"})
    return data_dir


def run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])


# --- the table itself --------------------------------------------------------------------------


def test_names_and_media_types_are_unique_within_a_kind() -> None:
    for kind in formats.KINDS:
        rows = formats.of_kind(kind)
        spellings = [n for f in rows for n in f.names]
        assert len(spellings) == len(set(spellings)), kind
        if kind != "network":  # network rows answer to names only (nodes and edges are CSV)
            media = [m for f in rows for m in f.media_types]
            assert len(media) == len(set(media)), kind
    for f in formats.FORMATS:
        assert f.extension in f.names, f"--format {f.extension} must work: {f.name}"
        assert f.media_type == formats.bare(f.media_type)
        assert all(n == n.lower() for n in f.names)


def test_rows_agree_with_pyoxigraph() -> None:
    for f in formats.of_kind("graph"):
        assert f.rdf is not None and f.results is None
        assert ox.RdfFormat.from_extension(f.extension) == f.rdf
        assert f.quads == f.rdf.supports_datasets
        for media_type in f.media_types:  # pyoxigraph maps every alias it knows the same way
            theirs = ox.RdfFormat.from_media_type(media_type)
            if f.rdf == ox.RdfFormat.TURTLE and theirs == ox.RdfFormat.N3:
                continue  # deliberate: N3 is answered with Turtle (see the dumps test)
            assert theirs in (f.rdf, None), media_type
        assert ox.RdfFormat.from_media_type(f.media_type) == f.rdf
    for f in formats.of_kind("solutions"):
        assert f.results is not None and f.rdf is None
        for media_type in f.media_types:
            assert ox.QueryResultsFormat.from_media_type(media_type) in (f.results, None)
        assert ox.QueryResultsFormat.from_extension(f.extension) == f.results
    for f in formats.of_kind("solutions", "graph"):
        assert f.iri is not None and f.iri.startswith(formats.W3C_FORMATS), f.name


def test_rdflib_writes_what_the_rows_say(union_graph: Graph) -> None:
    sample = Graph()
    for triple in union_graph.triples((URIRef(BIO_ISLAND_IRI), None, None)):
        sample.add(triple)
    assert len(sample) > 5
    for f in formats.rdflib_graph_formats():
        assert f.rdflib is not None
        data = sample.serialize(format=f.rdflib, encoding="utf-8")
        assert f.rdf is not None
        back = Graph().parse(data=data, format=f.rdflib)
        assert isomorphic(back, sample), f.name
        assert len(list(ox.parse(data, format=f.rdf))) == len(sample), f.name


def test_unknown_values_are_refused_with_the_choices() -> None:
    with pytest.raises(formats.FormatError, match="choose one of turtle, nt"):
        formats.require("yaml", "graph")
    assert formats.find("nodes-csv", "network") == formats.get("nodes.csv")
    assert formats.find("text/csv", "network") is None  # nodes or edges? names only
    assert formats.find("json", "solutions") == formats.get("json")
    assert formats.find("json", "graph") == formats.get("jsonld")
    assert formats.find("Application/RDF+XML; charset=utf-8", "graph") == formats.get("rdfxml")


# --- the CLI and HTTP accept the same names ----------------------------------------------------


def candidates() -> list[str]:
    every = formats.names() + [m for f in formats.FORMATS for m in f.media_types]
    return list(dict.fromkeys(every + CLIENT_SPELLINGS + UNKNOWN))


def parsed(body: bytes, fmt: formats.Format, kind: Kind) -> object:
    """A result as comparable values: solutions in order, a boolean, or a set of triples."""
    if kind == "graph":
        assert fmt.rdf is not None
        return {(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt.rdf)}
    assert fmt.results is not None
    if fmt.results == ox.QueryResultsFormat.CSV:
        return body  # lossy: Oxigraph does not read it back; the bytes are deterministic
    results = ox.parse_query_results(body, format=fmt.results)
    if isinstance(results, ox.QueryBoolean):
        return bool(results)
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    return [tuple(s[n] for n in names) for s in results]


@pytest.mark.parametrize("query", list(QUERIES))
def test_cli_and_http_accept_the_same_format_names(
    data_dir: Path, client: FlaskClient, query: str
) -> None:
    """For each value: `zonegraph query --format V` succeeds exactly when /sparql?format=V
    answers (with an Accept that allows nothing, so an ignored value gives 406), and the two
    outputs hold the same result in the format HTTP declares."""
    kind, text = QUERIES[query]
    accepted = []
    for value in candidates():
        if value == "table":  # the CLI's terminal table is not a data format
            continue
        result = run(data_dir, "query", "--format", value, text)
        resp = client.get(
            "/sparql", query_string={"query": text, "format": value}, headers=NOTHING_ACCEPTABLE
        )
        assert (result.exit_code == 0) == (resp.status_code == 200), (value, result.output)
        if result.exit_code != 0:
            assert result.exit_code == 2 and "Traceback" not in result.output, value
            assert resp.status_code == 406, value
            continue
        accepted.append(value)
        fmt = formats.find(resp.mimetype, kind)
        assert fmt is not None and fmt == formats.find(value, kind), value
        assert parsed(result.stdout_bytes, fmt, kind) == parsed(resp.data, fmt, kind), value
    expected = formats.names(kind) + [m for f in formats.of_kind(kind) for m in f.media_types]
    assert set(expected) <= set(accepted)
    assert not set(UNKNOWN) & set(accepted)


def test_query_as_jsonld_and_ttl(data_dir: Path) -> None:
    jsonld = run(data_dir, "query", "--format", "jsonld", CONSTRUCT)
    ttl = run(data_dir, "query", "--format", "ttl", CONSTRUCT)
    assert jsonld.exit_code == 0 and ttl.exit_code == 0, jsonld.output + ttl.output
    from_jsonld = Graph().parse(data=jsonld.stdout_bytes, format="json-ld")
    from_ttl = Graph().parse(data=ttl.stdout_bytes, format="turtle")
    assert len(from_ttl) == 6 and isomorphic(from_jsonld, from_ttl)
    assert ttl.stdout.startswith("@prefix")  # the project's prefixes, as the dumps have them
    wrong = run(data_dir, "query", "--format", "ttl", SELECT)
    assert wrong.exit_code == 2 and "CONSTRUCT" in wrong.output and "json" in wrong.output


def test_export_and_analyze_export_share_network_names(
    mini_data_dir: Path, data_dir: Path, tmp_path: Path
) -> None:
    by_suffix = run(mini_data_dir, "export", "--format", "nodes.csv")
    by_alias = run(mini_data_dir, "analyze", "export", "--format", "nodes-csv")
    assert by_suffix.exit_code == 0 and by_alias.exit_code == 0, by_suffix.output
    assert by_suffix.stdout_bytes.startswith(b"Id,Label,")
    assert by_suffix.stdout_bytes == by_alias.stdout_bytes
    assert "广州国际生物岛" in by_suffix.stdout
    edges = run(mini_data_dir, "export", "--format", "edges-csv", "-o", str(tmp_path / "e"))
    assert edges.exit_code == 0 and (tmp_path / "e").read_bytes().startswith(b"Source,Target")
    ttl = run(data_dir, "export", "--format", "ttl", "--graph", "ontology")
    assert ttl.exit_code == 0 and len(Graph().parse(data=ttl.stdout_bytes, format="turtle")) > 100
    bad = run(mini_data_dir, "analyze", "export", "--format", "csv")
    assert bad.exit_code == 2 and "nodes.csv" in bad.output and "Traceback" not in bad.output


# --- pages, dumps, VoID ------------------------------------------------------------------------


def test_text_plain_is_ntriples_on_pages_and_sparql(client: FlaskClient) -> None:
    """rdflib's Graph().parse(url, format="nt") sends this Accept."""
    rdflib_nt = {"Accept": "text/plain, */*;q=0.1"}
    reference = Graph().parse(data=client.get(BIO_ISLAND + ".nt").data, format="nt")
    for path in (BIO_ISLAND, "/ontology/Park", "/ontology", "/dataset", "/.well-known/void"):
        resp = client.get(path, headers=rdflib_nt)
        assert resp.status_code == 200 and resp.mimetype == "application/n-triples", path
        g = Graph().parse(data=resp.data, format="nt")
        assert len(g) > 0, path
        if path == BIO_ISLAND:
            assert isomorphic(g, reference)
    construct = f"CONSTRUCT WHERE {{ <{BIO_ISLAND_IRI}> ?p ?o }}"
    resp = client.get("/sparql", query_string={"query": construct}, headers=rdflib_nt)
    assert resp.status_code == 200 and resp.mimetype == "application/n-triples"


def test_page_extensions_come_from_the_table(client: FlaskClient) -> None:
    for f in formats.rdflib_graph_formats():
        resp = client.get(f"{BIO_ISLAND}.{f.extension}")
        assert resp.status_code == 200 and resp.mimetype == f.media_type, f.name
        assert f'type="{f.media_type}"' in resp.headers["Link"]
    page = client.get(BIO_ISLAND, headers={"Accept": "text/html"}).text
    for f in formats.rdflib_graph_formats():
        assert f'type="{f.media_type}" href="{BIO_ISLAND}.{f.extension}"' in page
    # Extensions of formats rdflib cannot write for a page, and spellings that are not a
    # row's extension, answer as any unknown suffix does (an entity's 404 suggests similar
    # names, which takes seconds for a long one: the real entity is asked once).
    json = {"Accept": "application/json"}
    for route in ("/id/park/x", "/ontology"):
        unknown = client.get(f"{route}.bogus", headers=json)
        assert unknown.status_code == 404
        asked = [f"{route}.{ext}" for ext in ("nq", "trig", "n3", "xml")]
        for path in asked + ([f"{BIO_ISLAND}.nq"] if route != "/ontology" else []):
            resp = client.get(path, headers=json)
            assert (resp.status_code, resp.mimetype) == (404, unknown.mimetype), path
            assert resp.json is not None and resp.json["status"] == 404


def test_dumps_and_void_come_from_the_table(client: FlaskClient) -> None:
    listing = client.get("/dumps.json").json
    assert listing is not None
    dumps = {d["format"]: d for d in listing["dumps"]}
    assert set(dumps) == {f.name for f in formats.of_kind("graph")}
    for name, item in dumps.items():
        fmt = formats.by_extension(item["filename"].removeprefix("zonegraph."))
        assert fmt is not None and fmt.name == name and fmt.media_type == item["media_type"]
        assert item["quads"] == fmt.quads
    void = Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    advertised = {str(o).rsplit("/", 1)[-1] for o in void.objects(None, VOID.dataDump)}
    assert advertised == {d["filename"] for d in dumps.values()}
    turtle = client.get(dumps["turtle"]["url"])
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    # Turtle is given to clients that ask for N3 only because Oxigraph's N3 parser reads it
    # as the same triples (the reason n3 is an alias of turtle in the table).
    as_turtle = set(ox.parse(turtle.data, format=ox.RdfFormat.TURTLE))
    as_n3 = set(ox.parse(turtle.data, format=ox.RdfFormat.N3))
    assert len(as_turtle) == dumps["turtle"]["triples"] and as_n3 == as_turtle
    assert client.get("/dumps.json").json == listing
