"""The Spark engine: ``rashomon analyze --engine spark INPUT... --out DIR`` on a Spark cluster.

The same stages as ``rashomon.pipeline.analyze``, split into what runs on executors and what
runs on the driver (docs/spark.md says why):

* executors: reading, cleaning, splitting and metadata per file (``spark_ingest``); reuse
  features, candidate pairs by DataFrame joins and their alignment (``spark_reuse``); the spaCy
  pass and every per-article component (``spark_corpus.annotate_partition``); story clustering
  per time bucket (``spark_corpus.cluster_stories``);
* driver, over compact results: dates of undated copies, entity resolution, speaker linking,
  event merging; and, when the corpus has at most ``json_max`` articles, the whole-corpus
  stages that need the texts (story dates, storylines, loaded wording, comparison), then
  ``analysis.json`` and the report.

Results: Parquet tables in ``DIR/parquet/`` (``spark_tables``), always. pyspark is imported only
inside functions (``pip install rashomon[spark]``).
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass, field

from ..errors import RashomonError
from ..model import Analysis, Article, Rejection, Source

JSON_MAX = 50_000  # corpora up to this many articles also get analysis.json and the report
BUCKET_MAX = 20_000  # articles per story bucket, at most (cut inside a run of close days)


@dataclass
class SparkResult:
    """What the engine found: the Analysis (complete when ``complete``, else articles left out
    and the text-bound stages not run) and the article count."""

    analysis: Analysis
    n_articles: int
    complete: bool
    stats: dict = field(default_factory=dict)
    articles_rdd: object = None  # RDD of (seq, Article) when the articles are not in ``analysis``


def _java_home() -> None:
    """Set JAVA_HOME from the ``java`` on PATH when it is not set (pyspark needs it)."""
    if os.environ.get("JAVA_HOME"):
        return
    java = shutil.which("java")
    if java is None:
        raise RashomonError("the Spark engine needs Java (17): install it or set JAVA_HOME")
    os.environ["JAVA_HOME"] = os.path.dirname(os.path.dirname(os.path.realpath(java)))


def session(master: str | None = None, *, app: str = "rashomon", conf: dict | None = None):
    """A SparkSession: ``master`` if given, else what spark-submit set, else ``local[*]``. Local
    masters bind to 127.0.0.1 (no network needed) and use few shuffle partitions."""
    try:
        from pyspark import SparkConf
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise RashomonError("the Spark engine needs pyspark: pip install 'rashomon[spark]'") from e
    _java_home()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    sc_conf = SparkConf().setAppName(app)
    if master:
        sc_conf.setMaster(master)
    elif not sc_conf.contains("spark.master"):
        sc_conf.setMaster("local[*]")
    if sc_conf.get("spark.master", "").startswith("local"):
        for k, v in (("spark.driver.host", "127.0.0.1"), ("spark.driver.bindAddress", "127.0.0.1"),
                     ("spark.sql.shuffle.partitions", "4"), ("spark.ui.enabled", "false"), ("spark.ui.showConsoleProgress", "false")):
            if not sc_conf.contains(k):
                sc_conf.set(k, v)
    for k, v in (conf or {}).items():
        sc_conf.set(k, str(v))
    return SparkSession.builder.config(conf=sc_conf).getOrCreate()


def _articles(sc, paths) -> tuple:
    """(RDD of (seq, Article) in read order with unique ids, cached; rejections; the articles'
    (id, published, published_basis) by seq, collected on the driver)."""
    from .spark_ingest import list_inputs, read_partition, repeated_lines

    files, rejected = list_inputs(paths)
    if not files:
        return sc.emptyRDD(), rejected, {}
    files_rdd = sc.parallelize(list(enumerate(files)), min(len(files), sc.defaultParallelism * 2))
    rep = sc.broadcast(repeated_lines(files_rdd))
    items = files_rdd.mapPartitions(lambda rows: read_partition(rows, rep)).cache()
    found = sorted(items.map(lambda kv: (kv[0], kv[1]) if isinstance(kv[1], Rejection) else
                             (kv[0], (kv[1].id, kv[1].published, kv[1].published_basis))).collect(),
                   key=lambda kv: kv[0])
    rejected += [x for _, x in found if isinstance(x, Rejection)]
    # read order gives each article its seq; the same content twice: both kept, later copies
    # renamed id-2, id-3... (as the local engine does)
    meta, seq_of, seen = {}, {}, {}
    for key, x in found:
        if isinstance(x, Rejection):
            continue
        seen[x[0]] = n = seen.get(x[0], 0) + 1
        seq_of[key] = (len(meta), f"{x[0]}-{n}" if n > 1 else None)
        meta[len(meta)] = (f"{x[0]}-{n}" if n > 1 else x[0], *x[1:])
    b = sc.broadcast(seq_of)
    arts = (items.filter(lambda kv: not isinstance(kv[1], Rejection))
            .map(lambda kv: (b.value[kv[0]][0], _renamed(kv[1], b.value[kv[0]][1]))).cache())
    arts.count()
    items.unpersist()
    return arts, rejected, meta


def _renamed(a: Article, new_id: str | None) -> Article:
    if new_id is not None:
        a.id = new_id
    return a


def _dated(a: Article, day: str | None) -> Article:
    if day is not None:
        a.published, a.published_basis = day, "inferred"
    return a


def run(spark, paths, *, json_max: int = JSON_MAX, bucket_max: int = BUCKET_MAX) -> SparkResult:
    """Analyse the inputs on the session's cluster (see module docstring)."""
    from ..reuse import infer_dates
    from .spark_corpus import annotate_partition, cluster_stories, resolve
    from .spark_reuse import find_reuse

    sc = spark.sparkContext
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    stats: dict = {}
    t = time.perf_counter()
    arts, rejected, meta = _articles(sc, paths)
    n = len(meta)
    stats["read_seconds"] = time.perf_counter() - t
    analysis = Analysis(rejected=rejected)
    if n == 0:
        return SparkResult(analysis, 0, True, stats)
    seq_of = {m[0]: s for s, m in meta.items()}

    t = time.perf_counter()
    reuse = find_reuse(spark, arts)
    reuse.sort(key=lambda r: sorted((seq_of[r["a"]], seq_of[r["b"]])))
    stubs = [Article(m[0], Source(""), "", published=m[1], published_basis=m[2]) for _, m in sorted(meta.items())]
    dates = infer_dates(stubs, reuse)
    if dates:
        b_dates = sc.broadcast(dates)
        arts = arts.map(lambda sa: (sa[0], _dated(sa[1], b_dates.value.get(sa[1].id)))).cache()
    stats["reuse_seconds"] = time.perf_counter() - t

    t = time.perf_counter()
    anns_rdd = arts.mapPartitions(annotate_partition).cache()
    anns = [d for _, d in sorted(anns_rdd.collect(), key=lambda kv: kv[0])]
    quoted = sc.broadcast({d["id"] for d in anns if d["quotes"]})
    texts = dict(arts.filter(lambda sa: sa[1].id in quoted.value).map(lambda sa: (sa[1].id, sa[1].text)).collect())
    analysis.entities, analysis.quotes, analysis.events = resolve(anns, texts)
    analysis.times = [x for d in anns for x in d["times"]]
    stats["nlp_seconds"] = time.perf_counter() - t

    t = time.perf_counter()
    analysis.stories, stats["story_buckets"] = cluster_stories(
        sc, [d["features"] for d in anns], bucket_max=bucket_max)
    stats["stories_seconds"] = time.perf_counter() - t
    analysis.reuse = reuse
    complete = n <= json_max
    t = time.perf_counter()
    if complete:
        analysis.articles = [a for _, a in sorted(arts.collect(), key=lambda sa: sa[0])]
        _driver_stages(analysis, anns)
    else:
        from ..stories import storylines_stage
        from ..stories.features import ArticleFeatures

        analysis.articles = stubs  # only for the storylines' lookup; not written
        storylines_stage(analysis, features={d["id"]: ArticleFeatures(**d["features"]) for d in anns})
        analysis.articles = []
    stats["driver_seconds"] = time.perf_counter() - t
    anns_rdd.unpersist()
    analysis.stats.update(stats)
    return SparkResult(analysis, n, complete, stats, articles_rdd=None if complete else arts)


