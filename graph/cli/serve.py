"""`zonegraph serve`: run the service under granian (Rust HTTP server, WSGI interface).

Why granian and not waitress (measured, issue 11): waitress holds one channel per connection
in a Python event loop with a default limit of 100, so 101 idle sockets shut everyone else
out, and under load it logs "Task queue depth" tens of thousands of times. granian reads and
parses requests in Rust (tokio): idle and slowloris connections cost no Python thread, headers
that never finish are dropped after a read timeout, and only complete requests reach the WSGI
thread pool. It also serves a bare Flask route 3-4x faster on this machine.

The app is made inside granian's worker process (after its fork), so the query worker pool
and its threads belong to the process that serves; its settings travel in one environment
variable. The pool is closed when the worker process ends (multiprocessing's finalizers), and
SIGTERM stops the whole tree within `workers_kill_timeout`.

Every setting is an option here and a ZONEGRAPH_* environment variable: one table,
service/config.py, documented in the README; an option given wins over the variable.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from graph.cli.common import reports_errors, setting_option
from graph.store import WORKER_CPUS_ENV

#: The settings of `zonegraph serve`, handed to the granian worker that makes the app.
#: Not ZONEGRAPH_…: the service refuses unknown ZONEGRAPH_* variables, and this is transport.
SETTINGS_ENV = "_ZG_SERVE_SETTINGS"
#: Set (to "1") when the one serving process is to keep its threads on one CPU (--pin).
PIN_ENV = "_ZG_SERVE_PIN"


def load_app(target: str = "") -> Any:
    """Make the app in the serving process from the settings the parent left in the env."""
    import multiprocessing.util

    from graph.store.inprocess import set_retire
    from graph.store.worker import watch_parent
    from service import create_app
    from service.state import close_backend

    watch_parent()  # a `kill -9` of `zonegraph serve` must not leave this process behind
    if os.environ.get(PIN_ENV) == "1":
        pin_threads()
    # A query evaluated in this process that overruns the time limit cannot be cancelled
    # (graph.store.inprocess): the process goes, and granian starts a fresh one.
    set_retire(_retire)
    app = create_app(json.loads(os.environ.get(SETTINGS_ENV, "{}")))
    multiprocessing.util.Finalize(None, close_backend, args=(app,), exitpriority=10)
    return app


def pin_threads() -> None:
    """Keep every thread of this process (and those it starts later) on the CPU it runs on.

    Why (issue 11 §3, measured with wrk on 2 cores): a cold query is handed from a WSGI
    thread to an evaluating thread (graph.store.inprocess) and back; when the two run on
    different cores every handoff wakes the other core and finds its caches cold. Pinned,
    the serving process spent 73-99 µs of CPU per simple cold query against 136-168 µs
    unpinned, and 196-372 against 322-595 µs per medium one (interleaved runs). The query
    workers are other processes and keep every core, so long queries still run beside it;
    one interpreter lock bounds this process to about one core of Python anyway.
    A thread that cannot be moved (it ended meanwhile) is skipped: pinning is only a speed-up.
    """
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        cpu = int(fields[36])  # field 39, the CPU it last ran on
        if cpu not in os.sched_getaffinity(0):
            return
        allowed = os.sched_getaffinity(0)
        tasks = [int(t) for t in os.listdir("/proc/self/task")]
    except (OSError, ValueError, IndexError, AttributeError):
        return
    # Children inherit affinity: the query workers read this and take every CPU back.
    os.environ[WORKER_CPUS_ENV] = ",".join(str(c) for c in sorted(allowed))
    for tid in tasks:
        try:
            os.sched_setaffinity(tid, {cpu})
        except OSError:
            continue


def _retire() -> None:
    """End this serving process at once (its query workers follow it: they watch it)."""
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def setting_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """One option per row of the settings table (but the group's --data-dir), in its order."""
    from service.config import SETTINGS

    for setting in reversed(SETTINGS.values()):
        if setting.name != "ZONEGRAPH_DATA_DIR":
            func = setting_option(setting.name)(func)
    return func


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--threads",
    default=32,
    show_default=True,
    type=click.IntRange(1, 512),
    help="WSGI threads (requests in Python at once; waiting ones hold no thread)",
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes, each with its own query worker pool and response cache",
)
@click.option(
    "--pin/--no-pin",
    default=True,
    show_default=True,
    help="With one server process, keep its threads on one CPU (cheaper handoffs to the "
    "in-process evaluator; query workers keep every CPU)",
)
@click.option("--get", "get_path", metavar="PATH", help="Print the response to GET PATH and exit.")
@setting_options
@click.pass_context
@reports_errors
def serve(
    ctx: click.Context,
    /,
    host: str,
    port: int,
    threads: int,
    processes: int,
    pin: bool,
    get_path: str | None,
    **settings: Any,
) -> None:
    """Serve the SPARQL endpoint, linked data and explorer (default http://127.0.0.1:8000/).

    Each setting is an option here and a ZONEGRAPH_* environment variable (the same table,
    service/config.py, documented in the README); an option given wins over the variable.
    """
    from service import create_app
    from service.config import SETTINGS, check_settings, defaults

    by_param = {s.param: s.name for s in SETTINGS.values()}
    overrides: dict[str, object] = {"ZONEGRAPH_DATA_DIR": str(ctx.obj["data_dir"])}
    overrides.update(
        {
            by_param[k]: str(v) if isinstance(v, Path) else v
            for k, v in settings.items()
            if v is not None
        }
    )
    if get_path is not None:
        from service.state import close_backend

        app = create_app(overrides)
        try:
            response = app.test_client().get(get_path)
            sys.stdout.buffer.write(response.get_data())
        finally:
            close_backend(app)
        ctx.exit(0 if response.status_code < 400 else 1)
    check_settings({**defaults(), **overrides})  # a bad setting is one line here, not a crash
    if pin and processes == 1:
        os.environ[PIN_ENV] = "1"
    _run(host, port, threads, processes, overrides, Path(ctx.obj["data_dir"]))


def _run(
    host: str, port: int, threads: int, processes: int, overrides: dict[str, object], data: Path
) -> None:
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    if processes > 1 and "ZONEGRAPH_QUERY_WORKERS" not in overrides:
        from graph.store.pool import default_workers

        # Each process has a pool of its own: share the machine's workers out between them.
        overrides = {**overrides, "ZONEGRAPH_QUERY_WORKERS": max(2, default_workers() // processes)}
    os.environ[SETTINGS_ENV] = json.dumps(overrides)
    server = Server(
        "zonegraph",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=processes,
        blocking_threads=threads,
        # Headers must arrive within 10 s (slowloris); an idle keep-alive socket costs
        # only a tokio task, so many of them do not shut anyone out.
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=10_000),
        log_level=LogLevels.error,  # not its warning that 32 threads exceed 2 cores: intended
        workers_kill_timeout=3,
        respawn_failed_workers=True,
    )
    click.echo(f"ZoneGraph serving on http://{host}:{port}/ (data: {data})", err=True)
    server.serve(target_loader=load_app)
