"""The NLP stage: one spaCy pass per article feeds every per-article component.

Each article's cleaned text is parsed once (``nlp.pipe`` in batches); on the Doc, while it is in
memory, run the time resolver, the quote extractor, the mention finder, the event finder and the
story feature extractor. Only their compact results are kept (dicts, feature vectors), never the
Docs, so memory does not grow with the parse. ``annotate`` does this in worker processes (one
model each, chunks of articles in, compact annotations out) on all cores. Then, at corpus level:
mentions are resolved into entities and each quote's speaker span is linked to its entity.
"""
from __future__ import annotations

import logging
import os
import re
import sys
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Analysis, Article
from . import load, worker_init

log = logging.getLogger(__name__)

ENGLISH = {"en", "und"}
CHUNK = 16  # articles per task sent to a worker process


def parse(articles: Iterable[Article], *, batch_size: int = 32, n_process: int = 1):
    """Yield (article, Doc) for English articles, (article, None) for the others.

    Articles of the same text (a wire story republished word for word) are parsed once: the
    Doc is kept until the last of them has been given it (the components only read the Doc, and
    read the article's own fields, its date, beside it)."""
    nlp = load()
    articles = list(articles)
    english = [a for a in articles if a.language in ENGLISH]
    uses = Counter(a.text for a in english)
    distinct = list(dict.fromkeys(a.text for a in english))  # in the order of first use
    docs = iter(nlp.pipe(distinct, batch_size=batch_size, n_process=n_process))
    kept: dict[str, object] = {}
    for a in articles:
        if a.language not in ENGLISH:
            yield a, None
            continue
        doc = kept.pop(a.text, None)
        if doc is None:  # its first use: the next Doc is of its text
            doc = next(docs)
        uses[a.text] -= 1
        if uses[a.text]:
            kept[a.text] = doc
        yield a, doc


def _grouped(articles: list[Article], size: int) -> list[list[Article]]:
    """``articles`` in chunks of about ``size``, the articles of one text together in the chunk
    of its first (so ``parse`` parses the text once); a chunk grows past ``size`` rather than
    split them."""
    first: dict[str, int] = {}
    for k, a in enumerate(articles):
        first.setdefault(a.text, k)
    out: list[list[Article]] = []
    cur: list[Article] = []
    for a in sorted(articles, key=lambda a: first[a.text]):  # stable: copies follow their first
        if len(cur) >= size and a.text != cur[-1].text:
            out.append(cur)
            cur = []
        cur.append(a)
    if cur:
        out.append(cur)
    return out


# words after which a speaker phrase goes on with a modifier, never with its head
_NP_CUT = re.compile(r"\s*(?:,|\(|\b(?:of|for|from|at|with|in|on|to|who|which|that|whose)\b)", re.I)
_POSS = re.compile(r"['\u2019]s?$")
_WORDS = re.compile(r"[\w.'\u2019-]+")


