"""Events (rashomon.events): casualty counts, actors and targets, dates, merging across articles.
All sentences are our own invented fixtures (a fictional country, Veldmark, and its places)."""
import pytest

from rashomon.events import count_np, find_events, merge_events, parse_number
from rashomon.model import Article, Source
from rashomon.nlp import load
from rashomon.nlp.entities import find_mentions, resolve_entities
from rashomon.nlp.times import find_times


@pytest.fixture(scope="module")
def nlp():
    return load()


def article(text, aid="a1", published="2031-05-12"):
    return Article(id=aid, source=Source(f"{aid}.txt"), text=text, published=published,
                   published_basis="given" if published else "unknown")


def events_of(nlp, text, aid="a1", published="2031-05-12"):
    a = article(text, aid, published)
    doc = nlp(text)
    mentions = find_mentions(a, doc)
    return a, find_events(a, doc, find_times(a, doc), mentions), mentions


def only(evs, type_):
    found = [e for e in evs if e["type"] == type_]
    assert len(found) == 1, [(e["type"], e["trigger"]) for e in evs]
    return found[0]


# ---------------------------------------------------------------- casualties

def test_events_parse_number_words_and_digits():
    assert parse_number("five") == 5
    assert parse_number("twenty-one") == 21
    assert parse_number("1,200") == 1200
    assert parse_number("forty") == 40
    assert parse_number("dozens") is None


def test_events_casualties_a_child_killed_five_injured(nlp):
    _, evs, _ = events_of(nlp, "Rockets landed in Velmar late on Tuesday, killing a child and injuring "
                               "five other civilians.")
    e = only(evs, "KILL")
    assert (e["killed"], e["injured"]) == (1, 5)


def test_events_casualties_at_least_keeps_qualifier(nlp):
    _, evs, _ = events_of(nlp, "At least 40 people were killed when gunmen stormed the Orlin market.")
    e = [e for e in evs if e["killed"] is not None][0]
    assert e["killed"] == 40 and e["killed_qualifier"] == "at least"


def test_events_casualties_dozens_is_vague(nlp):
    doc = nlp("Dozens of protesters were wounded in the square.")
    c = count_np(doc[0])
    assert c.n is None and c.qualifier == "dozens" and c.floor == 24
    _, evs, _ = events_of(nlp, "Dozens of protesters were wounded in the square.")
    e = only(evs, "INJURE")
    assert e["injured"] is None and e["injured_qualifier"] == "dozens" and e["injured_min"] == 24


def test_events_casualties_two_killed_and_five_injured(nlp):
    _, evs, _ = events_of(nlp, "A car bomb exploded outside the Velmar police station; two killed and "
                               "five injured, officials said.")
    e = [e for e in evs if e["killed"] is not None][0]
    assert (e["killed"], e["injured"]) == (2, 5)


def test_events_casualties_named_victims_count_one_each(nlp):
    _, evs, _ = events_of(nlp, "The army killed Tomas Brel and Anna Vek in an air strike near Orlin.")
    e = [e for e in evs if e["killed"] is not None][0]
    assert e["type"] == "ATTACK"  # "killed in an air strike": one event
    assert e["killed"] == 2


def test_events_no_casualties_is_zero(nlp):
    _, evs, _ = events_of(nlp, "A roadside bomb hit a supply convoy near Orlin, causing no casualties.")
    e = only(evs, "ATTACK")
    assert (e["killed"], e["injured"]) == (0, 0)


# ---------------------------------------------------------------- actors and targets

def test_events_actor_and_target_active(nlp):
    _, evs, _ = events_of(nlp, "The Northern Front attacked the Velmar garrison on Monday.")
    e = only(evs, "ATTACK")
    assert [a["text"] for a in e["actors"]] == ["Northern Front"]
    assert [t["text"] for t in e["targets"]] == ["Velmar garrison"]


