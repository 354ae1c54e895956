"""Re-take the report screenshots in docs/: ``python3 docs/screenshot.py INPUT...``.

Analyses the inputs (for the docs: ``examples/corpus``, our own fictional articles), writes the report to a temporary
folder (or ``--out DIR``), opens the page of the story with the most articles in Debian's
headless Chromium (``/usr/bin/chromium``, no browser download) with a summary sentence hovered
when the story has a summary, and saves the top of it as ``docs/story-page.png`` and ``docs/index-page.png``.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DOCS = Path(__file__).resolve().parent
MAX_HEIGHT = 2600  # the top of a story page: header, summary (a sentence hovered), timeline


def shoot(report: Path, story_file: str, docs: Path = DOCS) -> list[Path]:
    """Screenshot the overview and one story page of the report in ``report``."""
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto((report / "stories" / story_file).as_uri())
            if page.locator("#summary li.sent").count():
                page.locator("#summary li.sent").first.hover()
            written.append(docs / "story-page.png")
            height = min(page.evaluate("document.body.scrollHeight"), MAX_HEIGHT)
            page.screenshot(path=str(written[-1]), full_page=True,
                            clip={"x": 0, "y": 0, "width": 1100, "height": height})
            page.goto((report / "index.html").as_uri())
            written.append(docs / "index-page.png")
            page.screenshot(path=str(written[-1]))  # the top of the overview
        finally:
            browser.close()
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", help="input files or folders to analyse")
    ap.add_argument("--out", help="write the report here (default: a temporary folder)")
    args = ap.parse_args()

    import rashomon
    from rashomon.output import write
    from rashomon.report import story_file

    analysis = rashomon.analyze(args.inputs)
    if not analysis.stories:
        raise SystemExit("no story found in the inputs: nothing to screenshot")
    story = max(analysis.stories, key=lambda s: (len(s["articles"]), len(s["summary"])))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out or tmp)
        write(analysis, out)
        for path in shoot(out, story_file(story["id"])):
            print(f"wrote {path} ({story['title']})" if path.name == "story-page.png" else f"wrote {path}")


if __name__ == "__main__":
    main()
