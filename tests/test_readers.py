"""Readers: every format on our own small fixtures, the encodings, every rejection, streaming."""
from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import tracemalloc
from pathlib import Path

import pytest

from rashomon.errors import InputError
from rashomon.ingest.html import extract
from rashomon.ingest.readers import normalize_date, read_inputs
from rashomon.model import RawDoc, Rejection

FIXTURES = Path(__file__).parent / "fixtures" / "readers"


def read(*paths) -> list[RawDoc | Rejection]:
    return list(read_inputs([os.fspath(p) for p in paths]))


def docs(items) -> list[RawDoc]:
    return [x for x in items if isinstance(x, RawDoc)]


def rejections(items) -> list[Rejection]:
    return [x for x in items if isinstance(x, Rejection)]


def only(items) -> RawDoc | Rejection:
    assert len(items) == 1, items
    return items[0]


def fixture(tmp_path: Path, name: str, as_name: str | None = None) -> Path:
    return Path(shutil.copy(FIXTURES / name, tmp_path / (as_name or name)))


# --- text and HTML files ---------------------------------------------------------------------

def test_readers_text_file_is_one_text_doc():
    doc = only(read(FIXTURES / "ferry.txt"))
    assert isinstance(doc, RawDoc)
    assert doc.kind == "text"
    assert doc.source.path == str(FIXTURES / "ferry.txt") and doc.source.index == 0
    assert doc.content.startswith("Ferry service to Holm Island")
    assert "encoding" not in doc.meta


def test_readers_utf8_bom_is_utf8(tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbf" + "Caf\u00e9 owners \u201cworried\u201d.".encode())
    doc = only(read(f))
    assert doc.content == "Caf\u00e9 owners \u201cworried\u201d."
    assert "encoding" not in doc.meta


def test_readers_cp1252_curly_quotes_not_mangled(tmp_path):
    text = ("\u201cWe are relieved to have the crossing back,\u201d said harbour master Ilse Brandt. "
            "It\u2019s the caf\u00e9 owners \u2013 na\u00efve or not \u2013 who lost most.\n")
    f = tmp_path / "cp1252.txt"
    f.write_bytes(text.encode("cp1252"))
    doc = only(read(f))
    assert doc.content == text
    assert doc.meta["encoding"] == "cp1252"


def test_readers_utf16_with_bom(tmp_path):
    text = "\u201cOui,\u201d dit le ma\u00eetre du port. \u00c7a ira.\n" * 3
    f = tmp_path / "utf16.txt"
    f.write_bytes(text.encode("utf-16"))
    doc = only(read(f))
    assert doc.content == text
    assert doc.meta["encoding"] == "utf-16"


def test_readers_html_file_is_raw_markup():
    doc = only(read(FIXTURES / "bridge.html"))
    assert doc.kind == "html"
    assert doc.content.lstrip().startswith("<!DOCTYPE html>")


def test_readers_txt_that_is_html_is_sniffed(tmp_path):
    doc = only(read(fixture(tmp_path, "bridge.html", "saved-page.txt")))
    assert doc.kind == "html"


def test_readers_html_declared_charset_is_used(tmp_path):
    page = ('<html><head><meta charset="windows-1252"><title>Caf\u00e9</title></head>'
            "<body><p>\u201cNa\u00efve,\u201d she said.</p></body></html>")
    f = tmp_path / "legacy.html"
    f.write_bytes(page.encode("cp1252"))
    doc = only(read(f))
    assert doc.content == page
    assert doc.meta["encoding"] == "cp1252"


# --- JSONL, JSON, CSV ------------------------------------------------------------------------

def test_readers_jsonl_records_aliases_and_rejections():
    items = read(FIXTURES / "articles.jsonl")
    assert [x.source.index for x in items] == list(range(7))  # blank lines are not records
    lib, catch, snow, broken, array, empty, orchestra = items

    assert lib.kind == "text" and lib.meta == {
        "id": "lc-101", "title": "Library to open on Sundays", "outlet": "The Lakeside Courier",
        "url": "https://courier.example/news/library-sundays", "published": "2024-03-11",
        "byline": "Dana Whitlock"}
    # html only -> kind html; link/source{name}/pubDate/author[] are aliases
    assert catch.kind == "html" and catch.content.startswith("<p>Fishermen")
    assert catch.meta == {"id": "hb-7", "url": "https://harbour.example/catch", "outlet": "Harbour Bulletin",
                          "published": "2024-03-12", "byline": "Ola Brekke, Mira Tan"}
    # an unparseable date is noted, not taken, and the article is kept
    assert snow.kind == "text" and snow.meta["id"] == "3" and snow.meta["outlet"] == "Valley Times"
    assert "published" not in snow.meta and "sometime last week" in snow.meta["notes"][0]

    assert isinstance(broken, Rejection) and broken.reason.startswith("line 5: malformed JSON")
    assert isinstance(array, Rejection) and array.reason == "line 6: not a JSON object (an array)"
    assert isinstance(empty, Rejection) and empty.reason.startswith("line 7: no text or html")
    assert all(r.source.path == str(FIXTURES / "articles.jsonl") for r in (broken, array, empty))
    # an alias body holding markup is HTML; keys are matched whatever their case
    assert orchestra.kind == "html"
    assert orchestra.meta == {"title": "Orchestra names conductor", "published": "2024-03"}


def test_readers_json_array():
    items = read(FIXTURES / "articles.json")
    dam, nobody, bus = items
    assert dam.meta["published"] == "2024-03-14" and dam.source.index == 0
    assert isinstance(nobody, Rejection) and nobody.source.index == 1
    assert nobody.reason.startswith("record 1: no text or html")
    assert bus.kind == "html" and bus.meta["published"] == "2024-03" and bus.source.index == 2


def test_readers_json_object_wrapper_and_jsonl_under_json_name(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"id": "x", "text": "A single article."}))
    assert only(read(one)).meta == {"id": "x"}

    wrapped = tmp_path / "newsapi.json"
    wrapped.write_text(json.dumps({"status": "ok", "articles": [
        {"title": "T", "content": "Body one.", "publishedAt": "2024-03-01T10:00:00Z",
         "source": {"id": None, "name": "Harbour Bulletin"}}]}))
    doc = only(read(wrapped))
    assert doc.content == "Body one." and doc.meta["outlet"] == "Harbour Bulletin"
    assert doc.meta["published"] == "2024-03-01"

    lines = tmp_path / "lines.json"
    lines.write_text('{"text": "First."}\n{"text": "Second."}\n')
    assert [d.content for d in docs(read(lines))] == ["First.", "Second."]


