"""The GB/T 37028-2018 registry: every row a zone, merged with the article's, with provenance."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import PROV

from graph import resources
from graph.build import BuildResult, load_ontology
from graph.build.registry import (
    ARTICLE_ZONES,
    REGISTRY_FILE,
    TABLE,
    build_registry,
    zone_iri,
)
from graph.build.registry_names import generated_english, place_words
from graph.build.registry_table import CODE_DATATYPE
from graph.errors import SourceError
from graph.namespaces import BASE, CONCEPT, ZG

ZONE = BASE + "id/zone/"
GENERATED = URIRef(str(CONCEPT) + "name-origin/generated")
OFFICIAL = URIRef(str(CONCEPT) + "name-origin/official")


def table_rows() -> list[dict[str, str]]:
    with (resources.reference_dir() / REGISTRY_FILE).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def zones(built: BuildResult) -> dict[str, URIRef]:
    """Code → zone IRI, read back from the built data graph."""
    g = built.graph(URIRef(BASE + "graph/data"))
    out: dict[str, URIRef] = {}
    for s, o in g.subject_objects(SKOS.notation):
        if getattr(o, "datatype", None) == CODE_DATATYPE:
            assert str(o) not in out, f"code {o} on two zones"
            out[str(o)] = s  # type: ignore[assignment]
    return out


def test_every_row_is_one_zone(zones: dict[str, URIRef], union_graph: Graph) -> None:
    rows = table_rows()
    assert len(rows) == 2606
    assert set(zones) == {r["code"] for r in rows}
    assert len(set(zones.values())) == 2606, "two codes share an IRI"
    by_type = Counter(
        str(union_graph.value(z, ZG.zoneType)).rsplit("/", 1)[1] for z in zones.values()
    )
    assert by_type == Counter(r["type_code"] for r in rows)
    assert by_type["201"] == 987 and by_type["101"] == 219 and len(by_type) == 15
    beijing = zones["11101001"]
    assert beijing == URIRef(ZONE + "gbt37028-11101001")
    assert union_graph.value(beijing, ZG.inProvince) == URIRef(BASE + "id/division/11")
    assert (beijing, RDF.type, ZG.NationalETDZ) in union_graph


def test_cities_and_statistical_units(zones: dict[str, URIRef], union_graph: Graph) -> None:
    cities = {r["code"]: r["parent_city_adcode"] for r in table_rows() if r["parent_city_adcode"]}
    assert len(cities) == 363
    for code, city in cities.items():
        assert (zones[code], ZG.inDivision, URIRef(BASE + f"id/division/{city}")) in union_graph
    units = {z: union_graph.value(z, ZG.statisticalUnit) for z in zones.values()}
    units = {z: u for z, u in units.items() if u is not None}
    # 71 same names, 10 more after province prefixes, 市 and the high-tech spellings, 8 more
    # with the ETDZ spelling rule, 2 curated (tests/test_statistical_units.py has the detail).
    assert len(units) == 91
    assert units[zones["54101001"]] == URIRef(BASE + "id/division/540172")  # 拉萨经开区
    assert units[zones["43103003"]] == URIRef(BASE + "id/division/430371")  # 湘潭高新区
    for unit in units.values():
        assert (unit, RDF.type, ZG.County) in union_graph
        assert str(unit)[-2] == "7"


def test_article_zones_are_registry_zones(zones: dict[str, URIRef], union_graph: Graph) -> None:
    assert zones["44101002"] == URIRef(ZONE + "guangzhou-etdz")
    assert zones["65101002"] == URIRef(ZONE + "shihezi-etdz")
    assert zones["54202001"] == URIRef(ZONE + "lhasa-hi-tech-zone")
    for code, iri in ARTICLE_ZONES.items():
        assert not list(union_graph.subjects(None, URIRef(ZONE + f"gbt37028-{code}")))
        assert not list(union_graph.triples((URIRef(ZONE + f"gbt37028-{code}"), None, None)))
        assert zone_iri(code) == iri
        # the article's own facts are there: the registry attached to an existing entity
        assert (None, None, iri) in union_graph or len(
            list(union_graph.predicate_objects(iri))
        ) > 12
    assert not list(union_graph.triples((None, OWL.sameAs, None)))
    labels = [
        lab for lab in union_graph.objects(zones["54202001"], RDFS.label) if lab.language == "zh"
    ]
    assert len(labels) == 1, "the registry name must not become a second zh label"
    alt = {str(a) for a in union_graph.objects(zones["54202001"], SKOS.altLabel)}
    assert "拉萨高新技术产业开发区" in alt
    assert (
        zones["65101002"],
        ZG.zoneLevel,
        URIRef(str(CONCEPT) + "zone-level/national"),
    ) in union_graph


def test_article_zones_not_in_the_table(union_graph: Graph) -> None:
    for local in ("yaodu-hi-tech-zone", "qingdao-ftz-area"):
        zone = URIRef(ZONE + local)
        assert (zone, ZG.notListedIn, TABLE) in union_graph
        assert union_graph.value(zone, SKOS.notation) is None
        st = next(union_graph.subjects(RDF.object, TABLE))
        assert st is not None
    rows = list(
        union_graph.query(
            """SELECT ?zone ?basis WHERE {
                ?zone zg:notListedIn ?t .
                ?st rdf:subject ?zone ; rdf:predicate zg:notListedIn ; prov:wasDerivedFrom ?a .
                ?a a zg:CuratorAssertion ; zg:basis ?basis ; prov:wasAttributedTo ?who ;
                   zg:rationale ?why ; prov:wasDerivedFrom ?t .
                FILTER (LANG(?why) = "en")
            }"""
        )
    )
    assert len(rows) == 2


def test_english_names(zones: dict[str, URIRef], union_graph: Graph) -> None:
    origins = Counter(union_graph.value(z, ZG.englishNameOrigin) for z in zones.values())
    assert set(origins) == {GENERATED, OFFICIAL}
    assert origins[OFFICIAL] >= 35 and origins[GENERATED] > 2500
    for zone in zones.values():
        en = [lab for lab in union_graph.objects(zone, RDFS.label) if lab.language == "en"]
        zh = [lab for lab in union_graph.objects(zone, RDFS.label) if lab.language == "zh"]
        assert len(en) == 1 and len(zh) == 1, zone
    g = union_graph
    assert str(g.value(zones["31110001"], RDFS.label, any=True)) in {
        "中国（上海）自由贸易试验区",
        "China (Shanghai) Pilot Free Trade Zone",
    }
    english = {str(lab) for lab in g.objects(zones["11201001"], RDFS.label) if lab.language == "en"}
    assert english == {"Beijing Shilong Economic Development Zone"}
    assert g.value(zones["11201001"], ZG.englishNameOrigin) == GENERATED
    assert g.value(zones["44101002"], ZG.englishNameOrigin) == OFFICIAL


def test_generated_english_rules() -> None:
    places = place_words(["河北省", "张家口市", "下花园区", "罗山县", "西安市"])
    assert (
        generated_english("河北张家口下花园经济开发区", "x", places)
        == "Hebei Zhangjiakou Xiahuayuan Economic Development Zone"
    )
    assert (
        generated_english("罗山县产业集聚区", "x", places)
        == "Luoshan County Industrial Cluster Zone"
    )
    assert generated_english("西安国家自主创新示范区", "x", places).startswith("Xi'an ")
    assert generated_english("某某某某", "other zone", places).endswith("(other zone)")


def test_one_query_lists_every_source(union_graph: Graph) -> None:
    """The shared provenance query: quotes, the table row and the 2022 document for 拉萨高新区."""
    rows = union_graph.query(
        """SELECT DISTINCT ?kind WHERE {
            ?st rdf:subject zone:lhasa-hi-tech-zone ; prov:wasDerivedFrom ?evidence .
            ?evidence a ?kind . FILTER (?kind != prov:Entity)
        }"""
    )
    kinds = {row[0] for row in rows}  # type: ignore[index]
    assert {ZG.SourceQuote, ZG.TableRow, ZG.OfficialDocument, ZG.CuratorAssertion} <= kinds


def test_every_registry_triple_traces_to_its_row(
    zones: dict[str, URIRef], built: BuildResult
) -> None:
    """Article zones: one rdf:Statement per triple; registry-only zones: one statement group
    whose predicates cover every triple of the zone, derived from the zone's row."""
    data = built.graph(URIRef(BASE + "graph/data"))
    prov = built.graph(URIRef(BASE + "graph/provenance"))
    for code, zone in zones.items():
        row = URIRef(BASE + f"id/row/gbt37028-2018/{code}")
        assert (row, ZG.inTable, TABLE) in prov
        assert (row, ZG.rowKey, None) in prov
        if str(zone).startswith(ZONE + "gbt37028-"):
            groups = list(prov.subjects(RDF.subject, zone))
            assert len(groups) == 1 and (groups[0], RDF.type, ZG.StatementGroup) in prov
            covered = set(prov.objects(groups[0], ZG.predicate))
            assert set(data.predicates(zone)) == covered
            assert row in set(prov.objects(groups[0], PROV.wasDerivedFrom))
            assert str(prov.value(groups[0], ZG.curatedIn)).startswith(
                f"graph/reference/{REGISTRY_FILE}:"
            )
        else:
            notation = next(
                o for o in data.objects(zone, SKOS.notation) if o.datatype == CODE_DATATYPE
            )
            statements = {
                st
                for st in prov.subjects(RDF.subject, zone)
                if (st, RDF.predicate, SKOS.notation) in prov and (st, RDF.object, notation) in prov
            }
            assert len(statements) == 1
            assert (statements.pop(), PROV.wasDerivedFrom, row) in prov


