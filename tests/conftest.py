"""Shared fixtures: the shipped dataset is built once per session (it is read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from graph.analysis import views
from graph.build import BuildResult, build


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The dataset compiled from the shipped sources, ontology and reference data."""
    return build()


@pytest.fixture(scope="session")
def union_graph(built: BuildResult) -> Graph:
    """All named graphs of the shipped dataset merged into one rdflib Graph."""
    return built.union()


@pytest.fixture(scope="session")
def sparql_data_dir(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the shipped dataset published, as `zonegraph build` leaves it."""
    from graph.store.release import publish

    data_dir = tmp_path_factory.mktemp("sparql-data")
    publish(built.dataset, data_dir, {"built": "test"})
    return data_dir


MINI = Path(__file__).parent / "data" / "network_mini.ttl"


@pytest.fixture(scope="session")
def mini() -> views.Prepared:
    """The hand-counted mini network (tests/data/network_mini.ttl), prepared for analysis."""
    return views.prepare(Graph().parse(MINI))


@pytest.fixture(scope="session")
def source(union_graph: Graph) -> views.Prepared:
    """The shipped graph prepared for analysis (entity graph and name index built once)."""
    return views.prepare(union_graph)
