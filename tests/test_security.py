"""Safe by default: read-only without a token, no outbound fetches, and a time limit that stops.

The outbound tests listen on a free loopback port and then check that nothing connected; one
test allow-lists that port to show the listener does see a connection when one is made.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers_server import RUNAWAY, backend_of, make_app, pid_alive, wait_for

TOKEN = "s3cret-token"
PROBE = "ASK { <urn:zg:test> <urn:zg:says> 'hello' }"
INSERT = "INSERT DATA { GRAPH <urn:zg:scratch> { <urn:zg:test> <urn:zg:says> 'hello' } }"


@pytest.fixture()
def listener() -> Iterator[socket.socket]:
    """A listening socket on a free loopback port that nobody should connect to."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


def nothing_connected(sock: socket.socket) -> bool:
    try:
        conn, _ = sock.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


def asked(client: FlaskClient, query: str = PROBE) -> bool:
    resp = client.get("/sparql", query_string={"query": query})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return bool(resp.get_json()["boolean"])


# --- updates ----------------------------------------------------------------------------------


def test_read_only_without_a_token(data_dir: Path) -> None:
    with make_app(data_dir, query_workers=1) as app:
        client = app.test_client()
        for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):
            resp = client.post("/update", data={"update": INSERT}, headers=headers)
            assert resp.status_code == 403
            assert "read-only" in resp.get_json()["error"]
        direct = client.post("/update", data=INSERT, content_type="application/sparql-update")
        assert direct.status_code == 403
        assert not asked(client)
        assert client.get("/update").status_code == 405


@pytest.fixture(scope="module")
def writable(writable_dir: Path) -> Iterator[Flask]:
    with make_app(writable_dir, update_token=TOKEN, query_timeout=2) as app:
        yield app


def test_update_needs_the_token(writable: Flask) -> None:
    client = writable.test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        resp = client.post("/update", data={"update": INSERT}, headers=headers)
        assert resp.status_code == 401
        assert resp.headers["WWW-Authenticate"].lower().startswith("bearer")
        assert resp.get_json()["ok"] is False
    assert not any(asked(client) for _ in range(4))  # both workers unchanged


def test_update_with_the_token_is_seen_by_every_worker(writable: Flask) -> None:
    client = writable.test_client()
    query = "ASK { <urn:zg:test2> <urn:zg:says> 'hi' }"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    resp = client.post(
        "/update",
        data="INSERT DATA { GRAPH <urn:zg:scratch> { <urn:zg:test2> <urn:zg:says> 'hi' } }",
        content_type="application/sparql-update",
        headers=auth,
    )
    assert resp.status_code == 204, resp.get_data(as_text=True)
    assert all(asked(client, query) for _ in range(4))  # the two workers take turns
    assert "urn:zg:scratch" in backend_of(writable).named_graphs()
    form = client.post(
        "/update",
        data={
            "update": "DELETE DATA { GRAPH <urn:zg:scratch> { <urn:zg:test2> <urn:zg:says> 'hi' } }"
        },
        headers=auth,
    )
    assert form.status_code == 204
    assert not any(asked(client, query) for _ in range(4))
    bad = client.post("/update", data={"update": "INSERT DATA { oops"}, headers=auth)
    assert bad.status_code == 400 and "line 1" in bad.get_json()["error"]
    two = client.post("/update", data={"update": [INSERT, INSERT]}, headers=auth)
    assert two.status_code == 400


def test_a_replacement_worker_replays_updates(writable: Flask) -> None:
    client = writable.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/update", data={"update": INSERT}, headers=auth).status_code == 204
    backend = backend_of(writable)
    before = set(backend.worker_pids())
    assert client.get("/sparql", query_string={"query": RUNAWAY}).status_code == 503
    wait_for(
        lambda: len(backend.worker_pids()) == len(before) and set(backend.worker_pids()) != before,
        "a replacement worker in place of the stopped one",
    )
    assert all(asked(client) for _ in range(4))


def test_load_is_refused_without_connecting(writable: Flask, listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    client = writable.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    base = f"http://127.0.0.1:{port}"
    for update, refusal in (
        (f"LOAD <{base}/data.ttl>", f"LOAD <{base}/data.ttl> refused"),
        (f"LOAD SILENT <{base}/data.ttl> INTO GRAPH <urn:x>", f"LOAD <{base}/data.ttl> refused"),
        (
            f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{base}/> {{ ?s ?p ?o }} }}",
            f"SERVICE <{base}/> refused",
        ),
    ):
        resp = client.post("/update", data={"update": update}, headers=auth)
        assert resp.status_code == 400, update
        assert refusal in resp.get_json()["error"], (update, resp.get_json()["error"])
    assert nothing_connected(listener)


# --- outbound requests from queries -----------------------------------------------------------


