"""Network analyses over the entity graph, answering an analyst's questions about clusters.

Every function takes the RDF graph (or a `views.Prepared` made from it) and returns plain
dataclasses with `to_dict()`, so that the CLI prints them, the service serialises them and a
script uses them without knowing where the graph came from. Results are deterministic: nodes are
sorted before any seeded algorithm, ties are broken by label and IRI, Louvain and sampled
betweenness take a seed.

Paths, ego networks and similarity live in graph.analysis.connections and are re-exported
here, so that `from graph import analysis` is the one import a script needs.

PageRank is NetworkX's (SciPy power iteration) with a tight tolerance, so that scores are
stable to the six decimals results report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
from rdflib import Graph, URIRef

from graph.analysis.connections import (
    Chain,
    EgoReport,
    PathReport,
    SimilarPair,
    Step,
    chain,
    ego,
    industry_profiles,
    jaccard,
    paths,
    similar,
)
from graph.analysis.results import (
    Link,
    Ref,
    Serialisable,
    industries_of,
    link,
    ref,
    sorted_refs,
)
from graph.analysis.views import (
    Prepared,
    containment_tree,
    grouping_members,
    groupings,
    prepare,
    undirected,
)
from graph.errors import AmbiguousEntityError, AnalysisError, UnknownEntityError
from graph.namespaces import ZG

#: Above this many nodes betweenness is estimated from `BETWEENNESS_SAMPLES` seeded sources.
BETWEENNESS_EXACT_MAX = 2000
BETWEENNESS_SAMPLES = 256
DEFAULT_SEED = 42


# --------------------------------------------------------------------------- groupings


@dataclass(frozen=True)
class Tie(Serialisable):
    """Something two or more members share: an industry, a place, a policy, a neighbour."""

    entity: Ref
    members: list[Ref]


@dataclass(frozen=True)
class MemberProfile(Serialisable):
    member: Ref
    #: What the member hosts or is tied to, by class label (zh): 企业 → [...], 实验室 → [...]
    hosts: dict[str, list[Ref]]
    industries: list[Ref]


@dataclass(frozen=True)
class ClusterReport(Serialisable):
    grouping: Ref
    formula: str | None
    declared_member_count: int | None
    members: list[MemberProfile]
    links_among_members: list[Link]
    shared_industries: list[Tie]
    shared_policies: list[Tie]
    ties: list[Tie]
    density: float
    internal_edges: int
    boundary_edges: int
    #: internal / (internal + boundary): 1.0 means the members only link to each other.
    cohesion: float


def cluster_report(graph: Graph | Prepared, grouping: str) -> ClusterReport:
    """Everything about one named grouping; `grouping` is a name or IRI."""
    p = prepare(graph)
    node = p.resolve(grouping)
    if node not in groupings(p):
        raise AnalysisError(f"{ref(p, node).label_zh} is not a named grouping / 不是命名组合")
    members = grouping_members(p, node)
    mset = set(members)
    tree = containment_tree(p)
    u = undirected(p.entity)
    profiles = []
    for m in members:
        hosted: set[str] = set(nx.descendants(tree, m)) if m in tree else set()
        hosted |= {s for s, _, k in p.entity.in_edges(m, keys=True) if _is_hosting(k)}
        by_class: dict[str, list[Ref]] = {}
        for r in sorted_refs(p, hosted - mset - {node}):
            label = p.entity.nodes[r.iri]["class_zh"] or "其他"
            by_class.setdefault(label, []).append(r)
        profiles.append(
            MemberProfile(ref(p, m), dict(sorted(by_class.items())), industries_of(p, m, hosted))
        )
    links = [
        link(p, a, b, k) for a, b, k in sorted(p.entity.edges(keys=True)) if a in mset and b in mset
    ]
    ties = _ties(p, u, members, exclude={node})
    shared_ind = _sharedindustries_of(p, profiles)
    policy_like = {"zg:Policy", "zg:Measure"}
    shared_pol = [t for t in ties if p.entity.nodes[t.entity.iri]["class"] in policy_like]
    sub = u.subgraph(members)
    internal = sub.number_of_edges()
    boundary = sum(1 for m in members for n in u[m] if n not in mset and n != node)
    total = internal + boundary
    formula = p.rdf.value(URIRef(node), ZG.formula)
    count = p.rdf.value(URIRef(node), ZG.declaredMemberCount)
    return ClusterReport(
        grouping=ref(p, node),
        formula=str(formula) if formula is not None else None,
        declared_member_count=int(str(count)) if count is not None else None,
        members=profiles,
        links_among_members=links,
        shared_industries=shared_ind,
        shared_policies=shared_pol,
        ties=ties,
        density=round(nx.density(sub), 6) if len(members) > 1 else 0.0,
        internal_edges=internal,
        boundary_edges=boundary,
        cohesion=round(internal / total, 6) if total else 0.0,
    )


def _sharedindustries_of(p: Prepared, profiles: list[MemberProfile]) -> list[Tie]:
    """Industries in the profiles (own or hosted) of two or more members."""
    holders: dict[str, set[str]] = {}
    for prof in profiles:
        for ind in prof.industries:
            holders.setdefault(ind.iri, set()).add(prof.member.iri)
    ties = [Tie(ref(p, i), sorted_refs(p, ms)) for i, ms in holders.items() if len(ms) >= 2]
    return sorted(ties, key=lambda t: (-len(t.members), t.entity.label_zh, t.entity.iri))


def _is_hosting(key: str) -> bool:
    return key in {"zg:locatedIn", "zg:registeredIn", "zg:incubatedIn", "zg:clusterIn"}


def _ties(p: Prepared, u: nx.Graph[str], members: list[str], exclude: set[str]) -> list[Tie]:
    shared: dict[str, set[str]] = {}
    for m in members:
        for n in u[m]:
            if n not in exclude and n not in members:
                shared.setdefault(n, set()).add(m)
    ties = [Tie(ref(p, n), sorted_refs(p, ms)) for n, ms in shared.items() if len(ms) >= 2]
    return sorted(ties, key=lambda t: (-len(t.members), t.entity.label_zh, t.entity.iri))


def all_clusters(graph: Graph | Prepared) -> list[ClusterReport]:
    p = prepare(graph)
    return [cluster_report(p, g) for g in groupings(p)]


# --------------------------------------------------------------------------- hubs


@dataclass(frozen=True)
class HubScore(Serialisable):
    entity: Ref
    degree: int
    pagerank: float
    betweenness: float


@dataclass(frozen=True)
class HubReport(Serialisable):
    scope: Ref | None
    nodes: int
    edges: int
    betweenness_exact: bool
    hubs: list[HubScore]


def pagerank(
    g: nx.Graph[str], alpha: float = 0.85, tol: float = 1e-12, max_iter: int = 1000
) -> dict[Any, float]:
    """PageRank of an undirected graph (each edge counts both ways); isolated nodes share
    their rank with everyone. The tolerance is tighter than NetworkX's default because ranks
    are rounded to six decimals and ties are then broken by label."""
    if g.number_of_nodes() == 0:
        return {}
    ranks: dict[Any, float] = nx.pagerank(g, alpha=alpha, tol=tol, max_iter=max_iter)
    return ranks


def betweenness(g: nx.Graph[str], seed: int = DEFAULT_SEED) -> tuple[dict[Any, float], bool]:
    """Exact for small graphs, estimated from seeded samples above BETWEENNESS_EXACT_MAX."""
    if g.number_of_nodes() <= BETWEENNESS_EXACT_MAX:
        return nx.betweenness_centrality(g, normalized=True), True
    k = min(BETWEENNESS_SAMPLES, g.number_of_nodes())
    return nx.betweenness_centrality(g, k=k, normalized=True, seed=seed), False


def zone_ecosystem(p: Prepared, zone: str) -> set[str]:
    """A zone, what it contains (parks, organisations, clusters) and what they link to,
    except other zones' places."""
    tree = containment_tree(p)
    core = {zone} | (set(nx.descendants(tree, zone)) if zone in tree else set())
    roots = [n for n in tree if tree.in_degree(n) == 0 and n != zone]
    elsewhere = set().union(*(nx.descendants(tree, r) | {r} for r in roots)) - core
    u = undirected(p.entity)
    eco = set(core)
    for n in core:
        eco |= {m for m in u[n] if m not in elsewhere}
    return eco


