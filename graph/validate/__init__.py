"""Validate the graph against ZoneGraph's SHACL shapes and report problems curators can act on.

pySHACL's own report names blank-node shapes and full IRIs; curators need the file and line
where the offending node was written, its label, and a message in both languages. This module
runs pySHACL once, reads its results graph and turns each result into a Violation that says
all of that on one line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDFS, SKOS, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from graph import resources
from graph.build import BuildResult, bind_prefixes, build, load_ontology
from graph.build.facts import parse_rdf_file
from graph.errors import ShapesError, SourceError, not_a_file
from graph.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH, REFERENCE_GRAPH
from graph.validate import checks, engine, oxdata
from graph.validate.locate import _Locator
from graph.validate.report import ValidationReport as ValidationReport
from graph.validate.report import Violation as Violation
from graph.validate.report import _sort_key
from graph.validate.shapes_sparql import Result

SH = Namespace("http://www.w3.org/ns/shacl#")
#: Shapes files are chosen by name: "<kind>-*.ttl" plus the shared prefix declarations.
SHAPE_KINDS = ("data", "lint")
PREFIX_FILE = "prefixes.ttl"
SHAPES_NS = Namespace("https://w3id.org/zonegraph/shapes#")
_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
#: The four graphs of a build, merged for validation.
GRAPHS = (ONTOLOGY_GRAPH, DATA_GRAPH, REFERENCE_GRAPH, PROVENANCE_GRAPH)
#: rdflib parser names of the formats Oxigraph reads itself (JSON-LD stays with rdflib).
OXIGRAPH_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "turtle": ox.RdfFormat.TURTLE,
    "xml": ox.RdfFormat.RDF_XML,
}
_IRI_IN_TEXT = re.compile(r"https?://[^\s,;)(<>\"]+")


def load_shapes(kind: str = "data", folder: Path | None = None) -> Graph:
    """The shapes of one kind ("data" or "lint") with the shared prefix declarations."""
    if kind not in SHAPE_KINDS:
        expected = ", ".join(SHAPE_KINDS)
        raise ShapesError(f"unknown kind of shapes {kind!r} (expected one of {expected})")
    base = folder if folder is not None else resources.data_dir("shapes")
    files = sorted(base.glob(f"{kind}-*.ttl"))
    if not files:
        raise ShapesError(f"no {kind}-*.ttl shapes files in {base}")
    prefixes = base / PREFIX_FILE
    g = Graph()
    bind_prefixes(g)
    g.bind("zgsh", SHAPES_NS)
    for path in ([prefixes] if prefixes.is_file() else []) + files:
        try:
            ds = parse_rdf_file(path, "turtle")
        except SourceError as exc:
            raise ShapesError(f"broken shapes file {exc}") from None
        for t in ds.triples((None, None, None)):
            g.add(t)
    return g


def validate_build(result: BuildResult) -> ValidationReport:
    """Validate the whole built dataset (all four graphs together): shapes and curator checks."""
    locator = _Locator(result.compiled.locations)
    store = oxdata.store_from_triples(
        t for name in GRAPHS for t in result.dataset.graph(name).triples((None, None, None))
    )
    return _run(store, oxdata.rdflib_view(store), load_shapes("data"), locator, True)


def validate_nquads(data: bytes) -> ValidationReport:
    """Validate a ready N-Quads dataset (`zonegraph build --nquads`) where it is loaded: in
    Oxigraph, with no rdflib copy of the data and no curated locations to report."""
    store = oxdata.store_from_nquads(data)
    return _run(store, oxdata.rdflib_view(store), load_shapes("data"), _Locator({}), True)


def validate_extra(paths: list[Path]) -> ValidationReport:
    """Validate the shipped graph plus curator files: TriG fact files or plain Turtle.

    TriG files go through the compiler, so their facts carry provenance; Turtle triples are
    added as they are, so any fact in them is reported as lacking provenance.
    """
    trig, turtle = [], []
    for path in paths:
        suffix = path.suffix.lower()
        if suffix == ".trig":
            trig.append(path)
        elif suffix == ".ttl":
            turtle.append(path)
        else:
            raise SourceError(str(path), "unsupported file type (expected .trig or .ttl)")
    for path in trig:
        if not path.is_file():
            raise SourceError(str(path), not_a_file(path))
    parsed = [(path, parse_rdf_file(path, "turtle")) for path in turtle]  # fail fast on syntax
    result = build(extra=trig)
    union = result.union()
    texts: dict[Path, tuple[str, dict[str, str]]] = {}
    for path, ds in parsed:
        for t in ds.triples((None, None, None)):
            union.add(t)
        bindings = {p: str(ns) for p, ns in ds.namespace_manager.namespaces()}
        texts[path] = (path.read_text(encoding="utf-8"), bindings)
    locator = _Locator(result.compiled.locations, texts)
    return _validate(union, load_shapes("data"), locator, curator_checks=True)


#: File extensions of the RDF formats `zonegraph export` writes, with rdflib's parser names.
DATASET_PARSERS = {
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".nt": "nt",
    ".ttl": "turtle",
    ".rdf": "xml",
}


def validate_dataset(path: Path) -> ValidationReport:
    """Validate a complete dataset file on its own (a dump, a download), not with the build.

    Every named graph of a quad format is merged, as the service merges them for its default
    graph; a triple format is that union already. Locations come from the provenance the dump
    carries (zg:curatedIn), so violations still name the curated file and line.
    """
    parser = DATASET_PARSERS.get(path.suffix.lower())
    if parser is None:
        expected = ", ".join(DATASET_PARSERS)
        raise SourceError(str(path), f"unsupported dataset format (expected one of {expected})")
    if not path.is_file():
        raise SourceError(str(path), "no such file")
    if parser in OXIGRAPH_FORMATS:
        try:
            store = oxdata.store_from_file(path, OXIGRAPH_FORMATS[parser])
        except SyntaxError as exc:
            raise SourceError(
                str(path), f"syntax error: {' '.join(str(exc).split())[:300]}"
            ) from None
        if not len(store):
            raise SourceError(str(path), "the dataset is empty")
        view = oxdata.rdflib_view(store)
        return _run(store, view, load_shapes("data"), _Locator({}), True)
    ds = Dataset()
    try:
        ds.parse(path, format=parser)
    except Exception as exc:  # rdflib raises many unrelated types for bad syntax
        raise SourceError(str(path), f"syntax error: {' '.join(str(exc).split())[:300]}") from None
    union = Graph()
    bind_prefixes(union)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    if not len(union):
        raise SourceError(str(path), "the dataset is empty")
    return _validate(union, load_shapes("data"), _Locator({}), curator_checks=True)


def lint_ontology(ontology: Graph | None = None) -> ValidationReport:
    """Check that every zg: term is labelled in zh and en and defined (the lint shapes)."""
    g = Graph()
    bind_prefixes(g)
    for t in ontology if ontology is not None else load_ontology():
        g.add(t)
    return _validate(g, load_shapes("lint"), _Locator({}))


def _validate(
    data: Graph, shapes: Graph, locator: _Locator, curator_checks: bool = False
) -> ValidationReport:
    """Validate an rdflib graph: copied once into Oxigraph, where most shapes run."""
    store = oxdata.store_from_triples(data.triples((None, None, None)))
    return _run(store, data, shapes, locator, curator_checks)


def _run(
    store: ox.Store, data: Graph, shapes: Graph, locator: _Locator, curator_checks: bool
) -> ValidationReport:
    """The shapes over the store and the curator checks over `data` (the same triples)."""
    results = engine.run(store, shapes)
    violations = [_violation(r, shapes, data, locator) for r in results]
    findings = checks.run(data) if curator_checks else []
    violations += [_finding(f, data, shapes, locator) for f in findings]
    violations.sort(key=_sort_key)
    conforms = engine.conforms(results) and not findings
    return ValidationReport(conforms=conforms, violations=tuple(violations))


def _finding(f: checks.Finding, data: Graph, shapes: Graph, locator: _Locator) -> Violation:
    """A curator check's finding as a violation, located and named like a SHACL result."""
    return Violation(
        focus=f.focus,
        focus_label=_label(f.focus, data),
        path=_name(f.path, data, shapes) if f.path is not None else None,
        value=_name(f.value, data, shapes) if f.value is not None else None,
        message=f.message,
        severity="Violation",
        shape=f"zgcheck:{f.check}",
        location=locator.find(f.focus, data),
        focus_name=_name(f.focus, data, shapes),
    )


