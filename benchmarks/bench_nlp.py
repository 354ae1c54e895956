"""What our linguistic components cost beyond spaCy itself.

Parses the same texts with ``nlp.pipe`` (the model rashomon loads), then times each of our
per-document components on those Docs (times, quotes, mentions, story features) and the
corpus-level steps that follow (entity resolution, speaker linking). Prints each cost and the
total as a share of the ``nlp.pipe`` time. Target (issue 4): our components add at most 25%.

    python benchmarks/bench_nlp.py                       # the quotes dev set (84 articles)
    python benchmarks/bench_nlp.py ../shared/eval/coref/ecbplus-dev/articles.jsonl --limit 200

``--ratio`` (issue 7): the throughput of the whole ``rashomon analyze`` against spaCy's own
``nlp.pipe`` with the same model and the same number of processes, on the same articles in one
run (default: the articles of the quotes, times and coref evaluation sets). ``nlp.pipe`` is timed
on the cleaned texts with the model already loaded; ``rashomon analyze`` is what the command does,
run in a new process (``bench_e2e.py``'s runner: start-up, reading, every stage, writing
analysis.json and the report), with the seconds of each stage. Target: the ratio of articles/s
is at least 0.8.

    python benchmarks/bench_nlp.py --ratio --workers 2

``--ops``: the parse in one process with thinc's blis (spaCy as it comes) against NumPy's BLAS
(``rashomon.nlp.numpy_blas``, what ``load`` uses), alternating rounds on the same texts: seconds
per component, and whether every token's tag, dependency, head and entity are the same.

    python benchmarks/bench_nlp.py --ops --limit 200

``--parse-needs``: the share of sentences (and of their tokens) in which some component reads the
dependency parse: a mention of an entity (its description and extent come from the parse), a time
expression (its tense from the governing verb), a quotation mark or attribution cue (quotes), an
event trigger. The parser could be skipped on the other sentences only; with ``--ops``'s seconds
per component this bounds what a parse limited to the sentences that need it would save.

    python benchmarks/bench_nlp.py --parse-needs --limit 300
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

EVAL = Path(__file__).resolve().parents[2] / "shared/eval"
DEFAULT = EVAL / "quotes/polnear-dev/articles.jsonl"
RATIO_SETS = [EVAL / "quotes/polnear-dev/articles.jsonl", EVAL / "times/tempeval3-train/articles.jsonl",
              EVAL / "coref/ecbplus-dev/articles.jsonl"]


def ratio(paths: list[str], workers: int) -> None:
    """Print nlp.pipe's and `rashomon analyze`'s articles/s on the same articles, and the ratio."""
    import os
    import sys
    import tempfile

    from rashomon.nlp import load
    from rashomon.nlp.stage import ENGLISH
    from rashomon.pipeline import iter_articles

    texts = [a.text for a in iter_articles(paths) if hasattr(a, "text") and a.language in ENGLISH]
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} articles, {words / len(texts):.0f} words each, from {len(paths)} files; "
          f"{workers} process(es) for both; load average {os.getloadavg()[0]:.2f}")
    nlp = load(stock=True)  # spaCy's own pipeline, as the package defines it
    nlp("warm up")
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32, n_process=workers):
        pass
    base = time.perf_counter() - t0
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_e2e import run

    with tempfile.TemporaryDirectory() as out:
        ours, _ = run(os.pathsep.join(paths), out, workers)
        n = len(json.loads(Path(out, "analysis.json").read_text("utf-8"))["articles"])
        stats = json.loads(Path(out, "stats.json").read_text("utf-8"))
    print(f"{'nlp.pipe (spaCy)':<22} {base:8.1f} s  {len(texts) / base:7.2f} articles/s")
    print(f"{'rashomon analyze':<22} {ours:8.1f} s  {n / ours:7.2f} articles/s  ({n} articles)")
    for k, v in stats.items():
        if k.endswith("_seconds"):
            print(f"  {k[:-8]:<20} {v:8.1f} s")
    r = (n / ours) / (len(texts) / base)
    print(f"ratio (analyze / nlp.pipe articles/s): {r:.3f} (target >= 0.8); load average "
          f"{os.getloadavg()[0]:.2f}")
    print(json.dumps({"workers": workers, "nlp_pipe_aps": round(len(texts) / base, 2),
                      "analyze_aps": round(n / ours, 2), "ratio": round(r, 3)}))
    sys.stdout.flush()


def ops(paths: list[str], limit: int, rounds: int = 2) -> None:
    """Seconds per component of the parse with blis and with NumPy's BLAS (see the module doc)."""
    import spacy

    from rashomon.nlp import model_name, numpy_blas, one_blas_thread
    from rashomon.nlp.fast import install
    from rashomon.pipeline import iter_articles

    one_blas_thread()  # as in a parsing worker
    texts = [a.text for a in iter_articles(paths) if hasattr(a, "text")][: limit or None]
    models = {"blis": spacy.load(model_name()), "numpy": spacy.load(model_name())}
    numpy_blas(models["numpy"])
    for nlp in models.values():
        install(nlp)
        list(nlp.pipe(texts[:8]))  # warm up (and the memoised attributes' first keys)
    secs: dict[str, dict[str, float]] = {k: {} for k in models}
    annotations = {}
    for _ in range(rounds):
        for key, nlp in models.items():
            docs = [nlp.make_doc(t) for t in texts]
            for comp, proc in nlp.pipeline:
                t = time.perf_counter()
                docs = list(proc.pipe(docs, batch_size=32)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
                secs[key][comp] = secs[key].get(comp, 0.0) + (time.perf_counter() - t) / rounds
            annotations[key] = [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for d in docs for t in d]
    n = len(annotations["blis"])
    same = sum(x == y for x, y in zip(annotations["blis"], annotations["numpy"]))
    print(f"{len(texts)} texts, {n} tokens, mean of {rounds} rounds")
    for key, row in secs.items():
        print(f"  {key:<6} total {sum(row.values()):6.2f} s: " + ", ".join(f"{c} {v:.2f}" for c, v in row.items()))
    print(f"  same tag, dependency, head and entity: {same} of {n} tokens")
    print(json.dumps({k: round(sum(v.values()), 2) for k, v in secs.items()} | {"same_tokens": same, "tokens": n}))


def parse_needs(paths: list[str], limit: int) -> None:
    """Share of sentences and tokens that some component needs parsed (see the module doc)."""
    import re

    from rashomon.events.lexicon import lexicon
    from rashomon.nlp import load
    from rashomon.nlp.entities import find_mentions
    from rashomon.nlp.quotes import cue_lexicon
    from rashomon.nlp.stage import ENGLISH
    from rashomon.nlp.times import find_times
    from rashomon.pipeline import iter_articles

    articles = [a for a in iter_articles(paths) if hasattr(a, "text") and a.language in ENGLISH][: limit or None]
    strong, weak, _phrasal = cue_lexicon()
    triggers = {w for _pos, w in lexicon().triggers}
    quote_mark = re.compile(r'["\u201c\u201d\u00ab\u00bb]')
    nlp = load()
    kinds = ("entity", "time", "quote", "event")
    sents = toks = 0
    need = {k: [0, 0] for k in (*kinds, "any", "any but entity")}
    for a, doc in zip(articles, nlp.pipe((a.text for a in articles), batch_size=32)):
        spans = {"entity": [(m["start"], m["end"]) for m in find_mentions(a, doc)],
                 "time": [(t["start"], t["end"]) for t in find_times(a, doc)]}
        for s in doc.sents:
            lo, hi = s.start_char, s.end_char
            sents, toks = sents + 1, toks + len(s)
            has = {k: any(lo <= x < hi for x, _ in spans[k]) for k in spans}
            has["quote"] = bool(quote_mark.search(s.text)) or any(t.lemma_ in strong or t.lemma_ in weak for t in s)
            has["event"] = any(t.lemma_.lower() in triggers for t in s)
            has["any"] = any(has[k] for k in kinds)
            has["any but entity"] = any(has[k] for k in kinds if k != "entity")
            for k, v in has.items():
                if v:
                    need[k][0] += 1
                    need[k][1] += len(s)
    print(f"{len(articles)} articles, {sents} sentences, {toks} tokens: share that needs the parse for")
    for k, (ns, nt) in need.items():
        print(f"  {k:<15} sentences {ns / sents:.2f}  tokens {nt / toks:.2f}")
    print(json.dumps({k: round(nt / toks, 3) for k, (_ns, nt) in need.items()}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("articles", nargs="*", help="JSONL files of articles (default: the quotes dev set; "
                    "with --ratio, the quotes, times and coref sets)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--ratio", action="store_true", help="analyze vs nlp.pipe throughput (issue 7)")
    ap.add_argument("--workers", type=int, default=2, help="processes for both, with --ratio")
    ap.add_argument("--ops", action="store_true", help="the parse with blis vs NumPy's BLAS")
    ap.add_argument("--parse-needs", action="store_true", help="share of sentences that need the parse")
    args = ap.parse_args()
    if args.parse_needs:
        return parse_needs(args.articles or [str(p) for p in RATIO_SETS], args.limit)
    if args.ops:
        return ops(args.articles or [str(p) for p in RATIO_SETS], args.limit)
    if args.ratio:
        return ratio(args.articles or [str(p) for p in RATIO_SETS], args.workers)
    args.articles = args.articles[0] if args.articles else str(DEFAULT)

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
