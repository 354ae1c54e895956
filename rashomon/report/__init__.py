"""The HTML report. (stub)"""
from __future__ import annotations

import html
from pathlib import Path


def write_report(analysis, out_dir: Path) -> Path:
    path = Path(out_dir) / "index.html"
    rows = "".join(f"<li>{html.escape(a.title or a.id)}</li>" for a in analysis.articles)
    path.write_text(f"<!doctype html><meta charset=utf-8><title>rashomon</title><ul>{rows}</ul>", "utf-8")
    return path
