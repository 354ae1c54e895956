"""The loaded-terms lexicon (``rashomon/data/loaded_terms.tsv``): loading, inflection, matching.

Each row is a loaded or value-laden term with a neutral alternative where one exists, a part of
speech that says how to inflect it, a class, and an optional context rule that keeps a neutral use
of the word out ("tax regime", "the blast killed"). See ``rashomon/data/loaded_terms.md``.
"""
from __future__ import annotations

import hashlib

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Entry", "Hit", "Lexicon", "lexicon", "tokens", "norm", "inflect"]

WORD = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")
# words before "regime" etc. that show the ruling power is meant ("the regime", "Assad's regime")
CAP_PREV_OK = {"the", "this", "that", "his", "her", "its", "their", "whose", "a", "an"}
VOWELS = set("aeiou")
# irregular verbs among the terms and their neutral alternatives: -s, past, -ing
IRREGULAR = {
    "say": ("says", "said", "saying"), "pay": ("pays", "paid", "paying"),
    "cut": ("cuts", "cut", "cutting"), "spend": ("spends", "spent", "spending"),
    "keep": ("keeps", "kept", "keeping"), "tell": ("tells", "told", "telling"),
    "sink": ("sinks", "sank", "sinking"), "spin": ("spins", "spun", "spinning"),
    "take": ("takes", "took", "taking"), "make": ("makes", "made", "making"),
    "hit": ("hits", "hit", "hitting"), "put": ("puts", "put", "putting"),
    "run": ("runs", "ran", "running"), "go": ("goes", "went", "going"),
    "win": ("wins", "won", "winning"), "lead": ("leads", "led", "leading"),
    "hold": ("holds", "held", "holding"), "give": ("gives", "gave", "giving"),
}


def norm(word: str) -> str:
    return word.lower().replace("’", "'")


def tokens(text: str) -> list[tuple[int, int, str]]:
    """Word tokens as (start, end, normalised form); hyphenated words stay one token."""
    return [(m.start(), m.end(), norm(m.group())) for m in WORD.finditer(text)]


def _double(base: str) -> bool:
    """Whether a verb doubles its final consonant (slam -> slammed): one short closed syllable."""
    if len(base) < 3 or len(base) > 4 or base[-1] in VOWELS or base[-1] in "wxy":
        return False
    vowels = [i for i, c in enumerate(base) if c in VOWELS]
    return len(vowels) == 1 and vowels[0] == len(base) - 2


def inflect(base: str, pos: str) -> list[str]:
    """Surface forms of a one-word lemma: verbs base, -s, -ed, -ing (in this order); nouns
    singular and plural; adjectives and adverbs as they are."""
    if pos == "v":
        if base in IRREGULAR:
            return [base, *IRREGULAR[base]]
        if base.endswith("e") and not base.endswith("ee"):
            return [base, base + "s", base + "d", base[:-1] + "ing"]
        if base.endswith("y") and base[-2:-1] not in VOWELS:
            return [base, base[:-1] + "ies", base[:-1] + "ied", base + "ing"]
        if base.endswith(("s", "sh", "ch", "x", "z")):
            return [base, base + "es", base + "ed", base + "ing"]
        if _double(base):
            return [base, base + "s", base + base[-1] + "ed", base + base[-1] + "ing"]
        return [base, base + "s", base + "ed", base + "ing"]
    if pos == "n":
        if base.endswith("man"):
            return [base, base[:-3] + "men"]
        if base.endswith("y") and base[-2:-1] not in VOWELS:
            return [base, base[:-1] + "ies"]
        if base.endswith(("s", "sh", "ch", "x", "z")):
            return [base, base + "es"]
        return [base, base + "s"]
    return [base]


def _inflect_phrase(phrase: str, pos: str) -> list[str]:
    """Inflect the first word of a verb phrase ("lash out" -> "lashed out") or the last word of
    a noun phrase ("fat cat" -> "fat cats")."""
    words = phrase.split()
    if len(words) == 1:
        return inflect(phrase, pos)
    if pos == "v":
        return [" ".join([f] + words[1:]) for f in inflect(words[0], "v")]
    if pos == "n":
        return [" ".join(words[:-1] + [f]) for f in inflect(words[-1], "n")]
    return [phrase]


@dataclass(frozen=True)
class Entry:
    """One surface form of a lexicon term."""

    form: str  # normalised surface form, words separated by one space
    lemma: str
    neutral: tuple[str, ...]  # alternatives for this form, best first; empty when none known
    cls: str  # speech, verb, adj, adv, label
    pos: str = "x"  # the row's part of speech: v, n, a, r, or x (explicit forms)
    mild: bool = False  # conventional news wording, loaded only in some uses
    skip_prev: frozenset = frozenset()
    skip_next: frozenset = frozenset()
    only_prev: frozenset = frozenset()
    only_next: frozenset = frozenset()
    cap_prev: bool = False


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    entry: Entry


def _context(spec: str) -> dict:
    out: dict = {}
    for part in spec.split():
        if part == "cap-prev":
            out["cap_prev"] = True
            continue
        key, _, words = part.partition("=")
        ws = frozenset(norm(w) for w in words.split(",") if w)
        name = {"!prev": "skip_prev", "!next": "skip_next", "prev": "only_prev", "next": "only_next"}.get(key)
        if name is None:
            raise ValueError(f"loaded_terms.tsv: unknown context rule {part!r}")
        out[name] = ws
    return out


