"""The story comparison: facts and omissions, conflicts, attributed summary, timeline.

Fixtures are our own fictional reports. A bag-of-words embedder stands in for the sentence
model (passed as ``ctx["embed"]``), so these tests check the comparison's logic, fast; the
packaged model itself is tested in test_compare_embed.py.
"""
import hashlib
import re

import numpy as np
import pytest

from rashomon.compare import compare_stage
from rashomon.compare.sentences import claims_of
from rashomon.compare.summary import source_name
from rashomon.compare.values import counts, durations
from rashomon.model import Analysis, Article, Dateline, Loaded, Source
from rashomon.output import validate


def bow_embed(texts):
    """Unit vectors of hashed five-letter word stems: paraphrases sharing words are close."""
    out = np.zeros((len(texts), 512), dtype="float32")
    for r, t in enumerate(texts):
        for w in re.findall(r"[a-z0-9]+", t.casefold()):
            out[r, int(hashlib.md5(w[:5].encode()).hexdigest(), 16) % 512] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)


def art(aid, text, outlet=None, **kw):
    return Article(id=aid, source=Source(f"{aid}.txt", 0), text=text, outlet=outlet, **kw)


def story(sid, ids):
    return {"id": sid, "title": sid, "articles": ids, "start": None, "end": None, "summary": [],
            "timeline": [], "facts": [], "conflicts": [], "framing": []}


A = ("Rebels and soldiers fought for hours in the hill town of Varno on Sunday. "
     "The clashes killed 12 people in Varno, the army said on Sunday. "
     "The rebel council said the truce would hold with no set deadline. "
     "A shell hit the town hall, damaging a tyre of a parked lorry.")
B = ("Rebels and soldiers fought for hours in the hill town of Varno on Sunday. "
     "The clashes killed 19 people in Varno, the army said on Sunday. "
     "The rebel council said the truce would hold until the end of the harvest. "
     "A shell hit the town hall, damaging a tractor of a parked lorry.")
C = ("Rebels and soldiers fought for hours in the hill town of Varno on Sunday. "
     "The market of Varno reopened in the afternoon under heavy rain and cold wind.")


def _three() -> Analysis:
    return Analysis(articles=[art("a", A, "Varno Post"), art("b", B, "Hill Courier"),
                              art("c", C, "Valley Times")],
                    stories=[story("s1", ["a", "b", "c"])])


def _run(analysis: Analysis) -> Analysis:
    compare_stage(analysis, {"embed": bow_embed})
    return analysis


def test_sentences_skip_dateline_and_keep_abbreviations_inside():
    text = "PORTVALE (Wirenet) \u2014 Col. Ana Ruiz said the U.S. envoy arrived late. Nine soldiers were killed on Saturday."
    a = art("d", text, dateline=Dateline(place="PORTVALE", credit="Wirenet", start=0, end=21))
    claims = claims_of(a)
    assert [c.text for c in claims] == ["Col. Ana Ruiz said the U.S. envoy arrived late.",
                                        "Nine soldiers were killed on Saturday."]
    assert all(text[c.start:c.end] == c.text for c in claims)


def test_values_counts_need_a_counted_noun_and_skip_years():
    got = [(c.value, c.noun) for c in counts("In 2020 the army cut its forces from 5,200 to 3,000 and paid 40 dollars.")]
    assert got == [(5200.0, "troops"), (3000.0, "troops")]
    assert [(c.value, c.noun) for c in counts("Gunmen killed two guards.")] == [(2.0, "killed")]


