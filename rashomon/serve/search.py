"""Full-text search over articles and quotes: an SQLite FTS5 index kept next to the store.

Why FTS5. DuckDB's ``fts`` extension downloads itself at first use and will not load offline.
The offline options were tantivy (Python bindings, a Rust wheel), whoosh (pure Python,
unmaintained, slow to index) and SQLite FTS5 (in the standard library's ``sqlite3``). FTS5 was
chosen because it adds no dependency at all, ranks with BM25, folds case and diacritics
(``unicode61 remove_diacritics 2``: "Youssef" and "Yóussef" match), builds snippets itself, and,
above all, is transactional: the rows of a batch of articles and the watermark saying how far
the index has got commit together, so an index interrupted mid-update is never out of step with
what it says it holds. Tantivy indexes faster, but its commits know nothing of our watermark and
it is one more binary wheel to ship.

Keeping in step with the store. The index lives in ``<db>.search.sqlite``. Its ``meta`` table
records the highest store ``seq`` indexed and that article's id; :meth:`SearchIndex.sync` indexes
the finished (``done``) articles above it, with their quotes, in batches (one transaction each).
It runs when the server starts (articles added by ``rashomon add`` while it was stopped) and after
each ``POST /articles``. Articles turn ``done`` together and new ones always get higher seqs
(``rashomon.store``), so "above the watermark" is exactly "not indexed yet". When the article at
the watermark is not the one recorded (the store was rebuilt), the index starts over.
A date the store infers later for an already indexed undated article is not seen by the date
filter (the index keeps the date the article had when it was indexed).
"""
from __future__ import annotations

import re
import sqlite3
import threading
from html import escape

from markupsafe import Markup

HIT_START, HIT_END = "\ue000", "\ue001"  # private-use marks: stripped from indexed text
_MARKS = re.compile(f"[{HIT_START}{HIT_END}]")
_TERMS = re.compile(r'"([^"]*)"|(\S+)')
BATCH = 2000


def fts_query(text: str) -> str:
    """The user's words as a safe FTS5 query: every word or "quoted phrase" must occur; a word
    ending in ``*`` is a prefix. FTS5 operators typed by the user are taken as plain words, so
    no input is a syntax error."""
    parts = []
    for phrase, word in _TERMS.findall(text):
        term = phrase or word
        prefix = bool(word) and word.endswith("*") and len(word) > 1
        term = term.rstrip("*") if prefix else term
        if not re.search(r"\w", term):
            continue
        parts.append('"' + term.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(parts)


def highlight(snippet: str) -> Markup:
    """A snippet with the hits marked by FTS5 as escaped HTML with ``<mark>`` around the hits."""
    return Markup(escape(snippet).replace(HIT_START, "<mark>").replace(HIT_END, "</mark>"))


class SearchIndex:
    """The FTS5 index at ``path``; one SQLite connection per thread for reading."""

    def __init__(self, path: str):
        self.path = path
        self._local = threading.local()
        con = self._connect()
        con.executescript(f"""
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(
                title, body, kind UNINDEXED, ref UNINDEXED, article UNINDEXED, published UNINDEXED,
                outlet UNINDEXED, speaker UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
            INSERT OR IGNORE INTO meta VALUES ('watermark', '-1'), ('watermark_id', '');
        """)
        con.execute("INSERT INTO docs(docs, rank) VALUES ('rank', 'bm25(4.0, 1.0)')")
        con.commit()

    def _connect(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = sqlite3.connect(self.path, timeout=30)
        return con

    def watermark(self) -> tuple[int, str]:
        rows = dict(self._connect().execute("SELECT key, value FROM meta").fetchall())
        return int(rows["watermark"]), rows["watermark_id"]

    def sync(self, duck) -> int:
        """Index the store's finished articles above the watermark; return how many were added.
        ``duck``: a DuckDB connection or cursor of the store. Callers serialise syncs."""
        con = self._connect()
        mark, mark_id = self.watermark()
        if mark >= 0:
            row = duck.execute("SELECT id FROM articles WHERE seq = ?", [mark]).fetchone()
            if row is None or row[0] != mark_id:  # another store under the same name: start over
                con.execute("DELETE FROM docs")
                mark = -1
        added = 0
        while True:
            rows = duck.execute("SELECT seq, id, title, outlet, published, text FROM articles "
                                "WHERE status = 'done' AND seq > ? ORDER BY seq LIMIT ?", [mark, BATCH]).fetchall()
            if not rows:
                break
            ids = [r[1] for r in rows]
            info = {r[1]: (r[4], r[3]) for r in rows}
            quotes = duck.execute("SELECT id, article, data->>'$.text', data->>'$.speaker_text' FROM quotes "
                                  "WHERE article IN (SELECT unnest($1))", [ids]).fetchall()
            clean = lambda s: _MARKS.sub(" ", s or "")  # noqa: E731
            docs = [(clean(title), clean(text), "article", aid, aid, pub, outlet, None)
                    for _seq, aid, title, outlet, pub, text in rows]
            docs += [("", clean(text), "quote", qid, aid, *info[aid], speaker)
                     for qid, aid, text, speaker in quotes]
            con.executemany("INSERT INTO docs (title, body, kind, ref, article, published, outlet, speaker) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", docs)
            mark = rows[-1][0]
            con.execute("UPDATE meta SET value = ? WHERE key = 'watermark'", [str(mark)])
            con.execute("UPDATE meta SET value = ? WHERE key = 'watermark_id'", [rows[-1][1]])
            con.commit()
            added += len(rows)
        con.commit()
        return added

    def search(self, text: str, *, kind: str = "all", date_from: str | None = None,
               date_to: str | None = None, limit: int = 20, offset: int = 0) -> tuple[list[dict], bool]:
        """The best ``limit`` hits after ``offset`` and whether there are more. Each hit: kind
        (article or quote), ref (article or quote id), article, title (None for quotes), outlet, published,
        speaker_text, and ``snippet`` (escaped HTML, hits in ``<mark>``)."""
        query = fts_query(text)
        if not query:
            return [], False
        where, params = ["docs MATCH ?"], [query]
        if kind in ("article", "quote"):
            where.append("kind = ?")
            params.append(kind)
        if date_from:
            where.append("published >= ?")
            params.append(date_from)
        if date_to:
            where.append("published <= ?")
            params.append(date_to + "~")
        rows = self._connect().execute(
            "SELECT kind, ref, article, title, outlet, published, speaker, "
            f"snippet(docs, 1, '{HIT_START}', '{HIT_END}', '…', 24) FROM docs WHERE "
            + " AND ".join(where) + " ORDER BY rank LIMIT ? OFFSET ?", params + [limit + 1, offset]).fetchall()
        hits = [{"kind": k, "ref": ref, "article": art, "title": title or None, "outlet": outlet,
                 "published": pub, "speaker_text": speaker, "snippet": highlight(snip)}
                for k, ref, art, title, outlet, pub, speaker, snip in rows[:limit]]
        return hits, len(rows) > limit
