"""Every IRI of the data namespace resolves here: https://w3id.org/zonegraph/<path> ↔ /<path>.

One view per resource, rendered as an HTML page, its JSON twin, or RDF (Turtle, JSON-LD,
N-Triples, RDF/XML) by file extension or Accept. Ontology terms are hash IRIs (ontology#Park):
browsers drop the fragment, so /ontology lists every term with an anchor, and /ontology/Park
is the page of one term. An unknown IRI answers 404 with the names it most resembles.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app
from rdflib import Graph

from graph.describe import describe, entity_view, node_view, short_name
from graph.namespaces import BASE, ONTOLOGY_GRAPH, PREFIXES
from graph.search import SearchIndex

from .backend import get_backend
from .render import (
    HTML,
    JSON,
    OFFERS,
    RDF_FORMATS,
    Representation,
    negotiate,
    render_page,
    split_extension,
)

bp = Blueprint("linked_data", __name__)

SEARCH_EXTENSION = "zonegraph.search"
#: Top-level folders of the data namespace served by the entity view.
NAMESPACE_ROOTS = ("id", "concept")


def get_search_index() -> SearchIndex:
    """Built at the first search (a few thousand names) and kept: the store is read-only."""
    index: SearchIndex | None = current_app.extensions.get(SEARCH_EXTENSION)
    if index is None:
        from graph.search import LABEL_ROWS_QUERY, TYPE_ROWS_QUERY

        backend = get_backend()
        index = SearchIndex.from_rows(
            backend.select(LABEL_ROWS_QUERY), backend.select(TYPE_ROWS_QUERY)
        )
        current_app.extensions[SEARCH_EXTENSION] = index
    return index


def rdf_response(graph: Graph, rep: Representation, links: dict[str, str]) -> Response:
    assert rep.rdflib_format is not None
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    kwargs: dict[str, Any] = {}
    if rep.rdflib_format == "json-ld":
        kwargs["context"] = {p: ns for p, ns in PREFIXES.items() if "-" not in p}
        kwargs["auto_compact"] = True
    data = graph.serialize(format=rep.rdflib_format, encoding="utf-8", **kwargs)
    mimetype = rep.media_type + ("" if rep.rdflib_format == "json-ld" else "; charset=utf-8")
    resp = Response(data, mimetype=mimetype)
    _link_headers(resp, links)
    return resp


def _link_headers(resp: Response, links: dict[str, str]) -> None:
    resp.vary.add("Accept")
    resp.headers["Link"] = ", ".join(
        f'<{href}>; rel="alternate"; type="{BY_MEDIA[ext]}"' for ext, href in links.items()
    )


BY_MEDIA = {r.extension: r.media_type for r in OFFERS}


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
    from rdflib import URIRef

    return short_name(URIRef(iri))


def local_href(iri: str) -> str:
    from graph.describe import local_path

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
        graph = backend.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> "
                                  "{ ?s ?p ?o } }")
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
    from graph.describe import fetch_labels

    backend = get_backend()
    rows = backend.select(_TERMS)
    nodes = {v for row in rows for k, v in row.items() if k in ("domain", "range")}
    labels = fetch_labels(backend, nodes)
    terms: dict[str, dict[str, Any]] = {}
    for row in rows:
        iri = str(row["term"])
        kind = str(row["kind"]).rsplit("#", 1)[-1]
        item = terms.setdefault(iri, {
            "iri": iri, "name": iri.rsplit("#", 1)[-1], "kind": kind,
            "href": "/ontology/" + iri.rsplit("#", 1)[-1],
            "label_zh": "", "label_en": "", "definition": "", "domain": [], "range": [],
        })  # fmt: skip
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
