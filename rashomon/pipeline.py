"""The runner: stream inputs through the per-article stages, then run the corpus stages.

Per-article stages are pure functions of one document (read -> clean -> split -> metadata), so
they batch and parallelise; corpus stages see the whole list of articles and fill the other
top-level lists of the Analysis. Nothing is dropped silently: unreadable input becomes a
``Rejection`` with its reason.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from os import PathLike

from .memory import peak_mb, release
from .model import Analysis, Article, Rejection
from .nlp.stage import CHUNK

log = logging.getLogger(__name__)

EARLY_WORKERS = 2 * CHUNK  # articles read (two chunks of the NLP stage) before its worker processes start

CorpusStage = Callable[[Analysis, dict], None]
"""A corpus stage fills part of the Analysis in place; ``ctx`` carries compact intermediate
results from one stage to the next (story features, ...), never the raw parses."""


def iter_articles(paths: Iterable[str | PathLike]) -> Iterator[Article | Rejection]:
    """Stream articles (and rejections) from the inputs, one document at a time."""
    from .ingest import build, read_inputs
    from .ingest.clean import RepeatedLines

    paths = list(paths)
    # pre-pass over the text files: short lines that recur across files of one folder (a site's
    # menus, slogans, notices) are furniture; only hashes of short lines are kept
    repeated = RepeatedLines.scan(paths)
    for item in read_inputs(paths):
        if isinstance(item, Rejection):
            yield item
            continue
        yield from build(item, repeated)


def _stories(analysis: Analysis, ctx: dict) -> None:
    from .stories import stories_stage

    stories_stage(analysis, features=ctx.get("story_features"))


def infer_story_dates(analysis: Analysis) -> set[str]:
    """An undated article in a story with dated articles takes the story's first date as an
    ``inferred`` publication date, and its relative dates are resolved again against it (its
    times replaced). Returns the ids of the articles dated so."""
    from .nlp.times import find_times

    by_id = {a.id: a for a in analysis.articles}
    redo: set[str] = set()
    for story in analysis.stories:
        members = [by_id[i] for i in story["articles"]]
        dates = [a.published for a in members if a.published and a.published_basis != "inferred"]
        for a in members:
            if a.published is None and dates:
                a.published, a.published_basis = min(dates), "inferred"
                redo.add(a.id)
    if redo:
        analysis.times = [t for t in analysis.times if t["article"] not in redo]
        for aid in sorted(redo):
            analysis.times.extend(find_times(by_id[aid], None))
        order = {a.id: k for k, a in enumerate(analysis.articles)}
        analysis.times.sort(key=lambda t: order[t["article"]])  # stable: in article order, as before
    return redo


def redate_event_mentions(mentions: list[dict], times: list[dict], articles: dict[str, Article]) -> int:
    """Give undated event mentions of the given articles the resolved time nearest their trigger
    within their sentence (after those articles were dated from their story). Returns how many."""
    by_article: dict[str, list[dict]] = {}
    for t in times:
        if t["article"] in articles:
            by_article.setdefault(t["article"], []).append(t)
    n = 0
    for m in mentions:
        if m["article"] not in articles or m.get("date"):
            continue
        inside = [t for t in by_article.get(m["article"], ())
                  if m["sentence_start"] <= t["start"] < m["sentence_end"]]
        m["published"] = articles[m["article"]].published
        if inside:
            t = min(inside, key=lambda t: abs(t["start"] - m["start"]))
            m["date"], m["time"] = t["value"], {"start": t["start"], "end": t["end"], "text": t["text"]}
            n += 1
    return n


def _story_dates(analysis: Analysis, ctx: dict) -> None:
    redo = infer_story_dates(analysis)
    mentions = ctx.get("event_mentions")
    if redo and mentions:
        redate_event_mentions(mentions, analysis.times, {a.id: a for a in analysis.articles if a.id in redo})


def _events(analysis: Analysis, ctx: dict) -> None:
    """The event mentions merged into events, once every article has its final date."""
    from .events import merge_events

    analysis.events = merge_events(ctx.get("event_mentions") or [], analysis.entities)


def _storylines(analysis: Analysis, ctx: dict) -> None:
    from .stories import storylines_stage

    feats = ctx.get("story_features")
    storylines_stage(analysis, features={f.id: f for f in feats} if feats is not None else None)


def _reuse(analysis: Analysis, ctx: dict) -> None:
    from .reuse import reuse_stage

    reuse_stage(analysis)


def _loaded(analysis: Analysis, ctx: dict) -> None:
    from .framing import loaded_stage

    loaded_stage(analysis, ctx)


def _compare_plan(analysis: Analysis, ctx: dict) -> None:
    from .compare import plan_compare

    ctx["compare_plan"] = plan_compare(analysis, ctx)


def _compare(analysis: Analysis, ctx: dict) -> None:
    from .compare import compare_stage

    compare_stage(analysis, ctx)


def _nlp(analysis: Analysis, ctx: dict) -> None:
    """The linguistic analysis, with the reuse stage run alongside (see ``corpus_stages``)."""
    from .nlp.stage import nlp_stage

    def reuse() -> None:
        t = time.perf_counter()
        _reuse(analysis, ctx)
        release()
        analysis.stats["reuse_seconds"] = time.perf_counter() - t

    nlp_stage(analysis, ctx, meanwhile=reuse, merge=False)


def corpus_stages() -> list[tuple[str, CorpusStage]]:
    """The corpus-level stages, in order. Each fills part of the Analysis in place.

    Reuse runs inside the NLP stage, in this process while the worker processes parse (it is one
    core's work): it infers publication dates for undated copies, which anchor their relative
    dates, so the undated articles are parsed once it has finished. Its seconds are
    ``stats["reuse_seconds"]``, overlapping ``nlp_seconds``. The comparison's plan sends the
    claims to be embedded in a background thread; event merging (once, after the story dates
    have dated more mentions), the storylines and the loaded-wording stages, which need no
    vectors, run meanwhile.
    """
    return [("nlp", _nlp), ("stories", _stories),
            ("story dates", _story_dates), ("compare plan", _compare_plan),
            ("events", _events), ("storylines", _storylines),
            ("loaded", _loaded), ("compare", _compare)]


def analyze(paths: Iterable[str | PathLike] | str | PathLike, *, progress: bool = False,
            workers: int | None = None) -> Analysis:
    """Read the inputs and analyse them. Never raises for bad input: it lands in ``rejected``.

    ``workers``: processes for the per-article linguistic analysis (None: all cores)."""
    if isinstance(paths, (str, PathLike)):
        paths = [paths]
    analysis = Analysis()
    t0 = time.perf_counter()
    stream = iter_articles(paths)
    if progress:
        from tqdm import tqdm

        stream = tqdm(stream, desc="reading", unit=" articles", leave=False)
    seen: dict[str, int] = {}
    ctx: dict = {"progress": progress, "workers": workers}
    try:
        for item in stream:
            if isinstance(item, Rejection):
                analysis.rejected.append(item)
                continue
            n = seen.get(item.id, 0)
            seen[item.id] = n + 1
            if n:  # the same content twice in the batch: keep both, ids stay unique and stable
                item.id = f"{item.id}-{n + 1}"
            analysis.articles.append(item)
            if len(analysis.articles) == EARLY_WORKERS:
                from .nlp.stage import start_workers

                ctx["pool"] = start_workers(workers)  # they start up while the rest is read
        analysis.stats["read_seconds"] = time.perf_counter() - t0
        if len(analysis.articles) >= 2:  # comparing stories needs the sentence model: load it while
            from .compare.embed import prefetch  # the parse runs in the worker processes

            prefetch()
        analysis.stats["read_peak_mb"] = peak_mb()
        for name, stage in corpus_stages():
            t = time.perf_counter()
            log.info("stage %s", name)
            stage(analysis, ctx)
            release()  # the stage's temporaries go back to the system, not kept by the allocator
            analysis.stats[f"{name}_seconds"] = time.perf_counter() - t
            analysis.stats[f"{name}_peak_mb"] = peak_mb()
    finally:
        pool = ctx.pop("pool", None)  # not taken by the NLP stage (an error before it)
        if pool is not None:
            pool.terminate()
    return analysis
