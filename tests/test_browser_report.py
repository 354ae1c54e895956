"""The report in a real browser: Debian's headless Chromium driven by playwright over file:// URLs.

The pages must render under their own Content-Security-Policy with nothing loaded from anywhere
(every request is a file:// one and none fails), draw their SVG charts, show a summary sentence's
sources on hover and on click, and log no console error. No browser is downloaded: the test uses
/usr/bin/chromium and is skipped when it is missing.
"""
import os

import pytest

from rashomon.report import write_report
from test_report_story import QUIET, STORY, story_analysis

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    write_report(story_analysis(), out)
    return out


class Watched:
    """A page with everything that went wrong on it recorded: console errors, uncaught
    exceptions, failed requests, requests that left file://, dialogs (an injected script)."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))

    def open(self, path):
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def check(self):
        assert self.problems == []
        assert self.requests and all(u.startswith("file://") for u in self.requests), self.requests
        self.page.close()


def _drawn(locator) -> int:
    """How many of the located elements the browser laid out with a visible size."""
    boxes = [locator.nth(i).bounding_box() for i in range(locator.count())]
    return sum(1 for b in boxes if b and b["width"] > 0 and b["height"] > 0)


def test_browser_report_index_renders_and_opens_a_story(browser, report):
    w = Watched(browser)
    page = w.open(report / "index.html")
    assert page.locator("h1").inner_text() == "rashomon report"
    assert page.evaluate("document.scripts.length") == 0
    chart = page.locator("#storylines svg.chart")
    assert _drawn(chart.locator(".tl-mark .ch-mark")) == 2  # the storyline's two stories
    assert _drawn(chart.locator("path.ch-link")) == 1
    assert _drawn(page.locator("#reuse svg circle")) == 4  # the corpus reuse graph: a-1 .. a-4
    page.locator("#stories a", has_text="Portvale dock strike").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/stories/{STORY}.html")
    assert page.locator("h1.story-title").inner_text() == "Portvale dock strike"
    w.check()


def test_browser_report_story_page_draws_its_charts(browser, report):
    w = Watched(browser)
    page = w.open(report / "stories" / f"{STORY}.html")
    assert page.title() == "Portvale dock strike · rashomon"
    # the stylesheet applied under the CSP: sources are hidden until asked for
    assert page.evaluate("getComputedStyle(document.querySelector('.src-pop')).display") == "none"
    timeline = page.locator("#timeline svg.chart")
    assert _drawn(timeline.locator(".tl-mark")) == 4  # 3 entries and 1 dated event
    assert page.locator("#timeline > table tbody tr").count() == 4
    assert _drawn(timeline.locator(".tl-mark.k-entry .ch-mark")) == 3
    assert _drawn(page.locator("#reuse svg a.rg-node circle")) == 3
    assert _drawn(page.locator("#reuse svg path.rg-edge")) >= 2
    assert page.locator("#coverage td.cell.reported").count() == 4
    w.check()


def test_browser_report_summary_sentence_shows_its_sources(browser, report):
    w = Watched(browser)
    page = w.open(report / "stories" / f"{STORY}.html")
    sentences = page.locator("#summary li.sent")
    assert sentences.count() == 3
    first_pop = sentences.nth(0).locator(".src-pop")
    assert first_pop.is_hidden()
    sentences.nth(0).hover()
    assert first_pop.is_visible()
    assert "Dock workers walked out on Saturday" in first_pop.inner_text()
    assert "Harbour Ledger" in first_pop.inner_text()
    page.mouse.move(1190, 10)  # away: hover ends
    assert first_pop.is_hidden()
    sentences.nth(2).click()  # click gives the sentence focus, which keeps its sources open
    page.mouse.move(1190, 10)
    third_pop = sentences.nth(2).locator(".src-pop")
    assert third_pop.is_visible() and "review the night-shift rules" in third_pop.inner_text()
    w.check()


def test_browser_report_empty_story_page_renders(browser, report):
    w = Watched(browser)
    page = w.open(report / "stories" / f"{QUIET}.html")
    assert page.locator("#conflicts").inner_text().endswith("No conflicts found between the accounts.")
    assert page.locator("svg").count() == 0
    w.check()


def test_browser_report_untrusted_text_runs_no_script(browser, tmp_path):
    write_report(story_analysis(evil=True), tmp_path)
    for path in (tmp_path / "index.html", tmp_path / "stories" / f"{STORY}.html"):
        w = Watched(browser)
        page = w.open(path)
        assert page.evaluate("document.scripts.length") == 0
        assert '<script>alert("x")</script>' in page.locator("body").inner_text()  # shown as text
        if path.parent.name == "stories":
            page.locator("#summary li.sent").first.hover()  # the popover holds escaped text too
        w.check()
