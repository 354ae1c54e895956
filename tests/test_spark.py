"""The Spark engine gives the local engine's articles, reuse pairs, stories and entities.

One local[2] SparkSession for the module; skipped only when pyspark or Java is missing.
"""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from rashomon.engines.spark_corpus import UNDATED, bucket_of, buckets
from rashomon.engines.spark_ingest import list_inputs

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"

needs_spark = pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="the Spark engine test needs pyspark (pip install 'rashomon[spark]') and Java 17")


def test_spark_buckets_cut_at_long_gaps_and_at_size():
    days = [(100, 5), (110, 5), (150, 1), (151, 1), (152, 1)]
    assert buckets(days, max_gap=30, bucket_max=100) == [100, 150]
    assert buckets(days, max_gap=30, bucket_max=8) == [100, 110, 150]
    starts = [100, 150]
    assert [bucket_of(d, starts) for d in (100, 149, 150, 400)] == [0, 0, 1, 1]
    assert bucket_of(None, starts) == UNDATED and bucket_of(None, [100]) == 0


def test_spark_list_inputs_in_read_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "empty").mkdir()
    for name in ("b/2.txt", "a.txt", "b/1.txt", ".hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    files, rejected = list_inputs([tmp_path / "b", tmp_path / "a.txt", tmp_path / "empty"])
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == ["b/1.txt", "b/2.txt", "a.txt"]
    assert [r.reason for r in rejected] == ["no files in the directory (hidden files are skipped)"]


@pytest.fixture(scope="module")
def spark():
    from rashomon.engines.spark import session

    s = session("local[2]", app="rashomon-test", conf={
        "spark.driver.memory": "1g", "spark.sql.shuffle.partitions": "2",
        "spark.ui.showConsoleProgress": "false"})
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def both(spark):
    from rashomon.engines.spark import run
    from rashomon.pipeline import analyze

    return run(spark, [str(CORPUS)]), analyze([str(CORPUS)], workers=1)


def _entities(analysis):
    return sorted((e["name"], tuple(sorted((m["article"], m["start"], m["end"]) for m in e["mentions"])))
                  for e in analysis.entities)


@needs_spark
def test_spark_engine_matches_local_engine(both):
    result, local = both
    spark = result.analysis
    assert result.complete and result.n_articles == len(local.articles) > 0
    assert [a.id for a in spark.articles] == [a.id for a in local.articles]
    assert [a.published for a in spark.articles] == [a.published for a in local.articles]
    assert [(r["a"], r["b"], r["kind"]) for r in spark.reuse] == [(r["a"], r["b"], r["kind"]) for r in local.reuse]
    assert sorted(map(frozenset, (s["articles"] for s in spark.stories))) == \
        sorted(map(frozenset, (s["articles"] for s in local.stories)))
    assert _entities(spark) == _entities(local)
    assert [r.reason for r in spark.rejected] == [r.reason for r in local.rejected]


@needs_spark
def test_spark_engine_writes_valid_json_and_parquet(both, spark, tmp_path):
    import pyarrow.parquet as pq

    from rashomon.engines.spark_tables import write_tables
    from rashomon.output import write

    result, _local = both
    write(result.analysis, tmp_path, report=False)  # validates against the schema
    tables = write_tables(spark, result, str(tmp_path / "parquet"))
    arts = pq.read_table(tables["articles"]).to_pydict()
    assert sorted(arts["id"]) == sorted(a.id for a in result.analysis.articles)
    assert pq.read_table(tables["reuse"]).num_rows == len(result.analysis.reuse)
    assert pq.read_table(tables["stories"]).num_rows == len(result.analysis.stories)
