"""The framing table: how each article of a story labels each entity (``story["framing"]``).

For every story with two or more articles, and every entity mentioned in at least two of them,
the labels each article applies to the entity, read with token patterns around the entity's
mentions (no parse: the nlp stage's Docs are not kept, and re-parsing would cost a second pass
of the parser):

* a description used as the mention itself ("the militia spokesman");
* the modifiers before a name, ending on a role noun, a hyphenated compound, a demonym or a
  loaded adjective ("the powerful Iran-backed X", "Tehran's military mastermind X");
* an apposition after a name ("X, an ally of the governor,") and a copular description
  ("X is a hardline faction");
* for a person, the predicate that reports their death ("killed", "assassinated", "martyred",
  "the assassination of X", "X was slain").

Word lists are in ``rashomon/data/framing_labels.tsv``. Entries are ordered by how much the
labels differ across the articles that mention the entity, most different first. An entity is
listed only when one of its labels is loaded wording (a term of the loaded-terms lexicon, or a
compound built on one: "anti-terror"): an entity whose labels only describe ("opposition-led",
"deputy chair") shows no framing and is left out, so every row holds a loaded label.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from ..model import Analysis
from .lexicon import lexicon, norm

__all__ = ["framing_stage", "labels_in", "label_words"]

DETS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our",
        "your", "my", "one", "another", "some"}
PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "we", "i", "you", "who", "whom",
            "which", "that", "his", "its", "their", "himself", "herself", "itself", "themselves"}
BOUNDARY = re.compile(r"[.!?;:()\[\]\n—–]|,")
APPOS_END = re.compile(r"[,.!?;:()\[\]\n—–\"“”]")
COPULA = re.compile(r"\s+(?:is|was|are|were|remains|became)\s+(?=(?:a|an|the|one)\b)")
PASSIVE = re.compile(r"^(?:\s*,[^.;!?]{0,120},)?\s+(?:was|were|had been|has been|is|got)\s+"
                     r"(?:also\s+|later\s+|then\s+)?$")
# a word; abbreviations with periods ("U.S.", "anti-U.S.") stay one token
WORD = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z0-9]+(?:['’\-](?:(?:[A-Za-z]\.){2,}|[A-Za-z0-9]+))*")
# lower-case words that can modify a noun inside a label: adjective and noun endings
MODIFIER_END = ("al", "ary", "ful", "ous", "ive", "ic", "ian", "less", "able", "ible", "ent", "ant",
                "ish", "tion", "sion", "ment", "ity", "ism", "ist", "ship", "ence", "ance", "er", "or")
LEFT_MAX = 6  # modifier words before a name
APPOS_MAX = 12  # words of an apposition or copular description
DEATH_WINDOW = 10  # words between a death predicate and the name it reports


@lru_cache(maxsize=1)
def label_words() -> dict[str, frozenset[str]]:
    """kind -> words, from ``data/framing_labels.tsv``."""
    raw = resources.files("rashomon").joinpath("data/framing_labels.tsv").read_text(encoding="utf-8")
    out: dict[str, set[str]] = {}
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, _, word = line.partition("\t")
        if kind not in ("role", "death", "stop") or not word.strip():
            raise ValueError(f"framing_labels.tsv line {n}: expected 'role|death|stop<TAB>word': {line!r}")
        out.setdefault(kind, set()).add(word.strip().lower())
    return {k: frozenset(v) for k, v in out.items()}


def tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), norm(m.group())) for m in WORD.finditer(text)]


def _demonym(raw: str, norp: set[str]) -> bool:
    low = raw.lower()
    return low in norp or (raw[:1].isupper() and len(raw) > 4 and low.endswith(("ian", "ese", "ish", "an", "i")))


def _adjective(word: str) -> bool:
    e = lexicon().get(word)
    return e is not None and e.cls == "adj"


def _head_ok(raw: str, low: str, words: dict, norp: set[str]) -> bool:
    """The word right before a name can end a label: a role noun, a compound, a demonym, a
    possessive or a loaded adjective."""
    return (low in words["role"] or ("-" in low and not low[:1].isdigit()) or _demonym(raw, norp)
            or low.endswith(("'s", "’s")) or _adjective(low))


def _left(text: str, toks: list, i: int, start: int, words: dict, norp: set[str]) -> str | None:
    """The modifiers before the mention starting at ``start`` (``i`` = index of the first token
    at or after ``start``)."""
    k, edge, first, keep = i - 1, start, True, None
    while k >= 0 and i - k <= LEFT_MAX:
        s, e, low = toks[k]
        if text[e:edge].strip():  # punctuation between: the phrase ends
            break
        raw = text[s:e]
        if low in words["stop"] or low in DETS or low in PRONOUNS or low.isdigit():
            break
        if first and not _head_ok(raw, low, words, norp):
            return None
        first = False
        possessive = low.endswith(("'s", "’s"))
        if raw[:1].isupper() and not (possessive or "-" in low or _demonym(raw, norp)
                                      or low in words["role"]):
            break  # another name
        if raw[:1].islower() and not (low in words["role"] or "-" in low or _adjective(low)
                                      or (low.endswith(MODIFIER_END) and not low.endswith(("ed", "ing")))):
            break  # a verb or a word that does not modify a noun
        keep = k
        edge = s
        k -= 1
        if possessive:  # "the Middle East's ...": take the owner's name, then stop
            while k >= 0 and not text[toks[k][1]:edge].strip() and text[toks[k][0]:toks[k][1]][:1].isupper() \
                    and toks[k][2] not in DETS:
                keep, edge, k = k, toks[k][0], k - 1
            break
    if keep is None:
        return None
    term = text[toks[keep][0]:toks[i - 1][1]]
    if len(term.split()) == 1 and term[:1].isupper() and "-" not in term:
        return None  # a bare title or demonym ("President", "Iranian") is not a label of its own
    return term


def _phrase_after(text: str, pos: int, words: dict) -> str | None:
    """A description starting at ``pos`` and ending at punctuation, a relative pronoun or an
    -ing verb; None unless it opens with a determiner, a role noun or a lower-case modifier."""
    toks = []
    for s, e, low in tokens(text[pos:pos + 400]):
        if APPOS_END.search(text[pos + (toks[-1][1] if toks else 0):pos + s]):
            break
        toks.append((s, e, low))
    if not toks:
        return None
    first = toks[0][2]
    raw0 = text[pos + toks[0][0]:pos + toks[0][1]]
    if not (first in DETS or first in words["role"] or _adjective(first)) or raw0[:1].isupper():
        return None
    out_end = None
    for j, (s, e, low) in enumerate(toks):
        if j >= APPOS_MAX:
            return None
        if j and (low in {"who", "which", "that", "whose", "said", "says", "told", "with", "in",
                          "on", "at", "by", "from", "to", "under", "since", "after", "for"}
                  or (low.endswith("ing") and low not in words["role"] and "-" not in low)):
            break
        out_end = e
    if out_end is None or len(toks) < 2 and first in DETS:
        return None
    term = text[pos + toks[0][0]:pos + out_end]
    return term if len(term.split()) >= 2 else None


def _death(text: str, toks: list, i: int, j: int, words: dict) -> str | None:
    """The death predicate reported of the name at tokens ``i``..``j-1`` of its sentence."""
    k = i - 1
    while k >= 0 and i - k <= DEATH_WINDOW:
        s, e, low = toks[k]
        if BOUNDARY.search(text, e, toks[k + 1][0]) and text[e:toks[k + 1][0]].strip() not in ("", ",", "’s", "'s"):
            break
        if low in words["death"]:
            return text[s:e]
        raw = text[s:e]
        if low in ("said", "says", "told", "is", "was", "are", "were", "ordered") or \
                (raw[:1].islower() and low.endswith("ed") and "-" not in low):
            break
        k -= 1
    after = text[toks[j - 1][1]:]
    m = re.match(r"(?:’s|'s)\s+(\w+)", after)
    if m and m.group(1).lower() in words["death"]:
        return m.group(1)
    for s, e, low in toks[j:j + APPOS_MAX + 6]:
        if low in words["death"] and PASSIVE.match(text[toks[j - 1][1]:s]):
            return text[s:e]
    return None


def labels_in(text: str, start: int, end: int, *, person: bool, norp: set[str] | None = None) -> list[str]:
    """The labels an article's ``text`` applies to the mention ``text[start:end]``."""
    words = label_words()
    norp = norp or set()
    mention = text[start:end]
    mtoks = tokens(mention)
    if not mtoks or text[start - 1:start] == "-" or text[end:end + 1] == "-":
        return []  # empty, or part of a compound ("Iran-backed"): the compound labels another
    if mtoks[0][2] in DETS or mention[:1].islower():  # a description: it is the label
        if len(mtoks) == 1 and mtoks[0][2] in PRONOUNS:
            return []
        body = mention[mtoks[1][0]:] if mtoks[0][2] in DETS and len(mtoks) > 1 else mention
        # a short noun phrase headed by a role noun ("the militia spokesman"); longer nominal
        # mentions are too often a clause caught by coreference
        return [body] if len(mtoks) <= 5 and mtoks[-1][2] in words["role"] else []
    lo = max((m.end() for m in BOUNDARY.finditer(text, max(0, start - 300), start)
              if m.group() != ","), default=max(0, start - 300))
    hi_m = re.compile(r"[.!?\n]").search(text, end)
    hi = hi_m.end() if hi_m else len(text)
    toks = [t for t in tokens(text[lo:hi])]
    toks = [(s + lo, e + lo, w) for s, e, w in toks]
    i = next((n for n, t in enumerate(toks) if t[0] >= start), len(toks))
    j = next((n for n, t in enumerate(toks) if t[0] >= end), len(toks))
    out: list[str] = []
    left = _left(text, toks, i, start, words, norp)
    if left:
        out.append(left)
    m = re.match(r"\s*,\s*", text[end:])
    if m:
        ap = _phrase_after(text, end + m.end(), words)
        if ap:
            out.append(ap)
    m = COPULA.match(text, end)
    if m:
        cop = _phrase_after(text, m.end(), words)
        if cop:
            out.append(cop)
    if person and i < j:
        d = _death(text, toks, i, j, words)
        if d:
            out.append(d)
    return out


