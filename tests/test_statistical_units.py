"""NBS statistical units (county-level codes with 7 as 5th digit) and the registry zones.

Each of the 124 units is either linked from its zone (zg:statisticalUnit) or recorded as no
zone of the 2018 table (zg:unitNotListedIn); the counts, the pairs the ETDZ spelling rule and
the curators add, and the rule's preference for the exact spelling are checked here, against
the CSV files read directly.
"""

from __future__ import annotations

import csv

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import PROV

from graph import resources
from graph.build.registry import REGISTRY_FILE, TABLE, zone_iri
from graph.build.registry_table import CURATED_UNITS
from graph.namespaces import BASE, ZG

DIVISION = BASE + "id/division/"


def _csv(name: str) -> list[dict[str, str]]:
    with (resources.reference_dir() / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def unit_codes() -> set[str]:
    return {
        r["code"] for r in _csv("nbs2023_areas.csv") if len(r["code"]) == 6 and r["code"][4] == "7"
    }


def test_every_unit_is_linked_or_recorded_as_not_listed(union_graph: Graph) -> None:
    units = unit_codes()
    assert len(units) == 124
    linked = {str(o)[len(DIVISION) :] for o in union_graph.objects(None, ZG.statisticalUnit)}
    absent = {str(s)[len(DIVISION) :] for s in union_graph.subjects(ZG.unitNotListedIn, TABLE)}
    assert linked <= units and absent <= units
    assert not linked & absent
    assert linked | absent == units
    assert (len(linked), len(absent)) == (91, 33)
    # what the unlinked are: management areas, new areas, pilot and integration zones …
    names = {r["code"]: r["name"] for r in _csv("nbs2023_areas.csv")}
    kinds = (
        "管理区",
        "新区",
        "新城",
        "示范区",
        "实验区",
        "园区",
        "聚集区",
        "开发区",
        "食品区",
        "名胜区",
    )
    assert all(any(k in names[c] for k in kinds) for c in absent)
    assert {"430671", "410173", "321171", "130372"} <= absent  # 屈原, 航空港, 镇江新区, 北戴河


def test_spelling_rule_and_curated_pairs(union_graph: Graph) -> None:
    names = {r["code"]: r["name"] for r in _csv(REGISTRY_FILE)}
    pairs = {
        "14101002": "140271",  # 大同经济技术开发区 ← 山西大同经济开发区 (its pre-upgrade name)
        "22101002": "220271",  # 吉林经济技术开发区 ← 吉林经济开发区
        "22101005": "220771",  # 松原经济技术开发区 ← 吉林松原经济开发区
        "34101004": "340871",  # 安庆经济技术开发区 ← 安徽安庆经济开发区
        "34101012": "341871",  # 宣城经济技术开发区 ← 宣城市经济开发区
        "34201022": "341272",  # 安徽阜阳经济开发区 ← 阜阳经济技术开发区
        "34201006": "341372",  # 安徽宿州经济开发区 ← 宿州经济技术开发区
        "37201036": "371771",  # 山东菏泽经济开发区 ← 菏泽经济技术开发区
        "34299011": "341171",  # 苏滁现代产业园 ← 中新苏滁高新技术产业开发区 (curated)
        "54299002": "540171",  # 西藏自治区藏青工业园 ← 格尔木藏青工业园区 (curated)
        # the exact spelling wins over the rule: the national zone, not 江苏淮安经济开发区
        "32101012": "320871",
        "41101007": "410772",
    }
    for zone, unit in pairs.items():
        assert zone in names
        assert union_graph.value(zone_iri(zone), ZG.statisticalUnit) == URIRef(DIVISION + unit)
    assert union_graph.value(zone_iri("32201041"), ZG.statisticalUnit) is None
    assert set(CURATED_UNITS) == {"341171", "540171"}


def test_curated_links_cite_a_curator_assertion(union_graph: Graph) -> None:
    for unit, curated in CURATED_UNITS.items():
        zone, obj = zone_iri(curated.zone), URIRef(DIVISION + unit)
        groups = list(union_graph.subjects(RDF.subject, zone))
        sources = {e for g in groups for e in union_graph.objects(g, PROV.wasDerivedFrom)}
        assertion = URIRef(BASE + f"id/evidence/gbt37028-nbs-unit-{unit}")
        assert assertion in sources
        assert (assertion, RDF.type, ZG.CuratorAssertion) in union_graph
        assert (zone, ZG.statisticalUnit, obj) in union_graph
    # the not-listed records are facts with their own provenance, like any other
    st = next(
        s
        for s in union_graph.subjects(RDF.predicate, ZG.unitNotListedIn)
        if union_graph.value(s, RDF.subject) == URIRef(DIVISION + "430671")
    )
    assert union_graph.value(st, PROV.wasDerivedFrom) == URIRef(
        BASE + "id/evidence/gbt37028-nbs-units-not-listed"
    )
