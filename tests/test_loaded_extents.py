"""Loaded-language spans on our own fictional sentences: mild (conventional) wording and terms
of the lexicon's added categories."""
from rashomon.framing import find_loaded


def marked(text, **kw):
    return [x.text for x in find_loaded(text, **kw)]


def test_conventional_wording_is_mild():
    # "seemingly" and "go after" are ordinary news wording: marked on contrast evidence only
    text = "The Tarrow mayor seemingly ignored the memo. Ms. Orrin is free to go after the hearing."
    assert marked(text) == []
    assert marked(text, mild=True) == ["seemingly", "go after"]


def test_terms_of_the_added_categories_are_marked():
    text = ("The Vell county board stymied the ferry plan, a petulant move that needlessly "
            "delayed the harbour works.")
    assert [(x.text, x.neutral) for x in find_loaded(text)] == [
        ("stymied", "blocked"), ("petulant", None), ("needlessly", None)]
