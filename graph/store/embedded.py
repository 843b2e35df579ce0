"""Embedded backend: Oxigraph in a pool of worker processes that can be killed.

pyoxigraph cannot cancel a query (PERFORMANCE.md), so a time limit that really stops one needs
process isolation: each query goes to an idle worker process; if no answer comes within the
limit the worker is killed, a fresh one is started in the background, and the caller gets
QueryTimeout. Workers are fresh interpreters (`python -m graph.store.worker`, as
multiprocessing's 'spawn' does, but without re-importing the caller's main script): nothing of
the threaded server is forked, and a script that opens a backend needs no `if __name__ ==
"__main__"`. Each talks to the pool over a socket pair wrapped in a multiprocessing Connection.

Each worker opens the published release read-only (RocksDB allows many readers), or, when the
backend accepts updates or was given N-Quads, holds its own in-memory copy. Updates are
evaluated once: one at a time (under a lock), each by one worker, which returns the update's
effect as concrete quads removed and added (graph.store.delta). That delta is written to the
release's journal on disk (graph.store.updates) and fsynced, then appended to a log that every
other worker applies, in order, before its next request (a replacement applies all of it), and
only then is the update acknowledged: after a 2xx every worker answers from the same data, the
same STRUUID()s and RAND()s, and a LOAD is fetched once. A backend opening the release applies
the journal's deltas: a restart or a kill keeps every update that got a 2xx.

The wall against outbound requests is the operating system's: each worker confines itself with
a seccomp filter before it reads anything (graph.store.sandbox), so it cannot open a network
connection at all, or, with an allow-list, only to the (address, port) pairs the supervisor
thread started here for that worker accepts. The lexical check (graph.store.safety) still runs
here first, as a fast and conservative answer: a refused query costs no worker time.

Which query gets the next idle worker, and how long it may keep it, is graph.store.scheduler's
job: long-running queries share a bounded budget (and run reniced), so cheap ones are always
answered. A worker lost mid-query (killed, crashed) costs the client nothing it cannot retry:
a read-only query is sent once more to another worker, anything else is a 503. A watcher
thread replaces workers that die while idle and keeps the pool at its size; `health()` says
whether the pool can answer.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import threading
import weakref
from collections.abc import Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import NotAcceptableError, QueryError, ResultTooLarge, StoreError
from graph.store import QueryRequest, QueryResponse, sandbox
from graph.store.inprocess import InProcess, LocalEvaluator
from graph.store.pool import Pool, Worker, default_workers
from graph.store.release import Release, current_release, hold, unhold
from graph.store.safety import check_query
from graph.store.scheduler import Policy, Scheduler
from graph.store.streams import ResultStream
from graph.store.supervisor import Supervisor, destinations
from graph.store.updates import Entry, journal_path, migrate, read_journal
from graph.store.updates import append as append_update

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_LIVE: weakref.WeakSet[EmbeddedBackend] = weakref.WeakSet()


def _to_rdflib(term: tuple[str, ...]) -> Node:
    kind = term[0]
    if kind == "uri":
        return URIRef(term[1])
    if kind == "bnode":
        return BNode(term[1])
    value, lang, datatype = term[1], term[2], term[3]
    if lang:
        return Literal(value, lang=lang)
    return Literal(value, datatype=URIRef(datatype) if datatype else None)


class EmbeddedBackend(InProcess):
    """Oxigraph in `workers` killable processes, with a per-query time limit and a row cap."""

    def __init__(
        self,
        source: tuple[str, Any],
        allow: tuple[str, ...] = (),
        *,
        workers: int | None = None,
        timeout: float = 10.0,
        max_rows: int | None = None,
        updatable: bool = False,
        heavy_after: float = 0.5,
        heavy_workers: int | None = None,
        in_process: bool = False,
    ) -> None:
        workers = workers or default_workers()
        heavy = heavy_workers or max(1, workers // 2)
        self.policy = Policy(
            heavy_slots=min(heavy, workers),
            heavy_after=heavy_after,
            client_running=max(1, workers - 1),
            client_heavy=max(1, heavy // 2),
            reserve=1 if workers > 1 else 0,
        )
        self.allow = allow
        self.timeout = timeout
        self.max_rows = max_rows
        self.updatable = updatable
        self._log: list[dict[str, Any]] = []
        self._update_lock = threading.Lock()
        self._graphs: list[str] | None = None
        # With an allow-list the workers' connects are held for a supervisor that lets only
        # these destinations through; without one they cannot open a network socket at all.
        self._destinations = destinations(allow) if allow else None
        self._hold: Path | None = None  # the release this backend keeps from pruning
        self._journal: Path | None = None  # where accepted updates are kept (graph.store.updates)
        self._pool = Pool(source, workers)
        self._scheduler: Scheduler[Worker] = Scheduler(
            self.policy, lambda w: w.process.poll() is None
        )
        started = [self._start() for _ in range(workers)]
        try:
            for w in started:
                self._ready(w)
        except BaseException:
            self.close()
            raise
        # Known-cheap queries are answered in this process (graph.store.inprocess); not with
        # an allow-list, whose supervised wall needs a process of its own.
        self._local: LocalEvaluator | None = None
        try:
            if in_process and not allow:
                self._local = LocalEvaluator(source)
        except BaseException:
            self.close()
            raise
        for w in started:
            self._scheduler.put(w)
        _LIVE.add(self)
        threading.Thread(target=self._watch, name="zonegraph-pool-watch", daemon=True).start()

    @classmethod
    def open(
        cls, data_dir: Path, allow: tuple[str, ...] = (), *, in_memory: bool = True, **options: Any
    ) -> EmbeddedBackend:
        """Serve the release published in `data_dir`.

        With `in_memory` (the default) each worker answers at once from the read-only on-disk
        store and meanwhile loads the release's N-Quads into a memory store of its own, which
        takes over when loaded: the service is ready in well under a second (the store opens in
        milliseconds), and heavy queries then run several times faster than on RocksDB (bench/:
        GROUP BY over 1 M triples 64 ms in memory against about 400 ms on disk), at the cost of
        one copy of the data per worker. Otherwise the workers share the on-disk store only.
        Updates need a writable memory copy from the start.
        """
        release = current_release(data_dir)
        if release is None:
            raise StoreError(f"no published build in {data_dir}: run `zonegraph build` first")
        if options.get("updatable"):
            source: tuple[str, Any] = ("nquads-file", str(release.nquads_path))
        elif in_memory:
            source = ("warm", (str(release.store_path), str(release.nquads_path)))
        else:
            source = ("read-only", str(release.store_path))
        mark = _hold_release(data_dir, release)
        try:
            backend = cls(source, allow, **options)
        except BaseException:
            unhold(mark)
            raise
        backend._hold = mark
        if backend.updatable:
            _resume_journal(backend, journal_path(data_dir, release))
        return backend

    @classmethod
    def from_nquads(
        cls, data: bytes, allow: tuple[str, ...] = (), **options: Any
    ) -> EmbeddedBackend:
        """Serve N-Quads held in memory by each worker (tests, `ZONEGRAPH_STORE=memory`)."""
        return cls(("nquads", data), allow, **options)

    # --- the worker pool -------------------------------------------------------------------

    def _start(self) -> Worker:
        ours, theirs = socket.socketpair()
        network = "offline" if self._destinations is None else "supervised"
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "graph.store.worker", str(theirs.fileno()), network],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=env,
            )
        finally:
            theirs.close()
        conn = Connection(ours.detach())
        w = Worker(proc, conn)
        with self._pool.lock:
            self._pool.procs[proc.pid] = w
        conn.send(self._pool.source)
        return w

    def _ready(self, w: Worker) -> None:
        """Wait for a new worker to confine itself and open its store; StoreError if it cannot."""
        confined, listener = sandbox.receive(w.conn.fileno())
        if listener is not None and self._destinations is not None:
            w.supervisor = Supervisor(listener, self._destinations).start()
        elif listener is not None:
            os.close(listener)
        try:
            status = w.conn.recv()
        except (EOFError, OSError):
            status = ("error", "store", "worker exited while opening the store")
        if not confined and status[0] == "ok":  # never serve from an unconfined worker
            status = ("error", "sandbox", "the worker did not confirm its network sandbox")
        if status[0] != "ok":
            self._kill(w)
            self._pool.start_error = str(status[2])
            what = "start" if status[1] == "sandbox" else "open the store"
            raise StoreError(f"query worker cannot {what}: {status[2]}")
        w.ready = True
        self._pool.start_error = None

    def _kill(self, w: Worker) -> None:
        """Kill and reap a worker once, even when a timeout and close() race to do it."""
        with self._pool.lock:
            owned = self._pool.procs.pop(w.process.pid, None) is not None
        w.process.kill()
        w.process.wait()
        if w.supervisor is not None:
            w.supervisor.stop()
        if owned:
            w.conn.close()

    def _replace(self) -> None:
        """Start a worker in the background to take the place of one that was killed."""
        with self._pool.lock:
            self._pool.starting += 1

        def start() -> None:
            try:
                if self._pool.closed:
                    return
                try:
                    w = self._start()
                    self._ready(w)
                except (StoreError, OSError) as exc:
                    self._pool.start_error = self._pool.start_error or str(exc)
                    return
                if self._pool.closed:
                    self._kill(w)
                else:
                    self._scheduler.put(w)
            finally:
                with self._pool.lock:
                    self._pool.starting -= 1

        threading.Thread(target=start, name="zonegraph-respawn", daemon=True).start()

    # --- the Backend protocol --------------------------------------------------------------

    def _checked(self, text: str) -> bool:
        """Apply the allow-list; True when the query names its own dataset (FROM …)."""
        targets = check_query(text, allow=self.allow, local_graphs=self.named_graphs)
        return any(keyword.startswith("FROM") for keyword, _ in targets)

    def run(self, request: QueryRequest) -> QueryResponse:
        query_dataset = self._checked(request.text)
        cap = request.max_rows if request.max_rows is not None else self.max_rows
        reply = self._answer(
            {
                "op": "run",
                "text": request.text,
                "solutions_format": request.solutions_format,
                "graph_format": request.graph_format,
                "default_graphs": _listed(request.default_graphs),
                "named_graphs": _listed(request.named_graphs),
                "query_dataset": query_dataset,
                "max_rows": cap,
            },
            request.timeout,
            request.client,
        )
        if isinstance(reply, ResultStream):
            return QueryResponse(reply.result_kind, reply.media_type, b"", stream=reply)
        if reply[0] == "not-acceptable":
            raise NotAcceptableError(f"no acceptable format for a {reply[1]} result")
        if reply[0] == "over-cap":
            unit = "triples" if reply[1] == "graph" else "rows"
            raise ResultTooLarge(
                f"the result holds more than {reply[2]} {unit}, this server's cap "
                f"(ZONEGRAPH_MAX_RESULT_ROWS); add a LIMIT, or page with ORDER BY … OFFSET "
                f"(结果超过上限)"
            )
        kind, media_type, body, truncated, rows = reply
        return QueryResponse(kind, media_type, body, truncated, rows)

    def select(self, text: str, timeout: float | None = None) -> list[dict[str, Node]]:
        query_dataset = self._checked(text)
        rows = self._answer({"op": "select", "text": text, "query_dataset": query_dataset}, timeout)
        return [{name: _to_rdflib(term) for name, term in row.items()} for row in rows]

    def construct(self, text: str, timeout: float | None = None) -> Graph:
        query_dataset = self._checked(text)
        msg = {"op": "construct", "text": text, "query_dataset": query_dataset}
        data = self._answer(msg, timeout)
        return Graph().parse(data=data, format="nt")

    def update(self, text: str, timeout: float | None = None) -> None:
        if not self.updatable:
            raise QueryError("this store is read-only (只读)")
        check_query(text, allow=self.allow, local_graphs=self.named_graphs)
        with self._update_lock:  # one at a time: the log's order is the order of evaluation
            try:
                self._call({"op": "update", "text": text}, timeout)
            finally:
                self._graphs = None

    def _accept(self, delta: dict[str, Any], text: str) -> None:
        """Journal the effect (durable before the caller answers 2xx), then let every worker
        see it: a reader never sees data that a crash could take back."""
        if self._journal is not None:
            try:
                append_update(self._journal, text, delta)
            except OSError as exc:  # the pool retires the worker that holds the effect
                raise StoreError(
                    f"the update cannot be kept in {self._journal}: {exc.strerror or exc}; "
                    "it was not applied (更新未能保存)"
                ) from exc
        self._log.append(delta)

    def named_graphs(self) -> list[str]:
        graphs = self._graphs
        if graphs is None:
            graphs = self._graphs = self._call({"op": "graphs"}, None)
        return list(graphs)

    def close(self) -> None:
        """Stop every worker (idle or busy) and wait for it, leaving no zombie behind."""
        self._pool.closed = True
        self._pool.stop.set()
        self._scheduler.wake()
        with self._pool.lock:
            everyone = list(self._pool.procs.values())
        for w in everyone:
            self._kill(w)
        _LIVE.discard(self)
        if self._hold is not None:
            unhold(self._hold)


def _resume_journal(backend: EmbeddedBackend, journal: Path) -> None:
    """Updates accepted before a restart (or a kill) go first in the log every worker applies;
    new ones are appended to the same journal. Lines of an older journal that kept only the
    text are evaluated once here, in order, and the journal is rewritten with their deltas."""
    entries = read_journal(journal)
    if any(e.delta is None for e in entries):
        kept: list[Entry] = []
        for number, entry in enumerate(entries, 1):
            if entry.delta is not None:
                backend._log.append(entry.delta)
                kept.append(entry)
                continue
            try:
                backend.update(entry.text)
            except Exception as exc:
                raise StoreError(
                    f"{journal}:{number}: an update journalled as text cannot be applied "
                    f"again ({exc}); move the journal aside to serve the release without it"
                ) from exc
            kept.append(Entry(entry.text, backend._log[-1], entry.at))
        migrate(journal, kept)
    else:
        backend._log.extend(e.delta for e in entries if e.delta is not None)
    backend._journal = journal


def _hold_release(data_dir: Path, release: Release) -> Path:
    """Hold the release the workers will open, so that later builds keep it on disk as long as
    this backend lives (replacement workers reopen it); checked after holding, since a build
    may have pruned it in between."""
    mark = hold(data_dir, release)
    if not release.store_path.is_dir():
        unhold(mark)
        raise StoreError(f"release {release.path} was removed while opening it; try again")
    return mark


def _listed(graphs: Iterable[str] | None) -> list[str] | None:
    return None if graphs is None else list(graphs)


@atexit.register
def _close_all() -> None:
    for backend in list(_LIVE):
        backend.close()
