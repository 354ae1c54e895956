"""Event mentions of all articles merged into the contract's Event objects.

``merge_events(event_mentions, entities)``:

1. Each mention's actor/target/location spans are mapped to entity ids through the entities'
   mentions (the entity whose mention covers the argument's head word; else names inside the
   argument's phrase, not nationality adjectives). Mentions that are negated ("did not attack")
   or irrealis ("would attack", "if ... attacks") are no events and are left out.
2. Candidate pairs come from blocks (type family x entity id, argument head word, trigger word,
   day), never all pairs. A pair scores evidence: shared entities (weighted by rarity among the
   mentions), shared argument head words, the same trigger word, the same day or month, the same
   casualty counts; different places or casualty counts count against. Dates must be compatible
   (one a prefix of the other: "2020-01" and "2020-01-03"); "no casualties" never joins "one
   killed"; two mentions in one sentence are different events.
3. Dated pairs are joined best first (cluster-level checks keep every date in a cluster
   compatible). Then each undated mention joins the one cluster it matches clearly (strong
   entity/word evidence, no near rival), so "a drone strike that killed X and Y" without a date
   joins the dated strike that killed X and Y, while a bare "US strikes" joins nothing.
4. Event: type (ATTACK over KILL/INJURE when the same event is reported both ways, else the
   most frequent), date (the most specific), actors/targets (entity ids by frequency), location
   (the most frequent), killed/injured (the figure most articles give, the highest on a tie; each
   article's own figure in ``casualty_reports``), mentions (trigger spans, with their sentences).
   The id is a hash of the sorted mention keys. An event of one mention with no argument at all
   (no actor, target, place, date or casualty figure: "the attacks" in a background sentence) is
   left out: nothing places it.
"""
from __future__ import annotations

import bisect
import datetime as _dt
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from ..model import content_id
from .lexicon import lexicon

__all__ = ["merge_events", "dates_compatible", "block_keys", "BLOCK_CAP"]

NAME_TYPES = {"PERSON", "ORG", "GPE", "FAC", "LOC", "MISC", "EVENT", "PRODUCT"}
DATED_MIN = 3.0      # score a pair of dated mentions needs
UNDATED_MIN = 2.5    # ... an undated mention needs against a cluster, with
UNDATED_EVIDENCE = 2.0  # at least this much of it from entities and argument words
RIVAL_MARGIN = 1.0   # and no other cluster scoring within this margin
BLOCK_CAP = 400      # blocks larger than this (a very common word) give no candidates
SPECIFIC_FIRST = {"ATTACK": 3, "FIGHT": 2, "KILL": 1, "INJURE": 0}
DAY_SLACK = 2        # announcements, agreements...: days two reports of one development may differ by
                     # (a statement on Saturday reported as Sunday's announcement); violence: 0
REPORT_WINDOW = 3    # an undated announcement in an article of day D: the one of its type in D-3..D
WORDS_MIN = 5        # sentences sharing this many content words (and WORDS_SHARE of the smaller) ...
WORDS_SHARE = 0.35   # ... retell one development


@lru_cache(maxsize=8192)
def _day(d: str | None):
    if not d or len(d) != 10:
        return None
    try:
        return _dt.date.fromisoformat(d)
    except ValueError:
        return None


ANNOUNCED = {"CEASEFIRE", "CEASEFIRE_END"}  # families of announced developments (day slack, wording)


def _slack(fam: str) -> int:
    return DAY_SLACK if fam in ANNOUNCED else 0


def _near(a: str | None, b: str | None, slack: int) -> bool:
    """Compatible dates, or two days at most ``slack`` apart."""
    if dates_compatible(a, b):
        return True
    da, db = _day(a), _day(b)
    return slack > 0 and da is not None and db is not None and abs((da - db).days) <= slack


