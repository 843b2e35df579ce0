"""HTML documentation of the ontology, rendered by pyLODE from the merged ontology modules."""

from __future__ import annotations

from pathlib import Path

from graph.build import bind_prefixes, load_ontology
from graph.errors import ZoneGraphError


def render_docs(folder: Path) -> Path:
    """Write index.html for the ontology into `folder` and return its path."""
    try:
        from pylode import OntPub
    except ImportError:
        raise ZoneGraphError("pyLODE is not installed: pip install 'zonegraph[docs]'") from None
    g = load_ontology()
    bind_prefixes(g)
    folder.mkdir(parents=True, exist_ok=True)
    merged = folder / "zonegraph.ttl"
    g.serialize(destination=merged, format="turtle")
    target = folder / "index.html"
    OntPub(ontology=str(merged)).make_html(destination=target)
    return target
