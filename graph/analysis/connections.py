"""How entities are connected: paths as readable chains, ego networks, industry similarity.

Paths follow edges either way, because "亿航 is located in the zone that contains the island"
is a connection even though the second edge points the other way; each step remembers its
direction and is shown with an inverse label (包含 for 位于) where one is known.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
from rdflib import Graph, URIRef

from graph.analysis.results import (
    Link,
    Ref,
    Serialisable,
    industries_of,
    link,
    ref,
    sorted_refs,
)
from graph.analysis.views import Prepared, containment_tree, prepare, undirected
from graph.analysis.vocabulary import INVERSE_LABELS
from graph.errors import AnalysisError
from graph.namespaces import ZG

MAX_PATHS_EXAMINED = 20000


# --------------------------------------------------------------------------- paths


@dataclass(frozen=True)
class Step(Serialisable):
    predicate: str
    label_zh: str
    label_en: str
    #: False when the RDF triple points from the later node back to the earlier one.
    forward: bool


@dataclass(frozen=True)
class Chain(Serialisable):
    nodes: list[Ref]
    steps: list[Step]

    @property
    def length(self) -> int:
        return len(self.steps)

    def text(self, lang: str = "zh") -> str:
        """亿航 —位于→ 广州开发区 —包含→ 广州国际生物岛"""
        parts = [self.nodes[0].label(lang)]
        for step, node in zip(self.steps, self.nodes[1:], strict=True):
            label = step.label_en if lang == "en" else step.label_zh
            parts.append(f" —{label}→ " if step.forward else f" ←{label}— ")
            parts.append(node.label(lang))
        return "".join(parts)


@dataclass(frozen=True)
class PathReport(Serialisable):
    source: Ref
    target: Ref
    connected: bool
    shortest_length: int | None
    shortest: list[Chain]
    paths: list[Chain]
    max_length: int

    def message(self, lang: str = "zh") -> str:
        if self.connected:
            return ""
        a, b = self.source.label(lang), self.target.label(lang)
        if lang == "en":
            return f"no path between {a} and {b} in the entity graph"
        return f"图中「{a}」与「{b}」之间没有路径"


def _step(p: Prepared, a: str, b: str) -> Step:
    """The edge to show between neighbours: one pointing forward if any, else the inverse."""
    forward = sorted(p.entity[a][b]) if p.entity.has_edge(a, b) else []
    if forward:
        d = p.entity.edges[a, b, forward[0]]
        return Step(d["predicate"], d["label_zh"], d["label_en"], True)
    key = sorted(p.entity[b][a])[0]
    d = p.entity.edges[b, a, key]
    inverse = INVERSE_LABELS.get(URIRef(d["predicate"]))
    if inverse:
        return Step(d["predicate"], inverse[0], inverse[1], True)
    return Step(d["predicate"], d["label_zh"], d["label_en"], False)


def chain(p: Prepared, nodes: list[str]) -> Chain:
    steps = [_step(p, a, b) for a, b in itertools.pairwise(nodes)]
    return Chain([ref(p, n) for n in nodes], steps)


def paths(
    graph: Graph | Prepared,
    source: str,
    target: str,
    max_length: int = 4,
    limit: int = 20,
    through_concepts: bool = True,
) -> PathReport:
    """How two entities (names or IRIs) are connected, edges followed either way: all
    shortest paths, and up to `limit` simple paths of at most `max_length` steps.

    Sharing an industry or a platform type is a weak tie; `through_concepts=False` keeps only
    paths through entities (concepts and divisions may still be the endpoints)."""
    if not 1 <= max_length <= 8:
        raise AnalysisError("max length must be between 1 and 8")
    if limit < 1:
        raise AnalysisError("limit must be at least 1")
    p = prepare(graph)
    a, b = p.resolve(source), p.resolve(target)
    if a == b:
        raise AnalysisError("source and target are the same entity / 起点与终点相同")
    u = undirected(p.entity)
    if not through_concepts:
        weak = [
            n
            for n, d in p.entity.nodes(data=True)
            if d["category"] in ("concept", "division") and n not in (a, b)
        ]
        u.remove_nodes_from(weak)
    if not nx.has_path(u, a, b):
        return PathReport(ref(p, a), ref(p, b), False, None, [], [], max_length)
    shortest_nodes = sorted(itertools.islice(nx.all_shortest_paths(u, a, b), MAX_PATHS_EXAMINED))
    shortest = [chain(p, ns) for ns in shortest_nodes[:limit]]
    found = list(
        itertools.islice(nx.all_simple_paths(u, a, b, cutoff=max_length), MAX_PATHS_EXAMINED)
    )
    found.sort(key=lambda ns: (len(ns), [p.entity.nodes[n]["label_zh"] for n in ns], ns))
    return PathReport(
        ref(p, a),
        ref(p, b),
        True,
        len(shortest_nodes[0]) - 1,
        shortest,
        [chain(p, ns) for ns in found[:limit]],
        max_length,
    )


# --------------------------------------------------------------------------- ego networks


@dataclass(frozen=True)
class EgoReport(Serialisable):
    center: Ref
    radius: int
    #: Neighbours by distance: {"1": [...], "2": [...]} (string keys, as JSON has them).
    rings: dict[str, list[Ref]]
    links: list[Link]


def ego(graph: Graph | Prepared, entity: str, radius: int = 1) -> EgoReport:
    if not 1 <= radius <= 4:
        raise AnalysisError("radius must be between 1 and 4")
    p = prepare(graph)
    c = p.resolve(entity)
    dist = nx.single_source_shortest_path_length(undirected(p.entity), c, cutoff=radius)
    rings: dict[str, list[Ref]] = {}
    for d in range(1, radius + 1):
        rings[str(d)] = sorted_refs(p, [n for n, k in dist.items() if k == d])
    inside = set(dist)
    links = [
        link(p, a, b, k)
        for a, b, k in sorted(p.entity.edges(keys=True))
        if a in inside and b in inside
    ]
    return EgoReport(ref(p, c), radius, rings, links)


# --------------------------------------------------------------------------- similarity


def jaccard(a: set[Any] | frozenset[Any], b: set[Any] | frozenset[Any]) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets are not similar (0.0), not undefined."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


@dataclass(frozen=True)
class SimilarPair(Serialisable):
    a: Ref
    b: Ref
    jaccard: float
    shared: list[Ref]
    only_a: int
    only_b: int


def _nested(tree: nx.DiGraph[str], a: str, b: str) -> bool:
    return a in tree and b in tree and (nx.has_path(tree, a, b) or nx.has_path(tree, b, a))


def industry_profiles(graph: Graph | Prepared) -> dict[str, frozenset[str]]:
    """Industries of each zone and park: its own, and those of everything placed in it."""
    p = prepare(graph)
    tree = containment_tree(p)
    places = [
        n
        for n in p.entity
        if p.vocab.is_a(URIRef(n), ZG.DevelopmentZone) or p.vocab.is_a(URIRef(n), ZG.Park)
    ]
    out = {}
    for place in sorted(places):
        inside = {place} | (set(nx.descendants(tree, place)) if place in tree else set())
        out[place] = frozenset(r.iri for r in industries_of(p, place, inside))
    return out


def similar(
    graph: Graph | Prepared,
    entity: str | None = None,
    top: int = 10,
    min_shared: int = 1,
    include_nested: bool = False,
) -> list[SimilarPair]:
    """The most similar pairs of zones and parks by industry (Jaccard), or, given `entity`,
    the places most similar to it. A zone inherits its parks' industries, so a zone and its
    own park look alike for no news; such nested pairs are left out unless asked for."""
    if top < 1:
        raise AnalysisError("top must be at least 1")
    p = prepare(graph)
    profiles = industry_profiles(p)
    tree = containment_tree(p)
    pairs: Iterable[tuple[str, str]]
    if entity is not None:
        e = p.resolve(entity)
        if e not in profiles:
            raise AnalysisError(f"{ref(p, e).label_zh} is not a zone or park / 不是开发区或园区")
        pairs = ((e, other) for other in profiles if other != e)
    else:
        pairs = itertools.combinations(sorted(profiles), 2)
    found = []
    for a, b in pairs:
        shared = profiles[a] & profiles[b]
        if len(shared) < min_shared or (not include_nested and _nested(tree, a, b)):
            continue
        found.append(
            SimilarPair(
                ref(p, a),
                ref(p, b),
                round(jaccard(profiles[a], profiles[b]), 6),
                sorted_refs(p, shared),
                len(profiles[a] - shared),
                len(profiles[b] - shared),
            )
        )
    found.sort(
        key=lambda s: (-s.jaccard, -len(s.shared), s.a.label_zh, s.b.label_zh, s.a.iri, s.b.iri)
    )
    return found[:top]


__all__ = [
    "Chain",
    "EgoReport",
    "PathReport",
    "SimilarPair",
    "Step",
    "chain",
    "ego",
    "industry_profiles",
    "jaccard",
    "paths",
    "similar",
]
