"""Casualty counts read from the words of a noun phrase on the dependency parse.

``count_np(tok)`` counts the people a noun phrase headed by ``tok`` names: "five other civilians"
= 5, "a child" = 1, "Jane Roe and John Doe" = 2 (one per conjoined name), "at least 40 people" =
40 with qualifier "at least", "dozens" = no exact count, qualifier "dozens", floor 24, "no
casualties" = 0. ``Count`` keeps the number, its qualifier and a floor for vague counts.
``parse_number`` reads digits ("1,200") and number words ("twenty-one").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import lexicon

__all__ = ["Count", "parse_number", "count_np", "add"]

_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")
_COUNTED = {"nummod", "det", "quantmod"}


@dataclass(frozen=True)
class Count:
    n: int | None            # exact count (or the stated bound: "at least 40" -> 40), None if vague
    qualifier: str | None = None
    floor: int | None = None  # a lower bound for vague counts ("dozens" -> 24)

    def to_json(self, prefix: str) -> dict:
        out: dict = {prefix: self.n}
        if self.qualifier:
            out[f"{prefix}_qualifier"] = self.qualifier
        if self.floor is not None:
            out[f"{prefix}_min"] = self.floor
        return out


def parse_number(text: str) -> int | None:
    """``"40"``, ``"1,200"``, ``"five"``, ``"twenty-one"``, ``"a"`` -> int; None if not a number."""
    t = text.strip().lower()
    if _DIGITS.match(t):
        return int(t.replace(",", ""))
    nums = lexicon().numbers
    if t in nums:
        return nums[t]
    parts = re.split(r"[-\s]+", t)
    if len(parts) == 2 and parts[0] in nums and parts[1] in nums:
        a, b = nums[parts[0]], nums[parts[1]]
        if a % 10 == 0 and 20 <= a <= 90 and 1 <= b <= 9:
            return a + b
        if b == 100 and 1 <= a <= 9:
            return a * 100
    return None


def _qualifier(doc, left: int, num_tok) -> str | None:
    """The qualifier written before a number: the words from ``left`` (a char offset) to it."""
    before = " ".join(doc.text[left:num_tok.idx].lower().split())
    for phrase, normal in lexicon().qualifiers:
        if before.endswith(phrase) and (len(before) == len(phrase) or before[-len(phrase) - 1] == " "):
            return normal
    return None


def _vague(tok) -> Count | None:
    lex = lexicon()
    for key in (tok.lower_, tok.lemma_.lower() + "s"):
        if key in lex.vague:
            return Count(None, key, lex.vague[key])
    return None


def _number_count(doc, num, left: int) -> Count | None:
    v = _vague(num)
    if v:
        return v
    n = parse_number(num.text)
    if n is None:
        # "a few", "a couple of": a multiword vague phrase ending at this token
        tail = " ".join(doc.text[left:num.idx + len(num.text)].lower().split())
        for k, floor in lexicon().vague.items():
            if tail.endswith(k):
                return Count(None, k, floor)
        return None
    return Count(n, _qualifier(doc, left, num))


def _one(tok, victims: bool) -> Count | None:
    """The count of one conjunct: ``tok`` is a noun, a name or a number. ``victims``: the phrase
    names people killed or hurt, so a singular noun is one person ("the commander")."""
    doc = tok.doc
    if tok.pos_ == "NUM" or tok.like_num:
        return _number_count(doc, tok, tok.left_edge.idx)
    v = _vague(tok)
    if v:  # "dozens (of civilians)"
        return v
    for c in tok.children:
        if c.dep_ == "nummod":
            return _number_count(doc, c, c.left_edge.idx)
    for c in tok.children:
        if c.dep_ in ("det", "quantmod", "amod") and c.i < tok.i:
            w = c.lower_
            if w in ("no", "zero"):
                return Count(0)
            if w in ("a", "an", "one") and tok.tag_ in ("NN", "NNP"):
                return Count(1)
            v = _vague(c)
            if v:
                return v
    if tok.pos_ == "PROPN" or tok.ent_type_ == "PERSON":
        return Count(1)  # a named person
    if victims and tok.tag_ == "NN":
        return Count(1)  # "the militia commander", "a passer-by": a singular victim is one person
    return None


def conjuncts(tok) -> list:
    """The token and its noun conjuncts ("two soldiers and a child": soldiers, child)."""
    out, stack = [tok], [tok]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
                out.append(c)
                stack.append(c)
    return out


def count_np(tok, victims: bool = False) -> Count | None:
    """The count of the noun phrase headed by ``tok``, conjuncts summed ("two soldiers and a
    child" = 3); None when any conjunct cannot be counted. ``victims``: the phrase names the
    people killed or hurt (a singular noun then counts one)."""
    counts = [_one(t, victims) for t in conjuncts(tok)]
    if len(counts) == 1:
        return counts[0]
    if any(c is None or c.n is None for c in counts):
        return None
    return Count(sum(c.n for c in counts), next((c.qualifier for c in counts if c.qualifier), None))


def add(a: Count | None, b: Count | None) -> Count | None:
    """Two reports of victims of the same event in one text ("X was killed ... Y was also killed")."""
    if a is None or b is None:
        return a or b
    if a.n is None or b.n is None:
        return a if a.n is None else b
    return Count(a.n + b.n, a.qualifier or b.qualifier)
