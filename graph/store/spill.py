"""The sink a query worker serialises a result into: held whole while small, streamed past it.

Why (issue 10): a large result used to exist whole three times over, in the worker, in the
pickle sent over IPC and in the server, before its first byte left. Here the worker keeps at
most `threshold` bytes; once a result outgrows that it tells the pool ("stream", kind, media
type) and from then on sends ("chunk", bytes) messages of `chunk` bytes as Oxigraph writes,
so the server can pass them on without holding the body. A small result is returned whole as
before, so it keeps its Content-Length and can be cached.

Sending blocks while the socket is full: a slow reader slows the serialiser, it never makes
it buffer. Like the worker, this imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Results larger than this many bytes are streamed.
THRESHOLD = 1 << 20
#: Bytes per message once streaming.
CHUNK = 64 << 10


class Spill:
    """A binary sink (Oxigraph's `output=`) that switches from holding to sending."""

    def __init__(
        self,
        send: Callable[[Any], None] | None,
        header: tuple[str, str],
        *,
        threshold: int = THRESHOLD,
        chunk: int = CHUNK,
    ) -> None:
        self.send = send  # None: never stream (in-process evaluation keeps the whole body)
        self.header = header
        self.threshold = threshold
        self.chunk = chunk
        self.buffer = bytearray()
        self.streaming = False
        self.lines = 0  # newlines written: N-Triples' triple count

    def write(self, data: bytes) -> int:
        self.buffer += data
        self.lines += data.count(b"\n")
        if self.send is None:
            return len(data)
        if not self.streaming and len(self.buffer) > self.threshold:
            self.send(("stream", *self.header))
            self.streaming = True
        if self.streaming:
            self._drain(self.chunk)
        return len(data)

    def flush(self) -> None:
        """Nothing to do: chunks are sent as soon as they are full."""

    def _drain(self, least: int) -> None:
        assert self.send is not None
        while len(self.buffer) >= least and self.buffer:
            piece = bytes(self.buffer[: self.chunk])
            del self.buffer[: self.chunk]
            self.send(("chunk", piece))

    def finish(self) -> bytes | None:
        """The whole body when it stayed small; None once streamed (the rest is then sent)."""
        if not self.streaming:
            return bytes(self.buffer)
        self._drain(1)
        return None
