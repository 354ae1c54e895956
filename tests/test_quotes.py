"""Quotes and reported speech with their speakers (rashomon.nlp.quotes), on our own sentences."""
import pytest

from rashomon.model import Article, Source
from rashomon.nlp.quotes import direct_spans, find_quotes


@pytest.fixture(scope="module")
def nlp():
    from rashomon.nlp import load

    return load()


def run(nlp, text, aid="t1"):
    art = Article(id=aid, source=Source("fixture.txt"), text=text)
    return find_quotes(art, nlp(text))


def containing(quotes, words):
    hits = [q for q in quotes if words in q["text"]]
    assert hits, f"no quote contains {words!r}: {[q['text'] for q in quotes]}"
    return hits[0]


def test_quotes_direct_quote_with_cue_after(nlp):
    text = "“We will rebuild the old bridge before the winter comes,” Mayor Clara Jensen said on Tuesday."
    q = containing(run(nlp, text), "rebuild the old bridge")
    assert q["direct"] is True
    assert "Clara Jensen" in q["speaker_text"]
    assert q["cue"] == "said"
    assert text[q["start"]:q["end"]] == q["text"]
    assert text[q["speaker_start"]:q["speaker_end"]].endswith("Clara Jensen")
    assert text[q["cue_start"]:q["cue_end"]] == "said"
    assert q["speaker"] is None


def test_quotes_straight_quotation_marks(nlp):
    text = 'Farmer Ivo Marsh said: "The river has never been this low in my whole life."'
    q = containing(run(nlp, text), "never been this low")
    assert q["direct"] is True
    assert "Ivo Marsh" in q["speaker_text"]


def test_quotes_split_by_cue_is_one_quote(nlp):
    text = ("Lena Ortiz runs the clinic. “The water is clean again,” she said, “and the new pipes "
            "will last for thirty years.”")
    qs = [q for q in run(nlp, text) if q["direct"]]
    assert len(qs) == 1
    q = qs[0]
    assert "water is clean" in q["text"] and "thirty years" in q["text"]
    assert q["speaker_text"] == "Lena Ortiz"
    assert text[q["speaker_start"]:q["speaker_end"]] == "she"


def test_quotes_multi_sentence_quote(nlp):
    text = ("“The harvest failed. Prices will rise. Families will struggle,” said Oskar Lind, "
            "an economist at the farm bureau.")
    q = containing(run(nlp, text), "harvest failed")
    assert "Families will struggle" in q["text"]
    assert "Oskar Lind" in q["speaker_text"]


def test_quotes_paragraph_open_convention(nlp):
    text = ("Captain Ruth Sandoval described the rescue. “We reached the boat at dawn. The crew "
            "were cold but alive.\n\n“We took them to the harbour within an hour,” she said.")
    spans = direct_spans(text)
    assert len(spans) == 1
    q = containing(run(nlp, text), "reached the boat")
    assert "harbour" in q["text"]
    assert q["speaker_text"] == "Ruth Sandoval"


def test_quotes_reported_speech_with_that(nlp):
    text = "Finance minister Aldo Ferri said that the budget would be balanced by next year."
    q = containing(run(nlp, text), "budget would be balanced")
    assert q["direct"] is False
    assert "Aldo Ferri" in q["speaker_text"]
    assert q["cue"] == "said"


def test_quotes_reported_speech_without_that(nlp):
    text = "Aldo Ferri said the budget would be balanced by next year."
    q = containing(run(nlp, text), "budget would be balanced")
    assert "said" not in q["text"]
    assert q["speaker_text"] == "Aldo Ferri"


def test_quotes_told_agency(nlp):
    text = "Union leader Peter Okafor told Reuters the strike would continue until wages rose."
    q = containing(run(nlp, text), "strike would continue")
    assert "Peter Okafor" in q["speaker_text"]
    assert q["cue"] == "told"
    assert "Reuters" not in q["text"]


