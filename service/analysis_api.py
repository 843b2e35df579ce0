"""JSON API over graph.analysis: /api/analysis/clusters, hubs, communities, path, ego, similar,
search and the network exports.

The views need the whole graph in memory as rdflib + NetworkX, so the first request fetches it
from the configured backend with one CONSTRUCT (embedded store or remote endpoint alike) and
keeps the prepared form in service.state until an update (state.forget) drops it.
An unknown entity is a 404 whose body names the closest matches; a bad parameter is a 400.
Graph-shaped answers carry `elements` in cytoscape.js form, so the explorer can draw them as is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
from flask import Blueprint, Flask, Response, jsonify, request

from graph import analysis as an
from graph.analysis import network_export, views
from graph.errors import ZoneGraphError
from graph.labels import mark_untranslated
from service import state
from service.state import get_backend

bp = Blueprint("analysis_api", __name__, url_prefix="/api/analysis")


class BadParameterError(ZoneGraphError):
    """A query-string parameter that is missing, malformed or out of range (HTTP 400)."""


def _prepare() -> views.Prepared:
    return views.prepare(get_backend())


_PREPARED = state.Cache("prepared graph", _prepare)


def get_prepared() -> views.Prepared:
    """The app's graph, prepared once from the backend (thread-safe) until an update."""
    return _PREPARED.get()


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameterError(f"parameter {name!r} must be an integer, not {raw!r}") from None
    if not low <= value <= high:
        raise BadParameterError(f"parameter {name!r} must be between {low} and {high}")
    return value


def _float(name: str, default: float, low: float, high: float) -> float:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadParameterError(f"parameter {name!r} must be a number, not {raw!r}") from None
    if not low <= value <= high:
        raise BadParameterError(f"parameter {name!r} must be between {low} and {high}")
    return value


def _required(name: str) -> str:
    value = request.args.get(name, "").strip()
    if not value:
        raise BadParameterError(f"parameter {name!r} is required")
    return value


def _choice(name: str, default: str, options: tuple[str, ...]) -> str:
    value = request.args.get(name) or default
    if value not in options:
        raise BadParameterError(f"parameter {name!r} must be one of {', '.join(options)}")
    return value


def elements(g: nx.Graph[str], lang: str = "zh") -> dict[str, list[dict[str, Any]]]:
    """A NetworkX view as cytoscape.js elements (scalar data only, stable ids)."""
    nodes = []
    for n, d in g.nodes(data=True):
        data = {k: v for k, v in d.items() if isinstance(v, str | int | float | bool)}
        data.update(id=n, label=d.get("label_en" if lang == "en" else "label_zh", n))
        nodes.append({"data": data})
    edges = []
    triples = g.edges(keys=True, data=True) if g.is_multigraph() else g.edges(data=True)  # type: ignore[call-overload]
    for i, edge in enumerate(triples):
        a, b, d = edge[0], edge[1], edge[-1]
        data = {k: v for k, v in d.items() if isinstance(v, str | int | float | bool)}
        data.update(id=f"e{i}", source=a, target=b)
        data["label"] = d.get("label_en" if lang == "en" else "label_zh", "")
        edges.append({"data": data})
    return {"nodes": nodes, "edges": edges}


def _ok(**payload: Any) -> Response:
    return jsonify(mark_untranslated({"ok": True, **payload}))


@bp.get("/clusters")
def clusters() -> Response:
    p = get_prepared()
    name = request.args.get("name", "").strip()
    lang = _choice("lang", "zh", ("zh", "en"))
    if name:
        report = an.cluster_report(p, name)
        sub = views.grouping_subgraph(p, report.grouping.iri)
        return _ok(cluster=report.to_dict(), elements=elements(sub, lang))
    return _ok(clusters=[r.to_dict() for r in an.all_clusters(p)])


@bp.get("/hubs")
def hubs() -> Response:
    report = an.hubs(
        get_prepared(),
        zone=request.args.get("zone") or None,
        top=_int("top", 10, 1, 500),
        by=_choice("by", "pagerank", ("pagerank", "degree", "betweenness")),
        seed=_int("seed", an.DEFAULT_SEED, 0, 2**31 - 1),
    )
    return _ok(hubs=report.to_dict())


@bp.get("/communities")
def communities() -> Response:
    report = an.communities(
        get_prepared(),
        seed=_int("seed", an.DEFAULT_SEED, 0, 2**31 - 1),
        resolution=_float("resolution", 1.0, 0.01, 100.0),
    )
    return _ok(communities=report.to_dict())


@bp.get("/path")
def path() -> Response:
    source, target = _required("from"), _required("to")
    lang = _choice("lang", "zh", ("zh", "en"))
    report = an.paths(
        get_prepared(),
        source,
        target,
        max_length=_int("max", 4, 1, 8),
        limit=_int("limit", 20, 1, 200),
        through_concepts=_choice("concepts", "true", ("true", "false")) == "true",
    )
    return _ok(
        path=report.to_dict(),
        connected=report.connected,
        message=report.message(lang),
        shortest_text=[c.text(lang) for c in report.shortest],
        paths_text=[c.text(lang) for c in report.paths],
    )


@bp.get("/ego")
def ego() -> Response:
    p = get_prepared()
    radius = _int("radius", 1, 1, 4)
    lang = _choice("lang", "zh", ("zh", "en"))
    report = an.ego(p, _required("entity"), radius)
    sub = views.ego_graph(p, report.center.iri, radius)
    return _ok(ego=report.to_dict(), elements=elements(sub, lang))


@bp.get("/similar")
def similar() -> Response:
    pairs = an.similar(
        get_prepared(),
        request.args.get("entity") or None,
        top=_int("top", 10, 1, 500),
        include_nested=_choice("nested", "false", ("true", "false")) == "true",
    )
    return _ok(pairs=[s.to_dict() for s in pairs])


@bp.get("/search")
def search() -> Response:
    p = get_prepared()
    hits = p.names.search(_required("q"), _int("limit", 10, 1, 100))
    return _ok(results=[m.to_dict() for m in hits])


def _export(fmt: str) -> Response:
    view = _choice("view", "entity", tuple(network_export.VIEWS))
    grouping = request.args.get("grouping") or None
    body = network_export.export(get_prepared(), fmt, view, grouping)
    name = f"zonegraph-{view if grouping is None else 'grouping'}.{fmt}"
    return Response(
        body,
        mimetype=network_export.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _export_view(fmt: str) -> Callable[[], Response]:
    def view() -> Response:
        return _export(fmt)

    view.__name__ = "export_" + fmt.replace(".", "_")
    return view


for _fmt in network_export.FORMATS:
    bp.add_url_rule(f"/export.{_fmt}", view_func=_export_view(_fmt), methods=["GET"])


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
