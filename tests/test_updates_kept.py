"""An update that got a 2xx is never lost (issue 10): not by a restart, not by a `kill -9`
right after the 2xx, not by a rebuild, which refuses or carries the updates over."""

from __future__ import annotations

import json
import os
import signal
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import pipeline
from graph.cli import cli
from graph.errors import StoreError
from graph.store.release import publish
from tests.helpers_server import Server, make_app, query_workers, wait_for

TOKEN = "kept-updates-token"
TINY = b"<urn:zg:a> <urn:zg:b> <urn:zg:c> <urn:zg:g> .\n"
OTHER = b"<urn:zg:x> <urn:zg:y> <urn:zg:z> <urn:zg:g> .\n"
INSERT = "INSERT DATA { GRAPH <urn:zg:scratch> { <urn:zg:kept> <urn:zg:p> 'stays' } }"
ASK = "ASK { <urn:zg:kept> <urn:zg:p> 'stays' }"


DRAWN = (
    "INSERT { GRAPH <urn:zg:scratch> { <urn:zg:drawn> <urn:zg:id> ?u ; <urn:zg:r> ?r ; "
    "<urn:zg:b> [ <urn:zg:at> ?t ] } } WHERE { BIND(STRUUID() AS ?u) BIND(RAND() AS ?r) "
    "BIND(NOW() AS ?t) }"
)
SEEN = "SELECT ?u ?r ?b WHERE { <urn:zg:drawn> <urn:zg:id> ?u ; <urn:zg:r> ?r ; <urn:zg:b> ?b }"


def seen(base: str) -> list[tuple[str, ...]]:
    """Every row of SEEN as one server answers it."""
    url = base + "/sparql?" + urllib.parse.urlencode({"query": SEEN})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as resp:
        rows = json.loads(resp.read())["results"]["bindings"]
    return [tuple(row[name]["value"] for name in ("u", "r", "b")) for row in rows]


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


def test_every_worker_and_every_restart_sees_the_values_drawn_once(tmp_path: Path) -> None:
    """STRUUID(), RAND(), NOW() and a blank node are drawn once, by the one worker that
    evaluates the update; the others, their replacements and later starts apply its effect."""
    publish(TINY, tmp_path, {})
    settings = {"ZONEGRAPH_UPDATE_TOKEN": TOKEN, "ZONEGRAPH_QUERY_WORKERS": 3}
    server = Server(tmp_path, settings)
    try:
        assert post_update(server.url, DRAWN) == 204
        answers = {tuple(seen(server.url)) for _ in range(45)}
        assert len(answers) == 1 and len(next(iter(answers))) == 1
        (values,) = answers
        workers = query_workers(server.proc.pid)
        assert len(workers) == 3
        for pid in workers:  # every worker replaced: what answers next started after the update
            os.kill(pid, signal.SIGKILL)
        wait_for(
            lambda: (
                not set(workers) & set(query_workers(server.proc.pid))
                and len(query_workers(server.proc.pid)) == 3
            ),
            "three replacement workers",
        )
        assert {tuple(seen(server.url)) for _ in range(20)} == {values}
    finally:
        server.proc.kill()  # kill -9 right after: the journal alone must keep the values
        server.proc.wait()
        if server.proc.stdout:
            server.proc.stdout.close()
    again = Server(tmp_path, settings)
    try:
        assert {tuple(seen(again.url)) for _ in range(12)} == {values}
    finally:
        again.stop()
    journal = next((tmp_path / "updates").glob("*.jsonl")).read_text(encoding="utf-8")
    assert values[0][0] in journal  # the effect is journalled, not only the text


def test_an_older_text_journal_is_evaluated_once_and_migrated(tmp_path: Path) -> None:
    release = publish(TINY, tmp_path, {})
    journal = tmp_path / "updates" / f"{release.path.name}.jsonl"
    journal.parent.mkdir()
    journal.write_text(json.dumps({"update": DRAWN, "at": "before deltas"}) + "\n")
    with make_app(tmp_path, update_token=TOKEN, query_workers=2) as app:
        client = app.test_client()
        rows = {
            json.dumps(client.get("/sparql", query_string={"query": SEEN}).get_json()["results"])
            for _ in range(8)
        }
        assert len(rows) == 1
    (line,) = journal.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["update"] == DRAWN and record["at"] == "before deltas"
    assert "<urn:zg:drawn> <urn:zg:id>" in record["delta"]["add"]
    with make_app(tmp_path, update_token=TOKEN, query_workers=1) as app:
        body = app.test_client().get("/sparql", query_string={"query": SEEN}).get_json()
        assert {json.dumps(body["results"])} == rows  # the migrated delta, not a new draw


def test_keep_updates_says_which_deltas_no_longer_apply(tmp_path: Path) -> None:
    publish(TINY, tmp_path, {})
    delete = "DELETE DATA { GRAPH <urn:zg:g> { <urn:zg:a> <urn:zg:b> <urn:zg:c> } }"
    with make_app(tmp_path, update_token=TOKEN, query_workers=1) as app:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        for text in (INSERT, delete):
            resp = app.test_client().post("/update", data={"update": text}, headers=auth)
            assert resp.status_code == 204
    other = tmp_path / "other.nq"
    other.write_bytes(OTHER)
    result = CliRunner().invoke(
        cli,
        [
            "--data-dir",
            str(tmp_path),
            "build",
            "--nquads",
            str(other),
            "--keep-updates",
            "--skip-validation",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "update 2 of 2" in result.output and "not there" in result.output
    assert "update 1 of" not in result.output
