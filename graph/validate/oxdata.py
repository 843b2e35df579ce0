"""The data to validate, held once in an Oxigraph store rather than parsed again into rdflib.

Validation merges every named graph (the service merges them the same way for its default
graph), so the store keeps one default graph holding the union of the quads. Curator checks,
the locator and labels read it through oxrdflib's rdflib view of the same store, so nothing is
copied; the few shapes pySHACL still evaluates get an rdflib graph of only the predicates they
can reach (see graph.validate.plan).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from graph.build import bind_prefixes
from graph.store.release import merged_store

_XSD_STRING = str(XSD.string)
_DEFAULT = ox.DefaultGraph()


def store_from_nquads(data: bytes) -> ox.Store:
    """An in-memory store whose default graph is the union of the N-Quads' graphs."""
    return merged_store(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def store_from_file(path: Path, fmt: ox.RdfFormat) -> ox.Store:
    """An in-memory store of a dataset file, its graphs merged; SyntaxError names the line."""
    return merged_store(ox.parse(path=str(path), format=fmt))


def store_from_triples(triples: Iterable[tuple[Node, Node, Node]]) -> ox.Store:
    """An in-memory store holding rdflib triples (a build's graphs, a test's small graph)."""
    store = ox.Store()
    store.bulk_extend(
        ox.Quad(to_ox(s), to_ox(p), to_ox(o), _DEFAULT)  # type: ignore[arg-type]
        for s, p, o in triples
    )
    return store


def rdflib_view(store: ox.Store) -> Graph:
    """The store's default graph as an rdflib Graph: lookups go to Oxigraph, nothing is copied."""
    g = Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)
    bind_prefixes(g)
    return g


def subgraph(store: ox.Store, predicates: Iterable[URIRef]) -> Graph:
    """An rdflib Graph of the store's triples whose predicate is one of `predicates`."""
    g = Graph()
    bind_prefixes(g)
    add = g.add
    for p in predicates:
        pred = URIRef(p)
        for q in store.quads_for_pattern(None, ox.NamedNode(str(p)), None, _DEFAULT):
            add((from_ox(q.subject), pred, from_ox(q.object)))
    return g


def whole(store: ox.Store) -> Graph:
    """Every triple of the store in an rdflib Graph (for shapes whose reach cannot be bounded)."""
    g = Graph()
    bind_prefixes(g)
    for q in store.quads_for_pattern(None, None, None, _DEFAULT):
        g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return g


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term: object) -> Node:
    """An Oxigraph term as rdflib parses it from text: simple literals carry no datatype."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"not an RDF term: {term!r}")
