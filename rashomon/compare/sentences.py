"""Claims: the sentences of an article that can state a fact, as spans into its text.

A cheap regex splitter (no parse: the comparison must not cost a second spaCy pass). It splits
at paragraph breaks and at . ! ? (with closing quotes or brackets) followed by space and a
capital, digit or opening quote, except after abbreviations, initials and dotted acronyms. The
dateline prefix, a first line repeating the headline and short fragments (section heads, share
lines, one-word exclamations) are not claims.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..model import Article

MIN_WORDS = 5

_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9])")
_WORD = re.compile(r"[\w'\u2019-]+")
_LAST_TOKEN = re.compile(r"([\w.]+)\.$")


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    from importlib import resources

    words: set[str] = set()
    for name in ("compare_abbreviations.txt", "name_titles.txt"):
        text = resources.files("rashomon").joinpath("data", name).read_text(encoding="utf-8")
        words.update(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    return frozenset(words)


@dataclass(frozen=True)
class Claim:
    """One sentence of one article: ``text == article.text[start:end]``; ``index`` is its rank."""

    article: str
    start: int
    end: int
    text: str
    index: int


def _is_abbreviation(chunk: str) -> bool:
    """Whether the period ending ``chunk`` belongs to an abbreviation, not to the sentence."""
    m = _LAST_TOKEN.search(chunk)
    if not m:
        return False
    token = m.group(1)
    if len(token) == 1 and token.isupper():       # an initial: "J. Smith"
        return True
    if "." in token and len(token.replace(".", "")) <= 4:   # "U.S.", "U.N.", "e.g."
        return True
    return token.casefold() in _abbreviations()


def split_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, stripped of surrounding white space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text[start:end]):
        p0, p1 = start + para.start(), start + para.end()
        s = p0
        for m in _END.finditer(text, p0, p1):
            e = m.end()
            if m.group(0).startswith(".") and len(m.group(0)) == 1 and _is_abbreviation(text[s:e]):
                continue
            spans.append((s, e))
            s = e
        spans.append((s, p1))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def claims_of(article: Article) -> list[Claim]:
    """The claim sentences of an article: after its dateline, without a repeated headline, with
    at least ``MIN_WORDS`` words."""
    text = article.text
    begin = 0
    if article.dateline is not None and article.dateline.end is not None:
        begin = article.dateline.end
    out: list[Claim] = []
    title = (article.title or "").strip().casefold()
    for s, e in split_spans(text, begin):
        sent = text[s:e]
        if title and sent.casefold().rstrip(".") == title.rstrip("."):
            continue
        if len(_WORD.findall(sent)) < MIN_WORDS:
            continue
        out.append(Claim(article.id, s, e, sent, len(out)))
    return out
