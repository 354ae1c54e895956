"""The corpus-level stages over the store, run once per ``add`` for its pending articles.

* stories: the clusterer's state is restored (global part from ``meta``; of the stories, one
  row each in ``story_state``, only those the pending articles can meet: indexed in
  ``story_index`` under one of the terms they look up, see ``restore_stories``), the pending
  articles are counted in the document frequencies first and then added in arrival order (what ``stories_stage`` does for a fresh batch, so one ``add`` into an
  empty store gives the stories ``analyze`` gives), and only the stories they joined are
  rewritten. Titles of untouched stories are not recomputed with the new IDF.
* story dates: as the pipeline's stage, over the members of the stories touched by this add
  (``update_story_dates``): undated members of dated stories take the story's first date
  (basis ``inferred``) and their times are resolved again; ``story_dated`` remembers them, so a
  later add that brings an earlier date into their story moves theirs too.
* entities, quote speakers, events: resolved for the pending articles against a bounded context
  of stored ones (``rashomon.store.entities``): the cost of an ``add`` does not grow with the
  store.
* loaded wording and the comparison (``rashomon.framing``, ``rashomon.compare``): recomputed
  for the stories touched by this add and the stories of their reuse partners (story peers and
  reuse contrasts are the evidence); the other articles and stories keep theirs. Of a big
  story (over ``compare.MAX_COMPARED`` articles) only the compared articles and those whose
  marking can change are loaded: the new ones, their reuse partners, and the old ones that read
  a key of the story's pools no other member had (``_remark``); its timeline quotes the other
  members by their stored mention sentences (``mention_sentences``). The result is the one a
  reload of every member gives (tested); the other members are read as their stored keys,
  events and sentences, not as texts run through the stages again.
* storylines: kept story by story (vectors, a key-term index and links to the most similar
  earlier story, ``rashomon.store.storylines``): only the links that the touched stories can
  change are recomputed, and only the storylines holding them are rewritten. A touched story's
  vectors come from its kept sums over the members counted before (``story_counts``) and the
  new members' features and texts.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from ..model import Analysis, Article, Source, content_id
from ..stories import ArticleFeatures, StoryClusterer, arrival_order
from ..stories.clusterer import index_keys
from ..stories.stage import assign, story_title
from .rows import bulk_insert, dumps, member_groups

STORY_GLOBAL = ("weights", "n_docs", "df", "next_key", "arrivals", "latest_day")


def _features(con, ids: Sequence[str]) -> dict[str, ArticleFeatures]:
    rows = con.execute("SELECT article, data FROM story_features WHERE article IN (SELECT unnest($1))",
                       [list(ids)]).fetchall()
    return {aid: ArticleFeatures(**json.loads(d)) for aid, d in rows}


def load_clusterer(con) -> StoryClusterer | None:
    """The clusterer as the last add left it, without its stories (``restore_stories``): its
    document frequencies, counters and the latest day seen."""
    row = con.execute("SELECT value FROM meta WHERE key = 'clusterer'").fetchone()
    if row is None:
        return None
    return StoryClusterer.from_state({**json.loads(row[0]), "stories": []})


def restore_stories(con, clusterer: StoryClusterer, dated_keys: Iterable[str] = (),
                    undated_keys: Iterable[str] = ()) -> int:
    """Put back into ``clusterer`` the stored stories that articles with these index keys
    (``StoryClusterer.query_keys``) can meet; return how many. A dated article looks up the
    index of the stories still open (undated, or whose last day is within ``max_gap_days`` of
    the latest day seen; the others are retired for good, since the latest day only grows), an
    undated one the archive of retired stories too. ``story_index`` holds each story's index
    keys: a story indexed under none of an article's keys is never its candidate, so adding to
    this clusterer gives the stories that restoring every story would, and the cost of an add
    depends on what its articles can meet, not on how many stories are stored or open."""
    latest, gap = clusterer.latest_day, clusterer.weights["max_gap_days"]
    rows = con.execute(
        "SELECT data FROM story_state WHERE key IN (SELECT i.key FROM story_index i JOIN story_state s "
        "ON s.key = i.key WHERE i.term IN (SELECT unnest($1)) AND (s.last_day IS NULL OR $3 IS NULL OR "
        "s.last_day >= $3)) OR key IN (SELECT key FROM story_index WHERE term IN (SELECT unnest($2))) ORDER BY key",
        [sorted(set(dated_keys)), sorted(set(undated_keys)), latest - gap if latest is not None else None]).fetchall()
    clusterer.restore(json.loads(d) for (d,) in rows)
    return len(rows)


def fill_story_index(con) -> None:
    """``story_index`` for the stored stories (schema step 10)."""
    rows = [(index_key, k) for k, d in con.execute("SELECT key, data FROM story_state").fetchall()
            for index_key in index_keys(json.loads(d)["centroid"])]
    bulk_insert(con, "story_index", ("term", "key"), rows)


def _iso(day: int | None) -> str | None:
    return date.fromordinal(day).isoformat() if day is not None else None


def update_stories(con, pending: Sequence[str]) -> tuple[set[int], set[str], StoryClusterer]:
    """Put the pending articles into stories; write the touched stories; return their keys,
    the ids they had before (a story's id is a hash of its articles, so it changes) and the
    clusterer (its document frequencies weight the storylines)."""
    feats = _features(con, pending)
    missing = [a for a in pending if a not in feats]
    if missing:
        raise RuntimeError(f"story features missing for pending articles {missing[:5]}")
    ordered = arrival_order(feats[a] for a in pending)
    clusterer = load_clusterer(con) or StoryClusterer()  # no stories yet
    for f in ordered:
        clusterer.count(f)
    if clusterer.next_key:  # stories stored: restore those the pending articles can meet
        keys: dict[bool, set[str]] = {True: set(), False: set()}
        for f in ordered:  # (the document frequencies no longer change during this step)
            keys[f.day is None].update(clusterer.query_keys(f))
        restore_stories(con, clusterer, keys[False], keys[True])
    touched = set(assign(ordered, clusterer, count=False))
    state = clusterer.to_state(stories=touched)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('clusterer', ?)",
                [dumps({k: state[k] for k in STORY_GLOBAL})])
    by_key = {s["key"]: s for s in state["stories"]}
    keys = sorted(touched)
    old_ids = {sid for (sid,) in con.execute("SELECT id FROM stories WHERE key IN (SELECT unnest($1))",
                                             [keys]).fetchall()}
    con.execute("DELETE FROM story_state WHERE key IN (SELECT unnest($1))", [keys])
    con.execute("DELETE FROM stories WHERE key IN (SELECT unnest($1))", [keys])
    con.execute("DELETE FROM story_articles WHERE story IN (SELECT unnest($1))", [keys])
    con.execute("DELETE FROM story_index WHERE key IN (SELECT unnest($1))", [keys])
    bulk_insert(con, "story_state", ("key", "data", "last_day"),
                [(k, dumps(by_key[k]), by_key[k]["last"]) for k in keys])
    bulk_insert(con, "story_index", ("term", "key"), [(t, k) for k in keys for t in clusterer.stories[k].indexed])
    del state, by_key
    rows, links = [], []
    for group in member_groups(keys, lambda k: len(clusterer.stories[k].articles)):
        # the titles read every member's features: a group of stories at a time, so memory
        # follows FEATURES_BUDGET, not the members of every touched story (most of the store)
        known = {**_features(con, [a for k in group for a in clusterer.stories[k].articles if a not in feats]),
                 **feats}
        for k in group:
            st = clusterer.stories[k]
            members = [known[a] for a in st.articles]
            rows.append((k, content_id(*sorted(st.articles), prefix="story"), story_title(members, clusterer),
                         _iso(st.first), _iso(st.last), list(st.articles)))
            links.extend((k, a) for a in st.articles)
        del known
    bulk_insert(con, "stories", ("key", "id", "title", "start_date", "end_date", "articles"), rows)
    bulk_insert(con, "story_articles", ("story", "article"), links)
    clusterer.drop_stories()  # the later stages read only the document frequencies
    return touched, old_ids, clusterer


SECTIONS = ("summary", "timeline", "facts", "conflicts", "framing")


def story_dict(row) -> dict:
    _key, sid, title, start, end, articles, sections = row
    out = {"id": sid, "title": title, "articles": list(articles), "start": start, "end": end}
    stored = json.loads(sections) if sections else {}
    out.update({k: stored.get(k, []) for k in SECTIONS})
    if "compared" in stored:  # a big story compared on some of its articles (rashomon.compare)
        out["compared"] = stored["compared"]
    return out


def _sections(story: dict) -> dict:
    out = {k: story.get(k, []) for k in SECTIONS}
    if "compared" in story:
        out["compared"] = story["compared"]
    return out


STORY_SELECT = "SELECT key, id, title, start_date, end_date, articles, sections FROM stories"
# the same rows without their sections, for the stages that write every section anew
STORY_BARE = "SELECT key, id, title, start_date, end_date, articles, NULL FROM stories"


def update_story_dates(con, touched: set[int],
                       load_articles: Callable[[list[str]], list[Article]]) -> set[str]:
    """The pipeline's "story dates" stage over the stories touched by this add: an undated member
    of a story with dated members takes the story's first (non-inferred) date, basis
    ``inferred``, and its times are resolved again against it (replacing its stored times).
    Members dated this way by an earlier add (table ``story_dated``) are redone too, since a
    new member may bring an earlier date. Returns the ids whose date changed."""
    from ..pipeline import infer_story_dates

    if not touched:
        return set()
    stories = [story_dict(r) for r in con.execute(STORY_BARE + " WHERE key IN (SELECT unnest($1))",
                                                  [sorted(touched)]).fetchall()]
    ids = [a for st in stories for a in st["articles"]]
    before = {aid: (p, b) for aid, p, b in con.execute(
        "SELECT id, published, published_basis FROM articles WHERE id IN (SELECT unnest($1))", [ids]).fetchall()}
    dated_by_story = {a for (a,) in con.execute(
        "SELECT article FROM story_dated WHERE article IN (SELECT unnest($1))", [ids]).fetchall()}
    if not dated_by_story and all(p is not None for p, _b in before.values()):
        return set()
    # only the members that can take a story date are read in full (their times are resolved
    # again); the others count by their date alone (every member of the touched stories, read
    # whole, was 348 MB at 45,147 stored articles)
    undated = {aid for aid, (p, _b) in before.items() if p is None} | dated_by_story
    full = {a.id: a for a in load_articles(sorted(undated))}
    articles = [full.get(aid) or Article(id=aid, source=Source("", 0), text="", published=before[aid][0],
                                         published_basis=before[aid][1]) for aid in dict.fromkeys(ids)]
    for a in articles:
        if a.id in dated_by_story:  # as the pipeline sees it: undated before this stage
            a.published = None
    sub = Analysis(articles=articles, stories=stories)
    infer_story_dates(sub)
    new = {a.id: a.published for a in articles
           if a.published is not None and (a.published, a.published_basis) != before[a.id]}
    if not new:
        return set()
    changed = set(new)
    con.execute("CREATE OR REPLACE TEMP TABLE new_dates AS SELECT unnest($1) AS id, unnest($2) AS published",
                [list(new), list(new.values())])
    con.execute("UPDATE articles SET published = n.published, published_basis = 'inferred' "
                "FROM new_dates n WHERE articles.id = n.id")
    con.execute("DROP TABLE new_dates")
    con.execute("INSERT OR IGNORE INTO story_dated SELECT unnest($1)", [sorted(changed)])
    con.execute("DELETE FROM times WHERE article IN (SELECT unnest($1))", [sorted(changed)])
    pos: dict[str, int] = {}
    rows = []
    for t in sub.times:
        if t["article"] in changed:
            n = pos[t["article"]] = pos.get(t["article"], -1) + 1
            rows.append((t["article"], n, dumps(t)))
    bulk_insert(con, "times", ("article", "pos", "data"), rows)
    # their undated event mentions take a date from the times just resolved (the pipeline's
    # redate_event_mentions); a mention dated so by an earlier add keeps that date
    from ..pipeline import redate_event_mentions

    by_id = {a.id: a for a in articles if a.id in changed}
    mentions = []
    for aid, d in con.execute("SELECT article, data FROM event_mentions WHERE article IN (SELECT unnest($1))",
                              [sorted(changed)]).fetchall():
        ms = json.loads(d)
        redate_event_mentions(ms, sub.times, by_id)
        mentions.append((aid, dumps(ms)))
    con.execute("DELETE FROM event_mentions WHERE article IN (SELECT unnest($1))", [sorted(changed)])
    bulk_insert(con, "event_mentions", ("article", "data"), mentions)
    return changed


def update_entities_events(con, pending: Sequence[str]) -> None:
    """Entities, quote speakers and events for the pending articles (``rashomon.store.entities``)."""
    from .entities import backfill, update_entities, update_events, update_speakers

    backfill(con)
    entities = update_entities(con, pending)
    update_speakers(con, pending, entities)
    del entities  # not held through the event merge (~230 MB at 35,000 stored, 5,000 pending)
    update_events(con, pending)


def update_storylines(con, touched: set[int], old_ids: set[str], clusterer: StoryClusterer,
                      load_articles: Callable[[list[str]], list[Article]]) -> set[str]:
    """Bring the storylines up to date around the touched stories (``rashomon.store.storylines``);
    return the ids of the stories in the storylines deleted or written."""
    from .storylines import update_storylines as update

    return update(con, touched, old_ids, clusterer, lambda ids: _features(con, ids), load_articles)


def loaded_parse(con, ids: Sequence[str]) -> dict:
    """The loaded stage's parse facts of stored articles (``ctx["loaded_pos"]`` and
    ``ctx["loaded_ext"]``: article -> hit start -> tag / phrase), as the nlp stage gives them."""
    pos: dict[str, dict[int, str]] = {}
    ext: dict[str, dict[int, tuple[int, int]]] = {}
    for aid, p, e in con.execute("SELECT article, pos, ext FROM loaded_parse WHERE article IN (SELECT unnest($1))",
                                 [list(ids)]).fetchall():
        pos[aid] = {int(k): v for k, v in json.loads(p).items()}
        ext[aid] = {int(k): tuple(v) for k, v in json.loads(e).items()}
    return {"loaded_pos": pos, "loaded_ext": ext}


SECTIONS_BUDGET = 3000  # story members one batch of stories reads (texts, or events and mention sentences)
SETS_CHUNK = 500  # articles read at a time to compute their story_keys


class _Member:
    """What ``compare.compared_articles`` reads of a story's article: no text."""

    __slots__ = ("id", "outlet", "published")

    def __init__(self, aid: str, outlet: str | None, published: str | None):
        self.id, self.outlet, self.published = aid, outlet, published


