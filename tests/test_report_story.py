"""The report's story pages and storyline charts, on a hand-made analysis with every section filled.

``story_analysis()`` builds a small fictional corpus (a dock strike in Portvale, our own writing)
whose story holds a summary, timeline, facts, conflicts and framing as the contract describes;
tests/test_browser_report.py opens the same pages in Chromium.
"""
import base64
import hashlib
import re
from datetime import date

from rashomon.model import Analysis, Article, Loaded, Source
from rashomon.output import write
from rashomon.report import render_report, render_story, story_file, write_report
from rashomon.report.charts import ChartRow, date_chart, ticks

EVIL = "<script>alert(\"x\")</script>'"

TEXTS = {
    "a-1": ("PORTVALE - Dock workers walked out on Saturday after talks over night-shift pay collapsed "
            "on Friday, the union said. About 400 workers joined the strike, union spokeswoman Ilse "
            "Varga told reporters. Police said 12 people were detained near the north gate."),
    "a-2": ("Rioting dockers shut the port of Portvale on Saturday. Some 150 dockers blocked the north "
            "gate, the port authority said, and police detained 12 of them."),
    "a-3": ("The Portvale port authority said on Sunday it would review the night-shift rules this "
            "month. Security forces kept the north gate open overnight."),
    "a-4": ("Ships queued outside Portvale on Tuesday as the dock strike entered its fourth day, with "
            "no new talks planned."),
    "a-5": "A bakery in Lowmarsh won a regional prize for its rye bread.",
}


def _span(aid, phrase):
    start = TEXTS[aid].index(phrase)
    return {"article": aid, "start": start, "end": start + len(phrase)}


