"""The figures an entity page shows: observations about it, one row each, with their sources.

A figure is a zg:Observation whose area (sdmx-dimension:refArea) or subject (zg:subjectOf) is
the entity; its value, verbatim text, unit, comparator, period, kind and the population it is
ranked among are shown together, with the sentences it was derived from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rdflib import Literal
from rdflib.term import Node

from graph.namespaces import PROVENANCE_GRAPH, SDMX_DIM, ZG
from graph.store import Backend

#: How a page shows a node (graph.query.describe.node_view with the page's labels).
NodeView = Callable[[Node], dict[str, Any]]


_FIGURE_QUERY = """
SELECT ?obs ?indicator ?value ?verbatim ?unit ?comparator ?period ?kind ?rank WHERE {{
  {{ ?obs <{ref_area}> {ref} }} UNION {{ ?obs <{subject_of}> {ref} }}
  ?obs a <{obs_class}> .
  OPTIONAL {{ ?obs zg:indicator ?indicator }}
  OPTIONAL {{ ?obs sdmx-measure:obsValue ?value }}
  OPTIONAL {{ ?obs zg:verbatim ?verbatim }}
  OPTIONAL {{ ?obs sdmx-attribute:unitMeasure ?unit }}
  OPTIONAL {{ ?obs zg:comparator ?comparator }}
  OPTIONAL {{ ?obs sdmx-dimension:refPeriod ?period }}
  OPTIONAL {{ ?obs zg:figureKind ?kind }}
  OPTIONAL {{ ?obs zg:rankAmong ?rank }}
}}
"""
_FIGURE_SOURCES = """
SELECT ?obs ?exact WHERE {{
  {{ ?obs <{ref_area}> {ref} }} UNION {{ ?obs <{subject_of}> {ref} }}
  GRAPH <{prov}> {{ ?st rdf:subject ?obs ; prov:wasDerivedFrom ?q }}
  ?q oa:exact ?exact .
}}
"""


def figures(backend: Backend, ref: str) -> tuple[list[dict[str, Node]], dict[Node, list[str]]]:
    names = {"ref": ref, "ref_area": SDMX_DIM.refArea, "subject_of": ZG.subjectOf}
    rows = _one_row_per_observation(
        backend.select(_FIGURE_QUERY.format(obs_class=ZG.Observation, **names))
    )
    quotes: dict[Node, list[str]] = {}
    for row in backend.select(_FIGURE_SOURCES.format(prov=PROVENANCE_GRAPH, **names)):
        bucket = quotes.setdefault(row["obs"], [])
        if str(row["exact"]) not in bucket:
            bucket.append(str(row["exact"]))
    return rows, quotes


def _one_row_per_observation(rows: list[dict[str, Node]]) -> list[dict[str, Node]]:
    """OPTIONALs multiply rows (a rank population in zh and in en); keep one row per figure,
    with the rank population in each language as rank_zh / rank_en."""
    merged: dict[Node, dict[str, Node]] = {}
    for row in rows:
        target = merged.setdefault(row["obs"], {k: v for k, v in row.items() if k != "rank"})
        rank = row.get("rank")
        if isinstance(rank, Literal):
            lang = "en" if (rank.language or "").lower().startswith("en") else "zh"
            target.setdefault(f"rank_{lang}", rank)
    return list(merged.values())


def sort_figures(rows: list[dict[str, Node]]) -> list[dict[str, Node]]:
    return sorted(
        rows, key=lambda r: (str(r.get("period", "")), str(r.get("indicator", "")), str(r["obs"]))
    )


def figure_view(
    row: dict[str, Node], quotes: dict[Node, list[str]], node_view: NodeView
) -> dict[str, Any]:
    def view(name: str) -> dict[str, Any] | None:
        value = row.get(name)
        return node_view(value) if value is not None else None

    value = row.get("value")
    return {
        "observation": view("obs"),
        "indicator": view("indicator"),
        "value": str(value) if value is not None else "",
        "value_display": _number(value),
        "verbatim": str(row.get("verbatim", "")),
        "unit": view("unit"),
        "comparator": view("comparator"),
        "period": view("period"),
        "kind": view("kind"),
        "rank_among_zh": str(row.get("rank_zh", row.get("rank_en", ""))),
        "rank_among_en": str(row.get("rank_en", row.get("rank_zh", ""))),
        "sources": sorted(quotes.get(row["obs"], [])),
    }


def _number(value: Node | None) -> str:
    """1.0E10 → 10,000,000,000; 47.29 stays 47.29."""
    if not isinstance(value, Literal):
        return ""
    try:
        number = float(str(value))
    except ValueError:
        return str(value)
    if number.is_integer() and abs(number) < 1e18:
        return f"{int(number):,}"
    return f"{number:,.10g}"