def _evaluative(term: str, words: dict) -> bool:
    """A label that takes a side or characterises: it holds a compound modifier ("Iran-backed",
    "do-nothing"), a term of the loaded-terms lexicon, or it reports a death. Plain roles and
    descriptions ("a spokesman", "the director of ...") say who someone is, not how the outlet
    frames them, and are left out of the table."""
    lex = lexicon()
    for _, _, low in tokens(term):
        e = lex.get(low)
        if low in words["death"] or (e is not None and not e.mild):
            return True
        parts = low.split("-")
        if len(parts) > 1 and all(p.replace(".", "").isalpha() for p in parts) and parts[-1] not in ("term", "year", "time", "old"):
            return True
    return False


def _loaded(term: str) -> bool:
    """A label that holds loaded wording: a lexicon term that is not mild, or a compound built
    on a lexicon term ("anti-terror"), as the reuse contrast reads compounds."""
    from .loaded import compound_hits

    lex = lexicon()
    return any(not h.entry.mild for h in lex.find(term)) or bool(compound_hits(term, lex))


def _is_pronoun(mention: str) -> bool:
    return mention.strip().lower() in PRONOUNS


def framing_stage(analysis: Analysis) -> None:
    """Fill ``story["framing"]`` for every story of ``analysis`` (empty for single-article
    stories). A story of more than ``compare.MAX_COMPARED`` articles is framed over its compared
    articles (``story["compared"]`` when set, else ``compare.compared_articles``: every independent
    source in turn), as its facts are: the table stays readable and its cost bounded."""
    from ..compare import compared_articles

    texts = {a.id: a.text for a in analysis.articles}
    by_id = {a.id: a for a in analysis.articles}
    norp = {str(e.get("name", "")).lower() for e in analysis.entities if e.get("type") == "NORP"}
    # article -> (entity, rank of the mention among the entity's, mention): a story reads the
    # mentions in its own articles, not every mention of an entity the whole corpus names
    by_article: dict[str, list[tuple[dict, int, dict]]] = {}
    for e in analysis.entities:
        if e.get("type") == "NORP":  # demonyms modify other entities' names
            continue
        for r, m in enumerate(e.get("mentions") or []):
            by_article.setdefault(m.get("article"), []).append((e, r, m))
    for st in analysis.stories or []:
        chosen = st.get("compared")
        if chosen is None:
            present = [by_id[x] for x in dict.fromkeys(st.get("articles") or []) if x in by_id]
            chosen = [a.id for a in compared_articles(present, analysis.reuse)]
        ids = [x for x in chosen if x in texts]
        if len(ids) < 2:
            st["framing"] = []
            continue
        seen: dict[str, dict] = {}
        inside: dict[str, list[tuple[int, dict]]] = {}
        for aid in dict.fromkeys(ids):
            for e, r, m in by_article.get(aid, []):
                seen.setdefault(e["id"], e)
                inside.setdefault(e["id"], []).append((r, m))
        rows = []
        for eid, e in seen.items():
            ms = [m for _, m in sorted(inside[eid], key=lambda x: x[0])]
            mentioned = {m["article"] for m in ms}
            if len(mentioned) < 2:
                continue
            terms: dict[str, list[str]] = {}
            for m in ms:
                aid = m.get("article")
                if _is_pronoun(str(m.get("text", ""))):
                    continue
                got = labels_in(texts[aid], m["start"], m["end"], person=e.get("type") == "PERSON", norp=norp)
                have = terms.setdefault(aid, [])
                for t in got:
                    if not _evaluative(t, label_words()):
                        continue
                    if t.lower() not in {h.lower() for h in have}:
                        have.append(t)
            terms = {a: v for a, v in terms.items() if v}
            if not any(_loaded(t) for v in terms.values() for t in v):
                continue
            sets = [{t.lower() for t in terms.get(a, [])} for a in sorted(mentioned)]
            union = set().union(*sets)
            differ = len(union - set.intersection(*sets))
            rows.append(((-differ, -len(terms), -sum(map(len, sets)), eid),
                         {"entity": eid, "terms": {a: terms[a] for a in ids if a in terms}}))
        st["framing"] = [r for _, r in sorted(rows, key=lambda x: x[0])]
