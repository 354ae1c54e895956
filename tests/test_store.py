"""The embedded store: one add equals analyze, re-adding is a no-op, later adds join what is
stored, migrations, an interrupted corpus step completed by the next add. Our own example corpus."""
import json
import shutil
from pathlib import Path

import pytest

import rashomon
from rashomon.output import validate
from rashomon.reuse import find_reuse
from rashomon.store import StoreError, open_store
from rashomon.store import corpus as store_corpus
from rashomon.store.schema import LATEST



@pytest.fixture(scope="module")
def batch(corpus):
    return rashomon.analyze(corpus).to_json()


@pytest.fixture(scope="module")
def full_store(corpus, tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "full.duckdb"
    with open_store(path) as s:
        res = s.add(corpus)
        doc = s.analysis().to_json()
    return path, res, doc


def test_store_one_add_equals_analyze(full_store, batch):
    _path, res, doc = full_store
    validate(doc)
    assert len(res.new) == len(batch["articles"]) and res.present == 0
    assert len(res.rejected) == len(batch["rejected"])
    for key in batch:
        assert doc[key] == batch[key], key


def test_member_groups_cut_stories_by_their_members():
    from rashomon.store.rows import member_groups

    sizes = {1: 1000, 2: 1000, 3: 1000, 4: 1, 5: 5000, 6: 10}
    assert member_groups(list(sizes), sizes.__getitem__, budget=3000) == [[1, 2, 3], [4], [5], [6]]
    assert member_groups(list(sizes), sizes.__getitem__, budget=3000, most=2) == [[1, 2], [3, 4], [5], [6]]
    assert member_groups([], sizes.__getitem__) == []


def test_remark_only_where_a_pool_answer_can_change():
    """An old member is marked again when a key it reads had no other (non-copy) member and a
    newcomer brings it; not when another member had it already."""
    from collections import Counter

    from rashomon.store.corpus import _remark

    sets = {"a": ({"calm"}, {"slam"}, {"slam", "calm"}), "b": (set(), {"slam"}, {"slam"}),
            "c": ({"calm"}, {"rage"}, {"rage"}), "n": ({"calm"}, {"slam", "rage"}, {"slam", "rage"})}
    members = ["a", "b", "c", "n"]
    assert _remark(members, {"n"}, sets, Counter()) == {"c"}  # a and b had each other's "slam"
    assert _remark(members, {"n"}, sets, Counter({"a": 1, "b": 1})) == {"a", "b", "c"}  # copies
    assert _remark(members, set(), sets, Counter()) == set()
    alone = {"a": sets["a"], "n": sets["n"]}
    assert _remark(["a", "n"], {"n"}, alone, Counter()) == {"a"}  # no other member before


def test_store_reads_members_a_group_of_stories_at_a_time(full_store, batch, corpus, tmp_path, monkeypatch):
    """The stories' titles and the storylines' vectors read every member's features (and text):
    with a budget of one article a group, each story is read on its own, and nothing changes."""
    from rashomon.store import rows

    calls = []
    real = rows.member_groups
    monkeypatch.setattr(rows, "FEATURES_BUDGET", 1)
    monkeypatch.setattr(store_corpus, "member_groups", lambda *a, **k: calls.append(real(*a, **k)) or calls[-1])
    with open_store(tmp_path / "groups.duckdb") as s:
        s.add(corpus)
        doc = s.analysis().to_json()
        vec = sorted(s.con.execute("SELECT * FROM story_vec").fetchall())
    assert calls and len(calls[0]) == len(batch["stories"])  # one group per story
    for key in ("stories", "storylines"):
        assert doc[key] == batch[key], key
    with open_store(full_store[0]) as s:
        assert vec == sorted(s.con.execute("SELECT * FROM story_vec").fetchall())


def test_store_storyline_vectors_count_only_new_members(corpus, tmp_path, monkeypatch):
    """A later add reads the features of a grown story's new members only (its sums over the
    old ones are kept in ``story_counts``), and the story vectors equal those of an add that
    sums every member again."""
    from rashomon.store import storylines as store_storylines

    real = store_storylines.write_vectors
    read: dict[str, list[str]] = {}

    def spy(con, keys, clusterer, features, load_articles):
        def feats(ids):
            read.setdefault(name, []).extend(ids)
            return features(ids)
        return real(con, keys, clusterer, feats, load_articles)

    monkeypatch.setattr(store_storylines, "write_vectors", spy)
    first = sorted(corpus.glob("0[1-4]*"))
    vecs = {}
    for name in ("counted", "again", "changed"):
        with open_store(tmp_path / f"{name}.duckdb") as s:
            old = set(s.add(first).new)
            if name == "again":
                s.con.execute("DELETE FROM story_counts")
            elif name == "changed":  # as if a member before the counted end had changed
                s.con.execute("UPDATE story_counts SET prefix = 'other'")
            read.pop(name, None)
            s.add(corpus)
            vecs[name] = sorted(s.con.execute("SELECT * FROM story_vec").fetchall())
            grown = [k for k, arts in s.con.execute("SELECT key, articles FROM stories").fetchall()
                     if old & set(arts) and set(arts) - old]
    assert grown, "no story took articles in both adds: the test does not reach the sums"
    assert old & set(read["again"]) and not old & set(read["counted"])
    assert old & set(read["changed"])
    assert vecs["counted"] == vecs["again"] == vecs["changed"]


def test_store_readd_is_noop(full_store, corpus):
    path, first, doc = full_store
    with open_store(path) as s:
        before = s.counts()
        res = s.add(corpus)
        assert res.new == [] and res.present == len(first.new)
        assert s.counts() == before
        assert s.analysis().to_json() == doc


def test_store_later_add_joins_stored_stories_entities_and_reuse(corpus, tmp_path, full_store):
    first = sorted(corpus.glob("0[1-3]*"))
    with open_store(tmp_path / "inc.duckdb") as s:
        r1 = s.add(first)
        old = set(r1.new)
        r2 = s.add(corpus)
        assert r2.present == len(old) and set(r2.new).isdisjoint(old)
        an = s.analysis()
        validate(an.to_json())
        ids = [a.id for a in an.articles]
        assert len(ids) == len(set(ids)) == len(full_store[2]["articles"])
        in_stories = [a for st in an.stories for a in st["articles"]]
        assert sorted(in_stories) == sorted(ids)  # every article in exactly one story
        # a story that mixes the first add's articles with the second's
        assert any(old & set(st["articles"]) and set(st["articles"]) - old for st in an.stories)
        # entities resolved across the two adds
        assert any({m["article"] for m in e["mentions"]} & old
                   and {m["article"] for m in e["mentions"]} - old for e in an.entities)
        # reuse pairs between a stored article and a new one were found
        assert any((r["a"] in old) != (r["b"] in old) for r in an.reuse)
        # quotes keep speakers that are entities of the store
        ent = {e["id"] for e in an.entities}
        assert all(q["speaker"] is None or q["speaker"] in ent for q in an.quotes)
        assert any(q["speaker"] for q in an.quotes)


def _reported_together(events: list[dict]) -> set[frozenset]:
    return {frozenset((m["article"], m["start"]) for m in e["mentions"]) for e in events if len(e["mentions"]) > 1}


@pytest.mark.parametrize("first", ["0[4-6]*", "0[1-4]*"])
def test_store_later_add_merges_events_as_batch(corpus, tmp_path, batch, first):
    """The second add's event mentions find the stored events they can join through their
    shared blocks (event_keys), with the entities' rarity counted over the whole store: the
    events reported by two or more mentions are those of one batch analysis."""
    with open_store(tmp_path / "ev.duckdb") as s:
        old = set(s.add(sorted(corpus.glob(first))).new)
        s.add(corpus)
        events = s.analysis().events
        indexed = {e for (e,) in s.con.execute("SELECT DISTINCT event FROM event_keys WHERE event <> ''").fetchall()}
    assert _reported_together(events) == _reported_together(batch["events"])
    if first == "0[4-6]*":  # this split has events reported on both sides of it
        assert any({m["article"] for m in e["mentions"]} & old
                   and {m["article"] for m in e["mentions"]} - old for e in events)
    ments = [(m["article"], m["start"], m["end"]) for e in events for m in e["mentions"]]
    assert len(ments) == len(set(ments))  # no mention in two events
    assert indexed == {e["id"] for e in events}


def test_store_later_add_merges_at_most_old_mentions_again(corpus, tmp_path, monkeypatch):
    """A later add merges again at most ``OLD_MENTIONS`` stored event mentions (the events sharing
    the most blocks with its own first, always one): the other stored events stay as they were,
    and no mention is in two events."""
    from rashomon.store import entities as store_entities

    def events_after(cap):
        monkeypatch.setattr(store_entities, "OLD_MENTIONS", cap)
        with open_store(tmp_path / f"cap{cap}.duckdb") as s:
            s.add(sorted(corpus.glob("0[4-6]*")))
            before = {e["id"] for e in s.analysis().events}
            s.add(corpus)
            after = s.analysis().events
        ments = [(m["article"], m["start"], m["end"]) for e in after for m in e["mentions"]]
        assert len(ments) == len(set(ments))
        return before - {e["id"] for e in after}

    assert len(events_after(10**6)) > 1  # merged again without the bound: more than one event changes
    assert len(events_after(1)) == 1


# Our own fictional wire report and an undated verbatim copy of it: reuse dates the copy, and its
# "on Monday" must be resolved against that date, so the copy is parsed only once reuse has run.
PORT_WIRE = (
    "Dock workers at the port of Calvenna ended a nine-day strike on Monday after the harbour "
    "authority agreed to restore night-shift pay, union officials said. The stoppage had left more "
    "than forty container ships waiting offshore and delayed grain deliveries to three inland "
    "provinces. Under the agreement, overtime rates return to their level of last year and a joint "
    "safety committee will meet every month. The harbour authority said cranes would run around the "
    "clock until the backlog is cleared, which it expects to take about two weeks. Shipping agents "
    "welcomed the deal but warned that freight costs would stay high for the rest of the season.")


def test_store_parses_an_undated_copy_after_reuse_dates_it(tmp_path):
    src = tmp_path / "port.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in (
        {"id": "port-wire", "outlet": "Meridian Wire", "title": "Calvenna dock strike ends",
         "published": "2031-06-04", "text": PORT_WIRE},
        {"id": "port-copy", "outlet": "Harbour Post", "title": "Calvenna dock strike ends", "text": PORT_WIRE})),
        encoding="utf-8")
    with open_store(tmp_path / "port.duckdb") as s:
        s.add(src, workers=2)  # the workers' pool: the dated wire is parsed while reuse runs
        an = s.analysis()
    by_outlet = {a.outlet: a for a in an.articles}
    wire, copy = by_outlet["Meridian Wire"], by_outlet["Harbour Post"]
    assert copy.published == wire.published and copy.published_basis == "inferred"
    values = {a.id: [t["value"] for t in _times(an) if t["article"] == a.id] for a in (wire, copy)}
    assert values[wire.id] and "2031-06-02" in values[wire.id]  # Monday before Wednesday 4 June
    assert values[copy.id] == values[wire.id]


