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
   context: they share names that are rare in the corpus (``related_articles``). Otherwise chains
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
    text = resources.files("rashomon").joinpath("data", "name_titles.txt").read_text(encoding="utf-8")
    return frozenset(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


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


def _role_before(doc, s, e):
    """The words before a name that describe it ("Kataib Hezbollah spokesman", "President")."""
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
    if lo == s:
        return None
    sent0 = doc[s].sent.start
    lo = max(sent0, min(doc[k].left_edge.i for k in range(lo, s)))  # "Brigade of Dawn spokesman"
    while lo < s and (doc[lo].lower_ in DETERMINERS or doc[lo].is_punct):
        lo += 1
    words = doc[lo:s]
    if any((w.pos_ == "NOUN" and w.is_lower) or _is_title(w) for w in words):
        return words.text
    return None


def _apposition(doc, s, e):
    """The apposition right after a name: "X, leader of Y," -> "leader of Y"; or the role the name
    is an apposition of: "the group's leader, X" -> "the group's leader"."""
    if e < len(doc) and doc[e].text == ",":
        for t in doc[s:e]:
            for c in t.children:
                if c.dep_ == "appos" and c.i >= e and c.pos_ in ("NOUN", "PROPN") and not c.ent_type_:
                    lo, hi = c.left_edge.i, c.right_edge.i + 1
                    while hi > lo and doc[hi - 1].is_punct:
                        hi -= 1
                    if lo > e and hi - lo <= 12:
                        return doc[lo:hi].text
    root = doc[s:e].root
    if root.dep_ == "appos" and s > 0 and doc[s - 1].text == ",":
        h = root.head
        if h.i < s and h.pos_ == "NOUN" and h.is_lower:
            lo = h.left_edge.i
            while lo < h.i and doc[lo].lower_ in DETERMINERS:
                lo += 1
            if h.i + 1 - lo <= 8:
                return doc[lo:h.i + 1].text
    return None


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w and w.lower() not in {"of", "the", "and", "for", "al", "el", "de"})


