"""A fast first answer to queries that would fetch URLs, and to queries nested too deep.

The wall against outbound requests is the operating system's (graph.store.sandbox): the
processes that evaluate queries cannot connect anywhere the allow-list does not name. This
check answers sooner and says why, and it is the only guard in front of a remote engine, so it
is conservative. No second parser reads every text the way Oxigraph does (issue 11), so it does
not parse: it asks whether SERVICE, LOAD, FROM or USING occurs anywhere, in any case, glued to
anything, before or after \\u escapes are decoded; only then does it tokenise, and a spelling it
cannot show harmless is refused with a message that says so. What it can show harmless:
- the word inside a string, an IRI, a comment, a variable name or a prefixed name's local part,
  when nothing that makes readers disagree is present (\\u escapes, line endings other than \\n
  and \\r, non-ASCII spaces, control characters, a backslash outside strings, an IRI holding
  quotes or parentheses, a `#` in an IRI followed on its line by a long string);
- the plain keyword followed by an absolute IRI (or a declared prefixed name): FROM / FROM
  NAMED / USING of the store's own graphs, and SERVICE / LOAD / FROM of allow-listed prefixes.
Its work is a regular-expression pass plus one loop over the tokens, never a parse, so a large
query costs milliseconds in the server (rdflib's parser took 31 s on 589 kB).

Nesting is bounded too: Oxigraph's parser and evaluator recurse once per level, and chains
(UNION, OPTIONAL, FILTER, BIND, `.`, `;`, `,` and operators) nest as deeply as brackets do, so a
level is an open bracket or a chain link inside the open groups. A query deeper than
MAX_NESTING levels is refused before it reaches a worker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from graph.errors import QueryError, QueryRefused

#: Levels of nesting a query may use: open brackets plus chain links inside them (README).
MAX_NESTING = 1000

_TOKENS = re.compile(
    r"""
    \#[^\n\r]*                            # comment
  | '''(?:[^'\\]|\\.|'(?!''))*'''         # long strings
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
  | '(?:[^'\\\n\r]|\\.)*'                 # short strings
  | "(?:[^"\\\n\r]|\\.)*"
  | <[^<>"{}|^`\\\x00-\x20]*>             # IRI reference
    """,
    re.VERBOSE,
)
_ONE = re.compile(
    r"""
    (?P<space>[ \t\n\r]+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<string>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[^\W\d][\w.\-]*)?:[\w.\-:%]*)
  | (?P<word>\w+)
  | (?P<punct>[\s\S])
    """,
    re.VERBOSE,
)
# The same tokens, with runs of those that can change nothing (spaces, short strings, IRIs
# without '#', quotes or parentheses, variables) taken in one match: a large query is a few
# thousand matches, not one per token.
_LEX = re.compile(
    r"""
    (?P<boring>(?:[ \t\n\r]+|<[^<>"{}|^`\\\x00-\x20'()\#]*>|[?$]\w+|\d+(?![\w.:])
        |'(?:[^'\\\n\r]|\\.)*'(?!')|"(?:[^"\\\n\r]|\\.)*"(?!"))+)
  | """
    + _ONE.pattern.split("|", 1)[1],
    re.VERBOSE,
)
_KEYWORDS = ("SERVICE", "LOAD", "FROM", "USING")
_NAMED_WORDS = frozenset(_KEYWORDS + ("PREFIX",))
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ODD = re.compile(r"[^\S \t\n\r]|[\x00-\x08\x0e-\x1f\x7f]")  # other spaces, line ends, controls
_CHAIN_WORDS = frozenset(("UNION", "OPTIONAL", "MINUS", "FILTER", "BIND"))
_OPEN, _CLOSE, _LINKS = "{([", "})]", frozenset(".;,/|^+-*=!<>&")
_FORM = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:])", re.IGNORECASE)
_OXIGRAPH_WHERE = re.compile(r"^error at \d+:\d+:\s*")

Targets = tuple[tuple[str, str | None], ...]


def _unescape(text: str, passes: int = 4) -> str:
    """Apply SPARQL's \\u / \\U code point escapes (spec 19.2), a few times over to be safe."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else " "

    for _ in range(passes):
        if "\\u" not in text and "\\U" not in text:
            break
        decoded = _ESCAPE.sub(char, text)
        if decoded == text:
            break
        text = decoded
    return text


