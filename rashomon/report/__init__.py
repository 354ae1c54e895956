"""The HTML report: one self-contained page, ``DIR/index.html``, beside analysis.json.

Article text is untrusted input, so the templates are rendered with autoescaping on and the page
loads nothing: the stylesheet is inlined from the package (``static/report.css``), there is no
script, and a Content-Security-Policy meta tag forbids every other source. The page opens
offline. It shows what ``analysis.json`` holds: the articles grouped by input file with their
metadata, cleaned text and what cleaning removed; the rejected inputs with reasons; and the
corpus-level sections (reuse, stories, storylines) once later stages fill them.

The reuse section draws the reuse graph as inline SVG computed here (``_reuse_graph``: geometry
only; every label goes through the template's autoescaping) and, per pair, a side-by-side view
of the two texts with the parts outside the aligned shared passages highlighted
(``diff_segments``).
"""
from __future__ import annotations

import base64
import hashlib
from collections import Counter
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..model import Analysis, Article

__all__ = ["write_report", "render_report", "diff_segments"]

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


def _display_title(article: Article) -> str:
    """The title; for an untitled article its opening words in quotes; else its id."""
    if article.title:
        return article.title
    opening = _short(article.text, 60)
    return f"“{opening}”" if opening else article.id


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


# --- reuse: side-by-side segments -------------------------------------------------------------

@dataclass
class DiffSegment:
    """A piece of one article's text in a pair view.

    ``shared``: inside an aligned shared passage; ``compared`` is False for text the alignment
    leaves out on purpose (the outlet's dateline), shown plain rather than as a difference.
    """

    text: str
    shared: bool
    compared: bool = True


