"""The explorer in a real browser: Debian's Chromium, headless, driven by Playwright, against a
`zonegraph serve` process on a loopback port. Nothing may be fetched from another host."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.helpers_server import Server

pytestmark = [pytest.mark.browser, pytest.mark.server]

SHOTS = Path("/tmp/zonegraph-screenshots")


@pytest.fixture(scope="session")
def server(data_dir: Path) -> Iterator[str]:
    """`zonegraph serve` on the session's published data directory."""
    srv = Server(data_dir)
    try:
        yield srv.url
    finally:
        srv.stop()


@pytest.fixture()
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A fresh page that records every request leaving the server (the explorer is offline)."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((server, "data:", "blob:")) else foreign.append(r.url),
    )
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert foreign == [], f"requests to other hosts: {foreign}"
    assert errors == [], f"JavaScript errors: {errors}"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_home_shows_what_the_dataset_holds(page: Page) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("中国开发区知识图谱")
    counts = page.locator("#class-counts tbody tr")
    expect(counts.filter(has_text="园区")).to_have_count(1)
    expect(page.locator("#dumps tbody tr")).to_have_count(6)
    shot(page, "home")


def test_run_a_query_in_the_editor_and_see_the_table(page: Page) -> None:
    page.goto("/query")
    editor = page.locator(".yasqe .CodeMirror")
    expect(editor).to_be_visible()
    query = (
        "SELECT ?park ?name WHERE { ?park a zg:Park ; rdfs:label ?name "
        'FILTER(LANG(?name) = "zh") } ORDER BY ?name'
    )
    # Type it as a user would: select all, then type over it.
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(query)
    page.locator(".yasqe_queryButton").click()
    table = page.locator(".yasr table.dataTable")
    expect(table).to_be_visible(timeout=20_000)
    expect(table.locator("tbody")).to_contain_text("广州国际生物岛")
    expect(page.locator("#downloads")).to_be_visible()
    # The prefixes typed were declared in the editor, so its syntax check finds no error.
    expect(page.locator(".yasqe .CodeMirror-code")).to_contain_text("PREFIX zg:")
    expect(page.locator(".yasqe .parseErrorIcon")).to_have_count(0)
    shot(page, "editor")


def test_example_on_the_home_page_runs_in_one_click(page: Page) -> None:
    page.goto("/")
    page.locator("a.example[data-slug=members]").click()
    page.wait_for_url("**/query?example=members*")
    table = page.locator(".yasr table.dataTable")
    expect(table.locator("tbody")).to_contain_text("三城一岛", timeout=20_000)


def test_search_open_the_entity_and_follow_a_relation(page: Page) -> None:
    page.goto("/search")
    box = page.locator("main input[name=q]")
    box.fill("生物岛")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    hit = page.locator("#results a.node", has_text="广州国际生物岛").first
    expect(hit).to_be_visible()
    shot(page, "search")
    hit.click()
    page.wait_for_url("**/id/park/guangzhou-international-bio-island")
    expect(page.locator("h1")).to_contain_text("广州国际生物岛")
    expect(page.locator("#outgoing")).to_contain_text("所属行业")
    expect(page.locator("#outgoing blockquote.quote").first).to_be_visible()
    shot(page, "entity")
    page.locator("#outgoing a.node", has_text="广州经济技术开发区").first.click()
    page.wait_for_url("**/id/zone/guangzhou-etdz")
    expect(page.locator("h1")).to_contain_text("广州经济技术开发区")
    expect(page.locator("#figures")).to_be_visible()
    shot(page, "zone")


def test_english_switch(page: Page) -> None:
    page.goto("/id/park/guangzhou-international-bio-island")
    page.locator("header .lang a", has_text="EN").click()
    expect(page.locator("h1")).to_contain_text("Guangzhou International Bio Island")
    expect(page.locator("header nav")).to_contain_text("Home")
    page.goto("/")  # the choice sticks (cookie)
    expect(page.locator("header nav")).to_contain_text("Search")