def test_readers_json_malformed_and_not_objects(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"text": "x"},')
    assert only(read(bad)).reason.startswith("malformed JSON")
    scalar = tmp_path / "scalar.json"
    scalar.write_text('"just a string"')
    assert "not an object or an array" in only(read(scalar)).reason
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text('{"text": 42}\n')
    assert only(read(wrong)).reason == "line 1: 'text' is a number, not a string"


def test_readers_csv_rows_and_bad_rows():
    items = read(FIXTURES / "articles.csv")
    bakery, extra, quoted, notext = items
    assert bakery.meta == {"id": "cs-1", "title": "Bakery wins regional prize", "url": "https://courier.example/bakery",
                           "outlet": "The Lakeside Courier", "published": "2024-03-16", "byline": "Dana Whitlock"}
    assert extra.reason == "line 3: 8 fields where the header has 7" and extra.source.index == 1
    assert quoted.content == "Line one of the story.\nLine two, inside the same quoted field."
    assert quoted.meta["published"] == "2024" and quoted.source.index == 2
    assert notext.reason.startswith("line 6: no text or html") and notext.source.index == 3


def test_readers_csv_without_text_column_and_bad_quoting(tmp_path):
    f = tmp_path / "nocol.csv"
    f.write_text("id,title\n1,Headline\n")
    assert only(read(f)).reason == "no text or html column in the header row (columns: id, title)"
    g = tmp_path / "quote.tsv"
    g.write_text('id\ttext\n1\tFine row.\n2\t"unterminated\n')
    ok, bad = read(g)
    assert ok.content == "Fine row."
    assert bad.source.index == 1 and bad.reason.startswith("line 3: malformed CSV")


def test_readers_jsonl_gzipped_and_cp1252(tmp_path):
    f = tmp_path / "a.jsonl.gz"
    f.write_bytes(gzip.compress('{"text": "Gzipped article."}\n'.encode()))
    assert only(read(f)).content == "Gzipped article."
    g = tmp_path / "legacy.jsonl"
    g.write_bytes('{"text": "\u201cQuoted\u201d caf\u00e9 owners said \u2013 twice."}\n'.encode("cp1252"))
    doc = only(read(g))
    assert doc.content == "\u201cQuoted\u201d caf\u00e9 owners said \u2013 twice."
    assert doc.meta["encoding"] == "cp1252"