def test_events_actor_and_target_passive(nlp):
    _, evs, _ = events_of(nlp, "The Velmar garrison was attacked by the Northern Front on Monday.")
    e = only(evs, "ATTACK")
    assert [a["text"] for a in e["actors"]] == ["Northern Front"]
    assert [t["text"] for t in e["targets"]] == ["Velmar garrison"]


def test_events_stop_word_composes_ceasefire(nlp):
    _, evs, _ = events_of(nlp, "The rebels agreed on Friday to suspend attacks on army posts.")
    e = only(evs, "CEASEFIRE")
    assert "attacks" in [p["trigger"] for p in e["parts"]]
    assert not [x for x in evs if x["type"] == "ATTACK"]  # the suspended attacks are no attack event


def test_events_hypothetical_and_negated_are_flagged(nlp):
    _, evs, _ = events_of(nlp, "If talks fail, the rebels would launch new attacks. The army did not attack Orlin.")
    assert all(e["irrealis"] or e["negated"] for e in evs if e["type"] == "ATTACK")


def test_events_offsets_point_at_the_trigger(nlp):
    text = "Police arrested twelve protesters in Velmar on Saturday."
    _, evs, _ = events_of(nlp, text)
    e = only(evs, "ARREST")
    assert text[e["start"]:e["end"]] == "arrested"
    assert e["sentence_start"] == 0 and text[e["sentence_end"] - 1] == "."
    assert e["location"]["text"] == "Velmar"


# ---------------------------------------------------------------- dates

def test_events_date_from_the_clause_not_the_sentence(nlp):
    _, evs, _ = events_of(nlp, "A spokesman said on Sunday that the rebels had shelled the port of Orlin in January.")
    e = only(evs, "ATTACK")
    assert e["date"] == "2031-01"


def test_events_date_from_the_sentence_when_the_clause_has_none(nlp):
    _, evs, _ = events_of(nlp, "On Sunday, the rebels shelled the port of Orlin.")
    assert only(evs, "ATTACK")["date"] == "2031-05-11"


def test_events_no_date_is_not_the_publication_date(nlp):
    _, evs, _ = events_of(nlp, "The rebels shelled the port of Orlin, residents said.")
    assert only(evs, "ATTACK")["date"] is None


# ---------------------------------------------------------------- merging

def corpus(nlp, texts):
    per, allm = [], []
    for aid, text in texts.items():
        a, evs, mentions = events_of(nlp, text, aid)
        per.append((a, mentions))
        allm.extend(evs)
    return allm, resolve_entities(per)


def test_events_merge_same_event_in_different_words(nlp):
    allm, ents = corpus(nlp, {
        "a1": "Northern Front fighters shelled the Orlin market on Tuesday, killing three civilians.",
        "a2": "Three civilians died on Tuesday when the Northern Front fired mortars at the market in Orlin, "
              "killing three people."})
    evs = merge_events(allm, ents)
    violent = [e for e in evs if e["type"] in ("ATTACK", "KILL")]
    assert len(violent) == 1, violent
    e = violent[0]
    assert {m["article"] for m in e["mentions"]} == {"a1", "a2"}
    assert e["date"] == "2031-05-06" and e["killed"] == 3
    names = {x["id"]: x["name"] for x in ents}
    assert "Northern Front" in [names[i] for i in e["actors"]]


def test_events_merge_keeps_distinct_events_of_one_type_apart(nlp):
    allm, ents = corpus(nlp, {
        "a1": "Northern Front fighters shelled the Orlin market on Tuesday, killing three civilians.",
        "a2": "Northern Front fighters shelled the Velmar garrison on Friday, killing nine soldiers."})
    evs = merge_events(allm, ents)
    violent = [e for e in evs if e["type"] in ("ATTACK", "KILL")]
    assert len(violent) == 2
    assert sorted((e["date"], e["killed"]) for e in violent) == [("2031-05-06", 3), ("2031-05-09", 9)]


