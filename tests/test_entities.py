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


# ---------------------------------------------------------------- types, places, countries, junk


def test_entities_dateline_place_never_joins_the_person_of_that_name(nlp):
    text = ("KORVANI, Velmar Region (March 3) \u2014 Fighters loyal to Dariush Korvani withdrew "
            "from the town on Monday.")
    arts = [(Article(id="d1", source=Source("t"), text=text), mentions_of(nlp, text))]
    place = by_text(arts[0][1], "KORVANI")
    assert place["type"] == "GPE"
    ents = resolve_entities(arts + [article("d2", [("Dariush Korvani", "PERSON", 0), ("Korvani", "PERSON", 0)])])
    person = entity_of(ents, "d1", "Dariush Korvani")
    assert entity_of(ents, "d2", "Korvani") == person            # the surname still joins
    assert entity_of(ents, "d1", "KORVANI") != person             # the dateline place does not
    assert {e["type"] for e in ents if e["id"] == entity_of(ents, "d1", "KORVANI")} == {"GPE"}


def test_entities_place_and_person_with_one_key_stay_apart_across_articles():
    ents = resolve_entities([
        article("p1", [("Dariush Korvani", "PERSON", 0), ("Korvani", "PERSON", 0)]),
        article("p2", [("Korvani", "GPE", 0)]),
        article("p3", [("Corvany", "LOC", 0)])])
    assert entity_of(ents, "p2", "Korvani") != entity_of(ents, "p1", "Korvani")
    assert entity_of(ents, "p3", "Corvany") != entity_of(ents, "p1", "Korvani")


def test_entities_lone_surname_tagged_as_a_place_joins_the_person_in_its_article():
    ms = [make_mention("Dariush Korvani", "PERSON", 0), make_mention("Korvani", "LOC", 40)]
    from rashomon.nlp.entities import _group
    _group(ms)
    assert ms[0]["local"] == ms[1]["local"]
    # but not a place the text marks as one (a dateline), though written the same
    ms = [make_mention("Dariush Korvani", "PERSON", 0), make_mention("KORVANI", "GPE", 40, cues={"GPE": 2})]
    _group(ms)
    assert ms[0]["local"] != ms[1]["local"]


def test_entities_agency_name_run_into_another_name_is_cut(nlp):
    from spacy.tokens import Span
    text = "\u201cWe will go on,\u201d Reuters Saraya Fajr spokesman Nadir Qassuri said."
    doc = nlp(text)
    i = next(t.i for t in doc if t.text == "Reuters")
    n = next(t.i for t in doc if t.text == "Nadir")
    doc.ents = [Span(doc, i, i + 2, label="PERSON"), Span(doc, n, n + 2, label="PERSON")]
    ms = find_mentions(Article(id="x", source=Source("t"), text=text), doc)
    texts = [m["text"] for m in ms]
    assert "Reuters" in texts and "Reuters Saraya" not in texts
    assert by_text(ms, "Reuters")["type"] == "ORG"
    assert "Saraya Fajr" in texts                      # the rest runs on over the untagged name
    assert by_text(ms, "Nadir Qassuri")["description"] == "Saraya Fajr spokesman"
    # a name that merely starts like an agency is not cut
    doc = nlp("Reutersberg Holdings said on Monday it would sell.")
    doc.ents = [Span(doc, 0, 2, label="ORG")]
    ms = find_mentions(Article(id="y", source=Source("t"), text=doc.text), doc)
    assert [m["text"] for m in ms if m["type"] != "MISC"] == ["Reutersberg Holdings"]


def test_entities_type_by_evidence_not_by_majority():
    # a group the recogniser calls a person four times, whose name says it is a body
    arts = [article("t%d" % k, [("Saraya al-Fajr", "PERSON", 0)]) for k in range(4)]
    arts.append(article("t9", [("Saraya al-Fajr", "ORG", 0)]))
    # a person the recogniser calls an organisation, with a role apposition once
    arts.append(article("u1", [("Nadir Qassuri", "ORG", 0)]))
    arts.append(article("u2", [("Nadir Qassuri", "ORG", 0)]))
    ms = arts[-1][1]
    ms.append(make_mention("Nadir Qassuri", "PERSON", 500, local=0, description="leader of the Dawn",
                           cues={"PERSON": 1}))
    ents = resolve_entities(arts)
    by_name = {e["name"]: e for e in ents}
    assert by_name["Saraya al-Fajr"]["type"] == "ORG"
    assert by_name["Nadir Qassuri"]["type"] == "PERSON"
    # without evidence the majority stands
    ents = resolve_entities([article("v%d" % k, [("Tomas Brandt", "ORG", 0)]) for k in range(3)]
                            + [article("v9", [("Tomas Brandt", "PERSON", 0)])])
    assert {e["name"]: e["type"] for e in ents}["Tomas Brandt"] == "ORG"


