"""English mode shows English: reference entities are labelled, and a missing label is marked.

GB/T 4754 sections and divisions carry the curators' translation, NBS divisions a generated
pinyin rendering; both say so (zg:englishNameOrigin). Where no English label exists (GB/T 4754
groups and classes), English pages show the Chinese label marked as untranslated, and JSON says
`label_en_untranslated`. The page checks run against a real `zonegraph serve` on loopback.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from graph import resources
from graph.build.division_names import division_english
from graph.build.reference import (
    CURATOR_TRANSLATION,
    GENERATED,
    division_iri,
    divisions,
    gbt_iri,
    industries,
)
from graph.labels import choose, is_untranslated, mark_untranslated
from graph.namespaces import ZG
from graph.validate import load_shapes
from tests.helpers_server import Server

SECTION_OR_DIVISION = re.compile(r"^([A-Z]|[0-9]{2})$")


def _langs(g: Graph, node: URIRef, pred: URIRef) -> dict[str, str]:
    return {o.language or "": str(o) for o in g.objects(node, pred) if isinstance(o, Literal)}


def test_every_section_and_division_has_a_curator_translation() -> None:
    g = industries(resources.reference_dir())
    upper = [
        c
        for c in g.subjects(RDF.type, SKOS.Concept)
        if SECTION_OR_DIVISION.match(str(g.value(c, SKOS.notation)))
    ]
    assert len(upper) == 20 + 97
    for concept in upper:
        labels = _langs(g, concept, SKOS.prefLabel)
        assert labels.get("en"), f"{concept} has no English label"
        assert not re.search(r"[\u4e00-\u9fff]", labels["en"])
        assert g.value(concept, ZG.englishNameOrigin) == CURATOR_TRANSLATION
    assert _langs(g, gbt_iri("C"), SKOS.prefLabel)["en"] == "Manufacturing"
    # groups and classes stay Chinese only, and claim no English origin
    assert "en" not in _langs(g, gbt_iri("0111"), SKOS.prefLabel)
    assert g.value(gbt_iri("0111"), ZG.englishNameOrigin) is None


def test_every_division_has_a_generated_english_name() -> None:
    g = divisions(resources.reference_dir())
    nodes = {
        s for cls in (ZG.Province, ZG.Prefecture, ZG.County) for s in g.subjects(RDF.type, cls)
    }
    assert len(nodes) == 31 + 342 + 2978
    for node in nodes:
        en = _langs(g, node, RDFS.label).get("en", "")
        assert en and not re.search(r"[\u4e00-\u9fff]", en), f"{node}: {en!r}"
        assert g.value(node, ZG.englishNameOrigin) == GENERATED
    by_zh: dict[str, set[str]] = {}
    for node in nodes:
        labels = _langs(g, node, RDFS.label)
        by_zh.setdefault(labels["zh"], set()).add(labels["en"])
    expected = {
        "长丰县": "Changfeng County",  # 长 as cháng, not zhǎng
        "长子县": "Zhangzi County",  # but 长子 keeps zhǎng
        "朝阳区": "Chaoyang District",  # 朝 as cháo
        "成都市": "Chengdu City",
        "陕西省": "Shaanxi Province",  # not Shanxi, which is 山西
        "北京市": "Beijing Municipality",
        "广西壮族自治区": "Guangxi Zhuang Autonomous Region",
        "延边朝鲜族自治州": "Yanbian Korean Autonomous Prefecture",
    }
    for zh, en in expected.items():
        assert by_zh[zh] == {en}


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("丰都县", "Fengdu County"),
        ("锡林郭勒盟", "Xilinguole League"),
        ("漯河市", "Luohe City"),
        ("神农架林区", "Shennongjia Forestry District"),
        ("东乡族自治县", "Dongxiang Autonomous County"),
        ("恩施土家族苗族自治州", "Enshi Tujia Miao Autonomous Prefecture"),
        ("拉萨经济技术开发区", "Lasa Economic and Technological Development Zone"),
    ],
)
def test_division_rendering(zh: str, en: str) -> None:
    assert division_english(zh) == en


def test_chooser_marks_a_chinese_stand_in() -> None:
    node = URIRef("https://w3id.org/zonegraph/concept/gbt4754/0111")
    zh, en = choose(node, [(SKOS.prefLabel, Literal("稻谷种植", lang="zh"))])
    assert (zh, en) == ("稻谷种植", "稻谷种植")
    assert is_untranslated(en) and not is_untranslated(zh)
    both = choose(
        node,
        [
            (SKOS.prefLabel, Literal("制造业", lang="zh")),
            (SKOS.prefLabel, Literal("Manufacturing", lang="en")),
        ],
    )
    assert not is_untranslated(both[1])
    marked = mark_untranslated({"nodes": [{"label_en": en}, {"label_en": both[1]}]})
    assert marked["nodes"][0]["label_en_untranslated"] is True
    assert "label_en_untranslated" not in marked["nodes"][1]
    assert json.loads(json.dumps(marked))["nodes"][0]["label_en"] == "稻谷种植"


def test_shapes_fail_sections_and_divisions_without_english() -> None:
    """Drop the English of section C and of 北京市: both fail, a class without English does not."""
    ind = industries(resources.reference_dir())
    div = divisions(resources.reference_dir())
    g = Graph()
    keep = {gbt_iri("C"), gbt_iri("13"), gbt_iri("0111"), URIRef(str(gbt_iri("")))}
    for s, p, o in ind:
        if s in keep:
            g.add((s, p, o))
    for s, p, o in div.triples((division_iri("11"), None, None)):
        g.add((s, p, o))
    g.remove((gbt_iri("C"), SKOS.prefLabel, Literal("Manufacturing", lang="en")))
    g.remove((division_iri("11"), ZG.englishNameOrigin, None))
    g.remove((division_iri("11"), RDFS.label, Literal("Beijing Municipality", lang="en")))
    shapes = load_shapes("data")
    ok, report, _ = validate(g, shacl_graph=shapes, advanced=True, allow_warnings=True)
    assert not ok
    sh = "http://www.w3.org/ns/shacl#"
    focus = {
        (
            str(report.value(r, URIRef(sh + "focusNode"))),
            str(report.value(r, URIRef(sh + "resultMessage"))),
        )
        for r in report.subjects(RDF.type, URIRef(sh + "ValidationResult"))
    }
    english = [(f, m) for f, m in focus if "nglish" in m]
    assert {f for f, _ in english} == {str(gbt_iri("C")), str(division_iri("11"))}
    assert any("zg:englishNameOrigin" in m for f, m in english if f == str(division_iri("11")))


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[Server]:
    srv = Server(data_dir, {"ZONEGRAPH_QUERY_TIMEOUT": 300})  # a loaded machine builds slowly
    try:
        yield srv
    finally:
        srv.stop()


def _get(server: Server, path: str, **params: str) -> str:
    url = server.url + path + ("?" + urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=120) as resp:
        return str(resp.read().decode("utf-8"))


GZ = "https://w3id.org/zonegraph/id/zone/guangzhou-etdz"
NEW_MATERIALS = "https://w3id.org/zonegraph/concept/industry/new-materials"


def test_english_graph_views_show_manufacturing(server: Server) -> None:
    """新材料 is mapped onto section C: its neighbourhood and a cluster view show it in English."""
    page = _get(server, "/explore/ego", entity=NEW_MATERIALS, lang="en")
    assert '>Manufacturing <small class="alt">制造业</small>' in page
    # 制造业 appears only as the Chinese companion of the English label
    assert page.count("制造业") == page.count('<small class="alt">制造业</small>')
    api = json.loads(_get(server, "/api/analysis/ego", entity=NEW_MATERIALS, lang="en"))
    section = next(e["data"] for e in api["elements"]["nodes"] if e["data"]["id"].endswith("/C"))
    assert section["label"] == "Manufacturing"
    assert "label_en_untranslated" not in section
    # the clusters of the nano innovation centre's directions are in English throughout
    listing = json.loads(_get(server, "/explore/clusters.json", lang="en"))
    names = [g["iri"] for g in listing["groupings"]]
    for name in names:
        html = _get(server, "/explore/cluster", name=name, lang="en")
        for zh in re.findall(r'<a class="node"[^>]*>([^<]*)', html):
            assert not re.search(r"[\u4e00-\u9fff]", zh), f"{name}: Chinese shown as English: {zh}"


def test_class_without_english_is_marked_on_english_pages(server: Server) -> None:
    page = _get(server, "/concept/gbt4754/0111", lang="en")
    assert re.search(
        r'<h1><span lang="zh" class="untranslated" title="no English label[^"]*">稻谷种植'
        r'<sup class="untranslated-mark">zh only</sup></span>',
        page,
    )
    chinese = _get(server, "/concept/gbt4754/0111", lang="zh")
    assert "untranslated" not in chinese  # nothing is missing in Chinese
    # its broader group 011 has no English either: its link is marked too
    assert re.search(r'href="/concept/gbt4754/011"[^>]*><span lang="zh" class="untranslated"', page)
    # the neighbourhood of the Guangzhou ETDZ holds class 3670 (no English): marked in the
    # table and flagged in the analyses JSON
    ego = _get(server, "/explore/ego", entity=GZ, radius="1", lang="en")
    assert re.search(r'<span lang="zh" class="untranslated"[^>]*>汽车零部件及配件制造<sup', ego)
    api = json.loads(_get(server, "/api/analysis/ego", entity=GZ, radius="1", lang="en"))
    part = next(e["data"] for e in api["elements"]["nodes"] if e["data"]["id"].endswith("/3670"))
    assert part["label_en"] == "汽车零部件及配件制造" and part["label_en_untranslated"] is True