def story_sets(con, ids: Sequence[str]) -> dict[str, tuple[set[str], set[str], set[str]]]:
    """``framing.story_keys`` of stored articles (table ``loaded_keys``; the missing rows are
    computed from the articles' texts, a chunk at a time, and kept; ``_check_lexicon`` empties
    the table when the lexicon changed)."""
    from ..framing import lexicon
    from ..framing.loaded import story_keys

    lex = lexicon()
    out: dict[str, tuple[set[str], set[str], set[str]]] = {}
    for aid, w, lem, r in con.execute("SELECT article, words, lemmas, reads FROM loaded_keys "
                                      "WHERE article IN (SELECT unnest($1))", [list(ids)]).fetchall():
        out[aid] = (set(json.loads(w)), set(json.loads(lem)), set(json.loads(r)))
    missing = [a for a in dict.fromkeys(ids) if a not in out]
    for k in range(0, len(missing), SETS_CHUNK):
        rows = []
        for aid, text in con.execute("SELECT id, text FROM articles WHERE id IN (SELECT unnest($1))",
                                     [missing[k:k + SETS_CHUNK]]).fetchall():
            out[aid] = story_keys(text, lex)
            rows.append((aid, *(dumps(sorted(x)) for x in out[aid])))
        bulk_insert(con, "loaded_keys", ("article", "words", "lemmas", "reads"), rows)
    return out


