"""Event mentions in one article, read from its dependency parse.

``find_events(article, doc, times, mentions)`` returns one dict per event mention::

    {"article", "type", "trigger", "lemma", "start", "end",          # the trigger word
     "sentence_start", "sentence_end",
     "actors": [Arg], "targets": [Arg], "location": Arg | None,       # Arg: start, end, text, head_start, head_end
     "date": "YYYY[-MM[-DD]]" | None, "time": {"start", "end", "text"} | None,
     "killed": int | None, "injured": int | None, (+ "killed_qualifier", "killed_min", ... when given)
     "reported": bool, "irrealis": bool, "negated": bool,
     "parts": [{"start", "end", "trigger"}],                           # absorbed triggers
     "heads": [str]}                                                   # argument head lemmas

How:

1. Triggers by one dictionary lookup per token (``data/event_lexicon.tsv``: lemma or form and POS
   -> type, with a condition such as "a weapon word nearby" for "strike" and "fire"). Only
   sentences holding a trigger are looked at further.
2. A trigger governed by another within a few dependency steps ("agreed to suspend attacks",
   "killed in a drone strike", "a blast hit a convoy", "killing a child and injuring five") is
   absorbed into it; the type is composed by the lexicon's ``compose`` rows (STOP x ATTACK =
   CEASEFIRE, KILL x ATTACK = ATTACK, THREATEN x * = THREATEN, ...). Stop words ("suspend",
   "end", "is over") are events only through what they stop.
3. Arguments: actor = subject (agent of a passive; for nouns a possessor, a name modifying it or
   "by X"; the subject of a support verb: "launched strikes"), targets = object, "on/against X"
   ("of X" for "assassination"), location = a place name in an "in/at/near/outside" phrase on the
   trigger, its object or its clause. A role "spokesman for X" stands for X.
4. Date: the Time (from ``find_times``) attached by the parse to this event's clause; else a
   Time in the sentence that no other event's clause claims; else None. The publication date is
   never assumed.
5. Casualties: victims of kill/injure words counted (``casualties.count_np``), plus "no
   casualties", "14 dead", "dozens wounded" in the event's clause.
6. Flags: ``reported`` (inside quotation marks or under a speech verb / "according to"),
   ``irrealis`` (would/could/will, "if"), ``negated`` ("did not attack", "no attacks").
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from importlib import resources

from .casualties import Count, add, conjuncts, count_np
from .lexicon import lexicon
from .merge import ANNOUNCED

__all__ = ["find_events", "triggers_of"]

_POS = {"VERB": "verb", "NOUN": "noun", "ADV": "adv", "ADJ": "adv", "ADP": "adv"}
# dependency steps through which a trigger can be absorbed by a governing trigger
_ABSORB_DEPS = {"dobj", "xcomp", "ccomp", "pobj", "prep", "pcomp", "nsubj", "nsubjpass", "agent", "acl",
                "relcl", "conj", "attr", "oprd", "compound", "advcl", "acomp"}
_MAX_STEPS = 3
_MODALS = {"would", "could", "might", "may", "will", "should", "can", "shall", "'ll", "wo"}
_LOC_PREPS = {"in", "at", "near", "outside", "inside", "around", "across", "throughout"}
_TARGET_PREPS = {"on", "against", "at"}
_PLACE_TYPES = {"GPE", "LOC", "FAC"}
_AGENT_TYPES = {"PERSON", "ORG", "GPE", "NORP", "MISC"}
_QUOTE = re.compile(r"[\"\u201c\u201d\u201e\u00ab\u00bb]")
_REL_PRON = {"that", "which", "who", "whom", "whose"}


@lru_cache(maxsize=1)
def _speech_verbs() -> frozenset[str]:
    text = resources.files("rashomon").joinpath("data", "speech_verbs.txt").read_text(encoding="utf-8")
    return frozenset(ln.split()[0] for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


# ---------------------------------------------------------------- triggers

def _needs_ok(tok, needs: str | None) -> bool:
    if not needs:
        return True
    lex = lexicon()
    kind, _, arg = needs.partition(":")
    kids = list(tok.children)
    if kind == "prep":
        return any(c.dep_ == "prep" and c.lower_ in arg.split(",") for c in kids)
    if kind == "obj":
        objs = arg.split(",")
        return any(c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in objs for c in kids)
    if kind == "weapon":
        near = [c for c in kids if c.dep_ in ("compound", "amod", "nmod", "dobj", "nsubj", "nsubjpass", "poss")]
        for c in list(near):
            near.extend(g for g in c.children if g.dep_ in ("compound", "amod"))
        for p in kids:
            if p.dep_ == "prep" and p.lower_ == "with":
                near.extend(g for g in p.children if g.dep_ == "pobj")
        if any(c.lemma_.lower() in lex.weapons or c.lower_ in lex.weapons for c in near):
            return True
        if tok.pos_ == "NOUN":
            if any(c.dep_ == "prep" and c.lower_ in ("against", "on") for c in kids):
                return True
            if tok.dep_ == "dobj" and tok.head.lemma_.lower() in lex.support:
                return True
            # "US strikes", "Veronian air raids": a country or people as a direct modifier
            if any(c.dep_ in ("compound", "amod", "poss") and c.ent_type_ in ("GPE", "NORP") for c in kids):
                return True
        return False
    raise ValueError(f"event_lexicon.tsv: unknown condition {needs!r}")


def triggers_of(doc) -> dict[int, tuple[str, str]]:
    """token index -> (type, lemma) for every trigger or stop word in the Doc ("STOP" for the latter)."""
    lex = lexicon()
    trig, stops = lex.triggers, lex.stops
    out: dict[int, tuple[str, str]] = {}
    for tok in doc:
        pos = _POS.get(tok.pos_)
        if pos is None:
            continue
        lower = tok.lower_
        lemma = tok.lemma_.lower()
        if pos == "adv":
            if ("adv", lower) in stops and tok.head.lemma_ == "be" and \
                    any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.head.children):
                out[tok.head.i] = ("STOP", lower)  # "the truce is over": the copula stands for the stop
            continue
        if pos == "noun" and tok.dep_ == "compound" and tok.head.pos_ == "NOUN":
            # "air strike", "rocket attacks": the head noun is the trigger, except for two-word entries
            two = f"{lower} {tok.head.lower_}"
            if (pos, two) in trig:
                out[tok.head.i] = (trig[(pos, two)][0][0], two)
            continue
        entries = trig.get((pos, lower)) or trig.get((pos, lemma))
        if entries:
            for type_, needs in sorted(entries, key=lambda e: e[1] is None):
                if _needs_ok(tok, needs):
                    out.setdefault(tok.i, (type_, lemma))
                    break
        if tok.i not in out and ((pos, lower) in stops or (pos, lemma) in stops):
            out[tok.i] = ("STOP", lemma)
    return out


def _governor(tok, trig: dict[int, tuple[str, str]]):
    """The nearest trigger above ``tok`` within a few allowed dependency steps, or None."""
    t = tok
    for _ in range(_MAX_STEPS):
        if t.dep_ not in _ABSORB_DEPS or t.head.i == t.i:
            return None
        if t.dep_ == "advcl" and t.tag_ != "VBG":
            return None  # a finite adverbial clause ("after the army killed ...") is its own event
        if t.dep_ == "relcl" and t.head.i not in trig:
            return None
        t = t.head
        if t.i in trig:
            return t
        if t.dep_ == "ROOT":
            return None
    return None


def _groups(doc, trig):
    """[(root token, effective type, [absorbed tokens])] for the sentence-level events."""
    lex = lexicon()
    gov = {i: _governor(doc[i], trig) for i in trig}

    def depth(i):
        d, t = 0, doc[i]
        while t.head.i != t.i and d < 50:
            t, d = t.head, d + 1
        return d

    eff: dict[int, str] = {}
    absorbed: dict[int, list[int]] = {i: [] for i in trig}
    parent: dict[int, int] = {}
    for i in sorted(trig, key=depth, reverse=True):  # children before their governors
        own = trig[i][0]
        cur = own
        for j in sorted(k for k, g in gov.items() if g is not None and g.i == i and k in eff):
            inner = eff[j]
            res = lex.composed(cur, inner) or (cur if inner == cur else None)
            if res is None and cur == "STOP":
                continue
            if res is not None:
                cur = res
                absorbed[i].append(j)
                absorbed[i].extend(absorbed[j])
                parent[j] = i
        if cur == "STOP":
            continue  # a stop word that stops no event
        eff[i] = cur
    return [(doc[i], eff[i], sorted(absorbed[i])) for i in sorted(eff) if i not in parent]


# ---------------------------------------------------------------- arguments

def _arg(doc, head) -> dict:
    """An argument span: the head's phrase (its left modifiers and the head), with the head's offsets."""
    left = head.left_edge
    while left.i < head.i and (left.dep_ in ("det", "punct", "cc") or left.is_punct):
        left = doc[left.i + 1]
    end = head.idx + len(head.text)
    mods = [c.left_edge.idx for c in head.children if c.dep_ in ("compound", "poss", "nmod") and c.i < head.i]
    return {"start": left.idx, "end": end, "text": doc.text[left.idx:end],
            "head_start": head.idx, "head_end": end, "names_start": min(mods, default=head.idx), "_tok": head}


def _stand_in(tok):
    """A description with a name in apposition ("the commander, Jane Roe") stands for the name; a
    role "spokesman for X" / "leader of X" for X; else the token itself."""
    if tok.pos_ == "NOUN":
        for c in tok.children:
            if c.dep_ == "appos" and c.pos_ == "PROPN":
                return c
    lex = lexicon()
    if tok.lemma_.lower() in lex.collectives:
        for p in tok.children:
            if p.dep_ == "prep" and p.lower_ == "of":
                for o in p.children:
                    if o.dep_ == "pobj":
                        return _stand_in(o)
    if tok.lemma_.lower() in lex.roles:
        for p in tok.children:
            if p.dep_ == "prep" and p.lower_ in ("for", "of"):
                for o in p.children:
                    if o.dep_ == "pobj" and (o.pos_ == "PROPN" or o.ent_type_):
                        return o
    return tok


def _args(doc, toks) -> list[dict]:
    out = []
    for t in toks:
        for c in conjuncts(t):
            if c.lower_ in _REL_PRON or c.pos_ == "PRON" and c.lower_ in ("it", "they", "he", "she", "we", "i"):
                # a pronoun names no one here; entities would need coreference
                continue
            out.append(_arg(doc, _stand_in(c)))
    return out


def _modifier_agents(doc, noun, names) -> list[dict]:
    """Names modifying an event noun ("US strikes", "Washington-led strike", "the army's raid")."""
    out = []
    for c in noun.children:
        if c.dep_ in ("compound", "amod", "poss", "nmod", "npadvmod") and c.i < noun.i:
            lo, hi = c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text)
            for s, e, typ in names:
                if lo <= s and e <= hi and typ in _AGENT_TYPES:
                    out.append({"start": s, "end": e, "text": doc.text[s:e], "head_start": s, "head_end": e})
    return out


def _victims(tok, verb_type: str):
    """The victim heads of a kill/injure verb, and whether the subject is the actor."""
    kids = list(tok.children)
    obj = [c for c in kids if c.dep_ == "dobj"]
    subjpass = [c for c in kids if c.dep_ == "nsubjpass"]
    subj = [c for c in kids if c.dep_ == "nsubj"]
    if obj:
        return obj, subj
    if subjpass:
        return subjpass, []
    if tok.pos_ == "VERB" and subj and (tok.tag_ == "VBN" or subj[0].pos_ == "NUM" or subj[0].like_num
                                        or any(c.dep_ == "nummod" for c in subj[0].children)
                                        or subj[0].lower_ in lexicon().vague):
        return subj, []  # "two killed and five injured", "dozens wounded"
    if tok.dep_ == "acl" and tok.tag_ == "VBN":
        return [tok.head], []  # "civilians killed in the raid"
    return [], subj


def _roles(doc, root, parts, names):
    """actors, targets, victims (kill/injure), by trigger."""
    actors, targets, victims = [], [], []
    lex = lexicon()
    for tok in [root, *(doc[p] for p in sorted(parts))]:
        typ = lex.triggers.get(("verb", tok.lemma_.lower()), [("", None)])[0][0] if tok.pos_ == "VERB" else ""
        kids = list(tok.children)
        if tok.pos_ == "VERB" or tok.lemma_ == "be":
            if typ in ("KILL", "INJURE"):
                vic, subj = _victims(tok, typ)
                victims.append((typ, vic))
                targets.extend(_args(doc, [v for v in vic if v.i not in parts and v.i != root.i]))
                actors.extend(_args(doc, [s for s in subj if s.i not in parts and s.i != root.i]))
            else:
                for c in kids:
                    if c.dep_ == "nsubj" and c.i not in parts:
                        (actors if tok.lemma_ != "be" else targets).extend(_args(doc, [c]))
                    elif c.dep_ in ("dobj", "nsubjpass") and c.i not in parts and c.i != root.i:
                        targets.extend(_args(doc, [c]))
            for c in kids:
                if c.dep_ == "agent":
                    actors.extend(_args(doc, [o for o in c.children if o.dep_ == "pobj"
                                              and o.i not in parts and o.i != root.i]))
        else:  # an event noun
            actors.extend(_modifier_agents(doc, tok, names))
            for c in kids:
                if c.dep_ == "prep" and c.lower_ == "by":
                    actors.extend(_args(doc, [o for o in c.children if o.dep_ == "pobj"]))
                if c.dep_ == "prep" and lex.fam(lex.triggers.get(
                        ("noun", tok.lemma_.lower()), [("", None)])[0][0]) == "VIOLENCE":
                    # "the assassination of X", also when the parser hung "of X" lower down
                    # ("the assassination in Y by Z of X")
                    ofs = [c] if c.lower_ == "of" else [g for o in c.children if o.dep_ == "pobj"
                                                       for g in o.children if g.dep_ == "prep" and g.lower_ == "of"]
                    objs = [o for p in ofs for o in p.children if o.dep_ == "pobj"]
                    targets.extend(_args(doc, objs))
                    if tok.lemma_.lower() in ("assassination", "killing", "murder"):
                        victims.append(("KILL", objs))
            h = tok.head
            if tok.dep_ == "dobj" and h.lemma_.lower() in lex.support and h.i not in parts:
                actors.extend(_args(doc, [c for c in h.children if c.dep_ == "nsubj"]))
        for c in kids:
            if c.dep_ == "prep" and c.lower_ in _TARGET_PREPS and not (c.lower_ == "at" and _is_place(c, names)):
                targets.extend(_args(doc, [o for o in c.children if o.dep_ == "pobj" and o.i not in parts
                                           and o.lemma_.lower() not in lex.nontargets]))
    return actors, targets, victims


def _is_place(prep, names) -> bool:
    for o in prep.children:
        if o.dep_ == "pobj":
            lo, hi = o.left_edge.idx, o.right_edge.idx + len(o.right_edge.text)
            if any(lo <= s and e <= hi and t in _PLACE_TYPES for s, e, t in names):
                return True
    return False


def _location(doc, root, parts, names) -> dict | None:
    """The first place name in an in/at/near phrase on the event's words, their objects, or the
    clause a participle event hangs from ("rockets landed in X, killing ...")."""
    holders = [root, *parts]
    for t in list(holders):
        holders.extend(c for c in t.children if c.dep_ in ("dobj", "nsubjpass", "nsubj"))
    t = root
    for _ in range(3):  # a participle or a noun: look at the clause it hangs from
        if t.head.i == t.i or not (t.tag_ == "VBG" or t.pos_ == "NOUN" or t.dep_ in ("acl", "pobj", "prep")):
            break
        t = t.head
        holders.append(t)
    for h in holders:
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ in _LOC_PREPS:
                for o in c.children:
                    if o.dep_ != "pobj":
                        continue
                    lo, hi = o.left_edge.idx, o.right_edge.idx + len(o.right_edge.text)
                    for s, e, typ in names:
                        if lo <= s and e <= hi and typ in _PLACE_TYPES:
                            return {"start": s, "end": e, "text": doc.text[s:e], "head_start": s, "head_end": e}
    return None


# ---------------------------------------------------------------- flags

def _quote_spans(text: str, s: int, e: int) -> list[tuple[int, int]]:
    marks = [m.start() + s for m in _QUOTE.finditer(text, s, e)]
    return [(marks[k], marks[k + 1]) for k in range(0, len(marks) - 1, 2)]


def _reported(root, quotes) -> bool:
    if any(a < root.idx < b for a, b in quotes):
        return True
    speech = _speech_verbs()
    t = root
    for _ in range(8):
        if t.head.i == t.i:
            break
        if t.dep_ in ("ccomp", "parataxis") and t.head.lemma_.lower() in speech:
            return True
        t = t.head
    sent = root.sent
    return "according to" in sent.text.lower()


def _clause_head(tok):
    t = tok
    for _ in range(4):
        if t.pos_ in ("VERB", "AUX") or t.head.i == t.i:
            return t
        t = t.head
    return t


_CONDITION = {"condition", "provided", "providing", "aim", "goal", "demand", "timetable", "plan", "resolution",
              "call", "calling", "idea"}


def _conditioned(root) -> bool:
    """An announcement, withdrawal... that is only a condition, aim or demand ("on condition that
    the troops withdraw", "whose aim is to force the withdrawal", "calling for troops to withdraw")."""
    t = root
    for _ in range(4):
        if t.head.i == t.i:
            return False
        t = t.head
        if t.lemma_.lower() in _CONDITION or t.lower_ in _CONDITION:
            return True
        if t.pos_ == "VERB" and t.dep_ in ("ROOT", "conj") and t.lemma_.lower() not in ("be", "force"):
            return False
    return False


def _irrealis(root, typ: str = "") -> bool:
    if typ and lexicon().fam(typ) not in ("VIOLENCE", "CEASEFIRE") and _conditioned(root):
        return True
    v = _clause_head(root)
    for t in (root, v):
        for c in t.children:
            if c.dep_ == "aux" and c.lower_ in _MODALS:
                return True
            if c.dep_ == "mark" and c.lower_ in ("if", "unless"):
                return True
    if v.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in v.children):
        return True
    return False


