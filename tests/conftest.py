"""The fixtures every test shares, built once per session because they are read-only.

This file owns them all (flaskr's conftest): the compiled dataset, the one published data
directory (and a module's writable copy of it), the app serving it with its client, a CLI
runner bound to it, and the prepared analysis graphs. An app with other settings comes from
`tests.helpers_server.make_app`, the one factory; a test that builds makes its own directory.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Playwright, sync_playwright
from rdflib import Graph

from graph import pipeline
from graph.analysis import views
from graph.build import BuildResult, build
from graph.cli import cli
from graph.store.release import nquads_bytes
from tests.helpers_server import make_app


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The dataset compiled from the shipped sources, ontology and reference data."""
    return build()


@pytest.fixture(scope="session")
def union_graph(built: BuildResult) -> Graph:
    """All named graphs of the shipped dataset merged into one rdflib Graph."""
    return built.union()


@pytest.fixture(scope="session")
def data_dir(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the shipped dataset published, as `zonegraph build` leaves it
    (validation is tested on its own, so it is not repeated here)."""
    path = tmp_path_factory.mktemp("published")
    pipeline.run(path, nquads=nquads_bytes(built.dataset), validate=False)
    return path


@pytest.fixture(scope="module")
def writable_dir(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A module's own copy of the published directory, for tests that accept updates: an
    accepted update is journalled beside its release (it survives restarts), so it must not
    reach the shared directory that every other test reads."""
    path = tmp_path_factory.mktemp("writable")
    shutil.copytree(data_dir, path, symlinks=True, dirs_exist_ok=True)
    return path


@pytest.fixture(scope="session")
def app(data_dir: Path) -> Iterator[Flask]:
    """The service with default settings on the published data directory."""
    with make_app(data_dir) as app:
        yield app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(data_dir: Path) -> Callable[..., Result]:
    """`zonegraph --data-dir <published> ARGS…` through click's runner."""

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])

    return run


MINI = Path(__file__).parent / "data" / "network_mini.ttl"


@pytest.fixture(scope="session")
def mini() -> views.Prepared:
    """The hand-counted mini network (tests/data/network_mini.ttl), prepared for analysis."""
    return views.prepare(Graph().parse(MINI))


@pytest.fixture(scope="session")
def source(union_graph: Graph) -> views.Prepared:
    """The shipped graph prepared for analysis (entity graph and name index built once)."""
    return views.prepare(union_graph)


# One Playwright and one Chromium for the whole session, shared by every browser test module
# (a second sync_playwright() in the same process refuses to start inside the first's loop).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
