"""The HTML report: ``DIR/index.html`` (the overview) and ``DIR/stories/<story>.html`` (one page
per story), beside analysis.json.

Article text is untrusted input, so the templates are rendered with autoescaping on, and the pages
load nothing: the stylesheet is inlined from the package (``static/report.css``) and allowed by
its hash in a Content-Security-Policy meta tag that forbids every other source, scripts included.
The report opens offline and needs no script: the charts (reuse graph, storyline and timeline
charts) are inline SVG laid out in Python, and a summary sentence shows its sources on hover or
click (focus) with CSS alone.

The overview shows the storylines (each drawn on a date axis, links labelled with their
relation), the story list linking to the story pages, the reuse pairs with their graph and
side-by-side texts, the articles by input file and the rejected inputs. Past ``FULL_MAX``
articles the texts and the side-by-side views go to pages of ``PAGE_SIZE`` (``articles/<k>.html``,
``reuse/<k>.html``) and the overview lists and links them (``common.Links``): at 10,000 articles
one page holding everything was 160 MB, more than a browser opens. A story page shows the
story's summary with its source spans, coverage matrix, conflicts, framing table, loaded wording,
reuse graph, timeline chart and articles (see ``story.py``).
"""
from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..model import Analysis, Article
from .common import ARTICLES_DIR, REUSE_DIR, Links, article_date, display_title, plain, story_file
from .diff import diff_segments, pair_views
from .reuse_graph import reuse_graph
from .story import Corpus, story_page, storyline_view

__all__ = ["write_report", "render_report", "render_story", "diff_segments", "story_file"]

STORIES_DIR = "stories"
FULL_MAX = 500   # articles up to which the overview holds every text and side-by-side view ...
PAGE_SIZE = 200  # ... beyond, they go to pages of this many articles (or pairs): see ``Links``
# Article fields shown in the metadata table, in this order; anything in Article.extra follows.
_EXTRA_LABELS = {"subtitle": "Subtitle", "posted": "Posted", "page_date": "Page date"}


@dataclass
class _Segment:
    """A piece of article text; ``neutral`` is set when the piece is loaded wording."""

    text: str
    loaded: bool = False
    neutral: str | None = None


@dataclass
class _FileGroup:
    path: str
    articles: list[Article] = field(default_factory=list)


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text("utf-8")


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _page_head() -> dict[str, str]:
    """The stylesheet and the policy that allows exactly it and nothing else (no script at all)."""
    css = _asset("report.css")
    return {"css": css, "csp": f"default-src 'none'; style-src '{_csp_hash(css)}'; img-src data:; "
                               "base-uri 'none'; form-action 'none'"}


def _css_class(value: Any) -> str:
    """A value usable as a CSS class suffix: lower-case letters, digits, '-' and '_' only."""
    return re.sub(r"[^a-z0-9_-]+", "-", str(value).lower()).strip("-") or "none"


@lru_cache(maxsize=1)
def _env():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=True,  # every template, whatever its name: article text is untrusted
        undefined=jinja2.ChainableUndefined,  # corpus items are dicts whose optional keys may be absent
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_class"] = _css_class
    return env


def _segments(article: Article) -> list[_Segment]:
    """Split the text around its loaded spans; spans that overlap or fall outside are skipped."""
    text, out, pos = article.text, [], 0
    for span in sorted(article.loaded, key=lambda s: (s.start, s.end)):
        if span.start < pos or span.end > len(text) or span.start >= span.end:
            continue
        if span.start > pos:
            out.append(_Segment(text[pos:span.start]))
        out.append(_Segment(text[span.start:span.end], True, span.neutral))
        pos = span.end
    if pos < len(text) or not out:
        out.append(_Segment(text[pos:]))
    return out


def _metadata(article: Article) -> list[tuple[str, str]]:
    """(label, value) rows for the fields that are known; unknown ones are left out."""
    rows: list[tuple[str, str]] = []

    def add(label: str, value: Any) -> None:
        if value in (None, "", [], {}):
            return
        if isinstance(value, (list, tuple)):
            value = ", ".join(map(str, value))
        rows.append((label, str(value)))

    add("Title", article.title)
    add("Outlet", article.outlet)
    add("Byline", article.byline)
    if article.dateline:
        d = article.dateline
        add("Dateline", " · ".join(x for x in (d.place, d.date, f"({d.credit})" if d.credit else None) if x))
    published = f"{article.published} ({article.published_basis})" if article.published else None
    add("Published", published or f"unknown ({article.published_basis})")
    add("Wire", article.wire)
    add("Language", article.language)
    add("URL", article.url)
    for key, value in article.extra.items():
        add(_EXTRA_LABELS.get(key, key.replace("_", " ").capitalize()), value)
    add("Source", str(article.source))
    add("Id", article.id)
    return rows


def _groups(articles: list[Article]) -> list[_FileGroup]:
    """Articles grouped by input file, files in order of first appearance, articles by index."""
    groups: dict[str, _FileGroup] = {}
    for a in articles:
        groups.setdefault(a.source.path, _FileGroup(a.source.path)).articles.append(a)
    for g in groups.values():
        g.articles.sort(key=lambda a: a.source.index if a.source.index is not None else -1)
    return list(groups.values())




def links_for(analysis: Analysis, *, full_max: int = FULL_MAX, page_size: int = PAGE_SIZE) -> Links:
    """Where the report puts each article's text and each pair's side-by-side view."""
    order = [a.id for g in _groups(analysis.articles) for a in g.articles]
    return Links(order, full_max=full_max, page_size=page_size)


