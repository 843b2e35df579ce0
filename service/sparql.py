"""The SPARQL 1.1 Protocol query operation at /sparql, and CORS for browser clients.

A request is read (GET, URL-encoded POST or application/sparql-query POST), the answer format
is negotiated before the query runs (406 without spending a worker), and the backend
evaluates and serialises; rows are never touched here. Without a query, GET /sparql answers
the Service Description. Results are complete: beyond an operator-set row cap a query is
refused with 400, never answered with a shorter result. A large result is streamed as the
worker writes it (graph.store.streams); a failure after its first byte aborts the transfer.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, Response, abort, current_app, redirect, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from graph.formats import Kind
from graph.store import Chunks, QueryRequest
from graph.store.safety import query_form, result_kind
from service import cache, fast, negotiation, void
from service.state import get_backend

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
EXPOSED = "ZoneGraph-Rows, Content-Type"


@dataclass(frozen=True)
class Protocol:
    """The operation's parameters, wherever in the request they came from."""

    text: str | None
    default_graphs: list[str] | None
    named_graphs: list[str] | None


def _one(values: list[str], what: str) -> str | None:
    if len(values) > 1:
        abort(400, f"one {what} per request, got {len(values)} (每个请求只能包含一个{what})")
    return values[0] if values else None


def body_text() -> str:
    """The request body as UTF-8 text; 400 if it is not UTF-8, 413 if it is too large."""
    limit = current_app.config["ZONEGRAPH_MAX_REQUEST_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        abort(413, f"request body larger than {limit} bytes")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        abort(415, f"charset {charset} is not supported; send UTF-8")
    try:
        return request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        abort(400, "the request body is not valid UTF-8")


def read_query() -> Protocol:
    """Parse a query operation per SPARQL 1.1 Protocol section 2.1."""
    args = request.args
    if request.method == "GET":
        if "update" in args:
            abort(400, "SPARQL Update must be POSTed to /update")
        text = _one(args.getlist("query"), "query")
        form_graphs, form_named = args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    elif request.mimetype == FORM:
        form = request.form
        if "update" in form or "update" in args:
            abort(400, "SPARQL Update must be POSTed to /update")
        text = _one(form.getlist("query") + args.getlist("query"), "query")
        form_graphs = form.getlist("default-graph-uri") + args.getlist("default-graph-uri")
        form_named = form.getlist("named-graph-uri") + args.getlist("named-graph-uri")
        if text is None:
            abort(400, "missing 'query' parameter")
    elif request.mimetype == QUERY_TYPE:
        if "query" in args:
            abort(400, "one query per request: the body and the URL both carry one")
        text = body_text()
        form_graphs, form_named = args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    elif request.mimetype == UPDATE_TYPE:
        abort(415, "SPARQL Update must be POSTed to /update")
    else:
        abort(
            415,
            f"unsupported Content-Type {request.mimetype or '(none)'}: use {FORM} or {QUERY_TYPE}",
        )
    if text is not None:
        limit = current_app.config["ZONEGRAPH_MAX_REQUEST_BYTES"]
        if len(text.encode("utf-8")) > limit:
            abort(413, f"query longer than {limit} bytes")
        if not text.strip():
            abort(400, "empty query")
    return Protocol(text, form_graphs or None, form_named or None)


def _formats(text: str) -> tuple[str, str]:
    """Negotiated (solutions, graph) media types; 406 if the query's kind has none."""
    form = request.method == "POST" and request.mimetype == FORM
    names = negotiation.format_names(request.args, *([request.form] if form else []))
    accept = request.headers.get("Accept")
    solutions = negotiation.pick(accept, names, "solutions")
    graph = negotiation.pick(accept, names, "graph")
    kind = result_kind(query_form(text))
    if (kind == "solutions" and solutions is None) or (kind == "graph" and graph is None):
        wanted: Kind = "graph" if kind == "graph" else "solutions"
        asked = negotiation.named(names, wanted)
        reason = (
            f"format={asked[0]} does not fit a {wanted} result"
            if asked is not None
            else "no acceptable format for this query"
        )
        abort(406, f"{reason}; offered: {negotiation.offered_types(wanted)}")
    if kind is None and solutions is None and graph is None:
        abort(406, "no acceptable format")
    return (
        solutions.media_type if solutions else "",
        graph.media_type if graph else "",
    )


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response | WerkzeugResponse:
    op = read_query()
    if op.text is None:
        if request.method == "GET" and _browser_wants_page():
            # A person opening the endpoint in a browser gets the editor, as Fuseki and
            # Oxigraph's server do; SPARQL clients asking for RDF get the service description.
            return redirect(url_for("pages.query"), code=303)
        return void.rdf_response(void.service_description())
    solutions, graph = _formats(op.text)
    failed = request.environ.pop(fast.OUTCOME, None)
    if failed is not None:  # the fast path evaluated it already (service/fast.py): that error
        raise failed
    result = get_backend().run(
        QueryRequest(
            op.text,
            solutions_format=solutions,
            graph_format=graph,
            default_graphs=op.default_graphs,
            named_graphs=op.named_graphs,
            client=request.remote_addr,
        )
    )
    body: bytes | Chunks = result.body
    if result.stream is not None:  # large: passed on in chunks, and not cached
        body = result.stream
        request.environ[cache.STREAMED] = True
    resp = Response(body, mimetype=result.media_type)
    resp.vary.add("Accept")
    if result.rows is not None:
        resp.headers["ZoneGraph-Rows"] = str(result.rows)
    return resp


def _browser_wants_page() -> bool:
    """True when HTML is preferred over RDF outright (browsers), not merely allowed by */*."""
    accept = request.accept_mimetypes
    return accept["text/html"] > max(accept["text/turtle"], accept["application/ld+json"])


def _cors(resp: Response) -> Response:
    """Let browser pages on other origins query (and, with a token, update) the endpoint."""
    origins = current_app.config["ZONEGRAPH_CORS_ORIGINS"]
    origin = request.headers.get("Origin")
    if not origins or origin is None:
        return resp
    allowed = [o.strip() for o in origins.split(",") if o.strip()]
    if "*" in allowed:
        resp.headers["Access-Control-Allow-Origin"] = "*"
    elif origin in allowed:
        resp.headers["Access-Control-Allow-Origin"] = origin
        resp.vary.add("Origin")
    else:
        return resp
    resp.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        resp.headers["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers", "Accept, Content-Type, Authorization"
        )
        resp.headers["Access-Control-Max-Age"] = "86400"
    return resp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(_cors)
