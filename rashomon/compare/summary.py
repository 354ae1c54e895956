"""The attributed, extractive summary of a story and the names that attribute its claims.

First the facts most independent sources agree on, each as the least loaded wording one article
used (its sources: that sentence and its verbatim copies in other articles); then each conflict,
stated as disputed and attributed: ``On the number of troops, accounts differ: according to X,
"..."; Y reported "...".`` Every quoted part is exactly the text of its source span.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import Article
from .align import Fact, stands_alone
from .sentences import Claim

MAX_FACTS = 4
MAX_SINGLE = 3          # lead sentences of a story no two sources confirm
MAX_CLAIMS_PER_DISPUTE = 3
_WORDS = re.compile(r"\w+")
_KIND_ORDER = {"number": 0, "duration": 1, "condition": 2, "detail": 3, "date": 4, "attribution": 5}


@lru_cache(maxsize=1)
def _generic_credits() -> frozenset[str]:
    from importlib import resources

    text = resources.files("rashomon").joinpath("data", "generic_credits.txt").read_text(encoding="utf-8")
    return frozenset(ln.strip().casefold() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


def source_name(article: Article) -> str:
    """How to attribute an article: its outlet, else its own dateline credit (unless generic),
    else its first wire credit, else its title in quotes, else its id."""
    if article.outlet:
        return article.outlet
    credit = article.dateline.credit if article.dateline else None
    if credit and credit.casefold() not in _generic_credits():
        return credit
    if article.wire:
        return article.wire[0]
    if article.title:
        return f"\u201c{article.title}\u201d"
    return article.id


def source_names(articles: list[Article]) -> dict[str, str]:
    """Article id -> name; articles that would share a name get their title (or id) added."""
    names = {a.id: source_name(a) for a in articles}
    counts: dict[str, int] = {}
    for n in names.values():
        counts[n] = counts.get(n, 0) + 1
    for a in articles:
        if counts[names[a.id]] > 1:
            extra = f"\u201c{a.title}\u201d" if a.title and not names[a.id].startswith("\u201c") else a.id
            names[a.id] = f"{names[a.id]} ({extra})"
    return names


def _same_words(x: str, y: str) -> bool:
    return _WORDS.findall(x.casefold()) == _WORDS.findall(y.casefold())


def _span(c: Claim) -> dict:
    return {"article": c.article, "start": c.start, "end": c.end}


def fact_sentence(fact: Fact, claims: list[Claim]) -> dict:
    """One summary sentence for a fact: its representative wording and its verbatim copies."""
    rep = claims[fact.representative]
    copies = [claims[i] for i in fact.members
              if i != fact.representative and _same_words(claims[i].text, rep.text)]
    return {"text": rep.text, "sources": [_span(rep)] + [_span(c) for c in copies],
            "reported_by": list(fact.articles)}


def dispute_sentence(conflict: dict, names: dict[str, str], groups: dict[str, int]) -> dict:
    """``On <topic>, accounts differ: according to X, "..."; Y reported "...".``: one claim per
    independent source, the quoted parts verbatim."""
    chosen, seen, said = [], set(), set()
    for distinct in (True, False):  # first one source per stated value, then the other sources
        for c in conflict["claims"]:
            g = groups[c["article"]]
            if g not in seen and (not distinct or c["variant"] not in said):
                seen.add(g)
                said.add(c["variant"])
                chosen.append(c)
    chosen = chosen[:MAX_CLAIMS_PER_DISPUTE]
    topic = conflict["topic"].split(":")[0]
    parts = [f"according to {names[chosen[0]['article']]}, \"{chosen[0]['text']}\""]
    parts += [f"{names[c['article']]} reported \"{c['text']}\"" for c in chosen[1:]]
    text = f"On the {topic}, accounts differ: " + "; ".join(parts) + "."
    return {"text": text, "sources": [{"article": c["article"], "start": c["start"], "end": c["end"]}
                                      for c in chosen], "disputed": True}


def summarize(facts: list[Fact], conflicts: list[dict], claims: list[Claim],
              names: dict[str, str], groups: dict[str, int]) -> list[dict]:
    """The story's summary: agreed facts first, then the disputes."""
    agreed = [f for f in facts if f.independent >= 2 and stands_alone(claims[f.representative].text)]
    out = [fact_sentence(f, claims) for f in agreed[:MAX_FACTS]]
    if not out and claims:  # nothing confirmed twice: the lead of the first article
        lead = [c for c in claims if c.article == claims[0].article and stands_alone(c.text)][:MAX_SINGLE]
        out = [{"text": c.text, "sources": [_span(c)], "reported_by": [c.article]} for c in lead]
    for k in sorted(conflicts, key=lambda k: _KIND_ORDER.get(k["kind"], 9)):
        out.append(dispute_sentence(k, names, groups))
    return out
