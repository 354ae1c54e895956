"""Reuse detection at scale: time, peak memory, precision and recall on planted pairs.

    python benchmarks/bench_reuse.py --n 10000
    python benchmarks/bench_reuse.py            # 100,000 articles

The corpus is random word-like text: a generated vocabulary of syllable words drawn with a Zipf
law, sentences of 8-28 words, articles of 300-600 words. Each article belongs to one of
``--outlets`` outlets whose stock opening and closing sentences it carries (the near-miss case:
same template, different news). Planted, each from its own base article:

* duplicate: the same text;
* republication: 2% of words changed, one sentence added at the end, a new title;
* rewrite: 15% of words swapped for others, one sentence dropped and one added;
* partial: a new article that reuses consecutive sentences of the base, 30% of the shorter one.

A found pair counts as correct when it is a planted pair (any kind); kind accuracy is shown too.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter

import numpy as np

from rashomon.model import Article, Source
from rashomon.reuse import candidates, features, judge_candidates

SYLL = ["ka", "to", "ri", "mu", "sen", "lo", "va", "dre", "pi", "nor", "el", "ta", "qu", "be",
        "sha", "mi", "ron", "de", "li", "gar", "fo", "zu", "ne", "wi", "tes", "ul", "an", "pe"]


class Corpus:
    def __init__(self, seed: int, vocab: int = 30_000, outlets: int = 50):
        self.rng = np.random.default_rng(seed)
        r = self.rng
        words = set()
        while len(words) < vocab:
            words.add("".join(r.choice(SYLL, size=r.integers(1, 5))))
        self.vocab = np.array(sorted(words))
        p = 1.0 / np.arange(1, vocab + 1) ** 1.05
        self.cdf = np.cumsum(p / p.sum())
        self.templates = [(self.sentence(), self.sentence()) for _ in range(outlets)]

    def sentence(self) -> str:
        u = self.rng.random(self.rng.integers(8, 29))
        w = self.vocab[np.minimum(np.searchsorted(self.cdf, u), len(self.vocab) - 1)]
        return " ".join(w).capitalize() + "."

    def sentences(self, n_words: int) -> list[str]:
        out, total = [], 0
        while total < n_words:
            out.append(self.sentence())
            total += out[-1].count(" ") + 1
        return out


def edit_words(corpus: Corpus, sents: list[str], rate: float) -> list[str]:
    r = corpus.rng
    out = []
    for s in sents:
        words = s[:-1].split(" ")
        for k in range(len(words)):
            if r.random() < rate:
                words[k] = corpus.vocab[r.integers(len(corpus.vocab))]
        out.append(" ".join(words).capitalize() + ".")
    return out


def build(n: int, seed: int, planted_share: float, outlets: int):
    c = Corpus(seed, outlets=outlets)
    r = c.rng
    per_kind = int(n * planted_share / 4)
    n_base = n - 4 * per_kind
    bodies, outlet_of = [], []
    for _ in range(n_base):
        bodies.append(c.sentences(int(r.integers(300, 600))))
        outlet_of.append(int(r.integers(outlets)))
    titles = [c.sentence() for _ in range(n_base)]
    planted: dict[tuple[int, int], str] = {}
    base_ids = r.permutation(n_base)[:4 * per_kind]
    for k, kind in enumerate(("duplicate", "republication", "rewrite", "partial")):
        for base in base_ids[k * per_kind:(k + 1) * per_kind]:
            src = bodies[base]
            title = titles[base]
            if kind == "duplicate":
                new = list(src)
            elif kind == "republication":
                new = edit_words(c, src, 0.02) + [c.sentence()]
                title = c.sentence()
            elif kind == "rewrite":
                new = edit_words(c, src, 0.15)
                drop = int(r.integers(len(new)))
                new = new[:drop] + new[drop + 1:] + [c.sentence()]
                title = c.sentence()
            else:
                own = c.sentences(int(r.integers(300, 600)))
                words = lambda ss: sum(x.count(" ") + 1 for x in ss)  # noqa: E731
                target = 0.3 * min(words(src), words(own))
                at = int(r.integers(0, len(src) // 2))
                end = at + 1
                while words(src[at:end]) < target:
                    end += 1
                cut = int(r.integers(len(own)))
                new = own[:cut] + src[at:end] + own[cut:]
                title = c.sentence()
            planted[(int(base), len(bodies))] = kind
            bodies.append(new)
            titles.append(title)
            outlet_of.append(outlet_of[base] if kind != "partial" else int(r.integers(outlets)))
    articles = []
    for i, body in enumerate(bodies):
        head, tail = c.templates[outlet_of[i]]
        text = "\n\n".join([head] + [" ".join(body[k:k + 3]) for k in range(0, len(body), 3)] + [tail])
        articles.append(Article(id=f"b{i}", source=Source("bench", i), text=text, title=titles[i]))
    return articles, planted


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--planted", type=float, default=0.12, help="share of articles planted")
    ap.add_argument("--outlets", type=int, default=50)
    args = ap.parse_args(argv)

    t = time.perf_counter()
    articles, planted = build(args.n, args.seed, args.planted, args.outlets)
    t_gen = time.perf_counter() - t
    mem_gen = peak_mb()
    print(f"corpus: {len(articles):,} articles, {sum(len(a.text) for a in articles) / 1e6:.0f} M chars,"
          f" {len(planted):,} planted pairs; generated in {t_gen:.1f}s, peak {mem_gen:.0f} MB", flush=True)

    t0 = time.perf_counter()
    feats = features(a.text for a in articles)
    t1 = time.perf_counter()
    cands = candidates(feats)
    t2 = time.perf_counter()
    routes = Counter(r for rs in cands.values() for r in rs)
    cand_recall = sum(1 for p in planted if p in cands) / len(planted)
    print(f"features {t1 - t0:.1f}s, candidates {t2 - t1:.1f}s: {len(cands):,} candidate pairs"
          f" ({dict(routes)}); candidate recall {cand_recall:.4f}", flush=True)

    found = judge_candidates(articles, feats, cands)
    t3 = time.perf_counter()
    idx = {a.id: i for i, a in enumerate(articles)}
    got = {}
    for rr in found:
        i, j = idx[rr["a"]], idx[rr["b"]]
        got[(min(i, j), max(i, j))] = rr["kind"]
    tp = sum(1 for p in got if p in planted)
    precision = tp / len(got) if got else 0.0
    recall = tp / len(planted)
    kinds = Counter((planted[p], got[p]) for p in got if p in planted)
    missed = Counter(planted[p] for p in planted if p not in got)
    print(f"alignment {t3 - t2:.1f}s; total reuse time {t3 - t0:.1f}s ({len(articles) / (t3 - t0):.0f} articles/s);"
          f" peak memory {peak_mb():.0f} MB (corpus alone {mem_gen:.0f} MB)")
    print(f"pairs found {len(got):,}; precision {precision:.4f}; recall {recall:.4f}")
    print(f"missed by planted kind: {dict(missed)}")
    print("planted kind -> found kind:")
    for (pk, fk), v in sorted(kinds.items()):
        print(f"  {pk:14s} -> {fk:14s} {v:6d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
