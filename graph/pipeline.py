"""The pipeline as one function: sources → build → validate → publish → counts.

Every caller that turns curated sources (or a generated N-Quads dataset) into a served store
goes through here: `zonegraph build`, the service's in-memory store, the dumps, the benchmark,
the tests and scripts. Before, each re-assembled the sequence and the copies drifted (meta.json
was written twice, three places compiled the sources in memory).

The release's metadata, counts included, is computed from the staged store and written once,
before `current` switches, so a reader never sees a release without its counts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.build import BuildResult, build
from graph.errors import StoreError
from graph.query import stats
from graph.store.release import (
    Release,
    current_release,
    load_store,
    nquads_bytes,
    open_read_only,
    publish,
)
from graph.validate import ValidationReport, validate_build, validate_nquads

#: Told what the pipeline does when it is not what the caller asked for (a note to print).
Progress = Callable[[str], None]


@dataclass
class PipelineResult:
    """What one run produced: the build, its validation, where it went and what it holds."""

    build: BuildResult | None
    report: ValidationReport | None
    release: Release | None = None
    stats: stats.Stats | None = None
    remote: Any = None
    seconds: dict[str, float] = field(default_factory=dict)
    #: What --keep-updates found: deltas that no longer apply cleanly to the new release.
    update_notes: list[str] = field(default_factory=list)


def compile_sources(sources: Path | None = None) -> bytes:
    """The shipped (or given) sources compiled to N-Quads in memory, without validation."""
    return nquads_bytes(build(sources).dataset)


def compile_store(sources: Path | None = None) -> ox.Store:
    """The sources compiled into an in-memory Oxigraph store (nothing published yet)."""
    return load_store(compile_sources(sources))


def check(sources: Path | None = None) -> ValidationReport:
    """Build and validate without publishing (`zonegraph validate` of the shipped sources)."""
    return validate_build(build(sources))


def open_store(data_dir: Path, on_compile: Progress | None = None) -> ox.Store:
    """The release published in `data_dir`, or, when nothing is built there yet, the shipped
    sources compiled in memory (`on_compile` is told so, for a note to the user)."""
    release = current_release(data_dir)
    if release is not None:
        return open_read_only(release)
    if on_compile is not None:
        on_compile(f"no build published in {data_dir}; compiling the sources in memory")
    return compile_store()


def run(
    data_dir: Path | None,
    *,
    sources: Path | None = None,
    nquads: bytes | None = None,
    validate: bool = True,
    remote: Any = None,
    updates: str = "refuse",
) -> PipelineResult:
    """Build, validate and publish; returns a result whose `report` says why nothing was
    published when the data does not conform.

    `nquads` publishes a ready dataset (a generated benchmark graph) instead of compiling
    sources; it is validated as a whole. `remote` (graph.store.remote.RemoteSettings) loads
    the build into a SPARQL engine instead of publishing it to `data_dir`. SPARQL updates
    accepted on the published release are never dropped silently: `updates` is "refuse"
    (StoreError, before anything is compiled), "keep" (carried over to the new release and
    re-applied when it is served) or "discard" (set aside under another name).
    """
    journal = _pending_updates(data_dir, updates) if remote is None else None
    seconds: dict[str, float] = {}
    started = time.monotonic()
    result: BuildResult | None = None
    if nquads is None:
        result = build(sources)
        quads = nquads_bytes(result.dataset)
    else:
        quads = nquads
    seconds["build"] = time.monotonic() - started
    report: ValidationReport | None = None
    if validate:
        mark = time.monotonic()
        report = validate_build(result) if result is not None else validate_nquads(quads)
        seconds["validate"] = time.monotonic() - mark
        if not report.conforms:
            return PipelineResult(result, report, seconds=seconds)
    mark = time.monotonic()
    out = PipelineResult(result, report, seconds=seconds)
    if remote is not None:
        from graph.namespaces import GRAPH
        from graph.store.remote import publish_remote

        out.remote = publish_remote(quads, remote, prune_prefix=str(GRAPH))
    else:
        if data_dir is None:
            raise StoreError("no data directory to publish to")
        meta: dict[str, Any] = {
            "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "files": [p.name for p in result.compiled.files] if result is not None else [],
            "quotes": result.compiled.quote_count if result is not None else 0,
            "validated": validate,
        }

        def counts(store: ox.Store) -> dict[str, Any]:
            out.stats = stats.compute(store)
            return {"stats": out.stats.to_dict()}

        def dumps(store: ox.Store, staging: Path) -> None:
            from graph.query.export import write_dumps

            write_dumps(store, staging / "dumps")

        out.release = publish(quads, data_dir, meta, annotate=counts, extras=dumps)
        if journal is not None:
            from graph.store import updates as journals

            if updates == "keep":
                out.update_notes = journals.carry_over(journal, data_dir, out.release)
            else:
                journals.set_aside(journal)
    seconds["publish"] = time.monotonic() - mark
    seconds["total"] = time.monotonic() - started
    return out


def _pending_updates(data_dir: Path | None, mode: str) -> Path | None:
    """The journal of updates accepted on the published release, if a build must deal with it."""
    from graph.store.updates import pending

    if mode not in ("refuse", "keep", "discard"):
        raise ValueError(f"updates must be refuse, keep or discard, not {mode!r}")
    found = pending(data_dir) if data_dir is not None else None
    if found is None:
        return None
    path, count = found
    if mode == "refuse":
        raise StoreError(
            f"{count} SPARQL update(s) accepted on the published release ({path}) would be "
            "lost: build with --keep-updates to re-apply them on the new build, or "
            "--discard-updates to set them aside"
        )
    return path
