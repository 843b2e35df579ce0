"""`zonegraph serve`: run the service under waitress (a production WSGI server)."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from graph.cli.common import reports_errors, setting_option


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
@click.option("--threads", default=8, show_default=True, type=int, help="waitress worker threads")
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
    get_path: str | None,
    **settings: Any,
) -> None:
    """Serve the SPARQL endpoint, linked data and explorer (default http://127.0.0.1:8000/).

    Each setting is an option here and a ZONEGRAPH_* environment variable (the same table,
    service/config.py, documented in the README); an option given wins over the variable.
    """
    from service import create_app
    from service.config import SETTINGS

    by_param = {s.param: s.name for s in SETTINGS.values()}
    overrides: dict[str, object] = {"ZONEGRAPH_DATA_DIR": ctx.obj["data_dir"]}
    overrides.update({by_param[k]: v for k, v in settings.items() if v is not None})
    app = create_app(overrides)
    if get_path is not None:
        from service.state import close_backend

        try:
            response = app.test_client().get(get_path)
            sys.stdout.buffer.write(response.get_data())
        finally:
            close_backend(app)
        ctx.exit(0 if response.status_code < 400 else 1)
    from waitress.server import create_server

    from service.state import close_backend

    try:
        server = create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="zonegraph",
            max_request_body_size=app.config["ZONEGRAPH_MAX_REQUEST_BYTES"],
        )
    except BaseException:
        close_backend(app)
        raise
    stopping = False

    def stop(signum: int, frame: object) -> None:
        """SIGTERM ends the server as Ctrl-C does, so the query workers are stopped too."""
        nonlocal stopping
        stopping = True
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    click.echo(
        f"ZoneGraph serving on http://{host}:{port}/ (data: {Path(ctx.obj['data_dir'])})", err=True
    )
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        stopping = True
    except OSError:
        if not stopping:  # a socket closed under the loop while stopping is not an error
            raise
    finally:
        server.close()
        close_backend(app)
