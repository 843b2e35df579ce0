"""Name search for the explorer: rows from any backend in, ranked hits with their classes out.

The matching itself (NFKC + casefold, exact > prefix > substring, close spellings last) lives
in graph.names, which the CLI analyses use too; this module only feeds it from SELECT rows, so
the web search works the same on the embedded store and on a remote engine, and adds what a
results list shows: how the name matched and the classes of each hit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from graph.labels import REUSED_LABELS
from graph.names import (
    ALTERNATE_LABELS,
    EXACT_IDENTIFIER,
    PREFERRED_LABELS,
    PREFIX_MATCH,
    SUBSTRING_MATCH,
    NameIndex,
    normalise,
)

_NAMING = " ".join(f"<{p}>" for p in (*PREFERRED_LABELS, *ALTERNATE_LABELS))

#: Every literal that names an IRI, in every graph (ontology terms and concepts are searchable).
LABEL_ROWS_QUERY = f"""
SELECT ?s ?p ?o WHERE {{
  VALUES ?p {{ {_NAMING} }}
  ?s ?p ?o
  FILTER(isIRI(?s) && isLiteral(?o))
}}
"""

#: Classes of labelled IRIs, so hits can say what they are.
TYPE_ROWS_QUERY = f"""
SELECT DISTINCT ?s ?o WHERE {{
  ?s a ?o . ?s ?p ?l
  VALUES ?p {{ {_NAMING} }}
  FILTER(isIRI(?s) && isIRI(?o))
}}
"""

Row = Mapping[str, Node]


@dataclass(frozen=True)
class TypeRef:
    iri: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Hit:
    """One result: the entity, its labels, its classes, the name that matched and how."""

    iri: str
    label_zh: str
    label_en: str
    matched: str
    how: str  # "exact" | "prefix" | "substring" | "similar"
    score: float
    types: tuple[TypeRef, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "iri": self.iri,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "matched": self.matched,
            "how": self.how,
            "score": round(self.score, 3),
            "types": [t.__dict__ for t in self.types],
        }


def how_matched(score: float) -> str:
    """Names the score bands of graph.names."""
    if score >= EXACT_IDENTIFIER:
        return "exact"
    if score >= PREFIX_MATCH:
        return "prefix"
    if score >= SUBSTRING_MATCH:
        return "substring"
    return "similar"


@dataclass
class SearchIndex:
    """Built once per store (a few thousand names), queried per request."""

    names: NameIndex
    types: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, label_rows: Iterable[Row], type_rows: Iterable[Row] = ()) -> SearchIndex:
        """Rows as returned by Backend.select for LABEL_ROWS_QUERY (s, p, o) and
        TYPE_ROWS_QUERY (s, o)."""
        g = Graph()
        for row in label_rows:
            s, p, o = row.get("s"), row.get("p"), row.get("o")
            if isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, Literal):
                g.add((s, p, o))
        types: dict[str, list[str]] = {}
        for row in type_rows:
            s, o = row.get("s"), row.get("o")
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                types.setdefault(str(s), []).append(str(o))
                g.add((s, RDF.type, o))
        for classes in types.values():
            classes.sort()
        return cls(names=NameIndex.from_graph(g), types=types)

    def _type_refs(self, iri: str) -> tuple[TypeRef, ...]:
        refs = []
        for cls in self.types.get(iri, []):
            zh, en = self.names.labeller.labels(URIRef(cls))
            if zh == en and cls in REUSED_LABELS:  # no label anywhere: a reused term's
                zh, en = REUSED_LABELS[cls]
            refs.append(TypeRef(cls, zh, en))
        return tuple(refs)

    def search(self, text: str, limit: int = 50, similar: bool = True) -> list[Hit]:
        """Hits best first; `similar=False` keeps only names that contain the text."""
        hits = []
        for m in self.names.search(text, limit=limit):
            how = how_matched(m.score)
            if how == "similar" and not similar:
                continue
            hits.append(
                Hit(m.iri, m.label_zh, m.label_en, m.matched, how, m.score, self._type_refs(m.iri))
            )
        return hits

    def suggest(self, text: str, limit: int = 5) -> list[Hit]:
        """Names close to `text` (for a 404 page): what the user may have meant."""
        return self.search(text, limit=limit)


def path_words(path: str) -> str:
    """A search text from a mistyped IRI path: `id/park/bio-islnd` → `bio islnd`."""
    last = path.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return normalise(last.replace("-", " ").replace("_", " "))