def test_store_incremental_reuse_finds_the_batch_pairs(corpus, tmp_path, full_store):
    """One article per transaction: the SQL candidates against stored features give the pairs
    the in-memory batch gives."""
    with open_store(tmp_path / "one.duckdb") as s:
        s.add(corpus, batch_size=1)
        an = s.analysis()
    key = lambda r: (frozenset((r["a"], r["b"])), r["kind"])  # noqa: E731
    expected = find_reuse(an.articles)
    assert expected, "the example corpus has reuse pairs"
    assert sorted(map(key, an.reuse), key=str) == sorted(map(key, expected), key=str)


def test_store_interrupted_corpus_step_is_completed_by_next_add(corpus, tmp_path, monkeypatch, full_store):
    path = tmp_path / "crash.duckdb"

    def crash(*a, **k):
        raise RuntimeError("killed")

    with open_store(path) as s:
        with monkeypatch.context() as m:
            m.setattr(store_corpus, "update_storylines", crash)
            with pytest.raises(RuntimeError):
                s.add(corpus)
        c = s.counts()
        assert c["articles"] == len(full_store[1].new) == c["pending"]
        assert c["stories"] == 0 and c["entities"] == 0  # the corpus transaction was rolled back
        res = s.add(corpus)
        assert res.new == [] and res.completed_pending == c["articles"]
        assert s.counts()["pending"] == 0
        assert s.analysis().to_json() == full_store[2]


