"""The explorer pages and their JSON twins: home, search, entity pages, editor, language."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import RDF, RDFS, SKOS, Literal, URIRef

from graph.build import BuildResult
from graph.names import SearchIndex, normalise
from graph.namespaces import DATA_GRAPH, ZG
from service.examples import EXAMPLES, with_prefixes
from service.state import get_backend
from tests.iris import BIO_ISLAND, GZ_ETDZ, PAZHOU_LAB, YAODU_PARK, local

HTML = {"Accept": "text/html"}


# ------------------------------------------------------------------------------ home


def test_home_lists_classes_examples_and_dumps(client: FlaskClient) -> None:
    page = client.get("/", headers=HTML)
    assert page.status_code == 200
    twin = client.get("/index.json").json
    assert twin == client.get("/", headers={"Accept": "application/json"}).json
    parks = next(c for c in twin["summary"]["classes"] if c["short"] == "zg:Park")
    assert parks["label_zh"] == "园区" and parks["count"] >= 5
    assert re.search(rf"园区.*?<td class=\"num\">{parks['count']}</td>", page.text, re.S)
    for example in EXAMPLES:
        assert f'href="/query?example={example.slug}&amp;run=1"' in page.text
    assert len(twin["dumps"]) == 6
    for dump in twin["dumps"]:
        assert dump["url"] in page.text and dump["size"] > 0 and dump["triples"] > 0
        assert f">{dump['triples']}" in page.text


def test_class_counts_match_the_store(client: FlaskClient, built: BuildResult) -> None:
    """The home page's counts against the built dataset itself (rdflib), not the same query."""
    data = built.graph(DATA_GRAPH)
    classes = {c["iri"]: c["count"] for c in client.get("/index.json").json["summary"]["classes"]}
    for cls in (ZG.Park, ZG.Enterprise, ZG.Person, ZG.Observation):
        assert classes[str(cls)] == len(set(data.subjects(RDF.type, cls))), cls


def test_language_switch_by_parameter_and_cookie(client: FlaskClient) -> None:
    zh = client.get("/", headers=HTML).text
    assert "<b>中文</b>" in zh and ">首页<" in zh
    en = client.get("/?lang=en", headers=HTML)
    assert ">Home<" in en.text and "zonegraph_lang=en" in en.headers["Set-Cookie"]
    again = client.get(local(BIO_ISLAND), headers=HTML).text  # the cookie keeps English
    assert ">Home<" in again
    assert re.search(
        r"<h1>Guangzhou International Bio Island <small class=\"alt\">广州国际生物岛", again
    )
    back = client.get("/?lang=zh", headers=HTML).text
    assert ">首页<" in back


# ---------------------------------------------------------------------------- search


def test_search_finds_bio_island_by_chinese_substring(client: FlaskClient) -> None:
    body = client.get("/search.json?q=生物岛").json
    assert body["q"] == "生物岛"
    assert body["results"][0]["iri"] == BIO_ISLAND
    assert body["results"][0]["how"] == "substring"
    assert body["results"][0]["types"][0]["label_zh"] == "园区"
    page = client.get("/search?q=生物岛", headers=HTML).text
    assert f'href="{local(BIO_ISLAND)}"' in page


@pytest.mark.parametrize("text", ["琶洲实验室(黄埔)", "琶洲实验室（黄埔）", " 琶洲实验室（黄埔） "])
def test_search_is_nfkc_normalised(client: FlaskClient, text: str) -> None:
    top = client.get("/search.json", query_string={"q": text}).json["results"][0]
    assert top["iri"] == PAZHOU_LAB and top["how"] == "exact"


def test_search_english_case_and_prefix_ranking(client: FlaskClient) -> None:
    results = client.get("/search.json?q=GUANGZHOU INTERNATIONAL bio").json["results"]
    assert results[0]["iri"] == BIO_ISLAND and results[0]["how"] == "prefix"
    ranks = ["exact", "prefix", "substring"]
    hows = [r["how"] for r in client.get("/search.json?q=广州").json["results"]]
    assert hows == sorted(hows, key=ranks.index)


def test_search_without_hits_and_without_query(client: FlaskClient) -> None:
    empty = client.get("/search.json?q=").json
    assert empty["results"] == [] and empty["similar"] == []
    none = client.get("/search.json?q=zzzzqqqqxxxx").json
    assert none["results"] == []
    assert client.get("/search?q=zzzzqqqqxxxx", headers=HTML).status_code == 200


def test_search_library_ranks_without_http() -> None:
    """graph.names.SearchIndex works on SELECT rows alone (no Flask, no store)."""
    a, b, c = (URIRef(f"https://w3id.org/zonegraph/id/org/{x}") for x in "abc")
    park = URIRef("https://w3id.org/zonegraph/ontology#Park")
    rows = [
        {"s": a, "p": RDFS.label, "o": Literal("生物岛", lang="zh")},
        {"s": b, "p": RDFS.label, "o": Literal("生物岛实验室", lang="zh")},
        {"s": c, "p": RDFS.label, "o": Literal("广州国际生物岛", lang="zh")},
        {"s": c, "p": SKOS.altLabel, "o": Literal("Bio Island", lang="en")},
        {"s": park, "p": RDFS.label, "o": Literal("园区", lang="zh")},
    ]
    index = SearchIndex.from_rows(rows, [{"s": c, "o": park}])
    hits = index.search("生物岛")
    assert [(h.iri, h.how) for h in hits[:3]] == [
        (str(a), "exact"),
        (str(b), "prefix"),
        (str(c), "substring"),
    ]
    assert hits[2].types[0].label_zh == "园区"
    assert index.search("ｂｉｏ　ＩＳＬＡＮＤ")[0].iri == str(c)  # full-width, upper case
    assert normalise("（黄埔）") == normalise("(黄埔)")


