"""Registry-scale analyses over HTTP: JSON routes under /api/registry/… and the explorer page
/registry/analysis (with its JSON twin /registry/analysis.json).

/api/registry/colocation        the co-location summary and the network as cytoscape elements
/api/registry/colocation/export.<fmt>   the network as GraphML, GEXF, CSV or node-link JSON
/api/registry/type-mix          zone types per province and the provinces most alike
/api/registry/neighbours        the article's zones among their registry neighbours

The zones are read once from the configured backend with SPARQL (embedded or remote) and kept
until an update drops the caches. The page's network view draws the zones whose city is known
(or one province's, with ?province=): the whole registry is too many nodes to read on screen.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from graph.analysis import registry as reg
from graph.analysis import registry_network as net
from graph.query.registry_counts import zone_types
from service import state
from service.analysis_api import BadParameterError, elements
from service.render import current_lang, page_representation, render_page
from service.state import backend_select, get_backend

bp = Blueprint("registry_analysis", __name__)


def _load() -> tuple[list[reg.Zone], dict[str, tuple[str, str]]]:
    select = backend_select(get_backend())
    types = {t["code"]: (t["zh"], t["en"]) for t in zone_types(select)}
    return reg.load_zones(select), types


_ZONES = state.Cache("registry zones", _load)


def _select() -> reg.Select:
    return backend_select(get_backend())


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name) or ""
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadParameterError(f"parameter {name!r} must be an integer from {low} to {high}")
    return int(raw)


def _flag(name: str) -> bool:
    raw = request.args.get(name, "false")
    if raw not in ("true", "false", "1", "0"):
        raise BadParameterError(f"parameter {name!r} must be true or false")
    return raw in ("true", "1")


def _network_zones() -> tuple[list[reg.Zone], bool, str | None, bool]:
    zones, _ = _ZONES.get()
    province = request.args.get("province") or None
    cities = _flag("cities") if "cities" in request.args else province is None
    projected = _flag("projected")
    if projected and province is None and not cities:
        raise BadParameterError("projected needs province= or cities=true (some 144,000 edges)")
    return (
        net.select_zones(zones, "cities" if cities else "all", province),
        projected,
        province,
        cities,
    )


@bp.get("/api/registry/colocation")
def colocation() -> Response:
    chosen, projected, province, cities = _network_zones()
    _, types = _ZONES.get()
    lang = current_lang()
    g = net.network(chosen, types, projected)
    return jsonify(
        {
            "ok": True,
            "scope": {"province": province, "cities_only": cities, "projected": projected},
            "colocation": net.summary(chosen, _int("top", 10, 1, 500)),
            "elements": elements(g, lang),
        }
    )


def _export(fmt: str) -> Response:
    chosen, projected, _, _ = _network_zones()
    _, types = _ZONES.get()
    body = net.export(net.network(chosen, types, projected), fmt)
    name = f"zonegraph-colocation.{fmt}"
    return Response(
        body,
        mimetype=net.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/api/registry/colocation/export.<fmt>")
def colocation_export(fmt: str) -> Response:
    if fmt not in net.FORMATS:
        raise BadParameterError(f"unknown format {fmt!r}; choose one of {', '.join(net.FORMATS)}")
    return _export(fmt)


@bp.get("/api/registry/type-mix")
def type_mix() -> Response:
    zones, _ = _ZONES.get()
    rep = reg.type_mix_report(
        _select(), zones, _int("top", 10, 1, 465), request.args.get("province") or None
    )
    return jsonify({"ok": True, **rep})


@bp.get("/api/registry/neighbours")
def neighbours() -> Response:
    zones, _ = _ZONES.get()
    rep = reg.article_neighbours(_select(), zones, request.args.get("zone") or None)
    return jsonify({"ok": True, **rep})


@bp.get("/registry/analysis")
@bp.get("/registry/analysis.<any(json):suffix>")
def page(suffix: str | None = None) -> Response:
    rep = page_representation(suffix)
    zones, _ = _ZONES.get()
    select = _select()
    province = request.args.get("province") or None
    chosen = net.select_zones(zones, "all" if province else "cities", province)
    api = "/api/registry/colocation" + (f"?province={province}" if province else "")
    context: dict[str, Any] = {
        "view": "registry-analysis",
        "province": province,
        "colocation": net.summary(chosen if province else zones, 10),
        "type_mix": reg.type_mix_report(select, zones, top=10),
        "neighbours": reg.article_neighbours(select, zones),
        "graph_api": api,
        "exports": {
            fmt: f"/api/registry/colocation/export.{fmt}"
            + (f"?province={province}" if province else "")
            for fmt in net.FORMATS
        },
    }
    return render_page("registry/analysis.html", context, rep)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
