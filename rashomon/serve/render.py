"""HTML pieces built in Python: the article text with its annotations, the story's sections.

Kept apart from the templates so that each piece is one small function: the story page's
sections (``story_sections``) are the seam where the per-story report partials of
``rashomon.report`` will be included once they exist. Everything from an article is escaped
here (``markupsafe.escape``) before any markup is added.
"""
from __future__ import annotations

from markupsafe import Markup, escape

SECTIONS = (("summary", "Summary"), ("facts", "Facts"), ("conflicts", "Conflicts"),
            ("framing", "Framing"), ("timeline", "Timeline"))


def annotated_text(text: str, quotes: list[dict], mentions: list[dict], times: list[dict],
                   loaded: list[dict]) -> Markup:
    """The article text as HTML paragraphs, each stretch wrapped in the annotations covering it:
    quotes (``q``, anchored ``#q-ID``), entity mentions (a link to the entity), times (``t``,
    with the resolved date as title), loaded wording (``l``, with the neutral alternative).

    The text is cut at every annotation boundary and each piece carries the classes of all the
    spans over it, so overlapping spans never produce crossed tags."""
    spans = []  # (start, end, kind, payload)
    spans += [(q["start"], q["end"], "q", q) for q in quotes]
    spans += [(m["start"], m["end"], "m", m) for m in mentions]
    spans += [(t["start"], t["end"], "t", t) for t in times]
    spans += [(x["start"], x["end"], "l", x) for x in loaded]
    spans = [s for s in spans if 0 <= s[0] < s[1] <= len(text)]
    cuts = sorted({0, len(text)} | {s[0] for s in spans} | {s[1] for s in spans}
                  | {i + 1 for i, c in enumerate(text) if c == "\n"})
    starts = {}
    for s in spans:
        starts.setdefault(s[0], []).append(s)
    out, paragraph = [], []
    for a, b in zip(cuts, cuts[1:]):
        piece = text[a:b]
        over = [s for s in spans if s[0] <= a and b <= s[1]]
        paragraph.append(_piece(piece.rstrip("\n"), over, starts.get(a, [])))
        if piece.endswith("\n") or b == len(text):
            html = Markup("").join(paragraph)
            if html.strip():
                out.append(Markup("<p>") + html + Markup("</p>\n"))
            paragraph = []
    return Markup("").join(out)


def _piece(piece: str, over: list, starting: list) -> Markup:
    html = escape(piece)
    if not over:
        return html
    kinds = sorted({s[2] for s in over})
    titles = []
    for _a, _b, kind, p in over:
        if kind == "t":
            titles.append(f"date: {p.get('value')}")
        elif kind == "l" and p.get("neutral"):
            titles.append(f"loaded; neutral: {p['neutral']}")
        elif kind == "m":
            titles.append(f"{p['name']} ({p['type']})")
    anchors = Markup("").join(Markup('<span id="q-{}"></span>').format(s[3]["id"]) for s in starting if s[2] == "q")
    attrs = Markup(' class="{}"').format(" ".join("a-" + k for k in kinds))
    if titles:
        attrs += Markup(' title="{}"').format("; ".join(titles))
    mention = next((s[3] for s in over if s[2] == "m"), None)
    if mention is not None:
        return anchors + Markup('<a href="/entities/{}"{}>{}</a>').format(mention["entity"], attrs, html)
    return anchors + Markup("<span{}>{}</span>").format(attrs, html)


def story_sections(story: dict) -> list[dict]:
    """The story's analysis sections in page order, each {key, title, entries}; empty sections are
    kept (the page says they are not computed yet rather than hiding them)."""
    return [{"key": key, "title": title, "entries": story.get(key) or []} for key, title in SECTIONS]


def quotes_by_speaker(quotes: list[dict], names: dict[str, str], outlets: dict[str, str]) -> list[dict]:
    """Quotes grouped by who says them (the resolved entity when known, else the words naming
    the speaker), the most quoted first; each quote with its article's outlet."""
    groups: dict[tuple, dict] = {}
    for q in quotes:
        eid = q.get("speaker")
        key = ("e", eid) if eid else ("t", (q.get("speaker_text") or "").lower())
        g = groups.setdefault(key, {"entity": eid, "name": names.get(eid) if eid else q.get("speaker_text"),
                                    "quotes": []})
        g["quotes"].append(q | {"outlet": outlets.get(q["article"])})
    return sorted(groups.values(), key=lambda g: (-len(g["quotes"]), g["name"] is None, g["name"] or ""))
