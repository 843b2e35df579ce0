"""The competency questions against the embedded store (remote engines: test_remote.py)."""

from __future__ import annotations

import pytest

from graph.build import BuildResult
from graph.store import QueryRequest
from graph.store.embedded import EmbeddedBackend
from graph.store.release import nquads_bytes
from tests.competency_runner import Question, check, questions

QUESTIONS = questions()


@pytest.fixture(scope="module")
def backend(built: BuildResult) -> EmbeddedBackend:
    return EmbeddedBackend.from_nquads(nquads_bytes(built.dataset))


def test_there_are_enough_questions() -> None:
    assert len(QUESTIONS) >= 40
    sections = {q.name.split("-")[0] for q in QUESTIONS}
    assert {"note", "gz", "yd", "shz", "qd", "ls", "reg"} <= sections


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.name for q in QUESTIONS])
def test_competency(question: Question, backend: EmbeddedBackend) -> None:
    check(question, lambda text: backend.run(QueryRequest(text)).body)
