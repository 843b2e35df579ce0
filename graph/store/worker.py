"""The body of a query worker process: open the store, then answer requests from a pipe.

It runs in a child process started by graph.store.embedded so that a runaway query can be
stopped by killing the process (pyoxigraph offers no cancellation). Besides pyoxigraph it reads
only the formats table (graph.formats, itself pyoxigraph only), the update deltas
(graph.store.delta, likewise) and the sandbox: the parent does
the safety check and hands over everything else (prefixes, dataset, the negotiated media
types). Before reading anything it confines itself (graph.store.sandbox): no network at all,
or only what the parent's supervisor allows; if it cannot, it serves nothing. It answers from
a thread with a large stack, because Oxigraph's parser and evaluator recurse once per nesting
level and the 8 MB main stack overflows (a segfault) at a few thousand.

Rows never become Python objects on the HTTP path. To cap a result cheaply the solutions are
written as TSV (one solution per line, terms escaped as in N-Triples) into a writer that stops
the evaluation once it holds one row more than the cap; the TSV is then parsed back and written
in the requested format, all inside Oxigraph. Graph results do the same with N-Triples.
Results are written into a graph.store.spill sink: a large one leaves in chunks while it is
being written, a small one is replied whole.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import IO, Any, cast

import pyoxigraph as ox

from graph import formats
from graph.store import WORKER_CPUS_ENV, delta, sandbox
from graph.store.spill import Spill

# Canonical media type (as negotiated) → Oxigraph writer, from the one formats table.
SOLUTION_FORMATS = formats.results_formats()
GRAPH_FORMATS = formats.rdf_formats()


def _out(data: bytes | None) -> bytes:
    """Serialisers return bytes when given no output file."""
    assert data is not None
    return data


class _FullError(Exception):
    """Raised from the writer to stop Oxigraph once enough lines are written."""


class _CappedWriter:
    """A binary sink that keeps at most `limit` lines and then stops the serialiser."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.lines = 0
        self.full = False

    def write(self, chunk: bytes) -> int:
        if self.full:
            raise _FullError
        self.data += chunk
        self.lines += chunk.count(b"\n")
        if self.lines >= self.limit:
            self.full = True
            raise _FullError
        return len(chunk)

    def flush(self) -> None:
        pass

    def head(self, lines: int) -> bytes:
        """The first `lines` lines."""
        end = -1
        for _ in range(lines):
            end = self.data.index(b"\n", end + 1)
        return bytes(self.data[: end + 1])


def _capped(serialize: Any, limit: int) -> tuple[bytes, bool]:
    """Run `serialize(writer)` keeping `limit` lines; True when more were available."""
    writer = _CappedWriter(limit + 1)
    try:
        serialize(writer)
    except _FullError:
        pass
    except OSError:  # pyoxigraph may wrap the writer's exception in an I/O error
        if not writer.full:
            raise
    if writer.full:
        return writer.head(limit), True
    return bytes(writer.data), False


def _io(sink: Spill) -> IO[bytes]:
    """Oxigraph writes into any object with write(): the sink, typed as the file it stands for."""
    return cast("IO[bytes]", sink)


def _solutions(
    results: ox.QuerySolutions, fmt: str, cap: int | None, sink: Spill
) -> tuple[bool, int | None]:
    """Write the solutions into `sink`: (over the cap, rows when capped). Over the cap
    nothing is written; under one the rows were counted as TSV lines on the way."""
    target = SOLUTION_FORMATS[fmt]
    if cap is None:
        results.serialize(_io(sink), format=target)
        return False, None
    tsv, truncated = _capped(
        lambda w: results.serialize(w, format=ox.QueryResultsFormat.TSV), cap + 1
    )
    if truncated:
        return True, None
    if target != ox.QueryResultsFormat.TSV:
        parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        parsed.serialize(_io(sink), format=target)
    else:
        sink.write(tsv)
    return False, tsv.count(b"\n") - 1


def _triples(
    results: ox.QueryTriples, fmt: str, cap: int | None, prefixes: dict[str, str], sink: Spill
) -> tuple[bool, int | None]:
    """Write the triples into `sink`: (over the cap, how many triples were written)."""
    target = GRAPH_FORMATS[fmt]
    nt_format = ox.RdfFormat.N_TRIPLES
    with_prefixes = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
    keep = prefixes if target in with_prefixes else None
    if cap is None:
        if target == nt_format:
            results.serialize(_io(sink), format=nt_format)
            return False, sink.lines
        counted = _Counted(results)
        ox.serialize(counted, _io(sink), format=target, prefixes=keep)
        return False, counted.seen
    nt, truncated = _capped(lambda w: results.serialize(w, format=nt_format), cap)
    if truncated:
        return True, None
    if target == nt_format:
        sink.write(nt)
    else:
        ox.serialize(ox.parse(nt, format=nt_format), _io(sink), format=target, prefixes=keep)
    return False, nt.count(b"\n")


