"""Spark engine, reading: list the inputs on the driver, read and build articles on executors.

The same per-file work as ``rashomon.pipeline.iter_articles`` (read -> clean -> split ->
metadata), one task per slice of files. The furniture pre-pass (``RepeatedLines``: short lines
recurring in the text files of one folder) runs as a Spark aggregation over line hashes; only
the hashes seen in at least ``min_files`` files come back to the driver, and are broadcast.
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter

from ..ingest.clean import RepeatedLines, folder_of
from ..model import Rejection, Source


class StableRepeatedLines(RepeatedLines):
    """``RepeatedLines`` with a hash that is the same in every process (Python's ``hash`` of a
    string is salted per process, and the driver and executors are different processes)."""

    @staticmethod
    def key(t: str) -> int:
        norm = " ".join(t.split()).lower()
        return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def list_inputs(paths) -> tuple[list[str], list[Rejection]]:
    """The input files in the order the local engine reads them (directories walked recursively,
    hidden entries skipped, sorted by relative path), and the inputs that cannot be listed."""
    files: list[str] = []
    rejected: list[Rejection] = []
    for p in paths:
        given = os.fspath(p)
        if not os.path.isdir(given):
            files.append(given)
            continue
        errors: list[OSError] = []
        found = []
        for root, dirs, names in os.walk(given, onerror=errors.append):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found.extend(os.path.join(root, n) for n in names if not n.startswith("."))
        found.sort(key=lambda f: os.path.relpath(f, given).split(os.sep))
        rejected.extend(Rejection(Source(e.filename or given), f"cannot read the directory: {e.strerror or e}")
                        for e in errors)
        if not found and not errors:
            rejected.append(Rejection(Source(given), "no files in the directory (hidden files are skipped)"))
        files.extend(found)
    return files, rejected


def _line_keys(path: str):
    """((folder, key), 1) for each distinct short line of a text file, and (folder, None) once."""
    if not path.lower().endswith(".txt"):
        return
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return  # the reader reports the unreadable file
    folder = folder_of(path)
    yield (folder, None), 1
    keys = {StableRepeatedLines.key(ln) for ln in text.split("\n")
            if 0 < len(ln.strip()) <= RepeatedLines.MAX_CHARS}
    for k in keys:
        yield (folder, k), 1


def repeated_lines(files_rdd) -> StableRepeatedLines:
    """The furniture pre-pass as a Spark aggregation: file counts per folder and, per folder,
    the line hashes held by at least ``min_files`` files (the only ones that can be furniture)."""
    rep = StableRepeatedLines()
    counts = (files_rdd.flatMap(lambda fp: _line_keys(fp[1])).reduceByKey(lambda x, y: x + y)
              .filter(lambda kv: kv[0][1] is None or kv[1] >= rep.min_files).collect())
    for (folder, key), n in counts:
        if key is None:
            rep._files[folder] = n
        else:
            rep._counts.setdefault(folder, Counter())[key] = n
    return rep


def read_partition(rows, repeated):
    """Executor side: (file index, path) -> ((file index, item index), Article or Rejection)."""
    from ..ingest import build
    from ..ingest.readers import read_file

    rep = repeated.value
    for fi, path in rows:
        k = 0
        for item in read_file(path):
            built = [item] if isinstance(item, Rejection) else build(item, rep)
            for out in built:
                yield (fi, k), out
                k += 1