def _head_of(text: str, s: int, t: int) -> tuple[int, int] | None:
    """The head word of the speaker phrase ``text[s:t]`` when the parser did not give it: the last
    word before a modifier ("A spokesman for X" -> spokesman, "Iraqi officials" -> officials)."""
    phrase = text[s:t]
    m = _NP_CUT.search(phrase, 1)
    if m:
        phrase = phrase[:m.start()]
    words = list(_WORDS.finditer(phrase))
    while words and _POSS.fullmatch(words[-1].group(0)):
        words.pop()
    if not words:
        return None
    w = words[-1]
    end = s + w.start() + len(_POSS.sub("", w.group(0)) or w.group(0))
    return s + w.start(), end


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    from importlib import resources

    text = resources.files("rashomon").joinpath("data", "name_titles.txt").read_text(encoding="utf-8")
    return frozenset(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


def _name_forms(name: str) -> list[str]:
    """Lookup keys of a name, most specific first: as written (casefolded, without possessive and
    determiner), then without leading titles ("Mr. Jane Roe" -> "jane roe")."""
    words = [w for w in _POSS.sub("", name.strip()).casefold().split() if w]
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    out = [" ".join(words)] if words else []
    titles = _titles()
    while words and words[0].rstrip(".") in titles:
        words = words[1:]
    if words and " ".join(words) not in out:
        out.append(" ".join(words))
    return out


def link_speakers(quotes: list[dict], entities: list[dict], texts: dict[str, str]) -> None:
    """Set each quote's ``speaker`` to the entity that really is its speaker, or None.

    1. An entity mention that covers the head of the literal speaker phrase (``speaker_start``/
       ``speaker_end``; the head from ``speaker_head_start``/``speaker_head_end`` when the quote
       extractor gives it, else the last word before a modifier) names the speaker: "Union
       spokesman Jane Roe" is Jane Roe, while "Iraqi officials" is not the entity "Iraqi" and "a
       spokesman for the union" is not the union.
    2. Else, when the quote extractor resolved the literal words (a pronoun, "who", a role) to a
       name (``speaker_text`` differs from them), the article's entity with that name (as written,
       without titles, or whose mention is the name's last word) is the speaker, and the literal
       words are added to it as a mention: they corefer with it.
    3. Else no entity: the speaker is a description ("a statement", "officials").
    """
    by_article: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)  # (entity, article) -> mentions
    names: dict[tuple[str, str], str] = {}
    for e in entities:
        for m in e["mentions"]:
            by_article[m["article"]].append((m["start"], m["end"], e["id"]))
            spans[(e["id"], m["article"])].append((m["start"], m["end"]))
    for e in entities:  # entity names and aliases first, then mention texts: the first key wins
        arts = {m["article"] for m in e["mentions"]}
        for n in [e["name"], *e.get("aliases", [])]:
            for f in _name_forms(n):
                for a in arts:
                    names.setdefault((a, f), e["id"])
    for e in entities:
        for m in e["mentions"]:
            for f in _name_forms(m["text"]):
                names.setdefault((m["article"], f), e["id"])
    by_id = {e["id"]: e for e in entities}
    for q in quotes:
        q["speaker"] = None
        s, t = q.get("speaker_start"), q.get("speaker_end")
        text = texts.get(q["article"])
        if s is None or t is None or text is None or t <= s:
            continue
        hs, he = q.get("speaker_head_start"), q.get("speaker_head_end")
        if hs is None or he is None:
            head = _head_of(text, s, t)
            if head is None:
                continue
            hs, he = head
        covering = [(me - ms, eid) for ms, me, eid in by_article.get(q["article"], ())
                    if ms <= hs and he <= me]
        eid = max(covering)[1] if covering else None
        own = eid is not None and s <= hs and he <= t  # the literal words hold its own mention
        literal = text[s:t]
        if eid is None:
            spk = q.get("speaker_text")
            if spk and _name_forms(spk) != _name_forms(literal):
                eid = _entity_named(names, q["article"], spk)
        if eid is None:
            continue
        q["speaker"] = eid
        if own:
            continue
        mine = spans[(eid, q["article"])]
        if not any(ms < t and me > s for ms, me in mine):
            by_id[eid]["mentions"].append({"article": q["article"], "start": s, "end": t, "text": literal})
            by_article[q["article"]].append((s, t, eid))
            mine.append((s, t))
    for e in entities:
        e["mentions"].sort(key=lambda m: (m["article"], m["start"], m["end"]))


def _entity_named(names: dict, article: str, name: str) -> str | None:
    forms = _name_forms(name)
    for f in forms:
        eid = names.get((article, f))
        if eid is not None:
            return eid
    # "Mr. Tom Roe" when the article's mentions say "Roe": the last word of the name
    words = forms[-1].split() if forms else []
    if len(words) > 1:
        return names.get((article, words[-1]))
    return None


@dataclass
class Annotations:
    """What the per-article components found on one article (its Doc is not kept). Small and
    picklable: this is what a worker process sends back."""

    article: str
    times: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    features: object = None  # stories.ArticleFeatures
    loaded_pos: dict = field(default_factory=dict)  # framing.parsed_pos: lexicon hit start -> tag
    loaded_ext: dict = field(default_factory=dict)  # framing.parsed_extents: hit start -> (start, end)


