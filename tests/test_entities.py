"""Mentions found in one article and entities resolved across articles.

Every name and text here is invented for the tests. Resolution tests build mentions by hand
(``make_mention``) so they do not depend on the statistical model; the ``find_mentions`` tests
parse short texts with the installed English pipeline."""
import pytest

from rashomon.model import Article, Source
from rashomon.nlp.entities import (entity_at, find_mentions, index_entities, make_mention,
                                   resolve_entities)

SHARED = [("Brigade of Dawn", "ORG"), ("Port Kerrin", "GPE"), ("Halvard Strait", "LOC")]


def article(aid, names, shared=True):
    """An article holding the given (text, type, local) names, plus names that tie it to the
    other articles of the same story when ``shared``."""
    ms, pos = [], 0
    extra = [(t, ty, 100 + i) for i, (t, ty) in enumerate(SHARED)] if shared else []
    for text, type_, local in list(names) + extra:
        ms.append(make_mention(text, type_, pos, local=local))
        pos += len(text) + 1
    return (Article(id=aid, source=Source("t.jsonl", 0), text=" ".join(m["text"] for m in ms)), ms)


def entity_of(ents, aid, text):
    hits = [e for e in ents for m in e["mentions"] if m["article"] == aid and m["text"] == text]
    assert len(hits) == 1, (aid, text, hits)
    return hits[0]["id"]


def test_entities_transliteration_variants_are_one_person():
    arts = [article("a1", [("Qadeem Souleiran", "PERSON", 0)]),
            article("a2", [("Qadim Sulayran", "PERSON", 0)]),
            article("a3", [("Kadeem al-Souleiran", "PERSON", 0)])]
    ents = resolve_entities(arts)
    ids = {entity_of(ents, a, t) for a, t in
           [("a1", "Qadeem Souleiran"), ("a2", "Qadim Sulayran"), ("a3", "Kadeem al-Souleiran")]}
    assert len(ids) == 1


def test_entities_organisation_spelling_variants_and_article_forms():
    arts = [article("a1", [("Kata'ib Nur al-Din", "ORG", 0)]),
            article("a2", [("Kataeb Noor ad-Din", "ORG", 0)], shared=False)]
    ents = resolve_entities(arts)
    assert entity_of(ents, "a1", "Kata'ib Nur al-Din") == entity_of(ents, "a2", "Kataeb Noor ad-Din")


def test_entities_one_vowel_more_is_the_same_multiword_name():
    arts = [article("a1", [("Hashr al-Dumiyya", "ORG", 0)]),
            article("a2", [("Hashir al-Dumiyya", "ORG", 0)])]
    ents = resolve_entities(arts)
    assert entity_of(ents, "a1", "Hashr al-Dumiyya") == entity_of(ents, "a2", "Hashir al-Dumiyya")


def test_entities_two_abu_names_sharing_words_stay_apart():
    arts = [article("a1", [("Abu Tariq al-Hassuni", "PERSON", 0), ("Abu Marwan al-Dulaimo", "PERSON", 1)]),
            article("a2", [("Abu Tariq al-Dulaimo", "PERSON", 0)])]
    ents = resolve_entities(arts)
    ids = {entity_of(ents, "a1", "Abu Tariq al-Hassuni"), entity_of(ents, "a1", "Abu Marwan al-Dulaimo"),
           entity_of(ents, "a2", "Abu Tariq al-Dulaimo")}
    assert len(ids) == 3


def test_entities_bodies_sharing_a_word_stay_apart():
    arts = [article("a1", [("Veldran parliament", "ORG", 0), ("Veldran government", "ORG", 1)]),
            article("a2", [("Veldran government", "ORG", 0)])]
    ents = resolve_entities(arts)
    parl = entity_of(ents, "a1", "Veldran parliament")
    gov = entity_of(ents, "a1", "Veldran government")
    assert parl != gov
    assert entity_of(ents, "a2", "Veldran government") == gov


def test_entities_surname_alone_joins_the_full_name_in_a_tied_article():
    arts = [article("a1", [("Ilyas Brenskiy", "PERSON", 0)]),
            article("a2", [("Brensky", "PERSON", 0)])]
    ents = resolve_entities(arts)
    assert entity_of(ents, "a1", "Ilyas Brenskiy") == entity_of(ents, "a2", "Brensky")


def test_entities_same_surname_in_unrelated_articles_stays_apart():
    arts = [article("a1", [("Ilyas Brenskiy", "PERSON", 0)]),
            article("a2", [("Brensky", "PERSON", 0), ("Loma Vista", "GPE", 1)], shared=False)]
    ents = resolve_entities(arts)
    assert entity_of(ents, "a1", "Ilyas Brenskiy") != entity_of(ents, "a2", "Brensky")


