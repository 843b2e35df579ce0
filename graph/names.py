"""Find entities by name: labels in Chinese or English, alternate names, IRIs or prefixed names.

Analysts type what they remember — 「广州开发区」, "Guangzhou ETDZ", 琶洲实验室(黄埔) with ASCII
brackets, `zone:guangzhou-etdz`, a full IRI — so every name is compared after NFKC
normalisation and casefolding, exact matches win over substrings, and a miss raises an error that
carries the closest names so the user can try again. The CLI analyses, the JSON API and the web
search all go through this one matcher, which is why it knows nothing about them: the web
search feeds it SELECT rows from any backend (`SearchIndex.from_rows`), so it works the same on
the embedded store and on a remote engine. Which label a node shows is graph.labels' job.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import AmbiguousEntityError, UnknownEntityError
from graph.labels import ALTERNATE_LABELS, PREFERRED_LABELS, Labeller, prefixed
from graph.name_variants import ascii_query_key, pinyin_key, short_forms, simplified

# Scores of a match, so that callers can rank and explain.
EXACT_LABEL = 1.0
EXACT_ALTERNATE = 0.95
#: A usual short form of a Chinese name (广州开发区 for 广州经济技术开发区), and its pinyin.
EXACT_VARIANT = 0.93
EXACT_PINYIN = 0.92
EXACT_IDENTIFIER = 0.9
PREFIX_MATCH = 0.8
SUBSTRING_MATCH = 0.7


def normalise(text: str) -> str:
    """NFKC, traditional → simplified (OpenCC t2s), casefold and collapse whitespace:
    （黄埔） and (黄埔) become the same key, and so do 廣州開發區 and 广州开发区."""
    return " ".join(simplified(unicodedata.normalize("NFKC", text)).casefold().split())


def query_keys(text: str) -> list[str]:
    """The keys a query is looked up under: its normal form, and for Latin text the same
    without spaces (guangzhou kaifaqu → guangzhoukaifaqu, as pinyin keys are stored)."""
    key = normalise(text)
    joined = ascii_query_key(key)
    return [key] if joined is None or joined == key else [key, joined]


@dataclass(frozen=True)
class Match:
    """One search hit: the node, its labels, the name that matched and how well."""

    iri: str
    label_zh: str
    label_en: str
    matched: str
    score: float

    def to_dict(self) -> dict[str, object]:
        return {
            "iri": self.iri,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "matched": self.matched,
            "score": round(self.score, 3),
        }


@dataclass
class NameIndex:
    """Normalised names → nodes, built once per graph and reused for many look-ups."""

    labeller: Labeller
    #: normalised name → {node: (score, original name)}
    names: dict[str, dict[str, tuple[float, str]]] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, graph: Graph, nodes: Iterable[Node] | None = None) -> NameIndex:
        """Index every labelled IRI of `graph`, or only `nodes` when given."""
        index = cls(labeller=Labeller(graph))
        wanted = None if nodes is None else {n for n in nodes if isinstance(n, URIRef)}
        for preds, score in ((PREFERRED_LABELS, EXACT_LABEL), (ALTERNATE_LABELS, EXACT_ALTERNATE)):
            for pred in preds:
                for s, o in graph.subject_objects(pred):
                    if isinstance(s, URIRef) and isinstance(o, Literal):
                        if wanted is None or s in wanted:
                            index._add(str(o), str(s), score)
                            index._add_variants(str(o), str(s))
        for node in wanted if wanted is not None else list(index._nodes()):
            index._add(str(node), str(node), EXACT_IDENTIFIER)
            short = prefixed(str(node))
            if short:
                index._add(short, str(node), EXACT_IDENTIFIER)
        return index

    def _add_variants(self, name: str, iri: str) -> None:
        """Short forms of a Chinese name, and the pinyin of the name and of its short forms."""
        forms = short_forms(name)
        for form in forms:
            self._add(form, iri, EXACT_VARIANT)
        for form in (name, *forms):
            key = pinyin_key(form)
            if key:
                self._add(key, iri, EXACT_PINYIN)

    def _nodes(self) -> set[str]:
        return {n for hits in self.names.values() for n in hits}

    def _add(self, name: str, iri: str, score: float) -> None:
        key = normalise(name)
        if not key:
            return
        hits = self.names.setdefault(key, {})
        if iri not in hits or hits[iri][0] < score:
            hits[iri] = (score, name)

    def match(self, iri: str, matched: str, score: float) -> Match:
        zh, en = self.labeller.labels(URIRef(iri))
        return Match(iri=iri, label_zh=zh, label_en=en, matched=matched, score=score)

    def search(self, text: str, limit: int = 10) -> list[Match]:
        """Best matches first: exact names, then names starting with or containing the text,
        then similar spellings. One hit per node, ties broken by label then IRI."""
        keys = query_keys(text)
        key = keys[0]
        if not key:
            return []
        best: dict[str, tuple[float, str]] = {}

        def offer(iri: str, score: float, name: str) -> None:
            if iri not in best or best[iri][0] < score:
                best[iri] = (score, name)

        for exact_key in keys:
            for iri, (score, name) in self.names.get(exact_key, {}).items():
                offer(iri, score, name)
        for name_key, hits in self.names.items():
            if name_key in keys:
                continue
            score = max(_containment(k, name_key) for k in keys)
            if not score:
                continue
            for iri, (kind, name) in hits.items():
                # a primary label beats an alternate or identifier that matches as well
                offer(iri, score if kind == EXACT_LABEL else score * 0.99, name)
        if not best or max(score for score, _ in best.values()) < SUBSTRING_MATCH:
            # Nothing contains the text, or only pieces of it are names (a typo such as
            # "bio islnd" holds the pinyin "guangzhou"): close spellings, among keys that
            # begin alike and are about as long, since similarity over every key costs a
            # second per query at registry scale.
            near = [
                k
                for k in self.names
                if k[:1] == key[:1] and abs(len(k) - len(key)) <= len(key) // 3 + 2
            ]
            close = difflib.get_close_matches(key, near, n=limit, cutoff=0.5)
            for name_key in close:
                ratio = difflib.SequenceMatcher(None, key, name_key).ratio() * 0.6
                for iri, (_, name) in self.names[name_key].items():
                    offer(iri, ratio, name)
        ranked = sorted(
            best.items(),
            key=lambda kv: (-kv[1][0], self.labeller.labels(URIRef(kv[0]))[0], kv[0]),
        )
        return [self.match(iri, name, score) for iri, (score, name) in ranked[:limit]]

    def resolve(self, text: str, within: Collection[str] | None = None) -> URIRef:
        """The one node `text` names; raises UnknownEntityError or AmbiguousEntityError.

        `within` restricts the answer to nodes of a view (e.g. the entity graph), so that a
        name shared by an entity and a reference division picks the entity.
        """
        keys = query_keys(text)
        exact = {i: v for k in keys for i, v in self.names.get(k, {}).items()}
        if within is not None:
            exact = {i: v for i, v in exact.items() if i in within}
        if exact:
            top = max(score for score, _ in exact.values())
            winners = sorted(i for i, (score, _) in exact.items() if score == top)
            if len(winners) == 1:
                return URIRef(winners[0])
            raise AmbiguousEntityError(text, [self.match(i, exact[i][1], top) for i in winners])
        hits = [m for m in self.search(text, limit=50) if within is None or m.iri in within]
        partial = [
            m
            for m in hits
            if m.score >= SUBSTRING_MATCH * 0.5 and any(_contains(k, m) for k in keys)
        ]
        if len(partial) == 1:
            return URIRef(partial[0].iri)
        # 「丽美特」 hits a company and its manager's post, whose name contains the company's:
        # the hit whose name lies inside every other hit's name is the one meant.
        keys = [normalise(m.matched) for m in partial]
        inner = [m for m, k in zip(partial, keys, strict=True) if all(k in o for o in keys)]
        if len({m.iri for m in inner}) == 1:
            return URIRef(inner[0].iri)
        if partial:
            raise AmbiguousEntityError(text, partial[:10])
        raise UnknownEntityError(text, hits[:5])


def _containment(key: str, name_key: str) -> float:
    """How well a name contains the typed key (or lies inside it); 0 when neither."""
    if key in name_key:
        # Shorter names that contain the text are closer to what was typed.
        base = PREFIX_MATCH if name_key.startswith(key) else SUBSTRING_MATCH
        return base + 0.09 * len(key) / len(name_key)
    if len(name_key) >= 2 and name_key in key:
        return SUBSTRING_MATCH * len(name_key) / len(key)
    return 0.0


def _contains(key: str, m: Match) -> bool:
    return key in normalise(m.matched) or normalise(m.matched) in key


def resolve(graph: Graph | NameIndex, text: str, within: Collection[str] | None = None) -> URIRef:
    """The IRI of the entity `text` names, matched in zh or en, by IRI or prefix."""
    index = graph if isinstance(graph, NameIndex) else NameIndex.from_graph(graph)
    return index.resolve(text, within)


def search(graph: Graph | NameIndex, text: str, limit: int = 10) -> list[Match]:
    """Entities whose names match `text`, best first (for search boxes and suggestions)."""
    index = graph if isinstance(graph, NameIndex) else NameIndex.from_graph(graph)
    return index.search(text, limit)


# --------------------------------------------------------------------------- web search

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
