"""Charts on a date axis as inline SVG geometry: a story's timeline and a storyline's stories.

Both are the same figure: one row per item, its label in a column on the left, its mark on a
shared date axis on the right (a dot for a day, a bar for a month, a year or a story's span, so
a date known only to the month is drawn as the month it is); items without a date get a hollow
mark in an "undated" column at the right. A storyline adds arrows from each story to the story it
continues, labelled with the link's relation. The geometry is computed here, deterministically,
so the page needs no script; labels stay plain text for the template to escape.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .common import date_range, fmt, short

WIDTH = 920  # viewBox units, as the reuse graph
LABEL_W = 300  # the label column
LABEL_CHARS = 46
UNDATED_W = 70  # the "undated" column, when some row has no date
ROW_H = 22
AXIS_Y = 34  # the axis line; tick labels above it
MAX_TICKS = 8
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class ChartRow:
    """One item to draw: ``start``/``end`` are ISO dates at any precision (None: undated)."""

    label: str
    tooltip: str
    start: str | None
    end: str | None = None
    kind: str = "entry"  # a CSS class suffix: entry, event, story, current
    href: str | None = None


@dataclass
class Mark:
    row: ChartRow
    y: float
    x0: float = 0.0
    x1: float = 0.0
    dated: bool = True
    label: str = ""  # the row's label, cut to fit the label column

    @property
    def bar(self) -> bool:
        """Wide enough to draw as a bar rather than a dot."""
        return self.x1 - self.x0 >= 6


@dataclass
class Link:
    path: str
    relation: str
    lx: float
    ly: float


@dataclass
class Chart:
    width: int
    height: int
    plot_x0: float
    plot_x1: float
    ticks: list[tuple[float, str]]
    marks: list[Mark]
    links: list[Link] = field(default_factory=list)
    undated_x: float | None = None  # centre of the "undated" column, when there is one


def _label(d: date, unit: str, first: bool, prev: date | None) -> str:
    new_year = first or prev is None or prev.year != d.year
    if unit == "year":
        return str(d.year)
    if unit == "month":
        return f"{MONTHS[d.month - 1]} {d.year}" if new_year else MONTHS[d.month - 1]
    text = f"{d.day} {MONTHS[d.month - 1]}"
    return f"{text} {d.year}" if new_year else text


def _month_ticks(lo: int, hi: int, step: int) -> list[date]:
    d = date.fromordinal(lo)
    y, m = d.year, d.month
    out = []
    while True:
        t = date(y, m, 1)
        if t.toordinal() > hi:
            return out
        if t.toordinal() >= lo and (m - 1) % step == 0:
            out.append(t)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def ticks(lo: int, hi: int) -> list[tuple[int, str]]:
    """Tick days (ordinals) and labels between ``lo`` and ``hi``: at most MAX_TICKS, at days,
    weeks (Mondays), month starts or year starts, whichever is the finest that fits."""
    span = hi - lo
    for step in (1, 2, 7, 14):
        if span // step + 1 <= MAX_TICKS:
            days = [date.fromordinal(o) for o in range(lo, hi + 1)
                    if (o % step == 1 if step == 7 or step == 14 else (o - lo) % step == 0)]
            unit = "day"
            break
    else:
        for step in (1, 2, 3, 6):
            days = _month_ticks(lo, hi, step)
            if len(days) <= MAX_TICKS:
                unit = "month"
                break
        else:
            y0, y1 = date.fromordinal(lo).year, date.fromordinal(hi).year
            step = next((s for s in (1, 2, 5, 10, 20, 50, 100) if (y1 - y0) // s + 1 <= MAX_TICKS),
                        (y1 - y0) // MAX_TICKS + 1)
            days = [date(y, 1, 1) for y in range(y0 + (-y0) % step, y1 + 1, step)
                    if lo <= date(y, 1, 1).toordinal() <= hi]
            unit = "year"
    out, prev = [], None
    for i, d in enumerate(days):
        out.append((d.toordinal(), _label(d, unit, i == 0, prev)))
        prev = d
    return out


def date_chart(rows: list[ChartRow], links: list[tuple[int, int, str]] = ()) -> Chart | None:
    """Lay out ``rows`` (drawn in the given order) on a date axis; None when there is no row.

    ``links`` are (from row index, to row index, relation): an arrow from the end of the first
    item's mark to the start of the second's.
    """
    if not rows:
        return None
    spans = [date_range(r.start) for r in rows]
    ends = [date_range(r.end) if r.end else None for r in rows]
    days = [(s[0].toordinal(), max(s[1], e[1] if e else s[1]).toordinal()) if s else None
            for s, e in zip(spans, ends)]
    dated = [d for d in days if d]
    undated = len(dated) < len(rows)
    x0 = float(LABEL_W + 12)
    x1 = float(WIDTH - 14 - (UNDATED_W if undated else 0))
    if dated:
        lo, hi = min(d[0] for d in dated), max(d[1] for d in dated)
        pad = max(1, (hi - lo) // 25)
        lo, hi = lo - pad, hi + pad
    else:
        lo = hi = 0

    def xpos(o: float) -> float:
        return x0 + (o - lo) / max(1, hi - lo) * (x1 - x0)

    marks = []
    for i, (row, d) in enumerate(zip(rows, days)):
        m = Mark(row, AXIS_Y + 18 + i * ROW_H)
        if d:
            m.x0, m.x1 = xpos(d[0]), xpos(d[1] + 1) if d[1] > d[0] else xpos(d[0])
        else:
            m.dated, m.x0 = False, WIDTH - UNDATED_W / 2 - 8
            m.x1 = m.x0
        m.label = short(row.label, LABEL_CHARS)
        marks.append(m)
    chart_links = []
    for a, b, relation in links:
        if not (0 <= a < len(marks) and 0 <= b < len(marks)) or a == b:
            continue
        p, q = marks[a], marks[b]
        sx, sy = (p.x1 if p.bar else p.x0 + 5), p.y
        ex, ey = (q.x0 - 7 if q.bar else q.x0 - 8), q.y
        bend = max(14.0, abs(ey - sy) * 0.5)
        path = (f"M{fmt(sx)},{fmt(sy)} C{fmt(sx + bend)},{fmt(sy)} "
                f"{fmt(ex - bend)},{fmt(ey)} {fmt(ex)},{fmt(ey)}")
        chart_links.append(Link(path, relation, (sx + ex) / 2, (sy + ey) / 2 - 3))
    tick_list = [(xpos(o), label) for o, label in ticks(lo, hi)] if dated else []
    return Chart(WIDTH, int(AXIS_Y + 18 + len(rows) * ROW_H), x0, x1, tick_list, marks, chart_links,
                 WIDTH - UNDATED_W / 2 - 8 if undated else None)
