"""Reuse detection on our own fictional articles: every kind, the near misses, substitutions,
direction and inferred dates."""
import pytest

from rashomon.model import Analysis, Article, Dateline, Source
from rashomon.output import validate
from rashomon.reuse import find_reuse, reuse_stage
from rashomon.reuse.pairs import judge
from rashomon.reuse.text import doc, key, spelling_variant, transliteration

WIRE = [
    "PORT ELLERY (Meridian Press) — Separatist gunmen from the Coastal Liberation Army killed six "
    "border guards in an ambush near the harbour town of Port Ellery on Friday, regional officials said.",
    "The attack was the deadliest on the border force since the ceasefire collapsed in the spring, "
    "and it came a day after talks between the two sides were postponed.",
    "A spokesman for the governor, Yusuf Haddani, told Meridian Press that the guards were travelling "
    "in an armoured convoy when a roadside bomb struck the lead vehicle.",
    "“We will not allow these criminals to hold our province hostage,” Haddani said. “Every one of "
    "those responsible will face justice.”",
    "The Coastal Liberation Army, which the government lists as a terrorist organisation, said in a "
    "statement that its fighters had acted in self-defence after troops shelled two fishing villages.",
    "Residents said a lorry burst a tyre on the coast road during the fighting and blocked traffic "
    "for hours.",
    "The U.S. embassy urged both sides to show restraint and return to the negotiating table.",
    "Local hospitals said at least eleven civilians were treated for injuries after the shooting "
    "spread into the market district.",
]

REWRITE = [
    "PORT ELLERY (Meridian Press) — Patriotic fighters from the Coastal Liberation Army eliminated six occupation "
    "soldiers in an operation near the harbor town of Port Ellery on Friday, regional officials said.",
    "The attack was the most successful on the occupation force since the ceasefire collapsed in the "
    "spring, and it came a day after talks between the two sides were postponed.",
    "A spokesman for the puppet governor, Yousef Hadani, told Meridian Press that the soldiers were "
    "traveling in an armored convoy when a roadside bomb struck the lead vehicle.",
    "\"We will not allow these criminals to hold our province hostage,\" Hadani said. \"Every one of "
    "those responsible will face justice.\"",
    "The Coastal Liberation Army, which the regime lists as a terrorist organisation, said in a "
    "statement that its fighters had acted in self-defence after troops shelled two fishing villages.",
    "Residents said a truck burst a tire on the coast road during the fighting and blocked traffic "
    "for hours.",
    "The US embassy urged both sides to show restraint and return to the negotiating table.",
    "The resistance has vowed to fight on until the last occupier has left the coast.",
]

PARTIAL = [
    "Fishermen in the northern bays staged a protest on Saturday against new quotas that they say "
    "will halve their catch before the winter season begins.",
    "Hundreds of boats blocked the entrance to the main port for most of the morning while crews "
    "waved banners and sounded their horns.",
    WIRE[4],
    WIRE[5],
    "The fisheries minister said the quotas were needed to protect stocks that have fallen sharply "
    "over the past decade, and promised compensation for the smallest boats.",
    "Union leaders rejected the offer and said they would return next week with more vessels.",
]

QUOTES = [
    "The provincial governor presented his budget for next year on Monday, promising to spend more "
    "on schools and roads in the poorer inland districts.",
    "Speaking to reporters after the session, his spokesman repeated a warning he first made last "
    "month about the armed groups operating along the coast.",
    "“We will not allow these criminals to hold our province hostage,” he said. “Every one of those "
    "responsible will face justice.”",
    "Opposition members said the plan relied on tax revenues that were unlikely to materialise while "
    "the economy remained weak, and called for a vote of confidence.",
    "The assembly is expected to vote on the budget at the end of the month after two weeks of debate "
    "in committee.",
]

OPEN = "Harbour Daily Bulletin brings you the latest news from the coast, updated every single morning."
CLOSE = ("Subscribe to the Harbour Daily Bulletin for more stories like this one and follow us on "
         "social media for updates.")
STORY_1 = [OPEN,
           "The new bridge over the Tamsin river opened to traffic on Wednesday after three years of "
           "construction and several delays caused by flooding.",
           "The mayor cut a ribbon in front of a small crowd and said the crossing would cut journey "
           "times to the city by half an hour.",
           "Engineers said the structure was designed to withstand storms far stronger than any "
           "recorded in the region so far.", CLOSE]
