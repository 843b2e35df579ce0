"""Who gets the next idle query worker: fair shares, a bounded budget for long queries.

pyoxigraph evaluates a query to the end once started, so fairness has to come from which
query is given a worker and how long it may keep one (issue 11: two runaway queries used to
block every other for the whole time limit). The rules:

- Every query starts as "young". One that is still running after `heavy_after` seconds needs
  one of `heavy_slots` (fewer than the workers, so some always cycle through short work); if
  none is free, or its client already holds its share of them, it is stopped and the client
  is told to retry later (503 + Retry-After).
- Waiting queries are served lowest *penalty* first, not first come: a client's penalty and
  a query text's penalty are the seconds their queries recently spent beyond `heavy_after`,
  halving every `half_life` seconds. A client hammering with runaways (or the same runaway
  from many clients) therefore queues behind everyone who asks cheap questions, and
  clients recently answered quickly go before clients never seen.
- A text that recently ran long, or a query from a client whose recent queries were mostly
  long, is expected to run long: it waits (holding no worker) for a heavy slot and takes it
  before it starts, instead of costing a worker `heavy_after` seconds and a restart, and it
  never takes the last idle worker. Capacity for short work is spent only on queries not
  known to be long; a client regains it by being answered quickly.
- A client with `client_running` evaluations under way yields the next worker to any other
  client waiting (a worker is never left idle while anyone waits), and may have at most
  `client_queued` queries waiting or running (beyond that: 429 + Retry-After).
- Whatever happens, a query waits no longer than its deadline; the remembered penalties are
  bounded in number (the least recently charged are forgotten first).

Clients are named by the caller (the HTTP layer uses the peer address); None is "internal"
(pages, analyses), which shares one name.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from graph.errors import ServiceBusy, TooManyQueries

W = TypeVar("W")


@dataclass(frozen=True)
class Policy:
    """The knobs of the scheduler (defaults sized by the backend from the pool size)."""

    heavy_slots: int
    heavy_after: float = 0.5
    client_running: int = 3
    client_queued: int = 64
    client_heavy: int = 1
    half_life: float = 60.0
    remembered: int = 4096
    #: Idle workers a long-expected query leaves for short work (none in a one-worker pool,
    #: where keeping the only worker back would starve every long query).
    reserve: int = 1


class _Penalties:
    """Seconds spent long-running, per key, decaying by half every `half_life` seconds."""

    def __init__(self, half_life: float, size: int) -> None:
        self.half_life = half_life
        self.size = size
        self.values: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()

    def get(self, key: Hashable, now: float) -> float:
        found = self.values.get(key)
        if found is None:
            return 0.0
        value, since = found
        return float(value * 0.5 ** ((now - since) / self.half_life))

    def add(self, key: Hashable, seconds: float, now: float) -> None:
        self.values[key] = (self.get(key, now) + seconds, now)
        self.values.move_to_end(key)
        while len(self.values) > self.size:
            self.values.popitem(last=False)


@dataclass(order=True)
class _Ticket:
    penalty: float
    seq: int
    client: Hashable = field(compare=False)
    heavy: bool = field(compare=False, default=False)


class Scheduler(Generic[W]):
    """Idle workers and the queries waiting for them; all state under one condition."""

    def __init__(self, policy: Policy, alive: Callable[[W], bool]) -> None:
        self.policy = policy
        self._alive = alive
        self._cond = threading.Condition()
        self._idle: list[W] = []
        self._waiting: list[_Ticket] = []
        self._seq = itertools.count()
        self._queued: dict[Hashable, int] = {}
        self._running: dict[Hashable, int] = {}
        self._heavy: dict[Hashable, int] = {}
        self._penalty = _Penalties(policy.half_life, policy.remembered)
        self._credit = _Penalties(policy.half_life, policy.remembered)

    # --- workers ---------------------------------------------------------------------------

    def put(self, worker: W) -> None:
        with self._cond:
            self._idle.append(worker)
            self._cond.notify_all()

    def idle_count(self) -> int:
        with self._cond:
            return len(self._idle)

    def drop_dead(self) -> list[W]:
        """Take out idle workers that have exited (the caller replaces them)."""
        with self._cond:
            dead = [w for w in self._idle if not self._alive(w)]
            self._idle = [w for w in self._idle if w not in dead]
            return dead

    def wake(self) -> None:
        """Wake every waiter (the pool is closing): they see it and give up."""
        with self._cond:
            self._cond.notify_all()

    # --- queries ---------------------------------------------------------------------------

    def take(
        self, client: Hashable, key: Hashable, deadline: float, closed: Callable[[], bool]
    ) -> tuple[W, bool]:
        """An idle worker for this query, waiting at most until `deadline` (monotonic), and
        whether the query already holds a heavy slot (it is expected to run long: it takes
        the slot before it starts, so that it never occupies capacity meant for short work;
        the caller gives the slot back with end_heavy)."""
        policy = self.policy
        with self._cond:
            now = time.monotonic()
            queued = self._queued.get(client, 0)
            if queued >= policy.client_queued:
                raise TooManyQueries(
                    f"{queued} of your queries are already waiting or running; "
                    "wait for them before sending more (请求过多)",
                    retry_after=2,
                )
            known_heavy = self._penalty.get(("query", key), now)
            client_heavy = self._penalty.get(("client", client), now)
            credit = self._credit.get(client, now)
            # Long-expected: a text that ran long, or a client whose recent queries were
            # mostly long (fewer than ten quick answers per long-query second).
            expected_heavy = known_heavy >= policy.heavy_after or (
                client_heavy >= policy.heavy_after and credit < 10 * client_heavy
            )
            # Clients recently answered quickly go before strangers (a tiny bonus that any
            # long-running charge outweighs): a flood of new hostile clients cannot push
            # back the regulars.
            bonus = 0.001 * min(100.0, credit)
            penalty = client_heavy + known_heavy - bonus
            ticket = _Ticket(penalty, next(self._seq), client, expected_heavy)
            heapq.heappush(self._waiting, ticket)
            self._queued[client] = queued + 1
            try:
                while True:
                    if closed():
                        raise ServiceBusy("the query backend is closing", retry_after=2)
                    mine = self._first_eligible()
                    if mine is ticket:
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise ServiceBusy(
                            "the capacity for long queries stayed in use until the time limit; "
                            "try again later, or narrow the query down (服务繁忙)"
                            if expected_heavy
                            else "all query workers stayed busy until the time limit; "
                            "try again later (服务繁忙)",
                            retry_after=max(2, round(policy.heavy_after * 4)),
                        )
                    self._cond.wait(remaining)
            except BaseException:
                self._waiting.remove(ticket)
                heapq.heapify(self._waiting)
                self._leave(client)
                self._cond.notify_all()
                raise
            self._waiting.remove(ticket)
            heapq.heapify(self._waiting)
            if expected_heavy:
                self._take_heavy(client)  # _first_eligible saw that one is free
            self._running[client] = self._running.get(client, 0) + 1
            worker = self._idle.pop()
            self._cond.notify_all()
            return worker, expected_heavy

    def _first_eligible(self) -> _Ticket | None:
        """The waiter that gets the next idle worker: lowest penalty among clients under
        their share of running queries; when every waiter's client is at its share, the
        lowest penalty of all (an idle worker is not left idle while someone can use it)."""
        if not self._idle or not self._waiting:
            return None
        # A query expected to run long never takes the last idle worker: one stays for
        # short work even while replacements of stopped workers are still starting.
        # It also waits for a heavy slot (holding no worker meanwhile).
        ordered = [
            t
            for t in sorted(self._waiting)
            if not t.heavy or (len(self._idle) > self.policy.reserve and self._heavy_free(t.client))
        ]
        for ticket in ordered:
            if self._running.get(ticket.client, 0) < self.policy.client_running:
                return ticket
        return ordered[0] if ordered else None

    def _leave(self, client: Hashable) -> None:
        left = self._queued.get(client, 1) - 1
        if left:
            self._queued[client] = left
        else:
            self._queued.pop(client, None)

    def finished(self, client: Hashable) -> None:
        """The query no longer holds a worker (answered, failed or stopped)."""
        with self._cond:
            running = self._running.get(client, 1) - 1
            if running:
                self._running[client] = running
            else:
                self._running.pop(client, None)
            self._leave(client)
            self._cond.notify_all()

    def try_heavy(self, client: Hashable) -> bool:
        """A slot for a query that outgrew `heavy_after`; False: stop it."""
        with self._cond:
            return self._take_heavy(client)

    def _heavy_free(self, client: Hashable) -> bool:
        if self._heavy.get(client, 0) >= self.policy.client_heavy:
            return False
        return sum(self._heavy.values()) < self.policy.heavy_slots

    def _take_heavy(self, client: Hashable) -> bool:
        if not self._heavy_free(client):
            return False
        self._heavy[client] = self._heavy.get(client, 0) + 1
        return True

    def end_heavy(self, client: Hashable) -> None:
        with self._cond:
            self._drop_heavy(client)
            self._cond.notify_all()

    def _drop_heavy(self, client: Hashable) -> None:
        held = self._heavy.get(client, 1) - 1
        if held:
            self._heavy[client] = held
        else:
            self._heavy.pop(client, None)

    def heavy_count(self) -> int:
        with self._cond:
            return sum(self._heavy.values())

    def reward(self, client: Hashable) -> None:
        """This client's query was answered before `heavy_after`."""
        with self._cond:
            self._credit.add(client, 1.0, time.monotonic())

    def charge(self, client: Hashable, key: Hashable, seconds: float) -> None:
        """Remember that this client and this query text ran `seconds` beyond heavy_after."""
        with self._cond:
            now = time.monotonic()
            self._penalty.add(("client", client), seconds, now)
            self._penalty.add(("query", key), seconds, now)
