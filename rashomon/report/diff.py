"""The reuse section's side-by-side view: which parts of two texts are shared, which differ.

``diff_segments`` cuts one article's text at the aligned shared passages of a reuse pair;
``pair_views`` prepares, per pair, both columns and the swapped phrases grouped by kind.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..model import Article

@dataclass
class DiffSegment:
    """A piece of one article's text in a pair view.

    ``shared``: inside an aligned shared passage; ``compared`` is False for text the alignment
    leaves out on purpose (the outlet's dateline), shown plain rather than as a difference.
    """

    text: str
    shared: bool
    compared: bool = True


def _merge(intervals: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """Clip to [0, n], drop empty ones, sort and merge overlapping or touching intervals."""
    out: list[list[int]] = []
    for start, end in sorted((max(0, s), min(n, e)) for s, e in intervals):
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


class _Intervals:
    """``pos in self``: whether sorted intervals without overlaps (``_merge``) hold ``pos``; only
    the last one starting at or before it can (bisection)."""

    def __init__(self, intervals: list[tuple[int, int]]):
        self.intervals = intervals
        self.starts = [s for s, _ in intervals]

    def __contains__(self, pos: int) -> bool:
        k = bisect.bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.intervals[k][1]


def diff_segments(text: str, spans: list[tuple[int, int]],
                  skip: list[tuple[int, int]] = ()) -> list[DiffSegment]:
    """Split ``text`` into shared pieces (covered by ``spans``) and differing pieces (the rest).

    ``spans`` are (start, end) offsets into ``text`` (end exclusive) in any order; they may
    overlap or run past the text, and are clipped and merged. ``skip`` marks text left out of
    the comparison (``compared=False``) where no span covers it. A differing run that holds no
    letter or digit (the space or comma between two shared passages) counts as shared, so that
    only wording is highlighted. Adjacent pieces of the same kind are merged; the pieces
    concatenate to ``text``.
    """
    n = len(text)
    shared, skipped = _merge(list(spans), n), _merge(list(skip), n)
    cuts = sorted({0, n, *(x for iv in shared + skipped for x in iv)})

    shared_at, skipped_at = _Intervals(shared), _Intervals(skipped)

    pieces: list[DiffSegment] = []
    for start, end in zip(cuts, cuts[1:]):
        is_shared = start in shared_at
        piece = DiffSegment(text[start:end], is_shared, is_shared or start not in skipped_at)
        if pieces and (pieces[-1].shared, pieces[-1].compared) == (piece.shared, piece.compared):
            pieces[-1] = DiffSegment(pieces[-1].text + piece.text, piece.shared, piece.compared)
        else:
            pieces.append(piece)
    out: list[DiffSegment] = []
    for piece in pieces:
        if piece.compared and not piece.shared and not any(ch.isalnum() for ch in piece.text):
            piece = DiffSegment(piece.text, True)
        if out and (out[-1].shared, out[-1].compared) == (piece.shared, piece.compared):
            out[-1] = DiffSegment(out[-1].text + piece.text, piece.shared, piece.compared)
        else:
            out.append(piece)
    return out


def _skip(article: Article) -> list[tuple[int, int]]:
    """What the reuse alignment leaves out of an article: its dateline prefix."""
    d = article.dateline
    if d and isinstance(d.start, int) and isinstance(d.end, int):
        return [(d.start, d.end)]
    return []


def _side_spans(pair: dict, side: str) -> list[tuple[int, int]]:
    """One side's (start, end) offsets from a Reuse object's ``spans``; malformed ones skipped."""
    out = []
    for span in pair.get("spans") or []:
        start, end = span.get(f"{side}_start"), span.get(f"{side}_end")
        if isinstance(start, int) and isinstance(end, int):
            out.append((start, end))
    return out


_SUB_KINDS = ("wording", "spelling", "addition", "omission")


def _sub_kind(sub: dict) -> str:
    kind = sub.get("kind")
    if kind:
        return str(kind)
    if not sub.get("a"):
        return "addition"
    return "omission" if not sub.get("b") else "wording"


def _is_loaded(sub: dict, a: Article | None, b: Article | None) -> bool:
    """Whether a swap touches wording the articles' ``loaded`` lists mark (by the phrase text)."""
    for phrase, art in ((sub.get("a") or "", a), (sub.get("b") or "", b)):
        low = phrase.casefold()
        if art and low and any(x.text and (x.text.casefold() in low or low in x.text.casefold())
                               for x in art.loaded):
            return True
    return False


@dataclass
class PairView:
    pair: dict
    a: Article | None
    b: Article | None
    a_segments: list[DiffSegment]
    b_segments: list[DiffSegment]
    subs: list[tuple[str, list[tuple[dict, bool]]]]  # (kind, [(substitution, loaded)]) in kind order
    n_subs: int


def pair_views(reuse: list[dict], by_id: dict[str, Article]) -> list[PairView]:
    views = []
    for pair in reuse:
        a, b = by_id.get(pair.get("a")), by_id.get(pair.get("b"))
        groups: dict[str, list[tuple[dict, bool]]] = {}
        for sub in pair.get("substitutions") or []:
            groups.setdefault(_sub_kind(sub), []).append((sub, _is_loaded(sub, a, b)))
        order = [k for k in _SUB_KINDS if k in groups] + sorted(k for k in groups if k not in _SUB_KINDS)
        views.append(PairView(
            pair, a, b,
            diff_segments(a.text, _side_spans(pair, "a"), _skip(a)) if a else [],
            diff_segments(b.text, _side_spans(pair, "b"), _skip(b)) if b else [],
            [(k, groups[k]) for k in order], sum(len(v) for v in groups.values())))
    return views

