"""HTML to article text and metadata, with trafilatura.

``extract(html, url)`` returns the main text, paragraphs separated by a blank line, and what the
page says about itself: title, byline, outlet, published, url, description. It tries two passes
that share one return type: trafilatura's extraction as configured for whole pages (with its own
fallbacks), then, when that finds little or nothing (a short article, or a fragment such as a
feed entry's content), the same on the input wrapped as a page with the minimum sizes lifted.
When neither finds text it raises ``InputError`` with the reason; it never returns None.
"""
from __future__ import annotations

import re
from copy import deepcopy
from functools import cache
from typing import Any

from ..errors import InputError

# block elements of trafilatura's output tree (inline ones are hi, ref, lb, del)
_BLOCKS = frozenset({"p", "head", "list", "item", "quote", "code", "table", "row", "cell", "div", "graphic"})
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
SHORT = 250  # characters: trafilatura's own threshold for a short extraction
_WRAPPED = re.compile(r"<(?:html|body)[\s>]", re.I)


def extract(html: str, url: str | None = None) -> tuple[str, dict]:
    """The article's main text (paragraphs split by a blank line) and the page's metadata."""
    doc = _extract(html, url, _page_config())
    if doc is None or len(doc.text or "") < SHORT:
        # trafilatura's rescues for short pages take in their menus; fragments it skips entirely
        doc = _extract(_as_page(html), url, _fragment_config()) or doc
    paragraphs = _paragraphs(doc.body) if doc is not None and doc.body is not None else []
    if not paragraphs:
        raise InputError(url or "<html>", "no article text could be extracted from the HTML")
    if doc.title and _same(paragraphs[0], doc.title) and len(paragraphs) > 1:
        paragraphs = paragraphs[1:]  # the headline, which is the title
    meta = {
        "title": doc.title, "byline": doc.author, "outlet": doc.sitename, "published": doc.date,
        "url": doc.url or url, "description": doc.description,
    }
    return "\n\n".join(paragraphs), {k: v.strip() for k, v in meta.items() if v and v.strip()}


def _extract(html: str, url: str | None, config: Any) -> Any:
    from trafilatura import bare_extraction

    return bare_extraction(
        html, url=url, favor_recall=True, include_comments=False, include_tables=False,
        with_metadata=True, config=config,
        # dates from the page's metadata and markup only, not guessed from its running text
        date_extraction_params={"extensive_search": False, "original_date": True},
    )


@cache
def _page_config() -> Any:
    from trafilatura.settings import DEFAULT_CONFIG

    return DEFAULT_CONFIG


@cache
def _fragment_config() -> Any:
    config = deepcopy(_page_config())
    config["DEFAULT"]["min_extracted_size"] = "1"
    config["DEFAULT"]["min_output_size"] = "1"
    return config


def _as_page(html: str) -> str:
    return html if _WRAPPED.search(html[:4096]) else f"<html><body>{html}</body></html>"


def _paragraphs(element: Any) -> list[str]:
    """Each block of trafilatura's output tree as one paragraph; line breaks kept inside."""
    out = [_clean(element.text or "")]
    for child in element:
        if any(c.tag in _BLOCKS for c in child):  # a list, quote or table: its blocks one by one
            out.extend(_paragraphs(child))
        else:
            out.append(_clean(_inline_text(child)))
        out.append(_clean(child.tail or ""))
    return [p for p in out if p]


def _inline_text(element: Any) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == "lb" else _inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _clean(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(s.lower().split())

    return norm(a) == norm(b)