# --------------------------------------------------------------------------- graph views
# /explore/…: cytoscape draws what /api/analysis/… answers (window.zgCy is its instance), nodes
# navigate, the path finder finds and highlights; the tables beneath list the same graph.

ID = "https://w3id.org/zonegraph/id/"
PARKS = {"中新广州知识城", "广州科学城", "广州海丝城", "广州国际生物岛"}
SAN_CHENG = ID + "grouping/san-cheng-yi-dao"
BIO_ISLAND = ID + "park/guangzhou-international-bio-island"


def wait_for_graph(page: Page) -> None:
    page.wait_for_function(
        "() => window.zgCy && document.getElementById('zg-graph').dataset.ready === 'true'",
        timeout=20_000,
    )


def cy(page: Page, script: str) -> Any:
    """Evaluate `script` with the page's cytoscape instance as `cy`."""
    return page.evaluate(f"() => {{ const cy = window.zgCy; return {script}; }}")


def click_node(page: Page, iri: str) -> None:
    """Click a node where cytoscape drew it, as a user would (zoomed in on it first, as a user
    would in a crowded view)."""
    pos = page.evaluate(
        "(iri) => { const cy = window.zgCy; const n = cy.getElementById(iri);"
        " if (n.empty()) return null; if (cy.nodes().length > 16) { cy.zoom(1.5); cy.center(n); }"
        " const p = n.renderedPosition(); return {x: p.x, y: p.y}; }",
        iri,
    )
    assert pos is not None, f"{iri} is not drawn"
    box = page.locator("#zg-graph").bounding_box()
    assert box is not None
    assert 0 < pos["x"] < box["width"] and 0 < pos["y"] < box["height"]
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])


def test_cluster_view_draws_the_four_parks(page: Page) -> None:
    page.goto("/explore/clusters")
    page.locator("#groupings tr", has_text="三城一岛").locator("a.graph-view").click()
    page.wait_for_url("**/explore/cluster?name=*")
    wait_for_graph(page)
    members = cy(page, "cy.nodes('.member').map(n => n.data('label'))")
    assert set(members) == PARKS
    assert cy(page, "cy.nodes('.grouping').map(n => n.data('label'))") == ["三城一岛"]
    # every node is drawn inside the canvas, each with its own place
    positions = cy(page, "cy.nodes().map(n => [n.renderedPosition().x, n.renderedPosition().y])")
    width, height = cy(page, "[cy.width(), cy.height()]")
    assert all(0 <= x <= width and 0 <= y <= height for x, y in positions)
    assert len({(round(x), round(y)) for x, y in positions}) == len(positions)
    # edges carry predicate labels; the legend names the classes drawn
    assert cy(page, "cy.edges().length") > 0
    assert cy(page, "cy.edges().every(e => e.data('label').length > 0)")
    expect(page.locator("#zg-legend li", has_text="园区")).to_have_count(1)
    nodes_table = page.locator("#graph-nodes tbody")
    for park in PARKS:
        # the park's own node, not the aims whose Chinese labels go on after its name
        exact = re.compile(rf"^\s*{re.escape(park)}(?![\u3400-\u9fff])")
        expect(nodes_table.locator("a.node", has_text=exact)).to_have_count(1)
    drawn = cy(page, "cy.nodes().length")
    expect(page.locator("#graph-nodes tbody tr")).to_have_count(drawn)
    expect(page.locator("#graph-edges tbody tr")).to_have_count(cy(page, "cy.edges().length"))
    gexf = page.locator(".exports a", has_text="GEXF")
    expected = "/api/analysis/export.gexf?grouping=" + quote(SAN_CHENG, safe="")
    expect(gexf).to_have_attribute("href", expected)
    shot(page, "graph-cluster")
    # a click on a node opens its entity page (the default on this view)
    click_node(page, BIO_ISLAND)
    page.wait_for_url("**/id/park/guangzhou-international-bio-island")
    expect(page.locator("h1")).to_contain_text("广州国际生物岛")


