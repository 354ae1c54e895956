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


def test_quotes_physical_attack_is_no_speech_but_attacking_a_claim_is(nlp):
    text = ("Gunmen who have attacked the Varnel convoys with mortars withdrew on Monday. "
            "Councillor Ada Brisk attacked the budget, saying that the cuts would close three libraries.")
    quotes = run(nlp, text)
    assert not [q for q in quotes if "mortars" in q["text"]], [q["text"] for q in quotes]
    assert "Ada Brisk" in containing(quotes, "close three libraries")["speaker_text"]


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


# ---------------------------------------------------------------- fixes of issue 4


def run_article(nlp, art):
    return find_quotes(art, nlp(art.text))


def test_quotes_dateline_is_never_content_or_speaker(nlp):
    from rashomon.model import Dateline

    text = ("PORTVILLE (Coast Wire) — Dock workers have agreed to end their strike on condition that "
            "the owners raise wages, a union official told reporters on Friday.")
    art = Article(id="d1", source=Source("fixture.txt"), text=text,
                  dateline=Dateline(place="PORTVILLE", credit="Coast Wire"))
    qs = run_article(nlp, art)
    q = containing(qs, "end their strike")
    assert "PORTVILLE" not in q["text"] and "Coast Wire" not in q["text"]
    assert q["text"].startswith("Dock workers")
    assert q["speaker_text"] == "a union official"
    for q in qs:
        assert q["start"] >= text.index("Dock")
        if q["speaker_start"] is not None:
            assert q["speaker_start"] >= text.index("Dock"), q


def test_quotes_dateline_subject_replaced_by_real_subject(nlp):
    from rashomon.model import Dateline

    text = "MILLTOWN – Striking bakers have agreed to return to work if the city lowers the rent."
    art = Article(id="d2", source=Source("fixture.txt"), text=text, dateline=Dateline(place="MILLTOWN"))
    for q in run_article(nlp, art):
        assert "MILLTOWN" not in q["text"]
        assert "MILLTOWN" not in (q["speaker_text"] or "")


def test_quotes_role_needs_a_role_noun_tie(nlp):
    # "naval" only modifies another role ("naval commander"): "the navy" is not that person
    text = ("The island's top naval commander Piet Lorne was dismissed last year.\n\n"
            "A storm hit a supply ship near the southern cape on Monday, damaging a mast but causing "
            "no injuries, the navy said.")
    q = containing(run(nlp, text), "storm hit a supply ship")
    assert q["speaker_text"] == "the navy"


def test_quotes_reported_content_stays_in_its_paragraph(nlp):
    # the first paragraph ends without a full stop, so the parser may join it to the next
    text = ("The mayor refused to close the old market, with traders blocking the square in the "
            "rain\n\nA water main burst under the bridge on Sunday, flooding two streets but hurting "
            "no one, the fire service said.")
    q = containing(run(nlp, text), "water main burst")
    assert "traders blocking" not in q["text"]
    assert q["speaker_text"] == "the fire service"


def test_quotes_inverted_cue_with_date_word(nlp):
    text = ("Fishermen have agreed to stop blocking the port if the ministry raises quotas, said Sunday "
            "three union leaders.")
    q = containing(run(nlp, text), "stop blocking the port")
    assert q["speaker_text"] == "three union leaders"


def test_quotes_possessive_subject_drops_s(nlp):
    # a parse (as the model gives for some appositions) whose subject is a possessor
    from spacy.tokens import Doc

    words = ["The", "port", "authority", "’s", "said", "the", "plan", "worked", "well", "."]
    heads = [2, 2, 4, 2, 4, 6, 7, 4, 7, 4]
    deps = ["det", "compound", "nsubj", "case", "ROOT", "det", "nsubj", "ccomp", "advmod", "punct"]
    pos = ["DET", "NOUN", "NOUN", "PART", "VERB", "DET", "NOUN", "VERB", "ADV", "PUNCT"]
    tags = ["DT", "NN", "NN", "POS", "VBD", "DT", "NN", "VBD", "RB", "."]
    lemmas = ["the", "port", "authority", "’s", "say", "the", "plan", "work", "well", "."]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos, tags=tags, lemmas=lemmas,
              spaces=[True, True, False, True, True, True, True, True, False, False])
    art = Article(id="p1", source=Source("fixture.txt"), text=doc.text)
    q = containing(find_quotes(art, doc), "plan worked")
    assert q["speaker_text"] == "The port authority"
    assert doc.text[q["speaker_start"]:q["speaker_end"]] == "The port authority"


def test_quotes_cited_as_saying(nlp):
    text = "The strike at the harbour will end on Friday, the agency cited a union official as saying."
    q = containing(run(nlp, text), "strike at the harbour")
    assert q["speaker_text"] == "a union official"