def _check_lexicon(con) -> None:
    """Empty ``loaded_keys`` when it was computed with another lexicon than this one."""
    from ..framing import lexicon

    fp = lexicon().fingerprint
    row = con.execute("SELECT value FROM meta WHERE key = 'loaded_keys_lexicon'").fetchone()
    if row is None or row[0] != fp:
        con.execute("DELETE FROM loaded_keys")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('loaded_keys_lexicon', ?)", [fp])


def _remark(members: list[str], new: set[str], sets: dict, copies: Counter) -> set[str]:
    """The old members (not in ``new``) whose loaded wording can change when ``new`` join their
    story. An article's marking reads the story's pools only as "does another member have this
    key" (``loaded._Others``): for a key of its ``reads``, a count over the other members, less
    its copies' (a copy shares its source's wording). Adding members changes such a test only
    for a key no other old member had: the pools of a big story already hold its common
    wording, so few old members qualify. ``copies``: how many reuse partners each member has in
    the story (an upper bound of the copies holding a key); the new articles' partners are
    taken by the caller."""
    old = [a for a in members if a not in new]
    words = Counter(w for a in old for w in sets[a][0])
    lemmas = Counter(x for a in old for x in sets[a][1])
    brought_w = set().union(*(sets[a][0] for a in new)) if new else set()
    brought_l = set().union(*(sets[a][1] for a in new)) if new else set()
    if not brought_w and not brought_l:
        return set()
    with_w = sum(1 for a in old if sets[a][0])
    with_l = sum(1 for a in old if sets[a][1])
    out = set()
    for a in old:
        w, lem, reads = sets[a]
        own = copies.get(a, 0)
        if (brought_w and with_w - bool(w) <= 0) or (brought_l and with_l - bool(lem) - own <= 0):
            out.add(a)  # the story had no other member with such words: the pools' truth changes
        elif any(words[r] - (r in w) <= 0 for r in reads & brought_w) or any(
                lemmas[r] - (r in lem) - own <= 0 for r in reads & brought_l):
            out.add(a)
    return out


