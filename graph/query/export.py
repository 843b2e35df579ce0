"""Complete dumps of the dataset in the usual RDF formats, written atomically.

Quad formats (N-Quads, TriG, JSON-LD) keep the four named graphs; triple formats (Turtle,
N-Triples, RDF/XML) carry the union, since they cannot name graphs. Oxigraph serialises:
it is an order of magnitude faster than rdflib's serialisers and streams large stores.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyoxigraph as ox

from graph import formats
from graph.errors import ZoneGraphError
from graph.formats import Format
from graph.namespaces import PREFIXES
from graph.query import as_bytes

#: Every RDF format of the table is a dump format (dumps/zonegraph.<extension>).
FORMATS: tuple[Format, ...] = formats.of_kind("graph")


def get_format(name: str | Format) -> Format:
    """The RDF format a name, alias or media type names; a FormatError lists the choices."""
    return name if isinstance(name, Format) else formats.require(name, "graph")


def dump(store: ox.Store, fmt: str | Format, graph: str | None = None) -> bytes:
    """Serialise the store (or one named graph of it) in format `fmt`."""
    spec = get_format(fmt)
    rdf = spec.rdf
    assert rdf is not None
    prefixes = PREFIXES if rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    if graph is not None:
        node = ox.NamedNode(graph)
        if not store.contains_named_graph(node):
            raise ZoneGraphError(f"no named graph <{graph}> in the store")
        if spec.quads:
            source = ox.Store()
            source.extend(store.quads_for_pattern(None, None, None, node))
            return as_bytes(source.dump(format=rdf, prefixes=prefixes))
        return as_bytes(store.dump(format=rdf, from_graph=node, prefixes=prefixes))
    if spec.quads:
        return as_bytes(store.dump(format=rdf, prefixes=prefixes))
    union = ox.Store()
    union.extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        for q in store.quads_for_pattern(None, None, None)
    )
    return as_bytes(union.dump(format=rdf, from_graph=ox.DefaultGraph(), prefixes=prefixes))


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` so that `path` holds either its old content or all of the new, never a part."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise ZoneGraphError(f"{path}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
