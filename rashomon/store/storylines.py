"""Storylines in the store, kept up to date story by story instead of recomputed.

The batch stage (``rashomon.stories.storylines``) links each dated story to the earlier story
it resembles most; the links form trees, and each tree of two or more stories is a storyline.
The store keeps what that needs per story, so an ``add`` touches only what changed:

* ``story_vec``: the story's unit TF-IDF vectors of words and names (IDF from the clusterer's
  document frequencies, the same counts the batch stage uses when the store was filled by one
  add), its day range and its relation-word rates;
* ``story_terms``: its key terms (``key_terms``), an inverted index to find candidates;
* ``story_link``: its parent (the most similar earlier story), the similarity and the relation.

An ``add`` recomputes the vectors of the stories it touched, then the parent of each touched
story, of each story that had a touched story as parent, and of each later story sharing a key
term with a touched one (a new story may now be its best match); then it rebuilds only the
storylines whose trees hold one of these. Vectors of untouched stories keep the IDF of the add
that wrote them (IDF drifts slowly; ``rashomon.store`` documents the difference from
``analyze``).
"""
from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from ..model import Article, content_id
from ..stories import ArticleFeatures, StoryClusterer
from ..stories.features import _day
from ..stories.storylines import (MAX_GAP_DAYS, MIN_SIMILARITY, _unit, best_matches, key_terms, rates_of,
                                  relation, relation_counts)
from .rows import bulk_insert, dumps, member_groups

SCHEMA = [
    """CREATE TABLE story_vec (key INTEGER PRIMARY KEY, start_day INTEGER, end_day INTEGER,
        vw VARCHAR NOT NULL, vn VARCHAR NOT NULL, rates VARCHAR NOT NULL)""",
    "CREATE TABLE story_terms (term VARCHAR NOT NULL, key INTEGER NOT NULL)",
    "CREATE INDEX story_terms_term ON story_terms (term)",
    """CREATE TABLE story_link (key INTEGER PRIMARY KEY, parent INTEGER NOT NULL,
        similarity DOUBLE NOT NULL, relation VARCHAR NOT NULL)""",
]


COUNTS_TABLE = ("CREATE TABLE story_counts (key INTEGER PRIMARY KEY, n INTEGER NOT NULL, prefix VARCHAR NOT NULL, "
                "words VARCHAR NOT NULL, names VARCHAR NOT NULL, rel VARCHAR NOT NULL, total BIGINT NOT NULL)")


def _vectors(words: Counter, names: Counter, clusterer: StoryClusterer) -> tuple[dict, dict]:
    """A story's unit TF-IDF vectors from its members' summed word and name weights."""
    n = clusterer.n_docs
    idf = lambda fam, t: 1.0 + math.log((n + 1) / (clusterer.df[fam].get(t, 0) + 0.5))  # noqa: E731
    vw = _unit({t: (1 + math.log(c)) * idf("words", t) for t, c in words.items() if c > 0})
    vn = _unit({"@" + t: (1 + math.log(c)) * idf("names", t) for t, c in names.items() if c > 0})
    return vw, vn


def _prefix(members: Sequence[str]) -> str:
    """A digest of the members a story's sums cover, in order (any change before the end shows)."""
    return hashlib.blake2b("\n".join(members).encode(), digest_size=16).hexdigest()


