"""Conflicts: related claims of independent sources that state different values.

Kinds, each checked on pairs of claims from articles of different independent groups:
  number       counts of the same noun class that share no value (5,000 vs 5,200 troops), on
               related claims (same fact, or cosine >= ``RELATED``); the values of one role in a
               change against each other (a target, "reduce to 3,000", only against targets) when
               neither claim states the other's value in another role
  duration     one claim sets no end ("no set deadline", "unlimited"), the other one does
               ("until the end of the elections", "temporarily"), on loosely related claims
  condition    the conditions two related claims state are not alike (cosine of the condition
               clauses < ``CONDITION_ALIKE`` and few content words in common)
  detail       the same damage verb with a different object ("damaging a tyre" / "a vehicle")
  date         claims of one fact with day-precise dates that share no value
  attribution  claims of one fact credited (said, told, according to ...) to different
               speakers: entities that differ, or described sources with no word in common
Pairs are joined per kind (and noun class or verb) into one conflict listing every claim involved;
each claim carries the ``value`` it states and its ``variant``: the rank of that value (after
normalising spelling, duration class or condition wording) among the values the topic names.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from . import values
from .align import anchors
from .sentences import Claim

RELATED = 0.45
LOOSE = 0.3
CONDITION_ALIKE = 0.7
WORDS_ALIKE = 0.5  # or this share of the shorter clause's content-word stems in the other
STEM = 6
MAX_VALUES = 4   # values named in a conflict's topic
_PRONOUN = re.compile(r"(?:he|she|they|it|we|i|you|who|this|that)", re.I)


@dataclass
class ClaimInfo:
    """What a claim states, found once per claim."""

    counts: list[values.Count] = field(default_factory=list)
    durations: list[tuple[str, int, int]] = field(default_factory=list)
    conditions: list[tuple[int, int]] = field(default_factory=list)
    slots: list[tuple[str, str, int, int]] = field(default_factory=list)
    dates: set[str] = field(default_factory=set)
    speakers: dict[str, str] = field(default_factory=dict)  # speaker entity id (or "~" + the
    # word stems of a described source) -> the words naming the speaker


@lru_cache(maxsize=1)
def _cues() -> frozenset[str]:
    return frozenset(values._lines("compare_attribution_cues.txt"))


@lru_cache(maxsize=1)
def _spelling() -> dict[str, str]:
    from importlib import resources

    text = resources.files("rashomon").joinpath("data", "spelling_variants.tsv").read_text(encoding="utf-8")
    pairs = (ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    return {p[0].strip(): p[1].strip() for p in pairs if len(p) >= 2}


def claim_info(claim: Claim, times: list[dict], quotes: list[dict], memo: dict | None = None) -> ClaimInfo:
    """The values of one claim; ``times`` and ``quotes`` are those of its article; ``memo``:
    ``values.sentence_values``'s."""
    inside = [t for t in times if claim.start <= t["start"] and t["end"] <= claim.end]
    skip = [(t["start"] - claim.start, t["end"] - claim.start) for t in inside]
    speakers: dict[str, str] = {}
    for q in quotes:
        cue = (q.get("cue") or "").split()
        if q["start"] < claim.end and q["end"] > claim.start and cue and cue[0].casefold() in _cues():
            words = q.get("speaker_text") or ""
            if q.get("speaker"):
                speakers[q["speaker"]] = words or q["speaker"]
            elif words and not _PRONOUN.fullmatch(words.strip()):
                # a described source ("the military", "a statement from the army"): its words
                speakers["~" + " ".join(sorted({w[:STEM] for w in anchors(words, set())}))] = words
    found, durations, conditions, slots = values.sentence_values(claim.text, memo)
    if skip:  # numbers inside its dates and times are no counts
        found = values.counts(claim.text, skip)
    return ClaimInfo(list(found), list(durations), list(conditions), list(slots),
                     {t["value"] for t in inside if len(t["value"]) == 10}, speakers)


def _fmt(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,}"


