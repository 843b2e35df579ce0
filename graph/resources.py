"""Locate the data folders that ship with ZoneGraph.

In a wheel, ontology/ and shapes/ are copied into graph/_data/ (see pyproject's force-include);
in a checkout or editable install they sit at the repository root. This is the only module
that knows the difference, so the CLI works from any directory either way.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder `name` ("ontology" or "shapes") for this installation."""
    packaged = PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"ZoneGraph data folder {name!r} not found (looked in {packaged})")


def ontology_files() -> list[Path]:
    """The ontology's Turtle files, in a stable order."""
    return sorted(data_dir("ontology").glob("*.ttl"))


def sources_dir() -> Path:
    """The curated fact files and the source documents they quote."""
    return PACKAGE_DIR / "sources"


def reference_dir() -> Path:
    """Reference tables (NBS division codes, GB/T 4754 industries)."""
    return PACKAGE_DIR / "reference"
