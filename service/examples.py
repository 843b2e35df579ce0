"""Example queries offered on the home page and in the editor, one click from a result table.

They use the prefixes every query gets (graph.namespaces.PREFIXES), so they stay short; a test
runs each one against the shipped data and requires at least one row.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from graph.namespaces import PREFIXES


@dataclass(frozen=True)
class Example:
    slug: str
    title_zh: str
    title_en: str
    query: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


EXAMPLES: tuple[Example, ...] = (
    Example(
        "classes",
        "各类实体数量",
        "Entities by class",
        """SELECT ?class ?label (COUNT(DISTINCT ?entity) AS ?count)
WHERE {
  GRAPH <https://w3id.org/zonegraph/graph/data> { ?entity a ?class }
  OPTIONAL { ?class rdfs:label ?label FILTER(LANG(?label) = "zh") }
}
GROUP BY ?class ?label
ORDER BY DESC(?count)""",
    ),
    Example(
        "parks",
        "园区及其所在开发区",
        "Parks and the zones they lie in",
        """SELECT ?park ?parkName ?zone ?zoneName
WHERE {
  ?park a zg:Park ; rdfs:label ?parkName .
  FILTER(LANG(?parkName) = "zh")
  OPTIONAL {
    ?park schema:containedInPlace ?zone .
    ?zone rdfs:label ?zoneName FILTER(LANG(?zoneName) = "zh")
  }
}
ORDER BY ?zoneName ?parkName""",
    ),
    Example(
        "figures",
        "统计数字：数值、单位、比较符与时期",
        "Figures: value, unit, comparator and period",
        """SELECT ?subjectName ?indicatorName ?value ?unit ?comparator ?period ?verbatim
WHERE {
  ?obs a zg:Observation ;
       zg:indicator ?indicator ;
       sdmx-measure:obsValue ?value ;
       zg:verbatim ?verbatim .
  { ?obs sdmx-dimension:refArea ?subject } UNION { ?obs zg:subjectOf ?subject }
  ?subject rdfs:label ?subjectName FILTER(LANG(?subjectName) = "zh")
  ?indicator skos:prefLabel ?indicatorName FILTER(LANG(?indicatorName) = "zh")
  OPTIONAL { ?obs sdmx-attribute:unitMeasure ?u .
             ?u skos:prefLabel ?unit FILTER(LANG(?unit) = "zh") }
  OPTIONAL { ?obs zg:comparator ?c .
             ?c skos:prefLabel ?comparator FILTER(LANG(?comparator) = "zh") }
  OPTIONAL { ?obs sdmx-dimension:refPeriod ?p . ?p rdfs:label ?period FILTER(LANG(?period) = "zh") }
}
ORDER BY ?subjectName ?indicatorName
LIMIT 200""",
    ),
    Example(
        "sources",
        "事实及其来源句子",
        "Facts with the sentence they come from",
        """SELECT ?subject ?predicate ?object ?sentence
WHERE {
  GRAPH <https://w3id.org/zonegraph/graph/provenance> {
    ?st a rdf:Statement ;
        rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object ;
        prov:wasDerivedFrom ?quote .
    ?quote oa:exact ?sentence .
  }
  FILTER(?predicate != rdfs:label && ?predicate != rdf:type)
}
LIMIT 100""",
    ),
    Example(
        "members",
        "「三城一岛」等命名组合的成员",
        "Members of named groupings such as 「三城一岛」",
        """SELECT ?groupingName ?memberName
WHERE {
  ?grouping a zg:NamedGrouping ; rdfs:label ?groupingName ; zg:hasMember ?member .
  ?member rdfs:label ?memberName .
  FILTER(LANG(?groupingName) = "zh" && LANG(?memberName) = "zh")
}
ORDER BY ?groupingName ?memberName""",
    ),
)


_PREFIXED = re.compile(r"(?<![\w<#/:-])([A-Za-z][\w-]*):(?=[\w<])")


def with_prefixes(query: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """The query with PREFIX lines for the known prefixes it uses and does not declare.

    The endpoint knows these prefixes anyway; declaring them makes a copied query portable to
    any other SPARQL engine, and the editor folds the block away.
    """
    declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):", query)}
    used = {m for m in _PREFIXED.findall(re.sub(r"<[^>]*>|\"[^\"]*\"", "", query))}
    lines = [
        f"PREFIX {p}: <{iri}>"
        for p, iri in prefixes.items()
        if p in used and p.lower() not in declared
    ]
    return "\n".join(lines) + ("\n\n" if lines else "") + query
