"""The co-location network of the registry: zones linked through the cities and provinces
they share, as a NetworkX graph and as the files network tools read.

Two forms. The *division* form (default) is a tree: each zone is joined to its city where the
2018 table gives one, else to its province, and each city to its province; two zones are
co-located when they hang from the same node, and a node's degree counts its zones. The
*projected* form joins zones directly: weight 2 when they share a city, 1 when they share
only a province. Over the whole registry that is some 110,000 edges, so the projection is
offered per province or over the zones with a city; the division form is small enough whole.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal

import networkx as nx

from graph import formats
from graph.analysis import network_export
from graph.analysis.registry import Place, Zone
from graph.errors import ExportError, UnknownEntityError

Scope = Literal["all", "cities"]
#: The export formats: those of the other analyses, and node-link JSON.
FORMATS = (*network_export.FORMATS, "json")
MEDIA_TYPES = {**network_export.MEDIA_TYPES, "json": "application/json"}
_CLASS = {
    "province": ("zg:Province", "省份", "province"),
    "city": ("zg:Prefecture", "城市", "city"),
}


def select_zones(
    zones: Iterable[Zone], scope: Scope = "all", province: str | None = None
) -> list[Zone]:
    """The zones of the network: all, those with a city ("cities"), or one province's."""
    chosen = [z for z in zones if scope == "all" or z.city is not None]
    if province is not None:
        places = {z.province.code: z.province for z in chosen}
        code = next(
            (c for c, p in places.items() if province in (c, p.label_zh, p.label_en, p.iri)),
            None,
        )
        if code is None:
            known: list[Place] = [places[c] for c in sorted(places)]
            raise UnknownEntityError(province, known)
        chosen = [z for z in chosen if z.province.code == code]
    return chosen


def _add_place(g: nx.Graph[str], place: Place, kind: str) -> None:
    cls, zh, en = _CLASS[kind]
    g.add_node(
        place.iri,
        iri=place.iri,
        code=place.code,
        label=place.label_zh,
        label_zh=place.label_zh,
        label_en=place.label_en,
        category="division",
        **{"class": cls, "class_zh": zh, "class_en": en},
    )


def _add_zone(g: nx.Graph[str], z: Zone, types: dict[str, tuple[str, str]]) -> None:
    zh, en = types.get(z.type_code, (z.type_code, z.type_code))
    g.add_node(
        z.iri,
        iri=z.iri,
        code=z.code,
        label=z.label_zh,
        label_zh=z.label_zh,
        label_en=z.label_en,
        category="zone",
        type=z.type_code,
        in_article=z.in_article,
        **{"class": f"zone-type/{z.type_code}", "class_zh": zh, "class_en": en},
    )


def division_graph(zones: Iterable[Zone], types: dict[str, tuple[str, str]]) -> nx.Graph[str]:
    """Zones, cities and provinces; zone → city (or province), city → province."""
    g: nx.Graph[str] = nx.Graph()
    for z in zones:
        _add_zone(g, z, types)
        _add_place(g, z.province, "province")
        if z.city is not None:
            _add_place(g, z.city, "city")
            g.add_edge(z.iri, z.city.iri, label_zh="位于城市", label_en="in city", via="city")
            g.add_edge(
                z.city.iri,
                z.province.iri,
                label_zh="属于省份",
                label_en="in province",
                via="province",
            )
        else:
            g.add_edge(
                z.iri,
                z.province.iri,
                label_zh="位于省份",
                label_en="in province",
                via="province",
            )
    return g


def projected_graph(zones: Iterable[Zone], types: dict[str, tuple[str, str]]) -> nx.Graph[str]:
    """Zones only; an edge for each pair sharing a city (weight 2) or only a province (1)."""
    g: nx.Graph[str] = nx.Graph()
    chosen = list(zones)
    for z in chosen:
        _add_zone(g, z, types)
    by_province: dict[str, list[Zone]] = defaultdict(list)
    for z in chosen:
        by_province[z.province.code].append(z)
    for members in by_province.values():
        for a, b in combinations(members, 2):
            if a.city is not None and a.city == b.city:
                g.add_edge(
                    a.iri,
                    b.iri,
                    weight=2,
                    via="city",
                    place=a.city.iri,
                    label_zh=a.city.label_zh,
                    label_en=a.city.label_en,
                )
            else:
                g.add_edge(
                    a.iri,
                    b.iri,
                    weight=1,
                    via="province",
                    place=a.province.iri,
                    label_zh=a.province.label_zh,
                    label_en=a.province.label_en,
                )
    return g


@dataclass(frozen=True)
class Hub:
    """A division and the registry zones located in it."""

    place: Place
    kind: str
    zones: int
    pairs: int

    def to_dict(self) -> dict[str, Any]:
        return {**self.place.to_dict(), "kind": self.kind, "zones": self.zones, "pairs": self.pairs}


def summary(zones: list[Zone], top: int = 10) -> dict[str, Any]:
    """How much co-location there is: zone pairs sharing a city or a province, and the cities
    and provinces with most zones (pairs = n(n-1)/2 for n zones in one place)."""
    cities: dict[Place, int] = defaultdict(int)
    provinces: dict[Place, int] = defaultdict(int)
    for z in zones:
        provinces[z.province] += 1
        if z.city is not None:
            cities[z.city] += 1

    def hubs(counts: dict[Place, int], kind: str) -> list[dict[str, Any]]:
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].code))
        return [Hub(p, kind, n, n * (n - 1) // 2).to_dict() for p, n in ranked[:top]]

    return {
        "zones": len(zones),
        "zones_with_city": sum(cities.values()),
        "cities": len(cities),
        "provinces": len(provinces),
        "pairs_sharing_city": sum(n * (n - 1) // 2 for n in cities.values()),
        "pairs_sharing_province": sum(n * (n - 1) // 2 for n in provinces.values()),
        "top_cities": hubs(cities, "city"),
        "top_provinces": hubs(provinces, "province"),
    }


def network(
    zones: Iterable[Zone], types: dict[str, tuple[str, str]], projected: bool = False
) -> nx.Graph[str]:
    """The division form, or with `projected` the zone–zone form."""
    return projected_graph(zones, types) if projected else division_graph(zones, types)


def to_json(g: nx.Graph[str]) -> bytes:
    """Node-link JSON (networkx's layout: nodes with ids, links with source and target)."""
    data = nx.node_link_data(g, edges="links")
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def export(g: nx.Graph[str], fmt: str) -> bytes:
    """The network in one format: GraphML, GEXF, node/edge CSV (as the other analyses) or
    node-link JSON."""
    if fmt == "json":
        return to_json(g)
    spec = formats.find(fmt, "network")
    if spec is None:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return network_export.WRITERS[spec.name](g)