STORY_2 = [OPEN,
           "Ellery Rovers won their first league title in forty years with a late goal against their "
           "old rivals from the capital on Sunday evening.",
           "Fans poured onto the pitch after the final whistle and the celebrations carried on in the "
           "old town until the early hours.",
           "The coach said the victory belonged to the supporters who had stayed loyal through the lean "
           "years in the lower divisions.", CLOSE]


def art(aid, paras, title=None, published=None, wire=(), dateline_credit=None):
    return Article(id=aid, source=Source(f"{aid}.txt", 0), text="\n\n".join(paras), title=title,
                   published=published, published_basis="given" if published else "unknown",
                   wire=list(wire),
                   dateline=Dateline(credit=dateline_credit) if dateline_credit else None)


def pair_of(reuse, x, y):
    found = [r for r in reuse if {r["a"], r["b"]} == {x, y}]
    assert len(found) <= 1
    return found[0] if found else None


def test_reuse_key_normalises_spelling_and_dots():
    assert key("U.S.") == key("US") == "us"
    assert key("tyre") == key("tire")
    assert key("organisation") == key("organization")
    assert key("harbour") == key("harbor")
    assert key("killed") != key("martyred")


def test_reuse_spelling_and_transliteration_are_not_wording():
    assert spelling_variant("air strikes", "airstrikes")
    assert spelling_variant("U.S.", "US")
    assert not spelling_variant("killed", "martyred")
    assert transliteration("Yusuf Haddani", "Yousef Hadani")
    assert not transliteration("Haddani", "Hamdani")
    assert not transliteration("later", "letter")  # only names


def test_reuse_duplicate_found_by_content_hash():
    a = art("a", WIRE, title="Six guards killed")
    b = art("b", WIRE, title="Six guards killed")
    (r,) = find_reuse([a, b])
    assert r["kind"] == "duplicate" and r["shared"] == 1.0
    assert r["substitutions"] == []


def test_reuse_republication_with_new_headline():
    edited = list(WIRE)
    edited[7] = edited[7].replace("eleven", "twelve")
    a = art("a", WIRE, title="Six guards killed in coastal ambush")
    b = art("b", edited, title="Border force suffers deadliest attack since spring")
    (r,) = find_reuse([a, b])
    assert r["kind"] == "republication"
    assert r["shared"] > 0.95
    assert {"a": "eleven", "b": "twelve", "kind": "wording"} in r["substitutions"]
    same_text = find_reuse([a, art("c", WIRE, title="A different headline")])
    assert same_text[0]["kind"] == "republication"


def test_reuse_rewrite_lists_loaded_swaps_first_and_spelling_apart():
    a = art("a", WIRE)
    b = art("b", REWRITE)
    (r,) = find_reuse([a, b])
    assert r["kind"] == "rewrite"
    subs = [(s["a"], s["b"], s["kind"]) for s in r["substitutions"]]
    for swap in [("Separatist gunmen", "Patriotic fighters", "wording"),
                 ("killed", "eliminated", "wording"),
                 ("border guards", "occupation soldiers", "wording"),
                 ("ambush", "operation", "wording"),
                 ("government", "regime", "wording"),
                 ("guards", "soldiers", "wording"),
                 ("lorry", "truck", "wording"),
                 ("", "puppet", "addition"),
                 ("tyre", "tire", "spelling"),
                 ("harbour", "harbor", "spelling"),
                 ("U.S.", "US", "spelling"),
                 ("travelling", "traveling", "spelling"),
                 ("armoured", "armored", "spelling"),
                 ("Yusuf", "Yousef", "spelling"),
                 ("Haddani", "Hadani", "spelling")]:
        assert swap in subs, swap
    kinds = [k for _, _, k in subs]
    assert kinds.index("spelling") > max(i for i, k in enumerate(kinds) if k == "wording"
                                         and subs[i][0].count(" ") < 3)
    # straight vs curly quotation marks are no substitution at all
    assert not any("We will not" in x or "We will not" in y for x, y, _ in subs)
    # whole sentences dropped and added show up as omission / addition
    assert any(k == "omission" and x.startswith("Local hospitals") for x, _, k in subs)
    assert any(k == "addition" and y.startswith("The resistance") for _, y, k in subs)


def test_reuse_spans_point_at_the_same_words_in_both_texts():
    a, b = art("a", WIRE), art("b", REWRITE)
    (r,) = find_reuse([a, b])
    assert r["spans"]
    for s in r["spans"]:
        ta, tb = a.text[s["a_start"]:s["a_end"]], b.text[s["b_start"]:s["b_end"]]
        assert [t.key for t in doc(ta).tokens] == [t.key for t in doc(tb).tokens], (ta, tb)
    assert any("the ceasefire collapsed in the spring" in a.text[s["a_start"]:s["a_end"]]
               for s in r["spans"])


