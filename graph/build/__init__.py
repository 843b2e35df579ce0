"""Assemble the ZoneGraph dataset: ontology, curated data, reference data and provenance.

Pure functions from paths to an rdflib Dataset. Four named graphs keep the layers apart so a
user can query facts without provenance, or ask where any fact came from; the service queries
their union as its default graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from graph import resources
from graph.build import reference, registry
from graph.build.facts import Compiled, Document, compile_fact_files, parse_rdf_file
from graph.errors import SourceError
from graph.namespaces import (
    DATA_GRAPH,
    ONTOLOGY_GRAPH,
    PREFIXES,
    PROVENANCE_GRAPH,
    REFERENCE_GRAPH,
    ZG,
)

DOCUMENTS_FILE = "documents.ttl"


@dataclass
class BuildResult:
    """The dataset and what is needed to explain it (locations of nodes in curated files)."""

    dataset: Dataset
    compiled: Compiled

    def graph(self, name: URIRef) -> Graph:
        return self.dataset.graph(name)

    def union(self) -> Graph:
        """All four graphs as one rdflib Graph (what validation and analysis work on)."""
        g = Graph()
        bind_prefixes(g)
        for name in (ONTOLOGY_GRAPH, DATA_GRAPH, REFERENCE_GRAPH, PROVENANCE_GRAPH):
            for t in self.dataset.graph(name):
                g.add(t)
        return g


def bind_prefixes(g: Graph | Dataset) -> None:
    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri, override=True, replace=True)


def load_ontology(files: list[Path] | None = None) -> Graph:
    """The ontology modules merged into one graph."""
    g = Graph()
    for path in files if files is not None else resources.ontology_files():
        for t in parse_rdf_file(path, "turtle").triples((None, None, None)):
            g.add(t)
    return g


def load_documents(sources: Path) -> tuple[dict[URIRef, Document], Graph]:
    """Read the document manifest and the texts it names; return documents and their metadata."""
    manifest = sources / DOCUMENTS_FILE
    meta = Graph()
    for t in parse_rdf_file(manifest, "turtle").triples((None, None, None)):
        meta.add(t)
    docs: dict[URIRef, Document] = {}
    for iri in meta.subjects(RDF.type, ZG.SourceDocument):
        name = meta.value(iri, ZG.textFile)
        if name is None or not isinstance(iri, URIRef):
            continue
        path = sources / str(name)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SourceError(str(manifest), f"document text {name} not found") from None
        doc = Document(iri=iri, path=path, text=text)
        docs[iri] = doc
        meta.add((iri, ZG.sha256, Literal(doc.sha256)))
        meta.add((iri, DCTERMS.extent, Literal(len(text), datatype=XSD.integer)))
    if not docs:
        raise SourceError(str(manifest), "no zg:SourceDocument with a zg:textFile")
    return docs, meta


def fact_files(sources: Path) -> list[Path]:
    files = sorted(sources.glob("*.trig"))
    if not files:
        raise SourceError(str(sources), "no *.trig fact files found")
    return files


def build(
    sources: Path | None = None,
    extra: list[Path] | None = None,
    include_reference: bool = True,
) -> BuildResult:
    """Compile everything into a Dataset. `extra` adds curator files (TriG) to the shipped ones."""
    src = sources or resources.sources_dir()
    docs, doc_meta = load_documents(src)
    files = fact_files(src) + list(extra or [])
    compiled = compile_fact_files(files, docs, src.parent)
    ds = Dataset()
    bind_prefixes(ds)
    ontology = load_ontology()
    _fill(ds.graph(ONTOLOGY_GRAPH), ontology)
    _fill(ds.graph(DATA_GRAPH), compiled.data)
    prov = ds.graph(PROVENANCE_GRAPH)
    _fill(prov, compiled.provenance)
    _fill(prov, doc_meta)
    if include_reference:
        ref = ds.graph(REFERENCE_GRAPH)
        _fill(ref, reference.divisions(resources.reference_dir()))
        _fill(ref, reference.industries(resources.reference_dir()))
        zones = registry.build_registry(resources.reference_dir(), ontology, compiled.data)
        _fill(ds.graph(DATA_GRAPH), zones.data)
        _fill(prov, zones.provenance)
        # A triple lives in one graph: where the article states what the reference tables also
        # give (a province's English name), the data graph keeps it with its quote, so that
        # engines whose union default graph does not merge duplicates count each triple once.
        data = ds.graph(DATA_GRAPH)
        for triple in [t for t in ref if t in data]:
            ref.remove(triple)
    return BuildResult(dataset=ds, compiled=compiled)


def _fill(target: Graph, source: Graph) -> None:
    for t in source:
        target.add(t)
