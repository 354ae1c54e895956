"""Storylines: stories linked across weeks and months when they continue one thread.

A dated story is linked to the earlier dated story it resembles most (cosine of TF-IDF vectors of
words and names summed over each story's articles), when that story ended before this one began,
no more than ``max_gap_days`` earlier, and the resemblance reaches ``min_similarity``. The links
form trees; each tree of two or more stories is a storyline, ordered by date. A link's relation
comes from ``data/storyline_relations.tsv`` (escalation, de-escalation, reversal): the relation whose
words are markedly more frequent in the later story than in the earlier one (title and lead counted
more; "suspended attacks" is a de-escalation, not an escalation), else "follow-up".
An undated story (no article with a date) is linked to the dated story it resembles most, with
the same bar and no gap limit, and placed after the dated stories of that storyline: without a
date, "later" cannot be told, and the clusterer already keeps it apart from the dated stories.
Undated stories are not linked among themselves.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from importlib import resources

import numpy as np

from ..model import Analysis, content_id
from .features import TOKEN_RX, ArticleFeatures, _day, _light_stem, feature_extractor

MIN_SIMILARITY = 0.2  # judged on BASIL links (threads above ~0.2, unrelated politics below)
MAX_GAP_DAYS = 400
MIN_RELATION_RATE = 2.0  # marked words per 1,000 tokens more in the later story than the earlier
KEY_TERMS = 40  # see key_terms()
TITLE_BOOST = 3  # a marked word in a title counts this many times; in the lead, twice


HALT = "halt"  # contexts in the lexicon, not relations: see _counts()
OVER = "over"
HALT_WINDOW = 5  # tokens between a halt or reversal term and the term it reads, within a sentence


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, list[tuple[str, ...]]]:
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


@lru_cache(maxsize=1)
def relation_lexicon() -> dict[str, list[tuple[str, ...]]]:
    """The relations and their terms (the halt and "over" contexts left out)."""
    return {rel: terms for rel, terms in _lexicon().items() if rel not in (HALT, OVER)}


@lru_cache(maxsize=1)
def _firsts() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    firsts: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for rel, terms in _lexicon().items():
        for t in terms:
            firsts.setdefault(t[0], []).append((t, rel))
    return firsts


def _tokens(text: str) -> list[str]:
    return [_light_stem(m.group(0).lower().replace("’", "'")) for m in TOKEN_RX.finditer(text)]


SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def _text_counts(text: str) -> tuple[Counter, int]:
    """``_counts`` over the sentences of ``text`` (a term is read in context within its sentence)
    and the number of tokens."""
    out: Counter = Counter()
    n = 0
    for part in SENTENCE_END.split(text):
        toks = _tokens(part)
        n += len(toks)
        if toks:
            out.update(_counts(toks))
    return out, n


def _counts(tokens: list[str]) -> Counter:
    """Marked terms of each relation in ``tokens``, read in context: an escalation term that
    follows a halt term within ``HALT_WINDOW`` tokens ("suspended rocket attacks", "an end to the
    shelling") counts as a de-escalation; a de-escalation term next to a halt, reversal or "over"
    term within that window ("the end of the truce", "the ceasefire is over") counts as a reversal.
    The halt or reversal term so used is not counted again; halt and "over" terms count nothing alone."""
    firsts = _firsts()
    found: list[tuple[int, int, str]] = []
    for i, tok in enumerate(tokens):
        for t, rel in firsts.get(tok, ()):
            if tuple(tokens[i:i + len(t)]) == t:
                found.append((i, i + len(t), rel))
    halts = [(a, b) for a, b, rel in found if rel == HALT]
    enders = [(a, b) for a, b, rel in found if rel in (HALT, OVER, "reversal")]
    out: Counter = Counter()
    used: set[int] = set()  # starts of the halt / reversal terms read with another term
    for a, b, rel in found:
        near: list[tuple[int, int]] = []  # (distance, start) of the context terms it reads
        if rel == "escalation":
            near = [(a - y, x) for x, y in halts if y <= a and a - y < HALT_WINDOW]
            read_as = "de-escalation"
        elif rel == "de-escalation":
            near = [(a - y, x) for x, y in enders if y <= a and a - y < HALT_WINDOW]
            near += [(x - b, x) for x, y in enders if x >= b and x - b < HALT_WINDOW]
            read_as = "reversal"
        else:
            continue  # reversal terms are counted below, once the used ones are known
        if near:
            used.add(min(near)[1])  # the nearest: "truce collapses as the front quits" is two
            out[read_as] += 1
        else:
            out[rel] += 1
    out["reversal"] += sum(1 for a, _, rel in found if rel == "reversal" and a not in used)
    return +out


def relation_counts(texts: list[tuple[str, str | None, str]], counts: Counter | None = None,
                    total: int = 0) -> tuple[Counter, int]:
    """Marked words of each relation and body tokens over (body, title, lead) of articles, added
    to ``counts`` and ``total`` when given (a story's running sums, member after member)."""
    counts = Counter() if counts is None else counts
    for body, title, lead in texts:
        body_c, n = _text_counts(body)
        total += n
        counts.update(body_c)
        counts.update(_text_counts(lead)[0])
        if title:
            counts.update({rel: TITLE_BOOST * k for rel, k in _text_counts(title)[0].items()})
    return counts, total


def rates_of(counts: Counter, total: int) -> dict[str, float]:
    """``relation_counts`` as marked words per 1,000 tokens for each relation."""
    return {rel: 1000.0 * counts[rel] / max(total, 1) for rel in relation_lexicon()}


def relation_rates(texts: list[tuple[str, str | None, str]]) -> dict[str, float]:
    """Marked words per 1,000 tokens for each relation over (body, title, lead) of a story's articles."""
    return rates_of(*relation_counts(texts))


PRIORITY = ("reversal", "de-escalation", "escalation")  # see relation()


def relation(earlier: Mapping[str, float], later: Mapping[str, float]) -> str:
    """The first relation of ``PRIORITY`` whose words are markedly more frequent (by
    ``MIN_RELATION_RATE``) in the later story than in the earlier, else "follow-up". A reversal
    comes first: a truce broken by shelling is told with the shelling's words too, and the end of
    the truce is the development; a de-escalation before an escalation for the same reason (talks
    opened while the fighting goes on)."""
    order = [r for r in PRIORITY if r in later] + sorted(r for r in later if r not in PRIORITY)
    for rel in order:
        if later[rel] - earlier.get(rel, 0.0) > MIN_RELATION_RATE:
            return rel
    return "follow-up"


def _unit(vec: Mapping[str, float]) -> dict[str, float]:
    n = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / n for t, v in vec.items()} if n else {}


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


BLOCK = 256  # query stories per block of the similarity matrix
_EPS = 1e-9


def best_matches(queries: Sequence[tuple[Mapping[str, float], Mapping[str, float]]],
                 candidates: Sequence[tuple[Mapping[str, float], Mapping[str, float]]],
                 query_terms: Sequence[Iterable[str]], candidate_terms: Sequence[Iterable[str]],
                 allowed: Callable[[range], np.ndarray], min_similarity: float) -> list[tuple[int | None, float]]:
    """For each query story, its most similar allowed candidate: ``(index, similarity)``, or
    ``(None, min_similarity)`` when none reaches ``min_similarity``.

    Stories are ``(vw, vn)`` unit vectors of words and names, the similarity is ``0.5 cos(vw) +
    0.5 cos(vn)``; a candidate is considered when it shares a key term with the query and
    ``allowed(rows)`` (a boolean array, rows x candidates) admits it. Of equal similarities the
    candidate listed last wins. The result is what comparing every admitted pair with ``_cos``
    in candidate order gives: the sparse matrix products (scipy) only narrow each query's
    candidates to those within rounding of its best, which ``_cos`` then decides. One pass over
    10,000 stories compares 100 million pairs; in Python that took minutes."""
    from scipy import sparse

    out: list[tuple[int | None, float]] = [(None, min_similarity)] * len(queries)
    if not queries or not candidates:
        return out
    vocab: dict[str, int] = {}
    terms: dict[str, int] = {}

    def matrix(vecs, scale):
        indptr, idx, data = [0], [], []
        for vw, vn in vecs:
            for v in (vw, vn):
                for t, x in v.items():
                    idx.append(vocab.setdefault(t, len(vocab)))
                    data.append(x * scale)
            indptr.append(len(idx))
        return indptr, idx, data

    def binary(rows):
        indptr, idx = [0], []
        for ts in rows:
            idx.extend({terms.setdefault(t, len(terms)) for t in ts})
            indptr.append(len(idx))
        return indptr, idx

    q_parts, c_parts = matrix(queries, 0.5), matrix(candidates, 1.0)
    qk_parts, ck_parts = binary(query_terms), binary(candidate_terms)

    def csr(parts, n, width, data=None):
        indptr, idx = parts[0], parts[1]
        vals = np.asarray(parts[2] if data is None else data, dtype=np.float64)
        return sparse.csr_matrix((vals, np.asarray(idx, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
                                 shape=(n, width))

    q = csr(q_parts, len(queries), len(vocab))
    ct = csr(c_parts, len(candidates), len(vocab)).T.tocsr()
    qk = csr(qk_parts, len(queries), len(terms), np.ones(len(qk_parts[1])))
    ckt = csr(ck_parts, len(candidates), len(terms), np.ones(len(ck_parts[1]))).T.tocsr()
    for lo in range(0, len(queries), BLOCK):
        rows = range(lo, min(lo + BLOCK, len(queries)))
        sims = (q[lo:rows.stop] @ ct).toarray()
        ok = ((qk[lo:rows.stop] @ ckt).toarray() > 0) & allowed(rows)
        sims[~ok] = -np.inf
        tops = sims.max(axis=1)
        for r, i in enumerate(rows):
            if tops[r] < min_similarity - _EPS:
                continue
            qw, qn = queries[i]
            best, best_sim = None, min_similarity
            for c in np.nonzero(sims[r] >= tops[r] - _EPS)[0]:
                cw, cn = candidates[c]
                sim = 0.5 * _cos(qw, cw) + 0.5 * _cos(qn, cn)
                if sim >= best_sim:
                    best, best_sim = int(c), sim
            out[i] = (best, best_sim)
    return out


def key_terms(vw: Mapping[str, float], vn: Mapping[str, float], k: int = KEY_TERMS) -> list[str]:
    """The terms a story is found by: its ``k`` heaviest words and ``k`` heaviest names. Two
    stories that reach ``MIN_SIMILARITY`` share heavy terms, so comparing a story only with the
    stories that share one of its key terms finds its most similar one without comparing all
    pairs (the quadratic scan took minutes at 10,000 stories)."""
    top = lambda v: sorted(v, key=lambda t: (-v[t], t))[:k]  # noqa: E731
    return top(vw) + top(vn)


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
    vecs = [(x[3], x[4]) for x in dated]
    terms = [key_terms(vw, vn) for vw, vn in vecs]
    starts = np.array([x[0] for x in dated], dtype=np.int64)
    ends = np.array([x[1] for x in dated], dtype=np.int64)

    def earlier(rows: range) -> np.ndarray:
        # candidates: the stories before this one (by start), ended before it began, within the gap
        s = starts[rows.start:rows.stop, None]
        order = np.arange(len(dated))[None, :] < np.arange(rows.start, rows.stop)[:, None]
        return order & (ends[None, :] < s) & (s - ends[None, :] <= max_gap_days)

    for (start, _end, sid, *_rest), (best, sim) in zip(dated, best_matches(
            vecs, vecs, terms, terms, earlier, min_similarity)):
        if best is not None:
            parent[sid] = dated[best][2]
            similarity[sid] = round(sim, 3)

    # an undated story joins the storyline of the dated story it resembles most (same bar, any
    # gap); with no date it cannot be placed among them, so it comes after the dated stories
    late: dict[str, list] = {}
    found = best_matches([(x[3], x[4]) for x in undated], vecs, [key_terms(x[3], x[4]) for x in undated],
                         terms, lambda rows: np.ones((len(rows), len(dated)), dtype=bool), min_similarity)
    for item, (best, sim) in zip(undated, found):
        if best is not None:
            sid = item[2]
            parent[sid] = dated[best][2]
            similarity[sid] = round(sim, 3)
            late.setdefault(dated[best][2], []).append(item)

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


__all__ = ["storylines_stage", "relation", "relation_rates", "relation_counts", "rates_of", "relation_lexicon",
           "key_terms", "best_matches"]
