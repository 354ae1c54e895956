"""``rashomon analyze --slice N``: the analysis of a corpus too large for memory.

``pipeline.analyze`` holds the whole corpus and everything found in it in memory (at 10,000
articles of 600 words, about 3.8 GB), and so does the Analysis it returns. Here the articles go
through the store instead (``rashomon.store``, one DuckDB file: ``OUT/rashomon.duckdb``):

1. the store's ``add`` reads the inputs in batches, finds their reuse against everything stored
   and sends each batch to the worker processes for the linguistic analysis (started once);
   every ``slice_size`` new articles it runs the corpus step (stories, entities, events,
   storylines, loaded wording, comparison) for that slice against the stored corpus, with
   bounded context, so memory depends on the slice, not on the corpus;
2. analysis.json is written from the store, one item at a time (``rashomon.store.stream``);
3. the HTML report shows the ``report_stories`` largest stories (their articles, entities,
   quotes, events, reuse and storylines); analysis.json and the store hold everything, and
   ``rashomon serve --db OUT/rashomon.duckdb`` browses all of it.

What differs from ``pipeline.analyze`` (nothing when the corpus fits in one slice): stories are
clustered online slice after slice, as by consecutive ``rashomon add`` runs (see
``rashomon.store``); a slice's event mentions are merged with at most
``rashomon.store.entities.OLD_MENTIONS`` stored ones; the same content twice in the inputs is
kept once.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterable
from os import PathLike
from pathlib import Path

from .errors import RashomonError
from .memory import peak_mb, release
from .model import Analysis
from .store import MEMORY_LIMIT  # DuckDB's own memory (see there)

SLICE = 5000  # new articles per corpus step
BATCH = 256  # articles per batch sent to the workers (and per store transaction)
REPORT_STORIES = 200  # stories shown in the HTML report ...
REPORT_ARTICLES = 3000  # ... and articles loaded for it, at most (a story is shown whole or not at all)
DB_NAME = "rashomon.duckdb"
MADE_BY = "analyze --slice"  # meta row marking a store this module may replace


def analyze_bounded(paths: Iterable[str | PathLike], out_dir: str | PathLike, *, slice_size: int = SLICE,
                    workers: int | None = None, report: bool = True, progress: bool = False,
                    batch_size: int = BATCH, report_stories: int = REPORT_STORIES,
                    memory_limit: str = MEMORY_LIMIT) -> tuple[dict[str, Path], dict]:
    """Analyse ``paths`` into ``out_dir`` in bounded memory (see the module doc). Returns the
    paths written (analysis, store, report) and the run's figures (counts, rejections, seconds
    and peak memory of each phase). A store left in ``out_dir`` by an earlier run is replaced,
    like its analysis.json."""
    from .output import write_json
    from .store import open_store

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    db = out / DB_NAME
    _replace_own_store(db)
    stats: dict = {}
    t0 = time.perf_counter()
    with open_store(db, memory_limit=memory_limit) as store:
        store.con.execute("INSERT OR REPLACE INTO meta VALUES ('made_by', ?)", [MADE_BY])
        res = store.add(paths, batch_size=batch_size, progress=progress, workers=workers, slice_size=slice_size)
        release()
        stats.update({f"add_{k}_seconds": v for k, v in res.seconds.items()})
        stats["add_seconds"] = time.perf_counter() - t0
        stats["add_peak_mb"] = peak_mb()
        stats["steps"] = res.steps
        stats.update(store.counts())
        stats["rejections"] = [(str(r.source), r.reason) for r in res.rejected]
        t = time.perf_counter()
        paths_out = {"analysis": write_json(store.stream(), out / "analysis.json"), "store": db}
        stats["write_seconds"] = time.perf_counter() - t
        stats["write_peak_mb"] = peak_mb()
        if report:
            from .report import write_report

            t = time.perf_counter()
            part = report_part(store, report_stories)
            paths_out["report"] = write_report(part, out)
            stats["report_seconds"] = time.perf_counter() - t
            stats["report_peak_mb"] = peak_mb()
    stats["seconds"] = time.perf_counter() - t0
    return paths_out, stats


def _replace_own_store(db: Path) -> None:
    """Delete the store an earlier ``analyze --slice`` left at ``db``; refuse to touch any other
    file there (a store grown with ``rashomon add`` is the user's data)."""
    if not db.exists():
        db.with_name(DB_NAME + ".wal").unlink(missing_ok=True)
        return
    import duckdb

    try:
        con = duckdb.connect(str(db), read_only=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'made_by'").fetchone()
        finally:
            con.close()
    except duckdb.Error:
        row = None
    if row is None or row[0] != MADE_BY:
        raise RashomonError(f"{db}: a file that `analyze --slice` did not write is in the way (a store grown "
                            "with `rashomon add`?); give another --out directory or move the file")
    for old in (db, db.with_name(DB_NAME + ".wal")):
        old.unlink(missing_ok=True)



def report_part(store, n_stories: int, max_articles: int = REPORT_ARTICLES) -> Analysis:
    """The part of the store that the HTML report shows: the ``n_stories`` largest stories, fewer
    when their articles (``compare.focus_articles``) would pass ``max_articles`` (the largest is always
    shown), with those articles; the entities, quotes, times and events of those articles
    (entities and events with only their mentions there); the reuse pairs between them; the
    storylines made of those stories only; every rejection. ``stats["report_scope"]`` says what
    it leaves out."""
    from .compare import focus_articles
    from .store.entities import _entities_of
    from .store.stream import EVENT_ORDER

    stream = store.stream()
    stories, ids = [], []
    for s in stream.stories:
        mine = focus_articles(s)
        if len(stories) >= n_stories or (stories and len(ids) + len(mine) > max_articles):
            break
        stories.append(s)
        ids.extend(mine)
    keep = set(ids)
    con = store.con
    part = Analysis(articles=store.articles(ids), rejected=list(stream.rejected))
    part.stories = stories
    part.entities = _entities_of(con, ids)
    part.quotes = store.quotes(ids)
    con.execute("CREATE OR REPLACE TEMP TABLE report_articles AS SELECT unnest($1) AS id", [ids])
    part.times = [json.loads(d) for (d,) in con.execute(
        "SELECT t.data FROM times t JOIN articles a ON a.id = t.article "
        "WHERE t.article IN (SELECT id FROM report_articles) ORDER BY a.seq, t.pos").fetchall()]
    part.reuse = [r for r in stream.reuse if r["a"] in keep and r["b"] in keep]
    part.events = []
    for (d,) in con.execute("SELECT data FROM events WHERE id IN (SELECT event FROM event_articles WHERE article "
                            f"IN (SELECT id FROM report_articles)) ORDER BY {EVENT_ORDER}").fetchall():
        e = json.loads(d)
        e["mentions"] = [m for m in e["mentions"] if m["article"] in keep]
        part.events.append(e)
    shown = {s["id"] for s in stories}
    part.storylines = [x for x in stream.storylines if set(x["stories"]) <= shown]
    n_stories_all, n_articles = len(stream.stories), len(stream.articles)
    in_shown = sum(len(s["articles"]) for s in stories)
    if n_stories_all > len(stories) or in_shown > len(ids):
        part.stats["report_scope"] = (
            f"This report shows the {len(stories):,} largest of {n_stories_all:,} stories "
            f"({len(ids):,} of {n_articles:,} articles"
            + (f"; of its stories' {in_shown:,} articles, the big stories' compared and cited ones"
               if in_shown > len(ids) else "")
            + f"). analysis.json and the store {DB_NAME} beside it hold them all; "
            f"`rashomon serve --db {DB_NAME}` browses them.")
    con.execute("DROP TABLE report_articles")
    return part