def remote_queries(port: int) -> list[tuple[str, str]]:
    """Queries that would fetch from the listener, each with the refusal it must get."""
    base = f"http://127.0.0.1:{port}"
    return [
        (
            f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}",
            f"SERVICE <{base}/sparql> refused",
        ),
        (
            f"select * where {{ service silent <{base}/sparql> {{ ?s ?p ?o }} }}",
            f"SERVICE <{base}/sparql> refused",
        ),
        (
            f"PREFIX r: <{base}/> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
            f"SERVICE <{base}/sparql> refused",
        ),
        (
            f"SELECT * WHERE {{ VALUES ?e {{ <{base}/sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
            "SERVICE with a variable refused",
        ),
        (
            f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{base}/> {{ ?s ?p ?o }} }} }}",
            f"SERVICE <{base}/> refused",
        ),
        (
            f"SELECT * FROM <{base}/data.ttl> WHERE {{ ?s ?p ?o }}",
            f"FROM <{base}/data.ttl> refused",
        ),
        (
            f"SELECT * FROM NAMED <{base}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            f"FROM NAMED <{base}/data.ttl> refused",
        ),
        (
            f"SELECT * WHERE {{ SERVIC\\u0045 <{base}/sparql> {{ ?s ?p ?o }} }}",
            "cannot be shown harmless (\\u escapes)",
        ),
        (
            f"ASK {{ FILTER EXISTS {{ SERVICE <{base}/> {{ ?s ?p ?o }} }} }}",
            f"SERVICE <{base}/> refused",
        ),
    ]


def test_service_and_from_are_refused_without_connecting(
    data_dir: Path, listener: socket.socket
) -> None:
    port = listener.getsockname()[1]
    with make_app(data_dir, query_workers=1) as app:
        client = app.test_client()
        for query, refusal in remote_queries(port):
            resp = client.post("/sparql", data={"query": query})
            assert resp.status_code == 400, query
            assert refusal in resp.get_json()["error"], (query, resp.get_json()["error"])
        text = client.get("/sparql", query_string={"query": remote_queries(port)[0][0]})
        assert "refused" in text.get_json()["error"] and str(port) in text.get_json()["error"]
        graph_param = client.get(
            "/sparql",
            query_string={
                "query": "ASK { ?s ?p ?o }",
                "default-graph-uri": f"http://127.0.0.1:{port}/g",
            },
        )
        assert graph_param.status_code == 200 and graph_param.get_json()["boolean"] is False
    assert nothing_connected(listener)


def test_the_listener_does_see_an_allowed_service(data_dir: Path, listener: socket.socket) -> None:
    """The control: allow-list the port and Oxigraph really connects (so the checks above bite)."""
    port = listener.getsockname()[1]
    seen: list[Any] = []

    def answer_once() -> None:
        listener.settimeout(20)
        conn, _ = listener.accept()
        seen.append(conn.recv(4096))
        conn.close()

    thread = threading.Thread(target=answer_once)
    thread.start()
    allow = [f"http://127.0.0.1:{port}/"]
    with make_app(data_dir, query_workers=1, allow_remote=allow, query_timeout=20) as app:
        resp = app.test_client().get(
            "/sparql",
            query_string={
                "query": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"
            },
        )
    thread.join()
    assert seen and seen[0].split(b" ")[0] in (b"GET", b"POST")
    assert resp.status_code == 400 and "query failed" in resp.get_json()["error"]


# --- the time limit ---------------------------------------------------------------------------


def test_runaway_query_is_stopped_while_others_are_answered(data_dir: Path) -> None:
    with make_app(data_dir, query_timeout=3, query_workers=2) as app:
        backend = backend_of(app)
        pids = set(backend.worker_pids())
        client = app.test_client()
        outcome: dict[str, Any] = {}

        def runaway() -> None:
            outcome["resp"] = app.test_client().get("/sparql", query_string={"query": RUNAWAY})

        thread = threading.Thread(target=runaway)
        thread.start()
        wait_for(lambda: backend.busy() == 1, "the runaway query to start")
        simple = client.get("/sparql", query_string={"query": "ASK { ?s a zg:Province }"})
        assert simple.status_code == 200 and simple.get_json()["boolean"] is True
        still_running = thread.is_alive()
        thread.join()
        resp = outcome["resp"]
        assert resp.status_code == 503
        assert "time limit" in resp.get_json()["error"]
        assert still_running  # the simple query was answered while the runaway ran
        wait_for(
            lambda: len(backend.worker_pids()) == 2 and len(pids - set(backend.worker_pids())) == 1,
            "a replacement worker",
        )
        (gone,) = pids - set(backend.worker_pids())
        wait_for(lambda: not pid_alive(gone), "the stopped worker reaped")  # by a thread
        after = client.get("/sparql", query_string={"query": "ASK { ?s a zg:Province }"})
        assert after.status_code == 200
        everyone = backend.worker_pids()
    assert not any(pid_alive(pid) for pid in everyone)  # close() left no process behind
