"""The command line: thin commands over the library; errors are turned into messages here."""
from __future__ import annotations

import argparse
import logging
import sys

from . import __version__
from .errors import RashomonError


def _cmd_analyze(args: argparse.Namespace) -> int:
    from .output import write
    from .pipeline import analyze

    if args.engine == "spark":
        from .engines.spark import run_cli

        return run_cli(args)
    if args.slice is not None:
        return _analyze_bounded(args)
    analysis = analyze(args.inputs, progress=not args.quiet and sys.stderr.isatty(), workers=args.workers)
    for r in analysis.rejected:
        print(f"rejected: {r.source}: {r.reason}", file=sys.stderr)
    if not analysis.articles:
        print("rashomon: no article could be read from the input", file=sys.stderr)
        write(analysis, args.out, report=not args.no_report)
        return 1
    paths = write(analysis, args.out, report=not args.no_report)
    print(f"{len(analysis.articles)} articles, {len(analysis.rejected)} rejected")
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from .store import open_store

    with open_store(args.db, memory_limit=args.db_memory) as store:
        res = store.add(args.inputs, batch_size=args.batch_size, progress=not args.quiet and sys.stderr.isatty())
        counts = store.counts()
    for r in res.rejected:
        print(f"rejected: {r.source}: {r.reason}", file=sys.stderr)
    print(f"added {len(res.new)} new, {res.present} already present, {len(res.rejected)} rejected")
    if res.completed_pending:
        print(f"completed {res.completed_pending} articles left pending by an interrupted add")
    print(f"store {args.db}: {counts['articles']} articles, {counts['stories']} stories, "
          f"{counts['entities']} entities, {counts['events']} events")
    return 0 if res.new or res.present or not res.rejected else 1


def _cmd_stories(args: argparse.Namespace) -> int:
    import json

    from .store import open_store

    with open_store(args.db, read_only=True) as store:
        stories = store.stories()
    if args.json:
        print(json.dumps(stories, ensure_ascii=False, indent=1))
        return 0
    for s in stories:
        dates = f"{s['start'] or '?'}..{s['end'] or '?'}" if s["start"] != s["end"] else s["start"]
        print(f"{s['id']}  {len(s['articles']):>4} art.  {dates or 'undated':<22}  {s['title']}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    import json

    from .store import open_store

    with open_store(args.db, read_only=True) as store:
        story = store.story(args.story)
        articles = store.articles(story["articles"])
        quotes = store.quotes(story["articles"])
    if args.json:
        print(json.dumps({"story": story, "articles": [a.to_json() for a in articles], "quotes": quotes},
                         ensure_ascii=False, indent=1))
        return 0
    print(f"{story['title']}\n{story['id']}  {story['start'] or '?'}..{story['end'] or '?'}  "
          f"{len(articles)} articles\n")
    for a in articles:
        print(f"  {a.published or 'undated':<10}  {a.outlet or '-':<24}  {a.title or a.text[:60]}  [{a.id}]")
    if quotes:
        print(f"\n{len(quotes)} quotes")
        for q in quotes[:args.quotes]:
            text = q["text"] if len(q["text"]) <= 100 else q["text"][:97] + "..."
            print(f"  {q.get('speaker_text') or '?'}: {text}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import os

    from .serve import serve

    return serve(db=args.db, host=args.host, port=args.port,
                 token=args.token or os.environ.get("RASHOMON_TOKEN") or None, memory_limit=args.db_memory)


def _analyze_bounded(args: argparse.Namespace) -> int:
    from .bounded import analyze_bounded

    paths, stats = analyze_bounded(args.inputs, args.out, slice_size=args.slice, workers=args.workers,
                                   report=not args.no_report, progress=not args.quiet and sys.stderr.isatty(),
                                   memory_limit=args.db_memory)
    for source, reason in stats["rejections"]:
        print(f"rejected: {source}: {reason}", file=sys.stderr)
    if not stats["articles"]:
        print("rashomon: no article could be read from the input", file=sys.stderr)
    print(f"{stats['articles']} articles, {stats['rejected']} rejected")
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    return 0 if stats["articles"] else 1


def _size(text: str) -> str:
    from .store import checked_limit

    try:
        return checked_limit(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rashomon", description=__doc__)
    p.add_argument("--version", action="version", version=f"rashomon {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    from .store import MEMORY_LIMIT

    sub = p.add_subparsers(dest="command", required=True)
    db_memory = dict(type=_size, default=MEMORY_LIMIT, metavar="SIZE",
                     help=f"the store's own memory at most (DuckDB's buffers; default {MEMORY_LIMIT}; "
                          "with analyze, for --slice)")
    a = sub.add_parser("analyze", help="analyse files or folders of news articles")
    a.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories (read recursively)")
    a.add_argument("--out", required=True, metavar="DIR", help="where analysis.json and index.html go")
    a.add_argument("--no-report", action="store_true", help="write analysis.json only")
    a.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    a.add_argument("--engine", choices=("local", "spark"), default="local",
                   help="local: this machine, all cores (default); spark: a Spark cluster (pip install rashomon[spark])")
    a.add_argument("--workers", type=int, default=None, metavar="N",
                   help="local engine: processes for the linguistic analysis (default: all cores)")
    a.add_argument("--slice", type=int, default=None, metavar="N",
                   help="local engine, for corpora too large for memory: analyse through an on-disk store "
                        "(OUT/rashomon.duckdb), N new articles per corpus step, in bounded memory; stories are "
                        "clustered online slice by slice (see rashomon/bounded.py). Suggested N: 5000")
    a.add_argument("--db-memory", **db_memory)
    a.add_argument("--master", default=None, metavar="URL",
                   help="spark engine: the Spark master (default: local[*], or what spark-submit sets)")
    a.set_defaults(func=_cmd_analyze)
    db = dict(default="rashomon.duckdb", metavar="FILE", help="the store (default: ./rashomon.duckdb)")
    d = sub.add_parser("add", help="add files or folders of articles to the store (re-adding is a no-op)")
    d.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories (read recursively)")
    d.add_argument("--db", **db)
    d.add_argument("--batch-size", type=int, default=64, metavar="N", help="articles per transaction")
    d.add_argument("--db-memory", **db_memory)
    d.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    d.set_defaults(func=_cmd_add)
    s = sub.add_parser("stories", help="list the stories in the store")
    s.add_argument("--db", **db)
    s.add_argument("--json", action="store_true", help="the contract's Story objects as JSON")
    s.set_defaults(func=_cmd_stories)
    w = sub.add_parser("show", help="show one story of the store: its articles and quotes")
    w.add_argument("story", metavar="STORY", help="a story id (or a unique prefix of one)")
    w.add_argument("--db", **db)
    w.add_argument("--quotes", type=int, default=10, metavar="N", help="quotes to print (default 10)")
    w.add_argument("--json", action="store_true", help="story, articles and quotes as JSON")
    w.set_defaults(func=_cmd_show)
    v = sub.add_parser("serve", help="browse the store in a web browser and over an HTTP API")
    v.add_argument("--db", **db)
    v.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)")
    v.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    v.add_argument("--token", default=None,
                   help="allow writes (POST /articles) with this bearer token (or set RASHOMON_TOKEN); read-only without")
    v.add_argument("--db-memory", **db_memory)
    v.set_defaults(func=_cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except RashomonError as e:
        print(f"rashomon: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