def test_readers_jsonl_line_with_invalid_bytes_is_rejected_alone(tmp_path):
    f = tmp_path / "mixed.jsonl"  # UTF-8 as far as the encoding is sniffed, then one cp1252 line
    good = b'{"text": "%s"}\n' % (b"An ASCII article. " * 50)
    f.write_bytes(good * 100 + b'{"text": "bad \x93 byte"}\n' + good)
    items = read(f)
    assert len(items) == 102 and all(isinstance(x, RawDoc) for x in items[:100] + items[101:])
    assert items[100].source.index == 100 and items[100].reason.startswith("line 101: bytes that are not valid text")


# --- feeds -----------------------------------------------------------------------------------

def test_readers_rss_entries():
    bridge, ferry, empty = read(FIXTURES / "feed.rss")
    assert bridge.kind == "html" and "<p>The Marrow Street bridge reopened" in bridge.content  # content:encoded
    assert bridge.meta == {"title": "Harbour bridge reopens after storm repairs", "outlet": "The Lakeside Courier",
                           "url": "https://courier.example/news/bridge-reopens", "byline": "Dana Whitlock",
                           "published": "2024-03-04"}
    assert ferry.kind == "text" and ferry.content.startswith("The Holm Island ferry")  # the summary
    assert ferry.meta["published"] == "2024-03-06"  # the date as written, not moved to UTC
    assert isinstance(empty, Rejection) and empty.source.index == 2


def test_readers_atom_entries():
    dam, snow = read(FIXTURES / "feed.atom")
    assert dam.kind == "html" and dam.content.startswith("<p>The valley dam")
    assert dam.meta == {"title": "Dam passes inspection", "url": "https://valley.example/dam", "outlet": "Valley Times",
                        "byline": "Ruth Amsel", "published": "2024-03-14"}
    assert snow.kind == "text" and snow.meta["published"] == "2024-03-13"  # <updated> when no <published>


def test_readers_feed_saved_as_xml_or_txt_is_sniffed(tmp_path):
    for name in ("news.xml", "news.txt"):
        items = read(fixture(tmp_path, "feed.rss", name))
        assert [type(x) for x in items] == [RawDoc, RawDoc, Rejection]


def test_readers_xml_that_is_not_a_feed_is_rejected(tmp_path):
    f = tmp_path / "sitemap.xml"
    f.write_text('<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>')
    assert only(read(f)).reason == "XML (root <urlset>) that is neither an RSS/Atom feed nor HTML"


# --- WARC ------------------------------------------------------------------------------------

def _warc(records, gz=True) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
    for rtype, uri, ctype, body, status in records:
        http = None
        if rtype == "response":
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        elif rtype == "request":
            http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x.example")], is_http_request=True)
        rec = writer.create_warc_record(uri, rtype, payload=io.BytesIO(body), http_headers=http,
                                        warc_content_type=None if http else ctype)
        writer.write_record(rec)
    return buf.getvalue()


def _page(n: int) -> bytes:
    return (f"<html><body><article><p>Story {n}: the harbour council met on Tuesday.</p>"
            + "<p>Further paragraph of the story. </p>" * 40 + "</article></body></html>").encode()


def test_readers_warc_records(tmp_path):
    f = tmp_path / "crawl.warc.gz"
    f.write_bytes(_warc([
        ("request", "https://x.example/a", None, b"", None),
        ("response", "https://x.example/a", "text/html; charset=utf-8", _page(1), "200 OK"),
        ("response", "https://x.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n", "200 OK"),
        ("response", "https://x.example/gone", "text/html", b"<html>Not found</html>", "404 Not Found"),
        ("resource", "https://x.example/b", "text/html", "<p>Caf\u00e9 \u201cnews\u201d</p>".encode("cp1252"), None),
        ("metadata", "https://x.example/a", "application/json", b"{}", None),
    ]))
    page, image, gone, resource = read(f)
    assert page.kind == "html" and page.content == _page(1).decode()
    assert page.meta["url"] == "https://x.example/a" and page.meta["crawled"]
    assert "published" not in page.meta  # WARC-Date is crawl time
    assert page.source.index == 2  # warcinfo and request records count too
    assert image.reason == "record 3: not an article (content-type image/png)"
    assert gone.reason == "record 4: not an article (HTTP 404)"
    assert resource.kind == "html" and resource.content == "<p>Caf\u00e9 \u201cnews\u201d</p>"
    assert resource.meta["encoding"] == "cp1252"


