"""`zonegraph build --nquads FILE`: a generated dataset is validated and published as built
sources are, and a broken file is one line naming it and its line, with exit status 2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.helpers_server import ZONEGRAPH


def zonegraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ZONEGRAPH), *args], capture_output=True, text=True, timeout=300)


def test_a_generated_dataset_is_published(tmp_path: Path) -> None:
    data = tmp_path / "generated.nq"
    made = zonegraph("generate", "--triples", "3000", "--seed", "3", "-o", str(data))
    assert made.returncode == 0, made.stderr
    quads = sum(1 for line in data.read_text(encoding="utf-8").splitlines() if line.strip())
    built = zonegraph("--data-dir", str(tmp_path / "d"), "build", "--nquads", str(data))
    assert built.returncode == 0, built.stderr
    counted = zonegraph(
        "--data-dir",
        str(tmp_path / "d"),
        "query",
        "--format",
        "json",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    )
    rows = json.loads(counted.stdout)["results"]["bindings"]
    assert int(rows[0]["n"]["value"]) == quads


def test_a_broken_file_is_one_line_and_nothing_is_published(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text('<urn:a> <urn:b> "x" <urn:g> .\n<urn:a> <urn:b> oops .\n', encoding="utf-8")
    done = zonegraph("--data-dir", str(tmp_path / "d"), "build", "--nquads", str(bad))
    assert done.returncode == 2
    message = done.stderr.strip().splitlines()
    assert len(message) == 1 and str(bad) in message[0] and "line 2" in message[0]
    assert not (tmp_path / "d" / "releases").exists()
