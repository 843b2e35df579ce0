"""The JSON API at /api/analysis/…, on an app over the shipped sources (memory store)."""

from __future__ import annotations

import io
from typing import Any

import networkx as nx
import pytest
from flask.testing import FlaskClient

ID = "https://w3id.org/zonegraph/id/"


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    return resp.get_json()


def test_cluster_with_elements(client: FlaskClient) -> None:
    data = get_json(client, "/api/analysis/clusters?name=三城一岛")
    assert data["ok"] is True
    members = {m["member"]["label_zh"] for m in data["cluster"]["members"]}
    assert members == {"中新广州知识城", "广州科学城", "广州海丝城", "广州国际生物岛"}
    nodes = {n["data"]["id"]: n["data"] for n in data["elements"]["nodes"]}
    assert nodes[ID + "grouping/san-cheng-yi-dao"]["role"] == "grouping"
    assert sum(1 for d in nodes.values() if d["role"] == "member") == 4
    for edge in data["elements"]["edges"]:
        assert edge["data"]["source"] in nodes and edge["data"]["target"] in nodes
    everything = get_json(client, "/api/analysis/clusters")
    assert len(everything["clusters"]) >= 2


def test_path(client: FlaskClient) -> None:
    data = get_json(client, "/api/analysis/path?from=亿航&to=广州国际生物岛&max=3")
    assert data["connected"] is True and data["message"] == ""
    first = data["shortest_text"][0]
    assert first.startswith("亿航智能设备（广州）有限公司 ") and first.endswith(" 广州国际生物岛")
    assert data["path"]["shortest_length"] == len(data["path"]["shortest"][0]["steps"])
    strict = get_json(client, "/api/analysis/path?from=亿航&to=拉萨高新区&max=8&concepts=false")
    assert all("低空经济" not in text for text in strict["paths_text"])
    en = get_json(client, "/api/analysis/path?from=亿航&to=广州国际生物岛&lang=en")
    assert en["shortest_text"][0].endswith("Guangzhou International Bio Island")


def test_unknown_entity_is_404_with_suggestions(client: FlaskClient) -> None:
    data = get_json(client, "/api/analysis/path?from=亿航&to=广州国际生物道", 404)
    assert data["ok"] is False and data["status"] == 404
    assert "广州国际生物岛" in data["error"]
    assert ID + "park/guangzhou-international-bio-island" in [s["iri"] for s in data["suggestions"]]
    ambiguous = get_json(client, "/api/analysis/ego?entity=石河子", 400)
    assert len(ambiguous["suggestions"]) > 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/analysis/path?from=亿航",
        "/api/analysis/path?from=亿航&to=广州科学城&max=99",
        "/api/analysis/hubs?top=many",
        "/api/analysis/hubs?by=fame",
        "/api/analysis/ego?entity=亿航&radius=0",
        "/api/analysis/communities?resolution=-1",
        "/api/analysis/similar?nested=maybe",
        "/api/analysis/path?from=亿航&to=广州科学城&concepts=no",
        "/api/analysis/export.gexf?view=nothing",
        "/api/analysis/clusters?name=广州科学城",
    ],
)
def test_bad_parameters_are_400(client: FlaskClient, url: str) -> None:
    data = get_json(client, url, 400)
    assert set(data) == {"ok", "error", "status"} and data["status"] == 400


def test_hubs_communities_similar_ego_search(client: FlaskClient) -> None:
    hubs = get_json(client, "/api/analysis/hubs?top=3&zone=广州开发区")["hubs"]
    assert hubs["scope"]["iri"] == ID + "zone/guangzhou-etdz" and len(hubs["hubs"]) == 3
    comm = get_json(client, "/api/analysis/communities?seed=1")["communities"]
    assert comm["seed"] == 1 and comm["communities"]
    pairs = get_json(client, "/api/analysis/similar?top=2")["pairs"]
    assert len(pairs) <= 2 and all(0 < p["jaccard"] <= 1 for p in pairs)
    ego = get_json(client, "/api/analysis/ego?entity=广州国际生物岛&radius=1")
    ids = {n["data"]["id"] for n in ego["elements"]["nodes"]}
    assert ID + "zone/guangzhou-etdz" in ids
    hits = get_json(client, "/api/analysis/search?q=生物岛")["results"]
    assert hits[0]["label_zh"] == "广州国际生物岛"


def test_exports(client: FlaskClient) -> None:
    resp = client.get("/api/analysis/export.graphml")
    assert resp.status_code == 200 and resp.mimetype == "application/graphml+xml"
    assert "attachment" in resp.headers["Content-Disposition"]
    g = nx.read_graphml(io.BytesIO(resp.data))
    assert g.nodes[ID + "zone/guangzhou-etdz"]["label_en"].startswith("Guangzhou")
    gexf = client.get("/api/analysis/export.gexf?grouping=三城一岛")
    assert nx.read_gexf(io.BytesIO(gexf.data)).number_of_nodes() > 5
    nodes = client.get("/api/analysis/export.nodes.csv")
    assert nodes.mimetype == "text/csv" and nodes.data.startswith(b"Id,Label,")
    assert client.get("/api/analysis/export.edges.csv").data.startswith(b"Source,Target,")