def write_vectors(con, keys: Sequence[int], clusterer: StoryClusterer,
                  features: Callable[[list[str]], dict[str, ArticleFeatures]],
                  load_articles: Callable[[list[str]], list[Article]]) -> None:
    """(Re)write ``story_vec`` and ``story_terms`` of these stories.

    A story's vectors and relation rates come from sums over its members (word and name
    weights, relation words, tokens), kept in ``story_counts`` with the number of members they
    cover: members join a story at its end, so an add reads the features and texts of the
    members after that prefix only (all of them for a story without sums, or whose prefix no
    longer matches its digest). The sums are taken in member order, so they are the ones a full pass gives;
    the vectors take the IDF of this add."""
    if not keys:
        return
    rows = con.execute("SELECT key, start_date, end_date, articles FROM stories WHERE key IN (SELECT unnest($1))",
                       [list(keys)]).fetchall()
    by_key = {r[0]: r for r in rows}
    counted = {r[0]: r[1:] for r in con.execute(
        "SELECT key, n, prefix, words, names, rel, total FROM story_counts WHERE key IN (SELECT unnest($1))",
        [list(keys)]).fetchall()}
    todo: dict[int, list[str]] = {}
    for key, _s, _e, members in rows:
        c = counted.get(key)
        if c is not None and 0 < c[0] <= len(members) and _prefix(members[:c[0]]) == c[1]:
            todo[key] = list(members[c[0]:])
        else:
            todo[key] = list(members)
            counted.pop(key, None)
    vec_rows, term_rows, count_rows = [], [], []
    # the members still to count, their features and texts: a group of stories at a time
    for group in member_groups([r[0] for r in rows], lambda k: len(todo[k])):
        ids = [a for k in group for a in todo[k]]
        feats = features(ids)
        texts = {a.id: (a.text, a.title) for a in load_articles(ids)}
        for key in group:
            _key, start, end, members = by_key[key]
            c = counted.get(key)
            words = Counter(json.loads(c[2])) if c else Counter()
            names = Counter(json.loads(c[3])) if c else Counter()
            for a in todo[key]:
                words.update(feats[a].words)
                names.update(feats[a].family("names"))
            rel, total = relation_counts([(texts[a][0], texts[a][1], feats[a].lead) for a in todo[key]],
                                         Counter(json.loads(c[4])) if c else None, c[5] if c else 0)
            vw, vn = _vectors(words, names, clusterer)
            vec_rows.append((key, _day(start), _day(end), dumps(vw), dumps(vn), dumps(rates_of(rel, total))))
            term_rows.extend((t, key) for t in set(key_terms(vw, vn)))
            count_rows.append((key, len(members), _prefix(members), dumps(words), dumps(names), dumps(rel), total))
        del feats, texts
    con.execute("DELETE FROM story_vec WHERE key IN (SELECT unnest($1))", [list(keys)])
    con.execute("DELETE FROM story_terms WHERE key IN (SELECT unnest($1))", [list(keys)])
    con.execute("DELETE FROM story_counts WHERE key IN (SELECT unnest($1))", [list(keys)])
    bulk_insert(con, "story_vec", ("key", "start_day", "end_day", "vw", "vn", "rates"), vec_rows)
    bulk_insert(con, "story_terms", ("term", "key"), term_rows)
    bulk_insert(con, "story_counts", ("key", "n", "prefix", "words", "names", "rel", "total"), count_rows)


def _vec(con, keys) -> dict[int, tuple]:
    """``key -> (start_day, end_day, vw, vn, rates, key_terms)`` of these stories."""
    con.execute("CREATE OR REPLACE TEMP TABLE vk AS SELECT unnest($1) AS key", [sorted(keys)])
    terms = dict(con.execute("SELECT t.key, list(t.term) FROM story_terms t JOIN vk USING (key) "
                             "GROUP BY t.key").fetchall())
    out = {}
    for key, s, e, vw, vn, rates in con.execute(
            "SELECT v.key, start_day, end_day, vw, vn, rates FROM story_vec v JOIN vk USING (key)").fetchall():
        out[key] = (s, e, json.loads(vw), json.loads(vn), json.loads(rates), terms.get(key, []))
    con.execute("DROP TABLE vk")
    return out


def _order(vec: dict[int, tuple]) -> list[int]:
    """Dated stories in the batch stage's order (by start; the later of equal matches wins)."""
    return sorted((k for k, v in vec.items() if v[0] is not None and v[1] is not None), key=lambda k: (vec[k][0], k))


def _links(vec: dict[int, tuple], queries: list[int], cands: list[int], allowed) -> list[tuple]:
    """``(query, candidate index or None, similarity)`` for the queries, the best of ``cands``."""
    qs = [vec[k] for k in queries]
    cs = [vec[k] for k in cands]
    found = best_matches([(v[2], v[3]) for v in qs], [(v[2], v[3]) for v in cs], [v[5] for v in qs],
                         [v[5] for v in cs], allowed, MIN_SIMILARITY)
    return [(q, b, sim) for q, (b, sim) in zip(queries, found)]


def _date_mask(vec, queries: list[int], cands: list[int], gap: int):
    """``allowed`` for ``best_matches``: a candidate ended before the query began, within the
    gap (any dated candidate for an undated query)."""
    qs = np.array([np.nan if vec[k][0] is None else vec[k][0] for k in queries], dtype=np.float64)
    ce = np.array([vec[k][1] for k in cands], dtype=np.float64)

    def allowed(rows: range) -> np.ndarray:
        s = qs[rows.start:rows.stop, None]
        return np.isnan(s) | ((ce[None, :] < s) & (s - ce[None, :] <= gap))
    return allowed


