"""The batch stage: features for every article, clustering in arrival order, Story dicts."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from ..model import Analysis, content_id
from .clusterer import StoryClusterer
from .features import ArticleFeatures, feature_extractor

def arrival_order(features: Iterable[ArticleFeatures]) -> list[ArticleFeatures]:
    """Publication-date order, then id; undated articles after the dated ones."""
    return sorted(features, key=lambda f: (f.day is None, f.day or 0, f.id))


def _easy_first(undated: list[ArticleFeatures], clusterer: StoryClusterer) -> list[ArticleFeatures]:
    """Undated articles have no place in time: they come after the dated ones, the clearest
    first (highest score against the stories so far, then id), so that a doubtful one meets
    stories already shaped by the sure ones instead of shaping them. One look-up each."""
    if not undated:
        return []
    scored = [(clusterer.best(f)[1], f.id, f) for f in undated]
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [f for _, _, f in scored]


def _docs_for(analysis: Analysis, docs) -> list:
    if docs is None:
        return [None] * len(analysis.articles)
    if isinstance(docs, Mapping):
        return [docs.get(a.id) for a in analysis.articles]
    docs = list(docs)
    if len(docs) != len(analysis.articles):
        raise ValueError(f"stories_stage: {len(docs)} docs for {len(analysis.articles)} articles; "
                         "pass one Doc (or None) per article, or a mapping article id -> Doc")
    return docs


def _iso(day: int | None) -> str | None:
    return date.fromordinal(day).isoformat() if day is not None else None


def _short(text: str, max_words: int = 14) -> str:
    words = text.split()
    return " ".join(words[:max_words]) + (" …" if len(words) > max_words else "")


def story_title(members: Sequence[ArticleFeatures], clusterer: StoryClusterer) -> str:
    """The title of the titled article nearest the story's centre (else the lead of the nearest
    article), cut to a few words: no invented words."""
    cen: dict[str, float] = {}
    vecs = [clusterer.vector(m, "words") for m in members]
    for v in vecs:
        for t, x in v.items():
            cen[t] = cen.get(t, 0.0) + x
    best = max(range(len(members)),
               key=lambda i: (members[i].title is not None,
                              sum(x * cen.get(t, 0.0) for t, x in vecs[i].items()), -i))
    m = members[best]
    return _short(m.title or m.lead or m.id)


def assign(ordered: Sequence[ArticleFeatures], clusterer: StoryClusterer, *,
           count: bool) -> dict[int, list[ArticleFeatures]]:
    """Add articles (in arrival order) to the clusterer, the dated first and then the undated,
    the clearest first; return the keys of the stories they joined, with the articles each
    joined (the store's ``add`` does the same: rashomon.store.corpus.update_stories)."""
    keys: dict[int, list[ArticleFeatures]] = {}
    for f in [f for f in ordered if f.day is not None]:
        keys.setdefault(clusterer.add(f, count=count), []).append(f)
    for f in _easy_first([f for f in ordered if f.day is None], clusterer):
        keys.setdefault(clusterer.add(f, count=count), []).append(f)
    return keys


def cluster(ordered: Sequence[ArticleFeatures], clusterer: StoryClusterer, *, count: bool) -> list[dict]:
    """``assign``, then the contract's Story dicts of the stories the articles formed."""
    keys = assign(ordered, clusterer, count=count)
    stories = []
    for members in keys.values():
        days = [m.day for m in members if m.day is not None]
        ids = [m.id for m in members]
        stories.append({
            "id": content_id(*sorted(ids), prefix="story"),
            "title": story_title(members, clusterer),
            "articles": ids,
            "start": _iso(min(days)) if days else None,
            "end": _iso(max(days)) if days else None,
            "summary": [], "timeline": [], "facts": [], "conflicts": [], "framing": [],
        })
    return stories


def stories_stage(analysis: Analysis, docs=None, *, weights: Mapping[str, float] | None = None,
                  clusterer: StoryClusterer | None = None,
                  features: Sequence[ArticleFeatures] | None = None) -> None:
    """Fill ``analysis.stories`` with the contract's Story dicts (largest first, then by date).

    ``docs``: the spaCy Docs the NLP stage parsed, one per article (list) or by article id
    (mapping); without them the regex features are used. A given ``clusterer`` (restored state)
    continues; else a new one is primed with this batch's document frequencies. ``features``:
    features already extracted (one per article, in article order) instead of ``docs``.
    """
    if features is not None:
        feats = list(features)
    else:
        feats = [feature_extractor(a, d) for a, d in zip(analysis.articles, _docs_for(analysis, docs))]
    fresh = clusterer is None
    if fresh:
        clusterer = StoryClusterer(weights)
        for f in feats:
            clusterer.count(f)
    stories = cluster(arrival_order(feats), clusterer, count=not fresh)
    stories.sort(key=lambda s: (-len(s["articles"]), s["start"] or "9999", s["id"]))
    analysis.stories = stories
    analysis.stats["stories"] = len(stories)
