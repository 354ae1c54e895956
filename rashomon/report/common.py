"""Small helpers shared by the report's pages: labels for articles, dates, file names.

Everything here returns plain strings; escaping is left to the templates (autoescape on).
"""
from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from ..model import Article

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


def plain(item: Any) -> Any:
    """Corpus-level items may be dataclasses with ``to_json`` or plain dicts."""
    return item.to_json() if hasattr(item, "to_json") else item


def short(text: str, limit: int = 26) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def display_title(article: Article) -> str:
    """The title; for an untitled article its opening words in quotes; else its id."""
    if article.title:
        return article.title
    opening = short(article.text, 60)
    return f"“{opening}”" if opening else article.id


def article_date(article: Article | None) -> str | None:
    """The article's published date, else its dateline's date."""
    if article is None:
        return None
    return article.published or (article.dateline.date if article.dateline else None)


def story_file(story_id: str) -> str:
    """The story page's file name under ``stories/``.

    Story ids are content hashes ("story-1a2b..."), safe as they are; any other id (from another
    producer of analysis.json) is replaced by a hash of it, so no id can name a path outside the
    folder, a hidden file or a reserved name.
    """
    if _SAFE_ID.fullmatch(story_id):
        return f"{story_id}.html"
    return "x-" + hashlib.sha1(story_id.encode("utf-8")).hexdigest()[:20] + ".html"


def fmt(x: float) -> str:
    """A coordinate for SVG: one decimal, trailing zeros dropped."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def date_range(value: Any) -> tuple[date, date] | None:
    """The days an ISO date at any precision covers: "2025" -> the year, "2025-03" -> March.

    Anything else (None, a malformed string, an impossible day) gives None.
    """
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip()[:10])
    if not m:
        return None
    try:
        y = int(m.group(1))
        if m.group(3):
            d = date(y, int(m.group(2)), int(m.group(3)))
            return d, d
        if m.group(2):
            mo = int(m.group(2))
            first = date(y, mo, 1)
            last = date(y + (mo == 12), mo % 12 + 1, 1).toordinal() - 1
            return first, date.fromordinal(last)
        return date(y, 1, 1), date(y, 12, 31)
    except ValueError:
        return None


class Links:
    """Where the report shows each article's text and each reuse pair's side-by-side view.

    A report of up to ``full_max`` articles is one overview page holding all of them
    (``index.html#<article id>``, ``index.html#pair-<n>``). A larger one would make an overview of
    hundreds of megabytes that no browser opens, so its texts go to pages of ``page_size``
    articles (``articles/<k>.html``, in the overview's order) and its side-by-side views to pages
    of ``page_size`` pairs (``reuse/<k>.html``); the overview lists them and links there.

    ``article(id, up, here)``: the link to an article from a page ``up`` folders below the root
    ("../" for a story page) whose own file is ``here`` (a link within that page is "#id").
    """

    def __init__(self, article_ids: list[str], *, full_max: int, page_size: int):
        self.paged = len(article_ids) > full_max
        self.page_size = page_size
        self.article_page: dict[str, str] = {}
        if self.paged:
            for k, aid in enumerate(article_ids):
                self.article_page.setdefault(aid, f"{ARTICLES_DIR}/{k // page_size + 1}.html")

    def article_file(self, aid: str) -> str:
        return self.article_page.get(aid, "index.html")

    def article(self, aid: str, up: str = "", here: str | None = None) -> str:
        page = self.article_file(aid)
        return f"#{aid}" if page == here else f"{up}{page}#{aid}"

    def pair_file(self, number: int) -> str:
        """The page of the reuse pair numbered ``number`` (from 1, in the analysis' order)."""
        return f"{REUSE_DIR}/{(number - 1) // self.page_size + 1}.html" if self.paged else "index.html"

    def pair(self, number: int, up: str = "", here: str | None = None) -> str:
        page = self.pair_file(number)
        return f"#pair-{number}" if page == here else f"{up}{page}#pair-{number}"

    def chunks(self, n: int) -> list[tuple[int, int, int]]:
        """(page number, first index, end index) of ``n`` items in pages of ``page_size``."""
        return [(k // self.page_size + 1, k, min(n, k + self.page_size)) for k in range(0, n, self.page_size)]


ARTICLES_DIR = "articles"
REUSE_DIR = "reuse"
