"""The HTML report: escaped, self-contained, sections shown only when they have content."""
import base64
import hashlib
import re

import pytest

from rashomon.model import Analysis, Article, Dateline, Loaded, Rejection, Source
from rashomon.report import render_report, write_report

EVIL = "<script>alert(1)</script>"
EVIL_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _article(**kw):
    base = dict(id="a-1", source=Source("corpus/wire.txt", 0), text="Rain fell on Tuesday in Portvale.",
                title="Rain in Portvale")
    base.update(kw)
    return Article(**base)


def _html(analysis, tmp_path):
    path = write_report(analysis, tmp_path)
    assert path == tmp_path / "index.html"
    return path.read_text("utf-8")


def test_report_escapes_untrusted_article_fields(tmp_path):
    art = _article(title=EVIL, text=f"Before {EVIL} after.", removed=[EVIL], outlet=EVIL, byline=EVIL,
                   extra={"subtitle": EVIL})
    analysis = Analysis(articles=[art], rejected=[Rejection(Source(f"bad{EVIL}.bin"), f"reason {EVIL}")],
                        reuse=[{"a": "a-1", "b": "a-1", "kind": "rewrite", "shared": 0.5,
                                "substitutions": [{"a": EVIL, "b": "x"}]}])
    html = _html(analysis, tmp_path)
    assert "<script" not in html.lower()  # the report itself has no script at all
    # title (heading and metadata), text, removed line, outlet, byline, subtitle, rejected path and reason, substitution
    assert html.count(EVIL_ESCAPED) >= 9


def test_report_escapes_attribute_values(tmp_path):
    art = _article(id='x" onmouseover="alert(1)', loaded=[Loaded(0, 4, "Rain", 'a" onclick="alert(2)')])
    html = _html(Analysis(articles=[art]), tmp_path)
    assert 'onmouseover="alert(1)"' not in html
    assert 'onclick="alert(2)"' not in html
    assert "&#34; onmouseover=&#34;" in html or "&quot; onmouseover=&quot;" in html


def test_report_removed_lines_are_collapsed(tmp_path):
    art = _article(removed=["Previous Article", "Share this article: Facebook | X"])
    html = _html(Analysis(articles=[art]), tmp_path)
    details = re.search(r"<details([^>]*)>(.*?)</details>", html, re.S)
    assert details, "removed lines belong in a <details> element"
    assert "open" not in details.group(1)
    assert "Removed by cleaning (2 lines)" in details.group(2)
    assert "Previous Article" in details.group(2) and "Share this article: Facebook | X" in details.group(2)


def test_report_without_removed_lines_has_no_details(tmp_path):
    html = _html(Analysis(articles=[_article()]), tmp_path)
    assert "<details" not in html


def test_report_lists_rejected_inputs_with_reasons(tmp_path):
    analysis = Analysis(articles=[_article()], rejected=[Rejection(Source("corpus/empty.txt"), "empty file"),
                                                         Rejection(Source("corpus/feed.jsonl", 3), "line 4: malformed JSON")])
    html = _html(analysis, tmp_path)
    section = html[html.index('id="rejected"'):]
    assert "corpus/empty.txt" in section and "empty file" in section
    assert "corpus/feed.jsonl#3" in section and "line 4: malformed JSON" in section


def test_report_groups_articles_by_input_file(tmp_path):
    arts = [_article(id="b-2", source=Source("corpus/repost.txt", 1), title="Second on the page"),
            _article(id="w-1", source=Source("corpus/wire.txt", 0), title="The wire story"),
            _article(id="b-1", source=Source("corpus/repost.txt", 0), title="First on the page")]
    html = _html(Analysis(articles=arts), tmp_path)
    headings = re.findall(r'<h3 class="path">([^<]+?) <span', html)
    assert headings == ["corpus/repost.txt", "corpus/wire.txt"]
    assert html.index("First on the page") < html.index("Second on the page") < html.index("The wire story")


def test_report_shows_article_metadata(tmp_path):
    art = _article(outlet="Coastline Herald", byline="Mira Solberg", url="https://herald.example/a",
                   dateline=Dateline("PORTVALE", "2025-03-09", "MPA"), published="2025-03-09",
                   published_basis="dateline", wire=["MPA"], language="en",
                   extra={"subtitle": "Both sides promise calm", "page_date": "2025-03-10"})
    html = _html(Analysis(articles=[art]), tmp_path)
    meta = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]*)</td></tr>', html))
    assert meta["Outlet"] == "Coastline Herald"
    assert meta["Byline"] == "Mira Solberg"
    assert meta["Dateline"] == "PORTVALE · 2025-03-09 · (MPA)"
    assert meta["Published"] == "2025-03-09 (dateline)"
    assert meta["Wire"] == "MPA"
    assert meta["Language"] == "en"
    assert meta["Subtitle"] == "Both sides promise calm"
    assert meta["Page date"] == "2025-03-10"
    assert meta["Id"] == "a-1"
    assert meta["Source"] == "corpus/wire.txt#0"


