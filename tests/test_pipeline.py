"""The runner's own stages: story-inferred dates, and the order of the corpus stages."""
from rashomon.model import Analysis, Article, Source
from rashomon.pipeline import corpus_stages, infer_story_dates, redate_event_mentions


def _art(i, text, published=None):
    return Article(id=f"a{i}", source=Source("x.jsonl", i), text=text, published=published,
                   published_basis="given" if published else "unknown")


def test_pipeline_undated_article_takes_its_story_date_and_resolves_again():
    dated = _art(0, "The harbour strike ended on Sunday, the union said.", "2025-06-15")
    undated = _art(1, "Dockers returned to work on Monday after the strike ended on Sunday.")
    alone = _art(2, "A ferry was delayed on Sunday.")
    an = Analysis(articles=[dated, undated, alone],
                  stories=[{"id": "s1", "articles": ["a0", "a1"]}, {"id": "s2", "articles": ["a2"]}])
    assert infer_story_dates(an) == {"a1"}
    assert (undated.published, undated.published_basis) == ("2025-06-15", "inferred")
    assert alone.published is None  # no dated article in its story: nothing to infer from
    sunday = [t for t in an.times if t["article"] == "a1" and t["text"] == "Sunday"]
    assert sunday and sunday[0]["value"] == "2025-06-15"


def test_pipeline_reuse_runs_before_the_linguistic_stage():
    # reuse infers dates for undated copies; the NLP stage anchors relative dates on them
    names = [n for n, _ in corpus_stages()]
    assert names.index("reuse") < names.index("nlp") < names.index("stories") < names.index("story dates")


def test_pipeline_event_mentions_of_story_dated_articles_get_their_dates():
    art = _art(1, "The council met on Sunday. Talks went on for hours.", "2025-06-15")
    times = [{"article": "a1", "text": "Sunday", "start": 19, "end": 25, "value": "2025-06-15",
              "anchor": "published"}]
    meeting = {"article": "a1", "start": 12, "sentence_start": 0, "sentence_end": 26, "date": None}
    talks = {"article": "a1", "start": 27, "sentence_start": 27, "sentence_end": 51, "date": None}
    other = {"article": "a9", "start": 0, "sentence_start": 0, "sentence_end": 30, "date": None}
    assert redate_event_mentions([meeting, talks, other], times, {"a1": art}) == 1
    assert meeting["date"] == "2025-06-15" and meeting["time"]["text"] == "Sunday"
    assert talks["date"] is None  # no date in its own sentence
    assert other["date"] is None and "published" not in other  # not an article dated from its story

