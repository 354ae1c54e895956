"""The story page's data, precomputed when the store is written (table ``story_pages``).

A story page (``rashomon serve``'s ``/stories/ID`` and its JSON twin) shows the Story dict with
its sections, its articles (briefs), their quotes with the speakers' names, the reuse pairs
between them and the storylines holding the story. Read from the base tables, that costs a scan
of ``stories`` (whose ``sections`` JSON is most of the store: at 10,000 generated articles,
60 MB, 50 kB a story and up to 1.5 MB) and four more queries per request. Pages are read many
times and written by ``add`` only, so each ``add`` writes the page of every story whose page can
have changed, one row per story, and a request is one indexed lookup (under a millisecond).
The row also keeps the story's outlets, which the story list shows (a join of the listed
stories' articles otherwise, 14 ms at 10,000 articles).

The row holds the page's JSON (UTF-8) compressed by zlib, in a column DuckDB is told not to
compress: DuckDB compresses large strings with ZSTD over whole column segments, so fetching one
row decompresses the segment (50 ms at 10,000 articles, growing with the store); a row compressed
on its own is as small (8 MB for 1,200 pages of 63 MB) and is fetched alone.

Which pages an ``add`` rewrites (``Store.complete``): the stories whose loaded wording and
comparison it recomputed (the touched stories and those of the new articles' reuse partners:
that covers every article whose date, quotes, speakers or reuse pairs it can change, see
``rashomon.store.corpus``), the stories of every storyline it deleted or wrote, and any story
without a page; pages of stories that no longer exist are deleted. Entity names do not change
once stored (``rashomon.store.entities``). The store tests check every page against
:func:`build_pages` after incremental adds.

Migration 5 creates the table and fills it for the stories already stored.
"""
from __future__ import annotations

import json
import zlib
from collections import defaultdict
from collections.abc import Iterable

from .rows import bulk_insert, dumps, member_groups

CHUNK = 500  # stories per batch of queries when many pages are written ...
CHUNK_ARTICLES = 3000  # ... and articles in them, at most (one story bigger than that goes alone)

ARTICLE_BRIEF = "SELECT id, title, outlet, published, published_basis, url, wire FROM articles"


def brief(row) -> dict:
    aid, title, outlet, published, basis, url, wire = row
    return {"id": aid, "title": title, "outlet": outlet, "published": published,
            "published_basis": basis, "url": url, "wire": list(wire or [])}


