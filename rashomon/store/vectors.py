"""The store's cache of sentence embeddings, so a story that grows is not embedded again.

An ``add`` compares every story it touches (``rashomon.store.corpus.update_story_sections``):
without a cache, a story of twenty articles that gains one would have the claims of all
twenty embedded again. ``VectorCache`` wraps the embedding function: the vectors of texts
already embedded come from the ``sentence_vectors`` table, only the others go to the model,
and their vectors are written back, in float32 as the model returned them (a cached vector is
the vector the model gave).

Keys are 64-bit hashes (BLAKE2b) of the embedding function's identity and precision with the
text: a store compared once with float32 and once with bfloat16 embeddings, or with a test's
stand-in, never mixes their vectors. Each row carries the store's day when it was last used
(the latest last day of a stored story, the day the clusterer's window runs back from, as a
proleptic ordinal like the stories' own days); rows unused for longer
than the stories' clustering window (``max_gap_days``: a story older than that takes no new
article) are dropped by ``evict``, so the cache holds the stories still growing, not the
archive. A story compared again after that is embedded again, once.
"""
from __future__ import annotations

import hashlib
import time
from typing import Callable

SCHEMA = [
    # h: hash of (embedding function, precision, text); day: store day of last use; vec: float32
    "CREATE TABLE sentence_vectors (h BIGINT NOT NULL, day INTEGER NOT NULL, vec BLOB NOT NULL)",
]


def _tag(embed_fn: Callable) -> str:
    """The embedding function's identity; for the packaged model, with the precision it loads in."""
    module = getattr(embed_fn, "__module__", "?")
    tag = f"{module}.{getattr(embed_fn, '__qualname__', type(embed_fn).__qualname__)}"
    if tag == "rashomon.compare.embed.embed":
        from ..compare.embed import default_dtype

        tag += "/" + default_dtype()
    return tag


def _key(tag: str, text: str) -> int:
    digest = hashlib.blake2b(f"{tag}\0{text}".encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class VectorCache:
    """``cache(texts)`` = ``embed_fn(texts)``, from the store where it can; ``model_seconds`` is
    the time spent in ``embed_fn``."""

    def __init__(self, con, embed_fn: Callable, day: int | None):
        self.con, self.embed_fn, self.day = con, embed_fn, day if day is not None else 0
        self.tag = _tag(embed_fn)
        self.model_seconds = 0.0

    def __call__(self, texts: list[str]):
        import numpy as np

        if not texts:
            return self.embed_fn(texts)
        keys = [_key(self.tag, t) for t in texts]
        found: dict[int, bytes] = dict(self.con.execute(
            "SELECT h, vec FROM sentence_vectors WHERE h IN (SELECT unnest($1))",
            [sorted(set(keys))]).fetchall())
        missing = {k: t for t, k in zip(texts, keys) if k not in found}
        if found:
            self.con.execute("UPDATE sentence_vectors SET day = greatest(day, $2) WHERE h IN (SELECT unnest($1))",
                             [list(found), self.day])
        if missing:
            t = time.perf_counter()
            vecs = np.asarray(self.embed_fn(list(missing.values())), dtype="float32")
            self.model_seconds += time.perf_counter() - t
            new = {k: v.tobytes() for k, v in zip(missing, vecs)}
            self.con.execute("INSERT INTO sentence_vectors SELECT unnest($1), $2, unnest($3)",
                             [list(new), self.day, list(new.values())])
            found.update(new)
        return np.stack([np.frombuffer(found[k], dtype="float32") for k in keys])


def store_day(con) -> int | None:
    """The latest day of the stored stories (``story_state.last_day``), None when none is dated."""
    return con.execute("SELECT max(last_day) FROM story_state").fetchone()[0]


def evict(con, day: int | None, keep_days: float) -> int:
    """Drop the vectors last used more than ``keep_days`` before ``day``; return how many."""
    if day is None:
        return 0
    return con.execute("DELETE FROM sentence_vectors WHERE day < ?", [int(day - keep_days)]).fetchone()[0]
