"""Every IRI of the data namespace resolves here: https://w3id.org/zonegraph/<path> ↔ /<path>.

One view per resource, rendered as an HTML page, its JSON twin, or RDF (Turtle, JSON-LD,
N-Triples, RDF/XML) by file extension or Accept. Ontology terms are hash IRIs (ontology#Park):
browsers drop the fragment, so /ontology lists every term with an anchor, and /ontology/Park
is the page of one term. An unknown IRI answers 404 with the names it most resembles.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import VOID

from graph.labels import short_name
from graph.names import LABEL_ROWS_QUERY, TYPE_ROWS_QUERY, SearchIndex
from graph.namespaces import BASE, ONTOLOGY_GRAPH
from graph.query.describe import (
    describe,
    entity_view,
    fetch_labels,
    local_path,
    node_view,
)
from graph.query.export import serialize_description
from graph.query.registry_zone import zone_registry
from service import release_status, state
from service.dumps import get_dumps
from service.render import (
    HTML,
    JSON,
    MEDIA_TYPES,
    RDF_FORMATS,
    Representation,
    negotiate,
    render_page,
    split_extension,
)
from service.state import backend_select, get_backend
from service.void import void_description

bp = Blueprint("linked_data", __name__)
#: Zone pages carry a registry section (code, type, level, divisions, sources).
ZONE_PAGES = BASE + "id/zone/"


def _index() -> SearchIndex:
    backend = get_backend()
    return SearchIndex.from_rows(backend.select(LABEL_ROWS_QUERY), backend.select(TYPE_ROWS_QUERY))


_SEARCH = state.Cache("search index", _index)


def get_search_index() -> SearchIndex:
    """Built at the first search (a few thousand names) and kept until an update."""
    return _SEARCH.get()


def rdf_response(graph: Graph, rep: Representation, links: dict[str, str]) -> Response:
    assert rep.rdflib_format is not None
    data = serialize_description(graph, rep.rdflib_format)
    # JSON-LD is UTF-8 by definition (a charset parameter is not registered for it).
    charset = "" if rep.rdflib_format == "json-ld" else "; charset=utf-8"
    resp = Response(data, content_type=rep.media_type + charset)
    _link_headers(resp, links)
    return resp


def _link_headers(resp: Response, links: dict[str, str]) -> None:
    resp.vary.add("Accept")
    resp.headers["Link"] = ", ".join(
        f'<{href}>; rel="alternate"; type="{MEDIA_TYPES[ext]}"' for ext, href in links.items()
    )


def format_links(path: str) -> dict[str, str]:
    """The representations of the resource at `path`, by extension."""
    return {r.extension: f"{path}.{r.extension}" for r in (JSON, *RDF_FORMATS)}


def not_found(iri: str, rep: Representation) -> Response:
    """404 with the names closest to the missing IRI (its prefixed name and its last word)."""
    index = get_search_index()
    seen: dict[str, dict[str, object]] = {}
    for text in (short_name_of(iri), iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")):
        for hit in index.suggest(text, limit=5):
            seen.setdefault(hit.iri, {**hit.to_dict(), "href": local_href(hit.iri)})
    suggestions = list(seen.values())[:8]
    message = f"没有这个资源 / no such resource: {iri}"
    context = {"error": message, "status": 404, "iri": iri, "suggestions": suggestions}
    if rep in (HTML, JSON):
        return render_page("error.html", {**context, "message": message}, rep, status=404)
    resp = Response(f"# {message}\n", status=404, mimetype="text/plain")
    return resp


def short_name_of(iri: str) -> str:
    return short_name(URIRef(iri))


def local_href(iri: str) -> str:
    return local_path(iri) or iri


def resource(iri: str, path: str, extension: str) -> Response:
    """The one view behind every entity IRI."""
    rep = negotiate(extension)
    backend = get_backend()
    links = format_links(path)
    if rep.rdflib_format is not None:
        graph = describe(backend, iri)
        if len(graph) == 0:
            return not_found(iri, rep)
        return rdf_response(graph, rep, links)
    view = entity_view(backend, iri)
    if view is None:
        return not_found(iri, rep)
    view["formats"] = links
    view["path"] = path
    if iri.startswith(ZONE_PAGES):
        view["registry"] = zone_registry(backend_select(backend), iri)
    resp = render_page("entity.html", view, rep)
    _link_headers(resp, links)
    return resp


@bp.get("/<any(id, concept):root>/<path:rest>")
def entity(root: str, rest: str) -> Response:
    stem, ext = split_extension(f"{root}/{rest}")
    return resource(BASE + stem, "/" + stem, ext)


@bp.get("/ontology/<path:term>")
def ontology_term(term: str) -> Response:
    stem, ext = split_extension(term)
    return resource(f"{BASE}ontology#{stem}", f"/ontology/{stem}", ext)


@bp.get("/ontology")
@bp.get("/ontology.<ext>")
def ontology(ext: str = "") -> Response:
    """The ontology document: every class, property and scheme, with an anchor per term."""
    rep = negotiate(ext)
    backend = get_backend()
    links = format_links("/ontology")
    if rep.rdflib_format is not None:
        graph = backend.construct(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"
        )
        return rdf_response(graph, rep, links)
    resp = render_page("ontology.html", ontology_view(), rep)
    _link_headers(resp, links)
    return resp


_TERMS = f"""
SELECT ?term ?kind ?zh ?en ?def ?domain ?range WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{
    VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                   skos:ConceptScheme }}
    ?term a ?kind .
    FILTER(STRSTARTS(STR(?term), "{BASE}ontology#"))
    OPTIONAL {{ ?term rdfs:label ?zh FILTER(LANGMATCHES(LANG(?zh), "zh")) }}
    OPTIONAL {{ ?term rdfs:label ?en FILTER(LANGMATCHES(LANG(?en), "en")) }}
    OPTIONAL {{ ?term skos:definition ?def }}
    OPTIONAL {{ ?term rdfs:domain ?domain FILTER(isIRI(?domain)) }}
    OPTIONAL {{ ?term rdfs:range ?range FILTER(isIRI(?range)) }}
  }}
}}"""

KIND_NAMES = {
    "Class": ("类", "Classes"),
    "ObjectProperty": ("对象属性", "Object properties"),
    "DatatypeProperty": ("数据属性", "Datatype properties"),
    "AnnotationProperty": ("注释属性", "Annotation properties"),
    "ConceptScheme": ("概念体系", "Concept schemes"),
}


def ontology_view() -> dict[str, Any]:
    backend = get_backend()
    rows = backend.select(_TERMS)
    nodes = {v for row in rows for k, v in row.items() if k in ("domain", "range")}
    labels = fetch_labels(backend, nodes)
    terms: dict[str, dict[str, Any]] = {}
    for row in rows:
        iri = str(row["term"])
        kind = str(row["kind"]).rsplit("#", 1)[-1]
        item = terms.setdefault(
            iri,
            {
                "iri": iri,
                "name": iri.rsplit("#", 1)[-1],
                "kind": kind,
                "href": "/ontology/" + iri.rsplit("#", 1)[-1],
                "label_zh": "",
                "label_en": "",
                "definition": "",
                "domain": [],
                "range": [],
            },
        )
        item["label_zh"] = item["label_zh"] or str(row.get("zh", ""))
        item["label_en"] = item["label_en"] or str(row.get("en", ""))
        item["definition"] = item["definition"] or str(row.get("def", ""))
        for key in ("domain", "range"):
            if key in row:
                view = node_view(row[key], labels)
                if view not in item[key]:
                    item[key].append(view)
    sections = []
    for kind, (zh, en) in KIND_NAMES.items():
        items = sorted((t for t in terms.values() if t["kind"] == kind), key=lambda t: t["name"])
        if items:
            sections.append({"kind": kind, "title_zh": zh, "title_en": en, "terms": items})
    return {"iri": BASE + "ontology", "sections": sections, "formats": format_links("/ontology")}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


# The dataset and its named graphs are IRIs of the namespace too (VoID, by the protocol
# blueprint): https://w3id.org/zonegraph/dataset and …/graph/data, …/graph/provenance, ….


def _void_about(subject: str) -> Graph:
    """The VoID triples about one subject (and the blank nodes it points to)."""
    void = void_description()
    out = Graph()
    todo: list[Any] = [URIRef(subject)]
    while todo:
        node = todo.pop()
        for triple in void.triples((node, None, None)):
            out.add(triple)
            if isinstance(triple[2], BNode):
                todo.append(triple[2])
    return out


def void_resource(iri: str, path: str, extension: str, title: tuple[str, str]) -> Response:
    rep = negotiate(extension)
    links = format_links(path)
    graph = _void_about(iri)
    if len(graph) == 0:
        return not_found(iri, rep)
    if rep.rdflib_format is not None:
        return rdf_response(graph, rep, links)
    triples = next((int(str(o)) for o in graph.objects(URIRef(iri), VOID.triples)), 0)
    dumps = get_dumps()
    context = {
        "iri": iri,
        "title_zh": title[0],
        "title_en": title[1],
        "triples": triples,
        "dumps": [i.to_dict() for i in dumps.info().values()] if dumps.available else [],
        "release": release_status.status(dumps.release),
        "formats": links,
    }
    resp = render_page("dataset.html", context, rep)
    _link_headers(resp, links)
    return resp


@bp.get("/dataset")
@bp.get("/dataset.<ext>")
def dataset(ext: str = "") -> Response:
    title = ("ZoneGraph 数据集", "The ZoneGraph dataset")
    return void_resource(BASE + "dataset", "/dataset", ext, title)


@bp.get("/graph/<name>")
def named_graph(name: str) -> Response:
    stem, ext = split_extension(name)
    titles = {
        "data": ("数据图", "data graph"),
        "provenance": ("来源图", "provenance graph"),
        "ontology": ("本体图", "ontology graph"),
        "reference": ("参考数据图", "reference graph"),
    }
    zh, en = titles.get(stem, (stem, stem))
    title = (f"命名图：{zh}", f"Named graph: {en}")
    return void_resource(f"{BASE}graph/{stem}", f"/graph/{stem}", ext, title)
