"""Shapes evaluated as SPARQL on Oxigraph, giving the results pySHACL would give.

Each query answers for all focus nodes at once and returns only offenders, which are then
kept if they are focus nodes of the shape. The semantics follow pySHACL's: a result's value,
path and messages are chosen the way its constraint components choose them, so the report of
a dataset does not depend on which engine checked which shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from pyshacl.helper.path_helper import shacl_path_to_sparql_path
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.validate import value_tests
from graph.validate.focus import Focus
from graph.validate.oxdata import from_ox, to_ox
from graph.validate.plan import SH, Constraint, Plan, Root, languages, members, sparql_path

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_KINDS = {
    SH.IRI: "isIRI(?o)",
    SH.BlankNode: "isBlank(?o)",
    SH.Literal: "isLiteral(?o)",
    SH.BlankNodeOrIRI: "(isBlank(?o) || isIRI(?o))",
    SH.BlankNodeOrLiteral: "(isBlank(?o) || isLiteral(?o))",
    SH.IRIOrLiteral: "(isIRI(?o) || isLiteral(?o))",
}
_SUB = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PREBIND_MAX = 20_000
_PATH_VAR = re.compile(r"\$PATH\b")


@dataclass(frozen=True)
class Result:
    """One validation result, whichever engine produced it."""

    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    severity: URIRef
    messages: tuple[Literal, ...]


class Evaluator:
    """Runs a plan's targets and SPARQL-side constraints against one store."""

    def __init__(self, store: ox.Store, shapes: Graph, plan: Plan) -> None:
        self.store, self.shapes, self.plan = store, shapes, plan
        self.prolog = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in plan.prefixes.items())

    def select(self, query: str) -> ox.QuerySolutions:
        solutions = self.store.query(self.prolog + query)
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions

    def column(self, query: str, var: str = "s") -> set[object]:
        return {row[var] for row in self.select(query)}

    # --- targets ---------------------------------------------------------------------------

    def focus(self, root: Root) -> Focus:
        """The focus nodes of a root shape, as a pattern and (when asked) as a set. SPARQL
        targets are run once here: their nodes go into the pattern as VALUES."""
        sparql = None
        if any(kind == SH.target for kind, _ in root.targets):
            sparql = self.focus_nodes(root, sparql_only=True)
        return Focus(root, lambda: self.focus_nodes(root), self.ask, sparql)

    def ask(self, query: str) -> bool:
        answer = self.store.query(self.prolog + query)
        assert isinstance(answer, ox.QueryBoolean)
        return bool(answer)

    def focus_nodes(self, root: Root, sparql_only: bool = False) -> set[object]:
        """The focus nodes of a root shape (only those of its SPARQL targets if asked)."""
        out: set[object] = set()
        for kind, value in root.targets:
            if sparql_only and kind != SH.target:
                continue
            out |= self._target(kind, value)
        return out

    def _target(self, kind: URIRef, value: Node) -> set[object]:
        if kind == SH.targetNode:
            term = to_ox(value)
            return {term}
        iri = f"<{value}>"
        if kind == SH.targetClass:
            classes = self.column(f"SELECT DISTINCT ?c WHERE {{ ?c {_SUB} {iri} }}", "c")
            classes.add(ox.NamedNode(str(value)))
            kind_of = ox.NamedNode(str(RDF.type))
            return {
                q.subject
                for c in classes
                for q in self.store.quads_for_pattern(None, kind_of, c, ox.DefaultGraph())  # type: ignore[arg-type]
            }
        if kind == SH.targetSubjectsOf:
            return self.column(f"SELECT DISTINCT ?s WHERE {{ ?s {iri} ?o }}")
        if kind == SH.targetObjectsOf:
            return self.column(f"SELECT DISTINCT ?s WHERE {{ ?x {iri} ?s }}")
        select = self.shapes.value(value, SH.select)
        return self.column(str(select), "this")

    # --- sh:sparql constraints -------------------------------------------------------------

    def constraint(self, c: Constraint, focus: set[object]) -> Iterator[Result]:
        """pySHACL's SPARQLConstraintComponent, for all focus nodes in one query."""
        shape_path = self.shapes.value(c.shape, SH.path)
        text = c.select
        if shape_path is not None:
            # pySHACL's helper only reads the path's triples, which a plain Graph holds too
            sparql_path = shacl_path_to_sparql_path(self.shapes, shape_path)  # type: ignore[arg-type]
            text = _PATH_VAR.sub(sparql_path.replace("\\", "\\\\"), text)
        is_property = shape_path is not None
        seen: set[tuple[object, object, object, tuple[tuple[str, object], ...]]] = set()
        shape_messages = self._messages(c.shape)
        if not focus:
            return
        solutions = self.select(_prebound(text, focus))
        extra = [v.value for v in solutions.variables if v.value not in ("this", "path", "value")]
        for row in solutions:
            this = row["this"]
            if this is None or this not in focus:
                continue
            bound = {v: row[v] for v in extra if row[v] is not None}
            key = (this, row["path"], row["value"], tuple(sorted(bound.items())))
            if key in seen:
                continue
            seen.add(key)
            focus_node = from_ox(this)
            path = from_ox(row["path"]) if row["path"] is not None else shape_path
            if row["value"] is not None:
                value: Node | None = from_ox(row["value"])
            else:
                value = None if is_property else focus_node
            names = {k: from_ox(t) for k, t in bound.items()}
            names["this"] = focus_node
            if row["path"] is not None:
                names["path"] = from_ox(row["path"])
            if value is not None:
                names["value"] = value
            texts = [_fill(m, names) for m in c.messages if m not in shape_messages]
            texts += [_fill(m, names) for m in shape_messages]
            yield Result(focus_node, path, value, c.shape, self.severity(c.shape), tuple(texts))

    # --- compiled core constraints ---------------------------------------------------------

    def compiled(self, root: Root, focus: Focus) -> Iterator[Result]:
        """A compiled root's property shapes, or the split-off ones of a root left to pySHACL."""
        props = root.properties if root.compiled else root.split
        if root.compiled and (root.shape, SH.path, None) in self.shapes:
            props = [root.shape]
        elif root.compiled:
            yield from self._node(root.shape, focus)
        for prop in props:
            yield from self._property(prop, focus)

    def _node(self, shape: Node, focus: Focus) -> Iterator[Result]:
        """A root node shape's own constraints, each the focus node's test of itself."""
        severity, messages = self.severity(shape), tuple(self._messages(shape))
        for _, test in value_tests.node_violations(self.shapes, shape):
            if focus.pattern is not None:
                query = f"SELECT ?this WHERE {{ {focus.pattern} FILTER ({test}) }}"
                found = self.column(query, "this")
            else:  # the focus nodes a SPARQL target selected are nodes of the data
                nodes = "{ ?this ?p ?o } UNION { ?s ?p ?this }"
                query = f"SELECT DISTINCT ?this WHERE {{ {nodes} FILTER ({test}) }}"
                found = {s for s in self.column(query, "this") if s in focus}
            for s in found:
                node = from_ox(s)
                yield Result(node, None, node, shape, severity, messages)

    def _property(self, prop: Node, focus: Focus) -> Iterator[Result]:
        g = self.shapes
        path = g.value(prop, SH.path)
        assert path is not None
        p = f"<{path}>" if isinstance(path, URIRef) else sparql_path(g, path)
        severity, messages = self.severity(prop), tuple(self._messages(prop))

        def result(s: object, value: object | None = None) -> Result:
            v = from_ox(value) if value is not None else None
            return Result(from_ox(s), path, v, prop, severity, messages)

        for n in g.objects(prop, SH.minCount):
            if int(str(n)) <= 0:
                continue
            yield from (result(s) for s in self._fewer(focus, p, int(str(n))))
        for n in g.objects(prop, SH.maxCount):
            yield from (result(s) for s in self._having(p, ">", int(str(n))) if s in focus)
        langs = languages(g, prop)
        for n in g.objects(prop, SH.qualifiedMinCount):
            fewer = self._fewer(focus, p, int(str(n)), _lang_filter(langs))
            yield from (result(s) for s in fewer)
        for kind in g.objects(prop, SH.nodeKind):
            test = _KINDS.get(URIRef(str(kind)), "false")
            yield from self._values(p, f"!{test}", focus, result)
        for datatype in g.objects(prop, SH.datatype):
            test = f"isLiteral(?o) && DATATYPE(?o) = <{datatype}>"
            yield from self._values(p, f"!({test})", focus, result)
        for cls in g.objects(prop, SH["class"]):
            test = f"NOT EXISTS {{ ?o a ?c . ?c {_SUB} <{cls}> }}"
            yield from self._values(p, test, focus, result)
        for lst in g.objects(prop, SH["in"]):
            allowed = " || ".join(f"sameTerm(?o, {_term(x)})" for x in members(g, lst))
            yield from self._values(p, f"!({allowed or 'false'})", focus, result)
        for value in g.objects(prop, SH.hasValue):
            yield from (result(s) for s in self._fewer(focus, p, 1, value=_term(value)))
        for test in value_tests.violations(g, prop):
            yield from self._values(p, test, focus, result)
        if (prop, SH.uniqueLang, Literal(True)) in g:
            query = (
                f"SELECT ?s WHERE {{ ?s {p} ?o FILTER (isLiteral(?o) && LANG(?o) != '') }} "
                "GROUP BY ?s (LCASE(LANG(?o))) HAVING (COUNT(DISTINCT ?o) > 1)"
            )
            yield from (result(row["s"]) for row in self.select(query) if row["s"] in focus)

    def _fewer(
        self, focus: Focus, p: str, n: int, where: str = "", value: str = "?o"
    ) -> set[object]:
        """The focus nodes with fewer than `n` distinct values of `p` (that pass `where`)."""
        if focus.pattern is None:
            return focus.members() - self._having(p, ">=", n, where, value)
        if n == 1:
            query = (
                f"SELECT ?this WHERE {{ {focus.pattern} "
                f"FILTER NOT EXISTS {{ ?this {p} {value} {where} }} }}"
            )
        else:
            query = (
                f"SELECT ?this WHERE {{ {focus.pattern} OPTIONAL {{ ?this {p} ?o {where} }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?o) < {n})"
            )
        return self.column(query, "this")

    def _having(self, p: str, op: str, n: int, where: str = "", value: str = "?o") -> set[object]:
        if value != "?o":
            return self.column(f"SELECT DISTINCT ?s WHERE {{ ?s {p} {value} }}")
        return self.column(
            f"SELECT ?s WHERE {{ ?s {p} ?o {where} }} GROUP BY ?s "
            f"HAVING (COUNT(DISTINCT ?o) {op} {n})"
        )

    def _values(self, p: str, test: str, focus: Focus, result: object) -> Iterator[Result]:
        assert callable(result)
        # DISTINCT: an alternative path can reach one value twice, pySHACL counts it once
        for row in self.select(f"SELECT DISTINCT ?s ?o WHERE {{ ?s {p} ?o FILTER ({test}) }}"):
            if row["s"] in focus:
                yield result(row["s"], row["o"])

    def severity(self, shape: Node) -> URIRef:
        level = self.shapes.value(shape, SH.severity)
        return level if isinstance(level, URIRef) else SH.Violation

    def _messages(self, shape: Node) -> list[Literal]:
        return [m for m in self.shapes.objects(shape, SH.message) if isinstance(m, Literal)]


