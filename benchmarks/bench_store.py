"""The store at scale: add 1,000 articles to a store that already holds a generated base.

    python benchmarks/bench_store.py --base 100000 --new 1000
    python benchmarks/bench_store.py --base 10000 --new 1000 --db /tmp/bench.duckdb

The base and the new articles are generated JSONL records (``generate``): stories of 1-12
articles about generated names and places, written as English-like word salad (the word
frequencies of the eval sets' articles, read by path at run time, so the text is detected as
English and the spaCy pass runs on it), dated over two years (the new ones in the last month),
some republished with small edits, a fifth continuing an earlier story weeks later (storylines),
and a fifth of the new stories joining a base story of the base's last week. The base is added
with a cheap stand-in for the linguistic analysis (regex story features, regex times, names as
mentions, no quotes or events) and without the comparison; then its stories still open (last day
within the clustering window) are compared with the real sentence model, as a live store's adds
would have done, which also fills the store's sentence-vector cache (``warm``). The measured
``add`` of the new articles runs in a fresh process with the real analysis; the figures are its
seconds per phase, ``ms/article without nlp`` (everything but the spaCy pass), the same without
the sentence model's time too (``embed``: the new sentences' embeddings), the store size before
and after, and the process's peak RSS.
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
EVAL = Path(__file__).resolve().parents[2] / "shared/eval"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _word(rng):
    return "".join(rng.choice(SYL) for _ in range(rng.choice((1, 2, 2, 3))))


def vocabulary(rng, size: int = 20000) -> tuple[list[str], list[int]]:
    """Words and their counts, most frequent first: the lower-case words of the eval sets'
    articles (read by path at run time, never stored; capitalised words, the names, are left
    out), so the text has English's Zipfian word frequencies and is detected as English. Without
    the eval sets, generated syllable words with Zipf weights."""
    import re
    from collections import Counter

    counts: Counter = Counter()
    for path in sorted(EVAL.glob("*/*/articles.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                counts.update(re.findall(r"(?<![\w'])[a-z]+(?:'[a-z]+)?(?![\w'])", json.loads(line).get("text", "")))
    if len(counts) >= 2000:
        top = [(w, c) for w, c in counts.most_common(size) if c >= 2]
        return [w for w, _ in top], [c for _, c in top]
    words = list(dict.fromkeys(_word(rng) for _ in range(3 * size)))[:size]
    return words, [max(1, 100000 // (r + 1)) for r in range(len(words))]


class _Writer:
    """Stories of generated articles (see ``generate``)."""

    def __init__(self, seed: int):
        import itertools

        self.rng = rng = random.Random(seed)
        self.words, counts = vocabulary(rng)
        self.cum = list(itertools.accumulate(counts))
        self.content = self.words[min(300, len(self.words) // 10):]  # topic words: past the function words
        self.names = [_word(rng).title() + " " + _word(rng).title() for _ in range(6000)]
        self.places = [_word(rng).title() for _ in range(1500)]
        self.outlets = [f"The {_word(rng).title()} {rng.choice(('Times', 'Post', 'Herald', 'Wire', 'News'))}"
                        for _ in range(60)]

    def spec(self, day: date, like: dict | None = None) -> dict:
        rng = self.rng
        if like is None:
            return {"who": rng.sample(self.names, 2), "where": rng.choice(self.places),
                    "topic": rng.sample(self.content, 30), "day": day}
        # a later development of the same thread: the same people and place, half the topic
        return {"who": like["who"], "where": like["where"], "day": day,
                "topic": rng.sample(like["topic"], 15) + rng.sample(self.content, 15)}

    def _sentence(self, spec: dict) -> str:
        rng = self.rng
        n = rng.randint(8, 22)
        ws = [rng.choice(spec["topic"]) if rng.random() < 0.3 else w
              for w in rng.choices(self.words, cum_weights=self.cum, k=n)]
        if rng.random() < 0.5:
            ws.insert(rng.randrange(len(ws)), rng.choice(spec["who"]))
        if rng.random() < 0.3:
            ws.insert(rng.randrange(len(ws)), f"in {spec['where']}")
        if rng.random() < 0.2:
            ws.insert(rng.randrange(len(ws)), str(rng.randint(2, 400)))
        if rng.random() < 0.1:
            ws.insert(rng.randrange(len(ws)), f"on {rng.choice(DAYS)}")
        text = " ".join(ws)
        text = text[:1].upper() + text[1:]
        if rng.random() < 0.12:  # a quotation with its speaker
            return f"\u201c{text},\u201d {rng.choice(spec['who'])} said."
        return text + "."

    def articles(self, spec: dict, count: int, prefix: str, first: int, lag: int = 0):
        rng = self.rng
        base = None
        for k in range(count):
            if base is not None and rng.random() < 0.15:  # a republication with small edits
                words = base.split()
                for _ in range(max(1, len(words) // 50)):
                    words[rng.randrange(len(words))] = rng.choice(self.content)
                text = " ".join(words)
            else:
                text = " ".join(self._sentence(spec) for _ in range(rng.randint(10, 25)))
                base = base or text
            yield {"id": f"{prefix}-{first + k}",
                   "title": f"{spec['who'][0]} {rng.choice(spec['topic'])} {spec['where']}",
                   "outlet": rng.choice(self.outlets),
                   "published": (spec["day"] + timedelta(days=lag + k // 3)).isoformat(), "text": text}


def generate(base_path: Path, n_base: int, new_path: Path | None = None, n_new: int = 0, *,
             seed: int = 1, end: date = date(2024, 12, 31)) -> None:
    """Write ``n_base`` articles dated over the 700 days before the last 30 (``base-N`` ids) and
    ``n_new`` dated in the last 30 days (``new-N``). Stories hold 1-12 articles (a few days
    apart, some republished with small edits). A fifth of the stories continue an earlier one
    (same people and place, half its topic words, 10-40 days later: a storyline). Of the new
    stories, a fifth are further articles of a base story of the base's last week (they join it)."""
    w = _Writer(seed)
    rng = w.rng
    first_new = end - timedelta(days=30)
    specs: list[dict] = []

    def story(day: date, lo: date) -> dict:
        recent = [s for s in specs[-400:] if lo <= s["day"] <= day - timedelta(days=10)]
        like = rng.choice(recent) if recent and rng.random() < 0.2 else None
        s = w.spec(day, like)
        specs.append(s)
        return s

    days = sorted(first_new - timedelta(days=700) + timedelta(days=rng.randrange(700)) for _ in range(n_base))
    with open(base_path, "w", encoding="utf-8") as f:
        i = 0
        while i < n_base:
            day = days[i]
            s = story(day, day - timedelta(days=40))
            for rec in w.articles(s, min(rng.randint(1, 12), n_base - i), "base", i):
                f.write(json.dumps(rec) + "\n")
                i += 1
    if new_path is None:
        return
    tail = [s for s in specs if s["day"] >= first_new - timedelta(days=7)]
    with open(new_path, "w", encoding="utf-8") as f:
        i = 0
        while i < n_new:
            day = first_new + timedelta(days=rng.randrange(30))
            if tail and rng.random() < 0.2:
                s = rng.choice(tail)
                lag = max((first_new - s["day"]).days, 0) + rng.randrange(4)
                recs = w.articles(s, min(rng.randint(1, 4), n_new - i), "new", i, lag)
            else:
                recs = w.articles(story(day, day - timedelta(days=40)), min(rng.randint(1, 12), n_new - i), "new", i)
            for rec in recs:
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


