"""Regressions of the reorganisation (issue 8): one definition of each idea, agreeing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, VOID

from graph.cli import cli
from graph.labels import TERM_LABELS, Labeller, choose
from graph.namespaces import BASE, ORG
from graph.query import stats
from graph.store.release import current_release, open_read_only
from graph.store.safety import query_form, result_kind
from service import create_app
from service.state import close_backend

TRICKY_FORMS = [
    ("PREFIX ask: <urn:x#> SELECT ?s WHERE { ?s ask:p ?o }", "SELECT"),
    ("PREFIX select: <urn:x#> ASK { ?s select:p ?o }", "ASK"),
    ("# ASK in a comment\nSELECT * WHERE { ?s ?p 'ASK' }", "SELECT"),
    ("SELECT ?construct WHERE { ?construct ?p ?o }", "SELECT"),
    ("CONSTRUCT WHERE { ?s <urn:ask> ?o }", "CONSTRUCT"),
    ("DESCRIBE <urn:x> # SELECT\n", "DESCRIBE"),
    ("BASE <urn:select> PREFIX : <urn:ask#> ask { :a :b :c }", "ASK"),
    ("INSERT DATA { <urn:a> <urn:b> 'SELECT' }", None),
]


@pytest.mark.parametrize(("text", "form"), TRICKY_FORMS)
def test_one_query_form_detector(text: str, form: str | None) -> None:
    """The detector reads keywords only: not prefixes, variables, strings, IRIs or comments."""
    assert query_form(text) == form
    assert result_kind(form) == (
        None if form is None else "graph" if form in ("CONSTRUCT", "DESCRIBE") else "solutions"
    )


def test_the_remote_backend_uses_the_same_detector() -> None:
    """graph.store.remote had a second detector that read `PREFIX ask:` as an ASK query."""
    from graph.store import remote

    source = Path(remote.__file__).read_text(encoding="utf-8")
    assert "def query_form" not in source and "query_form(" in source


def test_one_label_per_reused_term() -> None:
    """Two tables disagreed on 7 terms (org:postIn 任职于 vs 所属机构); now one table decides."""
    assert TERM_LABELS[str(ORG.postIn)] == ("所属机构", "post in")
    empty = Labeller(Graph(), use_ontology=False)
    assert empty.labels(ORG.postIn) == ("所属机构", "post in")
    assert choose(ORG.postIn, []) == ("所属机构", "post in")
    # labels in the data win over the table, per language
    mine = [(RDFS.label, Literal("任职", lang="zh"))]
    assert choose(ORG.postIn, mine) == ("任职", "post in")


@pytest.fixture(scope="module")
def app(data_dir: Path) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "ZONEGRAPH_DATA_DIR": data_dir})
    yield app
    close_backend(app)


def test_entities_are_counted_one_way(app: Flask, data_dir: Path) -> None:
    """`zonegraph stats`, the home page and VoID gave 302, 303 and 8,082; now one number."""
    release = current_release(data_dir)
    assert release is not None
    expected = stats.compute(open_read_only(release)).entities
    assert expected > 100
    client = app.test_client()
    assert client.get("/index.json").json["summary"]["entities"] == expected
    void = Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    dataset = URIRef(BASE + "dataset")
    assert void.value(dataset, VOID.entities).toPython() == expected
    said = {str(c) for c in void.objects(dataset, RDFS.comment)}
    assert set(stats.ENTITIES_MEANING) <= said  # VoID says what it counts
    out = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "stats", "--json"])
    assert out.exit_code == 0 and f'"entities": {expected}' in out.output


def test_analyze_reports_a_broken_file_in_one_line(tmp_path: Path) -> None:
    """`zonegraph analyze --data bad.ttl hubs` printed a traceback."""
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix x: <urn:x#> .\nx:a x:b\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["analyze", "--data", str(bad), "hubs"])
    assert out.exit_code == 2
    assert "Traceback" not in out.output
    assert out.output.strip().startswith(f"Error: {bad}:") and "syntax error" in out.output
