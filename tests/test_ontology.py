"""The ontology: namespace in step with the Turtle, consistent under HermiT, documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

from graph.build import load_ontology
from graph.docs import render_docs
from graph.namespaces import ZG

ZG_NS = str(ZG._NS)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def declared_terms(g: Graph) -> set[str]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.ConceptScheme)
    return {
        str(s)[len(ZG_NS) :]
        for kind in kinds
        for s in g.subjects(RDF.type, kind)
        if str(s).startswith(ZG_NS)
    }


def test_namespace_matches_ontology(ontology: Graph) -> None:
    in_code = {name for name in ZG.__annotations__ if not name.startswith("_")}
    in_ttl = declared_terms(ontology)
    assert in_ttl - in_code == set(), "terms missing from graph/namespaces.py"
    assert in_code - in_ttl == set(), "terms in graph/namespaces.py that the ontology lacks"


def test_unknown_term_fails_fast() -> None:
    with pytest.raises(AttributeError):
        ZG.DevelopmentZoen  # noqa: B018 - the attribute access is the test


def test_every_term_is_labelled_bilingually_and_defined(ontology: Graph) -> None:
    for name in declared_terms(ontology):
        term = URIRef(ZG_NS + name)
        labels = list(ontology.objects(term, RDFS.label)) + list(
            ontology.objects(term, SKOS.prefLabel)
        )
        langs = {getattr(label, "language", None) for label in labels}
        assert {"zh", "en"} <= langs, f"zg:{name} lacks a zh or en label"
        assert ontology.value(term, SKOS.definition) is not None, f"zg:{name} has no definition"


def test_reused_vocabularies(ontology: Graph) -> None:
    """Local classes hang under the W3C and schema.org terms DOMAIN.md recommends."""
    supers = {str(o) for o in ontology.objects(None, RDFS.subClassOf)}
    for expected in (
        "http://www.w3.org/ns/org#FormalOrganization",
        "http://www.w3.org/ns/org#Post",
        "http://purl.org/linked-data/cube#Observation",
        "http://www.w3.org/ns/oa#TextQuoteSelector",
        "https://schema.org/Place",
        "http://www.w3.org/2006/time#ProperInterval",
    ):
        assert expected in supers


def test_consistent_under_hermit(ontology: Graph, tmp_path: Path) -> None:
    import owlready2

    path = tmp_path / "zonegraph.owl"
    ontology.serialize(destination=path, format="xml")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


def test_docs_render(tmp_path: Path) -> None:
    page = render_docs(tmp_path / "docs")
    html = page.read_text(encoding="utf-8")
    assert "开发区" in html and "DevelopmentZone" in html
