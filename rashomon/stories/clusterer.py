"""The online story clusterer: each article joins the best candidate story or opens a new one.

State per story: the sum of its articles' unit TF-IDF vectors per family (pruned to the strongest
``CENTROID_TERMS`` terms), entity counts, date range, article ids. Candidates come from an inverted
index on each story's top terms; stories older than ``max_gap_days`` move to an archive
that only undated articles consult (by then the time term is at its floor anyway). The decision
(``score``): weighted cosines, names and numbers decayed by the date gap, plus the time evidence
(``closeness``), minus the threshold. The whole
state is plain JSON data (``to_state`` / ``from_state``).
"""
from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from .features import FAMILIES, ArticleFeatures

CENTROID_TERMS = 300  # terms kept per family in a story centroid
INDEX_TERMS = 25  # top terms per family of a story put in the inverted index
QUERY_TERMS = 25  # top terms per family of an article looked up in the index
MAX_CANDIDATES = 40

@lru_cache(maxsize=1)
def load_weights() -> dict[str, float]:
    text = resources.files("rashomon.data").joinpath("story_weights.json").read_text("utf-8")
    return {k: float(v) for k, v in json.loads(text).items() if not k.startswith("_")}


def _top(vec: Mapping[str, float], n: int) -> list[str]:
    return [k for k, _ in sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def _norm(vec: Mapping[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vec.values()))


def index_keys(centroid: Mapping[str, Mapping[str, float]]) -> list[str]:
    """The keys a story with this centroid is indexed under: its top terms of each family."""
    return [f"{f}:{t}" for f in FAMILIES for t in _top(centroid[f], INDEX_TERMS)]


def _query_keys(vecs: Mapping[str, Mapping[str, float]]) -> list[str]:
    return [f"{f}:{t}" for f in FAMILIES for t in _top(vecs[f], QUERY_TERMS)]


@dataclass
class _Story:
    key: int
    centroid: dict[str, dict[str, float]]
    norms: dict[str, float]
    first: int | None
    last: int | None
    articles: list[str]
    last_seen: int  # arrival counter of its latest article
    indexed: list[str] = field(default_factory=list)
    retired: bool = False

    def to_state(self) -> dict:
        return {"key": self.key, "centroid": self.centroid, "first": self.first, "last": self.last,
                "articles": self.articles, "last_seen": self.last_seen}

    @classmethod
    def from_state(cls, d: Mapping[str, Any]) -> _Story:
        cen = {f: dict(d["centroid"][f]) for f in FAMILIES}
        return cls(key=int(d["key"]), centroid=cen, norms={f: _norm(cen[f]) for f in FAMILIES},
                   first=d["first"], last=d["last"], articles=list(d["articles"]),
                   last_seen=int(d["last_seen"]))  # (an older state's unused "entity_counts" is left)


class StoryClusterer:
    """Online story clustering: ``add(features)`` puts one article in a story and returns its key.

    The state (document frequencies, stories with their centroids, entity counts, date ranges and
    article ids) is plain data: ``to_state()`` / ``from_state()`` round-trip it through JSON, and a
    clusterer restored mid-stream gives the same result as one that never stopped.
    """

    def __init__(self, weights: Mapping[str, float] | None = None):
        self.weights = dict(load_weights() if weights is None else weights)
        self.n_docs = 0
        self.df: dict[str, Counter] = {f: Counter() for f in FAMILIES}
        self.stories: dict[int, _Story] = {}
        self.next_key = 0
        self.arrivals = 0
        self.latest_day: int | None = None
        self.index: dict[str, set[int]] = {}  # term -> stories that a dated article may join
        self.archive: dict[str, set[int]] = {}  # term -> retired stories (undated articles only)

    # -- document frequencies
    def count(self, features: ArticleFeatures) -> None:
        """Count one article in the document frequencies (``add`` does it unless told not to)."""
        self.n_docs += 1
        for f in FAMILIES:
            self.df[f].update(features.family(f).keys())

    def idf(self, family: str, term: str) -> float:
        # ``prior_docs`` unrelated background documents keep a small batch's shared words weighted
        n = self.n_docs + self.weights.get("prior_docs", 0.0)
        return math.log((n + 1) / (self.df[family].get(term, 0) + 0.5))

    def vector(self, features: ArticleFeatures, family: str) -> dict[str, float]:
        """The article's unit TF-IDF vector of one family, with the current IDF."""
        vec = {t: (1.0 + math.log(c)) * self.idf(family, t)
               for t, c in features.family(family).items() if c > 0}
        vec = {t: w for t, w in vec.items() if w > 0}
        n = _norm(vec)
        return {t: w / n for t, w in vec.items()} if n else {}

    # -- scoring
    def closeness(self, day: int | None, story: _Story) -> float:
        """The time evidence that the article belongs to the story, in [time_floor, 1].

        Both dated: ``floor + (1 - floor) * exp(-gap / time_scale_days)``, the gap measured to the
        story's date range (0 inside it). A negative floor makes a gap of weeks evidence *against*:
        the same actors weeks later are a new development (a storyline), so only a near-duplicate
        content can still join (a noisy header date). One side undated: ``time_half`` (the content
        must carry the decision, so it is set below the both-undated value: an undated article
        joins a dated story only when clearly similar). Both undated: ``time_unknown``."""
        w = self.weights
        if day is None and story.first is None:
            return w["time_unknown"]
        if day is None or story.first is None:
            return w.get("time_half", w["time_unknown"])
        gap = max(0, story.first - day, day - story.last)
        floor = w.get("time_floor", 0.0)
        return floor + (1.0 - floor) * math.exp(-gap / w["time_scale_days"])

    def gap(self, day: int | None, story: _Story) -> int | None:
        """Days between the article's date and the story's date range (0 inside it); None if
        either is undated."""
        if day is None or story.first is None:
            return None
        return max(0, story.first - day, day - story.last)

    def score(self, vecs: Mapping[str, Mapping[str, float]], day: int | None,
              story: _Story) -> float:
        """Weighted per-family cosines with the story centroid, plus the time evidence, minus the
        threshold: join when positive. The cosines of names and numbers decay with the gap between
        dated article and story (``entity_scale_days``): the same people, places, figures and
        dates weeks later mark the same storyline (a follow-up recalls them), not the same story;
        what happened (the words) does not decay."""
        w = self.weights
        s = -w["threshold"] + w["time"] * self.closeness(day, story)
        gap = self.gap(day, story)
        scale = w.get("entity_scale_days", 0.0)
        decay = math.exp(-gap / scale) if gap and scale > 0 else 1.0
        for f in FAMILIES:
            n, wf = story.norms[f], w[f]
            if n:
                if f != "words":
                    wf *= decay
                cen = story.centroid[f]
                s += wf * sum(x * cen[t] for t, x in vecs[f].items() if t in cen) / n
        return s

    def candidates(self, vecs: Mapping[str, Mapping[str, float]], undated: bool = False) -> list[int]:
        """Stories sharing top terms with the article, most shared first. An undated article may
        belong to any story, so it also looks in the archive of retired ones."""
        hits: Counter = Counter()
        books = (self.index, self.archive) if undated else (self.index,)
        for key in _query_keys(vecs):
            for book in books:
                for k in book.get(key, ()):
                    hits[k] += 1
        ranked = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))
        return [k for k, _ in ranked[:MAX_CANDIDATES]]

    def query_keys(self, features: ArticleFeatures) -> list[str]:
        """The index keys the article looks up (``candidates``) with the current document
        frequencies: a story can be its candidate only if it is indexed under one of them. The
        store restores only the stories indexed under the keys of the articles it adds
        (``rashomon.store.corpus.update_stories``)."""
        return _query_keys({f: self.vector(features, f) for f in FAMILIES})

    def restore(self, states: Iterable[Mapping[str, Any]]) -> None:
        """Put back stories saved by ``to_state`` (indexed, or archived if retired)."""
        for d in states:
            s = _Story.from_state(d)
            self.stories[s.key] = s
            self._reindex(s)
        self._retire()

    def _too_far(self, day: int | None, story: _Story) -> bool:
        if day is None or story.first is None:
            return False
        gap = max(0, story.first - day, day - story.last)
        return gap > self.weights["max_gap_days"]

    # -- the index
    def _unindex(self, story: _Story) -> None:
        book = self.archive if story.retired else self.index
        for key in story.indexed:
            ks = book.get(key)
            if ks is not None:
                ks.discard(story.key)
                if not ks:
                    del book[key]
        story.indexed = []

    def _reindex(self, story: _Story) -> None:
        self._unindex(story)
        keys = index_keys(story.centroid)
        book = self.archive if story.retired else self.index
        for key in keys:
            book.setdefault(key, set()).add(story.key)
        story.indexed = keys

    def _retire(self) -> None:
        """Move stories from the index to the archive once no dated article can join them."""
        if self.latest_day is None:
            return
        limit = self.latest_day - self.weights["max_gap_days"]
        for s in self.stories.values():
            if not s.retired and s.last is not None and s.last < limit:
                self._unindex(s)
                s.retired = True
                self._reindex(s)

    # -- adding
    def best(self, features: ArticleFeatures) -> tuple[int | None, float]:
        """The story the article would join and its score (None, 0.0 when it would open a new
        one), without changing anything."""
        return self._best({f: self.vector(features, f) for f in FAMILIES}, features.day)

    def _best(self, vecs, day: int | None) -> tuple[int | None, float]:
        best, best_score = None, 0.0
        for k in self.candidates(vecs, undated=day is None):
            st = self.stories[k]
            if self._too_far(day, st):
                continue
            sc = self.score(vecs, day, st)
            if sc > best_score:
                best, best_score = k, sc
        return best, best_score

    def add(self, features: ArticleFeatures, *, count: bool = True) -> int:
        """Put the article in the best story, or open a new one; return the story's key."""
        if count:
            self.count(features)
        vecs = {f: self.vector(features, f) for f in FAMILIES}
        day = features.day
        key, _ = self._best(vecs, day)
        self.arrivals += 1
        if key is None:
            best = _Story(key=self.next_key, centroid={f: {} for f in FAMILIES},
                          norms={f: 0.0 for f in FAMILIES}, first=None,
                          last=None, articles=[], last_seen=self.arrivals)
            self.stories[best.key] = best
            self.next_key += 1
        else:
            best = self.stories[key]
        self._join(best, features, vecs)
        if day is not None and (self.latest_day is None or day > self.latest_day):
            self.latest_day = day
            self._retire()
        return best.key

    def _join(self, st: _Story, features: ArticleFeatures, vecs) -> None:
        for f in FAMILIES:
            cen = st.centroid[f]
            for t, x in vecs[f].items():
                cen[t] = cen.get(t, 0.0) + x
            if len(cen) > CENTROID_TERMS:
                keep = _top(cen, CENTROID_TERMS)
                st.centroid[f] = cen = {t: cen[t] for t in keep}
            st.norms[f] = _norm(cen)
        if features.day is not None:
            st.first = features.day if st.first is None else min(st.first, features.day)
            st.last = features.day if st.last is None else max(st.last, features.day)
        st.articles.append(features.id)
        st.last_seen = self.arrivals
        self._reindex(st)

    # -- state
    def drop_stories(self) -> None:
        """Forget every story (and the index): what is left is the document frequencies and
        counters, all that weighting needs (the store's later stages, once stories are written)."""
        self.stories.clear()
        self.index.clear()
        self.archive.clear()

    def to_state(self, stories: Iterable[int] | None = None) -> dict:
        """The state as plain data; ``stories``: only these stories' (all when None)."""
        keep = self.stories.values() if stories is None else (self.stories[k] for k in sorted(stories))
        return {"weights": self.weights, "n_docs": self.n_docs,
                "df": {f: dict(self.df[f]) for f in FAMILIES},
                "stories": [s.to_state() for s in keep],
                "next_key": self.next_key, "arrivals": self.arrivals,
                "latest_day": self.latest_day}

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> StoryClusterer:
        c = cls(weights=state["weights"])
        c.n_docs = int(state["n_docs"])
        c.df = {f: Counter(state["df"][f]) for f in FAMILIES}
        c.next_key = int(state["next_key"])
        c.arrivals = int(state["arrivals"])
        c.latest_day = state["latest_day"]
        c.restore(state["stories"])  # retirement is a function of each story's last day and the latest day
        return c
