"""What the endpoint and the dataset are: a SPARQL 1.1 Service Description and VoID.

Both are small graphs built with rdflib from counts and rendered as Turtle, JSON-LD, N-Triples
or RDF/XML by Accept. The Service Description answers GET /sparql without a query (SPARQL 1.1
Service Description, section 2) and counts what the endpoint answers from: the live data,
updates included (cached in service.state until the next update). VoID is served at
/.well-known/void (VoID, section 7) and describes the dataset its void:dataDump links give, so
its counts are the release's (counted once from the dumps' source, in this process). When
updates were accepted since, a second void:Dataset, `<dataset#live>`, derived from the first,
gives the live counts and says that the dumps do not hold those updates.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import Blueprint, Flask, Response, abort, current_app, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, VOID, XSD

from graph import formats
from graph.namespaces import BASE, ID, ONTOLOGY_IRI
from graph.query.export import dump_filename
from graph.query.stats import ENTITIES_MEANING, Select, count_entities, store_select
from service import negotiation, release_status, state
from service.dumps import get_dumps
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
# The union's distinct triples: what the N-Triples dump holds, one line each.
_UNION = (
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
)
RELEASE_COUNTS = "zonegraph.release-counts"

bp = Blueprint("describe", __name__)


@dataclass
class Counts:
    graphs: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    entities: int = 0
    properties: int = 0
    triples: int = 0  # distinct triples of the union of the graphs


def _number(row: Mapping[str, object], name: str = "n") -> int:
    value = row.get(name)
    return int(str(value)) if value is not None else 0


def _counted(select: Select) -> Counts:
    c = Counts()
    for row in select(_GRAPH_COUNTS):
        c.graphs[str(row["g"])] = _number(row)
    for row in select(_CLASS_COUNTS):
        c.classes[str(row["c"])] = _number(row)
    c.entities = count_entities(select)
    c.properties = sum(_number(r) for r in select(_PROPERTIES))
    c.triples = sum(_number(r) for r in select(_UNION))
    return c


def _compute_counts() -> Counts:
    return _counted(backend_select(get_backend()))


_COUNTS = state.Cache("void counts", _compute_counts)


def counts() -> Counts:
    """What the endpoint answers from: asked of the backend once, until state.forget."""
    return _COUNTS.get()


def release_counts() -> Counts:
    """What the dumps hold. With no update since the release that is the live data; otherwise
    the release is counted once (it never changes) from the dumps' own source."""
    if not release_status.updates_since():
        return counts()
    dumps = get_dumps()
    if not dumps.available:
        return counts()
    kept: dict[str, Counts] = current_app.extensions.setdefault(RELEASE_COUNTS, {})
    with _RELEASE_LOCK:
        if "release" not in kept:
            kept["release"] = _counted(store_select(dumps.source()))
        return kept["release"]


_RELEASE_LOCK = threading.Lock()


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
    c = release_counts()
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
    _live(g, dataset, base)
    return g


def _live(g: Graph, release: URIRef, base: str) -> None:
    """Say what the dumps lack, and give the live counts their own void:Dataset."""
    status = release_status.status(get_dumps().release)
    g.add((release, RDFS.comment, Literal(status["note_zh"], lang="zh")))
    g.add((release, RDFS.comment, Literal(status["note_en"], lang="en")))
    if not status["updates_since"]:
        return
    live, c = URIRef(BASE + "dataset#live"), counts()
    g.add((live, RDF.type, VOID.Dataset))
    g.add((live, PROV.wasDerivedFrom, release))
    g.add((live, DCTERMS.title, Literal("ZoneGraph 在线数据（含更新）", lang="zh")))
    g.add((live, DCTERMS.title, Literal("ZoneGraph live data (updates included)", lang="en")))
    g.add((live, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    g.add((live, VOID.triples, _count(c.triples)))
    g.add((live, VOID.entities, _count(c.entities)))
    g.add((live, VOID.classes, _count(len(c.classes))))
    g.add((live, VOID.properties, _count(c.properties)))
    count = status["updates_since"]
    zh = f"发布版本加上此后接受的 {count} 个更新；数据下载不含这些更新。"
    en = f"The release plus the {count} updates accepted since; the dumps do not hold them."
    g.add((live, RDFS.comment, Literal(zh, lang="zh")))
    g.add((live, RDFS.comment, Literal(en, lang="en")))


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
