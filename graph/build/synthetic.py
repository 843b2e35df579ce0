"""Synthetic ZoneGraph datasets of a chosen size, for benchmarks and load tests.

The real graph is small; its users will load every national zone, their enterprises and years
of figures. This generator writes graphs of that shape so engines can be compared at 10 k, 100 k
and 1 M triples before the data exists: zones in real counties of the NBS reference tables,
administering bodies, parks, enterprises with GB/T 4754 industry classes, laboratories,
policies with measures, yearly figures with units and comparators, named groupings of parks.

It is meant to conform to the data shapes, so validation can be measured too. Every fact gets
the provenance the compiler would give it (a reified rdf:Statement derived from a
zg:SourceQuote), which is also why most triples are provenance, as in the curated graph.

Output is N-Quads written directly (no rdflib graph in between: 1 M triples in seconds), in
the four named graphs of a build, and deterministic: the same target and seed give the same
bytes. Generated text never contains quotes, backslashes or line breaks, so it needs no
escaping beyond what _lit does.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, RDFS, SKOS

from graph import resources
from graph.build import load_ontology, reference
from graph.dates import lexical
from graph.namespaces import (
    BASE,
    DATA_GRAPH,
    ONTOLOGY_GRAPH,
    PROVENANCE_GRAPH,
    REFERENCE_GRAPH,
)

ZG = BASE + "ontology#"
ID = BASE + "id/"
CONCEPT = BASE + "concept/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_NS = str(RDF)
LABEL = str(RDFS.label)
ALT = str(SKOS.altLabel)
TYPE = str(RDF.type)
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
OA_EXACT = "http://www.w3.org/ns/oa#exact"
ROV_LEGAL = "http://www.w3.org/ns/regorg#legalName"
CONTAINED = "https://schema.org/containedInPlace"
SDMX_AREA = "http://purl.org/linked-data/sdmx/2009/dimension#refArea"
SDMX_PERIOD = "http://purl.org/linked-data/sdmx/2009/dimension#refPeriod"
SDMX_VALUE = "http://purl.org/linked-data/sdmx/2009/measure#obsValue"
SDMX_UNIT = "http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"
YEARS = range(2015, 2025)

#: (indicator, unit, figure kind, Chinese unit word, typical size) for yearly figures.
INDICATORS = (
    ("high-tech-enterprise-count", "enterprise", "stock", "家", 800),
    ("settled-enterprise-count", "enterprise", "stock", "家", 3000),
    ("above-scale-enterprise-count", "enterprise", "stock", "家", 400),
    ("listed-enterprise-count", "enterprise", "cumulative", "家", 30),
    ("actual-fdi", "USD", "flow", "亿美元", 5),
    ("total-revenue", "CNY", "flow", "亿元", 2000),
    ("contracted-investment", "CNY", "flow", "亿元", 500),
    ("signed-project-count", "item", "flow", "个", 120),
)
#: Hedge words and the comparator each stands for (DOMAIN.md: 超 is exclusive, 以上 inclusive).
HEDGES = (
    ("", "", "exact"),
    ("超", "", "more-than"),
    ("", "以上", "at-least"),
    ("近", "", "just-under"),
)
ZONE_KINDS = (
    ("NationalETDZ", "经济技术开发区", "ETDZ", "national"),
    ("NationalHighTechZone", "高新技术产业开发区", "High-tech Zone", "national"),
    (
        "EconomicTechnologicalDevelopmentZone",
        "经济开发区",
        "Economic Development Zone",
        "provincial",
    ),
    ("HighTechZone", "高新区", "High-tech Park Zone", "provincial"),
)
FIRM_WORDS = tuple(
    (
        "智能 科技 生物 医药 新材料 电子 精密 数字 能源 汽车 "
        "装备 光电 信息 环保 半导体 航空 食品 化工 机器人 软件"
    ).split()
)
FIRM_WORDS_EN = tuple(
    (
        "Smart|Technology|Bio|Pharma|New Materials|Electronics|Precision|Digital|"
        "Energy|Automotive|Equipment|Optoelectronics|Information|Environmental|"
        "Semiconductor|Aviation|Foods|Chemicals|Robotics|Software"
    ).split("|")
)
PARK_WORDS = ("科技园", "产业园", "创新园", "物流园", "智造园", "生物岛", "数字港")
PARK_WORDS_EN = tuple(
    (
        "Science Park|Industrial Park|Innovation Park|Logistics Park|"
        "Smart Manufacturing Park|Bio Island|Digital Harbour"
    ).split("|")
)


def _iri(value: str) -> str:
    return f"<{value}>"


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    body = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if lang:
        return f"{body}@{lang}"
    if datatype:
        return f"{body}^^<{datatype}>"
    return body


@dataclass
class _Writer:
    """Collects quads; every data triple is reified in the provenance graph with its quote."""

    lines: list[str] = field(default_factory=list)
    statements: int = 0
    quote: str = ""
    where: str = ""

    def add(self, graph: URIRef, s: str, p: str, o: str) -> None:
        self.lines.append(f"<{s}> <{p}> {o} <{graph}> .\n")

    def fact(self, s: str, p: str, o: str) -> None:
        """A curated fact and the statement that says which quote it comes from."""
        self.add(DATA_GRAPH, s, p, o)
        self.statements += 1
        st = f"{ID}statement/syn-{self.statements}"
        for pred, obj in (
            (TYPE, _iri(RDF_NS + "Statement")),
            (RDF_NS + "subject", _iri(s)),
            (RDF_NS + "predicate", _iri(p)),
            (RDF_NS + "object", o),
            (PROV_DERIVED, _iri(self.quote)),
            (ZG + "curatedIn", _lit(self.where)),
        ):
            self.add(PROVENANCE_GRAPH, st, pred, obj)

    def labelled(self, s: str, cls: str, zh: str, en: str) -> None:
        self.fact(s, TYPE, _iri(cls))
        self.fact(s, LABEL, _lit(zh, "zh"))
        self.fact(s, LABEL, _lit(en, "en"))

    def open_quote(self, name: str, exact: str, document: str) -> None:
        self.quote = f"{ID}quote/syn-{name}"
        self.where = f"synthetic/{name}"
        for pred, obj in (
            (TYPE, _iri(ZG + "SourceQuote")),
            (OA_EXACT, _lit(exact)),
            (ZG + "inDocument", _iri(document)),
            (ZG + "startOffset", _lit("0", datatype=XSD + "integer")),
            (ZG + "endOffset", _lit(str(len(exact)), datatype=XSD + "integer")),
            (ZG + "lineNumber", _lit("1", datatype=XSD + "integer")),
        ):
            self.add(PROVENANCE_GRAPH, self.quote, pred, obj)

    @property
    def count(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class _Reference:
    counties: list[tuple[str, str, str, str]]  # code, name, city code, province code
    provinces: dict[str, str]
    classes: list[tuple[str, str]]  # GB/T 4754 class code, its section letter


def _read(name: str) -> list[dict[str, str]]:
    with (resources.reference_dir() / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _reference() -> _Reference:
    provinces = {r["code"]: r["name"] for r in _read("nbs2023_provinces.csv")}
    counties = [
        (r["code"], r["name"], r["cityCode"], r["provinceCode"])
        for r in _read("nbs2023_areas.csv")
        if r["name"] != "市辖区"
    ]
    classes = [
        (r["class"], r["section"])
        for r in _read("gbt4754_2017_industry_classification.csv")
        if r["level"] == "4"
    ]
    return _Reference(counties, provinces, classes)


def _ntriples(graph: Graph, name: URIRef) -> list[str]:
    """A reference or ontology graph as sorted N-Quads lines (sorted: deterministic output;
    blank nodes, such as the RDF list of the ontology's disjoint kinds, canonically named)."""
    out = to_canonical_graph(graph).serialize(format="nt", encoding="utf-8")
    lines = [line for line in out.decode("utf-8").splitlines() if line.strip()]
    return sorted(f"{line[:-1].rstrip()} <{name}> .\n" for line in lines)


class _ReferenceSubset:
    """Reference triples about the divisions and industries used, and the datasets' own.

    Kept by subject and counted as subjects are used, so the generator knows the final size
    while it is still adding zones.
    """

    def __init__(self) -> None:
        folder = resources.reference_dir()
        self.by_subject: dict[str, list[str]] = {}
        self.common: list[str] = []
        for part in (reference.divisions(folder), reference.industries(folder)):
            for line in _ntriples(part, REFERENCE_GRAPH):
                subject = line[1 : line.index(">")]
                local = subject.startswith(reference.DIVISION_NS) or (
                    subject.startswith(reference.GBT_NS) and subject != reference.GBT_NS
                )
                if local:
                    self.by_subject.setdefault(subject, []).append(line)
                else:
                    self.common.append(line)
        self.used: set[str] = set()
        self.size = len(self.common)

    def use(self, subjects: list[str]) -> None:
        for subject in subjects:
            if subject not in self.used:
                self.used.add(subject)
                self.size += len(self.by_subject.get(subject, ()))

    def lines(self) -> list[str]:
        out = list(self.common)
        for subject in sorted(self.used):
            out += self.by_subject.get(subject, [])
        return sorted(out)


def _chain(code: str, section: str) -> list[str]:
    """A GB/T class and its group, division and section, as reference IRIs."""
    return [reference.GBT_NS + c for c in (code, code[:3], code[:2], section)]


def generate(triples: int, seed: int = 1) -> bytes:
    """About `triples` quads (never fewer) as N-Quads; same arguments, same bytes."""
    rng = random.Random(seed)
    ref = _reference()
    w = _Writer()
    used = _ReferenceSubset()
    ontology = _ntriples(load_ontology(), ONTOLOGY_GRAPH)
    document = f"{ID}document/synthetic-{seed}"
    w.open_quote("periods", "历年统计", document)
    for year in YEARS:
        period = f"{ID}period/{year}"
        w.labelled(period, ZG + "Period", f"{year}年", str(year))
        w.fact(period, ZG + "startDate", _lit(lexical(year), datatype=XSD + "dateTime"))
        w.fact(period, ZG + "endDate", _lit(lexical(year, 12, 31), datatype=XSD + "dateTime"))
    counties = rng.sample(ref.counties, len(ref.counties))
    n = 0
    while w.count + len(ontology) + used.size + 3 < triples:  # 3: the document's own
        county = counties[n % len(counties)]
        _zone(w, rng, ref, county, n, document, used)
        n += 1
    _document(w, document, seed)
    lines = w.lines + ontology + used.lines()
    return "".join(lines).encode("utf-8")


def _document(w: _Writer, document: str, seed: int) -> None:
    for pred, obj in (
        (TYPE, _iri(ZG + "SourceDocument")),
        (LABEL, _lit(f"合成数据 {seed}", "zh")),
        (LABEL, _lit(f"Synthetic data {seed}", "en")),
        (ZG + "textFile", _lit(f"synthetic-{seed}.txt")),
    ):
        w.add(PROVENANCE_GRAPH, document, pred, obj)


def _zone(
    w: _Writer,
    rng: random.Random,
    ref: _Reference,
    county: tuple[str, str, str, str],
    n: int,
    document: str,
    used: _ReferenceSubset,
) -> None:
    code, name, city, province = county
    cls, kind_zh, kind_en, level = ZONE_KINDS[rng.randrange(len(ZONE_KINDS))]
    zone = f"{ID}zone/syn-{n}"
    zh = f"{ref.provinces.get(province, '')}{name}{kind_zh}"
    w.open_quote(f"{n}-zone", zh, document)
    w.labelled(zone, ZG + cls, zh, f"{kind_en} No. {n} ({code})")
    w.fact(zone, ALT, _lit(f"{name}{kind_zh[-3:]}", "zh"))
    w.fact(zone, ZG + "inDivision", _iri(reference.DIVISION_NS + code))
    w.fact(zone, ZG + "zoneLevel", _iri(f"{CONCEPT}zone-level/{level}"))
    used.use([reference.DIVISION_NS + c for c in (code, city, province)])
    body = f"{ID}org/syn-{n}-committee"
    w.labelled(body, ZG + "AdministrativeBody", f"{zh}管理委员会", f"Administrative Committee {n}")
    w.fact(body, ZG + "administers", _iri(zone))

    parks = []
    for k in range(rng.randint(2, 4)):
        park = f"{ID}park/syn-{n}-{k}"
        pick = rng.randrange(len(PARK_WORDS))
        w.labelled(
            park, ZG + "Park", f"{name}{PARK_WORDS[pick]}{k + 1}", f"{PARK_WORDS_EN[pick]} {n}-{k}"
        )
        w.fact(park, CONTAINED, _iri(zone))
        parks.append(park)
    grouping = f"{ID}grouping/syn-{n}"
    w.labelled(grouping, ZG + "NamedGrouping", f"{len(parks)}园", f"{len(parks)} parks of zone {n}")
    w.fact(grouping, ZG + "groupingOf", _iri(zone))
    w.fact(
        grouping,
        ZG + "declaredMemberCount",
        _lit(str(len(parks)), datatype=XSD + "integer"),
    )
    for park in parks:
        w.fact(grouping, ZG + "hasMember", _iri(park))

    w.open_quote(f"{n}-firms", f"{name}企业", document)
    for k in range(rng.randint(15, 45)):
        firm = f"{ID}org/syn-{n}-firm-{k}"
        a, b = rng.sample(range(len(FIRM_WORDS)), 2)
        industry, section = ref.classes[rng.randrange(len(ref.classes))]
        legal = f"{name}{FIRM_WORDS[a]}{FIRM_WORDS[b]}有限公司{k}"
        w.labelled(
            firm, ZG + "Enterprise", legal, f"{FIRM_WORDS_EN[a]} {FIRM_WORDS_EN[b]} Co. {n}-{k}"
        )
        w.fact(firm, ROV_LEGAL, _lit(legal, "zh"))
        w.fact(firm, ZG + "locatedIn", _iri(rng.choice(parks)))
        w.fact(firm, ZG + "industry", _iri(reference.GBT_NS + industry))
        used.use(_chain(industry, section))
    for k in range(rng.randint(0, 2)):
        lab = f"{ID}org/syn-{n}-lab-{k}"
        field_ = rng.randrange(len(FIRM_WORDS))
        w.labelled(
            lab,
            ZG + "Laboratory",
            f"{name}{FIRM_WORDS[field_]}实验室",
            f"{FIRM_WORDS_EN[field_]} Laboratory {n}-{k}",
        )
        w.fact(lab, ZG + "locatedIn", _iri(zone))

    w.open_quote(f"{n}-policy", f"{name}政策", document)
    for k in range(rng.randint(1, 2)):
        policy = f"{ID}policy/syn-{n}-{k}"
        w.labelled(policy, ZG + "Policy", f"{name}扶持政策{k + 1}", f"Support policy {n}-{k}")
        w.fact(policy, ZG + "issuedBy", _iri(body))
        for m in range(rng.randint(2, 4)):
            measure = f"{ID}measure/syn-{n}-{k}-{m}"
            w.labelled(
                measure, ZG + "Measure", f"第{m + 1}条措施", f"Measure {m + 1} of policy {n}-{k}"
            )
            w.fact(policy, ZG + "hasMeasure", _iri(measure))

    w.open_quote(f"{n}-figures", f"{name}统计数据", document)
    for indicator, unit, kind, word, size in rng.sample(INDICATORS, 4):
        level_ = size * rng.uniform(0.2, 3.0)
        for year in YEARS:
            level_ *= rng.uniform(0.95, 1.2)
            value = round(level_, 2) if unit in ("USD", "CNY") else float(round(level_))
            before, after, comparator = HEDGES[rng.randrange(len(HEDGES))]
            obs = f"{ID}observation/syn-{n}-{indicator}-{year}"
            # Every digit the value has (`:g` keeps six: 10476.46 would read 10476.5).
            shown = f"{value:.2f}".rstrip("0").rstrip(".")
            w.labelled(
                obs, ZG + "Observation", f"{zh}{year}年{indicator}", f"Zone {n}: {indicator} {year}"
            )
            w.fact(obs, SDMX_AREA, _iri(zone))
            w.fact(obs, ZG + "indicator", _iri(f"{CONCEPT}indicator/{indicator}"))
            # The verbatim says 亿元/亿美元; the value is in the unit itself (yuan, dollars), as
            # in the curated graph, so that the value matches its verbatim figure.
            stored = value * 10**8 if word.startswith("亿") else value
            w.fact(obs, SDMX_VALUE, _lit(f"{stored:.2f}", datatype=XSD + "decimal"))
            w.fact(obs, SDMX_UNIT, _iri(f"{CONCEPT}unit/{unit}"))
            w.fact(obs, ZG + "comparator", _iri(f"{CONCEPT}comparator/{comparator}"))
            w.fact(obs, ZG + "figureKind", _iri(f"{CONCEPT}figure-kind/{kind}"))
            w.fact(obs, SDMX_PERIOD, _iri(f"{ID}period/{year}"))
            w.fact(obs, ZG + "verbatim", _lit(f"{before}{shown}{word}{after}"))
