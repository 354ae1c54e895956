"""The read queries behind the pages: one :class:`Reader` per request thread, over its own cursor.

DuckDB connections are not shared between threads; ``con.cursor()`` gives a connection to the
same database that sees every committed write, so each request thread keeps one cursor (see
``rashomon.serve.app``) and reads never wait for ``POST /articles``. The store's own readers
(``Store.story``, ``Store.quotes``) run on a shallow copy of the store bound to that cursor; the
queries written here are the ones the pages need at scale: paged, filtered, and never loading
article texts they do not show.

Every method returns plain JSON-ready dicts and lists, or the JSON itself (``story``, stored so):
they are the JSON twins of the pages.
"""
from __future__ import annotations

import copy
import json
from collections import Counter, defaultdict

from ..store import Store, StoreError
from ..store.pages import ARTICLE_BRIEF, read_page
from ..store.pages import brief as _brief

PAGE_SIZE = 50


def _like(q: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') matching ``q`` anywhere, its own % and _ taken literally."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class NotFound(LookupError):
    """An id that names nothing in the store (a 404)."""


class Reader:
    """Read-only queries over one cursor of the store's database."""

    def __init__(self, store: Store, cursor):
        self.cur = cursor
        self.view = copy.copy(store)  # the store's readers, bound to this thread's cursor
        self.view.con = cursor

    def _all(self, sql: str, params=None) -> list:
        return self.cur.execute(sql, params or []).fetchall()

    # -- stories
    def stories(self, q: str = "", date_from: str | None = None, date_to: str | None = None,
                page: int = 1) -> dict:
        """A page of stories, largest first, then by start date; ``q`` matches the title
        (case-insensitive substring), the dates keep stories overlapping [date_from, date_to]."""
        where, params = [], []
        if q:
            where.append("title ILIKE ? ESCAPE '\\'")
            params.append(_like(q))
        if date_from:
            where.append("coalesce(end_date, start_date) >= ?")
            params.append(date_from)
        if date_to:
            where.append("start_date <= ?")
            params.append(date_to + "~")  # "~" sorts after digits and "-": 2025-03 covers 2025-03-31
        sql_where = (" WHERE " + " AND ".join(where)) if where else ""
        total = self._all("SELECT count(*) FROM stories" + sql_where, params)[0][0]
        rows = self._all("SELECT key, id, title, start_date, end_date, len(articles) FROM stories" + sql_where
                         + " ORDER BY len(articles) DESC, coalesce(start_date, '9999'), id LIMIT ? OFFSET ?",
                         params + [PAGE_SIZE, (page - 1) * PAGE_SIZE])
        outlets = self._story_outlets([r[0] for r in rows])
        items = [{"id": sid, "title": title, "start": start, "end": end, "articles": n,
                  "outlets": outlets.get(key, [])} for key, sid, title, start, end, n in rows]
        return {"stories": items, "total": total, "page": page, "page_size": PAGE_SIZE,
                "query": {"q": q, "from": date_from, "to": date_to}}

    def _story_outlets(self, keys: list[int]) -> dict[int, list[str]]:
        if not keys:
            return {}
        rows = self._all("SELECT key, outlets FROM story_pages WHERE key IN (SELECT unnest($1))", [keys])
        return {k: list(v) for k, v in rows}

    def story(self, story_id: str) -> bytes:
        """The story page's data (``rashomon.store.pages``) as JSON (UTF-8): the Story dict (by id or
        unique id prefix) with its articles (briefs), quotes, reuse pairs, storylines and the
        speakers' names. One indexed lookup of the row ``add`` wrote."""
        row = self.cur.execute("SELECT data FROM story_pages WHERE id = ?", [story_id]).fetchone()
        if row is None:
            keys = self._all("SELECT key FROM story_pages WHERE starts_with(id, ?) LIMIT 2", [story_id])
            if len(keys) != 1:
                raise NotFound(f"no story {story_id!r}" if not keys else
                               f"{story_id!r} names more than one story; give more of the id")
            row = self.cur.execute("SELECT data FROM story_pages WHERE key = ?", [keys[0][0]]).fetchone()
        return read_page(row[0])

    def _entity_names(self, ids) -> dict[str, str]:
        if not ids:
            return {}
        return dict(self._all("SELECT id, data->>'$.name' FROM entities WHERE id = ANY($1)",
                              [sorted(ids)]))

    def _story_titles(self, ids) -> dict[str, dict]:
        rows = self._all("SELECT id, title, start_date, end_date, len(articles) FROM stories "
                         "WHERE id = ANY($1)", [list(ids)])
        return {r[0]: {"id": r[0], "title": r[1], "start": r[2], "end": r[3], "articles": r[4]} for r in rows}

    # -- storylines
    def storylines(self, page: int = 1) -> dict:
        rows = self._all("SELECT data FROM storylines ORDER BY data->>'$.start' DESC NULLS LAST, id "
                         "LIMIT ? OFFSET ?", [PAGE_SIZE, (page - 1) * PAGE_SIZE])
        total = self._all("SELECT count(*) FROM storylines")[0][0]
        lines = [json.loads(d) for (d,) in rows]
        titles = self._story_titles({s for sl in lines for s in sl["stories"]})
        for sl in lines:
            sl["story_items"] = [titles.get(s, {"id": s, "title": None}) for s in sl["stories"]]
        return {"storylines": lines, "total": total, "page": page, "page_size": PAGE_SIZE}

    def storyline(self, storyline_id: str) -> dict:
        row = self._all("SELECT data FROM storylines WHERE id = ?", [storyline_id])
        if not row:
            raise NotFound(f"no storyline {storyline_id!r}")
        sl = json.loads(row[0][0])
        titles = self._story_titles(sl["stories"])
        sl["story_items"] = [titles.get(s, {"id": s, "title": None}) for s in sl["stories"]]
        return {"storyline": sl}

    # -- articles
    def article(self, article_id: str) -> dict:
        """One article with every annotation on it: quotes, times, entity mentions, loaded wording."""
        arts = self.view.articles([article_id])
        if not arts:
            raise NotFound(f"no article {article_id!r}")
        art = arts[0].to_json()
        quotes = self.view.quotes([article_id])
        times = [json.loads(d) for (d,) in self._all("SELECT data FROM times WHERE article = ? ORDER BY pos",
                                                     [article_id])]
        mentions = [{"entity": eid, "name": name, "type": typ, "start": start, "end": stop, "text": text}
                    for eid, name, typ, start, stop, text in self._all(
                        "SELECT m.entity, e.data->>'$.name', e.data->>'$.type', m.start, m.stop, m.text "
                        "FROM entity_mentions m JOIN entities e ON e.id = m.entity WHERE m.article = ?", [article_id])]
        mentions.sort(key=lambda m: (m["start"], m["end"]))
        story = self.view.story_of(article_id)
        return {"article": art, "story": story, "quotes": quotes, "times": times, "mentions": mentions,
                "speakers": self._entity_names({q["speaker"] for q in quotes if q.get("speaker")})}

    # -- entities
    def entities(self, q: str = "", page: int = 1) -> dict:
        """A page of entities, most mentioned first; ``q`` matches the name or an alias."""
        where, params = "", []
        if q:
            like = _like(q)
            where = " WHERE e.data->>'$.name' ILIKE ? ESCAPE '\\' OR e.data->>'$.aliases' ILIKE ? ESCAPE '\\'"
            params = [like, like]
        rows = self._all("SELECT e.id, e.data->>'$.name', e.data->>'$.type', count(m.entity) AS n FROM entities e "
                         "LEFT JOIN entity_mentions m ON m.entity = e.id" + where
                         + " GROUP BY e.id, e.data, e.pos ORDER BY n DESC, e.pos LIMIT ? OFFSET ?",
                         params + [PAGE_SIZE, (page - 1) * PAGE_SIZE])
        total = self._all("SELECT count(*) FROM entities e" + where, params)[0][0]
        return {"entities": [{"id": i, "name": n, "type": t, "mentions": m} for i, n, t, m in rows],
                "total": total, "page": page, "page_size": PAGE_SIZE, "query": {"q": q}}

    def entity(self, entity_id: str) -> dict:
        """An entity, its mentions grouped by outlet with the names each outlet uses, and the
        quotes it is the speaker of."""
        try:
            ent = self.view.entity(entity_id)
        except StoreError:
            raise NotFound(f"no entity {entity_id!r}") from None
        ids = sorted({m["article"] for m in ent["mentions"]})
        briefs = {r[0]: _brief(r) for r in self._all(ARTICLE_BRIEF + " WHERE id = ANY($1)", [ids])}
        by_outlet: dict[str, dict] = defaultdict(lambda: {"names": Counter(), "articles": {}})
        for m in ent["mentions"]:
            b = briefs.get(m["article"])
            if b is None:
                continue
            o = by_outlet[b["outlet"] or "(unknown outlet)"]
            o["names"][m["text"]] += 1
            o["articles"][b["id"]] = b
        outlets = [{"outlet": name, "names": [{"text": t, "count": c} for t, c in o["names"].most_common()],
                    "articles": sorted(o["articles"].values(), key=lambda b: (b["published"] or "", b["id"]))}
                   for name, o in sorted(by_outlet.items())]
        quotes = [json.loads(d) | {"speaker": entity_id} for (d,) in self._all(
            "SELECT q.data FROM quotes q JOIN articles a ON a.id = q.article WHERE q.speaker = ? "
            "ORDER BY a.seq, q.pos LIMIT 200", [entity_id])]
        for q in quotes:
            q["outlet"] = briefs.get(q["article"], {}).get("outlet")
        return {"entity": ent, "outlets": outlets, "quotes": quotes}

    def titles(self, ids) -> dict[str, str]:
        """Article titles by id (for search hits on quotes)."""
        return dict(self._all("SELECT id, title FROM articles WHERE id = ANY($1)", [sorted(ids)]))