def test_store_duckdb_failure_in_corpus_step_is_a_clear_error(corpus, tmp_path, monkeypatch, full_store):
    """DuckDB failing in a corpus step (out of memory when committing, even a fatal error that
    makes the rollback fail too) gives a StoreError naming the file and what to do, not DuckDB's
    traceback; the pending articles stay pending for the next add."""
    import duckdb

    path = tmp_path / "oom.duckdb"

    def oom(*a, **k):
        raise duckdb.OutOfMemoryException("failed to pin block of size 256.0 KiB (243.9 MiB/244.1 MiB used)")

    class RollbackFails:  # the connection after a fatal error: ROLLBACK raises as well
        def __init__(self, con):
            self._con = con

        def execute(self, sql, *a):
            if sql == "ROLLBACK":
                self._con.execute(sql)
                raise duckdb.FatalException("database has been invalidated because of a previous fatal error")
            return self._con.execute(sql, *a)

        def __getattr__(self, name):
            return getattr(self._con, name)

    with open_store(path) as s:
        with monkeypatch.context() as m:
            m.setattr(store_corpus, "update_entities_events", oom)
            with pytest.raises(StoreError, match=r"oom\.duckdb: the corpus step .*OutOfMemoryException.*memory_limit"):
                s.add(corpus)
            real, s.con = s.con, RollbackFails(s.con)
            try:
                with pytest.raises(StoreError, match="failed to pin block"):
                    s.complete()
            finally:
                s.con = real
        c = s.counts()
        assert c["articles"] == c["pending"] == len(full_store[1].new) and c["entities"] == 0
        assert s.add(corpus).completed_pending == c["articles"]
        assert s.analysis().to_json() == full_store[2]


def test_store_schema_is_versioned_and_newer_refused(tmp_path):
    path = tmp_path / "v.duckdb"
    with open_store(path) as s:
        assert s.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(LATEST)
        s.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(LATEST + 1)])
    with pytest.raises(StoreError, match="newer"):
        open_store(path)
    with pytest.raises(StoreError, match="no store here"):
        open_store(tmp_path / "missing.duckdb", read_only=True)


def test_store_story_lookup_by_prefix(full_store):
    path, _res, doc = full_store
    with open_store(path, read_only=True) as s:
        st = doc["stories"][0]
        assert s.story(st["id"][:14]) == st
        with pytest.raises(StoreError, match="no story"):
            s.story("story-nope")
        assert s.story_of(st["articles"][0]) == st["id"]


# Our own fictional story for the "story dates" stage: two dated reports of a barrier failure
# and an undated rewrite that says "on Sunday" (no reuse pair, so only its story can date it).
STORY_DATES = {
    "01_wire.txt": """Flood barrier fails at Merrow harbour; 300 homes evacuated

By Ana Pellis
Monday, October 6, 2025 - 09:10 GMT

MERROW, Oct 6 (NPW) - The tidal barrier protecting the harbour district of Merrow failed on Sunday night, flooding the lower town and forcing the evacuation of about 300 homes, the Merrow harbour authority said.

Harbour master Tomas Brekke said a hydraulic gate of the barrier jammed half open as a storm surge arrived from the Kessel Sea. "The gate did not close, and the water came over the quay within minutes," Brekke told reporters at the harbour office.

Mayor Ilse Varga said no one had been hurt and that families were being housed in the Merrow sports hall. She said the town council would ask the regional government for emergency funds to repair the barrier, which was built in 1987.

The Kessel Coast Engineering company, which maintains the barrier, said its engineers were inspecting the jammed gate and would report to the harbour authority on Tuesday.
""",
    "02_herald.txt": """Merrow counts the cost after barrier failure floods lower town

By Rui Dantas
October 7, 2025

Residents of Merrow returned to waterlogged homes on Tuesday after the failure of the harbour tidal barrier flooded the lower town on Sunday night.

The Merrow harbour authority said a hydraulic gate jammed during the storm surge from the Kessel Sea. Harbour master Tomas Brekke said engineers from Kessel Coast Engineering were still inspecting the barrier.

Mayor Ilse Varga said the council had asked the regional government for emergency funds and that about 300 evacuated families were still in the Merrow sports hall. Shop owners on the quay said the flood had ruined their stock.
""",
    "03_blog.txt": """Merrow barrier: what went wrong

The tidal barrier at Merrow harbour let the Kessel Sea into the lower town on Sunday, when one of its hydraulic gates jammed as the storm surge came in. About 300 homes were evacuated and their families moved to the Merrow sports hall.

Harbour master Tomas Brekke blamed the jammed gate. Mayor Ilse Varga wants emergency funds from the regional government to repair the barrier, and Kessel Coast Engineering, which maintains it, has sent engineers to inspect it.
""",
}


