"""Splitting a page that carries several articles; conservative: no split without a dateline."""
from rashomon.ingest.clean import to_lines
from rashomon.ingest.split import split

BODY1 = [
    "MERLOW, Fenland (April 3, 2026) - Striking dock workers returned to work on Thursday after the "
    "port operator agreed to a four percent raise, ending a strike that lasted eleven days.",
    "The union said members had voted by a large margin to accept the offer, which also shortens "
    "night shifts by an hour.",
    "Shipping agents said it would take about a week to clear the containers waiting in the harbour.",
    "The port operator declined to comment on the cost of the strike.",
]
BODY2 = [
    "MERLOW, Fenland (March 21, 2026) - Dock workers walked out on Friday after talks on pay broke "
    "down for the third time this year, the union said.",
    "About 600 workers joined the strike, which halted loading at the two main terminals of the port.",
    "The operator called the walkout unlawful and said it would seek an injunction.",
]


def test_split_repost_page_gives_two_articles():
    page = "\n\n".join(["Dock strike ends with pay deal", *BODY1,
                        "This article was first published by the Fenland Post.",
                        "Dock workers strike over stalled pay talks",
                        "Talks broke down for the third time this year.", "Fenland Post", *BODY2])
    parts = split(to_lines(page))
    assert len(parts) == 2
    assert parts[1][0].text == "Dock workers strike over stalled pay talks"
    assert parts[0][-1].text == "This article was first published by the Fenland Post."


def test_split_quoted_subheading_does_not_split():
    page = "\n\n".join(["Dock strike ends with pay deal", *BODY1[:2], "\u201cA fair offer\u201d",
                        *BODY1[2:], *BODY2[1:]])
    assert len(split(to_lines(page))) == 1


def test_split_headline_shaped_line_without_dateline_does_not_split():
    page = "\n\n".join(["Dock strike ends with pay deal", *BODY1, "What happens to the backlog now",
                        *BODY2[1:]])
    assert len(split(to_lines(page))) == 1


def test_split_needs_a_full_article_before_the_second():
    page = "\n\n".join(["Dock strike ends with pay deal", BODY1[0], "Dock workers strike over pay",
                        *BODY2])
    assert len(split(to_lines(page))) == 1