def test_values_counts_tell_the_roles_in_a_change():
    def roles(text):
        return [(c.value, c.role) for c in counts(text)]
    # intended: the "from" count stands, the "to" count is a target
    assert roles("The ministry said it would reduce its forces from 5,200 to 3,000 by May.") == [
        (5200.0, ""), (3000.0, "target")]
    assert roles("Officials plan to cut troops to about 3,000.") == [(3000.0, "target")]
    # done: the "to" count stands, the "from" count is the earlier one
    assert roles("The death toll rose from 12 to 15 people overnight.") == [(12.0, "before"), (15.0, "")]
    assert roles("The army has cut its forces by 2,000 troops.") == [(2000.0, "change")]
    # no change verb: a range, both stand
    assert roles("From 10 to 15 protesters were held.") == [(10.0, ""), (15.0, "")]


def test_compare_number_conflict_keeps_a_target_apart_from_a_count():
    an = Analysis(articles=[art("a", "The ministry said it would reduce its troops in Varno from 5,200 to 3,000 next year."),
                            art("b", "The ministry said it has 5,000 troops in Varno and would reduce them next year.")],
                  stories=[story("s", ["a", "b"])])
    number = [c for c in _run(an).stories[0]["conflicts"] if c["kind"] == "number"]
    assert [c["topic"] for c in number] == ["number of troops: 5,200 vs 5,000"]
    an = Analysis(articles=[art("a", "The ministry said it would reduce its troops in Varno from 5,200 to 3,000 next year."),
                            art("b", "The ministry said it would reduce its troops in Varno from 5,200 to 2,500 next year.")],
                  stories=[story("s", ["a", "b"])])
    number = [c for c in _run(an).stories[0]["conflicts"] if c["kind"] == "number"]
    assert [c["topic"] for c in number] == ["target number of troops: 3,000 vs 2,500"]
    # a value in common in any role: no conflict (the count after a change, stated by the other)
    an = Analysis(articles=[art("a", "The new charter said it would raise the council's seats in Varno from 65 to 125 next year."),
                            art("b", "The new charter said the council's 125 seats in Varno would be filled next year.")],
                  stories=[story("s", ["a", "b"])])
    assert [c for c in _run(an).stories[0]["conflicts"] if c["kind"] == "number"] == []


def test_values_durations_tell_open_from_bounded():
    assert [d[0] for d in durations("They set no set deadline for it.")] == ["open"]
    assert [d[0] for d in durations("The pause holds until the end of the vote.")] == ["bounded"]
    assert durations("The pause holds for now.") == []


def test_compare_facts_list_reporting_and_omitting_articles():
    s = _run(_three()).stories[0]
    fought = [f for f in s["facts"] if f["text"].startswith("Rebels and soldiers fought")]
    assert len(fought) == 1 and sorted(fought[0]["reported_by"]) == ["a", "b", "c"]
    market = [f for f in s["facts"] if "market" in f["text"]]
    assert market[0]["reported_by"] == ["c"] and sorted(market[0]["omitted_by"]) == ["a", "b"]


def test_compare_copies_do_not_count_as_independent_sources():
    an = _three()
    an.reuse = [{"a": "a", "b": "c", "kind": "republication"}]
    s = _run(an).stories[0]
    fought = next(f for f in s["facts"] if f["text"].startswith("Rebels and soldiers fought"))
    assert fought["independent"] == 2


def test_compare_number_conflict_needs_the_same_counted_noun():
    s = _run(_three()).stories[0]
    number = [c for c in s["conflicts"] if c["kind"] == "number"]
    assert len(number) == 1 and number[0]["topic"] == "number of killed: 12 vs 19"
    assert {c["article"] for c in number[0]["claims"]} == {"a", "b"}
    an = Analysis(articles=[art("a", "Officials said about 2,000 troops were sent to Varno on Monday."),
                            art("b", "Officials said about 3,500 residents were sent to Varno on Monday.")],
                  stories=[story("s", ["a", "b"])])
    assert [c for c in _run(an).stories[0]["conflicts"] if c["kind"] == "number"] == []


