"""Which shapes run where: SPARQL on Oxigraph, or pySHACL on a small rdflib graph.

pySHACL evaluates a shape focus node by focus node in Python; over a million triples the
shapes that touch every statement (provenance of each triple, every reified statement, every
label) cost minutes. Oxigraph answers the same questions set-wise in seconds. The plan reads
the shapes graph, not a hand-kept list, so a shape another curator adds is routed by what it
says:

- every target is evaluated on Oxigraph, SPARQL targets included;
- every sh:sparql constraint of a targeted shape (or of its property shapes) runs on Oxigraph;
- a targeted shape whose core constraints are all of the kinds graph.validate.shapes_sparql
  translates (counts, node kinds, string datatypes, languages, classes, values), and whose
  own node-level constraints (sh:class, sh:or, sh:xone … of the focus node) it states too,
  runs there entirely ("compiled");
- the others stay with pySHACL, their SPARQL targets replaced by the focus nodes Oxigraph
  found, over a graph of only the predicates reachable from those shapes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph.validate import value_tests

SH = Namespace("http://www.w3.org/ns/shacl#")
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: Parameters that describe a shape without constraining anything.
_DESCRIPTIVE = {
    SH.name,
    SH.description,
    SH.message,
    SH.severity,
    SH.order,
    SH.group,
    SH.path,
    SH.property,
    SH.sparql,
    *_TARGETS,
}
#: Core parameters graph.validate.shapes_sparql translates on a property shape with an IRI path.
COMPILED = {
    SH.minCount,
    SH.maxCount,
    SH.nodeKind,
    SH.datatype,
    SH["class"],
    SH.hasValue,
    SH["in"],
    SH.uniqueLang,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    *value_tests.VALUE_PARAMETERS,
}
#: Parameters compiled only for a property shape whose path is one IRI.
_IRI_PATH_ONLY = {SH.uniqueLang, SH.qualifiedValueShape, SH.qualifiedMinCount}
_STRING_TYPES = {URIRef("http://www.w3.org/2001/XMLSchema#string"), RDF.langString}


@dataclass
class Constraint:
    """One sh:sparql constraint with the shape whose results it produces."""

    node: Node
    shape: Node
    select: str
    messages: list[Literal]


@dataclass
class Root:
    """A shape with targets: where its focus nodes come from and how it is evaluated."""

    shape: Node
    targets: list[tuple[URIRef, Node]]
    compiled: bool
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Node] = field(default_factory=list)
    #: Of a root left to pySHACL, the property shapes Oxigraph checks all the same.
    split: list[Node] = field(default_factory=list)


@dataclass
class Plan:
    roots: list[Root]
    prefixes: dict[str, str]
    #: Shapes left to pySHACL need the whole data graph (a nested SPARQL constraint).
    needs_whole: bool = False

    @property
    def pyshacl_roots(self) -> list[Root]:
        return [r for r in self.roots if not r.compiled]


def make_plan(shapes: Graph) -> Plan:
    roots = [_root(shapes, s) for s in _targeted(shapes)]
    direct = {r.shape for r in roots} | {p for r in roots for p in r.properties}
    nested = {s for s in shapes.subjects(SH.sparql, None) if s not in direct}
    plan = Plan(roots=roots, prefixes=declared_prefixes(shapes), needs_whole=bool(nested))
    if nested:  # keep such shapes wholly in pySHACL: their SPARQL must see the data there
        for r in plan.roots:
            r.compiled, r.split = False, []
    return plan


def _targeted(shapes: Graph) -> list[Node]:
    found: dict[Node, None] = {}
    for p in _TARGETS:
        for s in shapes.subjects(p, None):
            if (s, SH.deactivated, Literal(True)) not in shapes:
                found[s] = None
    return list(found)


def _root(shapes: Graph, shape: Node) -> Root:
    targets = [(p, o) for p in _TARGETS for o in shapes.objects(shape, p)]
    properties = list(shapes.objects(shape, SH.property))
    constraints = [c for s in [shape, *properties] for c in _constraints(shapes, s)]
    compiled = all(_target_known(shapes, p, o) for p, o in targets) and _compilable_node(
        shapes, shape, properties
    )
    implicit = target_is_implicit(shapes, shape)
    if implicit:
        compiled = False
    split: list[Node] = []
    if not compiled and not implicit and (shape, SH.path, None) not in shapes:
        if all(_target_known(shapes, p, o) for p, o in targets):
            split = [p for p in properties if _compilable_property(shapes, p)]
    return Root(shape, targets, compiled, constraints, properties, split)


def _constraints(shapes: Graph, shape: Node) -> Iterator[Constraint]:
    for node in shapes.objects(shape, SH.sparql):
        if (node, SH.deactivated, Literal(True)) in shapes:
            continue
        select = shapes.value(node, SH.select)
        if select is None:
            continue
        messages = [m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)]
        yield Constraint(node, shape, str(select), messages)


def _target_known(shapes: Graph, kind: URIRef, value: Node) -> bool:
    if kind == SH.target:
        return shapes.value(value, SH.select) is not None
    return True


def target_is_implicit(shapes: Graph, shape: Node) -> bool:
    """A shape that is also a class targets its instances; left to pySHACL to keep it exact."""
    return any(
        t in (RDFS.Class, URIRef("http://www.w3.org/2002/07/owl#Class"))
        for t in shapes.objects(shape, RDF.type)
    )


def _compilable_node(shapes: Graph, shape: Node, properties: list[Node]) -> bool:
    own = {p for p, _ in shapes.predicate_objects(shape) if str(p).startswith(str(SH))}
    if (shape, SH.path, None) in shapes:
        # a property shape with targets of its own: compile it as its own single property
        return _compilable_property(shapes, shape)
    if not own <= _DESCRIPTIVE and not _compilable_node_parameters(shapes, shape, own):
        return False
    return all(_compilable_property(shapes, p) for p in properties)


def _compilable_node_parameters(shapes: Graph, shape: Node, own: set[Node]) -> bool:
    """Node-level constraints (sh:class, sh:or, sh:xone … on the focus node itself) that
    graph.validate.value_tests states exactly, with a fixed message of the shape's own, and
    focus nodes a query can name (a blank sh:targetNode cannot be)."""
    if not own - _DESCRIPTIVE <= {*value_tests.NODE_PARAMETERS, SH.flags}:
        return False
    messages = [str(m) for m in shapes.objects(shape, SH.message)]
    if not messages or any("{" in m for m in messages):
        return False
    if any(isinstance(o, BNode) for o in shapes.objects(shape, SH.targetNode)):
        return False
    return value_tests.node_translatable(shapes, shape)


def _compilable_property(shapes: Graph, prop: Node) -> bool:
    path = shapes.value(prop, SH.path)
    if path is None or (prop, SH.deactivated, None) in shapes:
        return False
    params = {p for p, _ in shapes.predicate_objects(prop) if str(p).startswith(str(SH))}
    if not params <= _DESCRIPTIVE | COMPILED:
        return False
    if not isinstance(path, URIRef):
        if _path_text(shapes, path) is None or params & _IRI_PATH_ONLY:
            return False
    core = params & COMPILED
    messages = [str(m) for m in shapes.objects(prop, SH.message)]
    if core and (not messages or any("{" in m for m in messages)):
        return False  # pySHACL's own wording or substitutions: leave those to it
    for datatype in shapes.objects(prop, SH.datatype):
        if datatype not in _STRING_TYPES:
            return False
    if SH.qualifiedValueShape in params:
        qualified = shapes.value(prop, SH.qualifiedValueShape)
        inner = set(shapes.predicates(qualified, None)) if qualified is not None else set()
        if inner != {SH.languageIn} or SH.qualifiedMinCount not in params:
            return False
    elif SH.qualifiedMinCount in params:
        return False
    return value_tests.translatable(shapes, prop)


def sparql_path(shapes: Graph, path: Node) -> str:
    """A property path of IRIs, inverses, alternatives and sequences in SPARQL syntax."""
    text = _path_text(shapes, path)
    if text is None:
        raise ValueError(f"a SHACL path with no SPARQL form here: {path}")
    return text


def _path_text(shapes: Graph, path: Node, depth: int = 0) -> str | None:
    """The path in SPARQL, or None for the forms whose value nodes pySHACL and SPARQL could
    tell apart (zero-length paths reach nodes outside the graph differently)."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if not isinstance(path, BNode) or depth > 8:
        return None
    inverse = shapes.value(path, SH.inversePath)
    alternative = shapes.value(path, SH.alternativePath)
    own = set(shapes.predicates(path, None))
    if inverse is not None and own == {SH.inversePath}:
        inner = _path_text(shapes, inverse, depth + 1)
        return f"^({inner})" if inner else None
    if alternative is not None and own == {SH.alternativePath}:
        parts = [_path_text(shapes, x, depth + 1) for x in members(shapes, alternative)]
        ok = [x for x in parts if x is not None]
        return "(" + " | ".join(ok) + ")" if ok and len(ok) == len(parts) else None
    if (path, RDF.first, None) in shapes:
        parts = [_path_text(shapes, x, depth + 1) for x in members(shapes, path)]
        ok = [x for x in parts if x is not None]
        return "(" + " / ".join(ok) + ")" if len(ok) > 1 and len(ok) == len(parts) else None
    return None


