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
    assert '<a href="stories/s-1.html">Darsit clashes</a>' in html[html.index('id="storylines"'):]
    assert '<a href="stories/s-1.html">Darsit clashes</a>' in stories  # the story list links its page
    assert (tmp_path / "stories" / "s-1.html").is_file()


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


# --- reuse: side-by-side segments, graph ---------------------------------------------------------

from rashomon.report import diff_segments  # noqa: E402


def _segs(text, spans, skip=()):
    return [(s.text, s.shared, s.compared) for s in diff_segments(text, spans, skip)]


def test_report_diff_segments_split_shared_and_differing():
    text = "Police dispersed the protesters in the square."
    # shared: "Police dispersed the " and " in the square."; differing: "protesters"
    assert _segs(text, [(0, 21), (31, 46)]) == [
        ("Police dispersed the ", True, True), ("protesters", False, True), (" in the square.", True, True)]


def test_report_diff_segments_offsets_at_text_edges():
    text = "Added lead. Shared middle. Added tail"
    assert _segs(text, [(12, 26)]) == [("Added lead. ", False, True), ("Shared middle.", True, True),
                                       (" Added tail", False, True)]
    assert _segs(text, [(0, len(text))]) == [(text, True, True)]
    assert _segs(text, [(-5, 3), (30, 999)]) == [("Add", True, True), ("ed lead. Shared middle. Add", False, True),
                                                  ("ed tail", True, True)]
    assert _segs(text, []) == [(text, False, True)]
    assert _segs("", [(0, 4)]) == []


def test_report_diff_segments_overlapping_unsorted_spans():
    text = "one two three four five six"
    # unsorted, overlapping (4-13 inside 0-13), touching (13-18 / 18-19) and an empty and an inverted span
    spans = [(19, 23), (0, 13), (4, 13), (13, 18), (9, 9), (26, 24)]
    assert _segs(text, spans) == [("one two three four five", True, True), (" six", False, True)]


def test_report_diff_segments_ignore_gaps_without_words():
    text = "Rain fell, said MPA; wind rose."
    assert _segs(text, [(0, 9), (11, 19), (21, 31)]) == [(text, True, True)]  # ", " and "; " are not highlighted
    assert _segs(text, [(0, 9), (21, 31)]) == [("Rain fell", True, True), (", said MPA; ", False, True),
                                                 ("wind rose.", True, True)]


def test_report_diff_segments_dateline_is_not_compared():
    text = "PORTVALE (MPA) - Rain fell. Wind rose."
    assert _segs(text, [(17, 28)], skip=[(0, 16)]) == [
        ("PORTVALE (MPA) -", False, False), (" Rain fell. ", True, True), ("Wind rose.", False, True)]


def test_report_diff_segments_always_concatenate_to_the_text():
    import random

    rng = random.Random(7)
    text = "The army said 14 people were killed, rebels said 20; monitors could not confirm either toll."
    for _ in range(300):
        spans = [tuple(sorted((rng.randint(-5, len(text) + 5), rng.randint(-5, len(text) + 5))))
                 for _ in range(rng.randint(0, 6))]
        skip = [(0, rng.randint(0, 10))] if rng.random() < 0.5 else []
        segs = diff_segments(text, spans, skip)
        assert "".join(s.text for s in segs) == text
        assert all(s.text for s in segs)
        kinds = [(s.shared, s.compared) for s in segs]
        assert all(x != y for x, y in zip(kinds, kinds[1:]))  # adjacent pieces of one kind are merged
        for start, end in spans:  # every character inside a span is in a shared piece
            pos = 0
            for s in segs:
                lo, hi = max(start, pos), min(end, pos + len(s.text))
                assert lo >= hi or s.shared
                pos += len(s.text)


def _pair_analysis(**reuse_kw):
    wire = _article(id="w-1", title="Wire story", outlet="MPA", published="2025-03-09",
                    text="Police dispersed the protesters in Portvale on Saturday.")
    copy = _article(id="r-1", title="Rewrite", outlet="Homeland Voice", published="2025-03-10",
                    source=Source("corpus/hv.html", 0),
                    text="Police dispersed the rioters in Portvale on Saturday.",
                    loaded=[Loaded(21, 28, "rioters", "protesters")])
    pair = {"a": "w-1", "b": "r-1", "kind": "rewrite", "shared": 0.8, "source": "w-1", "common_origin": None,
            "substitutions": [{"a": "protesters", "b": "rioters", "kind": "wording"}],
            "spans": [{"a_start": 0, "a_end": 21, "b_start": 0, "b_end": 21},
                      {"a_start": 31, "a_end": 56, "b_start": 28, "b_end": 53}]}
    pair.update(reuse_kw)
    return Analysis(articles=[wire, copy], reuse=[pair])


