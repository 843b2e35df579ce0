"""Every setting of the service, in one place, with its default and its check.

Settings come from the defaults here, then FLASK_ZONEGRAPH_* environment variables (Flask's
from_prefixed_env, which also parses JSON values), then the test_config mapping. An unknown
ZONEGRAPH_* key is an error at start-up: a misspelt setting must not silently do nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import ZoneGraphError

#: Where `zonegraph build` publishes and the service reads, unless told otherwise.
DEFAULT_DATA_DIR = (
    Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "zonegraph"
)


class StartupError(ZoneGraphError):
    """The service cannot start with the given settings."""


@dataclass(frozen=True)
class Setting:
    default: Any
    check: Callable[[Any], Any]
    help: str


def _path(value: Any) -> Path | None:
    return None if value in (None, "") else Path(str(value)).expanduser()


def _positive(value: Any) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError("must be positive")
    return number


def _count(value: Any) -> int:
    number = int(value)
    if number < 1:
        raise ValueError("must be at least 1")
    return number


def _str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(str(v) for v in value)


def _choice(*options: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return str(value)

    return check


def _optional_str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


SETTINGS: dict[str, Setting] = {
    "ZONEGRAPH_DATA_DIR": Setting(
        DEFAULT_DATA_DIR, _path, "Data directory that `zonegraph build` publishes to."
    ),
    "ZONEGRAPH_STORE": Setting(
        "embedded",
        _choice("embedded", "memory", "remote"),
        "Backend: embedded Oxigraph on disk, memory (compiled at start-up), or remote.",
    ),
    "ZONEGRAPH_REMOTE_QUERY_URL": Setting(
        None, _optional_str, "Query endpoint of the remote engine."
    ),
    "ZONEGRAPH_REMOTE_UPDATE_URL": Setting(
        None, _optional_str, "Update endpoint of the remote engine."
    ),
    "ZONEGRAPH_REMOTE_GSP_URL": Setting(
        None, _optional_str, "Graph Store Protocol endpoint of the remote engine."
    ),
    "ZONEGRAPH_REMOTE_DIALECT": Setting(
        "generic",
        _choice("oxigraph", "virtuoso", "fuseki", "generic"),
        "Which engine the remote store is (its union default graph and time limit differ).",
    ),
    "ZONEGRAPH_REMOTE_USER": Setting(
        None, _optional_str, "User for the remote engine's protected endpoints (digest/basic)."
    ),
    "ZONEGRAPH_REMOTE_PASSWORD": Setting(None, _optional_str, "Password of ZONEGRAPH_REMOTE_USER."),
    "ZONEGRAPH_QUERY_TIMEOUT": Setting(
        10.0, _positive, "Seconds a query may run before it is stopped."
    ),
    "ZONEGRAPH_QUERY_WORKERS": Setting(
        None,
        _count,
        "Query worker processes (each can be killed on timeout); unset: CPU cores + 2, at most 8.",
    ),
    "ZONEGRAPH_HEAVY_AFTER": Setting(
        0.5,
        _positive,
        "Seconds after which a running query counts as long and needs one of the heavy slots.",
    ),
    "ZONEGRAPH_HEAVY_WORKERS": Setting(
        None,
        _count,
        "Workers that may run long queries at once (reniced); others are stopped with 503 + "
        "Retry-After. Unset: half the workers.",
    ),
    "ZONEGRAPH_RESPONSE_CACHE_BYTES": Setting(
        64_000_000,
        int,
        "Bytes of /sparql responses kept for repeated queries (keyed by release, update "
        "generation, query, dataset and format); 0 turns the cache off.",
    ),
    "ZONEGRAPH_WORKER_STORE": Setting(
        "memory",
        _choice("memory", "disk"),
        "Embedded store: each worker holds the release in memory (fast), or all read the "
        "on-disk store (less memory). With an update token workers always use memory.",
    ),
    "ZONEGRAPH_MAX_RESULT_ROWS": Setting(
        10000, _count, "Rows (or triples) a result may hold before it is truncated."
    ),
    "ZONEGRAPH_MAX_REQUEST_BYTES": Setting(1_000_000, _count, "Largest request body accepted."),
    "ZONEGRAPH_UPDATE_TOKEN": Setting(
        None, _optional_str, "Bearer token that enables SPARQL Update at /update; unset: read-only."
    ),
    "ZONEGRAPH_ALLOW_REMOTE": Setting(
        (), _str_list, "IRI prefixes that SERVICE, LOAD and FROM may fetch; empty: none."
    ),
    "ZONEGRAPH_CORS_ORIGINS": Setting("*", str, "Origins allowed to query from browsers."),
    "ZONEGRAPH_PUBLIC_BASE": Setting(
        None, _optional_str, "Public URL the data namespace is served at; None: the request's host."
    ),
}


def defaults() -> dict[str, Any]:
    return {name: s.default for name, s in SETTINGS.items()}


def check_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """Validated ZONEGRAPH_* values; raises StartupError naming each unknown or bad key."""
    problems: list[str] = []
    checked: dict[str, Any] = {}
    for key, value in config.items():
        if not key.startswith("ZONEGRAPH_"):
            continue
        setting = SETTINGS.get(key)
        if setting is None:
            problems.append(f"unknown setting {key}")
            continue
        try:
            checked[key] = setting.check(value) if value is not None else None
        except (TypeError, ValueError) as exc:
            problems.append(f"{key}={value!r}: {exc}")
    if problems:
        raise StartupError("; ".join(problems))
    return checked
