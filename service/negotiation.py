"""Content negotiation: pick the format to answer with from Accept (RFC 9110 q-values).

Each offer is matched against the most specific media range that covers it (`text/turtle`
beats `text/*` beats `*/*`), and that range's q-value is the offer's quality; among offers of
equal quality the server's order decides, so `*/*` or no Accept at all gets the first offer.
A `format=`, `output=` or `results=` parameter (Fuseki's and Virtuoso's convention, sent by
SPARQLWrapper) wins over Accept, so links and browsers can ask for a format without setting
headers. Its values are the names, aliases and media types of graph.formats, the same the
CLI accepts; a value that names no format at all is ignored and Accept decides (SPARQLWrapper
sends `format=rdf+xml` beside a satisfiable Accept, other clients send their own spellings).

Offers and names both come from the formats table: the canonical media types in the table's
order of preference, then the aliases each row accepts (`text/plain` → N-Triples …).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from graph import formats
from graph.formats import Format, Kind

T = TypeVar("T")

#: The request parameters that may name a format, in the order they are read.
FORMAT_PARAMS = ("format", "output", "results")


class Params(Protocol):
    """Query-string or form parameters (werkzeug's MultiDict)."""

    def getlist(self, key: str) -> list[str]: ...


def format_names(*sources: Params) -> list[str]:
    """The format=, output= and results= values of the request, source by source, in order."""
    return [v for src in sources for p in FORMAT_PARAMS for v in src.getlist(p)]


def offers(rows: Iterable[Format]) -> dict[str, Format]:
    """Media type → row: every canonical media type first (best first), then the aliases.

    An alias already claimed by an earlier row stays with it (`application/json` is SPARQL
    JSON among result formats and JSON-LD among graph formats, never both in one list).
    """
    rows = list(rows)
    table: dict[str, Format] = {}
    for row in rows:
        table.setdefault(row.media_type, row)
    for row in rows:
        for media_type in row.media_types[1:]:
            table.setdefault(media_type, row)
    return table


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range covers `media_type`: 3 exact, 2 type/*, 1 */*, 0 not."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 1
        if self.type != main:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == sub else 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed parts are skipped, never fatal."""
    ranges: list[MediaRange] = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        main, slash, sub = fields[0].lower().partition("/")
        if not slash or not main or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q-value the client gives `media_type` (from its most specific matching range)."""
    best_specificity, best_q = 0, 0.0
    for r in ranges:
        specificity = r.matches(media_type)
        if specificity > best_specificity:
            best_specificity, best_q = specificity, r.q
        elif specificity == best_specificity and specificity and r.q > best_q:
            best_q = r.q
    return best_q


def choose(header: str | None, offered: Mapping[str, T]) -> T | None:
    """What to answer with (the value of the best offer), or None when none is acceptable."""
    ranges = parse_accept(header)
    if not ranges:
        return next(iter(offered.values()), None)
    best: T | None = None
    best_q = 0.0
    for offer, value in offered.items():
        q = quality(ranges, offer)
        if q > best_q:
            best, best_q = value, q
    return best


def named(values: Iterable[str], kind: Kind) -> tuple[str, Format | None] | None:
    """The first format= value that names a format of any kind, and its row for `kind`.

    None when no value names a format (then Accept decides); (value, None) when the first
    known value names a format that cannot carry a result of `kind` (`format=csv` for a
    CONSTRUCT): the client asked for it explicitly, so this is not acceptable.
    """
    for value in values:
        if value.strip() and formats.known(value):
            return value, formats.find(value, kind)
    return None


def pick(
    header: str | None,
    names: Iterable[str] | str | None,
    kind: Kind,
    among: Sequence[Format] | None = None,
) -> Format | None:
    """The format for a result of `kind`: the first known name if one is given, else Accept.

    `among` narrows the offers (pages and VoID offer only what rdflib writes); a named format
    that is not among them is not acceptable.
    """
    rows = tuple(among) if among is not None else formats.of_kind(kind)
    values = [names] if isinstance(names, str) else list(names or ())
    asked = named(values, kind)
    if asked is not None:
        fmt = asked[1]
        return fmt if fmt in rows else None
    return choose(header, offers(rows))


def offered_types(kind: Kind, among: Sequence[Format] | None = None) -> str:
    """The canonical media types offered for `kind`, for a 406 message."""
    rows = among if among is not None else formats.of_kind(kind)
    return ", ".join(f.media_type for f in rows)
