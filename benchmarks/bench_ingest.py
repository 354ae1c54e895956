"""Ingest benchmark: articles per second through read + clean + split + metadata, and peak memory.

Generates a corpus of scraped-looking text files (our own generated prose with site furniture:
page-date headers, "News ID" lines, captions, navigation, comment prompts, fair-use notices; some
files hold two articles, some are JSONL), then streams it through ``rashomon.pipeline.iter_articles``
in a fresh process per corpus size, so peak RSS is measured per size. Memory should stay flat as
the corpus grows (the readers stream; nothing is accumulated).

    python benchmarks/bench_ingest.py            # 1,000 and 10,000 articles
    python benchmarks/bench_ingest.py --sizes 10000 50000
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLACES = ["PORTVALE", "KESTRA", "AMBERLY", "NORTH HAVEN", "DUNMORE", "SALT CREEK"]
AGENCIES = ["Reuters", "AP", "AFP", "MPA"]
NAMES = ["Yusuf Darmani", "Elena Voss", "Tomas Brandt", "Amira Haddad", "Oren Kalis", "Lena Ostrova"]
ORGS = ["the National Reconciliation Front", "the Harbour Authority", "the Interior Ministry",
        "the Coastal Guard", "the Farmers' Union", "the city council"]
VERBS = ["announced", "rejected", "welcomed", "criticised", "postponed", "approved", "questioned"]
OBJS = ["the new budget", "a ceasefire proposal", "the port reopening", "the water-sharing plan",
        "an inquiry into the floods", "the election timetable", "a prisoner exchange"]
TAILS = ["on Sunday", "last month", "after weeks of talks", "despite strong protests",
         "in a statement", "late on Tuesday", "before the summer recess"]


def sentence(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:
        return (f"\u201cWe will not accept {rng.choice(OBJS)} without guarantees,\u201d "
                f"{rng.choice(NAMES)} told {rng.choice(AGENCIES)}.")
    if kind < 0.4:
        return (f"According to {rng.choice(ORGS)}, at least {rng.randint(2, 90)} people were "
                f"affected and {rng.randint(1, 20)} were injured.")
    return (f"{rng.choice(ORGS).capitalize()} {rng.choice(VERBS)} {rng.choice(OBJS)} "
            f"{rng.choice(TAILS)}, {rng.choice(NAMES)} said.")


def article(rng: random.Random, words: int = 400) -> tuple[str, str]:
    title = f"{rng.choice(ORGS).replace('the ', '').title()} {rng.choice(VERBS)} {rng.choice(OBJS)}"
    paras, n = [], 0
    while n < words:
        p = " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))
        n += len(p.split())
        paras.append(p)
    paras[0] = f"{rng.choice(PLACES)} ({rng.choice(AGENCIES)}) \u2014 " + paras[0]
    return title, "\n\n".join(paras)


def scraped_page(rng: random.Random) -> str:
    title, body = article(rng)
    day = rng.randint(1, 28)
    head = [f"Wednesday {day:02d} December 2025", f"News ID: {rng.randint(10000, 99999)}",
            f"Publish Date: {day} November 2025 - 21:46", title,
            f"A crowd gathers outside {rng.choice(ORGS)}, Nov. {day}, 2025. (MPA)"]
    tail = ["Previous Article", "Farmers protest new levy in the north", "Next Article",
            "Storm closes coastal road", "Related Posts", "Please enter your comment!",
            "Please enter your name here"]
    page = "\n".join(head) + "\n\n" + body.replace(" ", "\u00a0", 3) + "\n\n" + "\n".join(tail)
    if rng.random() < 0.1:  # a repost page carrying an earlier article below the new one
        t2, b2 = article(rng, 200)
        page += f"\n\n{t2}\n\nRudmore Net\n\n{b2}\n\nPosted for noncommercial, educational purposes."
    return page


def make_corpus(root: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    n_jsonl = n // 5
    with open(root / "dump.jsonl", "w", encoding="utf-8") as f:
        for i in range(n_jsonl):
            title, body = article(rng)
            f.write(json.dumps({"id": f"j{i}", "title": title, "text": body,
                                "published": "2025-11-02", "outlet": "Harbour Times"}) + "\n")
    sub = root / "site"
    for i in range(n - n_jsonl):
        d = sub / f"{i // 1000:03d}"
        if i % 1000 == 0:
            d.mkdir(parents=True, exist_ok=True)
        (d / f"{i:06d}.txt").write_text(scraped_page(rng), encoding="utf-8")


def run_one(corpus: Path) -> dict:
    """In this process: stream the corpus through read+clean+metadata; return the figures."""
    from rashomon.pipeline import iter_articles

    t0 = time.perf_counter()
    articles = rejected = chars = 0
    for item in iter_articles([str(corpus)]):
        if hasattr(item, "text"):
            articles += 1
            chars += len(item.text)
        else:
            rejected += 1
    dt = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"articles": articles, "rejected": rejected, "seconds": round(dt, 2),
            "articles_per_s": round(articles / dt, 1), "peak_rss_mb": round(peak_mb, 1),
            "chars": chars}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--_run", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._run:
        print(json.dumps(run_one(Path(args._run))))
        return
    with tempfile.TemporaryDirectory(prefix="rashomon-bench-") as tmp:
        print(f"{'files~articles':>14} {'articles':>9} {'seconds':>8} {'art/s':>8} {'peak MB':>8}")
        for n in args.sizes:
            corpus = Path(tmp) / f"c{n}"
            make_corpus(corpus, n)
            out = subprocess.run([sys.executable, __file__, "--_run", str(corpus)],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{n:>14} {r['articles']:>9} {r['seconds']:>8} {r['articles_per_s']:>8} {r['peak_rss_mb']:>8}")
    print("target: >= 500 articles/s on one core; peak memory flat in the corpus size")


if __name__ == "__main__":
    main()
