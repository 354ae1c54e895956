"""Spark engine, output: the analysis as Parquet tables, one folder per table.

Each table has a few key columns for filtering and joining, and ``data``: the row's full
contract object as JSON (the objects are nested and their added fields vary, so a fixed columnar
schema would drop them). Tables: articles, rejected, reuse, entities, quotes, times, events,
stories, storylines. The articles table is written from the executors when the corpus is too
large to bring to the driver; the others are compact and written from the driver.
"""
from __future__ import annotations

import json
import os

# table -> key columns (name, contract field); every column is a string except ``seq``
KEYS = {
    "rejected": (("path", None), ("reason", "reason")),
    "reuse": (("a", "a"), ("b", "b"), ("kind", "kind")),
    "entities": (("id", "id"), ("name", "name"), ("type", "type")),
    "quotes": (("article", "article"), ("speaker", "speaker")),
    "times": (("article", "article"), ("value", "value")),
    "events": (("id", "id"), ("type", "type")),
    "stories": (("id", "id"), ("title", "title"), ("start", "start"), ("end", "end")),
    "storylines": (("id", "id"), ("title", "title")),
}
ARTICLE_KEYS = ("id", "outlet", "title", "published", "published_basis", "language")


def _row(table: str, obj) -> tuple:
    d = obj.to_json() if hasattr(obj, "to_json") else obj
    vals = []
    for _name, key in KEYS[table]:
        v = d["source"]["path"] if key is None else d.get(key)
        vals.append(None if v is None else str(v))
    return (*vals, json.dumps(d, ensure_ascii=False))


def _article_row(seq: int, a) -> tuple:
    d = a.to_json()
    return (seq, d.get("source", {}).get("path"), *(d.get(k) for k in ARTICLE_KEYS), json.dumps(d, ensure_ascii=False))


def write_tables(spark, result, path: str) -> dict[str, str]:
    """Write every table under ``path`` (overwriting); return {table: folder}."""
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    analysis = result.analysis
    written = {}
    art_schema = StructType([StructField("seq", LongType()), StructField("source_path", StringType()),
                             *(StructField(k, StringType()) for k in ARTICLE_KEYS), StructField("data", StringType())])
    if result.articles_rdd is not None:
        arts = spark.createDataFrame(result.articles_rdd.map(lambda sa: _article_row(*sa)), art_schema)
    else:
        arts = spark.createDataFrame([_article_row(i, a) for i, a in enumerate(analysis.articles)],
                                     art_schema).coalesce(1)
    tables = {"articles": arts}
    for table, keys in KEYS.items():
        schema = StructType([*(StructField(n, StringType()) for n, _ in keys), StructField("data", StringType())])
        rows = [_row(table, x) for x in getattr(analysis, table)]
        tables[table] = spark.createDataFrame(rows, schema).coalesce(1)
    for table, df in tables.items():
        folder = os.path.join(path, table)
        df.write.mode("overwrite").parquet(folder)
        written[table] = folder
    return written
