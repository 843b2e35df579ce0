"""Run SPARQL on an Oxigraph store and render results for people (tables) and programs.

The heavy lifting (evaluation and SPARQL JSON/XML/CSV/TSV serialisation) stays in Oxigraph;
Python only draws the terminal table, where a human reads a few hundred rows at most.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from graph import resources
from graph.errors import QueryError, StoreError
from graph.namespaces import PREFIXES
from graph.store import sandbox
from graph.store.safety import check_query, syntax_error

Results = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
T = TypeVar("T")

SOLUTION_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def execute(
    store: ox.Store,
    text: str,
    render: Callable[[Results], T],
    *,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
) -> T:
    """Evaluate a query and hand its results to `render`, both where no network is reachable.

    The lexical check answers first (SERVICE, LOAD and FROM of anything but the store's own
    graphs are refused, as is nesting beyond safety.MAX_NESTING); then the query runs in a
    thread confined by graph.store.sandbox, so whatever spelling got past the check cannot
    connect anywhere. pyoxigraph evaluates lazily, while results are iterated, so `render`
    (a table, a serialisation) runs in that thread too. The default graph is the union.
    """
    local = {str(g.value) for g in store.named_graphs()}
    check_query(text, local_graphs=local)
    kwargs: dict[str, object] = {"prefixes": PREFIXES}
    if default_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    if named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]

    def evaluate() -> T:
        try:
            return render(store.query(text, **kwargs))  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise syntax_error(exc) from None
        except (ValueError, OSError) as exc:
            raise QueryError(f"query failed: {exc}") from None

    try:
        return sandbox.call_offline(evaluate)
    except sandbox.SandboxError as exc:
        raise StoreError(f"query not run: the network sandbox cannot be installed: {exc}") from None


def as_bytes(output: bytes | None) -> bytes:
    """Oxigraph returns bytes when no output file is given; the stubs allow None."""
    if output is None:
        raise QueryError("the serialiser produced no output")
    return output


def serialize(results: Results, fmt: str) -> bytes:
    """Results as bytes: json/xml/csv/tsv for solutions, turtle/nt/rdfxml for graphs."""
    if isinstance(results, ox.QueryTriples):
        if fmt not in GRAPH_FORMATS:
            raise QueryError(
                f"format {fmt!r} does not fit a graph result; use one of {sorted(GRAPH_FORMATS)}"
            )
        return as_bytes(results.serialize(format=GRAPH_FORMATS[fmt]))
    if fmt not in SOLUTION_FORMATS:
        raise QueryError(
            f"format {fmt!r} does not fit a SELECT/ASK result; "
            f"use one of {sorted(SOLUTION_FORMATS)}"
        )
    return as_bytes(results.serialize(format=SOLUTION_FORMATS[fmt]))


def shorten(term: object) -> str:
    """A term as a person reads it: prefixed names for known namespaces, plain literal text."""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
        if best is not None:
            prefix = next(p for p, ns in PREFIXES.items() if ns == best)
            return f"{prefix}:{iri[len(best) :]}"
        return f"<{iri}>"
    if isinstance(term, ox.Literal):
        return term.value  # the language shows in the text itself; tags only clutter a table
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return "" if term is None else str(term)


def table(results: Results, limit: int | None = None) -> str:
    """An aligned text table (CJK characters count double, as terminals draw them)."""
    if isinstance(results, ox.QueryBoolean):
        return "true" if bool(results) else "false"
    if isinstance(results, ox.QueryTriples):
        rows = [[shorten(t.subject), shorten(t.predicate), shorten(t.object)] for t in results]
        header = ["subject", "predicate", "object"]
    else:
        header = [v.value for v in results.variables]
        rows = [[shorten(sol[v]) for v in results.variables] for sol in results]
    shown = rows if limit is None else rows[:limit]
    widths = [display_width(h) for h in header]
    for row in shown:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    lines = [_line(header, widths), "  ".join("-" * w for w in widths)]
    lines += [_line(row, widths) for row in shown]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: CJK characters are drawn double-width."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(cells: list[str], widths: list[int]) -> str:
    pairs = zip(cells, widths, strict=True)
    return "  ".join(c + " " * (w - display_width(c)) for c, w in pairs).rstrip()


def named_query(name: str) -> str:
    """The text of a shipped query in graph/queries/<name>.rq."""
    path: Path = resources.queries_dir() / f"{name}.rq"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError(f"no shipped query named {name!r}") from None
