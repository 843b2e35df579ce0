"""The `zonegraph` CLI through click's runner: outputs, exit codes and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph

from graph import resources
from graph.cli import cli

SIMPLE = "SELECT ?label WHERE { grouping:national-etdzs rdfs:label ?label } ORDER BY ?label"


@pytest.fixture(scope="module")
def built_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory made by the command under test, `zonegraph build`."""
    path = tmp_path_factory.mktemp("data")
    result = CliRunner().invoke(cli, ["--data-dir", str(path), "build"])
    assert result.exit_code == 0, result.output
    return path


def run(built_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(built_dir), *args])


def assert_one_line_error(result: Result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_build_publishes_a_release(built_dir: Path) -> None:
    current = built_dir / "current"
    assert current.is_symlink()
    meta = json.loads((current / "meta.json").read_text(encoding="utf-8"))
    assert meta["validated"] is True
    assert meta["stats"]["facts"] > 0


def test_query_table(built_dir: Path) -> None:
    result = run(built_dir, "query", SIMPLE)
    assert result.exit_code == 0, result.output
    assert "国家级经开区" in result.output
    assert result.output.rstrip().endswith("(2 rows)")


def test_query_json_and_csv(built_dir: Path) -> None:
    as_json = json.loads(run(built_dir, "query", SIMPLE, "--format", "json").output)
    labels = {b["label"]["value"] for b in as_json["results"]["bindings"]}
    assert "国家级经开区" in labels
    rows = list(csv.reader(io.StringIO(run(built_dir, "query", SIMPLE, "--format", "csv").output)))
    assert rows[0] == ["label"] and len(rows) == 3


def test_query_from_file(built_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("ASK { grouping:national-etdzs a zg:NamedGrouping }", encoding="utf-8")
    result = run(built_dir, "query", "-f", str(path), "--format", "json")
    assert json.loads(result.output)["boolean"] is True


def test_construct_as_turtle(built_dir: Path) -> None:
    result = run(
        built_dir,
        "query",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s a zg:Observation ; ?p ?o }",
        "--format",
        "turtle",
    )
    g = Graph().parse(data=result.output, format="turtle")
    assert len(g) > 10


def test_malformed_query_is_one_line_with_position(built_dir: Path) -> None:
    result = run(built_dir, "query", "SELECT ?s WHERE { ?s ?p }")
    assert_one_line_error(result, "syntax error", "line 1, column")


def test_missing_query_file(built_dir: Path) -> None:
    assert_one_line_error(run(built_dir, "query", "-f", "/nonexistent/q.rq"), "/nonexistent/q.rq")


def test_service_is_refused(built_dir: Path) -> None:
    result = run(
        built_dir, "query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    )
    assert_one_line_error(result, "SERVICE", "refused")


def test_unknown_export_format() -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "yaml"])
    assert result.exit_code == 2
    assert "yaml" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("fmt", "parser"),
    [
        ("turtle", "turtle"),
        ("nt", "nt"),
        ("rdfxml", "xml"),
        ("nquads", "nquads"),
        ("trig", "trig"),
        ("jsonld", "json-ld"),
    ],
)
def test_export_formats_parse_back(built_dir: Path, tmp_path: Path, fmt: str, parser: str) -> None:
    out = tmp_path / f"dump.{fmt}"
    result = run(built_dir, "export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    ds = Dataset()
    ds.parse(out, format=parser)
    total = sum(len(g) for g in ds.graphs())
    stats = json.loads(run(built_dir, "stats", "--json").output)
    if fmt in ("nquads", "trig", "jsonld"):
        assert total == stats["triples"]
        assert len([g for g in ds.graphs() if len(g)]) == 4
    else:
        assert 0 < total <= stats["triples"]
    assert list(tmp_path.glob(".*tmp")) == []


def test_export_to_missing_directory_leaves_nothing(built_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "nope" / "dump.ttl"
    assert_one_line_error(
        run(built_dir, "export", "--format", "turtle", "-o", str(target)), "does not exist"
    )
    assert not target.parent.exists()


def test_export_one_graph(built_dir: Path) -> None:
    result = run(built_dir, "export", "--format", "nt", "--graph", "ontology")
    g = Graph().parse(data=result.output, format="nt")
    stats = json.loads(run(built_dir, "stats", "--json").output)
    assert len(g) == stats["graphs"]["ontology"]


def test_stats(built_dir: Path) -> None:
    result = run(built_dir, "stats")
    assert result.exit_code == 0
    assert "facts" in result.output and "zg:Observation" in result.output
    st = json.loads(run(built_dir, "stats", "--json").output)
    assert st["sources"] == 1 and st["quotes"] > 0
    assert st["triples"] == sum(st["graphs"].values())


def test_validate_broken_turtle_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        '@prefix zg: <https://w3id.org/zonegraph/ontology#> .\n\nzg:a zg:b "unterminated .\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert_one_line_error(result, str(bad))
    assert ":3" in result.output or ":2" in result.output


def test_validate_missing_file() -> None:
    assert_one_line_error(
        CliRunner().invoke(cli, ["validate", "/nonexistent/x.ttl"]), "/nonexistent/x.ttl"
    )


def test_validate_nonconforming_file_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "unlabelled.ttl"
    bad.write_text(
        "@prefix zg: <https://w3id.org/zonegraph/ontology#> .\n"
        "@prefix zone: <https://w3id.org/zonegraph/id/zone/> .\n"
        "zone:nameless a zg:HighTechZone .\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1, result.output
    assert "zone:nameless" in result.output


def test_build_with_a_quote_not_in_the_article(built_dir: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(resources.sources_dir(), sources)
    (sources / "99-bad.trig").write_text(
        "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
        "@prefix quote: <https://w3id.org/zonegraph/id/quote/> .\n\n"
        'quote:bad-01 { quote:bad-01 oa:exact "这句话不在原文中" . }\n',
        encoding="utf-8",
    )
    assert_one_line_error(
        run(built_dir, "build", "--sources", str(sources)), "99-bad.trig:4", "does not occur"
    )


def test_docs_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["docs", "-o", str(tmp_path / "html")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "html" / "index.html").is_file()


def test_python_dash_m_runs_the_command() -> None:
    """`python -m graph.cli` is the command itself, as a checkout on PYTHONPATH runs it."""
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root}
    done = subprocess.run(
        [sys.executable, "-m", "graph.cli", "--help"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: zonegraph "), done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "graph.cli", "no-such-command"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
