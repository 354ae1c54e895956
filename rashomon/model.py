"""The data model: what readers yield, what the pipeline builds, what analysis.json holds.

Annotations point into the article's cleaned ``text`` by character offsets (start, end; end
exclusive), as spaCy's Doc and Span do; the contract is ``rashomon/schema/analysis.schema.json``.
Every class converts to the contract's JSON with ``to_json()``.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = "1"

PUBLISHED_BASES = ("given", "explicit", "dateline", "inferred", "unknown")


@dataclass(frozen=True)
class Source:
    """Where an item came from: the input path as given and its index inside that file."""

    path: str
    index: int | None = None

    def to_json(self) -> dict:
        out: dict[str, Any] = {"path": self.path}
        if self.index is not None:
            out["index"] = self.index
        return out

    def __str__(self) -> str:
        return self.path if self.index is None else f"{self.path}#{self.index}"


@dataclass
class RawDoc:
    """One document as a reader found it, before cleaning.

    ``kind`` is "text" (plain text, possibly with site furniture) or "html" (markup to extract).
    ``meta`` holds what the container gave: id, title, url, outlet, published, byline.
    """

    source: Source
    content: str
    kind: str = "text"
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Rejection:
    """Input that could not be read, with the reason; the batch goes on without it."""

    source: Source
    reason: str

    def to_json(self) -> dict:
        return {"source": self.source.to_json(), "reason": self.reason}


@dataclass
class Dateline:
    place: str | None = None
    date: str | None = None
    credit: str | None = None  # the agency in "BAGHDAD (Reuters) -"
    start: int | None = None   # the dateline prefix's span in the article text
    end: int | None = None

    def to_json(self) -> dict:
        out = {"place": self.place, "date": self.date, "credit": self.credit}
        if self.end is not None:
            out["start"], out["end"] = self.start, self.end
        return out


@dataclass
class Loaded:
    start: int
    end: int
    text: str
    neutral: str | None = None
    quoted: bool = False  # inside a direct quotation: the speaker's wording, not the outlet's

    def to_json(self) -> dict:
        out = asdict(self)
        if not self.quoted:
            del out["quoted"]
        return out


@dataclass
class Article:
    id: str
    source: Source
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    byline: str | None = None
    dateline: Dateline | None = None
    published: str | None = None
    published_basis: str = "unknown"
    wire: list[str] = field(default_factory=list)
    language: str = "en"
    removed: list[str] = field(default_factory=list)
    loaded: list[Loaded] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # added fields (subtitle, page_date, ...)

    def to_json(self) -> dict:
        out = {
            "id": self.id,
            "source": self.source.to_json(),
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "byline": self.byline,
            "dateline": self.dateline.to_json() if self.dateline else None,
            "published": self.published,
            "published_basis": self.published_basis,
            "wire": list(self.wire),
            "language": self.language,
            "text": self.text,
            "removed": list(self.removed),
            "loaded": [x.to_json() for x in self.loaded],
        }
        out.update(self.extra)
        return out


def content_id(*parts: str | None, prefix: str = "a") -> str:
    """A stable id from content: the same input always gives the same id."""
    h = hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{h[:12]}"


LISTS = ("articles", "rejected", "reuse", "entities", "quotes", "times", "events", "stories", "storylines")
"""The Analysis' lists of items, in the order analysis.json gives them."""


def item_json(item: Any) -> Any:
    """One item of those lists as the contract's JSON (the dicts are already)."""
    return item.to_json() if hasattr(item, "to_json") else item


@dataclass
class Analysis:
    """Everything ``rashomon analyze`` found; ``to_json()`` is the analysis.json contract."""

    articles: list[Article] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    reuse: list[dict] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    times: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    stories: list[dict] = field(default_factory=list)
    storylines: list[dict] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def article(self, article_id: str) -> Article:
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(article_id)

    def to_json_head(self) -> dict:
        """The document's fields other than its lists of items."""
        from . import __version__

        return {"schema_version": SCHEMA_VERSION, "generator": {"name": "rashomon", "version": __version__}}

    def to_json(self) -> dict:
        return {**self.to_json_head(), **{k: [item_json(x) for x in getattr(self, k)] for k in LISTS}}