def story_analysis(evil: bool = False) -> Analysis:
    """Two stories (one with every section, one with only its article), a storyline linking
    them, reuse pairs (one reaching outside the story) and events. ``evil`` puts markup and
    quotes into titles, outlets, texts, entity names and every story field."""
    x = EVIL if evil else ""
    meta = {"a-1": ("Harbour Ledger", "Dockers strike over night pay", "2025-03-08"),
            "a-2": ("Coastline Herald", "Rioting dockers shut the port", "2025-03-09"),
            "a-3": ("Portvale Radio", "Port to review shift rules", "2025-03-10"),
            "a-4": ("Harbour Ledger", "Ships queue as strike drags on", "2025-03-11"),
            "a-5": ("Lowmarsh Post", "Rye bread wins a prize", "2025-03-09")}
    articles = []
    for i, (aid, text) in enumerate(TEXTS.items()):
        outlet, title, published = meta[aid]
        articles.append(Article(id=aid, source=Source(f"corpus/{aid}.txt", 0), text=text + x,
                                title=title + x, outlet=outlet + x, published=published,
                                published_basis="given"))
    loaded_start = TEXTS["a-2"].index("Rioting dockers")
    articles[1].loaded = [Loaded(loaded_start, loaded_start + 15, "Rioting dockers", "Striking dock workers")]
    story = {
        "id": "story-1a2b3c4d5e6f", "title": "Portvale dock strike" + x,
        "articles": ["a-1", "a-2", "a-3"], "start": "2025-03-07", "end": "2025-03-10",
        "summary": [
            {"text": "Dock workers in Portvale went on strike on Saturday over night-shift pay." + x,
             "sources": [_span("a-1", "Dock workers walked out on Saturday"), _span("a-2", "shut the port of Portvale")]},
            {"text": "Police detained 12 people near the north gate.",
             "sources": [_span("a-1", "Police said 12 people were detained near the north gate")]},
            {"text": "The port authority will review the night-shift rules.",
             "sources": [_span("a-3", "review the night-shift rules")]},
        ],
        "timeline": [
            {"date": "2025-03-07", "text": "Talks over night-shift pay collapse" + x, "event": "e-talks",
             "sources": [_span("a-1", "talks over night-shift pay collapsed")]},
            {"date": "2025-03-08", "text": "The strike begins", "event": None,
             "sources": [_span("a-1", "walked out on Saturday")]},
            {"date": "2025-03", "text": "Port authority reviews the shift rules", "event": None,
             "sources": [_span("a-3", "review the night-shift rules this month")]},
        ],
        "facts": [
            {"text": "Police detained 12 people." + x, "reported_by": ["a-1", "a-2"], "omitted_by": ["a-3"]},
            {"text": "The strike is over night-shift pay.", "reported_by": ["a-1"], "omitted_by": ["a-2", "a-3"]},
            {"text": "The port authority will review the rules.", "reported_by": ["a-3"], "omitted_by": []},
        ],
        "conflicts": [{"topic": "How many workers struck" + x, "claims": [
            {"article": "a-1", "text": "about 400 workers" + x, **{k: v for k, v in _span("a-1", "About 400 workers").items() if k != "article"}},
            {"article": "a-2", "text": "some 150 dockers", **{k: v for k, v in _span("a-2", "Some 150 dockers").items() if k != "article"}},
        ]}],
        "framing": [
            {"entity": "ent-workers", "terms": {"a-1": ["dock workers" + x], "a-2": ["rioting dockers", "dockers"]}},
            {"entity": "ent-police", "terms": {"a-1": ["police"], "a-3": ["security forces"]}},
        ],
    }
    quiet = {"id": "story-9f8e7d6c5b4a", "title": "Ships queue outside Portvale", "articles": ["a-4"],
             "start": "2025-03-11", "end": "2025-03-11",
             "summary": [], "timeline": [], "facts": [], "conflicts": [], "framing": []}
    bread = {"id": "story-000000000bad", "title": "Rye bread prize", "articles": ["a-5"],
             "start": "2025-03-09", "end": "2025-03-09",
             "summary": [], "timeline": [], "facts": [], "conflicts": [], "framing": []}
    entities = [{"id": "ent-workers", "name": "dock workers" + x, "type": "NORP", "aliases": [], "description": None,
                 "mentions": []},
                {"id": "ent-police", "name": "Portvale police", "type": "ORG", "aliases": [], "description": None,
                 "mentions": []}]
    events = [
        {"id": "e-talks", "type": "DISAGREE", "date": "2025-03-07", "actors": ["ent-workers"], "targets": [],
         "location": None, "killed": None, "injured": None, "mentions": [_span("a-1", "talks over night-shift pay collapsed")]},
        {"id": "e-arrest", "type": "ARREST" + x, "date": "2025-03-08", "actors": ["ent-police"],
         "targets": ["ent-workers"], "location": None, "killed": None, "injured": None,
         "mentions": [_span("a-1", "Police said 12 people were detained"), _span("a-2", "police detained 12 of them")]},
        {"id": "e-demand", "type": "DEMAND", "date": None, "actors": ["ent-workers"], "targets": [],
         "location": None, "killed": None, "injured": None, "mentions": [_span("a-1", "joined the strike")]},
        {"id": "e-bread", "type": "AWARD", "date": "2025-03-09", "actors": [], "targets": [], "location": None,
         "killed": None, "injured": None, "mentions": [_span("a-5", "won a regional prize")]},
    ]
    reuse = [
        {"a": "a-1", "b": "a-2", "kind": "rewrite", "shared": 0.4, "source": "a-1", "common_origin": None,
         "substitutions": [{"a": "Dock workers", "b": "Rioting dockers"}], "spans": []},
        {"a": "a-2", "b": "a-3", "kind": "partial", "shared": 0.2, "source": None, "common_origin": "Port Wire" + x,
         "substitutions": [], "spans": []},
        {"a": "a-3", "b": "a-4", "kind": "shared_quotes", "shared": 0.1, "source": "a-3", "common_origin": None,
         "substitutions": [], "spans": []},  # a-4 is in another story: not drawn on this story's page
    ]
    storylines = [{"id": "storyline-abc123", "title": "The Portvale dock dispute" + x,
                   "stories": [story["id"], quiet["id"]],
                   "links": [{"from": story["id"], "to": quiet["id"], "relation": "escalation"}]}]
    return Analysis(articles=articles, reuse=reuse, entities=entities, events=events,
                    stories=[story, quiet, bread], storylines=storylines)


STORY = "story-1a2b3c4d5e6f"
QUIET = "story-9f8e7d6c5b4a"


def _page(analysis=None, sid=STORY):
    return render_story(analysis or story_analysis(), sid)


def _section(html, sid):
    start = html.index(f'<section id="{sid}">')
    return html[start:html.index("</section>", start)]


