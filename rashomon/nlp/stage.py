"""The NLP stage: one spaCy pass per article feeds every per-article component.

Each article's cleaned text is parsed once (``nlp.pipe`` in batches); on the Doc, while it is in
memory, run the time resolver, the quote extractor, the mention finder and the story feature
extractor. Only their compact results are kept (dicts, feature vectors), never the Docs, so
memory does not grow with the parse. Then, at corpus level: mentions are resolved into entities
and each quote's speaker span is linked to its entity.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from ..model import Analysis, Article
from . import load

log = logging.getLogger(__name__)

ENGLISH = {"en", "und"}


def parse(articles: Iterable[Article], *, batch_size: int = 32, n_process: int = 1):
    """Yield (article, Doc) for English articles, (article, None) for the others."""
    nlp = load()
    articles = list(articles)
    english = [a for a in articles if a.language in ENGLISH]
    docs = nlp.pipe((a.text for a in english), batch_size=batch_size, n_process=n_process)
    it = iter(docs)
    for a in articles:
        yield a, (next(it) if a.language in ENGLISH else None)


def link_speakers(quotes: list[dict], entities: list[dict], texts: dict[str, str]) -> None:
    """Set each quote's ``speaker`` to the entity named by its speaker words.

    The literal words (``speaker_start``/``speaker_end``) are looked up first; when they are a
    pronoun or a role ("he", "the spokesman") the resolved ``speaker_text`` is matched against
    the names of that article's entities, and the literal words are added to the entity as a
    mention: they corefer with it.
    """
    from .entities import entity_at, index_entities

    index = index_entities(entities)
    by_id = {e["id"]: e for e in entities}
    by_article_name: dict[tuple[str, str], str] = {}
    for e in entities:
        names = {e["name"].casefold(), *(x.casefold() for x in e.get("aliases", []))}
        for m in e["mentions"]:
            names.add(m["text"].casefold())
            for n in names:
                by_article_name.setdefault((m["article"], n), e["id"])
    for q in quotes:
        s, t = q.get("speaker_start"), q.get("speaker_end")
        if s is None or t is None:
            continue
        eid = entity_at(index, q["article"], s, t)
        if eid is None and q.get("speaker_text"):
            eid = by_article_name.get((q["article"], q["speaker_text"].casefold()))
            if eid is not None:
                by_id[eid]["mentions"].append({"article": q["article"], "start": s, "end": t,
                                               "text": texts[q["article"]][s:t]})
        q["speaker"] = eid


def nlp_stage(analysis: Analysis, ctx: dict, *, batch_size: int = 32, n_process: int = 1) -> None:
    """Fill times, quotes and entities; leave story features in ``ctx["story_features"]``."""
    from ..stories import feature_extractor
    from .entities import find_mentions, resolve_entities
    from .quotes import find_quotes
    from .times import find_times

    per_doc: list[tuple[str, Callable]] = [("times", find_times), ("quotes", find_quotes)]
    mentions = []
    features = []
    for article, doc in parse(analysis.articles, batch_size=batch_size, n_process=n_process):
        if doc is None:
            analysis.times.extend(find_times(article, None))
            features.append(feature_extractor(article, None))
            continue
        for name, fn in per_doc:
            getattr(analysis, name).extend(fn(article, doc))
        mentions.append((article, find_mentions(article, doc)))
        features.append(feature_extractor(article, doc))
    analysis.entities = resolve_entities(mentions)
    link_speakers(analysis.quotes, analysis.entities, {a.id: a.text for a in analysis.articles})
    for q in analysis.quotes:  # the contract's Quote; offsets of speaker and cue stay as added fields
        q.setdefault("speaker", None)
    ctx["story_features"] = features
