"""What the server says about one resource: its RDF description and the facts an entity page shows.

Both come from a Backend (embedded store or remote engine), through a few SELECT/CONSTRUCT
queries, so a page costs the same whatever the size of the dataset. The RDF description is a
bounded one: the resource's outgoing triples (following blank nodes such as RDF lists), its
incoming triples (with the whole list and its owner when it is an item of an RDF list), and the
provenance about it (the reified statements whose subject or object
it is, and the quotes they were derived from). The page view lists every kind of evidence
(graph.query.sources), not only quotes. The page view is plain dicts, ready for JSON
and for templates alike, with labels for every node so that nobody reads raw IRIs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import OWL, RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.dates import display
from graph.errors import BadIRIError
from graph.labels import ALTERNATE_LABELS, PREFERRED_LABELS, choose, prefixed, short_name
from graph.namespaces import BASE, PREFIXES, PROVENANCE_GRAPH, ZG
from graph.query.figures import figure_view, figures, sort_figures
from graph.query.sources import Fact, entity_evidence, evidence_for
from graph.store import Backend

# Characters that may not appear inside <…> in SPARQL; IRIs come from request paths.
_BAD_IRI = re.compile(r"[\x00-\x20<>\"{}|\\^`]")
#: Incoming relations shown per predicate on a page (a class has as many as it has instances).
MAX_INCOMING = 200


def iri_ref(iri: str) -> str:
    """`<iri>` for a query, refusing anything that could break out of the brackets."""
    if not iri or _BAD_IRI.search(iri):
        raise BadIRIError(f"not a valid IRI: {iri!r}")
    return f"<{iri}>"


def _describe_query(ref: str) -> str:
    return f"""
CONSTRUCT {{
  {ref} ?p ?o . ?n ?np ?no .
  ?s ?ip {ref} . ?owner ?lp ?head . ?c ?cp ?co .
  ?st ?sp ?so . ?q ?qp ?qo .
}} WHERE {{
  {{ {ref} ?p ?o }}
  UNION {{ {ref} ?p0 ?b . FILTER(isBlank(?b)) ?b rdf:rest* ?n . ?n ?np ?no }}
  UNION {{ ?s ?ip {ref} }}
  UNION {{
    ?cell rdf:first {ref} . ?head rdf:rest* ?cell . ?owner ?lp ?head .
    FILTER(isIRI(?owner) && ?lp NOT IN (rdf:subject, rdf:object))
    ?head rdf:rest* ?c . ?c ?cp ?co .
  }}
  UNION {{
    GRAPH <{PROVENANCE_GRAPH}> {{
      {{ ?st rdf:subject {ref} }} UNION {{ ?st rdf:object {ref} }}
      ?st a rdf:Statement ; ?sp ?so .
    }}
  }}
  UNION {{
    GRAPH <{PROVENANCE_GRAPH}> {{
      {{ ?st0 rdf:subject {ref} }} UNION {{ ?st0 rdf:object {ref} }}
      ?st0 prov:wasDerivedFrom ?q . ?q ?qp ?qo .
    }}
  }}
}}"""


def describe(backend: Backend, iri: str) -> Graph:
    """The bounded description of `iri` as an rdflib Graph (empty when nothing is known)."""
    g = backend.construct(_describe_query(iri_ref(iri)))
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


# --------------------------------------------------------------------------- page view


@dataclass(frozen=True)
class Labels:
    """Preferred and alternate labels per node, both languages."""

    preferred: dict[Node, list[Literal]]
    alternate: dict[Node, list[Literal]]
    #: (naming predicate, literal) per node, for graph.labels.choose
    named: dict[Node, list[tuple[Node, Literal]]]

    def pair(self, node: Node) -> tuple[str, str]:
        """(zh, en) as graph.labels chooses them (the one rule for every label shown)."""
        return choose(node, self.named.get(node, []))


def fetch_labels(backend: Backend, nodes: Iterable[Node]) -> Labels:
    """Labels of many IRIs in one query (in chunks, to keep queries small)."""
    preferred: dict[Node, list[Literal]] = {}
    alternate: dict[Node, list[Literal]] = {}
    named: dict[Node, list[tuple[Node, Literal]]] = {}
    iris = sorted({str(n) for n in nodes if isinstance(n, URIRef) and not _BAD_IRI.search(n)})
    preds = " ".join(f"<{p}>" for p in (*PREFERRED_LABELS, *ALTERNATE_LABELS))
    for start in range(0, len(iris), 400):
        values = " ".join(f"<{i}>" for i in iris[start : start + 400])
        rows = backend.select(
            f"SELECT ?n ?p ?l WHERE {{ VALUES ?n {{ {values} }} VALUES ?p {{ {preds} }} "
            "?n ?p ?l FILTER(isLiteral(?l)) }"
        )
        for row in rows:
            n, p, lit = row["n"], row["p"], row["l"]
            assert isinstance(lit, Literal)
            target = preferred if p in PREFERRED_LABELS else alternate
            bucket = target.setdefault(n, [])
            if lit not in bucket:
                bucket.append(lit)
                if p in PREFERRED_LABELS:
                    named.setdefault(n, []).append((p, lit))
    return Labels(preferred, alternate, named)


def local_path(iri: str) -> str | None:
    """Where this server serves `iri`: the data namespace maps onto the server root; ontology
    terms (`ontology#Term`) get a page of their own at /ontology/Term."""
    if not iri.startswith(BASE):
        return None
    rest = iri[len(BASE) :]
    if rest.startswith("ontology#"):
        return "/ontology/" + rest[len("ontology#") :]
    return "/" + rest


def node_view(node: Node, labels: Labels) -> dict[str, Any]:
    """A node as a page shows it: labels and a link for IRIs, text and language for literals."""
    if isinstance(node, Literal):
        dt = node.datatype
        shown = display(str(node)) if dt == XSD.dateTime else None
        return {
            "kind": "literal",
            "value": str(node),
            "lang": node.language or "",
            "datatype": (prefixed(str(dt)) or str(dt)) if dt is not None else "",
            **({"display": shown} if shown else {}),
        }
    zh, en = labels.pair(node)
    return {
        "kind": "iri" if isinstance(node, URIRef) else "bnode",
        "iri": str(node),
        "href": local_path(str(node)) if isinstance(node, URIRef) else None,
        "short": short_name(node),
        "label_zh": zh,
        "label_en": en,
    }


def _sources(backend: Backend, ref: str) -> dict[tuple[Node, Node, Node], list[str]]:
    """(s, p, o) → the quoted sentences each fact about `ref` was derived from."""
    rows = backend.select(f"""