def _word_overlap(fa: dict, fb: dict) -> float:
    """Evidence from the trigger sentences' shared content words (0 when they share few)."""
    wa, wb = fa["words"], fb["words"]
    if not wa or not wb:
        return 0.0
    k = len(wa & wb)
    if k < WORDS_MIN or k < WORDS_SHARE * min(len(wa), len(wb)):
        return 0.0
    return min(3.0, 1.0 + 0.25 * (k - WORDS_MIN))


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Undated is compatible with anything; else one date must be a prefix of the other."""
    if not a or not b:
        return True
    return a.startswith(b) or b.startswith(a)


class _Index:
    """Entity mentions per article, sorted by start, for span -> entity id lookups."""

    def __init__(self, entities: list[dict]):
        self.by_article: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
        for e in entities:
            for m in e.get("mentions", ()):
                self.by_article[m["article"]].append((m["start"], m["end"], e["id"], e.get("type", "")))
        self.starts = {}
        for a, ms in self.by_article.items():
            ms.sort()
            self.starts[a] = [m[0] for m in ms]

    def within(self, article: str, lo: int, hi: int):
        ms = self.by_article.get(article, ())
        if not ms:
            return []
        k = bisect.bisect_left(self.starts[article], lo - 200)  # mentions start at most 200 chars earlier
        out = []
        for s, e, eid, typ in ms[k:]:
            if s >= hi:
                break
            if e > lo:
                out.append((s, e, eid, typ))
        return out

    def ids(self, article: str, arg: dict | None) -> list[str]:
        if not arg:
            return []
        hs, he = arg.get("head_start", arg["start"]), arg.get("head_end", arg["end"])
        over = self.within(article, arg["start"], arg["end"])
        cover = [(e - s, eid) for s, e, eid, _ in over if s <= hs and he <= e]
        if cover:
            return [max(cover)[1]]
        cover = [(e - s, eid) for s, e, eid, _ in over if s < he and e > hs]
        if cover:
            return [max(cover)[1]]
        # a name modifying the head ("US forces", "the city's port"), not a sponsor ("X-backed groups")
        lo = arg.get("names_start", arg["start"])
        return [eid for s, e, eid, typ in over if typ in NAME_TYPES and lo <= s and e <= arg["end"]]


def _key(m: dict) -> str:
    return f"{m['article']}:{m['start']}:{m['end']}"


_NONE: frozenset = frozenset()


_READ = ("article", "type", "trigger", "lemma", "start", "end", "sentence_start", "sentence_end", "actors",
         "targets", "location", "date", "reported", "published", "words", "parts", "heads", "killed", "injured",
         "killed_qualifier", "injured_qualifier", "part_of")  # what the merge reads of a mention
_ARG = ("start", "end", "head_start", "head_end", "names_start")  # ... of an argument (``_Index.ids``)
_SHARED = ("article", "type", "trigger", "lemma", "date", "published")


def compact(m: dict, names: dict[str, str]) -> dict | None:
    """A stored mention as the merge reads it, or None when the merge leaves it out (negated,
    irrealis, generic: ``_kept``). Only the keys it reads (a smaller dict), the wording only of
    announcements (the only mentions matched by it, ``_word_overlap``), and the article, type,
    trigger and dates as one shared string each (``names``: the strings seen so far). The
    95,000 mentions a store's step of 5,000 articles re-merges take 40% less memory."""
    if m.get("negated") or m.get("irrealis") or m.get("generic"):
        return None
    out = {k: m[k] for k in _READ if m.get(k) is not None}
    for k in _SHARED:
        if k in out:
            out[k] = names.setdefault(out[k], out[k])
    if out.get("words") and lexicon().fam(out["type"]) not in ANNOUNCED:
        del out["words"]
    for k in ("actors", "targets"):
        if k in out:
            out[k] = [{x: a[x] for x in _ARG if x in a} for a in out[k]]
    if "location" in out:
        out["location"] = {x: out["location"][x] for x in _ARG if x in out["location"]}
    return out


def _features(mentions: list[dict], index: _Index):
    lex = lexicon()
    feats = []
    for m in mentions:
        aid = m["article"]
        actors = [i for a in m.get("actors", ()) for i in index.ids(aid, a)]
        targets = [i for a in m.get("targets", ()) for i in index.ids(aid, a)]
        loc = index.ids(aid, m.get("location"))
        feats.append({
            "fam": lex.fam(m["type"]), "actors": actors, "targets": targets, "location": loc[0] if loc else None,
            "ents": set(actors) | set(targets) | set(loc), "heads": set(m.get("heads", ())),
            "lemmas": {m.get("lemma", "")} | {p["trigger"].lower() for p in m.get("parts", ())},
            "words": set(m.get("words", ())) if lex.fam(m["type"]) in ANNOUNCED else _NONE,
        })
    return feats


