"""Stories and storylines (rashomon.stories), on short fictional articles written for these tests."""
import json

import pytest

from rashomon.model import Analysis, Article, Source
from rashomon.stories import (StoryClusterer, arrival_order, feature_extractor, stories_stage,
                              storylines_stage)
from rashomon.stories.storylines import relation, relation_rates


def art(aid, text, title=None, published=None, outlet=None):
    return Article(id=aid, source=Source("fixture.jsonl", 0), text=text, title=title,
                   published=published, published_basis="given" if published else "unknown",
                   outlet=outlet)


# one event, three outlets
BRIDGE = [
    art("b1", "The Harlow Street bridge in Kettering collapsed on Tuesday morning, injuring 14 people. "
        "Mayor Ines Okafor said engineers had inspected the 1962 bridge in March. Rescue crews "
        "pulled two cars from the Brenn river.", "Kettering bridge collapse injures 14",
        "2031-05-06", "Daily Ledger"),
    art("b2", "Fourteen people were hurt, 14 of them taken to hospital, when the Harlow Street bridge "
        "over the Brenn river fell in Kettering on Tuesday. Mayor Ines Okafor promised an inquiry "
        "into the March inspection.", "Bridge falls into Brenn river in Kettering",
        "2031-05-06", "Evening Courier"),
    art("b3", "Kettering mayor Ines Okafor faced questions on Wednesday after the Harlow Street bridge "
        "collapse that injured 14. The 1962 bridge over the Brenn had passed an inspection in March.",
        "Questions for Okafor after Harlow Street bridge collapse", "2031-05-07", "Metro Post"),
]

# two earthquakes of the same kind: different towns, dates, magnitudes and tolls
QUAKES = [
    art("q1", "A magnitude 6.1 earthquake struck the mountain town of Velora on Sunday, killing 23 "
        "people and destroying 40 homes. Governor Marta Lind said rescuers were searching the "
        "rubble in Velora.", "Quake kills 23 in Velora", "2031-03-02"),
    art("q2", "Rescuers in Velora pulled survivors from the rubble after Sunday's 6.1 magnitude "
        "earthquake, which killed 23 people. Governor Marta Lind visited the destroyed homes.",
        "Velora searches rubble after deadly quake", "2031-03-03"),
    art("q3", "A magnitude 5.4 earthquake hit the port town of Sarnet on Friday, killing 7 people "
        "and injuring 61. Mayor Tomas Arvid said the Sarnet harbour wall cracked.",
        "Quake kills 7 in Sarnet", "2031-03-14"),
    art("q4", "Sarnet counted its dead on Saturday after Friday's 5.4 magnitude earthquake killed 7 "
        "and hurt 61. Mayor Tomas Arvid asked for tents for the harbour district.",
        "Sarnet mourns quake victims", "2031-03-15"),
]

OTHER = [
    art("o1", "The city council of Pellham approved a budget of 2.3 million for schools on Monday "
        "after a long debate between councillors.", "Pellham approves school budget", "2031-03-10"),
    art("o2", "Northfield Rovers beat Castle United 3-1 on Saturday, with striker Jonah Reyes "
        "scoring twice in the second half.", "Rovers beat Castle United", "2031-05-03"),
]


def groups(analysis):
    return sorted(sorted(s["articles"]) for s in analysis.stories)


def run(articles, docs=None):
    an = Analysis(articles=list(articles))
    stories_stage(an, docs)
    return an


def test_stories_same_event_three_outlets_is_one_story():
    an = run(BRIDGE + QUAKES + OTHER)
    assert ["b1", "b2", "b3"] in groups(an)


def test_stories_two_earthquakes_are_two_stories():
    an = run(BRIDGE + QUAKES + OTHER)
    g = groups(an)
    assert ["q1", "q2"] in g
    assert ["q3", "q4"] in g


def test_stories_two_earthquakes_apart_without_dates():
    undated = [art(a.id, a.text, a.title) for a in QUAKES + OTHER]
    g = groups(run(undated))
    assert ["q1", "q2"] in g and ["q3", "q4"] in g


