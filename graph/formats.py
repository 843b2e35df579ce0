"""Every format ZoneGraph reads or writes, in one table: names, media types, extensions, kinds.

Formats used to be listed in about eleven places (CLI, negotiation, pages, dumps, the worker,
the Service Description) and the copies disagreed: JSON-LD on HTTP but not on the command
line, `ttl` refused although the dumps end in `.ttl`, `text/plain` honoured by /sparql and
not by entity pages. Each consumer now derives its list from the rows below, so a format or
a spelling added here is accepted everywhere at once.

A row says what a format is called (a canonical name, then the spellings clients send:
SPARQLWrapper's `rdf+xml` and `json-ld`, the file extension…), which media types name it
(the canonical one first, then those accepted as meaning the same thing, such as `text/plain`
for N-Triples), its file extension, whether it keeps named graphs, which kinds of result it
can carry, its IRI in the W3C formats registry (for the Service Description) and the rdflib
serialiser name where rdflib writes it (pages and VoID are rdflib graphs). The RDF and SPARQL
results rows are built on pyoxigraph's `RdfFormat` / `QueryResultsFormat`, whose media types,
extensions and IRIs are used as they are, so the table cannot drift from what Oxigraph writes.

Names are unique within a kind, not across kinds: `json` is SPARQL results JSON for a SELECT
and JSON-LD for a CONSTRUCT, `xml` likewise, as Fuseki and SPARQLWrapper use them. This
module imports only pyoxigraph and the standard library: the query worker process reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox

from graph.errors import ZoneGraphError

Kind = Literal["solutions", "boolean", "graph", "network"]
KINDS: tuple[Kind, ...] = ("solutions", "boolean", "graph", "network")
#: The W3C registry of format IRIs (https://www.w3.org/ns/formats/).
W3C_FORMATS = "http://www.w3.org/ns/formats/"


class FormatError(ZoneGraphError):
    """A format name or media type that names no format of the kind asked for."""


@dataclass(frozen=True)
class Format:
    """One row of the table; `names` and `media_types` list the canonical spelling first."""

    name: str
    label: str
    aliases: tuple[str, ...]
    media_types: tuple[str, ...]
    extension: str
    kinds: frozenset[Kind]
    quads: bool = False
    iri: str | None = None
    rdflib: str | None = None
    rdf: ox.RdfFormat | None = field(default=None, compare=False)
    results: ox.QueryResultsFormat | None = field(default=None, compare=False)

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def suffix(self) -> str:
        return "." + self.extension

    def fits(self, kind: Kind) -> bool:
        return kind in self.kinds


def bare(media_type: str) -> str:
    """A media type without parameters, lower-cased: `Text/CSV; charset=utf-8` → `text/csv`."""
    return media_type.split(";", 1)[0].strip().lower()


def _results(name: str, fmt: ox.QueryResultsFormat, aliases: Iterable[str], *media: str) -> Format:
    return Format(
        name=name,
        label=fmt.name,
        aliases=(*aliases, *([fmt.file_extension] if fmt.file_extension != name else [])),
        media_types=(bare(fmt.media_type), *media),
        extension=fmt.file_extension,
        kinds=frozenset({"solutions", "boolean"}),
        iri=fmt.iri,
        results=fmt,
    )


def _rdf(
    name: str,
    fmt: ox.RdfFormat,
    aliases: Iterable[str],
    *media: str,
    rdflib: str | None = None,
    iri: str | None = None,
) -> Format:
    return Format(
        name=name,
        label=fmt.name,
        aliases=(*([fmt.file_extension] if fmt.file_extension != name else []), *aliases),
        media_types=(bare(fmt.media_type), *media),
        extension=fmt.file_extension,
        kinds=frozenset({"graph"}),
        quads=fmt.supports_datasets,
        iri=iri or fmt.iri,
        rdflib=rdflib,
        rdf=fmt,
    )


def _network(name: str, label: str, media_type: str, *aliases: str) -> Format:
    return Format(name, label, aliases, (media_type,), name, frozenset({"network"}))


_R, _Q = ox.RdfFormat, ox.QueryResultsFormat
#: In order of preference: content negotiation gives the first of equally acceptable rows.
FORMATS: tuple[Format, ...] = (
    _results("json", _Q.JSON, (), "application/json"),
    _results("xml", _Q.XML, (), "application/xml", "text/xml"),
    _results("csv", _Q.CSV, ()),
    _results("tsv", _Q.TSV, ()),
    # Turtle is a subset of N3, and Oxigraph's N3 parser reads our Turtle as the same triples
    # (tests/test_formats.py checks it), so a client asking for N3 is given Turtle.
    _rdf(
        "turtle",
        _R.TURTLE,
        ("n3",),
        "application/x-turtle",
        "application/turtle",
        "text/n3",
        rdflib="turtle",
    ),
    _rdf("nt", _R.N_TRIPLES, ("ntriples", "n-triples"), "text/plain", rdflib="nt"),
    # Oxigraph gives JSON-LD an IRI outside the registry (…/ns/formats/data/JSON-LD); the
    # registry's own is used.
    _rdf(
        "jsonld",
        _R.JSON_LD,
        ("json-ld", "json"),
        "application/json",
        rdflib="json-ld",
        iri=W3C_FORMATS + "JSON-LD",
    ),
    _rdf("rdfxml", _R.RDF_XML, ("xml", "rdf+xml"), "application/xml", "text/xml", rdflib="xml"),
    _rdf("nquads", _R.N_QUADS, ("n-quads",), "text/x-nquads"),
    _rdf("trig", _R.TRIG, (), "application/x-trig"),
    _network("graphml", "GraphML", "application/graphml+xml"),
    _network("gexf", "GEXF", "application/gexf+xml"),
    _network("nodes.csv", "Nodes (CSV)", "text/csv", "nodes-csv"),
    _network("edges.csv", "Edges (CSV)", "text/csv", "edges-csv"),
)


def of_kind(*kinds: Kind) -> tuple[Format, ...]:
    """The rows that carry any of `kinds`, in the table's order."""
    return tuple(f for f in FORMATS if f.kinds.intersection(kinds))


