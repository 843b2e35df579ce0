"""A real server: `zonegraph serve` (granian) on a free port, queried by independent clients.

SPARQLWrapper and rdflib's SPARQLStore speak the protocol their own way; their answers are
checked against `zonegraph query` on the same data directory.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, N3, RDFXML, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from tests.helpers_server import (
    RUNAWAY,
    ZONEGRAPH,
    Server,
    pid_alive,
    query_workers,
    serving_pids,
    wait_for,
)

pytestmark = pytest.mark.server

TOKEN = "server-test-token"
SELECT = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label WHERE { ?s a ?c ; rdfs:label ?label FILTER(lang(?label) = "zh") }
ORDER BY ?s ?label LIMIT 200"""
CONSTRUCT = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?s rdfs:label ?l } WHERE { GRAPH <https://w3id.org/zonegraph/graph/data> {
  ?s rdfs:label ?l } }"""


@pytest.fixture(scope="module")
def server(writable_dir: Path) -> Iterator[Server]:
    settings = {
        "ZONEGRAPH_QUERY_TIMEOUT": 3,
        "ZONEGRAPH_QUERY_WORKERS": 2,
        "ZONEGRAPH_UPDATE_TOKEN": TOKEN,
    }
    srv = Server(writable_dir, settings)
    yield srv
    srv.stop()


@functools.cache
def cli(data_dir: Path, query: str, fmt: str) -> bytes:
    """`zonegraph query` on the same data directory (each answer computed once)."""
    return subprocess.run(
        [str(ZONEGRAPH), "--data-dir", str(data_dir), "query", "--format", fmt, query],
        check=True,
        capture_output=True,
    ).stdout


def wrapper(server: Server, query: str, fmt: str) -> Any:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client.query().convert()


def test_sparqlwrapper_select_json_matches_cli(server: Server, data_dir: Path) -> None:
    ours = wrapper(server, SELECT, JSON)["results"]["bindings"]
    expected = json.loads(cli(data_dir, SELECT, "json"))["results"]["bindings"]
    assert len(expected) > 10
    assert ours == expected


def test_sparqlwrapper_csv_is_byte_identical_to_cli(server: Server, data_dir: Path) -> None:
    ours = wrapper(server, SELECT, CSV)
    assert ours == cli(data_dir, SELECT, "csv")


def test_sparqlwrapper_xml_and_ask(server: Server, data_dir: Path) -> None:
    document = wrapper(server, SELECT, XML)
    ns = "http://www.w3.org/2005/sparql-results#"
    results = document.getElementsByTagNameNS(ns, "result")
    expected = json.loads(cli(data_dir, SELECT, "json"))["results"]["bindings"]
    assert len(results) == len(expected)
    assert wrapper(server, "ASK { ?s a <https://w3id.org/zonegraph/ontology#Province> }", JSON)[
        "boolean"
    ]


def test_sparqlwrapper_construct_matches_cli(server: Server, data_dir: Path) -> None:
    turtle = wrapper(server, CONSTRUCT, TURTLE)
    ours = Graph().parse(data=turtle, format="turtle")
    expected = Graph().parse(data=cli(data_dir, CONSTRUCT, "nt"), format="nt")
    assert len(expected) > 10
    assert isomorphic(ours, expected)


def test_rdflib_sparqlstore_matches_cli(server: Server, data_dir: Path) -> None:
    store = SPARQLStore(server.url + "/sparql", returnFormat="json")
    rows = [(str(r[0]), str(r[1])) for r in store.query(SELECT)]  # type: ignore[index]
    expected = json.loads(cli(data_dir, SELECT, "json"))["results"]["bindings"]
    assert rows == [(b["s"]["value"], b["label"]["value"]) for b in expected]
    xml_store = SPARQLStore(server.url + "/sparql", returnFormat="xml")
    assert len(list(xml_store.query(SELECT))) == len(expected)
    graph = Graph()
    for triple in xml_store.query(CONSTRUCT):
        graph.add(triple)  # type: ignore[arg-type]
    assert isomorphic(graph, Graph().parse(data=cli(data_dir, CONSTRUCT, "nt"), format="nt"))


def test_malformed_query_reaches_the_client(server: Server) -> None:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery("SELECT * WHERE { ?s ?p }")
    client.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="line 1"):
        client.query()


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_runaway_query_does_not_stop_the_server(server: Server) -> None:
    outcome: dict[str, Any] = {}

    def runaway() -> None:
        outcome["result"] = get(
            server.url + "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
        )

    thread = threading.Thread(target=runaway)
    thread.start()
    answered = []
    for _ in range(3):
        status, body = get(server.url + "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
        answered.append((status, json.loads(body)["boolean"]))
    still_running = thread.is_alive()
    thread.join()
    assert answered == [(200, True)] * 3
    status, body = outcome["result"]
    assert status == 503
    assert "time limit" in json.loads(body)["error"]
    assert still_running  # the simple queries were answered while the runaway ran
    status, _ = get(server.url + "/healthz")
    assert status == 200


def test_update_over_http(server: Server) -> None:
    probe = "ASK { <urn:zg:server-test> <urn:zg:p> 1 }"
    update = "INSERT DATA { GRAPH <urn:zg:scratch> { <urn:zg:server-test> <urn:zg:p> 1 } }"
    refused = SPARQLWrapper(server.url + "/sparql", updateEndpoint=server.url + "/update")
    refused.setMethod("POST")
    refused.setQuery(update)
    with pytest.raises(Exception, match="401"):
        refused.query()
    assert not wrapper(server, probe, JSON)["boolean"]
    allowed = SPARQLWrapper(server.url + "/sparql", updateEndpoint=server.url + "/update")
    allowed.setMethod("POST")
    allowed.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    allowed.setQuery(update)
    allowed.query()
    assert all(wrapper(server, probe, JSON)["boolean"] for _ in range(4))


def test_stopping_the_server_stops_its_workers(data_dir: Path) -> None:
    srv = Server(data_dir, {"ZONEGRAPH_QUERY_WORKERS": 2})
    workers = query_workers(srv.proc.pid)
    assert len(workers) == 2 and all(pid_alive(p) for p in workers)
    srv.stop()
    assert srv.proc.returncode == 0
    # Each worker sees its pipe close as the serving process ends, and exits.
    wait_for(lambda: not any(pid_alive(p) for p in workers), "the query workers to exit", 5)


def test_the_serving_process_keeps_one_cpu_and_its_workers_every_cpu(data_dir: Path) -> None:
    """`zonegraph serve` pins its one serving process (every thread) to one CPU; the query
    workers it starts take back every CPU the server was given (affinity is inherited)."""
    given = os.sched_getaffinity(0)
    if len(given) < 2:
        pytest.skip("one CPU: nothing to pin")
    srv = Server(data_dir, {"ZONEGRAPH_QUERY_WORKERS": 2})
    try:
        workers = query_workers(srv.proc.pid)
        serving = [p for p in serving_pids(srv.proc.pid) if p != srv.proc.pid]
        assert len(workers) == 2 and len(serving) == 1
        threads = [int(t) for t in os.listdir(f"/proc/{serving[0]}/task")]
        assert {frozenset(os.sched_getaffinity(t)) for t in threads} == {
            frozenset(os.sched_getaffinity(serving[0]))
        }
        assert len(os.sched_getaffinity(serving[0])) == 1
        assert all(os.sched_getaffinity(w) == given for w in workers)
        status, _ = get(srv.url + "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
        assert status == 200
    finally:
        srv.stop()


def test_rdflib_update_store_named_graph_workflow(server: Server) -> None:
    """rdflib's SPARQLUpdateStore creates and drops named graphs with CREATE/DROP GRAPH; asking
    for a graph that exists, or dropping one that does not, is the client's mistake: 400 with
    Oxigraph's message, and the SILENT forms succeed."""
    from rdflib import Dataset, Literal, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

    store = SPARQLUpdateStore(
        server.url + "/sparql",
        server.url + "/update",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    ds = Dataset(store=store)
    name = URIRef("urn:zg:rdflib-workflow")
    g = ds.graph(name)  # CREATE GRAPH <new>
    g.add((URIRef("urn:zg:w"), URIRef("urn:zg:p"), Literal("写入")))
    assert (URIRef("urn:zg:w"), URIRef("urn:zg:p"), Literal("写入")) in g
    with pytest.raises(urllib.error.HTTPError) as created:
        ds.graph(name)  # CREATE GRAPH <existing>
    assert created.value.code == 400
    assert "already exists" in json.loads(created.value.read())["error"]
    store.rollback()  # rdflib keeps a refused edit pending (and would resend it) until then
    ds.remove_graph(name)  # DROP GRAPH <existing>
    assert (URIRef("urn:zg:w"), None, None) not in ds
    with pytest.raises(urllib.error.HTTPError) as dropped:
        ds.remove_graph(name)  # DROP GRAPH <missing>
    assert dropped.value.code == 400
    assert "does not exist" in json.loads(dropped.value.read())["error"]
    store.rollback()
    for silent in (
        f"CREATE SILENT GRAPH <{name}>",
        f"CREATE SILENT GRAPH <{name}>",
        f"DROP SILENT GRAPH <{name}>",
        f"DROP SILENT GRAPH <{name}>",
    ):
        store.update(silent)


DESCRIBE = "DESCRIBE <https://w3id.org/zonegraph/id/park/guangzhou-international-bio-island>"


@pytest.mark.parametrize("fmt", [RDFXML, N3])
def test_sparqlwrapper_construct_and_describe_in_rdfxml_and_n3(
    server: Server, data_dir: Path, fmt: str
) -> None:
    """SPARQLWrapper sends `format=rdf+xml` / `format=n3` beside its Accept header (issue 10:
    both got 406); the graph it gets is the one `zonegraph query` gives."""
    for query in (CONSTRUCT, DESCRIBE):
        result = wrapper(server, query, fmt)
        if isinstance(result, Graph):  # RDF/XML: SPARQLWrapper parses it itself
            ours = result
        else:  # N3: the bytes, which are Turtle (a subset of N3)
            ours = Graph().parse(data=result, format="n3")
        expected = Graph().parse(data=cli(data_dir, query, "nt"), format="nt")
        assert len(expected) > 5
        assert isomorphic(ours, expected), (fmt, query)


def test_rdflib_parses_an_entity_page_as_ntriples(server: Server) -> None:
    """rdflib sends `Accept: text/plain, */*;q=0.1` for format="nt": the page's N-Triples."""
    page = server.url + "/id/park/guangzhou-international-bio-island"
    ours = Graph().parse(page, format="nt")
    status, body = get(page + ".nt")
    assert status == 200
    expected = Graph().parse(data=body, format="nt")
    assert len(expected) > 5 and isomorphic(ours, expected)


def test_results_are_complete_by_default(server: Server) -> None:
    """Issue 10: 10,000 of 45,243 rows, silently. SPARQLWrapper's SELECT and rdflib's
    SPARQLStore CONSTRUCT now get every row and every triple."""
    counted = wrapper(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON)
    total = int(counted["results"]["bindings"][0]["n"]["value"])
    rows = wrapper(server, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", JSON)["results"]["bindings"]
    assert total > 40_000 and len(rows) == total
    distinct = wrapper(
        server, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }", JSON
    )
    triples = int(distinct["results"]["bindings"][0]["n"]["value"])
    store = SPARQLStore(server.url + "/sparql", returnFormat="xml")
    graph = store.query("CONSTRUCT WHERE { ?s ?p ?o }").graph
    assert graph is not None and len(graph) == triples
    assert sum(1 for _ in graph) == triples