_GENERIC_QUANT = {"dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "series", "wave", "spate",
                  "string", "number", "campaign", "succession", "many", "several", "numerous", "scores", "score"}
_HABITUAL = {"repeatedly", "regularly", "often", "frequently", "routinely", "constantly", "sometimes", "usually",
             "periodically", "occasionally", "increasingly"}
_DEFINITE = {"the", "this", "that", "these", "those"}


def _quantified(tok) -> bool:
    """ "dozens of attacks", "a series of raids", "several strikes" """
    h = tok.head
    if tok.dep_ == "pobj" and h.lower_ == "of" and h.head.lower_ in _GENERIC_QUANT:
        return True
    return any(c.dep_ in ("amod", "nummod", "det") and c.lower_ in _GENERIC_QUANT for c in tok.children)


def _generic(root, typ: str, m: dict, parts=()) -> bool:
    """A mention of a kind of event or of many events, not of one development: a bare plural
    ("rocket attacks against US bases"), "dozens of attacks", "a series of raids", habitual
    "have attacked" / "repeatedly shelled" (violence without a day or casualties). Mentions with a
    day-level date or casualty figures are never generic."""
    if (m.get("date") and len(m["date"]) == 10) or m.get("killed") is not None or m.get("injured") is not None:
        return False
    kids = list(root.children)
    if any(c.lower_ in _HABITUAL for c in kids if c.dep_ == "advmod"):
        return True
    if any(p.pos_ == "NOUN" and _quantified(p) for p in parts if p.dep_ in ("nsubj", "dobj", "nsubjpass")):
        return True  # "dozens of rocket attacks hit bases"
    if root.pos_ == "NOUN":
        if _quantified(root):
            return True
        if root.tag_ in ("NNS", "NNPS") and not any(c.dep_ == "det" and c.lower_ in _DEFINITE or c.dep_ == "poss"
                                                    for c in kids):
            return True  # a bare plural: "rocket attacks against US installations"
        return False
    if lexicon().fam(typ) == "VIOLENCE" and root.pos_ == "VERB" and not m.get("date"):
        aux = {c.lower_ for c in kids if c.dep_ in ("aux", "auxpass")}
        if aux & {"have", "has", "'ve"}:
            return True  # "militias have attacked US bases" (no day, no victims): a pattern, not an event
    return False


