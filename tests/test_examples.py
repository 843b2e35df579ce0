"""Every script in examples/ runs as a user would run it, and prints what its docstring promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
MINI = str(Path(__file__).parent / "data" / "network_mini.ttl")


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
        check=False,
    )


def test_there_are_examples_and_each_is_tested() -> None:
    names = {p.name for p in EXAMPLES}
    assert names == {"cluster_tour.py", "hubs_and_paths.py", "export_for_gephi.py"}


def test_cluster_tour_on_the_sources() -> None:
    result = run("cluster_tour.py")
    assert result.returncode == 0, result.stderr
    assert "「三城一岛」" in result.stdout and "known members: 4, declared: 4" in result.stdout
    for park in ("中新广州知识城", "广州科学城", "广州海丝城", "广州国际生物岛"):
        assert park in result.stdout


def test_cluster_tour_on_a_file() -> None:
    result = run("cluster_tour.py", "Three Cities and One Island", MINI)
    assert result.returncode == 0, result.stderr
    assert "广州科学城: hosts 1, industries 新型显示、生物医药" in result.stdout


def test_hubs_and_paths() -> None:
    result = run("hubs_and_paths.py", "--data", MINI)
    assert result.returncode == 0, result.stderr
    assert "[2] 亿航 —位于→ 广州经济技术开发区 —包含→ 广州国际生物岛" in result.stdout
    assert result.stdout.splitlines()[0].startswith("广州经济技术开发区: ")
    none = run("hubs_and_paths.py", "亿航", "丽美特", "--data", MINI)
    assert none.returncode == 1 and "没有路径" in none.stdout
    unknown = run("hubs_and_paths.py", "亿航", "nowhere", "--data", MINI)
    assert unknown.returncode == 2 and "nowhere" in unknown.stderr


def test_export_for_gephi(tmp_path: Path) -> None:
    result = run("export_for_gephi.py", str(tmp_path), MINI)
    assert result.returncode == 0, result.stderr
    g = nx.read_gexf(tmp_path / "zonegraph-entity.gexf")
    assert g.number_of_nodes() == 18
    assert nx.read_graphml(tmp_path / "zonegraph-entity.graphml").number_of_edges() == 25
    grouping = nx.read_gexf(tmp_path / "zonegraph-grouping.gexf")
    assert "https://w3id.org/zonegraph/id/grouping/scyd" in grouping
    assert run("export_for_gephi.py").returncode == 2


@pytest.mark.parametrize("script", [p.name for p in EXAMPLES])
def test_examples_have_usage_docstrings(script: str) -> None:
    text = (ROOT / "examples" / script).read_text(encoding="utf-8")
    assert text.startswith('"""') and "python examples/" + script in text