def test_compare_reads_each_claims_values_once(monkeypatch):
    """The choice of what to embed and the conflicts read the same claims' values: found once
    per distinct claim text in a comparison, with the same conflicts."""
    from collections import Counter

    from rashomon.compare import values

    seen: Counter = Counter()
    real = values.counts

    def spy(sentence, skip=()):
        seen[sentence, tuple(skip)] += 1
        return real(sentence, skip)

    monkeypatch.setattr(values, "counts", spy)
    an = _three()
    an.articles.append(art("d", A, "Copy Desk"))  # a republication: the same claims again
    an.stories[0]["articles"].append("d")
    s = _run(an).stories[0]
    assert seen and max(seen.values()) == 1
    assert [c["topic"] for c in s["conflicts"] if c["kind"] == "number"] == ["number of killed: 12 vs 19"]


def test_compare_duration_and_detail_conflicts():
    s = _run(_three()).stories[0]
    kinds = {c["kind"]: c for c in s["conflicts"]}
    assert "no set deadline" in kinds["duration"]["topic"] and "until the end of" in kinds["duration"]["topic"]
    assert kinds["detail"]["topic"] == "object of \u201cdamaging\u201d: tyre vs tractor"


def test_compare_spelling_variants_are_no_conflict():
    an = Analysis(articles=[art("a", "A shell hit the town hall, damaging a tyre of a parked lorry."),
                            art("b", "A shell hit the town hall, damaging a tire of a parked lorry.")],
                  stories=[story("s", ["a", "b"])])
    assert _run(an).stories[0]["conflicts"] == []


def test_compare_attribution_conflict_from_quote_speakers():
    t1 = "The bridge will reopen next week, said the mayor of Varno on Monday."
    t2 = "The bridge will reopen next week, said the governor of Varno on Monday."
    an = Analysis(articles=[art("a", t1, "Varno Post"), art("b", t2, "Hill Courier")],
                  stories=[story("s", ["a", "b"])])
    an.quotes = [{"id": "q1", "article": "a", "start": 0, "end": 33, "speaker": "e-mayor", "cue": "said"},
                 {"id": "q2", "article": "b", "start": 0, "end": 33, "speaker": "e-governor", "cue": "said"}]
    conflicts = _run(an).stories[0]["conflicts"]
    assert [c["kind"] for c in conflicts] == ["attribution"]
    for q in an.quotes:  # an act ("warned") is not a source of the claim
        q["cue"] = "warned"
    an.stories = [story("s", ["a", "b"])]
    assert _run(an).stories[0]["conflicts"] == []


def test_compare_summary_sentences_hold_their_sources_words():
    an = _run(_three())
    texts = {a.id: a.text for a in an.articles}
    summary = an.stories[0]["summary"]
    assert summary and not summary[0].get("disputed")
    cited = set()
    for sent in summary:
        for src in sent["sources"]:
            span = texts[src["article"]][src["start"]:src["end"]]
            cited.add(src["article"])
            if sent.get("disputed"):
                assert f"\"{span}\"" in sent["text"]
            else:
                assert span == sent["text"]
    disputed = [s for s in summary if s.get("disputed")]
    assert disputed and "according to Varno Post" in disputed[0]["text"]
    assert "Hill Courier reported" in disputed[0]["text"]
    assert len(cited) >= 2


def test_compare_summary_prefers_least_loaded_wording():
    text_a = "Police cleared the square of rioters in Varno on Friday night."
    text_b = "Police cleared the square of protesters in Varno on Friday night."
    a = art("a", text_a, "Varno Post", loaded=[Loaded(29, 36, "rioters", "protesters")])
    an = Analysis(articles=[a, art("b", text_b, "Hill Courier")], stories=[story("s", ["a", "b"])])
    s = _run(an).stories[0]
    assert s["facts"][0]["text"] == text_b
    assert s["summary"][0]["text"] == text_b and s["summary"][0]["sources"][0]["article"] == "b"


