"""Reference data as RDF: NBS division codes and the GB/T 4754-2017 industry scheme.

The tables are shipped in graph/reference/ (copied from the project's shared data with their
origin noted in graph/reference/README.md). They become their own named graph so that curated
facts and bulk reference data can be told apart, validated and provenanced separately.

Both tables are Chinese only. Every entity still gets an English label, and says where it comes
from (zg:englishNameOrigin): GB/T 4754 sections and divisions carry the curators' translation
(origin:curator-translation; no stored copy of the standard's English edition was found, so the
names are not claimed to be its official ones), divisions a generated pinyin rendering
(origin:generated, see division_names). Groups and classes stay Chinese only: the pages show
their Chinese label marked as untranslated (graph.labels.Untranslated).
"""

from __future__ import annotations

import csv
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from graph.build.division_names import division_english
from graph.build.registry_table import ORIGIN_NS
from graph.dates import dated
from graph.errors import SourceError, not_a_file
from graph.namespaces import BASE, CONCEPT, ID, ZG

DIVISION_NS = str(ID) + "division/"
GBT_NS = str(CONCEPT) + "gbt4754/"
GBT_SCHEME = URIRef(GBT_NS)  # the scheme is the namespace IRI itself: dereferences to the list
DIVISION_DATASET = URIRef(BASE + "id/dataset/nbs2023-divisions")
GBT_DATASET = URIRef(BASE + "id/dataset/gbt4754-2017")
GENERATED = URIRef(ORIGIN_NS + "generated")
CURATOR_TRANSLATION = URIRef(ORIGIN_NS + "curator-translation")
GBT_ENGLISH_FILE = "gbt4754_2017_english_names.csv"


def division_iri(code: str) -> URIRef:
    return URIRef(DIVISION_NS + code)


def gbt_iri(code: str) -> URIRef:
    return URIRef(GBT_NS + code)


# Transcription errors in the shared GB/T 4754 table, corrected from the standard itself:
# 飞机制造 is class 3741, but the table lists it as a second level-3 row for group 374.
GBT_ERRATA: dict[tuple[str, str], tuple[str, int]] = {
    ("374", "飞机制造"): ("3741", 4),
}


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except (FileNotFoundError, IsADirectoryError):
        raise SourceError(str(path), not_a_file(path)) from None


def divisions(folder: Path) -> Graph:
    """Provinces, prefectures and counties with codes, Chinese names and parent links."""
    g = Graph()
    levels = (
        ("nbs2023_provinces.csv", ZG.Province, None),
        ("nbs2023_cities.csv", ZG.Prefecture, "provinceCode"),
        ("nbs2023_areas.csv", ZG.County, "cityCode"),
    )
    for name, cls, parent_col in levels:
        for row in _rows(folder / name):
            node = division_iri(row["code"])
            g.add((node, RDF.type, cls))
            g.add((node, RDFS.label, Literal(row["name"], lang="zh")))
            english = division_english(row["name"], provincial=cls == ZG.Province)
            g.add((node, RDFS.label, Literal(english, lang="en")))
            g.add((node, ZG.englishNameOrigin, GENERATED))
            g.add((node, SKOS.notation, Literal(row["code"])))
            g.add((node, DCTERMS.source, DIVISION_DATASET))
            if parent_col:
                g.add((node, ZG.parentDivision, division_iri(row[parent_col])))
    # Typed as the tables their rows come from: every entity of the reference graph has a type.
    g.add((DIVISION_DATASET, RDF.type, ZG.SourceTable))
    # The year of the edition, as its name gives it (codes as of 2023-06-30, per the README).
    g.add((DIVISION_DATASET, DCTERMS.issued, dated(2023)[0]))
    g.add((DIVISION_DATASET, ZG.datePrecision, dated(2023)[1]))
    g.add((DIVISION_DATASET, RDFS.label, Literal("统计用区划代码(2023)", lang="zh")))
    g.add(
        (DIVISION_DATASET, RDFS.label, Literal("NBS statistical division codes (2023)", lang="en"))
    )
    g.add(
        (
            DIVISION_DATASET,
            DCTERMS.bibliographicCitation,
            Literal("NBS 统计用区划代码 2023, modood/Administrative-divisions-of-China (WTFPL)"),
        )
    )
    return g


