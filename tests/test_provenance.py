"""Provenance that tells the truth: quotes state what they carry, curator knowledge says so.

Curator assertions are written as curator:… graphs in the fact files; the compiler turns them
into zg:CuratorAssertion evidence and refuses one that does not say why or on what basis.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import PROV

from graph import resources
from graph.build import BuildResult, load_documents
from graph.build.facts import compile_fact_files
from graph.errors import SourceError
from graph.namespaces import ID, PROVENANCE_GRAPH, ZG

GZ = URIRef(str(ID) + "zone/guangzhou-etdz")
HUANGPU = URIRef(str(ID) + "division/440112")
BASIS = "https://w3id.org/zonegraph/concept/basis/"

SOURCES_QUERY = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?p ?o ?evidence ?kind WHERE {
  GRAPH <https://w3id.org/zonegraph/graph/provenance> {
    ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?evidence .
    ?evidence a ?kind .
  }
}"""


def evidence_of(built: BuildResult, s: URIRef, p: URIRef, o: URIRef) -> set[tuple[str, str]]:
    rows = built.dataset.query(SOURCES_QUERY, initBindings={"s": s, "p": p, "o": o})
    return {(str(r.evidence), str(r.kind).rsplit("#", 1)[1]) for r in rows}  # type: ignore[union-attr]


def test_huangpu_link_is_curator_knowledge(built: BuildResult) -> None:
    found = evidence_of(built, GZ, ZG.inDivision, HUANGPU)
    assert found == {(str(ID) + "assertion/gz-huangpu", "CuratorAssertion")}
    prov = built.dataset.graph(PROVENANCE_GRAPH)
    assertion = URIRef(str(ID) + "assertion/gz-huangpu")
    assert prov.value(assertion, ZG.basis) == URIRef(BASIS + "general-knowledge")
    assert prov.value(assertion, PROV.wasAttributedTo) == URIRef(str(ID) + "agent/curators")
    langs = {o.language for o in prov.objects(assertion, ZG.rationale) if isinstance(o, Literal)}
    assert langs == {"zh", "en"}


def test_gbt_mappings_and_definitions_cite_no_quote(built: BuildResult) -> None:
    """No GB/T mapping or definition of an industry, no period's dates, is derived from a quote."""
    rows = built.dataset.query("""
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX zg: <https://w3id.org/zonegraph/ontology#>
        SELECT ?s ?p WHERE {
          GRAPH <https://w3id.org/zonegraph/graph/provenance> {
            ?st rdf:subject ?s ; rdf:predicate ?p ; prov:wasDerivedFrom ?q . ?q a zg:SourceQuote .
          }
          FILTER (?p IN (skos:closeMatch, skos:broadMatch, skos:narrowMatch, skos:relatedMatch,
                         skos:exactMatch, skos:definition, zg:startDate, zg:endDate))
          FILTER (STRSTARTS(STR(?s), "https://w3id.org/zonegraph/concept/industry/")
                  || STRSTARTS(STR(?s), "https://w3id.org/zonegraph/id/period/"))
        }""")
    assert list(rows) == []


def test_platforms_are_promoted_not_placed(built: BuildResult) -> None:
    data = built.dataset.graph(URIRef("https://w3id.org/zonegraph/graph/data"))
    for name in ("guangzhou-hong-kong-sci-tech-cooperation-park", "wanchuang-star"):
        platform = URIRef(str(ID) + "org/" + name)
        assert (platform, ZG.locatedIn, GZ) not in data
        assert (GZ, ZG.promotes, platform) in data
    science_city = URIRef(str(ID) + "park/guangzhou-science-city")
    assert list(data.objects(science_city, ZG.industry)) == []


def test_support_links_cite_the_sentence_that_states_them(built: BuildResult) -> None:
    firm = URIRef(str(ID) + "org/shanxi-pengyou-water-planning-design")
    committee = URIRef(str(ID) + "org/yaodu-htz-management-committee")
    found = evidence_of(built, firm, ZG.supportedBy, committee)
    assert found == {(str(ID) + "quote/yd-25a", "SourceQuote")}
    exact = built.dataset.graph(PROVENANCE_GRAPH).value(
        URIRef(str(ID) + "quote/yd-25a"), URIRef("http://www.w3.org/ns/oa#exact")
    )
    assert "在尧都高新区的保驾护航中" in str(exact)


def test_every_statement_cites_evidence_of_a_known_kind(built: BuildResult) -> None:
    prov = built.dataset.graph(PROVENANCE_GRAPH)
    kinds = {ZG.SourceQuote, ZG.CuratorAssertion, ZG.TableRow, ZG.OfficialDocument}
    for st in prov.subjects(RDF.type, RDF.Statement):
        for evidence in prov.objects(st, PROV.wasDerivedFrom):
            assert set(prov.objects(evidence, RDF.type)) & kinds, (st, evidence)


HEADER = """@prefix zg: <https://w3id.org/zonegraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix curator: <https://w3id.org/zonegraph/id/assertion/> .
@prefix basis: <https://w3id.org/zonegraph/concept/basis/> .
@prefix quote: <https://w3id.org/zonegraph/id/quote/> .
@prefix zone: <https://w3id.org/zonegraph/id/zone/> .
"""


def compile_text(tmp_path: Path, body: str) -> None:
    path = tmp_path / "t-curator.trig"
    path.write_text(HEADER + body, encoding="utf-8")
    docs, _ = load_documents(resources.sources_dir())
    compile_fact_files([path], docs, tmp_path)


@pytest.mark.parametrize(
    ("about", "message"),
    [
        (
            'zg:basis basis:general-knowledge ; zg:rationale "中文理由"@zh',
            "curator:t-1 needs a zg:rationale in en (why curators assert it)",
        ),
        ('zg:rationale "中文"@zh , "English"@en', "curator:t-1 needs exactly one zg:basis"),
        (
            'zg:basis basis:inference ; zg:rationale "中文"@zh , "English"@en',
            "curator:t-1 is an inference but names nothing it is drawn from (prov:wasDerivedFrom)",
        ),
        (
            'zg:basis basis:definition ; zg:rationale "中文"@zh , "English"@en ; rdfs:label "x"',
            "curator:t-1 says rdfs:label of itself",
        ),
    ],
)
def test_compiler_refuses_a_careless_curator_assertion(
    tmp_path: Path, about: str, message: str
) -> None:
    body = f'\ncurator:t-1 {{\n    curator:t-1 {about} .\n    zone:t-x rdfs:label "x"@zh .\n}}\n'
    with pytest.raises(SourceError) as err:
        compile_text(tmp_path, body)
    text = str(err.value)
    assert "t-curator.trig" in text and ":9" in text, text
    assert message in text


def test_graph_named_neither_quote_nor_curator(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="named neither quote:… nor curator:…"):
        compile_text(tmp_path, '\nzone:t-g {\n    zone:t-x rdfs:label "x"@zh .\n}\n')