def test_report_story_writes_one_page_per_story_linked_from_the_index(tmp_path):
    write_report(story_analysis(), tmp_path)
    pages = sorted(p.name for p in (tmp_path / "stories").iterdir())
    assert pages == sorted(f"{s}.html" for s in (STORY, QUIET, "story-000000000bad"))
    index = (tmp_path / "index.html").read_text("utf-8")
    stories = _section(index, "stories")
    assert re.findall(r'<a href="stories/([^"]+)">', stories) == [f"{STORY}.html", f"{QUIET}.html",
                                                                  "story-000000000bad.html"]
    row = stories[stories.index(f'id="{STORY}"'):stories.index(f'id="{QUIET}"')]
    assert "2025-03-07 – 2025-03-10" in row and "<td>3</td>" in row  # dates, article and outlet counts


def test_report_story_output_write_validates_and_writes_pages(tmp_path):
    paths = write(story_analysis(), tmp_path)  # the fixture follows the contract
    assert paths["report"] == tmp_path / "index.html"
    assert (tmp_path / "stories" / f"{STORY}.html").is_file()


def test_report_story_page_header_and_links_back(tmp_path):
    html = _page()
    assert '<h1 class="story-title">Portvale dock strike</h1>' in html
    assert "2025-03-07 – 2025-03-10 · 3 articles · 3 outlets" in html
    assert '<a href="../index.html">rashomon report</a>' in html
    assert f'continued by <a href="{QUIET}.html">Ships queue outside Portvale</a> (escalation)' in html
    arts = _section(html, "story-articles")
    assert re.findall(r'<li id="art-(\d)" value="\d"><a href="../index.html#(a-\d)">', arts) == [
        ("1", "a-1"), ("2", "a-2"), ("3", "a-3")]  # date order, each linking its place in the article section


def test_report_story_summary_sentences_carry_their_source_spans():
    summary = _section(_page(), "summary")
    sentences = re.findall(r'<li class="sent" tabindex="0">(.*?)</li>', summary, re.S)
    assert len(sentences) == 3
    first = sentences[0]
    assert first.startswith("Dock workers in Portvale went on strike on Saturday over night-shift pay.")
    assert '<sup class="cites">1,2</sup>' in first
    pop = first[first.index('<div class="src-pop"'):]
    assert re.findall(r'<q class="span">(.*?)</q>', pop) == ["Dock workers walked out on Saturday",
                                                            "shut the port of Portvale"]
    assert 'href="../index.html#a-1"' in pop and "Harbour Ledger" in pop and "Dockers strike over night pay" in pop
    assert "Coastline Herald" in pop


def test_report_story_coverage_matrix_marks_reported_and_omitted():
    coverage = _section(_page(), "coverage")
    rows = re.findall(r'<tr><th scope="row" class="fact">(.*?)</th>(.*?)</tr>', coverage, re.S)
    cells = {fact: re.findall(r'<td class="cell (\w+)"', body) for fact, body in rows}
    assert cells == {"Police detained 12 people.": ["reported", "reported", "omitted"],
                     "The strike is over night-shift pay.": ["reported", "omitted", "omitted"],
                     "The port authority will review the rules.": ["unknown", "unknown", "reported"]}
    heads = re.findall(r'<span class="col-label">([^<]*)</span>', coverage)
    assert heads == ["Harbour Ledger", "Coastline Herald", "Portvale Radio"]
    assert re.findall(r"<tfoot>.*?</tfoot>", coverage, re.S)[0].count("<td>") == 4  # per-article totals
    assert "<td>2</td><td>1</td><td>1</td>" in coverage


def test_report_story_conflicts_show_each_claim_with_its_span():
    conflicts = _section(_page(), "conflicts")
    assert "<h3>How many workers struck</h3>" in conflicts
    claims = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", conflicts, re.S)
    assert [(re.search(r"#(a-\d)", a).group(1), text, span) for a, text, span in claims] == [
        ("a-1", "about 400 workers", '<q class="span">About 400 workers</q>'),
        ("a-2", "some 150 dockers", '<q class="span">Some 150 dockers</q>')]


def test_report_story_framing_table_gives_each_articles_terms():
    framing = _section(_page(), "framing")
    rows = dict(re.findall(r'<tr><th scope="row" title="[^"]*">([^<]*)</th>(.*?)</tr>', framing, re.S))
    cells = {name: [re.findall(r'<span class="term">([^<]*)</span>', td) for td in re.findall(r"<td>(.*?)</td>", body)]
             for name, body in rows.items()}
    assert cells == {"dock workers": [["dock workers"], ["rioting dockers", "dockers"], []],
                     "Portvale police": [["police"], [], ["security forces"]]}