def _keywords(text: str) -> str:
    """The query with comments, strings and IRIs blanked out: only keywords and names remain."""
    return _TOKENS.sub(" ", _unescape(text))


def _risky(text: str) -> bool:
    """SERVICE, LOAD, FROM or USING inside `text`, in any case (Unicode case mapping, so that
    look-alikes such as U+017F ſ count too: more refusals, never fewer)."""
    upper = text.upper()
    return "SERVICE" in upper or "LOAD" in upper or "FROM" in upper or "USING" in upper


def mentions_remote(text: str) -> bool:
    """True when SERVICE, LOAD, FROM or USING occurs anywhere, in any case or escape."""
    return _risky(text) or ("\\" in text and _risky(_unescape(text)))


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


@dataclass
class _Scan:
    """What one pass over the tokens found."""

    targets: list[tuple[str, str | None]] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)
    doubt: str | None = None

    def doubts(self, reason: str) -> None:
        self.doubt = self.doubt or reason


def _too_deep() -> QueryError:
    return QueryError(
        f"query nests deeper than {MAX_NESTING} levels (brackets, and chains of UNION, "
        "OPTIONAL, FILTER, BIND, triples or operators inside them, count as levels); "
        "split or simplify it (查询嵌套过深)"
    )


def _structure(text: str) -> int:
    """An upper bound on the levels a text can nest: brackets, links and chain words."""
    upper = text.upper()
    return sum(text.count(c) for c in "{([.;,/|^+-*=!<>&") + sum(
        upper.count(word) for word in _CHAIN_WORDS
    )


def check_depth(text: str) -> None:
    """Raise QueryError when the query nests deeper than MAX_NESTING levels."""
    if len(text) <= MAX_NESTING or _structure(text) <= MAX_NESTING:
        return  # cannot be that deep: no tokenising needed
    _scan(text, want_targets=False)


def _scan(text: str, want_targets: bool) -> _Scan:
    """Measure nesting (raising when too deep) and, if asked, find the targets and doubts."""
    scan = _Scan()
    frames: list[int] = [0]
    level = 0
    hash_line_end = -1  # end of the line of an IRI holding '#'
    for match in _LEX.finditer(text):
        kind = match.lastgroup
        if kind == "boring":
            continue
        value = match.group()
        if kind == "punct":
            if value in _OPEN:
                frames.append(0)
                level += 1
            elif value in _CLOSE:
                if len(frames) > 1:
                    level -= 1 + frames.pop()
            elif value in _LINKS:
                frames[-1] += 1
                level += 1
            elif value == "\\":
                scan.doubts("a backslash outside a string")
        elif kind == "word" and value.upper() in _CHAIN_WORDS:
            frames[-1] += 1
            level += 1
        if level > MAX_NESTING:
            raise _too_deep()
        if not want_targets:
            continue
        if kind == "iri":
            if any(c in value for c in "'()"):
                scan.doubts(f"the IRI {value[:60]} holds quotes or parentheses")
            elif "#" in value:
                hash_line_end = _line_end(text, match.end())
        elif kind == "long" and match.start() < hash_line_end < match.end():
            scan.doubts("a long string opened after an IRI with '#' on its line")
        elif kind == "word" and value.upper() in _NAMED_WORDS:
            _keyword(text, value.upper(), match.end(), scan)
        elif kind in ("word", "pname"):
            head = value.split(":", 1)[0] if kind == "pname" else value
            if _risky(head):
                scan.doubts(f"a keyword glued to other text in {head[:40]!r}")
    return scan


