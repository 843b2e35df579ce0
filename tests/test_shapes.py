"""The shapes catch each kind of broken input, at the right node, path and shape.

All broken inputs in tests/shapes/invalid/ are validated together with the shipped graph in
one run (validation of the full graph takes seconds); each test then looks at the results for
the nodes its own file introduces, which are named t-<case>-… so they cannot collide.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph.namespaces import ZG
from graph.validate import ValidationReport, Violation, lint_ontology, load_shapes, validate_extra

HERE = Path(__file__).parent / "shapes"
INVALID = sorted((HERE / "invalid").glob("*.*"))
ID = "https://w3id.org/zonegraph/id/"


@pytest.fixture(scope="module")
def invalid_report() -> ValidationReport:
    return validate_extra(INVALID)


def results_for(report: ValidationReport, focus: str) -> list[Violation]:
    return [v for v in report.violations if str(v.focus) == ID + focus]


def only(report: ValidationReport, focus: str, shape: str) -> Violation:
    found = [v for v in results_for(report, focus) if v.shape == shape]
    assert len(found) == 1, [v.line() for v in results_for(report, focus)]
    return found[0]


def assert_readable(v: Violation, file: str) -> None:
    """Bilingual message, the curated file and line, and the node's label on one line."""
    assert " / " in v.message and any("\u4e00" <= ch <= "\u9fff" for ch in v.message)
    assert v.location is not None and v.location.split(":")[0].endswith(file)
    assert v.location.rsplit(":", 1)[1].isdigit()
    assert v.line().startswith(f"{v.location}: {v.focus_name}")
    assert "http" not in v.line()


def test_invalid_inputs_do_not_conform(invalid_report: ValidationReport) -> None:
    """Every invalid file is caught on its own, with a violation located in that file."""
    assert not invalid_report.conforms
    assert len(INVALID) >= 10
    for path in INVALID:
        located = [
            v
            for v in invalid_report.violations
            if v.severity == "Violation" and (v.location or "").startswith(str(path))
        ]
        assert located, f"{path.name}: no violation located in the file"


def test_missing_chinese_label(invalid_report: ValidationReport) -> None:
    v = only(invalid_report, "person/t-nozh-he-tianxing", "zgsh:LabelledEntity-label-zh")
    assert v.path == "rdfs:label"
    assert v.message.startswith("缺少中文标签 / missing Chinese label")
    assert v.focus_label == "He Tianxing"
    assert_readable(v, "missing-zh-label.trig")


def test_value_as_string_is_a_datatype_error(invalid_report: ValidationReport) -> None:
    found = results_for(invalid_report, "observation/t-str-obs")
    assert [v.shape for v in found] == ["zgsh:range-obsValue › 数值 / value"]
    v = found[0]
    assert v.path == "sdmx-measure:obsValue" and v.value == '"50"'
    assert "xsd:decimal" in v.message
    assert_readable(v, "obsvalue-string.trig")


def test_link_to_a_node_of_the_wrong_class(invalid_report: ValidationReport) -> None:
    found = results_for(invalid_report, "org/t-loc-ehang")
    assert len(found) == 1
    v = found[0]
    assert v.shape == "zgsh:range-locatedIn › 位于 / located in"
    assert v.path == "zg:locatedIn" and v.value == "person:t-loc-he-tianxing"
    assert "must point at a place" in v.message
    assert_readable(v, "located-in-person.trig")
    assert results_for(invalid_report, "person/t-loc-he-tianxing") == []


def test_negative_count(invalid_report: ValidationReport) -> None:
    v = only(invalid_report, "observation/t-neg-obs", "zgsh:Observation-value-range")
    assert v.path == "sdmx-measure:obsValue" and v.value is not None and "-50" in v.value
    assert "negative figure" in v.message
    assert_readable(v, "negative-count.trig")


def test_figure_without_unit(invalid_report: ValidationReport) -> None:
    v = only(invalid_report, "observation/t-nounit-obs", "zgsh:Observation-unit")
    assert v.path == "sdmx-attribute:unitMeasure"
    assert "exactly one unit" in v.message
    assert_readable(v, "no-unit.trig")


def test_figure_without_period(invalid_report: ValidationReport) -> None:
    v = only(invalid_report, "observation/t-noper-obs", "zgsh:Observation-period")
    assert v.path == "sdmx-dimension:refPeriod"
    assert_readable(v, "no-period.trig")


def test_unit_differs_from_the_indicators_unit(invalid_report: ValidationReport) -> None:
    shape = "zgsh:Observation-unit-matches › 单位 / unit"
    v = only(invalid_report, "observation/t-unit-obs", shape)
    assert v.path == "sdmx-attribute:unitMeasure"
    expected = "单位与指标不符 / unit differs from the indicator's unit (unit:CNY ≠ unit:USD)"
    assert v.message == expected
    assert v.line().endswith("sdmx-attribute:unitMeasure: " + v.message)
    assert_readable(v, "unit-mismatch.trig")


