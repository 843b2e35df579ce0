"""What the network views need to know about RDF terms: categories, classes, labels.

Every node is put in one category — entity, concept, division, detail, provenance, schema or
literal — from its types (with their superclasses, read from the graph and the shipped ontology)
or, for untyped nodes, from its namespace. The views keep entities and leave the rest out unless
asked, which is what stops `rdf:Statement` or a unit of measure from becoming the biggest hub.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.namespace import TIME
from rdflib.term import Node

from graph.labels import PREFERRED_LABELS, Labeller, ontology_graph, prefixed
from graph.namespaces import BASE, ONTOLOGY_IRI, SCHEMA, ZG

#: "entity" | "concept" | "division" | "registry" | "detail" | "provenance" | "schema" | "literal"
Category = str
ReferenceMode = TypingLiteral["none", "linked", "all"]

GEO_SF_WITHIN = URIRef("http://www.opengis.net/ont/geosparql#sfWithin")
SCHEMA_TYPES = {
    OWL.Class,
    RDFS.Datatype,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.Ontology,
    RDF.Property,
    RDFS.Class,
    SKOS.ConceptScheme,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
}
PROVENANCE_TYPES = {
    RDF.Statement,
    ZG.SourceQuote,
    ZG.SourceDocument,
    SCHEMA.CreativeWorkSeries,
    SCHEMA.NewsArticle,
    SCHEMA.CreativeWork,
}
#: Namespaces whose nodes are about the sources, whatever their types say.
PROVENANCE_NAMESPACES = tuple(
    BASE + "id/" + ns + "/"
    for ns in ("quote", "statement", "document", "dataset", "row", "evidence", "agent")
)
#: Zones only the GB/T 37028 registry knows (2,603 of them): reference data to the article's
#: entity graph, like divisions, so that hubs, communities and paths stay about the articles'
#: ecosystems; the article zones themselves keep their registry facts.
REGISTRY_ZONE_PREFIX = BASE + "id/zone/gbt37028-"
DETAIL_TYPES = {
    ZG.Observation,
    ZG.Period,
    TIME.Interval,
    TIME.ProperInterval,
    TIME.Instant,
    SCHEMA.QuantitativeValue,
    SCHEMA.MonetaryAmount,
    ZG.Benefit,
}
NAMESPACE_CATEGORIES = (
    (BASE + "id/quote/", "provenance"),
    (BASE + "id/statement/", "provenance"),
    (BASE + "id/document/", "provenance"),
    (BASE + "id/dataset/", "provenance"),
    (BASE + "id/observation/", "detail"),
    (BASE + "id/period/", "detail"),
    (BASE + "id/amount/", "detail"),
    (BASE + "id/benefit/", "detail"),
    (BASE + "id/division/", "division"),
    (BASE + "concept/", "concept"),
    (str(ZG._NS), "schema"),
)
LABEL_PREDICATES = set(PREFERRED_LABELS)
#: Statements about a node's names or dates rather than relations between things: where an
#: English name comes from links every generated name to one concept, a date's precision every
#: dated event to one of three; no analysis should cross them.
NOT_RELATIONS = frozenset({ZG.englishNameOrigin, ZG.datePrecision})
#: Predicates that climb a reference hierarchy; followed to give linked concepts their ancestors.
HIERARCHY_PREDICATES = (SKOS.broader, ZG.parentDivision)
CONTAINMENT_ROOTS = (SCHEMA.containedInPlace, GEO_SF_WITHIN, ZG.locatedIn, ZG.clusterIn)
#: Readable names for edges walked against their direction (used in chains and the tree).
INVERSE_LABELS: dict[URIRef, tuple[str, str]] = {
    SCHEMA.containedInPlace: ("包含", "contains"),
    SCHEMA.containsPlace: ("位于", "contained in"),
    SCHEMA.isPartOf: ("包括", "has part"),
    GEO_SF_WITHIN: ("包含", "contains"),
    ZG.locatedIn: ("拥有", "hosts"),
    ZG.registeredIn: ("注册有", "has registered"),
    ZG.incubatedIn: ("孵化出", "incubated"),
    ZG.clusterIn: ("拥有集群", "has cluster"),
    ZG.hasMember: ("属于", "member of"),
    ZG.industry: ("涉及主体", "industry of"),
    ZG.hasMeasure: ("所属政策", "measure of"),
    ZG.producedBy: ("研制", "produced"),
    ZG.builtOnBasisOf: ("支撑建设", "is the basis of"),
    ZG.groupingOf: ("拥有组合", "has grouping"),
    ZG.issuedBy: ("发布", "issued"),
    ZG.implementedIn: ("实施", "implements"),
}


def node_id(node: Node) -> str:
    return ("literal:" + node.n3()) if isinstance(node, Literal) else str(node)


@dataclass
class Vocabulary:
    """What the views need to know about terms: labels, class ancestry, property ancestry."""

    graph: Graph
    labeller: Labeller
    class_ancestors: dict[Node, frozenset[Node]] = field(default_factory=dict)
    property_ancestors: dict[Node, frozenset[Node]] = field(default_factory=dict)
    #: Classes and properties the ontology only mentions (schema:Place, time:Interval …): an
    #: untyped IRI in a subclass, subproperty, domain or range triple is a term, not an entity.
    mentioned_terms: frozenset[Node] = frozenset()

    @classmethod
    def of(cls, graph: Graph) -> Vocabulary:
        vocab = cls(graph=graph, labeller=Labeller(graph))
        sources = (graph, ontology_graph())
        vocab.class_ancestors = _closure(sources, RDFS.subClassOf)
        vocab.property_ancestors = _closure(sources, RDFS.subPropertyOf)
        terms: set[Node] = set()
        for closure in (vocab.class_ancestors, vocab.property_ancestors):
            terms.update(closure)
            for ancestors in closure.values():
                terms.update(ancestors)
        for source in sources:
            for pred in (RDFS.domain, RDFS.range):
                terms.update(source.objects(None, pred))
        vocab.mentioned_terms = frozenset(terms)
        return vocab

    def types(self, node: Node) -> set[Node]:
        direct = set(self.graph.objects(node, RDF.type))
        every = set(direct)
        for t in direct:
            every |= self.class_ancestors.get(t, frozenset())
        return every

    def is_a(self, node: Node, cls: URIRef) -> bool:
        return cls in self.types(node)

    def main_class(self, node: Node) -> Node | None:
        """The most specific type: the one with most ancestors, ZoneGraph's own terms first."""
        direct = sorted(set(self.graph.objects(node, RDF.type)), key=str)
        if not direct:
            return None
        return max(
            direct,
            key=lambda t: (
                str(t).startswith(str(ZG._NS)),
                len(self.class_ancestors.get(t, ())),
                str(t),
            ),
        )

    def sub_properties(self, roots: Iterable[URIRef]) -> set[Node]:
        """The roots and every property declared below them."""
        wanted: set[Node] = set(roots)
        found: set[Node] = set(wanted)
        for prop, ancestors in self.property_ancestors.items():
            if ancestors & wanted:
                found.add(prop)
        return found

    def category(self, node: Node) -> Category:
        if isinstance(node, Literal):
            return "literal"
        if isinstance(node, BNode):
            return "detail"
        types = self.types(node)
        iri = str(node)
        if iri.startswith(PROVENANCE_NAMESPACES):
            return "provenance"
        if iri.startswith(REGISTRY_ZONE_PREFIX):
            return "registry"
        if types & SCHEMA_TYPES or node == ONTOLOGY_IRI:
            return "schema"
        if not types and node in self.mentioned_terms:
            return "schema"
        if types & PROVENANCE_TYPES:
            return "provenance"
        if types & DETAIL_TYPES:
            return "detail"
        if ZG.AdministrativeDivision in types:
            return "division"
        if SKOS.Concept in types:
            return "concept"
        if types:
            return "entity"
        for ns, cat in NAMESPACE_CATEGORIES:
            if iri.startswith(ns):
                return cat
        return "entity"

    def node_attributes(self, node: Node, category: Category) -> dict[str, str]:
        zh, en = self.labeller.labels(node)
        cls = self.main_class(node)
        cls_zh, cls_en = self.labeller.labels(cls) if cls is not None else ("", "")
        if isinstance(node, Literal):
            cls_zh, cls_en = "文本", "literal"
        return {
            "iri": str(node) if isinstance(node, URIRef) else "",
            "label": zh,
            "label_zh": zh,
            "label_en": en,
            "class": (prefixed(str(cls)) or str(cls)) if cls is not None else "",
            "class_zh": cls_zh,
            "class_en": cls_en,
            "category": category,
        }

    def edge_attributes(self, predicate: Node) -> dict[str, str]:
        zh, en = self.labeller.labels(predicate)
        return {
            "predicate": str(predicate),
            "predicate_pname": prefixed(str(predicate)) or str(predicate),
            "label": zh,
            "label_zh": zh,
            "label_en": en,
        }


def _closure(graphs: Iterable[Graph], predicate: URIRef) -> dict[Node, frozenset[Node]]:
    parents: dict[Node, set[Node]] = {}
    for g in graphs:
        for s, o in g.subject_objects(predicate):
            parents.setdefault(s, set()).add(o)
    result: dict[Node, frozenset[Node]] = {}
    for start in parents:
        seen: set[Node] = set()
        stack = list(parents[start])
        while stack:
            n = stack.pop()
            if n not in seen:
                seen.add(n)
                stack.extend(parents.get(n, ()))
        result[start] = frozenset(seen)
    return result
