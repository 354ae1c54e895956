"""What one story's page shows, prepared from the analysis: a view the template only prints.

``Corpus`` indexes the analysis once (articles, entities, events and reuse pairs by article,
storylines by story), so that building a story's page costs in proportion to that story and
its articles, never to the whole corpus. ``story_page`` then resolves every pointer of the
story (article ids, offsets, entity and event ids) to the text it points to; a dangling pointer
is shown as such rather than dropped or raised.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Analysis, Article
from .charts import Chart, ChartRow, date_chart
from .common import article_date, display_title, plain, short, story_file
from .reuse_graph import reuse_graph

CONTEXT_CHARS = 60  # text shown on each side of a loaded phrase


@dataclass
class StoryArticle:
    """An article of the story, numbered in date order on the page."""

    number: int
    id: str
    article: Article | None
    label: str  # outlet, else title
    title: str
    date: str | None


@dataclass
class SourceView:
    """A span of an article that a sentence, claim or timeline entry rests on."""

    ref: StoryArticle | None  # None: the article is not in the analysis
    article_id: str
    text: str | None  # the span's text; None when the offsets do not fit the article


@dataclass
class Sentence:
    text: str
    sources: list[SourceView]


@dataclass
class TimelineRow:
    date: str | None
    text: str
    kind: str  # "entry" (the story's timeline) or "event" (an event of analysis.events)
    sources: list[SourceView]

    @property
    def by_article(self) -> list[tuple[SourceView, str]]:
        """One (first source, all its span texts joined) per article, in order of citation."""
        groups: dict[str, list[SourceView]] = {}
        for src in self.sources:
            groups.setdefault(src.article_id, []).append(src)
        return [(g[0], " … ".join(x.text for x in g if x.text)) for g in groups.values()]


@dataclass
class StoryPage:
    story: dict
    file: str
    title: str
    articles: list[StoryArticle]
    outlets: int
    summary: list[Sentence]
    fact_rows: list[tuple[str, list[str], int]]  # (fact, per article "reported"/"omitted"/"", reported count)
    fact_totals: list[int]  # per article: facts it reports
    conflicts: list[tuple[str, list[tuple[SourceView, str]]]]  # (topic, [(claim span, claim text)])
    framing_columns: list[StoryArticle]
    framing_rows: list[tuple[str, str, list[list[str]]]]  # (entity name, entity id, per column terms)
    loaded: list[tuple[StoryArticle, str, str | None, str, str]]  # (article, phrase, neutral, before, after)
    graph: Any  # reuse_graph's drawing, its article nodes numbered as ``articles``
    timeline: list[TimelineRow]  # the story's entries and its dated events, drawn in ``chart``
    undated_events: list[TimelineRow]  # listed, not drawn: they have no place on a date axis
    chart: Chart | None
    storylines: list[dict] = field(default_factory=list)  # {title, before: [(file, title, relation)], after: [...]}


class Corpus:
    """The analysis indexed once for building many story pages."""

    def __init__(self, analysis: Analysis):
        self.by_id: dict[str, Article] = {a.id: a for a in analysis.articles}
        self.entity_names = {e.get("id"): e.get("name") or e.get("id")
                             for e in map(plain, analysis.entities)}
        self.stories = [plain(s) for s in analysis.stories]
        self.story_by_id = {s.get("id"): s for s in self.stories}
        self.story_titles = {s.get("id"): s.get("title") or s.get("id") for s in self.stories}
        self.events: dict[str, dict] = {}
        self.events_by_article: dict[str, list[str]] = {}
        for e in map(plain, analysis.events):
            self.events[e.get("id")] = e
            for m in e.get("mentions") or []:
                ids = self.events_by_article.setdefault(m.get("article"), [])
                if not ids or ids[-1] != e.get("id"):
                    ids.append(e.get("id"))
        self.reuse_by_article: dict[str, list[dict]] = {}
        for r in map(plain, analysis.reuse):
            for k in {r.get("a"), r.get("b")}:
                self.reuse_by_article.setdefault(k, []).append(r)
        self.lines_by_story: dict[str, list[dict]] = {}
        for line in map(plain, analysis.storylines):
            for sid in line.get("stories") or []:
                self.lines_by_story.setdefault(sid, []).append(line)

    def event_label(self, e: dict) -> str:
        """A label such as "ATTACK: Army → Rebels, in Portvale (14 killed)" from an event's ids."""
        names = self.entity_names

        def who(ids: Any) -> str:
            return ", ".join(str(names.get(i, i)) for i in ids or [])

        text = str(e.get("type") or "event")
        actors, targets = who(e.get("actors")), who(e.get("targets"))
        if actors or targets:
            text += f": {actors or '?'}" + (f" → {targets}" if targets else "")
        if e.get("location"):
            text += f", in {names.get(e['location'], e['location'])}"
        tolls = [f"{e[k]} {k}" for k in ("killed", "injured") if isinstance(e.get(k), int)]
        return text + (f" ({', '.join(tolls)})" if tolls else "")


