"""Every setting of ZoneGraph, in one table: name, default, check, help and CLI shape.

The table is the only definition. The service reads it (defaults, then the ZONEGRAPH_*
environment variables, then the mapping given to create_app); the CLI derives its options from
it (`zonegraph serve --query-timeout …`, `zonegraph build --remote-query-url …`, with the same
environment names); the README's settings table is generated from it (settings_markdown) and
a test keeps the two equal. There is one environment spelling,
`ZONEGRAPH_…`: Flask's FLASK_-prefixed variables are not read, and a FLASK_ZONEGRAPH_* one stops
start-up with the right name, as does an unknown ZONEGRAPH_* key, because a misspelt setting
must not silently do nothing. This module is Flask-free so the CLI can import it cheaply.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import ZoneGraphError
from graph.store.remote import DIALECTS

#: Where `zonegraph build` publishes and the service reads, unless told otherwise.
DEFAULT_DATA_DIR = (
    Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "zonegraph"
)
PREFIX = "ZONEGRAPH_"
#: The spelling Flask's from_prefixed_env would read; refused so nobody relies on it.
FLASK_PREFIX = "FLASK_" + PREFIX
STORES = ("embedded", "memory", "remote")
WORKER_STORES = ("memory", "disk")


class StartupError(ZoneGraphError):
    """The service cannot start with the given settings."""


def _path(value: Any) -> Path | None:
    return None if value in (None, "") else Path(str(value)).expanduser()


def _positive(value: Any) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError("must be positive")
    return number


def _cap(value: Any) -> int:
    """A whole number of at least 0 (0: no cap)."""
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("must be a whole number")
    number = int(value)
    if number < 0:
        raise ValueError("must be 0 (no cap) or more")
    return number


def _count(value: Any) -> int:
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("must be a whole number")
    number = int(value)
    if number < 1:
        raise ValueError("must be at least 1")
    return number


def _str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(str(v) for v in value)


def _optional_str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class Setting:
    """One row of the table; `type` and `choices` are what the CLI needs to build an option."""

    name: str
    default: Any
    help: str
    parse: Callable[[Any], Any] = str
    type: type = str
    choices: tuple[str, ...] = ()
    #: How --help and the README show the default (None: the default itself).
    shown: str | None = None
    #: A secret is never echoed; it is best given in the environment, not on a command line.
    secret: bool = False

    @property
    def param(self) -> str:
        """The CLI parameter name: ZONEGRAPH_QUERY_TIMEOUT → query_timeout."""
        return self.name.removeprefix(PREFIX).lower()

    @property
    def option(self) -> str:
        """The CLI option: ZONEGRAPH_QUERY_TIMEOUT → --query-timeout."""
        return "--" + self.param.replace("_", "-")

    @property
    def default_text(self) -> str:
        if self.shown is not None:
            return self.shown
        if isinstance(self.default, tuple):
            return ", ".join(self.default) or "empty"
        return "unset" if self.default is None else str(self.default)

    def check(self, value: Any) -> Any:
        """The value in its working type; ValueError/TypeError say what is wrong with it."""
        if value is None:
            return None
        if self.choices and value not in self.choices:
            raise ValueError(f"must be one of {', '.join(self.choices)}")
        return self.parse(value)


_ROWS = (
    Setting(
        "ZONEGRAPH_DATA_DIR",
        DEFAULT_DATA_DIR,
        "Data directory that `zonegraph build` publishes to and every other command and the "
        "service read.",
        _path,
        Path,
        shown="$XDG_DATA_HOME/zonegraph or ~/.local/share/zonegraph",
    ),
    Setting(
        "ZONEGRAPH_STORE",
        "embedded",
        "Which backend answers queries: the published Oxigraph store, the sources compiled in "
        "memory at start-up, or a remote SPARQL engine.",
        choices=STORES,
    ),
    Setting(
        "ZONEGRAPH_WORKER_STORE",
        "memory",
        "Embedded store: each query worker holds the release in memory (fast), or all read it "
        "from disk (less memory). With an update token workers always use memory.",
        choices=WORKER_STORES,
    ),
    Setting(
        "ZONEGRAPH_QUERY_TIMEOUT",
        10.0,
        "Seconds a query may run before its worker is stopped (503).",
        _positive,
        float,
    ),
    Setting(
        "ZONEGRAPH_QUERY_WORKERS",
        None,
        "Query worker processes (each can be killed on timeout, and shared out between "
        "`--processes`).",
        _count,
        int,
        shown="CPU cores + 2, at most 8",
    ),
    Setting(
        "ZONEGRAPH_HEAVY_AFTER",
        0.5,
        "Seconds after which a running query counts as long and needs one of the heavy slots.",
        _positive,
        float,
    ),
    Setting(
        "ZONEGRAPH_HEAVY_WORKERS",
        None,
        "Workers that may run long queries at once (reniced); more are stopped with 503 and "
        "Retry-After.",
        _count,
        int,
        shown="half the workers",
    ),
    Setting(
        "ZONEGRAPH_FAST_PATH",
        "on",
        "`on`: /sparql queries skip Flask when plain, and query shapes the workers answered "
        "quickly are then evaluated in the serving process (its own copy of the data, the same "
        "network wall); `off`: every query goes through Flask to the worker pool.",
        choices=("on", "off"),
    ),
    Setting(
        "ZONEGRAPH_RESPONSE_CACHE_BYTES",
        64_000_000,
        "Bytes of /sparql answers kept for repeated queries (keyed by release, update "
        "generation, query, dataset and format); 0 turns the cache off.",
        int,
        int,
    ),
    Setting(
        "ZONEGRAPH_MAX_RESULT_ROWS",
        0,
        "Rows (or triples) a /sparql result may hold; a larger one is refused with 400, never "
        "cut short. 0 (the default): no cap, results are complete (the time limit bounds them).",
        _cap,
        int,
    ),
    Setting(
        "ZONEGRAPH_MAX_REQUEST_BYTES",
        1_000_000,
        "Largest request body accepted (413 beyond).",
        _count,
        int,
    ),
    Setting(
        "ZONEGRAPH_UPDATE_TOKEN",
        None,
        "Bearer token that enables SPARQL Update at /update; unset: read-only.",
        _optional_str,
        secret=True,
    ),
    Setting(
        "ZONEGRAPH_ALLOW_REMOTE",
        (),
        "Comma-separated IRI prefixes that SERVICE, LOAD and FROM may fetch; empty: none.",
        _str_list,
    ),
    Setting(
        "ZONEGRAPH_CORS_ORIGINS", "*", "Comma-separated origins allowed to query from browsers."
    ),
    Setting(
        "ZONEGRAPH_PUBLIC_BASE",
        None,
        "Public URL the data namespace is served at; unset: the request's host.",
        _optional_str,
        shown="request host",
    ),
    Setting(
        "ZONEGRAPH_REMOTE_QUERY_URL", None, "Query endpoint of the remote engine.", _optional_str
    ),
    Setting(
        "ZONEGRAPH_REMOTE_UPDATE_URL", None, "Update endpoint of the remote engine.", _optional_str
    ),
    Setting(
        "ZONEGRAPH_REMOTE_GSP_URL",
        None,
        "Graph Store Protocol endpoint of the remote engine (`build --store remote` loads "
        "through it).",
        _optional_str,
    ),
    Setting(
        "ZONEGRAPH_REMOTE_DIALECT",
        "generic",
        "Which engine the remote store is: how it makes the default graph the union and limits "
        "query time.",
        choices=DIALECTS,
    ),
    Setting(
        "ZONEGRAPH_REMOTE_USER",
        None,
        "User for the remote engine's protected endpoints (digest or basic auth).",
        _optional_str,
    ),
    Setting(
        "ZONEGRAPH_REMOTE_PASSWORD",
        None,
        "Password of ZONEGRAPH_REMOTE_USER.",
        _optional_str,
        secret=True,
    ),
)
SETTINGS: dict[str, Setting] = {s.name: s for s in _ROWS}


def defaults() -> dict[str, Any]:
    return {name: s.default for name, s in SETTINGS.items()}


def from_environ(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ZONEGRAPH_* variables of the environment, unchecked (check_settings does that).

    A FLASK_ZONEGRAPH_* variable is refused, naming the spelling that is read, so a deployment
    written for the old spelling fails loudly instead of running on defaults.
    """
    env = os.environ if environ is None else environ
    misspelt = sorted(key for key in env if key.startswith(FLASK_PREFIX))
    if misspelt:
        raise StartupError(
            "; ".join(f"{key} is not read: set {key.removeprefix('FLASK_')}" for key in misspelt)
        )
    return {key: value for key, value in env.items() if key.startswith(PREFIX)}


