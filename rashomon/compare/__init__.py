"""Side by side: for each story, the facts its articles report or omit, the conflicts between
them, an attributed neutral summary and a sourced timeline (issue 6).

``compare_stage(analysis, ctx)`` fills ``facts``, ``conflicts``, ``summary`` and ``timeline`` of
every story in ``analysis.stories`` from what the Analysis holds (articles, reuse, entities,
quotes, times, events), so it also runs on a sub-Analysis of a few stories (the store does so
after an add). Claims are the sentences of each article (``sentences``); only the sentences of
stories with two or more articles are embedded, in one batch (``embed``); ``align`` makes facts,
``conflicts`` finds disagreements, ``summary`` and ``timeline`` write the rest. A story of one
article has nothing to compare: no facts or conflicts, its lead sentences as summary, its timeline.
"""
from __future__ import annotations

from collections import defaultdict

from ..model import Analysis, Article
from .align import anchors, build_facts, independent_groups
from .conflicts import claim_info, find_conflicts
from .sentences import Claim, claims_of
from .summary import source_names, summarize
from .timeline import timeline

__all__ = ["compare_stage", "compare_story"]


def _by_article(items: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for x in items:
        out[x["article"]].append(x)
    return out


def _loaded_counts(article: Article, claims: list[Claim]) -> list[int]:
    return [sum(1 for x in article.loaded if c.start <= x.start and x.end <= c.end) for c in claims]


def _entity_spans(entities: list[dict]) -> dict[str, list[tuple[int, int, str]]]:
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for e in entities:
        for m in e.get("mentions", ()):
            out[m["article"]].append((m["start"], m["end"], e["id"]))
    return out


MIN_SHARED_WORDS = 2


def _worth_embedding(claims_per_article: list[list[Claim]]) -> list[bool]:
    """Which claims can align with another article's: those with at least ``MIN_SHARED_WORDS``
    content words found in another article of the story (a paraphrase with no word in common
    is rare in news copy). The others are not embedded: their vectors stay zero, so they align
    with nothing. This keeps the embedding cost to what a story needs."""
    words = [[anchors(c.text, set()) for c in cl] for cl in claims_per_article]
    owners: dict[str, set[int]] = defaultdict(set)
    for k, per in enumerate(words):
        for ws in per:
            for w in ws:
                owners[w].add(k)
    return [sum(1 for w in ws if owners[w] - {k}) >= MIN_SHARED_WORDS
            for k, per in enumerate(words) for ws in per]


def compare_story(story: dict, articles: list[Article], claims_by: dict[str, list[Claim]],
                  vecs, embed_fn, lookups: dict) -> None:
    """Fill one story's comparison; ``vecs`` holds the embeddings of its claims (in article
    order), or None for a story of one article."""
    ids = [a.id for a in articles]
    claims = [c for a in ids for c in claims_by[a]]
    loaded = [n for a in articles for n in _loaded_counts(a, claims_by[a.id])]
    loaded_at = {(c.article, c.start): n for c, n in zip(claims, loaded)}
    groups = independent_groups(ids, {a.id: a.outlet for a in articles}, lookups["reuse"])
    names = source_names(articles)
    facts, conflicts = [], []
    if vecs is not None and len(ids) > 1:
        sims = vecs @ vecs.T
        ent = lookups["entities"]
        anchor_sets = [anchors(c.text, {e for s, t, e in ent.get(c.article, ()) if c.start <= s and t <= c.end})
                       for c in claims]
        facts = build_facts(claims, sims, anchor_sets, loaded, groups)
        cluster_of = [0] * len(claims)
        for k, f in enumerate(facts):
            for i in f.members:
                cluster_of[i] = k
        infos = [claim_info(c, lookups["times"].get(c.article, []), lookups["quotes"].get(c.article, []))
                 for c in claims]
        conflicts = find_conflicts(claims, infos, sims, cluster_of, groups, embed_fn)
    story["facts"] = [{"text": claims[f.representative].text, "reported_by": f.articles,
                       "omitted_by": [a for a in ids if a not in f.articles],
                       "independent": f.independent,
                       "sources": [{"article": claims[i].article, "start": claims[i].start,
                                    "end": claims[i].end} for i in f.members]} for f in facts]
    story["conflicts"] = conflicts
    story["summary"] = summarize(facts, conflicts, claims, names, groups)
    story["timeline"] = timeline(lookups["events"], ids, claims_by,
                                 {a.id: a.text for a in articles}, loaded_at)


def compare_stage(analysis: Analysis, ctx: dict | None = None) -> None:
    """Fill ``summary``, ``timeline``, ``facts`` and ``conflicts`` of every story in place.

    ``ctx["embed"]`` may hold a function texts -> unit vectors (tests pass a small one); by
    default the packaged all-MiniLM-L6-v2 embeds, loaded on first need."""
    import numpy as np

    ctx = ctx if ctx is not None else {}
    embed_fn = ctx.get("embed")
    if embed_fn is None:
        from .embed import embed as embed_fn
    by_id = {a.id: a for a in analysis.articles}
    plans = []
    claims_by: dict[str, list[Claim]] = {}
    for story in analysis.stories:
        missing = [i for i in story["articles"] if i not in by_id]
        if missing:
            raise ValueError(f"story {story['id']}: article(s) {', '.join(missing)} not in the analysis")
        arts = [by_id[i] for i in story["articles"]]
        for a in arts:
            if a.id not in claims_by:
                claims_by[a.id] = claims_of(a)
        plans.append((story, arts))
    masks = {story["id"]: _worth_embedding([claims_by[a.id] for a in arts])
             for story, arts in plans if len(arts) > 1}
    texts = [c.text for story, arts in plans if len(arts) > 1
             for c, keep in zip((c for a in arts for c in claims_by[a.id]), masks[story["id"]]) if keep]
    analysis.stats["compare_sentences_embedded"] = len(texts)
    vecs = embed_fn(texts) if texts else None
    lookups = {"reuse": analysis.reuse, "entities": _entity_spans(analysis.entities),
               "times": _by_article(analysis.times), "quotes": _by_article(analysis.quotes),
               "events": analysis.events}
    row = 0
    for story, arts in plans:
        mine = None
        if len(arts) > 1:
            mask = masks[story["id"]]
            mine = np.zeros((len(mask), vecs.shape[1] if vecs is not None else 1), dtype="float32")
            k = sum(mask)
            if k:
                mine[np.asarray(mask, dtype=bool)] = vecs[row:row + k]
            row += k
        compare_story(story, arts, claims_by, mine, embed_fn, lookups)
