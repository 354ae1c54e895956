"""Judge one candidate pair: what kind of reuse, how much is shared, and what was changed.

Kinds, tried in this order (the figures are module constants):

* ``duplicate``: the same words (content hash of the word keys) and the same or no headline;
* ``shared_quotes``: what they share lies mostly inside quotation marks;
* ``republication``: nearly all of each text is in the other (small edits, a new headline);
* ``rewrite``: most sentences of each still align one to one (the skeleton), wording changed;
* ``partial``: some passages reused; enough shared words that it is not one stock sentence;
* otherwise no reuse (``None``).
"""
from __future__ import annotations

from .align import Alignment, Change, align, char_count, stop_words
from .text import Doc, spelling_variant, transliteration

__all__ = ["judge", "substitutions"]

QUOTES_MIN_WORDS = 8  # shared quoted words for a shared_quotes pair
QUOTES_SHARE = 0.7  # share of the shared words that lie inside quotation marks
REPUB_SHARED = 0.9  # republication: shorter text found in the other ...
REPUB_LONG = 0.8  # ... and the longer one too
REWRITE_ALIGNED = 0.6  # rewrite: words in aligned sentences, shorter article ...
REWRITE_ALIGNED_LONG = 0.5  # ... and longer article
REWRITE_SHARED = 0.3
PARTIAL_SHARED = 0.2  # partial: shared share of the shorter article, or ...
PARTIAL_WORDS = 50  # ... this many shared words with at least ...
PARTIAL_WORDS_SHARED = 0.1  # ... this share
STOCK_MAX_WORDS = 40  # a shared run this short at the same edge of both texts is stock text
SHORT_PHRASE = 6  # words per side of a "swap", listed before longer rewordings


def judge(a_id: str, b_id: str, da: Doc, db: Doc, *, same_words: bool = False,
          same_title: bool = True, loaded: tuple[list, list] = ([], [])) -> dict | None:
    """The contract's Reuse object for articles a and b, or None when they share no reuse.

    ``same_words``: their content hashes are equal; ``same_title``: their headlines agree (or one
    is missing); ``loaded``: each article's loaded-wording spans, to rank substitutions.
    """
    al = align(da, db)
    cov_a, cov_b = al.coverage()
    short_is_a = char_count(da) <= char_count(db)
    shared, shared_long = (cov_a, cov_b) if short_is_a else (cov_b, cov_a)
    al_a, al_b = al.aligned_share()
    aligned, aligned_long = (al_a, al_b) if short_is_a else (al_b, al_a)
    words = len(al.matches)
    quoted = sum(1 for i, j in al.matches.items() if da.tokens[i].quoted or db.tokens[j].quoted)

    if same_words:
        kind = "duplicate" if same_title else "republication"
        shared = 1.0
    elif words >= QUOTES_MIN_WORDS and quoted >= QUOTES_SHARE * words and shared < 0.5:
        kind = "shared_quotes"
    elif shared >= REPUB_SHARED and shared_long >= REPUB_LONG:
        kind = "republication"
    elif aligned >= REWRITE_ALIGNED and aligned_long >= REWRITE_ALIGNED_LONG and shared >= REWRITE_SHARED:
        kind = "rewrite"
    elif _partial(al, shared, words):
        kind = "partial"
    else:
        return None
    return {
        "a": a_id, "b": b_id, "kind": kind, "shared": round(min(shared, 1.0), 4),
        "source": None, "common_origin": None,
        "substitutions": substitutions(al, whole_sentences=kind in ("republication", "rewrite"),
                                       loaded=loaded),
        "spans": al.spans(),
    }


def _partial(al: Alignment, shared: float, words: int) -> bool:
    """Enough shared beyond stock opening/closing lines (see ``Alignment.stock_words``)."""
    stock = al.stock_words(STOCK_MAX_WORDS)
    if stock and words:
        shared *= (words - stock) / words  # about the share without the stock lines
        words -= stock
    return shared >= PARTIAL_SHARED or (words >= PARTIAL_WORDS and shared >= PARTIAL_WORDS_SHARED)


def _same_surface(x: str, y: str) -> bool:
    return x.lower().replace("’", "'") == y.lower().replace("’", "'")