def test_compare_timeline_has_dated_events_of_the_story_only():
    an = _three()
    an.articles.append(art("z", "Rebels and soldiers fought for hours in the hill town of Varno on Sunday."))
    start = A.index("killed")
    an.events = [
        {"id": "ev-1", "type": "KILL", "date": "2031-05-04",
         "mentions": [{"article": "a", "start": start, "end": start + 6},
                      {"article": "z", "start": 30, "end": 35}]},
        {"id": "ev-2", "type": "ATTACK", "date": None, "mentions": [{"article": "a", "start": 0, "end": 6}]},
    ]
    tl = _run(an).stories[0]["timeline"]
    assert [(e["date"], e["event"]) for e in tl] == [("2031-05-04", "ev-1")]
    assert tl[0]["text"] == "The clashes killed 12 people in Varno, the army said on Sunday."
    assert [s["article"] for s in tl[0]["sources"]] == ["a"]


def test_compare_embeds_only_stories_of_two_or_more_articles():
    seen = []

    def spy(texts):
        seen.extend(texts)
        return bow_embed(texts)

    an = _three()
    an.articles.append(art("solo", "A lone report about the harvest festival in Varno was filed."))
    an.stories.append(story("s2", ["solo"]))
    compare_stage(an, {"embed": spy})
    assert not any("harvest festival" in t for t in seen)
    assert an.stories[1]["facts"] == [] and an.stories[1]["summary"][0]["sources"][0]["article"] == "solo"
    # the C sentence about the market shares no two words with A or B: not embedded either
    assert not any("market" in t for t in seen) and any("clashes killed 12" in t for t in seen)
    assert an.stats["compare_sentences_embedded"] == len(seen)


def test_compare_works_on_a_sub_analysis_and_names_missing_articles():
    an = _three()
    sub = Analysis(articles=an.articles[:2], stories=[story("s", ["a", "b"])])
    assert _run(sub).stories[0]["facts"]
    bad = Analysis(articles=an.articles[:1], stories=[story("s9", ["a", "gone"])])
    with pytest.raises(ValueError, match="s9.*gone"):
        _run(bad)


def test_compare_output_validates_against_the_schema():
    an = _run(_three())
    validate(an.to_json())


def test_compare_source_name_falls_back_from_outlet_to_credit_to_title():
    assert source_name(art("a", "x", "Varno Post")) == "Varno Post"
    credited = art("b", "x", dateline=Dateline(credit="Dispatches"), wire=["Wirenet"], title="T")
    assert source_name(credited) == "Wirenet"
    assert source_name(art("c", "x", title="Hill news")) == "\u201cHill news\u201d"


def _spying():
    """The texts an embedder was asked for, and that embedder (the bag of words)."""
    seen: list[str] = []

    def spy(texts):
        seen.extend(texts)
        return bow_embed(texts)

    return seen, spy


def test_compare_embeds_each_distinct_sentence_once():
    seen, spy = _spying()
    an = _three()
    an.articles.append(art("d", A, "Varno Post Reprints"))  # a word-for-word republication of a
    an.stories[0]["articles"].append("d")
    compare_stage(an, {"embed": spy})
    assert len(seen) == len(set(seen)) and an.stats["compare_sentences_embedded"] == len(seen)
    fact = next(f for f in an.stories[0]["facts"] if "killed 12" in f["text"])
    assert {"a", "d"} <= set(fact["reported_by"])  # the copy still aligns with its original


def test_compare_embeds_only_sentences_with_a_lexical_candidate_yet_aligns_a_paraphrase():
    seen, spy = _spying()
    x = ("Floodwater closed the northern bridge of Ostrel on Tuesday morning. "
         "The choir of the old abbey sang for ferry passengers until late evening.")
    y = ("Ostrel authorities closed the northern bridge because of floodwater on Tuesday. "
         "Several ferry captains complained about the new harbour fees. "
         "The abbey's music festival starts next week with a concert.")
    an = Analysis(articles=[art("x", x, "Ostrel Daily"), art("y", y, "River Gazette")],
                  stories=[story("s", ["x", "y"])])
    compare_stage(an, {"embed": spy})
    # the choir sentence shares a word with each of two sentences of y ("ferry", "abbey"), but
    # no two words with any one of them: no candidate pair, not embedded
    assert not any("choir" in t for t in seen)
    facts = [f for f in an.stories[0]["facts"] if len(f["reported_by"]) == 2]
    assert [f["text"] for f in facts] == ["Floodwater closed the northern bridge of Ostrel on Tuesday morning."]