def test_quotes_speaker_after_quote_not_a_date_nor_quote_word(nlp):
    text = ("“I will make this promise to you: We will rebuild the harbour wall,” harbour police "
            "Chief Anton Weller said Monday. “I want to assure our town and all of you who are "
            "watching: We will finish the work.”")
    qs = [q for q in run(nlp, text) if q["direct"]]
    assert len(qs) == 1  # the second quotation goes on with the first's speaker: one quote
    q = qs[0]
    assert "Anton Weller" in q["speaker_text"], q
    assert q["text"].startswith("“I will make") and q["text"].endswith("finish the work.”")
    assert q["cue"] == "said"


def test_quotes_cue_of_next_sentence_does_not_claim_quote(nlp):
    text = ("The Harbour Gazette reported that the dock unions were ready to resume talks, “provided "
            "the owners also remain calm.” The owners have yet to respond to the proposal.")
    for q in run(nlp, text):
        if "remain calm" in q["text"]:
            assert q["speaker_text"] == "The Harbour Gazette"


def test_quotes_every_direct_quote_has_a_speaker(nlp):
    text = ("Nurse Ada Quist runs the night shift at the clinic. “We have run out of beds twice this "
            "week,” she said. “Patients wait in the corridor for hours.”\n\n"
            "The regional director, Omar Velde, disagreed. “The numbers do not show a shortage,” "
            "Velde told the council.")
    qs = [q for q in run(nlp, text) if q["direct"]]
    assert [q["speaker_text"] for q in qs] == ["Ada Quist", "Omar Velde"]
    assert qs[0]["text"].endswith("corridor for hours.”")  # the quotation that goes on joins it


def test_quotes_attribution_between_quotations_joins_them_only_for_one_speaker(nlp):
    one = ("“The ferry will run again in May,” said Ines Moravec, the head of the island council "
           "and a former harbour pilot. “We have the money and the crew.”")
    qs = [q for q in run(nlp, one) if q["direct"]]
    assert len(qs) == 1 and "Ines Moravec" in qs[0]["speaker_text"]
    assert qs[0]["start"] == 0 and qs[0]["end"] == len(one)
    two = ("“The ferry will run again in May,” said Ines Moravec. “We have not seen the money,” "
           "said Pavel Kocian, who leads the crews.")
    qs = [q for q in run(nlp, two) if q["direct"]]
    assert [q["speaker_text"] for q in qs] == ["Ines Moravec", "Pavel Kocian"]
    apart = ("“The ferry will run again in May,” said Ines Moravec.\n\n“We have the money.”")
    assert len([q for q in run(nlp, apart) if q["direct"]]) == 2  # another paragraph: not joined


def test_quotes_head_offsets_point_at_the_referent(nlp):
    text = ("Mr. Tom Becker chairs the council. He said the budget was too small for the roads.")
    q = containing(run(nlp, text), "budget was too small")
    assert text[q["speaker_start"]:q["speaker_end"]] == "He"
    assert text[q["speaker_head_start"]:q["speaker_head_end"]] == "Becker"


@pytest.mark.parametrize("text, content, speaker", [
    ("Mayor Clara Jensen spoke at a news conference announcing that the city would sue the builder.",
     "city would sue the builder", "Mayor Clara Jensen"),
    ("The Harbour Council issued a statement calling the fire at the docks a clear act of arson.",
     "fire at the docks", "The Harbour Council"),
])
def test_quotes_event_noun_cue_takes_governing_subject(nlp, text, content, speaker):
    q = containing(run(nlp, text), content)
    assert q["speaker_text"] == speaker


def test_quotes_parenthetical_attribution_takes_the_sentence_around_it(nlp):
    text = ("The ferry will not run before May, the harbour master said, because the pier needs new "
            "piles. Fares, she added, will stay the same.")
    qs = run(nlp, text)
    q = containing(qs, "ferry will not run")
    assert q["text"].endswith("needs new piles") and "harbour master" in q["speaker_text"]
    assert q["cue"] == "said" and not q["direct"]
    q = containing(qs, "Fares")
    assert q["text"] == "Fares, she added, will stay the same" and q["cue"] == "added"
    # at the end of its sentence an attribution is not parenthetical: what precedes it is the quote
    q = containing(run(nlp, "The pier needs new piles, the harbour master said."), "pier")
    assert "harbour master" not in q["text"]


def test_quotes_naming_is_not_speech(nlp):
    # "a group called X", "militias calling themselves X" name something; nobody is quoted
    qs = run(nlp, "A militia calling itself the Harven Guard fired on the port on Monday. "
                  "A charity called Open Hands sent food to Keld.")
    assert not any(q["cue"] and q["cue"].lower().startswith("call") for q in qs)
    # an evaluative "called" with a speaker still reports what was said
    qs = run(nlp, "The senator called the harbour plan a costly disaster for the fishermen.")
    assert any("costly disaster" in q["text"] for q in qs)