def _prebound(query: str, focus: set[object]) -> str:
    """The query with $this bound to the focus nodes up front (SHACL's pre-binding, which also
    spares Oxigraph the rows of other nodes), when they are few IRIs; else as written."""
    where = _WHERE.search(query)
    if where is None or len(focus) > _PREBIND_MAX:
        return query
    if not all(isinstance(f, ox.NamedNode) for f in focus):
        return query
    values = " ".join(str(f) for f in focus)
    return f"{query[: where.end()]} VALUES ?this {{ {values} }} {query[where.end() :]}"


def _fill(message: Literal, names: dict[str, Node]) -> Literal:
    """pySHACL's substitution of {?var} and {$var} in a SPARQL constraint's message."""
    text = str(message)
    for var, val in names.items():
        text = re.sub(f"{{[?$]{var}}}", str(val).replace("\\", "\\\\"), text)
    return Literal(text)


def _lang_filter(langs: list[str]) -> str:
    """pySHACL's sh:languageIn: the tag, or its first part, among the (lower-cased) ranges."""
    wanted = [x.lower() for x in langs]
    if "*" in wanted:
        return "FILTER (isLiteral(?o) && LANG(?o) != '')"
    listed = ", ".join(f'"{x}"' for x in wanted) or '""'
    first = "LCASE(STRBEFORE(CONCAT(LANG(?o), '-'), '-'))"
    return (
        f"FILTER (isLiteral(?o) && LANG(?o) != '' && "
        f"(LCASE(LANG(?o)) IN ({listed}) || {first} IN ({listed})))"
    )


def _term(node: Node) -> str:
    if isinstance(node, BNode):
        raise ValueError("a blank node cannot be named in a query")
    return str(to_ox(node))
