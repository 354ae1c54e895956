"""The model's attribute ruler and lemmatizer, applied as one table lookup.

In ``en_core_web_sm`` the two rule-based components after the statistical ones cost about a
quarter of the whole ``nlp.pipe`` (measured on the eval sets' articles: 5.4 of 23.1 s), because
both work token by token in Python: the ruler builds a ``Span`` and sets attributes for every
match (every token matches its tag's rule), the lemmatizer sets one lemma at a time.

Their output for a token is a function of few inputs. Every rule of the ruler but a handful
looks at one token only, at its text (``LOWER``, ``IS_SPACE``), its tag and its dependency label;
the lemmatizer then looks at the token's text, part of speech and morphology, which the ruler set.
So ``FastAttributes`` keys each token by (text, tag, dependency label) and keeps, per key, what
the two components produced for it: POS, morphology, lemma, and the tag and label (the ruler
rewrites them for whitespace). A key seen for the first time is computed by the model's own two
components, on a Doc holding the document's unseen keys side by side (a token that a rule over
two tokens matches there, with a neighbour it does not have in the document, is computed alone).
The few rules over two tokens ("let 's", "gon na", "there is") are found with a matcher of those
rules alone; the tokens they match are computed by the two components on the
matched words themselves (with their neighbours in the rule), exactly as in the full document.

The annotations are the model's own (``tests/test_nlp_fast.py`` compares every token with the
stock pipeline); the tables are the model's (``FastAttributes`` holds the original components
and asks them). The cache is bounded (``MAX_KEYS``); past it, it starts over.
"""
from __future__ import annotations

import numpy as np
from spacy.attrs import DEP, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

MAX_KEYS = 500_000


class FastAttributes:
    """Callable pipeline component: ``ruler`` then ``lemmatizer``, memoised per token key."""

    def __init__(self, ruler, lemmatizer):
        self.ruler = ruler
        self.lemmatizer = lemmatizer
        self.vocab = ruler.vocab
        self.cache: dict[tuple[int, int, int], tuple[int, int, int, int, int]] = {}
        self.multi = Matcher(self.vocab, validate=False)
        for i, rule in enumerate(ruler.patterns):
            long = [p for p in rule["patterns"] if len(p) > 1]
            if long:
                self.multi.add(f"multi{i}", long)

    def _exact(self, doc: Doc) -> Doc:
        return self.lemmatizer(self.ruler(doc))

    def _probe(self, doc: Doc, idx: list[int]) -> Doc:
        """The tokens of ``doc`` at ``idx`` side by side in a new Doc (text, tag, label), run
        through the model's ruler and lemmatizer."""
        toks = [doc[i] for i in idx]
        probe = Doc(self.vocab, words=[t.text for t in toks], spaces=[False] * len(toks),
                    tags=[t.tag_ for t in toks], deps=[t.dep_ for t in toks],
                    heads=list(range(len(toks))))
        return self._exact(probe)

    def _learn(self, doc: Doc, keys: list[tuple[int, int, int]], missing: list[int]) -> None:
        """Compute the keys of ``doc``'s tokens at ``missing`` with the model's components.
        Side by side in one probe, two neighbours could match a rule over two tokens that they
        do not match in ``doc``: those are computed again, each alone."""
        if len(self.cache) + len(missing) > MAX_KEYS:
            self.cache.clear()
        probe = self._probe(doc, missing)
        alone = {j for _, s, e in self.multi(probe) for j in range(s, e)}
        for j, i in enumerate(missing):
            t = self._probe(doc, [i])[0] if j in alone else probe[j]
            self.cache[keys[i]] = (t.pos, t.morph.key, t.lemma, t.tag, t.dep)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        keys = [tuple(r) for r in doc.to_array([ORTH, TAG, DEP]).tolist()]
        cache = self.cache
        missing = [i for i, k in enumerate(keys) if k not in cache]
        if missing:
            # a key seen twice in this doc is computed once
            first: dict = {}
            for i in missing:
                first.setdefault(keys[i], i)
            self._learn(doc, keys, list(first.values()))
        rows = [cache[k] for k in keys]
        out = np.array(rows, dtype="uint64")
        changed = np.nonzero((out[:, 3] != np.array([k[1] for k in keys], dtype="uint64"))
                             | (out[:, 4] != np.array([k[2] for k in keys], dtype="uint64")))[0]
        for i in changed.tolist():  # the ruler's whitespace rules rewrite tag and label
            doc[i].tag = int(out[i, 3])
            doc[i].dep = int(out[i, 4])
        doc.from_array([POS, MORPH, LEMMA], out[:, :3])
        for _, s, e in self.multi(doc):
            # rules over two tokens: the model's components on the matched words themselves
            part = doc[s:e].as_doc()
            for j, t in enumerate(part):  # as_doc relabels a token whose head is outside
                t.dep = doc[s + j].dep
            self._exact(part)
            for j, t in enumerate(part):
                d = doc[s + j]
                d.tag, d.dep, d.pos, d.lemma = t.tag, t.dep, t.pos, t.lemma
                d.set_morph(t.morph.key)
        return doc


@Language.factory("rashomon_attributes")
def _make(nlp: Language, name: str) -> FastAttributes:
    return FastAttributes(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"))


def install(nlp: Language) -> bool:
    """Replace ``attribute_ruler`` and ``lemmatizer`` of a loaded pipeline by one FastAttributes
    component, where the pipeline runs both, the ruler right before the lemmatizer. Returns
    whether it did."""
    names = nlp.pipe_names
    if "attribute_ruler" not in names or names.index("attribute_ruler") + 1 >= len(names) \
            or names[names.index("attribute_ruler") + 1] != "lemmatizer":
        return False
    nlp.add_pipe("rashomon_attributes", after="lemmatizer")
    nlp.remove_pipe("attribute_ruler")
    nlp.remove_pipe("lemmatizer")
    return True
