"""Analyses at registry scale: the type mix of each province, the provinces alike by it, and
the article's zones among their registry neighbours (the co-location network is in
graph/analysis/registry_network.py).

Everything is read through a `select` callable (SPARQL text → rows of strings), as the
registry pages do (graph/query/registry_counts.py), so the answers are the same on the
embedded store and on a remote engine. Types are the zones' types in the 2018 table
(zg:zoneType), not their later upgrades: 拉萨高新区 counts as a provincial high-tech zone here.
A zone's city is its prefecture-level division, or a county-level city that its province
administers directly (NBS codes xx90xx, e.g. 659001 石河子市); the article zones' own
divisions count too (拉萨高新区 is in 拉萨市 by the article, the table gives no city).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

from graph.errors import UnknownEntityError
from graph.namespaces import prefix_header
from graph.query.registry_counts import zone_types

Select = Callable[[str], list[dict[str, str]]]

#: Where the registry-only zones live; a registry zone elsewhere is one the articles name too.
REGISTRY_ONLY = "/id/zone/gbt37028-"

# Four small queries rather than one with OPTIONALs: each stays far below a server's per-query
# time limit even on a loaded machine, and the rows are joined here by IRI.
_ZONES = """
SELECT ?z ?code ?zh ?tcode ?p ?pcode WHERE {
  ?z zg:zoneType ?type ; skos:notation ?code ; zg:inProvince ?p ; rdfs:label ?zh .
  ?type skos:notation ?tcode .
  ?p skos:notation ?pcode .
  FILTER (DATATYPE(?code) = zg:GBT37028Code && LANG(?zh) = "zh")
}
"""
_ENGLISH = """
SELECT ?z ?en WHERE { ?z zg:zoneType ?type ; rdfs:label ?en FILTER (LANG(?en) = "en") }
"""
_CITIES = """
SELECT ?z ?c ?ccode WHERE {
  ?z zg:zoneType ?type ; zg:inDivision ?c . ?c skos:notation ?ccode .
  FILTER (STRLEN(STR(?ccode)) = 4 || (STRLEN(STR(?ccode)) = 6 && SUBSTR(STR(?ccode), 3, 2) = "90"))
}
"""
_PLACES = """
SELECT DISTINCT ?d ?zh ?en WHERE {
  ?z zg:zoneType ?type ; zg:inDivision ?d . ?d rdfs:label ?zh FILTER (LANG(?zh) = "zh")
  OPTIONAL { ?d rdfs:label ?en FILTER (LANG(?en) = "en") }
}
"""

_NOT_LISTED = """
SELECT ?z ?zh ?en WHERE {
  ?z zg:notListedIn ?table ; rdfs:label ?zh .
  FILTER (LANG(?zh) = "zh")
  OPTIONAL { ?z rdfs:label ?en FILTER (LANG(?en) = "en") }
} ORDER BY ?z
"""


@dataclass(frozen=True)
class Place:
    """A division (province or city) with its code and names."""

    iri: str
    code: str
    label_zh: str
    label_en: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Zone:
    """A registry zone as the analyses need it: code, names, type of 2018, province, city."""

    iri: str
    code: str
    label_zh: str
    label_en: str
    type_code: str
    province: Place
    city: Place | None

    @property
    def in_article(self) -> bool:
        """Whether the zone keeps an article IRI (the articles name it too)."""
        return REGISTRY_ONLY not in self.iri

    def to_dict(self) -> dict[str, object]:
        return dict(self.brief())

    def brief(self) -> dict[str, str]:
        return {
            "iri": self.iri,
            "code": self.code,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "type": self.type_code,
        }


def load_zones(select: Select) -> list[Zone]:
    """Every registry zone, in code order."""
    head = prefix_header()
    english = {r["z"]: r["en"] for r in select(head + _ENGLISH)}
    names: dict[str, tuple[str, str]] = {}
    for r in select(head + _PLACES):
        names.setdefault(r["d"], (r["zh"], r.get("en", "")))
    cities: dict[str, tuple[str, str]] = {}
    for r in sorted(select(head + _CITIES), key=lambda r: (len(r["ccode"]), r["ccode"])):
        cities.setdefault(r["z"], (r["c"], r["ccode"]))

    def place(iri: str, code: str) -> Place:
        zh, en = names.get(iri, (code, ""))
        return Place(iri, code, zh, en)

    seen: dict[str, Zone] = {}
    for r in select(head + _ZONES):
        if r["z"] in seen:
            continue
        city = place(*cities[r["z"]]) if r["z"] in cities else None
        seen[r["z"]] = Zone(
            r["z"],
            r["code"],
            r["zh"],
            english.get(r["z"], ""),
            r["tcode"],
            place(r["p"], r["pcode"]),
            city,
        )
    return sorted(seen.values(), key=lambda z: z.code)


# --- type mix and provinces alike ----------------------------------------------------------


@dataclass(frozen=True)
class ProvinceMix:
    """A province's zones by type: counts, shares of its total, and the total."""

    province: Place
    counts: dict[str, int]
    shares: dict[str, float]
    total: int


@dataclass(frozen=True)
class Likeness:
    """Two provinces and the cosine similarity of their type-share vectors."""

    a: Place
    b: Place
    cosine: float


