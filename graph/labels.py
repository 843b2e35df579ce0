"""Which Chinese and English label a node shows: one table for reused terms, one chooser.

The ontology labels its own terms, but pages, analyses and counts also show schema.org, SKOS,
ORG, SDMX, PROV, RDF and Dublin Core terms, whose published labels are English only and not in
the store. Without this table a page would show `schema:containedInPlace` where a reader
expects 「位于」. Before, two tables disagreed on 7 of the 16 terms they shared; this is the one.

`choose` is the rule every caller applies (Labeller over an rdflib graph, the page view over
rows from a backend): for each language, the strongest naming predicate that has a literal in
that language wins and its lexically first literal is taken; a missing language falls back to
this table, then to the other language, then to the prefixed or local name.

A Chinese label standing in for a missing English one is never silent: `choose` returns it as
an `Untranslated` string, which compares and prints as the Chinese label but tells templates
(the `untranslated` test) and JSON writers (`label_en_untranslated`) to mark it so that an
English reader sees that no English label exists (GB/T 4754 groups and classes, for example).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from rdflib import RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.namespaces import ORG, PREFIXES, ROV, SCHEMA, SDMX_ATTR, SDMX_DIM, SDMX_MEAS

#: Predicates whose literal objects name a node, strongest first.
PREFERRED_LABELS = (RDFS.label, SKOS.prefLabel, SCHEMA.name)
ALTERNATE_LABELS = (SKOS.altLabel, SCHEMA.alternateName, SKOS.hiddenLabel)

_RDF = PREFIXES["rdf"]
_SKOS = PREFIXES["skos"]
_DCT = PREFIXES["dcterms"]
_PROV = PREFIXES["prov"]

#: (zh, en) for reused vocabulary terms that the store does not label.
TERM_LABELS: dict[str, tuple[str, str]] = {
    _RDF + "type": ("类型", "type"),
    _RDF + "first": ("列表首项", "first item"),
    _RDF + "rest": ("列表其余", "rest of list"),
    _RDF + "subject": ("主语", "subject"),
    _RDF + "predicate": ("谓词", "predicate"),
    _RDF + "object": ("宾语", "object"),
    _RDF + "Statement": ("陈述", "statement"),
    _SKOS + "Concept": ("概念", "concept"),
    _SKOS + "ConceptScheme": ("概念体系", "concept scheme"),
    _SKOS + "prefLabel": ("首选名称", "preferred label"),
    _SKOS + "altLabel": ("别名", "alternative label"),
    _SKOS + "definition": ("定义", "definition"),
    _SKOS + "notation": ("代码", "notation"),
    _SKOS + "note": ("注释", "note"),
    _SKOS + "scopeNote": ("范围说明", "scope note"),
    _SKOS + "editorialNote": ("编辑说明", "editorial note"),
    _SKOS + "inScheme": ("所属体系", "in scheme"),
    _SKOS + "topConceptOf": ("顶层概念于", "top concept of"),
    _SKOS + "broader": ("上位概念", "broader"),
    _SKOS + "narrower": ("下位概念", "narrower"),
    _SKOS + "related": ("相关", "related"),
    _SKOS + "broadMatch": ("上位映射", "broad match"),
    _SKOS + "closeMatch": ("近似映射", "close match"),
    _SKOS + "exactMatch": ("精确映射", "exact match"),
    _SKOS + "relatedMatch": ("相关映射", "related match"),
    _DCT + "isPartOf": ("属于", "is part of"),
    _DCT + "hasPart": ("包括", "has part"),
    _DCT + "language": ("语言", "language"),
    _DCT + "relation": ("相关", "relation"),
    _DCT + "source": ("来源", "source"),
    _DCT + "title": ("标题", "title"),
    _PROV + "wasDerivedFrom": ("来源于", "derived from"),
    str(SDMX_ATTR.unitMeasure): ("单位", "unit of measure"),
    str(SDMX_DIM.refArea): ("统计区域", "reference area"),
    str(SDMX_DIM.refPeriod): ("统计时期", "reference period"),
    str(SDMX_MEAS.obsValue): ("数值", "value"),
    str(ORG.Site): ("场所", "site"),
    str(ORG.hasSite): ("拥有场所", "has site"),
    str(ORG.holds): ("担任", "holds"),
    # A post is in an organisation (the post's relation, not the person's): 所属机构.
    str(ORG.postIn): ("所属机构", "post in"),
    str(ORG.memberOf): ("成员于", "member of"),
    str(ORG.linkedTo): ("关联", "linked to"),
    str(ORG.subOrganizationOf): ("隶属于", "sub-organisation of"),
    str(ROV.legalName): ("法定名称", "legal name"),
    str(SCHEMA.CreativeWorkSeries): ("系列作品", "creative work series"),
    str(SCHEMA.NewsArticle): ("新闻报道", "news article"),
    str(SCHEMA.Place): ("地点", "place"),
    str(SCHEMA.Project): ("项目", "project"),
    str(SCHEMA.MonetaryAmount): ("金额", "monetary amount"),
    str(SCHEMA.ImageObject): ("图片", "image"),
    str(SCHEMA.QuantitativeValue): ("数量值", "quantitative value"),
    str(SCHEMA.about): ("关于", "about"),
    str(SCHEMA.alternativeHeadline): ("副标题", "alternative headline"),
    str(SCHEMA.articleSection): ("栏目", "article section"),
    str(SCHEMA.author): ("作者", "author"),
    str(SCHEMA.containedInPlace): ("位于", "contained in place"),
    str(SCHEMA.containsPlace): ("包含", "contains"),
    str(SCHEMA.contractor): ("承办方", "contractor"),
    str(SCHEMA.contributor): ("参与者", "contributor"),
    str(SCHEMA.description): ("描述", "description"),
    str(SCHEMA.headline): ("标题", "headline"),
    str(SCHEMA.isPartOf): ("属于", "is part of"),
    str(SCHEMA.location): ("位于", "location"),
    str(SCHEMA.manufacturer): ("制造方", "manufacturer"),
    str(SCHEMA.position): ("位置", "position"),
    str(SCHEMA.publisher): ("出版者", "publisher"),
    str(SCHEMA.superEvent): ("上级活动", "super event"),
    str(SCHEMA.unitCode): ("单位代码", "unit code"),
    str(SCHEMA.unitText): ("单位", "unit"),
    str(SCHEMA.value): ("值", "value"),
}


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


def short_name(node: Node) -> str:
    """The name shown where a node has no label: prefixed name, else the IRI's last part."""
    if isinstance(node, URIRef):
        return prefixed(str(node)) or local_name(str(node))
    if isinstance(node, BNode):
        return "_:" + str(node)
    return str(node)