def test_readers_warc_uncompressed(tmp_path):
    f = tmp_path / "crawl.warc"
    f.write_bytes(_warc([("response", "https://x.example/a", "text/html", _page(1), "200 OK")], gz=False))
    assert only(read(f)).meta["url"] == "https://x.example/a"


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize("keep", [0.9, 0.75, 0.55])
def test_readers_truncated_warc_keeps_earlier_records(tmp_path, gz, keep):
    data = _warc([("response", f"https://x.example/{i}", "text/html", _page(i), "200 OK") for i in range(3)], gz=gz)
    f = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    f.write_bytes(data[: int(len(data) * keep)])
    items = read(f)
    *pages, last = items
    assert pages and all(isinstance(p, RawDoc) for p in pages)
    assert [p.meta["url"] for p in pages] == [f"https://x.example/{i}" for i in range(len(pages))]
    assert isinstance(last, Rejection) and "truncated" in last.reason
    assert last.source.path == str(f) and last.source.index == len(pages) + 1  # + the warcinfo record
    assert last.reason.startswith(f"record {last.source.index}")


def test_readers_corrupt_warc_record(tmp_path):
    data = _warc([("response", f"https://x.example/{i}", "text/html", _page(i), "200 OK") for i in range(2)], gz=False)
    second = data.index(b"WARC/1", data.index(b"WARC-Type: response"))
    f = tmp_path / "corrupt.warc"
    f.write_bytes(data[:second] + b"GARBAGE LINE\r\n" + data[second + 20:])
    first, bad = read(f)
    assert first.meta["url"] == "https://x.example/0"
    assert bad.source.index == 2 and "corrupt" in bad.reason


# --- rejections ------------------------------------------------------------------------------

