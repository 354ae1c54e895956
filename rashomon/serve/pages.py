"""The read routes: each a page and its JSON twin (``/X`` and ``/api/X``, see ``rashomon.serve.app``).

| page | what |
|---|---|
| ``/stories?q=&from=&to=&page=`` | stories, largest first; ``q`` in the title, dates overlapping |
| ``/stories/{id}`` | one story: sections, articles, quotes by speaker, reuse, storylines |
| ``/storylines``, ``/storylines/{id}`` | storylines and their linked stories |
| ``/articles/{id}`` | one article, its annotations highlighted in the text |
| ``/entities?q=``, ``/entities/{id}`` | entities; one with its mentions by outlet and each outlet's names |
| ``/search?q=&kind=&from=&to=&page=`` | full-text search over articles and quotes |

No ``from __future__ import annotations`` here: FastAPI reads the parameters' annotations
through the ``twin`` wrappers, which live in another module.
"""
import re

from fastapi import Query, Request
from starlette.exceptions import HTTPException

from .render import annotated_text, quotes_by_speaker, story_sections

DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
SEARCH_PAGE = 20


def _date(name: str, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not DATE.fullmatch(value.strip()):
        raise HTTPException(422, f"{name}: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return value.strip()


PageNo = Query(1, ge=1, le=100_000, description="page number, from 1")
Text = Query("", max_length=500)


def register(app) -> None:
    twin, reader, index = app.state.twin, app.state.reader, app.state.index

    def story_extras(d):
        outlets = {a["id"]: a["outlet"] for a in d["articles"]}
        return {"sections": story_sections(d["story"]), "outlets": outlets,
                "speakers": quotes_by_speaker(d["quotes"], d["speakers"], outlets)}

    def article_extras(d):
        a = d["article"]
        return {"text": annotated_text(a["text"], d["quotes"], d["mentions"], d["times"], a.get("loaded", []))}

    @twin("/stories", "stories.html", summary="Stories, largest first, filtered by title and dates")
    def stories(request: Request, q: str = Text, date_from: str = Query(None, alias="from"),
                date_to: str = Query(None, alias="to"), page: int = PageNo):
        return reader().stories(q.strip(), _date("from", date_from), _date("to", date_to), page)

    @twin("/stories/{story_id}", "story.html", story_extras, summary="One story (id or unique id prefix)")
    def story(request: Request, story_id: str):
        return reader().story(story_id)

    @twin("/storylines", "storylines.html", summary="Storylines, latest first")
    def storylines(request: Request, page: int = PageNo):
        return reader().storylines(page)

    @twin("/storylines/{storyline_id}", "storyline.html", summary="One storyline")
    def storyline(request: Request, storyline_id: str):
        return reader().storyline(storyline_id)

    @twin("/articles/{article_id}", "article.html", article_extras, summary="One article with its annotations")
    def article(request: Request, article_id: str):
        return reader().article(article_id)

    @twin("/entities", "entities.html", summary="Entities, most mentioned first, filtered by name")
    def entities(request: Request, q: str = Text, page: int = PageNo):
        return reader().entities(q.strip(), page)

    @twin("/entities/{entity_id}", "entity.html", summary="One entity: mentions by outlet, names, quotes")
    def entity(request: Request, entity_id: str):
        return reader().entity(entity_id)

    @twin("/search", "search.html", summary="Full-text search over articles and quotes")
    def search(request: Request, q: str = Text,
               kind: str = Query("all", pattern="^(all|article|quote)$", description="all, article or quote"),
               date_from: str = Query(None, alias="from"), date_to: str = Query(None, alias="to"),
               page: int = PageNo):
        dfrom, dto = _date("from", date_from), _date("to", date_to)
        hits, more = index.search(q, kind=kind, date_from=dfrom, date_to=dto,
                                  limit=SEARCH_PAGE, offset=(page - 1) * SEARCH_PAGE)
        missing = {h["article"] for h in hits if not h["title"]}
        if missing:
            titles = reader().titles(missing)
            for h in hits:
                h["title"] = h["title"] or titles.get(h["article"])
        return {"hits": hits, "more": more, "page": page, "page_size": SEARCH_PAGE,
                "query": {"q": q, "kind": kind, "from": dfrom, "to": dto}}