SELECT ?s ?p ?o ?exact WHERE {{
  GRAPH <{PROVENANCE_GRAPH}> {{
    {{ ?st rdf:subject {ref} }} UNION {{ ?st rdf:object {ref} }}
    ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?q .
  }}
  ?q oa:exact ?exact .
}}""")
    out: dict[tuple[Node, Node, Node], list[str]] = {}
    for row in rows:
        quotes = out.setdefault((row["s"], row["p"], row["o"]), [])
        text = str(row["exact"])
        if text not in quotes:
            quotes.append(text)
    for quotes in out.values():
        quotes.sort()
    return out


def _group(
    pairs: list[tuple[Node, Node]],
    fact: Any,
    sources: dict[tuple[Node, Node, Node], list[str]],
    labels: Labels,
    limit: int | None = None,
    lists: dict[Node, list[Node]] | None = None,
    evidence: dict[Fact, list[dict[str, str]]] | None = None,
) -> list[dict[str, Any]]:
    """Relations grouped by predicate, predicates in label order, values in label order."""
    by_pred: dict[Node, list[Node]] = {}
    for pred, value in pairs:
        if value not in by_pred.setdefault(pred, []):
            by_pred[pred].append(value)
    groups = []
    for pred in sorted(by_pred, key=lambda p: (labels.pair(p)[1].lower(), str(p))):
        values = sorted(by_pred[pred], key=lambda v: (labels.pair(v)[0], str(v)))
        shown = values if limit is None else values[:limit]
        groups.append(
            {
                "predicate": node_view(pred, labels),
                "values": [
                    {
                        **_value_view(v, labels, lists or {}),
                        "sources": sources.get(fact(pred, v), []),
                        "evidence": evidence_for(evidence or {}, fact(pred, v)),
                    }
                    for v in shown
                ],
                "more": len(values) - len(shown),
            }
        )
    return groups


def _value_view(node: Node, labels: Labels, lists: dict[Node, list[Node]]) -> dict[str, Any]:
    """An RDF list (an ordered grouping such as 创业苗圃+孵化器+加速器+产业园) as its items."""
    if node in lists:
        return {"kind": "list", "items": [node_view(item, labels) for item in lists[node]]}
    return node_view(node, labels)


def _lists(backend: Backend, ref: str) -> dict[Node, list[list[Node]]]:
    """The RDF lists `ref` points to, per predicate, items in order (position = cells before).

    Blank node labels are local to one query result, so lists are keyed by predicate here and
    matched to the outgoing rows by predicate, never by blank node.
    """
    rows = backend.select(f"""
SELECT ?p ?head ?item (COUNT(?mid) AS ?pos) WHERE {{
  {ref} ?p ?head . FILTER(isBlank(?head))
  ?head rdf:rest* ?mid . ?mid rdf:rest* ?cell . ?cell rdf:first ?item .
}} GROUP BY ?p ?head ?cell ?item""")
    ordered: dict[Node, dict[Node, list[tuple[int, Node]]]] = {}
    for row in rows:
        heads = ordered.setdefault(row["p"], {})
        heads.setdefault(row["head"], []).append((int(str(row["pos"])), row["item"]))
    return {
        p: [[item for _, item in sorted(items)] for _, items in sorted(heads.items(), key=str)]
        for p, heads in ordered.items()
    }


def _list_owners(backend: Backend, ref: str) -> list[tuple[Node, Node]]:
    """(predicate, owner) for each RDF list that has `ref` as an item: incoming, via the list."""
    rows = backend.select(f"""