def test_stories_batch_result_does_not_depend_on_input_order():
    items = BRIDGE + QUAKES + OTHER
    a = run(items).stories
    b = run(list(reversed(items))).stories
    assert a == b


def test_stories_arrival_order_is_date_then_id_undated_last():
    feats = [feature_extractor(x) for x in [art("z", "x", published="2031-01-02"),
                                            art("u", "y"), art("a", "w", published="2031-01-02"),
                                            art("m", "v", published="2030-12-31")]]
    assert [f.id for f in arrival_order(feats)] == ["m", "a", "z", "u"]


def test_stories_state_round_trip_continues_like_one_run():
    feats = arrival_order(feature_extractor(a) for a in BRIDGE + QUAKES + OTHER)
    one = StoryClusterer()
    whole = [one.add(f) for f in feats]
    first = StoryClusterer()
    part = [first.add(f) for f in feats[:4]]
    restored = StoryClusterer.from_state(json.loads(json.dumps(first.to_state())))
    part += [restored.add(f) for f in feats[4:]]
    assert part == whole
    assert json.dumps(restored.to_state(), sort_keys=True) == json.dumps(one.to_state(), sort_keys=True)


def test_stories_same_event_months_later_opens_a_new_story():
    late = art("b9", "The Harlow Street bridge in Kettering reopened, 14 months after its collapse. "
               "Mayor Ines Okafor cut the ribbon over the Brenn river.",
               "Harlow Street bridge reopens in Kettering", "2032-07-06")
    g = groups(run(BRIDGE + [late]))
    assert ["b1", "b2", "b3"] in g and ["b9"] in g


def test_stories_undated_article_can_join_a_retired_story():
    undated = art("b8", "Mayor Ines Okafor said the Harlow Street bridge collapse in Kettering, which "
                  "injured 14, followed an inspection in March of the 1962 bridge over the Brenn.")
    late = art("o9", "Northfield Rovers lost 0-2 to Castle United on Sunday.", "Rovers lose",
               "2031-09-01")
    g = groups(run(BRIDGE + [late, undated]))
    assert ["b1", "b2", "b3", "b8"] in g


def test_stories_contract_fields_ids_titles_dates():
    an = run(BRIDGE + QUAKES + OTHER)
    st = next(s for s in an.stories if sorted(s["articles"]) == ["b1", "b2", "b3"])
    assert st["start"] == "2031-05-06" and st["end"] == "2031-05-07"
    assert st["title"] in {a.title for a in BRIDGE}
    for key in ("summary", "timeline", "facts", "conflicts", "framing"):
        assert st[key] == []
    again = run(list(reversed(BRIDGE)))
    assert again.stories[0]["id"] == st["id"]
    assert len({s["id"] for s in an.stories}) == len(an.stories)


def test_stories_title_from_lead_when_no_title():
    an = run([art("n1", "Floodwater closed the Ambler tunnel on Friday. Drivers waited for hours.")])
    assert an.stories[0]["title"] == "Floodwater closed the Ambler tunnel on Friday."


def test_stories_features_use_doc_entities_when_given():
    from spacy.tokens import Doc, Span
    from spacy.vocab import Vocab

    words = ["Rescuers", "reached", "Velora", "after", "the", "6.1", "quake"]
    doc = Doc(Vocab(), words=words, spaces=[True] * 6 + [False])
    doc.ents = [Span(doc, 2, 3, label="GPE")]
    a = art("d1", doc.text)
    f = feature_extractor(a, doc)
    assert "velora" in f.family("names")
    assert "#6.1" in f.family("numbers")
    assert "rescuers" not in f.family("names")  # with a Doc, names come from doc.ents only
    assert "rescuers" in feature_extractor(a).family("names")  # the regex heuristic is cruder


def test_stories_docs_must_match_articles():
    with pytest.raises(ValueError, match="docs"):
        stories_stage(Analysis(articles=BRIDGE[:2]), [None])


