"""Which data each view shows: the dumps are the published release, everything else is live.

/sparql, the entity pages, search, the analyses and the home page's counts answer from the
backend, which holds the release plus every accepted update (their caches are dropped after
each update). The dumps are files made once per release, and VoID describes them, so they
never hold the updates. `status()` says this in one place, in both languages, for the home
page, /dumps, /dataset and their JSON twins.
"""

from __future__ import annotations

from typing import Any

from graph.store.release import Release
from service.state import get_backend


def updates_since() -> int | None:
    """How many accepted updates the live data holds beyond the release (None when the
    backend cannot tell, e.g. a remote engine that takes updates directly)."""
    counter = getattr(get_backend(), "updates_applied", None)
    return int(counter()) if callable(counter) else None


def _built(release: Release | None) -> str | None:
    if release is None:
        return None
    try:
        built = release.meta.get("built")
    except (OSError, ValueError):
        return None
    return str(built) if built else release.path.name


def status(release: Release | None) -> dict[str, Any]:
    """The release the dumps are of (`get_dumps().release`; None for a memory store), the
    updates since, and a sentence saying so (zh, en)."""
    built = _built(release)
    count = updates_since()
    of_zh = f"{built} 发布的版本" if built else "启动时由源数据编译的版本"
    of_en = f"the release of {built}" if built else "the release compiled from the sources at start"
    if not count:
        zh = f"数据下载为{of_zh}；此后没有更新。"
        en = f"The downloads are {of_en}; no updates since."
    else:
        zh = (
            f"数据下载为{of_zh}；此后已接受 {count} 个更新，未包含在下载中"
            "（SPARQL 查询、页面、搜索与分析已包含）。"
        )
        en = (
            f"The downloads are {of_en}; {count} updates since, not in the dumps "
            "(SPARQL, the pages, search and the analyses include them)."
        )
    return {
        "built": built,
        "updates_since": count,
        "note_zh": zh,
        "note_en": en,
    }
