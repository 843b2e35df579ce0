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


# --- curator checks (graph/validate/checks.py): violations with exact messages ---------------


def check(report: ValidationReport, focus: str, name: str, file: str) -> Violation:
    v = only(report, focus, f"zgcheck:{name}")
    assert v.severity == "Violation"
    assert_readable(v, file)
    return v


def test_hedged_figure_with_the_wrong_comparator(invalid_report: ValidationReport) -> None:
    v = check(invalid_report, "observation/t-hedge-smes", "hedge", "hedge-wrong-comparator.trig")
    assert v.path == "zg:comparator"
    assert v.message == (
        "原文「超4万家」有限定词“超”,比较符应为 cmp:more-than,而非 cmp:exact / "
        "hedged figure 「超4万家」 (“超”) needs cmp:more-than, not cmp:exact"
    )


def test_hedged_figure_without_comparator(invalid_report: ValidationReport) -> None:
    v = check(invalid_report, "observation/t-hedge-area", "hedge", "hedge-wrong-comparator.trig")
    assert v.message == (
        "原文「近500万平方米」有限定词“近”,比较符应为 cmp:just-under,而非 none / "
        "hedged figure 「近500万平方米」 (“近”) needs cmp:just-under, not none"
    )


def test_value_that_does_not_match_its_verbatim_figure(invalid_report: ValidationReport) -> None:
    v = check(
        invalid_report, "observation/t-verb-credit", "verbatim-value", "verbatim-mismatch.trig"
    )
    assert v.path == "sdmx-measure:obsValue"
    assert v.message == (
        "数值 1879600000 与原文「187.96亿元」不符(原文数字:18796000000) / value 1879600000 does "
        "not match the verbatim figure 「187.96亿元」 (it states 18796000000)"
    )
    v = check(invalid_report, "observation/t-verb-rd", "verbatim-value", "verbatim-mismatch.trig")
    assert (
        "value 1200 does not match the verbatim figure 「1.2万家」 (it states 12000)" in v.message
    )


def test_part_larger_than_its_whole(invalid_report: ValidationReport) -> None:
    v = check(
        invalid_report, "observation/t-part-stock", "part-whole", "part-larger-than-whole.trig"
    )
    assert v.path == "zg:subsetOf" and v.value == "obs:t-part-batch"
    assert v.message == (
        "部分「61家」大于整体「27家」 / part 「61家」 (61) is larger than its whole 「27家」 (27)"
    )


def test_disjoint_parts_that_do_not_add_up(invalid_report: ValidationReport) -> None:
    v = check(invalid_report, "observation/t-psum-whole", "partition-sum", "partition-sum.trig")
    assert v.message == (
        "互斥部分之和 「16家」 + 「11家」 = 27 不等于整体「61家」 / declared disjoint parts "
        "「16家」 + 「11家」 add up to 27, not the whole 「61家」"
    )


def test_share_that_is_not_part_over_whole(invalid_report: ValidationReport) -> None:
    v = check(invalid_report, "observation/t-pshare-pct", "share", "share-not-part-over-whole.trig")
    assert v.message == (
        "占比 47.29% 不等于「27家」÷「129家」= 20.93% / share 47.29 % is not part ÷ whole "
        "「27家」 ÷ 「129家」 = 20.93 %"
    )


def test_period_against_the_sentences_time_words(invalid_report: ValidationReport) -> None:
    v = check(invalid_report, "observation/t-perw-fdi", "period-words", "period-time-words.trig")
    assert v.path == "sdmx-dimension:refPeriod" and v.value == "period:t-perw-2024-01"
    assert v.message == (
        "时期 period:t-perw-2024-01 与原句的时间用语不符:原句所述年份为 2023,而非 2024 / period "
        "period:t-perw-2024-01 does not match the sentence's time words: the sentence states "
        "2023, not 2024"
    )
    v = check(invalid_report, "observation/t-perw-routes", "period-words", "period-time-words.trig")
    assert "「目前」 means the time of the report (2024-01), not 2023" in v.message


