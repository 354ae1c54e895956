"""The pipeline ``load`` gives (FastAttributes, NumPy's BLAS) annotates exactly as the stock one,
token by token."""
from __future__ import annotations

import pytest

from rashomon.nlp import load
from rashomon.nlp.fast import FastAttributes

# our own sentences; they exercise the ruler's rules over two tokens ("let 's", "gon na",
# "there is"), whitespace tokens, pronouns, auxiliaries and the lemmatizer's base forms
TEXTS = [
    "There is no deal yet, the mayor of Velmora said on Tuesday.  Let's wait, she added.",
    "\"We're gonna rebuild the bridge,\" said Dara Quist, who has led the port authority since 2019.\n\n"
    "There were 14 trucks in the convoy; two of them had been damaged by the blast.",
    "Nobody ain't seen anything like it, y'all, said a farmer near the river who'd lost his barn.",
    "I told them it was theirs. They said it wasn't. Did he do it? He did, and he's done it again.",
    "The council's better offers were rejected, and the best one was withdrawn on Friday.\tIt rained.",
]


def _annotations(nlp, texts):
    return [[(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_)
             for t in doc]
            for doc in nlp.pipe(texts)]


def test_fast_attributes_match_the_stock_pipeline_token_by_token():
    fast, stock = load(), load(stock=True)
    assert "rashomon_attributes" in fast.pipe_names
    assert "attribute_ruler" not in fast.pipe_names and "lemmatizer" in stock.pipe_names
    # every layer of ours multiplies with NumPy's BLAS, the stock one with blis
    def blis(nlp):
        return {node.ops.use_blis for _, p in nlp.pipeline if getattr(p, "model", None) is not None
                for node in p.model.walk()}
    assert blis(fast) == {False} and blis(stock) == {True}
    # twice: the first pass fills the cache, the second reads it
    for _ in range(2):
        assert _annotations(fast, TEXTS) == _annotations(stock, TEXTS)


def test_two_token_rules_are_applied_to_the_matched_words():
    nlp = load()
    doc = nlp("Let's go. There is a storm coming. They're gonna leave.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["'s"] == "us"  # "let 's": the ruler's rule over two tokens
    assert lemmas["na"] == "to"  # "gon na"
    be = [t for t in doc if t.text == "is"][0]
    assert be.pos_ == "VERB"  # "there is": the expletive makes the copula a verb


def test_a_probe_neighbour_does_not_match_a_two_token_rule():
    """Unseen tokens are computed side by side; "let" and "'s" from different places of the text
    must not be read there as the rule "let 's" (lemma "us")."""
    from spacy.attrs import DEP, ORTH, TAG

    stock = load(stock=True)
    fast = FastAttributes(stock.get_pipe("attribute_ruler"), stock.get_pipe("lemmatizer"))
    text = "They let the ferry sail. The captain's log was lost."
    doc = stock.make_doc(text)
    for name in ("tok2vec", "tagger", "parser"):
        doc = stock.get_pipe(name)(doc)
    keys = [tuple(r) for r in doc.to_array([ORTH, TAG, DEP]).tolist()]
    let = [t.i for t in doc if t.text == "let"][0]
    poss = [t.i for t in doc if t.text == "'s"][0]
    fast._learn(doc, keys, [let, poss])  # neighbours in the probe, not in the text
    want = {t.i: t for t in stock(text)}
    for i in (let, poss):
        pos, morph, lemma, _, _ = fast.cache[keys[i]]
        assert (stock.vocab.strings[lemma], stock.vocab.strings[pos]) == (want[i].lemma_, want[i].pos_)
    assert stock.vocab.strings[fast.cache[keys[poss]][2]] != "us"


@pytest.mark.parametrize("text", ["", " ", "\n\n"])
def test_empty_and_blank_documents(text):
    assert _annotations(load(), [text]) == _annotations(load(stock=True), [text])


def test_rules_over_two_tokens_are_found_from_their_first_tokens_only():
    """The Matcher runs on a window at each token that can begin a rule: the same matches as
    over the whole Doc, in the same order, also at the Doc's last token."""
    nlp = load()
    fa = nlp.get_pipe("rashomon_attributes")
    texts = TEXTS + ["Y'all know it, and there", "They said let's", "Gon na. Got ta go, c'mon there's more"]
    found = 0
    for doc in nlp.pipe(texts):
        whole = [(s, e) for _, s, e in fa.multi(doc)]
        assert fa._matches(doc) == whole
        found += len(whole)
    assert found >= 6
    doc = nlp("The ferry left the quay at noon.")
    assert fa.starts.positions(doc) == []  # no token can begin a rule: no window at all
