"""A remote engine's large reply is passed on as it arrives, and never ends up shorter.

The engines themselves are in tests/test_remote.py (a complete large result from Oxigraph
and Virtuoso). Here an HTTP server on loopback sends the replies that are hard to make an
engine send on cue: a large body ending in Oxigraph's cut-off message, a body that breaks
off before its Content-Length, Virtuoso's `typed-literal` split across pieces.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from graph.store import QueryRequest
from graph.store.remote import RemoteBackend, RemoteSettings
from graph.store.remote_results import OXIGRAPH_CANCELLED
from graph.store.streams import IN_MEMORY, StreamBrokenError

JSON = "application/sparql-results+json"
SELECT = "SELECT * WHERE { ?s ?p ?o }"
#: One row of SPARQL JSON in Virtuoso's 1.0 spelling; about 90 bytes, so rows cross pieces.
ROW = b'{"o": {"type": "typed-literal", "datatype": "urn:t", "value": "12345"}},'


def body_of(rows: int) -> bytes:
    return b'{"head": {"vars": ["o"]}, "results": {"bindings": [' + ROW * rows + b"{}]}}"


Reply = Callable[[BaseHTTPRequestHandler], None]


@pytest.fixture()
def engine() -> Iterator[Callable[[Reply], str]]:
    """A loopback HTTP server answering every POST with the reply set by the test."""
    holder: dict[str, Reply] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            if b"DISTINCT ?g" in form[b"query"][0]:  # Virtuoso's dialect lists the graphs
                sends(b'{"head": {"vars": ["g"]}, "results": {"bindings": []}}')(self)
            else:
                holder["reply"](self)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def serve(reply: Reply) -> str:
        holder["reply"] = reply
        return f"http://127.0.0.1:{server.server_address[1]}/sparql"

    yield serve
    server.shutdown()
    server.server_close()


def sends(body: bytes, length: int | None = None) -> Reply:
    def reply(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", JSON)
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        handler.end_headers()
        handler.wfile.write(body)

    return reply


def run(url: str, dialect: str = "oxigraph") -> bytes:
    backend = RemoteBackend(RemoteSettings(query_url=url, dialect=dialect, timeout=5.0))
    resp = backend.run(QueryRequest(SELECT, solutions_format=JSON))
    assert resp.stream is not None, "a body past IN_MEMORY is streamed, not held"
    try:
        return b"".join(resp.stream)
    finally:
        resp.stream.close()


def test_a_large_reply_is_passed_on_whole(engine: Callable[[Reply], str]) -> None:
    body = body_of(IN_MEMORY // len(ROW) * 3)
    assert run(engine(sends(body))) == body


def test_virtuoso_terms_are_mended_across_pieces(engine: Callable[[Reply], str]) -> None:
    body = body_of(IN_MEMORY // len(ROW) * 3)
    got = run(engine(sends(body)), dialect="virtuoso")
    assert b"typed-literal" not in got
    assert got == body.replace(b'"typed-literal"', b'"literal"')


def test_a_reply_cut_off_by_the_engine_is_never_complete(engine: Callable[[Reply], str]) -> None:
    body = body_of(IN_MEMORY // len(ROW) * 2)
    cut = body[: len(body) // 2] + b"\n" + OXIGRAPH_CANCELLED + b"\n"
    with pytest.raises(StreamBrokenError, match="stopped the query"):
        run(engine(sends(cut)))


def test_a_reply_that_breaks_off_is_never_complete(engine: Callable[[Reply], str]) -> None:
    body = body_of(IN_MEMORY // len(ROW) * 2)
    with pytest.raises(StreamBrokenError):
        run(engine(sends(body, length=len(body) + 10_000)))


def test_a_small_reply_is_not_streamed(engine: Callable[[Reply], str]) -> None:
    body = body_of(10)
    backend = RemoteBackend(RemoteSettings(query_url=engine(sends(body)), dialect="virtuoso"))
    resp = backend.run(QueryRequest(SELECT, solutions_format=JSON))
    assert resp.stream is None and resp.body == body.replace(b"typed-literal", b"literal")
