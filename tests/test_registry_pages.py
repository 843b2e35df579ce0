"""Explorer registry pages: counts by province × type, zone lists, JSON twins, bad codes."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    return resp.get_json()


def test_counts_by_province_and_type(client: FlaskClient) -> None:
    data = get_json(client, "/registry.json")
    assert data["total"] == 2606
    assert len(data["types"]) == 15 and len(data["provinces"]) == 31
    jiangsu = next(p for p in data["provinces"] if p["code"] == "32")
    assert jiangsu["counts"]["101"] == 26 and jiangsu["counts"]["103"] == 17
    assert data["totals"]["201"] == 987
    html = client.get("/registry").get_data(as_text=True)
    assert 'href="/registry/province/32"' in html and 'href="/registry/type/103"' in html


def test_zone_lists(client: FlaskClient) -> None:
    gz = get_json(client, "/registry/city/4401.json")["zones"]
    assert [z["code"] for z in gz] == ["44101002", "44101003", "44101005", "44103001"]
    assert gz[0]["href"] == "/id/zone/guangzhou-etdz" and not gz[0]["english_generated"]
    tibet = get_json(client, "/registry/province/54.json")["zones"]
    lhasa = next(z for z in tibet if z["code"] == "54202001")
    assert (lhasa["type"], lhasa["level"]) == ("202", "national")
    ftz = get_json(client, "/registry/type/110.json")["zones"]
    assert len(ftz) == 11
    html = client.get("/registry/type/110").get_data(as_text=True)
    assert "中国（上海）自由贸易试验区" in html


def test_bad_codes_are_4xx(client: FlaskClient) -> None:
    assert get_json(client, "/registry/province/99.json", 404)["ok"] is False
    assert client.get("/registry/province/abc").status_code == 400
    assert client.get("/registry/planet/32").status_code == 404


def test_home_counts_zones_by_type_and_level(client: FlaskClient) -> None:
    zones = get_json(client, "/index.json")["zones"]
    counts = {(z["code"], z["level_en"]): int(z["n"]) for z in zones}
    assert counts[("101", "national")] == 219
    assert counts[("202", "provincial")] == 145 and counts[("202", "national")] == 1  # 拉萨, 2022
    assert sum(counts.values()) == 2606
    assert 'id="zone-counts"' in client.get("/").get_data(as_text=True)