def _big_story_needs(con, story: dict, pending: set[str],
                     partners: set[str]) -> tuple[list[str], dict, set[str]]:
    """For a story over ``MAX_COMPARED`` articles: sets its ``compared`` (chosen over all its
    articles from their outlets, dates and reuse, as ``compare.plan_compare`` chooses) and returns
    the articles its sections need in full, the ``(words, lemmas)`` of every member whose
    loaded wording stands (for the loaded stage's pools), and the members to mark again. Needed:
    the compared ones and those marked again: the new ones, the reuse partners of new ones (their
    evidence changed) and the old ones whose loaded wording can change (``_remark``). The
    timeline quotes the other members through their stored mention sentences
    (``mention_sentences``)."""
    from ..compare import compared_articles

    members = list(dict.fromkeys(story["articles"]))
    meta = {a: (o, p) for a, o, p in con.execute(
        "SELECT id, outlet, published FROM articles WHERE id IN (SELECT unnest($1))", [members]).fetchall()}
    reuse = [{"a": a, "b": b, "kind": kind} for a, b, kind in con.execute(
        "SELECT a, b, kind FROM reuse "
        "WHERE a IN (SELECT unnest($1)) AND b IN (SELECT unnest($1))", [members]).fetchall()]
    story["compared"] = [m.id for m in compared_articles([_Member(a, *meta[a]) for a in members], reuse)]
    sets = story_sets(con, members)
    new = {a for a in members if a in pending}
    copies = Counter(x for r in {(min(r["a"], r["b"]), max(r["a"], r["b"])) for r in reuse} for x in r)
    mark = new | {a for a in members if a in partners} | _remark(members, new, sets, copies)
    need = mark | set(story["compared"])
    return [a for a in members if a in need], {a: sets[a][:2] for a in members if a not in mark}, mark


