"""Questions the GB/T 37028-2018 registry answers, as rows any backend can return.

The explorer's registry pages and their JSON twins ask these through a `select` callable
(SPARQL text → rows of strings), so they work the same on the embedded store and on a remote
engine. Counts are by the zone's type in the 2018 table and its province.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from graph.namespaces import BASE, prefix_header

Select = Callable[[str], list[dict[str, str]]]
DIVISION = BASE + "id/division/"
ZONE_TYPE = BASE + "concept/zone-type/"

_TYPES = """
SELECT ?type ?code ?zh ?en WHERE {
  ?type skos:inScheme zg:ZoneTypeScheme ; skos:notation ?code ; skos:prefLabel ?zh , ?en .
  FILTER (LANG(?zh) = "zh" && LANG(?en) = "en")
} ORDER BY ?code
"""

_COUNTS = """
SELECT ?province ?pcode ?zh ?en ?code (COUNT(DISTINCT ?z) AS ?n) WHERE {
  ?z zg:zoneType ?type ; zg:inProvince ?province .
  ?type skos:notation ?code .
  ?province skos:notation ?pcode ; rdfs:label ?zh .
  OPTIONAL { ?province rdfs:label ?en FILTER (LANG(?en) = "en") }
  FILTER (LANG(?zh) = "zh")
} GROUP BY ?province ?pcode ?zh ?en ?code ORDER BY ?pcode ?code
"""

_ZONES = """
SELECT ?z ?code ?zh ?en ?type ?level ?origin WHERE {
  ?z zg:zoneType ?type ; skos:notation ?code ; zg:zoneLevel ?level ; rdfs:label ?zh , ?en ;
     zg:englishNameOrigin ?origin .
  FILTER (DATATYPE(?code) = zg:GBT37028Code && LANG(?zh) = "zh" && LANG(?en) = "en")
  %s
} ORDER BY ?code
"""


def zone_types(select: Select) -> list[dict[str, str]]:
    """The 15 types of the standard, in code order."""
    return select(prefix_header() + _TYPES)


def counts(select: Select) -> dict[str, Any]:
    """Zones by province × type: {types, provinces: [{code, zh, en, counts{type: n}, total}]}."""
    types = zone_types(select)
    provinces: dict[str, dict[str, Any]] = {}
    for row in select(prefix_header() + _COUNTS):
        p = provinces.setdefault(
            row["pcode"],
            {
                "code": row["pcode"],
                "iri": row["province"],
                "label_zh": row["zh"],
                "label_en": row.get("en", ""),
                "counts": {},
                "total": 0,
            },
        )
        p["counts"][row["code"]] = int(row["n"])
        p["total"] += int(row["n"])
    totals = {
        t["code"]: sum(p["counts"].get(t["code"], 0) for p in provinces.values()) for t in types
    }
    return {
        "types": types,
        "provinces": list(provinces.values()),
        "totals": totals,
        "total": sum(totals.values()),
    }


def zone_filter(kind: str, code: str) -> str:
    """The SPARQL pattern that keeps the zones (?z, of type ?type) of one list."""
    if not re.fullmatch(r"[0-9]{2,6}", code):
        raise ValueError(f"not a division or type code: {code!r}")
    if kind == "province":
        return f"?z zg:inProvince <{DIVISION}{code}> ."
    if kind == "city":
        return f"?z zg:inDivision <{DIVISION}{code}> ."
    if kind == "type":
        return f"FILTER (?type = <{ZONE_TYPE}{code}>)"
    raise ValueError(f"unknown list kind {kind!r}")


def zones_in(select: Select, kind: str, code: str) -> list[dict[str, str]]:
    """Zones of a province (kind "province"), a city ("city") or a type ("type")."""
    return select(prefix_header() + _ZONES % zone_filter(kind, code))


_BY_TYPE_AND_LEVEL = """
SELECT ?code ?type_zh ?type_en ?level_zh ?level_en (COUNT(DISTINCT ?z) AS ?n) WHERE {
  ?z zg:zoneType ?type ; zg:zoneLevel ?level .
  ?type skos:notation ?code ; skos:prefLabel ?type_zh , ?type_en .
  ?level skos:prefLabel ?level_zh , ?level_en .
  FILTER (LANG(?type_zh) = "zh" && LANG(?type_en) = "en")
  FILTER (LANG(?level_zh) = "zh" && LANG(?level_en) = "en")
} GROUP BY ?code ?type_zh ?type_en ?level_zh ?level_en ORDER BY ?code ?level_en
"""


def by_type_and_level(select: Select) -> list[dict[str, str]]:
    """Registry zones by type (as of 2018) and level (latest known), for the home page."""
    return select(prefix_header() + _BY_TYPE_AND_LEVEL)