@pytest.fixture
def dated_story(tmp_path) -> Path:
    d = tmp_path / "merrow"
    d.mkdir()
    for name, text in STORY_DATES.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def _times(an) -> list[dict]:
    return sorted(an.times, key=lambda t: (t["article"], t["start"]))


def test_store_story_dates_undated_article_takes_its_story_date(dated_story, tmp_path):
    batch = rashomon.analyze(dated_story)
    with open_store(tmp_path / "sd.duckdb") as s:
        s.add(dated_story)
        an = s.analysis()
        blog = next(a for a in an.articles if a.source.path.endswith("03_blog.txt"))
        assert (blog.published, blog.published_basis) == ("2025-10-06", "inferred")
        assert {t["text"]: t["value"] for t in an.times if t["article"] == blog.id} == {"Sunday": "2025-10-05"}
        assert s.con.execute("SELECT article FROM story_dated").fetchall() == [(blog.id,)]
        doc, ref = an.to_json(), batch.to_json()
        assert doc["articles"] == ref["articles"]
        assert _times(an) == _times(batch)


def test_store_story_dates_move_when_a_later_add_brings_an_earlier_date(dated_story, tmp_path):
    """Undated rewrite and the later report first (story date Oct 7); the earlier wire report
    joins in a second add and the rewrite's date and times move to Oct 6 / its Sunday."""
    with open_store(tmp_path / "sd2.duckdb") as s:
        s.add([dated_story / "02_herald.txt", dated_story / "03_blog.txt"])
        blog = next(a for a in s.articles() if a.source.path.endswith("03_blog.txt"))
        assert (blog.published, blog.published_basis) == ("2025-10-07", "inferred")
        s.add(dated_story)
        an = s.analysis()
        assert len(an.stories) == 1
        blog = next(a for a in an.articles if a.id == blog.id)
        assert (blog.published, blog.published_basis) == ("2025-10-06", "inferred")
        assert {t["text"]: t["value"] for t in an.times if t["article"] == blog.id} == {"Sunday": "2025-10-05"}
        batch = rashomon.analyze(dated_story)
        assert sorted(a.id for a in an.articles) == sorted(a.id for a in batch.articles)
        assert _times(an) == _times(batch)


def _pages(s):
    from rashomon.store.pages import read_page

    return {k: json.loads(read_page(d)) for k, d in s.con.execute("SELECT key, data FROM story_pages").fetchall()}


@pytest.mark.parametrize("chunk_articles", [3000, 1])
def test_store_story_pages_match_the_base_tables_after_incremental_adds(corpus, tmp_path, monkeypatch,
                                                                       chunk_articles):
    """Every story's stored page equals the page computed afresh, after adds that join stored
    stories, and no page is left for a story that is gone; also when pages are written a story
    at a time (a chunk's budget of articles smaller than any story)."""
    from rashomon.store import pages
    from rashomon.store.pages import build_pages

    monkeypatch.setattr(pages, "CHUNK_ARTICLES", chunk_articles)
    with open_store(tmp_path / "pages.duckdb") as s:
        s.add(sorted(corpus.glob("0[1-3]*")))
        first = _pages(s)
        s.add(corpus)
        keys = [k for (k,) in s.con.execute("SELECT key FROM stories").fetchall()]
        stored = _pages(s)
        assert sorted(stored) == sorted(keys)
        assert stored == build_pages(s.con, keys)
        assert stored != first  # the second add changed pages
        assert {p["story"]["id"] for p in stored.values()} == {st["id"] for st in s.stories()}


