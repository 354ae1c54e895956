"""Conflicts: related claims of independent sources that state different values.

Kinds, each checked on pairs of claims from articles of different independent groups:
  number       counts of the same noun class that share no value (5,000 vs 5,200 troops), on
               related claims (same fact, or cosine >= ``RELATED``)
  duration     one claim sets no end ("no set deadline", "unlimited"), the other one does
               ("until the end of the elections", "temporarily"), on loosely related claims
  condition    the conditions two related claims state are not alike (cosine of the condition
               clauses < ``CONDITION_ALIKE``)
  detail       the same damage verb with a different object ("damaging a tyre" / "a vehicle")
  date         claims of one fact with day-precise dates that share no value
  attribution  claims of one fact whose quotes have different speaker entities
Pairs are joined per kind (and noun class or verb) into one conflict listing every claim involved.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from . import values
from .sentences import Claim

RELATED = 0.45
LOOSE = 0.3
CONDITION_ALIKE = 0.7


@dataclass
class ClaimInfo:
    """What a claim states, found once per claim."""

    counts: list[values.Count] = field(default_factory=list)
    durations: list[tuple[str, int, int]] = field(default_factory=list)
    conditions: list[tuple[int, int]] = field(default_factory=list)
    slots: list[tuple[str, str, int, int]] = field(default_factory=list)
    dates: set[str] = field(default_factory=set)
    speakers: set[str] = field(default_factory=set)


@lru_cache(maxsize=1)
def _spelling() -> dict[str, str]:
    from importlib import resources

    text = resources.files("rashomon").joinpath("data", "spelling_variants.tsv").read_text(encoding="utf-8")
    pairs = (ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    return {p[0].strip(): p[1].strip() for p in pairs if len(p) >= 2}


def claim_info(claim: Claim, times: list[dict], quotes: list[dict]) -> ClaimInfo:
    """The values of one claim; ``times`` and ``quotes`` are those of its article."""
    inside = [t for t in times if claim.start <= t["start"] and t["end"] <= claim.end]
    skip = [(t["start"] - claim.start, t["end"] - claim.start) for t in inside]
    speakers = {q["speaker"] for q in quotes if q.get("speaker")
                and q["start"] < claim.end and q["end"] > claim.start}
    return ClaimInfo(values.counts(claim.text, skip), values.durations(claim.text),
                     values.conditions(claim.text), values.slot_objects(claim.text),
                     {t["value"] for t in inside if len(t["value"]) == 10}, speakers)


def _fmt(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,}"


def find_conflicts(claims: list[Claim], infos: list[ClaimInfo], sims, cluster_of: list[int],
                   groups: dict[str, int], embed: Callable) -> list[dict]:
    """The story's conflicts (see the module doc), each with the claims that disagree."""
    n = len(claims)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)
             if groups[claims[i].article] != groups[claims[j].article]]
    found: dict[tuple[str, str], dict] = {}

    def add(kind: str, key: str, i: int, j: int, vi: str, vj: str) -> None:
        c = found.setdefault((kind, key), {"kind": kind, "key": key, "claims": {}, "values": {}})
        for k, v in ((i, vi), (j, vj)):
            c["claims"][k] = v
            c["values"].setdefault(v, None)

    same = lambda i, j: cluster_of[i] == cluster_of[j]  # noqa: E731
    for i, j in pairs:
        s = float(sims[i, j])
        a, b = infos[i], infos[j]
        if same(i, j) or s >= RELATED:
            for noun in {c.noun for c in a.counts} & {c.noun for c in b.counts}:
                va = {c.value for c in a.counts if c.noun == noun}
                vb = {c.value for c in b.counts if c.noun == noun}
                if not va & vb:
                    add("number", noun, i, j, ", ".join(map(_fmt, sorted(va))), ", ".join(map(_fmt, sorted(vb))))
            for verb, obj, *_ in a.slots:
                for verb2, obj2, *_ in b.slots:
                    o1, o2 = _spelling().get(obj, obj), _spelling().get(obj2, obj2)
                    if verb == verb2 and o1 != o2:
                        add("detail", verb, i, j, obj, obj2)
        if same(i, j):
            if a.dates and b.dates and not a.dates & b.dates:
                add("date", "date", i, j, ", ".join(sorted(a.dates)), ", ".join(sorted(b.dates)))
            if a.speakers and b.speakers and not a.speakers & b.speakers:
                add("attribution", "speaker", i, j, ", ".join(sorted(a.speakers)), ", ".join(sorted(b.speakers)))
        if s >= LOOSE and a.durations and b.durations:
            ka, kb = {d[0] for d in a.durations}, {d[0] for d in b.durations}
            if len(ka) == 1 and len(kb) == 1 and ka != kb:
                add("duration", "duration", i, j, _marker_text(claims[i], a.durations), _marker_text(claims[j], b.durations))
    _condition_conflicts(claims, infos, sims, pairs, embed, add)
    return [_render(c, claims) for c in found.values()]


def _marker_text(claim: Claim, marks: list[tuple[str, int, int]]) -> str:
    return "; ".join(claim.text[s:e] for _, s, e in marks)


def _condition_conflicts(claims, infos, sims, pairs, embed, add) -> None:
    """Related claims whose condition clauses differ in meaning."""
    clauses = {i: [claims[i].text[s:e] for s, e in info.conditions] for i, info in enumerate(infos)
               if info.conditions}
    if len(clauses) < 2:
        return
    flat = [(i, t) for i, ts in clauses.items() for t in ts]
    vecs = embed([t for _, t in flat])
    rows: dict[int, list[int]] = {}
    for r, (i, _) in enumerate(flat):
        rows.setdefault(i, []).append(r)
    for i, j in pairs:
        if i not in rows or j not in rows or float(sims[i, j]) < RELATED:
            continue
        best = max(float(vecs[x] @ vecs[y]) for x in rows[i] for y in rows[j])
        if best < CONDITION_ALIKE:
            add("condition", "condition", i, j, flat[rows[i][0]][1], flat[rows[j][0]][1])


_TOPICS = {"number": "number of {key}", "detail": "what the {key}... verb names",
           "date": "date", "attribution": "who said it", "duration": "duration or deadline",
           "condition": "condition"}


def _render(c: dict, claims: list[Claim]) -> dict:
    kind, key = c["kind"], c["key"]
    topic = _TOPICS[kind].format(key=key)
    vals = list(c["values"])
    out_claims = []
    for i in sorted(c["claims"], key=lambda k: (claims[k].article, claims[k].start)):
        cl = claims[i]
        out_claims.append({"article": cl.article, "text": cl.text, "start": cl.start, "end": cl.end,
                           "value": c["claims"][i]})
    return {"topic": f"{topic}: " + " vs ".join(vals), "kind": kind, "claims": out_claims}
