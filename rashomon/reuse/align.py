"""Align two articles: shared passages with offsets, and the phrases that differ.

Words are compared by key (``text.key``), each mapped to one character so that rapidfuzz's
C string algorithms run on word sequences. Two passes:

1. sentences: every sentence of A against every sentence of B (``rapidfuzz.process.cdist``, Indel
   similarity); the best pairs above ``SENT_MIN`` that share a run of ``SENT_RUN`` words are aligned
   one to one, and a word-level edit script inside each aligned pair gives the shared words and
   the changed phrases;
2. passages: runs of at least ``RUN_MIN`` equal words anywhere else (moved paragraphs, a quotation
   inside an otherwise different sentence).

The result keeps token indices; ``Alignment.spans()`` turns them into character offsets.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Indel, Levenshtein

from .text import Doc

__all__ = ["Alignment", "Change", "align"]

SENT_MIN = 0.4  # Indel similarity of two sentences' word sequences to align them
SENT_RUN = 3  # ... and the longest run of equal words they must share
RUN_MIN = 6  # equal words in a row that make a shared passage outside aligned sentences


@dataclass
class Change:
    """Tokens a[ai:aj] were replaced by b[bi:bj] (either side may be empty)."""

    ai: int
    aj: int
    bi: int
    bj: int
    sentence: bool = False  # a whole sentence that has no counterpart


@dataclass
class Alignment:
    a: Doc
    b: Doc
    matches: dict[int, int] = field(default_factory=dict)  # token of a -> token of b
    aligned_a: set[int] = field(default_factory=set)  # sentences of a aligned to one of b
    aligned_b: set[int] = field(default_factory=set)
    changes: list[Change] = field(default_factory=list)

    def coverage(self) -> tuple[float, float]:
        """Share of each article's word characters that the other contains."""
        return (_share(self.a, self.matches.keys()), _share(self.b, self.matches.values()))

    def aligned_share(self) -> tuple[float, float]:
        """Share of each article's words that lie in aligned sentences."""
        def share(d: Doc, sents: set[int]) -> float:
            n = len(d.tokens)
            return sum(d.sents[s][1] - d.sents[s][0] for s in sents) / n if n else 0.0
        return share(self.a, self.aligned_a), share(self.b, self.aligned_b)

    def runs(self) -> list[list[int]]:
        """Maximal shared stretches as token index ranges [ai0, ai1, bj0, bj1], inclusive."""
        out: list[list[int]] = []
        for i in sorted(self.matches):
            j = self.matches[i]
            if out and i == out[-1][1] + 1 and j == out[-1][3] + 1:
                out[-1][1], out[-1][3] = i, j
            else:
                out.append([i, i, j, j])
        return out

    def stock_words(self, max_words: int) -> int:
        """Matched words in short stretches at the same edge of both articles: an outlet's stock
        opening or closing lines (runs of at most ``max_words`` inside the first sentence of both
        texts or the last sentence of both)."""
        if not self.a.sents or not self.b.sents:
            return 0
        a_first, b_first = self.a.sents[0][1], self.b.sents[0][1]
        a_last, b_last = self.a.sents[-1][0], self.b.sents[-1][0]
        n = 0
        for ai0, ai1, bj0, bj1 in self.runs():
            size = ai1 - ai0 + 1
            if size <= max_words and ((ai0 < a_first and bj0 < b_first)
                                      or (ai1 >= a_last and bj1 >= b_last)):
                n += size
        return n

    def spans(self) -> list[dict]:
        """Maximal shared stretches as character offsets into both texts."""
        return [self._span(r) for r in self.runs()]

    def _span(self, r: list[int]) -> dict:
        ta, tb = self.a.tokens, self.b.tokens
        return {"a_start": ta[r[0]].start, "a_end": ta[r[1]].end,
                "b_start": tb[r[2]].start, "b_end": tb[r[3]].end}


def _share(d: Doc, idx) -> float:
    total = char_count(d)
    if not total:
        return 0.0
    tokens = d.tokens
    return sum(tokens[i].end - tokens[i].start for i in set(idx)) / total


def char_count(d: Doc) -> int:
    """Characters in ``d``'s words, counted once per Doc (a Doc is aligned with many partners)."""
    n = d.__dict__.get("char_count")
    if n is None:
        n = d.__dict__["char_count"] = sum(t.end - t.start for t in d.tokens)
    return n


_VOCAB: dict[str, str] = {}  # word key -> its character, shared by every Doc encoded
_GENERATION = [0]  # bumped when the vocabulary is cleared; a Doc's code is valid for one generation
_MAX_KEYS = 0x10FFFF - 0x10000  # the characters above the BMP


def _code(d: Doc) -> str:
    """``d``'s word keys as one character each, encoded once per Doc (a Doc is aligned with
    every candidate partner: encoding each pair anew cost more than aligning it)."""
    cached = d.__dict__.get("_code")
    if cached is not None and cached[0] == _GENERATION[0]:
        return cached[1]
    code = "".join([_VOCAB.setdefault(t.key, chr(0x10000 + len(_VOCAB))) for t in d.tokens])
    d.__dict__["_code"] = (_GENERATION[0], code)
    return code