def find_conflicts(claims: list[Claim], infos: list[ClaimInfo], sims, cluster_of: list[int],
                   groups: dict[str, int], embed: Callable) -> list[dict]:
    """The story's conflicts (see the module doc), each with the claims that disagree."""
    active = [i for i, x in enumerate(infos)  # only claims stating something checkable pair up
              if x.counts or x.durations or x.conditions or x.slots or x.dates or x.speakers]
    pairs = [(i, j) for k, i in enumerate(active) for j in active[k + 1:]
             if groups[claims[i].article] != groups[claims[j].article]]
    found: dict[tuple[str, str], dict] = {}

    def add(kind: str, key: str, i: int, j: int, vi: str, vj: str, ni=None, nj=None) -> None:
        """Record that claims i and j disagree; ``ni``/``nj`` normalise the values (a class, a
        spelling): the topic names one value per normalised form."""
        c = found.setdefault((kind, key), {"kind": kind, "key": key, "claims": {}, "values": {}})
        for k, v, norm in ((i, vi, ni), (j, vj, nj)):
            key = v if norm is None else norm
            c["claims"][k] = (v, list(c["values"]).index(key) if key in c["values"] else len(c["values"]))
            c["values"].setdefault(key, v)

    same = lambda i, j: cluster_of[i] == cluster_of[j]  # noqa: E731
    for i, j in pairs:
        s = float(sims[i, j])
        a, b = infos[i], infos[j]
        if same(i, j) or s >= RELATED:
            for noun in {c.noun for c in a.counts} & {c.noun for c in b.counts}:
                alla = {c.value for c in a.counts if c.noun == noun}
                allb = {c.value for c in b.counts if c.noun == noun}
                for role in {c.role for c in a.counts if c.noun == noun} & {c.role for c in b.counts if c.noun == noun}:
                    # a target is not a count now: the values of one role against each other, unless
                    # the other claim states one in another role ("from 65 to 125 seats" / "125 seats")
                    va = {c.value for c in a.counts if (c.noun, c.role) == (noun, role)}
                    vb = {c.value for c in b.counts if (c.noun, c.role) == (noun, role)}
                    if not va & allb and not vb & alla:
                        add("number", _ROLES[role].format(noun=noun), i, j, ", ".join(map(_fmt, sorted(va))),
                            ", ".join(map(_fmt, sorted(vb))))
            for verb, obj, vs, _ in a.slots:
                for verb2, obj2, *_ in b.slots:
                    o1, o2 = _spelling().get(obj, obj), _spelling().get(obj2, obj2)
                    if verb == verb2 and o1 != o2:
                        word = claims[i].text[vs:].split()[0].casefold()
                        add("detail", word, i, j, obj, obj2, o1, o2)
        if same(i, j) and a.dates and b.dates and not a.dates & b.dates:
            add("date", "date", i, j, ", ".join(sorted(a.dates)), ", ".join(sorted(b.dates)))
        if same(i, j) and a.speakers and b.speakers and not _same_speaker(a, b):
            add("attribution", f"fact {cluster_of[i]}", i, j, "; ".join(a.speakers.values()), "; ".join(b.speakers.values()))
        if s >= LOOSE and a.durations and b.durations:
            ka, kb = {d[0] for d in a.durations}, {d[0] for d in b.durations}
            if len(ka) == 1 and len(kb) == 1 and ka != kb:
                add("duration", "duration", i, j, _marker_text(claims[i], a.durations),
                    _marker_text(claims[j], b.durations), ka.pop(), kb.pop())
    _condition_conflicts(claims, infos, sims, pairs, embed, add)
    return [_render(c, claims) for c in found.values()]


def _same_speaker(a: ClaimInfo, b: ClaimInfo) -> bool:
    """Whether two claims credit a common speaker: a shared entity, or (when neither names an
    entity) described sources sharing a word stem."""
    if set(a.speakers) & set(b.speakers):
        return True
    ka = [k for k in a.speakers if k.startswith("~")]
    kb = [k for k in b.speakers if k.startswith("~")]
    if len(ka) < len(a.speakers) or len(kb) < len(b.speakers):
        return not (len(ka) < len(a.speakers) and len(kb) < len(b.speakers))
    return any(set(x[1:].split()) & set(y[1:].split()) for x in ka for y in kb)


def _marker_text(claim: Claim, marks: list[tuple[str, int, int]]) -> str:
    return "; ".join(claim.text[s:e] for _, s, e in marks)


def _condition_conflicts(claims, infos, sims, pairs, embed, add) -> None:
    """Related claims whose condition clauses differ in meaning. Clauses alike (cosine >=
    ``CONDITION_ALIKE``) form one variant, named by its first clause."""
    flat = [(i, claims[i].text[s:e]) for i, info in enumerate(infos) for s, e in info.conditions]
    if len({i for i, _ in flat}) < 2:
        return
    vecs = embed([t for _, t in flat])
    stems = [{w[:STEM] for w in anchors(t, set())} for _, t in flat]

    def alike(q: int, r: int) -> bool:
        small = min(len(stems[q]), len(stems[r])) or 1
        return float(vecs[q] @ vecs[r]) >= CONDITION_ALIKE or len(stems[q] & stems[r]) / small >= WORDS_ALIKE

    variant: list[int] = []
    for r in range(len(flat)):  # greedy: join the first earlier clause alike, else a new variant
        variant.append(next((variant[q] for q in range(r) if alike(q, r)), r))
    rows: dict[int, list[int]] = {}
    for r, (i, _) in enumerate(flat):
        rows.setdefault(i, []).append(r)
    for i, j in pairs:
        if i not in rows or j not in rows or float(sims[i, j]) < RELATED:
            continue
        if not {variant[x] for x in rows[i]} & {variant[y] for y in rows[j]}:
            vi, vj = variant[rows[i][0]], variant[rows[j][0]]
            add("condition", "condition", i, j, flat[rows[i][0]][1], flat[rows[j][0]][1], vi, vj)


_ROLES = {"": "number of {noun}", "target": "target number of {noun}", "before": "earlier number of {noun}",
          "change": "change in the number of {noun}"}  # values.Count.role
_TOPICS = {"number": "{key}", "detail": "object of \u201c{key}\u201d",
           "date": "date", "attribution": "source", "duration": "duration or deadline",
           "condition": "condition"}


def _render(c: dict, claims: list[Claim]) -> dict:
    kind, key = c["kind"], c["key"]
    topic = _TOPICS[kind].format(key=key)
    vals = list(c["values"].values())
    out_claims = []
    for i in sorted(c["claims"], key=lambda k: (claims[k].article, claims[k].start)):
        cl = claims[i]
        value, variant = c["claims"][i]
        out_claims.append({"article": cl.article, "text": cl.text, "start": cl.start, "end": cl.end,
                           "value": value, "variant": variant})
    return {"topic": f"{topic}: " + " vs ".join(vals[:MAX_VALUES]) + (" ..." if len(vals) > MAX_VALUES else ""),
            "kind": kind, "claims": out_claims}
