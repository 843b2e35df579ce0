"""Counts that describe a dataset: what the home page, VoID and `zonegraph stats` report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from graph.labels import TERM_LABELS
from graph.namespaces import DATA_GRAPH, NAMED_GRAPHS, PREFIXES, PROVENANCE_GRAPH
from graph.query import shorten

_CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) (SAMPLE(?zh) AS ?label_zh) (SAMPLE(?en) AS ?label_en)
WHERE {
  GRAPH <%s> { ?s a ?class }
  OPTIONAL { ?class rdfs:label ?zh FILTER(lang(?zh) = "zh") }
  OPTIONAL { ?class rdfs:label ?en FILTER(lang(?en) = "en") }
}
GROUP BY ?class ORDER BY DESC(?n) ?class
"""


#: What "entities" means everywhere (stats, the home page, VoID): distinct IRIs that have a
#: type in the data graph. Blank nodes (lists, amounts) are structure, not entities; the
#: ontology, reference and provenance graphs describe terms, divisions and sources.
ENTITIES = f"""
SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{DATA_GRAPH}> {{ ?s a ?c FILTER(isIRI(?s)) }} }}
"""
ENTITIES_MEANING = (
    "实体：数据图中有类型的 IRI（不含空白节点、本体、参考数据与来源）",
    "entities: IRIs with a type in the data graph (no blank nodes, ontology terms, "
    "reference data or sources)",
)
#: A SELECT runner returning rows of lexical values: an Oxigraph store or a query backend.
Select = Callable[[str], list[dict[str, str]]]


def count_entities(select: Select) -> int:
    """The one entity count (see ENTITIES)."""
    rows = select(ENTITIES)
    return int(rows[0]["n"]) if rows and rows[0].get("n") else 0


def store_select(store: ox.Store) -> Select:
    """`Select` over an Oxigraph store (default graph = union, project prefixes)."""

    def select(text: str) -> list[dict[str, str]]:
        results = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
        assert isinstance(results, ox.QuerySolutions)
        names = [v.value for v in results.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in results]

    return select


@dataclass
class ClassCount:
    iri: str
    name: str
    label_zh: str
    label_en: str
    count: int


_ZONE_COUNTS = """
SELECT ?type ?code ?type_zh ?type_en ?level ?level_zh ?level_en (COUNT(DISTINCT ?z) AS ?n)
WHERE {
  ?z zg:zoneType ?type ; zg:zoneLevel ?level .
  ?type skos:notation ?code ; skos:prefLabel ?type_zh , ?type_en .
  ?level skos:prefLabel ?level_zh , ?level_en .
  FILTER (lang(?type_zh) = "zh" && lang(?type_en) = "en")
  FILTER (lang(?level_zh) = "zh" && lang(?level_en) = "en")
}
GROUP BY ?type ?code ?type_zh ?type_en ?level ?level_zh ?level_en ORDER BY ?code ?level
"""


@dataclass
class ZoneCount:
    """Registry zones of one GB/T 37028 type (as of 2018) at one level (latest known)."""

    type_code: str
    type_zh: str
    type_en: str
    level: str
    level_zh: str
    level_en: str
    count: int


@dataclass
class Stats:
    triples: int = 0
    graphs: dict[str, int] = field(default_factory=dict)
    classes: list[ClassCount] = field(default_factory=list)
    entities: int = 0
    facts: int = 0
    quotes: int = 0
    sources: int = 0
    zones: list[ZoneCount] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(store: ox.Store, query: str) -> int:
    results = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
    assert isinstance(results, ox.QuerySolutions)
    for row in results:
        value = row[0]
        return int(value.value) if isinstance(value, ox.Literal) else 0
    return 0


def compute(store: ox.Store) -> Stats:
    """Count triples per graph, entities per class, facts (reified statements), quotes, sources."""
    st = Stats()
    for g in NAMED_GRAPHS:
        n = _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
        if n:
            st.graphs[str(g).rsplit("/", 1)[-1]] = n
    st.triples = len(store)
    results = store.query(
        _CLASS_COUNTS % DATA_GRAPH, prefixes=PREFIXES, use_default_graph_as_union=True
    )
    assert isinstance(results, ox.QuerySolutions)
    for row in results:
        cls, n, zh, en = row[0], row[1], row[2], row[3]
        assert isinstance(cls, ox.NamedNode) and isinstance(n, ox.Literal)
        reused = TERM_LABELS.get(cls.value, ("", ""))
        st.classes.append(
            ClassCount(
                iri=cls.value,
                name=shorten(cls),
                label_zh=zh.value if isinstance(zh, ox.Literal) else reused[0],
                label_en=en.value if isinstance(en, ox.Literal) else reused[1],
                count=int(n.value),
            )
        )
    st.entities = count_entities(store_select(store))
    st.facts = _count(
        store,
        f"SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE {{ GRAPH <{PROVENANCE_GRAPH}> "
        "{ ?st a rdf:Statement } }",
    )
    st.quotes = _count(store, "SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a zg:SourceQuote }")
    st.sources = _count(store, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a zg:SourceDocument }")
    st.zones = zone_counts(store)
    return st


def zone_counts(store: ox.Store) -> list[ZoneCount]:
    """Registry zones by type (GB/T 37028-2018) and level, in type-code order."""
    results = store.query(_ZONE_COUNTS, prefixes=PREFIXES, use_default_graph_as_union=True)
    assert isinstance(results, ox.QuerySolutions)
    out = []
    for row in results:
        values = [v.value if isinstance(v, ox.Literal | ox.NamedNode) else "" for v in row]
        out.append(
            ZoneCount(
                values[1],
                values[2],
                values[3],
                shorten(row[4]),
                values[5],
                values[6],
                int(values[7]),
            )
        )
    return out


def render(st: Stats) -> str:
    """The stats as a readable bilingual text report."""
    lines = [
        f"三元组 triples: {st.triples}",
        *(f"  {g}: {n}" for g, n in st.graphs.items()),
        f"实体 entities: {st.entities} ({ENTITIES_MEANING[1].split(': ', 1)[1]})",
        f"事实 facts (statements with provenance): {st.facts}",
        f"引文 quotes: {st.quotes}",
        f"来源 sources: {st.sources}",
        "按类别 by class:",
    ]
    width = max((len(c.name) for c in st.classes), default=0)
    lines += [
        f"  {c.name.ljust(width)}  {c.count:>5}  {c.label_zh} / {c.label_en}".rstrip(" /")
        for c in st.classes
    ]
    if st.zones:
        total = sum(z.count for z in st.zones)
        lines.append(f"功能区 按类型与级别 registry zones by type and level: {total}")
        lines += [
            f"  {z.type_code} {z.type_zh} / {z.type_en} · {z.level_zh} / {z.level_en}: {z.count}"
            for z in st.zones
        ]
    return "\n".join(lines)