def _svg(html):
    m = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert m, "the reuse graph is an inline <svg>"
    return m.group(0)


def test_report_side_by_side_highlights_what_differs(tmp_path):
    html = _html(_pair_analysis(), tmp_path)
    details = re.findall(r'<details class="pair" id="pair-1">(.*?)</details>', html, re.S)
    assert len(details) == 1, "one collapsed <details> per pair"
    body = details[0]
    cols = re.findall(r'<div class="sbs-text">(.*?)</div>', body, re.S)
    assert cols == ['Police dispersed the <del class="diff">protesters</del> in Portvale on Saturday.',
                    'Police dispersed the <ins class="diff">rioters</ins> in Portvale on Saturday.']
    assert '<h5>wording (1)</h5>' in body
    assert '<del>protesters</del> → <ins>rioters</ins> <span class="badge loaded">loaded</span>' in body


def test_report_side_by_side_lists_substitutions_by_kind_in_given_order(tmp_path):
    subs = [{"a": "", "b": "so-called", "kind": "addition"},
            {"a": "rebels", "b": "terrorists", "kind": "wording"},
            {"a": "tyre", "b": "tire", "kind": "spelling"},
            {"a": "said", "b": "claimed", "kind": "wording"},
            {"a": "neutral", "b": "", "kind": "omission"},
            {"a": "crowd", "b": "mob"}]  # no kind given: a wording swap
    html = _html(_pair_analysis(substitutions=subs), tmp_path)
    body = html[html.index('id="pair-1"'):]
    heads = re.findall(r"<h5>(\w+) \((\d+)\)</h5>", body)
    assert heads == [("wording", "3"), ("spelling", "1"), ("addition", "1"), ("omission", "1")]
    wording = body[body.index("<h5>wording"):body.index("<h5>spelling")]
    assert wording.index("rebels") < wording.index("claimed") < wording.index("crowd")
    assert "<li><ins>so-called</ins></li>" in body and "<li><del>neutral</del></li>" in body
    assert "badge loaded" not in body  # neither article marks any of these phrases as loaded


def test_report_side_by_side_escapes_article_text(tmp_path):
    analysis = _pair_analysis()
    for art in analysis.articles:
        art.text = f"Shared {EVIL} part. " + ("Only A <b>x</b>" if art.id == "w-1" else "Only B <img src=x onerror=alert(1)>")
    n = len("Shared ") + len(EVIL) + len(" part.")
    analysis.reuse[0]["spans"] = [{"a_start": 0, "a_end": n, "b_start": 0, "b_end": n}]
    html = _html(analysis, tmp_path)
    cols = re.findall(r'<div class="sbs-text">(.*?)</div>', html, re.S)
    assert cols[0] == f'Shared {EVIL_ESCAPED} part.<del class="diff"> Only A &lt;b&gt;x&lt;/b&gt;</del>'
    assert cols[1].endswith('<ins class="diff"> Only B &lt;img src=x onerror=alert(1)&gt;</ins>')
    assert "<script" not in html.lower() and "<img" not in html.lower() and "<b>" not in html


def test_report_graph_escapes_labels(tmp_path):
    wire = _article(id='w"><script>alert(1)</script>', title=EVIL, outlet=EVIL, published=EVIL)
    copy = _article(id="r-1", title="</text><script>alert(2)</script>", source=Source("b.txt", 0))
    analysis = Analysis(articles=[wire, copy], reuse=[{
        "a": wire.id, "b": "r-1", "kind": "republication", "shared": 1.0, "source": None,
        "common_origin": f"Agency{EVIL}", "substitutions": [], "spans": []}])
    svg = _svg(_html(analysis, tmp_path))
    assert "<script" not in svg.lower()
    assert svg.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4  # label, date line, origin label, tooltips
    assert "&lt;/text&gt;&lt;script&gt;alert(2)" in svg  # the title shows in the node's tooltip
    assert 'href="#w&#34;&gt;&lt;script&gt;' in svg or 'href="#w&quot;&gt;&lt;script&gt;' in svg


