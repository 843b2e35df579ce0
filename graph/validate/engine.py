"""One validation run: SPARQL-heavy and simple shapes on Oxigraph, the rest with pySHACL.

The split is graph.validate.plan's; this module runs it and returns every result in one form
(graph.validate.shapes_sparql.Result), whichever engine produced it. `pyshacl_results` is also the
reference the equivalence tests compare against: plain pySHACL over an rdflib graph.
"""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import ShapesError
from graph.validate.oxdata import from_ox, subgraph, whole
from graph.validate.plan import (
    SH,
    make_plan,
    reachable_iris,
    reads_types,
    reduced_shapes,
    target_is_implicit,
)
from graph.validate.shapes_sparql import Evaluator, Result


def run(store: ox.Store, shapes: Graph) -> list[Result]:
    """Every result of the shapes over the store's default graph."""
    plan = make_plan(shapes)
    evaluator = Evaluator(store, shapes, plan)
    results: list[Result] = []
    pyshacl_focus: dict[Node, set[Node]] = {}
    try:
        for root in plan.roots:
            focus = evaluator.focus(root)
            if not root.compiled and not target_is_implicit(shapes, root.shape):
                pyshacl_focus[root.shape] = {from_ox(x) for x in focus.members()}
            if focus.empty():  # no focus node, no result: spare the queries over all values
                continue
            if root.compiled or root.split:
                results += evaluator.compiled(root, focus)
            if not plan.needs_whole:
                for c in root.constraints:
                    results += evaluator.constraint(c, focus.members())
    except (SyntaxError, ValueError, OSError) as exc:  # a shape's SPARQL Oxigraph refuses
        raise ShapesError(f"the shapes cannot be applied: {exc}") from exc
    if plan.pyshacl_roots:
        reduced = reduced_shapes(shapes, plan, pyshacl_focus)
        if plan.needs_whole:
            data = whole(store)
        else:
            used = {from_ox(r["p"]) for r in evaluator.select("SELECT DISTINCT ?p { ?s ?p ?o }")}
            starts = [r.shape for r in plan.pyshacl_roots]
            reach = reachable_iris(reduced, starts)
            if reads_types(reduced, starts):
                reach |= {RDF.type, RDFS.subClassOf}
            wanted = reach & used
            data = subgraph(store, sorted(u for u in wanted if isinstance(u, URIRef)))
        results += pyshacl_results(data, reduced, inplace=True)
    return results


def conforms(results: list[Result]) -> bool:
    """pySHACL's verdict with warnings allowed: no result of severity sh:Violation."""
    return not any(r.severity == SH.Violation for r in results)


def pyshacl_results(data: Graph, shapes: Graph, inplace: bool = False) -> list[Result]:
    """Plain pySHACL over an rdflib graph, its top-level results as Result values
    (`inplace`: the graph is a throw-away copy, pySHACL need not clone it)."""
    try:
        _, report, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            inplace=inplace,
        )
    except Exception as exc:  # pySHACL reports broken shapes with many exception types
        raise ShapesError(f"the shapes cannot be applied: {exc}") from exc
    assert isinstance(report, Graph)
    out = []
    for top in report.subjects(RDF.type, SH.ValidationReport):
        for r in report.objects(top, SH.result):
            focus = report.value(r, SH.focusNode)
            shape = report.value(r, SH.sourceShape)
            assert focus is not None and shape is not None
            level = report.value(r, SH.resultSeverity)
            messages = [m for m in report.objects(r, SH.resultMessage) if isinstance(m, Literal)]
            out.append(
                Result(
                    focus=focus,
                    path=report.value(r, SH.resultPath),
                    value=report.value(r, SH.value),
                    shape=shape,
                    severity=level if isinstance(level, URIRef) else SH.Violation,
                    messages=tuple(messages),
                )
            )
    return out
