"""Storylines: stories linked across weeks and months when they continue one thread.

A dated story is linked to the earlier dated story it resembles most (cosine of TF-IDF vectors of
words and names summed over each story's articles), when that story ended before this one began,
no more than ``max_gap_days`` earlier, and the resemblance reaches ``min_similarity``. The links
form trees; each tree of two or more stories is a storyline, ordered by date. A link's relation
comes from ``data/storyline_relations.tsv``: the relation whose words are markedly more frequent
in the later story than in the earlier one (title and lead counted more), else "follow-up".
An undated story (no article with a date) is linked to the dated story it resembles most, with
the same bar and no gap limit, and placed after the dated stories of that storyline: without a
date, "later" cannot be told, and the clusterer already keeps it apart from the dated stories.
Undated stories are not linked among themselves.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from importlib import resources

from ..model import Analysis, content_id
from .features import TOKEN_RX, ArticleFeatures, _day, _light_stem, feature_extractor

MIN_SIMILARITY = 0.2  # judged on BASIL links (threads above ~0.2, unrelated politics below)
MAX_GAP_DAYS = 400
MIN_RELATION_RATE = 2.0  # marked words per 1,000 tokens more in the later story than the earlier
KEY_TERMS = 40  # see key_terms()
TITLE_BOOST = 3  # a marked word in a title counts this many times; in the lead, twice


@lru_cache(maxsize=1)
def relation_lexicon() -> dict[str, list[tuple[str, ...]]]:
    text = resources.files("rashomon.data").joinpath("storyline_relations.tsv").read_text("utf-8")
    out: dict[str, list[tuple[str, ...]]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise ValueError(f"storyline_relations.tsv line {n}: expected relation<TAB>term: {line!r}")
        out.setdefault(parts[0].strip(), []).append(
            tuple(_light_stem(w) for w in parts[1].lower().split()))
    return out


def _tokens(text: str) -> list[str]:
    return [_light_stem(m.group(0).lower().replace("’", "'")) for m in TOKEN_RX.finditer(text)]


def _hits(tokens: list[str], terms: list[tuple[str, ...]]) -> int:
    firsts: dict[str, list[tuple[str, ...]]] = {}
    for t in terms:
        firsts.setdefault(t[0], []).append(t)
    n = 0
    for i, tok in enumerate(tokens):
        for t in firsts.get(tok, ()):
            if tuple(tokens[i:i + len(t)]) == t:
                n += 1
    return n


def relation_rates(texts: list[tuple[str, str | None, str]]) -> dict[str, float]:
    """Marked words per 1,000 tokens for each relation over (body, title, lead) of a story's articles."""
    lex = relation_lexicon()
    total, counts = 0, Counter()
    for body, title, lead in texts:
        body_t = _tokens(body)
        total += len(body_t)
        for rel, terms in lex.items():
            counts[rel] += _hits(body_t, terms) + (TITLE_BOOST * _hits(_tokens(title), terms)
                                                   if title else 0) + _hits(_tokens(lead), terms)
    return {rel: 1000.0 * counts[rel] / max(total, 1) for rel in lex}


def relation(earlier: Mapping[str, float], later: Mapping[str, float]) -> str:
    best, margin = "follow-up", MIN_RELATION_RATE
    for rel in sorted(later):
        d = later[rel] - earlier.get(rel, 0.0)
        if d > margin:
            best, margin = rel, d
    return best


def _unit(vec: Mapping[str, float]) -> dict[str, float]:
    n = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / n for t, v in vec.items()} if n else {}


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


def key_terms(vw: Mapping[str, float], vn: Mapping[str, float], k: int = KEY_TERMS) -> list[str]:
    """The terms a story is found by: its ``k`` heaviest words and ``k`` heaviest names. Two
    stories that reach ``MIN_SIMILARITY`` share heavy terms, so comparing a story only with the
    stories that share one of its key terms finds its most similar one without comparing all
    pairs (the quadratic scan took minutes at 10,000 stories)."""
    top = lambda v: sorted(v, key=lambda t: (-v[t], t))[:k]  # noqa: E731
    return top(vw) + top(vn)


class TermIndex:
    """An inverted index from key terms to the stories added so far (by insertion number)."""

    def __init__(self) -> None:
        self.postings: dict[str, list[int]] = {}
        self.n = 0

    def add(self, vw: Mapping[str, float], vn: Mapping[str, float]) -> None:
        for t in key_terms(vw, vn):
            self.postings.setdefault(t, []).append(self.n)
        self.n += 1

    def candidates(self, vw: Mapping[str, float], vn: Mapping[str, float]) -> list[int]:
        """The stories sharing a key term with this one, in insertion order."""
        found: set[int] = set()
        for t in key_terms(vw, vn):
            found.update(self.postings.get(t, ()))
        return sorted(found)


