"""The store at scale: add 1,000 articles to a store that already holds a generated base.

    python benchmarks/bench_store.py --base 100000 --new 1000
    python benchmarks/bench_store.py --base 10000 --new 1000 --db /tmp/bench.duckdb

The base and the new articles are generated JSONL records: stories of 1-12 articles about
generated names, places and figures, written from a syllable vocabulary, dated over two years
(the new ones in the last month), some republished with small edits. The base is added with a
cheap stand-in for the linguistic analysis (regex story features, regex times, names as
mentions, no quotes or events) and for the sentence embeddings of the comparison (hashed bags of
words): building 100,000 spaCy parses and MiniLM embeddings is not what is measured. The
measured ``add`` of the new articles runs in a fresh process with the real analysis; the
figures are its seconds per phase, ``ms/article without nlp`` (everything but the spaCy pass and
its components), the store size before and after, and the process's peak RSS.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

SYL = ["ka", "ro", "mi", "tan", "ve", "lo", "sar", "di", "nu", "pe", "zor", "al", "be", "qu", "ti", "ran"]


def _word(rng):
    return "".join(rng.choice(SYL) for _ in range(rng.choice((1, 2, 2, 3))))


def generate(path: Path, n: int, seed: int, start: date, days: int, prefix: str) -> None:
    rng = random.Random(seed)
    vocab = [_word(rng) for _ in range(4000)]
    names = [_word(rng).title() + " " + _word(rng).title() for _ in range(3000)]
    places = [_word(rng).title() for _ in range(800)]
    with open(path, "w", encoding="utf-8") as f:
        i = 0
        while i < n:
            who, where = rng.sample(names, 2), rng.choice(places)
            topic = rng.sample(vocab, 30)
            day = start + timedelta(days=rng.randrange(days))
            base = None
            for k in range(min(rng.randint(1, 12), n - i)):
                if base is not None and rng.random() < 0.15:  # a republication with small edits
                    words = base.split()
                    for _ in range(max(1, len(words) // 50)):
                        words[rng.randrange(len(words))] = rng.choice(vocab)
                    text = " ".join(words)
                else:
                    sents = []
                    for _ in range(rng.randint(10, 25)):
                        ws = [rng.choice(topic if rng.random() < 0.4 else vocab) for _ in range(rng.randint(8, 22))]
                        if rng.random() < 0.5:
                            ws.insert(rng.randrange(len(ws)), rng.choice(who))
                        if rng.random() < 0.3:
                            ws.insert(rng.randrange(len(ws)), f"in {where}")
                        if rng.random() < 0.2:
                            ws.insert(rng.randrange(len(ws)), str(rng.randint(2, 400)))
                        sents.append(" ".join(ws).capitalize() + ".")
                    text = " ".join(sents)
                    base = base or text
                rec = {"id": f"{prefix}-{i}", "title": f"{who[0]} {rng.choice(topic)} {where}",
                       "outlet": f"Outlet {rng.randrange(40)}",
                       "published": (day + timedelta(days=k // 3)).isoformat(), "text": text}
                f.write(json.dumps(rec) + "\n")
                i += 1


def _cheap_annotate(articles, batch_size=32):
    """The base's stand-in for the linguistic analysis (see the module doc)."""
    import re

    from rashomon.nlp.entities import make_mention
    from rashomon.nlp.times import find_times
    from rashomon.store.annotate import Annotations
    from rashomon.stories import feature_extractor

    name = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")
    for a in articles:
        ments = [make_mention(m.group(0), "PERSON", m.start(), local=n)
                 for n, m in enumerate(name.finditer(a.text))][:20]
        yield Annotations(a.id, times=find_times(a, None), mentions=ments,
                          features=feature_extractor(a, None).to_dict())


def _cheap_embed(texts, dims=256):
    """The base's stand-in for the sentence embeddings: unit vectors of hashed words."""
    import zlib

    import numpy as np

    out = np.zeros((len(texts), dims), dtype="float32")
    for i, t in enumerate(texts):
        for w in t.lower().split():
            h = zlib.crc32(w.encode())
            out[i, h % dims] += 1.0 if h & 0x100000 else -1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