def _words(doc, ps: int, pe: int, skip: set[int]) -> list[str]:
    """Content lemmas of the trigger's sentence: a lexical fingerprint to tell which dated report an
    undated retelling belongs to."""
    out = set()
    for t in doc.char_span(ps, pe, alignment_mode="expand") or ():
        if t.is_alpha and not t.is_stop and len(t) > 2 and t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ"):
            out.add(t.lemma_.lower())
    return sorted(out)


def _negated(root) -> bool:
    if any(c.dep_ == "neg" for c in root.children):
        return True
    if root.pos_ == "NOUN":
        if any(c.dep_ == "det" and c.lower_ == "no" for c in root.children):
            return True
        v = root.head
        if root.dep_ in ("dobj", "nsubjpass") and any(c.dep_ == "neg" for c in v.children):
            return True
    return False


# ---------------------------------------------------------------- casualties

def _casualties(doc, root, parts, victims, group_toks: set[int], other_roots: set[int]):
    lex = lexicon()
    killed: Count | None = None
    injured: Count | None = None
    for typ, heads in victims:
        for h in heads:
            c = count_np(h, victims=True)
            if typ == "KILL":
                killed = add(killed, c) if killed is not None and c is not None else (killed or c)
            else:
                injured = add(injured, c) if injured is not None and c is not None else (injured or c)
    # casualty words in the event's clause: "causing no casualties", "14 dead", "left 3 wounded"
    seen = set()
    for t in [root, *parts]:
        for d in t.subtree:
            if d.i in seen or d.i in group_toks:
                continue
            seen.add(d.i)
            kind = lex.casualty.get(d.lemma_.lower()) or lex.casualty.get(d.lower_)
            if not kind or d.pos_ not in ("NOUN", "ADJ", "VERB"):
                continue
            if any(a.i in other_roots for a in d.ancestors if a.i not in group_toks and a.i != t.i):
                continue  # inside another event's clause
            c = count_np(d)
            if c is None:
                num = [x for x in d.children if x.like_num or x.pos_ == "NUM"]
                c = count_np(num[0]) if num else None
            if c is None:
                continue
            if kind in ("killed", "both") and killed is None:
                killed = c
            if kind in ("injured", "both") and injured is None:
                injured = c
    return killed, injured


