"""The /sparql response cache in front of Flask: repeated answers are identical, updates and
negotiation are part of the key, errors are never kept, and its size stays within bounds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service.cache import ResponseCache
from tests.helpers_server import make_app

TOKEN = "cache-test-token"
PROBE = "ASK { <urn:zg:cache-test> <urn:zg:p> 1 }"


@pytest.fixture(scope="module")
def app(writable_dir: Path) -> Iterator[Flask]:
    with make_app(writable_dir, update_token=TOKEN, query_workers=2) as app:
        yield app


def cache_of(app: Flask) -> ResponseCache:
    cache: ResponseCache = app.extensions["zonegraph-response-cache"]
    return cache


def test_a_repeated_query_is_answered_from_the_cache(app: Flask) -> None:
    client, cache = app.test_client(), cache_of(app)
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/zonegraph/ontology#Province> } LIMIT 3"
    first = client.get("/sparql", query_string={"query": query})
    hits = cache.hits
    again = client.post("/sparql", data={"query": f"  {query}\n"})  # same query, POSTed
    assert cache.hits == hits + 1
    assert again.status_code == first.status_code == 200
    assert again.data == first.data and again.mimetype == first.mimetype
    assert again.data.count(b'"s":') == 3  # the complete answer, not a shortened one
    csv = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert csv.mimetype == "text/csv" and csv.data != first.data  # negotiation is in the key


def test_an_update_is_seen_at_once(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/sparql", query_string={"query": PROBE}).get_json()["boolean"] is False
    assert client.get("/sparql", query_string={"query": PROBE}).get_json()["boolean"] is False
    update = "INSERT DATA { GRAPH <urn:zg:scratch> { <urn:zg:cache-test> <urn:zg:p> 1 } }"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/update", data={"update": update}, headers=auth).status_code == 204
    assert client.get("/sparql", query_string={"query": PROBE}).get_json()["boolean"] is True


def test_errors_are_not_kept(app: Flask) -> None:
    client, cache = app.test_client(), cache_of(app)
    for _ in range(2):
        assert client.get("/sparql", query_string={"query": "SELECT * {"}).status_code == 400
    assert not any("SELECT * {" in key for key in cache.entries)


def test_the_cache_stays_within_its_bytes() -> None:
    def app(environ: object, start_response: object) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])  # type: ignore[operator]
        return [b"x" * 1000]

    cache = ResponseCache(app, max_bytes=20_000, version=lambda: 1)
    for n in range(100):
        environ = {"PATH_INFO": "/sparql", "REQUEST_METHOD": "GET", "QUERY_STRING": f"query={n}"}
        assert b"".join(cache(environ, lambda *args: None)) == b"x" * 1000
    assert 0 < len(cache.entries) < 20 and cache.size <= 20_000
    assert 0 < len(cache.aliases) and cache.alias_bytes <= 20_000 // 4
    assert cache.misses == 100
