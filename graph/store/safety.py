"""Refuse queries that would make the server fetch URLs it was not told to trust.

Oxigraph evaluates SERVICE by opening a connection, and LOAD or a FROM of an unknown IRI are
invitations to fetch; neither engine refuses by itself (PERFORMANCE.md). So every query is
inspected before it runs. A cheap lexical scan (comments, strings and IRIs removed) clears the
common case without parsing; only a query that mentions SERVICE, FROM or LOAD is parsed with
rdflib's SPARQL parser to find the exact IRIs, which are then checked against the allow-list.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import lru_cache

from pyparsing import ParseResults

from graph.errors import QueryError, QueryRefused

_TOKENS = re.compile(
    r"""
    \#[^\n]*                              # comment
  | '''(?:[^'\\]|\\.|'(?!''))*'''         # long strings
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
  | '(?:[^'\\\n]|\\.)*'                   # short strings
  | "(?:[^"\\\n]|\\.)*"
  | <[^<>"{}|^`\\\s]*>                    # IRI reference
    """,
    re.VERBOSE,
)
_OXIGRAPH_WHERE = re.compile(r"^error at \d+:\d+:\s*")
_RISKY = re.compile(r"\b(SERVICE|FROM|LOAD|USING)\b", re.IGNORECASE)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_FORM = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:])", re.IGNORECASE)


def _unescape(text: str) -> str:
    """Apply SPARQL's \\u / \\U code point escapes, which may spell keywords (spec 19.2)."""
    if "\\u" not in text and "\\U" not in text:
        return text

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else " "

    return _ESCAPE.sub(char, text)


def _keywords(text: str) -> str:
    """The query with comments, strings and IRIs blanked out: only keywords and names remain."""
    return _TOKENS.sub(" ", _unescape(text))


def mentions_remote(text: str) -> bool:
    """True when the query's keywords (not its strings or IRIs) include SERVICE, FROM or LOAD."""
    return bool(_RISKY.search(_keywords(text)))


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query-form keyword, or None.

    The one detector of the query form (negotiation, remote engines): read from the keywords
    left once comments, strings and IRIs are blanked, and not from a prefixed name such as
    `ask:p` or a variable `?select`, so content negotiation can pick a format (and answer 406)
    before the query runs; the parser still has the last word on syntax.
    """
    match = _FORM.search(_keywords(text))
    return match.group(1).upper() if match is not None else None


def result_kind(form: str | None) -> str | None:
    """ "solutions" (SELECT, ASK), "graph" (CONSTRUCT, DESCRIBE) or None for a query form."""
    if form is None:
        return None
    return "graph" if form in ("CONSTRUCT", "DESCRIBE") else "solutions"


@lru_cache(maxsize=512)
def remote_targets(text: str) -> tuple[tuple[str, str], ...]:
    """(keyword, IRI) pairs for every SERVICE, FROM, FROM NAMED and LOAD in the query."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        try:
            tree: object = parseQuery(text)
        except Exception:
            tree = parseUpdate(text)
    except Exception as exc:
        raise syntax_error(exc) from None
    found: list[tuple[str, object]] = []
    _walk(tree, found)
    prefixes: dict[str, str] = {}
    _prefixes(tree, prefixes)
    return tuple((keyword, _iri(term, prefixes)) for keyword, term in found)


def _prefixes(node: object, out: dict[str, str]) -> None:
    if getattr(node, "name", None) == "PrefixDecl":
        out[str(node.get("prefix") or "")] = str(node["iri"])  # type: ignore[attr-defined,index]
    for child in _children(node):
        _prefixes(child, out)


def _iri(term: object, prefixes: dict[str, str]) -> str:
    """The full IRI of a parsed term, expanding a prefixed name with the query's prologue."""
    if getattr(term, "name", None) == "pname":
        prefix = str(term.get("prefix") or "")  # type: ignore[attr-defined]
        local = str(term.get("localname") or "")  # type: ignore[attr-defined]
        return prefixes.get(prefix, prefix + ":") + local
    return str(term)


def _children(node: object) -> Iterable[object]:
    if isinstance(node, dict):
        return list(node.values())
    if isinstance(node, list | tuple | ParseResults):
        return list(node)
    return ()


def _walk(node: object, found: list[tuple[str, object]]) -> None:
    name = getattr(node, "name", None)
    if name == "ServiceGraphPattern":
        found.append(("SERVICE", node["term"]))  # type: ignore[index]
    elif name == "DatasetClause":
        if "default" in node:  # type: ignore[operator]
            found.append(("FROM", node["default"]))  # type: ignore[index]
        if "named" in node:  # type: ignore[operator]
            found.append(("FROM NAMED", node["named"]))  # type: ignore[index]
    elif name == "UsingClause":
        if "default" in node:  # type: ignore[operator]
            found.append(("USING", node["default"]))  # type: ignore[index]
        if "named" in node:  # type: ignore[operator]
            found.append(("USING NAMED", node["named"]))  # type: ignore[index]
    elif name == "Load":
        found.append(("LOAD", node["iri"]))  # type: ignore[index]
    for child in _children(node):
        _walk(child, found)


def check_query(
    text: str, allow: Collection[str] = (), local_graphs: Collection[str] = ()
) -> tuple[tuple[str, str], ...]:
    """Raise QueryRefused unless every remote IRI the query names is allow-listed.

    FROM / FROM NAMED (and USING in updates) naming a graph of the local store selects it and
    fetches nothing, so those are allowed; SERVICE and LOAD must be on the allow-list (matched
    as IRI prefixes; a SERVICE with a variable is never allowed). Returns the (keyword, IRI)
    pairs found, so callers know whether the query names its own dataset.
    """
    if not mentions_remote(text):
        return ()
    targets = remote_targets(text)
    for keyword, iri in targets:
        if keyword.startswith(("FROM", "USING")) and iri in local_graphs:
            continue
        if any(iri.startswith(prefix) for prefix in allow):
            continue
        raise QueryRefused(
            f"{keyword} <{iri}> refused: the server fetches only allow-listed URLs "
            f"(拒绝访问未列入白名单的地址)"
        )
    return targets


def syntax_error(exc: Exception) -> QueryError:
    """A QueryError with line and column taken from a pyparsing or Oxigraph error."""
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "col", None)
    msg = getattr(exc, "msg", None) or str(exc)
    msg = " ".join(_OXIGRAPH_WHERE.sub("", msg, count=1).split())
    if line is None:
        match = re.search(r"(\d+):(\d+)", str(exc))
        if match:
            line, col = int(match.group(1)), int(match.group(2))
    where = f" at line {line}, column {col}" if line else ""
    return QueryError(f"SPARQL syntax error{where}: {_short_expectations(msg)}", line, col)


def _short_expectations(msg: str, keep: int = 12) -> str:
    """Oxigraph lists every token it would accept (often over a hundred); keep the first few."""
    head, sep, tokens = msg.partition("expected one of ")
    if not sep:
        return msg
    items = [t.strip() for t in tokens.split(", ")]
    if len(items) <= keep:
        return msg
    return f"{head}{sep}{', '.join(items[:keep])}, … ({len(items) - keep} more)"
