"""Time expressions, each resolved to a calendar date at the precision it has.

``find_times(article, doc=None)`` returns the contract's Time dicts::

    {"article", "text", "start", "end", "value": "YYYY" | "YYYY-MM" | "YYYY-MM-DD",
     "anchor": "published" | "dateline" | "absolute" | "context"}

How it works:

* One grammar, compiled once into a single regular expression (``_grammar()``) from the words of
  ``data/time_words.tsv`` (months, weekdays, number words, ordinals, holidays). One ``finditer``
  pass over the text finds every candidate; a few checks then drop the false friends: "may" and
  "march" as verbs (month names must be capitalised, and the ambiguous ones need a date context),
  "Sunday Times" (a weekday followed by a capitalised word is a name), numbers that are counts
  ("2000 troops", "$1990", "1990%").
* Each match is resolved against a reference:

  - full explicit dates ("January 3, 2020", "3 Jan 2020", "2020-01-03", "January 2020", "in 2014")
    need none: anchor "absolute";
  - deictic expressions ("yesterday", "on Sunday", "last month", "in January", "Jan. 3",
    "mid-October", "this week", "so far this year", "two years ago") are resolved against the
    article's date: ``article.published`` (anchor "published"), else ``article.dateline.date``
    (anchor "dateline");
  - anaphoric expressions ("the day before", "the next day", "that year", "two days later") are
    resolved against the last date the text mentioned before them (anchor "context"), or the
    article's date when there is none yet.

  Where the expression does not say which side of the reference it lies on ("on Sunday",
  "in January", "Jan. 3"), the tense around it decides (``_tense``): "will meet on Sunday" is the
  coming Sunday, "met on Sunday" the last one; without a cue weekdays and months look back
  (news reports what happened), day-and-month dates take the nearest occurrence.
* Precision follows the expression: a week ("this week") is given as its month when the whole
  week lies in one month, else as its year; "late last month" is a month; "so far this year" a year.
  Expressions that are not calendar dates (durations, sets, "now") are not returned, nor are
  relative expressions of an article without a date.

``doc`` (the article's spaCy Doc) is optional: when given, the tense of the verb governing the
expression is read from it and numbers that modify a noun ("2000 troops") are dropped.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources

__all__ = ["find_times", "resolve_anchor"]

# ---------------------------------------------------------------- lexicon


def _data_rows(name: str) -> list[list[str]]:
    text = resources.files("rashomon").joinpath("data", name).read_text(encoding="utf-8")
    return [ln.rstrip("\n").split("\t") for ln in text.splitlines()
            if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, dict[str, object]]:
    lex: dict[str, dict[str, object]] = {}
    for row in _data_rows("time_words.tsv"):
        if len(row) != 3:
            raise ValueError(f"time_words.tsv: bad row {row!r}")
        kind, word, value = row
        lex.setdefault(kind, {})[word] = value if kind == "holiday" else int(value)
    return lex


def _alt(words, caps: bool) -> str:
    """Alternation of words, longest first; caps: Capitalised or UPPER forms only."""
    forms = []
    for w in sorted(words, key=len, reverse=True):
        if caps:
            forms += [w[:1].upper() + w[1:], w.upper()]
        else:
            forms.append(w)
    out = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
    return f"(?:{out})" if caps else f"(?i:{out})"


# ---------------------------------------------------------------- grammar

MONTH_AMBIGUOUS = {"may", "march", "april", "june", "august"}  # also verbs, nouns or first names


@lru_cache(maxsize=1)
def _grammar() -> re.Pattern:
    lex = _lexicon()
    months = lex["month"]
    full = [m for m in months if len(m) > 4 or m in ("may", "june", "july")]
    abbr = [m for m in months if m not in full]
    weekdays = [w for w in lex["weekday"] if len(w) > 4]
    wd_abbr = [w for w in lex["weekday"] if len(w) <= 4]
    numbers = lex["number"]
    ordinals = lex["ordinal"]

    MONF = _alt(full, True)
    MONA = _alt(abbr, True)
    I = "(?i:{})".format
    MON = rf"(?:{MONF}|{MONA}\.?)(?![\w-])"              # January, Jan, Jan.
    MONX = rf"(?:{MONF}|{MONA}\.)(?![\w-])"              # bare month: no dotless abbreviation
    WD = _alt(weekdays, True)
    WDX = rf"(?:{WD}|{_alt(wd_abbr, True)}\.?)"
    DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:.,]\d|\w)"
    ORD = rf"(?:{_alt(ordinals, False)}|(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th))"
    YEAR = r"(?<![\d,.$£€#/])(?:1[0-9]\d\d|20\d\d)(?![\d%]|,\d|\.\d|-\d|\w)"
    TENS = _alt([w for w, v in numbers.items() if 10 <= v <= 90], False)
    UNITS = _alt([w for w, v in numbers.items() if 1 <= v <= 9 and " " not in w
                  and w not in ("a", "an")], False)
    YEARW = I(rf"(?:nineteen|eighteen)\s+{TENS}(?:[\s-]+{UNITS})?|"
              rf"(?:the\s+year\s+)?two\s+thousand(?:\s+(?:and\s+)?{UNITS})?")
    NUMW = _alt(numbers, False)
    NUM = rf"(?:\d{{1,3}}|{NUMW}(?:-{NUMW})?)"
    PART = I(r"early|earlier|late|later|mid|the\s+(?:beginning|start|end|middle)\s+of|"
             r"the\s+(?:first|second|last)\s+(?:half|week|days)\s+of")
    TOD = I(r"morning|afternoon|evening|night|overnight")
    WDMOD = I(r"last|next|this(?:\s+coming|\s+past)?|coming|past|the\s+previous|"
              r"the\s+following|the\s+next|early|late|earlier|later")
    REL = I(r"last|this|next|the\s+past|the\s+current|the\s+previous|the\s+coming|"
            r"the\s+following|the\s+same|that|the\s+next|the\s+latest|the\s+present|the")

    MREL = I(r"last|next|this\s+coming|this\s+past|this|that|the\s+following|the\s+previous")
    DEIC = I(r"yesterday|today|tomorrow|tonight|last\s+night|this\s+(?:morning|afternoon|evening)|"
             r"the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow")
    RELPART = I(r"so\s+far|earlier|later|early|late|mid|until|through|since|for|during|in|by")
    RELU = r"(?:[Ww]eek|[Ww]eekend|[Mm]onth|[Yy]ear|[Ff]iscal\s+[Yy]ear|WEEK|MONTH|YEAR)"
    APPROX = I(r"about|almost|nearly|some|roughly|more\s+than|less\s+than|just|only")
    AGOU = I(r"days?|weeks?|months?|years?|decades?")
    AGOW = I(r"(?:or\s+so\s+)?(?:ago|earlier|later|from\s+now|hence)")

    pats = [
        # 2020-01-03
        ("iso", r"(?<![\d-])(?P<iso_y>\d{4})-(?P<iso_m>[01]\d)-(?P<iso_d>[0-3]\d)(?![\d-])"),
        # (Friday,) January 3, 2020 / Jan. 3rd 2020
        ("mdy", rf"(?:{WDX},?\s+)?(?P<mdy_m>{MON})\s+(?P<mdy_d>{DAY}),?\s+(?P<mdy_y>{YEAR})"),
        # (Friday,) 3 January 2020 / the 3rd of January, 2020
        ("dmy", rf"(?:{WDX},?\s+)?(?:{I('the')}\s+)?(?P<dmy_d>{DAY})(?:\s+{I('of')})?\s+"
                rf"(?P<dmy_m>{MON}),?\s+(?P<dmy_y>{YEAR})"),
        # (early) January 2020 / January of 2020
        ("my", rf"(?:(?P<my_part>{PART})[\s-]+)?(?P<my_m>{MON}),?\s+(?:{I('of')}\s+)?"
               rf"(?P<my_y>{YEAR})"),
        # (Friday,) January 3 / Jan. 3rd
        ("md", rf"(?:(?P<md_rel>{I('last|next|this')})\s+)?(?:(?P<md_wd>{WDX}),?\s+)?"
               rf"(?P<md_m>{MON})\s+(?P<md_d>{DAY})"),
        # (Friday,) 3 January / the third of January
        ("dm", rf"(?:(?P<dm_wd>{WDX}),?\s+)?(?:{I('the')}\s+)?(?P<dm_d>{DAY}|{ORD})(?:\s+{I('of')})?\s+"
               rf"(?P<dm_m>{MONX})"),
        # (late) (last) January (this year)
        ("mon", rf"(?:(?P<mon_part>{PART})[\s-]+)?(?:(?P<mon_rel>{MREL})\s+)?"
                rf"(?P<mon_m>{MONX})(?:\s+(?P<mon_yrel>{I('this|last|next')})\s+{I('year')})?"),
        # (early) 1990 / fiscal 1989 / the end of 1990 / mid-1996
        ("year", rf"(?:(?P<year_part>{PART}|{I('fiscal|pre|post')})[\s-]+)?(?P<year_y>{YEAR})"),
        ("yearw", rf"(?:{I('in|of|since|by|until')}\s+|(?<=\.\s))(?P<yearw_y>{YEARW})(?![\w-])"),
        # the end of the year / year-end / the full year / year-earlier
        ("thisyr", I(r"(?:(?:around|by|at|since)\s+)?(?:the\s+)?(?:year[- ]end|year's\s+end|"
                     r"end\s+of\s+the\s+year|(?:full|current|fiscal|current\s+fiscal)\s+year|"
                     r"(?:earlier|later)\s+in\s+the\s+year)(?![\w-])")),
        ("prevyr", I(r"year-(?:earlier|ago)(?![\w-])")),
        ("thismo", I(r"the\s+end\s+of\s+the\s+month(?![\w-])")),
        # (early) yesterday (morning) / tonight / last night / this morning
        ("deic", rf"(?:(?P<deic_part>{I('early|earlier|late|later|mid')})[\s-]+)?"
                 rf"(?P<deic_w>{DEIC})(?:\s+{TOD})?"),
        # the day before / the next day / that day / a day later / earlier that day
        ("ctxday", I(r"(?:(?:earlier|later)\s+)?(?:the\s+(?:day|night|evening)\s+(?:before|after)"
                     r"(?![\w\s]{0,3}\d)|the\s+(?:next|following|previous|preceding)\s+"
                     r"(?:day|morning|night|evening)|the\s+same\s+day|that\s+(?:same\s+)?"
                     r"(?:day|morning|night|evening)|a\s+day\s+(?:earlier|later|before))"
                     r"(?!\s+(?:of|that|when|after|before)\b)")),
        # last week / this month / so far this year / the past year / that year / earlier this month
        ("rel", rf"(?:(?P<rel_part>{RELPART})[\s-]+)?(?P<rel_w>{REL})\s+"
                rf"(?P<rel_u>{RELU})(?![\w-])"),
        # two years ago / a decade ago / three days later
        ("ago", rf"(?:{APPROX}\s+)?(?P<ago_n>{NUM})\s+(?P<ago_u>{AGOU})"
                rf"\s+(?P<ago_w>{AGOW})(?![\w-])"),
        # (last) Friday('s) (morning) / early Tuesday / this coming Sunday
        ("wd", rf"(?:(?P<wd_mod>{WDMOD})\s+)?(?P<wd_d>{WD})(?:'s|’s)?(?:\s+(?P<wd_tod>{TOD}))?"),
        # (last) Thanksgiving / Christmas Day
        ("hol", rf"(?:(?P<hol_mod>{I('last|next|this')})\s+)?"
                rf"(?P<hol_h>{_alt(lex['holiday'], True)})(?![\w-])"),
    ]
    combined = "|".join(f"(?P<{name}>{p})" for name, p in pats)
    # a cheap first test: the words an expression can start with (most words are not one)
    first = set(months) | set(lex["weekday"]) | {w.split()[0] for w in lex["holiday"]} | \
        {w.split()[0] for w in numbers} | set(ordinals) | {
            "early", "earlier", "late", "later", "mid", "the", "fiscal", "pre", "post", "in", "of",
            "since", "by", "until", "till", "around", "at", "year", "yesterday", "today",
            "tomorrow", "tonight", "last", "this", "next", "that", "so", "through", "for",
            "during", "about", "almost", "nearly", "some", "roughly", "more", "less", "just",
            "only", "coming", "past", "eighteen", "nineteen"}
    start = "|".join(sorted(first, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?=\d|(?i:(?:{start})(?![a-z])))(?:{combined})")


# ---------------------------------------------------------------- dates


class _D:
    """A date at a precision: year only, year-month, or a day."""

    __slots__ = ("y", "m", "d")

    def __init__(self, y: int, m: int | None = None, d: int | None = None):
        self.y, self.m, self.d = y, m, d

    @property
    def day(self) -> date | None:
        return date(self.y, self.m, self.d) if self.d is not None else None

    def iso(self) -> str | None:
        if not 1 <= self.y <= 9999:
            return None
        if self.m is None:
            return f"{self.y:04d}"
        if self.d is None:
            return f"{self.y:04d}-{self.m:02d}"
        return f"{self.y:04d}-{self.m:02d}-{self.d:02d}"


_ANCHOR_RE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _parse_date(s) -> _D | None:
    if not isinstance(s, str):
        return None
    m = _ANCHOR_RE.match(s)
    if not m:
        return None
    y = int(m.group(1))
    mo = int(m.group(2)) if m.group(2) else None
    d = int(m.group(3)) if m.group(3) else None
    if mo is not None and not 1 <= mo <= 12:
        return _D(y)
    if d is not None:
        try:
            date(y, mo, d)
        except ValueError:
            return _D(y, mo)
    return _D(y, mo, d)


def resolve_anchor(article) -> tuple[_D | None, str | None]:
    """The date the article's relative expressions count from, and its contract label."""
    basis = getattr(article, "published_basis", None)
    pub = _parse_date(getattr(article, "published", None))
    if pub is not None and basis != "inferred":
        return pub, "published"
    dl = getattr(article, "dateline", None)
    dld = _parse_date(getattr(dl, "date", None)) if dl is not None else None
    if dld is not None:
        return dld, "dateline"
    if pub is not None:  # inferred publication date: the best there is
        return pub, "published"
    return None, None


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    t = y * 12 + (m - 1) + k
    return t // 12, t % 12 + 1