def industries(folder: Path) -> Graph:
    """GB/T 4754-2017 as a SKOS scheme: notation, Chinese label, scope note, broader links."""
    g = Graph()
    g.add((GBT_SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((GBT_SCHEME, SKOS.prefLabel, Literal("国民经济行业分类(GB/T 4754-2017)", lang="zh")))
    g.add(
        (
            GBT_SCHEME,
            SKOS.prefLabel,
            Literal(
                "Industrial classification for national economic activities (GB/T 4754-2017)",
                lang="en",
            ),
        )
    )
    g.add((GBT_SCHEME, DCTERMS.source, GBT_DATASET))
    rows = _rows(folder / "gbt4754_2017_industry_classification.csv")
    english = _gbt_english(folder / GBT_ENGLISH_FILE, rows)
    known = {r["section"] if r["level"] == "1" else "" for r in rows}
    known |= {r["division"] for r in rows if r["level"] == "2"}
    known |= {r["group"] for r in rows if r["level"] == "3"}
    for row in rows:
        # 29 names of the shared table end in a space (烟草制品业 …): not part of the name
        row = {**row, "name": row["name"].strip()}
        level = int(row["level"])
        code = [row["section"], row["division"], row["group"], row["class"]][level - 1]
        fix = GBT_ERRATA.get((code, row["name"]))
        if fix is not None:
            code, level = fix
            row = {**row, "class": code}
        node = gbt_iri(code)
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, GBT_SCHEME))
        g.add((node, SKOS.notation, Literal(code)))
        g.add((node, SKOS.prefLabel, Literal(row["name"], lang="zh")))
        if level <= 2 and code in english:
            g.add((node, SKOS.prefLabel, Literal(english[code], lang="en")))
            g.add((node, ZG.englishNameOrigin, CURATOR_TRANSLATION))
        if row["note"]:
            g.add((node, SKOS.scopeNote, Literal(row["note"], lang="zh")))
        parent = _gbt_parent(row, level, known)
        if parent is None:
            g.add((node, SKOS.topConceptOf, GBT_SCHEME))
        else:
            g.add((node, SKOS.broader, gbt_iri(parent)))
    g.add((GBT_DATASET, RDF.type, ZG.SourceTable))
    g.add((GBT_DATASET, DCTERMS.issued, dated(2017)[0]))  # GB/T 4754-2017
    g.add((GBT_DATASET, ZG.datePrecision, dated(2017)[1]))
    g.add((GBT_DATASET, RDFS.label, Literal("GB/T 4754-2017 国民经济行业分类", lang="zh")))
    g.add((GBT_DATASET, RDFS.label, Literal("GB/T 4754-2017 industry classification", lang="en")))
    g.add(
        (
            GBT_DATASET,
            DCTERMS.bibliographicCitation,
            Literal("GB/T 4754-2017, via zmshe/capital src/utils/category.js (commit 0b8f1ae)"),
        )
    )
    return g


def _gbt_parent(row: dict[str, str], level: int, known: set[str]) -> str | None:
    """The nearest ancestor the table lists; groups holding a single class are absent from it."""
    chain = [row["section"], row["division"], row["group"]][: level - 1]
    for code in reversed(chain):
        if code and code in known:
            return code
    return None


def _gbt_english(path: Path, rows: list[dict[str, str]]) -> dict[str, str]:
    """The curators' English names of sections and divisions: code → name. Each row repeats
    the Chinese name, so that a wrong code is an error, not another industry's name; every
    section and division must have one (a missing one would show Chinese on English pages)."""
    names = {
        (r["section"] if r["level"] == "1" else r["division"]): r["name"].strip()
        for r in rows
        if r["level"] in ("1", "2")
    }
    out: dict[str, str] = {}
    rel = f"graph/reference/{path.name}"
    for line, rec in enumerate(_rows(path), start=2):
        code, zh = (rec.get("code") or "").strip(), (rec.get("name") or "").strip()
        en = (rec.get("name_en") or "").strip()
        if names.get(code) != zh or not en:
            raise SourceError(
                rel,
                f"code {code!r} with name {zh!r} is not a section or division "
                "of the table, or has no name_en",
                line,
            )
        if code in out:
            raise SourceError(rel, f"code {code!r} is listed twice", line)
        out[code] = en
    missing = sorted(set(names) - set(out))
    if missing:
        raise SourceError(rel, "no English name for " + ", ".join(missing))
    return out