def test_report_story_loaded_wording_with_neutral_alternative():
    loaded = _section(_page(), "loaded")
    assert '<mark class="loaded">Rioting dockers</mark> shut the port' in loaded
    assert "<td>Striking dock workers</td>" in loaded


def test_report_story_reuse_graph_holds_only_the_storys_pairs():
    reuse = _section(_page(), "reuse")
    nodes = re.findall(r'<a href="../index.html#(a-\d)" class="rg-node">', reuse)
    assert sorted(nodes) == ["a-1", "a-2", "a-3"]  # a-4 (another story) is left out
    assert len(re.findall(r'<path d="[^"]*" class="rg-edge k-(?:rewrite|partial|shared_quotes)"', reuse)) == 2
    assert re.search(r'class="rg-label">Port Wire</text>', reuse)  # the common origin


def test_report_story_timeline_draws_one_mark_per_entry_and_event():
    timeline = _section(_page(), "timeline")
    svg = re.search(r"<svg\b.*?</svg>", timeline, re.S).group(0)
    assert len(re.findall(r'class="tl-mark k-entry"', svg)) == 3  # the story's timeline entries
    # its articles' dated events, except the one an entry stands for; the bread story's event is not here
    assert len(re.findall(r'class="tl-mark k-event"', svg)) == 1
    assert "AWARD" not in timeline and "DISAGREE" not in timeline
    assert "ARREST: Portvale police → dock workers" in svg
    assert "DEMAND" not in svg and "ch-undated" not in svg  # an undated event has no place on the axis
    undated = timeline[timeline.index('<details class="undated">'):]
    assert "1 undated event (not on the chart)" in undated and "DEMAND: dock workers" in undated
    rows = re.findall(r'<tr class="k-(\w+)"><td class="dates">([^<]*)</td>', timeline)
    assert rows == [("entry", "2025-03"), ("entry", "2025-03-07"), ("entry", "2025-03-08"),
                    ("event", "2025-03-08"), ("event", "undated")]
    # sources: one link per article, its span texts in the tooltip
    arrest = timeline[timeline.index("<td>ARREST: Portvale"):]
    arrest = arrest[:arrest.index("</tr>")]
    assert re.findall(r'<a href="../index.html#(a-\d)" title="([^"]*)">', arrest) == [
        ("a-1", "Harbour Ledger: “Police said 12 people were detained”"),
        ("a-2", "Coastline Herald: “police detained 12 of them”")]


def test_report_story_reuse_graph_numbers_nodes_as_the_article_list():
    reuse = _section(_page(), "reuse")
    nums = dict(re.findall(r'<a href="../index.html#(a-\d)" class="rg-node">.*?class="rg-num">(\d+)</text>', reuse, re.S))
    assert nums == {"a-1": "1", "a-2": "2", "a-3": "3"}
    assert re.search(r'class="rg-num">4</text>\s*<text[^>]*class="rg-label">Port Wire</text>', reuse)


