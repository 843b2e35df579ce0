"""Dates of one datatype family: xsd:dateTime in Beijing time, with the precision kept apart.

OWL 2's datatype map has xsd:dateTime but not xsd:date, xsd:gYearMonth or xsd:gYear, so a graph
that HermiT must accept, and that sorts in SPARQL without casts, writes every date as the first
instant of the day, month or year a source names. zg:datePrecision then says how much of that
instant the source states, so that 「2024年1月」 is never read as 1 January.
"""

from __future__ import annotations

from rdflib import XSD, Literal, URIRef

from graph.namespaces import CONCEPT

#: China Standard Time: every source of the graph dates things in it.
BEIJING = "+08:00"
PRECISION = CONCEPT + "date-precision/"
DAY = URIRef(PRECISION + "day")
MONTH = URIRef(PRECISION + "month")
YEAR = URIRef(PRECISION + "year")


def lexical(year: int, month: int = 1, day: int = 1) -> str:
    """The xsd:dateTime lexical form of the start of that day, Beijing time."""
    return f"{year:04d}-{month:02d}-{day:02d}T00:00:00{BEIJING}"


def day_literal(year: int, month: int, day: int) -> Literal:
    """A whole day (a period's first or last day, a bound, a report date)."""
    return Literal(lexical(year, month, day), datatype=XSD.dateTime)


def dated(year: int, month: int | None = None, day: int | None = None) -> tuple[Literal, URIRef]:
    """The date of something the source dates to a year, a month or a day, and its precision."""
    if month is None:
        return Literal(lexical(year), datatype=XSD.dateTime), YEAR
    if day is None:
        return Literal(lexical(year, month), datatype=XSD.dateTime), MONTH
    return Literal(lexical(year, month, day), datatype=XSD.dateTime), DAY


def display(value: str, precision: str | None = None) -> str | None:
    """How a page prints a date: only as much of it as the source states (2020-04, 2023,
    2024-01-29); None when `value` is not a date of this family."""
    if len(value) < 10 or not value.endswith("T00:00:00" + BEIJING):
        return None
    if precision == str(YEAR):
        return value[:4]
    if precision == str(MONTH):
        return value[:7]
    return value[:10]