def rdflib_graph_formats() -> tuple[Format, ...]:
    """The RDF formats rdflib writes for a plain graph (pages, VoID): not N-Quads or TriG."""
    return tuple(f for f in of_kind("graph") if f.rdflib is not None)


def get(name: str) -> Format:
    """The row with this canonical name (a programming error if there is none)."""
    return next(f for f in FORMATS if f.name == name)


def find(value: str, *kinds: Kind) -> Format | None:
    """The row of one of `kinds` that `value` names: a name, an alias or a media type.

    Case and media type parameters do not matter. With several kinds the first listed wins
    (`json` for ("solutions", "graph") is SPARQL results JSON). Network rows answer to their
    names only: `text/csv` would not say whether nodes or edges are meant.
    """
    key = value.strip().lower()
    media = bare(key)
    for kind in kinds or KINDS:
        for f in FORMATS:
            if not f.fits(kind):
                continue
            if key in f.names or (kind != "network" and media in f.media_types):
                return f
    return None


def known(value: str) -> bool:
    """True when `value` names a format of any kind."""
    return find(value) is not None


def names(*kinds: Kind) -> list[str]:
    """Every name and alias of the rows of `kinds`, canonical names first, without repeats."""
    rows = of_kind(*kinds) if kinds else FORMATS
    ordered = [f.name for f in rows] + [a for f in rows for a in f.aliases]
    return list(dict.fromkeys(ordered))


def require(value: str, *kinds: Kind) -> Format:
    """Like `find`, but an unknown value is a FormatError that lists the canonical names."""
    fmt = find(value, *kinds)
    if fmt is None:
        choices = ", ".join(f.name for f in of_kind(*kinds))
        raise FormatError(f"unknown format {value!r}; choose one of {choices}")
    return fmt


def by_extension(extension: str) -> Format | None:
    """The row whose file extension this is (`ttl`, `.nq`, `nodes.csv`)."""
    ext = extension.lower().removeprefix(".")
    return next((f for f in FORMATS if f.extension == ext), None)


def results_formats() -> dict[str, ox.QueryResultsFormat]:
    """Canonical media type → Oxigraph's writer, for the query worker."""
    return {f.media_type: f.results for f in FORMATS if f.results is not None}


def rdf_formats() -> dict[str, ox.RdfFormat]:
    """Canonical media type → Oxigraph's writer for graph results, for the query worker."""
    return {f.media_type: f.rdf for f in FORMATS if f.rdf is not None}


def kind_of(results: object) -> Kind:
    """The kind of an Oxigraph query result."""
    if isinstance(results, ox.QueryTriples):
        return "graph"
    if isinstance(results, ox.QueryBoolean):
        return "boolean"
    return "solutions"
