"""The fast path (service/fast.py, graph/store/inprocess.py) answers exactly like Flask and the
worker pool: same bodies and headers for every competency query in every format, same
errors; and its in-process evaluation keeps the wall, sees updates, and gives up on overruns."""

from __future__ import annotations

import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask

from graph import formats
from graph.errors import ServiceBusy
from graph.namespaces import PREFIXES
from graph.store.inprocess import LocalEvaluator, normalised
from graph.store.safety import query_form, result_kind
from tests.competency_runner import questions
from tests.helpers_server import Server, backend_of, children, make_app, pid_alive, wait_for

HEADERS = ("Content-Type", "Vary", "ZoneGraph-Rows", "Access-Control-Allow-Origin")
TOKEN = "fast-path-token"


@pytest.fixture(scope="module")
def apps(data_dir: Path) -> Iterator[tuple[Flask, Flask]]:
    """(fast path on, fast path off), both without the response cache, so each request is
    evaluated."""
    common: dict[str, Any] = {"response_cache_bytes": 0, "query_workers": 2}
    with make_app(data_dir, fast_path="on", **common) as fast:
        with make_app(data_dir, fast_path="off", **common) as plain:
            yield fast, plain


def answer(app: Flask, method: str, query: str, accept: str, **extra: str) -> Any:
    client = app.test_client()
    headers = {"Accept": accept, "Origin": "https://example.org"}
    if method == "GET":
        return client.get("/sparql", query_string={"query": query, **extra}, headers=headers)
    if method == "POST-query":
        return client.post(
            "/sparql",
            data=query.encode(),
            headers={**headers, "Content-Type": "application/sparql-query"},
        )
    return client.post("/sparql", data={"query": query, **extra}, headers=headers)


def canonical(body: bytes, media_type: str) -> Counter[str]:
    """A result as a multiset of rows (or triples, blank nodes blanked): for queries that do
    not order their rows, which copies of the data (disk or memory) may list differently."""
    fmt = formats.find(media_type, "solutions", "graph")
    assert fmt is not None
    if fmt.results == ox.QueryResultsFormat.CSV:  # lossy, so not parsed back: its lines
        return Counter(body.decode().split("\r\n"))
    if fmt.results is not None:
        results = ox.parse_query_results(body, format=fmt.results)
        if isinstance(results, ox.QueryBoolean):
            return Counter([str(bool(results))])
        names = [v.value for v in results.variables]
        return Counter(repr([str(s[n]) for n in names]) for s in results)
    assert fmt.rdf is not None
    blank = re.compile(r"_:\S+")
    return Counter(blank.sub("_", str(q)) for q in ox.parse(body, format=fmt.rdf))


def same(fast: Any, plain: Any, ordered: bool = True) -> None:
    assert fast.status_code == plain.status_code
    if ordered or fast.status_code != 200:
        assert fast.data == plain.data
    else:
        assert canonical(fast.data, fast.mimetype) == canonical(plain.data, plain.mimetype)
    for name in HEADERS:
        assert fast.headers.get(name) == plain.headers.get(name), name


def test_every_competency_query_in_every_format_is_answered_alike(
    apps: tuple[Flask, Flask],
) -> None:
    fast, plain = apps
    local = backend_of(fast)._local
    assert local is not None and local.failed is None
    before, compared = local.evaluated, 0
    for question in questions():
        kind = result_kind(query_form(question.query)) or "solutions"
        for row in formats.of_kind("graph" if kind == "graph" else "solutions"):
            for method in ("POST", "GET", "POST-query"):
                # The first request of a shape goes to the pool; later ones may run here.
                text = f"{question.query}\n# {row.name} {method}"
                expected = answer(plain, method, text, row.media_type)
                got = answer(fast, method, text, row.media_type)
                same(got, expected, question.ordered)
                assert got.status_code == 200, (question.name, row.name, got.data[:200])
                compared += 1
    assert compared > 100
    assert local.evaluated > before  # in-process evaluation really answered some of them
    assert fast.extensions["zonegraph-fast-path"].answered >= compared


