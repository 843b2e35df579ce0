"""SHACL value shapes as SPARQL tests of one node, so Oxigraph can check them set-wise.

A property shape's sh:node, sh:or, sh:and, sh:xone and sh:not each ask whether a value node
conforms to another shape; pySHACL answers that by validating the value node against that
shape, node by node, in Python. When the other shape says only things a SPARQL expression can
say exactly as pySHACL decides them (classes, string datatypes, node kinds, IRI values, safe
patterns, lengths, scheme membership through an IRI path, and combinations of those), the
whole question becomes one FILTER over the property's values.

Anything else (non-string datatypes, whose well-formedness rdflib and Oxigraph judge
differently; value ranges; severities, which pySHACL's allow_warnings turns into conformance;
deactivated shapes; recursion) raises UntranslatableError, and the shape stays with pySHACL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import count

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")

_SUB = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
_STRING_TYPES = {XSD.string, RDF.langString}
_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
#: Parameters that do not take part in conformance.
_IGNORED = {
    SH.name,
    SH.description,
    SH.message,
    SH.order,
    SH.group,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
}
#: The shape-valued parameters a property shape can have, checked value by value.
VALUE_PARAMETERS = (
    SH.node,
    SH["or"],
    SH["and"],
    SH.xone,
    SH["not"],
    SH.pattern,
    SH.minLength,
    SH.maxLength,
)
#: A regular expression Python's re and Oxigraph's (Rust) regex read alike: literal characters,
#: classes, groups, alternation, quantifiers and escaped punctuation; no flags, no \w or \b.
_SAFE_PATTERN = re.compile(r"^(?:[^\\${}]|\{[0-9]+(?:,[0-9]*)?\}|\\[-+.()\[\]{}^$|*?/\\])*\$?$")
#: A pattern fixing every character of an xsd:dateTime at midnight: YYYY-MM-DDT00:00:00 and
#: a zone both engines accept (Python's datetime takes no 24:00:00, Oxigraph no zone past 14 h).
_DATE_PATTERN = re.compile(
    r"\^\[0-9\]\{4\}-\[0-9\]\{2\}-\[0-9\]\{2\}T00:00:00"
    r"(?:Z|(?:\\\+|-)(?:0[0-9]|1[0-3]):[0-5][0-9])\$"
)
_UNSAFE = ("(?", "[[", "&&", "--", "~~")


class UntranslatableError(Exception):
    """The shape says something this module cannot state exactly as pySHACL decides it."""


class Tests:
    """Builds SPARQL expressions; fresh variable names keep nested EXISTS apart."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._names = count()

    def fresh(self) -> str:
        return f"?vt{next(self._names)}"

    # --- a value node against a shape --------------------------------------------------------

    def conforms(self, shape: Node, v: str, seen: frozenset[Node] = frozenset()) -> str:
        """An expression true iff the node in `v` conforms to `shape` (errors count as false)."""
        if shape in seen:
            raise UntranslatableError("recursive shapes")
        seen = seen | {shape}
        g = self.shapes
        if (shape, SH.deactivated, None) in g or (shape, SH.severity, None) in g:
            raise UntranslatableError("deactivated or graded nested shape")
        if (shape, SH.path, None) in g:
            return f"COALESCE({self._property_conforms(shape, v, seen)}, false)"
        params = _sh_parameters(g, shape)
        pinned = _pinned_date(g, shape)
        parts = [
            _date_test(v) if pinned and p == SH.datatype else self._node_parameter(p, o, v, seen)
            for p, o in params
        ]
        return f"COALESCE({_all(parts)}, false)"

    def _node_parameter(self, p: Node, o: Node, v: str, seen: frozenset[Node]) -> str:
        if p in _IGNORED:
            return "true"
        if p == SH.property:
            return self.conforms(o, v, seen)
        return self.value_test(p, o, v, seen)

    def value_test(self, p: Node, o: Node, v: str, seen: frozenset[Node] = frozenset()) -> str:
        """The test one constraint parameter puts to each value node in `v`."""
        g = self.shapes
        if p == SH["class"]:
            return f"EXISTS {{ {v} {_SUB} {_iri(o)} }}"
        if p == SH.datatype:
            if o not in _STRING_TYPES:
                raise UntranslatableError("non-string datatype")
            return f"(isLiteral({v}) && DATATYPE({v}) = {_iri(o)})"
        if p == SH.nodeKind:
            if o not in _KINDS:
                raise UntranslatableError("unknown node kind")
            return _KINDS[URIRef(str(o))].format(v=v)
        if p == SH.hasValue:
            return f"sameTerm({v}, {_exact_term(o)})"
        if p == SH["in"]:
            return _any(f"sameTerm({v}, {_exact_term(x)})" for x in _items(g, o))
        if p == SH.node:
            return self.conforms(o, v, seen)
        if p == SH["not"]:
            return f"!{self.conforms(o, v, seen)}"
        if p == SH["or"]:
            return _any(self.conforms(x, v, seen) for x in _items(g, o))
        if p == SH["and"]:
            return _all([self.conforms(x, v, seen) for x in _items(g, o)])
        if p == SH.xone:
            ones = " + ".join(f"IF({self.conforms(x, v, seen)}, 1, 0)" for x in _items(g, o))
            return f"({ones or '0'}) = 1"
        if p == SH.pattern:
            return f"(!isBlank({v}) && REGEX(STR({v}), {_pattern(o)}))"
        if p in (SH.minLength, SH.maxLength):
            op = ">=" if p == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {_count(o)})"
        raise UntranslatableError(f"parameter {p}")

    def _property_conforms(self, prop: Node, v: str, seen: frozenset[Node]) -> str:
        """A nested property shape: its constraints hold over the values of `v`'s path."""
        g = self.shapes
        path = g.value(prop, SH.path)
        if not isinstance(path, URIRef):
            raise UntranslatableError("a nested property shape with a complex path")
        p = _iri(path)
        parts = []
        for param, o in _sh_parameters(g, prop):
            if param in _IGNORED or param == SH.path:
                continue
            if param == SH.hasValue:
                parts.append(f"EXISTS {{ {v} {p} {_exact_term(o)} }}")
            elif param == SH.minCount:
                n = _count(o)
                if n > 1:
                    raise UntranslatableError("nested minimum counts above one")
                parts.append(f"EXISTS {{ {v} {p} {self.fresh()} }}" if n == 1 else "true")
            elif param == SH.property:
                raise UntranslatableError("property shapes nested in a property shape")
            else:
                x = self.fresh()
                test = self.value_test(param, o, x, seen)
                parts.append(f"NOT EXISTS {{ {v} {p} {x} FILTER (!COALESCE({test}, false)) }}")
        return _all(parts)


