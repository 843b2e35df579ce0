"""NetworkX views of the RDF graph: the entity graph and views built for particular questions.

RDF mixes facts about zones with their provenance, the ontology and bulky reference tables; a
network analysis over all of it would find that `rdf:Statement` is the biggest hub. So every
node is put in a category first and the entity graph keeps only entities, plus the reference
concepts and divisions that entities actually point to (with their ancestors, so that two
enterprises in related industries are connected through the industry hierarchy).

Node ids are IRI strings (literal nodes, when asked for, are `"literal:" + N-Triples form`), so
that the same ids serve JSON, GraphML and GEXF. Nodes and edges are inserted in sorted order:
rdflib's iteration order varies between runs, and seeded algorithms such as Louvain depend on
insertion order, so sorting is what makes their results repeatable.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph.analysis.vocabulary import (
    CONTAINMENT_ROOTS,
    HIERARCHY_PREDICATES,
    INVERSE_LABELS,
    LABEL_PREDICATES,
    NOT_RELATIONS,
    Category,
    ReferenceMode,
    Vocabulary,
    node_id,
)
from graph.labels import ALTERNATE_LABELS, Labeller
from graph.names import NameIndex
from graph.namespaces import PROVENANCE_GRAPH, SCHEMA, ZG


@dataclass
class Prepared:
    """An RDF graph with its vocabulary and entity graph, computed once and reused.

    Analyses accept either an rdflib Graph or a Prepared; a long-running service keeps one
    Prepared per loaded graph instead of rebuilding the entity graph on every request.
    """

    rdf: Graph
    vocab: Vocabulary
    entity: nx.MultiDiGraph[str]
    _names: NameIndex | None = None

    @property
    def names(self) -> NameIndex:
        if self._names is None:
            self._names = NameIndex.from_graph(self.rdf, [URIRef(n) for n in self.entity])
        return self._names

    def resolve(self, text: str) -> str:
        """The entity-graph node `text` names (raises names.UnknownEntityError with suggestions)."""
        return str(self.names.resolve(text, within=self.entity))


#: Every graph but provenance: the views leave provenance nodes out (entity_graph's
#: include_provenance is for a Graph a caller holds), and the reified statements are about
#: half of the shipped triples, so fetching them would only slow the first analysis request.
UNION_CONSTRUCT = (
    "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION "
    f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{PROVENANCE_GRAPH}>) }} }}"
)


def rdf_graph(source: object) -> Graph:
    """An rdflib Graph from what callers hold: a Graph, a Prepared, a query backend (anything
    with `construct`, e.g. a remote endpoint) or a pyoxigraph Store (anything with `dump`)."""
    if isinstance(source, Graph):
        return source
    if isinstance(source, Prepared):
        return source.rdf
    construct = getattr(source, "construct", None)
    if callable(construct):
        result = construct(UNION_CONSTRUCT)
        if isinstance(result, Graph):
            return result
    if callable(getattr(source, "dump", None)):
        import pyoxigraph as ox

        data = source.dump(format=ox.RdfFormat.N_QUADS)  # type: ignore[attr-defined]
        ds = Dataset()
        ds.parse(data=data, format="nquads")
        g = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    raise TypeError(f"cannot read an RDF graph from {type(source).__name__}")


def prepare(graph: object) -> Prepared:
    """The Prepared form of a Graph, backend or store (a Prepared is returned as it is)."""
    if isinstance(graph, Prepared):
        return graph
    rdf = rdf_graph(graph)
    vocab = Vocabulary.of(rdf)
    return Prepared(rdf=rdf, vocab=vocab, entity=entity_graph(rdf, vocab=vocab))


def entity_graph(
    graph: Graph,
    *,
    include_literals: bool = False,
    include_provenance: bool = False,
    include_schema: bool = False,
    include_details: bool = False,
    reference: ReferenceMode = "linked",
    vocab: Vocabulary | None = None,
) -> nx.MultiDiGraph[str]:
    """Entities as nodes, object properties between them as edges (key = prefixed predicate).

    `reference` decides which concepts and divisions appear: "linked" (those an entity points
    to, with their ancestors), "all", or "none". Details are observations, periods, amounts and
    benefits: leave them out to study who is connected to whom, put them in to see everything.
    """
    vocab = vocab or Vocabulary.of(graph)
    wanted = {"entity"}
    if include_provenance:
        wanted.add("provenance")
    if include_schema:
        wanted.add("schema")
    if include_details:
        wanted.add("detail")
    category: dict[Node, Category] = {}

    def cat(node: Node) -> Category:
        if node not in category:
            category[node] = vocab.category(node)
        return category[node]

    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    core = {s for s in subjects if cat(s) in wanted}
    nodes: set[Node] = set(core)
    for subj in sorted(core, key=str):
        for pred, obj in graph.predicate_objects(subj):
            if not isinstance(obj, URIRef) or (pred == RDF.type and not include_schema):
                continue
            if pred in NOT_RELATIONS:
                continue
            c = cat(obj)
            if c in wanted or (c in ("concept", "division") and reference != "none"):
                nodes.add(obj)
    if reference == "all":
        nodes |= {s for s in subjects if cat(s) in ("concept", "division")}
    if reference != "none":
        _add_ancestors(graph, nodes, cat)
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node in sorted(nodes, key=str):
        g.add_node(node_id(node), **vocab.node_attributes(node, cat(node)))
    edges: list[tuple[Node, Node, Node]] = []
    for s in nodes:
        for pr, ob in graph.predicate_objects(s):
            if (pr in LABEL_PREDICATES and isinstance(ob, Literal)) or pr in NOT_RELATIONS:
                continue
            if pr == RDF.type and not include_schema:
                continue
            literal = include_literals and isinstance(ob, Literal) and s in core
            if ob in nodes or literal:
                edges.append((s, pr, ob))
    for es, ep, eo in sorted(edges, key=lambda t: (str(t[0]), str(t[1]), node_id(t[2]))):
        if isinstance(eo, Literal) and node_id(eo) not in g:
            g.add_node(node_id(eo), **vocab.node_attributes(eo, "literal"))
        attrs = vocab.edge_attributes(ep)
        g.add_edge(node_id(es), node_id(eo), key=attrs["predicate_pname"], **attrs)
    return g


def _add_ancestors(graph: Graph, nodes: set[Node], cat: object) -> None:
    stack = [n for n in nodes if isinstance(n, URIRef)]
    while stack:
        n = stack.pop()
        for pred in HIERARCHY_PREDICATES:
            for parent in graph.objects(n, pred):
                if isinstance(parent, URIRef) and parent not in nodes:
                    nodes.add(parent)
                    stack.append(parent)


def undirected(g: nx.MultiDiGraph[str]) -> nx.Graph[str]:
    """The simple undirected graph beneath a multigraph: neighbours matter, not edge counts."""
    u: nx.Graph[str] = nx.Graph()
    u.add_nodes_from(g.nodes(data=True))
    for a, b in g.edges():
        if a != b:
            u.add_edge(a, b)
    return u


def containment_tree(graph: Graph | Prepared) -> nx.DiGraph[str]:
    """Zone → park → organisation (and zone → administering body, zone → cluster).

    Edges point from the container to what it contains; `predicate` is the RDF property, which
    runs the other way. Where an organisation is placed both in a park and in the park's zone,
    only the park edge is kept, so each node hangs under its most specific place.
    """
    p = prepare(graph)
    vocab, rdf = p.vocab, p.rdf
    preds = vocab.sub_properties(CONTAINMENT_ROOTS) - {ZG.inDivision, ZG.parentDivision}
    tree: nx.DiGraph[str] = nx.DiGraph()
    raw: list[tuple[str, str, Node]] = []
    for pred in sorted(preds, key=str):
        for child, parent in rdf.subject_objects(pred):
            c, par = node_id(child), node_id(parent)
            if c in p.entity and par in p.entity and _is_place(vocab, parent):
                raw.append((par, c, pred))
    for body, zone in rdf.subject_objects(ZG.administers):
        if node_id(body) in p.entity and node_id(zone) in p.entity:
            raw.append((node_id(zone), node_id(body), ZG.administers))
    for parent, child in rdf.subject_objects(SCHEMA.containsPlace):
        c, par = node_id(child), node_id(parent)
        if c in p.entity and par in p.entity and _is_place(p.vocab, parent):
            raw.append((par, c, SCHEMA.containsPlace))
    for par, c, pred in sorted(raw, key=lambda t: (t[0], t[1], str(t[2]))):
        for n in (par, c):
            tree.add_node(n, **p.entity.nodes[n])
        if not tree.has_edge(par, c):
            inverse = pred not in (ZG.administers, SCHEMA.containsPlace)
            attrs = vocab.edge_attributes(pred)
            names = INVERSE_LABELS.get(pred) if isinstance(pred, URIRef) else None
            if inverse and names is not None:
                attrs["label"] = attrs["label_zh"] = names[0]
                attrs["label_en"] = names[1]
            tree.add_edge(par, c, inverse=inverse, **attrs)
    redundant: list[tuple[str, str]] = []
    for inner in list(tree):
        parents = list(tree.predecessors(inner))
        for a in parents:
            if any(b != a and nx.has_path(tree, a, b) for b in parents):
                redundant.append((a, inner))
    tree.remove_edges_from(redundant)
    return tree


def _is_place(vocab: Vocabulary, node: Node) -> bool:
    types = vocab.types(node)
    return bool(types & {SCHEMA.Place, ZG.DevelopmentZone, ZG.Park}) and (
        ZG.AdministrativeDivision not in types
    )


def industry_bipartite(graph: Graph | Prepared) -> nx.Graph[str]:
    """Who (organisation, cluster, park, zone) is in which industry: `bipartite` is 0 or 1."""
    p = prepare(graph)
    b: nx.Graph[str] = nx.Graph()
    pairs = sorted(
        (node_id(s), node_id(o))
        for pred in p.vocab.sub_properties([ZG.industry])
        for s, o in p.rdf.subject_objects(pred)
        if node_id(s) in p.entity and node_id(o) in p.entity
    )
    for s, o in pairs:
        b.add_node(s, bipartite=0, **p.entity.nodes[s])
        b.add_node(o, bipartite=1, **p.entity.nodes[o])
        b.add_edge(s, o, **p.vocab.edge_attributes(ZG.industry))
    return b


def industry_projection(bipartite: nx.Graph[str], side: int = 0) -> nx.Graph[str]:
    """Project onto one side: actors linked by shared industries (0) or industries by actors (1);
    `weight` counts what they share."""
    keep = sorted(n for n, d in bipartite.nodes(data=True) if d.get("bipartite") == side)
    proj: nx.Graph[str] = nx.Graph()
    for n in keep:
        proj.add_node(n, **bipartite.nodes[n])
    for i, a in enumerate(keep):
        na = set(bipartite[a])
        for b in keep[i + 1 :]:
            shared = na & set(bipartite[b])
            if shared:
                proj.add_edge(a, b, weight=len(shared), shared=sorted(shared))
    return proj


def policy_graph(graph: Graph | Prepared) -> nx.DiGraph[str]:
    """Issuer → policy → measure → beneficiary (as stated) / benefit / place of implementation."""
    p = prepare(graph)
    rdf, vocab = p.rdf, p.vocab
    d: nx.DiGraph[str] = nx.DiGraph()

    def add(node: Node, cat: Category | None = None) -> str:
        nid = node_id(node)
        if nid not in d:
            attrs = vocab.node_attributes(node, cat or vocab.category(node))
            if isinstance(node, Literal):
                attrs.update(class_zh="受益对象", class_en="beneficiary", category="beneficiary")
            d.add_node(nid, **attrs)
        return nid

    policies = sorted(
        {s for s in rdf.subjects(RDF.type, None) if vocab.is_a(s, ZG.Policy)}, key=str
    )
    measures = {m for pol in policies for m in rdf.objects(pol, ZG.hasMeasure)}
    measures |= {s for s in rdf.subjects(RDF.type, ZG.Measure)}
    triples: list[tuple[Node, Node, Node]] = []
    for pol in policies:
        triples += [(pol, ZG.hasMeasure, m) for m in rdf.objects(pol, ZG.hasMeasure)]
        triples += [(issuer, ZG.issuedBy, pol) for issuer in rdf.objects(pol, ZG.issuedBy)]
    for m in measures:
        for pred in (ZG.beneficiary, ZG.benefit, ZG.implementedIn):
            triples += [(m, pred, o) for o in rdf.objects(m, pred)]
        triples += [(issuer, ZG.issuedBy, m) for issuer in rdf.objects(m, ZG.issuedBy)]
    for s, pr, o in sorted(set(triples), key=lambda t: (node_id(t[0]), str(t[1]), node_id(t[2]))):
        a, b = add(s), add(o)
        attrs: dict[str, str | bool] = dict(vocab.edge_attributes(pr))
        if pr == ZG.issuedBy:
            attrs.update(label="发布", label_zh="发布", label_en="issued", inverse=True)
        d.add_edge(a, b, **attrs)
        if pr == ZG.benefit:
            d.nodes[b].update(_benefit_attributes(rdf, o, vocab.labeller))
    return d


def _benefit_attributes(rdf: Graph, benefit: Node, labeller: Labeller) -> dict[str, str | float]:
    out: dict[str, str | float] = {}
    kind = rdf.value(benefit, ZG.benefitType)
    if kind is not None:
        out["benefit_type"] = labeller.label(kind)
    rate = rdf.value(benefit, ZG.rate)
    if isinstance(rate, Literal):
        out["rate"] = float(rate.toPython())
    for pred, key in ((ZG.maxAmount, "max_amount"), (ZG.fixedAmount, "fixed_amount")):
        amount = rdf.value(benefit, pred)
        value = rdf.value(amount, SCHEMA.value) if amount is not None else None
        if isinstance(value, Literal):
            out[key] = float(value.toPython())
            currency = rdf.value(amount, SCHEMA.currency)
            if currency is not None:
                out[key + "_currency"] = str(currency)
    return out


def groupings(graph: Graph | Prepared) -> list[str]:
    """Every named grouping in the entity graph, ordered by zh label."""
    p = prepare(graph)
    found = [
        n
        for n, d in p.entity.nodes(data=True)
        if d["category"] == "entity" and p.vocab.is_a(URIRef(n), ZG.NamedGrouping)
    ]
    return sorted(found, key=lambda n: (p.entity.nodes[n]["label_zh"], n))


def grouping_members(graph: Graph | Prepared, grouping: str) -> list[str]:
    """Members in stated order (zg:memberList) when given, else ordered by zh label."""
    p = prepare(graph)
    node = URIRef(grouping)
    ordered: list[str] = []
    for head in p.rdf.objects(node, ZG.memberList):
        ordered += [node_id(m) for m in Collection(p.rdf, head) if node_id(m) not in ordered]
    rest = {node_id(m) for m in p.rdf.objects(node, ZG.hasMember)} - set(ordered)
    ordered += sorted(rest, key=lambda n: (p.vocab.labeller.labels(URIRef(n))[0], n))
    return [m for m in ordered if m in p.entity]


def grouping_subgraph(graph: Graph | Prepared, grouping: str) -> nx.MultiDiGraph[str]:
    """The grouping, its members and their neighbours; `role` is grouping, member or context."""
    p = prepare(graph)
    members = grouping_members(p, grouping)
    keep = {grouping, *members}
    for m in members:
        keep |= set(p.entity.predecessors(m)) | set(p.entity.successors(m))
    sub: nx.MultiDiGraph[str] = nx.MultiDiGraph(p.entity.subgraph(sorted(keep)))
    for n in sub:
        sub.nodes[n]["role"] = (
            "grouping" if n == grouping else "member" if n in members else "context"
        )
    return sub


def ego_graph(graph: Graph | Prepared, center: str, radius: int = 1) -> nx.MultiDiGraph[str]:
    """Everything within `radius` steps of `center`, edges followed either way; node attribute
    `distance` counts the steps."""
    p = prepare(graph)
    dist = nx.single_source_shortest_path_length(undirected(p.entity), center, cutoff=radius)
    sub: nx.MultiDiGraph[str] = nx.MultiDiGraph(p.entity.subgraph(sorted(dist)))
    for n, d in dist.items():
        sub.nodes[n]["distance"] = d
    return sub


def alternate_names(graph: Graph, node: str) -> list[str]:
    """Alternate labels of a node (short names, full-width variants), for display."""
    return sorted({str(o) for pred in ALTERNATE_LABELS for o in graph.objects(URIRef(node), pred)})
