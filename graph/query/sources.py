"""Every kind of evidence behind an entity's facts, as its page and JSON twin list them.

A fact of ZoneGraph rests on a quoted sentence (zg:SourceQuote), a row of a published table
(zg:TableRow), an official document cited by number (zg:OfficialDocument) or the curators'
own knowledge (zg:CuratorAssertion: who asserts it, why, on what basis). Pages used to show
only the quotes, so a registry zone looked unsourced and a curator inference looked like the
article's. This module answers the same question as the cookbook's "sources behind an entity"
query (the reified statements and statement groups whose subject or object the entity is, and
what they were derived from) and describes each piece of evidence once.
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.labels import short_name
from graph.namespaces import OA, PROVENANCE_GRAPH, ZG
from graph.store import Backend

#: (s, p, o) of a fact; o is None for a statement group, which covers every value of p.
Fact = tuple[Node, Node, Node | None]

#: Evidence kinds in the order a page lists them, with their names in both languages.
KINDS: dict[URIRef, tuple[str, str, str]] = {
    ZG.SourceQuote: ("quote", "原文引句", "quoted sentence"),
    ZG.TableRow: ("table-row", "标准表格行", "table row"),
    ZG.OfficialDocument: ("document", "官方文件", "official document"),
    ZG.CuratorAssertion: ("curator", "整理者断言", "curator assertion"),
}
_ORDER = {iri: n for n, iri in enumerate(KINDS)}
_KIND_ORDER = {names[0]: n for n, names in enumerate(KINDS.values())}

#: The properties that describe a piece of evidence, by the key a view gives them.
_DETAILS = {
    "text": OA.exact,
    "line": ZG.lineNumber,
    "document": ZG.inDocument,
    "table": ZG.inTable,
    "row": ZG.rowNumber,
    "key": ZG.rowKey,
    "number": ZG.documentNumber,
    "issued": URIRef("http://purl.org/dc/terms/issued"),
    "publisher": URIRef("http://purl.org/dc/terms/publisher"),
    "attributed_to": URIRef("http://www.w3.org/ns/prov#wasAttributedTo"),
    "rationale": ZG.rationale,
    "basis": ZG.basis,
    "derived_from": URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
}
_NAMES = ("rdfs:label", "skos:prefLabel")


def _facts(backend: Backend, ref: str) -> dict[Fact, list[Node]]:
    rows = backend.select(f"""
SELECT ?s ?p ?o ?e WHERE {{
  GRAPH <{PROVENANCE_GRAPH}> {{
    {{ ?st rdf:subject {ref} }} UNION {{ ?st rdf:object {ref} }}
    ?st rdf:subject ?s ; prov:wasDerivedFrom ?e .
    {{ ?st rdf:predicate ?p ; rdf:object ?o }} UNION {{ ?st zg:predicate ?p }}
  }}
}}""")
    out: dict[Fact, list[Node]] = {}
    for row in rows:
        found = out.setdefault((row["s"], row["p"], row.get("o")), [])
        if row["e"] not in found:
            found.append(row["e"])
    return out


def _details(backend: Backend, nodes: list[Node]) -> dict[Node, dict[str, Any]]:
    """Kind, properties and the names of what they point to, for each evidence node."""
    iris = sorted({str(n) for n in nodes if isinstance(n, URIRef)})
    out: dict[Node, dict[str, Any]] = {}
    preds = " ".join(f"<{p}>" for p in _DETAILS.values())
    kinds = " ".join(f"<{k}>" for k in KINDS)
    for start in range(0, len(iris), 200):
        values = " ".join(f"<{i}>" for i in iris[start : start + 200])
        for row in backend.select(f"""
