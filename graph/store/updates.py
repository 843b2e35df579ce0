"""Accepted SPARQL updates, kept on disk so that a 2xx is never undone by a restart.

Each accepted update is appended to a journal next to the release it applies to
(`<data dir>/updates/<release>.jsonl`, one JSON line per update) and fsynced before the client
is answered. A line holds the update's effect, not just its text: `{"update": text, "at": time,
"delta": {"remove": N-Quads, "add": N-Quads, "graphs_removed": [...], "graphs_added": [...]}}`
(graph.store.delta), so that a backend opening the release applies exactly the data the
update produced when it was accepted — the same STRUUID()s, no second LOAD — and a restart or
a `kill -9` right after the 2xx keeps it. The text stays beside it for the record.

Journals written before deltas were kept hold lines without "delta"; a backend opening one
evaluates those updates once, in order, and rewrites the journal with their deltas (atomically:
`migrate`), so older journals keep working and are converted on first use.

A journal belongs to one release: a new build does not apply it silently — `zonegraph build`
refuses while one is pending, `--keep-updates` carries it over to the new release (its deltas
are re-applied there when served, and the build says which of them no longer apply cleanly:
quads they removed that the new release lacks, quads they added that it has already) and
`--discard-updates` sets it aside.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import StoreError
from graph.store import delta as deltas
from graph.store.release import Release, current_release

UPDATES = "updates"


@dataclass(frozen=True)
class Entry:
    """One accepted update: its text and, unless journalled in the older text-only form, the
    effect it had when it was accepted."""

    text: str
    delta: dict[str, Any] | None
    at: str = ""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _line(entry: Entry) -> str:
    record: dict[str, Any] = {"update": entry.text, "at": entry.at or _now()}
    if entry.delta is not None:
        record["delta"] = entry.delta
    return json.dumps(record, ensure_ascii=False) + "\n"


def _entry(line: str) -> Entry:
    record = json.loads(line)
    text, delta = record["update"], record.get("delta")
    if not isinstance(text, str) or not (delta is None or isinstance(delta, dict)):
        raise TypeError("malformed journal line")
    if delta is not None and not all(
        k in delta for k in ("remove", "add", "graphs_removed", "graphs_added")
    ):
        raise KeyError("delta")
    return Entry(text, delta, str(record.get("at", "")))


def journal_path(data_dir: Path, release: Release) -> Path:
    return data_dir / UPDATES / f"{release.path.name}.jsonl"


def read_journal(path: Path) -> list[Entry]:
    """The updates in order; a last line torn by a crash mid-append was never acknowledged
    (the 2xx follows the fsync), so it is left out."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    entries: list[Entry] = []
    for number, line in enumerate(lines, 1):
        try:
            entries.append(_entry(line))
        except (ValueError, KeyError, TypeError):
            if number == len(lines):
                break
            raise StoreError(f"{path}:{number}: not an update journal line") from None
    return entries


def _sync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append(path: Path, text: str, delta: dict[str, Any]) -> None:
    """Add one accepted update's effect and make it durable before the caller answers 2xx."""
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(_line(Entry(text, delta)))
        fh.flush()
        os.fsync(fh.fileno())
    if new:
        _sync_dir(path.parent)


def migrate(path: Path, entries: list[Entry]) -> None:
    """Replace a journal by `entries` (text-only lines now with their deltas), atomically: a
    crash leaves the old journal or the new one, never a mix."""
    staging = path.with_name(path.name + ".migrating")
    with staging.open("w", encoding="utf-8") as fh:
        fh.writelines(_line(e) for e in entries)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(staging, path)
    _sync_dir(path.parent)


def pending(data_dir: Path) -> tuple[Path, int] | None:
    """The journal of the published release and how many updates it holds, if any."""
    release = current_release(data_dir)
    if release is None:
        return None
    path = journal_path(data_dir, release)
    count = len(read_journal(path))
    return (path, count) if count else None


def carry_over(journal: Path, data_dir: Path, release: Release) -> list[str]:
    """Give the new release the updates accepted on the old one (their deltas are applied when
    it is served); returns what the operator must know: each delta that no longer applies
    cleanly to the new release, and updates kept only as text (evaluated again when served)."""
    target = journal_path(data_dir, release)
    target.write_bytes(journal.read_bytes())
    entries = read_journal(target)
    notes: list[str] = []
    if all(e.delta is not None for e in entries):
        for number, problems in deltas.replay(
            release.nquads_path, [e.delta for e in entries if e.delta is not None]
        ):
            notes.append(
                f"update {number} of {len(entries)} ({target}) does not apply cleanly to the new "
                f"release: {'; '.join(problems)}"
            )
    else:
        old = sum(1 for e in entries if e.delta is None)
        notes.append(
            f"{old} of {len(entries)} updates in {target} are journalled as text only (an older "
            "journal): they are evaluated again, once, when the new release is served"
        )
    return notes


def set_aside(journal: Path) -> Path:
    """Keep a discarded journal under another name rather than deleting what was accepted."""
    target = journal.with_name(journal.name + f".discarded-{time.strftime('%Y%m%dT%H%M%S')}")
    journal.rename(target)
    return target
