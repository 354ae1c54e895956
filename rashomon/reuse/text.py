"""Words, sentences and quotations of an article, reduced to the forms reuse compares.

A word's *key* is what two copies of a text share when only their style differs: lowercase,
curly and straight apostrophes alike, dots dropped ("U.S." and "US" are both ``us``), British and
American spellings mapped to one form (``data/spelling_variants.tsv`` plus the regular endings
below). Alignment compares keys; substitutions report the surface words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Token", "Doc", "word_keys", "key", "doc", "spelling_variant", "transliteration"]

# A word: letters/digits, joined by inner hyphens, apostrophes or dots (U.S., anti-U.S., al-Sha'abi).
WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*", re.UNICODE)
# A sentence ends at . ! ? (plus closing quotes/brackets) before a space and an upper-case letter,
# a digit or an opening quote; a line break always ends one.
SENT_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n+")

# Regular British endings and their American form, applied to words of at least ``min_len``.
_RULES = [
    (re.compile(r"(..)is(e|es|ed|ing|ation|ations)$"), r"\1iz\2", 6),
    (re.compile(r"(..)ys(e|es|ed|ing)$"), r"\1yz\2", 7),
    (re.compile(r"(...)our(s|ed|ing|ful|able|ite|ites)?$"), r"\1or\2", 6),
]


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    table: dict[str, str] = {}
    text = resources.files("rashomon.data").joinpath("spelling_variants.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            variant, canonical = line.split("\t")
            table[variant.strip()] = canonical.strip()
    return table


@lru_cache(maxsize=200_000)
def key(word: str) -> str:
    """The comparison form of one word (see the module docstring)."""
    w = word.lower().replace("’", "'").replace(".", "")
    table = _variants()
    if w in table:
        return table[w]
    for rule, repl, min_len in _RULES:
        if len(w) >= min_len:
            v = rule.sub(repl, w)
            if v != w:
                return v
    return w


def word_keys(text: str) -> list[str]:
    """The keys of the text's words in order: the cheap form candidate generation hashes."""
    return [key(w) for w in WORD.findall(text)]


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    key: str
    sent: int  # index of the sentence holding it
    quoted: bool  # inside quotation marks


@dataclass
class Doc:
    """An article's text as alignment sees it: tokens with offsets, sentence ranges."""

    text: str
    tokens: list[Token]
    sents: list[tuple[int, int]]  # token index ranges [i, j) per sentence

    def surface(self, i: int, j: int) -> str:
        """The text of tokens i..j-1, with whatever lies between them."""
        if i >= j:
            return ""
        return self.text[self.tokens[i].start:self.tokens[j - 1].end]


_QUOTE_CHARS = re.compile(r'[“”"«»„\n]')


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges between paired quotation marks, within a paragraph (a scan, not a parse).

    Scraped text mixes straight and curly marks, so any closing or straight mark closes a quote
    opened by any opening or straight mark.
    """
    out = []
    open_at = -1
    for m in _QUOTE_CHARS.finditer(text):
        c = m.group()
        if c == "\n":
            open_at = -1
        elif open_at < 0:
            if c != "”" and c != "»":
                open_at = m.end()
        else:
            if c != "“" and c != "«" and c != "„" and m.start() > open_at:
                out.append((open_at, m.start()))
                open_at = -1
            elif c in "“«„":
                open_at = m.end()  # a new opening mark: the earlier one was stray
    return out


# A period after these does not end a sentence: initialisms (U.S.) and short capitalised
# abbreviations (Jan., Gen., Mr.).
ABBREV = re.compile(r"(?:\b(?:[A-Za-z]\.){2,}|\b[A-Z][a-z]{0,2}\.)$")


def sentence_ends(text: str) -> list[int]:
    """Offsets where sentences end (see SENT_END and ABBREV)."""
    out = []
    for m in SENT_END.finditer(text):
        if m.group().startswith(".") and ABBREV.search(text, 0, m.start() + 1):
            continue
        out.append(m.end())
    return out


def doc(text: str, skip: int = 0) -> Doc:
    """Tokenise the text for alignment, from character ``skip`` on (after a dateline)."""
    bounds = sentence_ends(text) + [len(text) + 1]
    quotes = quoted_ranges(text)
    tokens: list[Token] = []
    sents: list[tuple[int, int]] = []
    s = q = 0
    first = 0
    for m in WORD.finditer(text, skip):
        while m.start() >= bounds[s]:
            if len(tokens) > first:
                sents.append((first, len(tokens)))
            first = len(tokens)
            s += 1
        while q < len(quotes) and quotes[q][1] <= m.start():
            q += 1
        inq = q < len(quotes) and quotes[q][0] <= m.start() < quotes[q][1]
        end = m.end()
        if "." in m.group() and text[end:end + 1] == ".":  # U.S. keeps its last dot
            end += 1
        tokens.append(Token(m.start(), end, key(m.group()), len(sents), inq))
    if len(tokens) > first:
        sents.append((first, len(tokens)))
    return Doc(text, tokens, sents)


def _plain(s: str) -> str:
    return re.sub(r"[^\w]", "", s.lower().replace("’", "'"))


def spelling_variant(a: str, b: str) -> bool:
    """Whether two phrases differ only in spelling, punctuation, spacing or hyphenation."""
    ka = "".join(key(w) for w in WORD.findall(a)).replace("-", "").replace("'", "")
    kb = "".join(key(w) for w in WORD.findall(b)).replace("-", "").replace("'", "")
    return ka == kb or _plain(a) == _plain(b)


def _skeleton(word: str) -> str:
    s = re.sub(r"[^a-z]", "", word.lower())
    return re.sub(r"(.)\1+", r"\1", s[:1] + re.sub(r"[aeiouy]", "", s[1:]))


def transliteration(a: str, b: str) -> bool:
    """Whether two names are transliteration variants (Mohammed/Muhammad, Qassem/Qasim).

    Only capitalised words qualify; they must have the same number of words, and each pair the
    same consonant skeleton (vowels, doubled letters and silent h dropped) and first letter.
    """
    wa, wb = WORD.findall(a), WORD.findall(b)
    if not wa or len(wa) != len(wb) or a == b:
        return False
    for x, y in zip(wa, wb):
        if x == y:
            continue
        if not (x[:1].isupper() and y[:1].isupper()) or x[0].lower() != y[0].lower():
            return False
        sx, sy = _skeleton(x), _skeleton(y)
        if len(sx) < 2 or sx != sy:
            return False
    return True