SELECT ?e ?kind ?p ?v ?name WHERE {{
  VALUES ?e {{ {values} }} VALUES ?kind {{ {kinds} }}
  ?e a ?kind .
  OPTIONAL {{
    VALUES ?p {{ {preds} }} ?e ?p ?v .
    OPTIONAL {{ ?v {"|".join(_NAMES)} ?name FILTER(isLiteral(?name)) }}
  }}
}}"""):
            entry = out.setdefault(row["e"], {"kind": row["kind"], "props": {}})
            if row.get("p") is None:
                continue
            values_of = entry["props"].setdefault(row["p"], {})
            names = values_of.setdefault(row["v"], [])
            name = row.get("name")
            if isinstance(name, Literal) and name not in names:
                names.append(name)
    return out


def _text(values: dict[Node, list[Literal]], lang: str | None = None) -> str:
    """One value (in `lang` when literals have languages), or a pointed-to node's name."""
    for v, names in sorted(values.items(), key=lambda kv: str(kv[0])):
        if isinstance(v, Literal):
            if lang is None or v.language in (None, "", lang):
                return str(v)
        else:
            picked = [n for n in names if lang is None or n.language == lang] or names
            return str(sorted(picked, key=str)[0]) if picked else short_name(v)
    return ""


def _view(node: Node, entry: dict[str, Any], count: int) -> dict[str, Any]:
    kind, kind_zh, kind_en = KINDS[entry["kind"]]
    props: dict[Node, dict[Node, list[Literal]]] = entry["props"]
    view: dict[str, Any] = {
        "iri": str(node),
        "short": short_name(node),
        "kind": kind,
        "kind_zh": kind_zh,
        "kind_en": kind_en,
        "facts": count,
    }
    for key, pred in _DETAILS.items():
        values = props.get(pred)
        if not values:
            continue
        named = any(not isinstance(v, Literal) for v in values)
        multilingual = any(isinstance(v, Literal) and v.language for v in values)
        if named or multilingual:
            view[key + "_zh"], view[key + "_en"] = _text(values, "zh"), _text(values, "en")
        else:
            view[key] = _text(values)
    view["brief_zh"], view["brief_en"] = _brief(view)
    return view


def _brief(v: dict[str, Any]) -> tuple[str, str]:
    """A one-line name of the evidence, for a relation's source cell."""
    if v["kind"] == "quote":
        return f"「{v.get('text', '')}」", f"「{v.get('text', '')}」"
    if v["kind"] == "table-row":
        zh, en = v.get("table_zh", ""), v.get("table_en", "")
        return f"{zh} 第{v.get('row', '?')}行", f"{en}, row {v.get('row', '?')}"
    if v["kind"] == "document":
        number = v.get("number", v["short"])
        return number, number
    return (
        f"整理者断言({v.get('basis_zh', '')})",
        f"curator assertion ({v.get('basis_en', '')})",
    )


def entity_evidence(
    backend: Backend, ref: str
) -> tuple[dict[Fact, list[dict[str, str]]], list[dict[str, Any]]]:
    """(fact → brief evidence of it, every piece of evidence with its details and count).

    Statement groups (a registry zone's row covering all values of a predicate) are keyed with
    o = None; `evidence_for` looks up both forms."""
    facts = _facts(backend, ref)
    details = _details(backend, [e for found in facts.values() for e in found])
    counts: dict[Node, int] = {}
    for found in facts.values():
        for e in found:
            counts[e] = counts.get(e, 0) + 1
    views = {e: _view(e, entry, counts.get(e, 0)) for e, entry in details.items()}
    per_fact = {
        fact: [
            {k: views[e][k] for k in ("iri", "short", "kind", "brief_zh", "brief_en")}
            for e in sorted(found, key=lambda n: (_ORDER[details[n]["kind"]], str(n)))
            if e in views
        ]
        for fact, found in facts.items()
    }
    ordered = sorted(
        views.values(),
        key=lambda v: (_KIND_ORDER[v["kind"]], v["brief_zh"], v["iri"]),
    )
    return per_fact, ordered


def evidence_for(
    per_fact: dict[Fact, list[dict[str, str]]], fact: tuple[Node, Node, Node]
) -> list[dict[str, str]]:
    """The evidence of one fact: its own statements and any statement group covering it."""
    s, p, o = fact
    return per_fact.get((s, p, o), []) + [
        e for e in per_fact.get((s, p, None), []) if e not in per_fact.get((s, p, o), [])
    ]