def _span_text(article: Article | None, start: Any, end: Any) -> str | None:
    if article is None or not isinstance(start, int) or not isinstance(end, int):
        return None
    if 0 <= start < end <= len(article.text):
        return article.text[start:end]
    return None


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """Up to CONTEXT_CHARS of text before and after a span, cut at a space."""
    before, after = text[max(0, start - CONTEXT_CHARS):start], text[end:end + CONTEXT_CHARS]
    if start > CONTEXT_CHARS and " " in before:
        before = "…" + before[before.index(" ") + 1:]
    if end + CONTEXT_CHARS < len(text) and " " in after:
        after = after[:after.rindex(" ")] + "…"
    return before, after


def _story_articles(ids: list[str], corpus: Corpus) -> list[StoryArticle]:
    """The story's articles, unknown ids included, numbered in date order (undated last)."""
    seen, rows = set(), []
    for aid in ids:
        if aid in seen:
            continue
        seen.add(aid)
        art = corpus.by_id.get(aid)
        title = display_title(art) if art else aid
        rows.append((article_date(art) or "9999", art.outlet if art and art.outlet else "", aid, art, title))
    rows.sort(key=lambda r: r[:3])
    return [StoryArticle(i, aid, art, short(outlet or title, 22), title, article_date(art))
            for i, (_d, outlet, aid, art, title) in enumerate(rows, 1)]


def story_page(story: dict, corpus: Corpus) -> StoryPage:
    """Everything the story's page shows, resolved against the corpus."""
    arts = _story_articles(list(story.get("articles") or []), corpus)
    refs = {a.id: a for a in arts}

    def source(aid: Any, start: Any = None, end: Any = None) -> SourceView:
        ref = refs.get(aid)
        if ref is None and aid in corpus.by_id:  # cited though not listed among the story's articles
            ref = StoryArticle(0, aid, corpus.by_id[aid], short(corpus.by_id[aid].outlet or aid, 22),
                               display_title(corpus.by_id[aid]), article_date(corpus.by_id[aid]))
        return SourceView(ref, str(aid), _span_text(ref.article if ref else None, start, end))

    def sources(items: Any) -> list[SourceView]:
        return [source(s.get("article"), s.get("start"), s.get("end")) for s in items or []]

    summary = [Sentence(str(s.get("text") or ""), sources(s.get("sources"))) for s in story.get("summary") or []]

    fact_rows, totals = [], [0] * len(arts)
    for fact in story.get("facts") or []:
        rep, omit = set(fact.get("reported_by") or []), set(fact.get("omitted_by") or [])
        cells = ["reported" if a.id in rep else "omitted" if a.id in omit else "" for a in arts]
        for i, c in enumerate(cells):
            totals[i] += c == "reported"
        fact_rows.append((str(fact.get("text") or ""), cells, len(rep)))

    conflicts = []
    for c in story.get("conflicts") or []:
        claims = [(source(cl.get("article"), cl.get("start"), cl.get("end")), str(cl.get("text") or ""))
                  for cl in c.get("claims") or []]
        conflicts.append((str(c.get("topic") or "conflict"), claims))

    framing = story.get("framing") or []
    used = {aid for f in framing for aid in (f.get("terms") or {})}
    columns = [a for a in arts if a.id in used]
    columns += [source(aid).ref or StoryArticle(0, aid, None, short(aid, 22), aid, None)
                for aid in sorted(used - set(refs))]
    framing_rows = [(str(corpus.entity_names.get(f.get("entity"), f.get("entity"))), str(f.get("entity")),
                     [list((f.get("terms") or {}).get(c.id) or []) for c in columns]) for f in framing]

    loaded = []
    for a in arts:
        for x in a.article.loaded if a.article else []:
            if 0 <= x.start < x.end <= len(a.article.text):
                loaded.append((a, x.text, x.neutral, *_context(a.article.text, x.start, x.end)))

    pairs, seen = [], set()
    for a in arts:
        for r in corpus.reuse_by_article.get(a.id, []):
            if r.get("a") in refs and r.get("b") in refs and id(r) not in seen:
                seen.add(id(r))
                pairs.append(r)
    graph = reuse_graph(pairs, corpus.by_id, {a.id: a.number for a in arts})

    timeline, undated, rows = _timeline(story, arts, corpus, sources)
    page = StoryPage(
        story=story, file=story_file(str(story.get("id"))), title=str(story.get("title") or story.get("id")),
        articles=arts, outlets=len({a.article.outlet for a in arts if a.article and a.article.outlet}),
        summary=summary, fact_rows=fact_rows, fact_totals=totals, conflicts=conflicts,
        framing_columns=columns, framing_rows=framing_rows, loaded=loaded,
        graph=graph, timeline=timeline, undated_events=undated, chart=date_chart(rows))
    page.storylines = _storylines(str(story.get("id")), corpus)
    return page


