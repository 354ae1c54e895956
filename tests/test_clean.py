"""Cleaning: furniture out (kept verbatim in ``removed``), every sentence of the story kept."""
from rashomon.ingest.clean import RepeatedLines, clean, to_lines
from rashomon.model import RawDoc, Source
from rashomon.ingest.build import build

STORY = [
    "HARROWGATE (Delta Wire) \u2014 Flood barriers on the Lenne river gave way on Tuesday night, forcing "
    "about 3,000 people from their homes in the lower town, the county council said.",
    "Mayor Odile Fenner told reporters the water had risen faster than any forecast. \u201cWe had "
    "two hours, not ten,\u201d she said.",
    "\u201cNo one was hurt\u201d",
    "Engineers said the barriers, built in 1998, had not been inspected since the spring.",
    "The council will meet on Friday to decide on repairs",
]
PAGE = "\n".join([
    "Home | News | Regions | Sport | Contact",
    "Thursday 14 May 2026",
    "News ID: 55120",
    "Publish Date: 12 May 2026 - 08:10",
    "Lenne barriers fail as floodwater reaches lower town",
    "Residents carry belongings through a flooded street in Harrowgate, May 12, 2026. (Delta Wire)",
    "",
    STORY[0], "", STORY[1], "", STORY[2], "", STORY[3], "", STORY[4], "",
    "Share this article: Facebook | X | Email",
    "Fair use notice: this page reproduces copyrighted material for non-commercial purposes.",
    "Previous Article",
    "Harvest festival draws record crowds",
    "Next Article",
    "New bridge opens ahead of schedule",
    "Please enter your comment!",
    "Comments are closed.",
])
FURNITURE = [ln for ln in PAGE.split("\n")[:7] if ln and ln != "Lenne barriers fail as floodwater reaches lower town"] + PAGE.split("\n")[-8:]


def _one(text, path="site/page.txt", repeated=None):
    out = list(build(RawDoc(Source(path, 0), text), repeated))
    assert len(out) == 1, out
    return out[0]


def test_clean_keeps_every_sentence_of_the_story():
    a = _one(PAGE)
    for sentence in STORY:
        assert sentence in a.text
    assert a.text.startswith("HARROWGATE (Delta Wire) \u2014 Flood barriers")  # dateline stays in the lead


def test_clean_removes_site_furniture_verbatim():
    a = _one(PAGE)
    for line in FURNITURE:
        assert line in a.removed, line
        assert line not in a.text
    assert a.title == "Lenne barriers fail as floodwater reaches lower town"
    assert a.title not in a.removed


def test_clean_keeps_short_quoted_subheading_and_short_body_line():
    page = "\n\n".join(["Ferry service resumes after storm", STORY[0], "\u201cBack to normal\u201d",
                        "It did.", STORY[3]])
    a = _one(page)
    assert "\u201cBack to normal\u201d" in a.text and "It did." in a.text


def test_clean_rejoins_sentence_broken_over_blank_line_and_normalises_spaces():
    page = ("Council votes on budget\n\nKELLWICK \u2013 The council approved the budget on Monday after"
            " a long debate, with the mayor\n\n\u00a0abstaining in the final\u00a0vote.\n\n" + STORY[3])
    a = _one(page)
    assert "with the mayor abstaining in the final vote." in a.text
    assert "\u00a0" not in a.text


def test_clean_repeated_lines_across_files_are_furniture():
    rep = RepeatedLines()
    slogan = "Valley Courier \u2013 the voice of the valley"
    for i in range(4):
        rep.add("site", f"{slogan}\nStory {i}\nSome text {i}.")
    assert rep.is_repeated("site", slogan)
    assert not rep.is_repeated("site", "Story 1")
    a = _one(PAGE + "\n" + slogan, repeated=rep)
    assert slogan in a.removed


def test_clean_zones_on_lines_without_furniture_keep_all():
    lines = to_lines("\n\n".join(STORY))
    c = clean(lines)
    assert c.head == [] and not c.removed
    assert len(c.paragraphs) == len(STORY)


def test_clean_dateline_on_its_own_line_joins_the_lead():
    a = _one("KESTRA (AP) --\n" + STORY[3] + "\n\n" + STORY[1])
    assert a.text.startswith("KESTRA (AP) -- Engineers said") and a.dateline.credit == "AP"
    assert a.removed == []


def test_clean_short_opening_sentence_above_the_lead_is_kept():
    a = _one("Call it a wet spring.\n\n" + STORY[1] + "\n\n" + STORY[3])
    assert a.text.startswith("Call it a wet spring.") and "Call it a wet spring." not in a.removed
