"""Compile curated fact files (TriG) into data triples with per-fact provenance.

Curators write one TriG file per section of a source document. Each named graph is one piece
of evidence, and every triple in it (other than those describing the evidence) is a fact that
the evidence supports:

- `quote:…` graphs state a quote with `oa:exact` (a verbatim substring of the document). Only a
  sentence that itself states a triple may carry it: keeping the sentence next to the facts it
  yields is what makes the graph reviewable.
- `curator:…` graphs hold what the curators know or infer but no sentence states (an industry's
  definition, a GB/T mapping, the district a zone lies in). The graph's name describes itself
  with `zg:rationale` (zh and en) and one `zg:basis`, and with `prov:wasDerivedFrom` the quotes
  an inference is drawn from; it compiles into a zg:CuratorAssertion attributed to the curators.

The compiler verifies that every quote really occurs in the document, that every curator
assertion says why and on what basis, and records offsets, line numbers and the curated file
and line of every statement.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from graph.errors import SourceError, not_a_file
from graph.namespaces import BASE, ID, OA, SDMX_DIM, ZG

QUOTE_NS = str(ID) + "quote/"
ASSERTION_NS = str(ID) + "assertion/"
STATEMENT_NS = str(ID) + "statement/"
CURATORS = URIRef(str(ID) + "agent/curators")
BASIS_INFERENCE = URIRef(BASE + "concept/basis/inference")
#: What a curator graph may say about itself; anything else about its name is a mistake.
_ASSERTION_PREDICATES = frozenset({ZG.rationale, ZG.basis, PROV.wasDerivedFrom, RDFS.comment})
CONTEXT_CHARS = 12


@dataclass(frozen=True)
class Document:
    """A source document: its IRI and its full text, read once."""

    iri: URIRef
    path: Path
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


@dataclass
class Compiled:
    """What the compiler produces from the fact files."""

    data: Graph = field(default_factory=Graph)
    provenance: Graph = field(default_factory=Graph)
    #: node → "file:line" of the quote graph where it first appears as a subject.
    locations: dict[Node, str] = field(default_factory=dict)
    quote_count: int = 0
    assertion_count: int = 0
    files: list[Path] = field(default_factory=list)


def statement_iri(s: Node, p: Node, o: Node) -> URIRef:
    """A stable IRI for the reification of one triple (same triple, same IRI, every build)."""
    key = f"{s.n3()} {p.n3()} {o.n3()}".encode()
    return URIRef(STATEMENT_NS + hashlib.sha1(key).hexdigest()[:16])


def _graph_lines(text: str) -> dict[str, int]:
    """Map each evidence graph's prefixed name to the line of the file where its block opens."""
    lines: dict[str, int] = {}
    for match in re.finditer(r"^[ \t]*((?:quote|curator):[\w\-.]+)\s*\{", text, re.MULTILINE):
        lines.setdefault(match.group(1), text.count("\n", 0, match.start()) + 1)
    return lines


def parse_rdf_file(path: Path, fmt: str) -> Dataset:
    """Parse a Turtle/TriG file, turning any parser failure into a SourceError with its line."""
    ds = Dataset()
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        raise SourceError(str(path), not_a_file(path)) from None
    except UnicodeDecodeError as exc:
        raise SourceError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        ds.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many unrelated types for bad syntax
        line, message = _syntax_error_line(exc)
        raise SourceError(str(path), message, line) from None
    return ds


def _syntax_error_line(exc: Exception) -> tuple[int | None, str]:
    lines = getattr(exc, "lines", None)
    msg = getattr(exc, "_why", None) or str(exc)
    msg = " ".join(str(msg).split())
    if isinstance(lines, int):
        return lines + 1, f"syntax error: {msg}"
    match = re.search(r"line (\d+)", str(exc))
    return (int(match.group(1)) if match else None), f"syntax error: {msg}"


