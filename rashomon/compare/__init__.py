"""Side by side: for each story, the facts its articles report or omit, the conflicts between
them, an attributed neutral summary and a sourced timeline (issue 6). Placeholder entry point
until the comparison lands: it leaves the story sections empty."""
from __future__ import annotations

from ..model import Analysis

__all__ = ["compare_stage"]


def compare_stage(analysis: Analysis, ctx: dict) -> None:
    """Fill ``summary``, ``timeline``, ``facts`` and ``conflicts`` of every story in place."""
