"""SPARQL 1.1 Update at /update, only for holders of the configured bearer token.

With no ZONEGRAPH_UPDATE_TOKEN the service is read-only and every update is refused with 403;
with one, a request without the right `Authorization: Bearer …` gets 401. Either way the
refusal comes before the body is read, so nothing changes. An accepted update goes to the
backend (for the embedded store: evaluated once by one worker, its effect journalled and then
applied by every other worker; see graph/store/embedded.py) and is answered 204 No Content.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, Response, abort, current_app, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from service import state
from service.sparql import FORM, UPDATE_TYPE, _one, body_text
from service.state import get_backend

bp = Blueprint("update", __name__)


def _authorise() -> None:
    token: str | None = current_app.config["ZONEGRAPH_UPDATE_TOKEN"]
    if not token:
        abort(403, "this server is read-only: SPARQL Update is disabled (只读服务)")
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        sent.strip().encode("utf-8"), token.encode("utf-8")
    ):
        raise Unauthorized(
            "SPARQL Update needs the update token as 'Authorization: Bearer <token>'",
            www_authenticate=WWWAuthenticate("bearer", {"realm": "zonegraph"}),
        )


def read_update() -> str:
    """The update text of a POST per SPARQL 1.1 Protocol section 2.2."""
    args = request.args
    if request.mimetype == FORM:
        form = request.form
        if "query" in form:
            abort(400, "queries go to /sparql; /update takes 'update'")
        text = _one(form.getlist("update"), "update")
        extra = set(form)
    elif request.mimetype == UPDATE_TYPE:
        if "update" in args:
            abort(400, "one update per request: the body and the URL both carry one")
        text = body_text()
        extra = set(args)
    else:
        abort(
            415,
            f"unsupported Content-Type {request.mimetype or '(none)'}: use {FORM} or {UPDATE_TYPE}",
        )
    if "using-graph-uri" in extra or "using-named-graph-uri" in extra:
        abort(400, "using-graph-uri and using-named-graph-uri are not supported; use USING")
    if text is None or not text.strip():
        abort(400, "missing 'update' parameter")
    return text


@bp.post("/update")
def update() -> Response:
    _authorise()
    text = read_update()
    try:
        get_backend().update(text)
    finally:
        # Also after a failure: a remote engine may have applied part of it before erring.
        state.forget(current_app)
    return Response(status=204)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
