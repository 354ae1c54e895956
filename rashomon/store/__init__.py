"""The embedded store: a corpus in one DuckDB file, grown incrementally.

``open_store(path)`` opens (creating and migrating) the store; ``Store.add(paths)`` reads the
inputs and adds the articles it does not hold yet: ids are content hashes, so re-adding an
article is a no-op and new articles join the stored stories, entities and events.
``Store.analysis()`` gives back the :class:`~rashomon.model.Analysis` that ``rashomon analyze``
would give for the same articles (see "Differences" below); ``stories()`` / ``story(id)`` read
single parts.

How an ``add`` runs, so that a killed one leaves the store consistent:

1. per batch of ``batch_size`` new articles, one transaction: the article rows (status
   ``pending``), their reuse features and their reuse pairs with every article stored before
   them (undated copies take their dates), then their linguistic analysis (times, quotes,
   mentions, event mentions, story features; ``rashomon.store.annotate``);
2. then one transaction for the corpus level over every ``pending`` article: stories, story
   dates, entities, quote speakers, events, storylines, loaded wording
   (``rashomon.store.corpus``), the pages of the stories this changed (``rashomon.store.pages``),
   and the articles turn ``done``.

A process killed in step 1 loses at most the batch it was in (rolled back: it is new again for
the next ``add``); killed in step 2, it leaves the articles ``pending``, and the next ``add`` (even
of nothing new) runs step 2 over them. Nothing is lost or counted twice.

Differences from one ``analyze`` over the same articles (none when the store was filled by one
``add``): the same content twice in one input set is stored once (``analyze`` keeps both, the
second as ``ID-2``); stories of later adds are clustered online (the clusterer continues, its
IDF primed with each add's articles); an article already stored keeps the times anchored on the
date it had, even when a later copy gives it an inferred date; a later add merges its event
mentions with at most ``entities.OLD_MENTIONS`` stored ones; see ``reuse`` and ``corpus``.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

from ..memory import heap_mb, peak_mb, release, reset_window, rss_mb, window_peak_mb
from ..model import Analysis, Article, Rejection
from .errors import StoreError
from .rows import ARTICLE_COLUMNS, SELECT_ARTICLE, article_row, bulk_insert, dumps, row_article
from .schema import LATEST, migrate

__all__ = ["open_store", "Store", "AddResult", "StoreError", "DEFAULT_PATH"]

log = logging.getLogger(__name__)

DEFAULT_PATH = "rashomon.duckdb"
PAUSE_ENV = "RASHOMON_STORE_PAUSE"
"""For the kill tests: ``after:N`` pauses an ``add`` once N new articles are committed (step 1),
``corpus`` pauses it inside the corpus transaction, before its commit (step 2)."""


@dataclass
class AddResult:
    """What one ``add`` did: new article ids, how many were already present, the rejections,
    how many pending articles of an interrupted add it completed, and seconds per phase."""

    new: list[str] = field(default_factory=list)
    present: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    completed_pending: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    steps: list[dict] = field(default_factory=list)  # per corpus step: new articles so far, resident and peak MB

    def tick(self, phase: str, t0: float) -> float:
        t = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + t - t0
        return t


def _stop(pool) -> None:
    """Stop the parsing workers (each holds a model, about 0.7 GB resident); returns None."""
    if pool is not None:
        pool.terminate()
        pool.join()
    return None


# DuckDB's own memory for `rashomon add`, `serve` and `analyze --slice` (DuckDB's default is 80% of
# the machine's, which its buffers then fill as the store grows). Not lower: with 256MB the
# 20,000-article benchmark's second step (5,000 stored, 5,000 pending) failed to commit ("failed to
# pin block", a fatal error that invalidates the open database), though that limit had saved ~180
# MB of the event merge's peak in a probe.
MEMORY_LIMIT = "1GB"


def checked_limit(limit: str) -> str:
    """``limit`` when it is a size DuckDB reads (1GB, 512MB, 2.5GiB), else ValueError."""
    import re

    if not re.fullmatch(r"\d+(?:\.\d+)?\s*(?:[KMGT]i?B|B)", limit.strip(), re.I):
        raise ValueError(f"memory limit {limit!r}: expected a size such as 1GB or 512MB")
    return limit.strip()


def open_store(path: str | PathLike = DEFAULT_PATH, *, read_only: bool = False,
               memory_limit: str | None = None) -> Store:
    """Open the store at ``path`` (created when missing, unless ``read_only``); ``memory_limit``
    (a size: "1GB") bounds DuckDB's own memory, else DuckDB's default applies."""
    return Store(path, read_only=read_only, memory_limit=memory_limit)


class Store:
    def __init__(self, path: str | PathLike = DEFAULT_PATH, *, read_only: bool = False,
                 memory_limit: str | None = None):
        import duckdb

        self.path = str(path)
        limit = checked_limit(memory_limit) if memory_limit is not None else None
        if read_only and not Path(self.path).exists():
            raise StoreError(f"{self.path}: no store here; create one with `rashomon add INPUT... --db {self.path}`")
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as e:
            raise StoreError(f"{self.path}: cannot open the store: {e}") from e
        if limit is not None:
            self.con.execute(f"SET memory_limit = '{limit}'")
        if read_only:
            version = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if version is None or int(version[0]) != LATEST:
                raise StoreError(f"{self.path}: store schema version {version and version[0]}, this "
                                 f"rashomon reads {LATEST}; open it once for writing to migrate it")
        else:
            migrate(self.con, self.path)
            self.con.execute("CREATE TEMP TABLE IF NOT EXISTS new_batch (article VARCHAR, seq BIGINT)")

    # -- context
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading
    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """The stored articles with these ids (all when None), in store order."""
        if ids is None:
            rows = self.con.execute(SELECT_ARTICLE + " ORDER BY seq").fetchall()
        else:
            rows = self.con.execute(SELECT_ARTICLE + " WHERE id IN (SELECT unnest($1)) ORDER BY seq",
                                    [list(ids)]).fetchall()
        return [row_article(r) for r in rows]

    def counts(self) -> dict[str, int]:
        q = lambda sql: self.con.execute(sql).fetchone()[0]  # noqa: E731
        return {"articles": q("SELECT count(*) FROM articles"),
                "pending": q("SELECT count(*) FROM articles WHERE status = 'pending'"),
                "rejected": q("SELECT count(*) FROM rejected"),
                "stories": q("SELECT count(*) FROM stories"),
                "entities": q("SELECT count(*) FROM entities"),
                "events": q("SELECT count(*) FROM events"),
                "reuse": q("SELECT count(*) FROM reuse")}

    def stories(self) -> list[dict]:
        """The contract's Story dicts, largest first, then by date (as ``analyze`` orders them)."""
        from .corpus import STORY_SELECT, story_dict

        out = [story_dict(r) for r in self.con.execute(STORY_SELECT).fetchall()]
        out.sort(key=lambda s: (-len(s["articles"]), s["start"] or "9999", s["id"]))
        return out

    def story(self, story_id: str) -> dict:
        """One Story dict by id or by a unique prefix of its id."""
        from .corpus import STORY_SELECT, story_dict

        rows = self.con.execute(STORY_SELECT + " WHERE starts_with(id, ?)", [story_id]).fetchall()
        exact = [r for r in rows if r[1] == story_id]
        if exact:
            rows = exact
        if not rows:
            raise StoreError(f"{self.path}: no story {story_id!r}; `rashomon stories` lists them")
        if len(rows) > 1:
            raise StoreError(f"{self.path}: {story_id!r} names {len(rows)} stories; give more of the id")
        return story_dict(rows[0])

    def entities(self, article_ids: Iterable[str] | None = None) -> list[dict]:
        """The contract's Entity dicts with all their mentions (those mentioned in these articles
        when given), in store order."""
        from .entities import load_entities

        if article_ids is None:
            return load_entities(self.con)
        return load_entities(self.con, "WHERE e.id IN (SELECT entity FROM entity_mentions WHERE article IN "
                                       "(SELECT unnest($1)))", [list(article_ids)])

    def entity(self, entity_id: str) -> dict:
        from .entities import load_entities

        found = load_entities(self.con, "WHERE e.id = ?", [entity_id])
        if not found:
            raise StoreError(f"{self.path}: no entity {entity_id!r}")
        return found[0]

    def events(self, article_ids: Iterable[str] | None = None) -> list[dict]:
        """The contract's Event dicts (those reported by these articles when given)."""
        if article_ids is None:
            return self._json_rows("SELECT data FROM events ORDER BY pos")
        return self._json_rows("SELECT data FROM events WHERE id IN (SELECT event FROM event_articles WHERE "
                               "article IN (SELECT unnest($1))) ORDER BY pos", [list(article_ids)])

    def story_of(self, article_id: str) -> str | None:
        row = self.con.execute("SELECT s.id FROM story_articles sa JOIN stories s ON s.key = sa.story "
                               "WHERE sa.article = ?", [article_id]).fetchone()
        return row[0] if row else None

    def _json_rows(self, sql: str, params=None) -> list[dict]:
        return [json.loads(d) for (d,) in self.con.execute(sql, params or []).fetchall()]

    def quotes(self, article_ids: Iterable[str] | None = None) -> list[dict]:
        where = "" if article_ids is None else " WHERE q.article IN (SELECT unnest($1))"
        rows = self.con.execute("SELECT q.data, q.speaker FROM quotes q JOIN articles a ON a.id = q.article"
                                + where + " ORDER BY a.seq, q.pos",
                                [] if article_ids is None else [list(article_ids)]).fetchall()
        out = []
        for d, speaker in rows:
            q = json.loads(d)
            q["speaker"] = speaker
            out.append(q)
        return out

    def analysis(self) -> Analysis:
        """Everything in the store as an Analysis (``to_json()`` is the analysis.json contract)."""
        an = self.stream().materialize()
        an.stats.update(self.counts())
        return an

    def stream(self):
        """Everything in the store as lazy lists (``rashomon.store.stream.StoredAnalysis``), to
        write analysis.json of a large store in bounded memory."""
        from .stream import StoredAnalysis

        return StoredAnalysis(self.con)

    # -- adding
    def add(self, paths: Iterable[str | PathLike] | str | PathLike, *, batch_size: int = 64,
            progress: bool = False, workers: int | None = 1, slice_size: int | None = None) -> AddResult:
        """Add the articles of ``paths`` that the store does not hold yet (see the module doc).

        ``workers``: processes for the linguistic analysis (1: this process; None: all cores),
        started once and given every batch. ``slice_size``: run the corpus step (step 2) each
        time that many new articles are pending, not only at the end, so that it never holds
        more than a slice of the corpus in memory (as consecutive adds of slices would: stories
        are clustered online, slice after slice)."""
        from ..pipeline import iter_articles

        if isinstance(paths, (str, PathLike)):
            paths = [paths]
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if slice_size is not None and slice_size < 1:
            raise ValueError(f"slice_size must be at least 1, not {slice_size}")
        res = AddResult()
        stream = iter_articles(list(paths))
        if progress:
            from tqdm import tqdm

            stream = tqdm(stream, desc="adding", unit=" articles", leave=False)
        from ..nlp.stage import start_workers

        pool = start_workers(workers) if workers != 1 else None  # None for one core
        batch: list[Article] = []
        done = 0  # new articles at the last corpus step
        t = time.perf_counter()
        try:
            for item in stream:
                if isinstance(item, Rejection):
                    res.rejected.append(item)
                    continue
                batch.append(item)
                if len(batch) >= batch_size:
                    t = res.tick("read", t)
                    self._ingest(batch, res, pool)
                    if slice_size is not None and len(res.new) - done >= slice_size:
                        pool = _stop(pool)  # the step needs the memory; the parse waits for it
                        self.complete(res)
                        release()
                        res.steps[-1]["heap_mb"] = heap_mb()  # what the step left behind
                        done = len(res.new)
                        if workers != 1:
                            pool = start_workers(workers)  # they load the model while we read
                    batch, t = [], time.perf_counter()
            t = res.tick("read", t)
            self._ingest(batch, res, pool)
        finally:
            pool = _stop(pool)
        self._write_rejected(res.rejected)
        self.complete(res)
        t = time.perf_counter()
        self.con.execute("CHECKPOINT")
        res.tick("checkpoint", t)
        return res

    def _write_rejected(self, rejected: list[Rejection]) -> None:
        if not rejected:
            return
        seq = self.con.execute("SELECT coalesce(max(seq) + 1, 0) FROM rejected").fetchone()[0]
        rows = {}
        for n, r in enumerate(rejected):
            rows.setdefault((r.source.path, -1 if r.source.index is None else r.source.index),
                            (r.source.path, -1 if r.source.index is None else r.source.index, r.reason, seq + n))
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("CREATE OR REPLACE TEMP TABLE new_rejected (source_path VARCHAR, "
                             "source_index INTEGER, reason VARCHAR, seq BIGINT)")
            bulk_insert(self.con, "new_rejected", ("source_path", "source_index", "reason", "seq"), list(rows.values()))
            self.con.execute("INSERT INTO rejected SELECT * FROM new_rejected n WHERE NOT EXISTS "
                             "(SELECT 1 FROM rejected r WHERE r.source_path = n.source_path "
                             "AND r.source_index = n.source_index)")
            self.con.execute("DROP TABLE new_rejected")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _ingest(self, batch: list[Article], res: AddResult, pool=None) -> None:
        """Step 1 for one batch (see the module doc), in one transaction."""
        from .annotate import annotate
        from .reuse import add_reuse, store_features

        if not batch:
            return
        t = time.perf_counter()
        con = self.con
        ids = [a.id for a in batch]
        present = {aid for (aid,) in con.execute("SELECT id FROM articles WHERE id IN (SELECT unnest($1))",
                                                 [ids]).fetchall()}
        new: list[Article] = []
        for a in batch:
            if a.id in present:
                res.present += 1
            else:
                present.add(a.id)
                new.append(a)
        if not new:
            return
        start = con.execute("SELECT coalesce(max(seq) + 1, 0) FROM articles").fetchone()[0]
        seqs = {a.id: start + n for n, a in enumerate(new)}
        con.execute("BEGIN TRANSACTION")
        try:
            bulk_insert(con, "articles", ARTICLE_COLUMNS, [article_row(a, seqs[a.id]) for a in new])

            def reuse() -> None:  # in this process while the workers parse (see annotate's meanwhile)
                r0 = time.perf_counter()
                store_features(con, new)
                r1 = res.tick("reuse_features", r0)
                dates = add_reuse(con, new, seqs, self.articles)  # dates the undated copies
                for aid in dates.keys() & seqs.keys():
                    con.execute("UPDATE articles SET published = ?, published_basis = 'inferred' WHERE id = ?",
                                [dates[aid], aid])
                res.tick("reuse", r1)

            t = res.tick("write", t)
            # the undated articles wait for reuse, which may date them; the others are parsed meanwhile
            undated = {a.id for a in new if a.published is None}
            notes = list(annotate(new, pool=pool, meanwhile=reuse, held=undated))
            t = res.tick("nlp", t)  # (reuse's seconds overlap these)
            self._write_annotations(notes)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        res.tick("write", t)
        res.new.extend(a.id for a in new)
        self._maybe_pause("after", len(res.new))

    def _write_annotations(self, notes) -> None:
        con = self.con
        bulk_insert(con, "times", ("article", "pos", "data"),
                    [(n.article, i, dumps(x)) for n in notes for i, x in enumerate(n.times)])
        quotes = []
        for n in notes:
            for i, q in enumerate(n.quotes):
                q = dict(q)
                if "speaker" in q:  # linked at the corpus step (column ``speaker``); the key keeps its place
                    q["speaker"] = None
                quotes.append((q["id"], n.article, i, dumps(q)))
        bulk_insert(con, "quotes", ("id", "article", "pos", "data"), quotes)
        bulk_insert(con, "mentions", ("article", "data"), [(n.article, dumps(n.mentions)) for n in notes])
        bulk_insert(con, "event_mentions", ("article", "data"), [(n.article, dumps(n.events)) for n in notes])
        bulk_insert(con, "story_features", ("article", "data"), [(n.article, dumps(n.features)) for n in notes])
        bulk_insert(con, "loaded_parse", ("article", "pos", "ext"),
                    [(n.article, dumps(n.loaded_pos), dumps(n.loaded_ext)) for n in notes
                     if n.loaded_pos or n.loaded_ext])

    def complete(self, res: AddResult | None = None) -> AddResult:
        """Step 2 (see the module doc): the corpus stages over every pending article, in one
        transaction. A no-op when nothing is pending."""
        from .corpus import (update_entities_events, update_stories, update_story_dates, update_story_sections,
                             update_storylines)
        from .pages import story_keys, write_pages

        res = res or AddResult()
        con = self.con
        pending = [aid for (aid,) in con.execute(
            "SELECT id FROM articles WHERE status = 'pending' ORDER BY seq").fetchall()]
        if not pending:
            return res
        res.completed_pending = len(set(pending) - set(res.new))
        stage_mb: dict[str, float] = {}  # resident MB after each stage: which one holds memory
        stage_peak: dict[str, float] = {}  # the peak within each stage: which one raised the peak
        stage_s: dict[str, float] = {}  # and its seconds

        def tick(phase: str, t0: float) -> float:
            release()  # a stage's freed working set goes back before the next stage's
            stage_mb[phase] = rss_mb()
            stage_peak[phase] = window_peak_mb()
            reset_window()
            t1 = res.tick(phase, t0)
            stage_s[phase] = round(t1 - t0, 1)
            return t1

        t = time.perf_counter()
        release()
        entry = {"entry_mb": rss_mb(), "entry_duckdb_mb": self._duckdb_mb(), "entry_heap_mb": heap_mb()}
        reset_window()
        con.execute("BEGIN TRANSACTION")
        try:
            touched, old_ids, clusterer = update_stories(con, pending)
            t = tick("stories", t)
            update_story_dates(con, touched, self.articles)
            t = tick("story_dates", t)
            update_entities_events(con, pending)
            t = tick("entities_events", t)
            lined = update_storylines(con, touched, old_ids, clusterer, self.articles)
            t = tick("storylines", t)
            embed: dict[str, float] = {}
            compared = update_story_sections(con, touched, pending, self.articles, embed)
            t = tick("compare", t)
            if embed:  # the model's share of the comparison, reported on its own
                res.seconds["compare"] -= embed["embed"]
                res.seconds["embed"] = res.seconds.get("embed", 0.0) + embed["embed"]
            write_pages(con, compared | story_keys(con, lined))
            t = tick("pages", t)
            con.execute("UPDATE articles SET status = 'done' WHERE status = 'pending'")
            self._maybe_pause("corpus", len(pending))
            con.execute("COMMIT")
        except BaseException as exc:
            import duckdb

            try:
                con.execute("ROLLBACK")
            except duckdb.Error:  # a fatal error invalidated the database: it keeps what was committed
                log.debug("rollback after a failed corpus step", exc_info=True)
            if isinstance(exc, duckdb.Error):  # DuckDB's own failure: out of memory, a full disk
                raise StoreError(
                    f"{self.path}: the corpus step over {len(pending)} pending articles failed and was undone "
                    f"({type(exc).__name__}: {str(exc).splitlines()[0]}); the store keeps everything committed "
                    "before it, and the next add completes those articles. If DuckDB ran out of memory, "
                    "raise its limit (SET memory_limit) or add fewer articles at a time") from exc
            raise
        tick("write", t)
        res.steps.append({"articles": len(res.new), "pending": len(pending), "rss_mb": rss_mb(),
                          "peak_mb": round(peak_mb()), "stage_mb": stage_mb, "stage_peak_mb": stage_peak,
                          "stage_s": stage_s, "duckdb_mb": self._duckdb_mb(), **entry})
        return res

    def _duckdb_mb(self) -> int:
        """DuckDB's own memory (its buffers and caches: ``duckdb_memory()``), in MB."""
        duck = self.con.execute("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()").fetchone()[0]
        return round(duck / 2**20)

    @staticmethod
    def _maybe_pause(point: str, count: int) -> None:
        want = os.environ.get(PAUSE_ENV, "")
        if not want:
            return
        kind, _, n = want.partition(":")
        if kind != point or (kind == "after" and count < int(n or 0)):
            return
        print(f"rashomon: paused ({PAUSE_ENV}={want}) after {count} articles", file=sys.stderr, flush=True)
        time.sleep(3600)
