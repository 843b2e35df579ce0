"""Hostile load against a real `zonegraph serve` (issue 11 §2): the service stays answerable.

Every figure the issue asks for is a deadline, so each is checked as a client time limit
(a request not answered in time raises), never by measuring and comparing durations.
Hostile clients connect from their own loopback addresses (127.0.0.0/8 all reaches the
server on Linux), as separate hosts would; each runaway is a distinct text, so that no
cache or memory of a repeated query helps.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from graph.store.pool import default_workers
from tests.helpers_server import REPO, RUNAWAY, Server, pid_alive, query_workers, wait_for

pytestmark = pytest.mark.server

LIMIT = 4  # the query time limit of these servers, seconds
CHEAP = "ASK { ?s a <https://w3id.org/zonegraph/ontology#Province> }"


def ask(
    server: Server, query: str, timeout: float, source: str = "127.0.0.1"
) -> tuple[int, dict[str, str], bytes]:
    """POST one query from `source`; raises TimeoutError when not answered in `timeout` s."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", server.port, timeout=timeout, source_address=(source, 0)
    )
    try:
        conn.request(
            "POST",
            "/sparql",
            urllib.parse.urlencode({"query": query}),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def health(server: Server) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", "/healthz")
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


def busy(server: Server) -> int:
    """Workers evaluating now, from /healthz ("… ready, N busy, M on long queries"); 0 while
    the pool reports no worker ready (replacements of retired workers still starting)."""
    found = re.search(r"(\d+) busy", health(server)[1]["detail"])
    return int(found.group(1)) if found else 0


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[Server]:
    srv = Server(data_dir, {"ZONEGRAPH_QUERY_TIMEOUT": LIMIT})
    yield srv
    srv.stop()


def test_idle_and_slowloris_connections_do_not_shut_others_out(server: Server) -> None:
    held: list[socket.socket] = []
    try:
        for _ in range(150):
            held.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
        for _ in range(40):
            slow = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            slow.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            held.append(slow)
        answered = []
        for _ in range(5):
            status, _, body = ask(server, CHEAP, timeout=2)
            answered.append((status, json.loads(body)["boolean"]))
        assert answered == [(200, True)] * 5
    finally:
        for sock in held:
            sock.close()


@contextmanager
def hostile(server: Server, count: int) -> Iterator[list[Any]]:
    """`count` runaway clients in another process; their outcomes once the block ends."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.hostile_clients", str(server.port), str(count), str(LIMIT)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stdin is not None
    outcomes: list[Any] = []
    try:
        assert proc.stdout.readline().strip() == b"started"
        yield outcomes
    finally:
        out, _ = proc.communicate(timeout=LIMIT + 30)
        outcomes += json.loads(out)


@pytest.mark.parametrize("runaways", [4, 16])
def test_runaway_queries_do_not_starve_cheap_ones(server: Server, runaways: int) -> None:
    with hostile(server, runaways) as outcomes:
        wait_for(
            lambda: " 0 on long queries" not in health(server)[1]["detail"],
            "runaway queries to take the long-query slots",
        )
        cheap: list[bool] = []
        for _ in range(30):
            try:
                status, _, body = ask(server, CHEAP, timeout=2)
                cheap.append(status == 200 and json.loads(body)["boolean"])
            except TimeoutError:
                cheap.append(False)
    answered = sum(cheap)
    statuses = Counter(str(status) for status, _ in outcomes)
    print(f"{runaways} runaways: {answered}/30 cheap answered within 2 s; runaways: {statuses}")
    assert answered >= 24  # at least 80 %
    # Every runaway was refused or stopped within the time limit + 1 s (the client's socket
    # deadline; "late" when it passed), never a 500, and never late.
    assert outcomes and set(statuses) <= {"429", "503"}, statuses
    assert all(retry is not None for status, retry in outcomes if status == 429)


def test_a_worker_lost_mid_query_is_a_503_or_a_retry(server: Server) -> None:
    result: dict[str, Any] = {}
    runaway = f"{RUNAWAY} # lost worker"
    thread = threading.Thread(target=lambda: result.update(r=ask(server, runaway, LIMIT + 1)))
    thread.start()
    wait_for(lambda: busy(server) > 0, "the query to start")
    for pid in query_workers(server.proc.pid):
        os.kill(pid, signal.SIGKILL)  # every worker, idle or busy
    thread.join()
    status, headers, body = result["r"]
    assert status == 503, body
    assert "retry-after" in headers or b"time limit" in body
    wait_for(lambda: health(server)[0] == 200, "the pool to be replaced")
    status, _, body = ask(server, CHEAP, timeout=LIMIT + 1)
    assert status == 200 and json.loads(body)["boolean"] is True


def test_a_dead_idle_worker_is_replaced_without_a_request(server: Server) -> None:
    # Earlier tests stop runaway queries by retiring workers: wait until the pool is back at
    # its size (its replacements started), so that the count below is the steady one.
    size = default_workers()
    wait_for(lambda: len(query_workers(server.proc.pid)) == size, "the pool at its size")
    before = query_workers(server.proc.pid)
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    wait_for(
        lambda: (
            victim not in query_workers(server.proc.pid)
            and len(query_workers(server.proc.pid)) == len(before)
        ),
        "a replacement for the dead worker",
    )
    assert not pid_alive(victim)


def test_healthz_reports_a_pool_that_cannot_answer(data_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(data_dir, data, symlinks=True)
    srv = Server(data, {"ZONEGRAPH_QUERY_WORKERS": 2})
    try:
        assert health(srv)[0] == 200
        releases = data / "releases"
        releases.rename(tmp_path / "away")  # the store can no longer be opened
        for pid in query_workers(srv.proc.pid):
            os.kill(pid, signal.SIGKILL)
        wait_for(lambda: health(srv)[0] == 503, "/healthz to report the broken pool")
        status, body = health(srv)
        assert body["ok"] is False and "no query worker can answer" in body["detail"]
        (tmp_path / "away").rename(releases)
        wait_for(lambda: health(srv)[0] == 200, "the pool to recover")
        status, _, answer = ask(srv, CHEAP, timeout=LIMIT + 1)
        assert status == 200 and json.loads(answer)["boolean"] is True
    finally:
        srv.stop()


def test_sigterm_stops_the_server_promptly_mid_query(data_dir: Path) -> None:
    srv = Server(data_dir, {"ZONEGRAPH_QUERY_WORKERS": 2, "ZONEGRAPH_QUERY_TIMEOUT": 30})
    workers = query_workers(srv.proc.pid)
    thread = threading.Thread(target=lambda: _swallow(ask, srv, RUNAWAY, 40), daemon=True)
    thread.start()
    wait_for(lambda: busy(srv) > 0, "the query to start")
    srv.proc.terminate()
    srv.proc.wait(timeout=5)  # raises if SIGTERM took longer than 5 s
    srv.stop()
    wait_for(lambda: not any(pid_alive(p) for p in workers), "the query workers to exit", 5)


def _swallow(func: Any, *args: Any) -> None:
    try:
        func(*args)
    except OSError:
        pass
