"""The GB/T 37028-2018 registry of economic function zones as data with per-row provenance.

Every row of the standard's code table (graph/reference/) becomes a zone: code, Chinese name,
type and level, province and city linked to the NBS divisions, English name, and its NBS
statistical-unit code where it is one. Each triple derives from a zg:TableRow of the table (or,
for names the curators render or match, a curator assertion) instead of a quote, so one query
lists the sources behind any entity. The article's zones keep their IRIs (ARTICLE_ZONES);
changes since 2018 (STATUS_CHANGES) are dated events citing their own document. A row breaking
the table's rules (code format, code agreeing with province and type, a known division) stops
the build with the file, the line and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from graph.build.facts import statement_iri
from graph.build.reference import DIVISION_DATASET, division_iri
from graph.build.registry_names import generated_english, place_words
from graph.build.registry_table import (
    BASIS_NS,
    CODE_DATATYPE,
    CURATED_UNITS,
    CURATORS,
    ENGLISH_FILE,
    EVIDENCE_NS,
    ORIGIN_NS,
    REGISTRY_FILE,
    REGISTRY_ZONE_NS,
    STATE_COUNCIL,
    TABLE,
    ZONE_NS,
    Row,
    csv_rows,
    match_statistical_units,
    read_rows,
    row_iri,
    statistical_unit_codes,
    zone_type_iri,
    zone_types,
)
from graph.dates import dated
from graph.errors import SourceError
from graph.namespaces import ID, ZG

__all__ = ["ARTICLE_ZONES", "REGISTRY_FILE", "TABLE", "Registry", "build_registry", "zone_iri"]

CURATED_HERE = "graph/build/registry.py"

#: Registry rows that are zones the articles already name: the row's facts go to that IRI.
ARTICLE_ZONES: dict[str, URIRef] = {
    "44101002": URIRef(ZONE_NS + "guangzhou-etdz"),
    "65101002": URIRef(ZONE_NS + "shihezi-etdz"),
    "54202001": URIRef(ZONE_NS + "lhasa-hi-tech-zone"),
}

#: Article zones that the 2018 table does not list, and why the curators are sure of it.
NOT_LISTED: dict[URIRef, tuple[str, str]] = {
    URIRef(ZONE_NS + "yaodu-hi-tech-zone"): (
        "GB/T 37028-2018 的代码表中没有尧都高新区（既非国家级也非省级条目）。",
        "The code table of GB/T 37028-2018 has no entry for Yaodu High-tech Zone, "
        "national or provincial.",
    ),
    URIRef(ZONE_NS + "qingdao-ftz-area"): (
        "中国（山东）自由贸易试验区及其青岛片区设立于2019年，晚于GB/T 37028-2018，表中没有。",
        "The Shandong Pilot Free Trade Zone and its Qingdao Area date from 2019, after "
        "GB/T 37028-2018; the table lacks them.",
    ),
}


@dataclass(frozen=True)
class StatusChange:
    """A dated change of a zone's type after 2018, with the document that made it."""

    code: str
    event: str
    label_zh: str
    label_en: str
    year: str
    type_before: str
    type_after: str
    document: str
    number: str
    doc_label_en: str


#: Changes since the 2018 edition; each needs its own source. Invent none.
STATUS_CHANGES: tuple[StatusChange, ...] = (
    StatusChange(
        code="54202001",
        event="lhasa-hi-tech-zone-upgrade-2022",
        label_zh="拉萨高新区升级为国家高新技术产业开发区",
        label_en="Lhasa High-tech Zone upgraded to a national high-tech zone",
        year="2022",
        type_before="202",
        type_after="103",
        document="guohan-2022-143",
        number="国函〔2022〕143号",
        doc_label_en="State Council reply Guohan [2022] No. 143",
    ),
)


@dataclass
class Registry:
    """The registry's data and provenance triples, and its zones by code."""

    data: Graph = field(default_factory=Graph)
    provenance: Graph = field(default_factory=Graph)
    zones: dict[str, URIRef] = field(default_factory=dict)
    #: code → NBS county-level code of the zones that are statistical units.
    statistical_units: dict[str, str] = field(default_factory=dict)


def zone_iri(code: str) -> URIRef:
    """The IRI minted from a zone's 2018 code (see ontology/registry.ttl for why)."""
    return ARTICLE_ZONES.get(code) or URIRef(REGISTRY_ZONE_NS + code)