class _Counted:
    """The triples of a result, counted as the serialiser takes them (streamed in one pass:
    the count is known only at the end)."""

    def __init__(self, triples: ox.QueryTriples) -> None:
        self.triples = triples
        self.seen = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> ox.Triple:
        triple = cast("ox.Triple", next(self.triples))
        self.seen += 1
        return triple


def used_prefixes(prefixes: dict[str, str], text: str) -> dict[str, str]:
    """The predeclared prefixes a query can use: those whose `name:` occurs in its text.

    Oxigraph reads every prefix given on every query (64 of them cost about 120 µs, more than
    a label lookup itself); a prefix the text never spells cannot be used. With a `\\u` or
    `\\U` escape in the text, which the parser may resolve into a name, all are given.
    """
    if "\\u" in text or "\\U" in text:
        return prefixes
    return {name: iri for name, iri in prefixes.items() if f"{name}:" in text}


def _query_kwargs(msg: dict[str, Any]) -> dict[str, Any]:
    narrowed = msg.get("narrowed")  # found for this text already (inprocess, once per shape)
    prefixes = msg["prefixes"] if narrowed else used_prefixes(msg["prefixes"], msg["text"])
    kwargs: dict[str, Any] = {"prefixes": prefixes}
    if msg.get("default_graphs") is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in msg["default_graphs"]]
    elif not msg.get("query_dataset"):
        kwargs["use_default_graph_as_union"] = True
    if msg.get("named_graphs") is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in msg["named_graphs"]]
    return kwargs


def _term(term: Any) -> tuple[str, ...]:
    """A term as plain values the parent turns into rdflib terms."""
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language or "", term.datatype.value)
    return ("literal", str(term), "", "")


# Oxigraph raises RuntimeError both for a storage fault and for an update that asks for
# something the dataset's state forbids (CREATE GRAPH on a graph that exists, DROP/CLEAR of one
# that does not); these messages are the client's mistake, reported as such.
_CLIENT_MISTAKES = ("already exists", "does not exist")


def _apply_update(store: ox.Store, text: str, prefixes: dict[str, str]) -> delta.Delta:
    """Run one update and return its effect (graph.store.delta), which the pool hands to every
    other worker; a request the dataset's state refuses becomes ValueError (a 400). A failed
    update leaves this store as it was, so that it never differs from the others."""
    before = delta.Snapshot(store)
    try:
        store.update(text, prefixes=prefixes)
    except SyntaxError:
        raise  # refused before anything ran
    except BaseException as exc:
        partial = delta.between(before, delta.Snapshot(store))
        if not delta.is_empty(partial):
            delta.apply(store, delta.inverse(partial))
        if isinstance(exc, RuntimeError) and any(m in str(exc) for m in _CLIENT_MISTAKES):
            raise ValueError(str(exc)) from None
        raise
    return delta.between(before, delta.Snapshot(store))


def replay(store: ox.Store, effects: Any) -> None:
    """Apply logged updates' effects in order: what every copy of the data (a worker's, or
    the serving process's own, graph.store.inprocess) does before answering. Each update was
    evaluated once elsewhere (graph.store.delta): only its effect is applied."""
    for effect in effects:
        delta.apply(store, effect)


def answer(
    store: ox.Store, msg: dict[str, Any], send: Callable[[Any], None] | None = None
) -> tuple[Any, ...]:
    """One request's reply: ("ok", value) or ("error", kind, message), as sent to the pool.

    With `send`, a large result goes out through it in chunks before the reply
    (graph.store.spill), and the reply's value is then ("streamed", kind, media type); an
    error after the first chunk is the reply, and tells the pool the stream is broken."""
    try:
        return ("ok", _handle(store, msg, send))
    except SyntaxError as exc:
        return ("error", "syntax", str(exc))
    except (ValueError, TypeError, OSError) as exc:
        return ("error", "query", str(exc))
    except Exception as exc:
        return ("error", "store", f"{type(exc).__name__}: {exc}")