def _driver_stages(analysis: Analysis, anns: list[dict]) -> None:
    """The local engine's last stages, on the driver: story dates, storylines, loaded, compare."""
    from ..compare import compare_stage
    from ..events import merge_events
    from ..framing import loaded_stage
    from ..pipeline import infer_story_dates, redate_event_mentions
    from ..stories import storylines_stage
    from ..stories.features import ArticleFeatures

    event_mentions = [m for d in anns if d["english"] for m in d["events"]]
    features = [ArticleFeatures(**d["features"]) for d in anns]
    ctx: dict = {"story_features": features, "event_mentions": event_mentions,
                 "loaded_pos": {d["id"]: d["loaded_pos"] for d in anns if d.get("loaded_pos")},
                 "loaded_ext": {d["id"]: d["loaded_ext"] for d in anns if d.get("loaded_ext")}}
    redo = infer_story_dates(analysis)
    if redo and redate_event_mentions(event_mentions, analysis.times,
                                      {a.id: a for a in analysis.articles if a.id in redo}):
        analysis.events = merge_events(event_mentions, analysis.entities)
    storylines_stage(analysis, features={f.id: f for f in features})
    loaded_stage(analysis, ctx)
    compare_stage(analysis, ctx)


def analyze(paths, *, master: str | None = None, out: str | None = None, **kw) -> SparkResult:
    """Start a session, run the engine, write the Parquet tables to ``out`` (if given), stop."""
    spark = session(master)
    try:
        result = run(spark, paths, **kw)
        if out is not None:
            from .spark_tables import write_tables

            write_tables(spark, result, os.path.join(out, "parquet"))
        return result
    finally:
        spark.stop()


def run_cli(args) -> int:
    """``rashomon analyze --engine spark``: Parquet always; analysis.json (and the report unless
    ``--no-report``) when the corpus is at most ``RASHOMON_SPARK_JSON_MAX`` articles."""
    from ..output import write

    json_max = int(os.environ.get("RASHOMON_SPARK_JSON_MAX", JSON_MAX))
    bucket_max = int(os.environ.get("RASHOMON_SPARK_BUCKET_MAX", BUCKET_MAX))
    result = analyze(args.inputs, master=args.master, out=args.out, json_max=json_max, bucket_max=bucket_max)
    analysis = result.analysis
    for r in analysis.rejected:
        print(f"rejected: {r.source}: {r.reason}", file=sys.stderr)
    print(f"{result.n_articles} articles, {len(analysis.rejected)} rejected")
    print(f"parquet: {os.path.join(args.out, 'parquet')}")
    if result.complete and "://" not in args.out:
        for kind, path in write(analysis, args.out, report=not args.no_report).items():
            print(f"{kind}: {path}")
    elif not result.complete:
        print(f"more than {json_max} articles: Parquet only (no analysis.json, no report)", file=sys.stderr)
    if not result.n_articles:
        print("rashomon: no article could be read from the input", file=sys.stderr)
        return 1
    return 0
