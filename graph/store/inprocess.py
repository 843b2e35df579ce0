"""Evaluate cheap query shapes in the serving process, behind the same network wall.

Why: a query's trip through the worker pool costs the serving process about 140 µs of IPC
and scheduling against 50-70 µs of evaluation (issue 11), so distinct cheap queries ran at a
few per cent of Oxigraph's server. Here the serving process holds a copy of the release of
its own and answers from it, without a trip, what it has seen answered quickly.

Which queries: a *shape* (the request with its comment lines dropped, so the same query with
another comment is the same shape) first goes to the pool, which measures it; one answered
within `CHEAP` seconds is trusted to run here from then on; one that was slow, timed out or
overran here stays with the pool and its scheduler (fair shares, heavy slots, renicing).
The pool's rules of section 2 therefore still decide every query not known to be cheap.

The wall: each evaluating thread installs the query workers' own offline seccomp filter on
itself before it touches the store (graph.store.sandbox, `all_threads=False`), so what it
evaluates cannot open a network socket; threads it starts inherit the filter. If the filter
cannot be installed nothing is evaluated here. The backend only uses this without an
allow-list (a supervised wall needs a separate process).

Large results: a shape whose answer the pool streamed (graph.store.streams, past 1 MiB) is
never learnt as cheap, so what runs here is only what the pool answered whole, small and
fast; a large answer is always streamed by the pool.

Updates: the copy replays the backend's update log (graph.store.worker.replay, on an
evaluating thread, so under the wall too) before each query, as every pool worker does.

The time limit: pyoxigraph cannot cancel a query. A trusted shape that still runs past
`budget` (ZONEGRAPH_HEAVY_AFTER) here sends its shape back to the pool and stops in-process
evaluation until it ends; if it is still running at the time limit its client gets 503 with
Retry-After and `on_overrun` is called: under `zonegraph serve` that retires the whole
process (granian starts a fresh one), which is what really stops the query.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.errors import QueryTimeout, ServiceBusy
from graph.namespaces import PREFIXES
from graph.store import sandbox
from graph.store.pool import SPENT, PoolCare, unwrap

#: A shape a pool worker answered within this many seconds (from sending the request to
#: its reply, not counting the wait for a worker) runs here.
CHEAP = 0.025
#: How many shapes' costs are remembered (least recently used forgotten first).
REMEMBERED = 8192
_LINES = re.compile(r"\r\n|\r|\n")
#: A whole comment line and its LF, in a text without CR (`.` stops at LF only).
_COMMENT_LINE = re.compile(r"^[ \t]*#.*\n?", re.MULTILINE)
#: What to do when a query overran here until the time limit (see set_retire).
_RETIRE: list[Callable[[], None]] = []


def set_retire(hook: Callable[[], None]) -> None:
    """Let overrunning queries retire this process (only a server that is respawned may)."""
    _RETIRE[:] = [hook]


def normalised(text: str) -> str:
    """The query without its comment lines: what its cost depends on.

    A line whose first non-blank character is `#` is a comment in SPARQL unless it lies
    inside a long string, the only token that may span lines; with one, the text is kept
    whole. (The key only predicts cost: the text evaluated is always the one sent.)
    """
    if '"""' in text or "'''" in text:
        return text.strip()
    if "\r" not in text:  # the usual case, in one C pass (a third of splitting the lines)
        return _COMMENT_LINE.sub("", text).strip()
    return "\n".join(
        line for line in _LINES.split(text) if not line.lstrip(" \t").startswith("#")
    ).strip()


def _retire() -> None:
    for hook in _RETIRE:
        hook()


def shape(msg: dict[str, Any]) -> tuple[Hashable, ...]:
    """Everything of a request that its cost depends on (the query less its comment lines
    second)."""
    return (
        msg["op"],
        normalised(msg["text"]),
        tuple(msg.get("default_graphs") or ()),
        tuple(msg.get("named_graphs") or ()),
        msg.get("query_dataset"),
        msg.get("solutions_format"),
        msg.get("graph_format"),
        msg.get("max_rows"),
    )