class _Writer:
    """Adds data triples with their provenance: reified one by one (rdf:Statement) for the
    article's zones and the status-change events, whose subjects mix sources; one
    zg:StatementGroup per registry-only zone (its subject, the predicates it covers, its
    evidence: the row and the curators' assertions, and its file:line), since all of such a
    zone's triples come from its row; validation stays fast (see ontology/registry.ttl)."""

    def __init__(self, reg: Registry) -> None:
        self.reg = reg
        self.groups: dict[URIRef, tuple[set[Node], set[URIRef], str]] = {}

    def add(self, s: Node, p: Node, o: Node, evidence: list[URIRef], where: str) -> None:
        self.reg.data.add((s, p, o))
        if isinstance(s, URIRef) and str(s).startswith(REGISTRY_ZONE_NS):
            predicates, sources, first = self.groups.setdefault(s, (set(), set(), where))
            predicates.add(p)
            sources.update(evidence)
            return
        prov = self.reg.provenance
        st = statement_iri(s, p, o)
        prov.add((st, RDF.type, RDF.Statement))
        prov.add((st, RDF.subject, s))
        prov.add((st, RDF.predicate, p))
        prov.add((st, RDF.object, o))
        for ev in evidence:
            prov.add((st, PROV.wasDerivedFrom, ev))
        prov.add((st, ZG.curatedIn, Literal(where)))

    def close(self) -> None:
        """Write the statement groups of the registry-only zones."""
        prov = self.reg.provenance
        for zone, (predicates, sources, where) in self.groups.items():
            group = statement_iri(zone, ZG.predicate, TABLE)
            prov.add((group, RDF.type, ZG.StatementGroup))
            prov.add((group, RDF.subject, zone))
            for p in predicates:
                prov.add((group, ZG.predicate, p))
            for ev in sources:
                prov.add((group, PROV.wasDerivedFrom, ev))
            prov.add((group, ZG.curatedIn, Literal(where)))


def build_registry(folder: Path, ontology: Graph, article: Graph) -> Registry:
    """The registry zones from the tables in `folder`; `article` is the compiled article data
    (so that its zones' own labels are kept and not doubled)."""
    types = zone_types(ontology)
    divisions = {
        r["code"]: r["name"]
        for name in ("nbs2023_provinces.csv", "nbs2023_cities.csv", "nbs2023_areas.csv")
        for r in csv_rows(folder / name)
    }
    rows = read_rows(folder / REGISTRY_FILE, {k: v[0] for k, v in types.items()}, divisions)
    english = _official_english(folder / ENGLISH_FILE, {r.code: r.name for r in rows})
    places = place_words(divisions.values())
    units = match_statistical_units(rows, folder, divisions)
    reg = Registry(statistical_units=units)
    w = _Writer(reg)
    _evidence(reg.provenance)
    changes = {c.code: c for c in STATUS_CHANGES}
    for row in rows:
        zone = zone_iri(row.code)
        reg.zones[row.code] = zone
        _row_node(reg.provenance, row)
        ev = [row_iri(row.code)]
        where = f"graph/reference/{REGISTRY_FILE}:{row.line}"
        name_zh, cls, level, type_en = types[row.type_code]
        change = changes.get(row.code)
        w.add(zone, RDF.type, cls, ev, where)
        w.add(zone, SKOS.notation, Literal(row.code, datatype=CODE_DATATYPE), ev, where)
        w.add(zone, ZG.zoneType, zone_type_iri(row.type_code), ev, where)
        if change is None:
            w.add(zone, ZG.zoneLevel, level, ev, where)
        w.add(zone, ZG.inProvince, division_iri(row.province_code), ev, where)
        w.add(zone, ZG.inDivision, division_iri(row.city_code or row.province_code), ev, where)
        _names(w, zone, row, article, english, places, type_en, ev, where)
        if row.code in units:
            mapped = [*ev, _unit_evidence(reg.provenance, units[row.code])]
            w.add(zone, ZG.statisticalUnit, division_iri(units[row.code]), mapped, where)
        if change is not None:
            _status_change(w, reg.provenance, zone, change, types)
    for zone, (why_zh, why_en) in NOT_LISTED.items():
        assertion = URIRef(EVIDENCE_NS + "not-in-gbt37028-" + str(zone).rsplit("/", 1)[1])
        _assertion(reg.provenance, assertion, "inference", why_zh, why_en, [TABLE])
        w.add(zone, ZG.notListedIn, TABLE, [assertion], CURATED_HERE)
    unlisted = URIRef(EVIDENCE_NS + "gbt37028-nbs-units-not-listed")
    for area in statistical_unit_codes(folder):
        if area["code"] not in units.values():
            w.add(division_iri(area["code"]), ZG.unitNotListedIn, TABLE, [unlisted], CURATED_HERE)
    w.close()
    return reg