def _safe_day(y: int, m: int, d: int) -> _D | None:
    try:
        date(y, m, d)
    except ValueError:
        return None
    return _D(y, m, d)


def _from_day(dd: date) -> _D:
    return _D(dd.year, dd.month, dd.day)


def _week_value(monday: date) -> _D:
    """A week as the coarsest contract date containing all of it."""
    sunday = monday + timedelta(days=6)
    if monday.month == sunday.month:
        return _D(monday.year, monday.month)
    return _D(monday.year) if monday.year == sunday.year else None


def _nth_weekday(y: int, month: int, wd: int, n: int) -> date:
    if n > 0:
        first = date(y, month, 1)
        return first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
    last = date(y, month, calendar.monthrange(y, month)[1])
    return last - timedelta(days=(last.weekday() - wd) % 7)


def _holiday(spec: str, y: int) -> date | None:
    if spec == "election":
        first_monday = _nth_weekday(y, 11, 0, 1)
        return first_monday + timedelta(days=1)
    if ":" in spec:
        n, wd, mo = (int(x) for x in spec.split(":"))
        return _nth_weekday(y, mo, wd, n)
    mo, d = (int(x) for x in spec.split("-"))
    return date(y, mo, d)


# ---------------------------------------------------------------- tense

_SENT_BREAK = re.compile(r"(?:[.!?][\"'”’)]*\s+(?=[\"“‘(]?[A-Z0-9])|\n)")
_FUTURE = re.compile(
    r"\b(?:will|won't|shall|'ll|’ll|going\s+to|(?:is|are|was|were)\s+to|scheduled|"
    r"expects?|expected|expecting|plans?\s+to|planned\s+to|planning|due\s+to\s+\w+|due|"
    r"set\s+to|upcoming|coming|would|must|should|could|can|supposed|"
    r"intends?|hopes?\s+to|aims?\s+to|next(?!\s+to\b)|later\s+this|as\s+(?:early|soon|late)\s+as|"
    r"effective|expires?|payable|deadline|tomorrow)\b", re.I)
