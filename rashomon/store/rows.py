"""Articles to rows and back; fast bulk inserts.

DuckDB's ``executemany`` costs about 0.3 ms a row; passing each column as one list parameter
and ``unnest``-ing them inserts hundreds of thousands of rows a second, so every multi-row write
goes through :func:`bulk_insert`.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from ..model import Article, Dateline, Loaded, Source

ARTICLE_COLUMNS = ("id", "seq", "status", "source_path", "source_index", "title", "outlet", "url",
                   "byline", "dateline", "published", "published_basis", "wire", "language", "text",
                   "removed", "loaded", "extra")
SELECT_ARTICLE = ("SELECT id, source_path, source_index, title, outlet, url, byline, dateline, "
                  "published, published_basis, wire, language, text, removed, loaded, extra FROM articles")


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def article_row(a: Article, seq: int, status: str = "pending") -> tuple:
    return (a.id, seq, status, a.source.path, a.source.index, a.title, a.outlet, a.url, a.byline,
            dumps(a.dateline.to_json()) if a.dateline else None, a.published, a.published_basis,
            list(a.wire), a.language, a.text, list(a.removed), dumps([x.to_json() for x in a.loaded]),
            dumps(a.extra))


def row_article(row: Sequence) -> Article:
    (aid, path, index, title, outlet, url, byline, dateline, published, basis, wire, language, text,
     removed, loaded, extra) = row
    dl = None
    if dateline is not None:
        d = json.loads(dateline)
        dl = Dateline(place=d.get("place"), date=d.get("date"), credit=d.get("credit"),
                      start=d.get("start"), end=d.get("end"))
    return Article(id=aid, source=Source(path, index), text=text, title=title, outlet=outlet, url=url,
                   byline=byline, dateline=dl, published=published, published_basis=basis,
                   wire=list(wire or []), language=language, removed=list(removed or []),
                   loaded=[Loaded(**x) for x in json.loads(loaded or "[]")],
                   extra=json.loads(extra or "{}"))


def bulk_insert(con, table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in one statement."""
    if not rows:
        return
    cols = list(zip(*rows))
    select = ", ".join(f"unnest(${i + 1}) AS {c}" for i, c in enumerate(columns))
    con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select}", [list(c) for c in cols])


FEATURES_BUDGET = 3000  # articles whose features (or texts) one group of stories loads at a time


def member_groups(keys: Sequence[int], size: Callable[[int], int], budget: int | None = None,
                  most: int | None = None) -> list[list[int]]:
    """``keys`` (of stories) in order, cut into groups of at most ``budget`` members in all
    (``FEATURES_BUDGET``; a bigger story alone) and at most ``most`` stories (no limit: None)."""
    budget = FEATURES_BUDGET if budget is None else budget
    groups: list[list[int]] = []
    total = 0
    for k in keys:
        n = size(k)
        if groups and total + n <= budget and (most is None or len(groups[-1]) < most):
            groups[-1].append(k)
            total += n
        else:
            groups.append([k])
            total = n
    return groups
