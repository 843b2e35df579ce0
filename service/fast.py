"""A lean WSGI path for plain /sparql queries, in front of Flask.

Why: a Flask request context, routing, form parsing and the after-request hooks cost about
260 µs of CPU per query, several times what a cheap query costs to evaluate (issue 11). A
plain query operation (GET with `query=`, or a POST of a form or of application/sparql-query,
with only the protocol's parameters) is read here straight from the query string or body,
negotiated from the same formats table, checked and evaluated by the same backend call, and
answered with the headers Flask would send (Content-Type, Vary, ZoneGraph-Rows, CORS). A
large result is passed on in chunks as the worker writes it (graph.store.streams), without
Content-Length.

Anything unusual falls through to Flask untouched: another path or method, no query, an
update, unknown parameters (`lang=` sets a cookie there), other content types or charsets,
bodies that are chunked or over the limit, text that is not UTF-8, a query whose format
cannot be negotiated. When the backend raises, the request is handed to Flask with the
exception in the environ, so every error is rendered by the one error handler; the query is
not evaluated twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from werkzeug.utils import get_content_type

from graph.store import Backend, QueryRequest
from graph.store.safety import query_form, result_kind
from service import negotiation
from service.cache import PARSED_FORM, STREAMED, _read_body

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

#: Where the sparql view finds what the fast path got from the backend (an exception).
OUTCOME = "zonegraph.fast.outcome"
FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
EXPOSED = "ZoneGraph-Rows, Content-Type"
#: The only parameters read here; any other sends the request to Flask.
PARAMS = frozenset({"query", "default-graph-uri", "named-graph-uri", *negotiation.FORMAT_PARAMS})
_UTF8 = ("", "charset=utf-8", "charset=utf8")


def _decoded_form(environ: WSGIEnvironment, body: bytes) -> list[tuple[str, str]]:
    """The form's (name, value) pairs; decoded by the response cache already, when it read
    this very body (the same bytes decode to the same pairs), else decoded here."""
    decoded = environ.get(PARSED_FORM)
    if decoded is not None and decoded[0] == body:
        return list(decoded[1])
    return parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")


class _Names:
    """Format names in negotiation's shape (getlist), from parsed (name, value) pairs."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self.pairs if k == key]


