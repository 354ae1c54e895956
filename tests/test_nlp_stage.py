"""The NLP stage: linking each quote's speaker to its entity (rashomon.nlp.stage.link_speakers),
on our own sentences."""
import json

import pytest

from rashomon.model import Analysis, Article, Source
from rashomon.nlp.stage import link_speakers


def quote(text, literal, speaker_text=None, head=None, qid="q0", aid="a1"):
    s = text.index(literal)
    q = {"id": qid, "article": aid, "text": "x", "start": 0, "end": 1, "direct": False,
         "speaker": None, "speaker_text": speaker_text or literal, "cue": "said",
         "speaker_start": s, "speaker_end": s + len(literal)}
    if head is not None:
        h = text.index(head)
        q["speaker_head_start"], q["speaker_head_end"] = h, h + len(head)
    return q


def entity(eid, name, text, *words, aid="a1", etype="PERSON"):
    ms = []
    for w in words:
        i = text.index(w)
        ms.append({"article": aid, "start": i, "end": i + len(w), "text": w})
    return {"id": eid, "name": name, "type": etype, "aliases": [], "description": None, "mentions": ms}


def test_link_group_adjective_is_not_the_speaker():
    text = "Veronian officials said the border would reopen."
    q = quote(text, "Veronian officials", head="officials")
    ents = [entity("e-ver", "Veronian", text, "Veronian", etype="NORP")]
    link_speakers([q], ents, {"a1": text})
    assert q["speaker"] is None


def test_link_group_adjective_without_parser_head():
    text = "Veronian officials said the border would reopen."
    q = quote(text, "Veronian officials")  # no head offsets: the head is found from the words
    ents = [entity("e-ver", "Veronian", text, "Veronian", etype="NORP")]
    link_speakers([q], ents, {"a1": text})
    assert q["speaker"] is None


def test_link_role_before_name_links_the_person():
    text = "Dockers Union spokesman Jana Roeck said the strike would go on."
    q = quote(text, "Dockers Union spokesman Jana Roeck", head="Roeck")
    ents = [entity("e-union", "Dockers Union", text, "Dockers Union", etype="ORG"),
            entity("e-roeck", "Jana Roeck", text, "Jana Roeck")]
    link_speakers([q], ents, {"a1": text})
    assert q["speaker"] == "e-roeck"


def test_link_spokesman_for_organisation_is_not_the_organisation():
    text = "A spokesman for the Dockers Union said the strike would go on."
    for head in ("spokesman", None):
        q = quote(text, "A spokesman for the Dockers Union", head=head)
        ents = [entity("e-union", "Dockers Union", text, "Dockers Union", etype="ORG")]
        link_speakers([q], ents, {"a1": text})
        assert q["speaker"] is None


def test_link_pronoun_to_antecedent_and_add_mention():
    text = "Jana Roeck leads the union. She said the strike would go on."
    q = quote(text, "She", speaker_text="Jana Roeck", head="Roeck")
    ents = [entity("e-roeck", "Jana Roeck", text, "Jana Roeck")]
    link_speakers([q], ents, {"a1": text})
    assert q["speaker"] == "e-roeck"
    she = text.index("She")
    assert {"article": "a1", "start": she, "end": she + 3, "text": "She"} in ents[0]["mentions"]
    starts = [m["start"] for m in ents[0]["mentions"]]
    assert starts == sorted(starts)


def test_link_resolved_name_without_head_matches_name_without_title():
    text = "Ms. Jana Roeck leads the union. The union leader said the strike would go on."
    q = quote(text, "The union leader", speaker_text="Ms. Jana Roeck")
    ents = [entity("e-roeck", "Jana Roeck", text, "Jana Roeck")]
    link_speakers([q], ents, {"a1": text})
    assert q["speaker"] == "e-roeck"
    assert any(m["text"] == "The union leader" for m in ents[0]["mentions"])


def test_link_name_only_in_another_article_is_not_used():
    text = "Jana Roeck leads the union. She said the strike would go on."
    q = quote(text, "She", speaker_text="Jana Roeck", aid="a2")
    ents = [entity("e-roeck", "Jana Roeck", text, "Jana Roeck", aid="a1")]
    link_speakers([q], ents, {"a1": text, "a2": text})
    assert q["speaker"] is None
    assert len(ents[0]["mentions"]) == 1


def test_link_unresolved_description_links_nothing():
    text = "Jana Roeck leads the union. A statement said the strike would go on."
    q = quote(text, "A statement", head="statement")
    ents = [entity("e-roeck", "Jana Roeck", text, "Jana Roeck")]
    link_speakers([q], ents, {"a1": text})
    assert q["speaker"] is None
    assert len(ents[0]["mentions"]) == 1


def test_link_quote_without_speaker_words():
    text = "The strike would go on."
    q = {"id": "q0", "article": "a1", "text": text, "start": 0, "end": len(text), "direct": False,
         "speaker": "stale", "speaker_text": None, "cue": None, "speaker_start": None, "speaker_end": None}
    link_speakers([q], [], {"a1": text})
    assert q["speaker"] is None


