"""Per-article features for story clustering: term counts per family, date, title and lead.

With a spaCy Doc (the one the NLP stage already parsed): lemmas and ``doc.ents``. Without one: a
regex tokenizer with light stemming and capitalised-phrase heuristics for names. Numbers and
calendar words are kept as entities ("#2008", "#november"): they tell two events of one kind apart.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..model import Article

FAMILIES = ("words", "names", "numbers")
TITLE_WEIGHT = 2  # title terms count this many times

NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART",
               "LAW"}
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
          "sept", "oct", "nov", "dec"}
MONTH_CANON = {"jan": "january", "feb": "february", "mar": "march", "apr": "april",
               "jun": "june", "jul": "july", "aug": "august", "sep": "september",
               "sept": "september", "oct": "october", "nov": "november", "dec": "december"}

TOKEN_RX = re.compile(r"\w+(?:[-'’.,]\w+)*")
NUMBER_RX = re.compile(r"^\d+(?:[.,]\d+)*$")
# capitalised phrase: capitalised words, joined by a few lower-case connectors
CAP_RX = re.compile(
    r"\b[A-Z][\w'’\-]*(?:\s+(?:(?:of|de|del|la|le|al|bin|van|von|the|and|for)\s+)?[A-Z][\w'’\-]*)*")
SENT_START_RX = re.compile(r"(?:^|[.!?\"“”]\s+|\n\s*)$")

@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS | {"s", "said", "say", "says", "mr", "mrs", "ms", "dr", "—", "–"})

@dataclass
class ArticleFeatures:
    """What the clusterer needs of one article: term counts per family, date, title, lead."""

    id: str
    words: dict[str, float]
    entities: dict[str, float]
    day: int | None = None  # proleptic ordinal of the publication date
    title: str | None = None
    lead: str = ""

    def to_dict(self) -> dict:
        """Plain data for storing (what ``dataclasses.asdict`` gives, without its deep copy of
        every term: the fields are flat)."""
        return {"id": self.id, "words": dict(self.words), "entities": dict(self.entities),
                "day": self.day, "title": self.title, "lead": self.lead}

    def family(self, name: str) -> dict[str, float]:
        if name == "words":
            return self.words
        numbers = name == "numbers"
        return {k: v for k, v in self.entities.items() if k.startswith("#") == numbers}


def _day(value: str | None) -> int | None:
    """The ordinal day of an ISO date (YYYY, YYYY-MM or YYYY-MM-DD); None when unknown."""
    if not value:
        return None
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)).toordinal()
    except ValueError:
        return None


def _light_stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _norm_name(text: str) -> str:
    t = re.sub(r"\s+", " ", text.strip().lower().replace("’", "'"))
    t = re.sub(r"^(the|a|an) ", "", t)
    t = re.sub(r"'s?$", "", t)
    return t.strip(" .,-")


def _number_key(tok: str) -> str | None:
    if NUMBER_RX.match(tok):
        return "#" + tok.replace(",", "")
    low = tok.lower()
    if low in MONTHS:
        return "#" + MONTH_CANON.get(low, low)
    return None


def _lead(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    m = re.search(r"(?<=[.!?])\s+(?=[A-Z“\"])", first)
    return first[: m.start()] if m else first


def _regex_words(text: str, stop: frozenset[str]) -> Counter:
    out: Counter = Counter()
    for m in TOKEN_RX.finditer(text):
        tok = m.group(0).lower().replace("’", "'")
        if tok in stop or (len(tok) < 2 and not tok.isdigit()):
            continue
        if NUMBER_RX.match(tok):
            out[tok.replace(",", "")] += 1
        else:
            out[_light_stem(tok.rstrip("'s") if tok.endswith("'s") else tok)] += 1
    return out


def _regex_entities(text: str, stop: frozenset[str]) -> Counter:
    out: Counter = Counter()
    for m in CAP_RX.finditer(text):
        phrase = m.group(0)
        words = phrase.split()
        at_start = bool(SENT_START_RX.search(text[: m.start()]))
        if at_start and len(words) == 1 and words[0].lower() in stop:
            continue
        if at_start and words[0].lower() in stop:
            words = words[1:]
        if not words:
            continue
        name = _norm_name(" ".join(words))
        if not name or name in stop:
            continue
        out[name] += 1
        if len(words) > 1:
            last = _norm_name(words[-1])
            if last and last not in stop and last != name:
                out[last] += 0.5
    for m in TOKEN_RX.finditer(text):
        key = _number_key(m.group(0))
        if key:
            out[key] += 1
    return out


def _doc_words(doc, stop: frozenset[str]) -> Counter:
    out: Counter = Counter()
    for t in doc:
        if t.is_punct or t.is_space or t.is_stop:
            continue
        if t.like_num and NUMBER_RX.match(t.text):
            out[t.text.replace(",", "")] += 1
            continue
        lem = (t.lemma_ or t.text).lower()
        if lem in stop or (len(lem) < 2 and not lem.isdigit()) or not any(c.isalnum() for c in lem):
            continue
        out[lem] += 1
    return out


def _doc_entities(doc, stop: frozenset[str]) -> Counter:
    out: Counter = Counter()
    for ent in doc.ents:
        if ent.label_ in NAME_LABELS:
            name = _norm_name(ent.text)
            if not name or name in stop:
                continue
            out[name] += 1
            toks = [t for t in ent if not t.is_punct and t.text.lower() not in stop]
            if ent.label_ in ("PERSON", "ORG", "FAC") and len(toks) > 1:
                last = _norm_name(toks[-1].text)
                if last and last != name:
                    out[last] += 0.5
    for t in doc:
        key = _number_key(t.text)
        if key:
            out[key] += 1
    return out


def feature_extractor(article: Article, doc=None) -> ArticleFeatures:
    """Features of one article, from its spaCy ``doc`` when given (lemmas, ``doc.ents``), else from
    a regex tokenizer and capitalised-phrase heuristics. Never parses."""
    stop = _stop_words()
    title = article.title or None
    if doc is not None:
        words = _doc_words(doc, stop)
        ents = _doc_entities(doc, stop)
    else:
        words = _regex_words(article.text, stop)
        ents = _regex_entities(article.text, stop)
    if title:  # the title is not in the doc: the regex route for it, whatever the body used
        for k, v in _regex_words(title, stop).items():
            words[k] += TITLE_WEIGHT * v
        for k, v in _regex_entities(title, stop).items():
            ents[k] += TITLE_WEIGHT * v
    return ArticleFeatures(id=article.id, words=dict(words), entities=dict(ents),
                           day=_day(article.published), title=title, lead=_lead(article.text))