def test_registry_shapes_catch_a_fact_without_provenance() -> None:
    """A registry-only zone with a triple that its statement group does not cover."""
    from graph.validate import _Locator, _validate, load_shapes

    def validate_graph(g: Graph, shapes: Graph):  # type: ignore[no-untyped-def]
        return _validate(g, shapes, _Locator({}))

    g = load_ontology()
    reg = build_registry(resources.reference_dir(), g, Graph())
    zone = reg.zones["11201001"]
    for t in reg.data.triples((zone, None, None)):
        g.add(t)
    for group in reg.provenance.subjects(RDF.subject, zone):
        for t in reg.provenance.triples((group, None, None)):
            g.add(t)
    for t in reg.provenance.triples((URIRef(BASE + "id/row/gbt37028-2018/11201001"), None, None)):
        g.add(t)
    for s, p, o in reg.provenance:  # the table, the curators and their assertions
        if str(s).startswith((BASE + "id/dataset/", BASE + "id/evidence/", BASE + "id/agent/")):
            g.add((s, p, o))
    beijing = URIRef(BASE + "id/division/11")
    g.add((beijing, RDF.type, ZG.Province))
    g.add((beijing, RDFS.label, Literal("北京市", lang="zh")))
    g.add((beijing, SKOS.notation, Literal("11")))
    g.add((beijing, RDFS.label, Literal("Beijing Municipality", lang="en")))
    g.add((beijing, ZG.englishNameOrigin, URIRef(BASE + "concept/name-origin/generated")))
    g.add((zone, SKOS.altLabel, Literal("石龙", lang="zh")))
    report = validate_graph(g, load_shapes("data"))
    violations = [v.line() for v in report.violations if v.severity == "Violation"]
    # the zone is otherwise valid: the one violation is the uncovered triple
    assert len(violations) == 1, report.text()
    assert "statement group" in violations[0] and "altLabel" in violations[0]


