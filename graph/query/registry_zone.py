"""The registry facts of one zone and every source behind them, for the zone's page.

The generic entity page lists a zone's triples one by one; a reader of a registry zone wants
them as answers instead: its GB/T 37028-2018 code, type and level, the divisions it lies in,
the NBS statistical unit it is, what changed since 2018, and, per source, what that source
supports — the row of the standard, an official document cited by number, a curator's
assertion with its rationale, or the sentences of the articles. Provenance comes in two
shapes (reified statements, and one zg:StatementGroup per registry-only zone), both read here.
Rows come through a `select` callable (SPARQL text → rows of strings), so any backend answers.
"""

from __future__ import annotations

from typing import Any

from rdflib import URIRef

from graph import dates
from graph.labels import short_name
from graph.namespaces import PROVENANCE_GRAPH, prefix_header
from graph.query.describe import local_path
from graph.query.registry_counts import Select, zone_filter

_FACTS = """
SELECT ?code ?type ?tcode ?tzh ?ten ?level ?lzh ?len ?origin ?ozh ?oen WHERE {
  %(z)s skos:notation ?code ; zg:zoneType ?type .
  FILTER (DATATYPE(?code) = zg:GBT37028Code)
  ?type skos:notation ?tcode ; skos:prefLabel ?tzh , ?ten .
  FILTER (LANG(?tzh) = "zh" && LANG(?ten) = "en")
  OPTIONAL { %(z)s zg:zoneLevel ?level . ?level skos:prefLabel ?lzh , ?len .
             FILTER (LANG(?lzh) = "zh" && LANG(?len) = "en") }
  OPTIONAL { %(z)s zg:englishNameOrigin ?origin . ?origin skos:prefLabel ?ozh , ?oen .
             FILTER (LANG(?ozh) = "zh" && LANG(?oen) = "en") }
}
"""

_PLACES = """
SELECT ?role ?d ?code ?zh ?en WHERE {
  VALUES (?role ?p) { ("province" zg:inProvince) ("division" zg:inDivision)
                      ("statistical-unit" zg:statisticalUnit) }
  %(z)s ?p ?d . ?d skos:notation ?code ; rdfs:label ?zh .
  FILTER (LANG(?zh) = "zh")
  OPTIONAL { ?d rdfs:label ?en FILTER (LANG(?en) = "en") }
}
"""

_EVENTS = """
SELECT ?e ?zh ?en ?date ?precision ?before ?after WHERE {
  ?e a zg:StatusChange ; zg:subject %(z)s ; rdfs:label ?zh , ?en ; zg:date ?date .
  OPTIONAL { ?e zg:datePrecision ?precision }
  FILTER (LANG(?zh) = "zh" && LANG(?en) = "en")
  OPTIONAL { ?e zg:typeBefore/skos:notation ?before }
  OPTIONAL { ?e zg:typeAfter/skos:notation ?after }
} ORDER BY ?date
"""

_NOT_LISTED = "SELECT ?table WHERE { %(z)s zg:notListedIn ?table }"

# The statements about the zone (as subject or object, reified or grouped) and what each is
# derived from; %(more)s adds the kind-specific pattern on ?ev.
_STATED = """
SELECT DISTINCT ?ev ?p %(vars)s WHERE {
  GRAPH <%(prov)s> {
    { ?st rdf:subject %(z)s ; rdf:predicate ?p } UNION { ?st rdf:object %(z)s ; rdf:predicate ?p }
    UNION { ?st a zg:StatementGroup ; rdf:subject %(z)s ; zg:predicate ?p }
    ?st prov:wasDerivedFrom ?ev .
  }
  %(more)s
}
"""

_KINDS: dict[str, tuple[str, str]] = {
    "table-row": (
        "?key ?row ?tzh ?ten ?issued ?iprec",
        """?ev a zg:TableRow ; zg:rowKey ?key ; zg:rowNumber ?row ; zg:inTable ?t .
  ?t rdfs:label ?tzh , ?ten . FILTER (LANG(?tzh) = "zh" && LANG(?ten) = "en")
  OPTIONAL { ?t dcterms:issued ?issued OPTIONAL { ?t zg:datePrecision ?iprec } }""",
    ),
    "document": (
        "?number ?issued ?iprec ?zh ?en ?pzh ?pen",
        """?ev a zg:OfficialDocument ; zg:documentNumber ?number .
  OPTIONAL { ?ev dcterms:issued ?issued OPTIONAL { ?ev zg:datePrecision ?iprec } }
  OPTIONAL { ?ev rdfs:label ?zh FILTER (LANG(?zh) = "zh") }
  OPTIONAL { ?ev rdfs:label ?en FILTER (LANG(?en) = "en") }
  OPTIONAL { ?ev dcterms:publisher ?pub . ?pub rdfs:label ?pzh FILTER (LANG(?pzh) = "zh")
             OPTIONAL { ?pub rdfs:label ?pen FILTER (LANG(?pen) = "en") } }""",
    ),
    "curator": (
        "?zh ?en ?bzh ?ben",
        """?ev a zg:CuratorAssertion .
  OPTIONAL { ?ev zg:rationale ?zh FILTER (LANG(?zh) = "zh") }
  OPTIONAL { ?ev zg:rationale ?en FILTER (LANG(?en) = "en") }
  OPTIONAL { ?ev zg:basis ?b . ?b skos:prefLabel ?bzh , ?ben .
             FILTER (LANG(?bzh) = "zh" && LANG(?ben) = "en") }""",
    ),
    "quote": (
        "?exact ?doc ?dzh ?line ?start",
        """?ev a zg:SourceQuote ; oa:exact ?exact ; zg:inDocument ?doc .
  OPTIONAL { ?ev zg:lineNumber ?line }
  OPTIONAL { ?ev zg:startOffset ?start }
  OPTIONAL { ?doc rdfs:label ?dzh }""",
    ),
}


