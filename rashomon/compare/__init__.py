"""Side by side: for each story, the facts its articles report or omit, the conflicts between
them, an attributed neutral summary and a sourced timeline (issue 6).

``compare_stage(analysis, ctx)`` fills ``facts``, ``conflicts``, ``summary`` and ``timeline`` of
every story in ``analysis.stories`` from what the Analysis holds (articles, reuse, entities,
quotes, times, events), so it also runs on a sub-Analysis of a few stories (the store does so
after an add). Claims are the sentences of each article (``sentences``); only the sentences of
stories with two or more articles that can align with another article's are embedded
(``embed``), in chunks, in a background thread (``queue``) while the rest goes on; ``align`` makes facts,
``conflicts`` finds disagreements, ``summary`` and ``timeline`` write the rest. A story of one
article has nothing to compare: no facts or conflicts, its lead sentences as summary, its timeline.

A story of more than ``MAX_COMPARED`` articles (a big development in a large crawl: hundreds of
reports, most of them copies) is compared on ``MAX_COMPARED`` of them, chosen to cover every
independent source (``compared_articles``: each outlet and its copies in turn, earliest report
first), so the cost of a story stays bounded however many articles it gathers: aligning claims
is quadratic in the story's articles. Its ``compared`` field lists them; facts, conflicts and
summary are over those (``reported_by`` and ``omitted_by`` name compared articles only), and so
is its framing table (``framing.framing_stage``); the timeline is over all the story's articles.
Views show such a story's compared and cited articles in full (``focus_articles``).
"""
from __future__ import annotations

import time
from collections import defaultdict

from ..model import Analysis, Article
from . import values
from .align import anchors, build_facts, independent_groups
from .conflicts import claim_info, find_conflicts
from .sentences import Claim, claims_of
from .summary import source_names, summarize
from .timeline import timeline

__all__ = ["compare_stage", "compare_story", "focus_articles", "plan_compare"]


