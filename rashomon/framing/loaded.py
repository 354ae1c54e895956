"""Loaded-language detection per article: ``articles[].loaded``.

Three sources of evidence, strongest last:

1. the lexicon (``lexicon.py``): loaded or value-laden terms with a neutral alternative; mild
   terms (conventional news wording: "claimed", "terrorist") need contrast evidence;
2. contrast inside a story: when a lexicon term offers several neutral alternatives, the one the
   other outlets of the story actually use is preferred ("junta" here, "military government"
   there); a speech verb, action verb, label or adverb that another (non-copy) outlet of the
   story uses too is the event's common wording and is not marked. The story comes from
   ``analysis.stories`` when that stage ran, else from reuse pairs;
3. contrast inside a reuse pair: a short ``wording`` substitution whose one side is plain (no
   lexicon term, or a word of the lexicon's neutral column) and whose other side is loaded (a
   lexicon term, or a compound built on one: "anti-terror") marks the loaded side with the plain
   side as its neutral alternative.

A loaded word inside a direct quotation is the speaker's, not the outlet's: an evaluative word
(adjective, adverb, label) is kept (annotators of outlet bias mark quoted slant too: the outlet
chose to quote the epithet) with the extra key ``quoted: true``; a speech or action verb inside a
quotation is the speaker's narration ("we slammed the door on them") and is not marked.

When the nlp stage parsed the article it leaves, for each lexicon hit, the parser's coarse tag of
the hit's head (``parsed_pos``, in ``ctx["loaded_pos"]``): a hit that the parser reads as another
part of speech than the lexicon row's is a homograph or another sense (the noun in "the price
spiral" beside the verb "prices spiral", the noun "a retort") and is not marked. The store keeps
these facts per article (table ``loaded_parse``) for its re-runs of this stage; without them (an
article stored before the store kept them) every hit stands.

The parse also gives a hit's phrase (``parsed_extents``, in ``ctx["loaded_ext"]``): annotators
mark "immediately pounced" and "vowed to punish", not the bare "pounced" and "vowed", so a hit
takes in an intensifying adverb that modifies it right before it, and a verb hit the infinitive
complement right after it. Without a parse a hit is its lexicon term alone.
"""
from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Iterable

from ..model import Analysis, Article, Loaded
from ..reuse.text import quoted_ranges
from .labels import framing_stage
from .lexicon import Hit, Lexicon, lexicon, norm, tokens

__all__ = ["loaded_stage", "story_keys", "find_loaded", "contrast_pairs", "parsed_pos", "parsed_extents", "quoted_ranges"]

log = logging.getLogger(__name__)

SWAP_MAX_WORDS = 4  # a wording substitution this short on both sides is a swap of terms
SPAN_MAX_WORDS = 3  # mark the whole loaded side when it is this short, else its lexicon terms
# plain reporting and function words: never the loaded side of a swap
PLAIN = {"said", "say", "says", "saying", "told", "tell", "tells", "stated", "added", "noted",
         "reported", "announced", "according", "the", "a", "an", "of", "to", "in", "on", "and",
         "that", "as", "by", "for", "with", "from", "at", "it", "its", "their", "his", "her"}
# a plain side made of these words only (and PLAIN ones) is a rewording of who is meant ("she" for
# "the minister reportedly"), not another choice of term: no contrast evidence
PRONOUNS = frozenset({"he", "she", "they", "we", "i", "you", "him", "them", "us", "me", "who",
                      "this", "these", "those", "there"})
# the parser's coarse tags that a lexicon row's part of speech takes; an adjectival participle
# ("a withering reply", "a condescending tone") is often tagged VERB
POS_TAGS = {"v": frozenset({"VERB"}), "n": frozenset({"NOUN", "PROPN"}),
            "a": frozenset({"ADJ", "VERB"}), "r": frozenset({"ADV"})}
