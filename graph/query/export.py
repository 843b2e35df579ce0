"""Complete dumps of the dataset in the usual RDF formats, written atomically.

Quad formats (N-Quads, TriG, JSON-LD) keep the four named graphs; triple formats (Turtle,
N-Triples, RDF/XML) carry the union, since they cannot name graphs. Oxigraph serialises:
it is an order of magnitude faster than rdflib's serialisers and streams large stores.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from graph import formats
from graph.errors import ZoneGraphError
from graph.formats import Format
from graph.namespaces import PREFIXES
from graph.query import as_bytes
from graph.store.release import merged_store

#: Every RDF format of the table is a dump format (dumps/zonegraph.<extension>).
FORMATS: tuple[Format, ...] = formats.of_kind("graph")


def get_format(name: str | Format) -> Format:
    """The RDF format a name, alias or media type names; a FormatError lists the choices."""
    return name if isinstance(name, Format) else formats.require(name, "graph")


def dump(
    store: ox.Store, fmt: str | Format, graph: str | None = None, union: ox.Store | None = None
) -> bytes:
    """Serialise the store (or one named graph of it) in format `fmt`; `union`, the store's
    graphs merged when the caller already has them (dump_all merges once for three formats)."""
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
    if union is None:
        union = merged_store(store.quads_for_pattern(None, None, None))
    return as_bytes(union.dump(format=rdf, from_graph=ox.DefaultGraph(), prefixes=prefixes))


DUMP_NAME = "zonegraph"
DUMPS_META = "dumps.json"


def dump_filename(fmt: Format) -> str:
    """A dump's file name: `zonegraph.` and the format's extension from the table."""
    return DUMP_NAME + fmt.suffix


def dump_all(store: ox.Store) -> tuple[dict[str, bytes], dict[str, dict[str, Any]]]:
    """Every dump of the store, by file name, and what each holds (for dumps.json and VoID)."""
    quads = len(store)
    union = merged_store(store.quads_for_pattern(None, None, None))
    blobs = {dump_filename(spec): dump(store, spec, union=union) for spec in FORMATS}
    # N-Triples holds one triple per line (newlines in literals are escaped), and the union
    # it carries has no duplicates: its line count is the number of triples.
    triples = blobs[dump_filename(formats.get("nt"))].count(b"\n")
    infos = {
        spec.name: {
            "format": spec.name,
            "filename": dump_filename(spec),
            "media_type": spec.media_type,
            "size": len(blobs[dump_filename(spec)]),
            "triples": quads if spec.quads else triples,
            "quads": spec.quads,
        }
        for spec in FORMATS
    }
    return blobs, infos


def write_dumps(store: ox.Store, directory: Path) -> dict[str, dict[str, Any]]:
    """Write every dump and dumps.json into `directory` (the build does this in the staged
    release, so the first page after a build serves files instead of making them)."""
    directory.mkdir(parents=True, exist_ok=True)
    blobs, infos = dump_all(store)
    for name, data in blobs.items():
        write_atomic(directory / name, data)
    write_atomic(directory / DUMPS_META, json.dumps(infos, indent=2).encode("utf-8"))
    return infos


#: rdflib format names (as pages and clients name them) that Oxigraph writes.
_DESCRIPTION_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "json-ld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


def serialize_description(graph: Graph, rdflib_format: str) -> bytes:
    """A small graph (an entity's description) as `rdflib_format`, the same graph in every
    format and on every call.

    rdflib's Turtle and JSON-LD serialisers abbreviate RDF lists, and write a list that two
    subjects point to (a grouping's member list, also the object of its reified statement)
    once per reference, or not at all, depending on set order: the pages gained or lost
    triples from one fetch to the next. Oxigraph writes every triple exactly once; sorting by
    subject first keeps one JSON-LD node object per subject. Other formats go to rdflib.
    """
    target = _DESCRIPTION_FORMATS.get(rdflib_format)
    if target is None:
        return graph.serialize(format=rdflib_format, encoding="utf-8")
    nt = graph.serialize(format="nt", encoding="utf-8")
    triples = sorted(
        ox.parse(nt, format=ox.RdfFormat.N_TRIPLES),
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    keep = PREFIXES if target in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return as_bytes(ox.serialize(triples, format=target, prefixes=keep))


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` so that `path` holds either its old content or all of the new, never a part.

    The file gets the permissions any new file would (0644 under the usual umask), not the
    0600 of the temporary file it is written as; a failure names the path (a full disk, a
    directory where a file should go) and leaves nothing behind.
    """
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise ZoneGraphError(f"{path}: directory {directory} does not exist")
    if path.is_dir():
        raise ZoneGraphError(f"{path}: is a directory, not a file")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise ZoneGraphError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process umask: from /proc on Linux (reading it with os.umask means setting it, which
    would race with threads creating files), else by setting it and straight back."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