# storylines: one thread over months, plus an unrelated story
TRUCE = [
    art("t1", "The Dunmore Front offered a truce to the Alvar government on Monday, promising to "
        "halt raids in the Keld valley if talks begin. Commander Ruth Sandor signed the offer.",
        "Dunmore Front offers truce in Keld valley", "2031-02-03"),
    art("t2", "Commander Ruth Sandor of the Dunmore Front declared the truce with the Alvar "
        "government over on Thursday, saying the ceasefire had collapsed and ended after troops "
        "entered the Keld valley.", "Dunmore Front says truce is over", "2031-04-10"),
    art("t3", "Alvar warplanes carried out air strikes on Dunmore Front positions in the Keld valley, "
        "killing 12 fighters, and the Front attacked two army posts. Ruth Sandor vowed to retaliate.",
        "Air strikes hit Dunmore Front in Keld valley", "2031-06-20"),
]


def test_storylines_link_one_thread_in_date_order_with_relations():
    an = run(TRUCE + OTHER)
    storylines_stage(an)
    story_of = {a: s["id"] for s in an.stories for a in s["articles"]}
    assert len(an.storylines) == 1
    line = an.storylines[0]
    assert line["stories"] == [story_of["t1"], story_of["t2"], story_of["t3"]]
    rel = {(x["from"], x["to"]): x["relation"] for x in line["links"]}
    assert rel[(story_of["t1"], story_of["t2"])] == "reversal"
    to_t3 = next(x for x in line["links"] if x["to"] == story_of["t3"])
    assert to_t3["relation"] == "escalation"
    assert line["start"] == "2031-02-03" and line["end"] == "2031-06-20"


def test_storylines_undated_stories_are_not_linked():
    an = run([art(a.id, a.text, a.title) for a in TRUCE])
    storylines_stage(an)
    assert an.storylines == []


def test_storylines_relation_defaults_to_follow_up():
    calm = relation_rates([("The talks went on in the capital with both sides present.", None, "")])
    assert relation(calm, calm) == "follow-up"
    hot = relation_rates([("Rockets and air strikes killed nine; the truce collapsed.", None, "")])
    assert relation(calm, hot) in {"escalation", "reversal"}


def test_storylines_relation_reads_terms_in_context():
    from rashomon.stories.storylines import _text_counts
    # a halt to attacks is a de-escalation, not an escalation
    halted, _ = _text_counts("The Keld brigades suspended rocket attacks on the river bases.")
    assert halted["de-escalation"] == 2 and halted["escalation"] == 0
    # a truce that ends is a reversal, not a de-escalation, and "over" is not counted twice
    ended, _ = _text_counts("Commander Sandor said the truce with the army is over.")
    assert ended == {"reversal": 1}
    # the context does not reach across a sentence
    apart, _ = _text_counts("The convoy stopped in Harven. Rockets hit the port.")
    assert apart == {"escalation": 1}
    # a story that seeks a new truce after one was declared over is a de-escalation of it, even
    # when it recalls the strikes that broke the old one
    over = relation_rates([("Commander Sandor declared the Harven truce over after shelling in "
                            "the Keld valley. The army said the front had fired first.",
                            "Dunmore Front says truce with army is over", "")])
    seek = relation_rates([("Commanders of the Dunmore Front are ready to resume talks on a truce "
                            "if the army halts air strikes on their positions. Envoy Wendt will "
                            "mediate. Two drone strikes hit Keld last week.",
                            "Dunmore Front seeks new truce", "")])
    assert relation(over, seek) == "de-escalation"
    assert relation(seek, over) == "reversal"
    # a truce broken by shelling is told with more words of the shelling: still a reversal
    broken = relation_rates([("Shelling and rocket fire hit Keld overnight; air strikes killed six. "
                              "The front said the truce with the army was over.",
                              "Truce over as shelling and air strikes hit Keld", "")])
    assert broken["escalation"] > broken["reversal"] > 0
    assert relation(seek, broken) == "reversal"
    # "over" alone marks nothing
    assert relation_rates([("They will hand over the keys over the weekend.", None, "")])["reversal"] == 0


