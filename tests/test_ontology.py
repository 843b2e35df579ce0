"""The ontology: namespace in step with the Turtle, consistent under HermiT, documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from graph.build import BuildResult, load_ontology
from graph.docs import render_docs
from graph.namespaces import DATA_GRAPH, NAMED_GRAPHS, REFERENCE_GRAPH, ZG

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


def _hermit(g: Graph, path: Path) -> list[object]:
    """Run HermiT on `g` and return its unsatisfiable classes; raises if `g` is inconsistent
    or uses a datatype outside the OWL 2 datatype map."""
    import owlready2

    g.serialize(destination=path, format="xml")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return list(world.inconsistent_classes())


def test_consistent_under_hermit(ontology: Graph, tmp_path: Path) -> None:
    assert _hermit(ontology, tmp_path / "zonegraph.owl") == []


def test_consistent_with_data_and_reference_under_hermit(
    ontology: Graph, built: BuildResult, tmp_path: Path
) -> None:
    """The ontology with the shipped data and reference graphs: no entity of two disjoint
    kinds, no literal HermiT rejects, no value outside a property's range."""
    g = Graph()
    for t in ontology:
        g.add(t)
    for name in (DATA_GRAPH, REFERENCE_GRAPH):
        for t in built.graph(name):
            g.add(t)
    assert len(g) > len(ontology) + 20000  # the data and the reference really are in it
    assert _hermit(g, tmp_path / "with-data.owl") == []


EVENT = URIRef("https://w3id.org/zonegraph/id/event/t-hermit")


@pytest.mark.parametrize(
    ("triples", "error"),
    [
        # a zone typed as its own administering body: the disjoint kinds catch it
        ([(RDF.type, ZG.DevelopmentZone), (RDF.type, ZG.AdministrativeBody)], "Inconsistent"),
        # a date of a datatype OWL 2 does not have
        ([(RDF.type, ZG.Event), (ZG.date, Literal("2024-01-22", datatype=XSD.date))], "Java"),
        ([(RDF.type, ZG.Event), (ZG.date, Literal("2023", datatype=XSD.gYear))], "Java"),
        # a date that is not a date
        ([(RDF.type, ZG.Event), (ZG.date, Literal("2023-07"))], "Inconsistent"),
    ],
)
def test_hermit_rejects_bad_data(
    ontology: Graph, tmp_path: Path, triples: list[tuple[URIRef, Literal]], error: str
) -> None:
    """The check above can fail: the faults it is there for make HermiT refuse."""
    g = Graph()
    for t in ontology:
        g.add(t)
    for p, o in triples:
        g.add((EVENT, p, o))
    with pytest.raises(Exception) as caught:
        _hermit(g, tmp_path / "bad.owl")
    assert error in type(caught.value).__name__


#: The datatypes of OWL 2's datatype map (OWL 2 Structural Specification, section 4), less
#: the ones ZoneGraph never writes.
OWL2_DATATYPES = {
    str(RDF.PlainLiteral),
    str(RDF.XMLLiteral),
    str(RDF.langString),
    str(RDFS.Literal),
    *(
        str(XSD) + name
        for name in (
            "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger "
            "negativeInteger long int short byte unsignedLong unsignedInt unsignedShort "
            "unsignedByte double float string normalizedString token language Name NCName "
            "NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp"
        ).split()
    ),
}


def test_every_literal_is_of_an_owl2_datatype(ontology: Graph, built: BuildResult) -> None:
    """All four graphs, provenance included: no xsd:date, xsd:gYear or xsd:gYearMonth left;
    code datatypes (zg:GBT37028Code) are declared rdfs:Datatype, which OWL 2 allows."""
    declared = {str(d) for d in ontology.subjects(RDF.type, RDFS.Datatype)}
    bad = {
        (str(s), str(p), str(o), str(o.datatype))
        for name in NAMED_GRAPHS
        for s, p, o in built.graph(name)
        if isinstance(o, Literal)
        and o.datatype
        and str(o.datatype) not in OWL2_DATATYPES | declared
    }
    assert sorted(bad)[:5] == []


def test_dates_are_instants_with_a_precision(built: BuildResult) -> None:
    """Every date is an xsd:dateTime at the start of a day in Beijing time, and whatever is
    dated by zg:date carries exactly one zg:datePrecision of the scheme."""
    union = built.union()
    date_props = (ZG.date, ZG.reportedOn, ZG.notAfter, ZG.notBefore, ZG.startDate, ZG.endDate)
    seen = 0
    for prop in date_props:
        for s, o in union.subject_objects(prop):
            seen += 1
            assert isinstance(o, Literal) and o.datatype == XSD.dateTime, (s, prop, o)
            assert str(o).endswith("T00:00:00+08:00"), (s, prop, o)
    assert seen >= 20  # periods shared by several files count once
    precisions = set(union.subjects(RDF.type, ZG.DatePrecision))
    assert len(precisions) == 3
    for s in set(union.subjects(ZG.date, None)):
        assert [p for p in union.objects(s, ZG.datePrecision) if p in precisions] != [], s
        assert len(set(union.objects(s, ZG.datePrecision))) == 1, s
    # 「2020年4月」 is month precision, not a day
    founding = URIRef("https://w3id.org/zonegraph/id/event/yaodu-ccp-founding")
    assert str(union.value(founding, ZG.datePrecision)).endswith("/month")
    assert str(union.value(founding, ZG.date)) == "2020-04-01T00:00:00+08:00"


def test_docs_render(tmp_path: Path) -> None:
    page = render_docs(tmp_path / "docs")
    html = page.read_text(encoding="utf-8")
    assert "开发区" in html and "DevelopmentZone" in html
