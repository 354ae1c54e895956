"""Candidate pairs from compact per-article features, in about linear time.

``Features`` holds, per article, a content hash, a MinHash signature of its word 3-shingles and
two small fingerprint sets; nothing else of the text. Three routes give candidate pairs:

* ``exact``: equal content hashes (the word keys in order);
* ``lsh``: MinHash LSH over word 3-shingles of the body (without ``EDGE_WORDS`` at either end) (datasketch ``MinHashLSH`` with explicit bands and
  rows), for near-duplicates and rewrites;
* ``passage``/``quote``: winnowed word 8-gram fingerprints (Schleimer et al., 2003) of the body,
  and all word 6-grams inside quotation marks; pairs sharing ``PASSAGE_MIN`` body fingerprints or
  ``QUOTE_MIN`` quoted 6-grams are candidates even when the rest differs (partial reuse, shared
  quotations). Fingerprints held by more than ``DF_MAX`` articles are stock phrases and ignored,
  and so are those within ``EDGE_WORDS`` of either end of the text (an outlet's stock lines).

Signatures are computed in numpy batches with datasketch's ``affine32`` scheme (MurmurHash3
finaliser, then ``a*h+b mod 2**32``), so they are ordinary ``LeanMinHash`` values.
"""
from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from .text import quoted_ranges, word_keys

__all__ = ["Features", "LSHParams", "features", "candidates"]

SHINGLE = 3
PASSAGE_K, PASSAGE_W = 8, 8  # k-gram size and winnowing window: shared runs of k+w-1 = 15 words are always seen
QUOTE_K = 6
PASSAGE_MIN = 2
QUOTE_MIN = 2
DF_MAX = 50
EDGE_WORDS = 40  # words at either end left out of signatures and fingerprints: stock opening/closing lines
BUCKET_MAX = 2000  # an LSH bucket holding more articles than this is stock text, skipped
_M64 = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class LSHParams:
    num_perm: int = 128
    bands: int = 42
    rows: int = 3
    seed: int = 1


@dataclass
class Features:
    """Compact features of n articles (row i is article i)."""

    params: LSHParams
    content: list[bytes] = field(default_factory=list)
    signatures: np.ndarray | None = None  # (n, num_perm) uint32
    fp_hash: np.ndarray | None = None  # body fingerprints: hash, article index
    fp_doc: np.ndarray | None = None
    q_hash: np.ndarray | None = None  # quoted 6-grams: hash, article index
    q_doc: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.content)


_token_hash: dict[str, int] = {}


def _ids(keys: list[str]) -> np.ndarray:
    th = _token_hash
    out = []
    for k in keys:
        h = th.get(k)
        if h is None:
            h = th[k] = zlib.crc32(k.encode("utf-8"))
        out.append(h)
    return np.array(out, dtype=np.uint64)


def _kgrams(ids: np.ndarray, k: int) -> np.ndarray:
    """64-bit hashes of the word k-grams (a polynomial over the word hashes)."""
    n = len(ids) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for m in range(k):
            h = h * _M64 + ids[m:m + n] + np.uint64(1)
        h ^= h >> np.uint64(29)
    return h


def _winnow(h: np.ndarray, w: int, edge: int) -> np.ndarray:
    """Winnowed k-gram hashes, leaving out those within ``edge`` words of either end."""
    if len(h) <= w:
        pos = np.arange(min(1, len(h)))
    else:
        win = np.lib.stride_tricks.sliding_window_view(h, w)
        pos = np.unique(win.argmin(axis=1) + np.arange(len(win)))
    pos = pos[(pos >= edge) & (pos < len(h) - edge)]
    return np.unique(h[pos])


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


class _SignatureBatch:
    """Accumulates shingle hashes of several articles and min-reduces them in one numpy pass."""

    def __init__(self, params: LSHParams, limit: int = 60_000):
        a, b = MinHash(num_perm=params.num_perm, seed=params.seed, scheme="affine32").permutations
        self.a, self.b = a.astype(np.uint32)[:, None], b.astype(np.uint32)[:, None]
        self.limit, self.parts, self.size, self.out = limit, [], 0, []

    def add(self, shingles: np.ndarray) -> None:
        if not len(shingles):  # an empty article: a signature that matches nothing
            shingles = np.array([len(self.out) + len(self.parts)], dtype=np.uint32) ^ np.uint32(0xDEADBEEF)
        self.parts.append(shingles)
        self.size += len(shingles)
        if self.size >= self.limit:
            self.flush()

    def flush(self) -> None:
        if not self.parts:
            return
        hv = _fmix32(np.concatenate(self.parts))
        starts = np.cumsum([0] + [len(p) for p in self.parts[:-1]])
        with np.errstate(over="ignore"):
            phv = hv[None, :] * self.a + self.b
        self.out.append(np.minimum.reduceat(phv, starts, axis=1).T)
        self.parts, self.size = [], 0

    def result(self) -> np.ndarray:
        self.flush()
        return np.concatenate(self.out) if self.out else np.empty((0, len(self.a)), np.uint32)


