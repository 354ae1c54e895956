"""Metadata read from a scraped page: title, byline, outlet, dateline, dates, wire credits.

``read_header(lines)`` interprets the lines above the lead (what ``clean.split_zones`` calls the
header); ``parse_dateline(lead)`` reads "CITY, Region (Date) (Agency) -" at the start of the lead;
``wire_credits(...)`` collects the news agencies an article credits or draws on, normalised with
the agency list in ``rashomon/data/wire_agencies.tsv``. Dates come out as ISO strings at the
precision the text gives. Pure functions over strings, precompiled regexes, no NLP models: this
runs on every article of a batch.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from ..model import Dateline

# --- dates -------------------------------------------------------------------------------------
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH_NUM = {m: i + 1 for i, m in enumerate(_MONTHS)}
_MONTH_NUM.update({m[:3]: i + 1 for i, m in enumerate(_MONTHS)})
_MONTH_NUM["sept"] = 9
_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
       r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)"
_ORD = r"(?:st|nd|rd|th)?"
# one date, in the forms news pages print: 11 October 2020, October 11, 2020, Nov. 23rd, 2020,
# 2020-10-11, and (year to be supplied) October 11
DATE = (rf"(?i:{_WEEKDAY}?(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}"
        rf"|\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MON},?\s+\d{{4}}"
        rf"|{_MON}\s+\d{{1,2}}{_ORD}(?:,\s*|\s+)\d{{4}}"
        rf"|{_MON}\s+\d{{1,2}}{_ORD}(?!\d)))")
_TIME = r"(?:\s*(?:[-–—,|@]|at)?\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,5}(?:[+-]\d{1,2})?\)?)?)"
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(rf"(\d{{1,2}}){_ORD}\s+(?:of\s+)?({_MON}),?\s+(\d{{4}})", re.I)
_MDY = re.compile(rf"({_MON})\s+(\d{{1,2}}){_ORD}(?:,\s*|\s+)(\d{{4}})", re.I)
_MD = re.compile(rf"({_MON})\s+(\d{{1,2}}){_ORD}(?!\d)", re.I)
_ISO_GIVEN = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

BARE_DATE_LINE = re.compile(rf"^{DATE}{_TIME}?\.?$", re.I)
_LABELLED_DATE = re.compile(
    r"^(?:(?P<upd>(?:last\s+)?(?:updated|modified))|publish(?:ed)?(?:\s+(?:date|on|at))?|posted(?:\s+(?:on|at))?"
    r"|date(?:\s+published)?|first\s+published(?:\s+on)?|release\s+date)\s*[:\-–]?\s*(?P<rest>.{4,80})$", re.I)
_BY_DATE = re.compile(rf"\s+by\s+(?P<who>.+)$", re.I)


def _iso(y: int, m: int, d: int | None = None) -> str | None:
    if not (1 <= m <= 12) or (d is not None and not 1 <= d <= 31) or not 1800 <= y <= 2200:
        return None
    return f"{y:04d}-{m:02d}" + (f"-{d:02d}" if d is not None else "")


def _month(s: str) -> int:
    return _MONTH_NUM[s.lower().rstrip(".")[:3]]


def parse_date(s: str, year: int | None = None) -> str | None:
    """The first date in ``s`` as ISO "YYYY-MM-DD"; a date without a year takes ``year``."""
    if m := _ISO.search(s):
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.search(s):
        return _iso(int(m[3]), _month(m[2]), int(m[1]))
    if m := _MDY.search(s):
        return _iso(int(m[3]), _month(m[1]), int(m[2]))
    if year and (m := _MD.search(s)):
        return _iso(year, _month(m[1]), int(m[2]))
    return None


def normalize_given_date(value) -> str | None:
    """A given ``published`` (ISO string, datetime, "2025-03-20T10:00Z", or prose) as ISO date."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    s = str(value).strip()
    if m := _ISO_GIVEN.match(s):
        y, mo, d = m.groups()
        return "-".join(x for x in (y, mo, d) if x)
    return parse_date(s)


def _year(iso: str | None) -> int | None:
    return int(iso[:4]) if iso else None


