"""The store's tables, as an ordered list of migrations keyed by schema version.

``MIGRATIONS[n]`` is ``(version, [SQL statements])``; opening a store applies, each in its own
transaction, every step above the version recorded in ``meta`` (key ``schema_version``). A step
may also hold a function of the connection, run in the same transaction (to fill a new table
from the stored data). A store written by a newer rashomon (a version above the last step known
here) is refused, never altered.

JSON payloads are kept as JSON text (VARCHAR) and decoded in Python: the store needs no DuckDB
extension beyond what the wheel ships. Per-article rows are written once, when the article is
added; the corpus-level tables (entities, events, quote speakers, stories, storylines) are
rewritten by each ``add`` (see ``rashomon.store.corpus``).
"""
from __future__ import annotations

from .errors import StoreError
from .entities import EVENT_KEYS, fill_event_keys
from .entities import SCHEMA as ENTITY_TABLES
from .pages import SCHEMA as PAGE_TABLES
from .storylines import COUNTS_TABLE as STORY_COUNTS
from .storylines import SCHEMA as STORYLINE_TABLES
from .vectors import SCHEMA as VECTOR_TABLES

def _fill_last_day(con) -> None:
    import json

    rows = [(json.loads(d)["last"], k) for k, d in con.execute("SELECT key, data FROM story_state").fetchall()]
    if rows:
        con.execute("CREATE TEMP TABLE fill_last AS SELECT unnest($1) AS key, unnest($2) AS last_day",
                    [[k for _d, k in rows], [d for d, _k in rows]])
        con.execute("UPDATE story_state SET last_day = f.last_day FROM fill_last f WHERE story_state.key = f.key")
        con.execute("DROP TABLE fill_last")


def _fill_story_index(con) -> None:
    from .corpus import fill_story_index

    fill_story_index(con)