def mention_sentences(con, wanted: dict[str, set[int]], load_articles) -> dict[str, dict[int, object]]:
    """The timeline's sentence (``compare.timeline.mention_sentence``) of each wanted event
    mention (article -> mention starts), as ``Claim``s: from table ``mention_sentences``; the
    missing ones computed from their articles (read ``SETS_CHUNK`` at a time) and kept."""
    from ..compare.sentences import Claim, claims_of
    from ..compare.timeline import mention_sentence

    ids = sorted(wanted)
    out: dict[str, dict[int, Claim]] = {}
    for a, pos, s, e, text in con.execute("SELECT article, pos, start, stop, text FROM mention_sentences "
                                          "WHERE article IN (SELECT unnest($1))", [ids]).fetchall():
        out.setdefault(a, {})[pos] = Claim(a, s, e, text, -1)
    missing = [a for a in ids if not wanted[a] <= out.get(a, {}).keys()]
    for k in range(0, len(missing), SETS_CHUNK):
        rows = []
        for art in load_articles(missing[k:k + SETS_CHUNK]):
            claims, have = claims_of(art), out.setdefault(art.id, {})
            for pos in sorted(wanted[art.id] - have.keys()):
                have[pos] = c = mention_sentence(claims, art.text, pos, art.id)
                rows.append((art.id, pos, c.start, c.end, c.text))
        bulk_insert(con, "mention_sentences", ("article", "pos", "start", "stop", "text"), rows)
    return out