def hubs(
    graph: Graph | Prepared,
    zone: str | None = None,
    top: int = 10,
    by: str = "pagerank",
    seed: int = DEFAULT_SEED,
) -> HubReport:
    """The most central entities overall or in one zone's ecosystem (`zone` is a name)."""
    if by not in ("pagerank", "degree", "betweenness"):
        raise AnalysisError(f"unknown ranking {by!r}: use pagerank, degree or betweenness")
    if top < 1:
        raise AnalysisError("top must be at least 1")
    p = prepare(graph)
    u = undirected(p.entity)
    scope = None
    if zone is not None:
        z = p.resolve(zone)
        scope = ref(p, z)
        u = u.subgraph(sorted(zone_ecosystem(p, z))).copy()
    return _rank(p, u, scope, top, by, seed)


def _rank(
    p: Prepared, u: nx.Graph[str], scope: Ref | None, top: int, by: str, seed: int
) -> HubReport:
    pr = pagerank(u)
    bc, exact = betweenness(u, seed)
    scores = [HubScore(ref(p, n), u.degree(n), round(pr[n], 6), round(bc[n], 6)) for n in u]
    key = {
        "pagerank": lambda h: (-h.pagerank, -h.degree, h.entity.label_zh, h.entity.iri),
        "degree": lambda h: (-h.degree, -h.pagerank, h.entity.label_zh, h.entity.iri),
        "betweenness": lambda h: (-h.betweenness, -h.pagerank, h.entity.label_zh, h.entity.iri),
    }[by]
    ranked = sorted(scores, key=key)[:top]
    return HubReport(scope, u.number_of_nodes(), u.number_of_edges(), exact, ranked)


