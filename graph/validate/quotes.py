"""The quoted sentences behind triples, read from the provenance graph's reified statements.

The curator checks read a figure against the sentence it was quoted from (graph.validate.checks);
this index answers "which sentences state (s, p, o)?" for one predicate at a time.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import RDF, Graph
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from graph.namespaces import OA, ZG


class Quotes:
    """The quoted sentences each (subject, object) of one predicate is derived from, with the
    month their document reports.

    Indexed once from the reified statements of that predicate: asking per figure for every
    statement about its node (ten or so each, most of other predicates) cost half a minute
    over a million generated triples.
    """

    def __init__(self, g: Graph, predicate: Node) -> None:
        self.g = g
        self.statements: dict[tuple[Node, Node], list[Node]] = {}
        for st in g.subjects(RDF.predicate, predicate):
            s, o = g.value(st, RDF.subject), g.value(st, RDF.object)
            if s is not None and o is not None:
                self.statements.setdefault((s, o), []).append(st)
        self.months: dict[Node, str | None] = {}

    def of(self, s: Node, o: Node) -> Iterator[tuple[str, str | None]]:
        g = self.g
        for st in self.statements.get((s, o), ()):
            for evidence in g.objects(st, PROV.wasDerivedFrom):
                exact = g.value(evidence, OA.exact)
                if exact is None:
                    continue
                yield str(exact), self._month(g.value(evidence, ZG.inDocument))

    def _month(self, doc: Node | None) -> str | None:
        """The report month: the first seven characters of the document's xsd:dateTime."""
        if doc is None:
            return None
        if doc not in self.months:
            temporal = self.g.value(doc, DCTERMS.temporal)
            self.months[doc] = str(temporal)[:7] if temporal is not None else None
        return self.months[doc]
