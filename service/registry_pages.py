"""Explorer pages of the GB/T 37028-2018 registry: counts by province × type, zone lists.

/registry is the table of counts (every cell links to its list), /registry/province/<code>,
/registry/type/<code> and /registry/city/<code> list the zones with code, names, type and
level; each zone links to its linked-data page (/id/zone/…), which shows its divisions and
sources. Every page has its JSON twin (`.json` or Accept). Rows come from graph.query.registry
through the configured backend, embedded or remote.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, Response, request

from graph.namespaces import PREFIXES, prefix_header
from graph.query import registry_counts as reg
from graph.query.describe import local_path
from graph.query.registry_zone import list_query
from service.linked_data import format_links, rdf_response
from service.render import HTML, JSON, RDF_FORMATS, negotiate, page_representation, render_page
from service.state import backend_select, get_backend

bp = Blueprint("registry", __name__)

KINDS = {
    "province": ("省份", "province"),
    "type": ("类型", "type"),
    "city": ("城市", "city"),
}


@bp.get("/registry")
@bp.get("/registry.<any(json):suffix>")
def index(suffix: str | None = None) -> Response:
    rep = page_representation(suffix)
    context: dict[str, Any] = {"view": "registry", **reg.counts(backend_select(get_backend()))}
    # ?type=101 opens the map on one type (the type lists link here so)
    asked = request.args.get("type", "")
    codes = [t["code"] for t in context["types"]]
    context["selected_type"] = ""
    if asked and asked not in codes:
        context["error"] = f"unknown zone type {asked!r} / 没有该类型; types: {', '.join(codes)}"
        return render_page("registry/index.html", context, rep, 400)
    context["selected_type"] = asked
    return render_page("registry/index.html", context, rep)


@bp.get("/registry/<any(province, type, city):kind>/<code>")
def zones(kind: str, code: str) -> Response:
    """A list as a page, its JSON twin or RDF (Turtle, JSON-LD … by extension or Accept)."""
    stem, dot, ext = code.rpartition(".")
    code, ext = (stem, ext) if dot else (code, "")
    rep = negotiate(ext, (HTML, JSON, *RDF_FORMATS))
    path = f"/registry/{kind}/{code}"
    context: dict[str, Any] = {"view": "registry-list", "kind": kind, "code": code}
    context["kind_label"] = KINDS[kind]
    context["formats"] = format_links(path)
    backend = get_backend()
    try:
        if rep.rdflib_format is not None:
            graph = backend.construct(list_query(kind, code))
            if len(graph) == 0:
                message = f"# no registry zones for {kind} {code}\n"
                return Response(message, 404, mimetype="text/plain")
            for prefix, ns in PREFIXES.items():
                graph.bind(prefix, ns, override=True, replace=True)
            return rdf_response(graph, rep, context["formats"])
        rows = reg.zones_in(backend_select(backend), kind, code)
    except ValueError as exc:
        if rep.rdflib_format is not None:
            return Response(f"# {exc}\n", 400, mimetype="text/plain")
        return render_page(
            "registry/list.html", {**context, "error": str(exc), "zones": []}, rep, 400
        )
    context["zones"] = [
        {
            "iri": r["z"],
            "href": local_path(r["z"]),
            "code": r["code"],
            "label_zh": r["zh"],
            "label_en": r["en"],
            "english_generated": r["origin"].endswith("/generated"),
            "type": r["type"].rsplit("/", 1)[-1],
            "level": r["level"].rsplit("/", 1)[-1],
        }
        for r in rows
    ]
    status = 200 if rows else 404
    if not rows:
        context["error"] = f"no registry zones for {kind} {code} / 没有该{KINDS[kind][0]}的功能区"
    return render_page("registry/list.html", context, rep, status)


_BY_CODE = """
SELECT ?z WHERE { ?z skos:notation ?code . FILTER (?code = "%s"^^zg:GBT37028Code) }
"""


@bp.get("/registry/code/<code>")
def by_code(code: str) -> Response:
    """A zone's page from its 2018 code: the article zones keep their own IRIs, so a code
    cannot always be turned into an IRI by hand (44101002 is /id/zone/guangzhou-etdz)."""
    if not re.fullmatch(r"[0-9]{8}", code):
        return _error(f"not an 8-digit GB/T 37028 code: {code!r}", 400)
    rows = backend_select(get_backend())(prefix_header() + _BY_CODE % code)
    if not rows:
        return _error(f"no registry zone has code {code} / 没有该代码的功能区", 404)
    resp = Response(status=303)
    resp.headers["Location"] = local_path(rows[0]["z"]) or rows[0]["z"]
    return resp


def _error(message: str, status: int) -> Response:
    context = {"error": message, "message": message, "status": status, "suggestions": []}
    return render_page("error.html", context, HTML, status)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
