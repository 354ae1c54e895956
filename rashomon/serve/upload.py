"""``POST /articles``: check what was sent, write it to a temporary folder, ``Store.add`` it.

Two bodies are accepted. JSON: ``{"articles": [{"text" or "html", "title"?, "outlet"?,
"published"?, "url"?, "byline"?, "id"?}, ...]}``, the JSONL reader's fields, each checked here
so that a bad record gives a 422 naming it (``articles[2].published: ...``) instead of a silent
rejection. Multipart: one or more files (any format ``rashomon add`` reads), their names
reduced to safe base names. Either way the records become files in a fresh temporary folder
that ``Store.add`` reads, so an HTTP add is exactly a ``rashomon add``: same readers, same
pipeline, same idempotence. Rejections the readers make (an empty file, a bad CSV row) are
returned with the upload's own names.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from ..ingest.readers import normalize_date

MAX_RECORDS = 1000
MAX_FILES = 100
TEXT_FIELDS = ("text", "html")
META_FIELDS = ("id", "title", "outlet", "published", "url", "byline")


class Invalid(ValueError):
    """The body cannot be added as sent: the message names the record and the field (a 422)."""


def check_records(body: object) -> list[dict]:
    """The JSON body's records, checked; raise :class:`Invalid` at the first problem."""
    if not isinstance(body, dict) or not isinstance(body.get("articles"), list):
        raise Invalid('the body must be a JSON object {"articles": [{"text": ..., ...}, ...]}')
    records = body["articles"]
    extra = sorted(set(body) - {"articles"})
    if extra:
        raise Invalid(f"unknown top-level field {extra[0]!r}: only 'articles' is allowed")
    if not records:
        raise Invalid("'articles' is empty: send at least one article")
    if len(records) > MAX_RECORDS:
        raise Invalid(f"'articles' holds {len(records)} records; send at most {MAX_RECORDS} per request")
    for i, rec in enumerate(records):
        where = f"articles[{i}]"
        if not isinstance(rec, dict):
            raise Invalid(f"{where}: not an object")
        unknown = sorted(set(rec) - set(TEXT_FIELDS) - set(META_FIELDS))
        if unknown:
            raise Invalid(f"{where}.{unknown[0]}: unknown field (allowed: {', '.join(TEXT_FIELDS + META_FIELDS)})")
        for name in TEXT_FIELDS + META_FIELDS:
            if rec.get(name) is not None and not isinstance(rec[name], str):
                raise Invalid(f"{where}.{name}: must be a string, not {type(rec[name]).__name__}")
        if not any((rec.get(k) or "").strip() for k in TEXT_FIELDS):
            raise Invalid(f"{where}: needs a non-empty 'text' (or 'html')")
        if rec.get("published") and normalize_date(rec["published"]) is None:
            raise Invalid(f"{where}.published: {rec['published']!r} is not a date (e.g. 2025-03-09 or an ISO timestamp)")
    return records


def safe_name(name: str | None, n: int, taken: set[str]) -> str:
    """A file name from an upload, safe to create in our folder: the base name only, characters
    outside ``[A-Za-z0-9._-]`` replaced, no leading dot (hidden files are skipped by ``add``),
    at most 100 characters, unique within the request."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".")[-100:] or f"upload-{n}.txt"
    stem, dot, ext = base.rpartition(".")
    out, k = base, 1
    while out.lower() in taken:
        k += 1
        out = f"{stem}-{k}.{ext}" if dot else f"{base}-{k}"
    taken.add(out.lower())
    return out


def run_add(store, files: list[tuple[str, bytes]], labels: dict[str, str]) -> dict:
    """Write ``files`` (name, content) to a temporary folder, add it to ``store``; the result with
    paths replaced by ``labels`` (file name -> what the client called it)."""
    with tempfile.TemporaryDirectory(prefix="rashomon-upload-") as tmp:
        for name, content in files:
            Path(tmp, name).write_bytes(content)
        res = store.add([tmp])
        counts = store.counts()

    def label(path: str) -> str:
        return labels.get(os.path.relpath(path, tmp), os.path.basename(path))

    def where(r) -> str:
        name = label(r.source.path)
        if r.source.index is None:
            return name
        return f"articles[{r.source.index}]" if name == "articles" else f"{name}#{r.source.index}"

    rejected = [{"source": where(r), "reason": r.reason} for r in res.rejected]
    return {"new": res.new, "added": len(res.new), "present": res.present, "rejected": rejected,
            "store": counts}


def json_files(records: list[dict]) -> tuple[list[tuple[str, bytes]], dict[str, str]]:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    return [("articles.jsonl", data)], {"articles.jsonl": "articles"}
