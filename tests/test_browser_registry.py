"""The registry analysis page in a real browser (the fixtures of tests/test_browser.py): the
co-location network of one province is drawn offline, with a node per zone and division."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from graph import resources
from graph.build.registry import REGISTRY_FILE
from tests.helpers_server import Server
from tests.test_browser import click_node, cy, page

__all__ = ["page"]  # the fixture used through pytest
pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[str]:
    """`zonegraph serve` with a 60 s query limit: the page reads all 2,606 zones (four queries
    of some 0.3 s each on an idle machine), and the test machine is shared by many runs."""
    srv = Server(data_dir, {"ZONEGRAPH_QUERY_TIMEOUT": 60})
    try:
        yield srv.url
    finally:
        srv.stop()


def test_colocation_network_of_tibet(page: Page) -> None:
    with (resources.reference_dir() / REGISTRY_FILE).open(encoding="utf-8", newline="") as fh:
        tibet = [r for r in csv.DictReader(fh) if r["province_code"] == "54"]
    page.goto("/registry/analysis?province=54")
    # (a longer wait than the other views': the page's first load reads the whole registry)
    expect(page.locator("#zg-graph-status")).to_contain_text("个节点", timeout=60_000)
    expect(page.locator("#zg-graph")).to_have_attribute("data-ready", "true", timeout=60_000)
    zones = cy(page, "cy.nodes().filter(n => n.data('category') === 'zone').length")
    assert zones == len(tibet)
    # the province, and 拉萨市 (the article's city of 拉萨高新区)
    divisions = cy(page, "cy.nodes().filter(n => n.data('category') === 'division').length")
    assert divisions == 2
    assert cy(page, "cy.edges().length") == cy(page, "cy.nodes().length") - 1  # a tree
    expect(page.locator("#alike tbody tr")).to_have_count(10)
    expect(page.locator("#zg-legend li").first).to_be_visible()
    click_node(page, "https://w3id.org/zonegraph/id/zone/lhasa-hi-tech-zone")
    page.wait_for_url("**/id/zone/lhasa-hi-tech-zone")