def test_readers_rejections_name_the_file(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\t\n")
    (tmp_path / "nul.txt").write_bytes(b"Some text\x00\x01\x02 then binary" * 20)
    (tmp_path / "noise.bin").write_bytes(bytes(range(1, 32)) * 40)
    (tmp_path / "report.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    (tmp_path / "bundle.zip").write_bytes(b"PK\x03\x04")
    (tmp_path / "undecodable.txt").write_bytes(bytes(range(128, 256)) * 8)
    reasons = {Path(r.source.path).name: r.reason for r in read(tmp_path, tmp_path / "missing.jsonl")}
    assert reasons == {
        "blank.txt": "empty file (only whitespace)",
        "bundle.zip": "unsupported format (.zip): an archive: unpack it first",
        "empty.txt": "empty file",
        "missing.jsonl": "cannot read the file: No such file or directory",
        "noise.bin": "binary data (control characters), not text",
        "nul.txt": "binary data (NUL bytes; UTF-16 text needs a byte-order mark), not text",
        "report.txt": "a PDF document, not text",
        "undecodable.txt": "undecodable text: no character encoding fits",
    }


def test_readers_never_raise_and_go_on(tmp_path):
    (tmp_path / "a.jsonl").write_text("{not json\n")
    (tmp_path / "b.txt").write_text("A story after a bad file.")
    items = read(tmp_path)
    assert isinstance(items[0], Rejection) and items[1].content == "A story after a bad file."


def test_readers_truncated_gzip_is_a_rejection(tmp_path):
    data = gzip.compress(b"".join(b'{"text": "Article %d."}\n' % i for i in range(20000)))
    f = tmp_path / "cut.jsonl.gz"
    f.write_bytes(data[: len(data) // 2])
    items = read(f)
    assert docs(items) and items[-1].reason.startswith("the file is truncated")


# --- directories -----------------------------------------------------------------------------

def test_readers_directory_recursive_sorted_hidden_skipped(tmp_path):
    root = tmp_path / "in"
    for rel in ("b.txt", "a/z.txt", "a/b/c.txt", ".hidden.txt", ".git/x.txt", "c/.secret/y.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"Story in {rel}.")
    given = str(root) + os.sep  # reported as given, trailing separator and all
    paths = [x.source.path for x in read_inputs([given])]
    assert paths == [os.path.join(given, r) for r in ("a/b/c.txt", "a/z.txt", "b.txt")]


def test_readers_empty_directory(tmp_path):
    (tmp_path / ".only-hidden").write_text("x")
    assert "no files" in only(read(tmp_path)).reason


# --- streaming -------------------------------------------------------------------------------

def _big(tmp_path: Path, name: str, header: str, line: str, n: int) -> Path:
    f = tmp_path / name
    with open(f, "w") as out:
        out.write(header)
        for _ in range(n):
            out.write(line)
    return f


@pytest.mark.parametrize("name,header,line", ids=["jsonl", "csv"], argvalues=[
    ("big.jsonl", "", json.dumps({"text": "A long article body. " * 30}) + "\n"),
    ("big.csv", "id,text\n", "1," + "A long article body. " * 30 + "\n"),
])
def test_readers_stream_big_files(tmp_path, name, header, line):
    f = _big(tmp_path, name, header, line, 60_000)  # about 40 MB
    assert f.stat().st_size > 35_000_000
    stream = read_inputs([f])
    tracemalloc.start()
    try:
        first = next(stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        stream.close()
    assert isinstance(first, RawDoc) and first.source.index == 0
    assert peak < 4_000_000, f"reading one record took {peak} bytes: the file was not streamed"


def test_readers_are_lazy(tmp_path):
    (tmp_path / "a.txt").write_text("One.")
    stream = read_inputs([tmp_path / "a.txt", tmp_path / "does-not-exist"])
    assert next(stream).content == "One."  # the missing path is not looked at yet
    assert isinstance(next(stream), Rejection)


# --- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("2024-03-04", "2024-03-04"), ("2024-03-04T23:30:00-05:00", "2024-03-04"), ("2024-03", "2024-03"),
    ("2024", "2024"), (2024, "2024"), ("2024/3/4", "2024-03-04"), ("20240304", "2024-03-04"),
    ("20240304091500", "2024-03-04"), ("Mon, 04 Mar 2024 09:15:00 GMT", "2024-03-04"),
    ("March 4, 2024", "2024-03-04"), ("Sept. 30, 2023", "2023-09-30"), ("Monday, March 4th, 2024", "2024-03-04"),
    ("4 March 2024", "2024-03-04"), ("March 2024", "2024-03"), ("25/12/2023", "2023-12-25"),
    ("12/25/2023", "2023-12-25"), (1709543700, "2024-03-04"), (1709543700000, "2024-03-04"),
    ("03/04/2024", None), ("2024-02-30", None), ("yesterday", None), ("", None), (None, None),
    (True, None), ({"date": "2024"}, None), ("Marching 4, 2024", None),
])
def test_readers_normalize_date(value, expected):
    assert normalize_date(value) == expected


# --- HTML extraction -------------------------------------------------------------------------

def test_html_extract_keeps_article_drops_furniture():
    text, meta = extract((FIXTURES / "bridge.html").read_text())
    paragraphs = text.split("\n\n")
    assert paragraphs == [
        "The Marrow Street bridge reopened to traffic on Tuesday morning, three weeks after a winter storm tore "
        "away part of its eastern railing and flooded the approach road.",
        "\u201cWe are relieved to have the crossing back,\u201d said harbour master Ilse Brandt, who had warned in "
        "February that ferry services could not absorb the extra passengers for much longer.",
        "Engineers from the county works department replaced forty metres of railing and resurfaced the deck. "
        "The repairs cost 1.2 million crowns, according to a statement from the town council.",
        "Residents of the north shore had faced a detour of almost twenty kilometres while the bridge was closed, "
        "and several shops on Marrow Street reported losing half of their usual trade.",
    ]
    for furniture in ("Subscribe", "Leave a comment", "Post comment", "Took them long enough", "All rights reserved",
                      "Privacy policy", "newsletter"):
        assert furniture not in text
    assert meta == {"title": "Harbour bridge reopens after storm repairs", "byline": "Dana Whitlock",
                    "outlet": "The Lakeside Courier", "published": "2024-03-04",
                    "url": "https://courier.example/news/bridge-reopens",
                    "description": "The Marrow Street bridge reopened on Tuesday after three weeks of repairs."}


def test_html_extract_blocks_and_line_breaks():
    page = ("<html><body><article><h1>Pier closes</h1><p>The council voted to close the pier.</p>"
            "<p>Line one<br>line two</p><ul><li>First point</li><li>Second point</li></ul>"
            "<blockquote><p>A quoted paragraph.</p></blockquote></article></body></html>")
    text, meta = extract(page, url="https://x.example/pier")
    assert text.split("\n\n") == ["The council voted to close the pier.", "Line one\nline two",
                                  "First point", "Second point", "A quoted paragraph."]
    assert meta["title"] == "Pier closes"  # the headline is the title, not a paragraph of the body


def test_html_extract_fragment_and_given_url():
    text, meta = extract("<p>The ferry pier will close in May.</p>", url="https://x.example/pier")
    assert text == "The ferry pier will close in May."
    assert meta["url"] == "https://x.example/pier"


@pytest.mark.parametrize("html", ["", "<html><body></body></html>", "<html><body><script>x=1</script></body></html>"])
def test_html_extract_nothing_raises_input_error(html):
    with pytest.raises(InputError, match="no article text"):
        extract(html)
