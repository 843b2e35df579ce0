"""`zonegraph docs`: one ontology page with its own title and IRI, one page per concept scheme,
and nothing but the result on the terminal (issue 10: the page was titled 「指标」 after a
scheme, 13 titles ran into one heading, and pyLODE's DEBUG lines filled stderr)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from rdflib import RDF, SKOS, URIRef

from graph.build import load_ontology
from tests.helpers_server import ZONEGRAPH

ONTOLOGY = "https://w3id.org/zonegraph/ontology"


def test_docs_render_the_ontology_and_each_scheme(tmp_path: Path) -> None:
    run = subprocess.run(
        [str(ZONEGRAPH), "docs", "-o", str(tmp_path / "docs")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    page = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    title = "ZoneGraph 开发区知识图谱本体 / ZoneGraph ontology of development zones"
    assert f"<title>{title}</title>" in page
    assert re.findall(r"<h1>([^<]*)</h1>", page) == [title]
    assert f"<code>{ONTOLOGY}</code>" in page
    assert "IndicatorScheme" not in re.findall(r"<title>([^<]*)</title>", page)[0]
    g = load_ontology()
    schemes = sorted(g.subjects(RDF.type, SKOS.ConceptScheme), key=str)
    assert len(schemes) > 5
    for scheme in schemes:
        name = str(scheme).rsplit("#", 1)[-1]
        assert f'href="schemes/{name}.html"' in page
        doc = (tmp_path / "docs" / "schemes" / f"{name}.html").read_text(encoding="utf-8")
        zh = next(str(v) for v in g.objects(scheme, SKOS.prefLabel) if v.language == "zh")
        assert re.findall(r"<h1>([^<]*)</h1>", doc)[0].startswith(zh)
        assert f"<code>{scheme}</code>" in doc
        concepts = set(g.subjects(SKOS.inScheme, URIRef(scheme)))
        assert doc.count("<tr>") == len(concepts) + 1  # the header row
