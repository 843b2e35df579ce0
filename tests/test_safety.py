"""The lexical safety check, table-driven and fast (no server, no store).

It is the early refusal, not the wall (the query processes cannot connect: test_ssrf.py): it
must let ordinary queries through — keywords inside strings, comments and IRIs, FROM and
USING of the store's own graphs — and refuse, with a message naming what it refused, every
fetch it sees and every spelling it cannot read with certainty.
"""

from __future__ import annotations

import pytest

from graph.errors import QueryRefused
from graph.store.safety import check_query

LOCAL = "https://w3id.org/zonegraph/graph/data"
X = "http://127.0.0.1:9/"
WD = "https://query.wikidata.org/sparql"

ALLOWED = [
    ("plain", "SELECT * WHERE { ?s ?p ?o }", ()),
    ("keyword in a string", f"SELECT * WHERE {{ ?s ?p 'SERVICE <{X}>' }}", ()),
    ("keywords in a long string", 'SELECT * WHERE { ?s ?p """LOAD <x> FROM <y>""" }', ()),
    ("keyword in a comment", f"# SERVICE <{X}>\nSELECT * WHERE {{ ?s ?p ?o }}", ()),
    ("keyword in an IRI", "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }", ()),
    ("keyword as a variable", "SELECT ?service WHERE { ?service ?p ?o }", ()),
    ("FROM a local graph", f"SELECT * FROM <{LOCAL}> WHERE {{ ?s ?p ?o }}", (("FROM", LOCAL),)),
    (
        "FROM NAMED a local graph",
        f"SELECT * FROM NAMED <{LOCAL}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        (("FROM NAMED", LOCAL),),
    ),
    (
        "USING a local graph",
        f"DELETE {{ ?s ?p ?o }} USING <{LOCAL}> WHERE {{ ?s ?p ?o }}",
        (("USING", LOCAL),),
    ),
]

REFUSED = [
    ("SERVICE", f"SELECT * WHERE {{ SERVICE <{X}> {{ ?s ?p ?o }} }}", f"SERVICE <{X}> refused"),
    ("LOAD", f"LOAD <{X}>", f"LOAD <{X}> refused"),
    ("FROM remote", f"SELECT * FROM <{X}> WHERE {{ ?s ?p ?o }}", f"FROM <{X}> refused"),
    (
        "USING remote",
        f"DELETE {{ ?s ?p ?o }} USING <{X}> WHERE {{ ?s ?p ?o }}",
        f"USING <{X}> refused",
    ),
    (
        "USING NAMED remote",
        f"DELETE {{ ?s ?p ?o }} USING NAMED <{X}> WHERE {{ ?s ?p ?o }}",
        f"USING NAMED <{X}> refused",
    ),
    ("SERVICE ?var", "SELECT * WHERE { SERVICE ?e { ?s ?p ?o } }", "SERVICE with a variable"),
    (
        "comment ended by \\r",
        f"SELECT * WHERE {{ #x\rSERVICE <{X}> {{ ?s ?p ?o }} }}",
        f"SERVICE <{X}> refused",
    ),
    (
        "'<' read as an IRI",
        f"SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<{X}>{{?s ?p ?o}} }}",
        "cannot be shown harmless",
    ),
    (
        "glued keyword",
        f"SELECT * WHERE {{ SERVICESILENT<{X}>{{?s ?p ?o}} }}",
        "cannot be shown harmless (a keyword glued",
    ),
    (
        "escaped keyword",
        f"SELECT * WHERE {{ SERVIC\\u0045 <{X}> {{ ?s ?p ?o }} }}",
        "cannot be shown harmless (\\u escapes)",
    ),
    (
        "escaped quote in a string",
        f'SELECT * WHERE {{ ?s ?p "\\u0022" SERVICE <{X}> {{ ?s ?p ?o }} }}',
        "cannot be shown harmless (\\u escapes)",
    ),
    (
        "prefixed SERVICE IRI",
        f"PREFIX r: <{X}> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
        f"SERVICE <{X}sparql> refused",
    ),
]


@pytest.mark.parametrize(("case", "text", "targets"), ALLOWED, ids=[c[0] for c in ALLOWED])
def test_ordinary_queries_pass(case: str, text: str, targets: tuple[tuple[str, str], ...]) -> None:
    assert check_query(text, local_graphs={LOCAL}) == targets


@pytest.mark.parametrize(("case", "text", "refusal"), REFUSED, ids=[c[0] for c in REFUSED])
def test_fetches_are_refused_with_a_reason(case: str, text: str, refusal: str) -> None:
    with pytest.raises(QueryRefused) as info:
        check_query(text, local_graphs={LOCAL})
    assert refusal in str(info.value)


def test_the_allow_list_admits_its_prefix_only() -> None:
    query = f"SELECT * WHERE {{ SERVICE <{WD}> {{ ?s ?p ?o }} }}"
    assert check_query(query, allow=("https://query.wikidata.org/",)) == (("SERVICE", WD),)
    with pytest.raises(QueryRefused, match="refused"):
        check_query(query, allow=("https://query.wikidata.org.evil/",))


def test_local_graphs_are_asked_only_when_needed() -> None:
    """A remote engine's graph list costs a request: no FROM, no call."""
    calls: list[int] = []

    def graphs() -> set[str]:
        calls.append(1)
        return {LOCAL}

    check_query("SELECT * WHERE { ?s ?p ?o }", local_graphs=graphs)
    assert calls == []
    check_query(f"SELECT * FROM <{LOCAL}> WHERE {{ ?s ?p ?o }}", local_graphs=graphs)
    assert calls == [1]
