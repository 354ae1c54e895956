"""Quotations and reported speech, each with its cue and its speaker.

``find_quotes(article, doc)`` works on the spaCy ``Doc`` of the article's cleaned text (one parse,
shared with the other components) and returns the contract's Quote dicts plus the offsets of the
words naming the speaker (``speaker_start``/``speaker_end``) and of the cue (``cue_start``/``cue_end``).

Three sources of quotes, merged at the end:

* direct quotations: spans between quotation marks (straight or curly), found by a scan of the
  text; a quote split by its cue (``"X," he said, "Y."``) is one quote; a quote running over
  paragraphs by the paragraph-open convention (a paragraph that opens a quote without closing it,
  followed by one that opens again) is one quote. Scare quotes and titles are not quotes.
* reported speech: a cue verb from ``data/speech_verbs.txt`` with a clausal complement or an
  object ("X said that ...", "X told Reuters ...", "X warned ...").
* "according to X, ...".

The speaker is the cue's subject. A pronoun ("he said") or relative pronoun ("who said") is
resolved to its antecedent (gender-aware, see ``data/gender_words.txt``) and a role phrase ("the
spokesman") to the person the text ties it to; ``speaker_text`` is then that name, while
``speaker_start``/``speaker_end`` keep the literal words.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

__all__ = ["find_quotes", "direct_spans"]

OPEN_Q = "“„«‟"
CLOSE_Q = "”»"
STRAIGHT = '"'

PRONOUNS_M = {"he", "him", "his"}
PRONOUNS_F = {"she", "her", "hers"}
PERSONAL = PRONOUNS_M | PRONOUNS_F
RELATIVE = {"who", "which", "that", "whom"}
SUBJ_DEPS = {"nsubj", "nsubjpass", "csubj"}
# children of a cue verb that hold what was said
CLAUSAL = {"ccomp", "xcomp", "parataxis"}
OBJECT = {"dobj", "attr", "oprd", "pobj"}
# children never part of the content: the subject, punctuation, coordination, time/place adjuncts
NOT_CONTENT = SUBJ_DEPS | {"punct", "cc", "conj", "aux", "auxpass", "neg", "advmod", "npadvmod",
                           "agent", "mark", "prt", "dative", "expl", "dep", "advcl"}
# verbs that report another's words with "X as saying": the speaker is their object
QUOTING = {"cite", "quote"}
NOT_SPEAKER_POS = {"CCONJ", "SCONJ", "ADP", "PART", "PUNCT", "SPACE"}
NOT_SPEAKER = {"this", "that", "these", "those", "'s", "’s", "us", "let"}
SENT_PUNCT = re.compile(r"[.!?]")
WORD = re.compile(r"\w+")
TITLE_INTRO = {"titled", "entitled", "called", "dubbed", "named", "so-called", "film", "book",
               "movie", "album", "song", "novel", "show", "series", "headlined", "nicknamed",
               "slogan", "hashtag"}


# ---------------------------------------------------------------- lexicons


def _data_lines(name: str) -> list[str]:
    text = resources.files("rashomon").joinpath("data", name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def cue_lexicon() -> tuple[frozenset, frozenset, dict]:
    """(strong lemmas, weak lemmas, {lemma: required particle/preposition})."""
    strong, weak, phrasal = set(), set(), {}
    for ln in _data_lines("speech_verbs.txt"):
        is_weak = ln.endswith("*")
        parts = ln.rstrip("*").split()
        lemma = parts[0]
        if len(parts) > 1:
            phrasal.setdefault(lemma, set()).add(parts[1])
            weak.add(lemma)  # the bare verb is only a cue with a clause, unless listed alone
            continue
        (weak if is_weak else strong).add(lemma)
    return frozenset(strong), frozenset(weak - strong), phrasal


@lru_cache(maxsize=1)
def gender_lexicon() -> dict[str, str]:
    out = {}
    for ln in _data_lines("gender_words.txt"):
        g, w = ln.split(None, 1)
        out[w.lower()] = g
    return out


# ---------------------------------------------------------------- direct quotations


QUOTE_MARK = re.compile(r"''|``|[\"“”„«»‟]")


def direct_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every stretch between quotation marks, the marks included.

    Marks: curly and straight double quotes, guillemets, and the typewriter pairs ``''`` and
    ````. Paragraphs are separated by newlines. A quote left open at the end of a paragraph
    continues when the next paragraph opens with a quotation mark (the paragraph-open
    convention); else it ends with its paragraph.
    """
    spans = []
    paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    open_at = None
    for pi, (ps, pe) in enumerate(paras):
        marks = [(m.start(), m.end(), m.group(0)) for m in QUOTE_MARK.finditer(text, ps, pe)]
        if open_at is not None and marks and marks[0][0] == ps and marks[0][2] not in CLOSE_Q:
            marks = marks[1:]  # the re-opening mark of a continued quote
        for ms, me, mk in marks:
            if open_at is None:
                if mk == STRAIGHT and _inch(text, ms):
                    continue
                if mk in CLOSE_Q and not _opens(text, ms, me):
                    continue
                open_at = ms
            elif mk in CLOSE_Q or mk in (STRAIGHT, "''"):
                spans.append((open_at, me))
                open_at = None
            else:
                open_at = ms  # a new opening mark without a close: the previous was unbalanced
        if open_at is not None:
            nxt = paras[pi + 1] if pi + 1 < len(paras) else None
            if nxt and QUOTE_MARK.match(text, nxt[0]) and text[nxt[0]] not in CLOSE_Q:
                continue
            spans.append((open_at, pe))
            open_at = None
    return spans