def check_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """Validated ZONEGRAPH_* values; raises StartupError naming each unknown or bad key."""
    problems: list[str] = []
    checked: dict[str, Any] = {}
    for key, value in config.items():
        if not key.startswith(PREFIX):
            continue
        setting = SETTINGS.get(key)
        if setting is None:
            problems.append(f"unknown setting {key}")
            continue
        try:
            checked[key] = setting.check(value)
        except (TypeError, ValueError) as exc:
            shown = "…" if setting.secret else repr(value)
            problems.append(f"{key}={shown}: {exc}")
    if problems:
        raise StartupError("; ".join(problems))
    return checked


def settings_markdown() -> str:
    """The README's settings table, one row per setting, generated from this table."""
    lines = ["| setting | default | CLI option | meaning |", "|---|---|---|---|"]
    for s in SETTINGS.values():
        option = "`--data-dir` (every command)" if s.name == "ZONEGRAPH_DATA_DIR" else s.option
        if not option.startswith("`"):
            option = f"`{option}`"
        meaning = s.help + (
            f" One of {', '.join(f'`{c}`' for c in s.choices)}." if s.choices else ""
        )
        meaning = meaning.replace("|", "\\|")
        lines.append(f"| `{s.name}` | `{s.default_text}` | {option} | {meaning} |")
    return "\n".join(lines) + "\n"
