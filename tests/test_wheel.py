"""The real wheel, installed in a fresh virtual environment, works from outside the checkout."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the zonegraph wheel (built from this checkout) and its dependencies."""
    work = tmp_path_factory.mktemp("wheel")
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
            str(ROOT),
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
    result = zonegraph(installed, "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    result = zonegraph(installed, "build")
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