def _score(a: tuple, b: tuple, fa: dict, fb: dict, weight: dict) -> tuple[float, float]:
    """(score, evidence from entities and words); -inf when the two cannot be one event. ``a``
    and ``b`` are the mentions' ``_facts``."""
    art_a, sent_a, type_a, da, ka, ia = a
    art_b, sent_b, type_b, db, kb, ib = b
    fam = fa["fam"]
    slack = _slack(fam)
    if fam != fb["fam"] or not _near(da, db, slack):
        return -math.inf, 0.0
    same_article = art_a == art_b
    if same_article and sent_a == sent_b:
        return -math.inf, 0.0
    if (ka is not None and kb is not None and (ka == 0) != (kb == 0)) or \
            (ia is not None and ib is not None and (ia == 0) != (ib == 0)):
        return -math.inf, 0.0
    common = fa["ents"] & fb["ents"]
    ev = sum(weight.get(e, 1.0) for e in common) if common else 0
    heads = fa["heads"] & fb["heads"]
    if heads:
        ev += min(2, len(heads))
    if same_article and type_a == type_b and fam != "VIOLENCE":
        ev += 2.0  # an article retelling its announcement, its agreement (not its many attacks)
    shared = len(fa["lemmas"] & fb["lemmas"])
    if shared > 1:
        ev += 0.5 * (shared - 1)  # the same wording: "agreed to suspend attacks"
    if slack:
        ev += _word_overlap(fa, fb)  # one announcement retold in much the same words
    s = ev
    if shared:
        s += 0.5
    if type_a == type_b:
        s += 0.5
    if da and db:
        short = min(len(da), len(db))
        if dates_compatible(da, db):
            s += 2.5 if short == 10 else 1.5 if short == 7 else 0.5
        else:  # a day or two apart (announcements only)
            s += 2.0 if abs((_day(da) - _day(db)).days) == 1 else 1.0
    if ka is not None and kb is not None:
        s += (1.5 if ka > 0 else 1.0) if ka == kb else -1.5
    if ia is not None and ib is not None:
        s += (1.5 if ia > 0 else 1.0) if ia == ib else -1.5
    la, lb = fa["location"], fb["location"]
    if la and lb and la != lb and la not in fb["ents"] and lb not in fa["ents"]:
        s -= 1.0
    return s, ev


def _facts(m: dict) -> tuple:
    """What ``_score`` reads of a mention, as a tuple."""
    return (m["article"], m["sentence_start"], m["type"], m.get("date"), m.get("killed"), m.get("injured"))


