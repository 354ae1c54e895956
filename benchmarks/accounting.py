"""Is anything the user gave lost? Every line of each plain-text input must be found in an
article's text, title or subtitle, or verbatim in its ``removed`` list.

    python benchmarks/accounting.py ../shared/seeds examples/corpus/*.txt
Prints every line it cannot account for, then a count; exits 1 if any line is lost.
"""
from __future__ import annotations

import sys
from pathlib import Path

from rashomon.ingest.clean import to_lines
from rashomon.pipeline import iter_articles


def main(paths: list[str]) -> int:
    by_path: dict[str, list] = {}
    for a in iter_articles(paths):
        if hasattr(a, "text"):
            by_path.setdefault(a.source.path, []).append(a)
    lost = lines = 0
    for path, arts in by_path.items():
        if not path.endswith(".txt"):
            continue
        text = " ".join(" ".join(a.text.split()) for a in arts)
        removed = {" ".join(r.split()) for a in arts for r in a.removed}
        fields = {a.title for a in arts} | {a.extra.get("subtitle") for a in arts}
        for ln in to_lines(Path(path).read_text(encoding="utf-8")):
            lines += 1
            if ln.text in text or ln.text in fields or " ".join(ln.raw.split()) in removed:
                continue
            lost += 1
            print(f"LOST {Path(path).name}: {ln.text[:100]!r}")
    print(f"{len(by_path)} files, {lines} lines, {lost} not accounted for")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["examples/corpus"]))