class Costs:
    """Which shapes are known cheap (True) or known slow (False); bounded, thread-safe."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self.size = size
        self.known: OrderedDict[Hashable, bool] = OrderedDict()
        self.lock = threading.Lock()

    def cheap(self, key: Hashable) -> bool:
        return self.known.get(key) is True

    def learn(self, key: Hashable, seconds: float | None) -> None:
        """Record one answer by the pool (None: it failed by time)."""
        cheap = seconds is not None and seconds <= CHEAP
        with self.lock:
            if not cheap and seconds is not None and key not in self.known:
                return  # slow once while queueing, perhaps: ask the pool again next time
            self.known[key] = cheap
            self.known.move_to_end(key)
            while len(self.known) > self.size:
                self.known.popitem(last=False)


class _Done:
    """Set once, waited on with a timeout: a bare lock, held until the reply is in.

    Why not threading.Event: an Event is a Condition over a Python-level lock, and each
    wait allocates a further lock; per query that was a measurable part of the handoff.
    A C lock acquired at creation and released by the evaluating thread does the same job
    (`wait` returns whether it was set) with no allocation after the first.
    """

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lock.acquire()

    def set(self) -> None:
        self._lock.release()

    def wait(self, timeout: float | None = None) -> bool:
        """True once set (and it stays set for every later wait)."""
        if timeout is None:
            got = self._lock.acquire()
        else:
            got = self._lock.acquire(timeout=max(0.0, timeout))
        if got:
            self._lock.release()
        return got


@dataclass
class _Job:
    msg: dict[str, Any]
    log: Sequence[Any]
    done: _Done = field(default_factory=_Done)
    reply: Any = None
    started: float = 0.0


class LocalEvaluator:
    """A copy of the data and `threads` confined threads that evaluate on it."""

    def __init__(
        self,
        source: tuple[str, Any],
        *,
        threads: int = 4,
        on_overrun: Callable[[], None] | None = None,
    ) -> None:
        from graph.store import worker  # pyoxigraph: imported only where it evaluates

        self._worker = worker
        self.holder = worker._open(source)
        self.costs = Costs()
        self.on_overrun = on_overrun or _retire
        self.evaluated = 0  # queries answered here (monitoring, tests)
        self.overdue = 0  # jobs answered 503 that still run
        self.failed: str | None = None  # why the wall could not be built: then never used
        self._applied = 0
        self._replay = threading.Lock()
        # Jobs go to the threads through a C queue (a blocking get holds no Python lock
        # and allocates nothing), not a Condition: the handoff is paid by every query.
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._counting = threading.Lock()  # guards `overdue` and `_prefixes`
        self._prefixes: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._confined = threading.Barrier(threads + 1)
        previous = threading.stack_size(sandbox.STACK_BYTES)  # deep queries (worker.py)
        try:
            for i in range(threads):
                threading.Thread(
                    target=self._serve, name=f"zonegraph-local-{i}", daemon=True
                ).start()
        finally:
            threading.stack_size(previous)
        self._confined.wait()

    def prefixes(self, text: str) -> dict[str, str]:
        """The predeclared prefixes a shape can use, found once per shape.

        Why: finding them (graph.store.worker.used_prefixes) tests each of some 70 names
        against the text, about 60 µs, as much as a cheap query's evaluation; queries that
        differ only in comment lines (the same shape) use the same ones. Found in the shape's
        text (`normalised`), the query less its comment lines: a name spelled only in a comment
        cannot be used, so nothing the parser may look up is left out. They are handed on
        as `narrowed`: the text evaluated is the shape's lines and its comment lines, so
        every name found in the shape is spelt in it too (a name holds no line break), and
        narrowing again (another 20-25 µs a query) would keep them all.
        """
        found = self._prefixes.get(text)
        if found is None:
            found = self._worker.used_prefixes(PREFIXES, text)
            with self._counting:  # bounded, oldest first out
                self._prefixes[text] = found
                while len(self._prefixes) > REMEMBERED:
                    self._prefixes.popitem(last=False)
        return found

    def usable(self) -> bool:
        return self.failed is None and self.overdue == 0

    def _serve(self) -> None:
        try:
            sandbox.confine(all_threads=False)
        except Exception as exc:  # fail closed: nothing is evaluated without the wall
            self.failed = f"the network sandbox cannot be installed: {exc}"
        self._confined.wait()
        if self.failed is not None:
            return
        while True:
            job = self._jobs.get()
            job.started = time.monotonic()
            job.reply = self._answer(job)
            job.done.set()

    def _answer(self, job: _Job) -> Any:
        store = self.holder.store
        if self._applied < len(job.log):
            with self._replay:
                try:
                    self._worker.replay(store, job.log[self._applied :])
                except Exception as exc:  # as a pool worker would: a store fault
                    return ("error", "store", f"{type(exc).__name__}: {exc}")
                self._applied = len(job.log)
        return self._worker.answer(store, job.msg)

    def evaluate(self, msg: dict[str, Any], log: Sequence[Any], budget: float, limit: float) -> Any:
        """The worker-style reply to `msg`; ServiceBusy when it is not done by `limit`.

        Past `budget` the query is overdue: new queries go to the pool until it ends (it
        still gets its answer if it ends within the limit: a cheap query slowed by a busy
        machine is not refused). At the limit the client gets 503 and, once that is sent,
        the process is told to go unless the query ended meanwhile.
        """
        job = _Job(msg, log)
        self._jobs.put(job)
        if job.done.wait(budget):
            self.evaluated += 1
            return job.reply
        with self._counting:
            self.overdue += 1
        if job.done.wait(max(0.0, limit - budget)):
            self._settled()
            self.evaluated += 1
            return job.reply
        threading.Thread(target=self._watch, args=(job,), daemon=True).start()
        raise ServiceBusy(
            f"query stopped after the {limit:g} s time limit (查询超时); "
            "narrow it down, add a LIMIT, or avoid cross joins",
            retry_after=2,
        )

    def _settled(self) -> None:
        with self._counting:
            self.overdue -= 1

    def _watch(self, job: _Job) -> None:
        """Give the 503 a moment to leave; then, if the query still runs, the process goes."""
        if not job.done.wait(0.5):
            self.on_overrun()
            job.done.wait()
        self._settled()


class InProcess(PoolCare):
    """EmbeddedBackend's router: a known-cheap shape here, anything else to the pool."""

    _local: LocalEvaluator | None

    def _answer(self, msg: dict[str, Any], timeout: float | None, client: str | None = None) -> Any:
        local = self._local
        if local is None or not local.usable():
            return self._call(msg, timeout, client)
        key = shape(msg)
        if local.costs.cheap(key):
            limit = self.timeout if timeout is None else timeout
            budget = min(limit, self.policy.heavy_after)
            started = time.monotonic()
            try:
                prefixes = local.prefixes(str(key[1]))
                reply = local.evaluate(
                    {**msg, "prefixes": prefixes, "narrowed": True}, self._log, budget, limit
                )
            finally:
                spent = time.monotonic() - started
                if spent > budget:  # back to the pool, which knows it is long now
                    local.costs.learn(key, None)
                    self._scheduler.charge(client, (msg["op"], msg.get("text")), spent - budget)
            return unwrap(reply, msg["op"])
        SPENT.seconds = None
        try:
            value = self._call(msg, timeout, client)
        except QueryTimeout:
            local.costs.learn(key, None)
            raise
        spent = SPENT.seconds
        if spent is not None:
            local.costs.learn(key, spent)
        return value