def _handle(store: ox.Store, msg: dict[str, Any], send: Callable[[Any], None] | None) -> Any:
    replay(store, msg.get("updates", ()))
    op = msg["op"]
    if op == "graphs":
        return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    if op == "update":
        return _apply_update(store, msg["text"], msg["prefixes"])
    results = store.query(msg["text"], **_query_kwargs(msg))
    if op == "select":
        if not isinstance(results, ox.QuerySolutions):
            raise ValueError("select() needs a SELECT query")
        names = [v.value for v in results.variables]
        return [{n: _term(s[n]) for n in names if s[n] is not None} for s in results]
    if op == "construct":
        if not isinstance(results, ox.QueryTriples):
            raise ValueError("construct() needs a CONSTRUCT or DESCRIBE query")
        return _out(results.serialize(format=ox.RdfFormat.N_TRIPLES))
    cap = msg.get("max_rows")
    if isinstance(results, ox.QueryBoolean):
        fmt = msg["solutions_format"]
        if fmt not in SOLUTION_FORMATS:
            return ("not-acceptable", "solutions")
        return ("boolean", fmt, _out(results.serialize(format=SOLUTION_FORMATS[fmt])), False, None)
    rows: int | None = None
    if isinstance(results, ox.QueryTriples):
        kind, fmt = "graph", msg["graph_format"]
        if fmt not in GRAPH_FORMATS:
            return ("not-acceptable", "graph")
        sink = Spill(send, (kind, fmt))
        over, rows = _triples(results, fmt, cap, msg["prefixes"], sink)
    else:
        kind, fmt = "solutions", msg["solutions_format"]
        if fmt not in SOLUTION_FORMATS:
            return ("not-acceptable", "solutions")
        sink = Spill(send, (kind, fmt))
        over, rows = _solutions(results, fmt, cap, sink)
    if over:  # a client is never handed a shorter answer as if it were the whole one
        return ("over-cap", kind, cap)
    body = sink.finish()
    if body is None:  # sent in chunks already (graph.store.spill)
        return ("streamed", kind, fmt)
    return (kind, fmt, body, False, rows)


class _Holder:
    """The store a worker answers from; a warming worker swaps in its memory copy later."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store


def _warm(holder: _Holder, nquads_path: str) -> None:
    """Load the memory copy in a thread (pyoxigraph releases the GIL) and then swap it in."""

    def load() -> None:
        memory = ox.Store()
        try:
            memory.bulk_load(path=nquads_path, format=ox.RdfFormat.N_QUADS)
        except Exception:  # keep answering from disk: slower, still correct
            return
        holder.store = memory

    threading.Thread(target=load, daemon=True, name="warm-up").start()


def _open(source: tuple[str, Any]) -> _Holder:
    kind, value = source
    if kind == "warm":
        store_path, nquads_path = value
        holder = _Holder(ox.Store.read_only(store_path))
        _warm(holder, nquads_path)
        return holder
    return _Holder(_open_store(kind, value))


def _open_store(kind: str, value: Any) -> ox.Store:
    if kind == "read-only":
        return ox.Store.read_only(value)
    store = ox.Store()
    if kind == "nquads-file":
        delta.load_keeping_labels(store, path=value)
    else:
        delta.load_keeping_labels(store, data=value)
    return store


def watch_parent() -> None:
    """Exit when the parent dies, even mid-query (a killed parent runs no clean-up): query
    workers watch the server, and the server's granian worker watches `zonegraph serve`."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _confine(conn: Connection, network: str) -> bool:
    """Install the network wall and tell the parent; False (and why) when it cannot be built."""
    try:
        listener = sandbox.confine(supervised=network == "supervised", link_fd=conn.fileno())
    except Exception as exc:  # fail closed: never serve unconfined
        sandbox.report(conn.fileno(), None, ok=False)
        conn.send(("error", "sandbox", f"the network sandbox cannot be installed: {exc}"))
        return False
    sandbox.report(conn.fileno(), listener)
    return True


def main(conn: Connection, network: str = "offline") -> None:
    """Serve requests until the pipe closes; every answer is ("ok", value) or ("error", …)."""
    if not _confine(conn, network):
        return
    watch_parent()
    try:
        holder = _open(conn.recv())
    except Exception as exc:  # reported to the parent, which raises StoreError
        conn.send(("error", "store", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ok", "ready"))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(answer(holder.store, msg, conn.send))


def _take_back_cpus() -> None:
    """Every CPU the server has, not just the one its serving process inherited (--pin)."""
    with contextlib.suppress(OSError, ValueError):
        if cpus := os.environ.get(WORKER_CPUS_ENV):
            os.sched_setaffinity(0, {int(c) for c in cpus.split(",")})


if __name__ == "__main__":
    _take_back_cpus()
    threading.stack_size(sandbox.STACK_BYTES)
    serve = threading.Thread(
        target=main,
        args=(Connection(int(sys.argv[1])), sys.argv[2] if len(sys.argv) > 2 else "offline"),
        name="serve",
    )
    serve.start()
    serve.join()