# one conflict, two developments three weeks apart: the same actors, places and figures
TRUCE_SIGNED = [
    art("s1", "The Dunmore Front and the Alvar government signed a 60-day truce in Harven on "
        "Tuesday. Commander Ruth Sandor and Interior Minister Paul Ostrow shook hands after talks "
        "mediated by envoy Clara Wendt. The truce covers the Keld valley.",
        "Dunmore Front and Alvar government sign 60-day truce", "2031-03-11"),
    art("s2", "Envoy Clara Wendt said the 60-day truce signed in Harven by Commander Ruth Sandor of "
        "the Dunmore Front and Minister Paul Ostrow would hold in the Keld valley. Both sides "
        "signed the truce after two weeks of talks.", "Truce signed in Harven", "2031-03-12"),
]
TRUCE_OVER = [
    art("s3", "Commander Ruth Sandor of the Dunmore Front declared the 60-day truce with the Alvar "
        "government over on Saturday after army shelling in the Keld valley killed four villagers. "
        "Minister Paul Ostrow blamed the Front; envoy Clara Wendt urged a return to Harven.",
        "Dunmore Front declares truce over after Keld valley shelling", "2031-04-05"),
    art("s4", "The truce signed in Harven collapsed on Saturday: Ruth Sandor said the Dunmore Front "
        "was no longer bound by it after shelling killed four villagers in the Keld valley. "
        "Paul Ostrow said the Alvar army had answered an attack. Clara Wendt called both sides.",
        "Harven truce collapses as Dunmore Front quits", "2031-04-06"),
]


def test_stories_follow_up_weeks_later_is_a_new_story_in_one_storyline():
    an = run(TRUCE_SIGNED + TRUCE_OVER + OTHER)
    assert ["s1", "s2"] in groups(an) and ["s3", "s4"] in groups(an)
    storylines_stage(an)
    story_of = {a: s["id"] for s in an.stories for a in s["articles"]}
    line = next(x for x in an.storylines if story_of["s1"] in x["stories"])
    assert line["stories"] == [story_of["s1"], story_of["s3"]]
    assert line["links"][0]["relation"] == "reversal"


def test_stories_follow_up_days_later_stays_in_the_story():
    # the same developments, two days apart instead of three weeks: one story
    near = [art(a.id, a.text, a.title, p) for a, p in zip(TRUCE_OVER, ["2031-03-13", "2031-03-13"])]
    assert ["s1", "s2", "s3", "s4"] in groups(run(TRUCE_SIGNED + near))


def test_stories_undated_article_joins_only_when_clearly_similar():
    loose = LOOSE
    close = art("u2", "The 60-day truce signed in Harven by Ruth Sandor of the Dunmore Front and "
                "Minister Paul Ostrow of the Alvar government covers the Keld valley, envoy Clara "
                "Wendt said after the talks.", "Sandor and Ostrow sign Harven truce")
    g = groups(run(TRUCE_SIGNED + [loose, close]))
    assert ["s1", "s2", "u2"] in g
    assert ["u1"] in g


LOOSE = art("u1", "Dunmore Front fighters attacked an army convoy near Ost Hallin, far from the "
            "Keld valley, and Alvar warplanes struck two Front camps in reply. Officials said the "
            "fighting had nothing to do with the talks.", "Convoy attacked near Ost Hallin")


def test_storylines_undated_story_comes_after_the_dated_ones():
    loose = art("u1", "Dunmore Front fighters attacked an Alvar army convoy near Ost Hallin, and Alvar "
                "warplanes struck two Front camps in the Keld valley in reply. Ruth Sandor said the "
                "talks were not affected.", "Dunmore Front attacks Alvar convoy")
    an = run(TRUCE_SIGNED + TRUCE_OVER + [loose])
    storylines_stage(an)
    story_of = {a: s["id"] for s in an.stories for a in s["articles"]}
    assert story_of["u1"] not in (story_of["s1"], story_of["s3"])
    assert len(an.storylines) == 1
    assert an.storylines[0]["stories"] == [story_of["s1"], story_of["s3"], story_of["u1"]]
    assert an.storylines[0]["start"] == "2031-03-11" and an.storylines[0]["end"] == "2031-04-06"