def _opens(text: str, s: int, e: int) -> bool:
    """A closing-shaped mark used to open a quote: at a word start after a space or line start."""
    return (s == 0 or text[s - 1] in " \n\t([") and e < len(text) and text[e].isalnum()


def _inch(text: str, i: int) -> bool:
    """A straight double quote used as an inch mark (5'10")."""
    return i > 0 and text[i - 1].isdigit() and (i + 1 >= len(text) or not text[i + 1].isalnum())


def _is_quotation(text: str, s: int, e: int) -> bool:
    """A real quotation, not a scare-quoted word, a short phrase or a title."""
    inner = QUOTE_MARK.sub(" ", text[s:e])
    words = WORD.findall(inner)
    if len(words) < 4:
        return False
    before = WORD.findall(text[max(0, s - 30):s])
    if before and before[-1].lower() in TITLE_INTRO and len(words) <= 12:
        return False
    if not SENT_PUNCT.search(inner) and len(words) <= 10:
        caps = [w for w in words if w[0].isupper()]
        small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "with", "or", "from", "by"}
        if all(w[0].isupper() or w.lower() in small for w in words) and len(caps) >= 2:
            return False  # Title Case: a book, film or slogan
    return True


# ---------------------------------------------------------------- the speaker


def _span_of(doc, tokens) -> tuple[int, int] | None:
    toks = [t for t in tokens if not t.is_punct or t.text in "'’"]
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _np_tokens(head):
    """The words naming a speaker: the head's subtree without relative clauses, appositions and
    anything after a comma."""
    cut = {"relcl", "acl", "appos", "punct", "cc", "conj", "advcl"}
    keep = set()

    def walk(t):
        keep.add(t.i)
        for c in t.children:
            if c.dep_ in cut:
                continue
            walk(c)
    walk(head)
    lo = min(keep)
    hi = max(keep)
    doc = head.doc
    # never across a paragraph break: keep the stretch that holds the head
    for i in range(head.i - 1, lo - 1, -1):
        if "\n" in doc[i].text:
            lo = i + 1
            break
    for i in range(head.i + 1, hi + 1):
        if "\n" in doc[i].text:
            hi = i - 1
            break
    toks = [doc[i] for i in range(lo, hi + 1)]
    # a possessive ending at the head ("Trump's") stays; a leading determiner stays (scorer
    # ignores it, and it reads naturally)
    return toks


def _subject(verb, in_direct=None):
    """The subject token of a cue verb, climbing conjunctions, participles and relatives.

    A "subject" inside quotation marks while the verb is outside ("“It will fail,” said Roe")
    is a misparse: the speaker is then the noun phrase just after the verb."""
    subj = _subject0(verb)
    if in_direct is not None and subj is not None and in_direct[subj.i] and not in_direct[verb.i]:
        doc = verb.doc
        # the words between the closing mark and the verb ("...,” police chief Jo Roe said)
        k = verb.i - 1
        while k >= 0 and not in_direct[k] and "\n" not in doc[k].text:
            k -= 1
        stretch = range(k + 1, verb.i)
        roots = [doc[i] for i in stretch if doc[i].pos_ in ("PROPN", "NOUN", "PRON")
                 and doc[i].head.i not in stretch and doc[i].ent_type_ not in ("DATE", "TIME")]
        if roots:
            return roots[0]
        nouns = [doc[i] for i in stretch if doc[i].pos_ in ("PROPN", "NOUN") and
                 doc[i].ent_type_ not in ("DATE", "TIME")]
        if nouns:  # a misparsed noun phrase: its last noun is its head
            return nouns[-1]
        # else the noun phrase just after the verb ("...,” said Jo Roe), a date is not one
        for t in doc[verb.i + 1:min(verb.sent.end, verb.i + 8)]:
            if in_direct[t.i]:
                break
            if t.pos_ in ("PROPN", "NOUN") and t.dep_ not in ("compound", "amod", "poss") \
                    and t.ent_type_ not in ("DATE", "TIME"):
                return t
        return None  # the words inside the quotation never name its speaker
    return subj


