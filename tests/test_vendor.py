"""The committed browser assets are the ones package-lock.json pins (no npm needed to check)."""

from __future__ import annotations

import json
from pathlib import Path

from tools.vendor_assets import FILES, check, locked_packages

STATIC = Path(__file__).resolve().parent.parent / "service" / "static"


def test_committed_assets_match_the_lockfile() -> None:
    assert check(STATIC) == []


def test_manifest_names_the_locked_versions_and_licences() -> None:
    manifest = json.loads((STATIC / "vendor" / "MANIFEST.json").read_text(encoding="utf-8"))
    locked = locked_packages(STATIC)
    declared = json.loads((STATIC / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for target, (package, _) in FILES.items():
        version = manifest["files"][target]["version"]
        assert version == declared[package] == locked[package]["version"]
    # cytoscape states its own version inside the minified file
    text = (STATIC / "vendor" / "cytoscape" / "cytoscape.min.js").read_text(encoding="utf-8")
    assert f'version="{locked["cytoscape"]["version"]}"' in text
    notices = (STATIC / "vendor" / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    for name, entry in locked.items():
        assert f"{name} {entry['version']} ({entry['license']})" in notices
