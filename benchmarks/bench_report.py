"""Time the HTML report on a large generated analysis: ``python3 benchmarks/bench_report.py [N]``.

Builds an analysis of N articles (default 10,000; generated text, no NLP run) grouped into
stories of 4 with every story section filled, reuse pairs, events and storylines, then times
``write_report`` (the overview plus one page per story) into a temporary folder and prints the
seconds and the size written.
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from rashomon.model import Analysis, Article, Loaded, Source
from rashomon.report import write_report

WORDS = ("council harbour strike talks police port workers union minister said on Monday after the "
         "vote a new plan for the river bridge was agreed by both sides").split()


def generate(n: int, seed: int = 1) -> Analysis:
    rng = random.Random(seed)
    arts = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(150, 400))).capitalize() + "."
        arts.append(Article(id=f"a-{i:06d}", source=Source(f"corpus/f{i // 50}.jsonl", i % 50), text=text,
                            title=f"Article {i}", outlet=f"Outlet {i % 40}", published=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                            published_basis="given", loaded=[Loaded(0, 5, text[:5], "neutral")]))
    def src(aid, k=0):
        return {"article": aid, "start": k, "end": k + 20}

    stories, reuse, events = [], [], []
    for s in range(0, n, 4):
        ids = [a.id for a in arts[s:s + 4]]
        sid = f"story-{s:06d}"
        stories.append({
            "id": sid, "title": f"Story {s}", "articles": ids, "start": "2025-01-01", "end": "2025-01-05",
            "summary": [{"text": f"Sentence {k}.", "sources": [src(a, k) for a in ids[:2]]} for k in range(4)],
            "timeline": [{"date": f"2025-01-0{k + 1}", "text": f"Entry {k}", "event": None, "sources": [src(ids[0])]}
                         for k in range(4)],
            "facts": [{"text": f"Fact {k}", "reported_by": ids[:2], "omitted_by": ids[2:]} for k in range(5)],
            "conflicts": [{"topic": "Toll", "claims": [dict(src(a), text="claim") for a in ids[:2]]}],
            "framing": [{"entity": "ent-1", "terms": {a: ["term"] for a in ids}}],
        })
        for a, b in zip(ids, ids[1:]):
            reuse.append({"a": a, "b": b, "kind": "rewrite", "shared": 0.5, "source": a, "common_origin": None,
                          "substitutions": [{"a": "x", "b": "y"}], "spans": [{"a_start": 0, "a_end": 50, "b_start": 0, "b_end": 50}]})
        events.append({"id": f"e-{s}", "type": "ATTACK", "date": "2025-01-02", "actors": ["ent-1"], "targets": [],
                       "location": None, "killed": 3, "injured": None, "mentions": [src(a) for a in ids]})
    lines = [{"id": f"storyline-{k}", "title": f"Line {k}", "stories": [stories[k]["id"], stories[k + 1]["id"]],
              "links": [{"from": stories[k]["id"], "to": stories[k + 1]["id"], "relation": "follow-up"}]}
             for k in range(0, len(stories) - 1, 5)]
    return Analysis(articles=arts, reuse=reuse, entities=[{"id": "ent-1", "name": "Army", "type": "ORG",
                                                            "aliases": [], "description": None, "mentions": []}],
                    events=events, stories=stories, storylines=lines)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    analysis = generate(n)
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        write_report(analysis, out)
        seconds = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in Path(out).rglob("*.html"))
        pages = len(list(Path(out, "stories").glob("*.html")))
    print(f"{n} articles, {len(analysis.stories)} stories, {len(analysis.reuse)} reuse pairs: "
          f"write_report {seconds:.1f} s, {pages} story pages, {size / 1e6:.0f} MB of HTML")


if __name__ == "__main__":
    main()