def compare_stories(s, keys: set[int]) -> tuple[set[int], float]:
    """Compare the stories ``keys`` of the open store ``s`` and write their pages, in one
    transaction, as an add does for the stories it touches; return the stories compared and the
    seconds the sentence model took."""
    from rashomon.store.corpus import update_story_sections
    from rashomon.store.pages import write_pages

    seconds: dict[str, float] = {}
    s.con.execute("BEGIN TRANSACTION")
    compared = update_story_sections(s.con, keys, [], s.articles, seconds)
    write_pages(s.con, compared)
    s.con.execute("COMMIT")
    s.con.execute("CHECKPOINT")
    return compared, seconds.get("embed", 0.0)


def warm(db: str) -> None:
    """Compare, with the real sentence model, the base stories an article can still join (last
    day within the clustering window of the base's latest day), as the adds of a live store
    would have: their comparison and the store's sentence-vector cache are then what a store
    grown with real adds holds for them. The older stories keep no comparison (the cheap base
    skipped it); the measured add recompares any of them it touches, as a live store would."""
    from rashomon.stories.clusterer import load_weights
    from rashomon.store import open_store

    t = time.perf_counter()
    with open_store(db) as s:
        latest = s.con.execute("SELECT max(last_day) FROM story_state").fetchone()[0]
        keys = {k for (k,) in s.con.execute("SELECT key FROM story_state WHERE last_day >= ?",
                                            [latest - load_weights()["max_gap_days"]]).fetchall()}
        compared, embed_seconds = compare_stories(s, keys)
        cached = s.con.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0]
    print(json.dumps({"stories": len(compared), "seconds": time.perf_counter() - t,
                      "embed_seconds": embed_seconds, "vectors": cached}))


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
    p.add_argument("--warm", metavar="DB", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.measure:
        measure(*a.measure)
        return
    if a.warm:
        warm(a.warm)
        return
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    base_in, new_in = work / "base.jsonl", work / "new.jsonl"
    generate(base_in, a.base, new_in, a.new)
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
    print(f"base: {a.base} articles added in {built:.0f} s (cheap annotations)", flush=True)
    out = subprocess.run([sys.executable, __file__, "--warm", a.db], capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"warming the base failed:\n{out.stderr}")
    w = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"base: {w['stories']} stories of its last 30 days compared with the real model in "
          f"{w['seconds']:.0f} s ({w['embed_seconds']:.0f} s embedding; {w['vectors']} vectors cached)")
    size0 = os.path.getsize(a.db)
    print(f"base store {size0 / 1e6:.1f} MB", flush=True)
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
    print(f"ms/article without nlp: {1000 * (r['total_seconds'] - sec.get('nlp', 0.0)) / n:.1f}")
    print(f"ms/article without nlp and the sentence model (the new sentences' embeddings): "
          f"{1000 * (r['total_seconds'] - sec.get('nlp', 0.0) - sec.get('embed', 0.0)) / n:.1f} (target < 50)")
    print(f"store size: {size0 / 1e6:.1f} MB -> {size1 / 1e6:.1f} MB; peak RSS of the add {r['peak_rss_mb']:.0f} MB")
    print(f"store counts: {r['counts']}")


if __name__ == "__main__":
    main()
