"""Analyses with known answers: synthetic graphs (path, star, two cliques, hand-made industry
sets, tests/data/network_mini.ttl) and hand-checked facts of the shipped sources."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from graph import analysis as an
from graph.analysis import views
from graph.errors import UnknownEntityError

MINI = Path(__file__).parent / "data" / "network_mini.ttl"
ID = "https://w3id.org/zonegraph/id/"
GZ, LY = ID + "zone/gz", ID + "zone/ly"
KC, SC, BI, YC = (ID + "park/" + p for p in ("kc", "sc", "bi", "yc"))
PREFIXES = """
@prefix zg: <https://w3id.org/zonegraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix orgn: <https://w3id.org/zonegraph/id/org/> .
@prefix zone: <https://w3id.org/zonegraph/id/zone/> .
@prefix grouping: <https://w3id.org/zonegraph/id/grouping/> .
"""


def enterprise(name: str) -> str:
    return f'orgn:{name} a zg:Enterprise ; rdfs:label "{name}"@zh , "{name}"@en .\n'


def star_rdf(leaves: int) -> Graph:
    text = PREFIXES + 'zone:hub a zg:DevelopmentZone ; rdfs:label "枢纽区"@zh , "Hub"@en .\n'
    for i in range(leaves):
        text += enterprise(f"e{i}") + f"orgn:e{i} zg:locatedIn zone:hub .\n"
    return Graph().parse(data=text, format="turtle")


def two_cliques_rdf() -> Graph:
    """Two five-cliques joined by one edge; a grouping names the first clique."""
    text = PREFIXES
    for side in "ab":
        for i in range(5):
            text += enterprise(f"{side}{i}")
            for j in range(i + 1, 5):
                text += f"orgn:{side}{i} org:linkedTo orgn:{side}{j} .\n"
    text += "orgn:a0 org:linkedTo orgn:b0 .\n"
    text += 'grouping:ga a zg:NamedGrouping ; rdfs:label "甲组"@zh , "Group A"@en ;\n'
    text += "    zg:hasMember orgn:a0 , orgn:a1 , orgn:a2 , orgn:a3 , orgn:a4 .\n"
    return Graph().parse(data=text, format="turtle")


# ----------------------------------------------------------------- centrality


def test_pagerank_on_a_path_of_three() -> None:
    pr = an.pagerank(nx.path_graph(3))
    # r_a = 0.05 + 0.425 r_b and r_b = 0.05 + 1.7 r_a, solved by hand
    assert pr[0] == pytest.approx(0.07125 / 0.2775, abs=1e-9)
    assert pr[1] == pytest.approx(0.05 + 1.7 * 0.07125 / 0.2775, abs=1e-9)
    assert sum(pr.values()) == pytest.approx(1.0)


def test_pagerank_handles_isolated_nodes() -> None:
    g: nx.Graph[int] = nx.Graph()
    g.add_nodes_from([1, 2])
    assert an.pagerank(g) == {1: 0.5, 2: 0.5}
    assert an.pagerank(nx.Graph()) == {}


def test_star_hub_wins_every_ranking() -> None:
    g = star_rdf(5)
    for by in ("pagerank", "degree", "betweenness"):
        rep = an.hubs(g, by=by, top=2)
        assert rep.hubs[0].entity.label_zh == "枢纽区"
    top = an.hubs(g).hubs[0]
    assert top.degree == 5 and top.betweenness == 1.0
    assert an.hubs(g, top=1).betweenness_exact


def test_betweenness_is_sampled_and_seeded_above_the_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(an, "BETWEENNESS_EXACT_MAX", 10)
    g = nx.path_graph(40)
    first, exact = an.betweenness(g, seed=7)
    again, _ = an.betweenness(g, seed=7)
    assert not exact and first == again
    exact_values, is_exact = an.betweenness(nx.path_graph(5))
    assert is_exact and exact_values[2] == pytest.approx(4 / 6)


def test_hubs_per_zone_stay_inside_the_zone(mini: views.Prepared) -> None:
    rep = an.hubs(mini, zone="尧都高新区", top=20)
    inside = {h.entity.iri for h in rep.hubs}
    assert inside == {LY, YC, ID + "org/lm", "https://w3id.org/zonegraph/concept/industry/digital"}
    assert rep.scope is not None and rep.scope.iri == LY
    assert [r.scope.iri for r in an.hubs_per_zone(mini) if r.scope] == [GZ, LY]


# ----------------------------------------------------------------- communities


def test_louvain_finds_the_two_cliques() -> None:
    g = nx.barbell_graph(5, 0)
    found = an.louvain(g, seed=1)
    assert found == [set(range(5)), set(range(5, 10))]
    assert an.louvain(g, seed=1) == found


def test_communities_agree_with_the_declared_grouping() -> None:
    rep = an.communities(two_cliques_rdf(), seed=3)
    assert [c.size for c in rep.communities] == [6, 5]  # clique A with its grouping node
    assert [a.share for a in rep.agreement] == [1.0]
    assert rep.modularity > 0.3
    assert an.communities(two_cliques_rdf(), seed=3) == rep


# ----------------------------------------------------------------- groupings


def test_cluster_report_counts(mini: views.Prepared) -> None:
    r = an.cluster_report(mini, "三城一岛")
    assert [m.member.iri for m in r.members] == [KC, BI, SC]  # by zh label
    assert r.declared_member_count == 4 and r.formula is None
    assert (r.internal_edges, r.boundary_edges, r.density, r.cohesion) == (0, 10, 0.0, 0.0)
    assert r.links_among_members == []
    [bio] = r.shared_industries
    assert bio.entity.label_zh == "生物医药" and len(bio.members) == 3
    [measure] = r.shared_policies
    assert measure.entity.label_zh == "租金补贴"
    assert {m.iri for m in measure.members} == {KC, SC}
    assert [(t.entity.label_zh, len(t.members)) for t in r.ties] == [
        ("广州经济技术开发区", 3),
        ("生物医药", 3),
        ("租金补贴", 2),
    ]
    hosts = {m.member.iri: m.hosts for m in r.members}
    assert [x.label_zh for x in hosts[SC]["实验室"]] == ["琶洲实验室（黄埔）"]


def test_cluster_report_rejects_what_is_not_a_grouping(mini: views.Prepared) -> None:
    with pytest.raises(an.AnalysisError):
        an.cluster_report(mini, "广州科学城")


def test_cohesion_of_a_closed_grouping() -> None:
    r = an.cluster_report(two_cliques_rdf(), "甲组")
    assert r.internal_edges == 10 and r.density == 1.0
    assert r.boundary_edges == 1 and r.cohesion == pytest.approx(10 / 11, abs=1e-6)


# ----------------------------------------------------------------- paths


def test_shortest_path_reads_as_a_chain(mini: views.Prepared) -> None:
    rep = an.paths(mini, "亿航", "广州国际生物岛")
    assert rep.connected and rep.shortest_length == 2
    assert [c.text() for c in rep.shortest] == [
        "亿航 —位于→ 广州经济技术开发区 —包含→ 广州国际生物岛"
    ]
    assert rep.shortest[0].text("en") == (
        "EHang —located in→ Guangzhou ETDZ —contains→ Guangzhou International Bio Island"
    )
    assert all(c.length <= 4 for c in rep.paths) and rep.paths[0] == rep.shortest[0]
    assert len(rep.paths) == len({tuple(r.iri for r in c.nodes) for c in rep.paths})


def test_chain_walks_inverse_edges_readably(mini: views.Prepared) -> None:
    rep = an.paths(mini, "广州科学城", "琶洲实验室(黄埔)")
    assert rep.shortest[0].text() == "广州科学城 —拥有→ 琶洲实验室（黄埔）"
    rep = an.paths(mini, "租金补贴", "港澳青创10条")
    assert rep.shortest[0].text() == "租金补贴 —所属政策→ 港澳青创10条"


def test_all_simple_paths_on_a_cycle() -> None:
    text = PREFIXES + "".join(enterprise(n) for n in "wxyz")
    text += (
        "orgn:w org:linkedTo orgn:x . orgn:x org:linkedTo orgn:y . orgn:y org:linkedTo orgn:z .\n"
    )
    text += "orgn:z org:linkedTo orgn:w .\n"
    rep = an.paths(Graph().parse(data=text, format="turtle"), "w", "y", max_length=3)
    assert rep.shortest_length == 2 and len(rep.shortest) == 2
    assert [c.length for c in rep.paths] == [2, 2]
    assert rep.shortest[0].text() == "w —关联→ x —关联→ y"
    assert rep.shortest[1].text() == "w ←关联— z ←关联— y"


def test_paths_can_avoid_shared_concepts(mini: views.Prepared) -> None:
    rep = an.paths(mini, "中新广州知识城", "广州国际生物岛", max_length=2)
    assert {c.nodes[1].label_zh for c in rep.paths} == {
        "广州经济技术开发区",
        "三城一岛",
        "生物医药",
    }
    strict = an.paths(
        mini, "中新广州知识城", "广州国际生物岛", max_length=2, through_concepts=False
    )
    assert {c.nodes[1].label_zh for c in strict.paths} == {"广州经济技术开发区", "三城一岛"}
    # an industry may still be an endpoint
    assert an.paths(mini, "生物医药", "亿航", through_concepts=False).connected


def test_no_path_is_reported_clearly(mini: views.Prepared) -> None:
    rep = an.paths(mini, "亿航", "丽美特")
    assert not rep.connected and rep.shortest == [] and rep.paths == []
    assert rep.message() == "图中「亿航」与「丽美特」之间没有路径"
    assert rep.message("en") == "no path between EHang and Limeite in the entity graph"


@pytest.mark.parametrize("kwargs", [{"max_length": 0}, {"max_length": 9}, {"limit": 0}])
def test_path_parameters_are_checked(mini: views.Prepared, kwargs: dict[str, int]) -> None:
    with pytest.raises(an.AnalysisError):
        an.paths(mini, "亿航", "广州科学城", **kwargs)


def test_unknown_entity_suggests(mini: views.Prepared) -> None:
    with pytest.raises(UnknownEntityError) as info:
        an.paths(mini, "亿航", "广州科学域")
    assert SC in [m.iri for m in info.value.suggestions]


# ----------------------------------------------------------------- ego and similarity


def test_ego_rings(mini: views.Prepared) -> None:
    rep = an.ego(mini, "琶洲实验室(黄埔)", 2)
    assert [r.iri for r in rep.rings["1"]] == [SC]
    assert len(rep.rings["2"]) == 5
    assert {(lk.source.label_zh, lk.label_zh, lk.target.label_zh) for lk in rep.links} >= {
        ("琶洲实验室（黄埔）", "位于", "广州科学城"),
        ("广州科学城", "位于", "广州经济技术开发区"),
    }
    with pytest.raises(an.AnalysisError):
        an.ego(mini, "广州科学城", 0)


def test_jaccard_on_hand_made_sets() -> None:
    assert an.jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert an.jaccard({"a"}, {"a"}) == 1.0
    assert an.jaccard(set(), set()) == 0.0
    assert an.jaccard({"a"}, set()) == 0.0


def test_industry_profiles_include_what_a_place_hosts(mini: views.Prepared) -> None:
    prof = an.industry_profiles(mini)
    ind = "https://w3id.org/zonegraph/concept/industry/"
    assert prof[GZ] == {ind + "bio", ind + "display", ind + "aviation"}
    assert prof[SC] == {ind + "bio", ind + "display"}
    assert prof[LY] == prof[YC] == {ind + "digital"}


def test_most_similar_pairs(mini: views.Prepared) -> None:
    pairs = an.similar(mini)
    got = [(p.a.iri, p.b.iri, p.jaccard) for p in pairs]
    assert got == [(BI, KC, 1.0), (KC, SC, 0.5), (BI, SC, 0.5)]
    nested = an.similar(mini, include_nested=True)
    scores = {(p.a.iri, p.b.iri): p.jaccard for p in nested}
    assert scores[(YC, LY)] == 1.0  # pairs are ordered by IRI
    assert scores[(SC, GZ)] == pytest.approx(2 / 3, abs=1e-6)
    like_kc = an.similar(mini, "中新广州知识城")
    assert [(p.b.iri, p.jaccard) for p in like_kc] == [(BI, 1.0), (SC, 0.5)]
    with pytest.raises(an.AnalysisError):
        an.similar(mini, "亿航")


# ----------------------------------------------------------------- the shipped sources


def test_source_san_cheng_yi_dao_report(source: views.Prepared) -> None:
    r = an.cluster_report(source, "三城一岛")
    assert {m.member.label_zh for m in r.members} == {
        "中新广州知识城",
        "广州科学城",
        "广州海丝城",
        "广州国际生物岛",
    }
    assert r.declared_member_count == 4
    zone_tie = [t for t in r.ties if t.entity.iri == ID + "zone/guangzhou-etdz"]
    assert len(zone_tie) == 1 and len(zone_tie[0].members) == 4


def test_source_path_across_sections(source: views.Prepared) -> None:
    rep = an.paths(source, "亿航", "拉萨高新区", max_length=6, limit=5)
    if rep.connected:
        first = rep.shortest[0]
        assert first.nodes[0].iri == ID + "org/ehang-guangzhou"
        assert first.nodes[-1].iri == ID + "zone/lhasa-hi-tech-zone"
        assert first.text().startswith("亿航") and first.text().endswith("拉萨高新区")
        assert rep.shortest_length == first.length
        assert an.paths(source, "亿航", "拉萨高新区", max_length=6, limit=5) == rep
    else:
        assert rep.message() == "图中「亿航智能设备（广州）有限公司」与「拉萨高新区」之间没有路径"


def test_source_guangzhou_is_the_biggest_hub(source: views.Prepared) -> None:
    rep = an.hubs(source, top=3)
    assert rep.hubs[0].entity.iri == ID + "zone/guangzhou-etdz"
    assert an.hubs(source, top=3) == rep


def test_source_results_serialise(source: views.Prepared) -> None:
    import json

    for obj in (an.communities(source), an.hubs(source, zone="广州开发区"), an.ego(source, "亿航")):
        assert json.loads(json.dumps(obj.to_dict(), ensure_ascii=False))


def test_results_do_not_depend_on_hash_seeds() -> None:
    """rdflib's iteration order changes with PYTHONHASHSEED; the analyses must not."""
    import os
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from rdflib import Graph\n"
        "from graph import analysis as an\n"
        "from graph.analysis import views\n"
        "p = views.prepare(Graph().parse(sys.argv[1]))\n"
        "print(json.dumps([an.communities(p, seed=5).to_dict(), an.hubs(p).to_dict(),\n"
        "    an.paths(p, '亿航', '广州国际生物岛').to_dict(),\n"
        "    [s.to_dict() for s in an.similar(p)]], ensure_ascii=False, sort_keys=True))\n"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(MINI)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=120,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