def test_cluster_view_in_english(page: Page) -> None:
    page.goto("/explore/cluster?name=三城一岛&lang=en")
    wait_for_graph(page)
    labels = set(cy(page, "cy.nodes('.member').map(n => n.data('label'))"))
    assert "Guangzhou International Bio Island" in labels
    expect(page.locator("#zg-legend li", has_text="park")).to_have_count(1)
    expect(page.locator("header nav")).to_contain_text("Graph")
    shot(page, "graph-cluster-en")


def test_neighbourhood_from_the_entity_page_and_recentre(page: Page) -> None:
    page.goto("/id/park/guangzhou-international-bio-island")
    page.locator("#graph-view").click()
    page.wait_for_url("**/explore/ego?entity=*")
    wait_for_graph(page)
    center = cy(page, "cy.nodes('.center').map(n => n.id())")
    assert center == [BIO_ISLAND]
    assert cy(page, "cy.nodes().length") == page.locator("#graph-nodes tbody tr").count()
    # radius 2 reaches further
    page.locator("#ego-form select[name=radius]").select_option("2")
    page.locator("#ego-form button[type=submit]").click()
    page.wait_for_url("**radius=2*")
    wait_for_graph(page)
    assert cy(page, "Math.max(...cy.nodes().map(n => n.data('distance')))") == 2
    shot(page, "graph-ego-radius2")
    # clicking a neighbour re-centres the view on it (the default here)
    zone = ID + "zone/guangzhou-etdz"
    page.goto("/explore/ego?entity=广州国际生物岛&radius=1")
    wait_for_graph(page)
    shot(page, "graph-ego")
    click_node(page, zone)
    page.wait_for_url("**/explore/ego?entity=*zone%2Fguangzhou-etdz*")
    wait_for_graph(page)
    assert cy(page, "cy.nodes('.center').map(n => n.id())") == [zone]
    expect(page.locator("h1")).to_contain_text("广州经济技术开发区")
    # or, with the other click mode, opens the entity page
    page.locator(".click-mode input[value=entity]").check()
    click_node(page, BIO_ISLAND)
    page.wait_for_url("**/id/park/guangzhou-international-bio-island")


def test_path_finder_between_sections(page: Page) -> None:
    page.goto("/explore/path")
    form = page.locator("#path-form")
    form.locator("input[name=from]").fill("亿航")
    form.locator("input[name=to]").fill("拉萨高新区")
    form.locator("select[name=max]").select_option("6")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/explore/path?*")
    chains = page.locator("#chains li.chain")
    expect(chains.first).to_contain_text("亿航智能设备（广州）有限公司")
    expect(chains.first).to_contain_text("—所属行业→")
    expect(chains.first).to_contain_text("拉萨高新区")
    wait_for_graph(page)
    # the first shortest chain is highlighted: its 5 nodes and 4 steps (both zones national)
    assert cy(page, "cy.nodes('.hl').length") == 5
    assert cy(page, "cy.edges('.hl').length") == 4
    assert cy(page, "cy.edges('.hl').every(e => e.data('label').length > 0)")
    # source left, target right
    xs = cy(
        page,
        "[cy.nodes('[role = \"source\"]')[0].position().x,"
        " cy.nodes('[role = \"target\"]')[0].position().x]",
    )
    assert xs[0] < xs[1]
    shot(page, "graph-path")
    # highlighting another chain moves the highlight
    second = chains.nth(1)
    key = second.get_attribute("data-key")
    second.locator("button.show-chain").click()
    expect(second).to_have_class("chain current")
    hl = cy(page, "cy.nodes('.hl').map(n => n.id())")
    assert key is not None and set(hl) == set(key.split())


def test_path_finder_without_a_path_says_so(page: Page) -> None:
    page.goto("/explore/path?from=亿航&to=石河子经开区&max=8&concepts=false")
    expect(page.locator("#no-path")).to_contain_text("之间没有路径")
    expect(page.locator("#zg-graph")).to_have_count(0)


