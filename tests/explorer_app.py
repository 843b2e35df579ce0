"""A published data directory and an app serving it, shared by the explorer and linked-data
tests (imported as fixtures by those modules; the store is read-only, so one per module)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from graph.build import BuildResult
from graph.store.release import publish
from service import create_app

BIO_ISLAND = "https://w3id.org/zonegraph/id/park/guangzhou-international-bio-island"
GZ_ETDZ = "https://w3id.org/zonegraph/id/zone/guangzhou-etdz"
PAZHOU_LAB = "https://w3id.org/zonegraph/id/org/pazhou-lab-huangpu"
YAODU_PARK = "https://w3id.org/zonegraph/id/park/yaodu-cloud-commerce-park"


def local(iri: str) -> str:
    return iri.removeprefix("https://w3id.org/zonegraph")


@pytest.fixture(scope="module")
def data_dir(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("explorer-data")
    publish(built.dataset, path, {"test": True})
    return path


@pytest.fixture(scope="module")
def app(data_dir: Path) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "ZONEGRAPH_DATA_DIR": data_dir})
    yield app
    app.extensions["zonegraph"].close()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()
