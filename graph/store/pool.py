"""The worker pool's care: evaluation under the scheduler's rules, replacement, health.

A mixin of EmbeddedBackend (graph/store/embedded.py starts and kills the processes): kept
apart so that each module stays one job. See graph/store/scheduler.py for the rules.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from graph.errors import QueryError, QueryTimeout, ServiceBusy, StoreError
from graph.namespaces import PREFIXES
from graph.store.safety import syntax_error
from graph.store.scheduler import Policy, Scheduler
from graph.store.streams import ResultStream, from_worker
from graph.store.supervisor import Supervisor

HEAVY_NICE = 10  # long-running queries yield the CPU to short ones
CAPTURE_SECONDS = 30.0  # beyond the time limit, for an update's effect to be taken
_LOST = object()  # _evaluate's answer when the worker died under the query
#: Seconds the calling thread's last request spent on its worker (graph.store.inprocess
#: learns which query shapes are cheap from it).
SPENT = threading.local()


def default_workers() -> int:
    """Size the pool to the machine: one per core plus two, so that while two workers run
    long queries (reniced) the others still answer short ones; at most 8 copies of the data."""
    return min(8, (os.cpu_count() or 2) + 2)


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    applied: int = 0  # how many logged update deltas this worker has applied
    ready: bool = False
    supervisor: Supervisor | None = None  # answers its held connects (allow-list)


@dataclass
class Pool:
    source: tuple[str, Any]
    size: int
    procs: dict[int, Worker] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False
    starting: int = 0  # replacements being started in the background
    start_error: str | None = None  # why the last start failed (cleared by a success)
    stop: threading.Event = field(default_factory=threading.Event)


class PoolCare(ABC):
    """Everything about the pool that is not starting or killing a process (EmbeddedBackend
    starts and kills them: the two abstract methods)."""

    timeout: float
    policy: Policy
    _pool: Pool
    _scheduler: Scheduler[Worker]
    _log: list[dict[str, Any]]

    @abstractmethod
    def _accept(self, delta: dict[str, Any], text: str) -> None:
        """Keep an evaluated update's effect (durably) and add it to the log every worker
        applies; called before its worker takes another request."""

    @abstractmethod
    def _kill(self, w: Worker) -> None:
        """Kill and reap a worker once."""

    @abstractmethod
    def _replace(self) -> None:
        """Start a worker in the background in place of one that is gone."""

    def _watch(self) -> None:
        """Replace workers that died while idle, and top the pool up after failed starts,
        without waiting for a request to stumble on them."""
        pool = self._pool
        while not pool.stop.wait(0.25):
            for w in self._scheduler.drop_dead():
                self._kill(w)
            with pool.lock:
                missing = pool.size - len(pool.procs) - pool.starting
            if missing > 0 and not pool.closed:
                if pool.start_error is not None:
                    pool.stop.wait(1.0)  # the store cannot be opened now: retry, not spin
                for _ in range(missing):
                    self._replace()

    def health(self) -> tuple[bool, str]:
        """(True, summary) while at least one worker can answer; else (False, the reason)."""
        pool = self._pool
        if pool.closed:
            return False, "the query backend is closed"
        with pool.lock:
            ready = sum(1 for w in pool.procs.values() if w.ready and w.process.poll() is None)
        summary = (
            f"{ready} of {pool.size} query workers ready, {self.busy()} busy, "
            f"{self._scheduler.heavy_count()} on long queries"
        )
        if ready == 0:
            why = f": {pool.start_error}" if pool.start_error else ""
            return False, f"no query worker can answer{why} (查询进程不可用)"
        return True, summary

    def _call(self, msg: dict[str, Any], timeout: float | None, client: str | None = None) -> Any:
        """Evaluate one request on a worker; waiting and evaluating share the time limit.

        A read-only request whose worker dies under it is sent once more to another worker.
        """
        if self._pool.closed:
            raise StoreError("the query backend is closed")
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        key = (msg["op"], msg.get("text"))
        for attempt in range(2):
            w, heavy = self._scheduler.take(client, key, deadline, lambda: self._pool.closed)
            reply = None
            try:
                reply = self._evaluate(w, msg, limit, deadline, client, key, heavy)
            finally:
                if not isinstance(reply, ResultStream):  # a stream ends its own turn
                    self._scheduler.finished(client)
            if isinstance(reply, ResultStream):
                return reply
            if reply is not _LOST:
                break
            if msg["op"] == "update" or attempt == 1 or time.monotonic() >= deadline:
                raise ServiceBusy(
                    "the query worker stopped while evaluating this request; "
                    "send it again (查询进程意外退出)",
                    retry_after=1,
                )
        return unwrap(reply, msg["op"])

    def _evaluate(
        self,
        w: Worker,
        msg: dict[str, Any],
        limit: float,
        deadline: float,
        client: str | None,
        key: Any,
        heavy: bool,
    ) -> Any:
        """Run `msg` on `w`: young for `heavy_after` s, then in a heavy slot or stopped.

        `heavy`: the query holds a heavy slot from the start (it is expected to run long).
        """
        scheduler, after = self._scheduler, self.policy.heavy_after
        log = self._log
        behind = log[w.applied :]  # updates append under the update lock, so this is exact
        upto = w.applied + len(behind)
        sent = {**msg, "prefixes": PREFIXES, "updates": behind}
        if msg["op"] == "update":
            if heavy:  # a slot taken for it beforehand: updates do not use one
                scheduler.end_heavy(client)
            return self._evaluate_update(w, sent, limit, upto)
        started = time.monotonic()
        try:
            if heavy:
                _renice(w, HEAVY_NICE)
            w.conn.send(sent)
            answered = heavy or w.conn.poll(max(0.0, min(after, deadline - started)))
            if not heavy and not answered and time.monotonic() < deadline:
                if not scheduler.try_heavy(client):
                    scheduler.charge(client, key, after)
                    self._retire(w)
                    raise ServiceBusy(
                        f"query stopped after {after:g} s: the capacity for long queries is in "
                        "use; try again later, or narrow it down (服务繁忙)",
                        retry_after=max(1, round(after * 4)),
                    )
                heavy = True
                _renice(w, HEAVY_NICE)
                scheduler.charge(client, key, after)  # at once: its next query is long too
            if heavy:
                try:
                    answered = w.conn.poll(max(0.0, deadline - time.monotonic()))
                finally:
                    scheduler.end_heavy(client)
                    spent = time.monotonic() - started - after
                    if spent > 0:
                        scheduler.charge(client, key, spent)
            reply = w.conn.recv() if answered else None
            if reply is not None and reply[0] == "stream":
                return self._stream(w, reply, limit, deadline, client, key, upto)
            if reply is not None and time.monotonic() - started < after:
                scheduler.reward(client)
        except (EOFError, OSError):
            self._retire(w)
            return _LOST
        if reply is None:
            self._retire(w)
            raise QueryTimeout(
                f"query stopped after the {limit:g} s time limit (查询超时); "
                "narrow it down, add a LIMIT, or avoid cross joins"
            )
        SPENT.seconds = time.monotonic() - started  # on the worker, not waiting for one
        w.applied = upto
        if heavy and not _renice(w, 0):
            self._retire(w)  # cannot lower its nice value again: a fresh worker instead
        else:
            self._scheduler.put(w)
        return reply

    def _stream(
        self,
        w: Worker,
        header: tuple[str, str, str],
        limit: float,
        deadline: float,
        client: str | None,
        key: Any,
        upto: int,
    ) -> ResultStream:
        """A result too large to hold (graph.store.spill) is sent while `w` writes it: a long
        job, so it needs a heavy slot (503 when none is free, before any byte) and keeps it,
        with `w`, until the last chunk (graph.store.streams)."""
        scheduler = self._scheduler
        if not scheduler.try_heavy(client):
            self._retire(w)
            raise ServiceBusy(
                "the result is large and the capacity for long queries is in use; try again "
                "later, or page it with ORDER BY … LIMIT/OFFSET (服务繁忙)",
                retry_after=max(1, round(self.policy.heavy_after * 4)),
            )
        _renice(w, HEAVY_NICE)
        began = time.monotonic()

        def end(ok: bool) -> None:
            try:
                scheduler.end_heavy(client)
                scheduler.charge(client, key, time.monotonic() - began)
                if not ok:
                    self._retire(w)  # mid-result, or past the limit: it cannot go on
                elif not _renice(w, 0):
                    self._retire(w)
                else:
                    w.applied = upto
                    scheduler.put(w)
            finally:
                scheduler.finished(client)

        return ResultStream(from_worker(w.conn), (header[1], header[2]), deadline, limit, end)

    def _evaluate_update(self, w: Worker, sent: dict[str, Any], limit: float, upto: int) -> Any:
        """Run one update on `w` (callers hold the update lock, so the log's order is the
        order of evaluation) and keep its effect before `w` takes anything else.

        Updates come from token holders, one at a time: they skip the young/heavy rules, and
        get the time limit plus CAPTURE_SECONDS, since taking the effect (graph.store.delta)
        costs time in proportion to the store, not to the update."""
        try:
            w.conn.send(sent)
            reply = w.conn.recv() if w.conn.poll(limit + CAPTURE_SECONDS) else None
        except (EOFError, OSError):
            self._retire(w)
            return _LOST
        if reply is None:
            self._retire(w)
            raise QueryTimeout(f"update stopped after the {limit:g} s time limit (更新超时)")
        w.applied = upto
        if reply[0] == "ok":
            try:
                self._accept(reply[1], sent["text"])
            except BaseException:
                self._retire(w)  # it holds an effect nobody else will see
                raise
            w.applied = upto + 1
            reply = ("ok", None)
        self._scheduler.put(w)
        return reply

    def _retire(self, w: Worker) -> None:
        """Kill a worker and start its replacement (counted before the kill, so that the
        watcher never sees a gap to fill twice).

        The signal is sent here; reaping is left to a thread, since the kernel tears down a
        worker's memory (a whole store) before `wait` returns, and the client whose query
        overran is owed its 503 within the time limit + 1 s on a busy machine too."""
        self._replace()
        w.process.kill()
        threading.Thread(target=self._kill, args=(w,), name="zonegraph-reap", daemon=True).start()

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for monitoring and tests)."""
        with self._pool.lock:
            return sorted(self._pool.procs)

    def busy(self) -> int:
        """How many workers are evaluating a request right now."""
        idle = self._scheduler.idle_count()
        with self._pool.lock:
            ready = sum(1 for w in self._pool.procs.values() if w.ready)
        return max(0, ready - idle)

    def updates_applied(self) -> int:
        """How many accepted updates the served data holds beyond the release."""
        return len(self._log)

    def cache_version(self) -> tuple[str, int]:
        """What the data a query sees depends on: the release (immutable) and how many
        updates were applied since. Equal versions give equal answers."""
        return (str(self._pool.source[1]), len(self._log))


def unwrap(reply: Any, op: str) -> Any:
    """A worker's reply (graph.store.worker.answer) as a value, or the error it reports."""
    if reply[0] == "ok":
        return reply[1]
    _, kind, message = reply
    if kind == "syntax":
        raise syntax_error(SyntaxError(message))
    if kind == "query":
        what = "update" if op == "update" else "query"
        raise QueryError(f"{what} failed: {message}")
    raise StoreError(message)


def _renice(w: Worker, nice: int) -> bool:
    """Set a worker's nice value; False when not allowed (lowering it needs privileges)."""
    try:
        os.setpriority(os.PRIO_PROCESS, w.process.pid, nice)
    except OSError:
        return False
    return True