def build_pages(con, keys: Iterable[int]) -> dict[int, dict]:
    """The page data of the stories with these keys, from the base tables: ``{story, articles,
    quotes, reuse, storylines, speakers}`` (the JSON twin of ``/stories/ID``). The quotes and
    reuse pairs of a story compared on some of its articles are those of its
    ``compare.focus_articles``, listed in the page's ``focus``: at 25,000 generated articles
    the page of a story of 1,082 articles held 64 MB of them (each article's page has its own)."""
    from .corpus import STORY_SELECT, story_dict

    from ..compare import focus_articles

    keys = sorted(set(keys))
    rows = con.execute(STORY_SELECT + " WHERE key IN (SELECT unnest($1))", [keys]).fetchall()
    stories = {r[0]: story_dict(r) for r in rows}
    briefs = {r[0]: brief(r) for r in con.execute(
        ARTICLE_BRIEF + " WHERE id IN (SELECT unnest($1))",
        [sorted({a for st in stories.values() for a in st["articles"]})]).fetchall()}
    focus = {k: focus_articles(st) for k, st in stories.items()}
    story_of = {a: k for k, f in focus.items() for a in f}  # whose quotes and reuse the page holds
    ids = sorted(story_of)
    quotes: dict[int, list[dict]] = defaultdict(list)
    for d, speaker, aid in con.execute(
            "SELECT q.data, q.speaker, q.article FROM quotes q JOIN articles a ON a.id = q.article "
            "WHERE q.article IN (SELECT unnest($1)) ORDER BY a.seq, q.pos", [ids]).fetchall():
        quotes[story_of[aid]].append(json.loads(d) | {"speaker": speaker})
    reuse: dict[int, list[dict]] = defaultdict(list)
    for a, b, d in con.execute("SELECT a, b, data FROM reuse WHERE a IN (SELECT unnest($1)) ORDER BY lo, hi",
                               [ids]).fetchall():
        if story_of.get(b) is not None and story_of[b] == story_of[a]:
            reuse[story_of[a]].append(json.loads(d))
    key_of = {st["id"]: k for k, st in stories.items()}
    lines: dict[int, list[dict]] = defaultdict(list)
    for lid, d, members in con.execute("SELECT id, data, stories FROM storylines WHERE list_has_any(stories, $1) "
                                       "ORDER BY id", [sorted(key_of)]).fetchall():
        title = json.loads(d).get("title")
        for sid in members:
            if sid in key_of:
                lines[key_of[sid]].append({"id": lid, "title": title})
    speaker_ids = sorted({q["speaker"] for qs in quotes.values() for q in qs if q.get("speaker")})
    names = dict(con.execute("SELECT id, data->>'$.name' FROM entities WHERE id IN (SELECT unnest($1))",
                             [speaker_ids]).fetchall()) if speaker_ids else {}
    out = {}
    for k, st in stories.items():
        qs = quotes.get(k, [])
        out[k] = {"story": st, "articles": [briefs[a] for a in st["articles"] if a in briefs], "quotes": qs,
                  "reuse": reuse.get(k, []), "storylines": lines.get(k, []),
                  "speakers": {s: names.get(s) for s in sorted({q["speaker"] for q in qs if q.get("speaker")})
                               if s in names}}
        if len(focus[k]) < len(set(st["articles"])):
            out[k]["focus"] = focus[k]
    return out


def write_pages(con, keys: Iterable[int]) -> int:
    """Rewrite the pages of these stories and of every story without one; delete the pages of
    stories that no longer exist. Returns how many pages were written."""
    con.execute("DELETE FROM story_pages WHERE key NOT IN (SELECT key FROM stories)")
    missing = {k for (k,) in con.execute(
        "SELECT key FROM stories WHERE key NOT IN (SELECT key FROM story_pages)").fetchall()}
    todo = sorted(set(keys) | missing)
    size = dict(con.execute("SELECT key, len(articles) FROM stories WHERE key IN (SELECT unnest($1))",
                            [todo]).fetchall())
    for chunk in member_groups(todo, lambda k: size.get(k, 0), budget=CHUNK_ARTICLES, most=CHUNK):
        pages = build_pages(con, chunk)
        con.execute("DELETE FROM story_pages WHERE key IN (SELECT unnest($1))", [chunk])
        bulk_insert(con, "story_pages", ("key", "id", "outlets", "data"),
                    [(k, p["story"]["id"], sorted({a["outlet"] for a in p["articles"] if a["outlet"] is not None}),
                      zlib.compress(dumps(p).encode(), 6)) for k, p in pages.items()])
    return len(todo)


def read_page(data: bytes) -> bytes:
    """A stored page row's JSON (UTF-8 bytes)."""
    return zlib.decompress(data)


def story_keys(con, story_ids: Iterable[str]) -> set[int]:
    """The keys of the stored stories with these ids (ids no longer stored are skipped)."""
    ids = sorted(set(story_ids))
    if not ids:
        return set()
    return {k for (k,) in con.execute("SELECT key FROM stories WHERE id IN (SELECT unnest($1))", [ids]).fetchall()}


SCHEMA = [
    # outlets: of the story's articles, sorted (the story list shows them); data: the page's
    # JSON, zlib-compressed (see the module doc)
    """CREATE TABLE story_pages (key INTEGER PRIMARY KEY, id VARCHAR NOT NULL, outlets VARCHAR[] NOT NULL,
        data BLOB USING COMPRESSION uncompressed NOT NULL)""",
    "CREATE INDEX story_pages_id ON story_pages (id)",
    lambda con: write_pages(con, ()),  # the pages of the stories already stored
]
