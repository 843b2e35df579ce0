"""Content negotiation: pick the media type to answer with from Accept (RFC 9110 q-values).

Each offer is matched against the most specific media range that covers it (`text/turtle`
beats `text/*` beats `*/*`), and that range's q-value is the offer's quality; among offers of
equal quality the server's order decides, so `*/*` or no Accept at all gets the first offer.
A `format=` or `output=` parameter (Fuseki's convention: json, xml, csv, tsv, turtle…) wins
over Accept, so links and browsers can ask for a format without setting headers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"

# What we offer, best first, each mapped to the canonical type we answer with.
SOLUTION_OFFERS: dict[str, str] = {
    SPARQL_JSON: SPARQL_JSON,
    SPARQL_XML: SPARQL_XML,
    CSV: CSV,
    TSV: TSV,
    "application/json": SPARQL_JSON,
    "application/xml": SPARQL_XML,
    "text/xml": SPARQL_XML,
}
GRAPH_OFFERS: dict[str, str] = {
    TURTLE: TURTLE,
    NTRIPLES: NTRIPLES,
    JSONLD: JSONLD,
    RDFXML: RDFXML,
    "application/x-turtle": TURTLE,
    "application/turtle": TURTLE,
    "text/plain": NTRIPLES,
    "application/json": JSONLD,
    "application/xml": RDFXML,
    "text/xml": RDFXML,
}
# format=/output= values; "json" and "xml" mean the natural choice for each kind of result.
SOLUTION_NAMES = {"json": SPARQL_JSON, "xml": SPARQL_XML, "csv": CSV, "tsv": TSV}
GRAPH_NAMES = {
    "turtle": TURTLE,
    "ttl": TURTLE,
    "nt": NTRIPLES,
    "ntriples": NTRIPLES,
    "n-triples": NTRIPLES,
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "json": JSONLD,
    "rdfxml": RDFXML,
    "rdf": RDFXML,
    "xml": RDFXML,
}


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


def choose(header: str | None, offers: Mapping[str, str]) -> str | None:
    """The canonical media type to answer with, or None when the client accepts none of ours."""
    ranges = parse_accept(header)
    if not ranges:
        return next(iter(offers.values()))
    best, best_q = None, 0.0
    for offer, canonical in offers.items():
        q = quality(ranges, offer)
        if q > best_q:
            best, best_q = canonical, q
    return best


def by_name(name: str, kind: str) -> str | None:
    """A format= / output= value (a short name or a media type) for "solutions" or "graph"."""
    key = name.strip().lower()
    names = SOLUTION_NAMES if kind == "solutions" else GRAPH_NAMES
    offers = SOLUTION_OFFERS if kind == "solutions" else GRAPH_OFFERS
    return names.get(key) or offers.get(key)


def pick(header: str | None, name: str | None, kind: str) -> str | None:
    """The format for a result of `kind`: the named one if given, else negotiated."""
    if name:
        return by_name(name, kind)
    return choose(header, SOLUTION_OFFERS if kind == "solutions" else GRAPH_OFFERS)