def _violation(r: Result, shapes: Graph, data: Graph, locator: _Locator) -> Violation:
    return Violation(
        focus=r.focus,
        focus_label=_label(r.focus, data),
        path=_name(r.path, data, shapes) if r.path is not None else None,
        value=_name(r.value, data, shapes) if r.value is not None else None,
        message=_tidy(_message(list(r.messages)), data),
        severity=_SEVERITIES.get(r.severity, "Violation"),
        shape=_shape_name(r.shape, shapes, data),
        location=locator.find(r.focus, data),
        focus_name=_name(r.focus, data, shapes),
    )


def _message(messages: list[Literal]) -> str:
    """Prefer our bilingual "中文 / English" message; else join what pySHACL produced."""
    texts = [str(m) for m in messages]
    for text in texts:
        if " / " in text:
            return text
    zh = [str(m) for m in messages if (m.language or "").startswith("zh")]
    en = [str(m) for m in messages if (m.language or "").startswith("en")]
    if zh and en:
        return f"{zh[0]} / {en[0]}"
    return texts[0] if texts else "不符合形状 / does not conform to the shape"


def _tidy(message: str, g: Graph) -> str:
    """Shorten full IRIs that pySHACL substituted into a message to prefixed names."""
    return _IRI_IN_TEXT.sub(lambda m: _qname(URIRef(m.group(0)), g), message)