class Lexicon:
    """Surface forms -> entries, matched longest first over word tokens."""

    def __init__(self, rows: list[list[str]]):
        self.entries: dict[tuple[str, ...], Entry] = {}
        self.neutral_words: set[str] = set()  # every word form of the neutral column
        self.fingerprint = ""  # of the rows read (``lexicon()`` sets it)
        self.max_len = 1
        self.first: dict[str, int] = {}  # first word of an entry -> the longest entry it starts
        self.forms: dict[str, set[str]] = {}  # lemma -> its surface forms
        for n, row in enumerate(rows, 1):
            row = [c.strip() for c in row] + [""] * (5 - len(row))
            term, neutral, pos, cls, ctx = row[:5]
            if not term or pos not in ("v", "n", "a", "r", "x"):
                raise ValueError(f"loaded_terms.tsv row {n}: bad term or pos: {row!r}")
            if "|" in term:  # explicit forms, the neutral aligned form for form when given
                forms = [norm(f) for f in term.split("|")]
                nforms = neutral.split("|") if neutral else []
                if len(nforms) == 1:
                    nforms = nforms * len(forms)
                neutrals = [nforms[i] if i < len(nforms) else "" for i in range(len(forms))]
            else:
                forms = _inflect_phrase(norm(term), pos)
                alts = [a.strip() for a in neutral.split("/") if a.strip()]
                if pos in ("v", "n") and alts:
                    inflected = [_inflect_phrase(a, pos) for a in alts]
                    neutrals = ["/".join(inf[i] for inf in inflected) for i in range(len(forms))]
                else:
                    neutrals = ["/".join(alts)] * len(forms)
            context = _context(ctx)
            mild = cls.endswith("~")
            cls = cls.rstrip("~")
            for form, neu in zip(forms, neutrals):
                key = tuple(form.split())
                for a in neu.split("/"):
                    self.neutral_words.update(norm(w) for w in a.split())
                if key in self.entries:  # the first row that gives a form wins
                    continue
                lemma = forms[0]
                self.forms.setdefault(lemma, set()).add(form)
                self.entries[key] = Entry(form=form, lemma=lemma,
                                          neutral=tuple(a for a in neu.split("/") if a), cls=cls,
                                          pos=pos, mild=mild, **context)
                self.max_len = max(self.max_len, len(key))
                self.first[key[0]] = max(self.first.get(key[0], 0), len(key))

    def __contains__(self, form: str) -> bool:
        return tuple(norm(form).split()) in self.entries

    def get(self, form: str) -> Entry | None:
        return self.entries.get(tuple(norm(form).split()))

    def find(self, text: str, toks: list[tuple[int, int, str]] | None = None) -> list[Hit]:
        """Lexicon hits in ``text``, longest match first, with the context rules applied."""
        toks = tokens(text) if toks is None else toks
        out: list[Hit] = []
        i = 0
        first = self.first
        while i < len(toks):
            longest = first.get(toks[i][2])  # most words are no entry's first word
            if longest is None:
                i += 1
                continue
            for n in range(min(longest, len(toks) - i), 0, -1):
                key = tuple(t[2] for t in toks[i:i + n])
                e = self.entries.get(key)
                if e is None or not _contiguous(text, toks[i:i + n]):
                    continue
                if not self._context_ok(text, toks, i, i + n, e):
                    continue
                out.append(Hit(toks[i][0], toks[i + n - 1][1], e))
                i += n - 1
                break
            i += 1
        return out

    @staticmethod
    def _context_ok(text: str, toks: list, i: int, j: int, e: Entry) -> bool:
        prev = _neighbour(text, toks, i - 1, toks[i][0], before=True)
        nxt = _neighbour(text, toks, j, toks[j - 1][1], before=False)
        if e.skip_prev and prev in e.skip_prev:
            return False
        if e.skip_next and nxt in e.skip_next:
            return False
        if e.only_prev and prev not in e.only_prev:
            return False
        if e.only_next and nxt not in e.only_next:
            return False
        if e.cap_prev:
            if i == 0 or prev is None:
                return False
            raw = text[toks[i - 1][0]:toks[i - 1][1]]
            if not (raw[:1].isupper() or prev in CAP_PREV_OK or prev.endswith("'s")):
                return False
        return True


def _contiguous(text: str, toks: list) -> bool:
    """The words of a phrase follow one another with only spaces between them."""
    return all(not text[a[1]:b[0]].strip() for a, b in zip(toks, toks[1:]))


def _neighbour(text: str, toks: list, k: int, edge: int, *, before: bool) -> str | None:
    """The word next to a match, when nothing but spaces separates them (punctuation breaks it)."""
    if k < 0 or k >= len(toks):
        return None
    gap = text[toks[k][1]:edge] if before else text[edge:toks[k][0]]
    if gap.strip():
        return None
    return toks[k][2]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The packaged lexicon (read once)."""
    raw = resources.files("rashomon").joinpath("data/loaded_terms.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in raw.splitlines() if line.strip() and not line.startswith("#")]
    lex = Lexicon(rows)
    lex.fingerprint = hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]  # what the store keys its sets by
    return lex
