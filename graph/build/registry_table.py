"""The GB/T 37028-2018 code table read and checked: rows, zone types, NBS statistical units.

The standard's rules are checked row by row before anything is built (8-digit code that
begins with the province code and carries the type code and sequence, a known type and
province, a city that is an NBS division of the province, no code twice), so a broken row
stops the build with the file, the line and what is wrong rather than becoming a bad zone.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import SKOS, Graph, Literal, URIRef

from graph.errors import SourceError
from graph.namespaces import BASE, CONCEPT, ID, ZG

REGISTRY_FILE = "gbt37028_2018_economic_function_zones.csv"
ENGLISH_FILE = "gbt37028_2018_english_names.csv"
TABLE = URIRef(BASE + "id/dataset/gbt37028-2018")
ROW_NS = str(ID) + "row/gbt37028-2018/"
ZONE_NS = str(ID) + "zone/"
REGISTRY_ZONE_NS = ZONE_NS + "gbt37028-"
ZONE_TYPE_NS = str(CONCEPT) + "zone-type/"
LEVEL_NS = str(CONCEPT) + "zone-level/"
ORIGIN_NS = str(CONCEPT) + "name-origin/"
BASIS_NS = str(CONCEPT) + "basis/"
EVIDENCE_NS = str(ID) + "evidence/"
CURATORS = URIRef(BASE + "id/agent/curators")
STATE_COUNCIL = URIRef(BASE + "id/org/state-council")
COLUMNS = ("code", "province_code", "province", "type_code", "type_name", "seq", "name")
CODE = re.compile(r"^[0-9]{8}$")
#: The datatype of GB/T 37028 codes (an rdfs:Datatype, so not among ZG's classes and properties).
CODE_DATATYPE = URIRef(str(ZG._NS) + "GBT37028Code")


@dataclass(frozen=True)
class Row:
    """One data row of the table, checked; `line` is its line in the CSV file."""

    line: int
    number: int
    code: str
    province_code: str
    type_code: str
    name: str
    city_code: str


def zone_type_iri(type_code: str) -> URIRef:
    return URIRef(ZONE_TYPE_NS + type_code)


def row_iri(code: str) -> URIRef:
    return URIRef(ROW_NS + code)


def csv_rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError:
        raise SourceError(str(path), "no such file") from None


def read_rows(path: Path, types: dict[str, str], divisions: dict[str, str]) -> list[Row]:
    """The table's rows, each checked against the standard's rules; the first broken row
    raises a SourceError naming the file, the line and what is wrong.

    `types` maps type codes to their names, `divisions` NBS codes to names.
    """
    rel = f"graph/reference/{path.name}"
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise SourceError(rel, f"missing column(s): {', '.join(missing)}", 1)
            records = list(reader)
    except FileNotFoundError:
        raise SourceError(rel, "no such file") from None
    except UnicodeDecodeError as exc:
        raise SourceError(rel, f"not UTF-8 text ({exc.reason})") from None
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for number, rec in enumerate(records, start=1):
        line = number + 1
        values = {k: (rec.get(k) or "").strip() for k in (*COLUMNS, "parent_city_adcode")}
        problem = _problem(values, types, divisions)
        if problem is None and values["code"] in seen:
            problem = f"code {values['code']} repeats the row on line {seen[values['code']]}"
        if problem is not None:
            raise SourceError(rel, f"row {number} ({values['code'] or 'no code'}): {problem}", line)
        seen[values["code"]] = line
        rows.append(
            Row(
                line,
                number,
                values["code"],
                values["province_code"],
                values["type_code"],
                values["name"],
                values["parent_city_adcode"],
            )
        )
    if not rows:
        raise SourceError(rel, "the table has no rows")
    return rows


def _problem(v: dict[str, str], types: dict[str, str], divisions: dict[str, str]) -> str | None:
    code, prov, tcode = v["code"], v["province_code"], v["type_code"]
    if not CODE.match(code):
        return f"code {code!r} is not 8 digits"
    if not v["name"]:
        return "the zone has no name"
    if tcode not in types:
        return f"unknown zone type {tcode!r}"
    if v["type_name"] != types[tcode]:
        return f"type {tcode} is {types[tcode]}, not {v['type_name']!r}"
    if prov not in divisions or len(prov) != 2:
        return f"unknown province code {prov!r}"
    if v["province"] != divisions[prov]:
        return f"province {prov} is {divisions[prov]}, not {v['province']!r}"
    if code[:2] != prov:
        return f"code {code} does not begin with its province code {prov}"
    if code[2:5] != tcode:
        return f"code {code} does not carry its type code {tcode} in digits 3–5"
    if code[5:] != v["seq"]:
        return f"code {code} does not end with its sequence number {v['seq']!r}"
    city = v["parent_city_adcode"]
    if city and (city not in divisions or not city.startswith(prov)):
        return f"city code {city!r} is not an NBS division of province {prov}"
    return None


def zone_types(ontology: Graph) -> dict[str, tuple[str, URIRef, URIRef, str]]:
    """Type code → (Chinese name, class, level, English name), read from the ontology."""
    out: dict[str, tuple[str, URIRef, URIRef, str]] = {}
    for concept in ontology.subjects(SKOS.inScheme, ZG.ZoneTypeScheme):
        code = str(ontology.value(concept, SKOS.notation))
        cls = ontology.value(concept, ZG.typeClass)
        level = ontology.value(concept, ZG.typeLevel)
        labels = {
            lab.language: str(lab)
            for lab in ontology.objects(concept, SKOS.prefLabel)
            if isinstance(lab, Literal)
        }
        if isinstance(cls, URIRef) and isinstance(level, URIRef):
            out[code] = (labels.get("zh", ""), cls, level, labels.get("en", ""))
    return out


# --- NBS statistical units ----------------------------------------------------------------

_PROVINCE_ENDING = re.compile(r"(省|市|维吾尔自治区|壮族自治区|回族自治区|自治区)$")
#: Spellings of the high-tech type word that name the same kind of zone (NBS uses the shorter).
_HIGH_TECH = re.compile(r"高新技术(产业)?(开发区|园区)$")
#: 经济技术开发区 and 经济开发区 name one kind of zone: the NBS list keeps the name a zone had
#: before its upgrade to a national ETDZ (吉林经济开发区 for 吉林经济技术开发区), or uses the long
#: word for a provincial one (阜阳经济技术开发区 for 安徽阜阳经济开发区).
_ECONOMIC = re.compile(r"经济技术开发区$")


@dataclass(frozen=True)
class CuratedUnit:
    """An NBS unit the curators know to be a registry zone under another name, and why."""

    zone: str
    why_zh: str
    why_en: str


#: Units whose names no rule can join to their zone; each is a known rename or enclave.
CURATED_UNITS: dict[str, CuratedUnit] = {
    "341171": CuratedUnit(
        "34299011",
        "中新苏滁高新技术产业开发区即2018年表中的苏滁现代产业园（中新苏滁现代产业园）后来的名称。",
        "China-Singapore Suzhou-Chuzhou High-tech Zone is the later name of the Suzhou-Chuzhou "
        "Modern Industrial Park that the 2018 table lists.",
    ),
    "540171": CuratedUnit(
        "54299002",
        "格尔木藏青工业园区即表中的西藏自治区藏青工业园：西藏在青海格尔木设立的园区，统计上归拉萨市。",
        "Golmud Tibet-Qinghai Industrial Park is the table's Tibet-Qinghai Industrial Park of "
        "the Tibet Autonomous Region: Tibet's park in Golmud (Qinghai), counted under Lhasa.",
    ),
}


def _normal_name(name: str, province: str, economic: bool = False) -> str:
    """A zone name without its province prefix, 市 after a city name, one high-tech spelling
    and, with `economic`, one economic-development-zone spelling."""
    text = name.replace("（", "(").replace("）", ")")
    for prefix in (province, _PROVINCE_ENDING.sub("", province)):
        if prefix and text.startswith(prefix) and len(text) > len(prefix) + 2:
            text = text[len(prefix) :]
            break
    text = re.sub(r"^(.{2,3}?)市", r"\1", text)
    text = _HIGH_TECH.sub("高新技术产业开发区", text)
    return _ECONOMIC.sub("经济开发区", text) if economic else text


def statistical_unit_codes(folder: Path) -> list[dict[str, str]]:
    """The NBS county-level rows whose code has 7 as 5th digit: units that are zones."""
    return [
        a
        for a in csv_rows(folder / "nbs2023_areas.csv")
        if len(a["code"]) == 6 and a["code"][4] == "7"
    ]


def match_statistical_units(
    rows: list[Row], folder: Path, divisions: dict[str, str]
) -> dict[str, str]:
    """Registry code → NBS code for the zones that are county-level statistical units.

    A unit matches the one registry zone of its province whose name is the same after
    `_normal_name` and whose city, where the table gives one, is the unit's city; a name that
    matches two zones, or none, is left unlinked rather than guessed (many units are 管理区 or
    示范区 that the standard does not list), unless CURATED_UNITS names its zone.
    """
    by_name: dict[tuple[bool, str, str], list[Row]] = {}
    for row in rows:
        for economic in (False, True):
            name = _normal_name(row.name, divisions[row.province_code], economic)
            by_name.setdefault((economic, row.province_code, name), []).append(row)
    codes = {row.code for row in rows}
    out: dict[str, str] = {}
    for area in statistical_unit_codes(folder):
        code, prov = area["code"], area["provinceCode"]
        curated = CURATED_UNITS.get(code)
        if curated is not None:
            if curated.zone not in codes or curated.zone in out:
                raise SourceError("graph/build/registry_table.py", f"curated unit {code}")
            out[curated.zone] = code
            continue
        # The exact spelling first: 淮安经济技术开发区 is the national zone even though the
        # province also has a 淮安经济开发区; the ETDZ spelling rule only when that finds none.
        for economic in (False, True):
            name = _normal_name(area["name"], divisions.get(prov, ""), economic)
            hits = by_name.get((economic, prov, name), [])
            hits = [h for h in hits if h.city_code in ("", area.get("cityCode", ""))]
            if hits:
                break
        if len(hits) == 1 and hits[0].code not in out:
            out[hits[0].code] = code
    return out