def test_events_merge_contract_fields_and_stable_ids(nlp):
    allm, ents = corpus(nlp, {"a1": "The Northern Front attacked the Velmar garrison on Monday."})
    evs = merge_events(allm, ents)
    again = merge_events(list(reversed(allm)), ents)
    assert sorted(e["id"] for e in evs) == sorted(e["id"] for e in again)
    e = only(evs, "ATTACK")
    for k in ("id", "type", "date", "actors", "targets", "location", "killed", "injured", "mentions"):
        assert k in e
    assert all(set(m) >= {"article", "start", "end"} for m in e["mentions"])
    ids = {x["id"] for x in ents}
    assert set(e["actors"]) <= ids and set(e["targets"]) <= ids


def test_events_merge_leaves_out_negated_and_hypothetical(nlp):
    allm, ents = corpus(nlp, {"a1": "The army did not attack Orlin. The rebels would attack Velmar if talks failed."})
    assert not [e for e in merge_events(allm, ents) if e["type"] == "ATTACK"]


def test_events_ceasefire_reported_on_consecutive_days_is_one_event(nlp):
    # one outlet reports Saturday's statement on Saturday, another Sunday's announcement on Sunday
    allm, ents = corpus(nlp, {
        "a1": "The Northern Front published a statement on Saturday saying it would suspend attacks on the "
              "Velmar garrison if the army left the valley.",
        "a2": "Northern Front commanders agreed on Sunday to suspend attacks on the Velmar garrison on "
              "condition that the army leaves the valley.",
        "a3": "\u201cThe fighters have offered a conditional truce,\u201d a Northern Front spokesman said."})
    cease = [e for e in merge_events(allm, ents) if e["type"] in ("CEASEFIRE", "AGREE")]
    assert len(cease) == 1, [(e["type"], e["date"], e["triggers"]) for e in cease]
    assert {m["article"] for m in cease[0]["mentions"]} == {"a1", "a2", "a3"}
    assert cease[0]["date"] in ("2031-05-10", "2031-05-11")


def test_events_ceasefires_weeks_apart_stay_apart(nlp):
    allm, ents = corpus(nlp, {
        "a1": "The Northern Front agreed on Sunday to suspend attacks on the Velmar garrison.",
        "a2": "The Northern Front agreed on 14 April to suspend attacks on the Velmar garrison."})
    cease = [e for e in merge_events(allm, ents) if e["type"] in ("CEASEFIRE", "AGREE")]
    assert len(cease) == 2


def test_events_generic_mentions_are_flagged_and_left_out(nlp):
    _, evs, _ = events_of(nlp, "Dozens of rocket attacks have hit army bases in Veldmark since spring. "
                               "Militias have attacked supply convoys for years. "
                               "Rebels shelled the Orlin market on Tuesday, killing three civilians.")
    generic = [m for m in evs if m["generic"]]
    # "Dozens of rocket attacks have hit ..." (one mention, the verb absorbing the noun) and
    # habitual "have attacked ... for years"
    assert {m["trigger"] for m in generic} == {"hit", "attacked"}, [(m["trigger"], m["generic"]) for m in evs]
    specific = [m for m in evs if m["trigger"] in ("shelled", "killing")]
    assert specific and not any(m["generic"] for m in specific)
    _, evs, _ = events_of(nlp, "The militia has carried out dozens of attacks on army bases.")
    assert all(m["generic"] for m in evs if m["type"] == "ATTACK") and evs
    allm, ents = corpus(nlp, {"a1": "Rocket attacks against army installations are common in Veldmark. "
                                    "Rebels shelled the Orlin market on Tuesday, killing three civilians."})
    evs = merge_events(allm, ents)
    assert [e["date"] for e in evs if e["type"] in ("ATTACK", "KILL")] == ["2031-05-06"]