# ---------------------------------------------------------------- time

def _claims(doc, times, trig_groups, tok_at):
    """time index -> group index claimed through the parse; None for free times."""
    owner = {}
    for gi, (root, _, parts) in enumerate(trig_groups):
        owner[root.i] = gi
        for p in parts:
            owner[p] = gi
    out = {}
    for k, tm in enumerate(times):
        t = tok_at(tm["start"])
        if t is None:
            continue
        claimed = None
        for _ in range(12):
            if t.i in owner:
                claimed = owner[t.i]
                break
            if t.head.i == t.i:
                break
            t = t.head
        out[k] = claimed
    return out


# ---------------------------------------------------------------- main

def _names(doc, mentions) -> list[tuple[int, int, str]]:
    if mentions is not None:
        return sorted((m["start"], m["end"], m.get("type", "MISC")) for m in mentions)
    return sorted((e.start_char, e.end_char, e.label_) for e in doc.ents)


def find_events(article, doc, times=None, mentions=None) -> list[dict]:
    """The event mentions of one article (see the module doc). ``times``: this article's Time
    dicts; ``mentions``: its ``find_mentions`` dicts (else spaCy's entities are used for places
    and names)."""
    if doc is None:
        return []
    trig = triggers_of(doc)
    if not trig:
        return []
    aid = article["id"] if isinstance(article, dict) else article.id
    text = doc.text
    names = _names(doc, mentions)
    times = sorted((t for t in (times or []) if t.get("article", aid) == aid), key=lambda t: t["start"])
    starts = [t.idx for t in doc]
    blocked = [(t["start"], t["end"]) for t in times]
    published = article.get("published") if isinstance(article, dict) else getattr(article, "published", None)
    dl = article.get("dateline") if isinstance(article, dict) else getattr(article, "dateline", None)
    dl_end = (dl.get("end") if isinstance(dl, dict) else getattr(dl, "end", None)) if dl else None
    if dl_end:
        blocked.append((0, dl_end))

    def tok_at(ch):
        k = bisect.bisect_right(starts, ch) - 1
        return doc[k] if k >= 0 else None

    by_sent: dict[int, list[int]] = {}
    for i in trig:
        by_sent.setdefault(doc[i].sent.start, []).append(i)
    out: list[dict] = []
    for s0 in sorted(by_sent):
        sent = doc[s0].sent
        local = {i: trig[i] for i in by_sent[s0]}
        groups = _groups(doc, local)
        if not groups:
            continue
        ss, se = sent.start_char, sent.end_char
        # a date in the dateline is the publication date, never an event's
        stimes = [t for t in times if ss <= t["start"] < se and not (dl_end and t["start"] < dl_end)]
        claims = _claims(doc, stimes, groups, tok_at)
        quotes = _quote_spans(text, ss, se)
        roots = {g[0].i for g in groups}
        for gi, (root, typ, parts) in enumerate(groups):
            # the parser sometimes runs a sentence over a paragraph break: keep to the trigger's paragraph
            ps = max(ss, text.rfind("\n\n", ss, root.idx) + 2) if "\n\n" in text[ss:root.idx] else ss
            pe = text.find("\n\n", root.idx, se)
            pe = se if pe < 0 else pe
            parts = [p for p in parts if ps <= doc[p].idx < pe]
            ptoks = [doc[p] for p in parts]
            actors, targets, victims = _roles(doc, root, set(parts), names)
            gtoks = {root.i, *parts}
            killed, injured = _casualties(doc, root, ptoks, victims, gtoks, roots - {root.i})
            own = [k for k, g in claims.items() if g == gi]
            free = [k for k, g in claims.items() if g is None]
            pick = None
            if own:
                pick = min(own, key=lambda k: abs(stimes[k]["start"] - root.idx))
            elif free:
                pick = min(free, key=lambda k: abs(stimes[k]["start"] - root.idx))
            tm = stimes[pick] if pick is not None else None
            out_par = blocked + [(0, ps), (pe, len(text))]
            loc = _location(doc, root, ptoks, names)
            if loc and not ps <= loc["start"] < pe:
                loc = None
            actors = _clean(actors, out_par)
            targets = _clean(targets, out_par, exclude=actors)
            m = {"article": aid, "type": typ, "trigger": root.text, "lemma": local[root.i][1],
                 "start": root.idx, "end": root.idx + len(root.text),
                 "sentence_start": ps, "sentence_end": pe,
                 "actors": [_strip(a) for a in actors], "targets": [_strip(a) for a in targets],
                 "location": _strip(loc),
                 "date": tm["value"] if tm else None,
                 "time": {"start": tm["start"], "end": tm["end"], "text": tm["text"]} if tm else None,
                 "reported": _reported(root, quotes), "irrealis": _irrealis(root, typ), "negated": _negated(root),
                 "published": published,
                 # only announcements are matched by wording (``merge._word_overlap``)
                 "words": _words(doc, ps, pe, gtoks) if lexicon().fam(typ) in ANNOUNCED else [],
                 "parts": [{"start": p.idx, "end": p.idx + len(p.text), "trigger": p.text} for p in ptoks],
                 "heads": _heads(actors + targets, [root, *ptoks])}
            m.update((killed or Count(None)).to_json("killed"))
            m.update((injured or Count(None)).to_json("injured"))
            m["generic"] = _generic(root, typ, m, ptoks)
            m["_root"] = root
            out.append(m)
    _also(out)
    for m in out:
        del m["_root"]
    return out


