"""Run SPARQL on an Oxigraph store and render results for people (tables) and programs.

The heavy lifting (evaluation and SPARQL JSON/XML/CSV/TSV serialisation) stays in Oxigraph;
Python only draws the terminal table, where a human reads a few hundred rows at most.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import TypeVar

import pyoxigraph as ox

from graph import formats
from graph.errors import QueryError, StoreError
from graph.labels import prefixed
from graph.namespaces import PREFIXES
from graph.store import sandbox
from graph.store.safety import check_query, syntax_error

Results = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
T = TypeVar("T")


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


def serialize(results: Results, fmt: str | formats.Format) -> bytes:
    """Results as bytes in a format of the table (a name, alias or media type) that fits them.

    `json` and `xml` mean SPARQL results for a SELECT or ASK and JSON-LD or RDF/XML for a
    CONSTRUCT, as on the HTTP endpoint; a format that does not fit the result is an error.
    """
    kind = formats.kind_of(results)
    spec = fmt if isinstance(fmt, formats.Format) else formats.find(fmt, kind)
    if spec is None or not spec.fits(kind):
        asked = fmt.name if isinstance(fmt, formats.Format) else fmt
        form = "CONSTRUCT or DESCRIBE" if kind == "graph" else "SELECT or ASK"
        choices = ", ".join(f.name for f in formats.of_kind(kind))
        raise QueryError(f"format {asked!r} does not fit a {form} result; use one of {choices}")
    if isinstance(results, ox.QueryTriples):
        assert spec.rdf is not None
        named = spec.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
        return as_bytes(
            ox.serialize(results, format=spec.rdf, prefixes=PREFIXES if named else None)
        )
    assert spec.results is not None
    return as_bytes(results.serialize(format=spec.results))


def shorten(term: object) -> str:
    """A term as a person reads it: prefixed names for known namespaces, plain literal text."""
    if isinstance(term, ox.NamedNode):
        return prefixed(term.value) or f"<{term.value}>"
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
    footer = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return text_table(header, shown) + "\n" + footer


def text_table(header: Sequence[object], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to the widest cell under a ruled header (the CLI's one table style)."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(header))]
    lines = [_line(cells[0], widths), "  ".join("-" * w for w in widths)]
    lines += [_line(row, widths) for row in cells[1:]]
    return "\n".join(lines)


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: CJK characters are drawn double-width."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(cells: list[str], widths: list[int]) -> str:
    pairs = zip(cells, widths, strict=True)
    return "  ".join(c + " " * (w - display_width(c)) for c, w in pairs).rstrip()
