"""Cleaning of scraped text: site furniture out (kept verbatim in ``removed``), whitespace normalised.

The method is general, not a list of known lines. Each line of a page gets features: its length,
whether it ends like a sentence, its stop-word ratio, its position (furniture sits at the edges:
above the lead and after the last paragraph of the story), whether it recurs across files of the
same folder (``RepeatedLines``, filled by a cheap pre-pass), and whether it matches a pattern of
the lexicon ``rashomon/data/boilerplate.tsv``. From them a page is cut into three zones:

- the head: every line above the lead (the dateline paragraph, or else the first paragraph that
  reads as prose); ``meta.read_header`` interprets it, and whatever it does not keep as the title or
  standfirst (site names, menus, page dates, "News ID" lines, bylines, photo captions) is removed;
- the body: kept, except lexicon furniture that may sit anywhere ("Share this article") and
  navigation blocks ("Next Article" and the headlines listed under it);
- the tail: the run of furniture after the last paragraph (comment prompts, notices, repeated lines).

Short lines inside the body (subheadings, a one-line paragraph) are kept; a sentence broken over
two lines (or a blank line) is joined again.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from os import PathLike
from pathlib import Path

from . import meta

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_OPEN_QUOTE = "\"“‘'«"


@dataclass(frozen=True)
class Line:
    """One non-blank line of a page: normalised text, the verbatim original, its blank-line break."""

    text: str
    raw: str
    para: bool = True  # a blank line (or the page start) precedes it


def normalize(text: str) -> str:
    """Line breaks to "\\n", every kind of space to " ", invisible characters out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub("", text)


def to_lines(text: str) -> list[Line]:
    """The non-blank lines of a page, with whitespace normalised inside each."""
    out: list[Line] = []
    blank = True
    for raw in normalize(text).split("\n"):
        t = _SPACES.sub(" ", raw).strip()
        if not t:
            blank = True
            continue
        out.append(Line(t, raw.strip(), blank))
        blank = False
    return out


