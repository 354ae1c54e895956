"""The checkable values a claim states: counts of a noun, a duration, a condition, an object.

Pure functions of a sentence (and the time spans inside it), driven by the lexicons
``compare_counted_nouns.tsv``, ``compare_markers.tsv`` and ``compare_slot_verbs.txt``. Two
aligned claims disagree when they state different values of the same kind.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
                "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "a dozen": 12}
_NUM = re.compile(r"(?<![\w.,$])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w%$]|,\d|\.\d)"
                  r"|\b(" + "|".join(NUMBER_WORDS) + r")\b", re.I)
_TOKEN = re.compile(r"[\w'\u2019-]+(?:,\d{3})*")
_CLAUSE_END = re.compile(r"[,;:!?\u2013\u2014()]|(?<![A-Z])\.(?=\s|$)|\s(?:and|but|while|after|before|as|which|who)\s")
_STOP = frozenset("a an the its their his her this that these those some any of in on at to for "
                  "from with by and or but".split())
BEFORE, AFTER = 6, 4  # tokens searched for the counted noun around a number
COUNTED_PEOPLE = frozenset({"people", "children", "troops", "fighters", "protesters"})
CASUALTIES = frozenset({"killed", "injured"})


def _lines(name: str) -> list[str]:
    text = resources.files("rashomon").joinpath("data", name).read_text(encoding="utf-8")
    return [ln.rstrip("\n") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def counted_nouns() -> dict[str, str]:
    return dict(ln.split("\t")[:2] for ln in _lines("compare_counted_nouns.tsv"))


@lru_cache(maxsize=1)
def markers() -> list[tuple[str, re.Pattern]]:
    return [(k, re.compile(p, re.I)) for k, p in (ln.split("\t", 1) for ln in _lines("compare_markers.tsv"))]


@lru_cache(maxsize=1)
def slot_verbs() -> re.Pattern:
    stems = sorted(_lines("compare_slot_verbs.txt"), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(s) for s in stems) + r")\w*\s+", re.I)


@dataclass(frozen=True)
class Count:
    value: float
    noun: str      # the class of the counted noun ("troops", "killed")
    start: int     # the number's span in the sentence
    end: int
    role: str = ""  # in a change (``change_roles``): "target", "before", "change"; "" a count as it stands


@lru_cache(maxsize=1)
def change_verbs() -> dict[str, bool]:
    """Each form of a change verb -> whether it states a done change (a past form)."""
    out: dict[str, bool] = {}
    for ln in _lines("compare_change_verbs.tsv"):
        intended, _, done = ln.partition("\t")
        out.update(dict.fromkeys(intended.split(), False))
        out.update(dict.fromkeys(done.split(), True))  # "cut": done unless after "to" or a modal
    return out


_INTENT = frozenset("to will would shall could may might must should 'll \u2019ll".split())
_QUALIFIERS = frozenset("about around some roughly nearly almost approximately just only over under "
                        "more fewer less than as many".split())
CHANGE_REACH = 12  # tokens from a change verb to its numbers


def _number(m: re.Match) -> float:
    if m.group(1):
        return float(m.group(1).replace(",", ""))
    return float(NUMBER_WORDS[m.group(2).casefold()])


def counts(sentence: str, skip: list[tuple[int, int]] = ()) -> list[Count]:
    """Numbers with the class of the noun they count: the nearest lexicon noun within ``AFTER``
    tokens after the number ("5,000 troops", "two were killed"), else within ``BEFORE`` tokens
    before it ("forces ... from 5,200 to 3,000", "killed two"). Numbers inside ``skip`` spans
    (dates, times) and bare years are not counts."""
    nouns = counted_nouns()
    tokens = [(t.start(), t.end(), t.group(0).casefold()) for t in _TOKEN.finditer(sentence)]
    starts = [t[0] for t in tokens]
    ends = [t[1] for t in tokens]
    out = []
    for m in _NUM.finditer(sentence):
        s, e = m.span()
        if any(a <= s < b for a, b in skip):
            continue
        value = _number(m)
        if m.group(1) and "," not in m.group(1) and 1900 <= value <= 2100 and value.is_integer():
            continue
        k = bisect_left(starts, e)  # the first token at or after the number's end
        after = tokens[k:k + AFTER]
        k = bisect_right(ends, s)  # the tokens ending at or before its start
        before = tokens[max(0, k - BEFORE):k]
        noun = next((nouns[t[2]] for t in after if t[2] in nouns), None)
        if noun is None:
            noun = next((nouns[t[2]] for t in reversed(before) if t[2] in nouns), None)
        if noun in COUNTED_PEOPLE:  # "killed 12 people", "5 people were injured": the casualty
            near = before[-2:] + after[:AFTER]
            noun = next((nouns[t[2]] for t in near if nouns.get(t[2]) in CASUALTIES), noun)
        if noun is None and out and re.fullmatch(r"\s*(?:to|-|\u2013|or)\s*", sentence[out[-1].end:s]):
            noun = out[-1].noun  # the upper end of a range: "from 5,200 to 3,000"
        if noun is not None:
            out.append(Count(value, noun, s, e))
    return change_roles(sentence, tokens, out)


def change_roles(sentence: str, tokens: list[tuple[int, int, str]], found: list[Count]) -> list[Count]:
    """``found`` with the role of each count in a change stated by a verb before it in its clause
    (within ``CHANGE_REACH`` tokens; ``compare_change_verbs.tsv``): "to N" is the target of an
    intended change ("would reduce ... to 3,000"), "from N" then stands as the count now; after a done
    change ("rose from 12 to 15") "to N" stands and "from N" is the count before; "by N" is the change.
    Without a change verb ("from 10 to 15 people were hurt": a range) every count stands."""
    verbs = change_verbs()
    ends = [t[1] for t in tokens]
    out = []
    for c in found:
        k = bisect_right(ends, c.start) - 1  # the last token before the number
        while k >= 0 and tokens[k][2] in _QUALIFIERS:
            k -= 1
        prep = tokens[k][2] if k >= 0 else ""
        verb = None
        if prep in ("to", "from", "by"):
            for x in range(k - 1, max(-1, k - 1 - CHANGE_REACH), -1):
                if _CLAUSE_END.search(sentence, tokens[x][1], tokens[x + 1][0]):
                    break  # another clause
                if tokens[x][2] in verbs:
                    verb = x
                    break
        if verb is None:
            out.append(c)
            continue
        word = tokens[verb][2]
        done = verbs[word] and not any(t[2] in _INTENT for t in tokens[max(0, verb - 2):verb])
        role = {"to": "" if done else "target", "from": "before" if done else "", "by": "change"}[prep]
        out.append(replace(c, role=role))
    return out


@lru_cache(maxsize=4)
def _any_marker(kinds: tuple[str, ...]) -> re.Pattern:
    """One pattern matching wherever a marker of ``kinds`` does: most claims have none, and one
    search tells so instead of one per marker."""
    return re.compile("|".join(f"(?:{p.pattern})" for k, p in markers() if k in kinds), re.I)


def durations(sentence: str) -> list[tuple[str, int, int]]:
    """("open" | "bounded", start, end) for each duration marker in the sentence."""
    if not _any_marker(("open", "bounded")).search(sentence):
        return []
    return [(k, m.start(), m.end()) for k, p in markers() if k in ("open", "bounded")
            for m in p.finditer(sentence)]


def clause_from(sentence: str, start: int) -> tuple[int, int]:
    """The clause running from ``start`` to the next clause boundary (or the sentence end)."""
    m = _CLAUSE_END.search(sentence, start + 1)
    end = m.start() if m else len(sentence)
    return start, end


def conditions(sentence: str) -> list[tuple[int, int]]:
    """Spans of the condition clauses a sentence states ("on condition that X" -> "X ...")."""
    out = []
    if not _any_marker(("condition",)).search(sentence):
        return out
    for k, p in markers():
        if k != "condition":
            continue
        for m in p.finditer(sentence):
            s, e = clause_from(sentence, m.end())
            if len(_TOKEN.findall(sentence[s:e])) >= 3:
                out.append((m.start(), e))
    return out


def slot_objects(sentence: str) -> list[tuple[str, str, int, int]]:
    """(verb stem, object head, start, end) for each lexicon verb and the head noun of its object:
    "damaging a tyre but ..." -> ("damag", "tyre")."""
    out = []
    for m in slot_verbs().finditer(sentence):
        s, e = clause_from(sentence, m.end() - 1)
        words = [w for w in _TOKEN.findall(sentence[m.end():e])][:5]
        while words and words[0].casefold() in _STOP:
            words = words[1:]
        head = []
        for w in words:
            if w.casefold() in _STOP:
                break
            head.append(w)
        if head:
            out.append((m.group(1).casefold(), head[-1].casefold(), m.start(), e))
    return out


def sentence_values(sentence: str, memo: dict | None = None) -> tuple[list, list, list, list]:
    """``counts`` (with nothing skipped), ``durations``, ``conditions`` and ``slot_objects`` of
    a sentence; kept in ``memo`` (text -> values) when given: the comparison reads each claim
    twice (what to embed, then its conflicts) and a republished claim recurs in the story's
    copies (a store of 10,000 generated articles: 70,000 distinct claims in 172,000 reads).
    The lists are shared: read them, do not change them."""
    found = memo.get(sentence) if memo is not None else None
    if found is None:
        found = (counts(sentence), durations(sentence), conditions(sentence), slot_objects(sentence))
        if memo is not None:
            memo[sentence] = found
    return found
