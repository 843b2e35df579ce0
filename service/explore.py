"""Graph views of the explorer: a named grouping, an entity's neighbourhood, paths between two.

Each page is one context dict rendered as HTML (a cytoscape.js drawing with a table of the same
nodes and edges beneath it) or returned as its JSON twin (`.json` or `Accept`). The tables are
filled here, from the same views as /api/analysis/… uses, so the page reads without JavaScript;
static/explore.js fetches the API answer and draws it. An unknown name is a 404 page listing the
names the analysis library suggests, so a typo is one click from the intended entity.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import networkx as nx
from flask import Blueprint, Flask, Response, redirect, request
from rdflib import URIRef

from graph import analysis as an
from graph import errors
from graph.analysis import views
from graph.analysis.results import Ref
from graph.errors import ZoneGraphError
from graph.namespaces import BASE, ZG
from graph.query.describe import local_path
from service.analysis_api import get_prepared
from service.render import current_lang, page_representation, render_page

bp = Blueprint("explore", __name__, url_prefix="/explore")

RADII = (1, 2, 3)
MAX_LENGTHS = tuple(range(1, 9))
DEFAULT_MAX = 4
#: Drawing order of the cluster roles, innermost first (also the table order).
ROLE_ORDER = {"grouping": 0, "member": 1, "context": 2}


class PageParameterError(ZoneGraphError):
    """A page parameter out of range (shown on the page, status 400)."""


def _int_arg(name: str, default: int, allowed: tuple[int, ...]) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value not in allowed:
        raise PageParameterError(
            f"{name} must be one of {', '.join(map(str, allowed))} / 参数 {name} 取值无效"
        )
    return value


def _ref_view(r: Ref | dict[str, Any]) -> dict[str, Any]:
    """A reference as templates show it (macros.node): labels, IRI, link to its page."""
    d = (
        r
        if isinstance(r, dict)
        else {
            "iri": r.iri,
            "label_zh": r.label_zh,
            "label_en": r.label_en,
            "cls": r.cls,
        }
    )
    return {**d, "kind": "iri", "href": local_path(d["iri"])}


def name_for(p: views.Prepared, iri: str) -> str:
    """What to put in a URL or a form for an entity: its zh label when that names it alone
    (readable links such as ?name=三城一岛), else the IRI, which always resolves."""
    label = p.entity.nodes[iri]["label_zh"] if iri in p.entity else ""
    try:
        if label and str(p.resolve(label)) == iri:
            return str(label)
    except errors.UnknownEntityError:
        pass
    return iri


def _table(g: nx.MultiDiGraph[str], rank: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    """The nodes and edges of a drawn view, in reading order, for the table under the graph."""
    nodes: list[dict[str, Any]] = []
    for n in sorted(g, key=lambda x: (rank[x], g.nodes[x]["label_zh"], x)):
        d = g.nodes[n]
        view = _ref_view({"iri": n, "label_zh": d["label_zh"], "label_en": d["label_en"]})
        extra: dict[str, Any] = {k: d[k] for k in ("role", "distance") if k in d}
        nodes.append(
            {
                **view,
                "class": d["class"],
                "class_zh": d["class_zh"],
                "class_en": d["class_en"],
                **extra,
            }
        )
    by_iri = {row["iri"]: row for row in nodes}
    edges: list[dict[str, Any]] = []
    for a, b, k in g.edges(keys=True):
        d = g.edges[a, b, k]
        edges.append(
            {
                "source": by_iri[a],
                "target": by_iri[b],
                "predicate": d["predicate"],
                "label_zh": d["label_zh"],
                "label_en": d["label_en"],
            }
        )
    edges.sort(
        key=lambda e: (
            rank[e["source"]["iri"]],
            e["source"]["label_zh"],
            e["label_zh"],
            e["target"]["label_zh"],
            e["source"]["iri"],
            e["target"]["iri"],
        )
    )
    return {"nodes": nodes, "edges": edges}


def _api(path: str, **params: str | int) -> str:
    return f"/api/analysis/{path}?" + urlencode({**params, "lang": current_lang()})


def _exports(grouping: str | None = None) -> dict[str, str]:
    extra = "?" + urlencode({"grouping": grouping}) if grouping else ""
    return {fmt: f"/api/analysis/export.{fmt}{extra}" for fmt in ("gexf", "graphml")}


def _status(exc: errors.UnknownEntityError) -> int:
    """As the API answers: 404 for a name nothing matches, 400 for one that matches several."""
    return 400 if isinstance(exc, errors.AmbiguousEntityError) else 404


def _suggestions(
    p: views.Prepared, exc: errors.UnknownEntityError, param: str
) -> list[dict[str, Any]]:
    """The library's closest names, each with the current page's URL asking for it instead."""
    return [
        {**_ref_view(m.to_dict()), "use": url_with_arg(param, name_for(p, m.iri))}
        for m in exc.suggestions
    ]


# --------------------------------------------------------------------------- groupings


@bp.get("")
@bp.get("/")
def index() -> Response:
    return redirect("/explore/clusters", code=302)  # type: ignore[return-value]


@bp.get("/clusters")
@bp.get("/clusters.<any(json):suffix>")
def clusters(suffix: str | None = None) -> Response:
    rep = page_representation(suffix)
    p = get_prepared()
    rows = []
    for g in views.groupings(p):
        node = p.entity.nodes[g]
        declared = p.rdf.value(URIRef(g), ZG.declaredMemberCount)
        rows.append(
            {
                **_ref_view({"iri": g, "label_zh": node["label_zh"], "label_en": node["label_en"]}),
                "members": len(views.grouping_members(p, g)),
                "declared_member_count": int(str(declared)) if declared is not None else None,
                "view": "/explore/cluster?" + urlencode({"name": name_for(p, g)}),
            }
        )
    context = {"view": "clusters", "groupings": rows, "exports": _exports()}
    return render_page("explore/clusters.html", context, rep)


@bp.get("/cluster")
@bp.get("/cluster.<any(json):suffix>")
def cluster(suffix: str | None = None) -> Response:
    rep = page_representation(suffix)
    name = request.args.get("name", "").strip()
    if not name:
        return redirect("/explore/clusters", code=302)  # type: ignore[return-value]
    p = get_prepared()
    context: dict[str, Any] = {"view": "cluster", "name": name}
    try:
        report = an.cluster_report(p, name)
    except errors.UnknownEntityError as exc:
        context.update(error=str(exc), suggestions=_suggestions(p, exc, "name"))
        return render_page("explore/cluster.html", context, rep, _status(exc))
    except ZoneGraphError as exc:
        return render_page("explore/cluster.html", {**context, "error": str(exc)}, rep, 400)
    iri = report.grouping.iri
    sub = views.grouping_subgraph(p, iri)
    rank = {n: ROLE_ORDER[d["role"]] for n, d in sub.nodes(data=True)}
    context.update(
        grouping=_ref_view(report.grouping),
        cluster={
            k: v
            for k, v in report.to_dict().items()
            if k
            in (
                "formula",
                "declared_member_count",
                "density",
                "cohesion",
                "internal_edges",
                "boundary_edges",
            )
        },
        members=[_ref_view(m.member) for m in report.members],
        graph=_table(sub, rank),
        api=_api("clusters", name=name_for(p, iri)),
        exports=_exports(iri),
    )
    return render_page("explore/cluster.html", context, rep)


# --------------------------------------------------------------------------- neighbourhood


@bp.get("/ego")
@bp.get("/ego.<any(json):suffix>")
def ego(suffix: str | None = None) -> Response:
    rep = page_representation(suffix)
    entity = request.args.get("entity", "").strip()
    context: dict[str, Any] = {"view": "ego", "entity": entity, "radius": 1, "radii": RADII}
    p = get_prepared()
    try:
        context["radius"] = radius = _int_arg("radius", 1, RADII)
        if not entity:
            return render_page("explore/ego.html", context, rep)
        report = an.ego(p, entity, radius)
    except errors.UnknownEntityError as exc:
        context.update(error=str(exc), suggestions=_suggestions(p, exc, "entity"))
        return render_page("explore/ego.html", context, rep, _status(exc))
    except ZoneGraphError as exc:
        return render_page("explore/ego.html", {**context, "error": str(exc)}, rep, 400)
    center = report.center.iri
    sub = views.ego_graph(p, center, radius)
    context.update(
        entity=name_for(p, center),
        center=_ref_view(report.center),
        graph=_table(sub, {n: d["distance"] for n, d in sub.nodes(data=True)}),
        api=_api("ego", entity=center, radius=radius),
        exports=_exports(),
    )
    return render_page("explore/ego.html", context, rep)


# --------------------------------------------------------------------------- paths


def _chain_view(c: an.Chain, lang: str) -> dict[str, Any]:
    return {
        "key": " ".join(n.iri for n in c.nodes),
        "length": c.length,
        "text": c.text(lang),
        "nodes": [_ref_view(n) for n in c.nodes],
        "steps": [s.to_dict() for s in c.steps],
    }


@bp.get("/path")
@bp.get("/path.<any(json):suffix>")
def path(suffix: str | None = None) -> Response:
    rep = page_representation(suffix)
    lang = current_lang()
    source = request.args.get("from", "").strip()
    target = request.args.get("to", "").strip()
    concepts = request.args.get("concepts", "true") != "false"
    context: dict[str, Any] = {
        "view": "path",
        "from": source,
        "to": target,
        "max": DEFAULT_MAX,
        "max_lengths": MAX_LENGTHS,
        "concepts": concepts,
        "suggestions": {},
    }
    p = get_prepared()
    try:
        context["max"] = max_length = _int_arg("max", DEFAULT_MAX, MAX_LENGTHS)
        if not (source and target):
            return render_page("explore/path.html", context, rep)
        unknown: list[errors.UnknownEntityError] = []
        for field, text in (("from", source), ("to", target)):
            try:
                p.resolve(text)
            except errors.UnknownEntityError as exc:
                unknown.append(exc)
                context["suggestions"][field] = _suggestions(p, exc, field)
        if unknown:
            error = "\n".join(map(str, unknown))
            status = max(_status(exc) for exc in unknown)
            return render_page("explore/path.html", {**context, "error": error}, rep, status)
        report = an.paths(p, source, target, max_length=max_length, through_concepts=concepts)
    except ZoneGraphError as exc:
        return render_page("explore/path.html", {**context, "error": str(exc)}, rep, 400)
    shortest = [_chain_view(c, lang) for c in report.shortest]
    on_chains = {n.iri for c in report.shortest + report.paths for n in c.nodes}
    classes = {
        p.entity.nodes[n]["class"]: [p.entity.nodes[n]["class_zh"], p.entity.nodes[n]["class_en"]]
        for n in sorted(on_chains)
        if n in p.entity
    }
    seen = {c["key"] for c in shortest}
    others = [v for v in (_chain_view(c, lang) for c in report.paths) if v["key"] not in seen]
    context.update(
        {"from": name_for(p, report.source.iri), "to": name_for(p, report.target.iri)},
        source=_ref_view(report.source),
        target=_ref_view(report.target),
        connected=report.connected,
        message=report.message(lang),
        shortest_length=report.shortest_length,
        shortest=shortest,
        others=others,
        classes=classes,
        api=_api(
            "path",
            **{
                "from": report.source.iri,
                "to": report.target.iri,
                "max": str(max_length),
                "concepts": str(concepts).lower(),
            },
        ),
        exports=_exports(),
    )
    return render_page("explore/path.html", context, rep)


def url_with_arg(name: str, value: str) -> str:
    args = {k: v for k, v in request.args.items() if k != name}
    args[name] = value
    return request.path.removesuffix(".json") + "?" + urlencode(args)


# --------------------------------------------------------------------------- entity pages


def graph_view_href(iri: str) -> str | None:
    """The neighbourhood view of an entity page's IRI, when the IRI is in the entity graph
    (observations, quotes and ontology terms are not, and get no link)."""
    if not iri.startswith(BASE):
        return None
    try:
        p = get_prepared()
    except ZoneGraphError:
        return None
    if iri not in p.entity:
        return None
    return "/explore/ego?" + urlencode({"entity": name_for(p, iri), "radius": 1})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def _graph_links() -> dict[str, Any]:
        return {"graph_view_href": graph_view_href, "zg_base": BASE}