def _ref(iri: str) -> str:
    if any(c in iri for c in '<>"{}|^`\\ '):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def _ask(select: Select, query: str, iri: str, **extra: str) -> list[dict[str, str]]:
    return select(prefix_header() + query % {"z": _ref(iri), "prov": PROVENANCE_GRAPH, **extra})


def _place(row: dict[str, str]) -> dict[str, str]:
    return {
        "iri": row["d"],
        "href": local_path(row["d"]) or row["d"],
        "code": row["code"],
        "label_zh": row["zh"],
        "label_en": row.get("en", ""),
    }


def sources(select: Select, iri: str) -> dict[str, list[dict[str, Any]]]:
    """Every source of the facts about `iri`, by kind, each with the predicates it supports."""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, (fields, more) in _KINDS.items():
        by_ev: dict[str, dict[str, Any]] = {}
        for row in _ask(select, _STATED, iri, vars=fields, more=more):
            item = by_ev.setdefault(
                row["ev"],
                {
                    "iri": row["ev"],
                    "href": local_path(row["ev"]) or row["ev"],
                    **{k: v for k, v in row.items() if k not in ("ev", "p")},
                    "supports": [],
                },
            )
            for k, v in row.items():  # an OPTIONAL bound in another row only
                if k not in ("ev", "p"):
                    item.setdefault(k, v)
            name = short_name(URIRef(row["p"]))
            if name not in item["supports"]:
                item["supports"].append(name)
        items = list(by_ev.values())
        for item in items:
            item["supports"].sort()
            if "issued" in item:  # as much of the date as the source states (2018, not 2018-01-01)
                item["issued"] = (
                    dates.display(item["issued"], item.pop("iprec", None)) or item["issued"]
                )
        if kind == "quote":
            items.sort(key=lambda q: (q.get("doc", ""), int(q.get("start", "0") or 0)))
            for q in items:
                q["doc_href"] = local_path(q["doc"]) or q["doc"]
        else:
            items.sort(key=lambda s: str(s.get("key", s.get("number", s["iri"]))))
        out[kind] = items
    return out


def zone_registry(select: Select, iri: str) -> dict[str, Any] | None:
    """The registry section of a zone's page, or None for anything that is no zone of the
    2018 table and not one of the article zones the table lacks."""
    facts = _ask(select, _FACTS, iri)
    not_listed = _ask(select, _NOT_LISTED, iri)
    if not facts and not not_listed:
        return None
    places: dict[str, list[dict[str, str]]] = {}
    for row in _ask(select, _PLACES, iri):
        places.setdefault(row["role"], []).append(_place(row))
    province = places.get("province", [])
    # the table's city first (广州市 4401), then finer divisions the articles add (黄埔区 440112)
    division = sorted(
        (d for d in places.get("division", []) if d not in province),
        key=lambda d: (len(d["code"]), d["code"]),
    )
    section: dict[str, Any] = {
        "listed": bool(facts),
        "table": not_listed[0]["table"] if not_listed else None,
        "province": province[0] if province else None,
        "division": division[0] if division else None,
        "divisions": division,
        "statistical_unit": next(iter(places.get("statistical-unit", [])), None),
        "events": [
            {
                "iri": e["e"],
                "href": local_path(e["e"]) or e["e"],
                "label_zh": e["zh"],
                "label_en": e["en"],
                "date": dates.display(e["date"], e.get("precision")) or e["date"],
                "type_before": e.get("before", ""),
                "type_after": e.get("after", ""),
            }
            for e in _ask(select, _EVENTS, iri)
        ],
        "sources": sources(select, iri),
    }
    if facts:
        f = facts[0]
        section.update(
            {
                "code": f["code"],
                "type": {"code": f["tcode"], "label_zh": f["tzh"], "label_en": f["ten"]},
                "level": {"label_zh": f.get("lzh", ""), "label_en": f.get("len", "")},
                "english_origin": {"label_zh": f.get("ozh", ""), "label_en": f.get("oen", "")},
                "english_generated": f.get("origin", "").endswith("/generated"),
            }
        )
    return section


_LIST_GRAPH = """
CONSTRUCT {
  ?z a ?cls ; skos:notation ?code ; rdfs:label ?label ; zg:zoneType ?type ; zg:zoneLevel ?level ;
     zg:inProvince ?province ; zg:inDivision ?division ; zg:statisticalUnit ?unit ;
     zg:englishNameOrigin ?origin .
} WHERE {
  ?z zg:zoneType ?type ; skos:notation ?code .
  FILTER (DATATYPE(?code) = zg:GBT37028Code)
  %s
  ?z a ?cls ; rdfs:label ?label ; zg:inProvince ?province ; zg:inDivision ?division .
  OPTIONAL { ?z zg:zoneLevel ?level }
  OPTIONAL { ?z zg:statisticalUnit ?unit }
  OPTIONAL { ?z zg:englishNameOrigin ?origin }
}
"""


def list_query(kind: str, code: str) -> str:
    """CONSTRUCT of a registry list as linked data: each zone with its registry facts (the
    zone's own IRI tells the rest, provenance included)."""
    return prefix_header() + _LIST_GRAPH % zone_filter(kind, code)
