"""Registry-scale analyses through the real CLI and the real app: co-location, type mix and
likeness of provinces, the article's zones among their neighbours.

Every expected answer is computed here from the registry CSV with plain Python (no code of
graph.analysis), so a wrong query, count or formula in the analyses fails a test.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import Result
from flask.testing import FlaskClient

from graph import resources
from graph.build.registry import REGISTRY_FILE

BASE = "https://w3id.org/zonegraph/"
#: The table gives 拉萨高新区 no city; the article places it in 拉萨市 (5401).
ARTICLE_CITIES = {"54202001": "5401"}


def rows() -> list[dict[str, str]]:
    with (resources.reference_dir() / REGISTRY_FILE).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def cities() -> dict[str, str]:
    out = {r["code"]: r["parent_city_adcode"] for r in rows() if r["parent_city_adcode"]}
    return {**out, **ARTICLE_CITIES}


def counts_by_province() -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows():
        out[r["province_code"]][r["type_code"]] += 1
    return out


def expected_alike(top: int) -> list[tuple[str, str, float]]:
    counts = counts_by_province()
    types = sorted({r["type_code"] for r in rows()})
    vec = {p: [c[t] / sum(c.values()) for t in types] for p, c in counts.items()}

    def cos(u: list[float], v: list[float]) -> float:
        dot = sum(a * b for a, b in zip(u, v, strict=True))
        return dot / math.sqrt(sum(a * a for a in u) * sum(b * b for b in v))

    pairs = [(a, b, cos(vec[a], vec[b])) for a, b in combinations(sorted(vec), 2)]
    pairs.sort(key=lambda p: (-round(p[2], 6), p[0], p[1]))
    return pairs[:top]


def pairs(sizes: Counter[str]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    return resp.get_json()


def cli_json(runner: Callable[..., Result], *args: str) -> Any:
    result = runner("analyze", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# --- type mix ------------------------------------------------------------------------------


def check_type_mix(data: dict[str, Any], top: int) -> None:
    counts = counts_by_province()
    assert len(data["types"]) == 15 and len(data["provinces"]) == 31
    for p in data["provinces"]:
        mine = counts[p["province"]["code"]]
        assert p["total"] == sum(mine.values())
        assert {t: n for t, n in p["counts"].items() if n} == dict(mine)
        assert math.isclose(sum(p["shares"].values()), 1.0, abs_tol=1e-4)
    got = [(p["a"]["code"], p["b"]["code"], p["cosine"]) for p in data["alike"]]
    want = expected_alike(top)
    assert [(a, b) for a, b, _ in got] == [(a, b) for a, b, _ in want]
    for (_, _, g), (_, _, w) in zip(got, want, strict=True):
        assert math.isclose(g, w, abs_tol=1e-6)


def test_type_mix_cli_and_api(runner: Callable[..., Result], client: FlaskClient) -> None:
    check_type_mix(cli_json(runner, "type-mix", "--top", "12"), 12)
    check_type_mix(get_json(client, "/api/registry/type-mix?top=5"), 5)
    text = runner("analyze", "type-mix", "--top", "3")
    assert text.exit_code == 0 and "江苏省" in text.output and "cosine" in text.output
    only = get_json(client, "/api/registry/type-mix?province=44&top=30")["alike"]
    assert len(only) == 30 and all(p["a"]["code"] == "44" for p in only)


# --- co-location -----------------------------------------------------------------------------


def test_colocation_summary(runner: Callable[..., Result], client: FlaskClient) -> None:
    city = cities()
    by_city = Counter(city.values())
    by_province = Counter(r["province_code"] for r in rows())
    for data in (
        cli_json(runner, "colocation", "--top", "3"),
        get_json(client, "/api/registry/colocation?cities=false&top=3")["colocation"],
    ):
        assert data["zones"] == 2606 and data["zones_with_city"] == len(city) == 364
        assert data["cities"] == len(by_city)
        assert data["pairs_sharing_city"] == pairs(by_city)
        assert data["pairs_sharing_province"] == pairs(by_province)
        top = data["top_cities"][0]
        assert (top["code"], top["zones"]) == by_city.most_common(1)[0]
        assert data["top_provinces"][0]["zones"] == max(by_province.values())


def test_colocation_network_and_exports(
    runner: Callable[..., Result], client: FlaskClient, tmp_path: Path
) -> None:
    gd = [r for r in rows() if r["province_code"] == "44"]
    gd_cities = {cities()[r["code"]] for r in gd if r["code"] in cities()}
    out = tmp_path / "gd.graphml"
    result = runner(
        "analyze", "colocation", "--province", "44", "--format", "graphml", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    g = nx.read_graphml(out)
    assert g.number_of_nodes() == len(gd) + len(gd_cities) + 1
    assert g.number_of_edges() == len(gd) + len(
        gd_cities
    )  # a tree: zone→city/province, city→province
    assert g.nodes[BASE + "id/zone/guangzhou-etdz"]["label"] == "广州经济技术开发区"
    # the zone–zone projection: every pair of the province, weight 2 within a city
    body = client.get("/api/registry/colocation/export.json?province=44&projected=true")
    assert body.status_code == 200 and body.mimetype == "application/json"
    proj = json.loads(body.get_data())
    assert len(proj["nodes"]) == len(gd) and len(proj["links"]) == len(gd) * (len(gd) - 1) // 2
    gz = {r["code"] for r in gd if cities().get(r["code"]) == "4401"}
    heavy = [e for e in proj["links"] if e["weight"] == 2]
    assert len(heavy) == pairs(Counter(cities()[r["code"]] for r in gd if r["code"] in cities()))
    assert len(gz) == 4
    gexf = client.get("/api/registry/colocation/export.gexf?province=广东省")
    assert gexf.status_code == 200 and b"<gexf" in gexf.get_data()
    # the explorer's default network: zones with a city, drawn as cytoscape elements
    data = get_json(client, "/api/registry/colocation")
    zones = [n for n in data["elements"]["nodes"] if n["data"]["category"] == "zone"]
    assert len(zones) == 364 and data["scope"]["cities_only"] is True


def test_colocation_bad_input(runner: Callable[..., Result], client: FlaskClient) -> None:
    bad = runner("analyze", "colocation", "--province", "火星")
    assert bad.exit_code == 2 and "Traceback" not in bad.output and "火星" in bad.output
    assert runner("analyze", "colocation", "--projected").exit_code == 2
    assert get_json(client, "/api/registry/colocation?province=99", 404)["suggestions"]
    assert get_json(client, "/api/registry/colocation?cities=false&projected=true", 400)
    assert get_json(client, "/api/registry/colocation/export.pdf", 400)["ok"] is False
    assert get_json(client, "/api/registry/type-mix?top=abc", 400)["ok"] is False


# --- the article's zones among their neighbours ------------------------------------------------


def test_article_zones_among_neighbours(runner: Callable[..., Result], client: FlaskClient) -> None:
    table = {r["code"]: r for r in rows()}
    city = cities()
    for data in (cli_json(runner, "neighbours"), get_json(client, "/api/registry/neighbours")):
        got = {s["zone"]["code"]: s for s in data["zones"]}
        assert set(got) == {"44101002", "65101002", "54202001"}
        for code, s in got.items():
            row = table[code]
            prov, typ = row["province_code"], row["type_code"]
            same_type = sorted(
                c for c, r in table.items() if (r["province_code"], r["type_code"]) == (prov, typ)
            )
            per_prov = Counter(r["province_code"] for r in table.values() if r["type_code"] == typ)
            assert s["place_in_type"] == same_type.index(code) + 1
            assert s["type_in_province"] == len(same_type)
            assert s["province_zones"] == sum(
                1 for r in table.values() if r["province_code"] == prov
            )
            assert s["province_rank_for_type"] == 1 + sum(
                1 for n in per_prov.values() if n > per_prov[prov]
            )
            assert s["type_nationwide"] == sum(per_prov.values())
            neighbours = sorted(c for c, v in city.items() if v == city.get(code) and c != code)
            assert sorted(n["code"] for n in s["same_city"]) == neighbours
        assert [n["code"] for n in got["44101002"]["same_city"]] == [
            "44101003",
            "44101005",
            "44103001",
        ]
        lost = {n["iri"].rsplit("/", 1)[1] for n in data["not_in_registry"]}
        assert lost == {"yaodu-hi-tech-zone", "qingdao-ftz-area"}
    one = get_json(client, "/api/registry/neighbours?zone=广州经济技术开发区")["zones"]
    assert [s["zone"]["code"] for s in one] == ["44101002"]
    assert get_json(client, "/api/registry/neighbours?zone=北京经济技术开发区", 404)["suggestions"]
    text = runner("analyze", "neighbours", "65101002", "--lang", "en")
    assert text.exit_code == 0 and "65101002" in text.output


# --- the explorer page -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_analysis_page_and_twin(client: FlaskClient, lang: str) -> None:
    html = client.get(f"/registry/analysis?lang={lang}").get_data(as_text=True)
    assert 'id="zg-graph-config"' in html and "cytoscape.min.js" in html
    assert 'id="mix"' in html and 'id="alike"' in html and 'data-code="44101002"' in html
    heading = "共址网络" if lang == "zh" else "Co-location network"
    assert heading in html
    twin = get_json(client, "/registry/analysis.json")
    assert twin["colocation"]["pairs_sharing_city"] == pairs(Counter(cities().values()))
    want = expected_alike(10)[0]
    assert (
        twin["type_mix"]["alike"][0]["a"]["code"],
        twin["type_mix"]["alike"][0]["b"]["code"],
    ) == want[:2]
    assert f'id="pairs-city">{twin["colocation"]["pairs_sharing_city"]}<' in html
    gd = client.get("/registry/analysis?province=44").get_data(as_text=True)
    assert "/api/registry/colocation?province=44" in gd
    assert client.get("/registry/analysis?province=xx").status_code == 404