def _encode(a: Doc, b: Doc) -> tuple[str, str]:
    """Each word key as one character (outside the surrogate range), so strings are word lists;
    equal keys get equal characters in both. When the shared vocabulary could run out of
    characters it starts over (the Docs encoded before are encoded again when next aligned)."""
    if len(_VOCAB) + len(a.tokens) + len(b.tokens) > _MAX_KEYS:
        _VOCAB.clear()
        _GENERATION[0] += 1
        if len(a.tokens) + len(b.tokens) > _MAX_KEYS:  # the pair alone could fill it: its own keys
            local: dict[str, str] = {}
            return tuple("".join(local.setdefault(t.key, chr(0x10000 + len(local)))
                                 for t in d.tokens) for d in (a, b))
    return _code(a), _code(b)


def _longest_run(ops) -> int:
    return max((o.src_end - o.src_start for o in ops if o.tag == "equal"), default=0)


def align(a: Doc, b: Doc) -> Alignment:
    """Align two tokenised articles (see the module docstring)."""
    al = Alignment(a, b)
    sa, sb = _encode(a, b)
    if not sa or not sb:
        return al
    _align_sentences(al, sa, sb)
    _align_passages(al, sa, sb)
    _unaligned_sentences(al)
    return al


def _align_sentences(al: Alignment, sa: str, sb: str) -> None:
    qa = [sa[i:j] for i, j in al.a.sents]
    qb = [sb[i:j] for i, j in al.b.sents]
    sim = process.cdist(qa, qb, scorer=Indel.normalized_similarity, score_cutoff=SENT_MIN,
                        workers=1)
    order = sorted(((float(sim[x, y]), x, y) for x, y in zip(*sim.nonzero())), reverse=True)
    used_b: set[int] = set()
    for _, x, y in order:
        if x in al.aligned_a or y in used_b:
            continue
        ops = Levenshtein.opcodes(qa[x], qb[y])
        if _longest_run(ops) < SENT_RUN:
            continue
        al.aligned_a.add(x)
        used_b.add(y)
        _diff(al, ops, al.a.sents[x][0], al.b.sents[y][0])
    al.aligned_b = used_b


def _diff(al: Alignment, ops, oa: int, ob: int) -> None:
    """Record equal words as matches and merge the rest into changed phrases.

    A single equal function word between two changes (an "of" or "the" that happens to line up
    inside a reworded phrase) is folded into the change, so phrases come out whole.
    """
    blocks = [(o.tag == "equal", o.src_start, o.src_end, o.dest_start, o.dest_end) for o in ops]
    merged: list[list] = []
    for k, blk in enumerate(blocks):
        eq, i0, i1, j0, j1 = blk
        lone = (eq and i1 - i0 == 1 and 0 < k < len(blocks) - 1
                and not blocks[k - 1][0] and not blocks[k + 1][0]
                and _glue(al.a.tokens[oa + i0].key))
        if merged and not merged[-1][0] and (not eq or lone):
            merged[-1][2], merged[-1][4] = i1, j1
        else:
            merged.append([eq and not lone, i0, i1, j0, j1])
    for eq, i0, i1, j0, j1 in merged:
        if eq:
            for t in range(i1 - i0):
                al.matches[oa + i0 + t] = ob + j0 + t
        elif i1 > i0 or j1 > j0:
            al.changes.append(Change(oa + i0, oa + i1, ob + j0, ob + j1))


def _align_passages(al: Alignment, sa: str, sb: str) -> None:
    """Runs of RUN_MIN+ equal words among the words not matched yet, in any order."""
    matched_b = set(al.matches.values())
    # only windows of RUN_MIN words that both texts have can start a run: most pairs have none
    # left once their sentences are aligned, and are done without walking their words
    grams_b = {sb[j:j + RUN_MIN] for j in range(len(sb) - RUN_MIN + 1) if j not in matched_b}
    starts = [i for i in range(len(sa) - RUN_MIN + 1)
              if i not in al.matches and sa[i:i + RUN_MIN] in grams_b]
    if not starts:
        return
    index: dict[str, list[int]] = {}
    for j in range(len(sb) - RUN_MIN + 1):
        if j not in matched_b:
            index.setdefault(sb[j:j + RUN_MIN], []).append(j)
    n = len(sa)
    i = 0
    for i0 in starts:
        if i0 < i or i0 in al.matches:  # inside a run taken since
            continue
        i = i0
        best, best_j = 0, -1
        for j in index.get(sa[i:i + RUN_MIN], ()):
            length = 0
            while (i + length < n and j + length < len(sb) and sa[i + length] == sb[j + length]
                   and i + length not in al.matches and j + length not in matched_b):
                length += 1
            if length > best:
                best, best_j = length, j
        if best >= RUN_MIN:
            for t in range(best):
                al.matches[i + t] = best_j + t
                matched_b.add(best_j + t)
            i += best
        else:
            i += 1


def _unaligned_sentences(al: Alignment) -> None:
    """Sentences with no counterpart and mostly unshared: whole-sentence omissions/additions."""
    for side, doc, aligned, matched in ((0, al.a, al.aligned_a, al.matches.keys()),
                                        (1, al.b, al.aligned_b, al.matches.values())):
        pos = sorted(matched)
        for s, (i, j) in enumerate(doc.sents):
            if s not in aligned and j - i >= 4 \
                    and bisect.bisect_left(pos, j) - bisect.bisect_left(pos, i) < (j - i) / 2:
                al.changes.append(Change(i, j, 0, 0, sentence=True) if side == 0
                                  else Change(0, 0, i, j, sentence=True))


NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve fifteen "
                         "twenty forty fifty sixty hundred first last".split())


def _glue(k: str) -> bool:
    """A short function word that may be folded into a surrounding change."""
    return len(k) <= 4 and k in stop_words() and k not in NUMBER_WORDS


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Function words (spaCy's English list): changes made only of these matter least."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)
