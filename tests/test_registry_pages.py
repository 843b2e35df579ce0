"""Explorer registry pages: counts by province × type, zone lists, JSON twins, bad codes."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from rdflib import SKOS, Graph, URIRef

from graph.namespaces import ZG


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    return resp.get_json()


def test_counts_by_province_and_type(client: FlaskClient) -> None:
    data = get_json(client, "/registry.json")
    assert data["total"] == 2606
    assert len(data["types"]) == 15 and len(data["provinces"]) == 31
    jiangsu = next(p for p in data["provinces"] if p["code"] == "32")
    assert jiangsu["counts"]["101"] == 26 and jiangsu["counts"]["103"] == 17
    assert data["totals"]["201"] == 987
    html = client.get("/registry").get_data(as_text=True)
    assert 'href="/registry/province/32"' in html and 'href="/registry/type/103"' in html


def test_zone_lists(client: FlaskClient) -> None:
    gz = get_json(client, "/registry/city/4401.json")["zones"]
    assert [z["code"] for z in gz] == ["44101002", "44101003", "44101005", "44103001"]
    assert gz[0]["href"] == "/id/zone/guangzhou-etdz" and not gz[0]["english_generated"]
    tibet = get_json(client, "/registry/province/54.json")["zones"]
    lhasa = next(z for z in tibet if z["code"] == "54202001")
    assert (lhasa["type"], lhasa["level"]) == ("202", "national")
    ftz = get_json(client, "/registry/type/110.json")["zones"]
    assert len(ftz) == 11
    html = client.get("/registry/type/110").get_data(as_text=True)
    assert "中国（上海）自由贸易试验区" in html


def test_bad_codes_are_4xx(client: FlaskClient) -> None:
    assert get_json(client, "/registry/province/99.json", 404)["ok"] is False
    assert client.get("/registry/province/abc").status_code == 400
    assert client.get("/registry/planet/32").status_code == 404


def test_home_counts_zones_by_type_and_level(client: FlaskClient) -> None:
    zones = get_json(client, "/index.json")["zones"]
    counts = {(z["code"], z["level_en"]): int(z["n"]) for z in zones}
    assert counts[("101", "national")] == 219
    assert counts[("202", "provincial")] == 145 and counts[("202", "national")] == 1  # 拉萨, 2022
    assert sum(counts.values()) == 2606
    assert 'id="zone-counts"' in client.get("/").get_data(as_text=True)


def test_registry_zone_page_shows_code_type_level_divisions_and_sources(
    client: FlaskClient,
) -> None:
    data = get_json(client, "/id/zone/gbt37028-32101001.json")
    reg = data["registry"]
    assert (reg["code"], reg["type"]["code"], reg["level"]["label_en"]) == (
        "32101001",
        "101",
        "national",
    )
    assert reg["province"]["code"] == "32" and reg["statistical_unit"]["code"] == "320671"
    (row,) = reg["sources"]["table-row"]
    assert row["key"] == "32101001" and "skos:notation" in row["supports"]
    assert row["issued"] == "2018"
    curators = {c["iri"].rsplit("/", 1)[-1]: c for c in reg["sources"]["curator"]}
    # a registry-only zone has one statement group: its sources back its facts together
    assert "zg:statisticalUnit" in curators["gbt37028-nbs-statistical-units"]["supports"]
    assert reg["english_generated"] and reg["sources"]["quote"] == []
    html = client.get("/id/zone/gbt37028-32101001").get_data(as_text=True)
    assert 'id="registry-zone"' in html and '<code id="statistical-unit">320671</code>' in html
    assert 'href="/registry/type/101"' in html and 'href="/registry/province/32"' in html


def test_article_zone_page_has_the_registry_the_2022_change_and_the_articles(
    client: FlaskClient,
) -> None:
    reg = get_json(client, "/id/zone/lhasa-hi-tech-zone.json")["registry"]
    assert (reg["code"], reg["type"]["code"], reg["level"]["label_en"]) == (
        "54202001",
        "202",
        "national",
    )
    (event,) = reg["events"]
    assert (event["date"], event["type_before"], event["type_after"]) == ("2022", "202", "103")
    (doc,) = reg["sources"]["document"]
    assert doc["number"] == "国函〔2022〕143号" and "zg:zoneLevel" in doc["supports"]
    quotes = [q["exact"] for q in reg["sources"]["quote"]]
    assert any(q.startswith("1月29日,记者从拉萨高新区获悉") for q in quotes)
    assert len(quotes) == len(set(quotes)) >= 3
    html = client.get("/id/zone/lhasa-hi-tech-zone?lang=en").get_data(as_text=True)
    assert "What the articles say" in html and "Guohan [2022] No. 143" in html
    gz = get_json(client, "/id/zone/guangzhou-etdz.json")["registry"]
    assert gz["code"] == "44101002" and gz["division"]["code"] == "4401"


def test_zone_missing_from_the_table_says_so_and_other_pages_have_no_registry(
    client: FlaskClient,
) -> None:
    reg = get_json(client, "/id/zone/yaodu-hi-tech-zone.json")["registry"]
    assert reg["listed"] is False and "code" not in reg
    assert [c["supports"] for c in reg["sources"]["curator"]] == [["zg:notListedIn"]]
    assert reg["sources"]["quote"]
    html = client.get("/id/zone/yaodu-hi-tech-zone").get_data(as_text=True)
    assert 'id="not-listed"' in html
    assert "registry" not in get_json(client, "/id/division/32.json")


def test_lists_link_back_and_come_as_linked_data(client: FlaskClient) -> None:
    html = client.get("/registry/type/103").get_data(as_text=True)
    assert 'href="/registry"' in html and 'href="/registry?type=103#registry-map"' in html
    assert 'type="text/turtle" href="/registry/type/103.ttl"' in html
    assert 'href="/registry/type/103.json"' in html
    resp = client.get("/registry/city/4401", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    graph = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    codes = sorted(str(o) for o in graph.objects(None, SKOS.notation))
    assert codes == ["44101002", "44101003", "44101005", "44103001"]
    gz = URIRef("https://w3id.org/zonegraph/id/zone/guangzhou-etdz")
    assert (gz, ZG.inDivision, URIRef("https://w3id.org/zonegraph/id/division/4401")) in graph
    ld = client.get("/registry/type/110", headers={"Accept": "application/ld+json"})
    assert ld.mimetype == "application/ld+json"
    ftz = Graph().parse(data=ld.get_data(as_text=True), format="json-ld")
    assert len(set(ftz.subjects(ZG.zoneType, None))) == 11
    assert client.get("/registry/city/4401.nt").mimetype == "application/n-triples"
    assert client.get("/registry/province/abc.ttl").status_code == 400
    assert client.get("/registry/province/99.ttl").status_code == 404


def test_registry_is_in_the_nav_and_the_map_type_is_checked(client: FlaskClient) -> None:
    home = client.get("/?lang=en").get_data(as_text=True)
    assert re.search(r'<nav>.*href="/registry"[^>]*>Registry</a>.*</nav>', home, re.S)
    assert 'href="/registry#registry-map"' in home
    page = client.get("/registry?type=103").get_data(as_text=True)
    assert '<option value="103" selected>' in page and 'id="registry-map"' in page
    assert "vendor/echarts/echarts.min.js" in page and "vendor/echarts/china.js" in page
    bad = client.get("/registry?type=999")
    assert bad.status_code == 400 and "unknown zone type" in bad.get_data(as_text=True)


def test_a_code_leads_to_its_zone_page(client: FlaskClient) -> None:
    resp = client.get("/registry/code/44101002")
    assert resp.status_code == 303 and resp.headers["Location"] == "/id/zone/guangzhou-etdz"
    resp = client.get("/registry/code/44101003")
    assert resp.headers["Location"] == "/id/zone/gbt37028-44101003"
    assert client.get("/registry/code/4410").status_code == 400
    missing = client.get("/registry/code/99999999")
    assert missing.status_code == 404 and "99999999" in missing.get_data(as_text=True)
