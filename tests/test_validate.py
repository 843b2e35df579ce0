"""The validation API: reports, rendering, inputs and errors, and the shipped graph itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from graph.build import BuildResult
from graph.errors import ShapesError, SourceError
from graph.validate import (
    ValidationReport,
    Violation,
    load_shapes,
    validate_build,
    validate_extra,
)

HERE = Path(__file__).parent / "shapes"
VALID = HERE / "valid" / "low-altitude.trig"


@pytest.fixture(scope="module")
def shipped_report(built: BuildResult) -> ValidationReport:
    return validate_build(built)


def test_shipped_graph_conforms(shipped_report: ValidationReport) -> None:
    errors = [v.line() for v in shipped_report.violations if v.severity == "Violation"]
    assert shipped_report.conforms, "\n".join(errors)


def test_shipped_report_locates_curated_nodes(shipped_report: ValidationReport) -> None:
    for v in shipped_report.violations:
        if "/id/" in str(v.focus) and "/id/division/" not in str(v.focus):
            assert v.location is not None and v.location.startswith("sources/"), v.line()


ANCHOR = "    zone:t-valid-guangzhou-etdz a zg:NationalETDZ ;"
UNDATED_EVENT = (
    "    <https://w3id.org/zonegraph/id/event/t-undated> a zg:Event ;\n"
    '        rdfs:label "测试:无日期活动"@zh , "Test: undated event"@en .\n\n'
)
ZH_LABEL = '"测试:广州经济技术开发区"@zh , '


@pytest.fixture(scope="module")
def extra_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three copies of the valid file, validated together (one validation costs half a
    minute), each with its own IRIs so that none lends another a missing triple:
    `clean` (t-clean-…) as it is, `undated` (t-dated-…) plus an event without a date, and
    `broken` (t-valid-…) with its zone's Chinese label removed."""
    folder = tmp_path_factory.mktemp("extra")
    text = VALID.read_text(encoding="utf-8")
    assert ANCHOR in text and ZH_LABEL in text
    files = {
        "clean": text.replace("t-valid", "t-clean"),
        "undated": text.replace(ANCHOR, UNDATED_EVENT + ANCHOR).replace("t-valid", "t-dated"),
        "broken": text.replace(ZH_LABEL, ""),
    }
    paths = {}
    for name, body in files.items():
        paths[name] = folder / f"low-altitude-{name}.trig"
        paths[name].write_text(body, encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def extra_report(extra_files: dict[str, Path]) -> ValidationReport:
    return validate_extra(list(extra_files.values()))


def test_warnings_are_located_in_the_curated_file(
    extra_files: dict[str, Path], extra_report: ValidationReport
) -> None:
    """A warning (an event without a date) names the file and line where the node was written;
    this fails if there is nothing to locate, unlike a loop over whatever the shipped graph
    happens to warn about."""
    mine = [v for v in extra_report.violations if str(v.focus).endswith("/event/t-undated")]
    assert [v.severity for v in mine] == ["Warning"], [v.line() for v in mine]
    assert mine[0].location is not None
    assert mine[0].location.startswith(str(extra_files["undated"]) + ":")
    assert mine[0].location.rsplit(":", 1)[1].isdigit()


def test_valid_curated_file_adds_no_results(
    shipped_report: ValidationReport, extra_report: ValidationReport
) -> None:
    """The clean copy (and the undated one, but for its event) adds nothing to what the
    shipped graph reports."""
    ours = ("t-clean", "t-dated", "t-undated", "t-valid")
    mine = [v.line() for v in extra_report.violations if "t-clean" in v.focus_name]
    assert mine == []
    dated = [v.line() for v in extra_report.violations if "t-dated" in v.focus_name]
    assert dated == []
    rest = {v.line() for v in extra_report.violations if not any(t in v.focus_name for t in ours)}
    assert rest == {v.line() for v in shipped_report.violations}


def test_valid_file_is_really_checked(
    extra_files: dict[str, Path], extra_report: ValidationReport
) -> None:
    """The copy with its zone's Chinese label removed fails, located in that copy."""
    mine = [v for v in extra_report.violations if "t-valid" in v.focus_name]
    assert [(v.focus_name, v.shape, v.path) for v in mine] == [
        ("zone:t-valid-guangzhou-etdz", "zgsh:LabelledEntity-label-zh", "rdfs:label")
    ]
    assert mine[0].location is not None
    assert mine[0].location.startswith(str(extra_files["broken"]) + ":")


def test_violation_line_and_dict() -> None:
    v = Violation(
        focus=URIRef("https://w3id.org/zonegraph/id/observation/gz-fdi-2023"),
        focus_label="广州开发区实际利用外资",
        path="sdmx-attribute:unitMeasure",
        value="unit:CNY",
        message="单位与指标不符 / unit differs from the indicator's unit (unit:CNY ≠ unit:USD)",
        severity="Violation",
        shape="zgsh:Observation-unit-matches",
        location="sources/02-guangzhou.trig:123",
        focus_name="obs:gz-fdi-2023",
    )
    assert v.line() == (
        "sources/02-guangzhou.trig:123: obs:gz-fdi-2023 (广州开发区实际利用外资) "
        "sdmx-attribute:unitMeasure: 单位与指标不符 / unit differs from the indicator's unit "
        "(unit:CNY ≠ unit:USD)"
    )
    warning = Violation(
        focus=Literal("x"),
        focus_label=None,
        path=None,
        value="1",
        message="m / m",
        severity="Warning",
        shape="s",
        location=None,
        focus_name="x",
    )
    assert warning.line() == "x: [Warning] m / m — 1"
    report = ValidationReport(conforms=False, violations=(v, warning))
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["conforms"] is False and data["violations"] == 1 and data["warnings"] == 1
    assert data["results"][0]["location"] == "sources/02-guangzhou.trig:123"
    lines = report.text().splitlines()
    assert lines[:2] == [v.line(), warning.line()]
    assert lines[2].endswith("1 violations, 1 warnings")


def test_broken_turtle_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    prefix = "@prefix zg: <https://w3id.org/zonegraph/ontology#> .\n"
    bad.write_text(prefix + "\nzg:a zg:b .\nzg:c zg:d\n")
    with pytest.raises(SourceError) as info:
        validate_extra([bad])
    assert info.value.path == str(bad) and info.value.line is not None


def test_broken_trig_names_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text("@prefix quote: <https://w3id.org/zonegraph/id/quote/> .\nquote:x { quote:x ")
    with pytest.raises(SourceError) as info:
        validate_extra([bad])
    assert str(bad) in str(info.value)


def test_unsupported_or_missing_files(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="unsupported file type"):
        validate_extra([tmp_path / "facts.csv"])
    with pytest.raises(SourceError, match="no such file"):
        validate_extra([tmp_path / "missing.trig"])


def test_broken_shapes_file_raises_shapes_error(tmp_path: Path) -> None:
    broken = "@prefix sh: <http://www.w3.org/ns/shacl#> .\nsh:x sh:y"
    (tmp_path / "data-broken.ttl").write_text(broken)
    with pytest.raises(ShapesError, match="data-broken.ttl"):
        load_shapes("data", folder=tmp_path)
    with pytest.raises(ShapesError, match="unknown kind"):
        load_shapes("everything")
    with pytest.raises(ShapesError, match="no lint"):
        load_shapes("lint", folder=tmp_path)


# --- validate --dataset: a complete dump on its own ------------------------------------------


@pytest.fixture(scope="module")
def dumps(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The dataset exported by `zonegraph export` as N-Quads and as N-Triples."""
    from click.testing import CliRunner

    from graph.cli import cli

    folder = tmp_path_factory.mktemp("dumps")
    out = {}
    for fmt, name in (("nquads", "dump.nq"), ("nt", "dump.nt")):
        path = folder / name
        args = ["--data-dir", str(data_dir), "export", "--format", fmt, "-o", str(path)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        out[fmt] = path
    return out


def test_exported_dump_validates_on_its_own(dumps: dict[str, Path]) -> None:
    from click.testing import CliRunner

    from graph.cli import cli

    result = CliRunner().invoke(cli, ["validate", "--dataset", str(dumps["nquads"])])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("符合 / conforms: 违规 0 条")


def test_dump_without_a_type_a_label_or_provenance_does_not(
    dumps: dict[str, Path], tmp_path: Path
) -> None:
    """One entity loses its type, another its Chinese label, a third one fact's provenance."""
    from rdflib import RDF, RDFS, Graph

    from graph.namespaces import ID
    from graph.validate import validate_dataset

    g = Graph().parse(dumps["nt"], format="nt")
    ehang = URIRef(str(ID) + "org/ehang-guangzhou")
    person = URIRef(str(ID) + "person/he-tianxing")
    lhasa = URIRef(str(ID) + "zone/lhasa-hi-tech-zone")
    g.remove((ehang, RDF.type, None))
    g.remove((person, RDFS.label, Literal("贺天星", lang="zh")))
    label = Literal("拉萨高新区", lang="zh")
    (statement,) = [st for st in g.subjects(RDF.subject, lhasa) if g.value(st, RDF.object) == label]
    g.remove((statement, None, None))
    broken = tmp_path / "broken.nt"
    g.serialize(broken, format="nt", encoding="utf-8")

    report = validate_dataset(broken)
    assert not report.conforms
    found = {
        (v.focus_name, v.shape, v.path) for v in report.violations if v.severity == "Violation"
    }
    assert ("orgn:ehang-guangzhou", "zgcheck:untyped", "rdf:type") in found
    assert ("person:he-tianxing", "zgsh:LabelledEntity-label-zh", "rdfs:label") in found
    assert ("zone:lhasa-hi-tech-zone", "zgsh:CuratedEntity", "rdfs:label") in found
    located = next(v for v in report.violations if v.focus_name == "person:he-tianxing")
    assert located.location is not None
    assert located.location.startswith("sources/02-guangzhou.trig:")


def test_dataset_errors_are_one_line(tmp_path: Path) -> None:
    from graph.validate import validate_dataset

    with pytest.raises(SourceError, match="unsupported dataset format"):
        validate_dataset(tmp_path / "dump.yaml")
    bad = tmp_path / "bad.nt"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(SourceError, match="bad.nt: syntax error"):
        validate_dataset(bad)