class Untranslated(str):
    """A Chinese label shown where an English one is wanted because the node has none."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type[Untranslated], tuple[str]]:
        return (Untranslated, (str(self),))


def is_untranslated(label: object) -> bool:
    """Whether an English label is the Chinese one standing in (see `Untranslated`)."""
    return isinstance(label, Untranslated)


def choose(node: Node, named: Iterable[tuple[Node, Literal]]) -> tuple[str, str]:
    """(zh, en) for `node` from its (naming predicate, literal) pairs; see the module doc."""
    if isinstance(node, Literal):
        return str(node), str(node)
    by_pred: dict[Node, list[Literal]] = {}
    for pred, lit in named:
        by_pred.setdefault(pred, []).append(lit)

    def first(wanted: str) -> str:
        for pred in PREFERRED_LABELS:
            found = sorted(str(x) for x in by_pred.get(pred, []) if _lang(x) == wanted)
            if found:
                return found[0]
        return ""

    zh, en, plain = first("zh"), first("en"), first("")
    term = TERM_LABELS.get(str(node)) if isinstance(node, URIRef) else None
    if term is not None:
        zh, en = zh or term[0], en or term[1]
    fallback = plain or short_name(node)
    return zh or en or fallback, en or (Untranslated(zh) if zh else fallback)


def _lang(lit: Literal) -> str:
    return (lit.language or "").lower().split("-")[0]


class Labeller:
    """Chooses one zh and one en label per node of an rdflib graph, with the shipped ontology
    as a fallback: a data-only graph has no labels for predicates and classes."""

    def __init__(self, graph: Graph, use_ontology: bool = True) -> None:
        self.graph = graph
        self._fallback = ontology_graph() if use_ontology else None
        self._cache: dict[Node, tuple[str, str]] = {}

    def labels(self, node: Node) -> tuple[str, str]:
        """(zh, en) of `node`, chosen as `choose` does."""
        hit = self._cache.get(node)
        if hit is None:
            pairs = list(_named(self.graph, node))
            if self._fallback is not None and not _has_both(pairs):
                pairs += _named(self._fallback, node)
            hit = self._cache[node] = choose(node, pairs)
        return hit

    def label(self, node: Node, lang: str = "zh") -> str:
        zh, en = self.labels(node)
        return en if lang == "en" else zh


def _named(graph: Graph, node: Node) -> list[tuple[Node, Literal]]:
    return [
        (pred, lit)
        for pred in PREFERRED_LABELS
        for lit in graph.objects(node, pred)
        if isinstance(lit, Literal)
    ]


def _has_both(pairs: list[tuple[Node, Literal]]) -> bool:
    langs = {_lang(lit) for _, lit in pairs}
    return "zh" in langs and "en" in langs


@cache
def ontology_graph() -> Graph:
    """The shipped ontology, read once: it is package data and never changes while running."""
    from graph.build import load_ontology

    return load_ontology()


def mark_untranslated(value: Any) -> Any:
    """A JSON-ready copy of `value` where every dict whose `label_en` (or `en`) is an
    `Untranslated` stand-in also says so (`label_en_untranslated: true`): JSON has no string
    subclasses, and a client must be able to tell a Chinese stand-in from an English name."""
    if isinstance(value, dict):
        out = {k: mark_untranslated(v) for k, v in value.items()}
        for key in ("label_en", "en"):
            if is_untranslated(value.get(key)):
                out[f"{key}_untranslated"] = True
        return out
    if isinstance(value, (list, tuple)):
        return [mark_untranslated(v) for v in value]
    return value