def features(texts: Iterable[str], params: LSHParams = LSHParams()) -> Features:
    """Compute the compact features of the texts, streaming (one text in memory at a time)."""
    f = Features(params)
    batch = _SignatureBatch(params)
    fps, fdocs, qs, qdocs = [], [], [], []
    for n, text in enumerate(texts):
        keys = word_keys(text)
        f.content.append(hashlib.blake2b("\x1f".join(keys).encode("utf-8"), digest_size=12).digest())
        ids = _ids(keys)
        edge = min(EDGE_WORDS, len(ids) // 5)
        body = ids[edge:len(ids) - edge]
        sh = _kgrams(body, SHINGLE) if len(body) >= SHINGLE else body
        batch.add(np.unique((sh ^ (sh >> np.uint64(32))).astype(np.uint32)))
        fp = _winnow(_kgrams(ids, PASSAGE_K), PASSAGE_W, edge)
        fps.append(fp)
        fdocs.append(np.full(len(fp), n, dtype=np.int32))
        quoted = [_kgrams(_ids(word_keys(text[s:e])), QUOTE_K) for s, e in quoted_ranges(text)]
        if quoted:
            q = np.unique(np.concatenate(quoted))
            qs.append(q)
            qdocs.append(np.full(len(q), n, dtype=np.int32))
    f.signatures = batch.result()
    cat = lambda xs, dt: np.concatenate(xs) if xs else np.empty(0, dtype=dt)  # noqa: E731
    f.fp_hash, f.fp_doc = cat(fps, np.uint64), cat(fdocs, np.int32)
    f.q_hash, f.q_doc = cat(qs, np.uint64), cat(qdocs, np.int32)
    return f


def _exact_pairs(f: Features) -> set[tuple[int, int]]:
    groups: dict[bytes, list[int]] = {}
    for i, h in enumerate(f.content):
        groups.setdefault(h, []).append(i)
    return {(g[x], g[y]) for g in groups.values() if len(g) > 1
            for x in range(len(g)) for y in range(x + 1, len(g))}


def _lsh_pairs(f: Features) -> set[tuple[int, int]]:
    p = f.params
    lsh = MinHashLSH(num_perm=p.num_perm, params=(p.bands, p.rows))
    with lsh.insertion_session() as session:
        for i, row in enumerate(f.signatures):
            session.insert(i, LeanMinHash(seed=p.seed, hashvalues=row, scheme="affine32"),
                           check_duplication=False)
    pairs: set[tuple[int, int]] = set()
    for table in lsh.hashtables:
        for bucket in table.keys():
            members = table.get(bucket)
            if 1 < len(members) <= BUCKET_MAX:
                m = sorted(members)
                pairs.update((m[x], m[y]) for x in range(len(m)) for y in range(x + 1, len(m)))
    return pairs


def _shared_hash_pairs(hashes: np.ndarray, docs: np.ndarray, min_shared: int) -> set[tuple[int, int]]:
    """Pairs of articles holding at least ``min_shared`` common hashes (ignoring stock ones)."""
    if not len(hashes):
        return set()
    order = np.lexsort((docs, hashes))
    h, d = hashes[order], docs[order]
    keep = np.ones(len(h), bool)
    keep[1:] = (h[1:] != h[:-1]) | (d[1:] != d[:-1])
    h, d = h[keep], d[keep]
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    sizes = np.diff(np.r_[starts, len(h)])
    n = np.int64(int(d.max()) + 1)
    keys = []
    two = starts[sizes == 2]
    keys.append(d[two].astype(np.int64) * n + d[two + 1])
    for s, size in zip(starts[(sizes > 2) & (sizes <= DF_MAX)], sizes[(sizes > 2) & (sizes <= DF_MAX)]):
        g = d[s:s + size].astype(np.int64)
        x, y = np.triu_indices(size, 1)
        keys.append(g[x] * n + g[y])
    allk = np.concatenate(keys)
    uniq, counts = np.unique(allk, return_counts=True)
    good = uniq[counts >= min_shared]
    return set(zip((good // n).tolist(), (good % n).tolist()))


def candidates(f: Features) -> dict[tuple[int, int], set[str]]:
    """Candidate pairs (i < j) with the routes that proposed each."""
    out: dict[tuple[int, int], set[str]] = {}
    for route, pairs in (("exact", _exact_pairs(f)), ("lsh", _lsh_pairs(f)),
                         ("passage", _shared_hash_pairs(f.fp_hash, f.fp_doc, PASSAGE_MIN)),
                         ("quote", _shared_hash_pairs(f.q_hash, f.q_doc, QUOTE_MIN))):
        for pair in pairs:
            out.setdefault(pair, set()).add(route)
    return out