def _line_end(text: str, start: int) -> int:
    ends = [i for i in (text.find("\n", start), text.find("\r", start)) if i >= 0]
    return min(ends) if ends else len(text)


def _next(text: str, pos: int) -> tuple[str, str, int]:
    """The next token after `pos` that is not a space or comment: (kind, text, end)."""
    while pos < len(text):
        match = _ONE.match(text, pos)
        assert match is not None and match.lastgroup is not None  # punct matches anything
        if match.lastgroup not in ("space", "comment"):
            return match.lastgroup, match.group(), match.end()
        pos = match.end()
    return "end", "", pos


def _keyword(text: str, word: str, pos: int, scan: _Scan) -> None:
    """Record what a PREFIX declares, or what a SERVICE, LOAD, FROM or USING names."""
    kind, value, pos = _next(text, pos)
    if word == "PREFIX":
        iri_kind, iri, _ = _next(text, pos)
        if kind == "pname" and value.endswith(":") and iri_kind == "iri":
            scan.prefixes[value[:-1]] = iri[1:-1]
        return
    follower = value.upper() if kind == "word" else ""
    if word in ("FROM", "USING") and follower == "NAMED":
        word = f"{word} NAMED"
        kind, value, pos = _next(text, pos)
    elif word in ("SERVICE", "LOAD") and follower == "SILENT":
        kind, value, pos = _next(text, pos)
    if kind == "iri":
        scan.targets.append((word, value[1:-1]))
    elif kind == "pname":
        prefix, _, local = value.partition(":")
        scan.targets.append((word, scan.prefixes.get(prefix, prefix + ":") + local))
    elif kind == "var" and word == "SERVICE":
        scan.targets.append((word, None))
    else:
        scan.doubts(f"{word} not followed by an IRI")


def remote_targets(text: str) -> Targets:
    """(keyword, IRI) pairs for every SERVICE, LOAD, FROM and USING; QueryRefused when unsure.

    Also raises QueryError for a query nested deeper than MAX_NESTING.
    """
    if not mentions_remote(text):
        check_depth(text)
        return ()
    scan = _scan(text, want_targets=True)
    if "\\u" in text or "\\U" in text:
        scan.doubt = "\\u escapes"
    elif _ODD.search(text):
        scan.doubt = "a line ending, space or control character other than \\n, \\r, tab, space"
    if scan.doubt is not None:
        raise QueryRefused(
            "query refused: it mentions SERVICE, LOAD, FROM or USING where that cannot be "
            f"shown harmless ({scan.doubt}); write them as plain keywords followed by absolute "
            "IRIs (无法确认查询不会访问外部地址)"
        )
    return tuple(scan.targets)


def check_query(
    text: str,
    allow: Collection[str] = (),
    local_graphs: Collection[str] | Callable[[], Collection[str]] = (),
) -> Targets:
    """Raise QueryRefused unless every remote IRI the query names is allow-listed.

    FROM / FROM NAMED (and USING in updates) naming a graph of the local store selects it and
    fetches nothing, so those are allowed; SERVICE and LOAD must be on the allow-list (matched
    as IRI prefixes; a SERVICE with a variable is never allowed). `local_graphs` may be a
    function, called only when a FROM or USING needs it (a remote engine's graphs cost a
    request). Raises QueryError for a query nested deeper than MAX_NESTING. Returns the
    (keyword, IRI) pairs found, so callers know whether the query names its own dataset.
    """
    targets = remote_targets(text)
    local: Collection[str] | None = None
    for keyword, iri in targets:
        if iri is not None and keyword.startswith(("FROM", "USING")):
            if local is None:
                local = set(local_graphs() if callable(local_graphs) else local_graphs)
            if iri in local:
                continue
        if iri is not None and any(iri.startswith(prefix) for prefix in allow):
            continue
        shown = f"<{iri}>" if iri is not None else "with a variable"
        raise QueryRefused(
            f"{keyword} {shown} refused: the server fetches only allow-listed URLs "
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
