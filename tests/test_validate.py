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


def test_warnings_are_located_in_the_curated_file(tmp_path: Path) -> None:
    """A warning (an event without a date) names the file and line where the node was written;
    this fails if there is nothing to locate, unlike a loop over whatever the shipped graph
    happens to warn about."""
    extra = tmp_path / "undated-event.trig"
    text = VALID.read_text(encoding="utf-8")
    anchor = "    zone:t-valid-guangzhou-etdz a zg:NationalETDZ ;"
    assert anchor in text
    event = (
        "    <https://w3id.org/zonegraph/id/event/t-undated> a zg:Event ;\n"
        '        rdfs:label "测试:无日期活动"@zh , "Test: undated event"@en .\n\n'
    )
    extra.write_text(text.replace(anchor, event + anchor), encoding="utf-8")
    report = validate_extra([extra])
    mine = [v for v in report.violations if str(v.focus).endswith("/event/t-undated")]
    assert [v.severity for v in mine] == ["Warning"], [v.line() for v in mine]
    assert mine[0].location is not None and mine[0].location.startswith(str(extra) + ":")
    assert mine[0].location.rsplit(":", 1)[1].isdigit()


def test_valid_curated_file_adds_no_results(shipped_report: ValidationReport) -> None:
    report = validate_extra([VALID])
    mine = [v.line() for v in report.violations if "t-valid" in v.focus_name]
    assert mine == []
    assert {v.line() for v in report.violations} == {v.line() for v in shipped_report.violations}


def test_valid_file_is_really_checked(tmp_path: Path) -> None:
    """The same file with its zone's Chinese label removed fails, located in the copy."""
    broken = tmp_path / "low-altitude-broken.trig"
    text = VALID.read_text(encoding="utf-8")
    assert '"测试:广州经济技术开发区"@zh , ' in text
    broken.write_text(text.replace('"测试:广州经济技术开发区"@zh , ', ""), encoding="utf-8")
    report = validate_extra([broken])
    mine = [v for v in report.violations if "t-valid" in v.focus_name]
    assert [(v.focus_name, v.shape, v.path) for v in mine] == [
        ("zone:t-valid-guangzhou-etdz", "zgsh:LabelledEntity-label-zh", "rdfs:label")
    ]
    assert mine[0].location is not None and mine[0].location.startswith(str(broken) + ":")


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