def test_share_above_100_percent(invalid_report: ValidationReport) -> None:
    found = results_for(invalid_report, "observation/t-share-obs")
    assert [v.shape for v in found] == ["zgsh:Observation-percent-range › 百分比 / percentage"]
    assert found[0].path == "sdmx-measure:obsValue" and "0–100" in found[0].message
    assert_readable(found[0], "share-over-100.trig")


def test_period_that_ends_before_it_starts(invalid_report: ValidationReport) -> None:
    v = only(invalid_report, "period/t-rev-period", "zgsh:Period › 起止顺序 / start before end")
    assert v.path == "zg:startDate"
    assert_readable(v, "period-reversed.trig")


def test_post_without_holder(invalid_report: ValidationReport) -> None:
    v = only(invalid_report, "post/t-post-vp", "zgsh:Post › 任职者 / holder")
    assert v.path == "^org:holds|org:heldBy"
    assert_readable(v, "post-without-holder.trig")


def test_benefit_cap_without_currency(invalid_report: ValidationReport) -> None:
    v = only(invalid_report, "amount/t-cur-cap", "zgsh:MonetaryAmount › 币种 / currency")
    assert v.path == "schema:currency"
    assert v.message.startswith("金额缺少币种 / amount without currency")
    assert_readable(v, "benefit-without-currency.trig")
    # the rest of the policy chain is complete: no errors for policy, measure or benefit
    for focus in ("policy/t-cur-policy", "measure/t-cur-measure", "benefit/t-cur-benefit"):
        assert [v for v in results_for(invalid_report, focus) if v.severity == "Violation"] == []


def test_fact_without_provenance_in_plain_turtle(invalid_report: ValidationReport) -> None:
    found = results_for(invalid_report, "org/t-ttl-company")
    assert {v.shape for v in found} == {"zgsh:CuratedEntity"}
    paths = sorted(v.path or "" for v in found)
    assert paths == ["rdf:type", "rdfs:label", "rdfs:label", "zg:locatedIn"]
    located = next(v for v in found if v.path == "zg:locatedIn")
    assert "fact without provenance" in located.message and "div:440112" in located.message
    assert located.location is not None and located.location.endswith("no-provenance.ttl:31")


def test_reference_data_needs_no_english(invalid_report: ValidationReport) -> None:
    """Divisions and GB/T classes carry Chinese names only; that is not an error."""
    for v in invalid_report.violations:
        assert not (str(v.focus).startswith(ID + "division/") and "English" in v.message)
        assert not ("/concept/gbt4754/" in str(v.focus) and "English" in v.message)


def test_data_shapes_have_bilingual_messages_and_names() -> None:
    shapes = load_shapes("data")
    sh = "http://www.w3.org/ns/shacl#"
    messages = [str(m) for m in shapes.objects(None, URIRef(sh + "message"))]
    assert len(messages) > 80
    for text in messages:
        zh, _, en = text.partition(" / ")
        assert en and any("\u4e00" <= ch <= "\u9fff" for ch in zh), text
    for shape in shapes.subjects(URIRef(sh + "message"), None):
        if (shape, URIRef(sh + "select"), None) in shapes:
            continue  # a SPARQL constraint: named by the shape that holds it
        assert shapes.value(shape, URIRef(sh + "name")) is not None, shape


def test_lint_shapes_are_not_data_shapes() -> None:
    data, lint = load_shapes("data"), load_shapes("lint")
    term = URIRef("https://w3id.org/zonegraph/shapes#OntologyTerm")
    assert (term, None, None) in lint and (term, None, None) not in data


def test_ontology_passes_the_lint_shapes() -> None:
    report = lint_ontology()
    assert report.conforms, report.text()
    assert report.violations == ()


def test_unlabelled_ontology_term_fails_the_lint() -> None:
    from graph.build import load_ontology

    unlabelled = URIRef(str(ZG._NS) + "Unlabelled")  # ZG refuses undeclared terms, rightly
    half = URIRef(str(ZG._NS) + "halfLabelled")
    onto: Graph = load_ontology()
    onto.add((unlabelled, RDF.type, OWL.Class))
    onto.add((half, RDF.type, OWL.ObjectProperty))
    onto.add((half, RDFS.label, Literal("半标注", lang="zh")))
    onto.add((half, SKOS.definition, Literal("A test term.", lang="en")))
    report = lint_ontology(onto)
    assert not report.conforms
    found = {(v.focus_name, v.path, v.message.split(" / ")[0]) for v in report.violations}
    assert found == {
        ("zg:Unlabelled", "rdfs:label", "本体术语缺少中文标签"),
        ("zg:Unlabelled", "rdfs:label", "本体术语缺少英文标签"),
        ("zg:Unlabelled", "skos:definition", "本体术语缺少定义"),
        ("zg:halfLabelled", "rdfs:label", "本体术语缺少英文标签"),
    }
