"""docs/cookbook.md: every analyst question's query gives the answer printed under it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from graph.build import BuildResult
from graph.store import QueryRequest
from graph.store.embedded import EmbeddedBackend
from graph.store.release import nquads_bytes
from tests.competency_runner import Question, check

COOKBOOK = Path(__file__).resolve().parents[1] / "docs" / "cookbook.md"
_BLOCKS = re.compile(
    r"^## (?P<title>[^\n]+)\n.*?```sparql\n(?P<query>.*?)\n```\s*```csv\n(?P<answer>.*?)\n```",
    re.DOTALL | re.MULTILINE,
)


def cookbook_questions() -> list[Question]:
    found = []
    for match in _BLOCKS.finditer(COOKBOOK.read_text(encoding="utf-8")):
        table = [tuple(row) for row in csv.reader(match.group("answer").splitlines()) if row]
        query = f"# {match.group('title')}\n{match.group('query')}"
        found.append(Question(match.group("title"), query, table[0], table[1:]))
    return found


QUESTIONS = cookbook_questions()


@pytest.fixture(scope="module")
def backend(built: BuildResult) -> EmbeddedBackend:
    return EmbeddedBackend.from_nquads(nquads_bytes(built.dataset))


def test_the_cookbook_has_enough_questions() -> None:
    assert len(QUESTIONS) >= 20
    assert len(QUESTIONS) == COOKBOOK.read_text(encoding="utf-8").count("\n```sparql\n")


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.name.split(".")[0] for q in QUESTIONS])
def test_cookbook_answer(question: Question, backend: EmbeddedBackend) -> None:
    check(question, lambda text: backend.run(QueryRequest(text)).body)
