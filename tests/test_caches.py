"""After a SPARQL Update every cached view of the data sees it (issue 8: stale caches).

One app on the published release with real query workers and an update token. Every cache is
filled first (home, VoID, Service Description, search, analyses, explorer views), so a cache
that an update does not reach would answer from before the INSERT and fail these tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import VOID

from graph.namespaces import BASE, DATA_GRAPH, ZG
from service import state
from tests.helpers_server import make_app

TOKEN = "cache-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PARK = "https://w3id.org/zonegraph/id/park/cache-test-park"
NAME = "缓存测试园"
INSERT = f"""
PREFIX zg: <{ZG}> PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT DATA {{ GRAPH <{DATA_GRAPH}> {{
  <{PARK}> a zg:Park ; rdfs:label "{NAME}"@zh, "Cache Test Park"@en ;
    schema:containedInPlace <https://w3id.org/zonegraph/id/zone/guangzhou-etdz> .
}} }}"""
ADDED_TRIPLES = 4


@pytest.fixture(scope="module")
def app(writable_dir: Path) -> Iterator[Flask]:
    with make_app(writable_dir, update_token=TOKEN, query_workers=1) as app:
        yield app


def _json(client: FlaskClient, url: str, status: int = 200) -> Any:
    resp = client.get(url)
    assert resp.status_code == status, (url, resp.get_data(as_text=True)[:300])
    return resp.get_json()


def _home(client: FlaskClient) -> tuple[int, int]:
    summary = _json(client, "/index.json")["summary"]
    parks = next(c["count"] for c in summary["classes"] if c["iri"] == str(ZG.Park))
    return summary["entities"], parks


def _void(client: FlaskClient) -> tuple[tuple[int, int], tuple[int, int]]:
    """VoID's counts of the release (what the dumps hold) and of the live data (the release
    when no update is pending; else the separate <dataset#live>)."""
    g = Graph().parse(data=client.get("/.well-known/void").get_data(as_text=True), format="turtle")

    def of(dataset: URIRef) -> tuple[int, int]:
        return int(g.value(dataset, VOID.triples)), int(g.value(dataset, VOID.entities))  # type: ignore[arg-type]

    release, live = URIRef(BASE + "dataset"), URIRef(BASE + "dataset#live")
    return of(release), of(live) if (live, None, None) in g else of(release)


def _sd_default_triples(client: FlaskClient) -> int:
    resp = client.get("/sparql", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    counts = [int(str(o)) for _, o in g.subject_objects(VOID.triples)]
    return max(counts)  # the default graph (the union) is the largest


def _searched(client: FlaskClient) -> list[str]:
    return [r["iri"] for r in _json(client, f"/search.json?q={NAME}")["results"]]


def _analysis_search(client: FlaskClient) -> list[str]:
    return [r["iri"] for r in _json(client, f"/api/analysis/search?q={NAME}")["results"]]


def test_every_cache_sees_an_update(app: Flask) -> None:
    client = app.test_client()
    entities, parks = _home(client)
    release, (triples, void_entities) = _void(client)
    sd_triples = _sd_default_triples(client)
    assert PARK not in _searched(client)
    assert PARK not in _analysis_search(client)
    _json(client, f"/api/analysis/ego?entity={PARK}", 404)
    _json(client, f"/explore/ego.json?entity={PARK}", 404)
    assert set(state.cached_names(app)) >= {
        "home summary",
        "void counts",
        "search index",
        "prepared graph",
    }

    resp = client.post("/update", data={"update": INSERT}, headers=AUTH)
    assert resp.status_code == 204, resp.get_data(as_text=True)
    assert state.cached_names(app) == []

    assert _home(client) == (entities + 1, parks + 1)
    # VoID describes the dumps (the release) and gives the live counts apart (issue 10)
    assert _void(client) == (release, (triples + ADDED_TRIPLES, void_entities + 1))
    assert _sd_default_triples(client) == sd_triples + ADDED_TRIPLES
    assert PARK in _searched(client)
    assert PARK in _analysis_search(client)
    ego = _json(client, f"/api/analysis/ego?entity={PARK}")
    assert ego["ego"]["center"]["iri"] == PARK
    zone = "https://w3id.org/zonegraph/id/zone/guangzhou-etdz"
    assert {n["data"]["id"] for n in ego["elements"]["nodes"]} == {PARK, zone}
    view = _json(client, f"/explore/ego.json?entity={PARK}")
    assert view["center"]["iri"] == PARK


def test_a_value_computed_across_a_forget_is_not_kept(app: Flask) -> None:
    """A request that read the data before an update must not cache its stale answer."""
    calls: list[int] = []

    def make() -> int:
        calls.append(1)
        state.forget(current_app)  # an update lands while this value is being computed
        return len(calls)

    racy = state.Cache("racy", make)
    with app.app_context():
        assert racy.get() == 1
        assert "racy" not in state.cached_names(app)
        assert racy.get() == 2  # computed again, from the data as it is now

    steady = state.Cache("steady", lambda: len(calls))
    with app.app_context():
        assert steady.get() == steady.get() == 2
        assert "steady" in state.cached_names(app)
        state.forget(app)
        assert state.cached_names(app) == []