def _acronym_of(acr: str, name: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", acr).upper()
    words = re.split(r"[\s\-]+", name)
    ini = _initials(words).upper()
    return len(letters) >= 2 and (letters == ini or (letters[0] == ini[:1] and len(letters) <= len(words) + 1))


def find_mentions(article, doc) -> list[dict]:
    """The named mentions of one article, cleaned and grouped into local chains.

    Each dict: ``start``, ``end``, ``text`` (the name as written, without determiner, possessive or
    title), ``type`` (spaCy label), ``key`` (``translit.name_key``), ``description`` (or None),
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
        span = doc[s:e]
        name = POSSESSIVE.sub("", span.text).strip()
        key = _key(name, ent.label_ == "PERSON")
        if not key:
            continue
        desc = doc[ts:te].text if te > ts else None
        desc = _role_before(doc, ts, e) or desc
        desc = _apposition(doc, s, e) or desc
        if desc:  # never across a paragraph break; whitespace normalised
            desc = " ".join(desc.split("\n")[-1].split()) or None
        out.append({"start": span.start_char, "end": span.start_char + len(name), "text": name,
                    "type": ent.label_, "key": key, "description": desc, "aliases": []})
    _proper_runs(doc, out)
    _aliases(doc, text, out)
    _group(out)
    return out


def _proper_runs(doc, out: list[dict]) -> None:
    """Runs of proper nouns that spaCy's tagger marks but its recogniser left out (or gave a
    non-name label such as MONEY): kept with type "MISC" so a surname or a title the recogniser
    missed still joins its entity."""
    covered = set()
    for m in out:
        covered.update(range(m["start"], m["end"]))
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
        name = doc[i:j].text
        key = _key(name)
        if key and any(c.isalpha() for c in name) and not (j - i == 1 and _is_title(doc[i])):
            out.append({"start": doc[i].idx, "end": doc[i].idx + len(name), "text": name, "type": "MISC",
                        "key": key, "description": None, "aliases": []})
        i = j


def make_mention(text: str, type_: str, start: int, local: int = 0, description: str | None = None,
                 aliases=()) -> dict:
    """A mention dict as ``find_mentions`` makes it, for names found by other means."""
    return {"start": start, "end": start + len(text), "text": text, "type": type_,
            "key": _key(text, type_ == "PERSON"), "description": description, "aliases": list(aliases),
            "local": local}


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


def _group(mentions: list[dict]) -> None:
    """Give each mention ``local``: its chain within the article."""
    parent = list(range(len(mentions)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    full: dict[tuple, int] = {}
    obj = {id(m): i for i, m in enumerate(mentions)}
    for i, m in enumerate(mentions):
        if m["key"] in full:
            union(full[m["key"]], i)
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
            if fam == "P" and len(k) == 1 and k[0] in (o["key"][-1], o["key"][0]) and m["type"] != "NORP":
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
    __slots__ = ("article", "mentions", "keys", "multi", "types", "descs", "names")

    def __init__(self, article):
        self.article = article
        self.mentions: list[dict] = []
        self.keys: set[tuple] = set()
        self.types: Counter = Counter()
        self.descs: Counter = Counter()
        self.names: Counter = Counter()

    def finish(self):
        self.multi = {k for k in self.keys if len(k) > 1}


def _article_id(a):
    return a.id if hasattr(a, "id") else a["id"]


def related_articles(chains: list[_Chain]) -> dict:
    """article -> {article: tie}: the sum over the names two articles share of log(1 + N/df).
    Names held by more than half of a large corpus are not used (they tie nothing)."""
    arts_of = defaultdict(set)
    for c in chains:
        for k in c.keys:
            arts_of[k].add(c.article)
    n = len({c.article for c in chains})
    cap = max(50, n // 2)
    ties: dict = defaultdict(lambda: defaultdict(float))
    for k, arts in arts_of.items():
        if len(arts) < 2 or len(arts) > cap:
            continue
        w = math.log(1 + n / len(arts))
        arts = sorted(arts)
        for i, a in enumerate(arts):
            for b in arts[i + 1:]:
                ties[a][b] += w
                ties[b][a] += w
    return ties


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
                c.descs[m["description"]] += 1
            c.names[" ".join(m["text"].split())] += 1
            for a in m.get("aliases", ()):
                c.names[" ".join(a.split())] += 0
    for c in chains:
        c.finish()
        if not c.types:
            c.types.update(m["type"] for m in c.mentions)

    parent = list(range(len(chains)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    # 1. exact multi-word keys, then near keys blocked by consonant skeleton
    by_key: dict[tuple, int] = {}
    by_skel: dict[tuple, list[tuple[tuple, int]]] = defaultdict(list)
    for i, c in enumerate(chains):
        for k in sorted(c.multi):
            if k in by_key:
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

    ties = related_articles(chains)

    # people named by first and last name: the same surname with a first name of the same initial
    # ("Mo X" / "Maurice X", "George Y" / "George W. Y") in articles tied by context
    by_person: dict[tuple, list[int]] = defaultdict(list)
    for i, c in enumerate(chains):
        if _family(c) == "P":
            for k in c.multi:
                by_person[(k[-1], k[0][:1])].append(i)
    for members in by_person.values():
        for x in range(len(members)):
            a = members[x]
            for b in members[x + 1:]:
                if find(a) != find(b) and (chains[a].article == chains[b].article
                                           or ties.get(chains[a].article, {}).get(chains[b].article, 0.0) >= TIE):
                    union(a, b)

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
    for i, c in enumerate(chains):
        if c.multi:
            continue
        k = next(iter(c.keys))
        word = fold(c.mentions[0]["text"]).replace(".", "")
        best, best_tie = None, 0.0
        mine = ties.get(c.article, {})
        for h, hword, where in sorted(set(holders.get(k[0], ())) | set(holders.get(word, ()))):
            if not _attachable(c, chains[h], where) or _ratio(word, hword) < SAME_WORD:
                continue
            r = find(h)
            tie = max((mine.get(a, 0.0) for a in ent_arts[r]), default=0.0)
            if c.article in ent_arts[r]:
                tie = max(tie, TIE)
            if tie >= TIE and tie > best_tie:
                best, best_tie = r, tie
        if best is not None:
            union(best, i)
            continue
        singles_at[k].setdefault(c.article, i)
    for k, at in singles_at.items():
        for a, i in at.items():
            for b, w in ties.get(a, {}).items():
                if w >= TIE and b in at and _compatible(chains[i], chains[at[b]]):
                    union(i, at[b])

    groups: dict[int, list[_Chain]] = defaultdict(list)
    for i, c in enumerate(chains):
        groups[find(i)].append(c)
    return _entities([groups[r] for r in sorted(groups)])


def _family(c: _Chain) -> str | None:
    return FAMILY.get(c.types.most_common(1)[0][0]) if c.types else None


def _compatible(a: _Chain, b: _Chain) -> bool:
    fa, fb = _family(a), _family(b)
    if fa == fb:
        return True
    # spaCy mislabels surnames and short forms; a nationality never names a person or a body
    return "N" not in (fa, fb) and ("P" not in (fa, fb) or len(next(iter(a.keys))) == 1)


def _attachable(single: _Chain, holder: _Chain, where: str) -> bool:
    """May a one-word chain join an entity whose name holds its word? A person's surname may carry
    any label but a nationality (spaCy mislabels lone surnames); a first name, and the words of
    other names, need the same family or no label (a proper-noun run the recogniser missed)."""
    fs, fh = _family(single), _family(holder)
    if fh == "P" and where == "last":
        return fs != "N"
    if fh == "G" and where != "alias":
        return False  # the first word of a place is rarely its short form ("New", "Gulf")
    return fs in (fh, None)


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100.0


def _entities(groups: list[list[_Chain]]) -> list[dict]:
    out = []
    seen_ids: set[str] = set()
    for chains in groups:
        names, types, descs = Counter(), Counter(), Counter()
        mentions = []
        for c in chains:
            names.update(c.names)
            types.update(c.types)
            descs.update(c.descs)
            for m in c.mentions:
                mentions.append({"article": c.article, "start": m["start"], "end": m["end"], "text": m["text"]})
        mentions.sort(key=lambda m: (m["article"], m["start"], m["end"]))
        words = lambda n: len(n.split())  # noqa: E731
        name = max(names, key=lambda n: (words(n) > 1 and not n.isupper(), names[n], words(n), len(n), n))
        etype = types.most_common(1)[0][0] if types else "ORG"
        key = " ".join(name_key(name, person=etype == "PERSON")) or name.lower()
        eid = content_id(etype, key, prefix="e")
        if eid in seen_ids:
            first = mentions[0]
            eid = content_id(etype, key, first["article"], str(first["start"]), prefix="e")
        seen_ids.add(eid)
        desc = max(descs, key=lambda d: (descs[d], len(d), d)) if descs else None
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
