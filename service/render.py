"""One view, several representations: HTML, its JSON twin, and RDF for linked-data resources.

Each explorer view builds one context dict; `render_page` turns it into HTML through a Jinja
template or returns the same dict as JSON (`.json` suffix or `Accept: application/json`), so
the page and the data cannot drift apart (Datasette's rule). The language switch lives here
too: `?lang=en` or `?lang=zh` sets a cookie; the default is Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import (
    Flask,
    Response,
    abort,
    g,
    jsonify,
    render_template,
    request,
    send_from_directory,
)

LANGS = ("zh", "en")
LANG_COOKIE = "zonegraph_lang"


@dataclass(frozen=True)
class Representation:
    extension: str
    media_type: str
    rdflib_format: str | None  # None: not RDF (the page or its JSON twin)


HTML = Representation("html", "text/html", None)
JSON = Representation("json", "application/json", None)
RDF_FORMATS = (
    Representation("ttl", "text/turtle", "turtle"),
    Representation("jsonld", "application/ld+json", "json-ld"),
    Representation("nt", "application/n-triples", "nt"),
    Representation("rdf", "application/rdf+xml", "xml"),
)
BY_EXTENSION = {r.extension: r for r in (HTML, JSON, *RDF_FORMATS)}
#: Offered in this order: a browser's */* gets the page, curl's */* too.
OFFERS = (HTML, JSON, *RDF_FORMATS)
ALIASES = {
    "application/xhtml+xml": HTML,
    "text/n3": RDF_FORMATS[0],
    "application/xml": RDF_FORMATS[3],
}


def split_extension(path: str, allowed: tuple[Representation, ...] = OFFERS) -> tuple[str, str]:
    """`id/park/x.ttl` → (`id/park/x`, `ttl`); a path without a known extension → (path, "")."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and ext in BY_EXTENSION and BY_EXTENSION[ext] in allowed:
        return stem, ext
    return path, ""


def negotiate(extension: str, offers: tuple[Representation, ...] = OFFERS) -> Representation:
    """The representation an extension names, else the best fit for Accept; 406 when none fits."""
    if extension:
        rep = BY_EXTENSION.get(extension)
        if rep is None or rep not in offers:
            abort(404)
        return rep
    accept = request.accept_mimetypes
    if not accept:  # no Accept header: the page
        return offers[0]
    candidates = [r.media_type for r in offers] + [
        alias for alias, rep in ALIASES.items() if rep in offers
    ]
    best = accept.best_match(candidates)
    if best is None:
        abort(406, "no acceptable format; offered: " + ", ".join(r.media_type for r in offers))
    return ALIASES.get(best) or next(r for r in offers if r.media_type == best)


def current_lang() -> str:
    """The page language; a response that asked for it says so (Content-Language, and
    Vary: Cookie when the cookie, not the URL, chose it), so that caches keep one copy per
    language."""
    g.lang_used = True
    lang: str = g.get("lang", "zh")
    return lang


def url_with(**params: str | None) -> str:
    """The current URL with some query parameters replaced (None removes one)."""
    args = {k: v for k, v in request.args.items() if k not in params}
    args.update({k: v for k, v in params.items() if v is not None})
    return request.path + ("?" + urlencode(args) if args else "")


def render_page(
    template: str, context: Mapping[str, Any], rep: Representation = HTML, status: int = 200
) -> Response:
    """The page, or its JSON twin with the same data."""
    if rep is JSON:
        resp = jsonify({"ok": status < 400, **context})
    else:
        resp = Response(render_template(template, page=context, **context), mimetype="text/html")
    resp.status_code = status
    resp.vary.add("Accept")
    return resp


def page_representation(suffix: str | None) -> Representation:
    """HTML or JSON for an explorer page; `.json` routes pass suffix="json"."""
    return negotiate(suffix or "", (HTML, JSON))


def init_app(app: Flask) -> None:
    @app.before_request
    def _pick_language() -> None:
        asked = request.args.get("lang")
        if asked in LANGS:
            g.lang = asked
            g.set_lang_cookie = True
        else:
            cookie = request.cookies.get(LANG_COOKIE)
            g.lang = cookie if cookie in LANGS else "zh"

    @app.after_request
    def _remember_language(resp: Response) -> Response:
        if g.get("set_lang_cookie"):
            resp.set_cookie(LANG_COOKIE, g.lang, max_age=365 * 24 * 3600, samesite="Lax")
        if g.get("lang_used"):
            resp.headers["Content-Language"] = g.get("lang", "zh")
            if "lang" not in request.args:
                resp.vary.add("Cookie")
        return resp

    @app.get("/favicon.ico")
    def _favicon() -> Response:
        """Browsers ask for it on every site; answer with the icon rather than a 404 page."""
        return send_from_directory(
            app.static_folder or "static", "favicon.ico", mimetype="image/vnd.microsoft.icon",
            max_age=7 * 24 * 3600,
        )  # fmt: skip

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        lang = current_lang()

        def tr(zh: str, en: str) -> str:
            return en if lang == "en" else zh

        return {"lang": lang, "tr": tr, "url_with": url_with}