def render_report(analysis: Analysis, corpus: Corpus | None = None, links: Links | None = None) -> str:
    """The overview page as a string (``write_report`` writes it and the other pages)."""
    corpus = corpus or Corpus(analysis)
    links = links or links_for(analysis)
    titles = {a.id: display_title(a) for a in analysis.articles}
    lists = {name: [plain(x) for x in getattr(analysis, name)]
             for name in ("reuse", "entities", "quotes", "times", "events", "stories", "storylines")}
    graph = reuse_graph(lists["reuse"], corpus.by_id)
    counts = {
        "articles": len(analysis.articles),
        "files read": len({a.source.path for a in analysis.articles}),
        "outlets": len({a.outlet for a in analysis.articles if a.outlet}),
        "rejected": len(analysis.rejected),
        **{name: len(items) for name, items in lists.items() if items},
    }
    outlets = {s.get("id"): len({corpus.by_id[a].outlet for a in s.get("articles") or []
                                  if a in corpus.by_id and corpus.by_id[a].outlet})
               for s in lists["stories"]}
    return _env().get_template("report.html").render(
        **_page_head(),
        counts=counts,
        scope=analysis.stats.get("report_scope"),
        languages=Counter(a.language for a in analysis.articles).most_common(),
        groups=_groups(analysis.articles),
        metadata=_metadata,
        segments=_segments,
        rejected=analysis.rejected,
        titles=titles,
        story_titles=corpus.story_titles,
        story_file=story_file,
        story_outlets=outlets,
        storyline_views=[storyline_view(line, corpus) for line in lists["storylines"]],
        graph=graph,
        graph_numbers={n.key: n.number for n in graph.nodes} if graph else {},
        pair_views=[] if links.paged else pair_views(lists["reuse"], corpus.by_id),
        pair_pages=links.chunks(len(lists["reuse"])),
        reuse_dir=REUSE_DIR,
        links=links,
        art_href=lambda aid: links.article(aid, "", "index.html"),
        pair_href=lambda n: links.pair(n, "", "index.html"),
        article_date=article_date,
        **lists,
    )


def render_story(analysis: Analysis, story_id: str, corpus: Corpus | None = None,
                 links: Links | None = None) -> str:
    """One story's page as a string; KeyError when the analysis has no such story."""
    corpus = corpus or Corpus(analysis)
    links = links or links_for(analysis)
    story = corpus.story_by_id[story_id]
    return _env().get_template("story.html").render(**_page_head(), page=story_page(story, corpus),
                                                    art_href=lambda aid: links.article(aid, "../"))


def _pages(analysis: Analysis, corpus: Corpus, links: Links) -> dict[str, str]:
    """The article and reuse pages of a paged report: file (relative to the root) -> HTML."""
    head, out = _page_head(), {}
    env = _env()
    order = [a for g in _groups(analysis.articles) for a in g.articles]
    chunks = links.chunks(len(order))
    for k, lo, hi in chunks:
        out[f"{ARTICLES_DIR}/{k}.html"] = env.get_template("articles.html").render(
            **head, page_articles=order[lo:hi], first=lo + 1, last=hi, total=len(order),
            prev_page=k - 1 if k > 1 else None, prev_first=lo - links.page_size + 1,
            next_page=k + 1 if hi < len(order) else None,
            metadata=_metadata, segments=_segments)
    reuse = [plain(r) for r in analysis.reuse]
    titles = {a.id: display_title(a) for a in analysis.articles}
    for k, lo, hi in links.chunks(len(reuse)):
        here = f"{REUSE_DIR}/{k}.html"
        out[here] = env.get_template("reuse_page.html").render(
            **head, views=pair_views(reuse[lo:hi], corpus.by_id), first=lo + 1, last=hi, total=len(reuse),
            prev_page=k - 1 if k > 1 else None, prev_first=lo - links.page_size + 1,
            next_page=k + 1 if hi < len(reuse) else None,
            titles=titles, graph_numbers={}, article_date=article_date,
            art_href=lambda aid: links.article(aid, "../"))
    return out


def write_report(analysis: Analysis, out_dir: str | Path, *, full_max: int = FULL_MAX,
                 page_size: int = PAGE_SIZE) -> Path:
    """Write ``out_dir/index.html``, one page per story under ``out_dir/stories/`` and, for a
    corpus of more than ``full_max`` articles, the article and reuse pages under
    ``out_dir/articles/`` and ``out_dir/reuse/`` (see ``Links``); return the index's path. Pages
    left in those folders by an earlier run are removed."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(analysis)
    links = links_for(analysis, full_max=full_max, page_size=page_size)
    path = out / "index.html"
    path.write_text(render_report(analysis, corpus, links), encoding="utf-8")
    folder = out / STORIES_DIR
    written = set()
    if corpus.stories:
        folder.mkdir(exist_ok=True)
        template, head = _env().get_template("story.html"), _page_head()
        art_href = lambda aid: links.article(aid, "../")  # noqa: E731
        for story in corpus.stories:
            page = story_page(story, corpus)
            if page.file in written:  # the same story listed twice: one page
                continue
            (folder / page.file).write_text(template.render(**head, page=page, art_href=art_href),
                                            encoding="utf-8")
            written.add(page.file)
    if folder.is_dir():
        for old in folder.glob("*.html"):
            if old.name not in written and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*\.html", old.name):
                old.unlink()
    pages = _pages(analysis, corpus, links) if links.paged else {}
    for name in (ARTICLES_DIR, REUSE_DIR):
        if any(f.startswith(name + "/") for f in pages):
            (out / name).mkdir(exist_ok=True)
    for name, html in pages.items():
        (out / name).write_text(html, encoding="utf-8")
    for name in (ARTICLES_DIR, REUSE_DIR):
        if (out / name).is_dir():
            for old in (out / name).glob("*.html"):
                if f"{name}/{old.name}" not in pages and re.fullmatch(r"[0-9]+\.html", old.name):
                    old.unlink()
    return path
