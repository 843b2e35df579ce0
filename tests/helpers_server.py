"""Helpers for the SPARQL service tests: apps with real worker pools, and a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

from service import create_app
from service.config import SETTINGS
from service.state import close_backend, get_backend

REPO = Path(__file__).resolve().parent.parent
ZONEGRAPH = Path(sys.executable).with_name("zonegraph")

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@contextmanager
def make_app(data_dir: Path, **settings: Any) -> Iterator[Flask]:
    """An app on a published data dir; its worker processes are stopped afterwards."""
    config: dict[str, Any] = {"TESTING": True, "ZONEGRAPH_DATA_DIR": data_dir}
    config.update({f"ZONEGRAPH_{k.upper()}": v for k, v in settings.items()})
    app = create_app(config)
    try:
        yield app
    finally:
        close_backend(app)


def backend_of(app: Flask) -> Any:
    with app.app_context():
        return get_backend()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def pid_alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def children(pid: int) -> list[int]:
    """Child processes of `pid` (Linux /proc)."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return found
    for task in tasks:
        try:
            text = (task / "children").read_text().split()
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
        found += [int(t) for t in text]
    return found


def serving_pids(root: int) -> list[int]:
    """`root` and its descendants that serve, without the query workers (their memory is a
    result's producer, not a copy held for sending)."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if b"graph.store.worker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            found.append(pid)
            todo += children(pid)
    return found


def status_kb(pid: int, field: str) -> int:
    """A kB field of /proc/PID/status (VmHWM, VmRSS); LookupError when it has none."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(f"no {field} for {pid}")


def query_workers(pid: int) -> list[int]:
    """The query worker processes under `pid` (under granian they are grandchildren)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children(todo.pop()):
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"graph.store.worker" in cmdline:
                found.append(child)
            else:
                todo.append(child)
    return sorted(found)


def wait_for(predicate: Any, what: str, limit: float = 30.0) -> None:
    """Poll until `predicate()` holds (a readiness wait, not a timing assertion)."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


class Server:
    """`zonegraph serve` in a subprocess on a free loopback port."""

    def __init__(self, data_dir: Path, settings: Mapping[str, Any] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [str(ZONEGRAPH), "--data-dir", str(data_dir), "serve", "--port", str(self.port)]
        for key, value in (settings or {}).items():
            args += [SETTINGS[key].option, str(value)]  # the option derived from the table
        self.proc = subprocess.Popen(
            args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ)
        )
        wait_for(self._up, "the server to answer /healthz")

    def _up(self) -> bool:
        if self.proc.poll() is not None:
            out = self.proc.stdout.read().decode() if self.proc.stdout else ""
            raise AssertionError(f"zonegraph serve exited: {out}")
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=5) as resp:
                return bool(resp.status == 200)
        except OSError:
            return False

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stdout:
                self.proc.stdout.close()
