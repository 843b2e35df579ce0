"""Names at registry scale: short type words, traditional characters, pinyin, exact first."""

from __future__ import annotations

import pytest
from rdflib import RDFS, SKOS, Graph, Literal, URIRef

from graph.build import BuildResult
from graph.name_variants import short_forms, simplified
from graph.names import EXACT_LABEL, NameIndex

ZONE = "https://w3id.org/zonegraph/id/zone/"


@pytest.fixture(scope="module")
def index(built: BuildResult) -> NameIndex:
    """Every labelled node of the shipped graph, the 2,606 registry zones among them."""
    g = Graph()
    for name in ("data", "reference", "ontology"):
        for s, p, o in built.graph(URIRef(f"https://w3id.org/zonegraph/graph/{name}")):
            if p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
                g.add((s, p, o))
    return NameIndex.from_graph(g)


def test_short_forms_of_type_words() -> None:
    assert "广州开发区" in short_forms("广州经济技术开发区")
    assert "广州经开区" in short_forms("广州经济技术开发区")
    assert "石河子经开区" in short_forms("新疆石河子经济技术开发区")
    assert "拉萨高新区" in short_forms("拉萨高新技术产业开发区")
    assert "北京天竺综保区" in short_forms("北京天竺综合保税区")
    assert "青岛自贸片区" in short_forms("中国（山东）自由贸易试验区青岛片区")
    assert simplified("廣州開發區") == "广州开发区"


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("广州开发区", "guangzhou-etdz"),
        ("廣州開發區", "guangzhou-etdz"),
        ("guangzhou kaifaqu", "guangzhou-etdz"),
        ("Guangzhou Jingkaiqu", "guangzhou-etdz"),
        ("石河子经开区", "shihezi-etdz"),
        ("拉萨高新区", "lhasa-hi-tech-zone"),
        ("天竺综保区", "gbt37028-11104001"),
        ("北京天竺綜合保稅區", "gbt37028-11104001"),
        ("中国(上海)自由贸易试验区", "gbt37028-31110001"),
        ("zhongguancun keji yuanqu", "gbt37028-11103001"),
    ],
)
def test_variants_find_the_zone_first(index: NameIndex, typed: str, zone: str) -> None:
    hits = index.search(typed, limit=5)
    assert hits and hits[0].iri == ZONE + zone, [(h.iri, h.matched, h.score) for h in hits]
    assert index.resolve(typed) == URIRef(ZONE + zone)


def test_exact_label_ranks_above_variants(index: NameIndex) -> None:
    hits = index.search("北京经济技术开发区", limit=5)
    assert hits[0].iri == ZONE + "gbt37028-11101001" and hits[0].score == EXACT_LABEL
    # 苏州工业园区 names a zone and an NBS statistical unit alike: both exact, before the rest
    both = index.search("苏州工业园区", limit=5)
    assert {h.iri for h in both[:2]} == {
        ZONE + "gbt37028-32101004",
        "https://w3id.org/zonegraph/id/division/320576",
    }
    assert all(h.score == EXACT_LABEL for h in both[:2]) and both[2].score < EXACT_LABEL
    # a name that is the short form of two zones' names lists both, neither silently chosen
    shorts = index.search("北京开发区", limit=10)
    assert shorts and shorts[0].iri == ZONE + "gbt37028-11101001"


def test_small_graph_pinyin_and_traditional() -> None:
    g = Graph()
    a, b = URIRef(ZONE + "a"), URIRef(ZONE + "b")
    g.add((a, RDFS.label, Literal("长沙经济技术开发区", lang="zh")))
    g.add((b, RDFS.label, Literal("长沙高新技术产业开发区", lang="zh")))
    idx = NameIndex.from_graph(g)
    assert idx.resolve("長沙經開區") == a
    assert idx.resolve("changsha gaoxinqu") == b
    assert [h.iri for h in idx.search("长沙", limit=5)] == [str(a), str(b)] or {
        h.iri for h in idx.search("长沙", limit=5)
    } == {str(a), str(b)}
