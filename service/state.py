"""Attach the configured query backend to the app, once, at start-up (flaskr's get_db shape)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from graph.store import Backend

EXTENSION = "zonegraph"


def make_backend(config: Mapping[str, Any]) -> Backend:
    kind = config["ZONEGRAPH_STORE"]
    allow: tuple[str, ...] = tuple(config["ZONEGRAPH_ALLOW_REMOTE"])
    if kind == "remote":
        from graph.store.remote import RemoteBackend

        return RemoteBackend.from_config(config)
    from graph.store.embedded import EmbeddedBackend

    options: dict[str, Any] = {
        "workers": config["ZONEGRAPH_QUERY_WORKERS"],
        "timeout": config["ZONEGRAPH_QUERY_TIMEOUT"],
        "max_rows": config["ZONEGRAPH_MAX_RESULT_ROWS"],
        # Updates are an in-memory overlay on the release, so they need memory-backed workers.
        "updatable": bool(config["ZONEGRAPH_UPDATE_TOKEN"]),
        "heavy_after": config["ZONEGRAPH_HEAVY_AFTER"],
        "heavy_workers": config["ZONEGRAPH_HEAVY_WORKERS"],
    }
    if kind == "memory":
        from graph.pipeline import compile_sources

        return EmbeddedBackend.from_nquads(compile_sources(), allow, **options)
    data_dir = config["ZONEGRAPH_DATA_DIR"]
    assert isinstance(data_dir, Path)
    in_memory = config["ZONEGRAPH_WORKER_STORE"] == "memory"
    return EmbeddedBackend.open(data_dir, allow, in_memory=in_memory, **options)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = make_backend(app.config)


def close_backend(app: Flask) -> None:
    """Stop the app's backend (its worker processes); also done at interpreter exit."""
    backend: Backend | None = app.extensions.pop(EXTENSION, None)
    if backend is not None:
        backend.close()


def get_backend() -> Backend:
    backend: Backend = current_app.extensions[EXTENSION]
    return backend
