"""Readers: stream RawDoc items (or Rejections) from files and directories. (stub)"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from os import PathLike
from pathlib import Path

from ..model import RawDoc, Rejection, Source


def read_inputs(paths: Iterable[str | PathLike]) -> Iterator[RawDoc | Rejection]:
    for p in paths:
        path = Path(p)
        files = sorted(x for x in path.rglob("*") if x.is_file()) if path.is_dir() else [path]
        for f in files:
            try:
                text = f.read_text("utf-8")
            except (OSError, UnicodeDecodeError) as e:
                yield Rejection(Source(str(f)), str(e))
                continue
            yield RawDoc(Source(str(f), 0), text, "text", {})