def _by_article(items: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for x in items:
        out[x["article"]].append(x)
    return out


def _events_at(events: list[dict]) -> dict[str, list[int]]:
    """Article id -> the positions in ``events`` of the events it mentions."""
    at: dict[str, list[int]] = defaultdict(list)
    for k, ev in enumerate(events):
        for a in dict.fromkeys(m["article"] for m in ev.get("mentions", ())):
            at[a].append(k)
    return at


def _loaded_counts(article: Article, claims: list[Claim]) -> list[int]:
    return [sum(1 for x in article.loaded if c.start <= x.start and x.end <= c.end) for c in claims]


def _entity_spans(entities: list[dict]) -> dict[str, list[tuple[int, int, str]]]:
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for e in entities:
        for m in e.get("mentions", ()):
            out[m["article"]].append((m["start"], m["end"], e["id"]))
    return out


MAX_COMPARED = 40
MIN_SHARED_STEMS = 2
MIN_STEM_SHARE = 0.3   # shared stems / stems of the smaller claim, for a candidate pair
STEM = 5


def _checkable(text: str, memo: dict | None = None) -> set[str]:
    """The kinds of checkable values a claim states, as conflict keys ("number troops", ...)."""
    found, durations, conditions, slots = values.sentence_values(text, memo)
    keys = {"number " + c.noun for c in found}
    keys |= {"detail " + v for v, *_ in slots}
    if len({k for k, *_ in durations}) == 1:
        keys.add("duration")
    if conditions:
        keys.add("condition")
    return keys


def _worth_embedding(claims_per_article: list[list[Claim]], memo: dict | None = None) -> list[bool]:
    """Which claims can align with another article's: those with a candidate, a claim of another
    article sharing at least ``MIN_SHARED_STEMS`` content-word stems, and at least
    ``MIN_STEM_SHARE`` of the smaller claim's stems (the lexical test a NEAR alignment needs
    anyway; stems also catch "damages" / "damage"). Candidates are found through an inverted
    index of stems, not by comparing every pair. The others are not embedded: their vectors stay
    zero, so they align with nothing. Two claims that both state a checkable value of one kind
    (a count of one noun class, an object of one verb, a duration, a condition) can conflict at
    a lower similarity than alignment needs: for them the shared stems suffice, without the share.
    This keeps the embedding cost to what a story needs. ``memo``: ``values.sentence_values``'s memo."""
    checks = [[_checkable(c.text, memo) for c in cl] for cl in claims_per_article]
    stems = [[{w[:STEM] for w in anchors(c.text, set())} for c in cl] for cl in claims_per_article]
    owners: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for k, per in enumerate(stems):
        for n, ws in enumerate(per):
            for w in ws:
                owners[w].append((k, n))
    keep = [[False] * len(per) for per in stems]
    for k, per in enumerate(stems):
        for n, ws in enumerate(per):
            if keep[k][n]:
                continue
            shared: dict[tuple[int, int], int] = defaultdict(int)
            for w in ws:
                for other in owners[w]:
                    if other[0] != k:
                        shared[other] += 1
            for (k2, n2), m in shared.items():
                if m >= MIN_SHARED_STEMS and (m >= MIN_STEM_SHARE * min(len(ws), len(stems[k2][n2]))
                                              or checks[k][n] & checks[k2][n2]):
                    keep[k][n] = keep[k2][n2] = True
                    break
    return [x for per in keep for x in per]


def compared_articles(articles: list[Article], reuse: list[dict], limit: int | None = None) -> list[Article]:
    """The articles a story is compared on: all of them up to ``limit``; else ``limit`` of them
    taken in turn from each independent source (an outlet with its articles' copies; sources in
    the order of their first report), each source's earliest reports first. In story order."""
    limit = MAX_COMPARED if limit is None else limit
    if len(articles) <= limit:
        return articles
    groups = independent_groups([a.id for a in articles], {a.id: a.outlet for a in articles}, reuse)
    pos = {a.id: k for k, a in enumerate(articles)}
    members: dict[int, list[Article]] = defaultdict(list)
    for a in sorted(articles, key=lambda a: (a.published or "9999", pos[a.id])):
        members[groups[a.id]].append(a)
    queues = list(members.values())  # dicts keep insertion order: by each source's first report
    chosen: list[Article] = []
    depth = 0
    while len(chosen) < limit:
        for q in queues:
            if depth < len(q) and len(chosen) < limit:
                chosen.append(q[depth])
        depth += 1
    return sorted(chosen, key=lambda a: pos[a.id])


def _cited(x, out: set[str]) -> set[str]:
    """Every article a story's section cites (the values of its "article" keys)."""
    if isinstance(x, dict):
        for k, v in x.items():
            if k == "article" and isinstance(v, str):
                out.add(v)
            else:
                _cited(v, out)
    elif isinstance(x, list):
        for v in x:
            _cited(v, out)
    return out


def focus_articles(story: dict) -> list[str]:
    """The articles a view of ``story`` shows in full (the HTML report, the store's story page):
    all of them, or for a story compared on some (over ``MAX_COMPARED`` articles) those and the
    ones its summary, facts and conflicts cite. In story order."""
    if "compared" not in story:
        return list(story["articles"])
    keep = set(story["compared"])
    for key in ("summary", "facts", "conflicts"):
        _cited(story.get(key), keep)
    return [a for a in story["articles"] if a in keep]


def compare_story(story: dict, articles: list[Article], claims_by: dict[str, list[Claim]],
                  vecs, embed_fn, lookups: dict, members: list[Article] | None = None) -> None:
    """Fill one story's comparison of ``articles``; ``vecs`` holds the embeddings of their
    claims (in article order), or None for a story of one article. ``members``: all the story's
    articles when only some are compared (the timeline takes them all)."""
    ids = [a.id for a in articles]
    claims = [c for a in ids for c in claims_by[a]]
    loaded = [n for a in articles for n in _loaded_counts(a, claims_by[a.id])]
    loaded_at = {(c.article, c.start): n for c, n in zip(claims, loaded)}
    groups = independent_groups(ids, {a.id: a.outlet for a in articles}, lookups["reuse"])
    names = source_names(articles)
    facts, conflicts = [], []
    if vecs is not None and len(ids) > 1:
        sims = vecs @ vecs.T
        ent = lookups["entities"]
        anchor_sets = [anchors(c.text, {e for s, t, e in ent.get(c.article, ()) if c.start <= s and t <= c.end})
                       for c in claims]
        facts = build_facts(claims, sims, anchor_sets, loaded, groups)
        cluster_of = [0] * len(claims)
        for k, f in enumerate(facts):
            for i in f.members:
                cluster_of[i] = k
        infos = [claim_info(c, lookups["times"].get(c.article, []), lookups["quotes"].get(c.article, []),
                            lookups.get("values")) for c in claims]
        conflicts = find_conflicts(claims, infos, sims, cluster_of, groups, embed_fn)
    story["facts"] = [{"text": claims[f.representative].text, "reported_by": f.articles,
                       "omitted_by": [a for a in ids if a not in f.articles],
                       "independent": f.independent,
                       "sources": [{"article": claims[i].article, "start": claims[i].start,
                                    "end": claims[i].end} for i in f.members]} for f in facts]
    story["conflicts"] = conflicts
    story["summary"] = summarize(facts, conflicts, claims, names, groups)
    members = members or articles
    for a in members:
        if a.id not in claims_by:
            claims_by[a.id] = claims_of(a)
    sentences = lookups.get("sentences")
    present = {a.id for a in members}
    member_ids = [a for a in story["articles"] if a in present or a in sentences] if sentences else [
        a.id for a in members]
    at = lookups.get("events_at")
    events = lookups["events"] if at is None else [  # those with a mention in the story, in order
        lookups["events"][k] for k in sorted({k for a in member_ids for k in at.get(a, ())})]
    story["timeline"] = timeline(events, member_ids, claims_by,
                                 {a.id: a.text for a in members}, loaded_at, sentences)


def plan_compare(analysis: Analysis, ctx: dict | None = None) -> dict:
    """The comparison's first half: each story's compared articles and claims, and the claims
    worth embedding sent to be embedded (``queue.EmbeddingQueue``: in a background thread unless
    ``ctx["embed"]`` is given and ``ctx["embed_in_background"]`` is not true). The pipeline runs
    it before the storylines and loaded-wording stages, which need no vectors, so the model works
    while they run; ``compare_stage`` takes the plan from ``ctx["compare_plan"]``.

    ``ctx["some_members"]``: the analysis holds only some articles of its stories (the store
    loads a big story's compared articles and those its timeline needs); a story's
    ``compared``, when set, was chosen by the caller over all its articles, and the timeline is
    made of the articles present."""
    from .queue import EmbeddingQueue

    ctx = ctx if ctx is not None else {}
    embed_fn = ctx.get("embed")
    background = bool(ctx.get("embed_in_background", embed_fn is None))
    if embed_fn is None:
        from .embed import embed as embed_fn
    by_id = {a.id: a for a in analysis.articles}
    some = bool(ctx.get("some_members"))
    embeddings = EmbeddingQueue(embed_fn, background=background)
    plans = []
    claims_by: dict[str, list[Claim]] = {}
    values_memo: dict = {}  # claim text -> its values, read again by the conflicts
    for story in analysis.stories:
        missing = [i for i in story["articles"] if i not in by_id]
        if missing and not some:
            raise ValueError(f"story {story['id']}: article(s) {', '.join(missing)} not in the analysis")
        every = [by_id[i] for i in story["articles"] if i in by_id]
        if some and "compared" in story:  # chosen by the caller over all the story's articles
            arts = [by_id[i] for i in story["compared"]]
        else:
            arts = compared_articles(every, analysis.reuse)
            if len(arts) < len(every):
                story["compared"] = [a.id for a in arts]
            else:
                story.pop("compared", None)
        for a in arts:
            if a.id not in claims_by:
                claims_by[a.id] = claims_of(a)
        mask = handles = None
        if len(arts) > 1:
            mask = _worth_embedding([claims_by[a.id] for a in arts], values_memo)
            claims = (c for a in arts for c in claims_by[a.id])
            handles = embeddings.add([c.text for c, keep in zip(claims, mask) if keep])
        plans.append((story, arts, every, mask, handles))
    embeddings.close()
    return {"analysis": id(analysis), "plans": plans, "claims_by": claims_by, "queue": embeddings,
            "embed": embed_fn, "values": values_memo}


def compare_stage(analysis: Analysis, ctx: dict | None = None) -> None:
    """Fill ``summary``, ``timeline``, ``facts`` and ``conflicts`` of every story in place.

    ``ctx["mention_sentences"]``: article -> mention start -> ``Claim``, the timeline's sentences
    of story members not in the analysis (``timeline.timeline``; the store gives them for a big
    story's members it does not load). ``ctx["embed"]`` may hold a function texts -> unit vectors (tests pass a small one; the store
    its cache); by default the packaged all-MiniLM-L6-v2 embeds, loaded on first need, in a
    background thread while the stories whose vectors are ready are compared. A plan made by
    ``plan_compare`` for this analysis is taken from ``ctx["compare_plan"]``."""
    import numpy as np

    ctx = ctx if ctx is not None else {}
    plan = ctx.pop("compare_plan", None)
    if plan is None or plan["analysis"] != id(analysis):
        plan = plan_compare(analysis, ctx)
    embeddings, claims_by, embed_fn = plan["queue"], plan["claims_by"], plan["embed"]
    analysis.stats["compare_sentences_embedded"] = embeddings.distinct
    lookups = {"reuse": analysis.reuse, "entities": _entity_spans(analysis.entities),
               "times": _by_article(analysis.times), "quotes": _by_article(analysis.quotes),
               "events": analysis.events, "events_at": _events_at(analysis.events),
               "sentences": ctx.get("mention_sentences"), "values": plan.get("values")}
    waited = 0.0
    for story, arts, every, mask, handles in plan["plans"]:
        mine = None
        if mask is not None:
            t = time.perf_counter()
            kept = embeddings.vectors(handles)
            waited += time.perf_counter() - t
            mine = np.zeros((len(mask), kept.shape[1] if len(handles) else 1), dtype="float32")
            if len(handles):
                mine[np.asarray(mask, dtype=bool)] = kept
        compare_story(story, arts, claims_by, mine, embed_fn, lookups, every)
    analysis.stats["compare_wait_seconds"] = waited  # blocked on the model: its vectors were not ready
