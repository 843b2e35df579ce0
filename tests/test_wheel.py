"""The real wheel, built from the files a fresh clone holds and installed in a fresh virtual
environment without npm, works from outside the checkout: the whole explorer included."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request
import venv
from pathlib import Path

import pytest

from tests.helpers_server import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent


def fresh_clone(target: Path) -> Path:
    """The files a clone of this checkout holds (tracked files, as they are in the work tree),
    so that anything left untracked, such as assets made by npm, is missing here too."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the zonegraph wheel (built from this checkout) and its dependencies."""
    work = tmp_path_factory.mktemp("wheel")
    clone = fresh_clone(work / "clone")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(work / "dist"),
            str(clone),
        ],
        check=True,
    )
    wheels = list((work / "dist").glob("zonegraph-*.whl"))
    assert len(wheels) == 1
    venv.EnvBuilder(with_pip=True).create(work / "venv")
    pip = work / "venv" / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", str(wheels[0])], check=True)
    return work


def zonegraph(installed: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed command from a directory that holds no part of the checkout."""
    outside = installed / "elsewhere"
    outside.mkdir(exist_ok=True)
    return subprocess.run(
        [
            str(installed / "venv" / "bin" / "zonegraph"),
            "--data-dir",
            str(installed / "data"),
            *args,
        ],
        cwd=outside,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_wheel_ships_data_not_checkout(installed: Path) -> None:
    site = next((installed / "venv" / "lib").glob("python3*/site-packages"))
    assert (site / "graph" / "_data" / "ontology" / "zonegraph.ttl").is_file()
    assert (site / "graph" / "_data" / "shapes").is_dir()
    assert list((site / "graph" / "sources").glob("*.trig"))
    assert (site / "graph" / "reference" / "nbs2023_areas.csv").is_file()


def test_installed_validate_build_query(installed: Path) -> None:
    # The installed shapes validate the installed data; the build need not do it twice
    # (tests/test_cli.py builds with validation, tests/test_store.py refuses bad data).
    result = zonegraph(installed, "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    result = zonegraph(installed, "build", "--skip-validation")
    assert result.returncode == 0, result.stderr
    result = zonegraph(
        installed,
        "query",
        "--format",
        "json",
        "SELECT (COUNT(*) AS ?n) WHERE { ?q a zg:SourceQuote }",
    )
    assert result.returncode == 0, result.stderr
    count = int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"])
    assert count > 50


def test_installed_explorer_has_its_editor_and_graph_views(installed: Path) -> None:
    """The editor page, a graph view and the registry map load YASGUI, cytoscape and ECharts
    from the installed wheel, byte for byte the committed files that the lockfile's versions
    produced."""
    if not (installed / "data").is_dir():
        assert zonegraph(installed, "build", "--skip-validation").returncode == 0
    manifest = json.loads((ROOT / "service/static/vendor/MANIFEST.json").read_text())
    port = free_port()
    outside = installed / "elsewhere"
    outside.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PATH"] = "/usr/bin:/bin"  # no npm, no checkout tools needed
    proc = subprocess.Popen(
        [
            str(installed / "venv/bin/zonegraph"),
            "--data-dir",
            str(installed / "data"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=outside,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def get(path: str) -> bytes:
        with urllib.request.urlopen(base + path, timeout=60) as resp:
            assert resp.status == 200, path
            body: bytes = resp.read()
            return body

    def up() -> bool:
        assert proc.poll() is None, "the installed server exited"
        try:
            return bool(get("/healthz"))
        except OSError:
            return False

    try:
        wait_for(up, "the installed server", limit=120)
        editor = get("/query").decode()
        view = get("/explore/cluster?name=" + urllib.request.quote("三城一岛")).decode()
        registry = get("/registry").decode()
        for target, entry in manifest["files"].items():
            assert f"/static/vendor/{target}" in editor + view + registry, target
            body = get(f"/static/vendor/{target}")
            assert hashlib.sha256(body).hexdigest() == entry["sha256"], target
    finally:
        proc.terminate()
        proc.wait(timeout=30)