def test_entities_context_cues_from_parsed_text(nlp):
    ms = mentions_of(nlp, "Nadir Qassuri, leader of Saraya al-Fajr, said the group would withdraw.")
    assert by_text(ms, "Nadir Qassuri")["cues"].get("PERSON")
    assert by_text(ms, "Saraya al-Fajr")["cues"].get("ORG")       # "Saraya" heads a body's name
    ms = mentions_of(nlp, "Many French militias joined the talks in Port Kerrin.")
    m = by_text(ms, "French")
    assert m["type"] == "NORP" and not m["cues"].get("ORG")          # an adjective, not a body


def test_entities_country_variants_are_one_place_and_demonyms_stay_apart():
    arts = [article("c1", [("U.S.", "GPE", 0)], shared=False),
            article("c2", [("US", "GPE", 0)], shared=False),
            article("c3", [("United States", "GPE", 0)], shared=False),
            article("c4", [("America", "GPE", 0), ("American", "NORP", 1)], shared=False),
            article("c5", [("US Embassy", "FAC", 0), ("Britain", "GPE", 1), ("UK", "ORG", 2)], shared=False)]
    ents = resolve_entities(arts)
    us = {entity_of(ents, a, t) for a, t in [("c1", "U.S."), ("c2", "US"), ("c3", "United States"),
                                             ("c4", "America")]}
    assert len(us) == 1
    us_ent = next(e for e in ents if e["id"] in us)
    assert us_ent["type"] == "GPE" and us_ent["name"] == "United States"
    assert entity_of(ents, "c4", "American") not in us
    assert entity_of(ents, "c5", "US Embassy") not in us
    assert entity_of(ents, "c5", "Britain") == entity_of(ents, "c5", "UK")
    assert entity_of(ents, "c5", "Britain") not in us
    # a lower-case word is never taken for an abbreviation: "us" is not the country
    from rashomon.nlp.entities import country_of
    assert country_of("us") is None and country_of("US") == "United States"


def test_entities_junk_common_words_are_not_entities(nlp):
    text = ("Ceasefire talks resumed in Port Kerrin. The ceasefire held, Tomas Brandt said. "
            "Brandt added that Halvenmoor Trust would pay.")
    ms = mentions_of(nlp, text)
    assert "Ceasefire" not in [m["text"] for m in ms]
    ents = resolve_entities([(Article(id="j", source=Source("t"), text=text), ms)])
    names = [e["name"] for e in ents]
    assert "Ceasefire" not in names
    assert any(m["text"] == "Brandt" for e in ents if e["name"] == "Tomas Brandt" for m in e["mentions"])
    # a single untagged proper noun that joins nothing is dropped, a multi-word one is kept
    ents = resolve_entities([article("k1", [("Velmarine", "MISC", 0), ("Halvenmoor Trust", "MISC", 1)])])
    names = [e["name"] for e in ents]
    assert "Velmarine" not in names and "Halvenmoor Trust" in names


def test_entities_description_is_the_role_not_the_epithets(nlp):
    ms = mentions_of(nlp, "Talks stalled on Monday, the region's legendary anti-terror commander "
                          "General Tomas Brandt said.")
    assert by_text(ms, "Tomas Brandt")["description"] == "commander"
    arts = [article("r1", [("Tomas Brandt", "PERSON", 0)]), article("r2", [("Tomas Brandt", "PERSON", 0)])]
    arts[0][1][0]["description"], arts[0][1][0]["description_weight"] = "leader of the Dawn", 3
    arts[1][1][0]["description"], arts[1][1][0]["description_weight"] = "Gen.", 1
    ents = resolve_entities(arts)
    assert next(e for e in ents if e["name"] == "Tomas Brandt")["description"] == "leader of the Dawn"