MIGRATIONS: list[tuple[int, list]] = [  # SQL strings, or functions of the connection
    (1, [
        # status: 'pending' (per-article rows and reuse written, corpus stages not yet run for
        # it) or 'done'. seq: arrival order in the store (analysis order).
        """CREATE TABLE articles (
            id VARCHAR PRIMARY KEY, seq BIGINT NOT NULL, status VARCHAR NOT NULL,
            source_path VARCHAR NOT NULL, source_index INTEGER,
            title VARCHAR, outlet VARCHAR, url VARCHAR, byline VARCHAR, dateline VARCHAR,
            published VARCHAR, published_basis VARCHAR NOT NULL, wire VARCHAR[], language VARCHAR,
            text VARCHAR NOT NULL, removed VARCHAR[], loaded VARCHAR, extra VARCHAR)""",
        """CREATE TABLE rejected (
            source_path VARCHAR NOT NULL, source_index INTEGER NOT NULL, reason VARCHAR NOT NULL,
            seq BIGINT NOT NULL, PRIMARY KEY (source_path, source_index))""",
        # per-article annotations (the linguistic analysis, run once per article)
        "CREATE TABLE times (article VARCHAR NOT NULL, pos INTEGER NOT NULL, data VARCHAR NOT NULL)",
        """CREATE TABLE quotes (id VARCHAR NOT NULL, article VARCHAR NOT NULL, pos INTEGER NOT NULL,
            speaker VARCHAR, data VARCHAR NOT NULL)""",
        "CREATE TABLE mentions (article VARCHAR PRIMARY KEY, data VARCHAR NOT NULL)",
        "CREATE TABLE event_mentions (article VARCHAR PRIMARY KEY, data VARCHAR NOT NULL)",
        "CREATE TABLE story_features (article VARCHAR PRIMARY KEY, data VARCHAR NOT NULL)",
        # reuse features: content hash and MinHash signature, LSH band keys, fingerprints
        "CREATE TABLE reuse_sig (article VARCHAR PRIMARY KEY, content BLOB NOT NULL, sig BLOB NOT NULL)",
        "CREATE TABLE reuse_band (key BIGINT NOT NULL, article VARCHAR NOT NULL)",
        "CREATE TABLE reuse_fp (hash UBIGINT NOT NULL, article VARCHAR NOT NULL)",
        "CREATE TABLE reuse_quote (hash UBIGINT NOT NULL, article VARCHAR NOT NULL)",
        # reuse pairs; lo/hi: the seqs of the pair, for the analysis order
        """CREATE TABLE reuse (a VARCHAR NOT NULL, b VARCHAR NOT NULL, lo BIGINT NOT NULL,
            hi BIGINT NOT NULL, data VARCHAR NOT NULL)""",
        # corpus level
        "CREATE TABLE entities (id VARCHAR NOT NULL, pos INTEGER NOT NULL, data VARCHAR NOT NULL)",
        "CREATE TABLE events (id VARCHAR NOT NULL, pos INTEGER NOT NULL, data VARCHAR NOT NULL)",
        "CREATE TABLE story_state (key INTEGER PRIMARY KEY, data VARCHAR NOT NULL)",
        """CREATE TABLE stories (key INTEGER PRIMARY KEY, id VARCHAR NOT NULL, title VARCHAR,
            start_date VARCHAR, end_date VARCHAR, articles VARCHAR[] NOT NULL)""",
        "CREATE TABLE story_articles (story INTEGER NOT NULL, article VARCHAR NOT NULL)",
        "CREATE TABLE storylines (id VARCHAR NOT NULL, data VARCHAR NOT NULL, stories VARCHAR[] NOT NULL)",
        "CREATE INDEX reuse_band_key ON reuse_band (key)",
        "CREATE INDEX reuse_fp_hash ON reuse_fp (hash)",
        "CREATE INDEX reuse_quote_hash ON reuse_quote (hash)",
        "CREATE INDEX story_articles_article ON story_articles (article)",
    ]),
    (2, [
        # articles whose publication date was inferred from their story (the "story dates"
        # stage): a later add that brings an earlier dated member moves their date again
        "CREATE TABLE story_dated (article VARCHAR PRIMARY KEY)",
    ]),
    # storylines kept story by story: vectors, key-term index, links (rashomon.store.storylines);
    # filled for the stored stories by the next add
    (3, STORYLINE_TABLES),
    # entities by mention, the context index and which events each article reports
    # (rashomon.store.entities); filled from the JSON of older stores by the next add
    (4, ENTITY_TABLES),
    # the story page's data, one JSON row per story, rewritten by each add for the stories it
    # changes (rashomon.store.pages); filled for the stored stories here
    (5, PAGE_TABLES),
    # each story's last day beside its clusterer state: an add restores only the stories an
    # article can still join (rashomon.store.corpus.load_clusterer)
    (6, ["ALTER TABLE story_state ADD COLUMN last_day INTEGER", _fill_last_day]),
    # the cache of sentence embeddings of the stories still growing (rashomon.store.vectors)
    (7, VECTOR_TABLES),
    # what the parse said of each article's loaded-terms hits (framing.parsed_pos and
    # parsed_extents), so the loaded stage re-run by a later add reads them as a batch run does;
    # articles stored before have none (their hits stand as their lexicon terms)
    (8, ["CREATE TABLE loaded_parse (article VARCHAR PRIMARY KEY, pos VARCHAR NOT NULL, ext VARCHAR NOT NULL)"]),
    # the blocks of each stored event's mentions: an add merges its new event mentions with the
    # stored events sharing a block with them (rashomon.store.entities.update_events), not with
    # every event of the articles published near them
    (9, [*EVENT_KEYS, fill_event_keys]),
    # each story's index keys (its top terms): an add restores only the stories its articles
    # can meet (rashomon.store.corpus.restore_stories)
    (10, ["CREATE TABLE story_index (term VARCHAR NOT NULL, key INTEGER NOT NULL)",
          "CREATE INDEX story_index_term ON story_index (term)",
          "CREATE INDEX story_index_key ON story_index (key)", _fill_story_index]),
    # each article's story_keys (rashomon.framing.loaded): the words and lemmas it gives its
    # story's loaded-wording pools and those its own marking reads (JSON lists), so an add
    # re-marks only the articles of a big story whose marking can change; filled as needed
    (11, ["CREATE TABLE loaded_keys (article VARCHAR PRIMARY KEY, words VARCHAR NOT NULL, "
          "lemmas VARCHAR NOT NULL, reads VARCHAR NOT NULL)"]),
    # the sentence a story's timeline quotes for each dated event mention of an article
    # (compare.timeline.mention_sentence), so an add builds a big story's timeline without
    # loading its members' texts; filled as needed
    (12, ["CREATE TABLE mention_sentences (article VARCHAR NOT NULL, pos INTEGER NOT NULL, "
          "start INTEGER NOT NULL, stop INTEGER NOT NULL, text VARCHAR NOT NULL)"]),
    # each reuse pair's kind beside its JSON: choosing a big story's compared articles reads the
    # kinds of its pairs, and a read of ``data`` scans the whole column (its substitutions)
    (13, ["ALTER TABLE reuse ADD COLUMN kind VARCHAR",
          "UPDATE reuse SET kind = json_extract_string(data, '$.kind')"]),
    # each story's sums over its members for the storylines' vectors and relation rates, with the
    # members they cover (rashomon.store.storylines.write_vectors): an add reads the features
    # and texts of a story's new members only; filled story by story as they are touched
    (14, [STORY_COUNTS]),
    # no ART index on the reuse features' hashes and band keys: the candidate queries join them by
    # hash (DuckDB's hash join scans them; it reads no index), and the indexes were held in memory
    # as the store grew (on a copy at 10,029 articles, 2,000 more added: DuckDB's memory at the
    # corpus step 212 -> 104 MB, the step's peak 1,994 -> 1,884 MB, the reuse stage 73 s either way)
    (15, ["DROP INDEX IF EXISTS reuse_band_key", "DROP INDEX IF EXISTS reuse_fp_hash",
          "DROP INDEX IF EXISTS reuse_quote_hash"]),
    # the storyline relations' words are read in context (a de-escalation relation, "over" only
    # beside a truce word): the kept relation sums are counted again for each story an add touches
    (16, ["DELETE FROM story_counts"]),
]

LATEST = MIGRATIONS[-1][0]


def current_version(con) -> int:
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(con, path: str) -> int:
    """Bring the store at ``path`` to the latest schema; return the version it is at."""
    version = current_version(con)
    if version > LATEST:
        raise StoreError(f"{path}: store schema version {version} is newer than this rashomon "
                         f"knows ({LATEST}); upgrade rashomon to open it")
    for step, statements in MIGRATIONS:
        if step <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for sql in statements:
                if callable(sql):
                    sql(con)
                else:
                    con.execute(sql)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(step)])
            con.execute("COMMIT")
        except Exception as e:
            con.execute("ROLLBACK")
            raise StoreError(f"{path}: migration to schema version {step} failed: {e}") from e
        version = step
    return version