def _relink(con, full: set[int], redo: set[int], gap: int) -> set[int]:
    """Find the parent of each story of ``full`` among the stories sharing a key term with it;
    and for every later story sharing a key term with a story of ``redo`` (whose vector
    changed), whether that one is now a better parent than its own. Returns the stories whose
    link was (re)written, with the parents they had before."""
    con.execute("CREATE OR REPLACE TEMP TABLE q AS SELECT unnest($1) AS key", [sorted(full)])
    # only stories that can be a parent of a query (dated, ended before it began, within the
    # gap) or a later story a changed one can become the parent of (begun after it ended)
    lo_start, hi_start, undated_q = con.execute(
        "SELECT min(start_day), max(start_day), bool_or(start_day IS NULL) FROM story_vec JOIN q USING (key)").fetchone()
    first_end = con.execute("SELECT min(end_day) FROM story_vec WHERE key IN (SELECT unnest($1))",
                            [sorted(redo)]).fetchone()[0]
    if undated_q or lo_start is None:
        parent_ok, args = "v.end_day IS NOT NULL", []
    else:
        parent_ok, args = "(v.end_day < ? AND v.end_day >= ?)", [hi_start, lo_start - gap]
    later_ok = "FALSE" if first_end is None else "(v.start_day IS NULL OR v.start_day > ?)"
    near = {k for (k,) in con.execute(
        "SELECT DISTINCT t.key FROM story_terms t JOIN story_vec v USING (key) WHERE t.term IN "
        "(SELECT t.term FROM story_terms t JOIN q USING (key)) AND (" + parent_ok + " OR " + later_ok + ")",
        args + ([] if first_end is None else [first_end])).fetchall()}
    con.execute("DROP TABLE q")
    vec = _vec(con, near | full)
    cands = _order(vec)
    queries = sorted(k for k in full if k in vec)
    links = []
    for q, b, sim in _links(vec, queries, cands, _date_mask(vec, queries, cands, gap)):
        if b is not None:
            links.append((q, cands[b], sim))
    # later stories: their best parent among the unchanged stories is their current one, so
    # only the changed stories can take its place
    later = sorted(k for k in near - full if k in vec and (
        vec[k][0] is None or (first_end is not None and vec[k][0] > first_end)))
    current = {k: p for k, p in con.execute(
        "SELECT key, parent FROM story_link WHERE key IN (SELECT unnest($1))", [later]).fetchall()}
    changed = [k for k in cands if k in redo]
    rank = {k: n for n, k in enumerate(cands)}
    if later and changed:
        parents = sorted({p for p in current.values() if p in vec}, key=rank.__getitem__)
        pool = sorted(set(changed) | set(parents), key=rank.__getitem__)
        pos = {k: n for n, k in enumerate(pool)}
        mine = np.zeros((len(later), len(pool)), dtype=bool)
        for r, k in enumerate(later):
            for c in changed:
                mine[r, pos[c]] = True
            if current.get(k) in pos:
                mine[r, pos[current[k]]] = True
        dates = _date_mask(vec, later, pool, gap)
        for q, b, sim in _links(vec, later, pool, lambda rows: mine[rows.start:rows.stop] & dates(rows)):
            new = pool[b] if b is not None else None
            if new != current.get(q):
                links.append((q, new, sim))
    written = {q for q, _p, _s in links} | set(queries)
    rows = [(q, p, round(sim, 3), relation(vec[p][4], vec[q][4])) for q, p, sim in links if p is not None]
    before = {p for (p,) in con.execute("SELECT parent FROM story_link WHERE key IN (SELECT unnest($1))",
                                        [sorted(written)]).fetchall()}
    con.execute("DELETE FROM story_link WHERE key IN (SELECT unnest($1))", [sorted(written)])
    bulk_insert(con, "story_link", ("key", "parent", "similarity", "relation"), rows)
    return written | before


