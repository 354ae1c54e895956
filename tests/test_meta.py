"""Metadata from the text: dates, datelines, bylines, wire credits."""
import pytest

from rashomon.ingest.meta import parse_byline, parse_date, parse_dateline, read_header, wire_credits


@pytest.mark.parametrize("text,iso", [
    ("Publish Date: 11 October 2021 - 21:46", "2021-10-11"), ("November 23rd, 2022", "2022-11-23"),
    ("Nov. 3, 2019", "2019-11-03"), ("2024-02-29", "2024-02-29"), ("Sunday, 9 March 2025", "2025-03-09"),
])
def test_meta_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("lead,place,date,credit", [
    ("KESTRA (Reuters) - The port reopened.", "KESTRA", None, "Reuters"),
    ("HALDEN, Upper Vale (May 2, 2024) \u2014The bridge reopened.", "HALDEN", "2024-05-02", None),
    ("NORTH FELL (ODA) \u2014 The bridge reopened.", "NORTH FELL", None, "ODA"),
    ("KESTRA -- The port reopened.", "KESTRA", None, None),
    ("KESTRA \u2013 The port reopened.", "KESTRA", None, None),
    ("KESTRA, May 2 (AP) - The port reopened.", "KESTRA", "2024-05-02", "AP"),
])
def test_meta_dateline_forms(lead, place, date, credit):
    dl, n = parse_dateline(lead, 2024)
    assert (dl.place, dl.date, dl.credit) == (place, date, credit)
    assert lead[n:].startswith("The")


@pytest.mark.parametrize("lead", ["US officials said on Monday - late - that", "ISIS-held towns fell.",
                                  "The port reopened - slowly."])
def test_meta_no_dateline_in_ordinary_sentences(lead):
    assert parse_dateline(lead)[0] is None


def test_meta_byline_forms():
    assert parse_byline("March 2nd, 2024 - by Ana Ruiz / Vale Net") == ("Ana Ruiz", "Vale Net", "2024-03-02")
    assert parse_byline("Ana Ruiz / Vale Net") == ("Ana Ruiz", "Vale Net", None)
    assert parse_byline("By Ana Ruiz, Staff Writer") == ("Ana Ruiz", None, None)
    assert parse_byline("The port reopened on Monday.") is None


def test_meta_wire_credits_are_normalised():
    text = ("Officials told Reuters the port would reopen. A spokesman spoke to The Associated Press. "
            "According to AFP, traffic resumed. The Vale Herald said it would follow up.")
    assert wire_credits(text) == ["Reuters", "Associated Press", "AFP"]
    assert wire_credits("x", credit="AP") == ["Associated Press"]
    assert wire_credits("x", credit="Dispatches") == []          # generic: no agency
    assert wire_credits("x", credit="ODA") == ["ODA"]            # unknown credit: still an agency
    assert wire_credits("She told the Ostmark Press Agency (OPA) that") == ["OPA"]
    assert wire_credits("The Reuters building was sold.") == []  # named, not drawn on


def test_meta_page_date_is_not_the_publication_date():
    h = read_header(["Friday 15 May 2026", "News ID: 12", "Publish Date: 12 May 2026 - 08:10",
                     "Lenne barriers fail as floodwater reaches lower town"])
    assert (h.explicit, h.page_date, h.news_id) == ("2026-05-12", "2026-05-15", "12")
    assert h.title == "Lenne barriers fail as floodwater reaches lower town"


def test_meta_repeated_title_and_site_tagline():
    h = read_header(["Vale Watch - news digest from the hills", "Bridge reopens after two years",
                     "March 2nd, 2024 - by Ana Ruiz / Vale Net", "Bridge reopens after two years",
                     "A new span carries twice the traffic."])
    assert h.title == "Bridge reopens after two years"
    assert (h.byline, h.outlet, h.posted) == ("Ana Ruiz", "Vale Net", "2024-03-02")
    assert h.subtitle == "A new span carries twice the traffic."
