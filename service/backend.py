"""Attach the configured query backend to the app, once, at start-up (flaskr's get_db shape)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from graph.backend import Backend

EXTENSION = "zonegraph"


def make_backend(config: dict[str, object]) -> Backend:
    kind = config["ZONEGRAPH_STORE"]
    allow = tuple(config["ZONEGRAPH_ALLOW_REMOTE"])  # type: ignore[call-overload]
    if kind == "remote":
        from graph.remote import RemoteBackend

        return RemoteBackend.from_config(config)
    from graph.executor import EmbeddedBackend

    if kind == "memory":
        from graph.build import build
        from graph.store import nquads_bytes

        return EmbeddedBackend.from_nquads(nquads_bytes(build().dataset), allow)
    data_dir = config["ZONEGRAPH_DATA_DIR"]
    if data_dir is None:
        from graph.cli import DEFAULT_DATA_DIR

        data_dir = DEFAULT_DATA_DIR
    assert isinstance(data_dir, Path)
    return EmbeddedBackend.open(data_dir, allow)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = make_backend(app.config)


def get_backend() -> Backend:
    backend: Backend = current_app.extensions[EXTENSION]
    return backend