def test_entities_body_names_differing_by_an_interchangeable_head_are_one():
    ents = resolve_entities([article("h1", [("Southern Defence Forces", "ORG", 0)]),
                             article("h2", [("Southern Defence Units", "ORG", 0)]),
                             article("h3", [("Velmari Southern Defence Force", "ORG", 0), ("Velmari", "NORP", 1)]),
                             article("h4", [("Southern Defence Council", "ORG", 0)]),
                             article("h5", [("Northern Forces", "ORG", 0)]),
                             article("h6", [("Northern Units", "ORG", 0)])])
    one = entity_of(ents, "h1", "Southern Defence Forces")
    assert entity_of(ents, "h2", "Southern Defence Units") == one
    assert entity_of(ents, "h3", "Velmari Southern Defence Force") == one
    assert entity_of(ents, "h4", "Southern Defence Council") != one          # a different body
    assert entity_of(ents, "h5", "Northern Forces") != entity_of(ents, "h6", "Northern Units")  # too short


def test_entities_ties_are_the_name_weighted_sums_that_reach_a_tie():
    # a brute-force sum over every pair of articles, against the blocked sparse product
    import math
    import random
    from types import SimpleNamespace

    from rashomon.nlp import entities as ents

    rng = random.Random(3)
    names = [(f"name{i}",) for i in range(40)]
    chains = [SimpleNamespace(article=f"art{a:03d}", keys={rng.choice(names[:8 + a % 30])})
              for a in range(120) for _ in range(4)]
    arts_of: dict = {}
    for c in chains:
        for k in c.keys:
            arts_of.setdefault(k, set()).add(c.article)
    n = len({c.article for c in chains})
    want: dict = {}
    for arts in arts_of.values():
        if 2 <= len(arts) <= max(50, n // 2):
            for a in arts:
                for b in arts - {a}:
                    want.setdefault(a, {}).setdefault(b, 0.0)
                    want[a][b] += math.log(1 + n / len(arts))
    want = {a: {b: w for b, w in row.items() if round(w, 9) >= ents.TIE} for a, row in want.items()}
    want = {a: row for a, row in want.items() if row}
    old = ents.TIE_BLOCK
    try:
        ents.TIE_BLOCK = 50  # several blocks
        ties = ents.Ties(chains)
        got = {a: row for a in ties.articles if (row := ties.of(a))}
    finally:
        ents.TIE_BLOCK = old
    assert want and got.keys() == want.keys()
    assert all(got[a].keys() == want[a].keys() for a in want)
    assert all(abs(got[a][b] - w) < 1e-9 for a in want for b, w in want[a].items())


def test_entities_tied_pairs_within_a_set_are_those_of_each_articles_ties():
    # ``Ties.tied`` (a product restricted to a set of articles, in blocks) against ``Ties.of``
    import random
    from types import SimpleNamespace

    from rashomon.nlp import entities as ents

    rng = random.Random(5)
    names = [(f"name{i}",) for i in range(30)]
    chains = [SimpleNamespace(article=f"art{a:03d}", keys={rng.choice(names[:6 + a % 24])})
              for a in range(90) for _ in range(3)]
    ties = ents.Ties(chains)
    old = ents.TIE_BLOCK
    try:
        ents.TIE_BLOCK = 7  # several blocks, and a block's own articles off its diagonal
        for size in (2, 5, 40, 90):
            subset = rng.sample(ties.articles, size)
            got = {frozenset(p) for p in ties.tied(subset)}
            want = {frozenset((a, b)) for a in subset for b in ties.of(a) if b in subset}
            assert got == want
            assert all(len(p) == 2 for p in got)  # never an article with itself
    finally:
        ents.TIE_BLOCK = old
    assert any(ties.of(a) for a in ties.articles)


RESOLVE_SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
from test_entities import article
from rashomon.nlp.entities import resolve_entities
arts = [article("a1", [("Norvale", "ORG", 0), ("NVX", "ORG", 0)]),
        article("a2", [("Norvale", "ORG", 0)]), article("a3", [("NVX", "ORG", 0)])]
ents = resolve_entities(arts)
print(json.dumps(sorted(sorted((m["article"], m["text"]) for m in e["mentions"]) for e in ents)))
"""


def test_entities_do_not_depend_on_the_hash_seed():
    # a one-word chain holding two names ("Norvale" ... "NVX", one local chain) joins by its
    # first mention's name, whatever order Python's string hashing gives its set of keys
    import os
    import subprocess
    import sys

    script = RESOLVE_SCRIPT.format(tests=os.path.dirname(__file__))
    outs = {subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": str(seed)},
                           capture_output=True, text=True, check=True).stdout for seed in range(6)}
    assert len(outs) == 1
    import json

    groups = json.loads(outs.pop())
    assert [["a1", "NVX"], ["a1", "Norvale"], ["a2", "Norvale"]] in groups