def test_entities_two_people_with_one_surname_keep_their_first_names():
    arts = [article("a1", [("Ilyas Brenskiy", "PERSON", 0)]),
            article("a2", [("Vera Brenskiy", "PERSON", 0)])]
    ents = resolve_entities(arts)
    assert entity_of(ents, "a1", "Ilyas Brenskiy") != entity_of(ents, "a2", "Vera Brenskiy")


def test_entities_alias_given_in_one_article_ties_other_articles():
    a1 = article("a1", [])
    a1[1][:0] = [make_mention("Southern Defence Units", "ORG", 0, local=0,
                              aliases=["SDU", "Quwat al-Janubi"]),
                 make_mention("Quwat al-Janubi", "ORG", 40, local=0)]
    a2 = article("a2", [("Quwat al-Janoubi", "ORG", 0)], shared=False)
    a3 = article("a3", [("SDU", "ORG", 0)])
    ents = resolve_entities([a1, a2, a3])
    sdu = entity_of(ents, "a1", "Southern Defence Units")
    assert entity_of(ents, "a2", "Quwat al-Janoubi") == sdu
    assert entity_of(ents, "a3", "SDU") == sdu
    e = next(e for e in ents if e["id"] == sdu)
    assert "Quwat al-Janubi" in e["aliases"]


def test_entities_ids_are_stable_and_contract_shaped():
    arts = [article("a1", [("Ilyas Brenskiy", "PERSON", 0)]), article("a2", [("Brensky", "PERSON", 0)])]
    first = resolve_entities(arts)
    again = resolve_entities(list(reversed(arts)))
    assert sorted(e["id"] for e in first) == sorted(e["id"] for e in again)
    e = next(e for e in first if e["name"] == "Ilyas Brenskiy")
    assert set(e) == {"id", "name", "type", "aliases", "description", "mentions"}
    assert e["type"] == "PERSON" and e["aliases"] == ["Brensky"]
    assert all(set(m) == {"article", "start", "end", "text"} for m in e["mentions"])


def test_entities_entity_at_finds_the_name_inside_a_speaker_span():
    arts = [article("a1", [("Ilyas Brenskiy", "PERSON", 0)])]
    ents = resolve_entities(arts)
    idx = index_entities(ents)
    eid = entity_of(ents, "a1", "Ilyas Brenskiy")
    assert entity_at(idx, "a1", 0, 14) == eid
    assert entity_at(idx, "a1", 6, 30) == eid or entity_at(idx, "a1", 6, 14) == eid
    assert entity_at(idx, "a1", 5000, 5010) is None
    assert entity_at(idx, "nope", 0, 14) is None


# ---------------------------------------------------------------- find_mentions on parsed text

@pytest.fixture(scope="module")
def nlp():
    from rashomon.nlp import load
    return load()


def mentions_of(nlp, text):
    return find_mentions(Article(id="x", source=Source("t"), text=text), nlp(text))


def by_text(ms, text):
    hit = [m for m in ms if m["text"] == text]
    assert hit, (text, [m["text"] for m in ms])
    return hit[0]


def test_entities_find_mentions_role_before_name_is_a_description(nlp):
    ms = mentions_of(nlp, "Brigade of Dawn spokesman Hamid al-Tarsuni said on Monday that the group "
                          "would withdraw. Tarsuni added that talks had failed.")
    m = by_text(ms, "Hamid al-Tarsuni")
    assert m["description"] == "Brigade of Dawn spokesman"
    assert by_text(ms, "Tarsuni")["local"] == m["local"]   # surname after the full name


def test_entities_find_mentions_apposition_is_a_description(nlp):
    ms = mentions_of(nlp, "Nadir Qassuri, leader of the Brigade of Dawn, told reporters that the "
                          "ceasefire held.")
    assert by_text(ms, "Nadir Qassuri")["description"] == "leader of the Brigade of Dawn"


def test_entities_find_mentions_titles_and_possessives_are_not_the_name(nlp):
    ms = mentions_of(nlp, "The talks were held in Perth, said Gen. Tomas Brandt's office. "
                          "President Elena Varga said the talks would go on.")
    assert by_text(ms, "Tomas Brandt")["description"] == "Gen."
    assert by_text(ms, "Elena Varga")["description"] == "President"
    for m in ms:
        assert not m["text"].endswith("'s") and not m["text"].lower().startswith("the ")


def test_entities_find_mentions_acronym_and_also_known_as(nlp):
    text = ("The Southern Defence Units (SDU), also known as Quwat al-Janubi, said it had no plans "
            "to disarm. The SDU said its fighters stayed.")
    ms = mentions_of(nlp, text)
    full = by_text(ms, "Southern Defence Units")
    assert "SDU" in full["aliases"]
    assert all(m["local"] == full["local"] for m in ms if m["text"] in ("SDU", "Quwat al-Janubi"))
    assert "Quwat al-Janubi" in [a for m in ms for a in m["aliases"]]
    for m in ms:
        assert text[m["start"]:m["end"]] == m["text"]
