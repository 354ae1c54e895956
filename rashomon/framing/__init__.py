"""Framing: loaded or value-laden wording per article, with a neutral alternative where known.

``loaded_stage(analysis, ctx=None)`` is the corpus stage; it works with or without the reuse and
stories stages having run (they add contrast evidence when they have), and fills each story's
framing table (``labels.framing_stage``: how each article labels each entity).
"""
from .loaded import find_loaded, loaded_stage, parsed_extents, parsed_pos
from .labels import framing_stage
from .lexicon import lexicon

__all__ = ["loaded_stage", "find_loaded", "framing_stage", "lexicon", "parsed_extents", "parsed_pos"]
