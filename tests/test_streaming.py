"""Large results are complete and streamed; small ones keep Content-Length (issue 10).

On a generated dataset of about 200 k triples, served by `zonegraph serve` on loopback:
real clients (SPARQLWrapper, rdflib's SPARQLStore, http.client) get every row of
`SELECT * { ?s ?p ?o }` and every triple of `CONSTRUCT WHERE { ?s ?p ?o }`, sent chunked;
a client that leaves early frees its worker; an operator's row cap is still a 400; a
client that reads slowly still gets it all, while the time limit still stops a worker whose
writing outlasts it, which the client then sees as broken, not as a shorter complete one; and
the serving process's peak memory grows by far less than the body it sent.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.helpers_server import (
    ZONEGRAPH,
    Server,
    make_app,
    serving_pids,
    status_kb,
    wait_for,
)

ALL = "SELECT * WHERE { ?s ?p ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
DISTINCT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TSV = "text/tab-separated-values"


def _zonegraph(*args: str) -> None:
    done = subprocess.run([str(ZONEGRAPH), *args], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def big_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published release of a generated dataset (validation is another test's job)."""
    root = tmp_path_factory.mktemp("stream")
    data = root / "generated.nq"
    _zonegraph("generate", "--triples", "200000", "--seed", "7", "-o", str(data))
    _zonegraph("--data-dir", str(root / "d"), "build", "--skip-validation", "--nquads", str(data))
    return root / "d"


@pytest.fixture(scope="module")
def server(big_dir: Path) -> Iterator[Server]:
    srv = Server(big_dir, {"ZONEGRAPH_QUERY_WORKERS": 2, "ZONEGRAPH_QUERY_TIMEOUT": 60})
    try:
        yield srv
    finally:
        srv.stop()


def _post(
    srv: Server, query: str, accept: str = TSV
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=120)
    body = urllib.parse.urlencode({"query": query})
    conn.request("POST", "/sparql", body, {**FORM, "Accept": accept})
    return conn, conn.getresponse()


def _count(srv: Server, query: str = COUNT) -> int:
    conn, resp = _post(srv, query, "application/sparql-results+json")
    try:
        assert resp.status == 200
        value = json.loads(resp.read())["results"]["bindings"][0]["n"]["value"]
    finally:
        conn.close()
    return int(value)


def test_a_large_select_is_chunked_and_complete(server: Server) -> None:
    total = _count(server)
    assert total > 150_000
    conn, resp = _post(server, ALL)
    try:
        assert resp.status == 200
        assert resp.getheader("Transfer-Encoding") == "chunked"
        assert resp.getheader("Content-Length") is None
        body = resp.read()  # http.client raises IncompleteRead without the last chunk
    finally:
        conn.close()
    assert len(body) > 1 << 20
    assert body.count(b"\n") == total + 1  # the header line, then one line per solution


def test_a_small_result_keeps_content_length(server: Server) -> None:
    conn, resp = _post(server, ALL.replace("}", "} LIMIT 10"))
    try:
        body = resp.read()
        assert resp.status == 200
        assert resp.getheader("Transfer-Encoding") is None
        assert resp.getheader("Content-Length") == str(len(body))
    finally:
        conn.close()
    assert body.count(b"\n") == 11


def test_sparqlwrapper_gets_every_row(server: Server) -> None:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(ALL)
    client.setMethod("POST")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index, call-overload]
    assert len(rows) == _count(server)


def test_rdflib_sparqlstore_gets_every_triple(server: Server) -> None:
    store = SPARQLStore(server.url + "/sparql", method="POST_FORM")
    result = Graph(store=store).query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert result.graph is not None
    assert len(result.graph) == _count(server, DISTINCT)


def test_the_server_never_holds_the_whole_body(server: Server) -> None:
    """The peak resident memory of each serving process (VmHWM, reset first through
    /proc/PID/clear_refs) grows by less than a quarter of the body it sent: holding the
    body once, as the server did before, would grow it by the whole body and more."""
    pids = serving_pids(server.proc.pid)
    _count(server)  # the shape is known and the worker warm before measuring
    before = {}
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
        before[pid] = status_kb(pid, "VmHWM")
    conn, resp = _post(server, ALL, "application/sparql-results+json")
    try:
        assert resp.getheader("Transfer-Encoding") == "chunked"
        size = 0
        while chunk := resp.read(1 << 16):
            size += len(chunk)
    finally:
        conn.close()
    assert size > 20 << 20
    growth = {pid: status_kb(pid, "VmHWM") - before[pid] for pid in pids}
    assert max(growth.values()) * 1024 < size / 4, (growth, size)


def _health(srv: Server) -> str:
    with urllib.request.urlopen(srv.url + "/healthz", timeout=30) as resp:
        detail: str = json.loads(resp.read())["detail"]
    return detail


