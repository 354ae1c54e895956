"""Events: who did what to whom, when and where, with casualties; merged across articles.

``find_events(article, doc, times, mentions)`` reads the event mentions of one article from its
spaCy parse (``extract``); ``merge_events(event_mentions, entities)`` maps their argument spans to
entity ids and joins the mentions of the same real event across articles into the contract's
Event objects (``merge``). The trigger words, stop words, composition rules, casualty words and
count qualifiers are data: ``rashomon/data/event_lexicon.tsv``.
"""
from .casualties import Count, count_np, parse_number
from .extract import find_events
from .merge import merge_events

__all__ = ["find_events", "merge_events", "count_np", "parse_number", "Count"]