def test_store_old_schema_upgrades_and_fills_story_pages(full_store, tmp_path):
    from rashomon.store.pages import build_pages

    path = tmp_path / "old.duckdb"
    shutil.copy(full_store[0], path)
    with open_store(path) as s:  # as a store written before migrations 5 to 15
        s.con.execute("CREATE INDEX reuse_fp_hash ON reuse_fp (hash)")
        keys_before = s.con.execute("SELECT * FROM event_keys ORDER BY ALL").fetchall()
        index_before = s.con.execute("SELECT * FROM story_index ORDER BY ALL").fetchall()
        s.con.execute("DROP TABLE event_keys")
        s.con.execute("DROP TABLE story_index")
        s.con.execute("DROP TABLE loaded_parse")
        s.con.execute("DROP TABLE loaded_keys")
        s.con.execute("DROP TABLE mention_sentences")
        s.con.execute("ALTER TABLE reuse DROP COLUMN kind")
        s.con.execute("DROP TABLE story_counts")
        s.con.execute("DROP TABLE sentence_vectors")
        s.con.execute("DROP TABLE story_pages")
        s.con.execute("ALTER TABLE story_state DROP COLUMN last_day")
        s.con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="open it once for writing"):
        open_store(path, read_only=True)
    with open_store(path) as s:
        assert s.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(LATEST)
        kinds = s.con.execute("SELECT kind, data FROM reuse").fetchall()
        assert kinds and all(k == json.loads(d)["kind"] for k, d in kinds)
        keys = [k for (k,) in s.con.execute("SELECT key FROM stories").fetchall()]
        assert keys and _pages(s) == build_pages(s.con, keys)
        last = dict(s.con.execute("SELECT key, last_day FROM story_state").fetchall())
        assert last == {k: json.loads(d)["last"] for k, d in s.con.execute("SELECT key, data FROM story_state").fetchall()}
        assert any(v is not None for v in last.values())
        # the events' blocks are filled from the stored events as the adds had written them
        assert keys_before and s.con.execute("SELECT * FROM event_keys ORDER BY ALL").fetchall() == keys_before
        assert index_before and s.con.execute("SELECT * FROM story_index ORDER BY ALL").fetchall() == index_before
        # the reuse hashes lose their index (held in memory, read by no query)
        assert not s.con.execute("SELECT 1 FROM duckdb_indexes() WHERE table_name LIKE 'reuse%'").fetchall()


def _thread_corpus(path: Path) -> None:
    """Fictional threads: each a run of stories months apart sharing the thread's words and
    names, plus one-off stories; written to ``path`` as JSONL, in date order."""
    import random
    from datetime import date, timedelta

    rng = random.Random(5)
    syl = ["ka", "ro", "mi", "tan", "ve", "lo", "sar", "di", "nu", "pe", "zor", "al"]
    word = lambda: "".join(rng.choice(syl) for _ in range(3))  # noqa: E731
    common = [word() for _ in range(300)]
    recs, day0 = [], date(2031, 1, 1)
    for t in range(6):
        names = [word().title() + " " + word().title() for _ in range(2)]
        topic = [word() for _ in range(25)]
        for k in range(rng.randint(1, 4)):
            day = day0 + timedelta(days=t * 9 + k * 40)
            for m in range(rng.randint(1, 2)):
                sents = [" ".join([rng.choice(names)] + [rng.choice(topic if rng.random() < .5 else common)
                                                         for _ in range(12)]).capitalize() + "."
                         for _ in range(8)]
                recs.append((day.isoformat(), {"id": f"t{t}-{k}-{m}", "title": f"{names[0]} {topic[k]}",
                                               "outlet": f"Outlet {m}", "published": day.isoformat(),
                                               "text": " ".join(sents)}))
    recs.sort(key=lambda r: r[0])
    path.write_text("".join(json.dumps(r) + "\n" for _, r in recs), encoding="utf-8")