def test_a_client_that_leaves_early_frees_its_worker(server: Server) -> None:
    """The worker was mid-result: it is replaced, its heavy slot given back, and the pool is
    whole again for the next large answer."""
    for _ in range(3):  # more than the pool's two workers
        conn, resp = _post(server, ALL)
        assert resp.status == 200
        resp.read(1 << 16)
        conn.close()
        wait_for(
            lambda: _health(server).startswith("2 of 2 query workers ready, 0 busy, 0 on long"),
            "the pool to be whole again",
        )
    conn, resp = _post(server, ALL)
    try:
        assert resp.read().count(b"\n") == _count(server) + 1
    finally:
        conn.close()


def test_a_row_cap_is_a_400_and_a_result_under_it_is_whole(big_dir: Path) -> None:
    srv = Server(
        big_dir,
        {
            "ZONEGRAPH_QUERY_WORKERS": 2,
            "ZONEGRAPH_QUERY_TIMEOUT": 60,
            "ZONEGRAPH_MAX_RESULT_ROWS": 60_000,
        },
    )
    try:
        conn, resp = _post(srv, ALL)
        body = resp.read()
        conn.close()
        assert resp.status == 400
        assert b"60000 rows" in body and b"ZONEGRAPH_MAX_RESULT_ROWS" in body
        conn, resp = _post(
            srv, ALL.replace("}", "} LIMIT 50000"), "application/sparql-results+json"
        )
        try:
            assert resp.status == 200
            assert resp.getheader("Transfer-Encoding") == "chunked"
            rows = json.loads(resp.read())["results"]["bindings"]
        finally:
            conn.close()
        assert len(rows) == 50_000
    finally:
        srv.stop()


def test_a_slow_reader_gets_it_all_and_the_time_limit_still_stops_a_worker(
    big_dir: Path,
) -> None:
    """The time limit bounds the worker's writing, not the client's reading: a client that
    stops reading for twice the limit still gets every row, and the worker was given back
    meanwhile. A result whose writing outlasts the limit (a cross join) is cut without its
    last chunk, so the client cannot take it for a whole answer, and the pool gets a fresh
    worker (the old one was mid-result)."""
    limit = 4  # writing all 200 k rows must fit in it, with the machine loaded
    srv = Server(
        big_dir,
        {
            "ZONEGRAPH_QUERY_WORKERS": 2,
            "ZONEGRAPH_QUERY_TIMEOUT": limit,
            "ZONEGRAPH_WORKER_STORE": "disk",  # no warm-up swap: the same speed throughout
        },
    )
    try:
        total = _count(srv)
        conn, resp = _post(srv, ALL)
        try:
            assert resp.status == 200
            assert resp.getheader("Transfer-Encoding") == "chunked"
            first = resp.read(1 << 16)
            time.sleep(2 * limit)  # past the limit: the worker has written it all by now
            assert ", 0 busy, 0 on long" in _health(srv)
            rest = resp.read()
        finally:
            conn.close()
        assert (first + rest).count(b"\n") == total + 1
        conn, resp = _post(srv, "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c }")
        try:
            assert resp.status == 200
            with pytest.raises(http.client.IncompleteRead):
                while resp.read(1 << 20):
                    pass
        finally:
            conn.close()
        assert _count(srv) == total  # and the next query is answered
    finally:
        srv.stop()


@pytest.mark.parametrize("fast_path", ["on", "off"])  # the lean WSGI path, or Flask's view
def test_streamed_answers_bypass_the_cache_and_small_ones_fill_it(
    big_dir: Path, fast_path: str
) -> None:
    with make_app(big_dir, query_workers=2, query_timeout=60, fast_path=fast_path) as app:
        cache = app.extensions["zonegraph-response-cache"]
        client = app.test_client()
        big = client.post("/sparql", data={"query": ALL}, headers={"Accept": TSV})
        assert big.status_code == 200
        assert big.is_streamed and "Content-Length" not in big.headers
        assert big.get_data().count(b"\n") > 150_000
        assert len(cache.entries) == 0
        # A shape the pool streamed is never taken for cheap (graph.store.inprocess), so it is
        # streamed again, not evaluated whole in the serving process.
        again = client.post("/sparql", data={"query": ALL + "\n# again"}, headers={"Accept": TSV})
        assert again.is_streamed and again.get_data().count(b"\n") == big.get_data().count(b"\n")
        small = {"query": ALL.replace("}", "} LIMIT 5")}
        first = client.post("/sparql", data=small, headers={"Accept": TSV})
        assert first.headers["Content-Length"] == str(len(first.get_data()))
        hits = cache.hits
        again = client.post("/sparql", data=small, headers={"Accept": TSV})
        assert again.get_data() == first.get_data()
        assert cache.hits == hits + 1