# --- dateline ----------------------------------------------------------------------------------
_CAPS_WORD = r"[A-Z][A-Z'’.]*(?:-[A-Z][A-Z'’.]*)*"
_TITLE_WORD = r"[A-Z][\w'’.]*(?:-[\w'’.]+)*"
DATELINE = re.compile(
    rf"^(?P<place>{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,3}})(?<=[A-Z'’.]{{2}})"
    rf"(?:,\s*(?P<sub>{DATE}|{_TITLE_WORD}(?:\s+{_TITLE_WORD}){{0,3}}))?"
    rf"(?:\s*\((?P<paren>[^()]{{1,60}})\))?(?:\s*\((?P<paren2>[^()]{{1,40}})\))?"
    rf"(?P<dash>\s*(?:--|[–—_])\s*|\s+-\s+|(?<=\))\s*-\s*)(?=\S)")


def parse_dateline(lead: str, year: int | None = None) -> tuple[Dateline | None, int]:
    """The dateline at the start of ``lead`` and the length of its prefix (0 when there is none)."""
    m = DATELINE.match(lead)
    if not m:
        return None, 0
    date = credit = None
    if m["sub"]:
        date = parse_date(m["sub"], year)
    for p in (m["paren"], m["paren2"]):
        if not p:
            continue
        d = parse_date(p, year)
        if d or (BARE_DATE_LINE.match(p.strip()) and not year):
            date = date or d
        else:
            credit = credit or p.strip()
    return Dateline(place=m["place"].strip(), date=date, credit=credit), m.end()


# --- byline ------------------------------------------------------------------------------------
_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|al-\w+|el-\w+|bin|ibn|da|di|la|le))*"
_BYLINE = re.compile(rf"^(?:(?P<date>{DATE}){_TIME}?\s*[-–—|,]\s*)?by\s+(?P<who>.{{2,120}})$", re.I)
_NAME_SLASH = re.compile(rf"^(?P<who>{_NAME})\s*[/|]\s*(?P<outlet>{_NAME})$")
_ROLE = re.compile(r"\b(?:staff|writer|reporter|correspondent|editor|contributor|columnist|"
                   r"bureau|desk|in\s+[A-Z]\w+)\b", re.I)
_OUTLET_LINE = re.compile(rf"^(?:The\s+)?{_TITLE_WORD}(?:\s+(?:of|the|and|&|{_TITLE_WORD})){{0,3}}$")


def parse_byline(line: str) -> tuple[str, str | None, str | None] | None:
    """(byline, outlet, date) from "Nov 23rd, 2020 - by Jane Doe / Some Net", "By Jane Doe, Net"."""
    date = None
    m = _BYLINE.match(line)
    if m:
        who, date = m["who"].strip(), (parse_date(m["date"]) if m["date"] else None)
    elif (lm := _LABELLED_DATE.match(line)) and (bm := _BY_DATE.search(lm["rest"])):
        who, date = bm["who"].strip(), parse_date(lm["rest"][: bm.start()])
    elif m := _NAME_SLASH.match(line):
        return (m["who"].strip(), m["outlet"].strip(), None) if len(m["who"].split()) >= 2 else None
    else:
        return None
    who = who.rstrip(" .")
    outlet = None
    for sep in (" / ", "/", " | ", ", "):
        if sep in who:
            name, rest = who.split(sep, 1)
            who = name.strip()
            if sep != ", " or not _ROLE.search(rest):
                outlet = rest.strip() or None
            break
    if len(who.split()) > 8:
        return None
    return who, outlet, date


