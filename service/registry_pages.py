"""Explorer pages of the GB/T 37028-2018 registry: counts by province × type, zone lists.

/registry is the table of counts (every cell links to its list), /registry/province/<code>,
/registry/type/<code> and /registry/city/<code> list the zones with code, names, type and
level; each zone links to its linked-data page (/id/zone/…), which shows its divisions and
sources. Every page has its JSON twin (`.json` or Accept). Rows come from graph.query.registry
through the configured backend, embedded or remote.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response

from graph.query import registry_counts as reg
from graph.query.describe import local_path
from service.render import page_representation, render_page
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
    return render_page("registry/index.html", context, rep)


@bp.get("/registry/<any(province, type, city):kind>/<code>")
@bp.get("/registry/<any(province, type, city):kind>/<code>.<any(json):suffix>")
def zones(kind: str, code: str, suffix: str | None = None) -> Response:
    rep = page_representation(suffix)
    context: dict[str, Any] = {"view": "registry-list", "kind": kind, "code": code}
    try:
        rows = reg.zones_in(backend_select(get_backend()), kind, code)
    except ValueError as exc:
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
    context["kind_label"] = KINDS[kind]
    status = 200 if rows else 404
    if not rows:
        context["error"] = f"no registry zones for {kind} {code} / 没有该{KINDS[kind][0]}的功能区"
    return render_page("registry/list.html", context, rep, status)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