def test_lhasa_upgrade_is_a_dated_event(union_graph: Graph) -> None:
    rows = list(
        union_graph.query(
            """SELECT ?date ?before ?after ?number ?issued ?issuer ?level WHERE {
                ?event a zg:StatusChange ; zg:subject zone:lhasa-hi-tech-zone ; zg:date ?date ;
                    zg:typeBefore ?before ; zg:typeAfter ?after .
                ?st rdf:subject ?event ; rdf:predicate zg:typeAfter ; prov:wasDerivedFrom ?doc .
                ?doc a zg:OfficialDocument ; zg:documentNumber ?number ; dcterms:issued ?issued ;
                    dcterms:publisher ?issuer .
                zone:lhasa-hi-tech-zone zg:zoneLevel ?level ; zg:zoneType ?type .
                FILTER (?type = ztype:202)
            }"""
        )
    )
    assert len(rows) == 1
    date, before, after, number, issued, issuer, level = rows[0]  # type: ignore[misc]
    year = "2022-01-01T00:00:00+08:00"  # year precision: the start of 2022, Beijing time
    assert (str(date), str(number), str(issued)) == (year, "国函〔2022〕143号", year)
    assert before == URIRef(str(CONCEPT) + "zone-type/202")
    assert after == URIRef(str(CONCEPT) + "zone-type/103")
    assert issuer == URIRef(BASE + "id/org/state-council")
    assert level == URIRef(str(CONCEPT) + "zone-level/national")
    assert (URIRef(ZONE + "lhasa-hi-tech-zone"), RDF.type, ZG.NationalHighTechZone) in union_graph
    assert len(list(union_graph.subjects(RDF.type, ZG.StatusChange))) == 1  # no invented change


# --- broken rows stop the build ----------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for path in resources.reference_dir().glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _break(folder: Path, line: int, column: str, value: str) -> None:
    """Set one cell of the CSV line `line`; column "row" copies the line above instead."""
    path = folder / REGISTRY_FILE
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    if column == "row":
        rows[line - 2] = dict(rows[line - 3])
    else:
        rows[line - 2][column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("code", "1110100", "is not 8 digits"),
        ("code", "12101001", "does not begin with its province code 11"),
        ("type_code", "199", "type 199 is 其他国家级经济功能区"),
        ("type_code", "150", "unknown zone type '150'"),
        ("parent_city_adcode", "4401", "is not an NBS division of province 11"),
        ("name", "", "the zone has no name"),
        ("row", "", "code 11201001 repeats the row on line 6"),
    ],
)
def test_a_broken_row_stops_the_build(folder: Path, column: str, value: str, message: str) -> None:
    line = 7 if column == "row" else 2
    _break(folder, line, column, value)
    with pytest.raises(SourceError) as info:
        build_registry(folder, load_ontology(), Graph())
    err = info.value
    assert err.path == f"graph/reference/{REGISTRY_FILE}"
    assert err.line == line
    assert message in str(err)
    assert f"row {line - 1} " in str(err)