def _heads(args, toks) -> list[str]:
    """Content words that tell one event from another of its type: the arguments' head nouns and
    the event nouns' own modifiers ("roadside" bomb, "drone" strike)."""
    out = set()
    for a in args:
        h = a.get("_tok")
        if h is not None and h.pos_ in ("NOUN", "PROPN"):
            out.add(h.lemma_.lower())
            out.update(c.lemma_.lower() for c in h.children if c.dep_ == "compound" and c.pos_ == "NOUN")
    for t in toks:
        if t.pos_ == "NOUN":
            out.update(c.lemma_.lower() for c in t.children
                       if c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "ADJ") and not c.ent_type_)
    return sorted(out)


def _strip(a):
    if a is None:
        return None
    return {k: v for k, v in a.items() if not k.startswith("_")}


def _clean(args, blocked, exclude=()):
    """Arguments without repeats, without time expressions ("on Sunday") and without the dateline."""
    seen = {(a["head_start"], a["head_end"]) for a in exclude}
    out = []
    for a in args:
        key = (a["head_start"], a["head_end"])
        tok = a.get("_tok")
        if key in seen or any(s <= a["head_start"] < e for s, e in blocked) \
                or (tok is not None and tok.ent_type_ in ("DATE", "TIME")):
            continue
        seen.add(key)
        out.append(a)
    return out


def _also(out: list[dict]) -> None:
    """"X was killed in a strike ... Y was also killed": a kill/injure mention with "also" and no
    date of its own, right after a violent event of the same article, reports more victims of it:
    it is marked ``part_of`` that mention (its trigger offsets) and its victims are added there."""
    lex = lexicon()
    for k in range(1, len(out)):
        m, prev = out[k], out[k - 1]
        root = m["_root"]
        if m["type"] not in ("KILL", "INJURE") or m["date"] is not None or m["actors"]:
            continue
        if not any(c.lower_ == "also" for c in root.children):
            continue
        if lex.fam(prev["type"]) != "VIOLENCE" or m["sentence_start"] - prev["sentence_end"] > 2:
            continue
        m["part_of"] = {"start": prev["start"], "end": prev["end"]}
        for what in ("killed", "injured"):
            if m[what] is not None and prev[what] is not None:
                prev[what] += m[what]
            elif m[what] is not None and prev[what] is None:
                prev[what] = m[what]