# --- wire agencies -----------------------------------------------------------------------------
def _data_lines(name: str) -> list[str]:
    text = resources.files("rashomon.data").joinpath(name).read_text("utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@cache
def agencies() -> dict[str, str]:
    """Every name of a news agency, as written, to its canonical name."""
    out: dict[str, str] = {}
    for ln in _data_lines("wire_agencies.tsv"):
        canon, _, names = ln.partition("\t")
        out[canon] = canon
        for n in names.split("|"):
            if n.strip():
                out[n.strip()] = canon
    return out


@cache
def generic_credits() -> frozenset[str]:
    return frozenset(ln.strip().lower() for ln in _data_lines("generic_credits.txt"))


_CUE = (r"(?i:told|tells|telling|according\s+to|spoke\s+(?:to|with)|speaking\s+(?:to|with)|"
        r"interview\s+with|quoted\s+by|reported\s+by|cited\s+by|confirmed\s+to|said\s+to|"
        r"statement\s+to|(?i:by))")
_CUE_BEFORE = re.compile(rf"\b{_CUE}\s+(?:(?i:the)\s+)?$")
_CUE_AFTER = re.compile(r"\s+(?:news\s+agency\s+)?(?:cited|quoted|reported|said|learned|has\s+learned|"
                        r"was\s+told|reports)\b|\)\s*(?:--|[-–—_])")
_UNKNOWN_AGENCY = re.compile(rf"\b{_CUE}\s+(?:the\s+)?(?P<name>(?:[A-Z][\w'’-]+\s+){{1,4}}(?:News\s+)?"
                             r"(?:Agency|News\s+Service|Wire\s+Service|Newswire))(?:\s*\((?P<acr>[A-Z]{2,6})\))?")


@cache
def _alias_rx() -> re.Pattern:
    names = sorted(agencies(), key=len, reverse=True)
    return re.compile(rf"(?:{'|'.join(re.escape(n) for n in names)})(?![\w-])")


def _text_credits(text: str) -> list[str]:
    """Agencies the running text draws on: "told Reuters", "Reuters cited", "(AFP) -", ...

    Cheap: only capitalised words that can begin an agency's name are looked at, and only the few
    characters around them are matched against the reporting cues.
    """
    table, firsts, alias = agencies(), _first_tokens(), _alias_rx()
    hits: list[tuple[int, str]] = []
    for m in _CAP_TOKEN.finditer(text):
        if m.group() not in firsts and m.group().rstrip(".") not in firsts:
            continue
        a = alias.match(text, m.start())
        if not a:
            continue
        framed = _CUE_BEFORE.search(text, max(0, a.start() - 40), a.start()) or (
            _CUE_AFTER.match(text, a.end()) and (not text[a.end():a.end() + 1] == ")" or (
                a.start() and text[a.start() - 1] == "(")))
        if framed:
            hits.append((a.start(), table[a.group()]))
    if _AGENCY_WORD.search(text):
        hits += [(m.start(), m["acr"] or m["name"].strip()) for m in _UNKNOWN_AGENCY.finditer(text)]
    return [name for _, name in sorted(hits)]


_CAP_TOKEN = re.compile(r"[A-Z][\w.-]*")
_AGENCY_WORD = re.compile(r"\b(?:Agency|News Service|Wire Service|Newswire)\b")


@cache
def _first_tokens() -> frozenset[str]:
    return frozenset(n.split()[n.startswith("The ")] for n in agencies())


def agency_name(credit: str) -> str | None:
    """The canonical agency of a credit ("AP" -> "Associated Press"); None when generic."""
    c = credit.strip().strip(".")
    if c.lower() in generic_credits():
        return None
    table = agencies()
    if c in table:
        return table[c]
    for part in re.split(r"\s*[/,&]\s*|\s+and\s+", c):  # "(Reuters/AFP)"
        if part in table:
            return table[part]
    return c


def wire_credits(text: str, *, credit: str | None = None, byline: str | None = None) -> list[str]:
    """Agencies credited in the dateline, the byline, or the running text; canonical names."""
    out: list[str] = []

    def add(name: str | None) -> None:
        if name and name not in out:
            out.append(name)

    if credit:
        for part in re.split(r"\s*[/,&;]\s*|\s+and\s+", credit):
            add(agency_name(part)) if part else None
    table = agencies()
    if byline:
        for name in re.findall(r"[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*", byline):
            if name in table and len(name) > 2:
                add(table[name])
    for name in _text_credits(text):
        add(name)
    return out
    before, after, unknown = _wire_regexes()
    hits = [(m.start(), table[m["a"]]) for m in before.finditer(text)]
    hits += [(m.start(), table[m["a"] or m["b"]]) for m in after.finditer(text)]
    hits += [(m.start(), m["acr"] or m["name"].strip()) for m in unknown.finditer(text)]
    for _, name in sorted(hits):
        add(name)
    return out


# --- the page head -----------------------------------------------------------------------------
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
_TAGLINE = re.compile(r"^[A-Z][\w'’&. ]{1,40}\s[-–|:]\s[a-z]")
_NEWS_ID = re.compile(r"^(?:news|article|story|post|content)\s+(?:id|code|no\.?|number)\s*[:#]?\s*(?P<id>[\w-]+)$", re.I)
CAPTION = re.compile(r"\((?:[^()]{1,60})\)\s*$|\b(?:photo|image|picture|credit)s?\s*(?:by\b|[:/|])|"
                     r"\((?:[^()]*\b(?:photo|image|picture|file)\b[^()]*)\)", re.I)


@dataclass
class Header:
    """What the lines above the lead say: the fields found and which lines are kept as fields."""

    title: str | None = None
    subtitle: str | None = None
    outlet: str | None = None
    byline: str | None = None
    explicit: str | None = None     # "Publish Date: ...", "Published: ..."
    posted: str | None = None       # a date in the byline line, or a bare date under the title
    page_date: str | None = None    # a bare date at the top of the page: when it was rendered
    updated: str | None = None
    news_id: str | None = None
    kept: set[int] = field(default_factory=set)  # indices of lines that are the title/subtitle


def headline_shaped(t: str) -> bool:
    """Short, no sentence-final full stop, starts with a capital (or a quote): a headline."""
    n = len(t.split())
    if not (3 <= n <= 25 and len(t) <= 200) or t.endswith((".", "…")):
        return False
    if t[:1] in "\"“‘'":
        return not t.rstrip("\"”’'").endswith((".", "!", "?"))
    return t[:1].isupper() or t[:1].isdigit()


def read_header(lines: list[str], *, repeated=lambda s: False, furniture=lambda s: False) -> Header:
    """Interpret the lines above the lead of one article.

    ``repeated(line)`` tells a line that recurs across files of the site, ``furniture(line)`` a
    line of the boilerplate lexicon: neither can be the title.
    """
    h = Header()
    heads: list[int] = []
    outlets: list[int] = []
    sentences: list[int] = []
    bare: list[tuple[int, str]] = []
    for i, t in enumerate(lines):
        if m := _NEWS_ID.match(t):
            h.news_id = h.news_id or m["id"]
        elif furniture(t):
            continue
        elif m := _NEWS_ID.match(t):
            h.news_id = h.news_id or m["id"]
        elif by := parse_byline(t):
            who, outlet, date = by
            h.byline = h.byline or who
            h.outlet = h.outlet or outlet
            h.posted = h.posted or date
        elif (m := _LABELLED_DATE.match(t)) and (d := parse_date(m["rest"])):
            if m["upd"]:
                h.updated = h.updated or d
            else:
                h.explicit = h.explicit or d
        elif BARE_DATE_LINE.match(t):
            if d := parse_date(t):
                bare.append((i, d))
        elif len(t.split()) >= 6 and CAPTION.search(t):
            continue  # a photo caption: removed
        elif headline_shaped(t) and len(t.split()) >= 4:
            heads.append(i)
        elif _OUTLET_LINE.match(t) and len(t.split()) <= 4:
            outlets.append(i)
        elif _TERMINAL.search(t) and len(t.split()) >= 5:
            sentences.append(i)
    title_i = _pick_title(lines, heads, repeated)
    if title_i is not None:
        h.title = lines[title_i]
        h.kept.add(title_i)
        after = [i for i in sentences if i > title_i] or [
            i for i in heads if i > title_i and lines[i] != h.title and not repeated(lines[i])]
        if after:
            h.subtitle = lines[after[0]]
            h.kept.add(after[0])
    if not h.outlet and outlets:
        below = [i for i in outlets if title_i is not None and i > title_i]
        h.outlet = lines[(below or outlets)[0]]
    top = title_i if title_i is not None else -1
    for i, d in bare:
        if i < top or h.explicit or (h.posted and h.posted != d):
            h.page_date = h.page_date or d
        else:
            h.posted = h.posted or d
    return h


def _pick_title(lines: list[str], heads: list[int], repeated) -> int | None:
    if not heads:
        return None
    texts = [lines[i] for i in heads]
    for i in heads:  # a title printed twice (page title and article title) is the title
        if texts.count(lines[i]) > 1:
            return i
    fresh = [i for i in heads if not repeated(lines[i])] or heads
    plain = [i for i in fresh if not _TAGLINE.match(lines[i])]
    return (plain or fresh)[0]
