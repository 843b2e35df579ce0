"""Entity pages list every kind of source behind their facts, not only the article's quotes.

Checked on real pages of the shipped graph: 广州开发区 rests partly on curator knowledge (its
黄埔区 link), a registry-only zone on its row of GB/T 37028-2018, 拉萨高新区 on quotes, its row
and 国函〔2022〕143号. The page lists the same evidence as the one provenance query analysts use.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from graph.build.registry import zone_iri
from graph.namespaces import ID, PROVENANCE_GRAPH
from service.state import get_backend
from tests.iris import GZ_ETDZ, local

HTML = {"Accept": "text/html"}
LHASA = str(ID) + "zone/lhasa-hi-tech-zone"
REGISTRY_ONLY = str(zone_iri("11201001"))
HUANGPU_ASSERTION = str(ID) + "assertion/gz-huangpu"

#: The provenance query of the cookbook (sources behind an entity), for any entity.
SOURCES_BEHIND = """
PREFIX zg: <https://w3id.org/zonegraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?evidence ?kind WHERE {{
  GRAPH <{graph}> {{
    {{ ?st rdf:subject <{iri}> }} UNION {{ ?st rdf:object <{iri}> }}
    ?st prov:wasDerivedFrom ?evidence . ?evidence a ?kind .
  }}
  VALUES ?kind {{ zg:SourceQuote zg:TableRow zg:OfficialDocument zg:CuratorAssertion }}
}}"""

KIND_NAMES = {
    "SourceQuote": "quote",
    "TableRow": "table-row",
    "OfficialDocument": "document",
    "CuratorAssertion": "curator",
}


def _twin(client: FlaskClient, iri: str) -> dict[str, Any]:
    resp = client.get(local(iri) + ".json")
    assert resp.status_code == 200
    view = resp.json
    assert isinstance(view, dict)
    return view


def _values(view: dict[str, Any], short: str) -> list[dict[str, Any]]:
    group = next(g for g in view["outgoing"] if g["predicate"]["short"] == short)
    values: list[dict[str, Any]] = group["values"]
    return values


@pytest.mark.parametrize("iri", [GZ_ETDZ, LHASA, REGISTRY_ONLY])
def test_page_lists_what_the_provenance_query_returns(
    app: Flask, client: FlaskClient, iri: str
) -> None:
    with app.app_context():
        rows = get_backend().select(SOURCES_BEHIND.format(graph=PROVENANCE_GRAPH, iri=iri))
    expected = {(str(r["evidence"]), KIND_NAMES[str(r["kind"]).rsplit("#", 1)[1]]) for r in rows}
    listed = {(e["iri"], e["kind"]) for e in _twin(client, iri)["evidence"]}
    assert expected and listed == expected


def test_curator_assertion_shows_who_why_and_basis(client: FlaskClient) -> None:
    view = _twin(client, GZ_ETDZ)
    kinds = {e["kind"] for e in view["evidence"]}
    assert {"quote", "table-row", "curator"} <= kinds
    huangpu = next(e for e in view["evidence"] if e["iri"] == HUANGPU_ASSERTION)
    assert huangpu["attributed_to_zh"] == "ZoneGraph 整理者"
    assert huangpu["attributed_to_en"] == "ZoneGraph curators"
    assert huangpu["basis_en"] == "general knowledge" and huangpu["rationale_zh"]
    assert huangpu["rationale_en"] and huangpu["facts"] >= 1
    # the 黄埔区 link itself carries it, and no quote
    link = next(v for v in _values(view, "zg:inDivision") if v["iri"].endswith("/440112"))
    assert [e["iri"] for e in link["evidence"]] == [HUANGPU_ASSERTION] and link["sources"] == []
    page = client.get(local(GZ_ETDZ), headers=HTML).text
    table = page[page.index('id="evidence"') : page.index("</table>", page.index('id="evidence"'))]
    assert "整理者断言" in table and "ZoneGraph 整理者" in table
    assert huangpu["rationale_zh"] in table
    assert 'href="#ev-curator:gz-huangpu"' in page  # the relation's source cell links to it


def test_registry_zone_shows_its_table_row(client: FlaskClient) -> None:
    view = _twin(client, REGISTRY_ONLY)
    rows = [e for e in view["evidence"] if e["kind"] == "table-row"]
    assert len(rows) == 1 and rows[0]["key"] == "11201001"
    assert rows[0]["table_zh"].startswith("GB/T 37028-2018") and int(rows[0]["row"]) > 1
    # every value of the zone rests on the row (a statement group covers the predicate)
    for group in view["outgoing"]:
        for v in group["values"]:
            assert rows[0]["iri"] in {e["iri"] for e in v["evidence"]}, group["predicate"]
    page = client.get(local(REGISTRY_ONLY), headers=HTML).text
    assert 'id="evidence"' in page and "标准表格行" in page and f"第{rows[0]['row']}行" in page


def test_lhasa_shows_the_state_council_document(client: FlaskClient) -> None:
    view = _twin(client, LHASA)
    docs = [e for e in view["evidence"] if e["kind"] == "document"]
    assert [d["number"] for d in docs] == ["国函〔2022〕143号"]
    assert docs[0]["issued"].startswith("2022-01-01T") and docs[0]["publisher_zh"]
    assert {"quote", "table-row", "document"} <= {e["kind"] for e in view["evidence"]}
    level = _values(view, "zg:zoneLevel")
    assert any("国函〔2022〕143号" == e["brief_zh"] for v in level for e in v["evidence"])
    page = client.get(local(LHASA), headers=HTML).text
    table = page[page.index('id="evidence"') : page.index("</table>", page.index('id="evidence"'))]
    assert "国函〔2022〕143号" in table and "官方文件" in table
    assert "<blockquote" in table  # the article's quotes are listed beside it


def test_dates_show_at_the_precision_the_source_gives(client: FlaskClient) -> None:
    """「2020年4月」 is shown as 2020-04, not as 1 April; the instant stays in the markup."""
    founding = str(ID) + "event/yaodu-ccp-founding"
    date = _values(_twin(client, founding), "zg:date")[0]
    assert date["value"] == "2020-04-01T00:00:00+08:00" and date["display"] == "2020-04"
    page = client.get(local(founding), headers=HTML).text
    assert '<time class="literal" datetime="2020-04-01T00:00:00+08:00"' in page
    assert ">2020-04</time>" in page and ">2020-04-01</time>" not in page
    lhasa = _twin(client, str(ID) + "event/lhasa-htz-27-high-tech-certified")
    assert _values(lhasa, "zg:reportedOn")[0]["display"] == "2024-01-29"  # a day is a day
