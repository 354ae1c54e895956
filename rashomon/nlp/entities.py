"""Named entities: mentions found in each article, resolved into entities across all articles.

``find_mentions(article, doc)`` (per article, on the shared spaCy parse) takes spaCy's named
entities, cleans them (leading "the", possessive 's, titles such as "Gen." or "President" kept
aside as a description), learns descriptions from the text (a role before the name, "Kataib
Hezbollah spokesman Mohammed Mohi"; an apposition after it, "Qais al-Khazali, leader of Asaib Ahl
al-Haq"), acronyms defined in the text ("Popular Mobilization Forces (PMF)") and names given as
equivalent ("..., also known as ..."), and groups the mentions of one article into local chains
(the surname after the full name, short forms, acronyms). Each mention dict carries ``local``, its
chain number in the article.

``resolve_entities(articles_and_mentions)`` (corpus level) joins local chains across articles:

1. chains sharing a multi-word name key (``translit.name_key``: transliteration variants, the
   Arabic article, accents and apostrophes do not matter) are one entity; keys one edit apart
   (``translit.near``) are joined when their consonant skeletons block together;
2. a chain named only by one word (a surname, a short form, an acronym) joins the entity whose
   name holds that word (last or first word, acronym) only when the two articles are tied by
   context: they share names that are rare in the corpus (``Ties``). Otherwise chains
   of the same one-word name join when their articles are tied. Two people who share a surname in
   unrelated articles stay apart; so do "Abu X al-Y" and "Abu Z al-W" (different full keys).

Everything works through dictionaries keyed by name keys (blocking), never all pairs of mentions.
``index_entities`` and ``entity_at`` find the entity at a character span (a quote's speaker).
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from functools import lru_cache
from importlib import resources

from ..model import content_id
from rapidfuzz import fuzz

from .translit import fold, name_key, name_words, near, skeleton, word_key

__all__ = ["find_mentions", "resolve_entities", "index_entities", "entity_at", "make_mention", "LABELS"]

LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
# type families: a surname or short form may join a chain of its family despite spaCy's label
FAMILY = {"PERSON": "P", "ORG": "O", "FAC": "O", "PRODUCT": "O", "WORK_OF_ART": "O", "EVENT": "O",
          "LAW": "O", "GPE": "G", "LOC": "G", "NORP": "N"}
DETERMINERS = {"the", "a", "an"}
POSSESSIVE = re.compile(r"['\u2019]s$")
ACRONYM = re.compile(r"^[A-Z][A-Za-z&.]{1,7}$")
# particles that are part of a name but never a name by themselves
PARTICLES = {"abu", "abou", "bin", "ben", "ibn", "bint", "umm", "um", "van", "von", "der", "de",
             "da", "di", "du", "la", "le", "del", "al", "el", "jr", "sr", "ii", "iii", "mc", "st"}
ALIAS_CUES = (("also", "known", "as"), ("known", "as"), ("aka",), ("a.k.a.",), ("also", "called"),
              ("formerly", "known", "as"), ("or",))
CUE_FIRST = {c[0] for c in ALIAS_CUES}
# lower-case words that may sit inside a romanised name: the article and its assimilated forms
LINKS = {"al", "el", "-", "ash", "ad", "at", "ar", "as", "an", "az", "bin", "ibn", "abu", "of"}
DESC_DEPS = {"compound", "amod", "nmod", "poss", "case", "nummod", "punct"}
# a one-word name joins a longer name's word only if the spellings are this close as well as
# having the same phonetic key (keys of short words collide: "Sarah" and "Surrey")
SAME_WORD = 0.7
# relatedness of two articles: sum over shared rare names of log(1 + N / df), at least this much
TIE = 2.0


@lru_cache(maxsize=1)
def titles() -> frozenset[str]:
    return frozenset(_data_lines("name_titles.txt"))


def _data_lines(name: str) -> list[str]:
    text = resources.files("rashomon").joinpath("data", name).read_text(encoding="utf-8")
    return [ln.rstrip("\n") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def agencies() -> dict[str, list[str]]:
    """First word of a news agency's name -> the agency's names starting with it, longest first
    (from data/wire_agencies.tsv; case as written in credits)."""
    out: dict[str, list[str]] = defaultdict(list)
    for ln in _data_lines("wire_agencies.tsv"):
        canon, _, rest = ln.partition("\t")
        for n in {canon.strip(), *(x.strip() for x in rest.split("|"))}:
            if n:
                out[n.split()[0]].append(n)
    for v in out.values():
        v.sort(key=lambda n: -len(n))
    return dict(out)


@lru_cache(maxsize=1)
def countries() -> tuple[dict[str, str], dict[str, str]]:
    """(folded name -> canonical, abbreviation as written -> canonical) from data/countries.tsv.
    An all-capitals form ("US", "UAE") matches only as written; the others case-insensitively."""
    folded, exact = {}, {}
    for ln in _data_lines("countries.tsv"):
        canon, _, rest = ln.partition("\t")
        for n in (canon, *rest.split("|")):
            n = n.strip()
            if not n:
                continue
            letters = re.sub(r"[^A-Za-z]", "", n)
            if letters.isupper() and len(letters) <= 5:
                exact[n] = canon
            else:
                folded[" ".join(fold(re.sub(r"^the\s+", "", n, flags=re.I)).split())] = canon
    return folded, exact


@lru_cache(maxsize=1)
def cues() -> dict[str, frozenset[str]]:
    """kind ("person", "org", "orghead") -> word keys, from data/entity_cues.tsv."""
    out: dict[str, set] = defaultdict(set)
    for n, ln in enumerate(_data_lines("entity_cues.tsv"), 1):
        kind, _, word = ln.partition("\t")
        if not word.strip():
            raise ValueError(f"data/entity_cues.tsv: expected KIND<TAB>word, got {ln!r}")
        out[kind.strip()].add(word_key(word.strip()))
    return {k: frozenset(v) for k, v in out.items()}


def _cue(word: str, kind: str) -> bool:
    return word_key(fold(word)) in cues().get(kind, ())


def country_of(name: str) -> str | None:
    """The canonical country a whole name denotes ("U.S." -> "United States"), else None."""
    folded, exact = countries()
    return exact.get(name) or folded.get(" ".join(fold(re.sub(r"^the\s+", "", name, flags=re.I)).split()))


def _is_title(tok) -> bool:
    return tok.text.rstrip(".").lower() in titles()


# ---------------------------------------------------------------- per article


def _clean(doc, ent):
    """(start token, end token, title tokens) of an entity without determiner, possessive, titles."""
    s, e = ent.start, ent.end
    for i in range(s, e):  # a name never runs over a line break (headline-cased lines run on)
        if "\n" in doc[i].text or "\n" in doc[i].whitespace_:
            e = i + (0 if "\n" in doc[i].text else 1)
            break
    while s < e and doc[s].lower_ in DETERMINERS:
        s += 1
    while e > s and (doc[e - 1].text in ("'s", "\u2019s", "'", "\u2019") or doc[e - 1].is_punct
                     or (e - s > 1 and doc[e - 1].is_lower and doc[e - 1].pos_ == "NOUN")):
        e -= 1  # possessive, punctuation, a common noun the recogniser took in ("X militia")
    for i in range(e - 2, s, -1):  # "Iraq's Popular Mobilization Forces": the name after the owner
        if doc[i].text in ("'s", "\u2019s") and ent.label_ not in ("PERSON", "GPE", "LOC"):
            s = i + 1
            break
    while s < e and doc[s].is_punct:
        s += 1
    t0 = s
    if ent.label_ == "PERSON":
        while s < e - 1 and (_is_title(doc[s]) or doc[s].text == "."):
            s += 1
    return s, e, (t0, s)


def _role_before(doc, s, name_start, e):
    """The role words before a name ("Kataib Hezbollah spokesman", "President") as
    (description, head token), or None. Loaded epithets are left out: the description is the
    role noun with the names and nouns that compound it ("the Middle East's legendary anti-terror
    commander General X" -> "commander"), a leading news agency's name dropped."""
    i = s - 1
    ends = set(range(s, e))
    lo = s
    while i >= 0 and doc[i].sent.start == doc[s].sent.start:
        t = doc[i]
        if t.dep_ in DESC_DEPS and t.head.i >= i and (t.head.i in ends or lo <= t.head.i < e) \
                and t.lower_ not in DETERMINERS and not (t.is_punct and t.text not in ("-",)):
            lo = i
            i -= 1
            continue
        break
    if lo == name_start:
        return None
    words = list(doc[lo:name_start])
    # the role noun: the last common noun or title before the name
    heads = [k for k, w in enumerate(words) if (w.pos_ == "NOUN" and w.is_lower) or _is_title(w)]
    if not heads:
        return None
    roles = [k for k in heads if words[k].is_lower and (_cue(words[k].text, "person") or _cue(words[k].text, "kin"))]
    h = roles[-1] if roles else heads[-1]
    # the role noun with its complements ("Brigade of Dawn spokesman", "press secretary"), less
    # the determiners, owners and adjectives before it ("the region's legendary commander")
    head = words[h]
    k = max(doc[s].sent.start, head.left_edge.i)
    for c in head.children:
        if c.i < head.i and c.dep_ in ("det", "poss", "amod", "advmod", "nummod", "predet", "punct"):
            k = max(k, c.right_edge.i + 1)
    phrase = list(doc[min(k, head.i):head.i + 1])
    j = _skip_agency(phrase, 0) if phrase[0].pos_ == "PROPN" else 0
    return " ".join(w.text for w in phrase[j:]), head


def _skip_agency(words, k):
    """Index past a news agency's name at words[k:] (a garbled credit run into a name)."""
    for name in agencies().get(words[k].text, ()):
        n = len(name.split())
        if " ".join(w.text for w in words[k:k + n]) == name and k + n < len(words):
            return k + n
    return k


def _apposition(doc, s, e, label="PERSON"):
    """The apposition right after a name whose head is a role or a kind of body: "X, leader of
    Y," -> ("leader of Y", head); or the role the name is an apposition of: "the group's leader,
    X" -> ("the group's leader", head). None otherwise."""
    if e < len(doc) and doc[e].text == ",":
        for t in doc[s:e]:
            for c in t.children:
                if c.dep_ == "appos" and c.i >= e and c.pos_ in ("NOUN", "PROPN") and not c.ent_type_ \
                        and (_cue(c.text, "person") or _cue(c.text, "kin")
                             or (_cue(c.text, "org") and label != "PERSON")):
                    lo, hi = c.left_edge.i, c.right_edge.i + 1
                    while hi > lo and doc[hi - 1].is_punct:
                        hi -= 1
                    while lo < c.i and doc[lo].lower_ in DETERMINERS:
                        lo += 1
                    if lo > e and hi - lo <= 10:
                        return doc[lo:hi].text, c
    root = doc[s:e].root
    if root.dep_ == "appos" and s > 0 and doc[s - 1].text == ",":
        h = root.head
        if h.i < s and h.pos_ == "NOUN" and h.is_lower and (_cue(h.text, "person") or _cue(h.text, "kin")):
            lo = h.left_edge.i
            while lo < h.i and doc[lo].lower_ in DETERMINERS:
                lo += 1
            if h.i + 1 - lo <= 6:
                return doc[lo:h.i + 1].text, h
    return None


def _context_cues(doc, s, e, label) -> Counter:
    """Evidence of a name's type from the words around it: a role noun it modifies or
    complements ("X spokesman", "leader of X") says it is not a person; a kind of body after it
    ("X militia", "the X group") says it is a body."""
    out: Counter = Counter()
    root = doc[s:e].root
    h = root.head
    if root.dep_ in ("compound", "poss", "nmod") and h.i >= e and h.pos_ == "NOUN" and h.is_lower:
        if _cue(h.text, "person"):
            out["NOTPERSON"] += 1
        elif _cue(h.text, "org") and label not in ("NORP", "GPE", "LOC"):
            out["ORG"] += 1
    elif root.dep_ == "pobj" and h.lower_ in ("of", "for") and h.head.i < s and h.head.pos_ == "NOUN" \
            and _cue(h.head.text, "person"):
        out["NOTPERSON"] += 1
    if label not in ("NORP", "GPE", "LOC") and e < len(doc) and doc[e].is_lower and doc[e].pos_ == "NOUN" \
            and _cue(doc[e].text, "org"):
        out["ORG"] += 1  # not "Shiite militia", "Baghdad government": an adjective, a place's body
    return out


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w and w.lower() not in {"of", "the", "and", "for", "al", "el", "de"})


