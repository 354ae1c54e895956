"""Spark engine, linguistic analysis and stories.

* ``annotate_partition``: the per-article half of the NLP stage (``rashomon.nlp.stage``: one
  spaCy parse, then times, quotes, mentions, event mentions, story features) on executors. The
  spaCy model is loaded once per Python worker (``rashomon.nlp.load`` is cached per process and
  Spark reuses its Python workers), and only compact JSON-able results leave the executor.
* ``resolve``: the corpus half on the driver, over those compact results: entities resolved
  across articles, speakers linked, event mentions merged.
* ``cluster_stories``: stories by time buckets. Buckets are cut where the publication days
  leave a gap longer than the clusterer's ``max_gap_days`` (no dated article can join a story
  across such a gap, so the cut changes nothing) and, inside a run of close days, when a bucket
  would pass ``bucket_max`` articles (there a story crossing the cut is split in two). Each
  bucket runs the local engine's online ``StoryClusterer``, in the same arrival order, with the
  document frequencies of the whole corpus.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter


UNDATED = -1  # the bucket of undated articles when the dated ones span several buckets


def annotate_partition(rows):
    """Executor side: (seq, Article) -> (seq, compact annotations of the article)."""

    from ..nlp.stage import annotate_article, parse

    rows = list(rows)
    for (seq, _a), (article, doc) in zip(rows, parse([a for _, a in rows])):
        ann = annotate_article(article, doc)
        yield seq, {"id": article.id, "english": doc is not None, "times": ann.times,
                    "quotes": ann.quotes, "mentions": ann.mentions, "events": ann.events,
                    "features": ann.features.to_dict(), "loaded_pos": ann.loaded_pos,
                    "loaded_ext": ann.loaded_ext}


def resolve(anns: list[dict], texts: dict[str, str]) -> tuple[list[dict], list[dict], list[dict]]:
    """The corpus half of the NLP stage over the annotations (in read order): entities, quotes
    with their speakers linked, merged events. ``texts``: the texts of the articles with quotes."""
    from ..events import merge_events
    from ..nlp.entities import resolve_entities
    from ..nlp.stage import link_speakers

    entities = resolve_entities([({"id": d["id"]}, d["mentions"]) for d in anns if d["english"]])
    quotes = [q for d in anns if d["english"] for q in d["quotes"]]
    link_speakers(quotes, entities, texts)
    for q in quotes:
        q.setdefault("speaker", None)
    events = merge_events([m for d in anns if d["english"] for m in d["events"]], entities)
    return entities, quotes, events


def buckets(day_counts: list[tuple[int, int]], max_gap: float, bucket_max: int) -> list[int]:
    """The first day of each bucket, from the (day, articles) counts of the dated articles."""
    starts: list[int] = []
    last, size = None, 0
    for day, n in sorted(day_counts):
        if last is None or day - last > max_gap or size + n > bucket_max:
            starts.append(day)
            size = 0
        last, size = day, size + n
    return starts


def bucket_of(day: int | None, starts: list[int]) -> int:
    if day is None:
        return 0 if len(starts) <= 1 else UNDATED
    return max(0, bisect_right(starts, day) - 1)


def cluster_bucket(feats: list[dict], df: dict[str, dict[str, int]], n_docs: int) -> list[dict]:
    """One bucket's stories: the online clusterer over its articles, in arrival order (dated
    ones first, then the undated, clearest first), primed with the corpus's document frequencies."""
    from ..stories import StoryClusterer
    from ..stories.features import FAMILIES, ArticleFeatures
    from ..stories.stage import arrival_order, cluster

    clusterer = StoryClusterer()
    clusterer.n_docs = n_docs
    clusterer.df = {f: Counter(df.get(f, {})) for f in FAMILIES}
    ordered = arrival_order(ArticleFeatures(**d) for d in feats)
    return cluster(ordered, clusterer, count=False)


def cluster_stories(sc, feats: list[dict], *, bucket_max: int) -> tuple[list[dict], int]:
    """The corpus's stories (sorted as the local engine sorts them) and the number of buckets.

    ``feats``: the story features (``ArticleFeatures`` as plain data) already on the driver; the
    buckets are clustered in parallel, one task each."""
    from ..stories.clusterer import load_weights
    from ..stories.features import FAMILIES, ArticleFeatures

    df: dict[str, Counter] = {f: Counter() for f in FAMILIES}
    for d in feats:
        f = ArticleFeatures(**d)
        for fam in FAMILIES:
            df[fam].update(f.family(fam).keys())
    starts = buckets(Counter(d["day"] for d in feats if d["day"] is not None).items(),
                     load_weights()["max_gap_days"], bucket_max)
    groups: dict[int, list[dict]] = {}
    for d in feats:
        groups.setdefault(bucket_of(d["day"], starts), []).append(d)
    b_df, n_docs = sc.broadcast({f: dict(c) for f, c in df.items()}), len(feats)
    stories = (sc.parallelize(sorted(groups.items()), len(groups))
               .flatMap(lambda kv: cluster_bucket(kv[1], b_df.value, n_docs)).collect())
    stories.sort(key=lambda s: (-len(s["articles"]), s["start"] or "9999", s["id"]))
    return stories, len(groups)
