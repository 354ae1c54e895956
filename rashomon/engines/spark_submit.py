"""The spark-submit entry point of the Spark engine.

spark-submit runs a file, not a module, so point it at this one::

    spark-submit --master URL $(python -c 'import rashomon.engines.spark_submit as m; print(m.__file__)') \
        INPUT... --out DIR [--no-report] [-q]

``python -m rashomon.engines.spark_submit INPUT... --out DIR [--master URL]`` works too (a local
session unless ``--master`` is given). The master and every other setting come from spark-submit.
"""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="rashomon-spark", description="rashomon analyze on a Spark cluster")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--master", default=None, metavar="URL")
    p.add_argument("--no-report", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args(argv)
    args.workers = None
    from rashomon.engines.spark import run_cli
    from rashomon.errors import RashomonError

    try:
        return run_cli(args)
    except RashomonError as e:
        print(f"rashomon: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
