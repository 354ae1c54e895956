"""Reuse, incrementally: candidates of new articles against the stored features, found in SQL.

``rashomon.reuse`` computes compact per-article features (content hash, MinHash signature, body
fingerprints, quoted 6-grams) and proposes candidate pairs over one in-memory batch. The store
keeps those features as rows and proposes, for each new article, the same four routes against
every article stored before it:

* ``exact``: equal content hash;
* ``lsh``: a shared LSH band key (a 64-bit hash of the band's ``rows`` signature values, one key
  per band: the same banding as ``MinHashLSH(params=(bands, rows))``), buckets of more than
  ``BUCKET_MAX`` articles skipped;
* ``passage`` / ``quote``: at least ``PASSAGE_MIN`` / ``QUOTE_MIN`` shared hashes, hashes held by
  more than ``DF_MAX`` stored articles ignored.

The pairs are judged with ``rashomon.reuse.judge_candidates``, exactly as in a batch. Differences
from a batch over the same articles: the ``DF_MAX`` / ``BUCKET_MAX`` stock-text cut-offs count the
articles stored so far, not the final corpus; an undated article already stored keeps the date it
was given before (the earliest copy known *then*).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..model import Article
from ..reuse import Features, LSHParams, features, infer_dates, judge_candidates
from ..reuse.candidates import BUCKET_MAX, DF_MAX, PASSAGE_MIN, QUOTE_MIN
from .rows import bulk_insert

_M64 = np.uint64(0x9E3779B97F4A7C15)


def band_keys(signatures: np.ndarray, params: LSHParams) -> np.ndarray:
    """(n, bands) int64 keys: one hash per band of ``rows`` signature values and the band number."""
    n = len(signatures)
    keys = np.empty((n, params.bands), dtype=np.uint64)
    sig = signatures.astype(np.uint64)
    with np.errstate(over="ignore"):
        for b in range(params.bands):
            h = np.full(n, b + 1, dtype=np.uint64)
            for r in range(params.rows):
                h = h * _M64 + sig[:, b * params.rows + r] + np.uint64(1)
                h ^= h >> np.uint64(29)
            keys[:, b] = h
    return keys.view(np.int64)


def store_features(con, articles: Sequence[Article], params: LSHParams = LSHParams()) -> Features:
    """Compute and write the reuse features of ``articles``; return them (row i = article i)."""
    f = features((a.text for a in articles), params)
    ids = [a.id for a in articles]
    bulk_insert(con, "reuse_sig", ("article", "content", "sig"),
                [(aid, f.content[i], f.signatures[i].tobytes()) for i, aid in enumerate(ids)])
    keys = band_keys(f.signatures, params)
    bulk_insert(con, "reuse_band", ("key", "article"),
                [(int(k), ids[i]) for i in range(len(ids)) for k in keys[i]])
    bulk_insert(con, "reuse_fp", ("hash", "article"),
                [(int(h), ids[int(d)]) for h, d in zip(f.fp_hash, f.fp_doc)])
    bulk_insert(con, "reuse_quote", ("hash", "article"),
                [(int(h), ids[int(d)]) for h, d in zip(f.q_hash, f.q_doc)])
    return f


def _pairs(con) -> dict[tuple[str, str], set[str]]:
    """Candidate pairs (new article, article stored before it) for the articles in ``new_batch``."""
    out: dict[tuple[str, str], set[str]] = {}
    # x: a new article; y: any article with a lower seq (stored before, or earlier in this batch)
    queries = {
        "exact": """SELECT n.article, y.article FROM new_batch n
            JOIN reuse_sig x ON x.article = n.article
            JOIN reuse_sig y ON y.content = x.content AND y.article <> x.article
            JOIN articles ay ON ay.id = y.article WHERE ay.seq < n.seq""",
        "lsh": f"""WITH big AS (SELECT key FROM reuse_band WHERE key IN (SELECT b.key FROM reuse_band b
                    JOIN new_batch n ON n.article = b.article) GROUP BY key HAVING count(*) > {BUCKET_MAX})
            SELECT DISTINCT n.article, y.article FROM new_batch n
            JOIN reuse_band x ON x.article = n.article
            JOIN reuse_band y ON y.key = x.key AND y.article <> x.article
            JOIN articles ay ON ay.id = y.article
            WHERE ay.seq < n.seq AND x.key NOT IN (SELECT key FROM big)""",
    }
    for table, route, least in (("reuse_fp", "passage", PASSAGE_MIN), ("reuse_quote", "quote", QUOTE_MIN)):
        queries[route] = f"""WITH stock AS (SELECT hash FROM {table} WHERE hash IN (SELECT t.hash FROM {table} t
                    JOIN new_batch n ON n.article = t.article) GROUP BY hash HAVING count(*) > {DF_MAX})
            SELECT n.article, y.article FROM new_batch n
            JOIN {table} x ON x.article = n.article
            JOIN {table} y ON y.hash = x.hash AND y.article <> x.article
            JOIN articles ay ON ay.id = y.article
            WHERE ay.seq < n.seq AND x.hash NOT IN (SELECT hash FROM stock)
            GROUP BY n.article, y.article HAVING count(*) >= {least}"""
    for route, sql in queries.items():
        for x, y in con.execute(sql).fetchall():
            out.setdefault((x, y), set()).add(route)
    return out


def add_reuse(con, batch: Sequence[Article], seqs: dict[str, int], load_articles) -> dict[str, str]:
    """Find and write the reuse pairs between ``batch`` (already in ``articles``, with its
    features written) and every article stored before each; date undated copies.

    ``load_articles(ids)`` returns stored Articles. Returns ``{article id: inferred date}`` for the
    articles whose date was inferred (new or stored; the stored rows are updated here)."""
    bulk_insert(con, "new_batch", ("article", "seq"), [(a.id, seqs[a.id]) for a in batch])
    try:
        pairs = _pairs(con)
    finally:
        con.execute("DELETE FROM new_batch")
    batch_ids = {a.id for a in batch}
    other = sorted({y for _x, y in pairs if y not in batch_ids})
    content, seqs = {}, dict(seqs)
    for aid, c, seq in con.execute(
            "SELECT r.article, r.content, a.seq FROM reuse_sig r JOIN articles a ON a.id = r.article "
            "WHERE r.article IN (SELECT unnest($1))", [other + sorted(batch_ids)]).fetchall():
        content[aid], seqs[aid] = c, seq
    # the articles in read order: stored ones first (by seq), then the batch
    stored = load_articles(other)
    for a in stored:  # as in a batch, reuse is judged before the loaded-wording stage fills these
        a.loaded = []
    local = sorted(stored, key=lambda a: seqs[a.id]) + list(batch)
    index = {a.id: i for i, a in enumerate(local)}
    feats = Features(LSHParams(), content=[content[a.id] for a in local])
    cands: dict[tuple[int, int], set[str]] = {}
    for (x, y), routes in pairs.items():
        i, j = sorted((index[x], index[y]))
        cands.setdefault((i, j), set()).update(routes)
    found = judge_candidates(local, feats, cands)
    bulk_insert(con, "reuse", ("a", "b", "lo", "hi", "data", "kind"),
                [(r["a"], r["b"], min(seqs[r["a"]], seqs[r["b"]]), max(seqs[r["a"]], seqs[r["b"]]),
                  _dumps(r), r["kind"]) for r in found])
    dates = infer_dates(local, found)
    by_id = {a.id: a for a in local}
    for aid, day in dates.items():
        by_id[aid].published, by_id[aid].published_basis = day, "inferred"
        if aid not in batch_ids:
            con.execute("UPDATE articles SET published = ?, published_basis = 'inferred' WHERE id = ?",
                        [day, aid])
    return dates


def _dumps(r):
    from .rows import dumps

    return dumps(r)