def test_report_story_timeline_marks_follow_the_date_axis():
    svg = re.search(r'<section id="timeline">.*?(<svg\b.*?</svg>)', _page(), re.S).group(1)
    marks = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="5.5" class="ch-mark"/>', svg)
    xs = [float(x) for x, _ in marks]
    assert len(xs) == 3 and xs[0] < xs[1] == xs[2]  # 03-07, then 03-08 twice (entry and event)
    month = re.search(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert month and float(month.group(1)) < xs[0] and float(month.group(1)) + float(month.group(2)) > xs[2]


def test_report_story_empty_sections_say_so():
    html = _page(sid=QUIET)
    for section, text in (("summary", "No summary for this story yet."),
                          ("timeline", "No dated entries or events for this story."),
                          ("coverage", "No facts compared for this story yet."),
                          ("conflicts", "No conflicts found between the accounts."),
                          ("framing", "No framing differences recorded for this story."),
                          ("loaded", "No loaded wording marked in this story's articles."),
                          ("reuse", "No reuse found between this story's articles.")):
        assert text in _section(html, section), section
    assert "<svg" not in html
    assert "Ships queue as strike drags on" in _section(html, "story-articles")


def test_report_story_dangling_pointers_are_shown_not_dropped():
    analysis = story_analysis()
    story = analysis.stories[0]
    story["summary"] = [{"text": "A sentence.", "sources": [{"article": "a-1", "start": 5, "end": 99999},
                                                           {"article": "a-gone", "start": 0, "end": 3}]}]
    story["articles"].append("a-gone")
    pop = _section(_page(analysis), "summary")
    assert "the cited offsets do not fit the article" in pop
    assert "article a-gone (not in this analysis)" in pop


def test_report_story_escapes_untrusted_text(tmp_path):
    write_report(story_analysis(evil=True), tmp_path)
    pages = [tmp_path / "index.html", *sorted((tmp_path / "stories").iterdir())]
    for path in pages:
        html = path.read_text("utf-8")
        assert "<script" not in html.lower(), path.name
        assert not re.search(r"<[a-z]+[^>]*\son\w+\s*=", html, re.I), path.name  # no event handler attributes
    story = (tmp_path / "stories" / f"{STORY}.html").read_text("utf-8")
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#39;"
    # title, outlets, summary, span-free texts, timeline, fact, topic, claim, framing term and entity, event, origin
    assert story.count(escaped) >= 15
    assert f'title="Dockers strike over night pay{escaped}"' in story  # inside attributes too


def test_report_story_pages_have_a_strict_csp_and_no_script():
    html = _page()
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
    policy = policy.replace("&#39;", "'")
    assert policy.startswith("default-src 'none';") and "unsafe-inline" not in policy and "script-src" not in policy
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    digest = base64.b64encode(hashlib.sha256(styles[0].encode("utf-8")).digest()).decode()
    assert len(styles) == 1 and f"style-src 'sha256-{digest}'" in policy
    assert not re.search(r"\sstyle\s*=|<script\b|<link\b|<img\b|url\((?!#)", html, re.I)


def test_report_story_file_names_are_safe():
    assert story_file("story-1a2b3c4d5e6f") == "story-1a2b3c4d5e6f.html"
    for bad in ("../../etc/passwd", ".hidden", "a/b", "con:x", "x" * 300, ""):
        name = story_file(bad)
        assert re.fullmatch(r"x-[0-9a-f]{20}\.html", name), bad
    assert story_file("a/b") != story_file("a\\b")


def test_report_story_stale_pages_are_removed(tmp_path):
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "story-old.html").write_text("old")
    write_report(story_analysis(), tmp_path)
    assert not (tmp_path / "stories" / "story-old.html").exists()
    assert (tmp_path / "stories" / f"{STORY}.html").exists()


def test_report_story_pages_are_deterministic():
    assert _page() == _page()
    assert render_report(story_analysis()) == render_report(story_analysis())


def test_report_storyline_chart_links_stories_with_their_relation():
    section = _section(render_report(story_analysis()), "storylines")
    svg = re.search(r"<svg\b.*?</svg>", section, re.S).group(0)
    marks = re.findall(r'<a href="stories/(story-\w+)\.html" class="tl-mark k-story">', svg)
    assert marks == [STORY, QUIET]
    assert len(re.findall(r'<path d="M[^"]*" class="ch-link rel-escalation"', svg)) == 1
    assert re.search(r'class="ch-rel rel-escalation">escalation</text>', svg)
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert 'escalation</span> <span class="muted">of 1</span>' in items[1]


def test_report_charts_ticks_take_the_finest_unit_that_fits():
    def labels(a, b):
        return [label for _, label in ticks(date.fromisoformat(a).toordinal(), date.fromisoformat(b).toordinal())]

    assert labels("2025-03-07", "2025-03-10") == ["7 Mar 2025", "8 Mar", "9 Mar", "10 Mar"]
    assert labels("2025-03-01", "2025-04-20")[:2] == ["3 Mar 2025", "10 Mar"]  # Mondays
    assert labels("2024-11-01", "2025-04-20") == ["Nov 2024", "Dec", "Jan 2025", "Feb", "Mar", "Apr"]
    assert labels("2019-06-01", "2025-04-20") == ["2020", "2021", "2022", "2023", "2024", "2025"]
    assert len(labels("1900-01-01", "2025-01-01")) <= 8


def test_report_charts_date_precision_sets_the_mark():
    chart = date_chart([ChartRow("day", "", "2025-03-08"), ChartRow("month", "", "2025-03"),
                        ChartRow("bad", "", "March"), ChartRow("year", "", "2025")])
    day, month, bad, year = chart.marks
    assert not day.bar and month.bar and year.bar and not bad.dated
    assert year.x0 <= month.x0 < day.x0 < month.x1 <= year.x1
    assert chart.undated_x is not None and date_chart([]) is None
