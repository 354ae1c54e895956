"""The FastAPI application: page/JSON twins, errors, the write route, static files.

Every page ``/X`` has a JSON twin ``/api/X`` with the same path and query parameters, computed by
the same function (``twin``): the HTML page renders exactly the data the API returns. Errors
are JSON under ``/api`` and for writes (``{"detail": "..."}``), an HTML page elsewhere; bad
input is a 4xx naming the parameter or record, never a 500.

Concurrency: request handlers run in a thread pool. Reads use one DuckDB cursor per thread
(``Reader``); ``POST /articles`` holds the write lock while it adds and re-indexes (a second
write meanwhile gets 503), and reads go on during it (DuckDB's MVCC: they see the last commit).
"""
from __future__ import annotations

import functools
import json
import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader
from starlette.exceptions import HTTPException

from .cache import PageCache, size_from_env
from .queries import NotFound, Reader
from .search import SearchIndex
from .security import MAX_BODY, GuardMiddleware, check_write
from .upload import MAX_FILES, Invalid, check_records, json_files, run_add, safe_name

HERE = Path(__file__).parent
POST_BODY_DOC = {
    "required": True,
    "content": {
        "application/json": {"schema": {
            "type": "object", "required": ["articles"], "additionalProperties": False,
            "properties": {"articles": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {
                "type": "object", "additionalProperties": False,
                "properties": {k: {"type": "string"} for k in
                               ("text", "html", "id", "title", "outlet", "published", "url", "byline")}}}}}},
        "multipart/form-data": {"schema": {
            "type": "object", "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
    },
}


def create_app(store, *, token: str | None = None, index_path: str | None = None,
               max_body: int = MAX_BODY, cache_size: int | None = None) -> FastAPI:
    """The application over an open ``Store``; writes allowed only with ``token``. The search
    index (``index_path``, default ``<db>.search.sqlite``) is brought up to date here; page and
    JSON bodies are cached (``cache_size`` entries, default from ``RASHOMON_SERVE_CACHE``; see
    ``cache``)."""
    app = FastAPI(title="rashomon", description="Stories, articles, quotes and entities of a rashomon store.",
                  docs_url=None, redoc_url=None)  # the docs UIs load assets from a CDN
    index = SearchIndex(index_path or store.path + ".search.sqlite")
    index.sync(store.con)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    base_cursor, cursor_lock, local = store.con.cursor(), threading.Lock(), threading.local()
    write_lock = threading.Lock()
    cache = PageCache(size_from_env() if cache_size is None else cache_size)

    def reader() -> Reader:
        if getattr(local, "reader", None) is None:
            with cursor_lock:
                local.reader = Reader(store, base_cursor.cursor())
        return local.reader

    def twin(path: str, template: str, extras=None, **route):
        """Register ``fn`` (returning a JSON-ready dict, or JSON as bytes) at ``/api`` + path as JSON
        and at path as the page ``template`` (which also gets ``extras(data)``). Both bodies are
        cached, by kind, path and query."""
        def deco(fn):
            def data_of(kwargs: dict):
                data = fn(**kwargs)
                return json.loads(data) if isinstance(data, bytes) else data

            def json_body(kwargs: dict) -> bytes:
                data = fn(**kwargs)
                return data if isinstance(data, bytes) else JSONResponse(data).body

            def key(kind: str, request: Request) -> tuple:
                return kind, request.url.path, request.url.query

            @functools.wraps(fn)
            def as_json(**kwargs):
                body = cache.get(key("json", kwargs["request"]), lambda: json_body(kwargs))
                return Response(body, media_type="application/json")

            @functools.wraps(fn)
            def as_html(**kwargs):
                request: Request = kwargs["request"]

                def render() -> bytes:
                    data = data_of(kwargs)
                    api = "/api" + request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    ctx = {"d": data, "x": extras(data) if extras else {}, "api_url": api,
                           "request": request, "writable": bool(token)}
                    return env.get_template(template).render(ctx).encode()
                return HTMLResponse(cache.get(key("html", request), render))

            app.get("/api" + path, tags=["api"], **route)(as_json)
            app.get(path, tags=["pages"], response_class=HTMLResponse, **route)(as_html)
            return fn
        return deco

    app.state.reader, app.state.index, app.state.twin = reader, index, twin
    from .pages import register

    register(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/", include_in_schema=False)
    def home():
        return RedirectResponse("/stories")

    @app.post("/articles", tags=["api"], openapi_extra={"requestBody": POST_BODY_DOC},
              summary="Add articles (JSON records or uploaded files) as `rashomon add` does")
    async def post_articles(request: Request):
        check_write(token, request.headers.get("authorization"))
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/json":
            files, labels = json_files(check_records(_json(await request.body())))
        elif ctype == "multipart/form-data":
            files, labels = await _uploads(request)
        else:
            raise HTTPException(415, "send application/json ({\"articles\": [...]}) or multipart/form-data files")
        if not write_lock.acquire(blocking=False):
            raise HTTPException(503, "another POST /articles is being added; retry when it is done",
                                headers={"Retry-After": "10"})
        try:
            def add():
                with cache.writing():
                    res = run_add(store, files, labels)
                    res["indexed"] = index.sync(store.con)
                    return res
            result = await run_in_threadpool(add)
        finally:
            write_lock.release()
        return JSONResponse(result, status_code=201 if result["added"] else 200)

    _errors(app, env)
    app.add_middleware(GuardMiddleware, max_body=max_body)
    return app


def _json(body: bytes):
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise HTTPException(400, "the body is not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise HTTPException(400, f"malformed JSON: {e.msg} at line {e.lineno} column {e.colno}") from None


async def _uploads(request: Request) -> tuple[list[tuple[str, bytes]], dict[str, str]]:
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FILES)
    except HTTPException:
        raise
    except Exception as e:  # python-multipart's parse errors
        raise HTTPException(400, f"malformed multipart body: {e}") from None
    files, labels, taken = [], {}, set()
    for n, (field, value) in enumerate(form.multi_items()):
        if isinstance(value, str):
            raise Invalid(f"form field {field!r} is not a file: upload files (any field name)")
        name = safe_name(value.filename, n, taken)
        files.append((name, await value.read()))
        labels[name] = value.filename or name
    if not files:
        raise Invalid("no files in the upload")
    return files, labels


def _errors(app: FastAPI, env: Environment) -> None:
    def respond(request: Request, status: int, detail: str, headers=None):
        if request.url.path.startswith("/api") or request.method != "GET":
            return JSONResponse({"detail": detail}, status_code=status, headers=headers)
        html = env.get_template("error.html").render({"status": status, "detail": detail, "request": request})
        return HTMLResponse(html, status_code=status, headers=headers)

    @app.exception_handler(HTTPException)
    async def http_error(request, exc):
        return respond(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(NotFound)
    async def not_found(request, exc):
        return respond(request, 404, str(exc))

    @app.exception_handler(Invalid)
    async def invalid(request, exc):
        return respond(request, 422, str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_params(request, exc):
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path"))
            parts.append(f"{where}: {e.get('msg')}")
        return respond(request, 422, "; ".join(parts) or "invalid request")
