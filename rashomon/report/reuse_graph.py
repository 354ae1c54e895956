"""The reuse graph as inline SVG geometry: nodes, curved edges, legend; labels stay plain text.

Used for the whole corpus on the overview page and for one story's articles on its page; every
label goes through the template's autoescaping.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import Article
from .common import article_date, display_title, fmt, short

REUSE_KINDS = ("duplicate", "republication", "rewrite", "partial", "shared_quotes")
_GRAPH_WIDTH = 920  # viewBox units; the page column is about this wide
_NODE_R = 12
_LABEL_W = 160  # room beside a component's circle for labels
_LABEL_H = 44


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


def reuse_graph(reuse: list[dict], by_id: dict[str, Article],
                numbers: dict[str, int] | None = None) -> _Graph | None:
    """Layout of the reuse graph, or None when there is no pair to draw.

    Nodes are the articles in some pair, plus one node per common origin (wire) in a connected
    component. Each component is a circle, its nodes in date order clockwise from the left (so the
    earlier article tends to sit left); components, largest first, flow left to right in rows.
    Everything is sorted, so the same analysis gives the same drawing. Nodes are numbered in
    layout order, or, for the articles ``numbers`` gives, with those numbers (a story page numbers
    its articles once for all its sections); other nodes then take the numbers after them.
    """
    pairs: dict[frozenset, dict] = {}
    for r in reuse:
        a, b = r.get("a"), r.get("b")
        if not a or not b:
            continue
        pairs.setdefault(frozenset((a, b)), r)  # one edge per pair of articles; a == b: a lone node
    if not pairs:
        return None
    keys: dict[str, None] = {}  # insertion-ordered set
    links: list[tuple[str, str]] = []
    for r in pairs.values():
        for k in (r["a"], r["b"]):
            keys.setdefault(k)
        links.append((r["a"], r["b"]))
        if r.get("common_origin"):
            w = f"wire:{r['common_origin']}:{min(r['a'], r['b'])}"
            links.append((r["a"], w))
            links.append((r["b"], w))
            keys.setdefault(w)
    comps = _components(list(keys), links)
    # one origin node per (component, origin name): re-key wire nodes by their component
    node_of: dict[str, str] = {}
    layout_comps: list[list[str]] = []
    for comp in comps:
        first = min((x for x in comp if not x.startswith("wire:")), default="")
        members: list[str] = []
        for k in comp:
            if k.startswith("wire:"):
                name = k.split(":", 2)[1]
                wk = f"wire:{name}:{first}"
                node_of[k] = wk
                if wk not in members:  # a component holds few origins
                    members.append(wk)
            else:
                node_of[k] = k
                members.append(k)
        layout_comps.append(members)

    def node_sort(k: str) -> tuple:
        if k.startswith("wire:"):
            return (0, "", k)  # the wire story comes first: it is where both copies come from
        return (1, article_date(by_id.get(k)) or "9999", k)

    for members in layout_comps:
        members.sort(key=node_sort)
    layout_comps.sort(key=lambda m: (-len(m), [node_sort(k) for k in m]))

    nodes: dict[str, _GNode] = {}
    fixed = numbers or {}
    number = max(fixed.values(), default=0)
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
                if k not in fixed:
                    number += 1
                theta = math.pi + 2 * math.pi * i / len(members)
                dx, dy = math.cos(theta), math.sin(theta)
                if k.startswith("wire:"):
                    name = k.split(":", 2)[1]
                    node = _GNode(k, number, short(name), "common origin (wire)",
                                  f"Common origin: {name}", True)
                else:
                    art = by_id.get(k)
                    title = display_title(art) if art else k
                    label = (art.outlet if art and art.outlet else None) or title
                    date = article_date(art)
                    node = _GNode(k, fixed.get(k, number), short(label), date or "date unknown",
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
        return f"M{fmt(sx)},{fmt(sy)} Q{fmt(cx)},{fmt(cy)} {fmt(ex)},{fmt(ey)}", lx, ly

    size = {k: len(m) for m in layout_comps for k in m}
    edges: list[_GEdge] = []
    origin_links: set[tuple[str, str]] = set()
    for r in pairs.values():
        a, b, kind = r["a"], r["b"], str(r.get("kind") or "")
        if a == b:
            continue
        src = r.get("source")
        p, q = (nodes[b], nodes[a]) if src == b else (nodes[a], nodes[b])
        straight = size[a] == 2
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

