"""The server's side of a streamed result: chunks read from the worker as the client takes them.

Why (issue 10): a large result passes through the serving process one chunk (64 KiB,
graph.store.spill) at a time, read from the worker's socket only when the HTTP server asks
for the next piece of the body, so the serving process never holds the whole body and a slow
client slows the worker instead of filling memory. The worker stays taken (and in a heavy
slot) until the last chunk; then `end(True)` gives it back to the pool.

A failure after the first byte cannot become an error status any more (the 200 is sent),
and must not look like a complete answer either: the time limit reached, the worker lost or
its evaluation failing make the iterator raise StreamBrokenError, which the WSGI server answers by
dropping the connection without the terminating chunk, and it is logged. The worker is then
killed (`end(False)`): it is mid-result and cannot take another request. The same happens
when the client goes away before the end (`close()`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from graph.store import ResultKind

log = logging.getLogger(__name__)


class StreamBrokenError(Exception):
    """A streamed result failed after its first byte: the transfer is to be aborted."""


class ResultStream:
    """A WSGI body iterable over the chunks a query worker is writing."""

    def __init__(
        self,
        conn: Connection,
        header: tuple[str, str],
        deadline: float,
        limit: float,
        end: Callable[[bool], None],
    ) -> None:
        self.kind, self.media_type = header
        self.conn = conn
        self.deadline = deadline
        self.limit = limit
        self._end = end
        self.done = False
        self.sent = 0  # bytes handed to the HTTP server so far

    @property
    def result_kind(self) -> ResultKind:
        """What the worker streams: a graph, or solutions (a boolean is never streamed)."""
        return "graph" if self.kind == "graph" else "solutions"

    def __iter__(self) -> ResultStream:
        return self

    def __next__(self) -> bytes:
        if self.done:
            raise StopIteration
        left = self.deadline - time.monotonic()
        try:
            message = self.conn.recv() if left > 0 and self.conn.poll(left) else None
        except (EOFError, OSError):
            self._fail("the query worker stopped while sending the result")
        if message is None:
            self._fail(f"the {self.limit:g} s time limit was reached")
        if message[0] == "chunk":
            chunk: bytes = message[1]
            self.sent += len(chunk)
            return chunk
        if message[0] == "ok":
            self._finish(True)
            raise StopIteration
        self._fail(f"the evaluation failed: {message[-1]}")

    def _fail(self, why: str) -> NoReturn:
        self._finish(False)
        log.warning("streamed result aborted after %d bytes: %s", self.sent, why)
        raise StreamBrokenError(f"result aborted after {self.sent} bytes: {why}")

    def close(self) -> None:
        """Called by the WSGI server when it is done with the body, read whole or not."""
        if not self.done:
            log.warning("streamed result abandoned after %d bytes (client gone)", self.sent)
            self._finish(False)

    def _finish(self, ok: bool) -> None:
        if not self.done:
            self.done = True
            self._end(ok)
