"""Readers: stream RawDoc items (or Rejections) from files and directories.

One reader per container format, chosen by the file's extension and, where that is ambiguous
(``.xml``, ``.txt``, no extension, gzip), by sniffing the first bytes. Every reader streams: a
JSONL, CSV or WARC file is read one record at a time, never whole. Nothing raises out of
``read_inputs``: input that cannot be read becomes a ``Rejection`` naming the file and, inside
it, the record (``Source.index``) and the line or byte offset.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import html
import io
import json
import logging
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from os import PathLike
from typing import IO, Any

from ..model import RawDoc, Rejection, Source

log = logging.getLogger(__name__)

Item = RawDoc | Rejection

SNIFF_BYTES = 64 * 1024

# Extension -> format. Anything not listed is read as text (after sniffing).
FORMATS = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv", ".tsv": "tsv",
    ".rss": "feed", ".atom": "feed", ".xml": "xml",
    ".warc": "warc", ".arc": "warc",
}

UNSUPPORTED = {
    **dict.fromkeys((".zip", ".tar", ".tgz", ".7z", ".rar", ".bz2", ".xz", ".zst"), "an archive: unpack it first"),
    **dict.fromkeys((".pdf", ".doc", ".docx", ".odt", ".rtf", ".epub", ".xls", ".xlsx", ".ppt", ".pptx"),
                    "a document format: convert it to text or HTML first"),
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".ico",
                     ".mp3", ".mp4", ".wav", ".ogg", ".webm", ".mov", ".avi"), "an image or media file"),
}

MAGIC = (  # what a misnamed binary file really is
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)

BOMS = (  # longest first: the UTF-32-LE mark starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)

_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b") + b"\x7f"

# Record keys: the contract's names first, then common aliases (NewsAPI, news-please, exports).
TEXT_KEYS = ("text", "html", "content", "body", "maintext")
META_KEYS = {
    "id": ("id",),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "outlet": ("outlet", "source", "site", "sitename", "publisher", "source_domain"),
    "published": ("published", "date", "pubdate", "publishedat", "published_at", "date_publish",
                  "datepublished"),
    "byline": ("byline", "author", "authors"),
}
WRAPPER_KEYS = ("articles", "items", "records", "data")  # {"articles": [...]} as NewsAPI returns


def read_inputs(paths: Iterable[str | PathLike]) -> Iterator[Item]:
    """Stream documents from files and directories (read recursively, hidden entries skipped).

    Paths are reported as given; a directory's files as ``os.path.join(given_dir, relative)``.
    """
    for p in paths:
        given = os.fspath(p)
        if os.path.isdir(given):
            yield from _read_dir(given)
        else:
            yield from read_file(given)


def _read_dir(top: str) -> Iterator[Item]:
    errors: list[OSError] = []
    files = []
    for root, dirs, names in os.walk(top, onerror=errors.append):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(os.path.join(root, n) for n in names if not n.startswith("."))
    files.sort(key=lambda f: os.path.relpath(f, top).split(os.sep))
    for e in errors:
        yield Rejection(Source(e.filename or top), f"cannot read the directory: {e.strerror or e}")
    if not files and not errors:
        yield Rejection(Source(top), "no files in the directory (hidden files are skipped)")
    for f in files:
        yield from read_file(f)


def read_file(path: str) -> Iterator[Item]:
    """Stream the documents of one file; any failure becomes a Rejection naming the file."""
    try:
        yield from _dispatch(path)
    except OSError as e:
        yield Rejection(Source(path), f"cannot read the file: {e.strerror or e}")
    except EOFError:
        yield Rejection(Source(path), "the file is truncated: the compressed data ends early")
    except UnicodeDecodeError as e:
        yield Rejection(Source(path), f"undecodable text: not valid {e.encoding} ({e.reason})")
    except Exception as e:  # an input no reader foresaw: the batch goes on without it
        log.debug("reading %s failed", path, exc_info=True)
        yield Rejection(Source(path), f"unreadable ({type(e).__name__}: {e})")


def _dispatch(path: str) -> Iterator[Item]:
    name = os.path.basename(path).lower()
    stem = name[:-3] if name.endswith(".gz") else name
    ext = os.path.splitext(stem)[1]
    if ext in UNSUPPORTED:
        yield Rejection(Source(path), f"unsupported format ({ext}): {UNSUPPORTED[ext]}")
        return
    fmt = FORMATS.get(ext, "text")
    with open(path, "rb", buffering=SNIFF_BYTES) as raw:
        first = raw.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        gzipped = first[:2] == b"\x1f\x8b"
        if fmt == "warc" or _lead(first, gzipped).startswith((b"WARC/", b"filedesc://")):
            # warcio reads the (gzipped) file itself, record by record, and must see it whole
            yield from _read_warc(path, raw, os.fstat(raw.fileno()).st_size)
            return
        stream: IO[bytes] = io.BufferedReader(gzip.GzipFile(fileobj=raw), SNIFF_BYTES) if gzipped else raw
        head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        if not head:
            yield Rejection(Source(path), "empty file")
            return
        why = _binary(head)
        if why:
            yield Rejection(Source(path), f"{why}, not text")
            return
        codec = _sniff_codec(head)
        if codec is None:
            yield Rejection(Source(path), "undecodable text: no character encoding fits")
            return
        if fmt in ("text", "xml"):
            markup, root = _sniff_markup(head.decode(codec, "replace"))
            if markup:
                fmt = markup
            elif fmt == "xml":
                yield Rejection(Source(path), f"XML (root <{root}>) that is neither an RSS/Atom feed nor HTML")
                return
        yield from READERS[fmt](path, stream, fmt=fmt, codec=codec)


def _lead(first: bytes, gzipped: bool) -> bytes:
    """The first few bytes of the content, decompressed without reading on."""
    if not gzipped:
        return first
    try:
        return zlib.decompressobj(31).decompress(first, 64)
    except zlib.error:
        return b""


# --- bytes to text ---------------------------------------------------------------------------

def _binary(head: bytes) -> str | None:
    """Why these first bytes are not text, or None."""
    for magic, what in MAGIC:
        if head.startswith(magic):
            return what
    if head.startswith(tuple(b for b, _ in BOMS)):
        return None
    if b"\x00" in head:
        return "binary data (NUL bytes; UTF-16 text needs a byte-order mark)"
    if len(head) - len(head.translate(None, _CONTROL_BYTES)) > 0.05 * len(head):
        return "binary data (control characters)"
    return None


def _sniff_codec(head: bytes) -> str | None:
    """The codec to stream a file with, judged from its first bytes."""
    for bom, codec in BOMS:
        if head.startswith(bom):
            return codec
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.start >= len(head) - 3:
            return "utf-8"  # the sample cut a character in two
    return _detect(head)


def _detect(data: bytes) -> str | None:
    """The likeliest legacy encoding. Where Windows-1252 reads the bytes as cleanly as the best
    guess (Western text scores the same in cp1250 and cp1257), take it: it is the web's default."""
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        return None
    if any(m.chaos <= best.chaos and "cp1252" in (m.encoding, *m.could_be_from_charset) for m in results):
        return "cp1252"
    return codecs.lookup(best.encoding).name