def test_report_graph_drawn_only_when_there_is_reuse(tmp_path):
    html = _html(Analysis(articles=[_article(), _article(id="a-2", source=Source("b.txt", 0))]), tmp_path)
    assert "<svg" not in html and 'class="pair"' not in html
    html = _html(_pair_analysis(), tmp_path)
    svg = _svg(html)
    assert len(re.findall(r'<a href="#(?:w-1|r-1)" class="rg-node">', svg)) == 2
    assert len(re.findall(r'class="rg-edge k-rewrite"', svg)) == 2  # the pair and its legend swatch


def test_report_graph_arrow_runs_from_the_source(tmp_path):
    def edge(html):
        m = re.search(r'<path d="M([\d.]+),([\d.]+) Q[^"]*" class="rg-edge k-rewrite"([^>]*)>', _svg(html))
        assert m, "the pair is drawn as an edge styled by its kind"
        return float(m.group(1)), float(m.group(2)), m.group(3)

    def node(html, aid):
        m = re.search(rf'<a href="#{aid}" class="rg-node">\s*<title>[^<]*</title>\s*<circle cx="([\d.]+)" cy="([\d.]+)"',
                      _svg(html))
        return float(m.group(1)), float(m.group(2))

    for source, other in (("w-1", "r-1"), ("r-1", "w-1")):
        html = _html(_pair_analysis(source=source), tmp_path)
        x, y, attrs = edge(html)
        assert 'marker-end="url(#rg-arrow-rewrite)"' in attrs
        (sx, sy), (ox, oy) = node(html, source), node(html, other)
        assert abs(x - sx) + abs(y - sy) < abs(x - ox) + abs(y - oy), "the edge starts at the source"
    _, _, attrs = edge(_html(_pair_analysis(source=None), tmp_path))
    assert "marker-end" not in attrs, "no arrow when the earlier article is not known"


def test_report_graph_shows_common_origin_and_legend(tmp_path):
    svg = _svg(_html(_pair_analysis(common_origin="MPA", kind="republication"), tmp_path))
    assert re.search(r'<path d="[^"]*" class="rg-wire"/>', svg)
    assert re.search(r'class="rg-label">MPA</text>\s*<text[^>]*class="rg-sub">common origin \(wire\)</text>', svg)
    assert len(re.findall(r'class="rg-edge k-origin"', svg)) == 2  # the wire to each article
    legend = svg[svg.index('class="rg-legend"'):svg.index('class="rg-edges"')]
    assert ">republication</text>" in legend and ">common origin (wire)</text>" in legend
    assert ">rewrite</text>" not in legend  # only the kinds present


def test_report_graph_labels_give_outlet_and_date(tmp_path):
    svg = _svg(_html(_pair_analysis(), tmp_path))
    assert re.search(r'class="rg-label">MPA</text>\s*<text[^>]*class="rg-sub">2025-03-09</text>', svg)
    assert re.search(r'class="rg-label">Homeland Voice</text>\s*<text[^>]*class="rg-sub">2025-03-10</text>', svg)


def test_report_graph_layout_is_deterministic_and_groups_components(tmp_path):
    arts = [_article(id=f"x-{i}", title=f"T{i}", source=Source(f"f{i}.txt", 0), published=f"2025-01-0{i + 1}")
            for i in range(5)]
    reuse = [{"a": "x-0", "b": "x-1", "kind": "duplicate", "shared": 1.0},
             {"a": "x-2", "b": "x-3", "kind": "partial", "shared": 0.3},
             {"a": "x-3", "b": "x-4", "kind": "shared_quotes", "shared": 0.1}]
    html = render_report(Analysis(articles=arts, reuse=reuse))
    assert html == render_report(Analysis(articles=arts, reuse=reuse))
    nums = dict(re.findall(r'<a href="#(x-\d)" class="rg-node">.*?class="rg-num">(\d+)</text>', _svg(html), re.S))
    # the larger component first, each in date order
    assert [nums[k] for k in ("x-2", "x-3", "x-4", "x-0", "x-1")] == ["1", "2", "3", "4", "5"]


