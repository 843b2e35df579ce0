"""A remote SPARQL 1.1 engine as a query backend, and publishing a build into it.

Deployments that outgrow one machine point ZoneGraph at Virtuoso, Fuseki, GraphDB or an
Oxigraph server. The engine does the work; this module keeps ZoneGraph's rules in front of it:
the SERVICE/LOAD allow-list is checked here before anything is forwarded (engines fetch URLs
themselves), every request has a client-side deadline plus the engine's own limit where it has
one, and updates are refused unless the deployment enabled them.

Engines disagree on small things, so a `dialect` names the engine:
- oxigraph: the default graph is only the unnamed graph unless `union-default-graph` is sent;
  a query past the server's --timeout-s is cut off mid-stream with a plain-text message.
- virtuoso: the default graph is the union of every graph, including its own system graphs, so
  ZoneGraph's graphs are named explicitly; `timeout` (ms) returns partial results flagged by
  an `X-SQL-State: S1TAT` header, which must become an error, never a short answer; ASK comes
  back as a one-row table and JSON uses the SPARQL 1.0 `typed-literal` term type.
- fuseki: union default graph is the dataset's configuration (tdb:unionDefaultGraph);
  `timeout` is in seconds.
- generic: the protocol and nothing else.

Only the standard library speaks HTTP here (urllib: digest auth for Virtuoso's protected
endpoints comes with it), so the remote backend adds no dependency.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from graph.errors import QueryError, QueryTimeout, RemoteError, StoreError
from graph.store import QueryRequest, QueryResponse, ResultKind
from graph.store.http import HttpClient, Reply
from graph.store.remote_results import (
    boolean_body,
    cut_off,
    json_term,
    mend_virtuoso_json,
    stream,
    triples_to_graph,
    virtuoso_ask,
)
from graph.store.safety import check_query, query_form, remote_targets
from graph.store.streams import IN_MEMORY

DIALECTS = ("oxigraph", "virtuoso", "fuseki", "generic")
JSON_RESULTS = "application/sparql-results+json"
#: Graphs Virtuoso creates for itself; never part of ZoneGraph's dataset.
VIRTUOSO_SYSTEM = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
    "http://localhost:8890/",
)
GRACE = 2.0  # seconds the client waits beyond the engine's own limit before giving up
GRAPHS_TTL = 30.0


@dataclass(frozen=True)
class RemoteSettings:
    """Where the engine is and how to talk to it; built from service settings or CLI options."""

    query_url: str
    update_url: str | None = None
    gsp_url: str | None = None
    dialect: str = "generic"
    timeout: float = 10.0
    allow: tuple[str, ...] = ()
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    writable: bool = False

    def __post_init__(self) -> None:
        if self.dialect not in DIALECTS:
            raise StoreError(f"unknown remote dialect {self.dialect!r}: use {', '.join(DIALECTS)}")
        for url in (self.query_url, self.update_url, self.gsp_url):
            if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise StoreError(f"remote endpoint {url!r} is not an http(s) URL")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RemoteSettings:
        """Settings from the service's ZONEGRAPH_* mapping (already checked by service.config)."""
        query_url = config.get("ZONEGRAPH_REMOTE_QUERY_URL")
        if not query_url:
            raise StoreError("ZONEGRAPH_STORE=remote needs ZONEGRAPH_REMOTE_QUERY_URL")
        return cls(
            query_url=str(query_url),
            update_url=config.get("ZONEGRAPH_REMOTE_UPDATE_URL") or None,
            gsp_url=config.get("ZONEGRAPH_REMOTE_GSP_URL") or None,
            dialect=str(config.get("ZONEGRAPH_REMOTE_DIALECT") or "generic"),
            timeout=float(config.get("ZONEGRAPH_QUERY_TIMEOUT") or 10.0),
            allow=tuple(config.get("ZONEGRAPH_ALLOW_REMOTE") or ()),
            user=config.get("ZONEGRAPH_REMOTE_USER") or None,
            password=config.get("ZONEGRAPH_REMOTE_PASSWORD") or None,
            writable=bool(config.get("ZONEGRAPH_UPDATE_TOKEN")),
        )


def _form(text: str) -> str:
    """The query form by the one detector (graph.store.safety); not a query is a QueryError."""
    form = query_form(text)
    if form is None:
        raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form