@pytest.mark.parametrize("verb", ["warned", "claimed", "announced"])
def test_quotes_other_reporting_verbs(nlp, verb):
    text = f"The harbour authority {verb} that the port would close for two weeks."
    q = containing(run(nlp, text), "port would close")
    assert q["cue"] == verb
    assert q["speaker_text"] == "The harbour authority"


def test_quotes_accused(nlp):
    text = "Senator Mia Holt accused the governor of hiding the report from voters."
    q = containing(run(nlp, text), "hiding the report")
    assert "Mia Holt" in q["speaker_text"]
    assert q["cue"] == "accused"


def test_quotes_according_to_person(nlp):
    text = "According to Inspector Hugo Brandt, the fire started in the kitchen after midnight."
    q = containing(run(nlp, text), "fire started in the kitchen")
    assert q["cue"].lower() == "according to"
    assert "Hugo Brandt" in q["speaker_text"]
    assert "According" not in q["text"]


def test_quotes_according_to_document(nlp):
    text = "The river level rose by two metres overnight, according to the report."
    q = containing(run(nlp, text), "river level rose")
    assert q["speaker_text"] == "the report"
    assert q["cue"] == "according to"


def test_quotes_pronoun_skips_wrong_gender(nlp):
    text = ("Maria Lopez met Tom Becker at the town hall on Monday. She said the new school "
            "would open in September.")
    q = containing(run(nlp, text), "new school would open")
    assert q["speaker_text"] == "Maria Lopez"
    assert text[q["speaker_start"]:q["speaker_end"]] == "She"


def test_quotes_pronoun_takes_full_name(nlp):
    text = ("Mr. Tom Becker chairs the council. Becker opened the meeting. He said the budget "
            "was too small for the roads.")
    q = containing(run(nlp, text), "budget was too small")
    assert q["speaker_text"] == "Tom Becker"


def test_quotes_role_resolves_to_holder(nlp):
    text = ("Ministry spokesman Daniel Moreau spoke after the meeting. Later the spokesman said "
            "the talks would resume on Friday.")
    q = containing(run(nlp, text), "talks would resume")
    assert q["speaker_text"] == "Daniel Moreau"
    assert text[q["speaker_start"]:q["speaker_end"]] == "the spokesman"


def test_quotes_relative_pronoun_speaker(nlp):
    text = "The crowd cheered Anna Berg, who said the vote had been stolen from the villagers."
    q = containing(run(nlp, text), "vote had been stolen")
    assert q["speaker_text"] == "Anna Berg"


def test_quotes_scare_quotes_are_not_quotes(nlp):
    text = "The minister defended the so-called “peace plan” during a long debate in parliament."
    assert not any("peace plan" in q["text"] and q["direct"] for q in run(nlp, text))


def test_quotes_titles_are_not_quotes(nlp):
    text = "She read “The Long Road Home From Winter” twice before the film “Seven Silver Lakes” came out."
    qs = run(nlp, text)
    assert not any(q["direct"] for q in qs)


def test_quotes_dash_credit(nlp):
    text = "“I have never seen the square this full of people on a weekday.” ― Carla Mendes\n"
    q = containing(run(nlp, text), "square this full")
    assert q["speaker_text"] == "Carla Mendes"


def test_quotes_continued_quote_keeps_speaker(nlp):
    text = ("“The dam will hold,” engineer Samir Haddad said.\n\n"
            "“We tested every gate twice last month and found no cracks.”")
    q = containing(run(nlp, text), "tested every gate")
    assert "Samir Haddad" in q["speaker_text"]
    assert q["speaker_start"] < q["start"]


def test_quotes_ids_stable_and_ordered(nlp):
    text = ("Aldo Ferri said the budget would be balanced. “We have cut waste everywhere we "
            "could find it,” he added.")
    a = run(nlp, text, aid="art9")
    b = run(nlp, text, aid="art9")
    assert [q["id"] for q in a] == [f"art9-q{i}" for i in range(len(a))]
    assert a == b
    assert [q["start"] for q in a] == sorted(q["start"] for q in a)