def type_mix(zones: Iterable[Zone], types: list[str]) -> list[ProvinceMix]:
    """Counts and shares per type of the standard for each province, by province code."""
    by_province: dict[str, Counter[str]] = defaultdict(Counter)
    places: dict[str, Place] = {}
    for z in zones:
        by_province[z.province.code][z.type_code] += 1
        places[z.province.code] = z.province
    out = []
    for code in sorted(by_province):
        counts = by_province[code]
        total = sum(counts.values())
        out.append(
            ProvinceMix(
                places[code],
                {t: counts.get(t, 0) for t in types},
                {t: round(counts.get(t, 0) / total, 6) for t in types},
                total,
            )
        )
    return out


def cosine(u: list[float], v: list[float]) -> float:
    """cos(u, v) = u·v / (|u||v|); 0 when either vector is zero.

    Over type shares this is the same as over counts (cosine ignores a vector's length):
    a province with many zones and one with few are alike when their mixes are."""
    nu, nv = math.sqrt(sum(x * x for x in u)), math.sqrt(sum(x * x for x in v))
    if nu == 0 or nv == 0:
        return 0.0
    return sum(x * y for x, y in zip(u, v, strict=True)) / (nu * nv)


def alike(mix: list[ProvinceMix], top: int = 10, province: str | None = None) -> list[Likeness]:
    """The `top` pairs of provinces most alike by type mix (cosine, highest first; ties by
    codes); with `province` (a code), only the pairs that include it."""
    if province is not None and province not in {m.province.code for m in mix}:
        raise UnknownEntityError(province, [m.province for m in mix])
    pairs = []
    for a, b in combinations(mix, 2):
        if province is not None and province not in (a.province.code, b.province.code):
            continue
        if province is not None and b.province.code == province:
            a, b = b, a
        sim = cosine(list(a.shares.values()), list(b.shares.values()))
        pairs.append(Likeness(a.province, b.province, round(sim, 6)))
    pairs.sort(key=lambda p: (-p.cosine, p.a.code, p.b.code))
    return pairs[:top]


def type_mix_report(
    select: Select, zones: list[Zone] | None = None, top: int = 10, province: str | None = None
) -> dict[str, Any]:
    """The mix table and the most alike pairs, as JSON-ready data."""
    zones = load_zones(select) if zones is None else zones
    types = zone_types(select)
    mix = type_mix(zones, [t["code"] for t in types])
    return {
        "types": [{"code": t["code"], "label_zh": t["zh"], "label_en": t["en"]} for t in types],
        "similarity": "cosine over the vectors of type shares (15 types of GB/T 37028-2018)",
        "provinces": [asdict(m) for m in mix],
        "alike": [asdict(p) for p in alike(mix, top, province)],
    }


# --- the article's zones among their neighbours ----------------------------------------------


def _rank(counts: dict[str, int], key: str) -> int:
    """1 + the number of keys with a strictly larger count (ties share a rank)."""
    return 1 + sum(1 for n in counts.values() if n > counts[key])


def standing(zone: Zone, zones: list[Zone]) -> dict[str, Any]:
    """The zone's registry neighbours (same city, same province and type) and where it
    stands: its place by code among its province's zones of its type, its type's share of
    the province, and the province's rank among provinces for that type."""
    same_city = [z for z in zones if zone.city and z.city == zone.city and z is not zone]
    province = [z for z in zones if z.province == zone.province]
    same_type = [z for z in province if z.type_code == zone.type_code]
    per_province = Counter(z.province.code for z in zones if z.type_code == zone.type_code)
    return {
        "zone": {
            **zone.brief(),
            "province": asdict(zone.province),
            "city": asdict(zone.city) if zone.city else None,
        },
        "same_city": [z.brief() for z in same_city],
        "same_province_and_type": [z.brief() for z in same_type if z is not zone],
        "province_zones": len(province),
        "type_in_province": len(same_type),
        "place_in_type": 1 + [z.code for z in same_type].index(zone.code),
        "type_share_of_province": round(len(same_type) / len(province), 6),
        "type_nationwide": sum(per_province.values()),
        "province_rank_for_type": _rank(dict(per_province), zone.province.code),
        "provinces_with_type": len(per_province),
    }


def article_neighbours(
    select: Select, zones: list[Zone] | None = None, zone: str | None = None
) -> dict[str, Any]:
    """Each article zone that the 2018 table lists, placed among its registry neighbours;
    the article zones it lacks are listed apart (they have no code, type or registry place).
    `zone` (an IRI, code or Chinese name) keeps one of them."""
    zones = load_zones(select) if zones is None else zones
    chosen = [z for z in zones if z.in_article]
    if zone is not None:
        chosen = [z for z in chosen if zone in (z.iri, z.code, z.label_zh, z.label_en)]
        if not chosen:
            raise UnknownEntityError(zone, [z for z in zones if z.in_article])
    not_listed = [
        {"iri": r["z"], "label_zh": r["zh"], "label_en": r.get("en", "")}
        for r in select(prefix_header() + _NOT_LISTED)
    ]
    return {
        "zones": [standing(z, zones) for z in chosen],
        "not_in_registry": not_listed if zone is None else [],
    }
