"""build(): one RawDoc to Articles with ids, sources, metadata precedence and language."""
from rashomon.ingest.build import build
from rashomon.model import Article, RawDoc, Rejection, Source

LEAD = ("HALDEN, Upper Vale (May 2, 2024) - The Halden bridge reopened on Thursday after two years "
        "of repairs, the transport ministry said, cutting the drive to the coast by an hour.")
REST = ["Engineers said the new span could carry twice the traffic of the old one.",
        "Traders in the market town said they expected business to pick up within weeks.",
        "The ministry said tolls would not be charged for the first month of operation."]
PAGE = "\n\n".join(["Halden bridge reopens after two years", "May 6th, 2024 - by Ana Ruiz / Vale Net",
                    LEAD, *REST, "Comments are closed."])
SECOND = "\n\n".join(["Halden bridge closes for repairs", "Vale Net",
                      "HALDEN, Upper Vale (April 30, 2022) - The Halden bridge closed on Saturday for "
                      "repairs expected to last two years, the ministry said.",
                      "Drivers will have to use the coast road, adding an hour to the journey."])


def _build(text, path="dir/page.txt", index=0, meta=None, kind="text"):
    return list(build(RawDoc(Source(path, index), text, kind, meta or {})))


def test_build_reads_metadata_from_the_page():
    (a,) = _build(PAGE)
    assert (a.title, a.byline, a.outlet) == ("Halden bridge reopens after two years", "Ana Ruiz", "Vale Net")
    assert (a.dateline.place, a.dateline.date) == ("HALDEN", "2024-05-02")
    assert (a.published, a.published_basis, a.extra["posted"]) == ("2024-05-02", "dateline", "2024-05-06")
    assert a.language == "en" and a.removed == ["May 6th, 2024 - by Ana Ruiz / Vale Net", "Comments are closed."]


def test_build_given_metadata_wins_and_id_is_stable():
    meta = {"id": "v-1", "title": "Given title", "outlet": "Given Net", "published": "2024-05-03T10:00:00Z"}
    (a,) = _build(PAGE, "dump.jsonl", 7, meta)
    assert (a.id, a.title, a.outlet, a.published, a.published_basis) == (
        "v-1", "Given title", "Given Net", "2024-05-03", "given")
    assert a.source.index == 7
    assert _build(PAGE)[0].id == _build(PAGE)[0].id


def test_build_two_articles_in_a_file_are_indexed_0_and_1():
    arts = _build(PAGE.replace("Comments are closed.", "") + "\n\n" + SECOND)
    assert [a.source.index for a in arts] == [0, 1]
    assert arts[1].title == "Halden bridge closes for repairs" and arts[1].published == "2022-04-30"
    assert arts[0].id != arts[1].id


def test_build_a_record_that_splits_keeps_its_index_and_gets_id_suffix():
    arts = _build(PAGE.replace("Comments are closed.", "") + "\n\n" + SECOND, "dump.jsonl", 4, {"id": "r4"})
    assert [(a.id, a.source.index) for a in arts] == [("r4", 4), ("r4-2", 4)]


def test_build_short_text_language_is_und_and_empty_is_rejected():
    (a,) = _build("Bridge opens.")
    assert isinstance(a, Article) and a.language == "und"
    (r,) = _build("  \n\u00a0\n")
    assert isinstance(r, Rejection) and "empty" in r.reason


def test_build_unreadable_html_is_a_rejection_with_reason():
    (r,) = _build("<html><body></body></html>", "p.html", kind="html")
    assert isinstance(r, Rejection) and r.reason


def test_build_record_keeps_its_headline_in_the_text():
    # a JSONL/CSV record's text is what its producer chose: the headline line stays in the text
    # (and is the title), while a scraped page's headline goes to the title only
    text = "\n\n".join(["Halden bridge reopens after two years", LEAD, *REST])
    (rec,) = _build(text, "dump.jsonl", 3, {"id": "r-3"})
    (page,) = _build(text, "dir/page.txt")
    assert rec.title == page.title == "Halden bridge reopens after two years"
    assert rec.text.startswith("Halden bridge reopens after two years\n\nHALDEN")
    assert page.text.startswith("HALDEN")
    (given,) = _build(text, "dump.jsonl", 3, {"id": "r-3", "title": "Halden bridge reopens after two years."})
    assert given.text.startswith("Halden bridge reopens") and given.removed == []
