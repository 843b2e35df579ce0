"""Nothing half-done is left behind and every failure names its cause (issue 10): interrupted
builds leave no staging folder, an emptied fact file is refused, exports are 0644, a directory
is called a directory, a failed write names the path, a running server keeps its release
through later builds, and /healthz says when the server cannot answer."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import StoreError
from graph.resources import sources_dir
from graph.store.embedded import EmbeddedBackend
from graph.store.release import RELEASES, current_release, publish, sweep_stale
from tests.helpers_server import ZONEGRAPH, make_app, wait_for

TINY = b"<urn:zg:a> <urn:zg:b> <urn:zg:c> <urn:zg:g> .\n"


def zonegraph(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ZONEGRAPH), *args], capture_output=True, text=True, timeout=600, **kwargs
    )  # type: ignore[call-overload]


def test_export_is_readable_by_others(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.nt"
    run = zonegraph("--data-dir", str(data_dir), "export", "--format", "nt", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # under the usual umask 022
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nt"]  # no temporary file left


def test_a_directory_is_called_a_directory(data_dir: Path, tmp_path: Path) -> None:
    for args in (("query", "-f", str(tmp_path)), ("validate", str(tmp_path))):
        run = zonegraph("--data-dir", str(data_dir), *args)
        assert run.returncode != 0
        assert f"{tmp_path}: is a directory" in run.stderr, args
        assert "Traceback" not in run.stderr
    run = zonegraph("--data-dir", str(data_dir), "export", "--format", "nt", "-o", "/tmp")
    assert run.returncode != 0 and "'/tmp' is a directory" in run.stderr


def test_a_failed_write_names_the_path(data_dir: Path, tmp_path: Path) -> None:
    """A full disk and a file-size limit fail the same write(); the limit can be set here."""
    out = tmp_path / "big.nt"
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from graph.cli import cli\n"
        f"sys.argv = ['zonegraph', '--data-dir', {str(data_dir)!r}, 'export',"
        f" '--format', 'nt', '-o', {str(out)!r}]\n"
        "cli()\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode != 0
    assert f"{out}: cannot write: File too large" in run.stderr
    assert "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temporary one


def test_an_emptied_fact_file_is_refused(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(sources_dir(), sources)
    victim = sorted(sources.glob("*.trig"))[-1]
    prefixes = [line for line in victim.read_text().splitlines() if line.startswith("@prefix")]
    victim.write_text("\n".join(prefixes) + "\n", encoding="utf-8")
    data = tmp_path / "data"
    result = CliRunner().invoke(
        cli, ["--data-dir", str(data), "build", "--sources", str(sources), "--skip-validation"]
    )
    assert result.exit_code != 0
    assert f"{victim.name}: holds no facts" in result.output
    assert current_release(data) is None


def test_a_terminated_build_leaves_no_staging(tmp_path: Path) -> None:
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [str(ZONEGRAPH), "--data-dir", str(data), "build", "--skip-validation"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def staged() -> list[Path]:
        folder = data / RELEASES
        return list(folder.glob(".staging-*")) if folder.is_dir() else []

    wait_for(lambda: bool(staged()) or proc.poll() is not None, "the build to stage", limit=300)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.stderr is not None and "Traceback" not in proc.stderr.read().decode()
    proc.stderr.close()
    assert staged() == []
    assert current_release(data) is None


def test_what_a_killed_build_left_is_swept(tmp_path: Path) -> None:
    releases = tmp_path / RELEASES
    dead = subprocess.Popen(["true"])
    dead.wait()
    (releases / f".staging-20260101T000000-000000001-{dead.pid}").mkdir(parents=True)
    alive = releases / f".staging-20260101T000000-000000002-{os.getppid()}"
    alive.mkdir()
    publish(TINY, tmp_path, {})
    assert [p.name for p in releases.glob(".staging-*")] == [alive.name]
    assert sweep_stale(tmp_path) == []


def test_a_running_server_keeps_its_release_through_five_builds(tmp_path: Path) -> None:
    publish(TINY, tmp_path, {})
    backend = EmbeddedBackend.open(tmp_path, workers=1, in_memory=False)
    try:
        held = current_release(tmp_path)
        assert held is not None
        for _ in range(5):
            publish(TINY, tmp_path, {})
        assert held.store_path.is_dir()
        os.kill(backend.worker_pids()[0], signal.SIGKILL)  # its replacement reopens the store

        def answers() -> bool:
            try:
                return bool(backend.select("SELECT ?p WHERE { <urn:zg:a> ?p ?o }", 30.0))
            except StoreError:  # the killed worker's turn; its replacement answers next
                return False

        wait_for(answers, "a replacement worker on the held release")
    finally:
        backend.close()
    publish(TINY, tmp_path, {})
    assert not held.path.exists()  # let go once nobody holds it


def test_healthz_says_when_the_server_cannot_answer(tmp_path: Path) -> None:
    publish(TINY, tmp_path, {})
    with make_app(tmp_path, query_workers=1, query_timeout=2) as app:
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        release = current_release(tmp_path)
        assert release is not None
        from service.state import get_backend

        with app.app_context():
            backend = get_backend()
        shutil.rmtree(release.path)  # gone from under the server (a disk fault, a manual rm)
        os.kill(backend.worker_pids()[0], signal.SIGKILL)
        # The pool notices the dead worker and fails to replace it (a readiness wait).
        wait_for(lambda: client.get("/healthz").status_code == 503, "/healthz to say 503")
        resp = client.get("/healthz")
        assert resp.status_code == 503 and resp.get_json()["ok"] is False


@pytest.fixture(autouse=True)
def _umask() -> object:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_build_makes_the_dumps(tmp_path: Path) -> None:
    """Issue 10: the first home page after a build took 5.6 s making the dumps."""
    from graph import pipeline

    result = pipeline.run(tmp_path, validate=False)
    assert result.release is not None
    folder = result.release.path / "dumps"
    made = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert "dumps.json" in made and "zonegraph.nt" in made and "zonegraph.trig" in made
    with make_app(tmp_path, query_workers=1) as app:
        listing = app.test_client().get("/dumps.json").get_json()["dumps"]
        assert {d["filename"] for d in listing} <= set(made)
        for item in listing:
            assert (folder / item["filename"]).stat().st_size == item["size"]
        nt = app.test_client().get("/dumps/zonegraph.nt")
        assert nt.status_code == 200
        nt.close()
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == made  # served, not remade
