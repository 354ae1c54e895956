"""``rashomon serve``: a web app and HTTP API over the store (FastAPI, uvicorn).

Pages (server-rendered, jinja2 with autoescape) and their JSON twins: every page ``/X`` is also
``/api/X`` with the same parameters (``rashomon.serve.pages`` lists them); the OpenAPI document
is at ``/openapi.json``. Full-text search over articles and quotes uses an SQLite FTS5 index
kept beside the store in ``<db>.search.sqlite`` (``rashomon.serve.search`` says why FTS5 and
how it stays in step). ``POST /articles`` adds JSON records or uploaded files as ``rashomon add``
does (``rashomon.serve.upload``).

Writes and other processes. Without a token the store is opened read-only and every write is
refused (403). With ``--token`` (or ``RASHOMON_TOKEN``) the server opens the store for writing
and ``POST /articles`` needs ``Authorization: Bearer TOKEN``. DuckDB lets one process write a
store file (and, while it does, no other process may open it), so while the server runs,
``rashomon add`` on the same file fails to open it: add over HTTP instead (start the server
with a token), or stop the server, ``rashomon add``, and start it again (the search index
catches up at startup).

Safety: binds to 127.0.0.1 unless told otherwise; every response carries a strict
Content-Security-Policy and no page loads anything from elsewhere; all article text is escaped;
bodies above 20 MB get 413 (``rashomon.serve.security``).
"""
from __future__ import annotations

import sys

from ..errors import RashomonError

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def serve(db: str, host: str = "127.0.0.1", port: int = 8080, token: str | None = None,
          memory_limit: str | None = None) -> int:
    """Serve the store at ``db`` until interrupted; writes allowed only with ``token``;
    ``memory_limit`` bounds DuckDB's own memory (``open_store``)."""
    import uvicorn

    from ..store import StoreError, open_store
    from .app import create_app

    try:
        store = open_store(db, read_only=not token, memory_limit=memory_limit)
    except StoreError as e:
        raise RashomonError(f"{e} (is `rashomon add` or another server writing it?)" if "lock" in str(e).lower()
                            else str(e)) from e
    try:
        print(f"rashomon: indexing {db} for search...", file=sys.stderr, flush=True)
        app = create_app(store, token=token)
        mode = "writes need the bearer token" if token else "read-only"
        print(f"rashomon: serving {db} at http://{host}:{port}/ ({mode}); Ctrl-C stops", file=sys.stderr)
        if host not in LOOPBACK:
            print(f"rashomon: warning: bound to {host}, reachable from other machines", file=sys.stderr)
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close()
    return 0