def storylines_stage(analysis: Analysis, docs=None, *, min_similarity: float = MIN_SIMILARITY,
                     max_gap_days: int = MAX_GAP_DAYS,
                     features: Mapping[str, ArticleFeatures] | None = None) -> None:
    """Fill ``analysis.storylines`` from ``analysis.stories`` (run ``stories_stage`` first).

    ``features``: the articles' features by id, when the caller already has them."""
    by_id = {a.id: (i, a) for i, a in enumerate(analysis.articles)}
    doc_of = (lambda i, aid: None) if docs is None else (
        (lambda i, aid: docs.get(aid)) if isinstance(docs, Mapping) else (lambda i, aid: docs[i]))
    feats = {}
    for st in analysis.stories:
        for aid in st["articles"]:
            i, art = by_id[aid]
            feats[aid] = features[aid] if features is not None else feature_extractor(art, doc_of(i, aid))
    n = len(feats)
    df: Counter = Counter()
    for f in feats.values():
        df.update(f.words.keys())
        df.update("@" + k for k in f.family("names"))
    idf = lambda t: 1.0 + math.log((n + 1) / (df.get(t, 0) + 0.5))  # noqa: E731

    dated, undated = [], []
    for st in analysis.stories:
        start, end = _day(st.get("start")), _day(st.get("end"))
        words: Counter = Counter()
        names: Counter = Counter()
        for aid in st["articles"]:
            words.update(feats[aid].words)
            names.update({"@" + k: v for k, v in feats[aid].family("names").items()})
        vw = _unit({t: (1 + math.log(c)) * idf(t) for t, c in words.items() if c > 0})
        vn = _unit({t: (1 + math.log(c)) * idf(t) for t, c in names.items() if c > 0})
        if start is None or end is None:
            undated.append((None, None, st["id"], vw, vn, st))
        else:
            dated.append((start, end, st["id"], vw, vn, st))
    dated.sort(key=lambda x: (x[0], x[2]))
    undated.sort(key=lambda x: x[2])

    parent: dict[str, str] = {}
    similarity: dict[str, float] = {}
    index = TermIndex()

    def most_similar(vw, vn, candidates) -> tuple[str | None, float]:
        best, best_sim = None, min_similarity
        for _ps, _pe, pid, pw, pn, _p in candidates:
            sim = 0.5 * _cos(vw, pw) + 0.5 * _cos(vn, pn)
            if sim >= best_sim:
                best, best_sim = pid, sim
        return best, best_sim

    for start, _end, sid, vw, vn, st in dated:
        cands = [dated[i] for i in index.candidates(vw, vn)]
        best, best_sim = most_similar(vw, vn, [p for p in cands
                                               if p[1] < start and start - p[1] <= max_gap_days])
        if best is not None:
            parent[sid] = best
            similarity[sid] = round(best_sim, 3)
        index.add(vw, vn)

    # an undated story joins the storyline of the dated story it resembles most (same bar, any
    # gap); with no date it cannot be placed among them, so it comes after the dated stories
    late: dict[str, list] = {}
    for item in undated:
        _s, _e, sid, vw, vn, _st = item
        best, best_sim = most_similar(vw, vn, [dated[i] for i in index.candidates(vw, vn)])
        if best is not None:
            parent[sid] = best
            similarity[sid] = round(best_sim, 3)
            late.setdefault(best, []).append(item)

    def root(s: str) -> str:
        while s in parent:
            s = parent[s]
        return s

    groups: dict[str, list] = {}
    for item in dated:
        groups.setdefault(root(item[2]), []).append(item)
    for pid, items in late.items():
        groups[root(pid)].extend(items)
    texts = {}
    for item in dated + [x for items in late.values() for x in items]:
        st = item[5]
        texts[item[2]] = relation_rates([
            (by_id[a][1].text, by_id[a][1].title, feats[a].lead) for a in st["articles"]])
    lines = []
    for members in groups.values():
        if len(members) < 2:
            continue
        ids = [m[2] for m in members]
        links = [{"from": parent[s], "to": s, "relation": relation(texts[parent[s]], texts[s]),
                  "similarity": similarity[s]} for s in ids if s in parent]
        lines.append({
            "id": content_id(*sorted(ids), prefix="storyline"),
            "title": members[0][5]["title"],
            "stories": ids,
            "links": links,
            "start": date.fromordinal(members[0][0]).isoformat(),
            "end": date.fromordinal(max(m[1] for m in members if m[1] is not None)).isoformat(),
        })
    lines.sort(key=lambda x: (x["start"], x["id"]))
    analysis.storylines = lines
    analysis.stats["storylines"] = len(lines)


__all__ = ["storylines_stage", "relation", "relation_rates", "relation_lexicon", "key_terms", "TermIndex"]
