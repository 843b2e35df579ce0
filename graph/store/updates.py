"""Accepted SPARQL updates, kept on disk so that a 2xx is never undone by a restart.

Each accepted update is appended to a journal next to the release it applies to
(`<data dir>/updates/<release>.jsonl`, one JSON line per update) and fsynced before the client
is answered; a backend opening that release replays the journal into its workers, so a restart
or a `kill -9` right after the 2xx keeps the update. A journal belongs to one release: a new
build does not apply it silently — `zonegraph build` refuses while one is pending, and
`--keep-updates` carries it over to the new release (re-applied there when served) or
`--discard-updates` sets it aside.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from graph.errors import StoreError
from graph.store.release import Release, current_release

UPDATES = "updates"


def journal_path(data_dir: Path, release: Release) -> Path:
    return data_dir / UPDATES / f"{release.path.name}.jsonl"


def read_journal(path: Path) -> list[str]:
    """The updates in order; a last line torn by a crash mid-append was never acknowledged
    (the 2xx follows the fsync), so it is left out."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    texts: list[str] = []
    for number, line in enumerate(lines, 1):
        try:
            texts.append(json.loads(line)["update"])
        except (ValueError, KeyError, TypeError):
            if number == len(lines):
                break
            raise StoreError(f"{path}:{number}: not an update journal line") from None
    return texts


def append(path: Path, text: str) -> None:
    """Add one accepted update and make it durable before the caller answers 2xx."""
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"update": text, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    if new:
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def pending(data_dir: Path) -> tuple[Path, int] | None:
    """The journal of the published release and how many updates it holds, if any."""
    release = current_release(data_dir)
    if release is None:
        return None
    path = journal_path(data_dir, release)
    count = len(read_journal(path))
    return (path, count) if count else None


def carry_over(journal: Path, data_dir: Path, release: Release) -> Path:
    """Give the new release the updates accepted on the old one (re-applied when served)."""
    target = journal_path(data_dir, release)
    target.write_bytes(journal.read_bytes())
    return target


def set_aside(journal: Path) -> Path:
    """Keep a discarded journal under another name rather than deleting what was accepted."""
    target = journal.with_name(journal.name + f".discarded-{time.strftime('%Y%m%dT%H%M%S')}")
    journal.rename(target)
    return target