class _Clusters:
    def __init__(self, n: int, mentions: list[dict], feats: list[dict]):
        self.slack = [_slack(f["fam"]) for f in feats]
        self.parent = list(range(n))
        self.dates = [{m["date"]} if m.get("date") else set() for m in mentions]
        self.members = [[i] for i in range(n)]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def can_join(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        slack = min(self.slack[a], self.slack[b])
        return a != b and all(_near(x, y, slack) for x in self.dates[a] for y in self.dates[b])

    def join(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a == b:
            return
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a] += self.members[b]
        self.dates[a] |= self.dates[b]
        self.members[b], self.dates[b] = [], set()


def _blocks_of(m: dict, f: dict) -> Iterator[tuple]:
    """The blocks a mention is in: two mentions are compared only when they share one."""
    for e in f["ents"]:
        yield (f["fam"], "e", e)
    for h in f["heads"]:
        yield (f["fam"], "h", h)
    for lem in f["lemmas"]:
        yield (f["fam"], "l", lem)
    if m.get("date") and len(m["date"]) == 10:
        yield (f["fam"], "d", m["date"])
    if f["fam"] in ANNOUNCED:
        yield (f["fam"], "t")  # announcements are few: compare all of one family


def _kept(event_mentions: list[dict]) -> list[dict]:
    # generic mentions ("rocket attacks against US bases", "dozens of attacks") name no one event
    return [m for m in event_mentions if not m.get("negated") and not m.get("irrealis") and not m.get("generic")]


def block_keys(event_mentions: list[dict], entities: list[dict]) -> list[tuple[dict, set[str], set[str]]]:
    """Each mention ``merge_events`` keeps, with the keys (strings) of the blocks it is in and the
    entities it names (their rarity weighs the evidence). A mention can join another only
    through a block they share, and a block of more than ``BLOCK_CAP`` mentions gives no
    candidates. The store uses them to find the stored events a new article's mentions can join
    (``rashomon.store.entities.update_events``)."""
    mentions = _kept(event_mentions)
    feats = _features(mentions, _Index(entities))
    keys: dict[tuple, str] = {}  # one string per block, shared by its mentions
    return [(m, {keys.get(b) or keys.setdefault(b, "|".join(map(str, b))) for b in _blocks_of(m, f)}, f["ents"])
            for m, f in zip(mentions, feats)]


PAIRS_CHUNK = 4_000_000  # candidate codes gathered before duplicates are dropped


def _candidates(mentions, feats) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs (i < j, sorted) as two int64 arrays: 8 bytes a pair where a set of
    tuples takes about 100 (5 million pairs for the 95,000 mentions of a store's step)."""
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, (m, f) in enumerate(zip(mentions, feats)):
        for b in _blocks_of(m, f):
            blocks[b].append(i)
    n = max(1, len(mentions))
    found = np.empty(0, dtype=np.int64)
    parts: list[np.ndarray] = []
    size = 0
    for members in blocks.values():
        if len(members) > BLOCK_CAP:
            continue
        mem = np.unique(np.asarray(members, dtype=np.int64))
        if len(mem) < 2:
            continue
        a, b = np.triu_indices(len(mem), 1)
        parts.append(mem[a] * n + mem[b])
        size += len(a)
        if size > PAIRS_CHUNK:
            found = np.unique(np.concatenate([found, *parts]))
            parts, size = [], 0
    found = np.unique(np.concatenate([found, *parts]))
    return found // n, found % n


def _scored(facts, feats, weight, ii: np.ndarray, jj: np.ndarray):
    """(score, evidence, i, j) arrays of the candidate pairs that can be one event, best first
    (ties by i, then j)."""
    S, EV, I, J = array("d"), array("d"), array("q"), array("q")
    step = 200_000
    for lo in range(0, len(ii), step):
        for i, j in zip(ii[lo:lo + step].tolist(), jj[lo:lo + step].tolist()):
            s, ev = _score(facts[i], facts[j], feats[i], feats[j], weight)
            if s > -math.inf:
                S.append(s)
                EV.append(ev)
                I.append(i)
                J.append(j)
    s, ev, i, j = (np.asarray(x, dtype=np.float64 if x.typecode == "d" else np.int64) for x in (S, EV, I, J))
    order = np.lexsort((j, i, -s))
    return s[order], ev[order], i[order], j[order]


def _rows(s, ev, i, j, mask) -> Iterator[tuple[float, float, int, int]]:
    """The pairs under ``mask`` as (score, evidence, i, j) Python tuples, in order."""
    idx = np.flatnonzero(mask)
    step = 100_000
    for lo in range(0, len(idx), step):
        k = idx[lo:lo + step]
        yield from zip(s[k].tolist(), ev[k].tolist(), i[k].tolist(), j[k].tolist())


def merge_events(event_mentions: list[dict], entities: list[dict], *,
                 background: tuple[int, Counter] | None = None) -> list[dict]:
    """The contract's Event objects from ``find_events`` mentions of all articles (see module doc).

    ``background``: (mentions, entity -> mentions naming it) of a corpus these mentions belong to
    but that is not merged here (the store's other events), counted in the entities' rarity."""
    mentions = _kept(event_mentions)
    index = _Index(entities)
    feats = _features(mentions, index)
    df = Counter(e for f in feats for e in f["ents"])
    n = max(1, len(mentions))
    if background is not None:
        df.update(background[1])
        n += background[0]
    weight = {e: min(3.0, max(0.5, math.log(1 + n / c))) for e, c in df.items()}
    cl = _Clusters(len(mentions), mentions, feats)

    # "Y was also killed": part of the mention it follows
    by_key = {(m["article"], m["start"], m["end"]): i for i, m in enumerate(mentions)}
    for i, m in enumerate(mentions):
        p = m.get("part_of")
        j = by_key.get((m["article"], p["start"], p["end"])) if p else None
        if j is not None and cl.can_join(i, j):
            cl.join(i, j)

    facts = [_facts(m) for m in mentions]
    s, ev, si, sj = _scored(facts, feats, weight, *_candidates(mentions, feats))
    # the pairs by how many of the two are dated (mention dates do not change while merging)
    dated = np.array([bool(f[3]) for f in facts], dtype=bool)
    di, dj = dated[si], dated[sj]
    # 1. dated pairs, best first
    for s_, ev_, i, j in _rows(s, ev, si, sj, di & dj):
        if s_ >= DATED_MIN and ev_ + 0.5 * (
                feats[i]["lemmas"] & feats[j]["lemmas"] != set()) + _casualty_match(mentions[i], mentions[j]) > 0:
            if cl.can_join(i, j):
                cl.join(i, j)
    # 2. an undated mention joins the one cluster it clearly matches
    best: dict[int, dict[int, tuple[float, float]]] = defaultdict(dict)
    for s_, ev_, i, j in _rows(s, ev, si, sj, di != dj):
        for u, o in ((i, j), (j, i)):
            if not mentions[u].get("date") and mentions[o].get("date") and len(cl.members[cl.find(u)]) == 1:
                c = cl.find(o)
                if s_ > best[u].get(c, (-math.inf, 0))[0]:
                    best[u][c] = (s_, ev_)
    for u in sorted(best):
        ranked = sorted(best[u].items(), key=lambda kv: -kv[1][0])
        (c, (s_, ev_)) = ranked[0]
        rival = ranked[1][1][0] if len(ranked) > 1 else -math.inf
        if s_ >= UNDATED_MIN and ev_ >= UNDATED_EVIDENCE and s_ - rival >= RIVAL_MARGIN and cl.can_join(u, c):
            cl.join(u, c)
    # 2b. an undated announcement in an article of day D: the one cluster of its type dated D-3..D
    _by_report_date(mentions, feats, cl, si, sj)
    # 3. undated with undated: only on strong evidence
    for s_, ev_, i, j in _rows(s, ev, si, sj, ~di & ~dj):
        if s_ >= UNDATED_MIN + 1 \
                and ev_ >= UNDATED_EVIDENCE + 1 and cl.can_join(i, j):
            cl.join(i, j)

    events = []
    for root in range(len(mentions)):
        if cl.find(root) != root:
            continue
        ev = _event([mentions[i] for i in sorted(cl.members[root])],
                    [feats[i] for i in sorted(cl.members[root])])
        if len(ev["mentions"]) > 1 or has_argument(ev):
            events.append(ev)
    events.sort(key=lambda e: (e["date"] or "9999", e["mentions"][0]["article"], e["mentions"][0]["start"]))
    return events


def has_argument(ev: dict) -> bool:
    """Whether an event says who, whom, where, when or how many: a lone trigger word in a
    background sentence ("the attacks", "a statement") with none of these is no event a reader
    can place, and is left out unless another mention reports the same event."""
    return bool(ev["actors"] or ev["targets"] or ev["location"] or ev["date"]
                or ev["killed"] is not None or ev["injured"] is not None)


def _by_report_date(mentions, feats, cl, si: np.ndarray, sj: np.ndarray) -> None:
    """"The factions have presented a conditional ceasefire" (no date) in an article of Sunday
    joins the ceasefire dated Saturday or Sunday when it is the only one of its type in those days
    and nothing rules the pair out (another sentence of the same article, other casualties)."""
    looked = {u for u, m in enumerate(mentions) if not m.get("date") and feats[u]["fam"] in ANNOUNCED}
    if not looked:
        return
    # the mentions each looked-at one was scored with (all scored pairs are possible ones): only
    # the clusters holding one of them can take it, so no mention is compared with every cluster
    partners: dict[int, set[int]] = defaultdict(set)
    look = np.zeros(len(mentions), dtype=bool)
    look[sorted(looked)] = True
    for i, j in zip(si[look[si]].tolist(), sj[look[si]].tolist()):
        partners[i].add(j)
    for i, j in zip(si[look[sj]].tolist(), sj[look[sj]].tolist()):
        partners[j].add(i)
    for u in sorted(partners):
        m = mentions[u]
        pub = _day(m.get("published"))
        if pub is None or len(cl.members[cl.find(u)]) != 1:
            continue
        near = []
        # the dated clusters (joins here add undated mentions only, so they are those dated at
        # the start, under their current roots)
        for c in sorted({cl.find(k) for k in partners[u]}):
            if not cl.dates[c]:
                continue
            days = [_day(d) for d in cl.dates[c]]
            if any(d is None or not 0 <= (pub - d).days <= REPORT_WINDOW for d in days):
                continue
            if any(mentions[k]["type"] == m["type"] for k in cl.members[c]):
                near.append(c)
        if len(near) == 1 and cl.can_join(u, near[0]):
            cl.join(u, near[0])


def _casualty_match(a: dict, b: dict) -> float:
    return float(any(a.get(w) is not None and a.get(w) == b.get(w) for w in ("killed", "injured")))


def _figure(ms: list[dict], what: str):
    """(figure, qualifier, per-article figures): each article's own figure is the largest it gives
    (its mentions add up victims already); the event's is the one most articles give."""
    per: dict[str, tuple[int, str | None]] = {}
    for m in ms:
        v = m.get(what)
        if v is None:
            continue
        if m["article"] not in per or v > per[m["article"]][0]:
            per[m["article"]] = (v, m.get(f"{what}_qualifier"))
    if not per:
        vague = [m.get(f"{what}_qualifier") for m in ms if m.get(f"{what}_qualifier")]
        return None, (vague[0] if vague else None), {}
    votes = Counter(v for v, _ in per.values())
    fig = max(votes, key=lambda v: (votes[v], v))
    qual = next((q for v, q in per.values() if v == fig and q), None)
    return fig, qual, {a: v for a, (v, _) in sorted(per.items())}


def _ranked(ids) -> list[str]:
    c = Counter(ids)
    return sorted(c, key=lambda e: (-c[e], e))


def _event(ms: list[dict], fs: list[dict]) -> dict:
    types = Counter(m["type"] for m in ms)
    type_ = max(types, key=lambda t: (SPECIFIC_FIRST.get(t, -1) if lexicon().fam(t) == "VIOLENCE" else -1,
                                      types[t], t))
    dates = [m["date"] for m in ms if m.get("date")]
    date = None
    if dates:
        dc = Counter(dates)
        date = max(dc, key=lambda d: (len(d), dc[d], d))
    actors = _ranked(i for f in fs for i in f["actors"])
    targets = [t for t in _ranked(i for f in fs for i in f["targets"]) if t not in actors]
    locs = [f["location"] for f in fs if f["location"]]
    location = _ranked(locs)[0] if locs else None
    killed, kq, kper = _figure(ms, "killed")
    injured, iq, iper = _figure(ms, "injured")
    mentions = sorted(({"article": m["article"], "start": m["start"], "end": m["end"], "trigger": m["trigger"],
                        "sentence_start": m["sentence_start"], "sentence_end": m["sentence_end"]} for m in ms),
                      key=lambda x: (x["article"], x["start"]))
    ev = {"id": content_id(*sorted(_key(m) for m in ms), prefix="ev"), "type": type_, "date": date,
          "actors": actors, "targets": targets, "location": location, "killed": killed, "injured": injured,
          "mentions": mentions,
          "triggers": sorted({m["trigger"].lower() for m in ms}),
          "reported": all(m.get("reported") for m in ms)}
    if kq:
        ev["killed_qualifier"] = kq
    if iq:
        ev["injured_qualifier"] = iq
    if len(kper) > 1 or len(iper) > 1:
        ev["casualty_reports"] = [{"article": a, "killed": kper.get(a), "injured": iper.get(a)}
                                  for a in sorted(set(kper) | set(iper))]
    return ev
