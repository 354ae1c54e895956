"""Loaded-language spans on our own fictional sentences: the phrase a parsed hit extends to (an
intensifying adverb before it, an infinitive complement after it), verbs inside quotations, mild
(conventional) wording, and terms of the lexicon's added categories."""
import pytest

from rashomon.framing import find_loaded, loaded_stage, parsed_extents
from rashomon.model import Analysis, Article, Source


def art(aid, text):
    return Article(id=aid, source=Source(f"{aid}.txt", 0), text=text)


@pytest.fixture(scope="module")
def nlp():
    from rashomon.nlp import load

    return load()


def marked(text, nlp=None, **kw):
    if nlp is not None:
        kw["extents"] = parsed_extents(nlp(text))
    return [x.text for x in find_loaded(text, **kw)]


def test_an_intensifying_adverb_before_a_hit_joins_its_span(nlp):
    text = "Councillor Ada Pell quickly pounced on the ferry budget."
    assert marked(text) == ["pounced"]  # no parse: the lexicon term alone
    assert marked(text, nlp) == ["quickly pounced"]
    (hit,) = find_loaded(text, extents=parsed_extents(nlp(text)))
    assert text[hit.start:hit.end] == "quickly pounced" and hit.neutral == "responded"
    assert parsed_extents(nlp(text)) == {text.index("pounced"): (text.index("quickly"), text.index(" on"))}


def test_a_flat_adverb_stays_out_of_the_span(nlp):
    # negation, time and viewpoint adverbs do not intensify
    assert marked("Councillor Ada Pell also pounced on the ferry budget.", nlp) == ["pounced"]
    assert marked("The Tarrow plan was politically reckless, the board said.", nlp) == ["reckless"]


def test_a_verb_hit_takes_its_infinitive_complement(nlp):
    text = "The Marrow Gazette's owner vowed to punish the harbour board."
    assert marked(text) == ["vowed"]
    assert marked(text, nlp) == ["vowed to punish"]
    # "to" opening a phrase of purpose or place, not the verb's complement, stays out
    assert marked("Councillor Pell scrambled to the podium.", nlp) == ["scrambled"]


def test_a_phrase_that_takes_in_the_hit_before_it_is_one_span(nlp):
    text = "Ms. Orrin of the Tarrow ferry board bitterly complained about the timetable."
    assert marked(text) == ["bitterly", "complained"]  # no parse: two lexicon terms
    out = find_loaded(text, extents=parsed_extents(nlp(text)))
    assert [(x.text, x.neutral) for x in out] == [("bitterly complained", "said")]


def test_extents_are_keyed_by_the_hits_start():
    text = "Councillor Ada Pell quickly pounced on the ferry budget."
    s = text.index("pounced")
    ext = {s: (text.index("quickly"), s + len("pounced"))}
    assert marked(text, extents=ext) == ["quickly pounced"]
    assert marked(text, extents={s + 1: ext[s]}) == ["pounced"]  # another start: no extension


def test_loaded_stage_reads_the_extents_from_the_context():
    text = "Councillor Ada Pell quickly pounced on the ferry budget."
    an = Analysis(articles=[art("x", text)])
    loaded_stage(an)
    assert [x.text for x in an.article("x").loaded] == ["pounced"]
    s = text.index("pounced")
    loaded_stage(an, {"loaded_ext": {"x": {s: (text.index("quickly"), s + 7)}}})
    assert [x.text for x in an.article("x").loaded] == ["quickly pounced"]


def test_nlp_annotations_carry_the_extents(nlp):
    from rashomon.nlp.stage import annotate_article

    text = "Councillor Ada Pell quickly pounced on the ferry budget."
    ann = annotate_article(art("x", text), nlp(text))
    assert ann.loaded_ext == {text.index("pounced"): (text.index("quickly"), text.index(" on"))}


def test_a_verb_inside_a_quotation_is_the_speakers_narration():
    text = '"The ferry board caved on every point," Ms. Orrin said. The Tarrow council caved too.'
    out = find_loaded(text)
    assert [(x.text, x.quoted) for x in out] == [("caved", False)]
    assert out[0].start == text.rindex("caved")
    # a quoted evaluative word is still marked, as the speaker's
    text = 'Ms. Orrin called the ferry audit "petty and spiteful" on Friday.'
    assert [(x.text, x.quoted) for x in find_loaded(text)] == [("petty and spiteful", True)]


def test_conventional_wording_is_mild():
    # "seemingly" and "go after" are ordinary news wording: marked on contrast evidence only
    text = "The Tarrow mayor seemingly ignored the memo. Ms. Orrin is free to go after the hearing."
    assert marked(text) == []
    assert marked(text, mild=True) == ["seemingly", "go after"]


def test_terms_of_the_added_categories_are_marked():
    text = ("The Vell county board stymied the ferry plan, a petulant move that needlessly "
            "delayed the harbour works.")
    assert [(x.text, x.neutral) for x in find_loaded(text)] == [
        ("stymied", "blocked"), ("petulant", None), ("needlessly", None)]
