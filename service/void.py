"""What the endpoint and the dataset are: a SPARQL 1.1 Service Description and VoID.

Both are small graphs built with rdflib from counts the backend answers (cached in service.state
until an update changes the data) and rendered as Turtle, JSON-LD, N-Triples or RDF/XML by Accept.
The Service Description answers GET /sparql without a query (SPARQL 1.1 Service Description,
section 2); VoID is served at /.well-known/void (VoID, section 7).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import Blueprint, Flask, Response, abort, current_app, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, VOID, XSD

from graph import formats
from graph.namespaces import BASE, ID, ONTOLOGY_IRI
from graph.query.export import dump_filename
from graph.query.stats import ENTITIES_MEANING, count_entities
from service import negotiation, state
from service.state import backend_select, get_backend

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace(formats.W3C_FORMATS)
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
#: What /sparql answers with, each by its IRI in the W3C formats registry.
RESULT_FORMATS = tuple(f for f in formats.of_kind("solutions", "graph") if f.iri)
#: The dumps VoID lists: one per RDF format of the table.
DUMPS = formats.of_kind("graph")
#: What these small rdflib graphs are offered in.
RDFLIB_FORMATS = formats.rdflib_graph_formats()

_GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_CLASS_COUNTS = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
_PROPERTIES = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"

bp = Blueprint("describe", __name__)


@dataclass
class Counts:
    graphs: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    entities: int = 0
    properties: int = 0

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def _number(row: Mapping[str, object], name: str = "n") -> int:
    value = row.get(name)
    return int(str(value)) if value is not None else 0


def _compute_counts() -> Counts:
    backend = get_backend()
    c = Counts()
    for row in backend.select(_GRAPH_COUNTS):
        c.graphs[str(row["g"])] = _number(row)
    for row in backend.select(_CLASS_COUNTS):
        c.classes[str(row["c"])] = _number(row)
    c.entities = count_entities(backend_select(backend))
    c.properties = sum(_number(r) for r in backend.select(_PROPERTIES))
    return c


_COUNTS = state.Cache("void counts", _compute_counts)


def counts() -> Counts:
    """Triples per graph, entities per class: asked of the backend once, until state.forget."""
    return _COUNTS.get()


def base_url() -> str:
    configured = current_app.config.get("ZONEGRAPH_PUBLIC_BASE")
    return (configured or request.url_root).rstrip("/") + "/"


def _count(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def service_description() -> Graph:
    base = base_url()
    g = _graph()
    service = URIRef(base + "sparql")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if current_app.config.get("ZONEGRAPH_UPDATE_TOKEN"):
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for fmt in RESULT_FORMATS:
        g.add((service, SD.resultFormat, URIRef(str(fmt.iri))))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if current_app.config.get("ZONEGRAPH_ALLOW_REMOTE"):
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    g.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    g.add((service, DCTERMS.title, Literal("ZoneGraph 开发区知识图谱 SPARQL 查询服务", lang="zh")))
    g.add((service, DCTERMS.title, Literal("ZoneGraph SPARQL endpoint", lang="en")))
    c = counts()
    dataset = BNode("dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, VOID.sparqlEndpoint, service))
    default = BNode("default")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, _count(c.triples)))
    for name, triples in sorted(c.graphs.items()):
        named, inner = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, inner))
        g.add((inner, RDF.type, SD.Graph))
        g.add((inner, VOID.triples, _count(triples)))
    return g


def void_description() -> Graph:
    base = base_url()
    g = _graph()
    dataset = URIRef(BASE + "dataset")
    c = counts()
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, DCTERMS.title, Literal("ZoneGraph 中国开发区知识图谱", lang="zh")))
    g.add((dataset, DCTERMS.title, Literal("ZoneGraph: China's development zones", lang="en")))
    g.add((dataset, FOAF.homepage, URIRef(base)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    for fmt in DUMPS:
        g.add((dataset, VOID.dataDump, URIRef(f"{base}dumps/{dump_filename(fmt)}")))
    g.add((dataset, VOID.uriSpace, Literal(str(ID))))
    g.add((dataset, VOID.vocabulary, ONTOLOGY_IRI))
    g.add((dataset, VOID.triples, _count(c.triples)))
    g.add((dataset, VOID.entities, _count(c.entities)))
    # void:entities counts what stats and the home page count; say which resources those are.
    for text, lang in zip(ENTITIES_MEANING, ("zh", "en"), strict=True):
        g.add((dataset, RDFS.comment, Literal(text, lang=lang)))
    g.add((dataset, VOID.classes, _count(len(c.classes))))
    g.add((dataset, VOID.properties, _count(c.properties)))
    for cls, n in sorted(c.classes.items()):
        part = BNode()
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, _count(n)))
    for name, triples in sorted(c.graphs.items()):
        subset = URIRef(name)
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, SD.name, subset))
        g.add((subset, VOID.triples, _count(triples)))
    return g


def _graph() -> Graph:
    g = Graph()
    for prefix, ns in (("sd", SD), ("void", VOID), ("formats", FORMATS), ("dcterms", DCTERMS)):
        g.bind(prefix, ns)
    return g


def rdf_response(g: Graph) -> Response:
    """The graph in the format the client accepts (Turtle by default); 406 if none."""
    names = negotiation.format_names(request.args)
    fmt = negotiation.pick(request.headers.get("Accept"), names, "graph", RDFLIB_FORMATS)
    if fmt is None or fmt.rdflib is None:
        offered = negotiation.offered_types("graph", RDFLIB_FORMATS)
        abort(406, f"no acceptable format: offered {offered}")
    body = g.serialize(format=fmt.rdflib, encoding="utf-8")
    resp = Response(body, mimetype=fmt.media_type)
    resp.vary.add("Accept")
    return resp


@bp.get("/.well-known/void")
def void() -> Response:
    return rdf_response(void_description())


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
