"""The command line: thin commands over the library; errors are turned into messages here."""
from __future__ import annotations

import argparse
import logging
import sys

from . import __version__


def _cmd_analyze(args: argparse.Namespace) -> int:
    from .output import write
    from .pipeline import analyze

    analysis = analyze(args.inputs, progress=not args.quiet and sys.stderr.isatty())
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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rashomon", description=__doc__)
    p.add_argument("--version", action="version", version=f"rashomon {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("analyze", help="analyse files or folders of news articles")
    a.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories (read recursively)")
    a.add_argument("--out", required=True, metavar="DIR", help="where analysis.json and index.html go")
    a.add_argument("--no-report", action="store_true", help="write analysis.json only")
    a.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    a.set_defaults(func=_cmd_analyze)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
