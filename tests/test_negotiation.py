"""Content negotiation: Accept with q-values, specificity, and format= / output= names."""

from __future__ import annotations

import pytest

from service import negotiation as n


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, n.SPARQL_JSON),
        ("", n.SPARQL_JSON),
        ("*/*", n.SPARQL_JSON),
        ("application/sparql-results+xml", n.SPARQL_XML),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", n.SPARQL_XML),
        ("text/csv;q=0.9, application/sparql-results+xml;q=0.5", n.CSV),
        ("text/*", n.CSV),
        ("text/*;q=0.3, text/tab-separated-values", n.TSV),
        ("application/json", n.SPARQL_JSON),
        ("application/xml", n.SPARQL_XML),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", n.SPARQL_XML),
        ("text/html, */*;q=0.1", n.SPARQL_JSON),
        ("Application/SPARQL-Results+JSON; charset=utf-8", n.SPARQL_JSON),
        ("*/*, application/sparql-results+json;q=0", n.SPARQL_XML),
        ("text/html", None),
        ("*/*;q=0", None),
        ("garbage, ;;, /, text/csv", n.CSV),
        ("text/csv;q=abc, text/tab-separated-values;q=0.1", n.TSV),
    ],
)
def test_solutions_accept(accept: str | None, expected: str | None) -> None:
    assert n.pick(accept, None, "solutions") == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, n.TURTLE),
        ("*/*", n.TURTLE),
        ("application/rdf+xml", n.RDFXML),
        ("application/ld+json;q=0.9, text/turtle;q=0.2", n.JSONLD),
        ("application/n-triples", n.NTRIPLES),
        ("text/plain", n.NTRIPLES),
        ("application/x-turtle", n.TURTLE),
        ("application/sparql-results+json", None),
    ],
)
def test_graph_accept(accept: str | None, expected: str | None) -> None:
    assert n.pick(accept, None, "graph") == expected


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("json", "solutions", n.SPARQL_JSON),
        ("XML", "solutions", n.SPARQL_XML),
        ("csv", "solutions", n.CSV),
        ("tsv", "solutions", n.TSV),
        ("json", "graph", n.JSONLD),
        ("xml", "graph", n.RDFXML),
        ("ttl", "graph", n.TURTLE),
        ("nt", "graph", n.NTRIPLES),
        ("text/csv", "solutions", n.CSV),
        ("csv", "graph", None),
        ("yaml", "solutions", None),
    ],
)
def test_format_names_win_over_accept(name: str, kind: str, expected: str | None) -> None:
    assert n.pick("text/tab-separated-values, text/turtle", name, kind) == expected


def test_most_specific_range_sets_the_quality() -> None:
    ranges = n.parse_accept("text/*;q=0.2, text/csv;q=0.7, */*;q=0.1")
    assert n.quality(ranges, "text/csv") == 0.7
    assert n.quality(ranges, "text/turtle") == 0.2
    assert n.quality(ranges, "application/ld+json") == 0.1
