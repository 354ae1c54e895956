"""The runner's own stages: story-inferred dates, and the order of the corpus stages."""
from rashomon.model import Analysis, Article, Source
from rashomon.pipeline import corpus_stages, infer_story_dates


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