def _qname(iri: URIRef, g: Graph) -> str:
    try:
        return g.namespace_manager.normalizeUri(iri).strip("<>")
    except Exception:  # rdflib refuses some IRIs (odd characters): keep them whole
        return str(iri)


def _name(node: Node, data: Graph, shapes: Graph) -> str:
    if isinstance(node, URIRef):
        return _qname(node, data)
    if isinstance(node, Literal):
        return node.n3(data.namespace_manager)
    if isinstance(node, BNode):
        return _path_text(node, shapes, data)
    return str(node)


def _path_text(node: Node, shapes: Graph, data: Graph) -> str:
    """SHACL property paths (inverse, alternative) as SPARQL-like text; other bnodes as _:x."""
    inverse = shapes.value(node, SH.inversePath)
    if inverse is not None:
        return f"^{_name(inverse, data, shapes)}"
    alternative = shapes.value(node, SH.alternativePath)
    if alternative is not None:
        items = list(shapes.items(alternative))
        return "|".join(_name(i, data, shapes) for i in items)
    return f"_:{node}"


def _label(node: Node, g: Graph) -> str | None:
    labels = [*g.objects(node, RDFS.label), *g.objects(node, SKOS.prefLabel)]
    literals = [x for x in labels if isinstance(x, Literal)]
    for lang in ("zh", "en"):
        for lit in literals:
            if (lit.language or "").split("-")[0] == lang:
                return str(lit)
    return str(literals[0]) if literals else None


def _shape_name(shape: Node | None, shapes: Graph, data: Graph) -> str:
    """A shape's prefixed name; a blank-node property shape is named after its parent."""
    if shape is None:
        return "?"
    if isinstance(shape, URIRef):
        return _qname(shape, shapes)
    name = shapes.value(shape, SH.name)
    parent = shapes.value(None, SH.property, shape)
    if parent is None:
        parent = shapes.value(None, SH.sparql, shape)
    base = _shape_name(parent, shapes, data) if parent is not None else "_"
    return f"{base} › {name}" if name is not None else base