def _timeline(story: dict, arts: list[StoryArticle], corpus: Corpus,
              sources) -> tuple[list[TimelineRow], list[TimelineRow], list[ChartRow]]:
    """The story's timeline entries and the dated events its articles report (those no entry
    already stands for) in date order, undated entries last; the undated events apart; and the
    chart rows drawn for the first list."""
    items: list[TimelineRow] = []
    linked = set()
    for t in story.get("timeline") or []:
        linked.add(t.get("event"))
        items.append(TimelineRow(t.get("date"), str(t.get("text") or ""), "entry", sources(t.get("sources"))))
    ids = {a.id for a in arts}
    event_ids: dict[str, None] = {}
    for a in arts:
        for eid in corpus.events_by_article.get(a.id, []):
            if eid not in linked:
                event_ids.setdefault(eid)
    for eid in event_ids:
        e = corpus.events[eid]
        mentions = [m for m in e.get("mentions") or [] if m.get("article") in ids]
        items.append(TimelineRow(e.get("date"), corpus.event_label(e), "event", sources(mentions)))
    items.sort(key=lambda r: (r.date is None, r.date or "", r.kind != "entry"))
    undated = [r for r in items if r.kind == "event" and r.date is None]
    items = [r for r in items if r.kind == "entry" or r.date is not None]
    rows = [ChartRow(r.text, f"{r.date or 'undated'}: {r.text}", r.date, kind=r.kind) for r in items]
    return items, undated, rows


def _storylines(sid: str, corpus: Corpus) -> list[dict]:
    """The storylines holding the story, with the stories it continues and that continue it."""
    out = []
    for line in corpus.lines_by_story.get(sid, []):
        def ref(other: str, relation: str) -> tuple[str, str, str]:
            return story_file(str(other)), str(corpus.story_titles.get(other, other)), relation

        links = line.get("links") or []
        out.append({
            "title": line.get("title") or line.get("id"), "id": line.get("id"),
            "count": len(line.get("stories") or []),
            "before": [ref(k.get("from"), str(k.get("relation") or "")) for k in links if k.get("to") == sid],
            "after": [ref(k.get("to"), str(k.get("relation") or "")) for k in links if k.get("from") == sid],
        })
    return out


def storyline_view(line: dict, corpus: Corpus) -> dict:
    """A storyline for the overview: its stories in order, each with the link that leads to it
    (relation and the earlier story's position), and the chart of them on a date axis."""
    ids = list(dict.fromkeys(line.get("stories") or []))
    pos = {s: i for i, s in enumerate(ids)}
    links = [(pos[k.get("from")], pos[k.get("to")], str(k.get("relation") or ""))
             for k in line.get("links") or [] if k.get("from") in pos and k.get("to") in pos]
    incoming = {b: (a, rel) for a, b, rel in links}
    items, rows = [], []
    for i, sid in enumerate(ids):
        s = corpus.story_by_id.get(sid)
        title = str((s or {}).get("title") or sid)
        n = len((s or {}).get("articles") or [])
        start, end = (s or {}).get("start"), (s or {}).get("end")
        href = f"stories/{story_file(str(sid))}" if s else None
        frm, relation = incoming.get(i, (None, None))
        items.append({"id": sid, "title": title, "href": href, "start": start, "end": end, "articles": n,
                      "relation": relation, "from": frm + 1 if frm is not None else None})
        rows.append(ChartRow(title, f"{i + 1}. {title} · {start or '?'} – {end or '?'} · {n} articles",
                             start, end, "story", href))
    return {"line": line, "items": items, "chart": date_chart(rows, links)}
