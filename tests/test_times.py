"""Time expressions resolved to dates (rashomon.nlp.times). Fixtures are invented sentences."""
from __future__ import annotations

import pytest

from rashomon.errors import RashomonError
from rashomon.model import Article, Dateline, Source
from rashomon.nlp.times import find_times

# 2021-03-10 is a Wednesday
PUB = "2021-03-10"


def art(text, published=PUB, dateline=None, basis=None):
    return Article(id="t1", source=Source("fixture.txt"), text=text, published=published,
                   published_basis=basis or ("given" if published else "unknown"),
                   dateline=Dateline(place="PORTVILLE", date=dateline) if dateline else None)


def times(text, **kw):
    a = art(text, **kw)
    out = find_times(a)
    for t in out:  # offsets always point at the text they claim
        assert a.text[t["start"]:t["end"]] == t["text"]
        assert t["article"] == "t1"
    return out


def values(text, **kw):
    return {t["text"]: t["value"] for t in times(text, **kw)}


def value_of(text, phrase, **kw):
    hits = [t for t in times(text, **kw) if phrase in t["text"] or t["text"] in phrase]
    assert hits, f"no time found for {phrase!r} in {text!r}"
    return hits[0]


# ---------------------------------------------------------------- explicit dates


@pytest.mark.parametrize("text,phrase,value", [
    ("The bridge opened on January 3, 2020, after years of delay.", "January 3, 2020", "2020-01-03"),
    ("The bridge opened on 3 Jan 2020 after years of delay.", "3 Jan 2020", "2020-01-03"),
    ("The bridge opened on 2020-01-03 after years of delay.", "2020-01-03", "2020-01-03"),
    ("The ferry line closed in March 2019 and never reopened.", "March 2019", "2019-03"),
    ("The mill was built in 1923 by the town's founders.", "1923", "1923"),
])
def test_times_explicit_dates_are_absolute(text, phrase, value):
    t = value_of(text, phrase)
    assert t["value"] == value
    assert t["anchor"] == "absolute"


def test_times_explicit_dates_need_no_anchor():
    t = value_of("The bridge opened on January 3, 2020.", "January 3, 2020", published=None)
    assert (t["value"], t["anchor"]) == ("2020-01-03", "absolute")


def test_times_month_day_without_year_takes_the_anchor_year():
    t = value_of("The mayor signed the order on Jan. 3, aides said.", "Jan. 3")
    assert (t["value"], t["anchor"]) == ("2021-01-03", "published")


def test_times_weekday_with_month_day_picks_the_matching_year():
    # 13 October is a Friday in 2023, not in 2024
    t = value_of("The vote was held on Friday, Oct. 13, officials said.", "Oct. 13",
                 published="2024-01-05")
    assert t["value"] == "2023-10-13"


# ---------------------------------------------------------------- weekdays


def test_times_weekday_is_the_last_one_on_or_before_publication():
    assert value_of("The council met on Sunday to discuss the budget.", "Sunday")["value"] == \
        "2021-03-07"
    # the publication day itself
    assert value_of("The council met on Wednesday.", "Wednesday")["value"] == "2021-03-10"


def test_times_weekday_in_future_tense_is_the_coming_one():
    assert value_of("The council will meet on Sunday to vote.", "Sunday")["value"] == "2021-03-14"
    assert value_of("The council meets again next Sunday.", "next Sunday")["value"] == "2021-03-14"


def test_times_weekday_last_and_time_of_day():
    assert value_of("The plant shut last Friday.", "last Friday")["value"] == "2021-03-05"
    t = value_of("Late on Tuesday, sirens sounded across the harbour.", "Tuesday")
    assert t["value"] == "2021-03-09"
    assert value_of("He said so in a Thursday interview with a local radio.",
                    "Thursday")["value"] == "2021-03-04"


def test_times_newspaper_named_after_a_weekday_is_not_a_date():
    out = times("The Sunday Times reported the story first.")
    assert not any("Sunday" in t["text"] for t in out)


# ---------------------------------------------------------------- deictic words and periods


def test_times_yesterday_today_tomorrow():
    v = values("Talks failed yesterday, resume today and end tomorrow.")
    assert v == {"yesterday": "2021-03-09", "today": "2021-03-10", "tomorrow": "2021-03-11"}