def compile_fact_files(
    files: list[Path], documents: dict[URIRef, Document], root: Path
) -> Compiled:
    """Compile TriG fact files; `root` makes the recorded file names relative and readable."""
    out = Compiled()
    default_doc = next(iter(documents.values())) if len(documents) == 1 else None
    for path in files:
        out.files.append(path)
        _compile_one(path, documents, default_doc, root, out)
    _add_figure_of(out)
    return out


def _add_figure_of(out: Compiled) -> None:
    """Every figure gets zg:figureOf beside its refArea or subjectOf, with the same provenance.

    Analysts then ask one property for what a figure is about, place or not, and the added
    triple cites exactly the evidence of the triple it restates.
    """
    prov = out.provenance
    for s, p, o in list(out.data.triples((None, None, None))):
        if p not in (SDMX_DIM.refArea, ZG.subjectOf) or isinstance(s, BNode):
            continue
        out.data.add((s, ZG.figureOf, o))
        source = statement_iri(s, p, o)
        st = statement_iri(s, ZG.figureOf, o)
        prov.add((st, RDF.type, RDF.Statement))
        prov.add((st, RDF.subject, s))
        prov.add((st, RDF.predicate, ZG.figureOf))
        prov.add((st, RDF.object, o))
        for predicate in (PROV.wasDerivedFrom, ZG.curatedIn):
            for value in prov.objects(source, predicate):
                prov.add((st, predicate, value))


def _compile_one(
    path: Path,
    documents: dict[URIRef, Document],
    default_doc: Document | None,
    root: Path,
    out: Compiled,
) -> None:
    ds = parse_rdf_file(path, "trig")
    text = path.read_text(encoding="utf-8")
    block_lines = _graph_lines(text)
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    stray = [t for t in ds.graph(ds.default_graph.identifier) if t]
    if stray:
        s, p, _ = stray[0]
        raise SourceError(rel, f"triple outside any quote: or curator: graph: {s.n3()} {p.n3()} …")
    graphs = [g for g in ds.graphs() if g.identifier != ds.default_graph.identifier and len(g)]
    if not graphs:
        raise SourceError(
            rel,
            "holds no facts (no quote graph with triples): an emptied fact file would drop "
            "its facts without a word; delete the file to drop them on purpose",
        )
    for g in sorted(graphs, key=lambda g: block_lines.get(_local(g.identifier), 0)):
        name = g.identifier
        local = _local(name)
        line = block_lines.get(local)
        where = f"{rel}:{line}" if line else rel
        if isinstance(name, URIRef) and str(name).startswith(QUOTE_NS):
            _compile_quote(g, name, local, documents, default_doc, rel, line, out)
        elif isinstance(name, URIRef) and str(name).startswith(ASSERTION_NS):
            _compile_assertion(g, name, local, rel, line, out)
        else:
            raise SourceError(
                rel, f"graph {name.n3()} is named neither quote:… nor curator:…", line
            )
        _add_facts(g, name, where, out)


def _compile_quote(
    g: Graph,
    qname: URIRef,
    local: str,
    documents: dict[URIRef, Document],
    default_doc: Document | None,
    rel: str,
    line: int | None,
    out: Compiled,
) -> None:
    exacts = list(g.objects(qname, OA.exact))
    if len(exacts) != 1:
        raise SourceError(rel, f"{local} needs exactly one oa:exact (has {len(exacts)})", line)
    exact = str(exacts[0])
    doc_iri = g.value(qname, ZG.inDocument)
    doc = documents.get(doc_iri) if isinstance(doc_iri, URIRef) else default_doc
    if doc is None:
        raise SourceError(rel, f"{local}: unknown or missing zg:inDocument", line)
    start = doc.text.find(exact)
    if start < 0:
        raise SourceError(rel, f"{local}: oa:exact does not occur in {doc.path.name}", line)
    if (qname, RDF.type, ZG.SourceQuote) in out.provenance:
        raise SourceError(rel, f"{local} is defined twice", line)
    _add_quote(out.provenance, qname, exact, doc, start, start + len(exact))
    out.quote_count += 1


