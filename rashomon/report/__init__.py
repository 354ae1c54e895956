"""The HTML report: one self-contained page, ``DIR/index.html``, beside analysis.json.

Article text is untrusted input, so the templates are rendered with autoescaping on and the page
loads nothing: the stylesheet is inlined from the package (``static/report.css``), there is no
script, and a Content-Security-Policy meta tag forbids every other source. The page opens
offline. It shows what ``analysis.json`` holds: the articles grouped by input file with their
metadata, cleaned text and what cleaning removed; the rejected inputs with reasons; and the
corpus-level sections (reuse, stories, storylines) once later stages fill them.
"""
from __future__ import annotations

import base64
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..model import Analysis, Article

__all__ = ["write_report", "render_report"]

# Article fields shown in the metadata table, in this order; anything in Article.extra follows.
_EXTRA_LABELS = {"subtitle": "Subtitle", "posted": "Posted", "page_date": "Page date"}


@dataclass
class _Segment:
    """A piece of article text; ``neutral`` is set when the piece is loaded wording."""

    text: str
    loaded: bool = False
    neutral: str | None = None


@dataclass
class _FileGroup:
    path: str
    articles: list[Article] = field(default_factory=list)


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text("utf-8")


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=True,  # every template, whatever its name: article text is untrusted
        undefined=jinja2.ChainableUndefined,  # corpus items are dicts whose optional keys may be absent
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _plain(item: Any) -> Any:
    """Corpus-level items may be dataclasses with ``to_json`` or plain dicts."""
    return item.to_json() if hasattr(item, "to_json") else item


def _segments(article: Article) -> list[_Segment]:
    """Split the text around its loaded spans; spans that overlap or fall outside are skipped."""
    text, out, pos = article.text, [], 0
    for span in sorted(article.loaded, key=lambda s: (s.start, s.end)):
        if span.start < pos or span.end > len(text) or span.start >= span.end:
            continue
        if span.start > pos:
            out.append(_Segment(text[pos:span.start]))
        out.append(_Segment(text[span.start:span.end], True, span.neutral))
        pos = span.end
    if pos < len(text) or not out:
        out.append(_Segment(text[pos:]))
    return out


def _metadata(article: Article) -> list[tuple[str, str]]:
    """(label, value) rows for the fields that are known; unknown ones are left out."""
    rows: list[tuple[str, str]] = []

    def add(label: str, value: Any) -> None:
        if value in (None, "", [], {}):
            return
        if isinstance(value, (list, tuple)):
            value = ", ".join(map(str, value))
        rows.append((label, str(value)))

    add("Title", article.title)
    add("Outlet", article.outlet)
    add("Byline", article.byline)
    if article.dateline:
        d = article.dateline
        add("Dateline", " · ".join(x for x in (d.place, d.date, f"({d.credit})" if d.credit else None) if x))
    published = f"{article.published} ({article.published_basis})" if article.published else None
    add("Published", published or f"unknown ({article.published_basis})")
    add("Wire", article.wire)
    add("Language", article.language)
    add("URL", article.url)
    for key, value in article.extra.items():
        add(_EXTRA_LABELS.get(key, key.replace("_", " ").capitalize()), value)
    add("Source", str(article.source))
    add("Id", article.id)
    return rows


def _groups(articles: list[Article]) -> list[_FileGroup]:
    """Articles grouped by input file, files in order of first appearance, articles by index."""
    groups: dict[str, _FileGroup] = {}
    for a in articles:
        groups.setdefault(a.source.path, _FileGroup(a.source.path)).articles.append(a)
    for g in groups.values():
        g.articles.sort(key=lambda a: a.source.index if a.source.index is not None else -1)
    return list(groups.values())


def render_report(analysis: Analysis) -> str:
    """The report page as a string (``write_report`` writes it to disk)."""
    css = _asset("report.css")
    titles = {a.id: a.title or a.id for a in analysis.articles}
    lists = {name: [_plain(x) for x in getattr(analysis, name)]
             for name in ("reuse", "entities", "quotes", "times", "events", "stories", "storylines")}
    story_titles = {s.get("id"): s.get("title") or s.get("id") for s in lists["stories"]}
    counts = {
        "articles": len(analysis.articles),
        "files read": len({a.source.path for a in analysis.articles}),
        "outlets": len({a.outlet for a in analysis.articles if a.outlet}),
        "rejected": len(analysis.rejected),
        **{name: len(items) for name, items in lists.items() if items},
    }
    return _env().get_template("report.html").render(
        css=css,
        csp=f"default-src 'none'; style-src '{_csp_hash(css)}'; img-src data:; "
            "base-uri 'none'; form-action 'none'",
        counts=counts,
        languages=Counter(a.language for a in analysis.articles).most_common(),
        groups=_groups(analysis.articles),
        metadata=_metadata,
        segments=_segments,
        rejected=analysis.rejected,
        titles=titles,
        story_titles=story_titles,
        **lists,
    )


def write_report(analysis: Analysis, out_dir: str | Path) -> Path:
    """Write ``out_dir/index.html`` and return its path."""
    path = Path(out_dir) / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(analysis), encoding="utf-8")
    return path