def update_story_sections(con, touched: set[int], pending: Sequence[str],
                          load_articles: Callable[[list[str]], list[Article]],
                          seconds: dict[str, float] | None = None) -> set[int]:
    """Loaded wording and the comparison (``rashomon.framing``, ``rashomon.compare``) for the
    stories whose evidence changed: every story touched by this add or holding a reuse partner
    of a pending article (story peers and reuse contrasts are what the loaded stage reads). The
    stories are taken in batches of about ``SECTIONS_BUDGET`` articles, so memory follows the
    batch, not the corpus. A story of at most ``MAX_COMPARED`` articles is loaded whole; a bigger
    one only in the articles its sections can change or read (``_big_story_needs``). The loaded
    articles' ``loaded`` and the stories' sections are rewritten; the other articles and stories
    keep theirs, which are what a batch run gives them too. Sentence embeddings come through the
    store's cache (``rashomon.store.vectors``); the seconds the model took are added to
    ``seconds["embed"]``. Returns the keys of those stories."""
    from ..compare import MAX_COMPARED
    from ..compare import embed as embedding
    from ..stories.clusterer import load_weights
    from .vectors import VectorCache, evict, store_day

    partners = {x for row in con.execute(
        "SELECT a, b FROM reuse WHERE a IN (SELECT unnest($1)) OR b IN (SELECT unnest($1))",
        [list(pending)]).fetchall() for x in row}
    keys = set(touched) | {k for (k,) in con.execute(
        "SELECT story FROM story_articles WHERE article IN (SELECT unnest($1))", [sorted(partners)]).fetchall()}
    # the stories without their stored sections: the stages below write every section anew (a
    # big story's "compared" too), and the sections of every touched story held at once were
    # ~350 MB at 35,000 stored articles
    rows = con.execute(STORY_BARE + " WHERE key IN (SELECT unnest($1)) ORDER BY key", [sorted(keys)]).fetchall()
    # demonyms store-wide, as a batch run sees every entity: the framing table reads them
    norp = [{"id": i, "type": "NORP", "name": n, "mentions": []} for i, n in con.execute(
        "SELECT id, json_extract_string(data, '$.name') FROM entities "
        "WHERE json_extract_string(data, '$.type') = 'NORP'").fetchall()]
    day = store_day(con)
    cache = VectorCache(con, embedding.embed, day)
    _check_lexicon(con)  # once per add, before any story reads loaded_keys
    pend, batch, size = set(pending), [], 0
    for row in rows:
        story = story_dict(row)
        if len(story["articles"]) > MAX_COMPARED:
            need, sets, mark = _big_story_needs(con, story, pend, partners)
        else:
            story.pop("compared", None)
            need, sets = list(story["articles"]), {}
            mark = set(need)
        # a member not loaded counts as one too: the batch reads its events (all their mentions)
        weight = len(story["articles"])
        if batch and size + weight > SECTIONS_BUDGET:
            _sections_batch(con, batch, load_articles, cache, norp)
            batch, size = [], 0
        batch.append((row[0], story, need, sets, mark))
        size += weight
    if batch:
        _sections_batch(con, batch, load_articles, cache, norp)
    evict(con, day, load_weights()["max_gap_days"])
    if seconds is not None:
        seconds["embed"] = seconds.get("embed", 0.0) + cache.model_seconds
    return {r[0] for r in rows}


def _streamed(cursor, rows: int = 500):
    """The JSON of each row of ``cursor``, parsed one at a time (``rows`` fetched at once)."""
    while True:
        chunk = cursor.fetchmany(rows)
        if not chunk:
            return
        for (d,) in chunk:
            yield json.loads(d)


