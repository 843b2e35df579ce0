"""What a remote engine sends back, made into ZoneGraph's answers: quirks mended, cut-offs
caught, large bodies passed on as they arrive.

Why a module of its own: the engines' replies need the same care as the embedded store's
(issue 10: complete answers, and large ones streamed rather than held), and the rules are
the replies' own, apart from how a request is sent (graph.store.remote):

- Virtuoso's JSON uses the SPARQL 1.0 term type `typed-literal`, mended on the way through;
  its ASK comes back as a one-row table, answered here in the asked format.
- Oxigraph's server, past its `--timeout-s`, ends a result it has begun with a plain-text
  message instead of the rest: a body ending so is a time-out, never a shorter answer.
- A body longer than IN_MEMORY (graph.store.streams) is not read whole: it goes to the client
  through a ResultStream (the same spool the query workers' large results use), and a
  cut-off found at its end aborts the transfer without its terminating chunk. The last
  HOLD bytes are kept back until the next piece or the end, so the cut-off message never
  reaches the client as if it were data.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Mapping
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.store.spill import CHUNK
from graph.store.streams import ResultStream

OXIGRAPH_CANCELLED = b"operation has been cancelled"
#: Bytes of a streamed body held back: room for the cut-off message and for a term type
#: split between two pieces.
HOLD = 256
_TYPED = b'"type": "typed-literal"'


def mend_virtuoso_json(body: bytes) -> bytes:
    """SPARQL 1.1 JSON from Virtuoso's (which still writes 1.0's `typed-literal`)."""
    return body.replace(_TYPED, b'"type": "literal"')


def cut_off(body: bytes) -> bool:
    """Whether the body ends with Oxigraph's message for a query stopped mid-result."""
    return OXIGRAPH_CANCELLED in body[-HOLD:]


class _Reader:
    """Pieces of an engine's response for a ResultStream, the last HOLD bytes kept back."""

    def __init__(
        self,
        head: bytes,
        rest: http.client.HTTPResponse,
        limit: float,
        mend: Callable[[bytes], bytes] | None,
    ) -> None:
        self.held, self.rest, self.limit, self.mend = head, rest, limit, mend
        self.done = False

    def __call__(self, left: float) -> tuple[Any, ...] | None:
        if self.done:
            return ("ok",)
        try:
            data = self.rest.read(CHUNK)
        except http.client.HTTPException as exc:  # IncompleteRead and the like
            return ("error", f"the remote engine's reply broke off: {exc!r}")
        buffer = self.held + data
        if self.mend is not None:
            buffer = self.mend(buffer)
        if not data:  # the end: what was held back is the last piece, unless it is a cut-off
            if self.rest.length:  # http.client reads a short body as an end, not an error
                return ("error", f"the remote engine's reply ended {self.rest.length} bytes short")
            if cut_off(buffer):
                why = f"the remote engine stopped the query at its {self.limit:g} s limit"
                return ("error", why)
            self.done = True
            return ("chunk", buffer)
        self.held = buffer[-HOLD:]
        return ("chunk", buffer[:-HOLD])


def stream(
    head: bytes,
    rest: http.client.HTTPResponse,
    header: tuple[str, str],
    deadline: float,
    limit: float,
    mend: Callable[[bytes], bytes] | None = None,
) -> ResultStream:
    """The remaining body of `rest` (whose first bytes are `head`) as a ResultStream."""

    def end(ok: bool) -> None:
        rest.close()

    return ResultStream(_Reader(head, rest, limit, mend), header, deadline, limit, end)


def virtuoso_ask(body: bytes) -> bool:
    """The boolean of Virtuoso's answer to ASK (a table of one row, or a real boolean)."""
    data = json.loads(body)
    if "boolean" in data:
        return bool(data["boolean"])
    rows = data["results"]["bindings"]
    return bool(rows) and next(iter(rows[0].values()))["value"] not in ("0", "false")


def boolean_body(value: bool, media_type: str) -> bytes:
    """An ASK result in the asked format (SPARQL XML, CSV/TSV, else JSON)."""
    word = "true" if value else "false"
    if media_type == "application/sparql-results+xml":
        return (
            '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>"
        ).encode()
    if media_type in ("text/csv", "text/tab-separated-values"):
        return f"{word}\n".encode()
    return json.dumps({"head": {}, "boolean": value}).encode()


def json_term(value: Mapping[str, str]) -> Node:
    """An rdflib term from a SPARQL JSON results binding."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    lang = value.get("xml:lang")
    datatype = value.get("datatype")
    return Literal(value["value"], lang=lang, datatype=URIRef(datatype) if datatype else None)


def _ox_term(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def triples_to_graph(ntriples: bytes) -> Graph:
    """N-Triples parsed by Oxigraph (fast) into an rdflib Graph for the analyses."""
    g = Graph()
    for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES):
        g.add((_ox_term(t.subject), _ox_term(t.predicate), _ox_term(t.object)))
    return g