@pytest.mark.parametrize(
    ("method", "query", "extra"),
    [
        ("POST", "SELECT * WHERE { ?s ?p }", {}),  # syntax error: 400 with the parser's words
        ("GET", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", {"format": "csv"}),  # 406
        ("POST", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", {}),  # refused
        ("POST", "SELECT * WHERE { ?s ?p ?o }", {"update": "x"}),  # an update: Flask says no
        ("GET", "", {}),  # empty query: 400
        ("GET", "ASK { ?s ?p ?o }", {"lang": "en"}),  # not a plain query: through Flask
        ("POST-query", "ASK { ?s ?p ?o }", {}),
    ],
)
def test_errors_and_unusual_requests_are_answered_alike(
    apps: tuple[Flask, Flask], method: str, query: str, extra: dict[str, str]
) -> None:
    fast, plain = apps
    for accept in ("application/sparql-results+json", "text/html"):
        same(
            answer(fast, method, query, accept, **extra),
            answer(plain, method, query, accept, **extra),
        )


def test_comment_lines_do_not_make_a_new_shape_but_strings_are_kept() -> None:
    assert normalised("SELECT * {}\n# run 1") == normalised("SELECT * {}\r\n  # run 2\n")
    assert normalised('SELECT * { FILTER("""\n# a\n""") }') != normalised(
        'SELECT * { FILTER("""\n# b\n""") }'
    )
    assert normalised("SELECT * { ?s ?p 1 } # x") != normalised("SELECT * { ?s ?p 1 } # y")


def test_comment_lines_go_alike_whatever_the_line_breaks() -> None:
    assert normalised("A\n# x\nB") == normalised("A\nB") == "A\nB"
    assert normalised("# x\r\nA\r# y\rB") == "A\nB"
    assert normalised("A\n  #x") == normalised("A") != normalised("A\n  x")


def test_a_shape_is_given_the_prefixes_its_text_spells_and_none_from_its_comments() -> None:
    local = LocalEvaluator(("nquads", small_data(3)), threads=1)
    text = "# zg: skos:\nSELECT ?o WHERE { <urn:s0> ?p ?o FILTER(?p != rdfs:label) }"
    found = local.prefixes(normalised(text))
    assert found == {"rdfs": PREFIXES["rdfs"]}
    assert local.prefixes(normalised(text)) is found  # found once per shape
    reply = local.evaluate({**msg(text), "prefixes": found}, [], 10, 10)
    assert reply[0] == "ok"
    assert b"urn:o0" in reply[1][2]


def msg(text: str) -> dict[str, Any]:
    return {
        "op": "run",
        "text": text,
        "solutions_format": "application/sparql-results+json",
        "graph_format": "text/turtle",
        "prefixes": PREFIXES,
        "query_dataset": False,
        "default_graphs": None,
        "named_graphs": None,
        "max_rows": None,
    }


def small_data(n: int) -> bytes:
    return "".join(f"<urn:s{i}> <urn:p> <urn:o{i}> <urn:g> .\n" for i in range(n)).encode()


def test_the_in_process_threads_cannot_connect() -> None:
    """Evaluated here without the lexical check: the OS refuses the connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    seen: list[object] = []

    def accept() -> None:
        try:
            seen.append(listener.accept())
        except OSError:
            pass

    watcher = threading.Thread(target=accept)
    watcher.start()
    local = LocalEvaluator(("nquads", small_data(3)), threads=1)
    reply = local.evaluate(
        msg(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"), [], 10, 10
    )
    watcher.join()
    listener.close()
    assert reply[0] == "error"
    assert seen == []


def test_an_overrun_is_a_503_and_the_process_is_told_to_go_at_the_time_limit() -> None:
    retired = threading.Event()
    local = LocalEvaluator(("nquads", small_data(400)), threads=2, on_overrun=retired.set)
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(ServiceBusy) as stopped:
        local.evaluate(msg(runaway), [], budget=0.05, limit=0.3)
    assert stopped.value.retry_after >= 1
    assert not local.usable()  # nothing more runs here while it is still going
    assert retired.wait(30)
    assert local.evaluate(msg("ASK {}"), [], 10, 10)[0] == "ok"  # the other thread
    deadline = time.monotonic() + 120
    while not local.usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert local.usable()  # the evaluator is back once the query ended


def test_updates_reach_the_in_process_copy(writable_dir: Path) -> None:
    probe = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:zg:fast> { ?s ?p ?o } }"
    with make_app(writable_dir, update_token=TOKEN, query_workers=2, response_cache_bytes=0) as app:
        client, local = app.test_client(), backend_of(app)._local
        counts = []
        for i in range(3):
            resp = client.post("/sparql", data={"query": f"{probe}\n# {i}"})
            counts.append(resp.get_json()["results"]["bindings"][0]["n"]["value"])
        evaluated = local.evaluated
        assert evaluated >= 1  # the probe's shape runs in process now
        done = client.post(
            "/update",
            data={"update": "INSERT DATA { GRAPH <urn:zg:fast> { <urn:a> <urn:b> 1 } }"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert done.status_code in (200, 204), done.data
        after = client.post("/sparql", data={"query": f"{probe}\n# after"})
        assert local.evaluated == evaluated + 1
        assert counts == ["0", "0", "0"]
        assert after.get_json()["results"]["bindings"][0]["n"]["value"] == "1"


def test_a_server_retires_a_process_whose_query_overran_and_granian_starts_another(
    writable_dir: Path,
) -> None:
    """A shape measured cheap (its graph was empty) turns runaway after an update: the client
    gets 503 + Retry-After, and at the time limit the serving process goes and comes back."""
    grow = (
        "SELECT (COUNT(*) AS ?n) WHERE "
        "{ GRAPH <urn:zg:grow> { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } }"
    )
    settings = {
        "ZONEGRAPH_UPDATE_TOKEN": TOKEN,
        "ZONEGRAPH_QUERY_TIMEOUT": 2,
        "ZONEGRAPH_RESPONSE_CACHE_BYTES": 0,
        "ZONEGRAPH_QUERY_WORKERS": 2,
    }
    server = Server(writable_dir, settings)
    try:
        serving = children(server.proc.pid)
        assert len(serving) == 1
        for i in range(3):  # the pool measures it cheap; then it runs in the serving process
            status, _, body = post(server.url + "/sparql", {"query": f"{grow}\n# {i}"})
            assert status == 200 and b'"0"' in body
        triples = " ".join(f"<urn:s{i}> <urn:p> {i} ." for i in range(300))
        status, _, _ = post(
            server.url + "/update",
            {"update": f"INSERT DATA {{ GRAPH <urn:zg:grow> {{ {triples} }} }}"},
            {"Authorization": f"Bearer {TOKEN}"},
        )
        assert status in (200, 204)
        status, headers, body = post(server.url + "/sparql", {"query": f"{grow}\n# runaway"})
        assert status == 503 and int(headers["Retry-After"]) >= 1, body
        wait_for(lambda: children(server.proc.pid) not in ([], serving), "a fresh process")
        wait_for(lambda: pid_alive(serving[0]) is False, "the old process to end")
        wait_for(server._up, "the fresh process to answer /healthz", 60)
        status, _, body = post(
            server.url + "/sparql", {"query": "ASK { GRAPH <urn:zg:grow> { <urn:s1> ?p ?o } }"}
        )
        assert status == 200 and b"true" in body  # the update was kept (journal) and replayed
    finally:
        server.stop()


def post(
    url: str, form: dict[str, str], headers: dict[str, str] | None = None
) -> tuple[int, Any, bytes]:
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_prefixes_found_for_the_shape_are_used_as_given() -> None:
    """In-process evaluation hands over the shape's prefixes `narrowed`: not narrowed again
    (the pool's workers, given all of them, still narrow them to the text)."""
    from graph.store.worker import _query_kwargs

    text = "SELECT ?o WHERE { <urn:s0> rdfs:label ?o }"
    found = {"rdfs": PREFIXES["rdfs"]}
    assert _query_kwargs({**msg(text), "prefixes": found, "narrowed": True})["prefixes"] is found
    assert _query_kwargs(msg(text))["prefixes"] == found
