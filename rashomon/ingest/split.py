"""Splitting a page that carries several articles one after another (a repost page).

Conservative, because a false split costs more than a missed one: a new article starts at a
headline-shaped line (short, no final full stop, not wholly quoted, not furniture) that is
followed within a few lines -- an optional standfirst, an outlet or byline line, a date line, a
photo caption -- by a dateline paragraph ("CITY (Agency) -"), and only after the current article
has a lead and at least ``min_paragraphs`` paragraphs of prose. A short quoted subheading inside a
story is never a split point: it is quoted, and no dateline follows it.
"""
from __future__ import annotations

from . import meta
from .clean import Line, find_lead, furniture, is_caption, is_prose

_QUOTES = "\"“‘'«"


def _headline(t: str) -> bool:
    return meta.headline_shaped(t) and len(t.split()) >= 4 and t[:1] not in _QUOTES and not furniture(t)


def _between(t: str) -> bool:
    """A line that may sit between a headline and its dateline."""
    return is_caption(t) or len(t.split()) <= 40


def _starts_article(lines: list[Line], i: int, reach: int = 5) -> bool:
    if not _headline(lines[i].text):
        return False
    for j in range(i + 1, min(len(lines), i + 1 + reach)):
        t = lines[j].text
        if meta.DATELINE.match(t) and len(t.split()) >= 8:
            return True
        if not _between(t):
            return False
    return False


def split(lines: list[Line], min_paragraphs: int = 3, min_words: int = 60) -> list[list[Line]]:
    """The articles of one page, each a run of its lines (one part when nothing splits)."""
    parts: list[list[Line]] = []
    start = 0
    lead = find_lead(lines)
    prose = words = 0
    for i in range(lead, len(lines)):
        t = lines[i].text
        if prose >= min_paragraphs and words >= min_words and _starts_article(lines, i):
            parts.append(lines[start:i])
            start = i
            prose = words = 0
            continue
        if is_prose(t):
            prose += 1
            words += len(t.split())
    parts.append(lines[start:])
    return parts
