"""The timeline of a story: its dated events, each told by the sentence that reports it.

An event belongs to a story's timeline when it has a date and a mention in one of the story's
articles. Its text is the least loaded sentence holding one of those mentions; its sources are
every such sentence (one per mention).
"""
from __future__ import annotations

import bisect

from .sentences import Claim, split_spans


def _sentence_at(claims: list[Claim], starts: list[int], text: str, pos: int, article: str) -> Claim:
    """The claim holding character ``pos`` of the article, else the bare sentence around it."""
    k = bisect.bisect_right(starts, pos) - 1
    if k >= 0 and claims[k].start <= pos < claims[k].end:
        return claims[k]
    for s, e in split_spans(text):
        if s <= pos < e:
            return Claim(article, s, e, text[s:e], -1)
    return Claim(article, pos, pos, "", -1)


def mention_sentence(claims: list[Claim], text: str, pos: int, article: str) -> Claim:
    """The sentence a timeline quotes for an event mention at character ``pos`` of an article
    whose claims are ``claims`` (``sentences.claims_of``)."""
    return _sentence_at(claims, [c.start for c in claims], text, pos, article)


def timeline(events: list[dict], members: list[str], claims_by: dict[str, list[Claim]],
             texts: dict[str, str], loaded: dict[tuple[str, int], int],
             sentences: dict[str, dict[int, Claim]] | None = None) -> list[dict]:
    """Dated timeline entries of the story whose articles are ``members``, oldest first.

    ``loaded`` maps (article, sentence start) to the number of loaded spans in the sentence.
    ``sentences``: for members whose text is not in ``texts``, the sentence of each of their
    dated event mentions by its start (``mention_sentence``; the store keeps them)."""
    order = {a: i for i, a in enumerate(members)}
    starts = {a: [c.start for c in claims_by.get(a, ())] for a in order}
    entries: dict[tuple[str, str], dict] = {}
    for ev in events:
        if not ev.get("date"):
            continue
        sents = []
        for m in ev.get("mentions", ()):
            a = m["article"]
            if a not in order:
                continue
            if a in texts:
                c = _sentence_at(claims_by.get(a, []), starts.get(a, []), texts[a], m["start"], a)
            else:
                c = (sentences or {}).get(a, {}).get(m["start"]) or Claim(a, 0, 0, "", -1)
            if c.end > c.start and (c.article, c.start) not in {(x.article, x.start) for x in sents}:
                sents.append(c)
        if not sents:
            continue
        best = min(sents, key=lambda c: (loaded.get((c.article, c.start), 0), order[c.article], c.start))
        key = (ev["date"], best.text)
        if key in entries:
            continue
        entries[key] = {"date": ev["date"], "text": best.text, "event": ev["id"],
                        "sources": [{"article": c.article, "start": c.start, "end": c.end}
                                    for c in [best] + [s for s in sents if s is not best]]}
    return sorted(entries.values(), key=lambda e: (e["date"], e["text"]))