def test_unknown_name_shows_suggestions(page: Page) -> None:
    page.goto("/explore/path")
    form = page.locator("#path-form")
    form.locator("input[name=from]").fill("亿航")
    to = form.locator("input[name=to]")
    to.fill("拉萨高新")
    # the form offers names from the API as one types
    expect(page.locator("#to-names option").first).to_have_attribute("value", "拉萨高新区")
    to.fill("拉萨高新qu")
    form.locator("button[type=submit]").click()
    expect(page.locator("#error")).to_contain_text("找不到实体「拉萨高新qu」")
    suggestion = page.locator("#suggestions-to a.suggestion", has_text="拉萨高新区").first
    expect(suggestion).to_be_visible()
    shot(page, "graph-path-suggestions")
    suggestion.click()
    expect(page.locator("#chains li.chain").first).to_contain_text("拉萨高新区")
    expect(page.locator("#path-form input[name=to]")).to_have_value("拉萨高新区")


def test_registry_map_draws_the_provinces_offline(page: Page) -> None:
    """ECharts and the China map come from vendor/ (the fixture fails on any other host)."""
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    page.goto("/registry")
    chart = page.locator("#registry-map")
    expect(page.locator("#registry-map-section")).to_be_visible()
    expect(chart.locator("svg path").first).to_be_visible()
    # every one of the 31 provinces of the table is joined to a map region by its code;
    # the regions outside the table are Taiwan, Hong Kong and Macao
    expect(chart).to_have_attribute("data-joined", "31")
    expect(chart).to_have_attribute("data-outside", "71 81 82")
    assert chart.locator("svg path").count() >= 34
    series = "() => window.zgRegistryMap.getOption().series[0].data"
    data = {d["code"]: d for d in page.evaluate(series) if "code" in d}
    table = page.locator("#registry-counts tbody tr", has_text="江苏省").locator("td").last
    assert data["32"]["name"] == "江苏省" and str(data["32"]["value"]) == table.inner_text()
    page.select_option("#registry-type", "103")
    page.wait_for_url("**/registry?type=103")
    data = {d["code"]: d for d in page.evaluate(series) if "code" in d}
    assert data["32"]["value"] == 17 and data["54"]["value"] == 0
    shot(page, "registry-map")
    assert console == []


def test_registry_map_in_english_and_a_click_opens_the_province(page: Page) -> None:
    series_data = "() => window.zgRegistryMap.getOption().series[0].data"
    page.goto("/registry?lang=en&type=101")
    chart = page.locator("#registry-map")
    expect(chart).to_have_attribute("data-joined", "31")
    expect(page.locator("#registry-type")).to_have_value("101")
    data = {d["code"]: d for d in page.evaluate(series_data) if "code" in d}
    # names follow the page language: every province has an English label (the article's
    # provinces curated, the others a generated pinyin rendering)
    assert data["44"]["name"] == "Guangdong Province" and data["44"]["value"] == 6
    assert data["32"]["name"] == "Jiangsu Province" and data["32"]["value"] == 26
    page.evaluate(
        "() => window.zgRegistryMap.dispatchAction({type: 'showTip', seriesIndex: 0,"
        " name: 'Guangdong Province'})"
    )
    expect(chart).to_contain_text("Guangdong Province: 6 zones")
    page.locator("#registry-counts a[href='/registry/province/32']").click()
    expect(page.locator("#back-to-map")).to_have_attribute("href", "/registry#registry-map")
    zone = page.locator("#registry-zones a[href^='/id/zone/']").first.get_attribute("href")
    assert zone is not None
    # the first entity page of a server prepares the analysis graph (its graph-view link)
    page.goto(zone, timeout=180_000)
    expect(page.locator("#registry-zone")).to_be_visible()
    expect(page.locator("#registry-code")).to_have_text(re.compile(r"^32[0-9]{6}$"))