def test_times_last_month_next_year_and_years():
    v = values("Prices rose last month. The firm expects growth next year after losses last "
               "year and in 2014.")
    assert v["last month"] == "2021-02"
    assert v["next year"] == "2022"
    assert v["last year"] == "2020"
    assert v["2014"] == "2014"


def test_times_bare_month_looks_back_unless_future():
    # published in March: a past January is this year's, a past May last year's
    assert value_of("The law passed in January.", "January")["value"] == "2021-01"
    assert value_of("The law passed in November.", "November")["value"] == "2020-11"
    assert value_of("The law will take effect in November.", "November")["value"] == "2021-11"


def test_times_parts_of_months_have_month_precision():
    assert value_of("Rebels withdrew in mid-October.", "mid-October")["value"] == "2020-10"
    assert value_of("The ministry said late last month it would act.",
                    "late last month")["value"] == "2021-02"


def test_times_week_and_so_far_this_year():
    # week of Monday 8 to Sunday 14 March 2021: all in March
    assert value_of("Two ships docked this week.", "this week")["value"] == "2021-03"
    assert value_of("So far this year, 40 ships docked.", "this year")["value"] == "2021"
    # a week running over two months is given as its year
    assert value_of("Two ships docked this week.", "this week",
                    published="2021-03-31")["value"] == "2021"


def test_times_ago():
    v = values("The dam burst two years ago; repairs began three days ago.")
    assert v["two years ago"] == "2019"
    assert v["three days ago"] == "2021-03-07"


def test_times_the_day_before_an_explicit_date_is_context():
    t = value_of("The treaty was signed on June 4, 2019. The day before, protesters gathered.",
                 "The day before")
    assert (t["value"], t["anchor"]) == ("2019-06-03", "context")


# ---------------------------------------------------------------- anchors


def test_times_dateline_anchors_when_there_is_no_publication_date():
    t = value_of("Fishermen protested on Sunday.", "Sunday", published=None, dateline="2021-03-10")
    assert (t["value"], t["anchor"]) == ("2021-03-07", "dateline")


def test_times_publication_date_wins_over_dateline():
    t = value_of("Fishermen protested on Sunday.", "Sunday", dateline="2020-01-01")
    assert (t["value"], t["anchor"]) == ("2021-03-07", "published")


def test_times_no_anchor_means_no_relative_value():
    out = times("Fishermen protested on Sunday, yesterday and last month, and in January.",
                published=None)
    assert out == []


def test_times_published_at_month_precision_gives_no_day_values():
    out = values("Fishermen protested yesterday and last month.", published="2021-03")
    assert "yesterday" not in out
    assert out["last month"] == "2021-02"


# ---------------------------------------------------------------- hard negatives


@pytest.mark.parametrize("text", [
    "Officials may decide to raise taxes.",
    "May I ask a question, the senator said.",
    "Thousands will march through the capital.",
    "The long march ended at the border.",
    "The ministry sent 2,000 troops to the border.",
    "The ministry sent 2000 troops to the border.",
    "Turnout rose by 1999 votes.",
    "Theresa May spoke to reporters.",
])
def test_times_false_friends_are_not_dates(text):
    assert times(text) == []


def test_times_dateline_header_is_left_to_metadata():
    out = times("PORTVILLE, March 9 (Wire) -- The port reopened on Tuesday.")
    assert [t["text"] for t in out] == ["Tuesday"]


# ---------------------------------------------------------------- with the shared spaCy parse


def test_times_with_doc_gives_the_same_dates():
    from rashomon.nlp import load

    try:
        nlp = load()
    except RashomonError as exc:  # no English model installed here: nothing to compare
        pytest.skip(f"spaCy model unavailable: {exc}")
    text = ("The council will meet on Sunday. It sent 2000 troops in January. "
            "The treaty was signed on June 4, 2019.")
    a = art(text)
    with_doc = {t["text"]: t["value"] for t in find_times(a, nlp(text))}
    assert with_doc == {"Sunday": "2021-03-14", "January": "2021-01", "June 4, 2019": "2019-06-04"}
    assert with_doc == {t["text"]: t["value"] for t in find_times(a)}


def test_times_modal_in_a_relative_clause_does_not_make_the_date_future():
    art = Article(id="t-rel", source=Source("x", 0), published="2024-03-10", published_basis="given",
                  text="On Saturday, the harbour council - which would likely include the mayor - "
                       "issued a statement.")
    (t,) = [t for t in find_times(art) if t["text"] == "Saturday"]
    assert t["value"] == "2024-03-09"
