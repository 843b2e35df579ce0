"""An update that got a 2xx is never lost (issue 10): not by a restart, not by a `kill -9`
right after the 2xx, not by a rebuild, which refuses or carries the updates over."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import pipeline
from graph.cli import cli
from graph.errors import StoreError
from graph.store.release import publish
from tests.helpers_server import Server, make_app

TOKEN = "kept-updates-token"
TINY = b"<urn:zg:a> <urn:zg:b> <urn:zg:c> <urn:zg:g> .\n"
OTHER = b"<urn:zg:x> <urn:zg:y> <urn:zg:z> <urn:zg:g> .\n"
INSERT = "INSERT DATA { GRAPH <urn:zg:scratch> { <urn:zg:kept> <urn:zg:p> 'stays' } }"
ASK = "ASK { <urn:zg:kept> <urn:zg:p> 'stays' }"


def asked(base: str, query: str = ASK) -> bool:
    url = base + "/sparql?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(url, timeout=60) as resp:
        return bool(json.loads(resp.read())["boolean"])


def post_update(base: str, text: str) -> int:
    request = urllib.request.Request(
        base + "/update",
        data=text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=60) as resp:
        return int(resp.status)


def test_an_update_survives_a_restart(tmp_path: Path) -> None:
    publish(TINY, tmp_path, {})
    with make_app(tmp_path, update_token=TOKEN, query_workers=1) as app:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        resp = app.test_client().post("/update", data={"update": INSERT}, headers=auth)
        assert resp.status_code == 204
    with make_app(tmp_path, update_token=TOKEN, query_workers=2) as app:
        client = app.test_client()
        for _ in range(4):  # both workers
            assert client.get("/sparql", query_string={"query": ASK}).get_json()["boolean"]


def test_an_update_survives_kill_9_right_after_the_2xx(tmp_path: Path) -> None:
    publish(TINY, tmp_path, {})
    settings = {"ZONEGRAPH_UPDATE_TOKEN": TOKEN, "ZONEGRAPH_QUERY_WORKERS": 1}
    first = Server(tmp_path, settings)
    try:
        assert post_update(first.url, INSERT) == 204
    finally:
        first.proc.kill()  # SIGKILL: no clean-up of any kind
        first.proc.wait()
        if first.proc.stdout:
            first.proc.stdout.close()
    second = Server(tmp_path, settings)
    try:
        assert asked(second.url)
    finally:
        second.stop()


def test_a_rebuild_refuses_to_drop_updates_or_carries_them_over(tmp_path: Path) -> None:
    publish(TINY, tmp_path, {})
    with make_app(tmp_path, update_token=TOKEN, query_workers=1) as app:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert (
            app.test_client().post("/update", data={"update": INSERT}, headers=auth).status_code
            == 204
        )
    with pytest.raises(StoreError, match="would be lost"):
        pipeline.run(tmp_path, nquads=OTHER, validate=False)
    refused = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "build"])
    assert refused.exit_code != 0 and "--keep-updates" in refused.output
    assert "Traceback" not in refused.output
    pipeline.run(tmp_path, nquads=OTHER, validate=False, updates="keep")
    with make_app(tmp_path, update_token=TOKEN, query_workers=1) as app:
        client = app.test_client()
        assert client.get("/sparql", query_string={"query": ASK}).get_json()["boolean"]
        new = "ASK { <urn:zg:x> <urn:zg:y> <urn:zg:z> }"
        assert client.get("/sparql", query_string={"query": new}).get_json()["boolean"]
    pipeline.run(tmp_path, nquads=OTHER, validate=False, updates="discard")
    with make_app(tmp_path, update_token=TOKEN, query_workers=1) as app:
        client = app.test_client()
        assert not client.get("/sparql", query_string={"query": ASK}).get_json()["boolean"]
    assert list((tmp_path / "updates").glob("*.discarded-*"))  # set aside, not deleted
