"""Find entities by name: labels in Chinese or English, alternate names, IRIs or prefixed names.

Analysts type what they remember — 「广州开发区」, "Guangzhou ETDZ", 琶洲实验室(黄埔) with ASCII
brackets, `zone:guangzhou-etdz`, a full IRI — so every name is compared after NFKC
normalisation and casefolding, exact matches win over substrings, and a miss raises an error that
carries the closest names so the user can try again. The CLI, the JSON API and the web search all
go through this module, which is why it knows nothing about them.

Labels are also chosen here (`Labeller`): one place decides which zh/en label a node shows.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cache

from rdflib import RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import ZoneGraphError
from graph.namespaces import PREFIXES, SCHEMA

#: Predicates whose literal objects name a node, strongest first.
PREFERRED_LABELS = (RDFS.label, SKOS.prefLabel, SCHEMA.name)
ALTERNATE_LABELS = (SKOS.altLabel, SCHEMA.alternateName, SKOS.hiddenLabel)

#: Labels for the few outside terms that ZoneGraph shows but does not define.
TERM_LABELS = {
    SKOS.Concept: ("概念", "concept"),
    SKOS.broader: ("上位概念", "broader"),
    SKOS.related: ("相关", "related"),
    SCHEMA.containedInPlace: ("位于", "contained in place"),
    SCHEMA.containsPlace: ("包含", "contains"),
    SCHEMA.isPartOf: ("属于", "is part of"),
    SCHEMA.location: ("位于", "location"),
    SCHEMA.manufacturer: ("制造方", "manufacturer"),
    SKOS.broadMatch: ("上位匹配", "broad match"),
    SKOS.closeMatch: ("近似匹配", "close match"),
    SKOS.exactMatch: ("精确匹配", "exact match"),
    SKOS.relatedMatch: ("相关匹配", "related match"),
    SKOS.narrower: ("下位概念", "narrower"),
    URIRef("http://purl.org/dc/terms/isPartOf"): ("属于", "is part of"),
    URIRef("http://purl.org/dc/terms/hasPart"): ("包括", "has part"),
    URIRef("http://purl.org/dc/terms/relation"): ("相关", "relation"),
    URIRef("http://www.w3.org/ns/org#hasSite"): ("拥有场所", "has site"),
    URIRef("http://www.w3.org/ns/org#memberOf"): ("成员于", "member of"),
    SCHEMA.Place: ("地点", "place"),
    SCHEMA.about: ("关于", "about"),
    URIRef("http://www.w3.org/ns/org#holds"): ("担任", "holds"),
    URIRef("http://www.w3.org/ns/org#postIn"): ("任职于", "post in"),
    URIRef("http://www.w3.org/ns/org#linkedTo"): ("关联", "linked to"),
    URIRef("http://www.w3.org/ns/org#subOrganizationOf"): ("隶属于", "sub-organisation of"),
}

# Scores of a match, so that callers can rank and explain.
EXACT_LABEL = 1.0
EXACT_ALTERNATE = 0.95
EXACT_IDENTIFIER = 0.9
PREFIX_MATCH = 0.8
SUBSTRING_MATCH = 0.7


def normalise(text: str) -> str:
    """NFKC, casefold and collapse whitespace: （黄埔） and (黄埔) become the same key."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def prefixed(iri: str, prefixes: dict[str, str] = PREFIXES) -> str | None:
    """`zone:guangzhou-etdz` for a full IRI, using the longest matching namespace."""
    best: tuple[int, str] | None = None
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and (best is None or len(ns) > best[0]):
            best = (len(ns), f"{prefix}:{iri[len(ns) :]}")
    return best[1] if best else None


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri.rstrip(sep):
            return iri.rstrip(sep).rsplit(sep, 1)[1]
    return iri


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


class UnknownEntityError(ZoneGraphError):
    """No entity has this name; `suggestions` holds the closest names (may be empty)."""

    def __init__(self, text: str, suggestions: list[Match]) -> None:
        self.text = text
        self.suggestions = suggestions
        hint = ""
        if suggestions:
            names = "、".join(f"{m.label_zh or m.label_en}" for m in suggestions[:5])
            hint = f"; did you mean / 您是否要找: {names}"
        super().__init__(f"no entity named {text!r} / 找不到实体「{text}」{hint}")