def _merge(intervals: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """Clip to [0, n], drop empty ones, sort and merge overlapping or touching intervals."""
    out: list[list[int]] = []
    for start, end in sorted((max(0, s), min(n, e)) for s, e in intervals):
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def diff_segments(text: str, spans: list[tuple[int, int]],
                  skip: list[tuple[int, int]] = ()) -> list[DiffSegment]:
    """Split ``text`` into shared pieces (covered by ``spans``) and differing pieces (the rest).

    ``spans`` are (start, end) offsets into ``text`` (end exclusive) in any order; they may
    overlap or run past the text, and are clipped and merged. ``skip`` marks text left out of
    the comparison (``compared=False``) where no span covers it. A differing run that holds no
    letter or digit (the space or comma between two shared passages) counts as shared, so that
    only wording is highlighted. Adjacent pieces of the same kind are merged; the pieces
    concatenate to ``text``.
    """
    n = len(text)
    shared, skipped = _merge(list(spans), n), _merge(list(skip), n)
    cuts = sorted({0, n, *(x for iv in shared + skipped for x in iv)})

    def inside(pos: int, intervals: list[tuple[int, int]]) -> bool:
        return any(s <= pos < e for s, e in intervals)

    pieces: list[DiffSegment] = []
    for start, end in zip(cuts, cuts[1:]):
        is_shared = inside(start, shared)
        piece = DiffSegment(text[start:end], is_shared, is_shared or not inside(start, skipped))
        if pieces and (pieces[-1].shared, pieces[-1].compared) == (piece.shared, piece.compared):
            pieces[-1] = DiffSegment(pieces[-1].text + piece.text, piece.shared, piece.compared)
        else:
            pieces.append(piece)
    out: list[DiffSegment] = []
    for piece in pieces:
        if piece.compared and not piece.shared and not any(ch.isalnum() for ch in piece.text):
            piece = DiffSegment(piece.text, True)
        if out and (out[-1].shared, out[-1].compared) == (piece.shared, piece.compared):
            out[-1] = DiffSegment(out[-1].text + piece.text, piece.shared, piece.compared)
        else:
            out.append(piece)
    return out


def _skip(article: Article) -> list[tuple[int, int]]:
    """What the reuse alignment leaves out of an article: its dateline prefix."""
    d = article.dateline
    if d and isinstance(d.start, int) and isinstance(d.end, int):
        return [(d.start, d.end)]
    return []


def _side_spans(pair: dict, side: str) -> list[tuple[int, int]]:
    """One side's (start, end) offsets from a Reuse object's ``spans``; malformed ones skipped."""
    out = []
    for span in pair.get("spans") or []:
        start, end = span.get(f"{side}_start"), span.get(f"{side}_end")
        if isinstance(start, int) and isinstance(end, int):
            out.append((start, end))
    return out


_SUB_KINDS = ("wording", "spelling", "addition", "omission")


def _sub_kind(sub: dict) -> str:
    kind = sub.get("kind")
    if kind:
        return str(kind)
    if not sub.get("a"):
        return "addition"
    return "omission" if not sub.get("b") else "wording"


def _is_loaded(sub: dict, a: Article | None, b: Article | None) -> bool:
    """Whether a swap touches wording the articles' ``loaded`` lists mark (by the phrase text)."""
    for phrase, art in ((sub.get("a") or "", a), (sub.get("b") or "", b)):
        low = phrase.casefold()
        if art and low and any(x.text and (x.text.casefold() in low or low in x.text.casefold())
                               for x in art.loaded):
            return True
    return False


@dataclass
class _PairView:
    pair: dict
    a: Article | None
    b: Article | None
    a_segments: list[DiffSegment]
    b_segments: list[DiffSegment]
    subs: list[tuple[str, list[tuple[dict, bool]]]]  # (kind, [(substitution, loaded)]) in kind order
    n_subs: int


def _pair_views(reuse: list[dict], by_id: dict[str, Article]) -> list[_PairView]:
    views = []
    for pair in reuse:
        a, b = by_id.get(pair.get("a")), by_id.get(pair.get("b"))
        groups: dict[str, list[tuple[dict, bool]]] = {}
        for sub in pair.get("substitutions") or []:
            groups.setdefault(_sub_kind(sub), []).append((sub, _is_loaded(sub, a, b)))
        order = [k for k in _SUB_KINDS if k in groups] + sorted(k for k in groups if k not in _SUB_KINDS)
        views.append(_PairView(
            pair, a, b,
            diff_segments(a.text, _side_spans(pair, "a"), _skip(a)) if a else [],
            diff_segments(b.text, _side_spans(pair, "b"), _skip(b)) if b else [],
            [(k, groups[k]) for k in order], sum(len(v) for v in groups.values())))
    return views


# --- reuse: the graph -------------------------------------------------------------------------

REUSE_KINDS = ("duplicate", "republication", "rewrite", "partial", "shared_quotes")
_GRAPH_WIDTH = 920  # viewBox units; the page column is about this wide
_NODE_R = 12
_LABEL_W = 160  # room beside a component's circle for labels
_LABEL_H = 44
_LABEL_CHARS = 26


@dataclass
class _GNode:
    key: str  # article id, or "wire:NAME" for a common origin
    number: int
    label: str
    sub: str  # second label line: the date, or "common origin"
    tooltip: str
    wire: bool
    x: float = 0.0
    y: float = 0.0
    anchor: str = "middle"
    lx: float = 0.0
    ly: float = 0.0


@dataclass
class _GEdge:
    kind: str  # a reuse kind, or "origin" for the dotted line to a common origin
    path: str
    arrow: bool
    tooltip: str
    lx: float = 0.0
    ly: float = 0.0
    label: str = ""


@dataclass
class _Graph:
    width: int
    height: int
    nodes: list[_GNode]
    edges: list[_GEdge]
    kinds: list[str]  # the kinds present (arrow markers are defined for these)
    legend: list[tuple[int, str, str]]  # (x, kind | "source" | "wire", label)


def _short(text: str, limit: int = _LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _article_date(a: Article | None) -> str | None:
    if a is None:
        return None
    return a.published or (a.dateline.date if a.dateline else None)


def _components(keys: list[str], links: list[tuple[str, str]]) -> list[list[str]]:
    parent = {k: k for k in keys}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for x, y in links:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    comps: dict[str, list[str]] = {}
    for k in keys:
        comps.setdefault(find(k), []).append(k)
    return list(comps.values())


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _reuse_graph(reuse: list[dict], by_id: dict[str, Article]) -> _Graph | None:
    """Layout of the reuse graph, or None when there is no pair to draw.

    Nodes are the articles in some pair, plus one node per common origin (wire) in a connected
    component. Each component is a circle, its nodes in date order clockwise from the left (so the
    earlier article tends to sit left); components, largest first, flow left to right in rows.
    Everything is sorted, so the same analysis gives the same drawing.
    """
    pairs: dict[frozenset, dict] = {}
    for r in reuse:
        a, b = r.get("a"), r.get("b")
        if not a or not b:
            continue
        pairs.setdefault(frozenset((a, b)), r)  # one edge per pair of articles; a == b: a lone node
    if not pairs:
        return None
    keys: list[str] = []
    links: list[tuple[str, str]] = []
    for r in pairs.values():
        for k in (r["a"], r["b"]):
            if k not in keys:
                keys.append(k)
        links.append((r["a"], r["b"]))
        if r.get("common_origin"):
            w = f"wire:{r['common_origin']}:{min(r['a'], r['b'])}"
            links.append((r["a"], w))
            links.append((r["b"], w))
            if w not in keys:
                keys.append(w)
    comps = _components(keys, links)
    # one origin node per (component, origin name): re-key wire nodes by their component
    node_of: dict[str, str] = {}
    layout_comps: list[list[str]] = []
    for comp in comps:
        members: list[str] = []
        for k in comp:
            if k.startswith("wire:"):
                name = k.split(":", 2)[1]
                wk = f"wire:{name}:{min(x for x in comp if not x.startswith('wire:'))}"
                node_of[k] = wk
                if wk not in members:
                    members.append(wk)
            else:
                node_of[k] = k
                members.append(k)
        layout_comps.append(members)

    def node_sort(k: str) -> tuple:
        if k.startswith("wire:"):
            return (0, "", k)  # the wire story comes first: it is where both copies come from
        return (1, _article_date(by_id.get(k)) or "9999", k)

    for members in layout_comps:
        members.sort(key=node_sort)
    layout_comps.sort(key=lambda m: (-len(m), [node_sort(k) for k in m]))

    nodes: dict[str, _GNode] = {}
    number = 0
    rows: list[list[tuple[list[str], float, float, float]]] = [[]]  # (members, radius, w, h)
    row_w = 0.0
    for members in layout_comps:
        n = len(members)
        radius = 0.0 if n == 1 else max(70.0, n * 70 / (2 * math.pi))
        w, h = 2 * radius + 2 * _LABEL_W, 2 * radius + 2 * _LABEL_H + 2 * _NODE_R
        if rows[-1] and row_w + w > _GRAPH_WIDTH:
            rows.append([])
            row_w = 0.0
        rows[-1].append((members, radius, w, h))
        row_w += w
    legend_h = 34
    y0 = float(legend_h)
    width = _GRAPH_WIDTH
    for row in rows:
        row_h = max(h for _, _, _, h in row)
        row_w = sum(w for _, _, w, _ in row)
        width = max(width, int(math.ceil(row_w)))
        x0 = max(0.0, (_GRAPH_WIDTH - row_w) / 2)
        for members, radius, w, _h in row:
            cx, cy = x0 + w / 2, y0 + row_h / 2
            for i, k in enumerate(members):
                number += 1
                theta = math.pi + 2 * math.pi * i / len(members)
                dx, dy = math.cos(theta), math.sin(theta)
                if k.startswith("wire:"):
                    name = k.split(":", 2)[1]
                    node = _GNode(k, number, _short(name), "common origin (wire)",
                                  f"Common origin: {name}", True)
                else:
                    art = by_id.get(k)
                    title = _display_title(art) if art else k
                    label = (art.outlet if art and art.outlet else None) or title
                    date = _article_date(art)
                    node = _GNode(k, number, _short(label), date or "date unknown",
                                  " · ".join(x for x in (title, art.outlet if art else None, date, k) if x),
                                  False)
                node.x, node.y = cx + radius * dx, cy + radius * dy
                gap = _NODE_R + 5
                if len(members) == 1:
                    dx, dy = 1.0, 0.0
                node.anchor = "start" if dx > 0.35 else "end" if dx < -0.35 else "middle"
                node.lx = node.x + gap * dx
                if dy < -0.35:
                    node.ly = node.y - gap - 14
                elif dy > 0.35:
                    node.ly = node.y + gap + 10
                else:
                    node.ly = node.y - 2
                nodes[k] = node
            x0 += w
        y0 += row_h

    def curve(p: _GNode, q: _GNode, bend: float, arrow: bool) -> tuple[str, float, float]:
        dx, dy = q.x - p.x, q.y - p.y
        length = math.hypot(dx, dy) or 1.0
        mx, my = (p.x + q.x) / 2, (p.y + q.y) / 2
        cx, cy = mx - dy / length * bend * length, my + dx / length * bend * length

        def toward(n: _GNode, d: float) -> tuple[float, float]:
            vx, vy = cx - n.x, cy - n.y
            vl = math.hypot(vx, vy) or 1.0
            return n.x + vx / vl * d, n.y + vy / vl * d

        sx, sy = toward(p, _NODE_R + 1)
        ex, ey = toward(q, _NODE_R + (4 if arrow else 1))
        # the curve's midpoint, for the label
        lx, ly = 0.25 * p.x + 0.5 * cx + 0.25 * q.x, 0.25 * p.y + 0.5 * cy + 0.25 * q.y
        return f"M{_f(sx)},{_f(sy)} Q{_f(cx)},{_f(cy)} {_f(ex)},{_f(ey)}", lx, ly

    edges: list[_GEdge] = []
    origin_links: set[tuple[str, str]] = set()
    for r in pairs.values():
        a, b, kind = r["a"], r["b"], str(r.get("kind") or "")
        if a == b:
            continue
        src = r.get("source")
        p, q = (nodes[b], nodes[a]) if src == b else (nodes[a], nodes[b])
        straight = any(a in m and len(m) == 2 for m in layout_comps)
        shared = r.get("shared")
        pct = f"{shared * 100:.0f}%" if isinstance(shared, (int, float)) else ""
        path, lx, ly = curve(p, q, 0.0 if straight else 0.12, bool(src))
        tip = f"{kind.replace('_', ' ')}: {nodes[a].number} ↔ {nodes[b].number}"
        if pct:
            tip += f", {pct} shared"
        if src:
            tip += f"; source: {nodes[src].number if src in nodes else src}"
        if r.get("common_origin"):
            tip += f"; common origin: {r['common_origin']}"
        edges.append(_GEdge(kind if kind in REUSE_KINDS else "other", path, bool(src), tip, lx, ly, pct))
        if r.get("common_origin"):
            w = node_of[f"wire:{r['common_origin']}:{min(a, b)}"]
            for k in (a, b):
                if (w, k) not in origin_links:
                    origin_links.add((w, k))
                    path, _, _ = curve(nodes[w], nodes[k], 0.0, True)
                    edges.append(_GEdge("origin", path, True,
                                        f"{nodes[k].number} draws on {r['common_origin']}"))
    edges.sort(key=lambda e: e.kind == "origin", reverse=True)  # origin lines under the pair edges
    height = int(math.ceil(y0)) + 6
    kinds = [k for k in REUSE_KINDS if any(e.kind == k for e in edges)]
    if any(e.kind == "other" for e in edges):
        kinds.append("other")
    legend: list[tuple[int, str, str]] = []
    x = 4
    items = [(k, k.replace("_", " ")) for k in kinds] + [("source", "from the source (earlier) article")]
    if any(n.wire for n in nodes.values()):
        items.append(("wire", "common origin (wire)"))
    for key, label in items:
        legend.append((x, key, label))
        x += 32 + int(len(label) * 5.7) + 22  # swatch, text at about 5.7 units a character, gap
    return _Graph(width, height, sorted(nodes.values(), key=lambda n: n.number), edges, kinds, legend)


def render_report(analysis: Analysis) -> str:
    """The report page as a string (``write_report`` writes it to disk)."""
    css = _asset("report.css")
    titles = {a.id: _display_title(a) for a in analysis.articles}
    lists = {name: [_plain(x) for x in getattr(analysis, name)]
             for name in ("reuse", "entities", "quotes", "times", "events", "stories", "storylines")}
    story_titles = {s.get("id"): s.get("title") or s.get("id") for s in lists["stories"]}
    by_id = {a.id: a for a in analysis.articles}
    graph = _reuse_graph(lists["reuse"], by_id)
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
        graph=graph,
        graph_numbers={n.key: n.number for n in graph.nodes} if graph else {},
        pair_views=_pair_views(lists["reuse"], by_id),
        article_date=_article_date,
        **lists,
    )


def write_report(analysis: Analysis, out_dir: str | Path) -> Path:
    """Write ``out_dir/index.html`` and return its path."""
    path = Path(out_dir) / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(analysis), encoding="utf-8")
    return path
