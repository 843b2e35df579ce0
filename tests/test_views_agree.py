"""The views say which data they show (issue 10): the dumps are the release and VoID describes
them, so after an update VoID's counts still agree with the dumps, the live counts stand apart,
and the home page, /dumps and /dataset say how many updates the dumps lack."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, VOID

from graph.namespaces import BASE
from graph.store.release import publish
from tests.helpers_server import make_app

TOKEN = "views-token"
RELEASE = (
    b"<urn:zg:a> <urn:zg:b> <urn:zg:c> <urn:zg:g> .\n"
    b"<urn:zg:a> <urn:zg:b> <urn:zg:c> <urn:zg:h> .\n"  # the same triple in two graphs
    b'<urn:zg:a> <urn:zg:name> "\xe7\x94\xb2" <urn:zg:h> .\n'
)
INSERT = "INSERT DATA { GRAPH <urn:zg:g> { <urn:zg:new> <urn:zg:b> <urn:zg:c>, <urn:zg:d> } }"
DATASET = URIRef(BASE + "dataset")
LIVE = URIRef(BASE + "dataset#live")


def void_graph(client: FlaskClient) -> Graph:
    resp = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    return Graph().parse(data=resp.get_data(as_text=True), format="turtle")


def triples_of(g: Graph, dataset: URIRef) -> int:
    (value,) = list(g.objects(dataset, VOID.triples))
    return int(value)


def dump_triples(client: FlaskClient) -> int:
    listing = client.get("/dumps.json").get_json()
    (nt,) = [d for d in listing["dumps"] if d["filename"].endswith(".nt")]
    resp = client.get(nt["url"])
    assert resp.status_code == 200
    return len(Graph().parse(data=resp.get_data(as_text=True), format="nt"))


def test_void_agrees_with_the_dumps_and_the_pages_state_the_updates(tmp_path: Path) -> None:
    publish(RELEASE, tmp_path, {"built": "2026-01-02T03:04:05+0000"})
    with make_app(tmp_path, update_token=TOKEN, query_workers=2) as app:
        client = app.test_client()
        before = void_graph(client)
        assert triples_of(before, DATASET) == dump_triples(client) == 2
        assert (LIVE, None, None) not in before
        assert client.get("/dumps.json").get_json()["release"]["updates_since"] == 0

        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert client.post("/update", data={"update": INSERT}, headers=auth).status_code == 204

        after = void_graph(client)
        assert triples_of(after, DATASET) == dump_triples(client) == 2  # the release's
        assert triples_of(after, LIVE) == 4  # what /sparql answers from
        assert (LIVE, PROV.wasDerivedFrom, DATASET) in after
        notes = {str(c) for c in after.objects(DATASET, None) if "not in the dumps" in str(c)}
        assert notes == {
            "The downloads are the release of 2026-01-02T03:04:05+0000; 1 updates since, not in "
            "the dumps (SPARQL, the pages, search and the analyses include them)."
        }

        for url in ("/dumps.json", "/index.json"):
            release = client.get(url).get_json()["release"]
            assert release["updates_since"] == 1, url
            assert release["built"] == "2026-01-02T03:04:05+0000"
            assert "1 updates since, not in the dumps" in release["note_en"]
        for url in ("/", "/dataset"):
            page = client.get(url, headers={"Accept": "text/html"}).get_data(as_text=True)
            assert "此后已接受 1 个更新，未包含在下载中" in page, url
        english = client.get("/?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert "1 updates since, not in the dumps" in english

        sd = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
        default = Graph().parse(data=sd, format="turtle")
        assert 4 in {int(v) for v in default.objects(None, VOID.triples)}  # live, as answered
