"""``rashomon serve`` in a real browser: uvicorn on a free loopback port, Debian's headless
Chromium driven by playwright (no browser download; skipped when /usr/bin/chromium is missing).

The story page of a store built from the example corpus renders under the server's CSP with
nothing loaded from elsewhere and no console error; the search form finds a quote. A screenshot
of the story page is saved to the test's temporary directory, or to docs/serve-story-page.png
(the one the README shows) when RASHOMON_SCREENSHOTS=1: a test run does not dirty the checkout.
"""
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from rashomon.store import open_store
from test_serve import build_example_db

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DOCS_SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "serve-story-page.png"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from rashomon.serve.app import create_app

    store = open_store(build_example_db(tmp_path_factory.getbasetemp()), read_only=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    store.close()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        pg = browser.new_page(viewport={"width": 1200, "height": 900})
        pg.problems, pg.requests = [], []
        pg.on("console", lambda m: m.type in ("error", "warning") and pg.problems.append(f"console: {m.text}"))
        pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
        pg.on("requestfailed", lambda r: pg.problems.append(f"request failed: {r.url} {r.failure}"))
        pg.on("response", lambda r: r.status >= 400 and pg.problems.append(f"HTTP {r.status}: {r.url}"))
        pg.on("request", lambda r: pg.requests.append(r.url))
        try:
            yield pg
        finally:
            browser.close()


def test_serve_browser_story_page_renders_without_errors(server, page, tmp_path):
    page.goto(server + "/stories")
    first = page.locator("table.list tbody a").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == title
    assert page.locator("section.sec h2", has_text="Articles").count() == 1
    assert page.locator("li.quote").count() >= 1
    assert page.locator("link[rel=stylesheet]").evaluate("l => l.sheet.cssRules.length") > 10  # CSS applied
    shot = DOCS_SCREENSHOT if os.environ.get("RASHOMON_SCREENSHOTS") == "1" else tmp_path / "story-page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000  # a page was drawn, not an empty canvas
    assert not page.problems, page.problems
    assert all(u.startswith(server) for u in page.requests), "a request left the server"


def test_serve_browser_search_finds_a_quote(server, page):
    page.goto(server + "/stories")
    page.fill("header input[name=q]", '"rebel fighters"')
    page.press("header input[name=q]", "Enter")
    page.wait_for_load_state("load")
    page.select_option("select[name=kind]", "quote")
    page.click("form.filters button")
    page.wait_for_load_state("load")
    hits = page.locator("li.hit-quote")
    assert hits.count() >= 1
    assert "rebel fighters" in hits.first.locator(".snippet").inner_text().lower()
    assert hits.first.locator(".snippet mark").first.inner_text().lower() == "rebel fighters"  # the phrase marked
    hits.first.locator("a").first.click()  # into the article, at the quote
    page.wait_for_load_state("load")
    assert "#q-" in page.url and page.locator(".text .a-q").count() >= 1
    assert not page.problems, page.problems