class AmbiguousEntityError(UnknownEntityError):
    """Several entities match equally well; the user must pick one (they are the suggestions)."""

    def __init__(self, text: str, candidates: list[Match]) -> None:
        super().__init__(text, candidates)
        names = "、".join(f"{m.label_zh or m.label_en} <{m.iri}>" for m in candidates[:8])
        self.args = (f"{text!r} names {len(candidates)} entities / 「{text}」有多个匹配: {names}",)


class Labeller:
    """Chooses one zh and one en label per node, falling back to the shipped ontology for terms.

    A data-only graph has no labels for predicates and classes, so those come from the ontology
    files when the graph itself lacks them.
    """

    def __init__(self, graph: Graph, use_ontology: bool = True) -> None:
        self.graph = graph
        self._fallback = _ontology_graph() if use_ontology else None
        self._cache: dict[Node, tuple[str, str]] = {}

    def labels(self, node: Node) -> tuple[str, str]:
        """(zh, en); each falls back to the other language, then to the prefixed or local name."""
        hit = self._cache.get(node)
        if hit is not None:
            return hit
        zh, en = _labels_in(self.graph, node)
        if (not zh or not en) and self._fallback is not None:
            fzh, fen = _labels_in(self._fallback, node)
            zh, en = zh or fzh, en or fen
        extra = TERM_LABELS.get(node) if isinstance(node, URIRef) else None
        if extra is not None:
            zh, en = zh or extra[0], en or extra[1]
        if isinstance(node, Literal):
            zh = en = str(node)
        fallback = (
            (prefixed(str(node)) or local_name(str(node))) if isinstance(node, URIRef) else ""
        )
        result = (zh or en or fallback, en or zh or fallback)
        self._cache[node] = result
        return result

    def label(self, node: Node, lang: str = "zh") -> str:
        zh, en = self.labels(node)
        return en if lang == "en" else zh


def _labels_in(graph: Graph, node: Node) -> tuple[str, str]:
    zh: list[str] = []
    en: list[str] = []
    plain: list[str] = []
    for pred in PREFERRED_LABELS:
        for lit in graph.objects(node, pred):
            if not isinstance(lit, Literal):
                continue
            lang = (lit.language or "").lower()
            target = zh if lang.startswith("zh") else en if lang.startswith("en") else plain
            target.append(str(lit))
        if zh or en:
            break
    zh_label = min(zh) if zh else (min(plain) if plain else "")
    en_label = min(en) if en else (min(plain) if plain else "")
    return zh_label, en_label


@cache
def _ontology_graph() -> Graph:
    """The shipped ontology, read once: it is package data and never changes while running."""
    from graph.build import load_ontology

    return load_ontology()


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
        for node in wanted if wanted is not None else list(index._nodes()):
            index._add(str(node), str(node), EXACT_IDENTIFIER)
            short = prefixed(str(node))
            if short:
                index._add(short, str(node), EXACT_IDENTIFIER)
        return index

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
        key = normalise(text)
        if not key:
            return []
        best: dict[str, tuple[float, str]] = {}

        def offer(iri: str, score: float, name: str) -> None:
            if iri not in best or best[iri][0] < score:
                best[iri] = (score, name)

        for iri, (score, name) in self.names.get(key, {}).items():
            offer(iri, score, name)
        for name_key, hits in self.names.items():
            if name_key == key:
                continue
            if key in name_key:
                # Shorter names that contain the text are closer to what was typed.
                base = PREFIX_MATCH if name_key.startswith(key) else SUBSTRING_MATCH
                score = base + 0.09 * len(key) / len(name_key)
            elif len(name_key) >= 2 and name_key in key:
                score = SUBSTRING_MATCH * len(name_key) / len(key)
            else:
                continue
            for iri, (kind, name) in hits.items():
                # a primary label beats an alternate or identifier that matches as well
                offer(iri, score if kind == EXACT_LABEL else score * 0.99, name)
        if len(best) < limit:
            close = difflib.get_close_matches(key, list(self.names), n=limit, cutoff=0.5)
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
        key = normalise(text)
        exact = dict(self.names.get(key, {}))
        if within is not None:
            exact = {i: v for i, v in exact.items() if i in within}
        if exact:
            top = max(score for score, _ in exact.values())
            winners = sorted(i for i, (score, _) in exact.items() if score == top)
            if len(winners) == 1:
                return URIRef(winners[0])
            raise AmbiguousEntityError(text, [self.match(i, exact[i][1], top) for i in winners])
        hits = [m for m in self.search(text, limit=50) if within is None or m.iri in within]
        partial = [m for m in hits if m.score >= SUBSTRING_MATCH * 0.5 and _contains(key, m)]
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
