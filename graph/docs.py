"""HTML documentation of the ontology and its concept schemes, rendered by pyLODE.

The merged ontology holds one owl:Ontology and a dozen skos:ConceptSchemes. Given all of it,
pyLODE's OntPub takes every scheme for the document (the page was titled after whichever
scheme came last, 「指标」, and ran all the titles into one heading). So the ontology page is
rendered from the ontology without the schemes, and each scheme gets a page of its own (its
IRI, title, definition and a table of its concepts; pyLODE 3's VocPub lists no concepts),
linked from the ontology page.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from graph.build import bind_prefixes, load_ontology
from graph.errors import ZoneGraphError
from graph.labels import local_name


@contextmanager
def _own_logging() -> Iterator[None]:
    """pyLODE calls logging.basicConfig(level=DEBUG) on import, which would print DEBUG lines
    from every library on stderr; keep the root logger as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)


def _pylode() -> Any:
    with _own_logging():
        try:
            from pylode import OntPub
        except ImportError:
            raise ZoneGraphError("pyLODE is not installed: pip install 'zonegraph[docs]'") from None
    return OntPub


def split_schemes(g: Graph) -> tuple[Graph, dict[URIRef, Graph]]:
    """(the ontology without its concept schemes, each scheme with its concepts)."""
    schemes = sorted((s for s in g.subjects(RDF.type, SKOS.ConceptScheme)), key=str)
    parts: dict[URIRef, Graph] = {}
    taken: set[object] = set()
    for scheme in schemes:
        assert isinstance(scheme, URIRef)
        members = {scheme, *g.subjects(SKOS.inScheme, scheme)}
        part = Graph()
        for member in members:
            for triple in g.triples((member, None, None)):
                part.add(triple)
        bind_prefixes(part)
        parts[scheme] = part
        taken |= members
    core = Graph()
    for triple in g:
        if triple[0] not in taken:
            core.add(triple)
    for ontology in list(core.subjects(RDF.type, OWL.Ontology)):
        titles = list(core.objects(ontology, DCTERMS.title))
        core.remove((ontology, RDFS.label, None))  # pyLODE would add these to the heading
        _one_title(core, ontology, titles)
    bind_prefixes(core)
    return core, parts


def _one_title(g: Graph, subject: Node, titles: list[Node]) -> None:
    """One dcterms:title, "zh / en": pyLODE runs every title into the heading unseparated."""
    ordered = sorted(
        (t for t in titles if isinstance(t, Literal)),
        key=lambda t: (not (t.language or "").startswith("zh"), t.language or ""),
    )
    g.remove((subject, DCTERMS.title, None))
    if ordered:
        g.add((subject, DCTERMS.title, Literal(" / ".join(str(t) for t in ordered))))


def _bilingual(g: Graph, node: Node, pred: URIRef) -> str:
    """ "zh / en" of a node's literals for `pred`, Chinese first."""
    values = sorted(
        (v for v in g.objects(node, pred) if isinstance(v, Literal)),
        key=lambda v: (not (v.language or "").startswith("zh"), v.language or "", str(v)),
    )
    return " / ".join(str(v) for v in values)


def scheme_page(scheme: URIRef, part: Graph) -> str:
    """One concept scheme as a page: title, IRI, definition, and its concepts in a table."""
    title = _bilingual(part, scheme, SKOS.prefLabel) or local_name(str(scheme))
    rows = []
    concepts = sorted(part.subjects(SKOS.inScheme, scheme), key=str)
    for concept in concepts:
        cells = (
            f'<td id="{html.escape(local_name(str(concept)))}"><code>{html.escape(str(concept))}'
            "</code></td>",
            f"<td>{html.escape(_bilingual(part, concept, SKOS.prefLabel))}</td>",
            f"<td>{html.escape(_bilingual(part, concept, SKOS.definition))}</td>",
        )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<!doctype html>\n<html lang="zh"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<p>概念体系 / concept scheme <code>{html.escape(str(scheme))}</code></p>"
        f"<p>{html.escape(_bilingual(part, scheme, SKOS.definition))}</p>"
        f"<h2>概念 / Concepts ({len(concepts)})</h2>"
        "<table><thead><tr><th>IRI</th><th>名称 / label</th><th>定义 / definition</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
        '<p><a href="../index.html">本体 / the ontology</a></p></body></html>\n'
    )


def _scheme_links(parts: dict[URIRef, Graph]) -> str:
    items = []
    for scheme, part in parts.items():
        text = _bilingual(part, scheme, SKOS.prefLabel) or local_name(str(scheme))
        href = f"schemes/{local_name(str(scheme))}.html"
        items.append(f'<li><a href="{href}">{html.escape(text)}</a> <code>{scheme}</code></li>')
    return (
        '<div class="section" id="schemes"><h2>概念体系 / Concept schemes</h2>'
        f"<ul>{''.join(items)}</ul></div>"
    )


def render_docs(folder: Path) -> Path:
    """Write index.html for the ontology and schemes/<Scheme>.html for each concept scheme
    into `folder`; return the path of index.html."""
    ont_pub = _pylode()
    g = load_ontology()
    bind_prefixes(g)
    folder.mkdir(parents=True, exist_ok=True)
    g.serialize(destination=folder / "zonegraph.ttl", format="turtle")
    core, parts = split_schemes(g)
    with _own_logging():
        page = ont_pub(ontology=core).make_html()
        (folder / "schemes").mkdir(exist_ok=True)
        for scheme, part in parts.items():
            target = folder / "schemes" / f"{local_name(str(scheme))}.html"
            target.write_text(scheme_page(scheme, part), encoding="utf-8")
    marker = '<div class="section" id="classes">'
    if marker in page:
        page = page.replace(marker, _scheme_links(parts) + marker, 1)
    index = folder / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
