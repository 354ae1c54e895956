"""The comparison stage alone, on a kept Analysis (issue 7).

Runs every stage before ``compare`` once and pickles the Analysis, then times ``compare_stage``
on a fresh copy of it (model load counted apart from the rest), so the comparison can be
measured again and again without re-parsing. Default articles: the ratio benchmark's (quotes,
times and coref evaluation sets).

    python benchmarks/bench_compare.py --keep /tmp/cmp.pkl          # build once (parse: minutes)
    python benchmarks/bench_compare.py --keep /tmp/cmp.pkl --repeat 2
    python benchmarks/bench_compare.py --keep /tmp/cmp.pkl --out /tmp/cmp.json   # the results
    python benchmarks/bench_compare.py --keep /tmp/cmp.pkl --profile  # cProfile top entries

Prints the seconds of the model load and of compare_stage, the sentences embedded and the
largest stories.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]  # this checkout's rashomon, not an installed one
from bench_nlp import RATIO_SETS  # noqa: E402


def kept(path: Path, inputs: list[str], workers: int):
    """The Analysis after every stage before compare: read from ``path``, else built and saved."""
    if path.is_file():
        return pickle.loads(path.read_bytes())
    from rashomon.model import Analysis
    from rashomon.pipeline import corpus_stages, iter_articles

    analysis = Analysis()
    for item in iter_articles(inputs):
        (analysis.articles if hasattr(item, "text") else analysis.rejected).append(item)
    ctx: dict = {"progress": False, "workers": workers}
    for name, stage in corpus_stages():
        if name == "compare":
            break
        if name == "compare plan":  # compare_stage, timed below, makes its own plan
            continue
        t = time.perf_counter()
        stage(analysis, ctx)
        print(f"  {name:<12} {time.perf_counter() - t:7.1f} s", flush=True)
    path.write_bytes(pickle.dumps(analysis))
    return analysis


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("articles", nargs="*", help="inputs (default: the ratio benchmark's sets)")
    ap.add_argument("--keep", default="/tmp/rashomon_compare.pkl", help="the kept Analysis")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--profile", action="store_true", help="cProfile one run, top 30 by cumulative")
    ap.add_argument("--out", help="write the stories' comparison sections here (JSON)")
    args = ap.parse_args()
    base = kept(Path(args.keep), args.articles or [str(p) for p in RATIO_SETS], args.workers)
    from rashomon.compare import compare_stage
    from rashomon.compare.embed import model

    multi = sorted((len(s["articles"]) for s in base.stories), reverse=True)
    print(f"{len(base.articles)} articles, {len(base.stories)} stories, "
          f"{sum(n > 1 for n in multi)} with 2+ articles, largest {multi[:5]}; "
          f"load average {os.getloadavg()[0]:.2f}")
    t = time.perf_counter()
    model()
    print(f"model load {time.perf_counter() - t:7.2f} s")
    for _ in range(args.repeat):
        analysis = copy.deepcopy(base)
        t = time.perf_counter()
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.runcall(compare_stage, analysis, {})
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        else:
            compare_stage(analysis, {})
        took = time.perf_counter() - t
        st = analysis.stats
        print(f"compare {took:7.2f} s; " + ", ".join(f"{k[8:]} {v}" for k, v in st.items()
                                                     if k.startswith("compare_")), flush=True)
    if args.out:
        keys = ("id", "articles", "facts", "conflicts", "summary", "timeline")
        Path(args.out).write_text(json.dumps([{k: s.get(k) for k in keys} for s in analysis.stories],
                                             indent=1, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
