"""Ingest: readers (one per format), HTML extraction, cleaning, splitting and metadata.

``read_inputs(paths)`` streams RawDoc and Rejection items; ``build(raw, repeated)`` turns one
RawDoc into one or more Articles (a scraped page may carry several articles), given the lines
that recur across a site's files (``clean.RepeatedLines``, a cheap pre-pass).
"""
from __future__ import annotations

from .build import build
from .readers import read_inputs

__all__ = ["read_inputs", "build"]
