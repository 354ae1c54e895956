"""Spark engine, reuse: the batch's four candidate routes as DataFrame joins, judged on executors.

Per article, in ``mapPartitions``: the compact features of ``rashomon.reuse.features`` (content
hash, MinHash signature, body fingerprints, quoted 6-grams) and the signature's LSH band keys
(``rashomon.store.reuse.band_keys``, the banding of ``MinHashLSH(params=(bands, rows))``). Then
the same routes and cut-offs as ``rashomon.reuse.candidates`` over the whole corpus:

* ``exact``: equal content hashes;
* ``lsh``: a shared band key, buckets of more than ``BUCKET_MAX`` articles skipped;
* ``passage`` / ``quote``: at least ``PASSAGE_MIN`` / ``QUOTE_MIN`` shared hashes, hashes held by
  more than ``DF_MAX`` articles ignored.

Each candidate pair (i < j in read order) is joined with both articles and judged with
``rashomon.reuse.judge_candidates``, as in a batch.
"""
from __future__ import annotations

from ..reuse.candidates import BUCKET_MAX, DF_MAX, PASSAGE_MIN, QUOTE_MIN


def _feature_rows(rows):
    """Executor side: (seq, Article) -> one row per article and per hash, tagged by table."""
    import numpy as np

    from ..reuse import LSHParams, features
    from ..store.reuse import band_keys

    rows = list(rows)
    if not rows:
        return
    params = LSHParams()
    f = features((a.text for _, a in rows), params)
    keys = band_keys(f.signatures, params)
    fp = {}
    for table, hashes, docs in (("fp", f.fp_hash, f.fp_doc), ("quote", f.q_hash, f.q_doc)):
        for h, d in zip(hashes.view(np.int64).tolist(), docs.tolist()):
            fp.setdefault((table, d), set()).add(h)
    for n, (seq, _a) in enumerate(rows):
        yield ("content", seq, bytes(f.content[n]))
        for k in keys[n].tolist():
            yield ("band", seq, k)
        for table in ("fp", "quote"):
            for h in sorted(fp.get((table, n), ())):
                yield (table, seq, h)


def candidate_pairs(spark, articles):
    """DataFrame (i, j, ci, cj) of candidate pairs with both content hashes, ``i < j`` the articles' read order.

    ``articles``: RDD of (seq, Article)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import BinaryType, LongType, StructField, StructType

    rows = articles.mapPartitions(_feature_rows)
    schema = StructType([StructField("seq", LongType()), StructField("h", LongType())])
    content = spark.createDataFrame(rows.filter(lambda r: r[0] == "content").map(lambda r: (r[1], r[2])),
                                    StructType([StructField("seq", LongType()), StructField("c", BinaryType())]))

    def table(name):
        return spark.createDataFrame(rows.filter(lambda r, n=name: r[0] == n).map(lambda r: (r[1], r[2])),
                                     schema).distinct()

    def shared(df, key, max_df=None, least=1):
        """Pairs (i < j) sharing at least ``least`` values of ``key``, values held by more than
        ``max_df`` articles skipped."""
        sizes = df.groupBy(key).count().where(F.col("count") > 1)
        if max_df is not None:
            sizes = sizes.where(F.col("count") <= max_df)
        kept = df.join(sizes.select(key), key)
        x, y = kept.alias("x"), kept.alias("y")
        pairs = (x.join(y, (F.col(f"x.{key}") == F.col(f"y.{key}")) & (F.col("x.seq") < F.col("y.seq")))
                 .select(F.col("x.seq").alias("i"), F.col("y.seq").alias("j")))
        if least > 1:
            return pairs.groupBy("i", "j").count().where(F.col("count") >= least).select("i", "j")
        return pairs.distinct()

    routes = [("exact", shared(content, "c")), ("lsh", shared(table("band"), "h", BUCKET_MAX)),
              ("passage", shared(table("fp"), "h", DF_MAX, PASSAGE_MIN)),
              ("quote", shared(table("quote"), "h", DF_MAX, QUOTE_MIN))]
    union = None
    for _name, df in routes:
        union = df if union is None else union.unionByName(df)
    cands = union.distinct()
    content_of = content.select(F.col("seq").alias("k"), "c")
    return (cands.join(content_of.withColumnRenamed("c", "ci"), F.col("i") == F.col("k")).drop("k")
            .join(content_of.withColumnRenamed("c", "cj"), F.col("j") == F.col("k")).drop("k"))


def _judge_partition(rows):
    """Executor side: ((i, j, ci, cj), art_i, art_j) rows -> (i, j, Reuse dict)."""
    from ..reuse import Features, LSHParams, judge_candidates

    rows = list(rows)
    arts, content = {}, {}
    for (i, j, ci, cj), ai, aj in rows:
        arts[i], arts[j], content[i], content[j] = ai, aj, bytes(ci), bytes(cj)
    order = sorted(arts)
    index = {s: n for n, s in enumerate(order)}
    local = [arts[s] for s in order]
    for a in local:  # as in a batch: reuse is judged before the loaded-wording stage fills these
        a.loaded = []
    feats = Features(LSHParams(), content=[content[s] for s in order])
    cands = {(index[i], index[j]): set() for (i, j, _ci, _cj), _ai, _aj in rows}
    for r in judge_candidates(local, feats, cands):
        yield r


def find_reuse(spark, articles) -> list[dict]:
    """The corpus's Reuse dicts, in the batch's order (by the pair's read order).

    ``articles``: RDD of (seq, Article), cached by the caller."""
    cands = candidate_pairs(spark, articles).rdd.map(lambda r: (r["i"], (r["i"], r["j"], r["ci"], r["cj"])))
    with_i = cands.join(articles).map(lambda kv: (kv[1][0][1], (kv[1][0], kv[1][1])))
    with_j = with_i.join(articles).map(lambda kv: (kv[1][0][0], kv[1][0][1], kv[1][1]))
    return with_j.mapPartitions(_judge_partition).collect()