def violations(shapes: Graph, prop: Node) -> Iterator[str]:
    """One FILTER per value-checking parameter of a property shape, true of a value node in
    ?o that breaks it (pySHACL reports each broken parameter once per value node)."""
    tests = Tests(shapes)
    if (prop, SH.flags, None) in shapes:
        raise UntranslatableError("regular expression flags")
    for p in VALUE_PARAMETERS:
        for o in shapes.objects(prop, p):
            yield f"!COALESCE({tests.value_test(p, o, '?o')}, false)"


#: The parameters a node shape with targets may put to its focus nodes, compiled by
#: `node_violations` (the value node is the focus node itself).
NODE_PARAMETERS = (SH["class"], SH.nodeKind, SH.datatype, SH["in"], SH.hasValue, *VALUE_PARAMETERS)


def node_violations(shapes: Graph, shape: Node) -> Iterator[tuple[Node, str]]:
    """Each node-level parameter of a root node shape with a FILTER true of a focus node in
    ?this that breaks it (pySHACL reports each broken component once per focus node)."""
    tests = Tests(shapes)
    if (shape, SH.flags, None) in shapes:
        raise UntranslatableError("regular expression flags")
    for p in NODE_PARAMETERS:
        for o in shapes.objects(shape, p):
            yield p, f"!COALESCE({tests.value_test(p, o, '?this')}, false)"


def node_translatable(shapes: Graph, shape: Node) -> bool:
    try:
        list(node_violations(shapes, shape))
    except UntranslatableError:
        return False
    return True


def translatable(shapes: Graph, prop: Node) -> bool:
    try:
        list(violations(shapes, prop))
    except UntranslatableError:
        return False
    return True


def _pinned_date(g: Graph, shape: Node) -> bool:
    """A value shape asking for an xsd:dateTime whose lexical form a sibling sh:pattern fixes
    digit by digit. Only then do rdflib and Oxigraph agree on which of those are well formed:
    the shape conforms when both hold, and a form the pattern admits is read alike by both
    (save the year 0000, which Python's datetime lacks; see _date_test)."""
    datatypes = list(g.objects(shape, SH.datatype))
    patterns = [str(x) for x in g.objects(shape, SH.pattern)]
    return (
        datatypes == [XSD.dateTime]
        and (shape, SH.flags, None) not in g
        and any(_DATE_PATTERN.fullmatch(x) for x in patterns)
    )


def _date_test(v: str) -> str:
    cast = f"xsd:dateTime(STR({v}))".replace("xsd:", "<http://www.w3.org/2001/XMLSchema#")
    cast = cast.replace("#dateTime(", "#dateTime>(")
    return (
        f"(isLiteral({v}) && DATATYPE({v}) = <{XSD.dateTime}> && "
        f'!STRSTARTS(STR({v}), "0000") && COALESCE({cast} = {cast}, false))'
    )


def _sh_parameters(g: Graph, shape: Node) -> list[tuple[Node, Node]]:
    out = []
    for p, o in g.predicate_objects(shape):
        if p == RDF.type:
            continue
        if not str(p).startswith(str(SH)):
            continue
        out.append((p, o))
    return out


def _items(g: Graph, lst: Node) -> list[Node]:
    if not isinstance(lst, BNode) and lst != RDF.nil:
        raise UntranslatableError("not a list")
    return list(Collection(g, lst))


def _all(parts: list[str]) -> str:
    kept = [x for x in parts if x != "true"]
    return "(" + " && ".join(kept) + ")" if kept else "true"


def _any(parts: Iterator[str]) -> str:
    kept = list(parts)
    return "(" + " || ".join(kept) + ")" if kept else "false"


def _iri(node: Node) -> str:
    if not isinstance(node, URIRef):
        raise UntranslatableError("not an IRI")
    return f"<{node}>"


def _exact_term(node: Node) -> str:
    """Only IRIs: Oxigraph stores typed literals canonically ("1.0"^^xsd:decimal) and makes
    a simple literal an xsd:string, where rdflib tells those terms apart."""
    if isinstance(node, URIRef):
        return _iri(node)
    raise UntranslatableError("a literal Oxigraph may store differently")


def _count(node: Node) -> int:
    try:
        return int(str(node))
    except ValueError:
        raise UntranslatableError("not a count") from None


def _pattern(node: Node) -> str:
    """A pattern for Oxigraph's REGEX that matches where Python's re.search does. Python's
    "$" also matches before a final newline, so a closing "$" becomes "\\n?$"."""
    text = str(node)
    if not _SAFE_PATTERN.match(text) or any(x in text for x in _UNSAFE):
        raise UntranslatableError("a regular expression the two engines may read differently")
    if text.endswith("$") and not text.endswith("\\$"):
        text = text[:-1] + "\\n?$"
    return str(ox.Literal(text))