def test_entity_without_a_type(invalid_report: ValidationReport) -> None:
    v = check(invalid_report, "org/t-untyped-company", "untyped", "untyped-entity.ttl")
    assert v.path == "rdf:type"
    assert v.message.startswith(
        "实体缺少类型 / entity of the data or reference graph has no rdf:type"
    )
    assert v.location is not None and v.location.endswith("untyped-entity.ttl:30")


def test_shipped_graph_passes_every_curator_check(union_graph: Graph) -> None:
    from graph.validate import checks

    assert [f.message for f in checks.run(union_graph)] == []


@pytest.mark.parametrize(
    ("verbatim", "unit", "expected"),
    [
        ("187.96亿元", None, "18796000000"),
        ("10万元", None, "100000"),
        ("1.2万家", None, "12000"),
        ("47.29%", None, "47.29"),
        ("前三甲", None, "3"),
        ("上千名", None, "1000"),
        ("开园一年多", "https://w3id.org/zonegraph/concept/unit/month", "12"),
    ],
)
def test_chinese_numbers_are_parsed(verbatim: str, unit: str | None, expected: str) -> None:
    from decimal import Decimal

    from graph.validate.checks import numbers_in

    assert Decimal(expected) in numbers_in(verbatim, unit)


def claim_violation(report: ValidationReport, focus: str, message: str) -> Violation:
    found = [v for v in results_for(report, focus) if v.message.startswith(message)]
    assert found, [v.line() for v in results_for(report, focus)]
    assert {(v.severity, v.path) for v in found} == {("Violation", found[0].path)}
    return found[0]


def test_careless_claims_are_violations(invalid_report: ValidationReport) -> None:
    """A claim says whose standing it is, which kind, over which scope concept, on which rank."""
    file = "claim-careless.trig"
    v = claim_violation(invalid_report, "claim/t-claim-noscope", "比较性声称缺少范围")
    assert "zg:claimScope" in v.message
    assert_readable(v, file)
    v = claim_violation(invalid_report, "claim/t-claim-strscope", "声称范围须为范围表中的一个概念")
    assert v.path == "zg:claimScope" and v.value is not None and "全国" in v.value
    assert_readable(v, file)
    v = claim_violation(invalid_report, "claim/t-claim-rank", "排名地位缺少所据的排名数字")
    assert_readable(v, file)
    assert [x for x in results_for(invalid_report, "claim/t-claim-rank") if x is not v] == []
    v = claim_violation(invalid_report, "claim/t-claim-nosubject", "声称缺少主体")
    assert v.path == "zg:claimSubject"
    assert_readable(v, file)


def test_level_without_status(invalid_report: ValidationReport) -> None:
    found = [
        v
        for v in results_for(invalid_report, "observation/shihezi-etdz-2023-assigned-cadres")
        if v.message.startswith("有级别而无资质")
    ]
    assert len(found) == 1
    assert found[0].path == "zg:countedStatus"


def test_dates_of_the_old_datatypes_and_without_precision(invalid_report: ValidationReport) -> None:
    """Every date is an xsd:dateTime at 00:00+08:00 (HermiT's datatype map has no xsd:date or
    xsd:gYearMonth); an event's date says its precision."""
    event = results_for(invalid_report, "event/t-olddate-event")
    messages = {v.message for v in event}
    assert "日期应为北京时间的 xsd:dateTime / zg:date must be an xsd:dateTime at +08:00" in messages
    assert any("zg:datePrecision" in m for m in messages)
    assert all(v.path in ("zg:date", "zg:datePrecision") for v in event)
    period = results_for(invalid_report, "period/t-olddate-period")
    assert [v.path for v in period] == ["zg:startDate"]
    assert_readable(period[0], "date-old-datatypes.trig")