def _unit_evidence(prov: Graph, unit: str) -> URIRef:
    """The shared name rule, or the curators' own assertion for a unit matched by hand."""
    if (curated := CURATED_UNITS.get(unit)) is None:
        return URIRef(EVIDENCE_NS + "gbt37028-nbs-statistical-units")
    node = URIRef(EVIDENCE_NS + f"gbt37028-nbs-unit-{unit}")
    _assertion(prov, node, "general-knowledge", curated.why_zh, curated.why_en, [TABLE])
    return node


def _names(
    w: _Writer,
    zone: URIRef,
    row: Row,
    article: Graph,
    english: dict[str, str],
    places: frozenset[str],
    type_en: str,
    ev: list[URIRef],
    where: str,
) -> None:
    """Chinese label from the row; English official (curators) or generated (pinyin + type)."""
    zh = Literal(row.name, lang="zh")
    own = {
        lab.language: lab for lab in article.objects(zone, RDFS.label) if isinstance(lab, Literal)
    }
    if own.get("zh") in (None, zh):
        w.add(zone, RDFS.label, zh, ev, where)
    else:
        w.add(zone, SKOS.altLabel, zh, ev, where)
    official = URIRef(EVIDENCE_NS + "gbt37028-official-english-names")
    if "en" in own:
        w.add(zone, ZG.englishNameOrigin, URIRef(ORIGIN_NS + "official"), [official], where)
    elif row.code in english:
        en = Literal(english[row.code], lang="en")
        w.add(zone, RDFS.label, en, [official], f"graph/reference/{ENGLISH_FILE}")
        w.add(zone, ZG.englishNameOrigin, URIRef(ORIGIN_NS + "official"), [official], where)
    else:
        rule = URIRef(EVIDENCE_NS + "gbt37028-generated-english-names")
        en = Literal(generated_english(row.name, type_en, places), lang="en")
        w.add(zone, RDFS.label, en, [*ev, rule], where)
        w.add(zone, ZG.englishNameOrigin, URIRef(ORIGIN_NS + "generated"), [rule], where)


def _official_english(path: Path, names: dict[str, str]) -> dict[str, str]:
    """The curators' official English names: code → name; each row repeats the zone's
    Chinese name so that a wrong code is caught, not silently given another zone's name."""
    out: dict[str, str] = {}
    rel = f"graph/reference/{path.name}"
    for line, rec in enumerate(csv_rows(path), start=2):
        code, english = (rec.get("code") or "").strip(), (rec.get("name_en") or "").strip()
        if code not in names or not english:
            raise SourceError(rel, f"code {code!r} is not in the table or has no name_en", line)
        if names[code] != (rec.get("name") or "").strip():
            raise SourceError(rel, f"code {code} is {names[code]} in the table", line)
        out[code] = english
    return out


def _row_node(prov: Graph, row: Row) -> None:
    node = row_iri(row.code)
    prov.add((node, RDF.type, ZG.TableRow))
    prov.add((node, ZG.inTable, TABLE))
    prov.add((node, ZG.rowNumber, Literal(row.number, datatype=XSD.integer)))
    prov.add((node, ZG.rowKey, Literal(row.code)))


def _assertion(
    prov: Graph, node: URIRef, basis: str, zh: str, en: str, sources: list[URIRef]
) -> None:
    prov.add((node, RDF.type, ZG.CuratorAssertion))
    prov.add((node, PROV.wasAttributedTo, CURATORS))
    prov.add((node, ZG.basis, URIRef(BASIS_NS + basis)))
    prov.add((node, ZG.rationale, Literal(zh, lang="zh")))
    prov.add((node, ZG.rationale, Literal(en, lang="en")))
    for src in sources:
        prov.add((node, PROV.wasDerivedFrom, src))


