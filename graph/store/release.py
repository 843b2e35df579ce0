"""The embedded store: an Oxigraph database on disk, published atomically.

rdflib stays the toolkit for parsing, validation and serialisation, but queries run on Oxigraph
(see PERFORMANCE.md: 50–1000× faster than rdflib's engine). A build writes a complete new
release directory and only then swaps the `current` link, so a failed or interrupted build
never leaves readers with a half-written store, and the service reopens in well under a second
instead of re-parsing Turtle.

Layout of a data directory:
    releases/<stamp>/store/      Oxigraph (RocksDB) files
    releases/<stamp>/dataset.nq  the same quads as N-Quads, for memory-backed workers and dumps
    releases/<stamp>/meta.json   counts and build details
    current -> releases/<stamp>
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset

from graph.errors import StoreError

CURRENT = "current"
RELEASES = "releases"
KEEP_RELEASES = 3


@dataclass(frozen=True)
class Release:
    """A published, immutable build."""

    path: Path

    @property
    def store_path(self) -> Path:
        return self.path / "store"

    @property
    def nquads_path(self) -> Path:
        return self.path / "dataset.nq"

    @property
    def meta(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
        return data


def nquads_bytes(dataset: Dataset) -> bytes:
    """Serialise a Dataset's named graphs as N-Quads (the default graph is left empty)."""
    out = dataset.serialize(format="nquads", encoding="utf-8")
    return out if isinstance(out, bytes) else out.encode("utf-8")


def load_store(nquads: bytes, path: Path | None = None) -> ox.Store:
    """An Oxigraph store (on disk at `path`, else in memory) filled with N-Quads."""
    store = ox.Store(str(path)) if path is not None else ox.Store()
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    return store


def publish(
    dataset: Dataset | bytes,
    data_dir: Path,
    meta: dict[str, Any],
    annotate: Callable[[ox.Store], dict[str, Any]] | None = None,
) -> Release:
    """Write a new release next to the published one and switch `current` to it atomically.

    `dataset` may already be N-Quads (large generated graphs skip rdflib altogether).
    `annotate` reads the staged store and returns more metadata (the counts), so meta.json is
    written once, complete, before the switch.
    """
    releases = data_dir / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    now = time.time_ns()
    # Sortable by name: second, then nanoseconds within it; the pid keeps builds apart.
    stamp = (
        time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9))
        + f"-{now % 10**9:09d}-{os.getpid()}"
    )
    staging = releases / f".staging-{stamp}"
    final = releases / stamp
    try:
        staging.mkdir()
        quads = dataset if isinstance(dataset, bytes) else nquads_bytes(dataset)
        (staging / "dataset.nq").write_bytes(quads)
        store = load_store(quads, staging / "store")
        store.optimize()
        store.flush()
        if annotate is not None:
            meta = {**meta, **annotate(store)}
        del store
        (staging / "meta.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    link = data_dir / CURRENT
    tmp_link = data_dir / f".{CURRENT}-{stamp}"
    os.symlink(Path(RELEASES) / stamp, tmp_link)
    os.replace(tmp_link, link)  # atomic on POSIX: readers see the old or the new release
    _prune(releases, keep=final)
    return Release(final)


def _prune(releases: Path, keep: Path) -> None:
    """Drop old releases beyond the last few (a running server may still read a recent one)."""
    done = sorted(p for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in done[:-KEEP_RELEASES]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def current_release(data_dir: Path) -> Release | None:
    """The published release, or None when nothing has been built into `data_dir` yet."""
    link = data_dir / CURRENT
    if not link.exists():
        return None
    return Release(link.resolve())


def open_read_only(release: Release) -> ox.Store:
    """Open a release's store for reading; many processes may do so at once."""
    try:
        return ox.Store.read_only(str(release.store_path))
    except OSError as exc:
        raise StoreError(f"cannot open store {release.store_path}: {exc}") from None
