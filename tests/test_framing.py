"""Loaded-language detection on our own fictional sentences: lexicon hits with neutral
alternatives, context rules, quotations, reuse-pair contrast and the story's preferred neutral."""
from rashomon.framing import find_loaded, lexicon, loaded_stage
from rashomon.framing.lexicon import Lexicon, inflect
from rashomon.model import Analysis, Article, Source
from rashomon.output import validate


def spans(text, **kw):
    return [(x.text, x.neutral) for x in find_loaded(text, **kw)]


def art(aid, text):
    return Article(id=aid, source=Source(f"{aid}.txt", 0), text=text)


def test_lexicon_hits_carry_inflected_neutral_alternatives():
    text = ("Councillor Brenna Vale slammed the harbour plan on Tuesday, and her deputy lashed out at "
            "the port authority, which later caved.")
    assert spans(text) == [("slammed", "criticised"), ("lashed out at", "criticised"),
                           ("caved", "conceded")]


def test_offsets_point_into_the_text():
    text = "The minister excoriated the auditors."
    (hit,) = find_loaded(text)
    assert text[hit.start:hit.end] == "excoriated" == hit.text
    assert hit.to_json() == {"start": 13, "end": 23, "text": "excoriated", "neutral": "criticised"}


def test_neutral_use_of_a_lexicon_word_is_not_marked():
    assert spans("The new tax regime takes effect in the spring.") == []
    assert spans("A bomb blast damaged the station.") == []
    assert spans("Oil prices fell sharply on Monday.") == []
    # the same word naming a ruling power is marked
    assert spans("Aid workers said the regime blocked the convoy.") == [("regime", "government")]


def test_plain_news_wording_is_left_alone():
    text = ("The mayor said the budget would rise by four percent. Officials claimed that the bridge "
            "was safe and warned drivers about delays.")
    assert spans(text) == []  # "claimed", "warned" are mild: only contrast marks them
    assert ("claimed", "said") in spans(text, mild=True)


def test_loaded_word_inside_a_quotation_is_kept_as_the_speakers():
    text = 'Ms. Orrin called the audit "a phony exercise" and left. The report was bogus, the paper wrote.'
    out = find_loaded(text)
    quoted = [x for x in out if x.quoted]
    plain = [x for x in out if not x.quoted]
    assert [x.text for x in quoted] == ["phony"]
    assert quoted[0].to_json()["quoted"] is True
    assert [x.text for x in plain] == ["bogus"]
    assert "quoted" not in plain[0].to_json()


def test_inflection():
    assert inflect("slam", "v") == ["slam", "slams", "slammed", "slamming"]
    assert inflect("bully", "v") == ["bully", "bullies", "bullied", "bullying"]
    assert inflect("crony", "n") == ["crony", "cronies"]
    assert inflect("say", "v")[2] == "said"
    lex = Lexicon([["blast off", "launch", "v", "verb", ""], ["blasted|blasting", "hit|hitting", "x", "verb", ""]])
    assert lex.get("blasted off").neutral == ("launched",)
    assert lex.get("blasting").neutral == ("hitting",)


WIRE = ("Separatist fighters killed four guards near the dam on Friday, officials said. "
        "The separatist fighters later withdrew to the hills.")
REWRITE = ("Terror squads martyred four guards near the dam on Friday, officials said. "
           "The terror squads later withdrew to the hills.")


def _pair(subs):
    an = Analysis(articles=[art("w", WIRE), art("r", REWRITE)])
    an.reuse = [{"a": "w", "b": "r", "kind": "rewrite", "shared": 0.7, "source": None,
                 "common_origin": None, "substitutions": subs, "spans": []}]
    return an


def test_reuse_contrast_marks_the_loaded_side_with_the_plain_side_as_neutral():
    an = _pair([{"a": "Separatist fighters", "b": "Terror squads", "kind": "wording"},
                {"a": "separatist fighters", "b": "terror squads", "kind": "wording"},
                {"a": "killed", "b": "martyred", "kind": "wording"},
                {"a": "Friday", "b": "Saturday", "kind": "wording"}])
    loaded_stage(an)
    got = [(x.text, x.neutral) for x in an.article("r").loaded]
    # "terror" alone is a mild term, unmarked without contrast; the swap marks the phrase
    assert got == [("Terror squads", "Separatist fighters"), ("martyred", "killed"),
                   ("terror squads", "separatist fighters")]
    assert an.article("w").loaded == []  # the plain side is not marked
    validate(an.to_json())


def test_without_contrast_the_mild_label_stays_unmarked():
    an = _pair([])
    loaded_stage(an)
    assert [(x.text, x.neutral) for x in an.article("r").loaded] == [("martyred", "killed")]


def test_swap_between_two_plain_or_two_loaded_phrases_marks_nothing_extra():
    an = _pair([{"a": "the hills", "b": "the border", "kind": "wording"},
                {"a": "killed", "b": "martyred", "kind": "omission"}])
    loaded_stage(an)
    assert [x.text for x in an.article("r").loaded] == ["martyred"]  # the lexicon hit only


