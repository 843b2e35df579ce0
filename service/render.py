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

from graph import formats
from graph.labels import is_untranslated, mark_untranslated
from service import negotiation

LANGS = ("zh", "en")
LANG_COOKIE = "zonegraph_lang"


@dataclass(frozen=True)
class Representation:
    extension: str
    media_type: str
    rdflib_format: str | None  # None: not RDF (the page or its JSON twin)
    aliases: tuple[str, ...] = ()  # further media types that ask for it


HTML = Representation("html", "text/html", None, ("application/xhtml+xml",))
JSON = Representation("json", "application/json", None)
#: The RDF formats rdflib writes, from the formats table: extension, media types, writer.
RDF_FORMATS = tuple(
    Representation(f.extension, f.media_type, f.rdflib, f.media_types[1:])
    for f in formats.rdflib_graph_formats()
)
BY_EXTENSION = {r.extension: r for r in (HTML, JSON, *RDF_FORMATS)}
#: Offered in this order: a browser's */* gets the page, curl's */* too.
OFFERS = (HTML, JSON, *RDF_FORMATS)
#: Extension → media type, for the pages' `<link rel="alternate">` and Link headers.
MEDIA_TYPES = {r.extension: r.media_type for r in OFFERS}


def split_extension(path: str, allowed: tuple[Representation, ...] = OFFERS) -> tuple[str, str]:
    """`id/park/x.ttl` → (`id/park/x`, `ttl`); a path without a known extension → (path, "")."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and ext in BY_EXTENSION and BY_EXTENSION[ext] in allowed:
        return stem, ext
    return path, ""


def media_offers(offers: tuple[Representation, ...]) -> dict[str, Representation]:
    """Media type → representation, canonical types first; an alias claimed earlier stays
    with its first owner (`application/json` is the page's JSON twin, not JSON-LD)."""
    table: dict[str, Representation] = {}
    for rep in offers:
        table.setdefault(rep.media_type, rep)
    for rep in offers:
        for alias in rep.aliases:
            table.setdefault(alias, rep)
    return table


def negotiate(extension: str, offers: tuple[Representation, ...] = OFFERS) -> Representation:
    """The representation an extension names, else the best fit for Accept; 406 when none fits.

    Accept is weighed by the same RFC 9110 rules as /sparql (service.negotiation), so a
    client sending `text/plain` gets N-Triples from both.
    """
    if extension:
        rep = BY_EXTENSION.get(extension)
        if rep is None or rep not in offers:
            abort(404)
        return rep
    best = negotiation.choose(request.headers.get("Accept"), media_offers(offers))
    if best is None:
        abort(406, "no acceptable format; offered: " + ", ".join(r.media_type for r in offers))
    return best


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
        resp = jsonify(mark_untranslated({"ok": status < 400, **context}))
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
            app.static_folder or "static",
            "favicon.ico",
            mimetype="image/vnd.microsoft.icon",
            max_age=7 * 24 * 3600,
        )

    # `{% if label is untranslated %}`: a Chinese label standing in for a missing English one.
    app.jinja_env.tests["untranslated"] = is_untranslated

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        lang = current_lang()

        def tr(zh: str, en: str) -> str:
            return en if lang == "en" else zh

        return {"lang": lang, "tr": tr, "url_with": url_with, "media_types": MEDIA_TYPES}