def languages(shapes: Graph, prop: Node) -> list[str]:
    """The languages of a property shape's qualified sh:languageIn value shape."""
    qualified = shapes.value(prop, SH.qualifiedValueShape)
    lst = shapes.value(qualified, SH.languageIn) if qualified is not None else None
    return [str(x) for x in Collection(shapes, lst)] if isinstance(lst, BNode) else []


def members(shapes: Graph, node: Node) -> list[Node]:
    return list(Collection(shapes, node)) if isinstance(node, BNode) else []


def declared_prefixes(shapes: Graph) -> dict[str, str]:
    """The sh:declare prefixes of every node named by sh:prefixes (one shared prolog)."""
    out: dict[str, str] = {}
    for holder in set(shapes.objects(None, SH.prefixes)):
        for decl in shapes.objects(holder, SH.declare):
            prefix, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                out[str(prefix)] = str(ns)
    return out


def reachable_iris(shapes: Graph, starts: list[Node]) -> set[URIRef]:
    """Every IRI the shapes graph links to from `starts`: a superset of the predicates the
    shapes' paths, targets and nested shapes can traverse."""
    return _reach(shapes, starts)[0]


def reads_types(shapes: Graph, starts: list[Node]) -> bool:
    """Whether the shapes reached from `starts` can ask for rdf:type in the data: sh:class
    and class targets do (rdfs:subClassOf too); roots whose targets are all focus nodes
    named by sh:targetNode (see reduced_shapes) and paths of other predicates do not."""
    if any(target_is_implicit(shapes, s) for s in starts):
        return True
    asked = {SH["class"], SH.targetClass, SH.target}
    return bool(_reach(shapes, starts)[1] & asked) or RDF.type in reachable_iris(shapes, starts)