@pytest.fixture(scope="module")
def nlp():
    from rashomon.nlp import load

    return load()


def test_stage_links_speakers_end_to_end_and_output_is_valid(nlp, tmp_path):
    from rashomon.nlp.stage import nlp_stage
    from rashomon.output import validate, write

    text = ("Harbour master Maria Jensen closed the port on Monday. “The storm will pass by Friday,” "
            "she said.\n\nVeronian officials said the ferries would resume next week.")
    art = Article(id="a-s1", source=Source("fixture.txt", 0), text=text)
    an = Analysis(articles=[art])
    nlp_stage(an, {})
    storm = next(q for q in an.quotes if "storm will pass" in q["text"])
    ents = {e["id"]: e for e in an.entities}
    assert storm["speaker"] is not None and "Jensen" in ents[storm["speaker"]]["name"]
    she = text.index("she said")
    assert any(m["start"] == she for m in ents[storm["speaker"]]["mentions"])
    ferries = next(q for q in an.quotes if "ferries would resume" in q["text"])
    assert ferries["speaker"] is None
    paths = write(an, tmp_path, report=False)
    validate(json.loads(paths["analysis"].read_text("utf-8")))


def _arts(n):
    texts = ["Harbour master Maria Jensen said on Monday that the port would reopen.",
             "Dockers in Veronia walked out on Tuesday, the union said.",
             "Der Hafen bleibt geschlossen, sagte die Behörde am Montag."]
    return [Article(id=f"a{i}", source=Source("fixture.jsonl", i), text=texts[i % 3],
                    language="de" if i % 3 == 2 else "en", published="2025-06-16") for i in range(n)]


def test_annotate_in_worker_processes_keeps_order_and_results():
    from rashomon.nlp.stage import Annotations, annotate

    arts = _arts(7)
    here = list(annotate(arts, workers=1))
    there = list(annotate(arts, workers=2, chunk=2))
    assert [a.article for a in there] == [a.id for a in arts]
    assert all(isinstance(a, Annotations) for a in there)
    assert [vars(a) for a in there] == [vars(a) for a in here]
    assert there[0].quotes and not there[2].quotes  # the German text gets no parse-based results


def test_stage_results_are_the_same_with_one_or_two_workers(monkeypatch):
    # the example corpus in two worker processes (chunks of 3 articles, so both get work) must
    # give exactly what one process gives: times, quotes, entities, events and story features
    from dataclasses import asdict
    from pathlib import Path

    from rashomon.nlp import stage
    from rashomon.pipeline import iter_articles

    corpus = Path(__file__).resolve().parents[1] / "examples" / "corpus"
    monkeypatch.setattr(stage, "CHUNK", 3)
    runs = []
    for workers in (1, 2):
        an = Analysis(articles=[a for a in iter_articles([corpus]) if isinstance(a, Article)])
        ctx = {"workers": workers}
        stage.nlp_stage(an, ctx)
        runs.append((an.to_json(), [asdict(f) for f in ctx["story_features"]], ctx["event_mentions"]))
    assert len(an.articles) > 2 * stage.CHUNK
    assert an.quotes and an.entities and an.events
    assert runs[0] == runs[1]


def test_parse_parses_a_text_once_for_all_its_articles(monkeypatch):
    # a wire story republished word for word: one parse, and each article still gets its own
    # annotations (its own id, its relative dates resolved against its own publication date)
    from rashomon.nlp import stage

    arts = _arts(6)  # three texts, each twice; the third is German
    arts[3].published = "2025-06-23"  # the copy of a0, a week later
    nlp = stage.load()
    parsed = []
    real_pipe = nlp.pipe

    def pipe(texts, **kwargs):
        texts = list(texts)
        parsed.extend(texts)
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", pipe)
    pairs = list(stage.parse(arts))
    assert [a.id for a, _ in pairs] == [a.id for a in arts]
    assert parsed == [arts[0].text, arts[1].text]  # two English texts, once each
    assert pairs[0][1] is pairs[3][1] and pairs[2][1] is None and pairs[5][1] is None
    monkeypatch.setattr(nlp, "pipe", real_pipe)
    anns = stage.annotate_chunk(arts)
    one = stage.annotate_chunk([arts[3]])[0]  # the copy alone: nothing shared with a0
    assert vars(anns[3]) == vars(one)
    monday = [[t["value"] for t in x.times if t["text"] == "Monday"] for x in (anns[0], anns[3])]
    assert monday == [["2025-06-16"], ["2025-06-23"]], monday
    assert anns[0].article and anns[0].article == "a0" and anns[3].article == "a3"


def test_annotate_groups_the_articles_of_one_text_in_one_chunk():
    from rashomon.nlp.stage import _grouped

    arts = _arts(7)  # texts 0 1 2 0 1 2 0
    chunks = _grouped(arts, 2)
    assert sorted(a.id for c in chunks for a in c) == sorted(a.id for a in arts)
    for c in chunks:  # all articles of a text are in one chunk
        for a in c:
            assert all(b in c for b in arts if b.text == a.text)
