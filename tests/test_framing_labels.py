"""The framing table and the story-contrast rules of loaded wording, on our own fictional texts
(invented outlets, people and places)."""
from rashomon.framing import find_loaded, loaded_stage
from rashomon.framing.labels import framing_stage, labels_in
from rashomon.model import Analysis, Article, Source
from rashomon.output import validate


def art(aid, text):
    return Article(id=aid, source=Source(f"{aid}.txt", 0), text=text)


def mention(text, name, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return start, start + len(name)


def labels(text, name, person=False, nth=0):
    s, e = mention(text, name, nth)
    return labels_in(text, s, e, person=person)


def test_labels_modifiers_before_a_name_end_on_a_compound_or_role_noun():
    t = "Police blamed the powerful Valdorian-backed Ostra Brigade for the raid."
    assert labels(t, "Ostra Brigade") == ["powerful Valdorian-backed"]
    t = "The strike killed Valdorian general Tomas Brell near the port."
    assert "Valdorian general" in labels(t, "Tomas Brell", person=True)


def test_labels_verb_before_a_name_is_not_a_label():
    t = "Officials blame Ostra Brigade for the rockets."
    assert labels(t, "Ostra Brigade") == []


def test_labels_apposition_and_copula():
    t = "Tomas Brell, a veteran commander of the northern militias, was seen in Korvic."
    assert labels(t, "Tomas Brell") == ["a veteran commander of the northern militias"]
    t = "The Ostra Brigade is a hardline faction operating near the border."
    assert labels(t, "Ostra Brigade") == ["a hardline faction"]
    # a list of names is not an apposition
    t = "Envoys from Ostra Brigade, Korvic Guard and others met on Monday."
    assert labels(t, "Ostra Brigade") == []


def test_labels_death_predicate_of_a_person():
    assert "assassinated" in labels("A drone assassinated Tomas Brell at dawn.", "Tomas Brell", person=True)
    assert "martyred" in labels("Tomas Brell, a militia chief, was martyred on Friday.", "Tomas Brell", person=True)
    assert "killing" in labels("The killing of Tomas Brell angered many.", "Tomas Brell", person=True)
    # not for an organisation, and not across a verb that has its own subject
    assert labels("A drone killed the Ostra Brigade convoy.", "Ostra Brigade") == []
    assert "killing" not in labels("The killing was ordered by Mara Venn.", "Mara Venn", person=True)


def test_labels_part_of_a_compound_gets_none():
    t = "The Valdor-backed groups met."
    assert labels(t, "Valdor") == []


def _story(label_a="a Valdor-backed militia", label_b="a heroic resistance force"):
    a = art("a", f"The Ostra Brigade, {label_a}, said it would stop. A drone "
                 "killed Tomas Brell in March.")
    b = art("b", f"The Ostra Brigade, {label_b}, said it would stop. A drone "
                 "martyred Tomas Brell in March.")
    c = art("c", "Nothing about them here.")
    ents = []
    for eid, name, typ in (("e1", "Ostra Brigade", "ORG"), ("e2", "Tomas Brell", "PERSON")):
        ms = [{"article": x.id, "start": x.text.index(name), "end": x.text.index(name) + len(name),
               "text": name} for x in (a, b)]
        ents.append({"id": eid, "name": name, "type": typ, "aliases": [], "description": None,
                     "mentions": ms})
    an = Analysis(articles=[a, b, c], entities=ents)
    an.stories = [{"id": "s1", "title": "t", "articles": ["a", "b"], "start": None, "end": None, "summary": [], "timeline": [],
                   "facts": [], "conflicts": [], "framing": []},
                  {"id": "s2", "title": "u", "articles": ["c"], "start": None, "end": None, "summary": [], "timeline": [],
                   "facts": [], "conflicts": [], "framing": []}]
    return an


def test_framing_stage_fills_the_table_per_story():
    an = _story()
    framing_stage(an)
    rows = {r["entity"]: r["terms"] for r in an.stories[0]["framing"]}
    assert rows["e1"] == {"a": ["a Valdor-backed militia"], "b": ["a heroic resistance force"]}
    assert rows["e2"] == {"a": ["killed"], "b": ["martyred"]}
    assert an.stories[1]["framing"] == []  # one article: nothing to compare


def test_framing_stage_orders_rows_by_how_much_labels_differ():
    an = _story("a heroic militia", "a heroic militia")  # same label in both
    framing_stage(an)
    assert [r["entity"] for r in an.stories[0]["framing"]] == ["e2", "e1"]  # killed / martyred first


def test_framing_stage_lists_an_entity_only_when_a_label_is_loaded():
    # labels that only describe, however they differ, show no framing: the row is left out
    an = _story("a Valdor-backed militia", "a Valdor-led militia")
    framing_stage(an)
    assert [r["entity"] for r in an.stories[0]["framing"]] == ["e2"]  # martyred is loaded
    # one loaded label (a compound built on a lexicon term counts) brings the whole row, with
    # the plain labels of the other articles beside it
    an = _story("a Valdor-backed militia", "an anti-terror militia")
    framing_stage(an)
    rows = {r["entity"]: r["terms"] for r in an.stories[0]["framing"]}
    assert rows["e1"] == {"a": ["a Valdor-backed militia"], "b": ["an anti-terror militia"]}


def test_loaded_stage_output_validates_with_framing():
    an = _story()
    loaded_stage(an)
    assert an.stories[0]["framing"]
    validate(an.to_json())


def test_shared_speech_verb_is_the_story_wording_but_shared_adjective_stays():
    text = "The mayor slammed the reckless plan."
    assert [x.text for x in find_loaded(text)] == ["slammed", "reckless"]
    assert [x.text for x in find_loaded(text, shared={"slam", "reckless"})] == ["reckless"]


def test_coordinated_loaded_words_form_one_span():
    out = find_loaded("Critics called the plan reckless and cynical on Monday.")
    assert [x.text for x in out] == ["reckless and cynical"]


def test_framing_stage_leaves_plain_roles_out_of_the_table():
    an = _story("a rebel group", "an armed group")
    framing_stage(an)
    assert [r["entity"] for r in an.stories[0]["framing"]] == ["e2"]
