"""Ingest: readers (one per format), HTML extraction, cleaning, splitting and metadata.

``read_inputs(paths)`` streams RawDoc and Rejection items; ``build_articles(raw)`` turns one
RawDoc into one or more Articles (a scraped page may carry several articles).
"""
from __future__ import annotations

from collections.abc import Iterator

from ..model import Article, RawDoc, Rejection
from .readers import read_inputs

__all__ = ["read_inputs", "build_articles"]


def build_articles(raw: RawDoc) -> Iterator[Article | Rejection]:
    """Clean, split and annotate one document with metadata."""
    from .build import build

    yield from build(raw)
