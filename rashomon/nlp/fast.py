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

import re

import numpy as np
from spacy.attrs import DEP, LEMMA, LOWER, MORPH, ORTH, POS, TAG
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
        long_rules = []
        for i, rule in enumerate(ruler.patterns):
            long = [p for p in rule["patterns"] if len(p) > 1]
            if long:
                self.multi.add(f"multi{i}", long)
                long_rules.extend(long)
        self.starts = _Starts(long_rules)

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

    def _matches(self, doc: Doc) -> list[tuple[int, int]]:
        """The (start, end) of every match of the rules over two tokens, as the Matcher finds
        them in the whole Doc, ordered as it orders them; the Matcher runs only on a window at
        each token that can begin a rule."""
        at = self.starts.positions(doc)
        if at is None:
            return [(s, e) for _, s, e in self.multi(doc)]
        width = self.starts.width
        found = []
        for i in at:
            for key, s, e in self.multi(doc[i:i + width]):
                if s == 0:  # one beginning further on is found from its own start
                    found.append((i, i + e, key))
        return [(s, e) for s, e, _ in found]

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
        for s, e in self._matches(doc):
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


class _Starts:
    """The tokens of a Doc that can begin one of the rules over two tokens. Running the Matcher
    over a whole document costs more than the table lookup itself (it builds a Token object per
    token), while a "let 's" or a "there is" is rare: the Matcher runs on a window at each of
    these tokens only. A first token given by ``LOWER`` (a string, ``IN`` a list, or ``REGEX``;
    with other conditions, which only narrow it), by ``TAG`` or by ``DEP`` (a string or ``IN``)
    is tested here with arrays; any other first token, or a rule of variable length, makes the
    Matcher run on the whole Doc, as before."""

    def __init__(self, patterns: list[list[dict]]):
        firsts = [p[0] for p in patterns]
        self.lower: set[str] = set()
        self.regex: list[re.Pattern] = []
        self.labels: dict[str, set[str]] = {"TAG": set(), "DEP": set()}
        self.always = False
        self.width = max((len(p) for p in patterns), default=0)
        self.memo: dict[int, bool] = {}  # lowercase form's hash -> whether it can begin a rule
        for tok in firsts:
            keys = set(tok) - {"OP"}
            if "LOWER" in keys:  # other conditions only narrow it: LOWER is enough to test
                self._add_lower(tok["LOWER"])
            elif len(keys) == 1 and keys <= {"TAG", "DEP"}:
                (k,) = keys
                v = tok[k]
                if isinstance(v, str):
                    self.labels[k].add(v)
                elif isinstance(v, dict) and set(v) == {"IN"}:
                    self.labels[k].update(v["IN"])
                else:
                    self.always = True
            else:
                self.always = True
        if any(t.get("OP") not in (None, "!", "1") for p in patterns for t in p):
            self.always = True  # a rule of variable length: run the Matcher on the whole Doc

    def _add_lower(self, v) -> None:
        if isinstance(v, str):
            self.lower.add(v)
        elif isinstance(v, dict) and set(v) == {"IN"}:
            self.lower.update(v["IN"])
        elif isinstance(v, dict) and set(v) == {"REGEX"}:
            self.regex.append(re.compile(v["REGEX"]))
        else:
            self.always = True

    def positions(self, doc: Doc) -> list[int] | None:
        """The indices of the tokens that can begin a rule (None: every token can)."""
        if self.always:
            return None
        strings = doc.vocab.strings
        arr = doc.to_array([LOWER, TAG, DEP])
        mask = np.zeros(len(doc), dtype=bool)
        for col, labels in ((1, self.labels["TAG"]), (2, self.labels["DEP"])):
            if labels:
                mask |= np.isin(arr[:, col], np.array([strings[v] for v in labels], dtype="uint64"))
        uniq, inverse = np.unique(arr[:, 0], return_inverse=True)
        hits = []
        for h in uniq.tolist():
            hit = self.memo.get(h)
            if hit is None:
                if len(self.memo) >= MAX_KEYS:
                    self.memo.clear()
                low = strings[h]
                hit = self.memo[h] = low in self.lower or any(r.search(low) for r in self.regex)
            hits.append(hit)
        mask |= np.array(hits, dtype=bool)[inverse.reshape(-1)]
        return np.nonzero(mask)[0].tolist()


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