_PAST = re.compile(
    r"\b(?:was|were|had|did|said|told|ago|last|earlier|since|began|came|went|yesterday)\b|"
    r"(?<!\bbe\s)(?<!\bbeen\s)(?<!\bbeing\s)(?<!\bis\s)(?<!\bare\s)(?<!\bto\s)(?<!\bget\s)"
    r"\b(?:took|made|met|fell|rose|held|left|gave|found|saw|won|lost|broke|struck|sent|"
    r"spoke|wrote|became|paid|sold|bought|led|ran|hit|shot|got|quit|\w{2,}ed)\b", re.I)
_NOT_PAST = {"scheduled", "expected", "planned", "proposed", "intended", "needed",
             "required", "red", "bed", "need", "speed", "indeed", "seed", "feed", "hundred",
             "united", "limited", "based", "related", "proceed", "exceed", "succeed",
             "supposed", "continued", "extended", "unspecified", "unidentified", "embed",
             "alleged", "armed", "named", "called", "so-called", "concerned", "interested",
             "detailed", "advanced", "combined", "increased", "reduced", "added", "wed", "shed"}
# modals: they mark a future only weakly ("must implement a resolution passed in January")
_WEAK_FUTURE = {"must", "should", "could", "can", "would"}
# a modal inside a relative clause ("the council, which would oversee ...") says nothing about
# the tense of the main clause the date belongs to
_RELATIVE_BEFORE = re.compile(r"\b(?:which|who|that)(?:\s+\w+)?\s+$", re.I)
_REPORTED_BEFORE = re.compile(
    r"\b(?:said|announced|told\s+\w+|signaled|signalled|warned|promised|pledged|vowed|decided|"
    r"agreed|added|stated|declared|insisted|threatened)\b(?:\s+that)?(?:\s+[\w’'.-]+){0,4}\s+$",
    re.I)
