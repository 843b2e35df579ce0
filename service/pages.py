"""The explorer: home (what the dataset holds), the SPARQL editor, and search.

Every page is one context dict rendered as HTML or returned as JSON (`/search.json?q=…`,
or `Accept: application/json`). The editor is YASGUI, bundled under static/vendor/ (committed;
`make vendor` refreshes it from npm), talking to the /sparql endpoint of this server.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, request

from graph.namespaces import BASE, DATA_GRAPH, NAMED_GRAPHS, PREFIXES, PROVENANCE_GRAPH
from graph.query import registry_counts
from graph.query.describe import local_path
from graph.query.stats import count_entities
from service import release_status, state
from service.dumps import get_dumps
from service.examples import EXAMPLES
from service.linked_data import get_search_index
from service.render import page_representation, render_page
from service.state import backend_select, get_backend

bp = Blueprint("pages", __name__)

SEARCH_LIMIT = 50

_CLASS_COUNTS = f"""
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{DATA_GRAPH}> {{ ?s a ?class }} }}
GROUP BY ?class ORDER BY DESC(?n) ?class
"""
_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_TOTALS = f"""
SELECT
  (COUNT(DISTINCT ?st) AS ?facts) WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{ ?st a rdf:Statement }} }}
"""
_QUOTES = "SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a zg:SourceQuote }"


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _summarise() -> dict[str, Any]:
    from graph.query.describe import fetch_labels, node_view

    backend = get_backend()
    class_rows = backend.select(_CLASS_COUNTS)
    labels = fetch_labels(backend, [r["class"] for r in class_rows])
    classes = [{**node_view(r["class"], labels), "count": _int(r["n"])} for r in class_rows]
    sizes = {str(r["g"]): _int(r["n"]) for r in backend.select(_GRAPH_SIZES)}
    graphs = [
        {"iri": str(g), "name": str(g).rsplit("/", 1)[-1], "triples": sizes.get(str(g), 0)}
        for g in NAMED_GRAPHS
    ]
    facts = _int(next(iter(backend.select(_TOTALS)), {}).get("facts", 0))
    quotes = _int(next(iter(backend.select(_QUOTES)), {}).get("n", 0))
    summary = {
        "classes": classes,
        "graphs": graphs,
        "entities": count_entities(backend_select(backend)),
        "facts": facts,
        "quotes": quotes,
    }
    return summary


_SUMMARY = state.Cache("home summary", _summarise)


def dataset_summary() -> dict[str, Any]:
    """Counts by class and graph; computed once per app until an update (state.forget)."""
    return _SUMMARY.get()


def _dumps() -> list[dict[str, Any]]:
    dumps = get_dumps()
    return [i.to_dict() for i in dumps.info().values()] if dumps.available else []


@bp.get("/")
@bp.get("/index.<any(json):suffix>")
def home(suffix: str | None = None) -> Response:
    rep = page_representation(suffix)
    context = {
        "title": "ZoneGraph",
        "base": BASE,
        "summary": dataset_summary(),
        "zones": registry_counts.by_type_and_level(backend_select(get_backend())),
        "examples": [e.to_dict() for e in EXAMPLES],
        "dumps": _dumps(),
        "release": release_status.status(get_dumps().release),  # dumps lack later updates
    }
    return render_page("home.html", context, rep)


@bp.get("/query")
@bp.get("/query.<any(json):suffix>")
def query(suffix: str | None = None) -> Response:
    """The SPARQL editor; `?query=` or `?example=` fills it in, `&run=1` runs it at once."""
    rep = page_representation(suffix)
    text = request.args.get("query", "")
    example = request.args.get("example")
    chosen = next((e for e in EXAMPLES if e.slug == example), None)
    if chosen is not None and not text:
        text = chosen.query
    context = {
        "endpoint": "/sparql",
        "query": text or EXAMPLES[0].query,
        "run": request.args.get("run") in ("1", "true", "yes"),
        "prefixes": PREFIXES,
        "examples": [e.to_dict() for e in EXAMPLES],
    }
    return render_page("query.html", context, rep)


@bp.get("/search")
@bp.get("/search.<any(json):suffix>")
def search(suffix: str | None = None) -> Response:
    rep = page_representation(suffix)
    text = request.args.get("q", "").strip()
    hits = get_search_index().search(text, limit=SEARCH_LIMIT) if text else []
    results = [{**h.to_dict(), "href": local_path(h.iri) or h.iri} for h in hits]
    context = {
        "q": text,
        "results": [r for r in results if r["how"] != "similar"],
        "similar": [r for r in results if r["how"] == "similar"],
    }
    return render_page("search.html", context, rep)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