def _evidence(prov: Graph) -> None:
    """The table, the curators and the shared assertions every registry zone may cite."""
    prov.add((TABLE, RDF.type, ZG.SourceTable))
    prov.add(
        (TABLE, RDFS.label, Literal("GB/T 37028-2018 全国主要经济功能区分类与代码", lang="zh"))
    )
    prov.add(
        (
            TABLE,
            RDFS.label,
            Literal(
                "GB/T 37028-2018 Classification and codes of main economic function zones", "en"
            ),
        )
    )
    prov.add((TABLE, DCTERMS.issued, dated(2018)[0]))
    prov.add((TABLE, ZG.datePrecision, dated(2018)[1]))
    prov.add(
        (
            TABLE,
            DCTERMS.bibliographicCitation,
            Literal(
                "GB/T 37028-2018 code table, as parsed in WankkoRee/cn-adcode-efzcode (commit "
                "1151670); 18 names corrected against WuHututu/wuhu-dataset"
            ),
        )
    )
    prov.add((CURATORS, RDF.type, PROV.Agent))
    prov.add((CURATORS, RDFS.label, Literal("ZoneGraph 整理者", lang="zh")))
    prov.add((CURATORS, RDFS.label, Literal("ZoneGraph curators", lang="en")))
    _assertion(
        prov,
        URIRef(EVIDENCE_NS + "gbt37028-generated-english-names"),
        "inference",
        "英文名由中文名生成：地名部分取汉语拼音（pypinyin），类型词取其英文名；不是官方名称。",
        "Generated from the Chinese name: the place part in Hanyu Pinyin (pypinyin), the type "
        "word in English; not an official name.",
        [TABLE],
    )
    _assertion(
        prov,
        URIRef(EVIDENCE_NS + "gbt37028-official-english-names"),
        "general-knowledge",
        "该开发区或其政府使用的英文名，整理者确知者才收录。",
        "The English name the zone or its government uses, recorded only where the curators "
        "are sure of it.",
        [],
    )
    _assertion(
        prov,
        URIRef(EVIDENCE_NS + "gbt37028-nbs-statistical-units"),
        "reference-mapping",
        "统计用区划代码第5位为7的县级单位与同省同名（表中有城市的，须同城市）的唯一功能区相对应"
        "（名称去掉省名、市字，统一高新区的写法；无同名者时，经济技术开发区与经济开发区视为同一写法）。",
        "An NBS county-level unit whose code has 7 as 5th digit is the one registry zone of "
        "its province (and of its city, where the table gives one) with the same name, once "
        "province prefixes, 市 and spellings of the high-tech type word are normalised; when "
        "none is, 经济技术开发区 and 经济开发区 count as one spelling.",
        [TABLE, DIVISION_DATASET],
    )
    _assertion(
        prov,
        URIRef(EVIDENCE_NS + "gbt37028-nbs-units-not-listed"),
        "inference",
        "这些统计用区划单位（多为管理区、新区、示范区）与表中任何功能区都不相符：名称规则与整理者都找不到。",
        "No zone of the table is this NBS unit (mostly management areas, new areas and pilot "
        "zones): neither the name rule nor the curators find one.",
        [TABLE, DIVISION_DATASET],
    )


def _status_change(
    w: _Writer,
    prov: Graph,
    zone: URIRef,
    change: StatusChange,
    types: dict[str, tuple[str, URIRef, URIRef, str]],
) -> None:
    """The event, the zone's new class and level, and the document cited by number."""
    doc = URIRef(EVIDENCE_NS + change.document)
    prov.add((doc, RDF.type, ZG.OfficialDocument))
    prov.add((doc, ZG.documentNumber, Literal(change.number)))
    issued, precision = dated(int(change.year))
    prov.add((doc, DCTERMS.issued, issued))
    prov.add((doc, ZG.datePrecision, precision))
    prov.add((doc, DCTERMS.publisher, STATE_COUNCIL))
    prov.add((doc, RDFS.label, Literal(change.number, lang="zh")))
    prov.add((doc, RDFS.label, Literal(change.doc_label_en, lang="en")))
    event = URIRef(str(ID) + "event/" + change.event)
    ev = [doc]
    _, cls, level, _ = types[change.type_after]
    w.add(event, RDF.type, ZG.StatusChange, ev, CURATED_HERE)
    w.add(event, RDFS.label, Literal(change.label_zh, lang="zh"), ev, CURATED_HERE)
    w.add(event, RDFS.label, Literal(change.label_en, lang="en"), ev, CURATED_HERE)
    w.add(event, ZG.subject, zone, ev, CURATED_HERE)
    w.add(event, ZG.date, issued, ev, CURATED_HERE)
    w.add(event, ZG.datePrecision, precision, ev, CURATED_HERE)
    w.add(event, ZG.typeBefore, zone_type_iri(change.type_before), ev, CURATED_HERE)
    w.add(event, ZG.typeAfter, zone_type_iri(change.type_after), ev, CURATED_HERE)
    w.add(event, ZG.approvedBy, STATE_COUNCIL, ev, CURATED_HERE)
    w.add(zone, RDF.type, cls, ev, CURATED_HERE)
    w.add(zone, ZG.zoneLevel, level, ev, CURATED_HERE)