_FUT_TAGS_AUX = {"will", "wo", "shall", "'ll", "’ll"}


def _tense_regex(text: str, start: int, end: int, strong_future: bool = False) -> int:
    """+1 future, -1 past, 0 unknown: the cue nearest the expression in its sentence."""
    lo = max(0, start - 250)
    left = text[lo:start]
    cut = None
    for m in _SENT_BREAK.finditer(left):
        cut = m.end()
    if cut is not None:
        left = left[cut:]
        lo = start - len(left)
    right = text[end:end + 100]
    m = _SENT_BREAK.search(right)
    if m:
        right = right[:m.start()]
    best = None  # (distance, sign)
    for seg, base, before in ((left, lo, True), (right, end, False)):
        for rx, sign in ((_FUTURE, 1), (_PAST, -1)):
            for c in rx.finditer(seg):
                w = c.group(0).lower()
                if sign < 0 and w in _NOT_PAST:
                    continue
                if sign > 0 and strong_future and w in _WEAK_FUTURE:
                    continue
                if w == "would" and _REPORTED_BEFORE.search(
                        text, max(0, base + c.start() - 45), base + c.start()):
                    continue  # "announced it would ...": future of a past moment, not of now
                if sign > 0 and w in _WEAK_FUTURE and _RELATIVE_BEFORE.search(
                        text, max(0, base + c.start() - 20), base + c.start()):
                    continue
                dist = (start - (base + c.end())) if before else (c.start())
                if not before:
                    dist += 10  # cues before the expression govern it more often
                if best is None or dist < best[0]:
                    best = (dist, sign)
    return best[1] if best else 0