SELECT DISTINCT ?p ?owner WHERE {{
  ?cell rdf:first {ref} . ?head rdf:rest* ?cell . ?owner ?p ?head . FILTER(isIRI(?owner))
}}""")
    return [(row["p"], row["owner"]) for row in rows if row["p"] not in _HIDDEN_INCOMING]


#: Shown in their own sections (labels, types) or as sources, not as relations.
_LABEL_PREDICATES = {*PREFERRED_LABELS, *ALTERNATE_LABELS, RDF.type}
#: The dates zg:datePrecision qualifies (an entity is dated by one of them).
_DATED = {
    str(ZG.date),
    str(ZG.issued),
    "http://purl.org/dc/terms/issued",
    "http://purl.org/dc/terms/temporal",
}
#: Provenance plumbing: a statement's rdf:subject/rdf:object pointing here is shown as a source.
_HIDDEN_INCOMING = {RDF.subject, RDF.object, RDF.predicate, RDF.first}


def entity_view(backend: Backend, iri: str) -> dict[str, Any] | None:
    """Everything an entity page shows, or None when the store knows nothing about `iri`."""
    ref = iri_ref(iri)
    node = URIRef(iri)
    out_rows = backend.select(f"SELECT ?p ?o WHERE {{ {ref} ?p ?o }}")
    in_rows = backend.select(f"SELECT ?s ?p WHERE {{ ?s ?p {ref} }} LIMIT {MAX_INCOMING * 20}")
    if not out_rows and not in_rows:
        return None
    figure_rows, figure_quotes = figures(backend, ref)
    sources = _sources(backend, ref)
    per_fact, evidence = entity_evidence(backend, ref)
    by_pred = _lists(backend, ref) if any(isinstance(r["o"], BNode) for r in out_rows) else {}
    lists: dict[Node, list[Node]] = {}
    list_pairs: list[tuple[Node, Node]] = []
    for i, (pred, heads) in enumerate(by_pred.items()):
        for n, items in enumerate(heads):
            key = BNode(f"list-{i}-{n}")
            lists[key] = items
            list_pairs.append((pred, key))
    via_lists = _list_owners(backend, ref) if any(r["p"] == RDF.first for r in in_rows) else []
    mentioned: set[Node] = {node, *(i for items in lists.values() for i in items)}
    mentioned.update(n for pair in via_lists for n in pair)
    for row in out_rows:
        mentioned.update((row["p"], row["o"]))
    for row in in_rows:
        mentioned.update((row["s"], row["p"]))
    for row in figure_rows:
        mentioned.update(v for v in row.values() if isinstance(v, URIRef))
    labels = fetch_labels(backend, mentioned)

    outgoing = [
        (r["p"], r["o"])
        for r in out_rows
        if r["p"] not in _LABEL_PREDICATES and not (isinstance(r["o"], BNode) and r["p"] in by_pred)
    ]
    outgoing += list_pairs
    incoming = [(r["p"], r["s"]) for r in in_rows if r["p"] not in _HIDDEN_INCOMING] + via_lists
    types = sorted({r["o"] for r in out_rows if r["p"] == RDF.type}, key=str)
    zh, en = labels.pair(node)
    precision = next((str(r["o"]) for r in out_rows if r["p"] == ZG.datePrecision), None)
    outgoing_groups = _group(
        outgoing, lambda p, v: (node, p, v), sources, labels, None, lists, per_fact
    )
    for group in outgoing_groups:  # the entity's own date, at the precision it is known to
        if group["predicate"]["iri"] in _DATED and precision:
            for v in group["values"]:
                if v.get("display"):
                    v["display"] = display(v["value"], precision)
    quotes_here = sorted({q for qs in sources.values() for q in qs})
    return {
        "iri": iri,
        "short": short_name(node),
        "label_zh": zh,
        "label_en": en,
        "labels": _literal_list(labels.preferred.get(node, [])),
        "alt_labels": _literal_list(labels.alternate.get(node, [])),
        "types": [node_view(t, labels) for t in types],
        "is_term": any(
            t
            in (
                OWL.Class,
                OWL.ObjectProperty,
                OWL.DatatypeProperty,
                OWL.AnnotationProperty,
                RDF.Property,
                RDFS.Class,
                SKOS.ConceptScheme,
            )
            for t in types
        ),
        "outgoing": outgoing_groups,
        "incoming": _group(
            incoming, lambda p, v: (v, p, node), sources, labels, MAX_INCOMING, None, per_fact
        ),
        "figures": [
            figure_view(row, figure_quotes, lambda n: node_view(n, labels))
            for row in sort_figures(figure_rows)
        ],
        "quotes": quotes_here,
        # every kind of evidence behind the facts: quotes, table rows, documents, curators
        "evidence": evidence,
    }


def _literal_list(lits: list[Literal]) -> list[dict[str, str]]:
    ordered = sorted(lits, key=lambda lit: (_lang_rank(lit.language), str(lit)))
    return [{"value": str(lit), "lang": lit.language or ""} for lit in ordered]


def _lang_rank(lang: str | None) -> int:
    lang = (lang or "").lower()
    return 0 if lang.startswith("zh") else 1 if lang.startswith("en") else 2
