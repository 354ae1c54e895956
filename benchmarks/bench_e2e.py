"""End-to-end `rashomon analyze` at scale: articles/second, peak memory, cost of each stage.

    python benchmarks/bench_e2e.py --n 1000 10000          # one fresh process per size
    python benchmarks/bench_e2e.py --n 100000 --workers 2
    python benchmarks/bench_e2e.py --n 100000 --workers 2 --slice 5000   # through the store
    python benchmarks/bench_e2e.py --n 100000 --workers 2 --slice 5000 --resume /work/rb100k

For each size a corpus of ~600-word articles is built in /tmp (never committed) by recombining
real paragraphs: those of our own example corpus and test fixtures and of the evaluation sets'
articles (read by path at run time). Each article takes runs of consecutive paragraphs from a few
source articles drawn at random until it has 600 words, an outlet, a date and a title (articles
arrive in date order, 1,000 a day at most, over four weeks at least: ``PER_DAY``); so
outlets, dates, stories and shared passages all occur, as in a real crawl. A quarter of the
articles republish or rewrite a recent one; a pool paragraph drawn again is perturbed, so reuse
stays at a crawl's rate as the corpus grows (see ``build``). Then the analysis
runs in its own process exactly as ``rashomon analyze CORPUS --out OUT --workers W`` does
(``analyze`` then ``write``, report included), sampled for peak RSS (its own plus its worker
processes', summed); prints articles/s (and in articles of 600 words: an article is built up to
the first paragraph that reaches 600, so they run longer), peak RSS, and the seconds of each stage from the
analysis' ``stats`` (the cost curve of each corpus-level stage) and of writing the output, each
with the main process's peak resident memory once it is done (``STAGE_peak_mb``: which stage
raised the peak).

``--resume DIR`` runs the ``--slice`` analysis in parts that survive the end of a session (the
100,000 run takes ~5 hours here): the corpus is built once in DIR and cut into parts of ``--slice``
articles; each part is one ``rashomon add`` of it to the store DIR/rashomon.duckdb (the corpus
step that ``--slice`` runs every N articles, here at the end of each part), in a new process,
sampled for peak RSS like a whole run. Each finished part is logged in DIR/parts.jsonl; run the
same command again and it goes on with the next part; once all are in, analysis.json and the
report are written from the store (as ``analyze --slice`` ends) and the totals printed: seconds
and articles/s over the parts that ran whole in one go (a part cut off and resumed has lost its
first seconds and is left out of the rate), and the peak RSS of every part and of the writing.

``--lsh N`` shows where reuse detection's memory goes: on the compact reuse features of the first
N articles of the corpus, the peak memory (tracemalloc) of its LSH route as it is (datasketch's
``MinHashLSH``: one Python dict entry and set per article and band) against a numpy banding of
the same signatures (sort each band's keys, pairs within runs), with the pairs compared.

    python benchmarks/bench_e2e.py --lsh 20000
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import random
import re
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SOURCES = [str(ROOT / "examples/corpus"), str(ROOT / "tests/fixtures"),
           *sorted(glob.glob(str(SHARED / "eval/*/*/articles.jsonl")))]
OUTLETS = ["Harbour Post", "Meridian Wire", "Coastline Herald", "Valley Times", "North Star",
           "Daily Ledger", "Observer Online", "Tamsara Watch", "City Courier", "Evening Signal"]
WORDS = 600


def paragraphs(paths: list[str]) -> list[list[str]]:
    """The paragraphs of every readable article under ``paths``, grouped by article."""
    from rashomon.pipeline import iter_articles

    out = []
    for a in iter_articles(paths):
        if not hasattr(a, "text"):
            continue
        paras = [p.strip() for p in re.split(r"\n\s*\n", a.text) if len(p.split()) >= 15]
        if paras:
            out.append(paras)
    return out


COPY_SHARE = 0.25    # articles that republish or rewrite a recent article of the corpus (wire copy)
REWRITE_SHARE = 0.5  # of those, rewrites: some words of each sentence swapped, the rest as the source
RECENT = 200         # the copied article is one of the last RECENT written
START = date(2025, 5, 1)  # the first day of the corpus
DAYS = 28            # it covers at least four weeks, and
PER_DAY = 1000       # ... at most this many articles a day (100,000: 100 days); articles arrive in
                     # date order, a report up to LAG days after the day it is dated, as a crawl
LAG = 1              # gathers them (not the whole corpus inside one month, in random order)
PERTURB = 4          # a pool paragraph used again is another outlet's text: every PERTURB-th word
                     # is replaced, so it shares no passage (and few shingles) with its earlier uses


def _perturb(para: str, rng: random.Random, vocab: list[str], every: int) -> str:
    words = para.split()
    start = rng.randrange(every)
    for k in range(start, len(words), every):
        words[k] = rng.choice(vocab)
    return " ".join(words)


def build(n: int, path: Path, seed: int = 7) -> int:
    """Write ``n`` recombined articles as JSONL to ``path``; returns the number of words.

    Reuse stays at the rate of a real crawl as ``n`` grows: ``COPY_SHARE`` of the articles copy a
    recent article (verbatim, or rewritten: every fourth word of a third of its sentences
    swapped), the others are runs of pool paragraphs. The pool is finite, so a paragraph drawn
    again is perturbed (``PERTURB``): without that, at 10,000 articles each would share text
    with some 190 others (939,000 candidate pairs), which no news crawl does."""
    rng = random.Random(seed)
    span = max(DAYS, -(-n // PER_DAY))  # days the corpus covers
    groups = paragraphs(SOURCES)
    vocab = sorted({w for g in groups for p in g for w in p.split() if w.isalpha() and w.islower()})
    seen: set[tuple[int, int]] = set()
    written: list[dict] = []
    total = 0
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            day = i * span // n + rng.randrange(LAG + 1)  # arrival follows the date, within LAG days
            if written and rng.random() < COPY_SHARE:
                src = rng.choice(written[-RECENT:])
                paras = src["text"].split("\n\n")
                if rng.random() < REWRITE_SHARE:
                    paras = [_perturb(p, rng, vocab, 4) if rng.random() < 0.33 else p for p in paras]
                title = src["title"]
                day = (date.fromisoformat(src["published"]) - START).days + rng.randrange(LAG + 1)
            else:
                paras, used, words = [], set(), 0
                while words < WORDS:  # a run of paragraphs in order from one article, then another
                    g = rng.randrange(len(groups))
                    k = rng.randrange(len(groups[g]))
                    while k < len(groups[g]) and words < WORDS and (g, k) not in used:
                        used.add((g, k))
                        para = groups[g][k]
                        paras.append(_perturb(para, rng, vocab, PERTURB) if (g, k) in seen else para)
                        seen.add((g, k))
                        words += len(para.split())
                        k += 1
                        if rng.random() < 0.3:
                            break
                title = " ".join(paras[0].split()[:rng.randint(6, 11)]).rstrip(",;:")
            rec = {"id": f"bench-{i}", "outlet": rng.choice(OUTLETS), "title": title,
                   "published": (START + timedelta(days=day)).isoformat(), "text": "\n\n".join(paras)}
            f.write(json.dumps(rec) + "\n")
            written.append(rec)
            if len(written) > RECENT:
                written.pop(0)
            total += sum(len(p.split()) for p in paras)
    return total


def child(corpus: str, out: str, workers: int, slice_size: int = 0) -> None:
    """What ``rashomon analyze`` does (with ``--slice`` when ``slice_size``), with the stage
    seconds saved to ``OUT/stats.json``."""
    from rashomon.memory import peak_mb
    from rashomon.output import write
    from rashomon.pipeline import analyze

    if slice_size:
        from rashomon.bounded import analyze_bounded

        _paths, stats = analyze_bounded(corpus.split(os.pathsep), out, slice_size=slice_size,
                                        workers=workers or None)
        stats = {k: v for k, v in stats.items() if k.endswith(("_seconds", "_peak_mb")) or k == "steps"}
        Path(out, "stats.json").write_text(json.dumps(stats), encoding="utf-8")
        return

    analysis = analyze(corpus.split(os.pathsep), workers=workers or None)
    t = time.perf_counter()
    write(analysis, out)
    analysis.stats["write_seconds"] = time.perf_counter() - t
    analysis.stats["write_peak_mb"] = peak_mb()
    Path(out, "stats.json").write_text(json.dumps(analysis.stats), encoding="utf-8")


def child_add(part: str, out: str, workers: int, slice_size: int) -> None:
    """One part of a ``--resume`` run: ``rashomon add`` of ``part`` to the store in ``out`` (as
    ``analyze_bounded`` adds, with its memory limit); its figures to ``OUT/part-stats.json``.
    ``part`` "-": write analysis.json and the report from the store instead."""
    from rashomon.bounded import BATCH, DB_NAME, MADE_BY, MEMORY_LIMIT, REPORT_STORIES, report_part
    from rashomon.memory import peak_mb, release
    from rashomon.store import open_store

    stats: dict = {}
    t0 = time.perf_counter()
    with open_store(Path(out, DB_NAME)) as store:
        if part == "-":
            from rashomon.output import write_json
            from rashomon.report import write_report

            write_json(store.stream(), Path(out, "analysis.json"))
            stats["write_seconds"] = time.perf_counter() - t0
            stats["write_peak_mb"] = peak_mb()
            t = time.perf_counter()
            write_report(report_part(store, REPORT_STORIES), out)
            stats["report_seconds"] = time.perf_counter() - t
            stats["report_peak_mb"] = peak_mb()
            stats.update(store.counts())
        else:
            store.con.execute("INSERT OR REPLACE INTO meta VALUES ('made_by', ?)", [MADE_BY])
            store.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            res = store.add([part], batch_size=BATCH, workers=workers or None, slice_size=slice_size)
            release()
            stats.update({f"add_{k}_seconds": v for k, v in res.seconds.items()})
            stats.update(steps=res.steps, new=len(res.new), present=res.present, rejected=len(res.rejected),
                         completed_pending=res.completed_pending)
            stats["stored"] = store.counts()["articles"]
    stats["seconds"] = time.perf_counter() - t0
    Path(out, "part-stats.json").write_text(json.dumps(stats), encoding="utf-8")


def resume(n: int, root: Path, workers: int | None, slice_size: int) -> None:
    """The ``--resume`` run (see the module doc): the next parts, then the output and the totals."""
    root.mkdir(parents=True, exist_ok=True)
    corpus = root / f"corpus-{n}.jsonl"
    parts = sorted(root.glob(f"part-{n}-*.jsonl"))
    if not parts:
        build(n, corpus)
        with corpus.open(encoding="utf-8") as f:
            for k in range(0, n, slice_size):
                with (root / f"part-{n}-{k // slice_size:04d}.jsonl").open("w", encoding="utf-8") as g:
                    for _ in range(min(slice_size, n - k)):
                        g.write(f.readline())
        corpus.unlink()
        parts = sorted(root.glob(f"part-{n}-*.jsonl"))
    log = root / "parts.jsonl"
    done = {json.loads(ln)["part"]: json.loads(ln) for ln in log.open(encoding="utf-8")} if log.exists() else {}
    started = root / "started"  # the part whose run began and has not been logged (cut off)
    for part in parts:
        if part.name in done:
            continue
        resumed = started.exists() and started.read_text(encoding="utf-8") == part.name
        started.write_text(part.name, encoding="utf-8")
        print(f"{part.name}: adding ({len(done)} of {len(parts)} parts in)" + (" - resumed" if resumed else ""),
              flush=True)
        secs, peak = run(part, root, workers, slice_size, add=True)
        stats = json.loads((root / "part-stats.json").read_text("utf-8"))
        rec = {"part": part.name, "commit": _commit(), "seconds": round(secs, 1), "peak_rss_mb": round(peak),
               "resumed": resumed,
               "load_average": round(os.getloadavg()[0], 2), "when": time.strftime("%Y-%m-%d %H:%M:%S"),
               **stats}
        with log.open("a", encoding="utf-8") as f:
            f.write(json.dumps(rec) + "\n")
        started.unlink()
        done[part.name] = rec
        _print_part(rec)
    secs, peak = run("-", root, workers, slice_size, add=True)
    out = json.loads((root / "part-stats.json").read_text("utf-8"))
    whole = [r for r in done.values() if not r["resumed"]]
    new = sum(r["new"] for r in whole)
    run_s = sum(r["seconds"] for r in whole)
    print(f"\n{n} articles in {len(parts)} parts of {slice_size} (store {root / 'rashomon.duckdb'}): "
          f"{out.get('articles')} stored")
    print(f"  adding: {new} articles in {run_s:.1f} s over the {len(whole)} parts run whole, "
          f"{new / run_s:.2f} articles/s" if run_s else "  adding: no part ran whole")
    print(f"  peak RSS (main + workers) of any part {max(r['peak_rss_mb'] for r in done.values())} MB; "
          f"writing analysis.json {out['write_seconds']:.1f} s and the report {out['report_seconds']:.1f} s, "
          f"peak {peak:.0f} MB")
    print(json.dumps({"n": n, "parts": len(parts), "articles_per_s": round(new / run_s, 2) if run_s else None,
                      "peak_rss_mb": max([round(peak)] + [r["peak_rss_mb"] for r in done.values()]),
                      "write_seconds": round(out["write_seconds"], 1)}))


def _commit() -> str | None:
    """The commit of the code that runs (the parts of one run may span sessions and commits)."""
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _print_part(rec: dict) -> None:
    print(f"  {rec['new']} new, {rec['stored']} stored (at {rec.get('commit')}): {rec['seconds']:.1f} s "
          f"({rec['new'] / rec['seconds']:.2f} articles/s), peak RSS {rec['peak_rss_mb']} MB, load {rec['load_average']}")
    for step in rec.get("steps", ()):
        if "entry_mb" in step:
            print(f"  corpus step entered at {step['entry_mb']:.0f} MB (DuckDB's own {step['entry_duckdb_mb']} MB, "
                  f"the heap {step['entry_heap_mb']})")
        print("  corpus step: " + ", ".join(f"{k} {v:.0f} MB (peak {step['stage_peak_mb'].get(k) or 0:.0f}) "
                                            f"{step['stage_s'].get(k, 0):.0f} s" for k, v in step["stage_mb"].items()),
              flush=True)


def run(corpus: Path | str, out: Path | str, workers: int | None, slice_size: int = 0,
        add: bool = False) -> tuple[float, float]:
    """Analyse the corpus (files joined by ``os.pathsep``) in a new process (``add``: one part of a
    ``--resume`` run, see ``child_add``); returns (seconds, peak RSS in MB of it and its worker
    processes)."""
    import psutil

    cmd = [sys.executable, __file__, "--child-add" if add else "--child", str(corpus), str(out), str(workers or 0),
           str(slice_size)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    ps = psutil.Process(proc.pid)
    peak, last = 0, -10.0
    series = Path(out, "memory.tsv" if not add else f"memory-{Path(corpus).stem if corpus != '-' else 'write'}.tsv")  # every 5 s: seconds, main MB, workers' MB (where the peak falls)
    series.parent.mkdir(parents=True, exist_ok=True)
    with series.open("w", encoding="utf-8") as log:
        log.write("seconds\tmain_mb\tworkers_mb\n")
        while proc.poll() is None:
            try:
                main_rss = ps.memory_info().rss
                kids = sum(c.memory_info().rss for c in ps.children(recursive=True))
                peak = max(peak, main_rss + kids)
                now = time.perf_counter() - t0
                if now - last >= 5:
                    log.write(f"{now:.0f}\t{main_rss / 2**20:.0f}\t{kids / 2**20:.0f}\n")
                    log.flush()
                    last = now
            except psutil.Error:
                pass
            time.sleep(0.2)
    secs = time.perf_counter() - t0
    if proc.returncode:
        sys.exit(f"rashomon analyze failed ({proc.returncode})")
    return secs, peak / 2**20


def band_pairs(sig, bands: int, rows: int, bucket_max: int) -> set[tuple[int, int]]:
    """The LSH candidate pairs of MinHash signatures ``sig`` (n, bands*rows) with numpy: per band,
    one 64-bit key per article (its rows mixed), sorted; articles in a run of equal keys pair."""
    import numpy as np

    pairs: set[tuple[int, int]] = set()
    mult = np.uint64(0x9E3779B97F4A7C15)
    for b in range(bands):
        key = np.zeros(len(sig), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for r in range(rows):
                key = (key ^ sig[:, b * rows + r].astype(np.uint64)) * mult + np.uint64(r + 1)
        order = np.argsort(key, kind="stable")
        k = key[order]
        cuts = np.flatnonzero(k[1:] != k[:-1]) + 1
        for run in np.split(order, cuts):
            if 1 < len(run) <= bucket_max:
                m = sorted(run.tolist())
                pairs.update((m[x], m[y]) for x in range(len(m)) for y in range(x + 1, len(m)))
    return pairs


def lsh_memory(corpus: Path, n: int) -> None:
    """Peak memory and pairs of reuse's LSH route as it is and with ``band_pairs``."""
    import tracemalloc

    from rashomon.reuse import candidates as rc

    texts = [json.loads(line)["text"] for _, line in zip(range(n), corpus.open(encoding="utf-8"))]
    f = rc.features(texts)
    out = {}
    for name, fn in (("datasketch MinHashLSH", lambda: rc._lsh_pairs(f)),
                     ("numpy banding", lambda: band_pairs(f.signatures, f.params.bands, f.params.rows,
                                                          rc.BUCKET_MAX))):
        tracemalloc.start()
        t = time.perf_counter()
        out[name] = fn()
        secs = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"{name:<22} {len(texts)} articles: peak {peak:7.1f} MB, {secs:6.1f} s, "
              f"{len(out[name])} pairs")
    a, b = out.values()
    print(f"same pairs: {a == b} ({len(a ^ b)} differ)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000], help="corpus sizes")
    ap.add_argument("--workers", type=int, default=None, help="--workers for analyze (default: all cores)")
    ap.add_argument("--tmp", default="/tmp/rashomon-bench-e2e", help="where corpora and outputs go")
    ap.add_argument("--slice", type=int, default=0, metavar="N",
                    help="run `rashomon analyze --slice N` (through the store, in bounded memory)")
    ap.add_argument("--child", nargs=4, metavar=("CORPUS", "OUT", "WORKERS", "SLICE"), help=argparse.SUPPRESS)
    ap.add_argument("--child-add", nargs=4, metavar=("PART", "OUT", "WORKERS", "SLICE"), help=argparse.SUPPRESS)
    ap.add_argument("--resume", metavar="DIR", help="with --slice and one --n: run in parts logged in DIR, "
                    "going on from the last finished part (see the module doc)")
    ap.add_argument("--lsh", type=int, default=0, metavar="N", help="reuse LSH memory on N articles")
    args = ap.parse_args()
    if args.child:
        return child(args.child[0], args.child[1], int(args.child[2]), int(args.child[3]))
    if args.child_add:
        return child_add(args.child_add[0], args.child_add[1], int(args.child_add[2]), int(args.child_add[3]))
    if args.resume:
        if not args.slice or len(args.n) != 1:
            ap.error("--resume needs --slice and one --n")
        return resume(args.n[0], Path(args.resume), args.workers, args.slice)

    tmp = Path(args.tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    print(f"cores {os.cpu_count()}, load average at start {os.getloadavg()[0]:.2f}, "
          f"workers {args.workers or 'default'}" + (f", --slice {args.slice}" if args.slice else ""))
    if args.lsh:
        corpus = tmp / f"corpus-{args.lsh}.jsonl"
        build(args.lsh, corpus)
        return lsh_memory(corpus, args.lsh)
    rows = []
    for n in args.n:
        corpus = tmp / f"corpus-{n}.jsonl"
        words = build(n, corpus)
        secs, peak = run(corpus, tmp / f"out-{n}", args.workers, args.slice)
        stats = json.loads((tmp / f"out-{n}" / "stats.json").read_text("utf-8"))
        stages = {k[:-8]: v for k, v in stats.items() if k.endswith("_seconds")}
        print(f"\n{n} articles, {words / n:.0f} words each: {secs:.1f} s, {n / secs:.2f} articles/s "
              f"({words / WORDS / secs:.2f} of {WORDS} words), "
              f"peak RSS {peak:.0f} MB (load average now {os.getloadavg()[0]:.2f})")
        print(f"  {'stage':<14} {'seconds':>9}    {'ms/article':>10}   main process peak MB after it")
        for name, s in stages.items():
            mb = stats.get(f"{name}_peak_mb")
            print(f"  {name:<14} {s:9.2f} s  {1000 * s / n:7.2f} ms/article" + (f"  {mb:8.0f}" if mb else ""))
        for step in stats.get("steps", ()):  # --slice: the main process's peak after each corpus step
            print(f"  corpus step at {step['articles']:>7} articles: main process {step['rss_mb']} MB, "
                  f"its peak so far {step['peak_mb']} MB (DuckDB's own {step.get('duckdb_mb')} MB); after each stage: "
                  + ", ".join(f"{k} {v:.0f} MB (peak {step.get('stage_peak_mb', {}).get(k) or 0:.0f}) "
                              f"{step.get('stage_s', {}).get(k, 0):.0f} s"
                              for k, v in step.get("stage_mb", {}).items())
                  + (f"; heap after it {step['heap_mb']}" if "heap_mb" in step else ""))
        print(f"  memory every 5 s (main, workers): {tmp / f'out-{n}' / 'memory.tsv'}")
        rows.append({"n": n, "seconds": round(secs, 1), "articles_per_s": round(n / secs, 2),
                     "peak_rss_mb": round(peak), "stages": {k: round(v, 2) for k, v in stages.items()},
                     "peak_mb_after": {k[:-8]: v for k, v in stats.items() if k.endswith("_peak_mb")}})
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