def substitutions(al: Alignment, *, whole_sentences: bool = True,
                  loaded: tuple[list, list] = ([], [])) -> list[dict]:
    """Changed phrases, most significant first, each with its kind (see ``_rank``)."""
    da, db = al.a, al.b
    found: list[tuple[tuple, dict]] = []
    for c in al.changes:
        if c.sentence and not whole_sentences:
            continue
        for sp in _peel(al, c):  # names spelled differently at the edges of a change
            found.append(((5, 1, 1, sp[0]), {"a": sp[1], "b": sp[2], "kind": "spelling"}))
        sa, sb = da.surface(c.ai, c.aj), db.surface(c.bi, c.bj)
        if not sa and not sb:
            continue
        if not sa:
            kind = "addition"
        elif not sb:
            kind = "omission"
        elif spelling_variant(sa, sb) or transliteration(sa, sb):
            kind = "spelling"
        else:
            kind = "wording"
        sub = {"a": sa, "b": sb, "kind": kind}
        if c.sentence:
            sub["scope"] = "sentence"
        found.append((_rank(al, c, kind, loaded), sub))
    # spelling inside shared stretches: equal keys, different surface (tyre/tire, U.S./US)
    run: list[tuple[int, int]] = []
    for i in sorted(al.matches) + [-1]:
        j = al.matches.get(i, -1)
        differs = i >= 0 and not _same_surface(da.text[da.tokens[i].start:da.tokens[i].end],
                                               db.text[db.tokens[j].start:db.tokens[j].end])
        if differs and (not run or (i == run[-1][0] + 1 and j == run[-1][1] + 1)):
            run.append((i, j))
            continue
        if run:
            sub = {"a": da.surface(run[0][0], run[-1][0] + 1),
                   "b": db.surface(run[0][1], run[-1][1] + 1), "kind": "spelling"}
            found.append(((5, 1, 1, run[0][0]), sub))
        run = [(i, j)] if differs else []
    found.sort(key=lambda x: x[0])
    out: list[dict] = []
    seen: dict[tuple, dict] = {}
    for _, sub in found:
        k = (sub["a"].lower(), sub["b"].lower())
        if k in seen:
            seen[k]["count"] = seen[k].get("count", 1) + 1
            continue
        seen[k] = sub
        out.append(sub)
    return out


def _peel(al: Alignment, c: Change) -> list[tuple[int, str, str]]:
    """Split spelling variants off both ends of a change (shrinking it in place)."""
    out = []
    if c.sentence:
        return out
    da, db = al.a, al.b
    while c.aj > c.ai and c.bj > c.bi:
        x, y = da.surface(c.ai, c.ai + 1), db.surface(c.bi, c.bi + 1)
        if not (spelling_variant(x, y) or transliteration(x, y)):
            break
        if not _same_surface(x, y):
            out.append((c.ai, x, y))
        c.ai, c.bi = c.ai + 1, c.bi + 1
    while c.aj > c.ai and c.bj > c.bi:
        x, y = da.surface(c.aj - 1, c.aj), db.surface(c.bj - 1, c.bj)
        if not (spelling_variant(x, y) or transliteration(x, y)):
            break
        if not _same_surface(x, y):
            out.append((c.aj - 1, x, y))
        c.aj, c.bj = c.aj - 1, c.bj - 1
    return out


def _novel(al: Alignment, c: Change) -> bool:
    """Whether most content words of the change occur nowhere in the other article: a swap of
    vocabulary (killed/martyred) rather than a reshuffle of words both texts use."""
    stop = stop_words()
    if not hasattr(al, "_keysets"):
        al._keysets = ({t.key for t in al.a.tokens}, {t.key for t in al.b.tokens})
    ka, kb = al._keysets
    words = [(t.key, kb) for t in al.a.tokens[c.ai:c.aj] if t.key not in stop]
    words += [(t.key, ka) for t in al.b.tokens[c.bi:c.bj] if t.key not in stop]
    return bool(words) and sum(k not in other for k, other in words) > len(words) / 2


def _rank(al: Alignment, c: Change, kind: str, loaded: tuple[list, list]) -> tuple:
    """Sort key: tier, then loaded wording first, then document order.

    Tiers: 0 short wording swaps, 1 phrase additions/omissions, 2 longer rewordings,
    3 whole-sentence additions/omissions, 4 changes of function words only, 5 spelling.
    """
    da, db = al.a, al.b
    keys = [t.key for t in da.tokens[c.ai:c.aj]] + [t.key for t in db.tokens[c.bi:c.bj]]
    if kind == "spelling":
        tier = 5
    elif all(k in stop_words() for k in keys):
        tier = 4
    elif c.sentence:
        tier = 3
    elif kind in ("addition", "omission"):
        tier = 1
    else:
        tier = 0 if max(c.aj - c.ai, c.bj - c.bi) <= SHORT_PHRASE else 2
    hit = _overlaps(da, c.ai, c.aj, loaded[0]) or _overlaps(db, c.bi, c.bj, loaded[1])
    return (tier, 0 if hit else 1, 0 if _novel(al, c) else 1, c.ai if c.aj > c.ai else c.bi)


def _overlaps(d: Doc, i: int, j: int, spans: list) -> bool:
    if i >= j or not spans:
        return False
    s, e = d.tokens[i].start, d.tokens[j - 1].end
    return any(getattr(x, "start", None) is not None and x.start < e and s < x.end for x in spans)
