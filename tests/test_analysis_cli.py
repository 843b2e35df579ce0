"""`zonegraph analyze …` through click's CliRunner, on the hand-made graph and the sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
from click.testing import CliRunner, Result

from graph.analysis import views
from graph.cli.analyze import analyze
from graph.query import display_width as width
from graph.query import text_table as table

MINI = Path(__file__).parent / "data" / "network_mini.ttl"


def run(prepared: views.Prepared, *args: str) -> Result:
    return CliRunner().invoke(analyze, list(args), obj={"prepared": prepared})


def run_json(prepared: views.Prepared, *args: str) -> Any:
    result = run(prepared, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_table_aligns_wide_characters() -> None:
    text = table(("名", "n"), [("广州", 1), ("ab", 22)])
    lines = text.splitlines()
    assert lines[0] == "名    n" and lines[2] == "广州  1" and lines[3] == "ab    22"
    assert width("广州ab") == 6


def test_clusters_summary_and_detail(mini: views.Prepared) -> None:
    summary = run(mini, "clusters")
    assert summary.exit_code == 0
    assert "三城一岛" in summary.output and "0.000" in summary.output
    detail = run(mini, "clusters", "三城一岛")
    assert detail.exit_code == 0
    expected = (
        "中新广州知识城",
        "实验室: 琶洲实验室（黄埔）",
        "生物医药: 中新广州知识城、广州国际生物岛、广州科学城",
        "boundary edges 10",
    )
    for text in expected:
        assert text in detail.output
    english = run(mini, "clusters", "Three Cities and One Island", "--lang", "en")
    assert "Guangzhou Science City" in english.output


def test_clusters_json(mini: views.Prepared) -> None:
    data = run_json(mini, "clusters", "三城一岛")
    assert [m["member"]["label_zh"] for m in data["members"]] == [
        "中新广州知识城",
        "广州国际生物岛",
        "广州科学城",
    ]
    assert data["boundary_edges"] == 10
    assert isinstance(run_json(mini, "clusters"), list)


def test_path_prints_chains_and_exit_status(mini: views.Prepared) -> None:
    found = run(mini, "path", "亿航", "广州国际生物岛")
    assert found.exit_code == 0
    assert "亿航 —位于→ 广州经济技术开发区 —包含→ 广州国际生物岛" in found.output
    english = run(mini, "path", "EHang", "bio island", "--lang", "en")
    assert "EHang —located in→ Guangzhou ETDZ" in english.output
    strict = run(mini, "path", "中新广州知识城", "广州国际生物岛", "--max", "2", "--entities-only")
    assert strict.exit_code == 0 and "生物医药" not in strict.output
    none = run(mini, "path", "亿航", "丽美特")
    assert none.exit_code == 1
    assert "图中「亿航」与「丽美特」之间没有路径" in none.output
    data = json.loads(run(mini, "path", "亿航", "丽美特", "--json").output)
    assert data["connected"] is False and data["message"]


def test_unknown_entity_is_a_one_line_error_with_suggestions(mini: views.Prepared) -> None:
    result = run(mini, "path", "亿航", "广州科学域")
    assert result.exit_code == 2
    assert "did you mean" in result.output and "广州科学城" in result.output
    assert "Traceback" not in result.output


def test_bad_parameters_are_usage_errors(mini: views.Prepared) -> None:
    assert run(mini, "path", "亿航", "广州科学城", "--max", "0").exit_code == 2
    assert run(mini, "hubs", "--by", "fame").exit_code == 2
    assert run(mini, "ego", "亿航", "--radius", "9").exit_code == 2


def test_hubs(mini: views.Prepared) -> None:
    result = run(mini, "hubs", "--top", "3", "--by", "degree")
    assert result.exit_code == 0
    rows = result.output.splitlines()[3:]
    assert len(rows) == 3 and "广州经济技术开发区" in rows[0]
    data = run_json(mini, "hubs", "--zone", "尧都高新区")
    assert data["scope"]["label_zh"] == "尧都高新区" and data["nodes"] == 4


def test_communities_ego_similar(mini: views.Prepared) -> None:
    comm = run(mini, "communities", "--seed", "1")
    assert comm.exit_code == 0 and "modularity" in comm.output and "三城一岛" in comm.output
    assert run_json(mini, "communities", "--seed", "1") == run_json(
        mini, "communities", "--seed", "1"
    )
    ego = run(mini, "ego", "琶洲实验室(黄埔)")
    assert ego.exit_code == 0 and "琶洲实验室（黄埔）  位于" in ego.output
    similar = run(mini, "similar")
    assert similar.exit_code == 0
    first = similar.output.splitlines()[2]
    assert "广州国际生物岛" in first and "中新广州知识城" in first and "1.000" in first


def test_export(mini: views.Prepared, tmp_path: Path) -> None:
    out = tmp_path / "mini.graphml"
    result = run(mini, "export", "--format", "graphml", "-o", str(out))
    assert result.exit_code == 0
    g = nx.read_graphml(out)
    assert g.number_of_nodes() == 18
    csv = run(mini, "export", "--format", "edges.csv", "--view", "containment")
    assert csv.exit_code == 0 and len(csv.output.splitlines()) == 1 + 7


def test_data_option_reads_files() -> None:
    result = CliRunner().invoke(analyze, ["--data", str(MINI), "path", "亿航", "广州科学城"])
    assert (
        result.exit_code == 0
        and "亿航 —位于→ 广州经济技术开发区 —包含→ 广州科学城" in result.output
    )


def test_source_clusters_san_cheng_yi_dao(source: views.Prepared) -> None:
    result = run(source, "clusters", "三城一岛")
    assert result.exit_code == 0
    for park in ("中新广州知识城", "广州科学城", "广州海丝城", "广州国际生物岛"):
        assert park in result.output
    assert "4 known / 声明 declared 4" in result.output


def test_registered_under_zonegraph() -> None:
    from graph.cli import cli

    result = CliRunner().invoke(cli, ["analyze", "--help"])
    assert result.exit_code == 0 and "clusters" in result.output and "path" in result.output
