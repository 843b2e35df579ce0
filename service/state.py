"""The app's state in one place: the query backend, and every cache of what the data holds.

The backend is attached once at start-up (flaskr's get_db shape). Everything the service
derives from the data and keeps between requests (VoID and Service Description counts, the
home page's summary, the search index, the graph prepared for analyses and explorer views) is
a `Cache` declared by the module that computes it and stored here, per app, so that one
`forget(app)` drops them all. Every path that changes the data calls it (today: an accepted
SPARQL Update); a cache kept elsewhere would go stale after an update, as four did before.
The backends' own list of named graphs is not kept here: each backend resets it in its own
update(), the only way data changes through it (the remote one also expires it after a while,
for writes made to the engine directly).

Each cache holds one value per app (a fixed set of keys, none per query), so the memory it
takes is bounded by the size of the dataset, not by what clients send. A value computed while
an update lands is not kept: each app counts its forgets, and a value is stored only if no
forget happened while it was being computed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from flask import Flask, current_app

from graph.store import Backend

EXTENSION = "zonegraph"
CACHES = "zonegraph.caches"
T = TypeVar("T")


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
        "max_rows": config["ZONEGRAPH_MAX_RESULT_ROWS"] or None,  # 0: complete results
        # Updates are an in-memory overlay on the release, so they need memory-backed workers.
        "updatable": bool(config["ZONEGRAPH_UPDATE_TOKEN"]),
        "heavy_after": config["ZONEGRAPH_HEAVY_AFTER"],
        "heavy_workers": config["ZONEGRAPH_HEAVY_WORKERS"],
        "in_process": config["ZONEGRAPH_FAST_PATH"] == "on",
    }
    if kind == "memory":
        from graph.pipeline import compile_sources

        return EmbeddedBackend.from_nquads(compile_sources(), allow, **options)
    data_dir = config["ZONEGRAPH_DATA_DIR"]
    assert isinstance(data_dir, Path)
    in_memory = config["ZONEGRAPH_WORKER_STORE"] == "memory"
    return EmbeddedBackend.open(data_dir, allow, in_memory=in_memory, **options)


@dataclass
class _Store:
    """One app's cached values, the lock of each, and how many times they were forgotten."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    values: dict[str, Any] = field(default_factory=dict)
    locks: dict[str, threading.Lock] = field(default_factory=dict)
    generation: int = 0


@dataclass(frozen=True)
class Cache(Generic[T]):
    """A value computed from the data once per app (inside an app context) until forget()."""

    name: str
    make: Callable[[], T]

    def get(self) -> T:
        store: _Store = current_app.extensions[CACHES]
        with store.lock:
            if self.name in store.values:
                value: T = store.values[self.name]
                return value
            key_lock = store.locks.setdefault(self.name, threading.Lock())
        with key_lock:  # one thread computes; the others wait for its answer
            with store.lock:
                if self.name in store.values:
                    value = store.values[self.name]
                    return value
                generation = store.generation
            value = self.make()
            with store.lock:
                if store.generation == generation:
                    store.values[self.name] = value
            return value


def forget(app: Flask) -> None:
    """Drop every cached value of `app`: call it after anything that changes the data."""
    store: _Store = app.extensions[CACHES]
    with store.lock:
        store.values.clear()
        store.generation += 1


def cached_names(app: Flask) -> list[str]:
    """Names of the values `app` holds right now (for tests and monitoring)."""
    store: _Store = app.extensions[CACHES]
    with store.lock:
        return sorted(store.values)


def init_app(app: Flask) -> None:
    app.extensions[CACHES] = _Store()
    app.extensions[EXTENSION] = make_backend(app.config)


def close_backend(app: Flask) -> None:
    """Stop the app's backend (its worker processes); also done at interpreter exit."""
    backend: Backend | None = app.extensions.pop(EXTENSION, None)
    if backend is not None:
        backend.close()


def get_backend() -> Backend:
    backend: Backend = current_app.extensions[EXTENSION]
    return backend


def backend_select(backend: Backend) -> Callable[[str], list[dict[str, str]]]:
    """graph.query.stats' `Select` over a backend, so counts are asked the same way of any."""

    def select(text: str) -> list[dict[str, str]]:
        return [{k: str(v) for k, v in row.items()} for row in backend.select(text)]

    return select