def _tense_doc(doc, start: int, end: int) -> int | None:
    """Tense of the verb governing the expression, from the parse; None if it cannot tell."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span.root
    for _ in range(6):
        if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            break
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX"):
        return None
    auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    for a in auxes:
        low = a.lower_
        if low in _FUT_TAGS_AUX:
            return 1
        if low == "to" or a.tag_ == "TO":
            head = tok.head
            if head is not tok and head.lemma_ in ("plan", "expect", "schedule", "set", "due",
                                                   "intend", "hope", "aim", "want", "vow",
                                                   "promise", "agree", "decide", "threaten",
                                                   "be", "go"):
                return 1
    for a in auxes:
        if a.tag_ == "VBD" or a.lower_ in ("did", "had", "was", "were"):
            return -1
    if tok.tag_ in ("VBD", "VBN"):
        return -1
    if tok.lower_ in _FUT_TAGS_AUX or (tok.tag_ == "MD" and tok.lower_ in ("will", "shall")):
        return 1
    return None


# ---------------------------------------------------------------- resolution


def _month_near(anchor: _D, month: int, tense: int, default: int) -> _D:
    """The month `month` on the side of the anchor the tense says (0 -> default side)."""
    if anchor.m is None:
        return _D(anchor.y, month)
    side = tense or default
    if month == anchor.m:
        return _D(anchor.y, month)
    if side > 0:
        return _D(anchor.y + (1 if month < anchor.m else 0), month)
    if side < 0:
        return _D(anchor.y - (1 if month > anchor.m else 0), month)
    # nearest
    diff = (month - anchor.m) % 12
    return _D(anchor.y + (1 if month < anchor.m else 0), month) if diff <= 6 else \
        _D(anchor.y - (1 if month > anchor.m else 0), month)


def _md_near(anchor: _D, month: int, day: int, tense: int) -> _D | None:
    if anchor.m is None:
        return _safe_day(anchor.y, month, day)
    if anchor.d is None:
        base = _month_near(anchor, month, tense, 0)
        return _safe_day(base.y, month, day)
    a = anchor.day
    cands = [c for c in (_safe_day(a.year + k, month, day) for k in (-1, 0, 1)) if c]
    if not cands:
        return None
    nearest = min(cands, key=lambda c: abs((c.day - a).days))
    pick = None
    if tense > 0:
        fut = [c for c in cands if c.day >= a]
        pick = min(fut, key=lambda c: c.day) if fut else None
    elif tense < 0:
        past = [c for c in cands if c.day <= a]
        pick = max(past, key=lambda c: c.day) if past else None
    if pick is None:
        return nearest
    # a day and month within a month of the article's date is that one, whatever the tense
    # cue says, rather than one nearly a year away (tense cues are weak evidence)
    if abs((nearest.day - a).days) <= 31 and abs((pick.day - a).days) > 180:
        return nearest
    return pick


def _weekday_near(anchor_day: date, wd: int, mod: str, tense: int) -> date:
    mod = " ".join(mod.lower().split()) if mod else ""
    back = (anchor_day.weekday() - wd) % 7
    fwd = (wd - anchor_day.weekday()) % 7
    if mod in ("last", "the previous", "past", "this past", "since"):
        return anchor_day - timedelta(days=back or 7)
    if mod in ("next", "the following", "the next", "this coming", "coming", "until", "till"):
        return anchor_day + timedelta(days=fwd or 7)
    if tense > 0:
        return anchor_day + timedelta(days=fwd)
    return anchor_day - timedelta(days=back)


_UNIT_DAYS = {"day": 1, "week": 7}
_ENDPOINT_BEFORE = re.compile(r"\b(?:until|till|through|by|to|before|from)\s+(?:about\s+|around\s+)?$",
                              re.I)


class _Resolver:
    def __init__(self, text: str, anchor: _D | None, anchor_label: str | None, doc):
        self.text = text
        self.anchor = anchor
        self.label = anchor_label
        self.doc = doc
        self.ref: _D | None = None  # the last date the text mentioned (for anaphora)
        self.ref_end = 0
        self.lex = _lexicon()

    def tense(self, start: int, end: int, strong_future: bool = False) -> int:
        t = _tense_regex(self.text, start, end, strong_future)
        if t == 0 and self.doc is not None:
            return _tense_doc(self.doc, start, end) or 0
        return t

    def month(self, s: str) -> int:
        return self.lex["month"][s.rstrip(".").lower()]

    def day(self, s: str) -> int:
        s = s.lower()
        if s in self.lex["ordinal"]:
            return self.lex["ordinal"][s]
        return int(re.match(r"\d+", s).group(0))

    def spelled_year(self, s: str) -> int | None:
        words = re.split(r"[\s-]+", s.lower())
        if words[:2] == ["the", "year"]:
            words = words[2:]
        nums = self.lex["number"]
        if words[:2] == ["two", "thousand"]:
            rest = [w for w in words[2:] if w != "and"]
            return 2000 + sum(nums.get(w, 0) for w in rest)
        century = {"nineteen": 1900, "eighteen": 1800}.get(words[0])
        if century is None or not all(w in nums for w in words[1:]):
            return None
        return century + sum(nums[w] for w in words[1:])

    def number(self, s: str) -> int | None:
        s = " ".join(s.lower().split())
        if s.isdigit():
            return int(s)
        nums = self.lex["number"]
        if s in nums:
            return nums[s]
        if "-" in s:
            parts = s.split("-")
            if all(p in nums for p in parts):
                return sum(nums[p] for p in parts)
        return None

    # each returns (value, anchor label) or None
    def resolve(self, m: re.Match) -> tuple[_D, str] | None:
        kind = m.lastgroup
        g = m.group
        A, L = self.anchor, self.label
        if kind == "iso":
            v = _safe_day(int(g("iso_y")), int(g("iso_m")), int(g("iso_d")))
            return (v, "absolute") if v else None
        if kind == "mdy":
            v = _safe_day(int(g("mdy_y")), self.month(g("mdy_m")), self.day(g("mdy_d")))
            return (v, "absolute") if v else None
        if kind == "dmy":
            v = _safe_day(int(g("dmy_y")), self.month(g("dmy_m")), self.day(g("dmy_d")))
            return (v, "absolute") if v else None
        if kind == "my":
            return _D(int(g("my_y")), self.month(g("my_m"))), "absolute"
        if kind == "year":
            return _D(int(g("year_y"))), "absolute"
        if kind == "yearw":
            y = self.spelled_year(g("yearw_y"))
            return (_D(y), "absolute") if y else None
        if kind in ("thisyr", "prevyr"):
            if A is None:
                return None
            return _D(A.y - (kind == "prevyr")), L
        if kind == "thismo":
            return (_D(A.y, A.m), L) if A is not None and A.m else None
        if kind in ("md", "dm"):
            if A is None:
                return None
            mo, d = self.month(g(kind + "_m")), self.day(g(kind + "_d"))
            wd = g(kind + "_wd")
            if wd:  # "Friday, Oct. 13": the year whose Oct. 13 is a Friday
                want = self.lex["weekday"][wd.rstrip(".").lower()]
                for k in (0, -1, 1):
                    v = _safe_day(A.y + k, mo, d)
                    if v is not None and v.day.weekday() == want:
                        return v, L
            rel = (g("md_rel") or "").lower() if kind == "md" else ""
            if rel:
                tense = {"last": -1, "next": 1}.get(rel, 0)
            elif _ENDPOINT_BEFORE.search(self.text, max(0, m.start() - 12), m.start()):
                tense = 0  # "extended to Nov. 6", "by Jan. 14": an end point, not the event
            else:
                tense = self.tense(m.start(), m.end())
            v = _md_near(A, mo, d, tense)
            return (v, L) if v else None
        if kind == "mon":
            mo = self.month(g("mon_m"))
            rel = " ".join((g("mon_rel") or "").lower().split())
            yrel = (g("mon_yrel") or "").lower()
            if rel in ("that", "the following", "the previous"):
                base, lab = self.ref or A, "context" if self.ref else L
                if base is None:
                    return None
                if rel == "that":
                    return _D(base.y, mo), lab
                side = 1 if rel == "the following" else -1
                return _month_near(_D(base.y, base.m or mo), mo, side, side), lab
            if A is None:
                return None
            if yrel:
                return _D(A.y + {"this": 0, "last": -1, "next": 1}[yrel], mo), L
            if rel in ("last", "this past"):
                return _D(A.y - (1 if A.m is None or mo >= A.m else 0), mo), L
            if rel in ("next", "this coming"):
                return _D(A.y + (1 if A.m is None or mo <= A.m else 0), mo), L
            if rel == "this":
                return _D(A.y, mo), L
            tense = self.tense(m.start(), m.end(), strong_future=True)
            return _month_near(A, mo, tense, -1), L
        if kind == "deic":
            if A is None or A.d is None:
                return None
            w = " ".join(g("deic_w").lower().split())
            off = {"yesterday": -1, "last night": -1, "tomorrow": 1,
                   "the day before yesterday": -2, "the day after tomorrow": 2}.get(w, 0)
            return _from_day(A.day + timedelta(days=off)), L
        if kind == "ctxday":
            base, lab = (self.ref, "context") if self.ref and self.ref.d else (A, L)
            if base is None or base.d is None:
                return None
            w = " ".join(m.group(0).lower().split())
            if re.search(r"before|previous|preceding|earlier", w) and not w.startswith("earlier"):
                off = -1
            elif re.search(r"after|next|following|later", w) and not w.startswith("later"):
                off = 1
            else:
                off = 0
            return _from_day(base.day + timedelta(days=off)), lab
        if kind == "rel":
            return self._rel(m)
        if kind == "ago":
            return self._ago(m)
        if kind == "wd":
            return self._wd(m)
        if kind == "hol":
            if A is None:
                return None
            spec = self.lex["holiday"][" ".join(g("hol_h").lower().split())]
            mod = (g("hol_mod") or "").lower()
            a = A.day or date(A.y, A.m or 12, 28)
            this = _holiday(spec, a.year)
            if mod == "last" or (not mod and self.tense(m.start(), m.end()) <= 0):
                if this > a:
                    this = _holiday(spec, a.year - 1)
            elif mod == "next" or (not mod and this < a):
                if this < a:
                    this = _holiday(spec, a.year + 1)
            return _from_day(this), L
        return None

    def _rel(self, m) -> tuple[_D, str] | None:
        g = m.group
        w = " ".join(g("rel_w").lower().split())
        unit = g("rel_u").lower().split()[-1]
        if w == "the" and unit != "weekend":
            return None
        if w in ("that", "the same") or (w in ("the following", "the next", "the previous")
                                          and self.ref is not None):
            base, lab = (self.ref, "context") if self.ref else (self.anchor, self.label)
        else:
            base, lab = self.anchor, self.label
        if base is None:
            return None
        k = {"last": -1, "the past": -1, "the previous": -1, "next": 1, "the coming": 1,
             "the following": 1, "the next": 1}.get(w, 0)
        if unit == "year":
            return _D(base.y + k), lab
        if unit == "month":
            if base.m is None:
                return None
            y, mo = _add_months(base.y, base.m, k)
            return _D(y, mo), lab
        if base.d is None:
            return None
        monday = base.day - timedelta(days=base.day.weekday()) + timedelta(days=7 * k)
        if unit == "weekend":
            sat = monday + timedelta(days=5)
            if k == 0 and w != "this" and sat > base.day and (g("rel_part") or "") == "":
                sat -= timedelta(days=7)  # "over the weekend" in news: the one just past
            v = _D(sat.year, sat.month) if (sat + timedelta(days=1)).month == sat.month \
                else _D(sat.year)
            return v, lab
        v = _week_value(monday)
        return (v, lab) if v else None

    def _ago(self, m) -> tuple[_D, str] | None:
        g = m.group
        n = self.number(g("ago_n"))
        if n is None:
            return None
        unit = g("ago_u").lower().rstrip("s")
        w = " ".join(g("ago_w").lower().split())
        if w.endswith(("earlier", "later")):
            recent = self.ref is not None and m.start() - self.ref_end < 250
            base, lab = (self.ref, "context") if recent else (self.anchor, self.label)
        else:
            base, lab = self.anchor, self.label
        if base is None:
            return None
        sign = 1 if w.endswith(("later", "from now", "hence")) else -1
        if unit == "decade":
            unit, n = "year", n * 10
        if unit == "year":
            return _D(base.y + sign * n), lab
        if unit == "month":
            if base.m is None:
                return None
            y, mo = _add_months(base.y, base.m, sign * n)
            return _D(y, mo), lab
        if base.d is None:
            return None
        return _from_day(base.day + timedelta(days=sign * n * _UNIT_DAYS[unit])), lab

    def _wd(self, m) -> tuple[_D, str] | None:
        g = m.group
        wd = self.lex["weekday"][g("wd_d").lower()]
        mod = g("wd_mod") or ""
        low = " ".join(mod.lower().split())
        if low in ("the previous", "the following", "the next") and self.ref and self.ref.d:
            base, lab = self.ref.day, "context"
        else:
            if self.anchor is None or self.anchor.d is None:
                return None
            base, lab = self.anchor.day, self.label
        tense = 0
        possessive = m.group(0).endswith(("'s", "’s")) and not g("wd_tod")
        if not possessive and low not in ("last", "next", "the previous", "the following", "the next", "this coming",
                       "coming", "past", "this past"):
            tense = self.tense(m.start(), m.end())
        if low in ("early", "late", "earlier", "later", "this"):
            low = ""
        return _from_day(_weekday_near(base, wd, low, tense)), lab


# ---------------------------------------------------------------- filters

_NAME_AFTER_WEEKDAY = re.compile(r"[ \t]+(?:[A-Z][a-z]+|[A-Z]{2,})")
_COUNT_AFTER_YEAR = re.compile(r"\s+(?!(?:was|has|is|as|its|his|this|says|thus|us|yes|"
                               r"plus|less|unless|across|besides|towards|afterwards)\b)"
                               r"[a-z]+[^s\W]?s\b")
_MONTH_CONTEXT_BEFORE = re.compile(
    r"(?i:\b(?:in|since|until|till|by|last|next|this|early|late|mid|of|during|before|after|"
    r"from|through|to|between|and|or|that|the\s+(?:end|beginning|start|middle)\s+of)[\s-]+)$")


_DATELINE_BEFORE = re.compile(r"^\s*[A-Z][A-Za-z .'-]{1,40}(?:,\s*[A-Z][A-Za-z. ]{1,30})?,\s*$")
_DATELINE_AFTER = re.compile(r"\s*(?:\([^)]{1,40}\)\s*)?(?:--|—|–|_|-)")


def _keep(text: str, m: re.Match, doc) -> bool:
    kind = m.lastgroup
    s, e = m.span()
    if s < 80 and _DATELINE_BEFORE.match(text[:s]) and _DATELINE_AFTER.match(text, e):
        return False  # "WASHINGTON, Aug. 11 (Xinhua) --": the dateline, metadata's business
    if kind == "rel":
        w, u = m.group("rel_w"), m.group("rel_u")
        if w[:1].isupper() and u[:1].isupper() and not u.isupper():
            return False  # "This Week" (a title)
    if kind == "mon" and not m.group("mon_part") and not m.group("mon_rel") \
            and not m.group("mon_yrel"):
        name = m.group("mon_m").rstrip(".").lower()
        if name in MONTH_AMBIGUOUS:
            if not _MONTH_CONTEXT_BEFORE.search(text[max(0, s - 24):s]):
                return False
        # "August Wilson", "March Madness": a capitalised word after it makes it a name
        if _NAME_AFTER_WEEKDAY.match(text, e) and not re.match(r"\s+(?:[A-Z]{2,}\b)", text[e:]):
            return False
        if s > 0 and re.search(r"[A-Z][a-z]*\s$", text[max(0, s - 20):s]) and \
                not re.search(r"(?:^|[.!?:;\"“]\s*|\n)[A-Z][a-z]*\s$", text[max(0, s - 20):s]):
            return name not in MONTH_AMBIGUOUS  # "Theresa May", but "Since January"
    if kind == "wd":
        if _NAME_AFTER_WEEKDAY.match(text, e) and not m.group("wd_tod"):
            nxt = re.match(r"[ \t]+(\w+)", text[e:])
            if nxt and nxt.group(1).lower() not in _lexicon()["month"]:
                return False  # "Sunday Times", "Friday Prayers"
        before = text[max(0, s - 20):s]
        if not m.group("wd_mod") and re.search(r"(?:Bloody|Black|Good|Super|Ash|Palm|Easter|"
                                               r"Holy|Cyber|Maundy)\s$", before):
            return False
    if kind == "year" and not m.group("year_part"):
        if _COUNT_AFTER_YEAR.match(text, e):
            return False
        if re.match(r"\s*(?:%|percent|per\s+cent)", text[e:e + 12], re.I):
            return False
        if doc is not None:
            span = doc.char_span(s, e)
            if span is not None and len(span) == 1:
                tok = span[0]
                if tok.dep_ == "nummod" and tok.head.tag_ in ("NNS", "NNPS"):
                    return False  # "2000 troops"; but "the 1996 Olympic bombing" is a date
                if tok.ent_type_ in ("MONEY", "QUANTITY", "PERCENT"):
                    return False
    return True


# ---------------------------------------------------------------- entry point


def find_times(article, doc=None) -> list[dict]:
    """The article's date expressions, each resolved to a contract date (see module doc)."""
    text = article.text or ""
    anchor, label = resolve_anchor(article)
    R = _Resolver(text, anchor, label, doc)
    out: list[dict] = []
    for m in _grammar().finditer(text):
        if not _keep(text, m, doc):
            continue
        res = R.resolve(m)
        if res is None:
            continue
        v, lab = res
        iso = v.iso()
        if iso is None:
            continue
        s, e = m.span()
        surface = text[s:e]
        stripped = surface.rstrip(" ,.")
        if stripped.endswith(("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept",
                              "Oct", "Nov", "Dec")) and surface[len(stripped):].startswith("."):
            stripped += "."
        e = s + len(stripped)
        out.append({"article": article.id, "text": text[s:e], "start": s, "end": e,
                    "value": iso, "anchor": lab})
        R.ref, R.ref_end = v, e
    return out
