"""What analyses return: entity references and links as plain, JSON-ready dataclasses.

Shared by graph.analysis and graph.analysis.connections so that every result names entities the same
way (IRI, zh and en labels, class) and serialises with `to_dict()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from rdflib import URIRef

from graph.analysis.views import Prepared


@dataclass(frozen=True)
class Ref:
    """An entity as results show it: IRI, labels, class."""

    iri: str
    label_zh: str
    label_en: str
    cls: str = ""

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang == "en" else self.label_zh


def ref(p: Prepared, node: str) -> Ref:
    if node in p.entity:
        d = p.entity.nodes[node]
        return Ref(node, d["label_zh"], d["label_en"], d["class"])
    zh, en = p.vocab.labeller.labels(URIRef(node))
    return Ref(node, zh, en, "")


class Serialisable:
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload, no-any-return]


def sorted_refs(p: Prepared, nodes: Iterable[str]) -> list[Ref]:
    return sorted((ref(p, n) for n in set(nodes)), key=lambda r: (r.label_zh, r.iri))


@dataclass(frozen=True)
class Link(Serialisable):
    source: Ref
    predicate: str
    label_zh: str
    label_en: str
    target: Ref


def link(p: Prepared, a: str, b: str, key: str) -> Link:
    d = p.entity.edges[a, b, key]
    return Link(ref(p, a), d["predicate"], d["label_zh"], d["label_en"], ref(p, b))


def industries_of(p: Prepared, member: str, hosted: set[str]) -> list[Ref]:
    found = {
        b
        for a in ({member} | hosted)
        for _, b, k in p.entity.out_edges(a, keys=True)
        if k == "zg:industry"
    }
    return sorted_refs(p, found)