# --- line features -----------------------------------------------------------------------------
@cache
def stopwords() -> frozenset[str]:
    text = resources.files("rashomon.data").joinpath("stopwords_en.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def words(t: str) -> list[str]:
    return _WORD.findall(t)


def stop_ratio(t: str) -> float:
    ws = words(t.lower())
    return len([w for w in ws if w in stopwords()]) / len(ws) if ws else 0.0


def is_sentence(t: str) -> bool:
    """Ends like a sentence."""
    return bool(TERMINAL.search(t))


@lru_cache(maxsize=8192)
def is_prose(t: str) -> bool:
    """Reads as a paragraph of running text: long enough, sentence-like, with function words."""
    n = len(t.split())
    if n >= 30:
        return stop_ratio(t) >= 0.15
    return n >= 10 and is_sentence(t) and stop_ratio(t) >= 0.2


def is_caption(t: str) -> bool:
    """A descriptive line ending in a credit: "... Jan. 1, 2020. (Agency)", "Photo: ..."."""
    return len(t.split()) >= 6 and bool(meta.CAPTION.search(t))


# --- the lexicon -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pattern:
    kind: str
    zone: str  # "any" or "edge"
    rx: re.Pattern


@cache
def lexicon() -> tuple[Pattern, ...]:
    text = resources.files("rashomon.data").joinpath("boilerplate.tsv").read_text("utf-8")
    out = []
    for n, ln in enumerate(text.splitlines(), 1):
        if not ln.strip() or ln.startswith("#"):
            continue
        try:
            kind, zone, rx = ln.split("\t")
            out.append(Pattern(kind, zone, re.compile(rx, re.I)))
        except (ValueError, re.error) as e:
            raise ValueError(f"rashomon/data/boilerplate.tsv line {n}: {e}: {ln!r}") from e
    return tuple(out)


ANCHORED_MAX = 300  # lines longer than this are only tested against the unanchored patterns


def furniture(t: str, *, edge: bool = True) -> Pattern | None:
    """The lexicon pattern the line matches (only "any" patterns when not at an edge)."""
    return _furniture(t, edge) if len(t) <= 400 else None


@cache
def _screens(edge: bool) -> tuple[re.Pattern, tuple[Pattern, ...]]:
    """The anchored patterns as one alternation tried at the line start only, and the others."""
    pats = [p for p in lexicon() if edge or p.zone == "any"]
    anchored = [p for p in pats if p.rx.pattern.startswith("^")]
    screen = re.compile("|".join(f"(?:{p.rx.pattern})" for p in anchored), re.I)
    return screen, tuple(p for p in pats if not p.rx.pattern.startswith("^"))


@lru_cache(maxsize=8192)
def _furniture(t: str, edge: bool) -> Pattern | None:
    screen, floating = _screens(edge)
    if not (len(t) <= ANCHORED_MAX and screen.match(t)):
        return next((p for p in floating if p.rx.search(t)), None)
    for p in lexicon():
        if (edge or p.zone == "any") and p.rx.search(t):
            return p
    return None


# --- repetition across files -------------------------------------------------------------------
class RepeatedLines:
    """Short lines that recur in several files of one folder: site furniture.

    Memory-bounded: only hashes of short lines are kept, one counter per folder, and a folder stops
    learning new lines past ``max_lines`` distinct hashes.
    """

    MAX_CHARS = 120

    def __init__(self, min_files: int = 3, min_share: float = 0.2, max_lines: int = 200_000):
        self.min_files, self.min_share, self.max_lines = min_files, min_share, max_lines
        self._counts: dict[str, Counter] = {}
        self._files: Counter = Counter()

    @staticmethod
    def key(t: str) -> int:
        return hash(_SPACES.sub(" ", t).strip().lower())

    def add(self, folder: str, text: str) -> None:
        counts = self._counts.setdefault(folder, Counter())
        self._files[folder] += 1
        keys = {self.key(ln) for ln in text.split("\n") if 0 < len(ln.strip()) <= self.MAX_CHARS}
        if len(counts) >= self.max_lines:
            keys = {k for k in keys if k in counts}
        counts.update(keys)

    def is_repeated(self, folder: str, t: str) -> bool:
        counts = self._counts.get(folder)
        if not counts or len(t) > self.MAX_CHARS:
            return False
        n = counts.get(self.key(t), 0)
        return n >= self.min_files and n >= self.min_share * self._files[folder]

    def compact(self, folder: str) -> None:
        """Forget the lines of ``folder`` seen in one file only (they cannot be furniture yet)."""
        counts = self._counts.get(folder)
        if counts:
            self._counts[folder] = Counter({k: n for k, n in counts.items() if n > 1})

    @classmethod
    def scan(cls, paths: Iterable[str | PathLike], suffixes=(".txt",)) -> RepeatedLines:
        """The pre-pass: read every text file under ``paths`` once, counting its short lines.

        Memory stays bounded by the repeated lines: when the walk leaves a folder, the lines
        seen only once there are dropped.
        """
        rep = cls()
        last = None
        for p in paths:
            path = Path(p)
            files = sorted(path.rglob("*")) if path.is_dir() else [path]
            for f in files:
                if f.suffix.lower() not in suffixes or not f.is_file():
                    continue
                folder = str(f.parent)
                if last is not None and folder != last:
                    rep.compact(last)
                last = folder
                try:
                    rep.add(folder, f.read_text("utf-8", errors="replace"))
                except OSError:
                    continue  # the reader reports the unreadable file
        if last is not None:
            rep.compact(last)
        return rep


def folder_of(path: str) -> str:
    return str(Path(path).parent)


# --- zones ---------------------------------------------------------------------------------
@dataclass
class Cleaned:
    """One article's page cut into zones: head lines, kept paragraphs, removed lines by index."""

    head: list[Line]
    paragraphs: list[str]
    removed: dict[int, str] = field(default_factory=dict)  # line index -> verbatim line
    lead: int = 0


def find_lead(lines: list[Line], limit: int = 15) -> int:
    """Index of the lead: a dateline paragraph near the top, else the first prose paragraph.

    Sentences right above a prose lead (no title, byline or date line between) open the story
    and belong to it: the lead moves up to them.
    """
    for i, ln in enumerate(lines[:limit]):
        if meta.DATELINE.match(ln.text) and len(ln.text.split()) >= 8:
            return i
    for i, ln in enumerate(lines):
        t = ln.text
        if is_prose(t) and not (is_caption(t) and i + 1 < len(lines)) and not furniture(t):
            while i > 0 and _opening_sentence(lines[i - 1].text):
                i -= 1
            return i
    return 0


def _opening_sentence(t: str) -> bool:
    return (is_sentence(t) and len(t.split()) >= 3 and not is_caption(t) and not furniture(t)
            and not meta.BARE_DATE_LINE.match(t) and not meta.parse_byline(t))


_DATELINE_ONLY = re.compile("^" + meta.DATELINE.pattern[1:].replace("(?=\\S)", "") + "$")


def join_datelines(lines: list[Line]) -> list[Line]:
    """A dateline printed on a line of its own ("HAVANA (AP) --") joined to the paragraph after."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if i + 1 < len(lines) and len(ln.text) <= 60 and _DATELINE_ONLY.match(ln.text + " "):
            nxt = lines[i + 1]
            out.append(Line(f"{ln.text} {nxt.text}", f"{ln.raw}\n{nxt.raw}", ln.para))
            i += 2
        else:
            out.append(ln)
            i += 1
    return out


def clean(lines: list[Line], repeated: Callable[[str], bool] = lambda t: False) -> Cleaned:
    """Cut one article's lines into head, body and tail; drop furniture from body and tail."""
    lead = find_lead(lines)
    removed: dict[int, str] = {}
    n = len(lines)

    # navigation blocks: "Next Article" and the headlines listed under it, up to the next prose
    i = lead + 1
    while i < n:
        p = furniture(lines[i].text)
        if p and p.kind == "nav":
            removed[i] = lines[i].raw
            j = i + 1
            while j < n and (furniture(lines[j].text) or (
                    not is_sentence(lines[j].text) and len(lines[j].text.split()) <= 20)):
                removed[j] = lines[j].raw
                j += 1
            i = j
        else:
            i += 1

    # the tail: furniture after the last paragraph of the story
    end = n
    while end - 1 > lead:
        t = lines[end - 1].text
        if end - 1 in removed or furniture(t) or (
                repeated(t) and (not is_sentence(t) or len(t.split()) < 5)):
            removed[end - 1] = lines[end - 1].raw
            end -= 1
        else:
            break

    # the body: furniture that may sit anywhere, and short repeated non-sentences
    for k in range(lead, end):
        t = lines[k].text
        if k in removed:
            continue
        if (k > lead and furniture(t, edge=False)) or (
                repeated(t) and not is_sentence(t) and len(t.split()) <= 12):
            removed[k] = lines[k].raw
    body = [lines[k] for k in range(lead, end) if k not in removed]
    return Cleaned(head=lines[:lead], paragraphs=join_broken(body), removed=removed, lead=lead)


def join_broken(body: list[Line]) -> list[str]:
    """Paragraphs from lines, re-joining a sentence broken across lines or a blank line."""
    out: list[str] = []
    for ln in body:
        t = ln.text
        if out and not TERMINAL.search(out[-1]) and t[:1].islower() and not out[-1].endswith("-"):
            out[-1] = f"{out[-1]} {t}"
        else:
            out.append(t)
    return out
