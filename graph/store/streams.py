"""The server's side of a streamed result: chunks taken from the worker as it writes them.

Why (issue 10): a large result passes through the serving process one chunk (64 KiB,
graph.store.spill) at a time, so the serving process never holds the whole body. A thread
takes the chunks off the worker's socket as fast as the worker writes them into a spool
(memory up to 1 MiB, then an unnamed temporary file) that the client reads at its own pace:
the worker, and its heavy slot, are given back (`end(True)`) as soon as the last chunk is
written, and a slow client costs disk, not a worker. A client may fall `AHEAD` bytes behind;
past that the worker waits for it, and then the time limit can be reached while it waits.
The time limit bounds the worker's writing, never the client's reading: a client that parses
as it reads (SPARQLWrapper's RDF/XML) gets a whole graph that took longer than the limit to
parse.

A failure after the first byte cannot become an error status any more (the 200 is sent),
and must not look like a complete answer either: the time limit reached, the worker lost or
its evaluation failing make the iterator raise StreamBrokenError, which the WSGI server
answers by dropping the connection without the terminating chunk, and it is logged. The
worker is then killed (`end(False)`): it is mid-result and cannot take another request. The
same happens when the client goes away before the worker is done (`close()`).
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from graph.store.spill import CHUNK

if TYPE_CHECKING:
    from graph.store import ResultKind

log = logging.getLogger(__name__)
#: The spool's part in memory; the rest goes to an unnamed temporary file.
IN_MEMORY = 1 << 20
#: How far a client may fall behind the worker before the worker waits for it.
AHEAD = 1 << 30


#: Where the chunks come from: given the seconds left, the next message — ("chunk", bytes),
#: ("ok",) at the end, ("error", why) — or None when none came in time; EOFError or OSError
#: when the writer is gone. A query worker's socket, or a remote engine's response.
Receive = Callable[[float], "tuple[Any, ...] | None"]


class StreamBrokenError(Exception):
    """A streamed result failed after its first byte: the transfer is to be aborted."""


def from_worker(conn: Connection) -> Receive:
    """The messages a query worker sends over its socket (graph.store.worker)."""

    def receive(left: float) -> tuple[Any, ...] | None:
        return conn.recv() if conn.poll(left) else None

    return receive


class ResultStream:
    """A WSGI body iterable over the chunks a query worker is writing."""

    def __init__(
        self,
        receive: Receive,
        header: tuple[str, str],
        deadline: float,
        limit: float,
        end: Callable[[bool], None],
    ) -> None:
        self.kind, self.media_type = header
        self._receive = receive
        self.deadline = deadline
        self.limit = limit
        self._end = end
        self.sent = 0  # bytes handed to the HTTP server so far
        self._spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)
        self._lock = threading.Condition()
        self._written = 0
        self._failed: str | None = None  # why the worker's part failed
        self._finished = False  # the worker's part is over (well or not)
        self._abandoned = False  # the client is gone
        threading.Thread(target=self._pump, name="zonegraph-stream", daemon=True).start()

    @property
    def result_kind(self) -> ResultKind:
        """What the worker streams: a graph, or solutions (a boolean is never streamed)."""
        return "graph" if self.kind == "graph" else "solutions"

    def __iter__(self) -> ResultStream:
        return self

    def __next__(self) -> bytes:
        with self._lock:
            while self.sent >= self._written and not self._finished:
                self._lock.wait(1.0)
            failed = self._failed
            if failed is None and self.sent < self._written:
                self._spool.seek(self.sent)
                chunk: bytes = self._spool.read(min(CHUNK, self._written - self.sent))
                self.sent += len(chunk)
                self._lock.notify_all()
                return chunk
        if failed is not None:
            raise StreamBrokenError(f"result aborted after {self.sent} bytes: {failed}")
        raise StopIteration

    def _pump(self) -> None:
        """Take every chunk off the worker's socket into the spool, then end the worker's turn."""
        ok, why = False, None
        try:
            ok, why = self._take()
        finally:
            self._end(ok)
            with self._lock:
                self._finished = True
                if not ok:
                    self._failed = why or "the client went away"
                if self._abandoned:
                    self._spool.close()
                self._lock.notify_all()
            if why is not None:
                log.warning("streamed result aborted after %d bytes: %s", self._written, why)

    def _take(self) -> tuple[bool, str | None]:
        """(the worker finished, why not); None: the client left first."""
        while True:
            with self._lock:
                while self._written - self.sent > AHEAD and not self._abandoned:
                    left = self.deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._lock.wait(left)
                if self._abandoned:
                    return False, None
            left = self.deadline - time.monotonic()
            try:
                message = self._receive(left) if left > 0 else None
            except (EOFError, OSError):
                return False, "the writer of the result stopped while sending it"
            if message is None:
                return False, f"the {self.limit:g} s time limit was reached"
            if message[0] == "ok":
                return True, None
            if message[0] != "chunk":
                return False, f"the evaluation failed: {message[-1]}"
            with self._lock:
                if self._abandoned:
                    return False, None
                self._spool.seek(self._written)
                self._spool.write(message[1])
                self._written += len(message[1])
                self._lock.notify_all()

    def close(self) -> None:
        """Called by the WSGI server when it is done with the body, read whole or not."""
        with self._lock:
            if not self._finished:
                self._abandoned = True
                log.warning("streamed result abandoned after %d bytes (client gone)", self.sent)
            else:
                self._spool.close()
            self._lock.notify_all()
