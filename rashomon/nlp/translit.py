"""A phonetic key for names romanised from other scripts, so spelling variants meet.

Outlets romanise Arabic, Persian, Russian or Chinese names by different systems: Qassem / Qasem /
Qassim, Soleimani / Suleimani, Kataib / Kataeb, Mohammed / Muhammad, al-Shaabi / ash-Shaabi /
Al Shaabi. ``word_key`` reduces one word to a key by the rewrite rules of
``data/phonetic_key.tsv`` (documented there: vowel classes collapsed, doubled consonants, q/k,
ou/u/oo, ei/ai/ey, dh/z ...); ``name_key`` splits a name into words, drops the Arabic article in
its forms (al-, el-, Al, and the assimilated ad-/ash-/at-/ar-... before the matching consonant)
and keys each word. ``skeleton`` drops the vowel slots too: it is the blocking key for the fuzzy
pass, where ``near`` confirms a pair with rapidfuzz (Hashd / Hashid).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import Levenshtein

__all__ = ["fold", "name_words", "word_key", "name_key", "skeleton", "near", "rules"]

VOWEL = "V"
# apostrophes, ayn and hamza marks, and backticks: not written by every outlet
MARKS = re.compile(r"[\u0027\u2018\u2019\u02bc\u02bb\u02be\u02bf\u0060\u00b4]")
# a word and whether a hyphen joins it to the next ("al-Shaabi")
PIECE = re.compile(r"([^\s\-\u2010\u2011\u2012\u2013\u2014/]+)([\-\u2010\u2011](?=\S))?")
NON_WORD = re.compile(r"[^\w]")
# The Arabic definite article: al/el/ul (and the "Al" written as a separate word); before a "sun"
# letter the l assimilates and is written as that consonant (ad-Din, ash-Shaabi, ar-Rashid).
ARTICLE = {"al", "el", "ul", "il"}
SUN = {"at": "t", "ath": "th", "ad": "d", "adh": "dh", "ar": "r", "az": "z", "as": "s",
       "ash": "sh", "an": "n", "ad-d": "d", "ud": "d", "ur": "r", "us": "s", "un": "n", "ush": "sh",
       "ut": "t", "uz": "z"}
# "Abd al-X" (servant of the X) is also written Abdel X, Abdul X, Abdol X: one word before the name
ABD = re.compile(r"^abd[aeiou]?l$")


@lru_cache(maxsize=1)
def rules() -> list[tuple[re.Pattern, str]]:
    """The rewrite rules of data/phonetic_key.tsv, compiled, in file order."""
    text = resources.files("rashomon").joinpath("data", "phonetic_key.tsv").read_text(encoding="utf-8")
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise ValueError(f"data/phonetic_key.tsv line {n}: expected PATTERN<TAB>REPLACEMENT")
        out.append((re.compile(parts[0]), parts[1]))
    return out


def fold(text: str) -> str:
    """Lower case, accents stripped, apostrophes and ayn/hamza marks removed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return MARKS.sub("", text).casefold()


def name_words(name: str, person: bool = False) -> list[str]:
    """The folded words of a name without the Arabic article and its assimilated forms.

    A stand-alone "Al"/"El" is dropped unless it opens a person's name ("Al Gore")."""
    pieces = []  # (word, joined to the next word by a hyphen)
    for m in PIECE.finditer(fold(name)):
        w = NON_WORD.sub("", m.group(1))
        if w:
            pieces.append((w, bool(m.group(2))))
    out: list[str] = []
    for i, (w, hyphen) in enumerate(pieces):
        last = i == len(pieces) - 1
        if not last:
            nxt = pieces[i + 1][0]
            if w in ARTICLE and (hyphen or i > 0 or not person):
                continue
            if hyphen and w in SUN and nxt.startswith(SUN[w]):
                continue
        if ABD.match(w) and not last:
            w = "abd"
        out.append(w)
    return out


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """The phonetic key of one folded word ("qassem" -> "kVsVm")."""
    w = fold(word)
    if w.isdigit():
        return w
    for pat, rep in rules():
        w = pat.sub(rep, w)
    return w


def name_key(name: str, person: bool = False) -> tuple[str, ...]:
    """The keys of a name's words, article dropped: "Qassem al-Soleimani" -> ("kVsVm", "sVlVmVnV")."""
    return tuple(word_key(w) for w in name_words(name, person))


def skeleton(key: tuple[str, ...]) -> tuple[str, ...]:
    """The consonants of a key, vowel slots dropped: the blocking key of the fuzzy pass."""
    return tuple(k.replace(VOWEL, "") or k for k in key)


def near(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two keys close enough to be one name: same number of words, each word equal or differing
    only by one vowel slot more or less (Hashd / Hashid), for words of at least four key
    characters with the same first letter."""
    if len(a) != len(b) or not a:
        return False
    for x, y in zip(a, b):
        if x == y:
            continue
        if x[:1] != y[:1] or min(len(x), len(y)) < 4 or Levenshtein.distance(x, y) > 1 \
                or x.replace(VOWEL, "") != y.replace(VOWEL, ""):
            return False
    return True
