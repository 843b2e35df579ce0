"""The focus nodes of a root shape as a SPARQL pattern, so offenders are found in Oxigraph.

A minimum count or sh:hasValue is broken by the focus nodes a query does not find; asking
Oxigraph for every subject that has the property and taking the set difference in Python
built sets of a hundred thousand terms per constraint (8 s of a million-triple validation).
A pattern binding ?this to the focus nodes lets one query return only the offenders. The
set itself is still built, once and only when asked (to keep the rows of a query over all
subjects that belong to the shape's focus nodes, or to prebind a SPARQL constraint).
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from rdflib import RDF, RDFS, URIRef
from rdflib.term import Node

from graph.validate.oxdata import to_ox
from graph.validate.plan import SH, Root

#: Above this many SPARQL-target focus nodes the pattern is not written out as VALUES.
VALUES_MAX = 20_000


class Focus:
    """One root's focus nodes: `pattern` (a group binding ?this, or None when a focus node
    cannot be named in a query) and `members()` (the set, computed on first use)."""

    def __init__(
        self,
        root: Root,
        nodes: Callable[[], set[object]],
        ask: Callable[[str], bool],
        sparql_nodes: set[object] | None = None,
    ) -> None:
        self._nodes, self._ask = nodes, ask
        self._members: set[object] | None = None
        self.pattern = _pattern(root, sparql_nodes)

    def members(self) -> set[object]:
        if self._members is None:
            self._members = self._nodes()
        return self._members

    def __contains__(self, node: object) -> bool:
        return node in self.members()

    def empty(self) -> bool:
        if self._members is not None or self.pattern is None:
            return not self.members()
        return not self._ask(f"ASK {{ {self.pattern} }}")


def _pattern(root: Root, sparql_nodes: set[object] | None) -> str | None:
    """A subquery binding ?this to each focus node once, as graph.validate.shapes_sparql's
    Evaluator finds them (rdf:type of the class or a subclass; subjects or objects of a
    predicate; named nodes; the nodes SPARQL targets selected)."""
    parts: list[str] = []
    for kind, value in root.targets:
        if kind == SH.target:
            continue
        part = _target(kind, value)
        if part is None:
            return None
        parts.append(part)
    if any(kind == SH.target for kind, _ in root.targets):
        if sparql_nodes is None or len(sparql_nodes) > VALUES_MAX:
            return None
        if any(isinstance(n, ox.BlankNode) for n in sparql_nodes):
            return None
        if sparql_nodes:
            parts.append("VALUES ?this { " + " ".join(str(n) for n in sparql_nodes) + " }")
    if not parts:
        return "{ FILTER (false) }"
    union = " UNION ".join(f"{{ {p} }}" for p in parts)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _target(kind: URIRef, value: Node) -> str | None:
    if kind == SH.targetNode:
        term = to_ox(value)
        return None if isinstance(term, ox.BlankNode) else f"VALUES ?this {{ {term} }}"
    if not isinstance(value, URIRef):
        return None
    if kind == SH.targetClass:
        return f"?focusClass <{RDFS.subClassOf}>* <{value}> . ?this <{RDF.type}> ?focusClass"
    if kind == SH.targetSubjectsOf:
        return f"?this <{value}> ?focusValue"
    if kind == SH.targetObjectsOf:
        return f"?focusValue <{value}> ?this"
    return None