def test_report_unknown_published_says_so(tmp_path):
    html = _html(Analysis(articles=[_article()]), tmp_path)
    assert "<td>unknown (unknown)</td>" in html


def test_report_marks_loaded_wording(tmp_path):
    art = _article(text="Police dispersed the rioters.", loaded=[Loaded(21, 28, "rioters", "protesters")])
    html = _html(Analysis(articles=[art]), tmp_path)
    assert '<mark class="loaded" title="neutral: protesters">rioters</mark>' in html
    assert "Police dispersed the " in html


def test_report_hides_empty_corpus_sections(tmp_path):
    html = _html(Analysis(articles=[_article()]), tmp_path)
    for section in ("reuse", "stories", "storylines", "rejected"):
        assert f'id="{section}"' not in html
    assert 'id="articles"' in html


def test_report_shows_filled_corpus_sections(tmp_path):
    arts = [_article(id="w-1", title="Wire"), _article(id="r-1", title="Rewrite", source=Source("corpus/hv.html", 0))]
    analysis = Analysis(
        articles=arts,
        reuse=[{"a": "w-1", "b": "r-1", "kind": "rewrite", "shared": 0.82, "source": "w-1", "common_origin": "MPA",
                "substitutions": [{"a": "protesters", "b": "rioters"}], "spans": []}],
        stories=[{"id": "s-1", "title": "Darsit clashes", "articles": ["w-1", "r-1"], "start": "2025-03-08",
                  "end": "2025-03-10", "summary": [{"text": "Fighting killed 14.", "sources": [{"article": "w-1", "start": 0, "end": 4}]}]}],
        storylines=[{"id": "l-1", "title": "The NRF conflict", "stories": ["s-1"], "links": []}],
    )
    html = _html(analysis, tmp_path)
    reuse = html[html.index('id="reuse"'):html.index('id="articles"')]
    assert "rewrite" in reuse and "82%" in reuse and "MPA" in reuse
    assert "<del>protesters</del> → <ins>rioters</ins>" in reuse
    assert '<a href="#w-1">Wire</a>' in reuse
    stories = html[html.index('id="stories"'):]
    assert "Darsit clashes" in stories and "2025-03-08 – 2025-03-10" in stories and "Fighting killed 14." in stories
    assert '<a href="#s-1">Darsit clashes</a>' in html[html.index('id="storylines"'):]


def test_report_header_counts(tmp_path):
    arts = [_article(id="a-1", outlet="MPA"), _article(id="a-2", outlet="Herald", source=Source("corpus/b.txt", 0)),
            _article(id="a-3", outlet="Herald", source=Source("corpus/b.txt", 1))]
    html = _html(Analysis(articles=arts, rejected=[Rejection(Source("x.bin"), "binary")]), tmp_path)
    counts = dict((name, int(n)) for n, name in re.findall(r"<li><strong>(\d+)</strong> ([a-z ]+)</li>", html))
    assert counts == {"articles": 3, "files read": 2, "outlets": 2, "rejected": 1}


def test_report_loads_no_external_assets(tmp_path):
    art = _article(url="https://outlet.example/story", text="See https://outlet.example/more for more.")
    html = _html(Analysis(articles=[art]), tmp_path)
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"<link\b|<script\b|<img\b|<iframe\b|@import|url\(", html, re.I)


def test_report_has_strict_csp_matching_inline_style(tmp_path):
    html = _html(Analysis(articles=[_article()]), tmp_path)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp, "the page must carry a Content-Security-Policy meta tag"
    policy = csp.group(1).replace("&#39;", "'")
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy  # otherwise the browser would block the stylesheet
    assert "body {" in style


def test_report_is_deterministic(tmp_path):
    analysis = Analysis(articles=[_article()])
    assert render_report(analysis) == render_report(analysis)


def test_report_templates_ship_in_the_package():
    from importlib import resources

    pkg = resources.files("rashomon.report")
    assert pkg.joinpath("templates", "report.html").is_file()
    assert pkg.joinpath("static", "report.css").is_file()


@pytest.mark.parametrize("articles", [[], [_article(text="")]])
def test_report_renders_degenerate_input(tmp_path, articles):
    html = _html(Analysis(articles=articles, rejected=[Rejection(Source("x"), "empty file")]), tmp_path)
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