def test_events_a_lone_trigger_without_any_argument_is_left_out(nlp):
    # "the attacks" in a background sentence: no actor, target, place, date or figure
    text = ("The talks resumed after the attacks. "
            "The Northern Front attacked the Velmar garrison on Monday.")
    allm, ents = corpus(nlp, {"a1": text})
    bare = [m for m in allm if m["trigger"] == "attacks"]
    assert bare, [m["trigger"] for m in allm]  # found as a mention...
    evs = merge_events(allm, ents)
    kept = {m["start"] for e in evs for m in e["mentions"]}
    assert bare[0]["start"] not in kept  # ... but no event of its own
    attacked = [e for e in evs if any(m["trigger"] == "attacked" for m in e["mentions"])]
    assert attacked and attacked[0]["date"] == "2031-05-12" and attacked[0]["actors"]


def test_events_undated_announcement_joins_only_the_one_ceasefire_of_its_days(nlp):
    # a3's undated truce joins the ceasefire reported on Saturday when it is the only one of its
    # days; with a second, unrelated ceasefire on Sunday it could be either, so it joins neither
    one = {"a1": "Northern Front commanders agreed on Saturday to suspend attacks on the Velmar garrison.",
           "a3": "\u201cThe fighters have offered a conditional truce,\u201d a Northern Front spokesman said."}
    cease = [e for e in merge_events(*corpus(nlp, one)) if e["type"] in ("CEASEFIRE", "AGREE")]
    assert [sorted({m["article"] for m in e["mentions"]}) for e in cease] == [["a1", "a3"]]
    two = dict(one, a2="The Orlin Brigade declared a truce on Sunday along the Tarsk road.")
    cease = [e for e in merge_events(*corpus(nlp, two)) if e["type"] in ("CEASEFIRE", "AGREE")]
    assert not any("a3" in {m["article"] for m in e["mentions"]} and len(e["mentions"]) > 1 for e in cease), \
        [(e["date"], [m["article"] for m in e["mentions"]]) for e in cease]


def test_events_merge_of_compact_mentions_and_small_pair_chunks_is_the_same(nlp, monkeypatch):
    # the store re-merges stored mentions ``compact`` (only what the merge reads) and gathers
    # candidate pairs in chunks; neither may change the events
    from rashomon.events import merge as M

    texts = {
        "a1": "Northern Front fighters shelled the Orlin market on Tuesday, killing three civilians. "
              "The army did not attack Orlin.",
        "a2": "Three civilians died on Tuesday when the Northern Front fired mortars at the market in Orlin.",
        "a3": "Northern Front fighters shelled the Velmar garrison on Friday, killing nine soldiers.",
        "a4": "Northern Front commanders agreed on Saturday to suspend attacks on the Velmar garrison.",
        "a5": "\u201cThe fighters have offered a conditional truce,\u201d a Northern Front spokesman said.",
    }
    allm, ents = corpus(nlp, texts)
    want = merge_events(allm, ents)
    assert len(want) >= 3
    names: dict = {}
    # a store written before extraction kept the wording of announcements only
    old = [dict(m, words=m["words"] or ["orlin", "market", "civilian", "fighter", "shell"]) for m in allm]
    small = [c for c in (M.compact(m, names) for m in old) if c is not None]
    assert len(small) < len(allm)  # the negated attack is left out at once
    assert all("words" not in c and "time" not in c for c in small if c["type"] in ("ATTACK", "KILL"))
    assert any(c.get("words") for c in small if M.lexicon().fam(c["type"]) in M.ANNOUNCED)
    assert merge_events(small, ents) == want
    monkeypatch.setattr(M, "PAIRS_CHUNK", 1)
    assert merge_events(allm, ents) == want


def test_events_only_announcements_keep_their_sentence_words(nlp):
    _, evs, _ = events_of(nlp, "Rebels shelled the Orlin market on Tuesday. "
                               "The Northern Front agreed on Sunday to suspend attacks on the Velmar garrison.")
    words = {m["type"]: m["words"] for m in evs}
    assert not words["ATTACK"] and words["CEASEFIRE"], words
