"""A bounded cache of response bodies, never used while a write runs and emptied by every write.

Why a cache is correct here: while the server runs, nothing but the server can change the store
(DuckDB gives a writing process the file to itself, and a read-only server keeps writers out),
so a page stays valid until the server's own next ``POST /articles``. Each entry is the body
(bytes) of one page or JSON twin, keyed by its path and query. ``writing()`` wraps a write:
it empties the cache when the write starts and again when it ends, and in between every read is
computed from the store and not kept (the write commits part by part, so what a read sees may
change at any moment). A generation number, bumped at both ends, keeps a read that started
before a write from storing its (older) body after it. So once ``POST /articles`` has answered,
no page from before it is served, and none is served from the cache while it runs.

Bounds: ``size`` entries (``RASHOMON_SERVE_CACHE``, default 4096; 0 turns the cache off, as
``benchmarks/bench_serve.py`` does to measure the uncached path) and ``max_bytes`` of bodies in
all (default 256 MB; a story page can be a megabyte); the least recently used go first.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

DEFAULT_SIZE = 4096
DEFAULT_BYTES = 256 * 1024 * 1024


def size_from_env() -> int:
    value = os.environ.get("RASHOMON_SERVE_CACHE", "")
    return int(value) if value.strip().isdigit() else DEFAULT_SIZE


class PageCache:
    def __init__(self, size: int = DEFAULT_SIZE, max_bytes: int = DEFAULT_BYTES):
        self.size, self.max_bytes = size, max_bytes
        self.bytes = 0
        self._data: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0
        self._writers = 0

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """The cached body for ``key``, or ``compute()`` (kept unless a write ran meanwhile)."""
        if self.size <= 0:
            return compute()
        with self._lock:
            if self._writers:
                generation = None
            elif key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            else:
                generation = self._generation
        value = compute()
        if generation is None or len(value) > self.max_bytes // 4:
            return value
        with self._lock:
            if generation == self._generation and key not in self._data:
                self._data[key] = value
                self.bytes += len(value)
                while len(self._data) > self.size or self.bytes > self.max_bytes:
                    self.bytes -= len(self._data.popitem(last=False)[1])
        return value

    def clear(self, writers: int = 0) -> None:
        with self._lock:
            self._writers += writers
            self._data.clear()
            self.bytes = 0
            self._generation += 1

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Around a write to the store (see the module doc)."""
        self.clear(writers=1)
        try:
            yield
        finally:
            self.clear(writers=-1)
