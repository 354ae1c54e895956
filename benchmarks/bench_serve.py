"""``rashomon serve`` under load: requests/second and p50/p99 latency on loopback.

    python benchmarks/bench_serve.py --articles 100000
    python benchmarks/bench_serve.py --articles 10000 --requests 1000 --concurrency 8

A store of generated articles is built once (``benchmarks/bench_store.py``'s generator and its
cheap stand-in for the linguistic analysis: stories of 1-12 articles over two years; no quotes)
and kept at ``--db`` (default ``/tmp/rashomon-bench-serve-N.duckdb``). The server is the real
command, ``rashomon serve``, in its own process; its first start builds the search index, and
the seconds until it answers are printed. Then, for each of the story list (``/stories``), a
story page (``/stories/ID``, IDs drawn at random from all stories) and a search
(``/search?q=W``, a name or place word drawn from the article titles), ``--requests`` requests
are sent by ``--concurrency`` client threads (httpx, keep-alive) after a warm-up, and the
figures are printed: first with the server's page cache off (``RASHOMON_SERVE_CACHE=0``: every
request queries the store), then on (the cache the server uses by default; the warm-up and the
200 story pages drawn fill it, so these figures are mostly hits). The client shares the machine with the server: on a 2-core box it takes a
good part of one core, so the figures are a floor.

``--base-from FILE`` starts from a copy of a base kept by ``bench_store.py --keep-base`` instead of
building one. That base has no story comparison (``sections=False``); before serving, the
comparison and the pages of the stories the benchmark requests are computed (with the same cheap
embeddings), so the pages served are as full as in a store built with it.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]  # this checkout's rashomon, not an installed one
from bench_store import build_base, generate  # noqa: E402

SEED = 7  # the story pages and searches drawn


def build(db: str, n: int) -> None:
    inputs = Path(db + ".jsonl")
    generate(inputs, n)
    part = db + ".building"  # renamed when complete: a killed build is not taken for a store
    for suffix in ("", ".wal"):
        if os.path.exists(part + suffix):
            os.remove(part + suffix)
    seconds = build_base(part, inputs, 2000)
    os.replace(part, db)
    inputs.unlink()
    print(f"built {db}: {n} articles in {seconds:.0f} s", flush=True)


def from_base(base: str, db: str, rng_seed: int) -> None:
    """Copy ``base`` to ``db`` and compute the comparison and pages of the story pages
    ``targets(db, random.Random(rng_seed))`` will request."""
    import shutil

    import rashomon.compare.embed as emb
    from bench_store import _cheap_embed, compare_stories
    from rashomon.store import open_store

    part = db + ".building"
    shutil.copyfile(base, part)
    open_store(part).close()  # to the current schema before the read-only look in targets
    want = [p.rsplit("/", 1)[1] for p in targets(part, random.Random(rng_seed))["story page"]]
    emb.embed = _cheap_embed
    t = time.perf_counter()
    with open_store(part) as s:
        keys = {k for (k,) in s.con.execute("SELECT key FROM stories WHERE id IN (SELECT unnest($1))",
                                            [want]).fetchall()}
        compared, _ = compare_stories(s, keys)
    os.replace(part, db)
    print(f"{db}: copied from {base}; {len(compared)} requested stories compared in "
          f"{time.perf_counter() - t:.0f} s", flush=True)


def targets(db: str, rng: random.Random) -> dict[str, list[str]]:
    from rashomon.store import open_store

    with open_store(db, read_only=True) as s:
        stories = [r[0] for r in s.con.execute("SELECT id FROM stories ORDER BY id").fetchall()]
        titles = [r[0] for r in s.con.execute("SELECT title FROM articles USING SAMPLE 500 ROWS").fetchall()]
    words = [w for t in titles for w in (t or "").split() if w[:1].isupper()]
    return {"story list": ["/stories"],
            "story page": [f"/stories/{sid}" for sid in rng.sample(stories, min(200, len(stories)))],
            "search": [f"/search?q={w}" for w in rng.sample(words, min(200, len(words)))]}


def start_server(db: str, port: int, cache: bool) -> tuple[subprocess.Popen, float]:
    t = time.perf_counter()
    env = dict(os.environ, RASHOMON_SERVE_CACHE="4096" if cache else "0")
    proc = subprocess.Popen([sys.executable, "-m", "rashomon.cli", "serve", "--db", db, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}; run `rashomon serve --db {db}` to see why")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, time.perf_counter() - t
        except OSError:
            time.sleep(0.2)


def hammer(base: str, paths: list[str], requests: int, concurrency: int) -> dict:
    import httpx

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    per_thread = max(1, requests // concurrency)

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        mine = []
        with httpx.Client(base_url=base, timeout=30) as c:
            for _ in range(per_thread):
                t = time.perf_counter()
                r = c.get(rng.choice(paths))
                mine.append(time.perf_counter() - t)
                if r.status_code != 200:
                    with lock:
                        errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t
    latencies.sort()
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"requests": len(latencies), "errors": errors[0], "rps": len(latencies) / wall,
            "p50_ms": q[49] * 1000, "p99_ms": q[98] * 1000, "max_ms": latencies[-1] * 1000}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--articles", type=int, default=100_000, help="size of the generated store")
    p.add_argument("--db", help="the store (built when missing); default /tmp/rashomon-bench-serve-N.duckdb")
    p.add_argument("--requests", type=int, default=2000, help="requests per endpoint")
    p.add_argument("--concurrency", type=int, default=8, help="client threads")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--base-from", metavar="FILE", help="start from a copy of this bench_store base (see above)")
    a = p.parse_args()
    db = a.db or f"/tmp/rashomon-bench-serve-{a.articles}.duckdb"
    if a.base_from:
        from_base(a.base_from, db, SEED)
    elif not os.path.exists(db):
        build(db, a.articles)
    from rashomon.store import open_store

    open_store(db).close()  # brings a store built by an older rashomon to the current schema
    paths = targets(db, random.Random(SEED))
    base = f"http://127.0.0.1:{a.port}"
    report = {"db": db, "concurrency": a.concurrency, "requests": a.requests}
    for cache in (False, True):
        label = "cached" if cache else "uncached"
        proc, startup = start_server(db, a.port, cache)
        print(f"{label}: store {db}; server up in {startup:.1f} s (search index brought up to date)", flush=True)
        try:
            results = report[label] = {"startup_s": startup}
            for name, ps in paths.items():
                hammer(base, ps, min(50, a.requests), min(4, a.concurrency))  # warm-up
                r = results[name] = hammer(base, ps, a.requests, a.concurrency)
                print(f"  {name:12} {r['requests']:6d} req  {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms  "
                      f"p99 {r['p99_ms']:7.1f} ms  max {r['max_ms']:7.1f} ms  errors {r['errors']}", flush=True)
        finally:
            proc.terminate()
            proc.wait(10)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
