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
    """Executor side: (seq, Article) -> (route, key, seq) rows: the content hash, the LSH band
    keys, the body fingerprints and the quoted 6-grams of each article."""
    import numpy as np

    from ..reuse import LSHParams, features
    from ..store.reuse import band_keys

    rows = list(rows)
    if not rows:
        return
    params = LSHParams()
    f = features((a.text for _, a in rows), params)
    keys = band_keys(f.signatures, params)
    for n, (seq, _a) in enumerate(rows):
        yield "exact", f.content[n].hex(), seq
        for k in keys[n].tolist():
            yield "lsh", str(k), seq
    for route, hashes, docs in (("passage", f.fp_hash, f.fp_doc), ("quote", f.q_hash, f.q_doc)):
        for h, d in set(zip(hashes.view(np.int64).tolist(), docs.tolist())):
            yield route, str(h), rows[d][0]


def candidate_pairs(spark, articles):
    """DataFrame (i, j, routes) of candidate pairs, ``i < j`` the articles' read order.

    One query for the four routes: the (route, key, article) rows, keys held by too many
    articles dropped (a window count), a self-join on (route, key), pairs sharing too few keys
    dropped. ``articles``: RDD of (seq, Article)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    schema = StructType([StructField("route", StringType()), StructField("key", StringType()),
                         StructField("seq", LongType())])
    rows = spark.createDataFrame(articles.mapPartitions(_feature_rows), schema).distinct()
    route = F.col("route")
    most = (F.when(route == "lsh", BUCKET_MAX).when(route.isin("passage", "quote"), DF_MAX)
            .otherwise(F.lit(2 ** 31)))
    least = F.when(route == "passage", PASSAGE_MIN).when(route == "quote", QUOTE_MIN).otherwise(1)
    n = F.count("*").over(Window.partitionBy("route", "key"))
    kept = rows.withColumn("n", n).where((F.col("n") > 1) & (F.col("n") <= most)).drop("n")
    x = kept.select("route", "key", F.col("seq").alias("i"))
    y = kept.select("route", "key", F.col("seq").alias("j"))
    pairs = (x.join(y, ["route", "key"]).where(F.col("i") < F.col("j"))
             .groupBy("i", "j", "route").count().where(F.col("count") >= least))
    return pairs.groupBy("i", "j").agg(F.collect_set("route").alias("routes"))


def _judge_partition(rows):
    """Executor side: ((i, j, routes), art_i, art_j) rows -> Reuse dicts."""
    from ..reuse import Features, LSHParams, judge_candidates

    rows = list(rows)
    arts, exact = {}, set()
    for (i, j, routes), ai, aj in rows:
        arts[i], arts[j] = ai, aj
        if "exact" in routes:  # the same words: one content class per exact group
            exact.add((i, j))
    order = sorted(arts)
    index = {s: n for n, s in enumerate(order)}
    local = [arts[s] for s in order]
    for a in local:  # as in a batch: reuse is judged before the loaded-wording stage fills these
        a.loaded = []
    # ``judge_candidates`` compares content hashes: one class per group of exact pairs
    root = {s: s for s in order}

    def find(s):
        while root[s] != s:
            s = root[s]
        return s

    for i, j in exact:
        root[find(j)] = find(i)
    content = [find(s).to_bytes(8, "big") for s in order]
    feats = Features(LSHParams(), content=content)
    cands = {(index[i], index[j]): set() for (i, j, _r), _ai, _aj in rows}
    for r in judge_candidates(local, feats, cands):
        yield r


def find_reuse(spark, articles) -> list[dict]:
    """The corpus's Reuse dicts, in the batch's order (by the pair's read order).

    ``articles``: RDD of (seq, Article), cached by the caller."""
    cands = candidate_pairs(spark, articles).rdd.map(lambda r: (r["i"], (r["i"], r["j"], list(r["routes"]))))
    with_i = cands.join(articles).map(lambda kv: (kv[1][0][1], (kv[1][0], kv[1][1])))
    with_j = with_i.join(articles).map(lambda kv: (kv[1][0][0], kv[1][0][1], kv[1][1]))
    return with_j.mapPartitions(_judge_partition).collect()
