"""Facts: the claims of a story's articles aligned across outlets.

Two claims of different articles report the same fact when they are each other's best match
between their two articles and either their embeddings are close (cosine >= ``SAME``) or they
are fairly close (>= ``NEAR``) and agree on their anchors: shared entities, numbers and content
words. Aligned pairs are joined into clusters (union-find); each cluster is a fact, reported by
its articles and omitted by the story's others. Copies (one outlet, or a duplicate,
republication or rewrite of another article) count as one independent source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .sentences import Claim

SAME = 0.75
NEAR = 0.6
ANCHOR_SHARE = 0.3   # shared anchors / anchors of the smaller claim, for a NEAR pair
COPY_KINDS = frozenset({"duplicate", "republication", "rewrite"})
_PRONOUN_START = re.compile(r"^(?:he|she|they|it|this|these|those|his|her|their|its)\b", re.I)
_BARE_QUOTE = re.compile(r"^[\"'\u201c\u2018][^\"\u201d]*[\"\u201d'\u2019]?[.!?]?[\"\u201d'\u2019]?$")
_WORD = re.compile(r"[\w-]+")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from importlib import resources

    text = resources.files("rashomon").joinpath("data", "stopwords_en.txt").read_text(encoding="utf-8")
    return frozenset(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


def anchors(text: str, entity_ids: set[str]) -> set[str]:
    """What two claims of one fact should share: entity ids, numbers, content words."""
    stop = _stopwords()
    words = {w.casefold().replace("-", "") for w in _WORD.findall(text)}
    return {w for w in words if w not in stop and (len(w) > 3 or w.isdigit())} | entity_ids


class _Find:
    def __init__(self, n: int):
        self.up = list(range(n))

    def __call__(self, i: int) -> int:
        while self.up[i] != i:
            self.up[i] = self.up[self.up[i]]
            i = self.up[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.up[self(i)] = self(j)


def independent_groups(article_ids: list[str], outlets: dict[str, str | None],
                       reuse: list[dict]) -> dict[str, int]:
    """Article id -> group number; articles of one group are not independent of each other."""
    index = {a: i for i, a in enumerate(article_ids)}
    find = _Find(len(article_ids))
    by_outlet: dict[str, int] = {}
    for a in article_ids:
        o = (outlets.get(a) or "").strip().casefold()
        if o:
            if o in by_outlet:
                find.join(index[a], by_outlet[o])
            else:
                by_outlet[o] = index[a]
    for r in reuse:
        if r.get("kind") in COPY_KINDS and r["a"] in index and r["b"] in index:
            find.join(index[r["a"]], index[r["b"]])
    return {a: find(index[a]) for a in article_ids}


@dataclass
class Fact:
    """One aligned cluster of claims (indices into the story's claim list)."""

    members: list[int]
    articles: list[str] = field(default_factory=list)
    independent: int = 0
    representative: int = -1


def align(claims: list[Claim], sims, anchor_sets: list[set[str]]) -> list[list[int]]:
    """Clusters of claim indices that report one fact (singletons included)."""
    by_article: dict[str, list[int]] = {}
    for i, c in enumerate(claims):
        by_article.setdefault(c.article, []).append(i)
    arts = list(by_article)
    find = _Find(len(claims))
    for x in range(len(arts)):
        for y in range(x + 1, len(arts)):
            a, b = by_article[arts[x]], by_article[arts[y]]
            block = sims[a][:, b]
            best_b = block.argmax(axis=1)
            best_a = block.argmax(axis=0)
            for ia, jb in enumerate(best_b):
                if best_a[jb] != ia:
                    continue
                s = float(block[ia, jb])
                i, j = a[ia], b[jb]
                if s >= SAME or (s >= NEAR and _anchor_share(anchor_sets[i], anchor_sets[j]) >= ANCHOR_SHARE):
                    find.join(i, j)
    clusters: dict[int, list[int]] = {}
    for i in range(len(claims)):
        clusters.setdefault(find(i), []).append(i)
    return list(clusters.values())


def _anchor_share(x: set[str], y: set[str]) -> float:
    small = min(len(x), len(y))
    return len(x & y) / small if small else 0.0


def stands_alone(text: str) -> bool:
    """Whether a sentence makes sense out of its article: it does not open with a pronoun and is
    not a bare quotation without its speaker."""
    return not (_PRONOUN_START.match(text) or _BARE_QUOTE.match(text))


def representative(members: list[int], claims: list[Claim], loaded: list[int]) -> int:
    """The least loaded wording of a fact; among equals one that stands alone (no leading pronoun
    or bare quotation), then the earliest in its article, then the shortest."""
    def key(i: int):
        c = claims[i]
        dependent = stands_alone(c.text) is False
        return (loaded[i], dependent, c.index, len(c.text))
    return min(members, key=key)


def build_facts(claims: list[Claim], sims, anchor_sets: list[set[str]], loaded: list[int],
                groups: dict[str, int]) -> list[Fact]:
    """The story's facts, those confirmed by most independent sources first."""
    facts = []
    for members in align(claims, sims, anchor_sets):
        arts = list(dict.fromkeys(claims[i].article for i in sorted(members)))
        f = Fact(sorted(members), arts, len({groups[a] for a in arts}),
                 representative(members, claims, loaded))
        facts.append(f)
    facts.sort(key=lambda f: (-f.independent, min(claims[i].index for i in f.members), -len(f.articles)))
    return facts