def update_storylines(con, touched: set[int], old_ids: set[str], clusterer: StoryClusterer,
                      features: Callable[[list[str]], dict[str, ArticleFeatures]],
                      load_articles: Callable[[list[str]], list[Article]],
                      gap: int = MAX_GAP_DAYS) -> set[str]:
    """Bring vectors, links and storylines up to date after the stories ``touched`` changed;
    return the ids of the stories in the storylines deleted or written."""
    orphans = {k for (k,) in con.execute(
        "SELECT key FROM story_link WHERE parent NOT IN (SELECT key FROM stories)").fetchall()}
    con.execute("DELETE FROM story_vec WHERE key NOT IN (SELECT key FROM stories)")
    con.execute("DELETE FROM story_terms WHERE key NOT IN (SELECT key FROM stories)")
    con.execute("DELETE FROM story_counts WHERE key NOT IN (SELECT key FROM stories)")
    con.execute("DELETE FROM story_link WHERE key NOT IN (SELECT key FROM stories) "
                "OR parent NOT IN (SELECT key FROM stories)")
    missing = {k for (k,) in con.execute(
        "SELECT key FROM stories WHERE key NOT IN (SELECT key FROM story_vec)").fetchall()}
    redo = set(touched) | missing
    if not redo:
        return set()
    write_vectors(con, sorted(redo), clusterer, features, load_articles)
    # stories whose best parent may have changed: the redone ones and their children (relinked
    # in full), stories that lost their parent, and later stories sharing a key term with a
    # redone one (a redone story may now beat their parent)
    children = {k for (k,) in con.execute(
        "SELECT key FROM story_link WHERE parent IN (SELECT unnest($1))", [sorted(redo)]).fetchall()}
    full = redo | children | orphans
    return _rebuild_lines(con, _relink(con, full, redo, gap), old_ids)


def _rebuild_lines(con, seeds: set[int], old_ids: set[str]) -> set[str]:
    """Rewrite the storylines whose trees hold a story of ``seeds`` (or held a story id that
    changed); return the ids of the stories in the storylines deleted or written."""
    parent = dict(con.execute("SELECT key, parent FROM story_link").fetchall())
    children: dict[int, list[int]] = {}
    for k, p in parent.items():
        children.setdefault(p, []).append(k)

    def root(k: int) -> int:
        seen = set()
        while k in parent and k not in seen:
            seen.add(k)
            k = parent[k]
        return k

    roots = {root(k) for k in seeds}
    trees: dict[int, list[int]] = {}
    for r in roots:
        stack, members = [r], []
        while stack:
            k = stack.pop()
            members.append(k)
            stack.extend(children.get(k, ()))
        trees[r] = members
    keys = sorted({k for m in trees.values() for k in m})
    info = {k: (sid, title, s, e) for k, sid, title, s, e in con.execute(
        "SELECT key, id, title, start_date, end_date FROM stories WHERE key IN (SELECT unnest($1))",
        [keys]).fetchall()}
    links = {k: (p, sim, rel) for k, p, sim, rel in con.execute(
        "SELECT key, parent, similarity, relation FROM story_link WHERE key IN (SELECT unnest($1))",
        [keys]).fetchall()}
    member_ids = {info[k][0] for k in keys if k in info}
    stale, affected = [], set()
    for sid, stories in con.execute("SELECT id, stories FROM storylines").fetchall():
        if member_ids.intersection(stories) or old_ids.intersection(stories):
            stale.append(sid)
            affected.update(stories)
    rows = []
    for members in trees.values():
        members = [k for k in members if k in info]
        if len(members) < 2:
            continue
        dated = sorted((k for k in members if info[k][2] is not None), key=lambda k: (info[k][2], info[k][0]))
        undated = sorted((k for k in members if info[k][2] is None), key=lambda k: info[k][0])
        order: dict[int, list[int]] = {}
        for k in undated:  # grouped by parent in order of first appearance, as the batch stage
            order.setdefault(links[k][0], []).append(k)
        ordered = dated + [k for ks in order.values() for k in ks]
        ids = [info[k][0] for k in ordered]
        line = {
            "id": content_id(*sorted(ids), prefix="storyline"),
            "title": info[ordered[0]][1],
            "stories": ids,
            "links": [{"from": info[links[k][0]][0], "to": info[k][0], "relation": links[k][2],
                       "similarity": links[k][1]} for k in ordered if k in links],
            "start": info[dated[0]][2] if dated else None,
            "end": max(info[k][3] for k in dated) if dated else None,
        }
        rows.append((line["id"], dumps(line), ids))
    con.execute("DELETE FROM storylines WHERE id IN (SELECT unnest($1))", [stale])
    bulk_insert(con, "storylines", ("id", "data", "stories"), rows)
    return affected | {sid for row in rows for sid in row[2]}

