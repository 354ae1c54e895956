"""Reuse detection: duplicates, republications, rewrites, partial reuse and shared quotations.

The corpus stage works on compact features (``candidates.features``: content hash, MinHash
signature, fingerprints), proposes candidate pairs in about linear time, and aligns only those
(``align``); ``pairs.judge`` names the kind and lists the substitutions. Each related pair becomes
one of the contract's Reuse objects::

    {"a", "b", "kind", "shared", "source", "common_origin", "substitutions", "spans"}

``a`` is the earlier article when publication dates tell (then ``source == a``), else the one
read first. Undated articles take the date of their earliest dated duplicate or republication
(``published_basis = "inferred"``).
"""
from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from collections.abc import Sequence

from ..model import Analysis, Article
from .candidates import Features, LSHParams, candidates, features
from .pairs import judge
from .text import Doc, doc

__all__ = ["find_reuse", "judge_candidates", "reuse_stage", "infer_dates", "features", "candidates", "LSHParams",
           "Features"]

log = logging.getLogger(__name__)

# pairs whose dates an undated article may take: copies and rewrites of the same (wire) text
INFER_KINDS = ("duplicate", "republication", "rewrite")
ORIGIN_KINDS = ("duplicate", "republication", "rewrite", "partial")  # share the wire's text
DOC_CACHE = 4096  # tokenised articles kept while aligning candidate pairs


def _earlier(a: Article, b: Article) -> Article | None:
    """The article published first, when both dates are known and tell them apart."""
    pa, pb = a.published, b.published
    if "inferred" in (a.published_basis, b.published_basis):  # a date taken from a copy tells no order
        return None
    if not pa or not pb or pa.startswith(pb) or pb.startswith(pa):
        return None
    return a if pa < pb else b


def _credits(a: Article) -> list[str]:
    out = list(a.wire)
    if a.dateline and a.dateline.credit and a.dateline.credit not in out:
        out.append(a.dateline.credit)
    return out


def _origin(a: Article, b: Article, kind: str) -> str | None:
    ca, cb = _credits(a), _credits(b)
    both = [w for w in ca if w.casefold() in {x.casefold() for x in cb}]
    if both:
        return both[0]
    if kind in ORIGIN_KINDS and bool(ca) != bool(cb):
        return (ca or cb)[0]
    return None


def _title(t: str | None) -> str:
    return re.sub(r"\W+", " ", (t or "").casefold()).strip()


def find_reuse(articles: Sequence[Article], params: LSHParams = LSHParams(),
               stats: dict | None = None) -> list[dict]:
    """Related pairs among the articles, as the contract's Reuse objects (see module docstring).

    ``stats``, when given, receives counts: candidates per route and pairs per kind.
    """
    t0 = time.perf_counter()
    feats = features((a.text for a in articles), params)
    t1 = time.perf_counter()
    cands = candidates(feats)
    t2 = time.perf_counter()
    out = judge_candidates(articles, feats, cands)
    if stats is not None:
        stats.update(features_seconds=t1 - t0, candidates_seconds=t2 - t1,
                     align_seconds=time.perf_counter() - t2, candidates=len(cands))
        for routes in cands.values():
            for route in routes:
                stats[f"candidates_{route}"] = stats.get(f"candidates_{route}", 0) + 1
        for r in out:
            stats[f"pairs_{r['kind']}"] = stats.get(f"pairs_{r['kind']}", 0) + 1
    return out


def judge_candidates(articles: Sequence[Article], feats: Features,
                     cands: dict[tuple[int, int], set[str]]) -> list[dict]:
    """Align and judge the candidate pairs (indices into ``articles``): the Reuse objects."""
    cache: OrderedDict[int, Doc] = OrderedDict()

    def tokens(i: int) -> Doc:
        if i in cache:
            cache.move_to_end(i)
        else:
            art = articles[i]  # the dateline ("CITY (Agency) -") is the outlet's, not the text's
            cache[i] = doc(art.text, art.dateline.end if art.dateline and art.dateline.end else 0)
            if len(cache) > DOC_CACHE:
                cache.popitem(last=False)
        return cache[i]

    out = []
    for i, j in sorted(cands):
        a, b = articles[i], articles[j]
        first = _earlier(a, b)
        if first is b:
            i, j, a, b = j, i, b, a
        same_title = not a.title or not b.title or _title(a.title) == _title(b.title)
        r = judge(a.id, b.id, tokens(i), tokens(j), same_words=feats.content[i] == feats.content[j],
                  same_title=same_title, loaded=(a.loaded, b.loaded))
        if r is None:
            continue
        r["source"] = a.id if first is not None else None
        r["common_origin"] = _origin(a, b, r["kind"])
        out.append(r)
    return out


def infer_dates(articles: Sequence[Article], reuse: list[dict]) -> dict[str, str]:
    """Dates for undated articles: the earliest date among their dated near-duplicates."""
    by_id = {a.id: a for a in articles}
    found: dict[str, str] = {}
    for r in reuse:
        if r["kind"] not in INFER_KINDS:
            continue
        for x, y in ((r["a"], r["b"]), (r["b"], r["a"])):
            ax, ay = by_id[x], by_id[y]
            if ax.published is None and ay.published and ay.published_basis != "inferred":
                if x not in found or ay.published < found[x]:
                    found[x] = ay.published
    return found


def reuse_stage(analysis: Analysis) -> None:
    """Corpus stage: fill ``analysis.reuse`` and date undated copies of dated articles."""
    stats: dict = {}
    analysis.reuse = find_reuse(analysis.articles, stats=stats)
    by_id = {a.id: a for a in analysis.articles}
    for aid, date in infer_dates(analysis.articles, analysis.reuse).items():
        by_id[aid].published, by_id[aid].published_basis = date, "inferred"
    analysis.stats.update({f"reuse_{k}": v for k, v in stats.items()})