def _compile_assertion(
    g: Graph, name: URIRef, local: str, rel: str, line: int | None, out: Compiled
) -> None:
    """A curator graph's self-description becomes a zg:CuratorAssertion in the provenance."""
    prov = out.provenance
    if (name, RDF.type, ZG.CuratorAssertion) in prov:
        raise SourceError(rel, f"{local} is defined twice", line)
    about = [(p, o) for p, o in g.predicate_objects(name)]
    names = g.namespace_manager
    stray = sorted({names.normalizeUri(str(p)) for p, _ in about if p not in _ASSERTION_PREDICATES})
    if stray:
        raise SourceError(
            rel,
            f"{local} says {', '.join(stray)} of itself (only zg:rationale, zg:basis, "
            "prov:wasDerivedFrom, rdfs:comment)",
            line,
        )
    langs = {
        (o.language or "").split("-")[0]
        for p, o in about
        if p == ZG.rationale and isinstance(o, Literal)
    }
    missing = [lang for lang in ("zh", "en") if lang not in langs]
    if missing:
        raise SourceError(
            rel,
            f"{local} needs a zg:rationale in {' and '.join(missing)} (why curators assert it)",
            line,
        )
    bases = [o for p, o in about if p == ZG.basis]
    if len(bases) != 1:
        raise SourceError(
            rel,
            f"{local} needs exactly one zg:basis (basis:definition, basis:inference, "
            f"basis:reference-mapping or basis:general-knowledge; has {len(bases)})",
            line,
        )
    if bases[0] == BASIS_INFERENCE and not any(p == PROV.wasDerivedFrom for p, _ in about):
        raise SourceError(
            rel,
            f"{local} is an inference but names nothing it is drawn from (prov:wasDerivedFrom)",
            line,
        )
    prov.add((name, RDF.type, ZG.CuratorAssertion))
    prov.add((name, PROV.wasAttributedTo, CURATORS))
    for p, o in about:
        prov.add((name, p, o))
    out.assertion_count += 1


def _add_facts(g: Graph, evidence: URIRef, where: str, out: Compiled) -> None:
    for s, p, o in g:
        if s == evidence:
            continue
        out.data.add((s, p, o))
        if isinstance(s, BNode):
            continue  # list cells and structured values: covered by the triple that holds them
        out.locations.setdefault(s, where)
        st = statement_iri(s, p, o)
        prov = out.provenance
        if (st, RDF.type, RDF.Statement) not in prov:
            prov.add((st, RDF.type, RDF.Statement))
            prov.add((st, RDF.subject, s))
            prov.add((st, RDF.predicate, p))
            prov.add((st, RDF.object, o))
        prov.add((st, PROV.wasDerivedFrom, evidence))
        prov.add((st, ZG.curatedIn, Literal(where)))


def _add_quote(prov: Graph, q: URIRef, exact: str, doc: Document, start: int, end: int) -> None:
    prov.add((q, RDF.type, ZG.SourceQuote))
    prov.add((q, OA.exact, Literal(exact)))
    prov.add((q, OA.prefix, Literal(doc.text[max(0, start - CONTEXT_CHARS) : start])))
    prov.add((q, OA.suffix, Literal(doc.text[end : end + CONTEXT_CHARS])))
    prov.add((q, ZG.startOffset, Literal(start, datatype=XSD.integer)))
    prov.add((q, ZG.endOffset, Literal(end, datatype=XSD.integer)))
    prov.add((q, ZG.lineNumber, Literal(doc.line_of(start), datatype=XSD.integer)))
    prov.add((q, ZG.inDocument, doc.iri))


def _local(iri: Node) -> str:
    """The evidence graph's prefixed name as curators write it (quote:gz-01, curator:gz-periods)."""
    text = str(iri)
    for prefix, ns in (("quote", QUOTE_NS), ("curator", ASSERTION_NS)):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return text
