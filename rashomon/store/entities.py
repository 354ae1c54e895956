"""Entities, quote speakers and events in the store, updated for the articles of one ``add``.

Re-resolving every stored mention at each ``add`` costs O(corpus); here an ``add`` costs what its
own articles touch:

* entities: the new articles' mentions are resolved (``resolve_entities``) together with the
  mentions of a bounded *context*: the stored articles that share a name key with them (at most
  ``CONTEXT_PER_KEY`` most recent per key, ``CONTEXT_MAX`` in all), whose entities are known. A
  resolved group holding stored mentions gives its new mentions to the stored entity most of
  those belong to; a group of new mentions only is a new entity, or joins the stored entity of
  the same id (ids come from type and canonical name). Stored entities are never split or merged
  by a later add, and keep their name, type and description (new spellings become aliases).
* quote speakers: linked for the new articles' quotes, against the entities of those articles.
* events: the new articles' event mentions are merged (``merge_events``) with the mentions of
  the stored events they share a block with (``update_events``); those events are replaced. At
  most ``OLD_MENTIONS`` stored mentions are merged again in one add (the events sharing the most
  blocks with the new mentions first); the other stored events stay as they are.

Tables: ``entities`` (the Entity dict without its mentions), ``entity_mentions`` (one row per
mention), ``mention_keys`` (the name keys of each article's mentions: the context index),
``event_articles`` (which events each article reports) and ``event_keys`` (the blocks of each
event's mentions: which stored events a new mention can join). ``backfill`` fills them once for a
store written before they existed.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence

from .rows import bulk_insert, dumps

CONTEXT_PER_KEY = 20
CONTEXT_MAX = 400
# stored events' mentions one add merges again with its own, at most: the events sharing the most
# blocks with the new mentions first. At 25,000 stored generated articles a step of 2,800 met 11,700
# stored events (68,000 mentions: 40% of them), and its merge held ~1 GB; past this bound the other
# stored events stay as they are (a new mention that would have joined one forms or joins another).
OLD_MENTIONS = 30_000
FETCH_ROWS = 1000  # rows of per-article JSON fetched at a time

SCHEMA = [
    """CREATE TABLE entity_mentions (entity VARCHAR NOT NULL, article VARCHAR NOT NULL,
        start INTEGER NOT NULL, stop INTEGER NOT NULL, text VARCHAR NOT NULL)""",
    "CREATE INDEX entity_mentions_article ON entity_mentions (article)",
    "CREATE INDEX entity_mentions_entity ON entity_mentions (entity)",
    "CREATE TABLE mention_keys (key VARCHAR NOT NULL, article VARCHAR NOT NULL)",
    "CREATE INDEX mention_keys_key ON mention_keys (key)",
    "CREATE TABLE event_articles (event VARCHAR NOT NULL, article VARCHAR NOT NULL)",
    "CREATE INDEX event_articles_article ON event_articles (article)",
    "CREATE INDEX entities_id ON entities (id)",
    # the comparison of each story (summary, timeline, facts, conflicts, framing) as JSON
    "ALTER TABLE stories ADD COLUMN sections VARCHAR",
]

EVENT_KEYS = [  # schema step 9 (filled from the stored events by ``fill_event_keys``)
    "CREATE TABLE event_keys (key VARCHAR NOT NULL, event VARCHAR NOT NULL, n INTEGER NOT NULL)",
    "CREATE INDEX event_keys_key ON event_keys (key)",
    "CREATE INDEX event_keys_event ON event_keys (event)",
]


def mention_key_rows(article: str, mentions: list[dict]) -> list[tuple[str, str]]:
    return [(k, article) for k in sorted({" ".join(m["key"]) for m in mentions if m.get("key")})]


def backfill(con) -> None:
    """Fill the per-mention tables from the JSON of a store written before they existed (once)."""
    if con.execute("SELECT count(*) FROM mention_keys").fetchone()[0] == 0:
        rows = []
        for aid, d in con.execute("SELECT m.article, m.data FROM mentions m JOIN articles a ON a.id = m.article "
                                  "WHERE a.status = 'done'").fetchall():
            rows.extend(mention_key_rows(aid, json.loads(d)))
        bulk_insert(con, "mention_keys", ("key", "article"), rows)
    if con.execute("SELECT count(*) FROM entity_mentions").fetchone()[0] == 0:
        ments, heads = [], []
        for eid, pos, d in con.execute("SELECT id, pos, data FROM entities").fetchall():
            e = json.loads(d)
            ments.extend((eid, m["article"], m["start"], m["end"], m["text"]) for m in e.pop("mentions", ()))
            heads.append((eid, pos, dumps(e)))
        if ments:
            con.execute("DELETE FROM entities")
            bulk_insert(con, "entities", ("id", "pos", "data"), heads)
            bulk_insert(con, "entity_mentions", ("entity", "article", "start", "stop", "text"), ments)
    if con.execute("SELECT count(*) FROM event_articles").fetchone()[0] == 0:
        rows = {(e["id"], m["article"]) for (d,) in con.execute("SELECT data FROM events").fetchall()
                for e in [json.loads(d)] for m in e["mentions"]}
        bulk_insert(con, "event_articles", ("event", "article"), sorted(rows))


def load_entities(con, where: str = "", params=None) -> list[dict]:
    """Entity dicts with their mentions (all, or those of ``where`` over ``entities e``)."""
    heads = con.execute(f"SELECT e.id, e.data FROM entities e {where} ORDER BY e.pos", params or []).fetchall()
    ids = [i for i, _d in heads]
    ments: dict[str, list[dict]] = defaultdict(list)
    for eid, a, s, e, t in con.execute(
            'SELECT entity, article, start, stop, text FROM entity_mentions WHERE entity IN (SELECT unnest($1)) '
            'ORDER BY entity, article, start, stop', [ids]).fetchall():
        ments[eid].append({"article": a, "start": s, "end": e, "text": t})
    out = []
    for eid, d in heads:
        ent = json.loads(d)
        ent["mentions"] = ments.get(eid, [])
        out.append(ent)
    return out


def _entities_of(con, articles: Sequence[str]) -> list[dict]:
    """The stored entities mentioned in these articles, each with only its mentions there."""
    rows = con.execute('SELECT m.entity, m.article, m.start, m.stop, m.text, e.data FROM entity_mentions m '
                       'JOIN entities e ON e.id = m.entity WHERE m.article IN (SELECT unnest($1)) '
                       'ORDER BY e.pos, m.article, m.start', [list(articles)]).fetchall()
    out: dict[str, dict] = {}
    for eid, a, s, e, t, d in rows:
        if eid not in out:
            out[eid] = json.loads(d)
            out[eid]["mentions"] = []
        out[eid]["mentions"].append({"article": a, "start": s, "end": e, "text": t})
    return list(out.values())


def _context(con, new_ids: Sequence[str], keys: set[str]) -> list[str]:
    if not keys:
        return []
    con.execute("CREATE OR REPLACE TEMP TABLE nk AS SELECT unnest($1) AS key", [sorted(keys)])
    rows = con.execute(
        "SELECT article, count(*) AS n FROM (SELECT mk.article, row_number() OVER "
        "(PARTITION BY mk.key ORDER BY a.seq DESC) AS rn FROM mention_keys mk JOIN nk ON nk.key = mk.key "
        "JOIN articles a ON a.id = mk.article WHERE a.status = 'done' AND a.id NOT IN (SELECT unnest($1))) "
        "WHERE rn <= ? GROUP BY article ORDER BY n DESC, article LIMIT ?",
        [list(new_ids), CONTEXT_PER_KEY, CONTEXT_MAX]).fetchall()
    con.execute("DROP TABLE nk")
    return [a for a, _n in rows]


def update_entities(con, pending: Sequence[str]) -> list[dict]:
    """Resolve the pending articles' mentions into the stored entities (see the module doc);
    return the entities of the pending articles (with their mentions there)."""
    from ..nlp.entities import resolve_entities

    order = {a: s for a, s in con.execute("SELECT id, seq FROM articles WHERE id IN (SELECT unnest($1))",
                                          [list(pending)]).fetchall()}
    new = {aid: json.loads(d) for aid, d in con.execute(
        "SELECT article, data FROM mentions WHERE article IN (SELECT unnest($1))", [list(pending)]).fetchall()}
    keys = {" ".join(m["key"]) for ms in new.values() for m in ms if m.get("key")}
    ctx = _context(con, list(new), keys)
    ctx_ments = dict(con.execute("SELECT article, data FROM mentions WHERE article IN (SELECT unnest($1))",
                                 [ctx]).fetchall())
    owner = {(a, s, e): eid for eid, a, s, e in con.execute(
        'SELECT entity, article, start, stop FROM entity_mentions WHERE article IN (SELECT unnest($1))',
        [ctx]).fetchall()}
    items = [({"id": a}, json.loads(ctx_ments[a])) for a in ctx if a in ctx_ments]
    items += [({"id": a}, new[a]) for a in sorted(new, key=lambda a: order.get(a, 0))]
    resolved = resolve_entities(items)
    known = {eid for (eid,) in con.execute("SELECT id FROM entities WHERE id IN (SELECT unnest($1))",
                                           [[e["id"] for e in resolved]]).fetchall()}
    pos = con.execute("SELECT coalesce(max(pos) + 1, 0) FROM entities").fetchone()[0]
    mention_rows, fresh, alias_of = [], [], defaultdict(set)
    for ent in resolved:
        stored = Counter(owner[(m["article"], m["start"], m["end"])] for m in ent["mentions"]
                         if (m["article"], m["start"], m["end"]) in owner)
        mine = [m for m in ent["mentions"] if m["article"] in new]
        if not mine:
            continue
        if stored:
            target = max(stored, key=lambda k: (stored[k], k))
        elif ent["id"] in known:
            target = ent["id"]
        else:
            target = ent["id"]
            head = {k: v for k, v in ent.items() if k != "mentions"}
            fresh.append((target, pos, dumps(head)))
            pos += 1
            known.add(target)
        alias_of[target].update(m["text"] for m in mine)
        mention_rows.extend((target, m["article"], m["start"], m["end"], m["text"]) for m in mine)
    bulk_insert(con, "entities", ("id", "pos", "data"), fresh)
    _add_aliases(con, alias_of)
    bulk_insert(con, "entity_mentions", ("entity", "article", "start", "stop", "text"), mention_rows)
    bulk_insert(con, "mention_keys", ("key", "article"),
                [r for a in new for r in mention_key_rows(a, new[a])])
    return _entities_of(con, list(new))


def _add_aliases(con, alias_of: dict[str, set[str]]) -> None:
    if not alias_of:
        return
    rows = con.execute("SELECT id, data FROM entities WHERE id IN (SELECT unnest($1))", [sorted(alias_of)]).fetchall()
    changed = []
    for eid, d in rows:
        ent = json.loads(d)
        names = {" ".join(t.split()) for t in alias_of[eid]} - {ent["name"]} - set(ent["aliases"])
        if names:
            ent["aliases"] = sorted(set(ent["aliases"]) | names)
            changed.append((eid, dumps(ent)))
    if changed:
        con.execute("CREATE OR REPLACE TEMP TABLE ent_upd AS SELECT unnest($1) AS id, unnest($2) AS data",
                    [[c[0] for c in changed], [c[1] for c in changed]])
        con.execute("UPDATE entities SET data = u.data FROM ent_upd u WHERE entities.id = u.id")
        con.execute("DROP TABLE ent_upd")


def update_speakers(con, pending: Sequence[str], entities: list[dict]) -> None:
    """Link the pending articles' quotes to their speakers; mentions the linker adds (a pronoun
    or role that corefers with a name) are stored as mentions of that entity."""
    from ..nlp.stage import link_speakers

    quotes = [json.loads(d) for (d,) in con.execute(
        "SELECT q.data FROM quotes q JOIN articles a ON a.id = q.article WHERE q.article IN (SELECT unnest($1)) "
        "ORDER BY a.seq, q.pos", [list(pending)]).fetchall()]
    if not quotes:
        return
    texts = dict(con.execute("SELECT id, text FROM articles WHERE id IN (SELECT unnest($1))",
                             [sorted({q["article"] for q in quotes})]).fetchall())
    before = {(e["id"], m["article"], m["start"], m["end"]) for e in entities for m in e["mentions"]}
    link_speakers(quotes, entities, texts)  # adds mentions and sorts them
    added = [(e["id"], m["article"], m["start"], m["end"], m["text"]) for e in entities
             for m in e["mentions"] if (e["id"], m["article"], m["start"], m["end"]) not in before]
    bulk_insert(con, "entity_mentions", ("entity", "article", "start", "stop", "text"), added)
    con.execute("CREATE OR REPLACE TEMP TABLE speakers AS SELECT unnest($1) AS id, unnest($2) AS speaker",
                [[q["id"] for q in quotes], [q.get("speaker") for q in quotes]])
    con.execute("UPDATE quotes SET speaker = s.speaker FROM speakers s WHERE quotes.id = s.id")
    con.execute("DROP TABLE speakers")


def _raw_mentions(con, wanted: dict[str, set[tuple[int, int]]] | None, articles: Sequence[str]) -> list[dict]:
    """The event mentions (``find_events`` dicts) of ``articles`` in arrival order; of an article
    in ``wanted``, only those whose (start, end) it lists, ``compact`` as the merge reads them."""
    from ..events.merge import compact

    out = []
    names: dict[str, str] = {}
    cur = con.execute("SELECT e.article, e.data FROM event_mentions e JOIN articles a ON a.id = e.article "
                      "WHERE e.article IN (SELECT unnest($1)) ORDER BY a.seq", [list(articles)])
    while rows := cur.fetchmany(FETCH_ROWS):  # an article's JSON holds all its mentions: not all at once
        for aid, d in rows:
            ms = json.loads(d)
            if wanted is not None and aid in wanted:
                ms = [m for m in ms if (m["start"], m["end"]) in wanted[aid]]
            out.extend(c for c in (compact(m, names) for m in ms) if c is not None)
    return out


def _arg_entities(con, mentions: list[dict]) -> list[dict]:
    """The entities ``events.merge`` can see in these event mentions, as its ``_Index`` reads
    them (id, type, mentions): only the entity mentions that overlap an argument span (actor,
    target, location) of one of them, the only ones its lookups return. ``_entities_of`` the
    same articles would bring every mention in them (300,000 for the 8,000 mentions a step
    of a 20,000-article store merges again, 340 MB); the merge is the same with these."""
    spans = [(m["article"], a["start"], a["end"]) for m in mentions
             for a in [*m.get("actors", ()), *m.get("targets", ()), m.get("location")] if a]
    if not spans:
        return []
    arts, los, his = (list(x) for x in zip(*spans))
    con.execute("CREATE OR REPLACE TEMP TABLE arg_spans AS SELECT unnest($1) AS article, unnest($2) AS lo, "
                "unnest($3) AS hi", [arts, los, his])
    rows = con.execute(
        "SELECT DISTINCT m.entity, json_extract_string(e.data, '$.type'), m.article, m.start, m.stop "
        "FROM entity_mentions m JOIN arg_spans s ON s.article = m.article AND m.stop > s.lo AND m.start < s.hi "
        "JOIN entities e ON e.id = m.entity ORDER BY m.entity, m.article, m.start, m.stop").fetchall()
    con.execute("DROP TABLE arg_spans")
    out: dict[str, dict] = {}
    for eid, typ, a, s, e in rows:
        ent = out.setdefault(eid, {"id": eid, "type": typ, "mentions": []})
        ent["mentions"].append({"article": a, "start": s, "end": e})
    return list(out.values())


ALL = "*"  # event_keys' row of an event's mentions in all; "=ENTITY": those naming the entity
NAMES = "="  # (the counts behind the entities' rarity, ``merge_events(background=...)``)


def event_key_rows(events: list[dict], keyed: list[tuple]) -> list[tuple[str, str, int]]:
    """(block key, event id, mentions of the event in that block) for ``events`` merged from the
    mentions of ``keyed`` (``events.merge.block_keys``), with the counts rows (``ALL``, ``NAMES``)."""
    owner = {(m["article"], m["start"], m["end"]): e["id"] for e in events for m in e["mentions"]}
    n: Counter = Counter()
    for m, keys, ents in keyed:
        eid = owner.get((m["article"], m["start"], m["end"]))
        if eid is not None:
            n.update((k, eid) for k in keys)
            n.update((NAMES + e, eid) for e in ents)
        n[(ALL, eid or "")] += 1  # a mention that formed no event is counted (event ''), as batch does
    return [(k, eid, c) for (k, eid), c in sorted(n.items())]


def _background(con, old: list[str], ents: set[str]) -> tuple[int, Counter]:
    """The stored events' mentions outside ``old``: how many, and how many name each of ``ents``."""
    con.execute("CREATE OR REPLACE TEMP TABLE oe AS SELECT unnest($1) AS event", [old])
    total = con.execute(f"SELECT coalesce(sum(n), 0) FROM event_keys WHERE key = '{ALL}' "
                        "AND event NOT IN (SELECT event FROM oe)").fetchone()[0]
    df = Counter({k[len(NAMES):]: int(c) for k, c in con.execute(
        "SELECT key, sum(n) FROM event_keys WHERE key IN (SELECT unnest($1)) AND event NOT IN (SELECT event FROM oe) "
        "GROUP BY key", [[NAMES + e for e in sorted(ents)]]).fetchall()})
    con.execute("DROP TABLE oe")
    return int(total), df


