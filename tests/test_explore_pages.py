"""The graph views of the explorer (/explore/…) through Flask: pages, JSON twins, errors with
suggestions, and the links that lead there (nav, entity pages)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from flask.testing import FlaskClient

from tests.iris import BIO_ISLAND, GZ_ETDZ, local

ID = "https://w3id.org/zonegraph/id/"
SAN_CHENG = ID + "grouping/san-cheng-yi-dao"
PARKS = {"中新广州知识城", "广州科学城", "广州海丝城", "广州国际生物岛"}
EHANG = ID + "org/ehang-guangzhou"
LHASA = ID + "zone/lhasa-hi-tech-zone"


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/json"
    return resp.get_json()


def get_html(client: FlaskClient, url: str, status: int = 200) -> str:
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "text/html"
    return resp.get_data(as_text=True)


def test_grouping_list_links_to_each_graph_view(client: FlaskClient) -> None:
    data = get_json(client, "/explore/clusters.json")
    row = next(g for g in data["groupings"] if g["iri"] == SAN_CHENG)
    view = "/explore/cluster?name=" + quote("三城一岛")
    assert row["members"] == 4 and row["view"] == view
    assert f'href="{view}"' in get_html(client, "/explore/clusters")
    assert client.get("/explore").headers["Location"].endswith("/explore/clusters")


def test_cluster_page_and_its_json_twin_list_the_same_graph(client: FlaskClient) -> None:
    data = get_json(client, "/explore/cluster.json?name=三城一岛")
    nodes = {n["iri"]: n for n in data["graph"]["nodes"]}
    assert nodes[SAN_CHENG]["role"] == "grouping"
    assert {n["label_zh"] for n in nodes.values() if n["role"] == "member"} == PARKS
    assert data["graph"]["nodes"][0]["iri"] == SAN_CHENG  # grouping first, then members
    for e in data["graph"]["edges"]:
        assert e["source"]["iri"] in nodes and e["target"]["iri"] in nodes
    # The drawing fetches the API; the API answer has exactly the table's nodes and edges.
    assert data["api"].startswith("/api/analysis/clusters?")
    api = get_json(client, data["api"])
    assert {n["data"]["id"] for n in api["elements"]["nodes"]} == set(nodes)
    assert len(api["elements"]["edges"]) == len(data["graph"]["edges"])
    assert data["exports"]["gexf"] == "/api/analysis/export.gexf?grouping=" + SAN_CHENG.replace(
        ":", "%3A"
    ).replace("/", "%2F")
    html = get_html(client, "/explore/cluster?name=三城一岛")
    table = html[html.index('id="graph-nodes"') :]
    for park in PARKS:
        assert park in table
    assert "vendor/cytoscape/cytoscape.min.js" in html and "explore.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "only local assets"
    assert 'id="zg-graph-config"' in html and "/api/analysis/export.graphml" in html


def test_english_labels(client: FlaskClient) -> None:
    html = get_html(client, "/explore/cluster?name=三城一岛&lang=en")
    assert "Guangzhou International Bio Island" in html and "Named grouping" not in html[:200]
    assert "&#34;lang&#34;: &#34;en&#34;" in html or '"lang": "en"' in html
    data = get_json(client, "/explore/cluster.json?name=三城一岛&lang=en")
    assert "lang=en" in data["api"]


def test_unknown_grouping_suggests_names(client: FlaskClient) -> None:
    html = get_html(client, "/explore/cluster?name=三城一到", 404)
    assert 'class="suggestion"' in html and "三城一岛" in html
    data = get_json(client, "/explore/cluster.json?name=亿航", 400)
    assert "not a named grouping" in data["error"]


def test_ego_page(client: FlaskClient) -> None:
    data = get_json(client, "/explore/ego.json?entity=广州国际生物岛&radius=1")
    assert data["center"]["iri"] == BIO_ISLAND and data["radius"] == 1
    distances = {n["iri"]: n["distance"] for n in data["graph"]["nodes"]}
    assert distances[BIO_ISLAND] == 0 and distances[GZ_ETDZ] == 1
    assert set(distances.values()) == {0, 1}
    wider = get_json(client, "/explore/ego.json?entity=广州国际生物岛&radius=2")
    assert len(wider["graph"]["nodes"]) > len(data["graph"]["nodes"])
    api = get_json(client, data["api"])
    assert {n["data"]["id"] for n in api["elements"]["nodes"]} == set(distances)
    # full-width or ASCII brackets, Chinese or English: the same entity
    en = get_json(client, "/explore/ego.json?entity=Guangzhou International Bio Island")
    assert en["center"]["iri"] == BIO_ISLAND
    html = get_html(client, "/explore/ego?entity=广州国际生物岛")
    assert 'id="graph-edges"' in html and "广州经济技术开发区" in html


def test_ego_errors(client: FlaskClient) -> None:
    html = get_html(client, "/explore/ego?entity=广州国际生物道", 404)
    assert "/explore/ego?entity=" + quote("广州国际生物岛") in html
    ambiguous = get_json(client, "/explore/ego.json?entity=石河子", 400)
    assert len(ambiguous["suggestions"]) > 1
    get_html(client, "/explore/ego?entity=亿航&radius=9", 400)
    assert 'name="entity"' in get_html(client, "/explore/ego")


def test_path_between_sections(client: FlaskClient) -> None:
    data = get_json(client, "/explore/path.json?from=亿航&to=拉萨高新区&max=4")
    assert data["connected"] and data["source"]["iri"] == EHANG and data["target"]["iri"] == LHASA
    # 4 steps since the registry: both zones are national (拉萨 by 国函〔2022〕143号)
    assert data["shortest_length"] == 4 and data["shortest"]
    first = data["shortest"][0]
    assert first["text"].startswith("亿航智能设备（广州）有限公司 —")
    assert first["text"].endswith(" 拉萨高新区")
    assert len(first["steps"]) == 4 and first["key"].split() == [n["iri"] for n in first["nodes"]]
    assert data["others"] == []  # nothing of at most 4 steps
    assert data["from"] == "亿航智能设备（广州）有限公司"  # the form shows the resolved name
    api = get_json(client, data["api"])
    assert api["shortest_text"] == [c["text"] for c in data["shortest"]]
    html = get_html(client, "/explore/path?from=亿航&to=拉萨高新区")
    chains = html[html.index('id="chains"') :]
    assert "—所属行业→" in chains and 'class="show-chain"' in chains


def test_path_names_are_matched_after_nfkc(client: FlaskClient) -> None:
    """ASCII brackets find the label written with full-width ones; English names work too."""
    data = get_json(client, "/explore/path.json?from=琶洲实验室(黄埔)&to=Guangzhou Science City")
    assert data["connected"] and data["source"]["label_zh"] == "琶洲实验室（黄埔）"
    assert data["target"]["label_zh"] == "广州科学城"


def test_no_path_is_said_plainly(client: FlaskClient) -> None:
    # Without concepts, 广州 and 石河子 share no entity (拉萨 now meets 广州 through 国务院,
    # which approved both the zone's reform and 拉萨's upgrade).
    html = get_html(client, "/explore/path?from=亿航&to=石河子经开区&max=8&concepts=false")
    assert 'id="no-path"' in html and "之间没有路径" in html
    assert 'id="zg-graph"' not in html
    en = get_json(client, "/explore/path.json?from=亿航&to=石河子经开区&concepts=false&lang=en")
    assert en["connected"] is False and en["message"].startswith("no path between")


def test_path_unknown_names_get_suggestions_per_field(client: FlaskClient) -> None:
    data = get_json(client, "/explore/path.json?from=亿航&to=拉萨高新qu", 404)
    assert "from" not in data["suggestions"]
    to = data["suggestions"]["to"]
    assert to[0]["iri"] == LHASA
    assert to[0]["use"].startswith("/explore/path?") and "from=%E4%BA%BF%E8%88%AA" in to[0]["use"]
    html = get_html(client, "/explore/path?from=亿航&to=拉萨高新qu", 404)
    assert 'id="suggestions-to"' in html and 'id="suggestions-from"' not in html
    get_html(client, "/explore/path?from=亿航&to=亿航", 400)
    get_html(client, "/explore/path?from=亿航&to=拉萨高新区&max=0", 400)


def test_nav_and_entity_pages_link_to_the_graph_views(client: FlaskClient) -> None:
    home = get_html(client, "/")
    assert 'href="/explore/clusters"' in home
    entity = get_html(client, local(BIO_ISLAND))
    link = re.search(r'id="graph-view" href="([^"]+)"', entity)
    assert link is not None and link.group(1).startswith("/explore/ego?entity=")
    target = get_html(client, link.group(1).replace("&amp;", "&"))
    assert "广州国际生物岛" in target
    # an observation is a detail, not a node of the entity graph: no link to an empty view
    observation = get_html(client, "/id/observation/national-etdzs-incubators")
    assert "683" in observation and 'id="graph-view"' not in observation