CLASS_POS = {"speech": "v", "verb": "v", "label": "n", "adj": "a", "adv": "r"}  # rows of explicit forms
# adverbs that modify a loaded word without intensifying it (negation, time, frequency, focus,
# hedges, viewpoint "politically", degree of comparison): never taken into the hit's phrase
FLAT_ADV = frozenset("""not n't never also then now still just only even again already later once
soon yet ever first last too so as here there often sometimes usually previously recently earlier
eventually finally subsequently initially instead however thus therefore perhaps maybe probably
reportedly allegedly apparently seemingly more most mostly less least largely partly rather both
either publicly privately politically fiscally economically legally morally personally officially
simultaneously""".split())
QUOTED_UNMARKED = frozenset({"speech", "verb"})  # classes not marked inside a direct quotation


def _inside(ranges: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(a <= s and e <= b for a, b in ranges)


def _make(text: str, s: int, e: int, neutral: str | None, quotes: list) -> Loaded:
    return Loaded(s, e, text[s:e], neutral, quoted=_inside(quotes, s, e))


def parsed_pos(doc, lex: Lexicon | None = None, hits: list[Hit] | None = None) -> dict[int, str]:
    """For each lexicon hit in a parsed text (a spaCy Doc): its start offset -> the coarse tag of
    its syntactic head. Small: computed while the Doc is in memory, kept when the Doc is not.
    ``hits``: ``lex.find(doc.text)`` when the caller has it already."""
    lex = lex or lexicon()
    out: dict[int, str] = {}
    for h in lex.find(doc.text) if hits is None else hits:
        span = doc.char_span(h.start, h.end, alignment_mode="expand")
        if span is not None and len(span):
            out[h.start] = span.root.pos_
    return out


def parsed_extents(doc, lex: Lexicon | None = None,
                   hits: list[Hit] | None = None) -> dict[int, tuple[int, int]]:
    """For each lexicon hit in a parsed text (a spaCy Doc) that the parse extends into the phrase
    annotators mark: its start offset -> (start, end) of the phrase. Hits it does not extend are
    left out (small, like ``parsed_pos``). Two rules:

    - an adverb right before the hit that modifies it (``advmod`` of a word of the hit), unless
      it is a flat adverb (``FLAT_ADV``: "not", "also", "politically"): "quickly pounced",
      "very loudly";
    - a verb hit followed by "to" and a verb that is its infinitive complement (``xcomp``):
      "vowed to punish".
    """
    lex = lex or lexicon()
    out: dict[int, tuple[int, int]] = {}
    for h in lex.find(doc.text) if hits is None else hits:
        span = doc.char_span(h.start, h.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        root = span.root
        s, e = h.start, h.end
        if span.start > 0:
            prev = doc[span.start - 1]
            if (prev.pos_ == "ADV" and prev.dep_ == "advmod" and span.start <= prev.head.i < span.end
                    and prev.lower_ not in FLAT_ADV):
                s = prev.idx
        if root.pos_ == "VERB" and span.end + 1 < len(doc):
            to, verb = doc[span.end], doc[span.end + 1]
            if to.lower_ == "to" and verb.pos_ == "VERB" and verb.dep_ == "xcomp" and verb.head.i == root.i:
                e = verb.idx + len(verb)
        if (s, e) != (h.start, h.end):
            out[h.start] = (s, e)
    return out


def _fits(h: Hit, tag: str | None) -> bool:
    """The parser's tag of the hit's head agrees with the lexicon row's part of speech (no tag:
    no evidence against it)."""
    pos = h.entry.pos if h.entry.pos in POS_TAGS else CLASS_POS.get(h.entry.cls)
    return tag is None or pos is None or tag in POS_TAGS[pos]


def find_loaded(text: str, lex: Lexicon | None = None, *, prefer: set[str] | None = None,
                mild: bool = False, shared: set[str] | None = None,
                hits: list[Hit] | None = None, tags: dict[int, str] | None = None,
                extents: dict[int, tuple[int, int]] | None = None) -> list[Loaded]:
    """Lexicon hits in one text as Loaded spans.

    ``prefer``: words the other outlets of the story use; a neutral alternative found among them
    is chosen over the default. ``mild``: mark mild terms (conventional news wording such as
    "claimed", "controversial") too; by default they are marked only on reuse contrast.
    ``shared``: lemmas of lexicon terms the other outlets of the story also use; a speech verb,
    action verb, label or adverb among them is the event's common description, not this
    outlet's choice, and is not marked (evaluative adjectives stay: they judge, whoever writes
    them). ``hits``: ``lex.find(text)`` when the caller has it already. ``tags``: ``parsed_pos``
    of the text; a hit whose head the parser tags as another part of speech is left out.
    ``extents``: ``parsed_extents`` of the text; a hit found there is marked as its phrase. A
    speech or action verb inside a direct quotation is not marked.
    """
    lex = lex or lexicon()
    quotes = quoted_ranges(text)
    hits = lex.find(text) if hits is None else hits
    tags = tags or {}
    extents = extents or {}
    keep = [h for h in hits if (mild or not h.entry.mild) and _fits(h, tags.get(h.start))
            and not (shared and h.entry.cls != "adj" and h.entry.lemma in shared)
            and not (h.entry.cls in QUOTED_UNMARKED and _inside(quotes, h.start, h.end))]
    spans = [_make(text, *extents.get(h.start, (h.start, h.end)), _neutral(h, prefer), quotes) for h in keep]
    return _coordinate(text, spans, quotes)


COORD = re.compile(r"\s*(?:,\s*)?(?:and|or)\s+|\s*,\s*")


def _coordinate(text: str, spans: list[Loaded], quotes: list) -> list[Loaded]:
    """Join loaded terms coordinated with each other ("dishonest and hypocritical") into one
    span: annotators mark the coordination as one phrase. A hit whose phrase takes in the hit
    before it ("bitterly complained": both lexicon terms) is joined with it too."""
    out: list[Loaded] = []
    for sp in spans:
        prev = out[-1] if out else None
        if prev is not None and sp.start < prev.end:
            out[-1] = _make(text, min(prev.start, sp.start), max(prev.end, sp.end), sp.neutral, quotes)
            continue
        if prev is not None and COORD.fullmatch(text[prev.end:sp.start]):
            neutral = f"{prev.neutral} and {sp.neutral}" if prev.neutral and sp.neutral else None
            out[-1] = _make(text, prev.start, sp.end, neutral, quotes)
            continue
        out.append(sp)
    return out


def _neutral(h: Hit, prefer: set[str] | None) -> str | None:
    alts = h.entry.neutral
    if not alts:
        return None
    if prefer:
        for a in alts:
            if all(norm(w) in prefer for w in a.split()):
                return a
    return alts[0]


# ---------------------------------------------------------------- contrast in reuse pairs

def _evidence(phrase: str, lex: Lexicon) -> list[Hit]:
    """Lexicon terms in a phrase, including the parts of hyphenated compounds ("anti-terror")."""
    return lex.find(phrase) or compound_hits(phrase, lex)


def compound_hits(phrase: str, lex: Lexicon) -> list[Hit]:
    """Hyphenated words of a phrase built on a lexicon term ("anti-terror", "gaffe-prone"), each
    as a hit of the whole word with the part's entry."""
    out = []
    for s, e, w in tokens(phrase):
        if "-" not in w:
            continue
        for part in w.split("-"):
            ent = lex.get(part)
            if ent is not None and ent.cls in ("label", "adj", "verb", "speech"):
                out.append(Hit(s, e, ent))
                break
    return out


def _plain(phrase: str, lex: Lexicon) -> bool:
    """No loaded term in it (its words may be the neutral column's)."""
    return bool(tokens(phrase)) and not _evidence(phrase, lex)


def _named(phrase: str) -> bool:
    """A capitalised word after the first (the first may open a sentence): a name in it."""
    return any(phrase[s:e][:1].isupper() for s, e, _ in tokens(phrase)[1:])


def _swap(side: str, other: str, lex: Lexicon, evidence=None) -> list[tuple[str, str | None]]:
    """What one side of a short wording substitution marks in its article: [(loaded phrase as
    written, plain alternative)], empty unless ``side`` is loaded and ``other`` plain.
    ``evidence``: ``_evidence`` of a phrase, memoised by the caller."""
    evidence = evidence or (lambda p: _evidence(p, lex))
    ev = evidence(side)
    if not ev or not tokens(other) or evidence(other):
        return []
    if all(w in PLAIN or w in PRONOUNS for _, _, w in tokens(other)):
        return []
    if all(w in PLAIN for _, _, w in tokens(side)):
        return []
    if len(tokens(side)) <= SPAN_MAX_WORDS and not _named(side):
        return [(side, other)]
    # a longer or named side: mark its loaded terms only; the other side is their neutral
    # alternative when it is itself a short plain term
    short = len(tokens(other)) <= 2 and not _named(other)
    return [(side[h.start:h.end], other if short else (h.entry.neutral[0] if h.entry.neutral else None))
            for h in ev]


def contrast_pairs(analysis: Analysis, lex: Lexicon | None = None,
                   only: set[str] | None = None) -> dict[str, list[tuple[str, str | None]]]:
    """From the reuse pairs: article id -> [(loaded phrase as written, plain alternative)], each
    once; for the articles in ``only`` when given (the others' pairs are not read). Copies of a
    wire story repeat its substitutions pair after pair: each distinct one is judged once."""
    return contrast_of(analysis.reuse, lex, only)


def contrast_of(pairs: Iterable[dict], lex: Lexicon | None = None,
                only: set[str] | None = None) -> dict[str, list[tuple[str, str | None]]]:
    """``contrast_pairs`` over reuse pairs given one at a time (the store streams them from disk)."""
    lex = lex or lexicon()
    out: dict[str, list[tuple[str, str | None]]] = {}
    seen: dict[str, set[tuple[str, str | None]]] = {}
    memo: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    found_in: dict[str, list[Hit]] = {}
    words: dict[str, int] = {}

    def evidence(phrase: str) -> list[Hit]:
        if phrase not in found_in:
            found_in[phrase] = _evidence(phrase, lex)
        return found_in[phrase]

    def n_words(phrase: str) -> int:
        if phrase not in words:
            words[phrase] = len(tokens(phrase))
        return words[phrase]

    for r in pairs:
        if only is not None and r["a"] not in only and r["b"] not in only:
            continue
        for sub in r.get("substitutions") or []:
            if sub.get("kind") != "wording" or sub.get("scope") == "sentence":
                continue
            a, b = sub.get("a") or "", sub.get("b") or ""
            for side, other, aid in ((a, b, r["a"]), (b, a, r["b"])):
                if only is not None and aid not in only:
                    continue
                found = memo.get((side, other))
                if found is None:
                    short = 0 < n_words(side) <= SWAP_MAX_WORDS and 0 < n_words(other) <= SWAP_MAX_WORDS
                    found = memo[(side, other)] = _swap(side, other, lex, evidence) if short else []
                for x in found:
                    if x not in seen.setdefault(aid, set()):
                        seen[aid].add(x)
                        out.setdefault(aid, []).append(x)
    return out


_WORD_CHAR = re.compile(r"[\w-]")


def _occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where ``phrase`` occurs in ``text`` as whole words (no word character or hyphen on either
    side), as the regex ``(?<![\\w-])phrase(?![\\w-])`` finds it, by substring search (a regex
    scan of the whole text for each phrase cost 160 microseconds)."""
    if not phrase.strip():
        return []
    out, n, k = [], len(phrase), text.find(phrase)
    while k >= 0:
        e = k + n
        if not (k and _WORD_CHAR.match(text, k - 1)) and not (e < len(text) and _WORD_CHAR.match(text, e)):
            out.append((k, e))
            k = text.find(phrase, e)
        else:
            k = text.find(phrase, k + 1)
    return out


# ---------------------------------------------------------------- the stage

def _story_of(analysis: Analysis) -> dict[str, list[str]]:
    """Article id -> the other articles of its story (from stories, else from reuse pairs)."""
    peers: dict[str, set[str]] = {}
    for st in analysis.stories or []:
        ids = [x for x in st.get("articles") or [] if isinstance(x, str)]
        for x in ids:
            peers.setdefault(x, set()).update(y for y in ids if y != x)
    if not peers:
        for r in analysis.reuse:
            peers.setdefault(r["a"], set()).add(r["b"])
            peers.setdefault(r["b"], set()).add(r["a"])
    return {k: sorted(v) for k, v in peers.items()}


def _one_story(analysis: Analysis) -> dict[str, int]:
    """Article id -> index of its story, for the articles in exactly one story (each, as the
    stories stage makes them; an article of several stories is left to the plain union)."""
    seen: dict[str, int] = {}
    twice: set[str] = set()
    for k, st in enumerate(analysis.stories or []):
        for x in dict.fromkeys(st.get("articles") or []):
            if isinstance(x, str):
                if x in seen:
                    twice.add(x)
                seen[x] = k
    return {x: k for x, k in seen.items() if x not in twice}


class _Others:
    """The union of the other articles' sets of a story, as a membership test: ``w in self`` when
    ``w`` is in some member's set beyond those in ``minus`` (the article's own, its copies'). A
    story of hundreds of articles would otherwise unite hundreds of sets for each member."""

    __slots__ = ("count", "minus", "nonempty")

    def __init__(self, count: Counter, minus: list[set[str]], nonempty: bool):
        self.count, self.minus, self.nonempty = count, minus, nonempty

    def __contains__(self, w: object) -> bool:
        c = self.count.get(w, 0)
        return c > 0 and c > sum(1 for m in self.minus if w in m)

    def __bool__(self) -> bool:
        return self.nonempty


def _merge(spans: list[Loaded]) -> list[Loaded]:
    """Sorted, without overlaps: an earlier entry in ``spans`` wins over a later overlapping one."""
    kept: list[Loaded] = []
    for sp in spans:
        if any(k.start < sp.end and sp.start < k.end for k in kept):
            continue
        kept.append(sp)
    return sorted(kept, key=lambda x: (x.start, x.end))


def _words_hits(text: str, lex: Lexicon) -> tuple[set[str], list[Hit]]:
    """An article's words that can tell which neutral alternative its story's outlets use
    (``_neutral``; not all its words: sets of every article's words took 600 MB at 10,000) and
    its lexicon hits, from one tokenisation."""
    toks = tokens(text)
    return {w for _, _, w in toks if w in lex.neutral_words}, lex.find(text, toks)


def story_keys(text: str, lex: Lexicon | None = None) -> tuple[set[str], set[str], set[str]]:
    """What one article gives its story's pools and what its own marking reads from them:
    ``(words, lemmas, reads)``. ``words`` and ``lemmas`` are the sets ``loaded_stage`` pools over a
    story's articles (``ctx["loaded_sets"]`` takes them for articles it is not given); ``reads``
    holds every key its marking looks up in those pools (its hits' lemmas and the words of their
    neutral alternatives). An article's ``loaded`` can change when its story gains an article
    only if the newcomer's words or lemmas meet its ``reads`` (or the newcomer is its copy)."""
    lex = lex or lexicon()
    words, hits = _words_hits(text, lex)
    lemmas = {h.entry.lemma for h in hits}
    reads = lemmas | {norm(w) for h in hits for alt in h.entry.neutral for w in alt.split()}
    return words, lemmas, reads


def loaded_stage(analysis: Analysis, ctx: dict | None = None) -> None:
    """Fill ``article.loaded`` for every article and ``story["framing"]`` for every story
    (replacing what was there).

    ``ctx["loaded_sets"]``: article id -> ``(words, lemmas)`` (``story_keys``) of story members
    not in ``analysis.articles``: they count in their story's pools, and their own ``loaded`` is
    left alone (the store re-runs this stage on the articles whose marking can change).
    ``ctx["loaded_keep"]``: articles of ``analysis.articles`` whose ``loaded`` stands as it is
    (the store loads them for the comparison, not to mark them again); with their sets in
    ``ctx["loaded_sets"]`` their texts are not read here at all. ``ctx["contrast"]``:
    ``contrast_pairs`` of the other articles, when the caller found them (the store, streaming
    the pairs' substitutions instead of holding them in ``analysis.reuse``)."""
    lex = lexicon()
    by_id: dict[str, Article] = {a.id: a for a in analysis.articles}
    given = (ctx or {}).get("loaded_sets") or {}
    keep = set((ctx or {}).get("loaded_keep") or ())
    words: dict[str, set[str]] = {}
    hits: dict[str, list[Hit]] = {}
    for a in analysis.articles:
        if a.id not in keep or a.id not in given:
            words[a.id], hits[a.id] = _words_hits(a.text, lex)
    lemmas: dict[str, set[str]] = {k: {h.entry.lemma for h in v} for k, v in hits.items()}
    for aid, (w, lem) in given.items():
        if aid not in words:
            words[aid], lemmas[aid] = set(w), set(lem)
    peers = None  # of the articles in no story or in several: their peers' plain union
    copies = {(r["a"], r["b"]) for r in analysis.reuse} | {(r["b"], r["a"]) for r in analysis.reuse}
    contrast = (ctx or {}).get("contrast")
    if contrast is None:
        contrast = contrast_pairs(analysis, lex, {a.id for a in analysis.articles if a.id not in keep})
    tags = (ctx or {}).get("loaded_pos") or {}
    extents = (ctx or {}).get("loaded_ext") or {}
    reused: dict[str, set[str]] = {}
    for x, y in copies:
        reused.setdefault(x, set()).add(y)
    story_of = _one_story(analysis)
    pools: dict[int, tuple[Counter, Counter]] = {}
    n = 0
    for a in analysis.articles:
        if a.id in keep:
            n += len(a.loaded)
            continue
        k = story_of.get(a.id)
        if k is not None:  # the words of its story's other articles, without uniting their sets
            members = analysis.stories[k]["articles"]
            if k not in pools:
                pools[k] = (Counter(w for m in members if m in words for w in words[m]),
                            Counter(x for m in members if m in lemmas for x in lemmas[m]))
            mine = [p for p in reused.get(a.id, ()) if p in lemmas and p != a.id and p in members]
            others = [p for p in members if p != a.id and p in words]
            prefer = _Others(pools[k][0], [words[a.id]], any(words[p] for p in others))
            shared = _Others(pools[k][1], [lemmas[a.id]] + [lemmas[p] for p in mine],
                             any(lemmas[p] for p in others if (a.id, p) not in copies))
        else:
            prefer, shared = set(), set()
            if peers is None:
                peers = _story_of(analysis)
            for p in peers.get(a.id, []):
                if p in words:
                    prefer |= words[p]
                    if (a.id, p) not in copies:  # a copy shares the wording of its source
                        shared |= lemmas[p]
        quotes = quoted_ranges(a.text)
        spans: list[Loaded] = []
        for phrase, plain in contrast.get(a.id, []):
            for s, e in _occurrences(a.text, phrase):
                spans.append(_make(a.text, s, e, plain, quotes))
        spans += find_loaded(a.text, lex, prefer=prefer, shared=shared, hits=hits[a.id],
                             tags=tags.get(a.id), extents=extents.get(a.id))
        a.loaded = _merge(spans)
        n += len(a.loaded)
    log.info("loaded: %d spans in %d articles (%d from reuse contrast)", n, len(by_id),
             sum(len(v) for v in contrast.values()))
    t = time.perf_counter()
    framing_stage(analysis)
    analysis.stats["framing_table_seconds"] = time.perf_counter() - t