def test_compare_big_story_is_compared_on_a_bounded_set_covering_every_outlet(monkeypatch):
    import rashomon.compare as cmp

    monkeypatch.setattr(cmp, "MAX_COMPARED", 4)
    # six copies of the Varno Post report (its own outlet, one source), then the two others, and
    # one late Varno Post report; the dated event is reported only by an article left out
    arts = [art(f"p{k}", A, "Varno Post", published=f"2031-05-0{k + 1}") for k in range(6)]
    arts += [art("b", B, "Hill Courier", published="2031-05-03"),
             art("c", C, "Valley Times", published="2031-05-04")]
    an = Analysis(articles=arts, stories=[story("s", [a.id for a in arts])])
    start = A.index("killed")
    an.events = [{"id": "ev-1", "type": "KILL", "date": "2031-05-04", "actors": [], "targets": [],
                  "location": None, "killed": 12, "injured": None,
                  "mentions": [{"article": "p5", "start": start, "end": start + 6}]}]
    st = _run(an).stories[0]
    # round robin over the three sources, each source's earliest report first: p0, b, c, then p1
    assert st["compared"] == ["p0", "p1", "b", "c"]
    for f in st["facts"]:
        assert set(f["reported_by"]) | set(f["omitted_by"]) == set(st["compared"])
    killed = [f for f in st["facts"] if "killed 12" in f["text"] or "killed 19" in f["text"]]
    assert killed and {"p0", "p1", "b"} <= {a for f in killed for a in f["reported_by"]}
    assert any(c["topic"].startswith("number of") for c in st["conflicts"])
    # the timeline still takes every article of the story
    assert [s["article"] for e in st["timeline"] for s in e["sources"]] == ["p5"]
    validate(an.to_json())
    # a story within the bound names no compared subset
    small = _run(_three()).stories[0]
    assert "compared" not in small


def test_compare_in_a_background_thread_gives_what_the_caller_thread_gives():
    import copy

    an = _three()
    an.articles.append(art("d", A, "Varno Post Reprints"))
    an.stories[0]["articles"].append("d")
    there, here = copy.deepcopy(an), copy.deepcopy(an)
    compare_stage(there, {"embed": bow_embed, "embed_in_background": True})
    compare_stage(here, {"embed": bow_embed})
    assert there.stories == here.stories and there.stories[0]["facts"]


def test_compare_embedding_queue_chunks_dedupes_and_reports_errors():
    from rashomon.compare.queue import EmbeddingQueue

    calls = []

    def spy(texts):
        calls.append(list(texts))
        return bow_embed(texts)

    q = EmbeddingQueue(spy, chunk=2)
    h1 = q.add(["troops left the town", "the truce holds"])  # a full chunk: sent at once
    h2 = q.add(["the truce holds", "aid arrived by road"])  # one new text
    q.close()
    assert q.distinct == 3 and h2[0] == h1[1]
    got = q.vectors(h2)
    assert got.shape[0] == 2 and (got[0] == bow_embed(["the truce holds"])[0]).all()
    assert sorted(map(len, calls)) == [1, 2]  # the leftover text went in its own call

    def broken(texts):
        raise RuntimeError("model missing")

    bad = EmbeddingQueue(broken)
    hs = bad.add(["a claim"])
    bad.close()
    with pytest.raises(RuntimeError, match="model missing"):
        bad.vectors(hs)
