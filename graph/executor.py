"""Embedded backend: queries evaluated by Oxigraph.

FIRST VERSION (in-process, no time limit). To be replaced by a pool of killable worker
processes so that a runaway query can really be stopped (pyoxigraph cannot cancel a query).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .backend import QueryRequest, QueryResponse
from .errors import QueryError
from .query import execute
from .store import current_release, load_store, open_read_only

SOLUTION_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


def to_rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


class EmbeddedBackend:
    """Oxigraph in this process."""

    def __init__(self, store: ox.Store, allow: tuple[str, ...] = ()) -> None:
        self.store = store
        self.allow = allow

    @classmethod
    def open(cls, data_dir: Path, allow: tuple[str, ...] = ()) -> EmbeddedBackend:
        release = current_release(data_dir)
        if release is None:
            from .errors import StoreError

            raise StoreError(f"no published build in {data_dir}: run `zonegraph build` first")
        return cls(open_read_only(release), allow)

    @classmethod
    def from_nquads(cls, data: bytes, allow: tuple[str, ...] = ()) -> EmbeddedBackend:
        return cls(load_store(data), allow)

    def _execute(self, req: QueryRequest) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        return execute(
            self.store,
            req.text,
            allow=self.allow,
            default_graphs=list(req.default_graphs) if req.default_graphs else None,
            named_graphs=list(req.named_graphs) if req.named_graphs else None,
        )

    def run(self, request: QueryRequest) -> QueryResponse:
        results = self._execute(request)
        if isinstance(results, ox.QueryTriples):
            fmt = GRAPH_TYPES.get(request.graph_format)
            if fmt is None:
                raise QueryError(f"unsupported graph format {request.graph_format}")
            return QueryResponse("graph", request.graph_format, bytes(results.serialize(format=fmt)))
        sfmt = SOLUTION_TYPES.get(request.solutions_format)
        if sfmt is None:
            raise QueryError(f"unsupported results format {request.solutions_format}")
        kind = "boolean" if isinstance(results, ox.QueryBoolean) else "solutions"
        return QueryResponse(kind, request.solutions_format, bytes(results.serialize(format=sfmt)))

    def select(self, text: str, timeout: float | None = None) -> list[dict[str, Node]]:
        results = self._execute(QueryRequest(text))
        if not isinstance(results, ox.QuerySolutions):
            raise QueryError("select() needs a SELECT query")
        names = [v.value for v in results.variables]
        return [
            {n: to_rdflib(sol[n]) for n in names if sol[n] is not None} for sol in results
        ]

    def construct(self, text: str, timeout: float | None = None) -> Graph:
        results = self._execute(QueryRequest(text))
        if not isinstance(results, ox.QueryTriples):
            raise QueryError("construct() needs a CONSTRUCT or DESCRIBE query")
        g = Graph()
        for t in results:
            g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return g

    def update(self, text: str, timeout: float | None = None) -> None:
        raise QueryError("the embedded store is read-only")

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def close(self) -> None:
        pass
