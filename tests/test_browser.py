"""The explorer in a real browser: Debian's Chromium, headless, driven by Playwright, against a
`zonegraph serve` process on a loopback port. Nothing may be fetched from another host."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from graph.build import BuildResult
from graph.store import publish

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
SHOTS = Path("/tmp/zonegraph-screenshots")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def server(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-data")
    publish(built.dataset, data, {"test": True})
    port = free_port()
    exe = Path(sys.executable).with_name("zonegraph")
    log = (data / "serve.log").open("wb")
    proc = subprocess.Popen(
        [str(exe), "--data-dir", str(data), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data / "serve.log").read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


@pytest.fixture()
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A fresh page that records every request leaving the server (the explorer is offline)."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((server, "data:", "blob:"))
            else foreign.append(r.url))
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