def _as_saying(verb):
    """The person quoted in "cited/quoted X as saying ...": X, when ``verb`` is the quoting verb
    or the "saying" under its "as"; else None."""
    v = verb
    if v.dep_ == "pcomp" and v.head.lower_ == "as" and v.head.dep_ == "prep":
        v = v.head.head
    if v.lemma_.lower() not in QUOTING:
        return None
    if not any(c.lower_ == "as" and any(g.dep_ == "pcomp" for g in c.children) for c in v.children):
        return None
    return next((c for c in v.children if c.dep_ == "dobj"), None)


def _subject0(verb):
    quoted = _as_saying(verb)
    if quoted is not None:
        return quoted
    seen = 0
    v = verb
    while v is not None and seen < 8:
        seen += 1
        for c in v.children:
            if c.dep_ in ("nsubj", "nsubjpass", "csubj"):
                return _same_paragraph(c, v)
        if v.dep_ in ("conj", "xcomp", "advcl", "acl", "pcomp", "prep", "pobj") and v.head is not v:
            if v.dep_ == "acl" and v.head.pos_ in ("NOUN", "PROPN", "PRON"):
                # "officials saying ...": the noun; "X issued a statement saying ..." / "X said
                # at a news conference announcing ...": X, the subject of the verb governing it
                n = v.head
                gov = n.head.head if n.dep_ == "pobj" and n.head.dep_ == "prep" else (
                    n.head if n.dep_ == "dobj" else None)
                if n.pos_ == "NOUN" and gov is not None and gov.pos_ in ("VERB", "AUX"):
                    up = next((c for c in gov.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                    if up is not None and up.pos_ in ("PROPN", "PRON") or (
                            up is not None and up.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")):
                        return _same_paragraph(up, gov)
                return n
            v = v.head
            continue
        if v.dep_ == "relcl" and v.head is not v:
            return v.head
        if v.dep_ in ("aux",) and v.head is not v:
            v = v.head
            continue
        break
    return None


def _same_paragraph(subj, verb):
    """The subject if no paragraph break lies between it and its verb; else the head of the
    words that open the verb's paragraph (a misparse across a heading or time stamp)."""
    doc = verb.doc
    lo, hi = sorted((subj.i, verb.i))
    breaks = [t.i for t in doc[lo:hi] if "\n" in t.text]
    if not breaks or subj.i > verb.i:
        return subj
    start = breaks[-1] + 1
    stretch = [t for t in doc[start:verb.i] if t.dep_ not in ("aux", "auxpass", "neg", "punct")]
    heads = [t for t in stretch if not (start <= t.head.i < verb.i) and t.pos_ in ("NOUN", "PROPN", "PRON")]
    return heads[0] if heads else subj


class _Article:
    """Per-article state for speaker resolution: persons by position and their genders."""

    def __init__(self, doc, skip: int = 0):
        self.doc = doc
        self.text = doc.text  # Doc.text is rebuilt from the tokens at every access
        self.skip = skip  # the dateline prefix: never content, never a speaker
        self.persons = [e for e in doc.ents if e.label_ == "PERSON"]
        self.gender = {}
        lex = gender_lexicon()
        full = {}
        for e in self.persons:
            words = [t.text.lower().rstrip(".") for t in e if not t.is_punct]
            if not words:
                continue
            last = words[-1]
            if len(words) > 1 and len(e.text) > len(full.get(last, "")):
                full[last] = e.text
            g = None
            prev = e.start - 1
            if prev >= 0:
                g = lex.get(doc[prev].text.lower()) or lex.get(doc[prev].text.lower().rstrip("."))
            if g is None and len(words) > 1:
                g = lex.get(words[0])
            if g is None:
                # a role noun right before the name: "spokeswoman Jane Roe"
                for k in range(max(0, e.start - 3), e.start):
                    if g is None and doc[k].pos_ == "NOUN":
                        g = lex.get(doc[k].lemma_.lower())
            if g and last not in self.gender:
                self.gender[last] = g
        self.full = full
        # a later bare surname the model did not tag ("Roe said") is still that person
        from spacy.tokens import Span
        in_ent = {i for e in doc.ents for i in range(e.start, e.end)}
        extra = [Span(doc, t.i, t.i + 1, label="PERSON") for t in doc
                 if t.pos_ == "PROPN" and t.i not in in_ent and t.text.lower().rstrip(".") in full
                 and not (t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN")]
        extra += [Span(doc, e.start, e.end, label="PERSON") for e in doc.ents
                  if e.label_ != "PERSON" and e.text.lower().rstrip(".") in full]
        if extra:
            self.persons = sorted(self.persons + extra, key=lambda e: e.start)

    def name(self, ent) -> str:
        words = [t.text for t in ent if not t.is_punct]
        if not words:
            return ent.text
        last = words[-1].lower().rstrip(".")
        f = self.full.get(last)
        return f if f and len(f) >= len(ent.text) else ent.text

    def gender_of(self, ent) -> str | None:
        words = [t.text.lower().rstrip(".") for t in ent if not t.is_punct]
        return self.gender.get(words[-1]) if words else None

    def antecedent(self, pron, want: str | None):
        """The person a pronoun at token ``pron`` points to: the nearest preceding PERSON,
        sentence by sentence, subjects first, skipping those of the other gender."""
        doc = self.doc
        sent = pron.sent
        sents_back = 0
        s = sent
        while s is not None and sents_back < 6:
            cands = [e for e in self.persons if e.start >= s.start and e.end <= s.end
                     and e.end <= pron.i]
            cands.sort(key=lambda e: (e.root.dep_ not in SUBJ_DEPS and not _is_poss_subj(e),
                                      -e.start))
            for e in cands:
                g = self.gender_of(e)
                if want is None or g is None or g == want:
                    return e
            sents_back += 1
            s = doc[s.start - 1].sent if s.start > 0 else None
        return None

    def role_holder(self, head):
        """The person a role phrase ("the spokesman") names, when the text ties them:
        "spokesman Jane Roe" (the role noun right before the name, titles between) or
        "Jane Roe, the spokesman," earlier in the article. A modifier of another role ("military"
        in "military commander Jane Roe") is no tie."""
        lemma = head.lemma_.lower()
        doc = self.doc
        for e in reversed(self.persons):
            if e.start >= head.i:
                continue
            k = e.start - 1
            while k >= 0 and k >= e.start - 4 and doc[k].pos_ == "PROPN" and doc[k].lemma_.lower() != lemma:
                k -= 1  # titles and names before the person: "spokesman Col. Jane Roe"
            if k >= 0 and doc[k].pos_ == "NOUN" and doc[k].lemma_.lower() == lemma:
                return e
            for c in e.root.children:
                if c.dep_ == "appos" and c.lemma_.lower() == lemma:
                    return e
        return None


def _is_poss_subj(ent) -> bool:
    r = ent.root
    return r.dep_ == "poss" and r.head.dep_ in SUBJ_DEPS


def _head_span(tok) -> tuple[int, int]:
    return tok.idx, tok.idx + len(tok.text)


def _ent_head(ent) -> tuple[int, int]:
    """The head of a named person: its last word (the surname)."""
    toks = [t for t in ent if not t.is_punct and t.tag_ != "POS"] or list(ent)
    return _head_span(toks[-1])


def _speaker(state: _Article, subj):
    """(speaker_text, start, end, head_start, head_end) for a subject token (or None).

    start/end are the literal words naming the speaker; head_start/head_end the head word of
    whom they refer to: the subject's own head, or for a resolved pronoun, relative or role the
    head of the antecedent (the entity linker links the quote to the entity covering it)."""
    if subj is None:
        return None
    doc = state.doc
    if state.skip and subj.idx < state.skip:
        return None  # a dateline is never a speaker
    if subj.dep_ == "relcl" or (subj.lower_ in RELATIVE and subj.tag_ in ("WP", "WDT")):
        # "who said": the noun the relative clause hangs on
        lit = (subj.idx, subj.idx + len(subj.text))
        head = subj.head.head if subj.head.dep_ == "relcl" else subj.head
        res = _speaker(state, head)
        if res is None:
            return (subj.text, *lit, *lit)
        return (res[0], *lit, res[3], res[4])
    if subj.pos_ in NOT_SPEAKER_POS or not WORD.search(subj.text) or (
            subj.lower_ in NOT_SPEAKER and not any(True for _ in subj.children)):
        return None  # a misparse: "and", "that", "'s" name no one
    toks = _np_tokens(subj)
    # "said Sunday three officials": a leading date is not part of the speaker
    while len(toks) > 1 and toks[0].i != subj.i and toks[0].ent_type_ in ("DATE", "TIME"):
        toks = toks[1:]
    # "the administration's": the possessive ending is not part of the speaker
    while len(toks) > 1 and toks[-1].tag_ == "POS":
        toks = toks[:-1]
    sp = _span_of(doc, toks)
    if sp is None:
        return None
    literal = state.text[sp[0]:sp[1]]
    own = _head_span(subj)
    low = subj.lower_
    if subj.pos_ == "PRON" and low in PERSONAL:
        want = "m" if low in PRONOUNS_M else "f"
        ant = state.antecedent(subj, want)
        if ant is not None:
            return (state.name(ant), *sp, *_ent_head(ant))
        return (literal, *sp, *own)
    # a PERSON inside the phrase: expand to the fullest name used in the article
    ents = [e for e in doc.ents if e.start >= toks[0].i and e.end <= toks[-1].i + 1
            and e.label_ == "PERSON"]
    if ents:
        best = max(ents, key=lambda e: e.end)
        nm = state.name(best)
        if nm != best.text and nm not in literal:
            return (literal.replace(best.text, nm, 1), *sp, *own)
        return (literal, *sp, *own)
    # a role phrase with a definite article: "the spokesman said"
    if subj.pos_ == "NOUN" and any(c.lower_ == "the" for c in subj.children) and len(toks) <= 4:
        holder = state.role_holder(subj)
        if holder is not None:
            return (state.name(holder), *sp, *_ent_head(holder))
    return (literal, *sp, *own)


# ---------------------------------------------------------------- reported speech


def _is_cue(tok, strong, weak, phrasal) -> bool:
    lem = tok.lemma_.lower()
    if tok.pos_ not in ("VERB", "AUX") and not (tok.pos_ == "NOUN" and tok.tag_ == "VBG"):
        if not (tok.tag_.startswith("VB")):
            return False
    if lem in phrasal:
        if any(c.lower_ in phrasal[lem] for c in tok.children if c.dep_ in ("prt", "prep")):
            return True
    return lem in strong or lem in weak


REFLEXIVE = {"itself", "themselves", "himself", "herself", "themself", "ourselves", "myself", "yourself"}


def _naming(verb) -> bool:
    """A cue verb that names rather than reports: with a name for predicate complement (``oprd``,
    a proper noun) and either modifying a noun ("a group called the Guardians") or of a reflexive
    object ("militias calling themselves the Resistance"), or a participle modifying a noun with a
    reflexive object ("a militia calling itself ...", however the name parsed). "The senator
    called the plan a disaster", "a statement calling the test a violation" stay cues (PolNeAR
    counts them)."""
    kids = list(verb.children)
    reflexive = any(c.dep_ == "dobj" and c.lower_ in REFLEXIVE for c in kids)
    if verb.dep_ == "acl" and reflexive:
        return True
    if not any(c.dep_ == "oprd" and c.pos_ == "PROPN" for c in kids):
        return False
    return verb.dep_ == "acl" or reflexive


def dateline_end(article, text: str) -> int:
    """Length of the dateline prefix the text opens with ("CITY (Agency) — "), 0 when none."""
    if getattr(article, "dateline", None) is None:
        return 0
    from ..ingest.meta import parse_dateline

    _, n = parse_dateline(text[:text.find("\n")] if "\n" in text else text)
    return n


def _after_dateline(state, subj, verb):
    """The real subject of a lead sentence whose parse took the dateline for its subject: an
    apposition of it, else the head of the words between the dateline and the verb."""
    for c in subj.children:
        if c.dep_ == "appos" and c.idx >= state.skip:
            return c
    doc = state.doc
    stretch = [t for t in doc[:verb.i] if t.idx >= state.skip]
    heads = [t for t in stretch if not (stretch and stretch[0].i <= t.head.i < verb.i)
             and t.pos_ in ("NOUN", "PROPN", "PRON")]
    if heads:
        return heads[0]
    nouns = [t for t in stretch if t.pos_ in ("NOUN", "PROPN", "PRON") and t.dep_ not in
             ("compound", "amod", "poss", "pobj", "dobj")]
    return nouns[0] if nouns else None


def _content_tokens(verb, weak: bool, phrasal):
    """Token index range (lo, hi) of what the cue verb introduces, or None."""
    kids = list(verb.children)
    clausal = [c for c in kids if c.dep_ in CLAUSAL and not (c.dep_ == "xcomp" and c.i < verb.i)]
    lem = verb.lemma_.lower()
    if clausal:
        parts = clausal
        # "said X and that Y": conjoined complements come along in the subtree already
    else:
        if weak:
            return None
        right = [c for c in kids if c.i > verb.i and c.dep_ not in NOT_CONTENT]
        if lem in phrasal:
            for c in kids:
                if c.dep_ == "prep" and c.lower_ in phrasal[lem]:
                    right = [x for x in right if x is not c] + list(c.children)
        objs = [c for c in right if c.dep_ in OBJECT or c.dep_ in ("dobj", "ccomp", "xcomp")]
        if not objs:
            return None
        first = min(objs, key=lambda c: c.i)
        parts = [c for c in right if c.i >= first.i]
    lo = min(min(t.i for t in p.subtree) for p in parts)
    hi = max(max(t.i for t in p.subtree) for p in parts)
    doc = verb.doc
    while hi > lo and doc[hi].is_punct and doc[hi].text not in "”\"'’":
        hi -= 1
    while lo < hi and doc[lo].is_punct and doc[lo].text not in "“\"":
        lo += 1
    if hi - lo < 1:
        return None
    return lo, hi


def _parenthetical(verb) -> tuple[int, int] | None:
    """Token range (lo, hi) of the sentence around a parenthetical attribution ("Climate change,
    Jane Roe often says, is the greatest threat"; "The port was closed, she said, since the
    storm"), or None: the cue verb hangs off the sentence (parataxis), set off by commas with words
    of the sentence on both sides. The range is the whole sentence, attribution included (a
    quote is one span; the words around the attribution are what was said)."""
    if verb.dep_ != "parataxis":
        return None
    doc, sent = verb.doc, verb.sent
    sub = list(verb.subtree)
    a, b = sub[0].i, sub[-1].i
    while a < b and doc[a].is_punct:  # the commas around it may hang in its subtree
        a += 1
    while b > a and doc[b].is_punct:
        b -= 1
    if a - 1 <= sent.start or doc[a - 1].text not in (",", "\u2014", "--"):
        return None
    if b + 1 >= sent.end - 1 or doc[b + 1].text not in (",", "\u2014", "--"):
        return None
    lo, hi = sent.start, sent.end - 1
    if not any(t.is_alpha for t in doc[b + 2:hi + 1]):
        return None
    return lo, hi


def _clip(state, verb, lo: int, hi: int) -> tuple[int, int]:
    """Content tokens kept within the cue's paragraph (the parser joins a paragraph that ends
    without a full stop to the next one) and after the dateline."""
    doc = state.doc
    ps, pe = _para_bounds(state.text, verb.idx, verb.idx)
    ps = max(ps, state.skip)
    while lo <= hi and (doc[lo].idx < ps or doc[lo].is_space):
        lo += 1
    while hi >= lo and (doc[hi].idx >= pe or doc[hi].is_space or
                        (doc[hi].is_punct and doc[hi].text not in "”\"'’")):
        hi -= 1
    return lo, hi


def _cue_span(verb):
    """The cue words: the verb with its auxiliaries, negation and particle ("has said", "told")."""
    idx = [verb.i] + [c.i for c in verb.children if c.dep_ in ("aux", "neg", "prt") and
                      abs(c.i - verb.i) <= 3]
    lo, hi = min(idx), max(idx)
    doc = verb.doc
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


# ---------------------------------------------------------------- assembling


def _quote(article_id, text, start, end, direct, spk, cue):
    q = {"id": None, "article": article_id, "text": text[start:end], "start": start, "end": end,
         "direct": direct, "speaker": None,
         "speaker_text": spk[0] if spk else None,
         "speaker_start": spk[1] if spk else None, "speaker_end": spk[2] if spk else None,
         "cue": text[cue[0]:cue[1]] if cue else None,
         "cue_start": cue[0] if cue else None, "cue_end": cue[1] if cue else None,
         "speaker_head_start": spk[3] if spk else None, "speaker_head_end": spk[4] if spk else None}
    return q


def _overlap(a0, a1, b0, b1) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def find_quotes(article, doc) -> list[dict]:
    """Quotes and reported speech of one article, in text order, ids ``{article.id}-q{n}``."""
    strong, weak, phrasal = cue_lexicon()
    state = _Article(doc, dateline_end(article, doc.text))
    text = state.text
    out = []

    # 1. direct quotations -------------------------------------------------------------
    dspans = [(s, e) for s, e in direct_spans(text) if _is_quotation(text, s, e)]
    merged = _merge_split(doc, text, dspans, strong)
    in_direct = [False] * len(doc)
    for s, e in dspans:
        for t in doc.char_span(s, e, alignment_mode="expand") or []:
            in_direct[t.i] = True

    # 1b. "NAME: text" lines (transcripts, headlines "Pence: ...") -------------------------
    colon_lines = _colon_lines(state, in_direct)

    # 2. reported speech (cue verbs outside quotation marks) ------------------------------
    reported = []
    for sent in doc.sents:
        for tok in sent:
            if in_direct[tok.i]:
                continue
            if tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children):
                r = _according(state, tok)
                if r:
                    reported.append(r)
                continue
            if not _is_cue(tok, strong, weak, phrasal) or _naming(tok):
                continue
            is_weak = tok.lemma_.lower() not in strong
            # "X, the mayor said, Y": the sentence around the attribution is what was said
            around = _parenthetical(tok) if not is_weak else None
            rng = around or _content_tokens(tok, is_weak, phrasal)
            if rng is None:
                continue
            lo, hi = rng
            subj = _subject(tok, in_direct)
            if subj is not None and subj.idx < state.skip:
                subj = _after_dateline(state, subj, tok)
            if around is None and subj is not None and lo <= subj.i <= hi:
                continue
            lo, hi = _clip(state, tok, lo, hi)
            if hi - lo < 1:
                continue
            s, e = doc[lo].idx, doc[hi].idx + len(doc[hi].text)
            reported.append((s, e, _speaker(state, subj), _cue_span(tok)))

    # 3. merge: a direct quote takes the cue of the reported item that holds it -------------
    used = set()
    for s, e, _pieces in merged:
        best = None
        for k, (rs, re_, spk, cue) in enumerate(reported):
            ov = _overlap(s, e, rs, re_)
            if ov >= 0.6 * (e - s) and ov >= 0.6 * (re_ - rs):
                best = k
                break
        if best is not None:
            used.add(best)
            rs, re_, spk, cue = reported[best]
            lo, hi = min(s, rs), max(e, re_)
            if spk and spk[1] >= e and re_ <= spk[2]:
                hi = e  # words between the closing mark and the speaker are not said
            if spk and spk[2] <= s and rs >= spk[1]:
                lo = s
            out.append(_quote(article.id, text, lo, hi, True, spk, cue))
            continue
        holder = [k for k, (rs, re_, _, _) in enumerate(reported)
                  if rs <= s and (e <= re_ + 1 or (re_ > s and not WORD.search(text[re_:e])))]
        if holder:
            continue  # a quotation inside reported speech: that item carries it
        spk, cue = _direct_cue(state, doc, s, e, in_direct, strong, weak, phrasal, out)
        out.append(_quote(article.id, text, s, e, True, spk, cue))
    for cs, ce, spk, cue in colon_lines:
        if any(_overlap(cs, ce, q["start"], q["end"]) > 0.5 * (ce - cs) for q in out):
            continue
        out.append(_quote(article.id, text, cs, ce, bool(QUOTE_MARK.match(text, cs)), spk, cue))
    directs = [(q["start"], q["end"]) for q in out if q["direct"]]
    for k, (rs, re_, spk, cue) in enumerate(reported):
        if k in used:
            continue
        if any(_overlap(rs, re_, ds, de) >= 0.6 * (re_ - rs) for ds, de in directs):
            continue  # a piece of a quotation already taken whole
        direct = bool(QUOTE_MARK.match(text, rs))
        out.append(_quote(article.id, text, rs, re_, direct, spk, cue))

    out.sort(key=lambda q: (q["start"], q["end"]))
    for n, q in enumerate(out):
        q["id"] = f"{article.id}-q{n}"
    return out


COLON_LINE = re.compile(r"(?m)^([^\n:]{2,60}?):[ \t]+(?=\S)")


def _colon_lines(state, in_direct):
    """A paragraph opened by a short name and a colon: "SMITH: We will ..." (a transcript) or a
    headline "Smith: ...". The name must be a person or organisation, or an all-capitals word."""
    doc = state.doc
    text = state.text
    out = []
    for m in COLON_LINE.finditer(text):
        name = m.group(1).strip()
        if len(name.split()) > 6:
            continue
        ps, pe = _para_bounds(text, m.end(), m.end())
        body = text[m.end():pe].rstrip()
        if len(WORD.findall(body)) < 4:
            continue
        ents = [x for x in doc.ents if x.start_char >= m.start(1) and x.end_char <= m.end(1)
                and x.label_ in ("PERSON", "ORG", "NORP")]
        caps = name.isupper() and name.replace(" ", "").replace(".", "").isalpha()
        if not ents and not caps:
            continue
        if ents and ents[0].label_ == "PERSON":
            nm = state.name(ents[0])
        else:
            nm = name
        ns = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
        hd = _ent_head(ents[0]) if ents else (None, None)
        out.append((m.end(), m.end() + len(body), (nm, ns, ns + len(name), *hd),
                    (m.end(1), m.end(1) + 1)))
    return out


def _according(state, tok):
    """"according to X, Y" / "Y, according to X": content Y, speaker X, cue "according to"."""
    to = next(c for c in tok.children if c.lower_ == "to")
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    sent = tok.sent
    sub = {t.i for t in tok.subtree}
    lo_sub, hi_sub = min(sub), max(sub)
    if lo_sub - sent.start <= 2:
        toks = [t for t in sent if t.i > hi_sub]
    else:
        toks = [t for t in sent if t.i < lo_sub]
    toks = [t for t in toks if not t.is_punct or t.text in "“”\""]
    if len(toks) < 3:
        return None
    s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    spk = _speaker(state, pobj)
    cue = (tok.idx, to.idx + len(to.text))
    return (s, e, spk, cue)


def _merge_split(doc, text, spans, strong):
    """Join "X," he said, "Y." into one quote: two quotations separated only by a short stretch
    of the same paragraph that holds a speech verb. Returns (start, end, pieces)."""
    out = []
    for s, e in spans:
        if out:
            ps, pe, pieces = out[-1]
            gap = text[pe:s]
            if "\n" not in gap and re.search(r",\s*(''|[\"”»])$", text[ps:pe]):
                span = doc.char_span(pe, s, alignment_mode="expand")
                if not WORD.search(gap) or (
                        len(WORD.findall(gap)) <= 8 and span is not None
                        and not re.search(r"[.!?]\s*$", gap)
                        and any(t.lemma_.lower() in strong for t in span)):
                    out[-1] = (ps, e, pieces + [(s, e)])
                    continue
            if _goes_on(doc, text, ps, pe, s, e, strong):
                out[-1] = (ps, e, pieces + [(s, e)])
                continue
        out.append((s, e, [(s, e)]))
    return out


GAP_WORDS = 30  # the most words of an attribution between a quotation and its continuation


def _goes_on(doc, text, ps, pe, s, e, strong) -> bool:
    """Whether the quotation ``text[s:e]`` goes on with the speaker of the one before it
    (``text[ps:pe]``): "X," said Jane Roe, head of the union. "Y." The attribution between them,
    in the same paragraph, is a sentence of its own holding a speech verb, and ends the sentence;
    the second quotation opens a sentence and has no attribution of its own after it in its
    paragraph (then it would be another speaker's: "X," said Roe. "Y," said Poe.)."""
    gap = text[pe:s]
    if "\n" in gap:
        return False
    if not re.search(r"[,.!?]\s*(''|[\"\u201d\u00bb])$", text[ps:pe]) or not re.search(r"[.!?]\s*$", gap):
        return False
    if not 0 < len(WORD.findall(gap)) <= GAP_WORDS:
        return False
    inner = re.match(r"(''|[\"\u201c\u00ab])?\s*(\w)", text[s:e])
    if inner is None or not inner.group(2).isupper():
        return False
    span = doc.char_span(pe, s, alignment_mode="expand")
    if span is None or not any(t.lemma_.lower() in strong for t in span):
        return False
    end = text.find("\n", e)
    rest = doc.char_span(e, len(text) if end < 0 else end, alignment_mode="expand")
    if rest is not None:
        for t in rest:
            if t.text in ('"', "\u201c", "''", "\u00ab"):
                break  # the next quotation's attribution is its own
            if t.lemma_.lower() in strong:
                return False
    return True


DASH_CREDIT = re.compile(r"^[\s.,]*[―—–-]{1,2}\s*(?=\w)")


def _para_bounds(text: str, s: int, e: int) -> tuple[int, int]:
    ps = text.rfind("\n", 0, s) + 1
    pe = text.find("\n", e)
    return ps, (len(text) if pe < 0 else pe)


def _direct_cue(state, doc, s, e, in_direct, strong, weak, phrasal, previous):
    """Cue and speaker of a quotation that no reported-speech item covered.

    In order: a credit line after a dash ("... ” — Jane Roe"); a speech verb outside the marks
    in the same paragraph, just after the quote (up to the next quotation) or before it in its
    sentence or a colon-ended lead-in; else the speaker of the quotation just before (the speaker
    goes on); else the last person named before it."""
    text = state.text
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None:
        return None, None
    ps, pe = _para_bounds(text, s, e)
    m = DASH_CREDIT.match(text[e:pe])
    if m:
        name_start = e + m.end()
        ents = [x for x in doc.ents if x.start_char >= name_start and x.start_char < pe]
        if ents and ents[0].start_char - name_start <= 2:
            x = ents[0]
            nm = (state.name(x) if x.label_ == "PERSON" else x.text)
            d0 = e + re.search(r"[―—–-]", m.group(0)).start()
            return (nm, x.start_char, x.end_char, *_ent_head(x)), (d0, e + len(m.group(0).rstrip()))
        words = re.match(r"[^\n,(]{1,60}", text[name_start:pe])
        if words:
            w = words.group(0).rstrip(" .")
            return (w, name_start, name_start + len(w), None, None), None
    gap = [t for t in span if not in_direct[t.i] and not t.is_space]
    after = list(gap)
    closed = re.search(r"[.!?]\W*$", text[s:e]) is not None  # the quotation ends its sentence
    for t in doc[span.end:]:
        if t.idx >= pe or in_direct[t.i] or len(after) >= 12 + len(gap):
            break
        if closed and t.is_sent_start and t.i > span.end:
            break  # a cue of the next sentence belongs to that sentence
        after.append(t)
    first = span[0].sent
    before = [t for t in doc[max(first.start, 0):span.start] if t.idx >= ps and not in_direct[t.i]]
    if first.start > 0 and not before:
        prev = doc[first.start - 1].sent
        if prev.text.rstrip().endswith(":"):
            before = [t for t in prev if not in_direct[t.i]]
    for group in (after, list(reversed(before))):
        for t in group:
            if _is_cue(t, strong, weak, phrasal):
                spk = _speaker(state, _subject(t, in_direct))
                if spk is None:
                    # no subject parsed ("... quoted X as saying"): the person named nearest
                    near = [x for x in state.persons if x.sent == t.sent and not in_direct[x.start]]
                    if near:
                        x = min(near, key=lambda x: abs(x.start - t.i))
                        spk = (state.name(x), x.start_char, x.end_char, *_ent_head(x))
                return spk, _cue_span(t)
    # the quote continues a previous one close before it
    for q in reversed(previous):
        if q["speaker_text"] and 0 <= s - q["end"] <= 400:
            return (q["speaker_text"], q["speaker_start"], q["speaker_end"],
                    q["speaker_head_start"], q["speaker_head_end"]), None
    ant = state.antecedent(span[0], None)
    if ant is not None:
        return (state.name(ant), ant.start_char, ant.end_char, *_ent_head(ant)), None
    return None, None