def _sections_batch(con, batch: list[tuple[int, dict, list[str], dict, set[str]]], load_articles, cache,
                    norp: list[dict]) -> None:
    """Loaded wording and sections of one batch of stories: ``(key, story, articles needed in
    full, (words, lemmas) of the story's articles whose loaded wording stands, articles to mark
    again)`` each."""
    from ..compare import compare_stage
    from ..framing import loaded_stage
    from ..framing.loaded import contrast_of
    from .entities import _entities_of

    stories = [st for _k, st, *_ in batch]
    core = sorted({a for _k, _st, need, *_ in batch for a in need})
    mark = {a for *_, m in batch for a in m}
    # a big story's members not loaded: its timeline reads their events and mention sentences
    rest = sorted({a for st in stories for a in st["articles"]} - set(core))
    # entities, quotes and times are read by the comparison and the framing table, which read
    # the compared articles (all of a story within MAX_COMPARED)
    read = sorted({a for st in stories for a in st.get("compared", st["articles"])})
    sub = Analysis(articles=load_articles(core), stories=stories)
    # the pairs as who copies whom: all the comparison and the loaded stage's pools read of them;
    # the substitutions of those with a side marked again (the loaded stage's contrast) are read
    # one pair at a time, not held (in one batch at 35,000 stored articles the pairs' JSON took
    # ~850 MB)
    pairs = "FROM reuse WHERE a IN (SELECT unnest($1)) OR b IN (SELECT unnest($1)) ORDER BY lo, hi"
    sub.reuse = [{"a": a, "b": b, "kind": kind} for a, b, kind in con.execute(
        "SELECT a, b, kind " + pairs, [core]).fetchall()]
    marked_here = {a.id for a in sub.articles if a.id in mark}
    contrast = contrast_of(_streamed(con.execute("SELECT data " + pairs, [sorted(marked_here)])), only=marked_here)
    sub.quotes = []
    for d, speaker in con.execute("SELECT q.data, q.speaker FROM quotes q JOIN articles a ON a.id = q.article "
                                  "WHERE q.article IN (SELECT unnest($1)) ORDER BY a.seq, q.pos", [read]).fetchall():
        sub.quotes.append({**json.loads(d), "speaker": speaker})
    sub.times = [json.loads(d) for (d,) in con.execute(
        "SELECT t.data FROM times t JOIN articles a ON a.id = t.article WHERE t.article IN (SELECT unnest($1)) "
        "ORDER BY a.seq, t.pos", [read]).fetchall()]
    sub.entities = _entities_of(con, read) + norp
    sub.events = [json.loads(d) for (d,) in con.execute(
        "SELECT data FROM events WHERE id IN (SELECT event FROM event_articles WHERE article IN (SELECT unnest($1))) "
        "ORDER BY pos", [core + rest]).fetchall()]
    out_of = set(rest)
    wanted: dict[str, set[int]] = {}
    for ev in sub.events:
        if ev.get("date"):
            for m in ev.get("mentions", ()):
                if m["article"] in out_of:
                    wanted.setdefault(m["article"], set()).add(m["start"])
    loaded_stage(sub, {**loaded_parse(con, sorted(mark)), "contrast": contrast,
                       "loaded_sets": {a: s for _k, _st, _n, sets, _m in batch for a, s in sets.items()},
                       "loaded_keep": {a for a in core if a not in mark}})
    compare_stage(sub, {"embed": cache, "some_members": True,
                        "mention_sentences": mention_sentences(con, wanted, load_articles)})
    marked = [a for a in sub.articles if a.id in mark]
    con.execute("CREATE OR REPLACE TEMP TABLE new_loaded AS SELECT unnest($1) AS id, unnest($2) AS loaded",
                [[a.id for a in marked], [dumps([x.to_json() for x in a.loaded]) for a in marked]])
    con.execute("UPDATE articles SET loaded = n.loaded FROM new_loaded n WHERE articles.id = n.id")
    con.execute("DROP TABLE new_loaded")
    con.execute("CREATE OR REPLACE TEMP TABLE new_sections AS SELECT unnest($1) AS key, unnest($2) AS sections",
                [[k for k, *_ in batch], [dumps(_sections(st)) for st in stories]])
    con.execute("UPDATE stories SET sections = n.sections FROM new_sections n WHERE stories.key = n.key")
    con.execute("DROP TABLE new_sections")