def test_report_csp_hash_matches_with_reuse_graph(tmp_path):
    html = _html(_pair_analysis(common_origin="MPA"), tmp_path)
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode("utf-8")).digest()).decode()
    assert f"style-src &#39;sha256-{digest}&#39;" in policy or f"style-src 'sha256-{digest}'" in policy
    assert ".rg-edge" in styles[0] and "del.diff" in styles[0]
    # a hash-only style-src blocks style attributes: the graph and the columns style by class
    assert not re.search(r"\sstyle\s*=", html)
    assert "<script" not in html.lower()


def _paged_analysis(n=7):
    arts = [_article(id=f"a-{k}", title=f"Ferry news {k}", outlet="Harbour Post" if k % 2 else "Valley Times",
                     source=Source("corpus/ferries.jsonl", k),
                     text=f"The Portvale ferry sailed {k} times on Tuesday.{EVIL}",
                     loaded=[Loaded(4, 13, "Portvale", "Tamsara")]) for k in range(n)]
    reuse = [{"a": f"a-{k}", "b": f"a-{k + 1}", "kind": "rewrite", "shared": 0.8,
              "spans": [{"a_start": 0, "a_end": 20, "b_start": 0, "b_end": 20}],
              "substitutions": [{"a": str(k), "b": str(k + 1)}]} for k in range(n - 1)]
    stories = [{"id": "story-ferry", "title": "Ferries", "articles": [a.id for a in arts]}]
    return Analysis(articles=arts, reuse=reuse, stories=stories)


def _local_links(path):
    """(file, anchor) of every relative link of an HTML page, resolved from its folder."""
    html = path.read_text("utf-8")
    out = []
    for href in re.findall(r'href="([^"]+)"', html):
        target, _, anchor = href.partition("#")
        out.append(((path.parent / target).resolve() if target else path.resolve(), anchor))
    return out


def test_a_large_report_pages_its_texts_and_side_by_side_views(tmp_path):
    """Past ``full_max`` articles the overview lists the articles and pairs and links to pages of
    ``page_size`` of them: every text and every pair is on exactly one page, and every link of
    every page lands on a file that exists and an id that file holds."""
    analysis = _paged_analysis(7)
    index = write_report(analysis, tmp_path, full_max=5, page_size=3).read_text("utf-8")
    assert sorted(p.name for p in (tmp_path / "articles").iterdir()) == ["1.html", "2.html", "3.html"]
    assert sorted(p.name for p in (tmp_path / "reuse").iterdir()) == ["1.html", "2.html"]
    assert 'class="text"' not in index and "<details class=\"pair\"" not in index
    assert 'href="articles/3.html#a-6"' in index and 'href="reuse/2.html#pair-4"' in index
    pages = sorted((tmp_path / "articles").glob("*.html"))
    texts = [re.findall(r'<article class="article" id="([^"]+)"', p.read_text("utf-8")) for p in pages]
    assert texts == [["a-0", "a-1", "a-2"], ["a-3", "a-4", "a-5"], ["a-6"]]
    pairs = [re.findall(r'<details class="pair" id="pair-(\d+)"', p.read_text("utf-8"))
             for p in sorted((tmp_path / "reuse").glob("*.html"))]
    assert pairs == [["1", "2", "3"], ["4", "5", "6"]]
    for page in [tmp_path / "index.html", *pages, *(tmp_path / "reuse").glob("*.html"),
                 *(tmp_path / "stories").glob("*.html")]:
        html = page.read_text("utf-8")
        assert "<script" not in html.lower()
        assert EVIL_ESCAPED in html or page.parent.name not in ("articles", "reuse")  # texts, escaped
        for target, anchor in _local_links(page):
            assert target.is_file(), (page, target)
            if anchor:
                assert f'id="{anchor}"' in target.read_text("utf-8"), (page, target, anchor)
    # a smaller run into the same folder: one page, the old article and reuse pages removed
    small = _paged_analysis(3)
    index = write_report(small, tmp_path, full_max=5, page_size=3).read_text("utf-8")
    assert not list((tmp_path / "articles").glob("*.html")) and not list((tmp_path / "reuse").glob("*.html"))
    assert index.count('<article class="article"') == 3 and 'href="#pair-2"' in index
