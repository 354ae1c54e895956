"""The store's whole analysis as lazy lists, for writing analysis.json in bounded memory.

``Store.analysis()`` builds every list in memory: at 100,000 articles that is several GB of
Python objects (analysis.json alone is about 24 KB per article). ``StoredAnalysis`` gives the
same lists, in the same order, as ``Rows``: each knows its length (a ``count(*)``) and yields its
items from a cursor, a thousand rows at a time, so ``rashomon.output.write_json`` writes the
document one item at a time with only one batch of rows in memory. ``write_json`` of a
``StoredAnalysis`` gives the bytes ``write_json`` of ``Store.analysis()`` gives (test).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from ..model import LISTS, Analysis, Rejection, Source
from .corpus import STORY_SELECT, story_dict
from .rows import SELECT_ARTICLE, row_article

FETCH = 1000  # rows per fetch from a cursor
EVENT_ORDER = ("coalesce(json_extract_string(data, '$.date'), '9999'), "
               "json_extract_string(data, '$.mentions[0].article'), "
               "CAST(json_extract(data, '$.mentions[0].start') AS BIGINT), pos")
"""The contract's order of events (as the pipeline sorts them: by date, undated last, then by
their first mention), over the ``events`` table."""


class Rows:
    """A read-only sequence of one query's rows, each converted by ``convert``: ``len`` asks the
    store, iteration reads a new cursor in batches of ``FETCH`` rows."""

    def __init__(self, con, sql: str, count_sql: str, convert: Callable[[tuple], Any]):
        self.con, self.sql, self.count_sql, self.convert = con, sql, count_sql, convert

    def __len__(self) -> int:
        return self.con.cursor().execute(self.count_sql).fetchone()[0]

    def __iter__(self) -> Iterator[Any]:
        cur = self.con.cursor()  # its own connection: other queries may run between batches
        cur.execute(self.sql)
        while rows := cur.fetchmany(FETCH):
            for r in rows:
                yield self.convert(r)
        cur.close()


class EntityRows(Rows):
    """The entities with their mentions: two cursors in entity order, merged (as
    ``load_entities`` gives them, without holding all mentions)."""

    def __init__(self, con):
        super().__init__(con, "SELECT id, data FROM entities ORDER BY pos", "SELECT count(*) FROM entities",
                         lambda r: r)

    def __iter__(self) -> Iterator[dict]:
        cur = self.con.cursor()
        cur.execute("SELECT m.entity, m.article, m.start, m.stop, m.text FROM entity_mentions m "
                    "JOIN entities e ON e.id = m.entity ORDER BY e.pos, m.article, m.start, m.stop")
        def mentions() -> Iterator[tuple]:
            while rows := cur.fetchmany(FETCH):
                yield from rows

        stream = mentions()
        nxt = next(stream, None)
        for eid, data in super().__iter__():
            ent = json.loads(data)
            ent["mentions"] = own = []
            while nxt is not None and nxt[0] == eid:
                _e, a, s, e, t = nxt
                own.append({"article": a, "start": s, "end": e, "text": t})
                nxt = next(stream, None)
            yield ent
        cur.close()


def _quote(row: tuple) -> dict:
    data, speaker = row
    q = json.loads(data)
    q["speaker"] = speaker
    return q


def _json(row: tuple) -> Any:
    return json.loads(row[0])


class StoredAnalysis:
    """What ``Store.analysis()`` gives, as lazy lists (see the module doc). ``stats``: the
    store's counts."""

    def __init__(self, con):
        self.con = con
        q = lambda sql: Rows(con, sql, f"SELECT count(*) FROM ({sql})", _json)  # noqa: E731
        self.articles = Rows(con, SELECT_ARTICLE + " ORDER BY seq", "SELECT count(*) FROM articles", row_article)
        self.rejected = Rows(con, "SELECT source_path, source_index, reason FROM rejected ORDER BY seq",
                             "SELECT count(*) FROM rejected",
                             lambda r: Rejection(Source(r[0], None if r[1] < 0 else r[1]), r[2]))
        self.reuse = q("SELECT data FROM reuse ORDER BY lo, hi")
        self.entities = EntityRows(con)
        self.quotes = Rows(con, "SELECT q.data, q.speaker FROM quotes q JOIN articles a ON a.id = q.article "
                                "ORDER BY a.seq, q.pos", "SELECT count(*) FROM quotes", _quote)
        self.times = q("SELECT t.data FROM times t JOIN articles a ON a.id = t.article ORDER BY a.seq, t.pos")
        self.events = q(f"SELECT data FROM events ORDER BY {EVENT_ORDER}")
        self.stories = Rows(con, STORY_SELECT + " ORDER BY len(articles) DESC, coalesce(start_date, '9999'), id",
                            "SELECT count(*) FROM stories", story_dict)
        self.storylines = q("SELECT data FROM storylines ORDER BY json_extract_string(data, '$.start'), id")
        self.stats: dict = {}

    def to_json_head(self) -> dict:
        return Analysis().to_json_head()

    def materialize(self) -> Analysis:
        """The lists in memory, as an Analysis (for a small store)."""
        an = Analysis(**{k: list(getattr(self, k)) for k in LISTS})
        an.stats.update(self.stats)
        return an
