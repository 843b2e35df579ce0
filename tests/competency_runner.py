"""Competency questions: SPARQL files with expected answers, runnable against any backend.

Each tests/competency/<name>.rq has a sibling <name>.csv: a header of variable names, then the
expected rows (ASK: header `ask`, one row true/false). Cells may use the project's prefixed
names; numbers compare numerically; rows compare as a multiset unless the query orders them.
The same files run against the embedded store and every remote engine, so the engines are
held to one standard.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from graph.namespaces import PREFIXES

COMPETENCY_DIR = Path(__file__).parent / "competency"

Row = tuple[str, ...]
#: Runs a query; returns SPARQL JSON results (bytes or str).
Runner = Callable[[str], bytes | str]


@dataclass(frozen=True)
class Question:
    name: str
    query: str
    header: Row
    rows: list[Row]

    @property
    def ordered(self) -> bool:
        return bool(re.search(r"\bORDER\s+BY\b", self.query, re.IGNORECASE))

    @property
    def title(self) -> str:
        first = self.query.lstrip().splitlines()[0] if self.query.strip() else ""
        return first.lstrip("# ").strip()


def questions() -> list[Question]:
    found = []
    for rq in sorted(COMPETENCY_DIR.glob("*.rq")):
        expected = rq.with_suffix(".csv")
        with expected.open(encoding="utf-8", newline="") as fh:
            table = [tuple(r) for r in csv.reader(fh) if r]
        found.append(Question(rq.stem, rq.read_text(encoding="utf-8"), table[0], table[1:]))
    return found


def expand(cell: str) -> str:
    """A prefixed name from the project's prefixes becomes its full IRI; other text is kept."""
    match = re.fullmatch(r"([A-Za-z][\w-]*):([^\s/][^\s]*)?", cell.strip())
    if match and match.group(1) in PREFIXES:
        return PREFIXES[match.group(1)] + (match.group(2) or "")
    return cell.strip()


def normal(cell: str) -> str:
    """Canonical text for comparison: IRIs expanded, numbers as normalised decimals."""
    text = expand(cell)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    return format(number.normalize(), "f")


def parse_results(body: bytes | str, header: Row) -> list[Row]:
    data = json.loads(body)
    if "boolean" in data:
        return [("true" if data["boolean"] else "false",)]
    rows = []
    for binding in data["results"]["bindings"]:
        rows.append(tuple(binding.get(v, {}).get("value", "") for v in header))
    return rows


def check(question: Question, run: Runner) -> None:
    """Assert that `run` answers the question as expected; the message shows both sides."""
    actual = [
        tuple(normal(c) for c in r) for r in parse_results(run(question.query), question.header)
    ]
    expected = [tuple(normal(c) for c in r) for r in question.rows]
    if question.ordered:
        ok = actual == expected
    else:
        ok = Counter(actual) == Counter(expected)
    assert ok, (
        f"{question.name}: {question.title}\n"
        f"expected ({len(expected)}):\n  "
        + "\n  ".join(map(str, expected))
        + f"\nactual ({len(actual)}):\n  "
        + "\n  ".join(map(str, actual))
    )