_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
_WEB_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}  # as browsers read them


def decode(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Decode a whole document: BOM, then UTF-8, then the declared charset, then detection.

    Returns the text and the encoding used when it was not UTF-8. Raises UnicodeError when no
    encoding fits.
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data.decode(codec), _label(codec)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    if declared is None:
        m = _DECLARED.search(data[:4096])
        declared = (m.group(1) or m.group(2)).decode("ascii") if m else None
    candidates = []
    if declared:
        try:
            name = codecs.lookup(declared).name
            candidates.append(_WEB_ALIASES.get(name, name))
        except LookupError:
            pass
    candidates.append(_detect(data))
    for codec in candidates:
        if codec and codec != "utf-8":
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                continue
    raise UnicodeError("no character encoding fits")


def _text_stream(stream: IO[bytes], codec: str, **kw: Any) -> io.TextIOWrapper:
    # Undecodable bytes become lone surrogates, so one bad record is rejected, not the file.
    # The UTF-16/32 codecs cannot do that: there a decoding error ends the file.
    errors = "strict" if codec.startswith(("utf-16", "utf-32")) else "surrogateescape"
    return io.TextIOWrapper(stream, encoding=codec, errors=errors, **kw)


_ESCAPED = re.compile("[\udc80-\udcff]")


def _label(codec: str) -> str | None:
    """The encoding to note in meta: None for UTF-8, with or without its BOM."""
    name = codecs.lookup(codec).name
    return None if name in ("utf-8", "utf-8-sig") else name


def _enc_meta(codec: str) -> dict:
    label = _label(codec)
    return {"encoding": label} if label else {}


# --- sniffing --------------------------------------------------------------------------------

_PROLOG = r"\A\ufeff?\s*(?:<\?[^>]*>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*"
_ROOT = re.compile(_PROLOG + r"<([A-Za-z][\w:.-]*)", re.S)
_HTML_DOC = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_HTML_TAG = re.compile(r"</?(?:p|div|br|span|a|h[1-6]|ul|ol|li|em|strong|b|i|blockquote|article|section"
                       r"|figure|figcaption|img|table|tr|td)\b[^<>]*>", re.I)
FEED_ROOTS = ("rss", "feed", "rdf:rdf", "rdf")


def looks_like_html(text: str) -> bool:
    """Whether a string is HTML markup rather than plain text."""
    sample = text[:SNIFF_BYTES]
    return bool(_HTML_DOC.search(sample)) or len(_HTML_TAG.findall(sample, 0, 20_000)) >= 2


def _sniff_markup(sample: str) -> tuple[str | None, str | None]:
    """("feed" | "html" | None, root element) for text that may be markup."""
    m = _ROOT.match(sample)
    if not m:
        return None, None
    root = m.group(1).lower()
    if root in FEED_ROOTS:
        return "feed", root
    if root == "html" or looks_like_html(sample):
        return "html", root
    return None, root


# --- one document per file: text and HTML ----------------------------------------------------

def _read_single(path: str, stream: IO[bytes], *, fmt: str, codec: str) -> Iterator[Item]:
    try:
        text, encoding = decode(stream.read())
    except UnicodeError:
        yield Rejection(Source(path), "undecodable text: no character encoding fits")
        return
    if not text.strip():
        yield Rejection(Source(path), "empty file (only whitespace)")
        return
    yield RawDoc(Source(path, 0), text, fmt, {"encoding": encoding} if encoding else {})


# --- records: JSON, JSONL, CSV ---------------------------------------------------------------

def _read_jsonl(path: str, stream: IO[bytes], *, codec: str, **_: Any) -> Iterator[Item]:
    lines = _text_stream(stream, codec)
    yield from _json_lines(path, lines, _enc_meta(codec))


def _json_lines(path: str, lines: Iterable[str], meta: dict) -> Iterator[Item]:
    index = 0
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        src = Source(path, index)
        index += 1
        if _ESCAPED.search(line):
            yield Rejection(src, f"line {lineno}: bytes that are not valid text in the file's encoding")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Rejection(src, f"line {lineno}: malformed JSON ({e.msg.removesuffix(' at')} at column {e.colno})")
            continue
        yield record(obj, src, f"line {lineno}", meta)
    if index == 0:
        yield Rejection(Source(path), "no records in the file")


def _read_json(path: str, stream: IO[bytes], **_: Any) -> Iterator[Item]:
    try:
        text, encoding = decode(stream.read())
    except UnicodeError:
        yield Rejection(Source(path), "undecodable text: no character encoding fits")
        return
    meta = {"encoding": encoding} if encoding else {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        if e.msg == "Extra data":  # one object a line: JSONL under a .json name
            yield from _json_lines(path, text.split("\n"), meta)
        else:
            where = f"at line {e.lineno} column {e.colno}"
            yield Rejection(Source(path), f"malformed JSON ({e.msg.removesuffix(' at')} {where})")
        return
    if isinstance(data, dict) and not any(k.lower() in TEXT_KEYS for k in data):
        wrapped = next((v for k, v in data.items() if k.lower() in WRAPPER_KEYS and isinstance(v, list)), None)
        data = data if wrapped is None else wrapped
    if isinstance(data, dict):
        yield record(data, Source(path, 0), "record 0", meta)
    elif isinstance(data, list):
        if not data:
            yield Rejection(Source(path), "no records in the file (an empty array)")
        for i, obj in enumerate(data):
            yield record(obj, Source(path, i), f"record {i}", meta)
    else:
        yield Rejection(Source(path), f"JSON holding {_type(data)}, not an object or an array of objects")


def _read_csv(path: str, stream: IO[bytes], *, fmt: str, codec: str) -> Iterator[Item]:
    csv.field_size_limit(2**31 - 1)  # a whole article (or its HTML) in one field
    rows = csv.reader(_text_stream(stream, codec, newline=""), delimiter="\t" if fmt == "tsv" else ",",
                      strict=True)
    header = next(rows, None)
    names = [h.strip().lower() for h in header or ()]
    if not any(n in TEXT_KEYS for n in names):
        shown = ", ".join(h for h in names if h) or "none"
        yield Rejection(Source(path), f"no text or html column in the header row (columns: {shown})")
        return
    meta = _enc_meta(codec)
    index, end = 0, rows.line_num
    while True:
        start = end + 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as e:
            yield Rejection(Source(path, index), f"line {start}: malformed CSV ({e})")
            index, end = index + 1, rows.line_num
            continue
        end = rows.line_num
        if not row:  # a blank line
            continue
        src = Source(path, index)
        index += 1
        if len(row) != len(names):
            yield Rejection(src, f"line {start}: {len(row)} fields where the header has {len(names)}")
        elif any(_ESCAPED.search(v) for v in row):
            yield Rejection(src, f"line {start}: bytes that are not valid text in the file's encoding")
        else:
            yield record({k: v for k, v in zip(names, row) if v.strip()}, src, f"line {start}", meta)
    if index == 0:
        yield Rejection(Source(path), "no records in the file (a header row only)")


def record(obj: Any, source: Source, where: str, meta: dict | None = None) -> Item:
    """One JSON object or CSV row (contract keys or their aliases) as a RawDoc, or why not."""
    if not isinstance(obj, dict):
        return Rejection(source, f"{where}: not a JSON object ({_type(obj)})")
    fields = {str(k).strip().lower(): v for k, v in obj.items()}
    body = kind = None
    for key in TEXT_KEYS:
        value = fields.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            return Rejection(source, f"{where}: {key!r} is {_type(value)}, not a string")
        if value.strip():
            body = value
            kind = key if key in ("text", "html") else ("html" if looks_like_html(value) else "text")
            break
    if body is None:
        keys = ", ".join(list(fields)[:10]) or "none"
        return Rejection(source, f"{where}: no text or html (keys: {keys})")
    out: dict[str, Any] = dict(meta or {})
    for name, aliases in META_KEYS.items():
        value = next((fields[k] for k in aliases if fields.get(k) not in (None, "", [], {})), None)
        if value is None:
            continue
        if name == "published":
            iso = normalize_date(value)
            if iso:
                out["published"] = iso
            else:
                out.setdefault("notes", []).append(f"unparseable published date {value!r} ignored")
        elif (text := _as_text(value)) is not None:
            out[name] = text
    return RawDoc(source, body, kind, out)


def _as_text(value: Any) -> str | None:
    """A metadata value as one string: names of dicts ({"name": ...}) and lists joined by ", "."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (str, int, float)):
        return str(value).strip() or None
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("title"))
    if isinstance(value, list):
        parts = [t for t in map(_as_text, value) if t]
        return ", ".join(parts) or None
    return None


def _type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


# --- feeds -----------------------------------------------------------------------------------

def _read_feed(path: str, stream: IO[bytes], **_: Any) -> Iterator[Item]:
    import feedparser

    parsed = feedparser.parse(stream.read())  # bytes: parsed in memory, never fetched
    if not parsed.entries:
        why = parsed.get("bozo_exception")
        yield Rejection(Source(path), f"not a readable RSS/Atom feed ({why})" if why else "a feed with no entries")
        return
    outlet = _as_text(parsed.feed.get("title"))
    for i, entry in enumerate(parsed.entries):
        src = Source(path, i)
        body, kind = _entry_body(entry)
        if not body:
            yield Rejection(src, f"feed entry {i}: no content or summary")
            continue
        meta = {"title": _as_text(entry.get("title")), "url": entry.get("link"), "outlet": outlet,
                "byline": _as_text(entry.get("author_detail", {}).get("name") or entry.get("author"))}
        stamp = entry.get("published") or entry.get("updated")
        parsed_stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        meta["published"] = normalize_date(stamp) or (
            normalize_date(dt.date(*parsed_stamp[:3])) if parsed_stamp else None)
        yield RawDoc(src, body, kind, {k: v for k, v in meta.items() if v})


def _entry_body(entry: Any) -> tuple[str | None, str]:
    """The fullest body of a feed entry (content:encoded or Atom content, else the summary)."""
    parts = [c for c in entry.get("content") or () if (c.get("value") or "").strip()]
    if parts:
        best = max(parts, key=lambda c: len(c["value"]))
        value, ctype = best["value"], best.get("type", "")
    elif (entry.get("summary") or "").strip():
        value, ctype = entry["summary"], entry.get("summary_detail", {}).get("type", "")
    else:
        return None, "text"
    if "html" in ctype and looks_like_html(value):
        return value, "html"
    return (html.unescape(value) if "html" in ctype else value), "text"


READERS: dict[str, Callable[..., Iterator[Item]]] = {
    "text": _read_single, "html": _read_single, "json": _read_json, "jsonl": _read_jsonl,
    "csv": _read_csv, "tsv": _read_csv, "feed": _read_feed,
}  # WARC is read apart: warcio needs the raw file, not the decompressed stream


# --- web archives ----------------------------------------------------------------------------

SKIPPED_RECORDS = ("warcinfo", "request", "metadata", "revisit")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _read_warc(path: str, raw: IO[bytes], size: int) -> Iterator[Item]:
    """Stream a WARC (or ARC), gzipped or not. warcio takes a cut-off file for its end, so the
    record lengths and the file size are checked here."""
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(raw, arc2warc=True)
    index = 0
    while True:
        try:
            rec = next(records)
            item = _warc_item(path, index, rec)
        except StopIteration:
            break
        except Exception as e:  # warcio's parse errors, zlib errors, bad chunking: the rest is lost
            yield Rejection(Source(path, index), f"record {index} at byte {records.offset}: corrupt or truncated "
                                                 f"WARC record ({type(e).__name__}: {e})")
            return
        if item is not None:
            yield item
        index += 1
    if records.offset < size:
        yield Rejection(Source(path, index), f"record {index} at byte {records.offset}: truncated WARC record "
                                             f"(the file ends {size - records.offset} bytes into it)")


def _warc_item(path: str, index: int, rec: Any) -> Item | None:
    src = Source(path, index)
    rtype = rec.rec_type
    headers = rec.http_headers if rtype == "response" and rec.http_headers else rec.rec_headers
    ctype = headers.get_header("Content-Type") or ""
    mime = ctype.split(";")[0].strip().lower()
    status = rec.http_headers.get_statuscode() if rtype == "response" and rec.http_headers else None
    wanted = rtype in ("response", "resource", "conversion") and not (status and not status.startswith("2"))
    payload = rec.content_stream().read() if wanted else b""
    while rec.raw_stream.read(SNIFF_BYTES):
        pass
    if rec.raw_stream.limit > 0:
        return Rejection(src, f"record {index}: truncated WARC record "
                              f"({rec.raw_stream.limit} bytes of its block missing)")
    if rtype in SKIPPED_RECORDS:
        return None
    if rtype not in ("response", "resource", "conversion"):
        return Rejection(src, f"record {index}: unsupported WARC record type {rtype!r}")
    if not wanted:
        return Rejection(src, f"record {index}: not an article (HTTP {status})")
    if not mime and payload:
        mime = "text/html" if looks_like_html(payload[:SNIFF_BYTES].decode("latin-1")) else "text/plain"
    if mime in HTML_TYPES:
        kind = "html"
    elif mime == "text/plain" and rtype != "response":  # extracted text (WET conversion records)
        kind = "text"
    else:
        return Rejection(src, f"record {index}: not an article (content-type {mime or 'unknown'})")
    m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", ctype, re.I)
    try:
        text, encoding = decode(payload, m.group(1) if m else None)
    except UnicodeError:
        return Rejection(src, f"record {index}: undecodable text: no character encoding fits")
    if not text.strip():
        return Rejection(src, f"record {index}: empty payload")
    meta = {"url": rec.rec_headers.get_header("WARC-Target-URI"),
            "crawled": rec.rec_headers.get_header("WARC-Date"), "encoding": encoding}
    return RawDoc(src, text, kind, {k: v for k, v in meta.items() if v})


# --- dates -----------------------------------------------------------------------------------

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_ISO_DATE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?=$|[T\s])")
_BASIC = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T?\d{4,6}(?:Z|[+-]\d{2}:?\d{2})?)?$")
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:[A-Za-z]+\.?,?\s+)?"
_DMY = re.compile(rf"{_WEEKDAY}{_DAY}\.?\s+([A-Za-z]+)\.?,?\s+(\d{{4}})\b")
_MDY = re.compile(rf"{_WEEKDAY}([A-Za-z]+)\.?\s+{_DAY},?\s+(\d{{4}})\b")
_MY = re.compile(r"([A-Za-z]+)\.?,?\s+(\d{4})$")
_NUMERIC = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")


def _month(word: str) -> int | None:
    w = word.lower()
    if len(w) < 3:
        return None
    return next((i for i, name in enumerate(_MONTHS, 1) if name.startswith(w)), None)


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def normalize_date(value: Any) -> str | None:
    """An ISO date at the precision given (YYYY-MM-DD, YYYY-MM or YYYY), or None.

    Takes ISO 8601 and its basic form, RFC 822 (feeds, HTTP), "March 4, 2024", "4 March 2024",
    "March 2024", day/month/year when unambiguous, a year number and epoch seconds or
    milliseconds. A time and zone are dropped: the date is the one written, not shifted to UTC.
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1000 <= value <= 9999 and value == int(value):
            return _iso(int(value))
        if value >= 1e8:
            seconds = value / 1000 if value >= 1e11 else value
            return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).date().isoformat()
        return None
    if not isinstance(value, str):
        return None
    s = value.strip()
    if m := _ISO_DATE.match(s):
        y, mo, d = m.groups()
        return _iso(int(y), mo and int(mo), d and int(d))
    if m := _BASIC.match(s):
        return _iso(*map(int, m.groups()))
    if (m := _DMY.match(s)) and (mo := _month(m.group(2))):
        return _iso(int(m.group(3)), mo, int(m.group(1)))
    if (m := _MDY.match(s)) and (mo := _month(m.group(1))):
        return _iso(int(m.group(3)), mo, int(m.group(2)))
    if (m := _MY.match(s)) and (mo := _month(m.group(1))):
        return _iso(int(m.group(2)), mo)
    if m := _NUMERIC.match(s):
        a, b, y = map(int, m.groups())
        if a > 12 or a == b:
            return _iso(y, b, a)
        if b > 12:
            return _iso(y, a, b)
    return None  # ambiguous (03/04/2024) or not a date
