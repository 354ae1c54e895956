"""The per-article linguistic analysis for the store: one spaCy pass per new article.

The same per-article components as ``rashomon.nlp.stage.nlp_stage`` (``annotate_article``: times,
story features, quotes, mentions, event mentions); the corpus-level half of that stage (entity
resolution, speaker linking, event merging) runs in ``rashomon.store.corpus`` over every stored
article. Results are plain JSON data, written with the article.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence

from ..model import Article
from ..nlp.stage import Annotations, annotate_article, parse

__all__ = ["Annotations", "annotate"]


def annotate(articles: Sequence[Article], *, batch_size: int = 32, pool=None,
             meanwhile: Callable[[], None] | None = None, held: Collection[str] = ()) -> Iterator[Annotations]:
    """Yield the annotations of each article, in order, story features as plain data.

    ``pool``: worker processes (``rashomon.nlp.stage.start_workers``) to annotate in, left
    running for the next batch; None: in this process. ``meanwhile`` and ``held`` as
    ``rashomon.nlp.stage.annotate`` takes them: work for this process while the workers parse,
    and the articles sent only once it has returned (in this process it simply runs first)."""
    if pool is not None:
        from ..nlp.stage import annotate as in_workers

        anns = in_workers(list(articles), batch_size=batch_size, pool=pool, keep=True, meanwhile=meanwhile,
                          held=held)
    else:
        if meanwhile is not None:
            meanwhile()
        anns = (annotate_article(article, doc) for article, doc in parse(articles, batch_size=batch_size))
    for ann in anns:
        ann.features = ann.features.to_dict()
        yield ann