def _engine_message(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    text = text.split("\nSPARQL query:")[0].strip()  # Virtuoso echoes the query back
    return " ".join(text.split())[:500] or "no message"


class RemoteBackend:
    """graph.store.Backend over the SPARQL 1.1 Protocol."""

    def __init__(self, settings: RemoteSettings) -> None:
        self.settings = settings
        self._http = HttpClient(
            (settings.query_url, settings.update_url, settings.gsp_url),
            settings.user,
            settings.password,
        )
        self._graphs: tuple[float, list[str]] | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RemoteBackend:
        return cls(RemoteSettings.from_config(config))

    # --- queries --------------------------------------------------------------------------

    def run(self, request: QueryRequest) -> QueryResponse:
        """The answer to send; a body past IN_MEMORY bytes is streamed, not held."""
        return self._run(request, IN_MEMORY)

    def _run(self, request: QueryRequest, whole: int | None) -> QueryResponse:
        self._check(request.text)
        form = _form(request.text)
        kind: ResultKind = (
            "graph"
            if form in ("CONSTRUCT", "DESCRIBE")
            else "boolean"
            if form == "ASK"
            else "solutions"
        )
        accept = request.graph_format if kind == "graph" else request.solutions_format
        ask_virtuoso = kind == "boolean" and self.settings.dialect == "virtuoso"
        timeout = request.timeout or self.settings.timeout
        deadline = time.monotonic() + timeout + GRACE
        if kind == "boolean":
            whole = None  # one word: never streamed
        reply = self._query(request, JSON_RESULTS if ask_virtuoso else accept, timeout, whole)
        if ask_virtuoso:
            return QueryResponse(kind, accept, boolean_body(virtuoso_ask(reply.body), accept))
        mend = None
        if self.settings.dialect == "virtuoso" and accept == JSON_RESULTS:
            mend = mend_virtuoso_json
        media = reply.headers.get("Content-Type", accept).split(";")[0].strip() or accept
        if reply.rest is not None:  # large: passed on as it arrives (graph.store.remote_results)
            chunks = stream(reply.body, reply.rest, (kind, media), deadline, timeout, mend)
            return QueryResponse(kind, media, b"", stream=chunks)
        return QueryResponse(kind, media, mend(reply.body) if mend else reply.body)

    def _check(self, text: str) -> None:
        """Forward only what passes the conservative check (graph.store.safety).

        The engine evaluates the query itself, out of reach of ZoneGraph's sandbox, so this
        check is the only wall in front of it (README: configure the engine not to fetch).
        FROM may name one of the engine's graphs, which only the engine can tell, so its
        graphs are listed only when a FROM or USING needs them.
        """
        check_query(text, self.settings.allow, self.named_graphs)

    def _query(
        self, request: QueryRequest, accept: str, timeout: float, whole: int | None
    ) -> Reply:
        params: list[tuple[str, str]] = [("query", request.text)]
        params += self._dataset_params(request)
        dialect = self.settings.dialect
        if dialect == "virtuoso":
            params.append(("timeout", str(int(timeout * 1000))))
        elif dialect == "fuseki":
            params.append(("timeout", f"{timeout:g}"))
        reply = self._http.send(
            "POST",
            self.settings.query_url,
            urllib.parse.urlencode(params).encode("ascii"),
            {
                "Accept": accept,
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            },
            timeout + GRACE,
            whole=whole,
        )
        self._raise_for(reply, timeout)
        return reply

    def _dataset_params(self, request: QueryRequest) -> list[tuple[str, str]]:
        """The RDF dataset: as asked, else the union of ZoneGraph's graphs (engine by engine)."""
        if request.default_graphs or request.named_graphs:
            return [("default-graph-uri", g) for g in request.default_graphs or ()] + [
                ("named-graph-uri", g) for g in request.named_graphs or ()
            ]
        if _has_from(request.text):
            return []  # the query names its own dataset
        if self.settings.dialect == "oxigraph":
            return [("union-default-graph", "")]
        if self.settings.dialect == "virtuoso":
            graphs = self.named_graphs()
            return [("default-graph-uri", g) for g in graphs] + [
                ("named-graph-uri", g) for g in graphs
            ]
        return []

    def _raise_for(self, reply: Reply, timeout: float) -> None:
        # Virtuoso flags partial results by a header, or by an error after them (then 500).
        partial = reply.headers.get("X-SQL-State") == "S1TAT" or b"S1TAT" in reply.body[-2000:]
        if partial or (reply.rest is None and cut_off(reply.body)):
            raise QueryTimeout(f"query stopped by the remote engine after {timeout:g} s")
        if reply.status < 400:
            return
        message = _engine_message(reply.body)
        lowered = message.lower()
        if "timeout" in lowered or "timed out" in lowered or "cancelled" in lowered:
            raise QueryTimeout(f"query stopped by the remote engine: {message}")
        if reply.status in (400, 422):
            raise QueryError(f"the engine rejected the query: {message}")
        if reply.status in (401, 403):
            raise RemoteError(f"the remote engine refused access ({reply.status}): {message}")
        raise RemoteError(f"remote engine error {reply.status}: {message}")

    def select(self, text: str, timeout: float | None = None) -> list[dict[str, Node]]:
        if _form(text) != "SELECT":
            raise QueryError("select() needs a SELECT query")
        data = json.loads(self._run(QueryRequest(text, timeout=timeout), None).body)
        return [
            {name: json_term(value) for name, value in row.items()}
            for row in data["results"]["bindings"]
        ]

    def construct(self, text: str, timeout: float | None = None) -> Graph:
        if _form(text) not in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError("construct() needs a CONSTRUCT or DESCRIBE query")
        request = QueryRequest(text, graph_format="application/n-triples", timeout=timeout)
        return triples_to_graph(self._run(request, None).body)

    def update(self, text: str, timeout: float | None = None) -> None:
        if not self.settings.writable or self.settings.update_url is None:
            raise QueryError("the store is read-only: no update token or update endpoint is set")
        self._check(text)
        limit = timeout or self.settings.timeout
        reply = self._http.send(
            "POST",
            self.settings.update_url,
            urllib.parse.urlencode({"update": text}).encode("ascii"),
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            limit + GRACE,
            authenticate=True,
        )
        self._raise_for(reply, limit)
        self._graphs = None

    def named_graphs(self) -> list[str]:
        """The dataset's named graphs (Virtuoso's own system graphs left out), cached briefly."""
        now = time.monotonic()
        if self._graphs is not None and now - self._graphs[0] < GRAPHS_TTL:
            return self._graphs[1]
        reply = self._http.send(
            "POST",
            self.settings.query_url,
            urllib.parse.urlencode(
                {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}
            ).encode("ascii"),
            {"Accept": JSON_RESULTS, "Content-Type": "application/x-www-form-urlencoded"},
            self.settings.timeout + GRACE,
        )
        self._raise_for(reply, self.settings.timeout)
        rows = json.loads(reply.body)["results"]["bindings"]
        graphs = sorted(
            row["g"]["value"] for row in rows if not row["g"]["value"].startswith(VIRTUOSO_SYSTEM)
        )
        self._graphs = (now, graphs)
        return graphs

    def close(self) -> None:
        self._graphs = None

    # --- Graph Store Protocol -------------------------------------------------------------

    def put_graph(self, graph: str, ntriples: bytes, timeout: float = 600.0) -> None:
        """Replace one named graph with N-Triples (GSP PUT)."""
        self._gsp("PUT", graph, ntriples, timeout)

    def delete_graph(self, graph: str, timeout: float = 600.0) -> None:
        self._gsp("DELETE", graph, None, timeout)

    def _gsp(self, method: str, graph: str, body: bytes | None, timeout: float) -> None:
        if self.settings.gsp_url is None:
            raise StoreError("publishing to a remote engine needs its Graph Store Protocol URL")
        sep = "&" if "?" in self.settings.gsp_url else "?"
        url = self.settings.gsp_url + sep + urllib.parse.urlencode({"graph": graph})
        if method == "PUT" and self.settings.dialect == "oxigraph":
            # Oxigraph's bulk loader: several times faster than a transactional load, at the
            # price of a half-loaded graph if the upload breaks (the next build replaces it).
            url += "&no_transaction"
        headers = {"Content-Type": "application/n-triples"} if body is not None else {}
        reply = self._http.send(method, url, body, headers, timeout, authenticate=True)
        if reply.status >= 400 and not (method == "DELETE" and reply.status == 404):
            raise RemoteError(
                f"{method} of graph <{graph}> failed ({reply.status}): "
                f"{_engine_message(reply.body)}"
            )
        self._graphs = None


def _has_from(text: str) -> bool:
    return any(k.startswith("FROM") for k, _ in remote_targets(text))


# --- publishing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RemotePublication:
    graphs: dict[str, int]
    removed: list[str]
    seconds: float


def graphs_as_ntriples(nquads: bytes) -> Iterable[tuple[str, bytes]]:
    """Split N-Quads into (graph IRI, N-Triples) pairs, one per named graph."""
    store = ox.Store()
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    for graph in sorted(store.named_graphs(), key=lambda g: g.value):
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        if data:
            yield graph.value, bytes(data)


def publish_remote(
    nquads: bytes, settings: RemoteSettings, prune_prefix: str | None = None
) -> RemotePublication:
    """Replace each named graph on the engine by GSP PUT; drop stale graphs under prune_prefix.

    The data is validated before this is called. Each PUT replaces one graph at once, but the
    graphs are not switched together: readers may briefly see a new graph beside an old one.
    """
    started = time.monotonic()
    backend = RemoteBackend(settings)
    counts: dict[str, int] = {}
    for graph, ntriples in graphs_as_ntriples(nquads):
        backend.put_graph(graph, ntriples)
        counts[graph] = ntriples.count(b"\n")
    removed: list[str] = []
    if prune_prefix is not None:
        for graph in backend.named_graphs():
            if graph.startswith(prune_prefix) and graph not in counts:
                backend.delete_graph(graph)
                removed.append(graph)
    return RemotePublication(counts, removed, time.monotonic() - started)