def build_base(db: str, inputs: Path, batch: int, *, chunk: int = 5000, sections: bool = True) -> float:
    """Add the generated base to ``db`` with the cheap stand-ins, ``chunk`` articles per ``add``
    (a store that grew add by add; one add of 100,000 pending articles would hold them all in
    memory at once). ``sections=False`` skips the comparison and loaded wording of the base's
    stories: the measured add recomputes them for every story it touches anyway."""
    import rashomon.compare.embed as emb
    import rashomon.store.annotate as ann
    import rashomon.store.corpus as corpus
    from rashomon.store import open_store

    ann.annotate = _cheap_annotate
    emb.embed = _cheap_embed
    if not sections:
        corpus.update_story_sections = lambda *a, **k: set()  # no story compared
    parts = []
    with open(inputs, encoding="utf-8") as f:
        lines = f.readlines()
    for i in range(0, len(lines), chunk):
        part = inputs.with_suffix(f".part{i // chunk}.jsonl")
        part.write_text("".join(lines[i:i + chunk]), encoding="utf-8")
        parts.append(part)
    t = time.perf_counter()
    with open_store(db) as s:
        for n, part in enumerate(parts):
            s.add([part], batch_size=batch)
            print(f"  base: {min((n + 1) * chunk, len(lines))} articles, {time.perf_counter() - t:.0f} s",
                  file=sys.stderr, flush=True)
    for part in parts:
        part.unlink()
    return time.perf_counter() - t


def measure(db: str, inputs: str) -> None:
    from rashomon.store import open_store

    t = time.perf_counter()
    with open_store(db) as s:
        res = s.add([inputs], batch_size=256)
        counts = s.counts()
    total = time.perf_counter() - t
    print(json.dumps({"new": len(res.new), "present": res.present, "total_seconds": total,
                      "seconds": res.seconds, "counts": counts,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", type=int, default=100_000)
    p.add_argument("--new", type=int, default=1000)
    p.add_argument("--db", default="/tmp/rashomon-bench-store.duckdb")
    p.add_argument("--work", default="/tmp/rashomon-bench-store")
    p.add_argument("--keep-base", metavar="FILE",
                   help="keep a copy of the built base here and, when it exists, start from it instead of "
                        "building (to measure the add again on the same base)")
    p.add_argument("--measure", nargs=2, metavar=("DB", "INPUT"), help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.measure:
        measure(*a.measure)
        return
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    base_in, new_in = work / "base.jsonl", work / "new.jsonl"
    end = date(2024, 12, 31)
    generate(base_in, a.base, 1, end - timedelta(days=730), 700, "base")
    generate(new_in, a.new, 2, end - timedelta(days=30), 30, "new")
    for suffix in ("", ".wal"):
        if os.path.exists(a.db + suffix):
            os.remove(a.db + suffix)
    if a.keep_base and os.path.exists(a.keep_base):
        shutil.copyfile(a.keep_base, a.db)
        built = 0.0
        print(f"base: copied from {a.keep_base}")
    else:
        built = build_base(a.db, base_in, 2000, sections=False)
        if a.keep_base:
            shutil.copyfile(a.db, a.keep_base)
    size0 = os.path.getsize(a.db)
    print(f"base: {a.base} articles added in {built:.0f} s (cheap annotations); store {size0 / 1e6:.1f} MB")
    out = subprocess.run([sys.executable, __file__, "--measure", a.db, str(new_in)],
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"measured add failed:\n{out.stderr}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    size1 = os.path.getsize(a.db)
    n = max(r["new"], 1)
    sec = r["seconds"]
    print(f"add {r['new']} new articles to {a.base}: {r['total_seconds']:.1f} s total")
    for k, v in sorted(sec.items(), key=lambda kv: -kv[1]):
        print(f"  {k:<16} {v:8.2f} s  {1000 * v / n:8.1f} ms/article")
    print(f"ms/article without nlp: {1000 * (r['total_seconds'] - sec.get('nlp', 0.0)) / n:.1f} (target < 50)")
    print(f"store size: {size0 / 1e6:.1f} MB -> {size1 / 1e6:.1f} MB; peak RSS of the add {r['peak_rss_mb']:.0f} MB")
    print(f"store counts: {r['counts']}")


if __name__ == "__main__":
    main()