def test_swap_against_a_bare_pronoun_is_no_contrast_evidence():
    # "the harbour master reportedly" rewritten as "she": a rewording of who is meant, not a
    # plainer term; the mild "reportedly" (sourcing, not slant) stays unmarked in the article
    a = art("a", "The harbour master reportedly closed the quay. Later she reportedly reopened it.")
    b = art("b", "She closed the quay. Later the harbour master reopened it.")
    an = Analysis(articles=[a, b])
    an.reuse = [{"a": "a", "b": "b", "kind": "rewrite", "shared": 0.6, "source": None,
                 "common_origin": None, "spans": [],
                 "substitutions": [{"a": "The harbour master reportedly", "b": "She", "kind": "wording"}]}]
    loaded_stage(an)
    assert an.article("a").loaded == []
    # against a plain term the same mild word is contrast evidence
    an.reuse[0]["substitutions"] = [{"a": "reportedly closed", "b": "closed", "kind": "wording"}]
    loaded_stage(an)
    assert [x.text for x in an.article("a").loaded] == ["reportedly closed"]


def test_story_peers_choose_the_neutral_alternative():
    a = art("a", "Police said the terrorists fled in a van.")
    b = art("b", "Police said the militants fled in a van.")
    c = art("c", "Police said the fighters fled in a van.")
    an = Analysis(articles=[a, b])
    an.stories = [{"id": "s1", "articles": ["a", "b"]}]
    loaded_stage(an)
    assert [(x.text, x.neutral) for x in an.article("a").loaded] == []  # a mild label
    an = Analysis(articles=[a, c])
    an.reuse = [{"a": "a", "b": "c", "kind": "rewrite", "shared": 0.8, "source": None,
                 "common_origin": None, "spans": [],
                 "substitutions": [{"a": "terrorists", "b": "fighters", "kind": "wording"}]}]
    loaded_stage(an)  # no stories: the reuse pair is the story
    assert [(x.text, x.neutral) for x in an.article("a").loaded] == [("terrorists", "fighters")]
    d = art("d", "Critics said the junta silenced the press.")
    e = art("e", "Critics said the military government restricted the press.")
    an = Analysis(articles=[d, e], stories=[{"id": "s2", "articles": ["d", "e"]}])
    loaded_stage(an)
    assert ("junta", "military government") in [(x.text, x.neutral) for x in an.article("d").loaded]


def test_stage_replaces_previous_results_and_runs_on_an_empty_corpus():
    an = Analysis(articles=[art("x", "The senator blasted the plan.")])
    loaded_stage(an)
    loaded_stage(an)
    assert [x.text for x in an.article("x").loaded] == ["blasted"]
    loaded_stage(Analysis())


def test_packaged_lexicon_loads_with_neutral_column():
    lex = lexicon()
    assert lex.get("martyred").neutral == ("killed",)
    assert "killed" in lex.neutral_words
    assert len(lex.entries) > 1000


def test_a_hit_the_parser_reads_as_another_part_of_speech_is_not_marked():
    # our own sentences: the lexicon's verb "spiral" and the noun "a price spiral" are
    # homographs; the parser's tag of each hit's head tells them apart
    from rashomon.framing import parsed_pos
    from rashomon.nlp import load

    nlp = load()
    noun = "The harbour board fears the price spiral will continue."
    verb = "Prices could spiral if the harbour board waits."
    assert [x.text for x in find_loaded(noun)] == ["spiral"]  # the lexicon alone marks both
    assert find_loaded(noun, tags=parsed_pos(nlp(noun))) == []
    assert [x.text for x in find_loaded(verb, tags=parsed_pos(nlp(verb)))] == ["spiral"]
    assert parsed_pos(nlp(noun)) == {noun.index("spiral"): "NOUN"}


def test_loaded_stage_reads_the_parsers_tags_from_the_context():
    text = "Councillor Ada Pell ended with a retort about the budget."
    an = Analysis(articles=[art("x", text)])
    loaded_stage(an)
    assert [x.text for x in an.article("x").loaded] == ["retort"]  # no parse: the hit stands
    loaded_stage(an, {"loaded_pos": {"x": {text.index("retort"): "NOUN"}}})
    assert an.article("x").loaded == []
    loaded_stage(an, {"loaded_pos": {"x": {text.index("retort"): "VERB"}}})
    assert [x.text for x in an.article("x").loaded] == ["retort"]


def test_nlp_annotations_carry_the_parsers_tags_of_lexicon_hits():
    from rashomon.nlp import load
    from rashomon.nlp.stage import annotate_article

    text = "Prices could spiral, and Councillor Ada Pell ended with a retort about the budget."
    ann = annotate_article(art("x", text), load()(text))
    assert ann.loaded_pos == {text.index("spiral"): "VERB", text.index("retort"): "NOUN"}


def test_occurrences_are_the_whole_word_regex_matches():
    """``_occurrences`` finds a phrase by substring search: the same spans as the regex
    ``(?<![\\w-])phrase(?![\\w-])`` it replaces, on texts made to hit every boundary case."""
    import random
    import re

    from rashomon.framing.loaded import _occurrences

    def regex(text, phrase):
        if not phrase.strip():
            return []
        pat = re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])")
        return [(m.start(), m.end()) for m in pat.finditer(text)]

    rng = random.Random(7)
    parts = ["a", "b", "ab", "-", " ", "é", "_", "1", ".", "aa"]
    hits = 0
    for _ in range(20000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 12)))
        phrase = "".join(rng.choice(parts) for _ in range(rng.randint(0, 4)))
        assert _occurrences(text, phrase) == regex(text, phrase), (text, phrase)
        hits += bool(regex(text, phrase))
    assert hits > 200
    assert _occurrences("anti-terror groups, terror and terror", "terror") == [(20, 26), (31, 37)]