def annotate_article(article: Article, doc) -> Annotations:
    """Run every per-article component on one parsed article (``doc`` None: not English, so
    times and story features only)."""
    from ..events import find_events
    from ..framing.lexicon import lexicon
    from ..framing.loaded import parsed_extents, parsed_pos
    from ..stories import feature_extractor
    from .entities import find_mentions
    from .quotes import find_quotes
    from .times import find_times

    times = find_times(article, doc)
    out = Annotations(article.id, times=times, features=feature_extractor(article, doc))
    if doc is not None:
        out.quotes = find_quotes(article, doc)
        out.mentions = find_mentions(article, doc)
        out.events = find_events(article, doc, times, out.mentions)
        hits = lexicon().find(doc.text)
        out.loaded_pos = parsed_pos(doc, hits=hits)
        out.loaded_ext = parsed_extents(doc, hits=hits)
    return out


def annotate_chunk(articles: list[Article], batch_size: int = 32) -> list[Annotations]:
    """Parse and annotate a few articles in this process; the Docs are dropped on return."""
    return [annotate_article(a, doc) for a, doc in parse(articles, batch_size=batch_size)]


def start_workers(workers: int | None = None):
    """A pool of ``workers`` processes (None: all cores) for ``annotate``, each loading the model
    as it starts; None for one worker. Started early (while the inputs are still being read, see
    ``pipeline.analyze``), their seconds of start-up (interpreter, spaCy, torch, the model) pass
    while this process reads instead of before the first parse."""
    import multiprocessing as mp

    n = workers or os.cpu_count() or 1
    if n <= 1:
        return None
    # spawn, not fork: a worker starts from a clean interpreter and never copies the parent's
    # (corpus-sized) heap; the model is loaded once per worker by the initializer
    return mp.get_context("spawn").Pool(n, initializer=worker_init)


def annotate(articles: list[Article], *, workers: int | None = None, chunk: int | None = None,
             batch_size: int = 32, held: Collection[str] = (),
             meanwhile: Callable[[], None] | None = None, pool=None,
             keep: bool = False) -> Iterator[Annotations]:
    """Annotations of each article, in the articles' order.

    ``workers`` processes (None: all cores) each load the model once and annotate chunks of
    about ``chunk`` articles (None: ``CHUNK``; the articles of one text in one chunk, parsed
    once); only the compact annotations come back. At most two chunks per worker are in flight, so memory does not grow with the corpus. One worker (or
    one chunk): all in this process. The results do not depend on the number of workers.

    ``meanwhile``: work for this process while the workers parse (the reuse stage: one core's
    work, which would otherwise leave the other core idle before the parse starts). It runs in a
    thread; the articles whose ids are in ``held`` are sent to the workers only once it has
    returned (the undated ones, which it may date), the others from the start. With one worker
    it simply runs first. An exception it raises is raised here.

    ``pool``: a pool from ``start_workers`` to use (its processes are the workers); it is
    terminated once the results are in, or when they are not needed (one chunk), unless ``keep``:
    then it is left running for the caller's next call, and used even for one chunk (the store's
    ``add`` sends its batches to one pool).
    """
    chunk = chunk or CHUNK
    chunks = _grouped([a for a in articles if a.id not in held], chunk)  # no held one in them
    late = _grouped([a for a in articles if a.id in held], chunk)
    n = min(pool._processes if pool is not None else workers or os.cpu_count() or 1,
            len(chunks) + len(late))
    position = {a.id: k for k, a in enumerate(articles)}
    done: dict[int, Annotations] = {}
    nxt = 0

    def ready() -> Iterator[Annotations]:  # the results that come next in the articles' order
        nonlocal nxt
        while nxt in done:
            yield done.pop(nxt)
            nxt += 1

    if keep and pool is not None:
        n = max(n, 2)
    if n <= 1:
        if pool is not None:
            pool.terminate()
        if meanwhile is not None:
            meanwhile()
        for part in _grouped(articles, chunk):
            for ann in annotate_chunk(part, batch_size):
                done[position[ann.article]] = ann
            yield from ready()
        return
    import threading

    failed: list[BaseException] = []

    def run() -> None:
        try:
            meanwhile()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            failed.append(exc)

    side = threading.Thread(target=run, name="rashomon-meanwhile", daemon=True) if meanwhile else None
    from contextlib import nullcontext

    owned = nullcontext(pool) if keep and pool is not None else pool if pool is not None else start_workers(n)
    with owned as pool:  # terminated on leaving, unless kept
        pending: deque = deque()

        def collect() -> Iterator[Annotations]:
            for ann in pending.popleft().get():
                done[position[ann.article]] = ann
            yield from ready()

        for k, part in enumerate(chunks + late):
            if k == len(chunks) and side is not None:  # the held articles wait for ``meanwhile``
                if side.ident is None:
                    side.start()
                while side.is_alive():
                    side.join(0.05)
                    if pending and pending[0].ready():
                        yield from collect()
                if failed:
                    raise failed[0]
            pending.append(pool.apply_async(annotate_chunk, (part, batch_size)))
            if side is not None and not side.is_alive() and side.ident is None:
                side.start()  # once the workers have their first chunks
            if len(pending) >= 2 * n:
                yield from collect()
        if side is not None:
            if side.ident is None:
                side.start()
            side.join()
            if failed:
                raise failed[0]
        while pending:
            yield from collect()
    yield from ready()


