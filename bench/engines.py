"""Start real SPARQL engines on loopback for the benchmark (and the remote-engine tests).

Each engine runs as a child process in its own temporary directory, bound to 127.0.0.1 on a
free port. `stop()` terminates it (Virtuoso checkpoints on SIGTERM) and kills it if it lingers,
so no test run leaves an engine behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from graph.store.remote import RemoteSettings

VIRTUOSO = "virtuoso-t"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def oxigraph_cli() -> str:
    """The `oxigraph` command from PyPI's `oxigraph`, next to this Python if on no PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    found = shutil.which("oxigraph") or (str(local) if local.exists() else None)
    if found is None:
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
    return found


@dataclass
class Engine:
    name: str
    process: subprocess.Popen[bytes]
    settings: RemoteSettings
    workdir: Path
    log: Path
    extra: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return ""


def _wait_ready(engine: Engine, deadline: float) -> None:
    """Poll with ASK until the engine answers; fail with its log if it dies or stays silent."""
    body = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline:
        if engine.process.poll() is not None:
            raise RuntimeError(f"{engine.name} exited at start:\n{engine.log_tail()}")
        try:
            req = urllib.request.Request(engine.settings.query_url, data=body, method="POST")
            with opener.open(req, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    engine.stop()
    raise RuntimeError(f"{engine.name} did not become ready:\n{engine.log_tail()}")


def start_oxigraph(
    workdir: Path,
    timeout_s: float | None = 10.0,
    read_only: bool = False,
    in_memory: bool = False,
) -> Engine:
    """`oxigraph serve` on a free loopback port with its store in `workdir`.

    timeout_s=None runs it as it comes (no --timeout-s), as a peer in benchmarks: the server's
    time limit costs it a few times its throughput on cheap queries.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [oxigraph_cli(), "serve-read-only" if read_only else "serve"]
    if not in_memory:
        command += ["--location", str(workdir / "store")]
    command += ["--bind", f"127.0.0.1:{port}"]
    if timeout_s is not None:
        command += ["--timeout-s", f"{timeout_s:g}"]
    log = workdir / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    settings = RemoteSettings(
        query_url=f"{base}/query",
        update_url=None if read_only else f"{base}/update",
        gsp_url=None if read_only else f"{base}/store",
        dialect="oxigraph",
        timeout=timeout_s or 10.0,
    )
    engine = Engine("oxigraph", process, settings, workdir, log, {"base": base})
    _wait_ready(engine, time.monotonic() + 30)
    return engine


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = ., {d}
NumberOfBuffers = 40000
MaxDirtyBuffers = 30000
MaxQueryMem = 1G
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}/vsp
ServerThreads = 8
MaxClientConnections = 8
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {timeout}
MaxQueryCostEstimationTime = 0
"""


def start_virtuoso(workdir: Path, timeout_s: float = 10.0) -> Engine:
    """Virtuoso Open Source on free loopback ports (SQL and HTTP) with a fresh database."""
    binary = shutil.which(VIRTUOSO)
    if binary is None:
        raise RuntimeError("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "vsp").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            d=workdir, sql_port=sql_port, http_port=http_port, timeout=int(timeout_s) + 1
        ),
        encoding="utf-8",
    )
    log = workdir / "virtuoso.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=workdir,
            env={**os.environ, "LANG": "C.UTF-8"},
        )
    base = f"http://127.0.0.1:{http_port}"
    settings = RemoteSettings(
        query_url=f"{base}/sparql",
        update_url=f"{base}/sparql-auth",
        gsp_url=f"{base}/sparql-graph-crud-auth",
        dialect="virtuoso",
        timeout=timeout_s,
        user="dba",
        password="dba",  # a fresh database's default, reachable only on loopback
    )
    engine = Engine("virtuoso", process, settings, workdir, log, {"base": base})
    _wait_ready(engine, time.monotonic() + 60)
    return engine