def test_reuse_partial_passages():
    (r,) = find_reuse([art("a", WIRE), art("c", PARTIAL)])
    assert r["kind"] == "partial"
    assert 0.2 < r["shared"] < 0.6
    assert any(WIRE[4][:40] in art("a", WIRE).text[s["a_start"]:s["a_end"]] for s in r["spans"])


def test_reuse_shared_quotes_only():
    (r,) = find_reuse([art("a", WIRE), art("d", QUOTES)])
    assert r["kind"] == "shared_quotes"
    assert r["shared"] < 0.3


def test_reuse_same_template_different_news_do_not_pair():
    e, f = art("e", STORY_1), art("f", STORY_2)
    assert find_reuse([e, f]) == []
    assert judge("e", "f", doc(e.text), doc(f.text)) is None  # nor when aligned directly


def test_reuse_unrelated_articles_do_not_pair():
    assert find_reuse([art("a", WIRE), art("e", STORY_1), art("f", STORY_2[1:4])]) == []


def test_reuse_direction_and_inferred_date():
    later = art("late", WIRE[:7], title="Guards killed", published="2024-03-03")
    early = art("early", WIRE, title="Six guards killed", published="2024-03-02")
    undated = art("undated", WIRE, title="Six guards killed")
    analysis = Analysis(articles=[later, early, undated])
    reuse_stage(analysis)
    r = pair_of(analysis.reuse, "late", "early")
    assert r["kind"] == "republication"
    assert r["source"] == "early" and r["a"] == "early"
    dup = pair_of(analysis.reuse, "early", "undated")
    assert dup["kind"] == "duplicate" and dup["source"] is None
    assert undated.published == "2024-03-02" and undated.published_basis == "inferred"
    assert early.published_basis == "given"
    validate(analysis.to_json())


def test_reuse_source_unknown_when_dates_do_not_tell():
    a = art("a", WIRE, published="2024-03")
    b = art("b", WIRE, published="2024-03-02", title="x")
    (r,) = find_reuse([a, b])
    assert r["source"] is None


@pytest.mark.parametrize("wire_a,credit_b,wire_b,expected", [
    (["Meridian Press"], None, ["Meridian Press"], "Meridian Press"),
    (["Meridian Press"], None, [], "Meridian Press"),  # one credits it, the other shares its text
    ([], "Meridian Press", [], "Meridian Press"),  # a dateline credit counts
    ([], None, [], None),
])
def test_reuse_common_origin(wire_a, credit_b, wire_b, expected):
    a = art("a", WIRE, wire=wire_a)
    b = art("b", REWRITE, wire=wire_b, dateline_credit=credit_b)
    (r,) = find_reuse([a, b])
    assert r["common_origin"] == expected


def test_reuse_shared_quotes_do_not_make_a_common_origin_from_one_credit():
    (r,) = find_reuse([art("a", WIRE, wire=["Meridian Press"]), art("d", QUOTES)])
    assert r["common_origin"] is None


def test_reuse_candidates_quote_route_finds_pairs_sharing_only_quotations():
    from rashomon.reuse import candidates, features

    texts = ["\n\n".join(WIRE), "\n\n".join(QUOTES), "\n\n".join(STORY_1)]
    cands = candidates(features(texts))
    assert "quote" in cands[(0, 1)]
    assert (0, 2) not in cands and (1, 2) not in cands


@pytest.mark.parametrize("room", ["pairs fit", "pairs too long"])
def test_reuse_alignment_same_when_the_shared_vocabulary_starts_over(monkeypatch, room):
    """Docs are encoded once against a shared word vocabulary; when it must start over (or a
    pair holds more words than it can), the pairs found and their changes stay the same."""
    from pathlib import Path

    from rashomon.pipeline import iter_articles
    from rashomon.reuse import align

    corpus = Path(__file__).resolve().parents[1] / "examples" / "corpus"
    arts = [a for a in iter_articles([corpus]) if hasattr(a, "text")]
    want = find_reuse(arts)
    assert want
    longest = max(len(doc(a.text).tokens) for a in arts)
    monkeypatch.setattr(align, "_MAX_KEYS", 2 * longest + 10 if room == "pairs fit" else 60)
    before = align._GENERATION[0]
    got = find_reuse([a for a in iter_articles([corpus]) if hasattr(a, "text")])
    assert align._GENERATION[0] > before  # the vocabulary did start over
    assert got == want