class FastPath:
    """WSGI middleware: answers plain /sparql query operations, passes on everything else."""

    def __init__(self, inner: WSGIApplication, backend: Backend, config: Any) -> None:
        self.inner = inner
        self.backend = backend
        self.limit = int(config["ZONEGRAPH_MAX_REQUEST_BYTES"])
        origins = config["ZONEGRAPH_CORS_ORIGINS"] or ""
        self.origins = [o.strip() for o in origins.split(",") if o.strip()]
        self.content_types: dict[str, str] = {}
        self.negotiated: dict[tuple[object, ...], tuple[str, str] | None] = {}
        self.answered = 0  # queries answered here (monitoring, tests)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/sparql":
            return self.inner(environ, start_response)
        params = self._params(environ)
        if params is None:
            return self.inner(environ, start_response)
        query, args, form = params
        formats = self._formats(environ.get("HTTP_ACCEPT"), args, form, query)
        if formats is None:
            return self.inner(environ, start_response)
        pairs = args + form
        request = QueryRequest(
            query,
            solutions_format=formats[0],
            graph_format=formats[1],
            default_graphs=[v for k, v in pairs if k == "default-graph-uri"] or None,
            named_graphs=[v for k, v in pairs if k == "named-graph-uri"] or None,
            client=environ.get("REMOTE_ADDR"),
        )
        try:
            result = self.backend.run(request)
        except Exception as exc:  # rendered by Flask's one error handler
            environ[OUTCOME] = exc
            return self.inner(environ, start_response)
        headers = [
            ("Content-Type", self._content_type(result.media_type)),
            ("Vary", "Accept"),
        ]
        if result.stream is None:
            headers.append(("Content-Length", str(len(result.body))))
        if result.rows is not None:
            headers.append(("ZoneGraph-Rows", str(result.rows)))
        self._cors(environ.get("HTTP_ORIGIN"), headers)
        self.answered += 1
        start_response("200 OK", headers)
        if result.stream is not None:  # a large result, passed on as the worker writes it
            environ[STREAMED] = True
            return result.stream
        return [result.body]

    def _params(
        self, environ: WSGIEnvironment
    ) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]] | None:
        """(query, URL parameters, form parameters) of a plain query operation, else None."""
        method = environ.get("REQUEST_METHOD")
        try:
            args = parse_qsl(
                environ.get("QUERY_STRING", ""), keep_blank_values=True, errors="strict"
            )
            form: list[tuple[str, str]] = []
            if method == "GET":
                pass
            elif method == "POST":
                mimetype, _, options = environ.get("CONTENT_TYPE", "").partition(";")
                mimetype = mimetype.strip().lower()
                if options.strip().lower().replace(" ", "") not in _UTF8:
                    return None
                body = _read_body(environ, self.limit)
                if body is None:
                    return None
                if mimetype == FORM:
                    form = _decoded_form(environ, body)
                elif mimetype == QUERY_TYPE:
                    if any(k == "query" for k, _ in args):
                        return None
                    form = [("query", body.decode("utf-8"))]
                else:
                    return None
            else:
                return None
        except (UnicodeDecodeError, ValueError):
            return None
        queries = [v for k, v in form + args if k == "query"]
        if len(queries) != 1 or any(k not in PARAMS for k, _ in args + form):
            return None
        query = queries[0]
        if not query.strip() or len(query.encode("utf-8")) > self.limit:
            return None
        return query, args, form

    def _formats(
        self,
        accept: str | None,
        args: list[tuple[str, str]],
        form: list[tuple[str, str]],
        query: str,
    ) -> tuple[str, str] | None:
        """Negotiated (solutions, graph) media types as the sparql view picks them; None
        when Flask must answer (406)."""
        names = tuple(negotiation.format_names(_Names(args), _Names(form)))
        kind = result_kind(query_form(query))
        key = (accept, names, kind)
        found = self.negotiated.get(key, False)
        if found is not False:
            return found  # type: ignore[return-value]
        solutions = negotiation.pick(accept, names, "solutions")
        graph = negotiation.pick(accept, names, "graph")
        if (
            (kind == "solutions" and solutions is None)
            or (kind == "graph" and graph is None)
            or (kind is None and solutions is None and graph is None)
        ):
            picked = None
        else:
            picked = (solutions.media_type if solutions else "", graph.media_type if graph else "")
        if len(self.negotiated) < 1024:  # bounded: clients choose the Accept headers
            self.negotiated[key] = picked
        return picked

    def _content_type(self, media_type: str) -> str:
        found = self.content_types.get(media_type)
        if found is None:
            found = self.content_types[media_type] = get_content_type(media_type, "utf-8")
        return found

    def _cors(self, origin: str | None, headers: list[tuple[str, str]]) -> None:
        """The headers service.sparql's after-request hook adds (GET and POST only here)."""
        if not self.origins or origin is None:
            return
        if "*" in self.origins:
            headers.append(("Access-Control-Allow-Origin", "*"))
        elif origin in self.origins:
            headers.append(("Access-Control-Allow-Origin", origin))
            headers[1] = ("Vary", "Accept, Origin")
        else:
            return
        headers.append(("Access-Control-Expose-Headers", EXPOSED))


def init_app(app: Flask, backend: Backend) -> None:
    """Put the fast path in front of Flask when ZONEGRAPH_FAST_PATH is on."""
    if app.config.get("ZONEGRAPH_FAST_PATH", "on") != "on":
        return
    fast = FastPath(app.wsgi_app, backend, app.config)
    app.wsgi_app = fast  # type: ignore[method-assign]
    app.extensions["zonegraph-fast-path"] = fast
