"""From one RawDoc to Articles: extract, clean, split, metadata. (stub)"""
from __future__ import annotations

from collections.abc import Iterator

from ..model import Article, RawDoc, Rejection, Source, content_id


def build(raw: RawDoc) -> Iterator[Article | Rejection]:
    text = " ".join(raw.content.split())
    if not text:
        yield Rejection(raw.source, "no text")
        return
    yield Article(id=raw.meta.get("id") or content_id(text), source=Source(raw.source.path, raw.source.index or 0), text=text)
