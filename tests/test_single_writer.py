"""A LOAD is fetched once (issue 10): the worker that evaluates it sends its effect to the
others and to every replacement, which never fetch the document again."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from graph.errors import QueryError, StoreError
from graph.store.embedded import EmbeddedBackend
from graph.store.release import publish
from tests.helpers_server import wait_for

DATA = b"<urn:zg:a> <urn:zg:p> <urn:zg:b> <urn:zg:g> .\n"
DOCUMENT = b"<urn:zg:loaded> <urn:zg:p> _:b .\n_:b <urn:zg:q> 'once' .\n"
LOADED = "SELECT ?o WHERE { GRAPH <urn:zg:into> { <urn:zg:loaded> <urn:zg:p> ?b . ?b ?q ?o } }"


class _Document(BaseHTTPRequestHandler):
    fetched: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the http.server naming)
        type(self).fetched.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.send_header("Content-Length", str(len(DOCUMENT)))
        self.end_headers()
        self.wfile.write(DOCUMENT)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def document() -> Iterator[tuple[str, list[str]]]:
    fetched: list[str] = []
    handler = type("Handler", (_Document,), {"fetched": fetched})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", fetched
    finally:
        server.shutdown()
        server.server_close()


def answers(backend: EmbeddedBackend, times: int) -> set[tuple[str, ...]]:
    """What SELECT gives over `times` requests from three threads at once (so that several
    workers answer)."""
    seen: set[tuple[str, ...]] = set()
    lock = threading.Lock()

    def ask() -> None:
        for _ in range(times // 3):
            rows = backend.select(LOADED)
            with lock:
                seen.add(tuple(sorted(str(r["o"]) for r in rows)))

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return seen


def test_a_load_is_fetched_once_and_seen_by_every_worker(
    document: tuple[str, list[str]],
) -> None:
    base, fetched = document
    backend = EmbeddedBackend.from_nquads(DATA, (base,), workers=3, timeout=20, updatable=True)
    try:
        backend.update(f"LOAD <{base}doc.ttl> INTO GRAPH <urn:zg:into>")
        assert fetched == ["/doc.ttl"]
        assert answers(backend, 30) == {("once",)}
        old = backend.worker_pids()
        for pid in old:
            os.kill(pid, signal.SIGKILL)
        wait_for(
            lambda: len(backend.worker_pids()) == 3 and not set(old) & set(backend.worker_pids()),
            "three replacement workers",
        )
        assert answers(backend, 12) == {("once",)}
        assert fetched == ["/doc.ttl"]  # no worker, and no replacement, fetched it again
    finally:
        backend.close()


def test_an_update_that_cannot_be_journalled_is_not_applied(tmp_path: Path) -> None:
    release = publish(DATA, tmp_path, {})
    journal = tmp_path / "updates" / f"{release.path.name}.jsonl"
    journal.mkdir(parents=True)  # appending to it fails, as a full disk would
    backend = EmbeddedBackend.open(tmp_path, workers=2, timeout=20, updatable=True)
    try:
        with pytest.raises(StoreError, match=r"cannot be kept in .*\.jsonl.*not applied"):
            backend.update("INSERT DATA { <urn:zg:lost> <urn:zg:p> 'never' }")
        ask = "SELECT ?o WHERE { <urn:zg:lost> <urn:zg:p> ?o }"
        assert all(backend.select(ask) == [] for _ in range(6))
    finally:
        backend.close()


def test_a_failed_update_changes_no_worker() -> None:
    backend = EmbeddedBackend.from_nquads(DATA, workers=2, timeout=20, updatable=True)
    try:
        mixed = "INSERT DATA { <urn:zg:half> <urn:zg:p> 'done' } ; CREATE GRAPH <urn:zg:g>"
        with pytest.raises(QueryError, match="already exists"):
            backend.update(mixed)
        ask = "SELECT ?o WHERE { <urn:zg:half> <urn:zg:p> ?o }"
        assert all(backend.select(ask) == [] for _ in range(6))
        backend.update("INSERT DATA { <urn:zg:half> <urn:zg:p> 'later' }")
        assert all(len(backend.select(ask)) == 1 for _ in range(6))
    finally:
        backend.close()