def _reach(shapes: Graph, starts: list[Node]) -> tuple[set[URIRef], set[Node]]:
    """The IRIs linked to from `starts` and the predicates of the nodes on the way."""
    seen: set[Node] = set()
    todo = list(starts)
    iris: set[URIRef] = set()
    predicates: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            if p == SH.prefixes:
                continue
            predicates.add(p)
            if isinstance(o, URIRef):
                iris.add(o)
            if isinstance(o, (URIRef, BNode)) and o not in seen:
                todo.append(o)
    return iris, predicates


def reduced_shapes(shapes: Graph, plan: Plan, focus: dict[Node, set[Node]]) -> Graph:
    """The shapes graph pySHACL gets: compiled roots untargeted, the targets of the others
    replaced by the focus nodes Oxigraph found (so pySHACL need not be given every rdf:type
    triple to find them), and the sh:sparql constraints Oxigraph ran removed."""
    g = Graph()
    for prefix, ns in shapes.namespace_manager.namespaces():
        g.bind(prefix, ns)
    for t in shapes:
        g.add(t)
    for root in plan.roots:
        if root.compiled:
            for p in _TARGETS:
                g.remove((root.shape, p, None))
            continue
        for prop in root.split:
            g.remove((root.shape, SH.property, prop))
        if root.shape in focus:
            for p in _TARGETS:
                g.remove((root.shape, p, None))
            for node in focus[root.shape]:
                g.add((root.shape, SH.targetNode, node))
        if not plan.needs_whole:
            for c in root.constraints:
                g.remove((c.shape, SH.sparql, c.node))
    return g
