"""``rashomon serve`` in-process: every route, its JSON twin, the error cases, auth, writes.

The example corpus is added to a store once per session (``example_db``; the spaCy pass is the
slow part); read tests share it read-only, write tests work on copies of it.
"""
import json
import shutil
from pathlib import Path

import pytest

from rashomon.serve.render import annotated_text
from rashomon.serve.search import fts_query, highlight
from rashomon.serve.security import CSP
from rashomon.serve.upload import safe_name
from rashomon.store import open_store

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
TOKEN = "s3cret-token"


def build_example_db(base: Path) -> Path:
    """The example corpus in a store under ``base`` (built once, then reused)."""
    db = base / "serve-example.duckdb"
    if not db.exists():
        with open_store(db) as s:
            s.add([CORPUS])
    return db


@pytest.fixture(scope="session")
def example_db(tmp_path_factory):
    return build_example_db(tmp_path_factory.getbasetemp())


def make_client(db, token=None, **kw):
    from fastapi.testclient import TestClient

    from rashomon.serve.app import create_app

    store = open_store(db, read_only=not token)
    return TestClient(create_app(store, token=token, **kw)), store


@pytest.fixture(scope="module")
def client(example_db):
    c, store = make_client(example_db)
    yield c
    store.close()


@pytest.fixture
def writable(example_db, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(example_db, db)
    c, store = make_client(db, token=TOKEN)
    yield c
    store.close()


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _stories(client, **params):
    r = client.get("/api/stories", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_serve_story_list_filters_by_title_and_date(client):
    every = _stories(client)
    assert every["total"] == len(every["stories"]) >= 4
    assert every["stories"][0]["articles"] >= every["stories"][-1]["articles"]
    darsit = _stories(client, q="darsit")
    assert darsit["stories"] and all("darsit" in s["title"].lower() for s in darsit["stories"])
    spring = _stories(client, **{"from": "2025-04", "to": "2025-04-30"})
    assert spring["stories"] and all(s["start"] <= "2025-04-30" and (s["end"] or s["start"]) >= "2025-04"
                                     for s in spring["stories"])
    assert spring["total"] < every["total"]
    page = client.get("/stories", params={"q": "darsit"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for s in darsit["stories"]:
        assert f'href="/stories/{s["id"]}"' in page.text


def test_serve_story_page_and_its_json_twin_show_the_same_story(client):
    top = _stories(client)["stories"][0]
    data = client.get(f"/api/stories/{top['id']}").json()
    assert data["story"]["id"] == top["id"] and len(data["articles"]) == top["articles"]
    assert data["quotes"], "the largest example story has quotes"
    page = client.get(f"/stories/{top['id'][:12]}")  # a unique prefix is enough
    assert page.status_code == 200
    html = page.text
    assert top["title"].replace("'", "&#39;") in html
    for a in data["articles"]:
        assert f'href="/articles/{a["id"]}"' in html
    assert f'href="/api/stories/{top["id"][:12]}"' in html  # the page links its twin
    assert "Who said what" in html and "Reused text" in html


def test_serve_unknown_ids_are_404_as_page_and_json(client):
    for path in ("/stories/story-nope", "/articles/a-nope", "/entities/e-nope", "/storylines/sl-nope"):
        assert client.get(path).status_code == 404
        r = client.get("/api" + path)
        assert r.status_code == 404 and "nope" in r.json()["detail"]
    assert client.get("/no/such/route").status_code == 404


def test_serve_article_page_highlights_its_annotations(client):
    story = client.get(f"/api/stories/{_stories(client)['stories'][0]['id']}").json()
    quote = story["quotes"][0]
    data = client.get(f"/api/articles/{quote['article']}").json()
    assert data["article"]["text"][quote["start"]:quote["end"]] == quote["text"]
    assert data["mentions"] and data["story"] == story["story"]["id"]
    html = client.get(f"/articles/{quote['article']}").text
    assert f'id="q-{quote["id"]}"' in html and 'class="a-q' in html
    entity = data["mentions"][0]["entity"]
    assert f'href="/entities/{entity}"' in html


def test_serve_entity_page_lists_outlets_and_their_names(client):
    ents = client.get("/api/entities").json()["entities"]
    top = ents[0]
    data = client.get(f"/api/entities/{top['id']}").json()
    assert data["entity"]["name"] == top["name"]
    names = {n["text"] for o in data["outlets"] for n in o["names"]}
    assert names <= {m["text"] for m in data["entity"]["mentions"]} and names
    assert sum(n["count"] for o in data["outlets"] for n in o["names"]) == len(data["entity"]["mentions"])
    assert len(data["outlets"]) >= 2
    html = client.get(f"/entities/{top['id']}").text
    assert data["outlets"][0]["outlet"].replace("'", "&#39;") in html
    assert client.get("/api/entities", params={"q": top["name"][:5]}).json()["total"] >= 1


def test_serve_storylines_link_their_stories(client):
    lines = client.get("/api/storylines").json()
    assert lines["total"] >= 1
    sl = lines["storylines"][0]
    one = client.get(f"/api/storylines/{sl['id']}").json()["storyline"]
    assert [s["id"] for s in one["story_items"]] == sl["stories"]
    html = client.get(f"/storylines/{sl['id']}").text
    assert all(f'href="/stories/{s}"' in html for s in sl["stories"])


def test_serve_search_finds_quotes_and_articles_with_escaped_snippets(client):
    quote = client.get(f"/api/stories/{_stories(client)['stories'][0]['id']}").json()["quotes"][0]
    words = " ".join(quote["text"].split()[2:5])
    hits = client.get("/api/search", params={"q": f'"{words}"', "kind": "quote"}).json()["hits"]
    assert quote["id"] in {h["ref"] for h in hits}
    assert all(h["kind"] == "quote" and "<mark>" in h["snippet"] for h in hits)
    arts = client.get("/api/search", params={"q": "Darsit", "kind": "article"}).json()["hits"]
    assert arts and all(h["kind"] == "article" and h["title"] for h in arts)
    dated = client.get("/api/search", params={"q": "Darsit", "from": "2025-09"}).json()["hits"]
    assert dated and all(h["published"] >= "2025-09" for h in dated) and len(dated) < len(arts) + 50
    page = client.get("/search", params={"q": words})
    assert page.status_code == 200 and "<mark>" in page.text


@pytest.mark.parametrize("q", ['"unbalanced', "AND OR NOT", "(darsit", "*", "NEAR(a b)", "x" * 500, "'; DROP"])
def test_serve_search_odd_queries_are_not_errors(client, q):
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 200, r.text


def test_serve_search_helpers_escape_and_quote():
    assert highlight("<b>\ue000x\ue001</b>") == "&lt;b&gt;<mark>x</mark>&lt;/b&gt;"
    assert fts_query('darsit "kel amir" NOT tru*') == '"darsit" "kel amir" "NOT" "tru"*'
    assert fts_query('" ( ) *') == ""


def test_serve_annotated_text_escapes_and_never_crosses_tags():
    text = "Ali <b>said</b> \"stop now\" on Sunday.\nNext & last."
    html = annotated_text(text, quotes=[{"id": "q1", "start": 15, "end": 26}],
                          mentions=[{"entity": "e-1", "name": "Ali", "type": "PERSON", "start": 0, "end": 3}],
                          times=[{"start": 30, "end": 36, "value": "2025-01-05"}],
                          loaded=[{"start": 20, "end": 33, "text": "now\" on Sun", "neutral": None}])
    assert "<b>" not in html and "&lt;b&gt;said&lt;/b&gt;" in html and "&amp; last" in html
    assert html.count("<p>") == 2 and '<a href="/entities/e-1"' in html and 'id="q-q1"' in html
    opened = []
    import re
    for tag in re.findall(r"</?(?:span|a|p)\b", html):  # well nested: every close matches the last open
        if tag.startswith("</"):
            assert opened.pop() == tag[2:]
        else:
            opened.append(tag[1:])
    assert not opened


def test_serve_security_headers_on_every_response(client):
    for path in ("/stories", "/api/stories", "/static/serve.css", "/nowhere", "/openapi.json", "/api/stories?page=x"):
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


def test_serve_openapi_documents_every_route(client):
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    for p in ("/stories", "/api/stories", "/stories/{story_id}", "/api/articles/{article_id}", "/api/search",
              "/api/entities/{entity_id}", "/api/storylines/{storyline_id}"):
        assert "get" in paths[p], p
    body = paths["/articles"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)


@pytest.mark.parametrize("params, where", [({"page": "0"}, "page"), ({"page": "x"}, "page"),
                                           ({"from": "March"}, "from"), ({"to": "2025-3-1"}, "to"),
                                           ({"q": "x" * 501}, "q")])
def test_serve_bad_query_parameters_are_422_naming_them(client, params, where):
    r = client.get("/api/stories", params=params)
    assert r.status_code == 422 and r.json()["detail"].startswith(where)
    assert client.get("/stories", params=params).status_code == 422
    assert client.get("/api/search", params={"q": "x", "kind": "poem"}).status_code == 422


def test_serve_writes_refused_when_read_only(client):
    r = client.post("/articles", json={"articles": [{"text": "x"}]}, headers=AUTH)
    assert r.status_code == 403 and "read-only" in r.json()["detail"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                                     {"Authorization": "Basic " + TOKEN}])
def test_serve_writes_need_the_bearer_token(writable, headers):
    r = writable.post("/articles", json={"articles": [{"text": "Some words."}]}, headers=headers)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("body, message", [
    ({"articles": []}, "'articles' is empty"),
    ([{"text": "x"}], "must be a JSON object"),
    ({"articles": [{"text": "ok"}], "more": 1}, "unknown top-level field 'more'"),
    ({"articles": [{"text": "ok"}, "str"]}, "articles[1]: not an object"),
    ({"articles": [{"text": "ok"}, {"title": "no body"}]}, "articles[1]: needs a non-empty 'text'"),
    ({"articles": [{"text": "ok", "published": "someday"}]}, "articles[0].published: 'someday' is not a date"),
    ({"articles": [{"text": "ok", "outlet": 7}]}, "articles[0].outlet: must be a string"),
    ({"articles": [{"text": "ok", "colour": "red"}]}, "articles[0].colour: unknown field"),
])
def test_serve_invalid_records_are_422_naming_record_and_field(writable, body, message):
    r = writable.post("/articles", json=body, headers=AUTH)
    assert r.status_code == 422 and message in r.json()["detail"], r.text


def test_serve_malformed_bodies_are_4xx(writable, example_db):
    r = writable.post("/articles", content=b'{"articles": [', headers=AUTH | {"content-type": "application/json"})
    assert r.status_code == 400 and "malformed JSON" in r.json()["detail"]
    r = writable.post("/articles", content=b"\xff\xfe", headers=AUTH | {"content-type": "application/json"})
    assert r.status_code == 400
    r = writable.post("/articles", content=b"text", headers=AUTH | {"content-type": "text/plain"})
    assert r.status_code == 415
    r = writable.post("/articles", content=b"--x\r\ngarbage", headers=AUTH | {"content-type": "multipart/form-data; boundary=x"})
    assert 400 <= r.status_code < 500
    r = writable.post("/articles", data={"field": "value"}, headers=AUTH)
    assert r.status_code == 415
    r = writable.post("/articles", files=[("field", (None, "value"))], headers=AUTH)
    assert r.status_code == 422 and "not a file" in r.json()["detail"]


def test_serve_body_over_the_limit_is_413(example_db, tmp_path):
    db = tmp_path / "small.duckdb"
    shutil.copy(example_db, db)
    c, store = make_client(db, token=TOKEN, max_body=1000)
    try:
        r = c.post("/articles", json={"articles": [{"text": "word " * 400}]}, headers=AUTH)
        assert r.status_code == 413 and "1000 bytes" in r.json()["detail"]
        chunks = (b"x" * 600 for _ in range(3))  # no Content-Length: counted as it streams
        r = c.post("/articles", content=chunks, headers=AUTH | {"content-type": "application/json"})
        assert r.status_code == 413
    finally:
        store.close()


NEW = {"title": "Ferry <script>alert(1)</script> crews vote on Portvale deal", "outlet": "The Quay Gazette",
       "published": "2025-06-20", "url": "https://quay.example/ferry",
       "text": ("PORTVALE - Ferry crews in Portvale voted on Friday to accept the harbour board's offer. "
                "\"We have <b>won</b> what we came for,\" union organiser Marit Olsdottir told reporters. "
                "The board said sailings would return to the full timetable next week.")}


def test_serve_post_json_adds_escapes_and_indexes(writable):
    r = writable.post("/articles", json={"articles": [NEW]}, headers=AUTH)
    assert r.status_code == 201, r.text
    res = r.json()
    assert res["added"] == 1 and res["indexed"] == 1 and res["rejected"] == []
    aid = res["new"][0]
    html = writable.get(f"/articles/{aid}").text
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>won</b>" not in html and "&lt;b&gt;won&lt;/b&gt;" in html
    hits = writable.get("/api/search", params={"q": "Olsdottir"}).json()["hits"]
    assert aid in {h["article"] for h in hits}
    again = writable.post("/articles", json={"articles": [NEW]}, headers=AUTH)
    assert again.status_code == 200 and again.json()["added"] == 0 and again.json()["present"] == 1


def test_serve_post_files_sanitises_names_and_reports_rejections(writable):
    files = [("files", ("../../etc/evil name.txt", NEW["text"].encode(), "text/plain")),
             ("files", (".hidden.txt", b"", "text/plain"))]
    r = writable.post("/articles", files=files, headers=AUTH)
    assert r.status_code == 201, r.text
    res = r.json()
    assert res["added"] == 1
    assert [x["source"] for x in res["rejected"]] == [".hidden.txt"]  # reported under the client's name
    assert "empty" in res["rejected"][0]["reason"]
    taken: set[str] = set()
    assert safe_name("../../etc/evil name.txt", 0, taken) == "evil_name.txt"
    assert safe_name("..\\..\\EVIL name.txt", 1, taken) == "EVIL_name-2.txt"
    assert safe_name("...", 2, taken) == "upload-2.txt"


def test_serve_index_catches_up_with_articles_added_while_stopped(example_db, tmp_path):
    db = tmp_path / "later.duckdb"
    shutil.copy(example_db, db)
    c, store = make_client(db, token=TOKEN)  # builds the index
    store.close()
    feed = tmp_path / "more.jsonl"
    feed.write_text(json.dumps(NEW | {"title": "Ferry deal", "text": NEW["text"].replace("Olsdottir", "Quennell")}) + "\n")
    with open_store(db) as s:  # `rashomon add` while the server is down
        s.add([feed])
    c, store = make_client(db)
    try:
        assert c.get("/api/search", params={"q": "Quennell"}).json()["hits"]
    finally:
        store.close()


def test_serve_cached_pages_are_refreshed_after_a_post_changes_them(tmp_path):
    db = tmp_path / "cached.duckdb"
    first = sorted(CORPUS.glob("0[1-3]*"))
    with open_store(db) as s:
        s.add(first)
    c, store = make_client(db, token=TOKEN, cache_size=256)
    try:
        before = {st["id"]: set(c.get(f"/api/stories/{st['id']}").json()["story"]["articles"])
                  for st in _stories(c)["stories"]}
        for sid in before:
            assert c.get(f"/stories/{sid}").status_code == 200  # pages and twins now cached
        rest = [p for p in sorted(CORPUS.iterdir()) if p.is_file() and p not in first]
        r = c.post("/articles", files=[("files", (p.name, p.read_bytes())) for p in rest], headers=AUTH)
        assert r.status_code == 201, r.text
        new = set(r.json()["new"])
        after = {st["id"]: st for st in _stories(c)["stories"]}  # the cached list is refreshed
        joined = [sid for sid in after if sid not in before]
        assert joined
        for sid in joined:
            page = c.get(f"/api/stories/{sid}").json()
            members = set(page["story"]["articles"])
            assert len(page["articles"]) == after[sid]["articles"] == len(members)
            assert f'href="/articles/{sorted(members)[0]}"' in c.get(f"/stories/{sid}").text
        grown = [sid for sid in joined if set(c.get(f"/api/stories/{sid}").json()["story"]["articles"]) - new
                 and set(c.get(f"/api/stories/{sid}").json()["story"]["articles"]) & new]
        assert grown, "a stored story took new articles"
        # a story's id is a hash of its articles: the old id of a grown story names nothing now,
        # though its page was cached
        gone = [sid for sid in before if sid not in after]
        assert gone
        for sid in gone:
            assert c.get(f"/api/stories/{sid}").status_code == 404 and c.get(f"/stories/{sid}").status_code == 404
    finally:
        store.close()


def test_serve_cache_keeps_nothing_computed_during_a_write():
    from rashomon.serve.cache import PageCache

    cache = PageCache(size=8, max_bytes=64)
    assert cache.get("a", lambda: b"old") == b"old" and cache.get("a", lambda: b"new") == b"old"
    with cache.writing():
        assert cache.get("a", lambda: b"mid") == b"mid"  # not served from the cache while writing
        assert cache.get("a", lambda: b"mid2") == b"mid2"  # nor kept
    assert len(cache) == 0 and cache.get("a", lambda: b"new") == b"new"

    def read_across_a_write():  # a read that started before a write and ends after it
        with cache.writing():
            pass
        return b"stale"
    assert cache.get("b", read_across_a_write) == b"stale" and cache.get("b", lambda: b"fresh") == b"fresh"
    for n in range(6):  # the byte bound evicts the least recently used
        cache.get(n, lambda: b"x" * 15)
    assert cache.bytes <= 64 and 0 not in cache._data and 5 in cache._data