def _acronym_of(acr: str, name: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", acr).upper()
    words = re.split(r"[\s\-]+", name)
    ini = _initials(words).upper()
    if len(letters) >= 2 and letters != ini and len(ini) > len(letters) and ini.endswith(letters):
        return True  # "Iraqi Popular Mobilization Force (PMF)": a nationality before the name
    return len(letters) >= 2 and (letters == ini or (letters[0] == ini[:1] and len(letters) <= len(words) + 1))


def find_mentions(article, doc) -> list[dict]:
    """The named mentions of one article, cleaned and grouped into local chains.

    Each dict: ``start``, ``end``, ``text`` (the name as written, without determiner, possessive or
    title), ``type`` (spaCy label, or GPE for a dateline place or a country's name), ``key``
    (``translit.name_key``; a country's variants share the canonical key), ``description`` (or
    None), ``cues`` (evidence of the type: {"PERSON"|"ORG"|"GPE"|"NOTPERSON": count}),
    ``aliases`` (names the text gives as equivalent: acronyms, "also known as"), ``local`` (the
    chain number within the article)."""
    text = doc.text
    out: list[dict] = []
    for ent in doc.ents:
        if ent.label_ not in LABELS:
            continue
        s, e, (ts, te) = _clean(doc, ent)
        if s >= e:
            continue
        for a, b, label in _cut_agency(doc, s, e, ent.label_):
            m = _mention(doc, a, b, label, (ts, te) if a == s else (a, a), text)
            if m:
                out.append(m)
    _proper_runs(doc, out, text)
    _aliases(doc, text, out)
    _group(out)
    return out


def _cut_agency(doc, s, e, label):
    """[(start, end, label)]: a name that runs a news agency's name into another name ("Reuters
    Kataib" in a garbled credit) cut in two; the other name runs on over the proper nouns the
    recogniser left out."""
    names = agencies().get(doc[s].text)
    for name in names or ():
        for k in range(s + 1, e):
            if doc[s:k].text == name:
                j = e
                while j < len(doc) and doc[j].pos_ == "PROPN" and not doc[j].ent_type_ \
                        and doc[j].text[:1].isupper() and "\n" not in doc[j - 1].whitespace_:
                    j += 1
                return [(s, k, "ORG"), (k, j, label)]
    for k in range(s + 1, e):
        for name in agencies().get(doc[k].text, ()):
            if doc[k:e].text == name:
                return [(s, k, label), (k, e, "ORG")]
    return [(s, e, label)]


DATELINE_NEXT = (",", "(", "\u2014", "\u2013", "-", ":")


def _name_cues(name: str, label: str) -> dict:
    """A body's kind as the first or last word of its name ("X Brigades", "Kataib X")."""
    words = name.split()
    if len(words) > 1 and label not in ("GPE", "NORP", "LOC") and (_cue(words[0], "org") or _cue(words[-1], "org")):
        return {"ORG": 2}
    return {}


def _mention(doc, s, e, label, title_span, text):
    span = doc[s:e]
    name = POSSESSIVE.sub("", span.text).strip()
    cue: Counter = Counter()
    start = span.start_char
    letters = [c for c in name if c.isalpha()]
    rest = text[start + len(name):start + len(name) + 3].lstrip(" ")
    country = country_of(name) if label not in ("PERSON", "NORP") else None
    if country:
        label = "GPE"
        cue["GPE"] += 2
    elif len(letters) >= 3 and "".join(letters).isupper() and (start == 0 or text[start - 1] == "\n") \
            and rest[:1] in DATELINE_NEXT:
        label = "GPE"  # an ALL-CAPS word opening a line before a comma or dash: a dateline's place
        cue["GPE"] += 2
    key = _key(country or name, label == "PERSON")
    if not key:
        return None
    ts, te = title_span
    desc = doc[ts:te].text if te > ts else None
    weight = 1  # how good a description it is: a title 1, a role noun 2, an apposition 3
    if desc:
        cue["PERSON"] += 1
    role = _role_before(doc, ts, s, e)
    if role:
        desc = role[0]
        if _cue(role[1].text, "person") or _cue(role[1].text, "kin") or _is_title(role[1]):
            cue["PERSON"] += 1
            weight = 2
    app = _apposition(doc, s, e, label) if label != "NORP" else None
    if app:
        desc, weight = app[0], 3
        cue["ORG" if _cue(app[1].text, "org") else "PERSON"] += 1
    cue.update(_context_cues(doc, s, e, label))
    cue.update(_name_cues(name, label))
    if desc:  # never across a paragraph break; whitespace normalised
        desc = " ".join(desc.split("\n")[-1].split()) or None
    m = {"start": start, "end": start + len(name), "text": name, "type": label, "key": key,
         "description": desc, "cues": dict(cue), "aliases": []}
    if desc:
        m["description_weight"] = weight
    if country:
        m["country"] = country
    return m


def _proper_runs(doc, out: list[dict], text: str) -> None:
    """Runs of proper nouns that spaCy's tagger marks but its recogniser left out (or gave a
    non-name label such as MONEY): kept with type "MISC" so a surname or a title the recogniser
    missed still joins its entity (``resolve_entities`` drops the MISC names that join none).
    A single word written lower case elsewhere in the article ("Ceasefire" / "ceasefire") is a
    common word, not a name, and is left out unless it is a word of a name in the article."""
    covered = set()
    for m in out:
        covered.update(range(m["start"], m["end"]))
    lower = None
    i, n = 0, len(doc)
    while i < n:
        t = doc[i]
        if t.pos_ != "PROPN" or t.idx in covered or not t.text[:1].isupper() \
                or t.ent_type_ in LABELS or t.ent_type_ in ("DATE", "TIME"):
            i += 1
            continue
        j = i + 1
        while j < n and doc[j].pos_ == "PROPN" and doc[j].idx not in covered and doc[j].text[:1].isupper() \
                and "\n" not in doc[j - 1].whitespace_ and doc[j].ent_type_ not in LABELS:
            j += 1
        while i < j and _is_title(doc[i]) and j - i > 1:
            i += 1
        if j - i == 1 and not doc[i].is_upper:
            if lower is None:
                lower = {w.lower_ for w in doc if w.is_lower}
                in_names = {w.lower() for m in out if " " in m["text"] for w in m["text"].split()}
            if doc[i].lower_ in lower and doc[i].lower_ not in in_names:
                i = j  # a common word capitalised ("State" / "state"), not part of a name here
                continue
        name = doc[i:j].text
        if any(c.isalpha() for c in name) and not all(_is_title(t) for t in doc[i:j]):
            m = _mention(doc, i, j, "MISC", (i, i), text)
            if m:
                m["description"] = None
                out.append(m)
        i = j


def make_mention(text: str, type_: str, start: int, local: int = 0, description: str | None = None,
                 aliases=(), cues=None) -> dict:
    """A mention dict as ``find_mentions`` makes it, for names found by other means."""
    country = country_of(text) if type_ not in ("PERSON", "NORP") else None
    m = {"start": start, "end": start + len(text), "text": text, "type": "GPE" if country else type_,
         "key": _key(country or text, type_ == "PERSON"), "description": description,
         "cues": dict(cues if cues is not None else _name_cues(text, type_)),
         "aliases": list(aliases), "local": local}
    if country:
        m["country"] = country
    return m


def _key(name: str, person: bool = False) -> tuple[str, ...]:
    """The name key without particles that never name alone (Abu, bin, van, Jr ...)."""
    words = name_words(name, person)
    return tuple(word_key(w) for w in words if w not in PARTICLES) or tuple(word_key(w) for w in words)


def _aliases(doc, text, mentions):
    """Acronyms in brackets after a name, names after "also known as": recorded on the mention
    they follow, and acronym mentions added where spaCy did not tag them."""
    by_end = {}
    for m in mentions:
        by_end[m["end"]] = m
    starts = {m["start"] for m in mentions}
    acr_defs: dict[str, dict] = {}
    words = [t.text for t in doc]
    lows = [w.lower() for w in words]
    n = len(words)
    for i, w in enumerate(words):
        if w in ("(", "[") and i + 2 < n and words[i + 2] in (")", "]"):
            a = doc[i + 1]
            prev = by_end.get(_prev_end(doc, i))
            if prev and ACRONYM.match(a.text) and a.text.upper() == a.text and _acronym_of(a.text, prev["text"]):
                prev["aliases"].append(a.text)
                acr_defs[a.text] = prev
                if a.idx not in starts:
                    mentions.append({"start": a.idx, "end": a.idx + len(a.text), "text": a.text,
                                     "type": prev["type"], "key": (a.text.lower().replace(".", ""),),
                                     "description": None, "aliases": [], "acronym": True})
                    starts.add(a.idx)
            continue
        if lows[i] not in CUE_FIRST:
            continue
        for cue in ALIAS_CUES:
            if tuple(lows[i:i + len(cue)]) != cue:
                continue
            if cue == ("or",) and not (i > 0 and words[i - 1] == ","):
                continue
            _alias_after(doc, i, i + len(cue), cue, by_end, starts, mentions)
            break
    # bare uses of a defined acronym that spaCy did not tag
    if acr_defs:
        for t in doc:
            if t.text in acr_defs and t.idx not in starts:
                prev = acr_defs[t.text]
                mentions.append({"start": t.idx, "end": t.idx + len(t.text), "text": t.text, "type": prev["type"],
                                 "key": (t.text.lower().replace(".", ""),), "description": None, "aliases": [],
                                 "acronym": True})
                starts.add(t.idx)
    mentions.sort(key=lambda m: (m["start"], -m["end"]))


def _alias_after(doc, i, j, cue, by_end, starts, mentions):
    """The name after an alias cue at tokens [i, j), recorded as an alias of the name before."""
    prev = by_end.get(_prev_end(doc, i)) or by_end.get(_prev_end(doc, i - 1))
    if not prev or (prev["type"] == "PERSON" and cue == ("or",)):
        return
    hi = j
    while hi < len(doc) and hi - j < 8 and (doc[hi].is_title or doc[hi].is_upper or doc[hi].lower_ in LINKS
                                             or doc[hi].text[:3].lower() in ("al-", "el-")):
        if doc[hi].is_sent_start and hi > j:
            break
        hi += 1
    while hi > j and not (doc[hi - 1].is_title or doc[hi - 1].is_upper):
        hi -= 1
    if hi <= j:
        return
    span = doc[j:hi]
    alias = POSSESSIVE.sub("", span.text)
    if alias not in prev["aliases"]:
        prev["aliases"].append(alias)
    if span.start_char not in starts:
        mentions.append({"start": span.start_char, "end": span.start_char + len(alias), "text": alias,
                         "type": prev["type"], "key": _key(alias), "description": None,
                         "aliases": [], "alias_of": id(prev)})
        starts.add(span.start_char)
    else:
        for m in mentions:
            if m["start"] == span.start_char:
                m["alias_of"] = id(prev)


def _prev_end(doc, i):
    """End offset of the word before token i, skipping a comma."""
    j = i - 1
    while j >= 0 and doc[j].text in (",", "(", ")"):
        j -= 1
    if j < 0:
        return -1
    return doc[j].idx + len(doc[j].text) - (2 if doc[j].text.endswith(("'s", "\u2019s")) else 0)


class _DisjointSets:
    """Union-find over 0..n-1; a set's representative is its smallest member."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _group(mentions: list[dict]) -> None:
    """Give each mention ``local``: its chain within the article."""
    sets = _DisjointSets(len(mentions))
    find, union = sets.find, sets.union

    # a lone surname the recogniser took for a place ("... that X and Y commanded") is the
    # person of that surname in the article, unless the text itself marks it a place (dateline)
    surnames = {m["key"][-1] for m in mentions if m["type"] == "PERSON" and len(m["key"]) > 1}
    for m in mentions:
        if FAMILY.get(m["type"]) == "G" and len(m["key"]) == 1 and m["key"][0] in surnames \
                and not (m.get("cues") or {}).get("GPE") and not m.get("country"):
            m["type"] = "PERSON"

    full: dict[tuple, int] = {}
    place: dict[tuple, int] = {}  # a place's name written like a person's ("SULAIMANI" dateline)
    obj = {id(m): i for i, m in enumerate(mentions)}
    for i, m in enumerate(mentions):
        fam = FAMILY.get(m["type"])
        other = full.get(m["key"])
        if other is not None and {fam, FAMILY.get(mentions[other]["type"])} == {"P", "G"}:
            if m["key"] in place:
                union(place[m["key"]], i)
            else:
                place[m["key"]] = i
        elif other is not None:
            union(other, i)
        else:
            full[m["key"]] = i
        if "alias_of" in m and m["alias_of"] in obj:
            union(obj[m["alias_of"]], i)
    for i, m in enumerate(mentions):
        for a in m["aliases"]:
            for k in ((a.lower().replace(".", ""),), name_key(a)):
                if k in full:
                    union(full[k], i)
    multi = [i for i, m in enumerate(mentions) if len(m["key"]) > 1]
    # the families a key names on its own: "U.S." tagged as a place is not a short form of
    # "U.S. Embassy" even where another use of it was left untagged
    own: dict[tuple, set] = defaultdict(set)
    for m in mentions:
        if m["type"] != "MISC":
            own[m["key"]].add(FAMILY.get(m["type"]))
    initials = {}
    for j in multi:
        o = mentions[j]
        if FAMILY.get(o["type"]) == "O":
            ini = _initials(o["text"].split()).upper()
            if len(ini) >= 2:
                initials.setdefault(ini, j)
    for i, m in enumerate(mentions):
        k = m["key"]
        if len(k) == 1 and m["text"].isupper() and m["text"].replace(".", "") in initials:
            union(initials[m["text"].replace(".", "")], i)  # an acronym of a name in the article
            continue
        if len(k) > 1 and FAMILY.get(m["type"]) == "P":
            continue
        best = None
        for j in multi:
            o = mentions[j]
            if j == i or len(o["key"]) <= len(k):
                continue
            fam = FAMILY.get(o["type"])
            if fam == "P" and len(k) == 1 and k[0] in (o["key"][-1], o["key"][0]) \
                    and FAMILY.get(m["type"]) not in ("N", "G"):
                pass
            elif fam not in ("P", "G") and FAMILY.get(m["type"]) in (fam, None) and _contiguous(k, o["key"]) \
                    and (len(k) > 1 or k[0] == o["key"][0]) and own.get(k, {fam}) <= {fam}:
                pass
            else:
                continue
            if best is None or abs(mentions[j]["start"] - m["start"]) < abs(mentions[best]["start"] - m["start"]):
                best = j
        if best is not None:
            union(best, i)
    roots = {}
    for i, m in enumerate(mentions):
        m["local"] = roots.setdefault(find(i), len(roots))
        m.pop("alias_of", None)


def _contiguous(short, long_) -> bool:
    n = len(short)
    return any(tuple(long_[i:i + n]) == tuple(short) for i in range(len(long_) - n + 1))


# ---------------------------------------------------------------- across articles


class _Chain:
    __slots__ = ("article", "mentions", "keys", "multi", "types", "descs", "names", "cues", "longest",
                 "type", "country", "top")

    def __init__(self, article):
        self.article = article
        self.mentions: list[dict] = []
        self.keys: set[tuple] = set()
        self.types: Counter = Counter()
        self.descs: Counter = Counter()
        self.names: Counter = Counter()
        self.cues: Counter = Counter()
        self.longest: Counter = Counter()
        self.country: str | None = None

    def finish(self):
        self.multi = {k for k in self.keys if len(k) > 1}
        named = [m for m in self.mentions if m["type"] != "MISC" and not m.get("acronym")]
        self.top = None  # (words, characters, label) of the longest named mention
        if named:
            top = max(named, key=lambda m: (len(m["key"]), m["end"] - m["start"]))
            self.longest[top["type"]] += 1
            self.top = (len(top["key"]), top["end"] - top["start"], top["type"])
        self.type = _best_type(self.types, self.cues, self.longest)


def _best_type(types: Counter, cues: Counter, longest: Counter) -> str | None:
    """The type by evidence, not by raw majority: each spaCy label counts 1, the label of the
    longest name 2, each cue 3 (a title or a role noun for a person, a kind of body for an
    organisation, a dateline or a country's name for a place); a name said to hold a role
    ("X spokesman", "leader of X") counts 3 against a person."""
    if not types:
        return None
    score = Counter({t: float(n) for t, n in types.items()})
    for t, n in longest.items():
        score[t] += 2 * n
    for t, n in cues.items():
        if t == "NOTPERSON":
            score["PERSON"] -= 3 * n
        elif t in LABELS:
            score[t] += 3 * n
    best = max(score, key=lambda t: (score[t], cues.get(t, 0), types.get(t, 0), t))
    if best == "PERSON" and score[best] <= 0:
        others = [t for t in score if t != "PERSON"]
        best = max(others, key=lambda t: (score[t], t)) if others else "ORG"
    return best


def _article_id(a):
    return a.id if hasattr(a, "id") else a["id"]


TIE_BLOCK = 512  # articles per block of the tie product (bounds its memory)


class Ties:
    """How strongly articles are tied by the names they share: for two articles, the sum over
    their shared names of log(1 + N/df), where it reaches ``TIE`` (a weaker tie joins nothing:
    every use compares with ``TIE``). Names held by more than half of a large corpus are not used
    (they tie nothing).

    The ties are computed when asked, never stored for the whole corpus: a crawl's articles share
    common names, so a large share of all pairs is tied (8.5 million of the 16 million pairs of
    a 4,000-article test corpus), and a table of them grows with the square of the corpus (it
    took gigabytes at 10,000 articles). The sums are sparse products of the articles x names
    incidence, weighted: ``of`` gives one article's ties (the product of a block of
    ``TIE_BLOCK`` articles is kept while consecutive articles ask), ``tied`` the tied pairs
    within a set of articles."""

    def __init__(self, chains: list[_Chain]):
        import numpy as np
        from scipy import sparse

        arts_of = defaultdict(set)
        for c in chains:
            for k in c.keys:
                arts_of[k].add(c.article)
        self.articles = sorted({c.article for c in chains})
        n = len(self.articles)
        self.pos = {a: i for i, a in enumerate(self.articles)}
        cap = max(50, n // 2)
        rows: list[int] = []
        cols: list[int] = []
        weights: list[float] = []
        for k, arts in arts_of.items():
            if len(arts) < 2 or len(arts) > cap:
                continue
            r = len(weights)
            weights.append(math.log(1 + n / len(arts)))
            for a in arts:
                rows.append(r)
                cols.append(self.pos[a])
        self.empty = not weights
        # articles x names, and the same weighted by each name's weight
        self.x = sparse.csr_matrix((np.ones(len(rows)), (cols, rows)), shape=(n, len(weights)))
        self.xw = (self.x @ sparse.diags(np.asarray(weights))).tocsr() if weights else self.x
        self._lo = -1
        self._block = None
        self._last: tuple[str, dict[str, float]] | None = None

    @staticmethod
    def _kept(block, diag: int):
        """``block`` (rows: articles from the ``diag``-th of the columns' on) without each article
        with itself and without the sums below ``TIE``."""
        import numpy as np

        block = block.tocsr()
        block.setdiag(0.0, k=diag)  # an article with itself
        # rounded: a sum must not fall on either side of TIE by the order of its terms
        block.data = np.round(block.data, 9)
        block.data[block.data < TIE] = 0.0
        block.eliminate_zeros()
        return block

    def of(self, article: str) -> dict[str, float]:
        """article -> tie, for the articles tied to ``article`` (never itself)."""
        if self._last is not None and self._last[0] == article:  # its chains ask one after another
            return self._last[1]
        i = self.pos.get(article)
        if i is None or self.empty:
            return {}
        lo = i - i % TIE_BLOCK
        if lo != self._lo:
            self._block = self._kept(self.x[lo:lo + TIE_BLOCK] @ self.xw.T, diag=lo)
            self._lo = lo
        b = self._block
        s, e = b.indptr[i - lo], b.indptr[i - lo + 1]
        row = {self.articles[j]: w for j, w in zip(b.indices[s:e].tolist(), b.data[s:e].tolist())}
        self._last = (article, row)
        return row

    def tied(self, articles: list[str]) -> list[tuple[str, str]]:
        """The pairs (a, b) of ``articles`` (a before b in it) that are tied."""
        import numpy as np

        if self.empty:
            return []
        known = [a for a in articles if a in self.pos]
        if len(known) < 2:
            return []
        idx = np.fromiter((self.pos[a] for a in known), dtype=np.int64, count=len(known))
        x, xw = self.x[idx], self.xw[idx]
        out: list[tuple[str, str]] = []
        for lo in range(0, len(known), TIE_BLOCK):
            block = self._kept(x[lo:lo + TIE_BLOCK] @ xw.T, diag=lo)
            rows, cols = block.nonzero()
            out.extend((known[lo + r], known[c]) for r, c in zip(rows.tolist(), cols.tolist()) if lo + r < c)
        return out


def resolve_entities(articles_and_mentions) -> list[dict]:
    """Entities across all articles from ``[(article, find_mentions(article, doc)), ...]``.

    Returns the contract's Entity dicts ``{"id", "name", "type", "aliases", "description",
    "mentions": [{"article", "start", "end", "text"}]}``, ids stable (from the canonical key)."""
    chains: list[_Chain] = []
    for art, mentions in articles_and_mentions:
        aid = _article_id(art)
        local: dict[int, _Chain] = {}
        for m in mentions:
            c = local.get(m["local"])
            if c is None:
                c = local[m["local"]] = _Chain(aid)
                chains.append(c)
            c.mentions.append(m)
            c.keys.add(tuple(m["key"]))
            if not m.get("acronym") and m["type"] != "MISC":
                c.types[m["type"]] += 1
            if m.get("description"):
                c.descs[m["description"]] += m.get("description_weight", 1)
            c.cues.update(m.get("cues") or {})
            if m.get("country"):
                c.country = m["country"]
            c.names[" ".join(m["text"].split())] += 1
            for a in m.get("aliases", ()):
                c.names[" ".join(a.split())] += 0
    for c in chains:
        c.finish()
        if not c.types:
            c.types.update(m["type"] for m in c.mentions)

    sets = _DisjointSets(len(chains))
    find, union = sets.find, sets.union

    # 1. exact multi-word keys, then near keys blocked by consonant skeleton
    by_key: dict[tuple, int] = {}
    by_skel: dict[tuple, list[tuple[tuple, int]]] = defaultdict(list)
    for i, c in enumerate(chains):
        for k in sorted(c.multi):
            if k in by_key:
                if not _clash(chains[by_key[k]], c):
                    union(by_key[k], i)
            else:
                by_key[k] = i
                by_skel[skeleton(k)].append((k, i))
    # a name seen in one chain only whose first or last words are a name seen in several chains:
    # the recogniser ran on into a headline ("X Y Checks Into Rehab") or added a role ("Star X Y")
    seen = Counter()
    overrun: set[int] = set()
    for c in chains:
        seen.update(c.multi)
    for i, c in enumerate(chains):
        for k in sorted(c.multi):
            if len(k) < 3:
                continue
            for n in range(len(k) - 1, 1, -1):
                hit = next((p for p in (k[:n], k[-n:]) if seen[p] > 1 and seen[p] >= 3 * seen[k]
                            and _family(chains[by_key[p]]) in (_family(c), None)), None)
                if hit:
                    union(by_key[hit], i)
                    overrun.add(i)
                    break
    for block in by_skel.values():
        for x in range(len(block)):
            for y in range(x + 1, len(block)):
                (ka, a), (kb, b) = block[x], block[y]
                if near(ka, kb) and _family(chains[a]) == _family(chains[b]):
                    union(a, b)

    # countries: every variant of a country's name ("US", "U.S.", "America") is the country
    by_country: dict[str, int] = {}
    for i, c in enumerate(chains):
        if c.country:
            union(by_country.setdefault(c.country, i), i)
    # one body's name with an interchangeable last word ("X Y Forces" / "X Y Units"), with or
    # without a nationality before it ("Iraqi X Y Force")
    demonyms = {k[0] for c in chains if _family(c) == "N" for k in c.keys if len(k) == 1}
    heads = cues().get("orghead", frozenset())
    by_body: dict[tuple, int] = {}
    for i, c in enumerate(chains):
        if _family(c) != "O":
            continue
        for k in c.multi:
            if k[-1] not in heads:
                continue
            r = k[:-1]
            while len(r) > 2 and r[0] in demonyms:
                r = r[1:]
            if len(r) >= 2:
                union(by_body.setdefault(r, i), i)

    ties = Ties(chains)

    # people named by first and last name: the same surname with a first name of the same initial
    # ("Mo X" / "Maurice X", "George Y" / "George W. Y") in articles tied by context
    by_person: dict[tuple, list[int]] = defaultdict(list)
    for i, c in enumerate(chains):
        if _family(c) == "P":
            for k in c.multi:
                by_person[(k[-1], k[0][:1])].append(i)
    for members in by_person.values():  # (same article or tied articles: ties are symmetric)
        first_in: dict[str, int] = {}
        for a in members:
            art = chains[a].article
            if art in first_in:
                union(first_in[art], a)
            else:
                first_in[art] = a
        if len(first_in) < 2:
            continue
        for art, other in ties.tied(list(first_in)):
            union(first_in[art], first_in[other])

    # 2. one-word chains: join an entity that holds the word, or each other, when articles are tied
    ent_arts: dict[int, set] = defaultdict(set)
    for i, c in enumerate(chains):
        if c.multi:
            ent_arts[find(i)].add(c.article)
    # word key -> [(chain, folded word, "first"/"last"/"alias")]: the chains whose names hold it
    holders: dict[str, list] = defaultdict(list)
    for i, c in enumerate(chains):
        if not c.multi or i in overrun:
            continue
        fam = _family(c)
        for m in c.mentions:
            words = [w for w in name_words(m["text"], fam == "P") if w not in PARTICLES]
            if len(words) < 2:
                continue
            holders[word_key(words[0])].append((i, words[0], "first"))
            if fam == "P":
                holders[word_key(words[-1])].append((i, words[-1], "last"))
            for a in m.get("aliases", ()):
                holders[a.lower().replace(".", "")].append((i, a.lower().replace(".", ""), "alias"))
            if fam == "O":
                ini = _initials(m["text"].split()).lower()
                if len(ini) >= 2:
                    holders[ini].append((i, ini, "alias"))
    singles_at: dict[tuple, dict] = defaultdict(dict)  # key -> article -> chain index
    tie_of: dict[tuple, float] = {}  # (article, entity root) -> tie; ent_arts is fixed from here
    for i, c in enumerate(chains):
        if c.multi:
            continue
        k = tuple(c.mentions[0]["key"])  # its first mention's (a chain may hold two one-word names)
        word = fold(c.mentions[0]["text"]).replace(".", "")
        best, best_tie = None, 0.0
        mine = ties.of(c.article)  # chains come article by article: one block product at a time
        tried: set[int] = set()  # an entity's tie is the same through each of its holders
        for h, hword, where in sorted(set(holders.get(k[0], ())) | set(holders.get(word, ()))):
            if not _attachable(c, chains[h], where) or _ratio(word, hword) < SAME_WORD:
                continue
            r = find(h)
            if r in tried:
                continue
            tried.add(r)
            tie = tie_of.get((c.article, r))
            if tie is None:
                arts = ent_arts[r]  # the strongest tie to an article of the entity (ties are > 0)
                if len(mine) < len(arts):
                    tie = max((w for a, w in mine.items() if a in arts), default=0.0)
                else:
                    tie = max((mine.get(a, 0.0) for a in arts), default=0.0)
                if c.article in ent_arts[r]:
                    tie = max(tie, TIE)
                tie_of[(c.article, r)] = tie
            if tie >= TIE and tie > best_tie:
                best, best_tie = r, tie
        if best is not None:
            union(best, i)
            continue
        singles_at[k].setdefault(c.article, i)
    for k, at in singles_at.items():
        if len(at) < 2:
            continue
        for a, b in ties.tied(list(at)):  # each pair once, the test both ways round
            i, j = at[a], at[b]
            if find(i) != find(j) and (_compatible(chains[i], chains[j]) or _compatible(chains[j], chains[i])):
                union(i, j)

    groups: dict[int, list[_Chain]] = defaultdict(list)
    for i, c in enumerate(chains):
        groups[find(i)].append(c)
    return _entities([groups[r] for r in sorted(groups)])


def _family(c: _Chain) -> str | None:
    return FAMILY.get(c.type) if c.type else None


def _clash(a: _Chain, b: _Chain) -> bool:
    """A person and a place are never one entity (nor a nationality and anything else)."""
    fa, fb = _family(a), _family(b)
    return fa != fb and (("P" in (fa, fb) and "G" in (fa, fb)) or ("N" in (fa, fb) and None not in (fa, fb)))


def _compatible(a: _Chain, b: _Chain) -> bool:
    fa, fb = _family(a), _family(b)
    if fa == fb:
        return True
    # spaCy mislabels surnames and short forms; a nationality never names a person or a body
    return "N" not in (fa, fb) and ("P" not in (fa, fb) or len(next(iter(a.keys))) == 1) and not _clash(a, b)


def _attachable(single: _Chain, holder: _Chain, where: str) -> bool:
    """May a one-word chain join an entity whose name holds its word? A person's surname may carry
    any label but a nationality (spaCy mislabels lone surnames); a first name, and the words of
    other names, need the same family or no label (a proper-noun run the recogniser missed)."""
    fs, fh = _family(single), _family(holder)
    if fh == "P" and where == "last":
        return fs not in ("N", "G")
    if fh == "G" and where != "alias":
        return False  # the first word of a place is rarely its short form ("New", "Gulf")
    return fs in (fh, None)


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100.0


def _entities(groups: list[list[_Chain]]) -> list[dict]:
    out = []
    seen_ids: set[str] = set()
    for chains in groups:
        if all(m["type"] == "MISC" and " " not in m["text"] for c in chains for m in c.mentions):
            continue  # single proper nouns the recogniser never tagged that joined no named entity
        names, types, descs, cue, longest = Counter(), Counter(), Counter(), Counter(), Counter()
        mentions = []
        for c in chains:
            names.update(c.names)
            types.update(c.types)
            descs.update(c.descs)
            cue.update(c.cues)
            for m in c.mentions:
                mentions.append({"article": c.article, "start": m["start"], "end": m["end"], "text": m["text"]})
        tops = [c.top for c in chains if c.top]
        if tops:
            longest[max(tops)[2]] += 1  # the type of the entity's longest name
        mentions.sort(key=lambda m: (m["article"], m["start"], m["end"]))
        words = lambda n: len(n.split())  # noqa: E731
        name = max(names, key=lambda n: (words(n) > 1 and not n.isupper(), names[n], words(n), len(n), n))
        misc = types.pop("MISC", None)
        etype = _best_type(types, cue, longest) or ("MISC" if misc else "ORG")
        key = " ".join(name_key(name, person=etype == "PERSON")) or name.lower()
        eid = content_id(etype, key, prefix="e")
        if eid in seen_ids:
            first = mentions[0]
            eid = content_id(etype, key, first["article"], str(first["start"]), prefix="e")
        seen_ids.add(eid)
        # the best attested description: appositions and role nouns before bare titles, then
        # the shorter (loaded epithets make a description long)
        desc = max(descs, key=lambda d: (descs[d], -len(d.split()), d)) if descs else None
        aliases = sorted(n for n in names if n != name)
        out.append({"id": eid, "name": name, "type": etype, "aliases": aliases, "description": desc,
                    "mentions": mentions})
    return out


# ---------------------------------------------------------------- lookup


def index_entities(entities: list[dict]) -> dict:
    """article id -> sorted [(start, end, entity id)] for ``entity_at``."""
    idx: dict[str, list] = defaultdict(list)
    for e in entities:
        for m in e["mentions"]:
            idx[m["article"]].append((m["start"], m["end"], e["id"]))
    for v in idx.values():
        v.sort()
    return dict(idx)


def entity_at(index: dict, article_id: str, start: int, end: int) -> str | None:
    """The entity whose mention overlaps [start, end) of the article most (a quote's speaker
    span "Kataib Hezbollah spokesman Mohammed Mohi" gives the entity of "Mohammed Mohi");
    None when no mention overlaps."""
    spans = index.get(article_id, [])
    i = bisect.bisect_left(spans, (start, -1, ""))
    best, best_ov = None, 0
    for s, e, eid in spans[max(0, i - 8):]:
        if s >= end:
            break
        ov = min(e, end) - max(s, start)
        if ov > best_ov or (ov == best_ov and ov > 0 and best is not None and e - s > best[1]):
            best, best_ov = (eid, e - s), ov
    return best[0] if best else None
