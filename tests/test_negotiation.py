"""Content negotiation: Accept with q-values, specificity, and format= / output= names."""

from __future__ import annotations

import pytest

from graph.formats import Kind
from service import negotiation as n

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"


def media(accept: str | None, names: list[str] | str | None, kind: Kind) -> str | None:
    fmt = n.pick(accept, names, kind)
    return None if fmt is None else fmt.media_type


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, SPARQL_JSON),
        ("", SPARQL_JSON),
        ("*/*", SPARQL_JSON),
        ("application/sparql-results+xml", SPARQL_XML),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", SPARQL_XML),
        ("text/csv;q=0.9, application/sparql-results+xml;q=0.5", CSV),
        ("text/*", CSV),
        ("text/*;q=0.3, text/tab-separated-values", TSV),
        ("application/json", SPARQL_JSON),
        ("application/xml", SPARQL_XML),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", SPARQL_XML),
        ("text/html, */*;q=0.1", SPARQL_JSON),
        ("Application/SPARQL-Results+JSON; charset=utf-8", SPARQL_JSON),
        ("*/*, application/sparql-results+json;q=0", SPARQL_XML),
        ("text/html", None),
        ("*/*;q=0", None),
        ("garbage, ;;, /, text/csv", CSV),
        ("text/csv;q=abc, text/tab-separated-values;q=0.1", TSV),
    ],
)
def test_solutions_accept(accept: str | None, expected: str | None) -> None:
    assert media(accept, None, "solutions") == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, TURTLE),
        ("*/*", TURTLE),
        ("application/rdf+xml", RDFXML),
        ("application/ld+json;q=0.9, text/turtle;q=0.2", JSONLD),
        ("application/n-triples", NTRIPLES),
        ("text/plain", NTRIPLES),
        ("application/x-turtle", TURTLE),
        ("text/n3", TURTLE),
        ("text/plain, */*;q=0.1", NTRIPLES),  # rdflib's Graph().parse(url, format="nt")
        ("application/n-quads", "application/n-quads"),
        ("application/sparql-results+json", None),
    ],
)
def test_graph_accept(accept: str | None, expected: str | None) -> None:
    assert media(accept, None, "graph") == expected


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("json", "solutions", SPARQL_JSON),
        ("XML", "solutions", SPARQL_XML),
        ("csv", "solutions", CSV),
        ("tsv", "solutions", TSV),
        ("json", "graph", JSONLD),
        ("xml", "graph", RDFXML),
        ("ttl", "graph", TURTLE),
        ("nt", "graph", NTRIPLES),
        ("text/csv", "solutions", CSV),
        ("rdf+xml", "graph", RDFXML),
        ("n3", "graph", TURTLE),
        ("json-ld", "graph", JSONLD),
        ("application/rdf+xml", "graph", RDFXML),
        ("nq", "graph", "application/n-quads"),
        # a known format that cannot carry the result: asked for explicitly, so not acceptable
        ("csv", "graph", None),
        ("ttl", "solutions", None),
    ],
)
def test_format_names_win_over_accept(name: str, kind: Kind, expected: str | None) -> None:
    assert media("text/tab-separated-values, text/turtle", name, kind) == expected


@pytest.mark.parametrize(
    ("names", "kind", "expected"),
    [
        (["yaml"], "solutions", TSV),
        (["yaml"], "graph", TURTLE),
        (["", "  "], "graph", TURTLE),
        # SPARQLWrapper repeats its value in format=, output= and results=, with the media type
        (["rdf+xml", "application/rdf+xml", "rdf+xml", "rdf+xml"], "graph", RDFXML),
        (["sparqler-special", "tsv"], "solutions", TSV),
        (["sparqler-special", "json"], "solutions", SPARQL_JSON),
    ],
)
def test_unknown_format_names_fall_back_to_accept(
    names: list[str], kind: Kind, expected: str | None
) -> None:
    assert media("text/tab-separated-values, text/turtle", names, kind) == expected


def test_most_specific_range_sets_the_quality() -> None:
    ranges = n.parse_accept("text/*;q=0.2, text/csv;q=0.7, */*;q=0.1")
    assert n.quality(ranges, "text/csv") == 0.7
    assert n.quality(ranges, "text/turtle") == 0.2
    assert n.quality(ranges, "application/ld+json") == 0.1


def test_format_params_are_read_in_order() -> None:
    from werkzeug.datastructures import MultiDict

    args = MultiDict([("results", "c"), ("format", "a"), ("output", "b"), ("format", "a2")])
    form = MultiDict([("output", "d")])
    assert n.format_names(args, form) == ["a", "a2", "b", "c", "d"]