def fill_event_keys(con, chunk: int = 2000) -> None:
    """The block keys of every stored event, and the counts rows (schema step 9; once, over the
    whole store, ``chunk`` articles at a time: a mention's keys depend on its article only)."""
    from ..events.merge import block_keys

    events = [json.loads(d) for (d,) in con.execute("SELECT data FROM events").fetchall()]
    if not events:
        return
    backfill(con)  # the entity mentions of a store older than schema step 4
    arts = [a for (a,) in con.execute("SELECT e.article FROM event_mentions e JOIN articles a ON a.id = e.article "
                                      "WHERE a.status = 'done' ORDER BY a.seq").fetchall()]
    n: Counter = Counter()
    for i in range(0, len(arts), chunk):
        part = arts[i:i + chunk]
        keyed = block_keys(_raw_mentions(con, None, part), _entities_of(con, part))
        n.update({(k, e): c for k, e, c in event_key_rows(events, keyed)})
    bulk_insert(con, "event_keys", ("key", "event", "n"), [(k, e, c) for (k, e), c in sorted(n.items())])


def update_events(con, pending: Sequence[str]) -> None:
    """Merge the pending articles' event mentions with the stored events they can join: those
    sharing a block with them (``events.merge.block_keys``: type family with an entity, an
    argument's head word, a trigger word or a day) that is not too common to give candidates
    (``BLOCK_CAP``, counted over the stored events' mentions and the new ones). Those events are
    merged again with the new mentions and replaced. The cost of an add depends on its articles
    and the events they touch, not on the store's size or how many articles share their dates.
    A stored mention that formed no event (a lone mention with no argument) is not considered
    again."""
    from ..events import merge_events
    from ..events.merge import BLOCK_CAP, block_keys

    new = _raw_mentions(con, None, pending)
    keyed_new = block_keys(new, _arg_entities(con, new))
    count = Counter(k for _m, keys, _e in keyed_new for k in keys)
    old: list[str] = []
    if count:
        con.execute("CREATE OR REPLACE TEMP TABLE nk AS SELECT unnest($1) AS key, unnest($2) AS n",
                    [list(count), list(count.values())])
        # the candidates, those sharing the most new mentions' blocks first, with their sizes
        hits = con.execute(
            "WITH tot AS (SELECT ek.key, sum(ek.n) AS s FROM event_keys ek JOIN nk ON nk.key = ek.key "
            "GROUP BY ek.key), hit AS (SELECT ek.event, sum(nk.n) AS w FROM event_keys ek "
            "JOIN tot ON tot.key = ek.key JOIN nk ON nk.key = ek.key WHERE tot.s + nk.n <= ? GROUP BY ek.event) "
            "SELECT hit.event, coalesce(a.n, 0) FROM hit LEFT JOIN event_keys a ON a.event = hit.event "
            f"AND a.key = '{ALL}' ORDER BY hit.w DESC, hit.event", [BLOCK_CAP]).fetchall()
        con.execute("DROP TABLE nk")
        total = 0
        for e, n in hits:  # at most OLD_MENTIONS (in all) merged again: the others stay as stored
            if total + n > OLD_MENTIONS and old:
                break
            old.append(e)
            total += n
        old.sort()
    wanted: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for (d,) in con.execute("SELECT data FROM events WHERE id IN (SELECT unnest($1))", [old]).fetchall():
        for m in json.loads(d)["mentions"]:
            wanted[m["article"]].add((m["start"], m["end"]))
    stored = [a for (a,) in con.execute("SELECT id FROM articles WHERE id IN (SELECT unnest($1)) ORDER BY seq",
                                        [sorted(set(wanted) - set(pending))]).fetchall()]
    old_raw = _raw_mentions(con, wanted, stored)
    entities = _arg_entities(con, old_raw + new)
    keyed = block_keys(old_raw, entities) + keyed_new
    background = _background(con, old, {e for _m, _k, ents in keyed for e in ents})
    events = merge_events(old_raw + new, entities, background=background)
    con.execute("DELETE FROM events WHERE id IN (SELECT unnest($1))", [old])
    con.execute("DELETE FROM event_articles WHERE event IN (SELECT unnest($1))", [old])
    con.execute("DELETE FROM event_keys WHERE event IN (SELECT unnest($1))", [old])
    pos = con.execute("SELECT coalesce(max(pos) + 1, 0) FROM events").fetchone()[0]
    bulk_insert(con, "events", ("id", "pos", "data"), [(e["id"], pos + i, dumps(e)) for i, e in enumerate(events)])
    bulk_insert(con, "event_articles", ("event", "article"),
                sorted({(e["id"], m["article"]) for e in events for m in e["mentions"]}))
    bulk_insert(con, "event_keys", ("key", "event", "n"), event_key_rows(events, keyed))
