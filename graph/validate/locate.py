"""Where a focus node was curated: the file and line a validation result points a curator to.

Compiled fact files record where each node first appears; plain Turtle files are searched for
the line where a statement about the node starts; provenance nodes are located through the
statements that cite them.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from graph.namespaces import ZG


class _Locator:
    """Finds where a focus node was curated: compiled locations, provenance, or Turtle text."""

    def __init__(
        self,
        locations: dict[Node, str],
        texts: dict[Path, tuple[str, dict[str, str]]] | None = None,
    ) -> None:
        self.locations = locations
        self.texts = texts or {}

    def find(self, node: Node, data: Graph) -> str | None:
        found = self.locations.get(node)
        if found:
            return found
        for path, (text, bindings) in self.texts.items():
            line = _statement_line(node, text, bindings)
            if line:
                return f"{path}:{line}"
        # provenance nodes: a statement records its file; a quote is where its statements are
        direct = data.value(node, ZG.curatedIn)
        if direct is not None:
            return str(direct)
        # an entity of a dump: where its first statement was curated
        curated = sorted(
            str(where)
            for st in data.subjects(RDF.subject, node)
            for where in data.objects(st, ZG.curatedIn)
        )
        if curated:
            return curated[0]
        for st in data.subjects(PROV.wasDerivedFrom, node):
            where = data.value(st, ZG.curatedIn)
            if where is not None:
                return str(where).rsplit(":", 1)[0] if ":" in str(where) else str(where)
        return None


def _statement_line(node: Node, text: str, bindings: dict[str, str]) -> int | None:
    """The first line of `text` where a statement starts with `node` (prefixed name or IRI)."""
    if not isinstance(node, URIRef):
        return None
    iri = str(node)
    names = [re.escape(f"<{iri}>")]
    for prefix, ns in bindings.items():
        if ns and iri.startswith(ns) and re.fullmatch(r"[\w\-.]*", iri[len(ns) :]):
            names.append(re.escape(f"{prefix}:{iri[len(ns) :]}"))
    pattern = re.compile(rf"^[ \t]*(?:{'|'.join(names)})(?=[\s;,.])", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None
