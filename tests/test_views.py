"""NetworkX views and name lookup, on a hand-made graph (tests/data/network_mini.ttl) whose
nodes and edges were counted by hand, and on the shipped sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from graph import errors, names
from graph.analysis import views
from graph.errors import ZoneGraphError

MINI = Path(__file__).parent / "data" / "network_mini.ttl"
ID = "https://w3id.org/zonegraph/id/"
CONCEPT = "https://w3id.org/zonegraph/concept/industry/"
GZ, LY = ID + "zone/gz", ID + "zone/ly"
KC, SC, BI, YC = (ID + "park/" + p for p in ("kc", "sc", "bi", "yc"))
EHANG, LAB, LM = (ID + "org/" + o for o in ("ehang", "lab", "lm"))
SCYD = ID + "grouping/scyd"
ZG = "https://w3id.org/zonegraph/ontology#"


@pytest.fixture(scope="module")
def mini() -> Graph:
    return Graph().parse(MINI)


@pytest.fixture(scope="module")
def prepared(mini: Graph) -> views.Prepared:
    return views.prepare(mini)


# ----------------------------------------------------------------- entity graph


def test_entity_graph_keeps_entities_and_linked_reference_only(prepared: views.Prepared) -> None:
    e = prepared.entity
    assert e.number_of_nodes() == 18
    assert e.number_of_edges() == 25
    assert CONCEPT + "unused" not in e  # a concept nobody points to
    assert ID + "division/1410" not in e  # a division nobody points to
    assert ID + "division/4401" in e  # ancestor of a linked division
    assert ID + "quote/q1" not in e and ID + "observation/o1" not in e
    assert not any(n.startswith("literal:") for n in e)


def test_entity_graph_attributes(prepared: views.Prepared) -> None:
    d = prepared.entity.nodes[BI]
    assert d["iri"] == BI
    assert (d["label_zh"], d["label_en"]) == (
        "广州国际生物岛",
        "Guangzhou International Bio Island",
    )
    assert (d["class"], d["class_zh"], d["class_en"]) == ("zg:Park", "园区", "park")
    assert d["category"] == "entity"
    edge = prepared.entity.edges[EHANG, GZ, "zg:locatedIn"]
    assert edge["predicate"] == ZG + "locatedIn"
    assert (edge["label_zh"], edge["label_en"]) == ("位于", "located in")
    # two predicates between the same pair stay two edges of the multigraph
    assert set(prepared.entity[EHANG][GZ]) == {"zg:locatedIn", "zg:registeredIn"}


def test_entity_graph_options(mini: Graph) -> None:
    with_lits = views.entity_graph(mini, include_literals=True)
    assert 'literal:"港澳青年创业团队"@zh' in with_lits
    with_prov = views.entity_graph(mini, include_provenance=True, include_details=True)
    assert ID + "quote/q1" in with_prov and ID + "observation/o1" in with_prov
    assert with_prov.has_edge(ID + "observation/o1", GZ)
    no_ref = views.entity_graph(mini, reference="none")
    assert not any(d["category"] in ("concept", "division") for _, d in no_ref.nodes(data=True))
    every = views.entity_graph(mini, reference="all")
    assert CONCEPT + "unused" in every and ID + "division/1410" in every


def test_entity_graph_is_deterministic(mini: Graph) -> None:
    again = Graph().parse(MINI)
    a, b = views.entity_graph(mini), views.entity_graph(again)
    assert list(a.nodes) == list(b.nodes) == sorted(a.nodes)
    assert list(a.edges(keys=True)) == list(b.edges(keys=True))


# ----------------------------------------------------------------- purpose views


def test_containment_tree(prepared: views.Prepared) -> None:
    tree = views.containment_tree(prepared)
    assert sorted(tree.edges()) == sorted(
        [(GZ, KC), (GZ, SC), (GZ, BI), (GZ, EHANG), (SC, LAB), (LY, YC), (YC, LM)]
    )
    # 丽美特 is placed in both 尧都云商产业园 and its zone: only the park edge is kept
    assert not tree.has_edge(LY, LM)
    assert tree.edges[GZ, KC]["label_zh"] == "包含" and tree.edges[GZ, KC]["inverse"] is True
    assert tree.edges[GZ, BI]["inverse"] is False  # stated as schema:containsPlace


def test_industry_bipartite_and_projections(prepared: views.Prepared) -> None:
    b = views.industry_bipartite(prepared)
    actors = {n for n, d in b.nodes(data=True) if d["bipartite"] == 0}
    assert actors == {KC, SC, BI, YC, EHANG}
    assert set(b[SC]) == {CONCEPT + "display", CONCEPT + "bio"}
    places = views.industry_projection(b, 0)
    assert places.edges[KC, SC]["weight"] == 1 and places.edges[KC, BI]["weight"] == 1
    assert not places.has_edge(KC, YC)
    industries = views.industry_projection(b, 1)
    assert industries.edges[CONCEPT + "bio", CONCEPT + "display"]["weight"] == 1  # 科学城
    assert industries.number_of_edges() == 1


def test_policy_graph(prepared: views.Prepared) -> None:
    pg = views.policy_graph(prepared)
    pol, m = ID + "policy/p1", ID + "measure/m1"
    assert pg.has_edge(GZ, pol) and pg.edges[GZ, pol]["label_zh"] == "发布"
    assert pg.has_edge(pol, m)
    beneficiary = 'literal:"港澳青年创业团队"@zh'
    assert pg.has_edge(m, beneficiary) and pg.nodes[beneficiary]["category"] == "beneficiary"
    assert set(pg.successors(m)) == {KC, SC, beneficiary}


def test_groupings_and_subgraph(prepared: views.Prepared) -> None:
    assert views.groupings(prepared) == [SCYD]
    sub = views.grouping_subgraph(prepared, SCYD)
    roles = {n: d["role"] for n, d in sub.nodes(data=True)}
    assert {n for n, r in roles.items() if r == "member"} == {KC, SC, BI}
    assert roles[SCYD] == "grouping" and roles[GZ] == "context" and roles[LAB] == "context"
    assert YC not in sub and LM not in sub


def test_ego_graph(prepared: views.Prepared) -> None:
    sub = views.ego_graph(prepared, LAB, 2)
    dist = dict(sub.nodes(data="distance"))
    assert dist[LAB] == 0 and dist[SC] == 1
    assert {n for n, d in dist.items() if d == 2} == {
        GZ,
        SCYD,
        CONCEPT + "display",
        CONCEPT + "bio",
        ID + "measure/m1",
    }


def test_rdf_graph_from_an_oxigraph_store(mini: Graph) -> None:
    from graph.store.release import load_store

    store = load_store(mini.serialize(format="nt").encode())
    assert set(views.rdf_graph(store)) == set(mini)


# ----------------------------------------------------------------- the shipped sources


def test_source_san_cheng_yi_dao_has_exactly_the_four_parks(source: views.Prepared) -> None:
    grouping = source.resolve("三城一岛")
    members = views.grouping_members(source, grouping)
    labels = {source.entity.nodes[m]["label_zh"] for m in members}
    assert labels == {"中新广州知识城", "广州科学城", "广州海丝城", "广州国际生物岛"}
    assert all(source.entity.nodes[m]["class"] == "zg:Park" for m in members)
    tree = views.containment_tree(source)
    zone = ID + "zone/guangzhou-etdz"
    assert all(tree.has_edge(zone, m) for m in members)


def test_source_five_clusters_are_industrial_clusters(source: views.Prepared) -> None:
    members = views.grouping_members(source, source.resolve("五大千亿级产业集群"))
    assert len(members) == 5
    for m in members:
        assert source.entity.nodes[m]["class"] == "zg:IndustrialCluster"
        assert any(k == "zg:industry" for _, _, k in source.entity.out_edges(m, keys=True))


def test_source_entity_graph_leaves_out_provenance_and_schema(source: views.Prepared) -> None:
    cats = {d["category"] for _, d in source.entity.nodes(data=True)}
    assert cats <= {"entity", "concept", "division"}
    assert not any("/id/quote/" in n or "/id/statement/" in n for n in source.entity)


# ----------------------------------------------------------------- names


@pytest.mark.parametrize(
    "text, expected",
    [
        ("广州经济技术开发区", GZ),
        ("广州开发区", GZ),  # alternate label
        ("guangzhou etdz", GZ),  # casefolded English
        ("GUANGZHOU ETDZ", GZ),
        ("琶洲实验室(黄埔)", LAB),  # ASCII brackets for full-width ones
        ("琶洲实验室（黄埔）", LAB),
        ("zone:gz", GZ),  # prefixed name
        (GZ, GZ),  # full IRI
        ("生物岛", BI),  # the only name containing it
        ("广州科学", SC),
    ],
)
def test_resolve(mini: Graph, text: str, expected: str) -> None:
    assert names.resolve(mini, text) == URIRef(expected)


def test_resolve_unknown_suggests(mini: Graph) -> None:
    with pytest.raises(errors.UnknownEntityError) as info:
        names.resolve(mini, "广州科学域")
    assert isinstance(info.value, ZoneGraphError)
    assert SC in [m.iri for m in info.value.suggestions]
    assert "广州科学城" in str(info.value)


def test_resolve_ambiguous_lists_candidates(mini: Graph) -> None:
    with pytest.raises(errors.AmbiguousEntityError) as info:
        names.resolve(mini, "广州")
    assert {GZ, KC, SC, BI} <= {m.iri for m in info.value.suggestions}


def test_resolve_prefers_the_name_inside_the_others(prepared: views.Prepared) -> None:
    g = Graph().parse(MINI)
    g.parse(
        data="<https://w3id.org/zonegraph/id/post/lm-gm> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "丽美特总经理"@zh .',
        format="nt",
    )
    assert names.resolve(g, "丽美") == URIRef(LM)


def test_search_ranks_exact_first(mini: Graph) -> None:
    hits = names.search(mini, "广州开发区", limit=3)
    assert hits[0].iri == GZ and hits[0].score == names.EXACT_ALTERNATE
    assert names.search(mini, "", limit=3) == []
    assert len(names.search(mini, "广州", limit=2)) == 2


def test_normalise() -> None:
    assert names.normalise("琶洲实验室（黄埔）") == names.normalise("琶洲实验室(黄埔)")
    assert names.normalise("  Guangzhou   ETDZ ") == "guangzhou etdz"
