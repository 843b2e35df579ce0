"""Shared fixtures: the shipped dataset is built once per session (it is read-only)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from graph.build import BuildResult, build


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The dataset compiled from the shipped sources, ontology and reference data."""
    return build()


@pytest.fixture(scope="session")
def union_graph(built: BuildResult) -> Graph:
    """All named graphs of the shipped dataset merged into one rdflib Graph."""
    return built.union()