class _Shared:
    """One object per distinct feature key and per distinct weight across the corpus: the story
    features of 100,000 articles hold the same few words and counts again and again (interning
    them halves what the features take in memory)."""

    def __init__(self):
        self.values: dict[float, float] = {}

    def compact(self, features) -> None:
        for name in ("words", "entities"):
            terms = getattr(features, name)
            setattr(features, name, {sys.intern(k): self.values.setdefault(v, v) for k, v in terms.items()})


def nlp_stage(analysis: Analysis, ctx: dict, *, batch_size: int = 32,
              meanwhile: Callable[[], None] | None = None, merge: bool = True) -> None:
    """Fill times, quotes, entities and events; leave story features in ``ctx["story_features"]``,
    the parser's tags of loaded-terms hits in ``ctx["loaded_pos"]`` (article id -> start -> tag)
    and the phrases the parse extends them to in ``ctx["loaded_ext"]`` (article id -> start ->
    (start, end)).

    ``ctx["workers"]``: processes for the per-article analysis (None: all cores);
    ``ctx["pool"]``: their pool when already started (``start_workers``; taken from ``ctx``).
    ``meanwhile``: the reuse stage, run in this process while the workers parse; it may date
    undated articles (copies of dated ones), so those are parsed after it (see ``annotate``).
    ``merge=False``: the event mentions are left in ``ctx["event_mentions"]`` unmerged (the
    pipeline merges them once, after the story dates have dated more of them)."""
    from ..events import merge_events
    from .entities import resolve_entities

    mentions = []
    event_mentions: list[dict] = []
    features = []
    loaded_pos: dict[str, dict[int, str]] = {}
    loaded_ext: dict[str, dict[int, tuple[int, int]]] = {}
    shared = _Shared()
    english = {a.id for a in analysis.articles if a.language in ENGLISH}
    held = {a.id for a in analysis.articles if not a.published} if meanwhile else set()
    stream = annotate(analysis.articles, workers=ctx.get("workers"), batch_size=batch_size,
                      held=held, meanwhile=meanwhile, pool=ctx.pop("pool", None))
    if ctx.get("progress"):
        from tqdm import tqdm

        stream = tqdm(stream, total=len(analysis.articles), desc="analysing", unit=" articles", leave=False)
    for article, ann in zip(analysis.articles, stream):
        analysis.times.extend(ann.times)
        shared.compact(ann.features)
        features.append(ann.features)
        if article.id not in english:
            continue
        analysis.quotes.extend(ann.quotes)
        if ann.loaded_pos:
            loaded_pos[article.id] = ann.loaded_pos
        if ann.loaded_ext:
            loaded_ext[article.id] = ann.loaded_ext
        mentions.append((article, ann.mentions))
        event_mentions.extend(ann.events)
    analysis.entities = resolve_entities(mentions)
    link_speakers(analysis.quotes, analysis.entities, {a.id: a.text for a in analysis.articles})
    for q in analysis.quotes:  # the contract's Quote; offsets of speaker and cue stay as added fields
        q.setdefault("speaker", None)
    if merge:
        analysis.events = merge_events(event_mentions, analysis.entities)
    ctx["story_features"] = features
    ctx["event_mentions"] = event_mentions
    ctx["loaded_pos"] = loaded_pos
    ctx["loaded_ext"] = loaded_ext
