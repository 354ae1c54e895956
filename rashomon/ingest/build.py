"""From one RawDoc to Articles: extract (HTML), clean, split, metadata, language, stable ids.

Given metadata (the container's title, outlet, byline, url, published) wins over what is read
from the text; a page's own HTML metadata comes next; then what the text says. ``published`` has a
basis: "given" (input metadata), "explicit" ("Publish Date: ...", the page's markup, a date under
the byline that agrees with the dateline), "dateline" (the date in the dateline), else "unknown".
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from ..errors import InputError
from ..model import Article, RawDoc, Rejection, Source, content_id
from . import clean as C
from . import meta as M
from .split import split

MIN_LANGID_CHARS = 40  # letters; fewer and the language is "und"
LANGID_SAMPLE = 400  # characters given to py3langid: enough to tell, cheap
_LETTERS = re.compile(r"[^\W\d_]")
WHOLE_FILE_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml", ".md")


def build(raw: RawDoc, repeated: C.RepeatedLines | None = None) -> Iterator[Article | Rejection]:
    """The articles of one document (several when a page carries several), or a Rejection."""
    given = {k: v for k, v in (raw.meta or {}).items() if v not in (None, "")}
    page: dict = {}
    content = raw.content
    if raw.kind == "html":
        try:
            content, page = _extract_html(raw.content, given.get("url"))
        except InputError as e:
            yield Rejection(raw.source, e.reason)
            return
    elif raw.kind != "text":
        yield Rejection(raw.source, f"unknown document kind {raw.kind!r}: expected 'text' or 'html'")
        return
    lines = C.join_datelines(C.to_lines(content or ""))
    if not lines:
        yield Rejection(raw.source, "no text: the document is empty after cleaning")
        return
    folder = C.folder_of(raw.source.path)
    is_rep: Callable[[str], bool] = (
        (lambda t: repeated.is_repeated(folder, t)) if repeated is not None else (lambda t: False))
    parts = split(lines)
    base = raw.source.index or 0
    whole_file = raw.source.path.lower().endswith(WHOLE_FILE_SUFFIXES)
    first_id = None
    for k, part in enumerate(parts):
        article = _article(part, raw, given if k == 0 else {}, page if k == 0 else {}, is_rep,
                           record=not whole_file)
        # a file read whole numbers its articles 0, 1, ...; a record (JSONL, feed item) keeps the
        # reader's index, and a second article found inside it gets the record's id + "-2"
        index = base + k if whole_file else base
        if article is None:
            yield Rejection(Source(raw.source.path, index), "no article text left after cleaning")
            continue
        if k == 0:
            first_id = article.id = str(given["id"]) if given.get("id") else article.id
        elif not whole_file:
            article.id = f"{first_id}-{k + 1}"
        article.source = Source(raw.source.path, index)
        yield article


def _extract_html(html: str, url: str | None) -> tuple[str, dict]:
    from .html import extract

    return extract(html, url)


def _article(lines: list[C.Line], raw: RawDoc, given: dict, page: dict, is_rep, *,
             record: bool = False) -> Article | None:
    """One article from its lines. ``record``: the text came as a field of a record (JSONL, CSV,
    feed entry), where the producer chose what the text is: its headline lines are kept in the
    text (a scraped page's headline goes to ``title`` only)."""
    cleaned = C.clean(lines, is_rep)
    head = M.read_header([ln.text for ln in cleaned.head], repeated=is_rep,
                         furniture=lambda t: C.furniture(t) is not None)
    removed = dict(cleaned.removed)
    given_title = _norm_title(given.get("title"))
    lead: list[str] = []
    for i, ln in enumerate(cleaned.head):
        if record and (i in head.kept or (given_title and _norm_title(ln.text) == given_title)):
            lead.append(ln.text)
        elif i not in head.kept:
            removed[i] = ln.raw
    text = "\n\n".join(lead + cleaned.paragraphs)
    if not text.strip():
        return None

    year = next((M._year(d) for d in (M.normalize_given_date(given.get("published")),
                                      M.normalize_given_date(page.get("published")),
                                      head.explicit, head.posted, head.page_date) if d), None)
    dateline, n = M.parse_dateline(cleaned.paragraphs[0], year) if cleaned.paragraphs else (None, 0)
    if dateline is not None:  # its span in the text, so later stages can leave it out
        dateline.start = len("\n\n".join(lead)) + 2 if lead else 0
        dateline.end = dateline.start + len(cleaned.paragraphs[0][:n].rstrip())
    extra: dict = {}
    published, basis = _published(given, page, head, dateline, extra)
    title = given.get("title") or page.get("title") or head.title
    byline = given.get("byline") or page.get("byline") or head.byline
    outlet = given.get("outlet") or page.get("outlet") or head.outlet
    if head.subtitle:
        extra["subtitle"] = head.subtitle
    elif page.get("description"):
        extra["subtitle"] = page["description"]
    if head.page_date:
        extra["page_date"] = head.page_date
    if head.updated:
        extra["updated"] = head.updated
    if head.news_id:
        extra["news_id"] = head.news_id
    wire = M.wire_credits(text, credit=dateline.credit if dateline else None, byline=byline)
    return Article(
        id=content_id(outlet, title, text), source=raw.source, text=text, title=title,
        outlet=outlet, url=given.get("url") or page.get("url"), byline=byline, dateline=dateline,
        published=published, published_basis=basis, wire=wire, language=language(text),
        removed=[removed[i] for i in sorted(removed)], extra=extra)


def _norm_title(t: str | None) -> str:
    return " ".join((t or "").split()).rstrip(".!?…").casefold()


def _published(given: dict, page: dict, head: M.Header, dateline, extra: dict) -> tuple[str | None, str]:
    if d := M.normalize_given_date(given.get("published")):
        return d, "given"
    if d := M.normalize_given_date(page.get("published")):
        return d, "explicit"
    if head.explicit:
        return head.explicit, "explicit"
    dl = dateline.date if dateline else None
    if head.posted:
        if dl and dl != head.posted:  # the dateline dates the article; the byline date the post
            extra["posted"] = head.posted
            return dl, "dateline"
        return head.posted, "explicit"
    if dl:
        return dl, "dateline"
    return None, "unknown"


@cache
def _langid():
    from py3langid.langid import classify

    return classify


def language(text: str) -> str:
    """ISO 639-1 code of the text's language (py3langid), "und" when too short to tell."""
    sample = text[:LANGID_SAMPLE]
    if len(_LETTERS.findall(sample)) < MIN_LANGID_CHARS:
        return "und"
    return _langid()(sample)[0]
