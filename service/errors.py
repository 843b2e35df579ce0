"""One error shape for every failure: JSON for programs, a small page for browsers.

Library errors map to HTTP statuses in one table; anything unexpected is logged with its
traceback and answered as a plain 500 without details.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from graph.errors import (
    AmbiguousEntityError,
    NotAcceptableError,
    QueryError,
    QueryRefused,
    QueryTimeout,
    RemoteError,
    ServiceBusy,
    StoreError,
    TooManyQueries,
    UnknownEntityError,
    ZoneGraphError,
)

log = logging.getLogger(__name__)

# A timed-out query is 503 Service Unavailable, as Fuseki answers (its message is shown: the
# client can narrow the query); an overloaded pool (all workers busy) is the same condition,
# with Retry-After; a client over its share of the pool gets 429 Too Many Requests.
# A name that matches nothing is 404, one that matches several is 400; both list candidates.
STATUS: list[tuple[type[Exception], int]] = [
    (AmbiguousEntityError, 400),
    (UnknownEntityError, 404),
    (NotAcceptableError, 406),
    (TooManyQueries, 429),
    (QueryRefused, 400),
    (QueryError, 400),
    (QueryTimeout, 503),
    (RemoteError, 502),
    (StoreError, 500),
    (ZoneGraphError, 400),
]


def error_body(message: str, status: int) -> dict[str, object]:
    return {"ok": False, "error": message, "status": status}


def wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and not request.path.endswith(".json")


def error_response(message: str, status: int, extra: dict[str, object] | None = None) -> Response:
    if wants_html():
        try:
            body = render_template("error.html", message=message, status=status)
        except Exception:  # templates belong to the explorer; the API must not depend on them
            body = f"<!doctype html><title>{status}</title><p>{message}</p>"
        return Response(body, status=status, mimetype="text/html")
    resp = jsonify({**error_body(message, status), **(extra or {})})
    resp.status_code = status
    return resp


def _details(exc: ZoneGraphError) -> dict[str, object] | None:
    """What a client needs beyond the message: the candidates of an unknown or ambiguous name."""
    if isinstance(exc, UnknownEntityError):
        return {"suggestions": [m.to_dict() for m in exc.suggestions]}
    return None


def init_app(app: Flask) -> None:
    @app.errorhandler(ZoneGraphError)
    def _library_error(exc: ZoneGraphError) -> Response:
        for cls, status in STATUS:
            if isinstance(exc, cls):
                if isinstance(exc, RemoteError):  # upstream's fault, as a gateway says it
                    log.warning("remote engine failure: %s", exc)
                    return error_response("the remote SPARQL engine failed (server log)", status)
                if status >= 500 and not isinstance(exc, QueryTimeout):
                    log.exception("store failure")
                    return error_response("internal store error", status)
                resp = error_response(str(exc), status, _details(exc))
                if isinstance(exc, ServiceBusy):
                    resp.headers["Retry-After"] = str(exc.retry_after)
                return resp
        return error_response(str(exc), 400)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        resp = error_response(exc.description or exc.name, status)
        for key, value in exc.get_response().headers.items() if status in (405, 401) else []:
            if key in ("Allow", "WWW-Authenticate"):
                resp.headers[key] = value
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error")
        return error_response("internal server error", 500)
