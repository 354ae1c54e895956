"""What our linguistic components cost beyond spaCy itself.

Parses the same texts with ``nlp.pipe`` (the model rashomon loads), then times each of our
per-document components on those Docs (times, quotes, mentions, story features) and the
corpus-level steps that follow (entity resolution, speaker linking). Prints each cost and the
total as a share of the ``nlp.pipe`` time. Target (issue 4): our components add at most 25%.

    python benchmarks/bench_nlp.py                       # the quotes dev set (84 articles)
    python benchmarks/bench_nlp.py ../shared/eval/coref/ecbplus-dev/articles.jsonl --limit 200
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared/eval/quotes/polnear-dev/articles.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("articles", nargs="?", default=str(DEFAULT), help="a JSONL file of articles")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    args = ap.parse_args()

    from rashomon.nlp import load
    from rashomon.nlp.entities import find_mentions, resolve_entities
    from rashomon.nlp.quotes import find_quotes
    from rashomon.nlp.stage import link_speakers
    from rashomon.nlp.times import find_times
    from rashomon.pipeline import iter_articles
    from rashomon.stories import feature_extractor

    articles = [a for a in iter_articles([args.articles]) if hasattr(a, "text")]
    if args.limit:
        articles = articles[: args.limit]
    nlp = load()
    nlp("warm up")
    t0 = time.perf_counter()
    docs = list(nlp.pipe((a.text for a in articles), batch_size=32))
    base = time.perf_counter() - t0

    costs: dict[str, float] = {}
    out: dict[str, list] = {}
    per_doc = {"times": find_times, "quotes": find_quotes, "mentions": find_mentions,
               "story features": feature_extractor}
    for name, fn in per_doc.items():
        t = time.perf_counter()
        out[name] = [fn(a, d) for a, d in zip(articles, docs)]
        costs[name] = time.perf_counter() - t
    t = time.perf_counter()
    entities = resolve_entities(list(zip(articles, out["mentions"])))
    costs["entity resolution"] = time.perf_counter() - t
    t = time.perf_counter()
    quotes = [q for qs in out["quotes"] for q in qs]
    link_speakers(quotes, entities, {a.id: a.text for a in articles})
    costs["speaker linking"] = time.perf_counter() - t

    words = sum(len(a.text.split()) for a in articles)
    print(f"{len(articles)} articles, {words} words from {args.articles}")
    print(f"{'nlp.pipe (spaCy)':<22} {base:8.2f} s")
    for name, c in costs.items():
        print(f"{name:<22} {c:8.2f} s  {100 * c / base:5.1f}%")
    total = sum(costs.values())
    print(f"{'ours, total':<22} {total:8.2f} s  {100 * total / base:5.1f}% of nlp.pipe (target <= 25%)")
    print(json.dumps({"nlp_pipe_s": round(base, 2), "ours_s": round(total, 2),
                      "ratio": round(total / base, 3)}))


if __name__ == "__main__":
    main()
