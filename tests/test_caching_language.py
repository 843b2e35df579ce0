"""Caches and the language switch: a page whose language came from the cookie says
Vary: Cookie, every page names its language, and /favicon.ico answers (issue 10)."""

from __future__ import annotations

from flask.testing import FlaskClient

from service.render import LANG_COOKIE


def test_language_from_the_cookie_varies_on_it(client: FlaskClient) -> None:
    first = client.get("/", headers={"Accept": "text/html"})
    assert first.status_code == 200
    assert first.headers["Content-Language"] == "zh"
    assert "Cookie" in first.headers["Vary"]
    client.set_cookie(LANG_COOKIE, "en")
    english = client.get("/search?q=生物岛", headers={"Accept": "text/html"})
    assert english.headers["Content-Language"] == "en"
    assert "Cookie" in english.headers["Vary"]


def test_language_in_the_url_is_named(client: FlaskClient) -> None:
    resp = client.get("/?lang=en", headers={"Accept": "text/html"})
    assert resp.headers["Content-Language"] == "en"
    assert "Cookie" not in resp.headers.get("Vary", "")
    assert f"{LANG_COOKIE}=en" in resp.headers["Set-Cookie"]


def test_rdf_does_not_depend_on_the_language(client: FlaskClient) -> None:
    resp = client.get("/id/park/guangzhou-international-bio-island.ttl")
    assert resp.status_code == 200
    assert "Content-Language" not in resp.headers
    assert "Cookie" not in resp.headers.get("Vary", "")


def test_favicon(client: FlaskClient) -> None:
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200
    assert resp.mimetype == "image/vnd.microsoft.icon"
    assert resp.data[:4] == b"\0\0\1\0" and len(resp.data) > 1000
    resp.close()