def test_store_storyline_links_after_many_adds_equal_a_full_relink(tmp_path, monkeypatch):
    """Each add relinks only the stories it can affect; the links must be those a relink of
    every stored story gives, whatever the order the articles came in."""
    import random

    from rashomon.store import storylines as store_lines

    monkeypatch.setattr(store_corpus, "update_story_sections", lambda *a, **k: set())
    src = tmp_path / "all.jsonl"
    _thread_corpus(src)
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    # later stories first: an earlier story arriving later must become their parent
    lines = sorted(lines, key=lambda ln: -json.loads(ln)["id"].count("-0-"))
    later, rest = lines[len(lines) // 3:], lines[:len(lines) // 3]
    random.Random(1).shuffle(later)
    lines = later + rest
    seen = 0
    with open_store(tmp_path / "s.duckdb") as s:
        for n, part in enumerate((lines[:8], lines[8:14], lines[14:20], lines[20:])):
            f = tmp_path / f"part{n}.jsonl"
            f.write_text("".join(part), encoding="utf-8")
            s.add(f)
            got = sorted(s.con.execute("SELECT * FROM story_link").fetchall())
            keys = {k for (k,) in s.con.execute("SELECT key FROM stories").fetchall()}
            s.con.execute("BEGIN TRANSACTION")
            store_lines._relink(s.con, keys, set(), store_lines.MAX_GAP_DAYS)
            want = sorted(s.con.execute("SELECT * FROM story_link").fetchall())
            s.con.execute("ROLLBACK")
            assert got == want, f"after add {n}"
            seen = max(seen, len(got))
        assert seen >= 4  # the threads were linked
        assert len(s.con.execute("SELECT * FROM storylines").fetchall()) >= 2


def test_store_add_restores_only_the_stories_an_article_can_join(tmp_path, monkeypatch):
    """An add restores only the stories its articles can meet (open, and indexed under a term
    they look up); the stories it gives are those of a clusterer restored whole."""
    from rashomon.stories.stage import arrival_order

    monkeypatch.setattr(store_corpus, "update_story_sections", lambda *a, **k: set())
    src = tmp_path / "all.jsonl"
    _thread_corpus(src)
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("".join(lines[:-6]), encoding="utf-8")
    second.write_text("".join(lines[-6:]), encoding="utf-8")
    with open_store(tmp_path / "s.duckdb") as s:
        s.add(first)
        stored = [json.loads(d) for (d,) in s.con.execute("SELECT data FROM story_state").fetchall()]
        whole = store_corpus.load_clusterer(s.con)
        assert not whole.stories
        whole.restore(stored)
        assert len(whole.stories) == len(stored)
        ids = [a for (a,) in s.con.execute("SELECT id FROM articles").fetchall()]
        restored = []
        real = store_corpus.restore_stories
        monkeypatch.setattr(store_corpus, "restore_stories",
                            lambda *a: restored.append(real(*a)) or restored[-1])
        s.add(second)
        # the second add restored only the stories its articles can meet (open and sharing an
        # index key with them), fewer than those stored ...
        assert 0 < restored[0] < len(stored)
        new = [a for (a,) in s.con.execute("SELECT id FROM articles").fetchall() if a not in ids]
        feats = store_corpus._features(s.con, new)
        for f in arrival_order(feats[a] for a in new):
            whole.count(f)
        for f in arrival_order(feats[a] for a in new):
            whole.add(f, count=False)
        # ... and gave the stories of a clusterer restored whole
        want = {k: sorted(st.articles) for k, st in whole.stories.items()}
        got = {k: sorted(a) for k, a in s.con.execute("SELECT key, articles FROM stories").fetchall()}
        assert got == want


def _bag_embed(texts, dims=64):
    """A deterministic stand-in for the sentence model: unit vectors of hashed words."""
    import zlib

    import numpy as np

    out = np.zeros((len(texts), dims), dtype="float32")
    for i, t in enumerate(texts):
        for w in t.lower().split():
            out[i, zlib.crc32(w.encode()) % dims] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def _sections(s) -> dict:
    return {i: json.loads(d) for i, d in s.con.execute("SELECT id, sections FROM stories").fetchall()}


def test_store_vector_cache_embeds_each_sentence_once_and_changes_no_result(corpus, tmp_path, monkeypatch):
    """A story that grows over two adds: with the cache, the second add sends the model only
    sentences it has not embedded before (without it, the first add's are embedded again), and
    the stories' comparison is the same as without the cache."""
    import rashomon.compare.embed as emb
    from rashomon.store import vectors

    calls: list[str] = []

    def fake(texts):
        calls.extend(texts)
        return _bag_embed(texts)

    monkeypatch.setattr(emb, "embed", fake)
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    first = files[: len(files) // 2]
    class NoCache:
        model_seconds = 0.0

        def __init__(self, con, fn, day):
            self.fn = fn

        def __call__(self, texts):
            return self.fn(texts)

    results, seconds = {}, {}
    for cached in (True, False):
        if not cached:
            monkeypatch.setattr(vectors, "VectorCache", NoCache)
        with open_store(tmp_path / f"{cached}.duckdb") as s:
            calls.clear()
            s.add(first)
            one = set(calls)
            calls.clear()
            res = s.add(corpus)
            seconds[cached] = res.seconds
            results[cached] = (one, list(calls), _sections(s))
            if cached:
                stored = s.con.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0]
                assert stored == len(one | set(calls))
    one, again, with_cache = results[True]
    _, again_uncached, without_cache = results[False]
    assert one & set(again_uncached), "the second add re-compares stories of the first"
    assert not one & set(again) and len(again) == len(set(again))
    assert with_cache == without_cache
    assert "embed" in seconds[True] and seconds[True]["compare"] >= 0


def test_vector_cache_keys_by_function_and_evicts_unused_rows(tmp_path):
    import numpy as np

    from rashomon.store.vectors import VectorCache, evict

    calls: list[str] = []

    def model_a(texts):
        calls.extend(texts)
        return _bag_embed(texts)

    def model_b(texts):
        calls.extend(texts)
        return -_bag_embed(texts)

    with open_store(tmp_path / "v.duckdb") as s:
        first = VectorCache(s.con, model_a, 100)(["troops crossed the river", "the talks resumed"])
        assert calls == ["troops crossed the river", "the talks resumed"]
        calls.clear()
        later = VectorCache(s.con, model_a, 140)(["the talks resumed", "troops crossed the river"])
        assert calls == [] and np.array_equal(later, first[::-1])
        other = VectorCache(s.con, model_b, 140)(["the talks resumed"])  # another model: its own vectors
        assert calls == ["the talks resumed"] and np.array_equal(other, -first[1:])
        calls.clear()
        VectorCache(s.con, model_a, 150)(["a new sentence"])
        assert evict(s.con, 170, 30) == 0  # all used within 30 days of day 170
        s.con.execute("UPDATE sentence_vectors SET day = 100 WHERE day = 150")
        assert evict(s.con, 170, 30) == 1
        calls.clear()
        VectorCache(s.con, model_a, 175)(["a new sentence", "the talks resumed"])
        assert calls == ["a new sentence"]


def test_store_articles_keep_loaded_spans_inside_quotations(tmp_path):
    """A loaded word inside a quotation is stored with ``quoted``; reading the article back (as
    the next add does for the stories it touches) gives the same spans, quoted ones included."""
    from rashomon.model import Article, Loaded, Source
    from rashomon.store.rows import SELECT_ARTICLE, article_row, bulk_insert, row_article, ARTICLE_COLUMNS

    text = 'The minister said the "thugs" were paid. Critics called the plan a disaster.'
    a = Article(id="a-1", source=Source("x.txt", None), text=text,
                loaded=[Loaded(23, 28, "thugs", quoted=True), Loaded(60, 68, "disaster", "failure")])
    with open_store(tmp_path / "q.duckdb") as s:
        bulk_insert(s.con, "articles", ARTICLE_COLUMNS, [article_row(a, 0, "done")])
        back = row_article(s.con.execute(SELECT_ARTICLE + " WHERE id = 'a-1'").fetchone())
    assert back.loaded == a.loaded
    assert back.loaded[0].to_json()["quoted"] is True and "quoted" not in back.loaded[1].to_json()


def test_store_loaded_wording_of_stored_articles_keeps_the_parse_facts(tmp_path):
    """A later add re-runs the loaded stage over the stored articles of the stories it grows,
    whose parse is gone: the facts the parse gave (a hit's part of speech, its phrase) are read
    from the store, so a stored article's loaded wording stays the batch run's."""
    body = ("The Harbour Council of Velmora voted on Monday to close the old ferry pier after engineers "
            "found cracks in its pilings. {verb} Mayor Ilse Varga said repairs would cost 4 million "
            "crowns and take two years. Ferry operators said the closure would cut the island service "
            "by half until the new pier opens.")
    first = {"id": "v1", "outlet": "Velmora Courier", "published": "2031-03-04", "title": "Council closes ferry pier",
             "text": body.format(verb="Opposition councillors quickly pounced on the decision.")}
    later = {"id": "v2", "outlet": "Island Gazette", "published": "2031-03-04", "title": "Ferry pier closed",
             "text": body.format(verb="Opposition councillors criticised the decision.")}
    for name, rec in (("first.jsonl", first), ("later.jsonl", later)):
        (tmp_path / name).write_text(json.dumps(rec) + "\n", encoding="utf-8")
    batch = rashomon.analyze([tmp_path / "first.jsonl", tmp_path / "later.jsonl"]).to_json()
    want = {a["title"]: [sp["text"] for sp in a.get("loaded", [])] for a in batch["articles"]}
    assert "quickly pounced" in want["Council closes ferry pier"]  # the phrase the parse gives
    with open_store(tmp_path / "inc.duckdb") as s:
        s.add([tmp_path / "first.jsonl"])
        s.add([tmp_path / "later.jsonl"])
        an = s.analysis().to_json()
    assert len(an["stories"]) == 1  # the later add grew the stored story: its loaded stage re-ran
    got = {a["title"]: [sp["text"] for sp in a.get("loaded", [])] for a in an["articles"]}
    assert got == want


def test_store_add_equals_analyze_when_an_article_is_dated_by_its_story(dated_story, tmp_path):
    """The undated blog takes its story's date: its relative times and the events it reports
    ("blamed ... on Monday") are dated from it in the store as in analyze, and the lists come in
    the same order."""
    blog_file = dated_story / "03_blog.txt"
    text = blog_file.read_text(encoding="utf-8")
    blog_file.write_text(text.replace("blamed the jammed gate.", "blamed the jammed gate on Monday."),
                         encoding="utf-8")
    batch = rashomon.analyze(dated_story).to_json()
    with open_store(tmp_path / "sd.duckdb") as s:
        s.add(dated_story)
        doc = s.analysis().to_json()
    blog = next(a["id"] for a in doc["articles"] if a["source"]["path"].endswith("03_blog.txt"))
    dated = [e for e in doc["events"] if e["date"] and any(m["article"] == blog for m in e["mentions"])]
    assert dated, "the blog's events took no date from its story"
    for key in batch:
        assert doc[key] == batch[key], key


@pytest.fixture
def small_bound(monkeypatch):
    """MAX_COMPARED lowered so that the example corpus's stories are big ones."""
    from rashomon import compare

    monkeypatch.setattr(compare, "MAX_COMPARED", 2)
    return 2


def test_store_big_stories_one_add_equals_analyze(corpus, tmp_path, small_bound):
    batch = rashomon.analyze(corpus).to_json()
    assert any(len(st["articles"]) > small_bound for st in batch["stories"])
    assert any(st.get("compared") for st in batch["stories"])
    with open_store(tmp_path / "big.duckdb") as s:
        s.add(corpus)
        doc = s.analysis().to_json()
    for key in ("articles", "stories"):
        assert doc[key] == batch[key], key
    for st in batch["stories"]:  # the framing table of a big story is over its compared articles
        if st.get("compared"):
            assert all(set(row["terms"]) <= set(st["compared"]) for row in st["framing"])


FERRY = {  # our own fictional coverage of one development, five outlets, no copies
    "a": "Councillor Mira Essen called the Varnhold ferry fares plan unfair to island families. "
         "The harbour board wants fares on the island route to rise by a fifth. Essen said families "
         "already pay more than mainland commuters for the crossing.",
    "b": "The Varnhold harbour board published its ferry accounts beside a proposal to raise island "
         "route fares. Board members pointed to fuel costs and an ageing vessel. The accounts show the "
         "crossing lost money for three years.",
    "c": "Island shopkeepers in Varnhold asked whether higher ferry fares would pay for winter sailings "
         "on the island route. Several traders told the harbour board that deliveries already arrive "
         "late. The board promised an answer before the summer timetable.",
    "d": "Residents slammed a review of Varnhold ferry fares that will run through spring. "
         "Residents of the island route may send comments by post. The board expects to publish a "
         "revised fares table after the review closes.",
    "e": "Councillor Tomas Lind slammed the Varnhold harbour board over the island route ferry fares. "
         "Lind asked the board to freeze fares for pensioners and students. He said the crossing is "
         "the only link to the hospital.",
    "f": "Pensioners slammed the planned rise in Varnhold ferry fares at a packed meeting on the island. "
         "The harbour board said the island route cannot run at a loss for another year.",
}


def _ferry(path: Path, keys: str) -> Path:
    outlets = {"a": "Isle Gazette", "b": "Harbour Post", "c": "Varnhold Daily", "d": "Coast Ledger",
               "e": "Ferry Times", "f": "Island Voice"}
    path.write_text("".join(json.dumps({
        "id": f"fx-{k}", "outlet": outlets[k], "title": "Ferry fares under review in Varnhold",
        "published": f"2031-03-0{2 + 'abcdef'.index(k) // 2}", "text": FERRY[k]}) + "\n" for k in keys),
        encoding="utf-8")
    return path


def test_store_big_story_reloads_only_what_can_change(tmp_path, monkeypatch, small_bound):
    """A later add loads of a big story only the articles its sections can change or read: an
    old article whose loaded term the newcomer also uses is marked again when no other member
    used it (the term became the story's common wording: no longer marked), not when another
    member did already (the pools' answer for it stands); the others keep theirs; the result
    equals an add that reloads and marks every member."""
    first, second = _ferry(tmp_path / "first.jsonl", "abcd"), _ferry(tmp_path / "second.jsonl", "e")
    third = _ferry(tmp_path / "third.jsonl", "f")
    real = store_corpus._big_story_needs
    skipped: dict[str, set[str]] = {}  # by the add's new articles
    marked: dict[str, set[str]] = {}

    def spy(con, story, pending, partners):
        need, rest, mark = real(con, story, pending, partners)
        skipped.setdefault(",".join(sorted(pending)), set()).update(a for a in story["articles"] if a not in need)
        marked.setdefault(",".join(sorted(pending)), set()).update(mark)
        return need, rest, mark

    def everything(con, story, pending, partners):
        real(con, story, pending, partners)  # sets story["compared"]
        return list(story["articles"]), {}, set(story["articles"])

    docs, before = [], {}
    for name, fn in (("part", spy), ("all", everything)):
        monkeypatch.setattr(store_corpus, "_big_story_needs", fn)
        with open_store(tmp_path / f"{name}.duckdb") as s:
            s.add([first])
            before = {a.id: [x.text for x in a.loaded] for a in s.analysis().articles}
            s.add([second])
            docs.append(s.analysis().to_json())
            s.add([third])
            docs.append(s.analysis().to_json())
    part, part3, full, full3 = docs
    assert [len(st["articles"]) for st in part["stories"]] == [5]
    compared = part["stories"][0]["compared"]
    assert "fx-d" not in compared and skipped["fx-e"] and "fx-d" not in skipped["fx-e"]  # the others: nothing can change
    assert marked["fx-e"] == {"fx-d", "fx-e"}  # the newcomer and the one whose term it shares
    assert before["fx-d"] == ["slammed"]
    assert {a["id"]: a["loaded"] for a in part["articles"]}["fx-d"] == []  # now the story's wording
    assert part["articles"] == full["articles"] and part["stories"] == full["stories"]
    # "slammed" again: d and e had it both, so neither's marking can change
    assert [len(st["articles"]) for st in part3["stories"]] == [6]
    assert marked["fx-f"] == {"fx-f"}
    assert part3["articles"] == full3["articles"] and part3["stories"] == full3["stories"]


def test_store_big_story_timeline_from_stored_mention_sentences(corpus, tmp_path, monkeypatch, small_bound):
    """A later add does not load a big story's old members for its timeline: it quotes them by
    their stored mention sentences (table ``mention_sentences``, computed once from the text);
    the stories equal those of an add that loads every member."""
    real = store_corpus._big_story_needs
    first = sorted(corpus.glob("0[1-4]*"))

    def everything(con, story, pending, partners):
        real(con, story, pending, partners)  # sets story["compared"]
        return list(story["articles"]), {}, set(story["articles"])

    docs, kept = [], 0
    for name in ("part", "all"):
        if name == "all":
            monkeypatch.setattr(store_corpus, "_big_story_needs", everything)
        with open_store(tmp_path / f"{name}.duckdb") as s:
            old = set(s.add(first).new)
            s.add(corpus)
            docs.append(s.analysis().to_json())
            if name == "part":
                kept = s.con.execute("SELECT count(DISTINCT article) FROM mention_sentences "
                                     "WHERE article IN (SELECT unnest($1))", [sorted(old)]).fetchone()[0]
    part, full = docs
    assert kept, "no old member quoted from its stored sentences: the test does not reach the cache"
    assert any(st.get("compared") and st["timeline"] for st in part["stories"])
    assert part["stories"] == full["stories"] and part["articles"] == full["articles"]


def test_store_page_of_a_big_story_holds_the_quotes_and_reuse_of_its_focus(corpus, tmp_path, small_bound):
    from rashomon.compare import focus_articles

    with open_store(tmp_path / "focus.duckdb") as s:
        s.add(corpus)
        pages = _pages(s)
        quoted = {a for (a,) in s.con.execute("SELECT DISTINCT article FROM quotes").fetchall()}
    big = [p for p in pages.values() if "compared" in p["story"]]
    assert big
    left_out = 0
    for p in big:
        focus = focus_articles(p["story"])
        assert p["focus"] == focus and len(focus) < len(p["story"]["articles"])
        assert [a["id"] for a in p["articles"]] == p["story"]["articles"]  # every article is listed
        assert {q["article"] for q in p["quotes"]} == quoted & set(focus)
        assert all(r["a"] in focus and r["b"] in focus for r in p["reuse"])
        left_out += len(quoted & (set(p["story"]["articles"]) - set(focus)))
    assert left_out, "no quoted article outside a focus: the test does not reach the bound"
    assert all("focus" not in p for p in pages.values() if "compared" not in p["story"])