def hubs_per_zone(
    graph: Graph | Prepared, top: int = 5, seed: int = DEFAULT_SEED
) -> list[HubReport]:
    p = prepare(graph)
    zones = [n for n, d in p.entity.nodes(data=True) if p.vocab.is_a(URIRef(n), ZG.DevelopmentZone)]
    return [hubs(p, z, top=top, seed=seed) for z in sorted(zones)]


# --------------------------------------------------------------------------- communities


@dataclass(frozen=True)
class Community(Serialisable):
    index: int
    size: int
    #: The best-connected members first, as a name for the community.
    leading: list[Ref]
    members: list[Ref]


@dataclass(frozen=True)
class Agreement(Serialisable):
    """How well a declared grouping falls into one detected community."""

    grouping: Ref
    members: int
    community: int | None
    #: Share of the grouping's members found in its best community (1.0 = all together).
    share: float


@dataclass(frozen=True)
class CommunityReport(Serialisable):
    seed: int
    resolution: float
    modularity: float
    communities: list[Community]
    agreement: list[Agreement]


def louvain(u: nx.Graph[str], seed: int = DEFAULT_SEED, resolution: float = 1.0) -> list[set[Any]]:
    """Louvain on a copy with sorted nodes, communities ordered by size then first node."""
    g: nx.Graph[str] = nx.Graph()
    g.add_nodes_from(sorted(u))
    g.add_edges_from(sorted((min(a, b), max(a, b)) for a, b in u.edges()))
    found = nx.community.louvain_communities(g, seed=seed, resolution=resolution)
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(c)))


def communities(
    graph: Graph | Prepared, seed: int = DEFAULT_SEED, resolution: float = 1.0, leading: int = 3
) -> CommunityReport:
    if resolution <= 0:
        raise AnalysisError("resolution must be positive")
    p = prepare(graph)
    u = undirected(p.entity)
    found = louvain(u, seed, resolution)
    where = {n: i for i, c in enumerate(found) for n in c}
    result = []
    for i, c in enumerate(found):
        by_degree = sorted(c, key=lambda n: (-u.degree(n), p.entity.nodes[n]["label_zh"], n))
        result.append(
            Community(i, len(c), [ref(p, n) for n in by_degree[:leading]], sorted_refs(p, c))
        )
    agreement = []
    for g in groupings(p):
        members = grouping_members(p, g)
        if not members:
            continue
        counts: dict[int, int] = {}
        for m in members:
            counts[where[m]] = counts.get(where[m], 0) + 1
        best = min(counts, key=lambda i: (-counts[i], i))
        agreement.append(
            Agreement(ref(p, g), len(members), best, round(counts[best] / len(members), 6))
        )
    modularity = nx.community.modularity(u, found) if u.number_of_edges() else 0.0
    return CommunityReport(seed, resolution, round(modularity, 6), result, agreement)


__all__ = [
    "AmbiguousEntityError",
    "AnalysisError",
    "Chain",
    "ClusterReport",
    "CommunityReport",
    "EgoReport",
    "HubReport",
    "Link",
    "PathReport",
    "Ref",
    "SimilarPair",
    "Step",
    "UnknownEntityError",
    "all_clusters",
    "betweenness",
    "chain",
    "cluster_report",
    "communities",
    "ego",
    "hubs",
    "hubs_per_zone",
    "industry_profiles",
    "jaccard",
    "louvain",
    "pagerank",
    "paths",
    "similar",
    "zone_ecosystem",
]