# ---------------------------------------------------------------------- entity pages


def test_entity_page_shows_labels_types_relations_and_sources(client: FlaskClient) -> None:
    page = client.get(local(BIO_ISLAND), headers=HTML).text
    assert '<h1>广州国际生物岛 <small class="alt">Guangzhou International Bio Island' in page
    assert 'href="/ontology/Park"' in page and ">园区" in page  # type, labelled and linked
    assert "所属行业" in page and 'href="/concept/industry/biomedicine"' in page  # outgoing
    assert f'href="{local(GZ_ETDZ)}"' in page and "广州经济技术开发区" in page
    assert "成员" in page and 'href="/id/grouping/san-cheng-yi-dao"' in page  # incoming
    assert re.search(r'<blockquote class="quote">[^<]*三城一岛[^<]*</blockquote>', page)
    assert "https://w3id.org/zonegraph/id/zone/guangzhou-etdz</a>" not in page  # labels, not IRIs


def test_entity_json_twin_carries_the_same_facts(client: FlaskClient) -> None:
    view = client.get(local(BIO_ISLAND) + ".json").json
    assert view["ok"] is True and view["label_zh"] == "广州国际生物岛"
    assert {"value": "广州国际生物岛", "lang": "zh"} in view["labels"]
    incoming = {g["predicate"]["short"]: g for g in view["incoming"]}
    members = incoming["zg:hasMember"]["values"]
    assert members[0]["label_zh"] == "三城一岛" and members[0]["sources"]
    assert view["formats"]["ttl"] == local(BIO_ISLAND) + ".ttl"


def test_figures_table_with_value_unit_comparator_period_and_source(client: FlaskClient) -> None:
    view = client.get(local(YAODU_PARK) + ".json").json
    revenue = next(f for f in view["figures"] if f["indicator"]["iri"].endswith("/total-revenue"))
    assert float(revenue["value"]) == 1e10 and revenue["value_display"] == "10,000,000,000"
    assert revenue["verbatim"] == "突破100亿元"
    assert revenue["comparator"]["label_zh"] == "超过"
    assert revenue["period"]["label_zh"] == "2023年"
    assert revenue["unit"]["iri"].endswith("/unit/CNY")
    assert revenue["kind"]["iri"].endswith("/figure-kind/flow")
    assert any("突破100亿元" in s for s in revenue["sources"])
    page = client.get(local(YAODU_PARK), headers=HTML).text
    table = page[page.index('id="figures"') : page.index("</table>", page.index('id="figures"'))]
    assert "10,000,000,000" in table and "「突破100亿元」" in table and "超过" in table
    assert "2023年" in table and "总营收" in table


def test_unknown_page_uses_the_error_template(client: FlaskClient) -> None:
    resp = client.get("/no/such/page", headers=HTML)
    assert resp.status_code == 404 and ">首页<" in resp.text
    js = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert js.json == {"ok": False, "error": js.json["error"], "status": 404}


# ---------------------------------------------------------------------------- editor


def test_editor_page_bundles_yasgui_and_fills_in_examples(client: FlaskClient) -> None:
    page = client.get("/query?example=figures&run=1", headers=HTML).text
    assert "/static/vendor/yasgui/yasgui.min.js" in page
    assert "cdn" not in page.lower() and "https://unpkg" not in page
    cfg = client.get("/query.json?example=figures&run=1").json
    assert cfg["endpoint"] == "/sparql" and cfg["run"] is True
    assert cfg["query"] == next(e.query for e in EXAMPLES if e.slug == "figures")
    assert cfg["prefixes"]["zg"] == "https://w3id.org/zonegraph/ontology#"
    asset = client.get("/static/vendor/yasgui/yasgui.min.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000  # `make install` bundled it
    asset.close()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.slug)
def test_every_example_query_returns_rows(app: Flask, example: object) -> None:
    from service.examples import Example

    assert isinstance(example, Example)
    with app.app_context():
        rows = get_backend().select(with_prefixes(example.query))
    assert rows, example.slug


def test_with_prefixes_declares_only_what_is_used() -> None:
    text = with_prefixes('PREFIX zg: <urn:x#>\nSELECT * { ?s zg:a ?o ; rdfs:label "a:b" }')
    assert text.count("PREFIX zg:") == 1
    assert "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in text
    assert "PREFIX a:" not in text


def test_one_row_per_figure_even_with_bilingual_rank_populations(client: FlaskClient) -> None:
    view = client.get(local(GZ_ETDZ) + ".json").json
    observations = [f["observation"]["iri"] for f in view["figures"]]
    assert len(observations) == len(set(observations)) > 0
    ranked = [f for f in view["figures"] if f["rank_among_zh"]]
    assert ranked and all(f["rank_among_zh"] != f["rank_among_en"] for f in ranked)


def test_ordered_member_list_is_shown_in_order(client: FlaskClient) -> None:
    view = client.get("/id/grouping/san-cheng-yi-dao.json").json
    group = next(g for g in view["outgoing"] if g["predicate"]["short"] == "zg:memberList")
    items = group["values"][0]["items"]
    expected = ["中新广州知识城", "广州科学城", "广州海丝城", "广州国际生物岛"]
    assert [i["label_zh"] for i in items] == expected
    bio = client.get(local(BIO_ISLAND) + ".json").json
    assert "zg:memberList" in [g["predicate"]["short"] for g in bio["incoming"]]
