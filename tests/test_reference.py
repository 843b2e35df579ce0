"""Reference data: every division and industry code once, with one label and a parent."""

from __future__ import annotations

from collections import Counter

from rdflib import RDF, RDFS, SKOS, Graph

from graph import resources
from graph.build.reference import divisions, gbt_iri, industries
from graph.namespaces import ZG


def test_industry_scheme_is_a_clean_tree() -> None:
    g: Graph = industries(resources.reference_dir())
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == 1772
    labels = Counter((s, o.language) for s, o in g.subject_objects(SKOS.prefLabel) if s in concepts)
    assert max(labels.values()) == 1, "a code has two preferred labels in one language"
    for concept in concepts:
        parents = set(g.objects(concept, SKOS.broader))
        assert parents <= concepts, f"{concept} points at a missing parent"
        assert parents or (concept, SKOS.topConceptOf, None) in g
    assert g.value(gbt_iri("3741"), SKOS.prefLabel).value == "飞机制造"  # erratum applied
    assert g.value(gbt_iri("3741"), SKOS.broader) == gbt_iri("374")
    assert g.value(gbt_iri("36"), SKOS.broader) == gbt_iri("C")


def test_divisions_levels_and_parents() -> None:
    g = divisions(resources.reference_dir())
    assert len(set(g.subjects(RDF.type, ZG.Province))) == 31
    assert len(set(g.subjects(RDF.type, ZG.Prefecture))) == 342
    assert len(set(g.subjects(RDF.type, ZG.County))) == 2978
    huangpu = next(
        s
        for s, o in g.subject_objects(RDFS.label)
        if str(o) == "黄埔区" and str(s).endswith("440112")
    )
    city = g.value(huangpu, ZG.parentDivision)
    assert str(g.value(city, RDFS.label)) == "广州市"
    assert str(g.value(g.value(city, ZG.parentDivision), RDFS.label)) == "广东省"
