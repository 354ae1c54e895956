"""The runner's own stages: story-inferred dates, and the order of the corpus stages."""
import pytest

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


def _wire(day: str) -> str:
    return (f"The harbour pilots of Port Ellery walked off the job on {day}, leaving a dozen cargo ships "
            "waiting outside the breakwater, the port authority said. The pilots want a new contract "
            "after two years of talks, and their union said the strike would go on until the "
            "authority returns to the table. Ferries to the islands kept sailing, but the grain "
            "terminal and the container quay stood idle for most of the day, and traders warned "
            "that bread prices in the capital could rise within the week if the ships stayed at sea.")


def test_pipeline_undated_copy_is_parsed_with_the_date_reuse_infers(tmp_path, monkeypatch):
    # reuse runs while the worker processes parse; an undated copy of a dated wire story is
    # parsed only after reuse has dated it, so its "on Sunday" resolves against that date
    import json

    from rashomon.nlp import stage
    from rashomon.pipeline import analyze

    monkeypatch.setattr(stage, "CHUNK", 1)  # every article its own chunk: both workers get work
    rows = [{"id": "wire", "text": _wire("Sunday"), "published": "2025-06-17", "outlet": "Meridian Press"},
            {"id": "copy", "text": _wire("Sunday"), "outlet": "The Ellery Courier"}]
    rows += [{"id": f"other{i}", "text": f"The town council of Vell{i} met on Monday to discuss a new library.",
              "published": "2025-06-16"} for i in range(3)]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    an = analyze([path], workers=2)
    copy = next(a for a in an.articles if a.text == rows[1]["text"] and a.published_basis == "inferred")
    assert copy.published == "2025-06-17"
    sunday = [t for t in an.times if t["article"] == copy.id and t["text"] == "Sunday"]
    assert sunday and sunday[0]["value"] == "2025-06-15"
    assert an.stats["reuse_seconds"] > 0 and any(r["kind"] == "duplicate" for r in an.reuse)


@pytest.mark.parametrize("chunk", [1, 3, 16])
def test_annotate_holds_articles_until_meanwhile_returns_and_raises_its_error(chunk):
    """Also when a chunk of the articles sent at once would reach into the held ones (4 free
    articles in chunks of 3 or 16): each article is annotated once, the held one after
    ``meanwhile`` has dated it."""
    from rashomon.nlp.stage import annotate

    arts = [_art(i, f"Dockers in Veronia walked out on Tuesday, the union said ({i}).", "2025-06-16")
            for i in range(4)]
    late = _art(9, "The ferry crews joined the strike on Tuesday, their union said.")

    def date_it():
        late.published, late.published_basis = "2025-06-20", "inferred"

    out = list(annotate(arts + [late], workers=2, chunk=chunk, held={late.id}, meanwhile=date_it))
    assert [a.article for a in out] == [a.id for a in arts] + [late.id]
    (tuesday,) = [t for t in out[-1].times if t["text"] == "Tuesday"]
    assert tuesday["value"] == "2025-06-17"  # anchored on the date set by ``meanwhile``

    def broken():
        raise RuntimeError("reuse failed")

    with pytest.raises(RuntimeError, match="reuse failed"):
        list(annotate(arts + [late], workers=2, chunk=chunk, held={late.id}, meanwhile=broken))


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



def test_pipeline_events_are_merged_after_story_dates(tmp_path):
    # the undated report is dated from its story (not a copy: its own wording), and the event it
    # reports takes the date its "on Sunday" resolves to only then: events merge after that
    import json

    from rashomon.pipeline import analyze, corpus_stages

    rows = [{"id": "dated", "published": "2025-06-17", "outlet": "Varno Post",
             "text": "A car bomb killed three soldiers at a checkpoint outside Varno on Sunday, the army said. "
                     "The army said the checkpoint had been attacked twice this year."},
            {"id": "undated", "outlet": "Coast Herald",
             "text": "Three soldiers died on Sunday when a car bomb exploded at an army checkpoint near Varno, "
                     "officials in Varno told reporters. Officials said the checkpoint had been attacked before."}]
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    an = analyze([path], workers=1)
    undated = next(a for a in an.articles if a.outlet == "Coast Herald")
    assert undated.published_basis == "inferred"
    names = [n for n, _ in corpus_stages()]
    assert names.index("story dates") < names.index("events")
    bombing = [e for e in an.events if any(m["article"] == undated.id for m in e["mentions"])
               and e["type"] == "ATTACK"]
    assert bombing and all(e["date"] == "2025-06-15" for e in bombing)


def _batch(tmp_path, n=5):
    import json

    rows = [{"id": f"art{i}", "text": f"Ferry crews in Port Vell{i} walked out on Monday, the union said. "
             f"\u201cWe will not sail,\u201d said union leader Mara Tesk{i}.", "published": "2025-06-16"}
            for i in range(n)]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    return path


def test_workers_start_while_reading_and_give_the_same_analysis(tmp_path, monkeypatch):
    from rashomon import pipeline
    from rashomon.nlp import stage

    monkeypatch.setattr(stage, "CHUNK", 1)
    monkeypatch.setattr(pipeline, "EARLY_WORKERS", 2)
    started, parsing = [], []
    real, real_stage = stage.start_workers, stage.nlp_stage

    def spy(workers=None):
        pool = real(workers)
        started.append((bool(parsing), pool is not None))  # (during the NLP stage, a pool)
        return pool

    def stage_spy(*args, **kwargs):
        parsing.append(True)
        return real_stage(*args, **kwargs)

    monkeypatch.setattr(stage, "start_workers", spy)
    monkeypatch.setattr(stage, "nlp_stage", stage_spy)
    path = _batch(tmp_path)
    one = pipeline.analyze([path], workers=1)
    assert started == [(False, False)]  # one worker: no pool
    parsing.clear()
    two = pipeline.analyze([path], workers=2)
    assert started[1:] == [(False, True)]  # one pool, started while reading, used by the NLP stage
    for part in ("times", "quotes", "entities"):
        assert getattr(one, part) == getattr(two, part), part
    assert [a.to_json() for a in one.articles] == [a.to_json() for a in two.articles]


def test_workers_started_early_are_stopped_when_a_stage_fails(tmp_path, monkeypatch):
    from rashomon import pipeline
    from rashomon.nlp import stage

    monkeypatch.setattr(pipeline, "EARLY_WORKERS", 2)
    pools = []
    real = stage.start_workers
    monkeypatch.setattr(stage, "start_workers", lambda workers=None: pools.append(real(workers)) or pools[-1])

    def broken(analysis, ctx):
        raise RuntimeError("stage failed")

    monkeypatch.setattr(pipeline, "corpus_stages", lambda: [("broken", broken)])
    with pytest.raises(RuntimeError, match="stage failed"):
        pipeline.analyze([_batch(tmp_path)], workers=2)
    assert len(pools) == 1
    procs = list(pools[0]._pool)
    for p in procs:
        p.join(timeout=10)
    assert procs and not any(p.is_alive() for p in procs)
